"""The one clock: what time it is, in UTC.

The rules in this folder never call it; they are handed `now`. The composition root
(appliance/app/bootstrap.py) gives every part this clock, or the one a test sets
(tests/helpers.py Clock), and parts built without one (benchmarks, unit tests) use it too.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
