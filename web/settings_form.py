"""The settings form: settings -> the values the form shows, and the posted form -> a patch.

Kept apart from the routes so the translation (cooldown in hours and minutes, one number per
line, "let it ring" or "decline after N seconds") is in one place and easy to test. The store's
validate_patch is the authority on what is allowed; this only catches what it cannot see
(a word typed where a number goes) and says which form field each settings key belongs to.
"""
from __future__ import annotations

import math
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from appliance.core.settings import FIELD_BY_NAME
from web import later_form
from web.pagekit import lines

TEXT_FIELDS = ("business_name", "owner_name", "owner_phone", "owner_email", "emergency_number",
               "booking_link")
LIST_FIELDS = ("exclude", "business_phone")      # one number per line
CHECKBOXES = ("forward_replies", "first_text_reply", "first_text_reply_in_hours", "fault_texts",
              "weekly_summary")
COMMON_ZONES = (
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
    "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Halifax",
    "America/Toronto", "America/Vancouver", "Europe/London", "Europe/Dublin", "Europe/Berlin",
    "Europe/Paris", "Europe/Madrid", "Europe/Amsterdam", "Australia/Sydney", "Australia/Perth",
    "Pacific/Auckland", "Africa/Johannesburg", "Asia/Kolkata", "UTC",
)
COMMON_REGIONS = (("US", "United States"), ("CA", "Canada"), ("GB", "United Kingdom"),
                  ("IE", "Ireland"), ("AU", "Australia"), ("NZ", "New Zealand"),
                  ("DE", "Germany"), ("FR", "France"), ("NL", "Netherlands"),
                  ("ES", "Spain"), ("ZA", "South Africa"), ("IN", "India"))
DECLINE = FIELD_BY_NAME["reject_after_seconds"]   # limits shown on the form come from the schema


def form_values(settings: dict) -> dict:
    """What the form shows for saved settings (all strings, like a posted form)."""
    cooldown = int(settings.get("cooldown_minutes") or 0)
    reject = settings.get("reject_after_seconds")
    zone = settings.get("timezone") or ""
    values = {name: str(settings.get(name) or "") for name in TEXT_FIELDS}
    values.update(
        timezone_choice=zone if zone in COMMON_ZONES else "other",
        timezone_other="" if zone in COMMON_ZONES else zone,
        region=settings.get("region") or "", holiday_region=settings.get("holiday_region") or "",
        cooldown_hours=str(cooldown // 60), cooldown_mins=str(cooldown % 60),
        daily_cap=_blank_none(settings.get("daily_cap")),
        **{name: "\n".join(settings.get(name) or []) for name in LIST_FIELDS},
        allowed_countries=" ".join(settings.get("allowed_countries") or []),
        auto_texts_per_hour=_blank_none(settings.get("auto_texts_per_hour")),
        auto_texts_per_day=_blank_none(settings.get("auto_texts_per_day")),
        ring_handling="ring" if reject is None else "decline",
        decline_after=str(reject if reject is not None else 20),
        urgent_words="\n".join(settings.get("urgent_words") or []),
        quick_replies="\n".join(settings.get("quick_replies") or []),
        **{name: "on" if settings.get(name) else "" for name in CHECKBOXES},
        average_job_value=_blank_none(settings.get("average_job_value")),
    )
    values.update(later_form.form_values(settings))
    return values


def _blank_none(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return str(value)


def rows_for(text: str, wrap_at: int = 0, least: int = 3, most: int = 12) -> int:
    """Rows for a textarea that show all of `text` plus a line to type on: one per line, and the
    extra rows a long line wraps into on a phone (about `wrap_at` characters a row; 0: none)."""
    count = 0
    for line in (text or "").split("\n"):
        count += max(1, -(-len(line) // wrap_at)) if wrap_at else 1
    return max(least, min(most, count + 1))


def posted_values(form) -> dict:
    """The posted form as the same flat dict of strings form_values makes."""
    names = TEXT_FIELDS + ("timezone_choice", "timezone_other", "region", "holiday_region",
                           "cooldown_hours", "cooldown_mins", "daily_cap", *LIST_FIELDS,
                           "allowed_countries", "auto_texts_per_hour", "auto_texts_per_day",
                           "ring_handling", "decline_after", "urgent_words", "quick_replies",
                           *CHECKBOXES, "average_job_value") + later_form.NAMES
    return {name: (form.get(name) or "").replace("\r\n", "\n") for name in names}


def _int(text: str) -> Optional[int]:
    """A whole number as typed; None when it isn't one (the schema checks the range)."""
    try:
        return int(text.strip())
    except ValueError:
        return None


def timezone_error(name: str) -> Optional[str]:
    """Why `name` is not a timezone the box can use; None when it is."""
    if not name:
        return "pick your timezone"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown timezone {name!r}; use a name like America/Chicago or Europe/London"
    return None


def to_patch(values: dict, holiday_region_known: bool) -> tuple[dict, dict]:
    """(patch, errors) from posted values; errors keyed like settings keys."""
    patch = {name: values[name].strip() for name in TEXT_FIELDS}
    errors = {}
    zone = (values["timezone_other"] if values["timezone_choice"] == "other"
            else values["timezone_choice"]).strip()
    if timezone_error(zone):   # checked here too, for the "Other" box's own wording
        errors["timezone"] = timezone_error(zone)
    patch["timezone"] = zone
    patch["region"] = values["region"].strip().upper()
    if holiday_region_known:
        patch["holiday_region"] = values["holiday_region"].strip().upper() or None
    hours = _int(values["cooldown_hours"] or "0")
    minutes = _int(values["cooldown_mins"] or "0")
    if hours is None or minutes is None or hours < 0 or not 0 <= minutes <= 59:
        errors["cooldown_minutes"] = "type whole hours, and minutes from 0 to 59"
    else:
        patch["cooldown_minutes"] = hours * 60 + minutes
    patch["daily_cap"] = _int(values["daily_cap"])
    if patch["daily_cap"] is None:
        errors["daily_cap"] = "must be a whole number"
    patch.update({name: lines(values[name]) for name in LIST_FIELDS})
    patch["allowed_countries"] = values["allowed_countries"].replace(",", " ").split()
    for cap in ("auto_texts_per_hour", "auto_texts_per_day"):
        patch[cap] = _int(values[cap])
        if patch[cap] is None:
            errors[cap] = "must be a whole number"
    if values["ring_handling"] == "decline":
        patch["reject_after_seconds"] = _int(values["decline_after"])
        if patch["reject_after_seconds"] is None:
            errors["reject_after_seconds"] = (f"type the seconds, from {DECLINE.minimum} to "
                                              f"{DECLINE.maximum}")
    else:
        patch["reject_after_seconds"] = None
    patch["urgent_words"] = lines(values["urgent_words"])
    patch["quick_replies"] = lines(values["quick_replies"])
    patch.update({name: bool(values[name]) for name in CHECKBOXES})
    patch["average_job_value"] = _money(values["average_job_value"], errors)
    patch.update(later_form.to_patch(values, errors))
    return patch, errors


def _money(text: str, errors: dict):
    try:
        value = float(text.strip().lstrip("$€£").replace(",", ""))
    except ValueError:
        errors["average_job_value"] = "must be an amount like 400"
        return None
    if not math.isfinite(value) or value < 0:
        errors["average_job_value"] = "must be an amount of 0 or more"
        return None
    return int(value) if value == int(value) else value
