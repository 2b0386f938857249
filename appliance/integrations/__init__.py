"""Adapters to the shop's other systems: the MQTT broker (with Home Assistant discovery) and
webhooks. Built and started by the composition root (appliance/app/bootstrap.py); the service never
imports this package. The places where things happen hand box events (appliance/core/box_events.py)
to `Integrations.emit`, which only enqueues: nothing here is ever on the text-back path.

    box_id.py          the box's stable id (a small file in the data folder)
    durable_queue.py   a bounded, ordered list of records kept in one atomically written file
    hub.py             Integrations: fans events out to MQTT and webhooks; start/stop
    ha_discovery.py    Home Assistant discovery configs and the topic names
    mqtt_link.py       one connection to the broker (paho-mqtt), callbacks turned into messages
    mqtt_bridge.py     the MQTT thread: events in order, status, commands, reconnects
    webhook_post.py    one signed POST
    webhooks.py        the webhook thread: durable deliveries, retries for a day, last results
"""
