"""Small helpers shared by the owner's editing pages (messages, schedule, settings, setup, Wi-Fi).

How a view reaches the box, how a settings patch is saved with its errors kept per field, and how
a settings error key ("hours.mon[1]", "exclude[2]", "away.until") is matched to the form field that
caused it. No page logic lives here.
"""
from __future__ import annotations

import logging
import re
from typing import Optional

from appliance.core.domain import ValidationError
from web import shop

log = logging.getLogger(__name__)

_INDEX = re.compile(r"^(?P<head>[^\[]+)\[(?P<index>\d+)\]")


box = shop.box   # the facade create_app was given


def save_settings(patch: dict) -> dict:
    """Save a settings patch; return {} when saved, else the errors by field."""
    try:
        box().update_settings(patch)
    except ValidationError as exc:
        return dict(exc.errors)
    finally:
        shop.forget()   # the nav and later reads in this request must see the new settings
    return {}


def split_key(key: str) -> tuple[str, Optional[int], str]:
    """'hours.mon[1].end' -> ('hours.mon', 1, 'end'); 'away.until' -> ('away.until', None, '')."""
    match = _INDEX.match(key)
    if not match:
        return key, None, ""
    rest = key[match.end():].lstrip(".")
    return match.group("head"), int(match.group("index")), rest


def errors_under(errors: dict, prefix: str) -> dict:
    """The errors whose key is `prefix` or lies under it ('prefix.x', 'prefix[3]')."""
    found = {}
    for key, message in errors.items():
        if key == prefix or key.startswith(prefix + ".") or key.startswith(prefix + "["):
            found[key] = message
    return found


def first_error(errors: dict, prefix: str) -> Optional[str]:
    """One readable message for a field: the error text, with its position when it has one."""
    under = errors_under(errors, prefix)
    if not under:
        return None
    key, message = next(iter(under.items()))
    head, index, _rest = split_key(key)
    if index is not None and head == prefix:
        return f"line {index + 1}: {message}"
    return message


def lines(text: Optional[str]) -> list[str]:
    """A textarea with one item per line, as a list without blank lines."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
