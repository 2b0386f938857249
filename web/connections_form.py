"""The Connections page's forms as settings patches, and settings errors back onto the form.

MQTT: one form, sent as {"mqtt": {...}}; a blank password keeps the saved one, "forget the
password" sends null. Webhooks: one row per saved hook plus an empty row to add one; a row with
"remove" ticked, or the empty row left empty, is left out. A blank secret keeps the saved one.
Errors from the settings checks ("webhooks[1].url") are moved to the form row they came from
("hooks-2-url"), since removed rows shift the list.
"""
from __future__ import annotations

from typing import Optional

from appliance.core.box_events import EVENT_TYPES
from appliance.core.settings_connections import MQTT_DEFAULTS

EVENT_LABELS = {"missed_call": "Missed calls", "text_back": "Text-backs sent",
                "reply": "Replies", "delivery": "Delivery reports", "opt_out": "STOP / START",
                "urgent": "Urgent texts", "fault": "Faults"}


def mqtt_values(settings: dict) -> dict:
    mqtt = {**MQTT_DEFAULTS, **(settings.get("mqtt") or {})}
    return {"host": mqtt["host"], "port": str(mqtt["port"]), "username": mqtt["username"],
            "tls": bool(mqtt["tls"]), "prefix": mqtt["prefix"],
            "discovery_prefix": mqtt["discovery_prefix"], "password_set": bool(mqtt["password"])}


def mqtt_patch(form) -> tuple[dict, dict]:
    """({"mqtt": {...}}, errors the form itself can tell)."""
    errors = {}
    port_text = (form.get("port") or "").strip() or str(MQTT_DEFAULTS["port"])
    try:
        port = int(port_text)
    except ValueError:
        errors["mqtt.port"] = "must be a whole number, usually 1883 (8883 with TLS)"
        port = MQTT_DEFAULTS["port"]
    mqtt = {"host": (form.get("host") or "").strip(), "port": port,
            "username": (form.get("username") or "").strip(), "tls": form.get("tls") == "on",
            "prefix": (form.get("prefix") or "").strip() or MQTT_DEFAULTS["prefix"],
            "discovery_prefix": (form.get("discovery_prefix") or "").strip()
            or MQTT_DEFAULTS["discovery_prefix"]}
    if form.get("forget_password") == "on":
        mqtt["password"] = None
    elif form.get("password"):
        mqtt["password"] = form.get("password")
    return {"mqtt": mqtt}, errors


def hook_rows(settings: dict, results: dict, pending: dict) -> list[dict]:
    """The saved hooks as form rows, with their last result, then one empty row."""
    rows = [{"url": hook["url"], "events": list(hook.get("events") or []), "saved": True,
             "result": results.get(hook["url"]), "pending": pending.get(hook["url"], 0)}
            for hook in settings.get("webhooks") or []]
    return rows + [{"url": "", "events": list(EVENT_TYPES), "saved": False, "result": None,
                    "pending": 0}]


def webhooks_patch(form) -> tuple[dict, list[int]]:
    """({"webhooks": [...]}, the form row of each hook in the list)."""
    hooks, rows = [], []
    count = row_count(form.get("rows"))
    for row in range(count):
        url = (form.get(f"hooks-{row}-url") or "").strip()
        if form.get(f"hooks-{row}-remove") == "on" or (not url and row == count - 1):
            continue
        hook = {"url": url, "events": [e for e in form.getlist(f"hooks-{row}-events")
                                       if e in EVENT_TYPES]}
        if form.get(f"hooks-{row}-secret"):
            hook["secret"] = form.get(f"hooks-{row}-secret")
        hooks.append(hook)
        rows.append(row)
    return {"webhooks": hooks}, rows


def posted_rows(form, settings: dict) -> list[dict]:
    """The rows as they were sent, to show them again with their errors."""
    saved = {hook["url"] for hook in settings.get("webhooks") or []}
    rows = []
    for row in range(row_count(form.get("rows"))):
        url = (form.get(f"hooks-{row}-url") or "").strip()
        rows.append({"url": url, "saved": url in saved, "result": None, "pending": 0,
                     "events": form.getlist(f"hooks-{row}-events"),
                     "remove": form.get(f"hooks-{row}-remove") == "on"})
    return rows


def row_errors(errors: dict, rows: list[int]) -> dict:
    """"webhooks[1].url" -> "hooks-<row>-url"; other keys stay as they are."""
    shown = {}
    for key, message in errors.items():
        row, field = _position(key, rows)
        shown[f"hooks-{row}-{field}" if row is not None else key] = message
    return shown


def _position(key: str, rows: list[int]) -> tuple[Optional[int], str]:
    if not key.startswith("webhooks["):
        return None, ""
    index, _, field = key[len("webhooks["):].partition("]")
    if not index.isdigit() or int(index) >= len(rows):
        return None, ""
    return rows[int(index)], field.lstrip(".") or "url"


def row_count(text: Optional[str]) -> int:
    """How many hook rows the form had (at most 20)."""
    try:
        return max(0, min(int(text or 0), 20))
    except ValueError:
        return 0
