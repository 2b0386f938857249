"""Record ids and timestamps: what every stored record carries.

Timestamps are ISO-8601 UTC strings with microseconds, so they sort as text; a naive datetime is
taken as UTC. An id names its record's month ("c-202611-3f9a1c2b7d4e"), so finding a record by
id opens one month file. Pure helpers: the store and the parts that record things share them.
"""
from __future__ import annotations

import os
from datetime import date, datetime, timezone
from typing import Optional


def new_id(prefix: str, at: datetime) -> str:
    """A short unique id that names its month: "c-202611-3f9a1c2b7d4e"."""
    return f"{prefix}-{at:%Y%m}-{os.urandom(6).hex()}"


def to_iso(value) -> Optional[str]:
    """datetime (naive = UTC), date or ISO string -> "2026-11-27T06:18:25.123456+00:00"."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds")


def from_iso(value: str) -> datetime:
    """ISO string -> aware UTC datetime (a string without offset is taken as UTC)."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)
