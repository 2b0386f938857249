"""The box on a real Mosquitto broker: Home Assistant discovery, events, commands, a broker that
is killed and comes back, and two boxes on one broker.

Real parts throughout: whole boxes on the modem simulator (tests/appliance/box_support.py), the
broker from the `broker` fixture, and paho-mqtt clients listening as Home Assistant would.
"""
from __future__ import annotations

import json

from tests.appliance.box_support import CALLER, OTHER_CALLER, running_box, wait_call
from tests.helpers import wait_for
from tests.integrations.broker_support import Listener
from tests.integrations.conftest import mqtt_settings

COMPONENTS = {"sensor": 5, "switch": 2, "event": 1}


def discovery(listener: Listener, box_id: str) -> dict:
    """Discovery configs of one box received so far: topic -> (config, retained)."""
    return {topic: (json.loads(payload), retained)
            for topic, payload, retained in listener.received("homeassistant/")
            if f"/{box_id}_" in topic and topic.endswith("/config") and payload}


def wait_discovery(listener: Listener, box_id: str) -> dict:
    return wait_for(lambda: len(discovery(listener, box_id)) == sum(COMPONENTS.values())
                    and discovery(listener, box_id), 10, "every discovery config")


def event_ids(listener: Listener, box_id: str) -> list[str]:
    return [e["id"] for e in listener.events(f"textback/{box_id}/event")]


def call_event(listener: Listener, box_id: str, kind: str, number: str):
    return next((e for e in listener.events(f"textback/{box_id}/event")
                 if e["type"] == kind and e["number"] == number), None)


def test_discovery_events_commands_and_a_killed_broker(tmp_path, broker):
    # A persistent session, as a consumer that must not miss events would use.
    listener = Listener(broker.port, ("textback/#",), client_id="shop-listener",
                        persistent=True)
    with running_box(tmp_path / "box", settings={"mqtt": mqtt_settings(broker)}) as app:
        box_id = app.box_id
        base = f"textback/{box_id}"
        # Discovery, availability and status are retained: a client that comes later gets them.
        wait_for(lambda: listener.latest(f"{base}/status"), 10, "status published")
        late = Listener(broker.port, ("homeassistant/#", f"{base}/#"))
        configs = wait_discovery(late, box_id)
        assert all(retained for _, retained in configs.values())
        kinds = [topic.split("/")[1] for topic in configs]
        assert {k: kinds.count(k) for k in COMPONENTS} == COMPONENTS
        assert {c["device"]["identifiers"][0] for c, _ in configs.values()} == \
            {f"textback_{box_id}"}
        wait_for(lambda: (f"{base}/availability", b"online", True) in late.received(), 5,
                 "availability online, retained")
        status = wait_for(lambda: json.loads(late.latest(f"{base}/status")), 5, "status")
        assert status["box_id"] == box_id
        wait_for(lambda: json.loads(late.latest(f"{base}/status"))["modem"]["state"] == "ready",
                 5, "the status topic following the modem")
        late.close()

        # A missed call: its event, then the text-back's, in that order.
        app.demo_phone.ring(CALLER, rings=1)
        wait_for(lambda: call_event(listener, box_id, "text_back", CALLER), 10, "text_back")
        missed = call_event(listener, box_id, "missed_call", CALLER)
        assert missed["outcome"] == "queued" and missed["call_id"] == wait_call(app)[0].id
        sent = call_event(listener, box_id, "text_back", CALLER)
        assert sent["status"] == "sent" and sent["call_id"] == missed["call_id"]
        ids = event_ids(listener, box_id)
        assert ids.index(missed["id"]) < ids.index(sent["id"])

        # The broker dies. A missed call meanwhile is texted back at once; its events wait.
        broker.save()                 # the listener's session is on disk before the kill
        broker.kill()
        app.demo_phone.ring(OTHER_CALLER, rings=1)
        calls = wait_call(app, 2, outcome="texted")
        wait_for(lambda: len(app.integrations.mqtt.journal) >= 2, 5, "events kept meanwhile")
        assert calls[0].number == OTHER_CALLER

        broker.start()                # the same port; the box reconnects by itself
        wait_for(lambda: call_event(listener, box_id, "text_back", OTHER_CALLER), 15,
                 "the events from while the broker was down")
        ids = event_ids(listener, box_id)
        later = [call_event(listener, box_id, k, OTHER_CALLER)["id"]
                 for k in ("missed_call", "text_back")]
        assert ids.index(later[0]) < ids.index(later[1])
        wait_for(lambda: len(app.integrations.mqtt.journal) == 0, 5, "every event acknowledged")

        # After the restart the retained topics are back (the broker kept none of them).
        again = Listener(broker.port, ("homeassistant/#",))
        wait_discovery(again, box_id)
        again.close()

        # Home Assistant's switch: set/paused ON pauses the box, and the status says so.
        listener.publish(f"{base}/set/paused", "ON")
        wait_for(lambda: app.store.settings()["paused"], 5, "paused by MQTT")
        wait_for(lambda: json.loads(listener.latest(f"{base}/status"))["paused"], 5,
                 "status shows paused")
        listener.publish(f"{base}/set/away", "on")
        wait_for(lambda: app.store.settings()["away"]["on"], 5, "away by MQTT")
        listener.publish(f"{base}/set/paused", "maybe")          # ignored, logged
        assert any("from MQTT" in e["text"] for e in app.store.events(limit=20))
    # Stopping the box says "offline" (a crash would leave it to the last will).
    wait_for(lambda: listener.latest(f"{base}/availability") == b"offline", 5, "offline")
    assert app.store.settings()["paused"] is True
    listener.close()


def test_two_boxes_on_one_broker_are_two_devices(tmp_path, broker):
    settings = {"mqtt": mqtt_settings(broker)}
    listener = Listener(broker.port, ("homeassistant/#", "textback/#"))
    with running_box(tmp_path / "van1", settings=settings) as van1, \
            running_box(tmp_path / "van2", settings={**settings, "business_name": "Van 2"}) \
            as van2:
        assert van1.box_id != van2.box_id
        first, second = wait_discovery(listener, van1.box_id), \
            wait_discovery(listener, van2.box_id)
        devices = {json.dumps(c["device"]["identifiers"]) for c, _ in first.values()} | \
            {json.dumps(c["device"]["identifiers"]) for c, _ in second.values()}
        assert len(devices) == 2
        # The device is named after the business, and which box once the SIM's number is known.
        number = van2.modem.status.sim_number
        wait_for(lambda: {c["device"]["name"] for c, _ in discovery(
            listener, van2.box_id).values()} == {f"Van 2 {number}"}, 5, "the device renamed")
        for app in (van1, van2):
            wait_for(lambda b=app: listener.latest(f"textback/{b.box_id}/availability")
                     == b"online", 5, "both online")
        # Each box's entities read its own tree, and a command reaches only its box.
        assert all(f"textback/{van2.box_id}/" in c.get("state_topic", "")
                   for c, _ in second.values())
        listener.publish(f"textback/{van2.box_id}/set/paused", "ON")
        wait_for(lambda: van2.store.settings()["paused"], 5, "van 2 paused")
        assert van1.store.settings()["paused"] is False
    listener.close()


def test_events_kept_while_the_broker_is_away_survive_a_restart_of_the_box(tmp_path, broker):
    listener = Listener(broker.port, ("textback/#",), client_id="shop-listener",
                        persistent=True)
    broker.save()
    broker.kill()                         # the broker is away before the box even starts
    settings = {"mqtt": mqtt_settings(broker)}
    with running_box(tmp_path / "box", settings=settings) as app:
        app.demo_phone.ring(CALLER, rings=1)
        wait_call(app, outcome="texted")
        journal = app.integrations.mqtt.journal
        wait_for(lambda: len(journal) == 2, 5, "both events kept")
        kept = [e["id"] for e in journal.items()]
        page = app.integrations.mqtt.state()
        assert page["pending"] == 2 and not page["connected"] and page["last_error"]
    broker.start()
    with running_box(tmp_path / "box", settings=settings) as app:     # the same data folder
        wait_for(lambda: event_ids(listener, app.box_id)[:2] == kept, 15,
                 "the kept events, in order, after the restart")
        wait_for(lambda: len(app.integrations.mqtt.journal) == 0, 5, "acknowledged")
    listener.close()


def test_a_retained_command_is_not_obeyed_and_is_cleared_from_the_broker(tmp_path, broker):
    # `mosquitto_pub -r ... set/paused -m ON` (or a Home Assistant switch with retain: true)
    # left on the broker would pause the box again at every reconnect and every restart.
    from appliance.integrations.box_id import get_or_create_box_id
    box_id = get_or_create_box_id(tmp_path / "box")
    base = f"textback/{box_id}"
    listener = Listener(broker.port, (f"{base}/#",))
    for topic in ("set/paused", "set/away"):
        listener.client.publish(f"{base}/{topic}", "ON", qos=1, retain=True).wait_for_publish(5)
    wait_for(lambda: listener.latest(f"{base}/set/away") == b"ON", 5, "the retained commands")
    with running_box(tmp_path / "box", settings={"mqtt": mqtt_settings(broker)}) as app:
        # The box clears both from the broker (the listener sees the empty payloads) ...
        wait_for(lambda: listener.latest(f"{base}/set/paused") == b"" and
                 listener.latest(f"{base}/set/away") == b"", 10, "the retained commands cleared")
        notes = [e["text"] for e in app.store.events(limit=20) if "retained" in e["text"]]
        assert len(notes) == 2 and all("set/" in note for note in notes)
        assert app.store.settings()["paused"] is False
        assert app.store.settings()["away"]["on"] is False
        # ... so a client that comes later gets the box's status but no command.
        late = Listener(broker.port, (f"{base}/#",))
        wait_for(lambda: late.latest(f"{base}/status"), 5, "the retained status")
        assert not late.received(f"{base}/set/")
        late.close()
        # A command sent as it should be (not retained) is obeyed.
        listener.publish(f"{base}/set/paused", "ON")
        wait_for(lambda: app.store.settings()["paused"], 5, "paused by MQTT")
    listener.close()
