"""The Store's Results counts: day counts for any period, closed months from their saved sums
(month_sums.py), the rest counted from the calls and texts. A table of the store's `Database`.

Counting a month from its files holds the store's lock only while each file is read, never for
the whole month or period, so a text-back is not kept waiting behind a year of Results.
"""
from __future__ import annotations

import ctypes
from datetime import date, datetime, timedelta
from typing import Callable, Optional

from appliance.core import schedule, stats
from appliance.storage.database import Database
from appliance.storage.month_sums import MonthSums, month_days, months_between
from appliance.core.stamps import to_iso

CALL_FIELDS = ("number", "started_at", "ended_at", "outcome")
MESSAGE_FIELDS = ("number", "at", "kind", "direction", "status")
COUNTED_CALL_FIELDS = frozenset(CALL_FIELDS)
COUNTED_MESSAGE_FIELDS = frozenset(MESSAGE_FIELDS)


class ResultsTable:
    """Day counts; `rows` is the records' summary_rows, `settings` the settings table's read."""

    def __init__(self, db: Database, rows: Callable[..., list], settings: Callable[[], dict]):
        self.db = db
        self.rows = rows
        self.settings = settings
        self._sums = MonthSums(db.data_dir)
        self._generation = 0       # bumped by every change a saved month counts

    def day_counts(self, start: date, end: date) -> dict[date, list[int]]:
        """{day: [missed, texted, replied]} for the shop-local days start..end."""
        settings = self.settings()
        zone, name = schedule.shop_zone(settings), settings.get("timezone") or ""
        today = self.db.clock().astimezone(zone).date()
        counts: dict[date, list[int]] = {}
        for month in months_between(start, end):
            first, last = month_days(month)
            if last < today:
                days = self._closed_month(month, zone, name, today)
            else:
                days = self._count(max(first, start), min(last, end), zone)[0]
            counts.update({day: c for day, c in days.items() if start <= day <= end})
        return counts

    def _closed_month(self, month: str, zone, name: str, today: date) -> dict:
        with self.db.lock:
            saved = self._sums.get(month, name)
            generation = self._generation
        if saved is not None:
            return saved
        first, last = month_days(month)
        counts, tail = self._count(first, last, zone)
        with self.db.lock:
            # Saved sums never count what a power cut could lose: nothing changed while
            # counting, and everything counted is on disk (none of it waits in memory).
            if generation == self._generation and self.db.journal.durable():
                self._sums.put(month, name, counts, tail, today)
        _give_back_memory()
        return counts

    def _count(self, first: date, last: date, zone) -> tuple[dict, set]:
        """Day counts of first..last from the records, and the numbers texted back in the last
        REPLY_WINDOW of it (the saved month's tail)."""
        since = datetime.combine(first, datetime.min.time(), zone)
        until = datetime.combine(last + timedelta(days=1), datetime.min.time(), zone)
        reach = until + stats.REPLY_WINDOW
        calls = self.rows("calls", since, reach, CALL_FIELDS)
        messages = self.rows("messages", since, reach, MESSAGE_FIELDS,
                             direction=lambda m: m.get("direction") == "in" or _later(m))
        inbound = [m for m in messages if m.get("direction") == "in"
                   and m.get("kind") in (None, "reply")]   # keywords and robots are no reply
        later = [m for m in messages if _later(m)]
        counts = stats.day_counts(calls, inbound, first, last, zone, later)
        tail_from, end = to_iso(until - stats.REPLY_WINDOW), to_iso(until)
        tail = {c["number"] for c in calls if c.get("number") and c.get("outcome") in stats.TEXTED
                and tail_from <= to_iso(c.get("ended_at") or c["started_at"]) < end}
        tail |= {m["number"] for m in later if tail_from <= to_iso(m["at"]) < end}
        return counts, tail

    def record_changed(self, kind: str, before: Optional[dict], fields: dict) -> None:
        """Called before a call or text is stored or changed: saved months it counts in are
        forgotten first."""
        if kind == "calls":
            counted = COUNTED_CALL_FIELDS
        elif kind == "messages" and ("in" in (fields.get("direction"),
                                              (before or {}).get("direction"))
                                     or _later({**(before or {}), **fields})):
            counted = COUNTED_MESSAGE_FIELDS
        else:
            return
        if before is not None and not counted & set(fields):
            return
        changes = []
        for record in (before, {**(before or {}), **fields}):
            stamp = record and (record.get("ended_at") or record.get("started_at")
                                or record.get("at"))
            if stamp:
                changes.append((stamp, record.get("number")))
        if changes:
            self._generation += 1
            self._sums.invalidate(changes, schedule.shop_zone(self.settings()))


def _later(message: dict) -> bool:
    """A follow-up or review request the box sent (counted on Results)."""
    return message.get("direction") == "out" and message.get("kind") in stats.LATER_KINDS


def _give_back_memory() -> None:
    """A month was just read and dropped: hand the freed heap back to the system (glibc keeps
    it otherwise, and the box's resident memory would stay at its peak)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass        # not glibc: nothing to do
