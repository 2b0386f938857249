"""The integration parts on their own: the durable event list, the box id, box events, and the
Home Assistant discovery configs, whose value templates are rendered with Jinja2 (the template
engine Home Assistant uses) against a real box's /api/status object."""
from __future__ import annotations

import json
import os
import stat
from datetime import datetime, timezone

from jinja2.sandbox import ImmutableSandboxedEnvironment

from appliance.core import box_events
from appliance.core.records import Call, Message, OutboxItem
from appliance.integrations import ha_discovery
from appliance.integrations.box_id import get_or_create_box_id, read_box_id
from appliance.integrations.durable_queue import DurableQueue
from appliance.core.settings_connections import MQTT_DEFAULTS

NOW = datetime(2026, 11, 27, 14, 30, tzinfo=timezone.utc)


def test_the_durable_list_keeps_order_bounds_and_survives_reopening(tmp_path):
    path = tmp_path / "events.json"
    queue = DurableQueue(path, limit=3)
    for i in range(4):
        dropped = queue.append({"id": f"e{i}", "n": i})
    assert [d["id"] for d in dropped] == ["e0"]             # full: the oldest goes
    assert queue.append({"id": "e2", "n": 99}) == []        # the same id is not added twice
    queue.update("e3", tries=2)
    assert queue.remove(["e1", "nope"]) == 1
    again = DurableQueue(path, limit=3)
    assert again.items() == [{"id": "e2", "n": 2}, {"id": "e3", "n": 3, "tries": 2}]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_unreadable_list_is_moved_aside_and_starts_empty(tmp_path):
    path = tmp_path / "events.json"
    path.write_bytes(b'{"items": [{"id": "e1"}, {"no id"')
    queue = DurableQueue(path, limit=10)
    assert queue.items() == []
    assert [p.name.startswith("events.json.corrupt-") for p in tmp_path.iterdir()] == [True]
    queue.append({"id": "e2"})
    assert DurableQueue(path, limit=10).items() == [{"id": "e2"}]


def test_the_box_id_is_made_once_and_kept(tmp_path):
    first = get_or_create_box_id(tmp_path)
    assert len(first) == 12 and int(first, 16) >= 0
    assert get_or_create_box_id(tmp_path) == first == read_box_id(tmp_path)
    assert stat.S_IMODE((tmp_path / "box-id").stat().st_mode) == 0o600
    (tmp_path / "box-id").write_text("not an id\n")
    assert get_or_create_box_id(tmp_path) != first          # garbage is replaced, not used
    assert get_or_create_box_id(tmp_path) == read_box_id(tmp_path)


def test_events_have_stable_ids_and_round_trip_as_json():
    call = Call(id="c-202611-ab", number="+12125551234", outcome="queued", rings=2,
                started_at="2026-11-27T14:29:50+00:00", ended_at="2026-11-27T14:30:00+00:00")
    event = box_events.call_missed(call, NOW)
    assert event.id == box_events.call_missed(call, NOW).id == "missed_call-c-202611-ab"
    data = event.as_dict()
    assert data["type"] == "missed_call" and data["at"] == "2026-11-27T14:30:00.000+00:00"
    assert box_events.from_dict(json.loads(json.dumps(data))) == event
    item = OutboxItem(kind="reply", to="+12125551234", message_id="m-1")
    assert box_events.text_back_finished(item, "sent", NOW) is None   # only text-backs
    message = Message(id="m-2", number="+12125551234", text="Burst pipe! " * 60)
    reply, urgent = box_events.reply_received(message, ["burst"], NOW)
    assert reply.details["urgent"] and urgent.details["words"] == ["burst"]
    assert len(reply.details["text"]) == box_events.TEXT_SHOWN


def _render(template: str, value: dict) -> str:
    # Home Assistant renders templates in Jinja2's immutable sandbox, as here.
    return ImmutableSandboxedEnvironment().from_string(template).render(value_json=value)


def test_discovery_templates_read_the_status_object(tmp_path):
    from tests.appliance.box_support import running_box
    with running_box(tmp_path / "box", settings={"paused": True}) as app:
        status = json.loads(json.dumps(app.box.status()))       # as the status topic carries it
    mqtt = {**MQTT_DEFAULTS, "discovery_prefix": "ha"}
    configs = dict(ha_discovery.configs(status["box_id"], mqtt, "Ace Plumbing", "1.0.0"))
    by_key = {topic.split("/")[2].split("_", 1)[1]: config for topic, config in configs.items()}
    assert all(topic.startswith("ha/") and topic.endswith("/config") for topic in configs)
    assert _render(by_key["missed_today"]["value_template"], status) == \
        str(status["today"]["missed"])
    assert _render(by_key["signal"]["value_template"], status) == \
        str(status["modem"]["signal_percent"])
    assert _render(by_key["modem_state"]["value_template"], status) == "ready"
    assert "ready" in by_key["modem_state"]["options"]
    assert _render(by_key["paused"]["value_template"], status) == "ON"
    assert _render(by_key["away"]["value_template"], status) == "OFF"
    assert by_key["paused"]["command_topic"] == f"textback/{status['box_id']}/set/paused"
    assert len({c["unique_id"] for c in configs.values()}) == len(configs)


def test_the_event_entity_takes_missed_calls_and_replies_only():
    template = ha_discovery.EVENT_TEMPLATE
    call = box_events.call_missed(Call(id="c-1", number="+12125551234", outcome="queued"),
                                  NOW).as_dict()
    rendered = json.loads(_render(template, call))
    assert rendered["event_type"] == "missed_call" and rendered["number"] == "+12125551234"
    text = box_events.reply_received(Message(id="m-1", number="+1212", text='Say "hi" <b>'),
                                     [], NOW)[0].as_dict()
    assert json.loads(_render(template, text))["text"] == 'Say "hi" <b>'
    fault = box_events.fault_changed(True, "No SIM", "Insert it", NOW).as_dict()
    assert _render(template, fault).strip() == ""           # Home Assistant ignores empty


def test_commands_are_read_from_their_own_topics_only():
    topics = ha_discovery.topics("textback", "abc")
    assert topics.command_of("textback/abc/set/paused") == "paused"
    assert topics.command_of("textback/other/set/paused") is None
    assert topics.command_of("textback/abc/set/volume") is None
    assert [ha_discovery.switch_value(p) for p in (b"ON", b" off\n", b"1", b"\xff")] == \
        [True, False, None, None]
    assert os.path.basename(topics.commands) == "+"
