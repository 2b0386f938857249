"""The settings form's part for the texts sent hours later: follow-up if no reply, review
request, and the review link. Saved settings -> form values, posted values -> a patch (the
schema, core/settings_later.py, checks the ranges)."""
from __future__ import annotations

from typing import Optional

KINDS = ("follow_up", "review_request")
NAMES = ("review_link", "follow_up_on", "follow_up_hours", "review_request_on",
         "review_request_hours")
ERROR_FIELDS = ("review_link",) + KINDS


def form_values(settings: dict) -> dict:
    values = {"review_link": str(settings.get("review_link") or "")}
    for kind in KINDS:
        option = settings.get(kind) or {}
        values[f"{kind}_on"] = "on" if option.get("on") else ""
        values[f"{kind}_hours"] = _hours_text(option.get("after_hours"))
    return values


def _hours_text(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value) == int(value) else str(value)


def _hours(text: str) -> Optional[float]:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return int(value) if value == int(value) else value


def to_patch(values: dict, errors: dict) -> dict:
    """The three settings from the posted values; a word where hours go is named in `errors`."""
    patch = {"review_link": values["review_link"].strip()}
    for kind in KINDS:
        hours = _hours(values[f"{kind}_hours"])
        if hours is None:
            errors[kind] = "type the hours as a number, like 4"
            continue
        patch[kind] = {"on": bool(values[f"{kind}_on"]), "after_hours": hours}
    return patch
