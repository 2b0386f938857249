"""Is it worth it: the Results numbers (missed, texted, replied, booked, revenue) for any period,
and today's and this month's for the page's headline and the owner's STATUS text.

Reads only (the store's day counts and booked contacts); the sums are core/stats.py's.
"""
from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Callable, Optional

from appliance.core import schedule, stats

COUNTS_TTL = 2.0       # seconds: the page polls every few seconds; a month's sums cost a little
HEADLINE = ("missed", "texted", "replied", "booked")


class Results:
    """The Results read model over the store."""

    def __init__(self, store, clock: Callable, counts_ttl: float = COUNTS_TTL):
        self.store = store
        self.clock = clock
        self.counts_ttl = counts_ttl
        self._cached: Optional[tuple] = None

    def stats(self, days: int = 30, start: Optional[date] = None,
              end: Optional[date] = None) -> dict:
        """The numbers for start..end (shop dates, inclusive); by default the last `days`."""
        settings = self.store.settings()
        zone = schedule.shop_zone(settings)
        if end is None:
            end = self.clock().astimezone(zone).date()
        if start is None:
            start = end - timedelta(days=max(1, int(days)) - 1)
        result = stats.totals(self.store.day_counts(start, end), self.store.booked_contacts(),
                              start, end, zone, settings.average_job_value)
        result.update(start=start.isoformat(), end=end.isoformat())
        return result

    def today_and_month(self, settings: dict) -> tuple[dict, dict]:
        """({missed, texted, replied, booked} today, the same this month), at most 2 s old."""
        now = time.monotonic()
        if self._cached and now - self._cached[0] < self.counts_ttl:
            return self._cached[1]
        local = self.clock().astimezone(schedule.shop_zone(settings)).date()
        today = self.stats(start=local, end=local)
        month = self.stats(start=local.replace(day=1), end=local)
        counts = ({k: today[k] for k in HEADLINE}, {k: month[k] for k in HEADLINE})
        self._cached = (now, counts)
        return counts
