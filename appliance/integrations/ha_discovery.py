"""The box's MQTT topics and its Home Assistant discovery configs.

Under `<prefix>/<box_id>/` (prefix "textback" by default):

    availability   "online" / "offline", retained; "offline" is also the connection's last will
    status         the /api/status object as JSON, retained, published when it changes
    event          one JSON object per box event (box_events.py), not retained
    set/paused     commands "ON" / "OFF"
    set/away       commands "ON" / "OFF"

Discovery configs (retained) go to `<discovery_prefix>/<component>/<box_id>_<what>/config`:
five sensors (missed today, texted today, replies waiting, signal, modem state), two switches
(paused, away) and one event entity (missed calls and replies), all on one device per box whose
identifier is the box id, so two boxes on one broker are two devices. Every entity reads the
status topic with a value template; the event entity's template hands Home Assistant only
missed calls and replies (others render empty, which Home Assistant ignores).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

MODEM_STATES = ["ready", "starting", "no_modem", "no_sim", "sim_pin", "searching", "error"]
COMMANDS = ("paused", "away")
HA_EVENT_TYPES = ["missed_call", "reply"]
EVENT_TEMPLATE = (
    "{% if value_json.type in ['missed_call', 'reply'] %}"
    "{{ {'event_type': value_json.type, 'number': value_json.number, 'at': value_json.at, "
    "'id': value_json.id, 'outcome': value_json.get('outcome'), "
    "'text': value_json.get('text'), 'urgent': value_json.get('urgent')} | tojson }}"
    "{% endif %}")
# (key, name, value template, extra config)
SENSORS = (
    ("missed_today", "Missed calls today", "{{ value_json.today.missed }}",
     {"state_class": "total_increasing", "icon": "mdi:phone-missed"}),
    ("texted_today", "Texted back today", "{{ value_json.today.texted }}",
     {"state_class": "total_increasing", "icon": "mdi:message-reply-text"}),
    ("replies_waiting", "Replies waiting", "{{ value_json.unread }}",
     {"state_class": "measurement", "icon": "mdi:message-badge"}),
    ("signal", "Signal", "{{ value_json.modem.signal_percent }}",
     {"unit_of_measurement": "%", "state_class": "measurement", "icon": "mdi:signal",
      "entity_category": "diagnostic"}),
    ("modem_state", "Modem", "{{ value_json.modem.state }}",
     {"device_class": "enum", "options": MODEM_STATES, "icon": "mdi:sim",
      "entity_category": "diagnostic"}),
)
SWITCHES = (("paused", "Paused", "mdi:pause-circle"), ("away", "Away mode", "mdi:beach"))


@dataclass(frozen=True)
class Topics:
    base: str

    @property
    def availability(self) -> str:
        return f"{self.base}/availability"

    @property
    def status(self) -> str:
        return f"{self.base}/status"

    @property
    def event(self) -> str:
        return f"{self.base}/event"

    @property
    def commands(self) -> str:
        """The subscription that takes every command."""
        return f"{self.base}/set/+"

    def command(self, name: str) -> str:
        return f"{self.base}/set/{name}"

    def command_of(self, topic: str) -> Optional[str]:
        """"paused" for `<base>/set/paused`; None for any other topic."""
        head, _, name = topic.rpartition("/")
        return name if head == f"{self.base}/set" and name in COMMANDS else None


def topics(prefix: str, box_id: str) -> Topics:
    return Topics(f"{prefix}/{box_id}")


def switch_value(payload: bytes) -> Optional[bool]:
    """"ON" -> True, "OFF" -> False (any case, spaces ignored); anything else None."""
    word = payload.decode("utf-8", "replace").strip().upper()
    return {"ON": True, "OFF": False}.get(word)


def device_name(settings: dict, box_number: Optional[str]) -> str:
    """What Home Assistant calls the box: the business, and which box (its number) when known."""
    name = (settings.get("business_name") or "").strip() or "TextBack Box"
    return f"{name} {box_number}" if box_number else name


def configs(box_id: str, mqtt: dict, name: str, version: str) -> list[tuple[str, dict]]:
    """Every discovery (topic, config) of this box."""
    where = topics(mqtt["prefix"], box_id)
    common = {
        "availability_topic": where.availability, "payload_available": "online",
        "payload_not_available": "offline",
        "device": {"identifiers": [f"textback_{box_id}"], "name": name,
                   "manufacturer": "TextBack Box", "model": "TextBack Box",
                   "sw_version": version, "serial_number": box_id},
        "origin": {"name": "TextBack Box", "sw_version": version},
    }
    found = []
    for key, label, template, extra in SENSORS:
        found.append(_config(mqtt, "sensor", box_id, key, {
            **common, "name": label, "state_topic": where.status, "value_template": template,
            **extra}))
    for key, label, icon in SWITCHES:
        found.append(_config(mqtt, "switch", box_id, key, {
            **common, "name": label, "icon": icon, "state_topic": where.status,
            "value_template": f"{{{{ 'ON' if value_json.{key} else 'OFF' }}}}",
            "command_topic": where.command(key), "payload_on": "ON", "payload_off": "OFF",
            "state_on": "ON", "state_off": "OFF"}))
    found.append(_config(mqtt, "event", box_id, "calls_and_replies", {
        **common, "name": "Calls and replies", "icon": "mdi:phone-message",
        "state_topic": where.event, "event_types": HA_EVENT_TYPES,
        "value_template": EVENT_TEMPLATE}))
    return found


def _config(mqtt: dict, component: str, box_id: str, key: str, config: dict):
    object_id = f"{box_id}_{key}"
    config = {**config, "unique_id": f"textback_{object_id}"}
    return f"{mqtt['discovery_prefix']}/{component}/{object_id}/config", config
