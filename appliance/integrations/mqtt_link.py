"""One connection to the shop's MQTT broker, with paho-mqtt, for the MQTT thread (mqtt_bridge).

A link lives for one connection: paho's own network thread makes one connection attempt; when it
fails, is refused, or the established connection drops, the link is over and the bridge makes a
new one after its backoff. So nothing paho keeps in memory outlives a connection, and the
bridge's durable list of events stays the only record of what still has to go.

paho's callbacks run on its network thread and only post messages to the bridge:

    ("connected", link)            the broker accepted us
    ("refused", link, reason)      the broker answered but refused (bad password, ...)
    ("unreachable", link)          the connection attempt failed (nobody answered)
    ("disconnected", link, reason) an established connection ended
    ("acked", link, mid)           the broker has the message with this id (QoS 1 PUBACK)
    ("command", link, topic, payload, retained)
"""
from __future__ import annotations

import logging
from typing import Callable, Optional

log = logging.getLogger(__name__)

KEEPALIVE = 30           # seconds; the broker sends the last will ~45 s after the box went silent
CONNECT_TIMEOUT = 5.0
CLOSE_WAIT = 2.0         # how long "offline" may take to reach the broker when closing


class MqttLink:
    """A paho client for one connection; every call returns at once (or within CLOSE_WAIT)."""

    def __init__(self, mqtt: dict, client_id: str, will_topic: str,
                 post: Callable[[tuple], None]):
        self.mqtt = mqtt
        self.client_id = client_id
        self.will_topic = will_topic
        self.post = post
        self.client = None

    @property
    def address(self) -> str:
        return f"{self.mqtt['host']}:{self.mqtt['port']}"

    def start(self) -> None:
        """Begin connecting in paho's thread (raises ValueError/OSError for an unusable setup,
        e.g. TLS without certificates)."""
        import paho.mqtt.client as paho
        from paho.mqtt.enums import CallbackAPIVersion
        client = paho.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id,
                             protocol=paho.MQTTv311, clean_session=True,
                             reconnect_on_failure=False)
        client.will_set(self.will_topic, "offline", qos=1, retain=True)
        if self.mqtt.get("username"):
            client.username_pw_set(self.mqtt["username"], self.mqtt.get("password") or None)
        if self.mqtt.get("tls"):
            client.tls_set()            # the system's CA certificates; the name is checked
        client.connect_timeout = CONNECT_TIMEOUT
        client.on_connect = self._connected
        client.on_connect_fail = lambda c, userdata: self.post(("unreachable", self))
        client.on_disconnect = self._disconnected
        client.on_publish = lambda c, userdata, mid, reason, props: self.post(
            ("acked", self, mid))
        client.on_message = lambda c, userdata, msg: self.post(
            ("command", self, msg.topic, bytes(msg.payload), bool(msg.retain)))
        client.connect_async(self.mqtt["host"], int(self.mqtt["port"]), keepalive=KEEPALIVE)
        self.client = client
        client.loop_start()

    def publish(self, topic: str, payload, retain: bool = False) -> Optional[int]:
        """Hand a QoS 1 message to paho; its message id, or None when it was not taken."""
        if self.client is None:
            return None
        info = self.client.publish(topic, payload, qos=1, retain=retain)
        return info.mid if info.rc == 0 else None

    def subscribe(self, topic: str) -> None:
        if self.client is not None:
            self.client.subscribe(topic, qos=1)

    def close(self, offline: bool) -> None:
        """End the connection (saying "offline" first when connected) and paho's thread."""
        client, self.client = self.client, None
        if client is None:
            return
        try:
            if offline and client.is_connected():
                info = client.publish(self.will_topic, "offline", qos=1, retain=True)
                info.wait_for_publish(CLOSE_WAIT)
            client.disconnect()
        except (OSError, RuntimeError, ValueError) as error:
            log.debug("closing the MQTT connection: %s", error)
        client.loop_stop()

    def _connected(self, client, userdata, flags, reason, properties) -> None:
        if reason.is_failure:
            self.post(("refused", self, str(reason)))
        else:
            self.post(("connected", self))

    def _disconnected(self, client, userdata, flags, reason, properties) -> None:
        self.post(("disconnected", self, str(reason)))
