"""Saved day counts of closed months, so Results for a year reads a small file instead of a year
of calls and texts.

A month of the shop's calendar that is over changes only by late edits: a call's outcome settled
after midnight, a reply to a text-back from the month's last days, a text found on the SIM after
a power cut. The Store calls `invalidate` with the time and number of every change that counts
(a call, a customer's reply) *before* making it (and the file is rewritten durably), so a saved
month is never staler than the data, even after a power cut. A change inside a saved month
forgets it; a change up to REPLY_WINDOW after its end forgets it only if that number was texted
back in the month's last REPLY_WINDOW (its "tail", kept while such changes are likely), so the
replies of the first days of a month do not keep forgetting the month before. Bookings are not
saved here: they are counted from the contacts each time.

The file, `results-sums.json`: {"zone": "America/New_York", "months": {"2026-10": {"days":
{"01": [missed, texted, replied, follow-ups, replies after one,
review requests], ...}, "tail": ["+1212...", ...]}}}. Counted in another time
zone, it is started afresh. A few KB a year. Not thread-safe on its own: the Store holds its
lock around every call.
"""
from __future__ import annotations

import json
import logging
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Iterable, Optional

from appliance.core.stats import COUNTS, REPLY_WINDOW
from appliance.storage.files import atomic_write, fsync_folder

log = logging.getLogger(__name__)

FILE = "results-sums.json"
TAIL_KEPT = timedelta(days=21)      # after this, a change just after the month forgets it anyway


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_days(month: str) -> tuple[date, date]:
    """The first and last day of "2026-10"."""
    first = date(int(month[:4]), int(month[5:7]), 1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def months_between(start: date, end: date) -> list[str]:
    found, day = [], start.replace(day=1)
    while day <= end:
        found.append(month_of(day))
        day = (day + timedelta(days=32)).replace(day=1)
    return found


class MonthSums:
    """The saved day counts of one data folder."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / FILE
        self._zone: Optional[str] = None
        self._months: Optional[dict[str, dict[str, list[int]]]] = None

    def get(self, month: str, zone: str) -> Optional[dict[date, list[int]]]:
        saved = self._load(zone).get(month)
        if saved is None or any(len(c) < COUNTS for c in saved["days"].values()):
            return None         # not saved, or saved before the box counted more per day
        first = date(int(month[:4]), int(month[5:7]), 1)
        return {first.replace(day=int(day)): list(c) for day, c in saved["days"].items()}

    def put(self, month: str, zone: str, counts: dict[date, list[int]], tail: Iterable[str],
            today: date) -> None:
        months = self._load(zone)
        months[month] = {"days": {f"{d.day:02d}": list(c) for d, c in sorted(counts.items())},
                         "tail": sorted(tail)}
        for name, saved in months.items():      # old tails are not needed any more
            if saved.get("tail") is not None and month_days(name)[1] + TAIL_KEPT < today:
                saved["tail"] = None
        self._save()

    def invalidate(self, changes: Iterable[tuple[str, Optional[str]]], zone: tzinfo) -> None:
        """Records with these (UTC timestamp, number) are about to change: forget every saved
        month they can count in."""
        months = self._load(self._zone)
        if not months:
            return
        stale = set()
        for stamp, number in changes:
            day = datetime.fromisoformat(stamp).astimezone(zone).date()
            stale.add(month_of(day))
            for month in months_between(day - REPLY_WINDOW, day - timedelta(days=1)):
                tail = months.get(month, {}).get("tail", ())
                if tail is None or (number and number in tail):
                    stale.add(month)
        stale &= set(months)
        if stale:
            for month in stale:
                del months[month]
            log.info("results of %s counted again after a late change", ", ".join(sorted(stale)))
            self._save()

    def _load(self, zone: Optional[str]) -> dict:
        if self._months is None:
            try:
                saved = json.loads(self.path.read_text("utf-8"))
                self._zone, self._months = saved["zone"], dict(saved["months"])
            except FileNotFoundError:
                self._zone, self._months = zone, {}
            except (ValueError, KeyError, TypeError, OSError) as error:
                log.warning("%s unreadable (%s); months are counted again", self.path.name,
                            error)
                self._zone, self._months = zone, {}
        if zone is not None and zone != self._zone:
            self._zone, self._months = zone, {}     # another time zone: other days
        return self._months

    def _save(self) -> None:
        payload = json.dumps({"zone": self._zone, "months": self._months},
                             separators=(",", ":"), sort_keys=True)
        try:
            atomic_write(self.path, payload.encode("utf-8"))
        except OSError as error:
            # No room to write (a full disk): forget every saved month instead (removing a
            # file needs no room), so nothing stale is ever read. They are counted again.
            log.warning("could not save %s (%s); counting months again later", self.path.name,
                        error)
            self._months = {}
            self.path.unlink(missing_ok=True)
            fsync_folder(self.path.parent)
