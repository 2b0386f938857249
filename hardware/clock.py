"""The wall clock the adapters in hardware/ use when none is injected.

The composition root (appliance/main.py) hands every adapter the box's own clock, and tests hand
them a settable one; this is only the default, so that a modem, a button or the simulator built
on its own still stamps its events in UTC.
"""
from __future__ import annotations

from datetime import datetime, timezone


def utc_now() -> datetime:
    """Now, in UTC (timezone-aware)."""
    return datetime.now(timezone.utc)
