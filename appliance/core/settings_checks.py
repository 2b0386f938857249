"""Checks for each kind of setting: clean the value, and say precisely what is wrong.

Every check takes (field, key, value, region, errors), returns the cleaned value and records
problems in `errors` under `key` or a position inside it ("hours.mon[1]", "exclude[2]",
"away.until"). `field` is a settings.Field (kind, limits). Used by settings.validate_patch.
"""
from __future__ import annotations

import math
import re
from datetime import date
from functools import partial
from typing import Any, Optional
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from appliance.core import numbers
from appliance.core.schedule import month_day
from appliance.core.settings_connections import CHECKS as CONNECTION_CHECKS
from appliance.core.settings_hours import DAYS, hours as _hours
from appliance.core.settings_later import CHECKS as LATER_CHECKS
from appliance.core.templates import LATER_KINDS, MESSAGE_KINDS, OPTIONAL_KINDS, template_error

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SUBDIVISION = re.compile(r"^[A-Z0-9-]{1,10}$")


def check(field, key: str, value: Any, region: str, errors: dict) -> Any:
    """Check one setting described by `field` (settings.Field); return the cleaned value."""
    if value is None and field.nullable:
        return None
    return _CHECKS[field.kind](field, key, value, region, errors)


def _text(field, key, value, region, errors):
    if not isinstance(value, str):
        errors[key] = "must be text"
        return value
    value = value.strip()
    if field.max_length and len(value) > field.max_length:
        errors[key] = f"is longer than {field.max_length} characters"
    return value


def _subdivision(field, key, value, region, errors):
    if not isinstance(value, str):
        errors[key] = "must be text"
        return value
    value = value.strip().upper()
    if value and not _SUBDIVISION.match(value):
        errors[key] = "use the state or province code, like CA or ON"
    return value or None


def _phone(field, key, value, region, errors):
    if not isinstance(value, str):
        errors[key] = "must be text"
        return value
    value = value.strip()
    if not value:
        return ""
    number = numbers.valid_e164(value, region)
    if number is None:
        errors[key] = (f"{value} is not a valid phone number (numbers without + are read as "
                       f"{region} numbers)")
        return value
    # The emergency number is read by customers inside the messages: keep it as typed.
    return value if key == "emergency_number" else number


def region_change_problem(value: str, old_region: str, new_region: str) -> Optional[str]:
    """Why a number typed for `old_region` no longer means the same in `new_region`; or None."""
    if not value.strip():
        return None
    before, after = numbers.valid_e164(value, old_region), numbers.valid_e164(value, new_region)
    if before is None or before == after:
        return None
    return (f"{value} would be read as a {new_region} number; type it with its country code "
            f"({before})")


def _url(field, key, value, region, errors):
    value = _text(field, key, value, region, errors)
    if not isinstance(value, str) or not value or key in errors:
        return value
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https"):
        errors[key] = "must start with http:// or https://"
    elif not parts.netloc or "." not in parts.netloc or any(c.isspace() for c in value):
        errors[key] = "is not a web address like https://example.com/book"
    return value


def _timezone(field, key, value, region, errors):
    if not isinstance(value, str) or not value.strip():
        errors[key] = "must be a time zone name like America/New_York"
        return value
    value = value.strip()
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        errors[key] = f"unknown time zone {value!r}; use a name like America/New_York"
    return value


def _region(field, key, value, region, errors):
    if not isinstance(value, str):
        errors[key] = "must be text"
        return None
    code = value.strip().upper()
    if not numbers.is_region(code):
        errors[key] = f"unknown country code {value!r}; use two letters like US or GB"
        return None
    return code


def _each(check_one):
    """A list check: `check_one` on every item ("key[2]" names it), repeats dropped."""
    def check_list(field, key, value, region, errors):
        cleaned = []
        for index, item in enumerate(_list(field, key, value, errors)):
            item = check_one(field, f"{key}[{index}]", item, region, errors)
            if item and item not in cleaned:
                cleaned.append(item)
        return cleaned
    return check_list


def _number(field, key, value, region, errors, whole=False):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        errors[key] = "must be a number"
        return value
    if whole:
        if value != int(value):
            errors[key] = "must be a whole number"
            return value
        value = int(value)
    low, high = field.minimum, field.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        errors[key] = f"must be between {_n(low)} and {_n(high)}"
    return value


def _bool(field, key, value, region, errors):
    if not isinstance(value, bool):
        errors[key] = "must be true or false"
    return value


def _list(field, key, value, errors) -> list:
    if not isinstance(value, list):
        errors[key] = "must be a list"
        return []
    if field.max_items and len(value) > field.max_items:
        errors[key] = f"has more than {field.max_items} entries"
    return value


def _strings(field, key, value, region, errors):
    cleaned = []
    for index, item in enumerate(_list(field, key, value, errors)):
        where = f"{key}[{index}]"
        if not isinstance(item, str):
            errors[where] = "must be text"
        elif not item.strip():
            errors[where] = "is empty"
        elif len(item.strip()) > field.max_length:
            errors[where] = f"is longer than {field.max_length} characters"
        elif item.strip() not in cleaned:
            cleaned.append(item.strip())
    return cleaned


def _day_list(parse, example):
    """A check for a list of days, each read by `parse` (None: not a day like `example`)."""
    def checked(field, key, value, region, errors):
        cleaned = set()
        for index, item in enumerate(_list(field, key, value, errors)):
            day = parse(item)
            if day is None:
                errors[f"{key}[{index}]"] = f"must be {example}"
            else:
                cleaned.add(day)
        return sorted(cleaned)
    return checked


def _date(value) -> Optional[str]:
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def _away(field, key, value, region, errors):
    if not isinstance(value, dict):
        errors[key] = 'must be an object like {"on": true, "until": "2026-12-31"}'
        return value
    for extra in sorted(set(value) - {"on", "until"}):
        errors[f"{key}.{extra}"] = "unknown field; use on and until"
    if not isinstance(value.get("on"), bool):
        errors[f"{key}.on"] = "must be true or false"
    until = value.get("until") or None
    if until is not None and _date(until) is None:
        errors[f"{key}.until"] = "must be a date like 2026-12-31, or null"
    return {"on": value.get("on"), "until": until}


def _messages(field, key, value, region, errors):
    if not isinstance(value, dict):
        errors[key] = "must be an object of message kind -> text"
        return value
    kinds = MESSAGE_KINDS + OPTIONAL_KINDS + LATER_KINDS
    for kind, text in value.items():
        where = f"{key}.{kind}"
        if kind not in kinds:
            errors[where] = f"unknown message kind; use one of {', '.join(kinds)}"
        elif not isinstance(text, str):
            errors[where] = "must be text"
        elif len(text) > field.max_length:
            errors[where] = f"is longer than {field.max_length} characters"
        elif not (kind in OPTIONAL_KINDS and not text.strip()) and template_error(text):
            errors[where] = template_error(text)
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in value.items()}


def _n(value) -> str:
    return "any" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


_CHECKS = {"text": _text, "subdivision": _subdivision, "phone": _phone, "phones": _each(_phone),
           "phone_list": lambda f, k, v, *more: _each(_phone)(f, k, [v] if isinstance(v, str)
                                                              else v, *more),     # one or a list
           "url": _url, "timezone": _timezone, "region": _region, "regions": _each(_region),
           "int": partial(_number, whole=True), "number": _number, "bool": _bool,
           "words": _strings, "lines": _strings, "away": _away,
           "dates": _day_list(lambda v: _date(v), "a date like 2026-12-25"),
           "month_days": _day_list(month_day, "a month and day like 12-25"),
           "messages": _messages, "hours": _hours, **CONNECTION_CHECKS,
           **LATER_CHECKS}
