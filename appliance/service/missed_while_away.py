"""Calls that ended while the box could not hear them: from the modem's own missed-call list.

A caller who gives up while the daemon is down (a crash, a restart, a power cut to the Pi but
not the modem, a kill a few ms after the end code) or while the modem is unplugged leaves no
record in the box, but many modules list the missed call themselves (27.007 phonebook "MC").
Whenever the modem is (re)connected, before the service handles anything newer (and every few
minutes while it is), the box reads that list and handles every entry it has no record of with
the same rules as a call it heard (cooldown, STOP, caps: service/textback.py), then deletes
the entries it handled from the module (and remembers them where the module will not delete).

An entry is the box's own call when a stored call from the same number (numbers.same_number,
the one rule) spans its time, give or take MATCH. Only entries from the last WINDOW are texted.
An entry without a time, or with a time the box cannot trust (in the future: the module's
clock is wrong), could be a call from days ago that was long answered: it is never texted, only
written in the event log so the owner can call back, because texting a caller twice (or days
late) is worse than asking the owner to look. Runs on the service thread.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Callable, Optional

from appliance.core import domain as d
from appliance.core.calls import Ringing
from appliance.core.numbers import same_number
from appliance.core.stamps import from_iso

log = logging.getLogger(__name__)

WINDOW = timedelta(minutes=30)       # older missed calls are reported, not texted
MATCH = timedelta(minutes=2)         # the module's clock and the box's may differ this much
SKEW = timedelta(minutes=5)          # a time further ahead than this: the module's clock is off
QUIET = timedelta(minutes=1)         # between connects, newer entries are the live path's
SEEN_KEY = "missed_list_seen"        # box state: entries handled that the module kept
SEEN_KEPT = 100
END_CODE = "missed_call_list"        # the call's end code: it was found in the module's list


class MissedWhileAway:
    """Reads the module's missed-call list and handles what the box did not hear."""

    def __init__(self, store, modem, textback, ringing: Callable[[], Optional[Ringing]],
                 every: timedelta = timedelta(minutes=5)):
        self.store = store
        self.modem = modem
        self.textback = textback
        self.ringing = ringing        # the call ringing right now, if any (service.py)
        self.every = every
        self._next: Optional[datetime] = None

    def tick(self, now: datetime) -> None:
        """Read the list again every so often while connected: a call the box heard only in
        part (junk on the line over its caller ID, the cable pulled while it rang) is still
        found, and one it heard is matched to its record and left alone."""
        if self._next is not None and now >= self._next and \
                self.modem.status.state == "ready":
            self.check(now, quiet=QUIET)

    def connected(self, now: datetime) -> None:
        """The modem is (re)connected: read the list before anything newer is handled."""
        self.check(now)

    def check(self, now: datetime, quiet: timedelta = timedelta(0)) -> int:
        """Handle the listed calls the box has no record of; how many were new to it.
        Entries newer than `quiet` are left for the next read (the box may be recording
        them from what it heard right now)."""
        self._next = now + self.every
        try:
            entries = self.modem.missed_call_list()
        except (d.ModemUnavailable, TimeoutError, OSError) as error:
            log.warning("could not read the modem's missed-call list: %s", error)
            return 0
        if not entries:
            return 0
        seen = list(self.store.box_state().get(SEEN_KEY) or [])
        handled, new, before = [], 0, len(seen)
        for entry in reversed(entries):          # oldest first: a second call meets cooldown
            key = _key(entry)
            if key not in seen:
                if self._ringing_now(entry) or (entry.at and entry.at > now - quiet):
                    continue                      # the detector may still be on it
                new += self._handle(entry, now)
                seen.append(key)
            handled.append(entry)
        if len(seen) != before:
            self.store.update_box_state(**{SEEN_KEY: seen[-SEEN_KEPT:]})
        self._delete(handled)
        return new

    def _handle(self, entry: d.ModemMissedCall, now: datetime) -> int:
        """1 when the entry was a call the box had not heard, else 0."""
        at = entry.at
        if at is None or at > now + SKEW:
            self.store.log_event("call", f"The modem lists a missed call from {entry.number} "
                                 f"with no time the box can trust: not texted back (it may be "
                                 f"old). Call them back if nobody has.", level="warn")
            return 1
        if self._known(entry.number, at):
            return 0
        if at < now - WINDOW:
            self.store.log_event("call", f"Missed call from {entry.number} at "
                                 f"{at.isoformat(timespec='minutes')} while the box was off, "
                                 f"too long ago to text back. Call them back if nobody has.",
                                 level="warn")
            return 1
        log.warning("missed call from %s at %s ended while the box could not hear it",
                    entry.number, at.isoformat())
        self.textback.handle(d.CallMissed(number=entry.number, number_type=entry.number_type,
                                          started_at=at, ended_at=at, rings=0,
                                          end_code=END_CODE), now)
        return 1

    def _known(self, number: str, at: datetime) -> bool:
        """A stored call from this number spans `at` (give or take MATCH)."""
        for call in self.store.calls(limit=None, since=at - WINDOW - MATCH,
                                     until=at + MATCH):
            if not same_number(call.number or call.raw_number, number):
                continue
            started = from_iso(call.started_at)
            ended = from_iso(call.ended_at or call.started_at)
            if started - MATCH <= at <= ended + MATCH:
                return True
        return False

    def _ringing_now(self, entry: d.ModemMissedCall) -> bool:
        """The entry may be the call the detector is concluding right now (it records it)."""
        ringing = self.ringing()
        return bool(ringing and (ringing.number is None or
                                 same_number(ringing.number, entry.number)) and
                    (entry.at is None or entry.at >= ringing.started_at - MATCH))

    def _delete(self, handled: list) -> None:
        if not handled:
            return
        try:
            self.modem.delete_missed_calls(handled)
        except (d.ModemUnavailable, TimeoutError, OSError) as error:
            log.info("handled missed calls stay in the modem's list (%s); remembered", error)


def _key(entry: d.ModemMissedCall) -> str:
    """What tells one listed call from another (its index moves when a new call is listed)."""
    when = entry.at.isoformat() if entry.at else entry.text
    return f"{entry.number}|{entry.number_type}|{when}"
