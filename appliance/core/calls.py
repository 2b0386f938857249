"""Missed-call detection: turn the modem's RING / caller ID / call-end codes into missed calls.

One ringing episode -> one CallMissed. An episode starts with the first RING or caller ID
(their order varies by modem) and ends when the modem says so (NO CARRIER, +CLCC state 6,
MISSED_CALL, VOICE CALL: END, ^CEND, +UCALLSTAT ...), when the box declines the call, when the
modem's list of current calls (`AT+CLCC`, asked about once a second while a call rings) no
longer shows the incoming call it showed before, or shows it released, or when no RING (or
caller ID line, one per ring on some modems) has come for `ring_gap` (the last resort, for
modems that say nothing and do not answer `AT+CLCC`).

The caller's number comes from +CLIP, a number-carrying +CRING, or the call list, whichever
gives one; a call is withheld only when none does. A call list never counts as a ring: the
ring gap measures the modem's own ringing, so a modem whose list goes stale cannot keep a
call open for ever.

Modems often send several end codes for one call (+CLCC state 6 then NO CARRIER; MISSED_CALL
after the ring gap already closed it), so end codes while idle are ignored, and a number-carrying
one is taken as a new call only if it does not belong to the episode just closed: it belongs to
it when that episode had the same number (up to LATE_END_WINDOW later), or had no number
(withheld, or never learnt) and the code comes within LATE_NUMBERLESS_END, as the hang-up code of
a call the ring gap closed does. Later than that it is another caller's. Pure: `now` is always
passed in, no clock reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from appliance.core.domain import (CallEndSeen, CallerIdSeen, CallForwardedSeen, CallListSeen,
                                   CallMissed, RingSeen)
from appliance.core.numbers import same_number
from appliance.core.settings import DEFAULTS

# How long after an episode closed a late end code (MISSED_CALL, +CLCC 6) with its number still
# belongs to it.
LATE_END_WINDOW = timedelta(minutes=2)
# The same for an episode without a number, which any caller's code would match: only as long
# as a real late code takes. The ring gap closes such a call a few seconds after the caller hung
# up, and the modem's hang-up code comes right then; a numbered code much later is someone else.
LATE_NUMBERLESS_END = timedelta(seconds=10)
RINGING_STATES = (4, 5)        # +CLCC <stat>: incoming (ringing), waiting
RELEASED_STATE = 6
LIST_END_CODE = "AT+CLCC"      # the end code of a call the call list showed over
# The owner's ring_gap_seconds until the service reads the settings.
DEFAULT_RING_GAP = timedelta(seconds=DEFAULTS["ring_gap_seconds"])


@dataclass(frozen=True)
class Ringing:
    """The call ringing right now (for "decline after N seconds" and the page)."""
    number: Optional[str]
    number_type: Optional[int]
    started_at: datetime
    rings: int
    withheld: bool


@dataclass
class _Episode:
    started_at: datetime
    last_seen: datetime
    number: Optional[str] = None
    number_type: Optional[int] = None
    withheld: bool = False
    rings: int = 0
    caller_ids: int = 0
    forwarded: Optional[bool] = None
    listed: bool = False        # an AT+CLCC answer showed this call ringing

    def count(self) -> int:
        # RING is one per ring; a modem that sends only +CLIP still gives one per ring.
        return self.rings if self.rings else self.caller_ids


def _digits(number: Optional[str]) -> str:
    return "".join(ch for ch in number or "" if ch.isdigit())


class MissedCallDetector:
    """State machine over call events; returns the CallMissed values it concludes."""

    def __init__(self, ring_gap: timedelta = DEFAULT_RING_GAP):
        self.ring_gap = ring_gap
        self._episode: Optional[_Episode] = None
        self._closed_number: Optional[str] = None
        self._closed_at: Optional[datetime] = None
        self._forwarded_at: Optional[datetime] = None   # +CSSU seen before the first RING

    @property
    def ringing(self) -> Optional[Ringing]:
        ep = self._episode
        if ep is None:
            return None
        return Ringing(ep.number, ep.number_type, ep.started_at, ep.count(), ep.withheld)

    def observe(self, event, now: datetime) -> list[CallMissed]:
        """Feed one modem event; returns the calls it (or an expired ring gap) ended."""
        missed = self.tick(now)
        if isinstance(event, RingSeen):
            if event.number:           # +CRING with the number: a caller ID as well
                missed += self._caller_id(CallerIdSeen(event.at, event.number,
                                                       event.number_type), now)
            self._start(now).rings += 1
        elif isinstance(event, CallListSeen):
            missed += self._listed(event, now)
        elif isinstance(event, CallerIdSeen):
            missed += self._caller_id(event, now)
        elif isinstance(event, CallEndSeen):
            missed += self._end(event, now)
        elif isinstance(event, CallForwardedSeen):
            if self._episode:
                self._episode.forwarded = True
            else:
                self._forwarded_at = now
        return missed

    def tick(self, now: datetime) -> list[CallMissed]:
        """Close the episode when no RING (or caller ID) came for `ring_gap`."""
        ep = self._episode
        if ep is None or now - ep.last_seen < self.ring_gap:
            return []
        return [self._close("ring-gap", min(now, ep.last_seen + self.ring_gap))]

    def declined(self, now: datetime) -> list[CallMissed]:
        """The box hung up the ringing call itself."""
        return [self._close("declined", now)] if self._episode else []

    # --- episode bookkeeping ----------------------------------------------------------------

    def _start(self, now: datetime) -> _Episode:
        ep = self._episode
        if ep is None:
            ep = self._episode = _Episode(started_at=now, last_seen=now)
            if self._forwarded_at and now - self._forwarded_at < self.ring_gap:
                ep.forwarded = True
            self._forwarded_at = None
        ep.last_seen = now
        return ep

    def _caller_id(self, event: CallerIdSeen, now: datetime) -> list[CallMissed]:
        number = (event.number or "").strip()
        withheld = event.validity in (1, 2) or not _digits(number)
        missed = []
        ep = self._episode
        if ep and ep.number and not withheld and not same_number(ep.number, number):
            missed.append(self._close("new-caller", now))   # a different caller: a new episode
        ep = self._start(now)
        ep.caller_ids += 1
        if withheld:
            ep.withheld = ep.number is None   # never forget a number we already saw
        elif ep.number is None:
            ep.number, ep.number_type, ep.withheld = number, event.number_type, False
        return missed

    def _listed(self, event: CallListSeen, now: datetime) -> list[CallMissed]:
        """The modem's list of current calls: learn the number, or see the call over."""
        ep = self._episode
        if ep is None or event.asked_at < ep.started_at:
            return []          # asked before this call began: it says nothing about it
        incoming = [c for c in event.calls if c.incoming]
        ringing = [c for c in incoming if c.state in RINGING_STATES]
        if not ringing:
            released = any(c.state == RELEASED_STATE for c in incoming)
            # Gone from the list counts only once the list has shown this call: a module
            # that lists no incoming calls at all must not end every call at its first RING.
            return [self._close(LIST_END_CODE, now)] if ep.listed or released else []
        listed = ringing[0]
        number = listed.number if _digits(listed.number) else None
        if number and ep.number and not same_number(ep.number, number):
            closed = self._close(LIST_END_CODE, now)    # someone else is ringing now
            ep = self._start(now)
            ep.number, ep.number_type = number, listed.number_type
            ep.listed = True
            return [closed]
        ep.listed = True
        if number and ep.number is None:
            ep.number, ep.number_type, ep.withheld = number, listed.number_type, False
        return []

    def _end(self, event: CallEndSeen, now: datetime) -> list[CallMissed]:
        ep = self._episode
        number = event.number if _digits(event.number) else None   # "" or "Unknown": no number
        other_caller = ep and ep.number and number and not same_number(ep.number, number)
        if ep is not None and not other_caller:
            if ep.number is None and number and not ep.withheld:
                ep.number, ep.number_type = number, event.number_type
            return [self._close(event.code, now)]
        if not number or self._late_end_of_last(number, now):
            return []   # the end of a call already concluded (or of nothing we can name)
        # A number-carrying end code for a call we never saw ringing (RINGs lost, box just
        # started); the episode ringing now, if any, is someone else's and carries on.
        lone = _Episode(started_at=now, last_seen=now, number=number,
                        number_type=event.number_type)
        return [self._close(event.code, now, lone)]

    def _late_end_of_last(self, number: str, now: datetime) -> bool:
        if self._closed_at is None:
            return False
        if self._closed_number is None:
            return now - self._closed_at <= LATE_NUMBERLESS_END
        return now - self._closed_at <= LATE_END_WINDOW and \
            same_number(self._closed_number, number)

    def _close(self, end_code: str, ended_at: datetime,
               ep: Optional[_Episode] = None) -> CallMissed:
        if ep is None:
            ep, self._episode = self._episode, None
        self._closed_number, self._closed_at = ep.number, ended_at
        return CallMissed(number=None if ep.withheld else ep.number, number_type=ep.number_type,
                          started_at=ep.started_at, ended_at=ended_at, rings=ep.count(),
                          end_code=end_code, forwarded=ep.forwarded)
