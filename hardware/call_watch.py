"""Asking the modem about a ringing call: `AT+CLCC` about once a second until the call is over.

Many modems say nothing when a caller gives up, or say it in words nobody here knows. The list
of current calls (27.007 `AT+CLCC`) is the one question every such modem can answer: from the
first sign of a ringing call (RING, +CRING, +CLIP, a +CLCC report of state 4) the list is
asked for at once (it may carry the caller's number) and then every POLL_INTERVAL, until it no
longer shows an incoming ringing call, a known end code arrives (the fast path), or no sign of
ringing came for GIVE_UP. Each answer becomes a CallListSeen event for the service's detector,
which ends the call when the list stops showing it; a list never counts as a ring.

Only on modems whose AT+CLCC answered at start-up. The poll never waits for the channel: a text
being sent or read holds it, and the poll is skipped and tried again POLL_RETRY later.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable, Optional

from appliance.core.domain import (CallEndSeen, CallerIdSeen, CallListSeen, ListedCall,
                                   ModemUnavailable, RingSeen)
from hardware.at_channel import ChannelBusy
from hardware.urc import split_fields, unquote

log = logging.getLogger(__name__)

POLL_INTERVAL = 1.0
POLL_RETRY = 0.1          # the channel was busy: try again this soon
GIVE_UP = 30.0            # no RING or caller ID for this long: stop asking (the ring gap ends it)
MAX_FAILURES = 3          # answers that were not OK in a row: stop asking for this call
RINGING = (4, 5)


def listed_call(text: str) -> Optional[ListedCall]:
    """One `+CLCC:` line (after the prefix) as a ListedCall; None if it is not one."""
    fields = split_fields(text)
    if len(fields) < 3:
        return None
    numbers = [unquote(f) for f in fields[:3]]
    if not all(n.isdigit() for n in numbers):
        return None
    number = unquote(fields[5]) if len(fields) > 5 else ""
    number_type = unquote(fields[6]) if len(fields) > 6 else ""
    return ListedCall(index=int(numbers[0]), incoming=numbers[1] == "1", state=int(numbers[2]),
                      number=number or None,
                      number_type=int(number_type) if number_type.isdigit() else None)


class CallWatch:
    """When to ask, and asking. `noticed` runs on the modem's reader thread; `due_in` and `poll`
    on the supervisor thread."""

    def __init__(self, interval: float = POLL_INTERVAL, give_up: float = GIVE_UP):
        self.interval, self.give_up = interval, give_up
        self.enabled = False            # AT+CLCC answered at start-up
        self._lock = threading.Lock()
        self._next: Optional[float] = None     # time.monotonic() of the next poll
        self._last_sign = 0.0
        self._failures = 0

    def noticed(self, event) -> bool:
        """A modem event went by; True when a poll became due now (wake the supervisor)."""
        now = time.monotonic()
        with self._lock:
            if not self.enabled:
                return False
            if isinstance(event, CallEndSeen):
                self._next = None         # the modem said so: nothing left to ask
                return False
            if not isinstance(event, (RingSeen, CallerIdSeen)):
                return False
            self._last_sign = now
            if self._next is None:
                self._next, self._failures = now, 0
                return True
            return False

    def stop(self) -> None:
        with self._lock:
            self._next = None

    def due_in(self) -> Optional[float]:
        """Seconds until the next poll (0: now); None while no call rings."""
        with self._lock:
            if self._next is None:
                return None
            now = time.monotonic()
            if now - self._last_sign > self.give_up:
                self._next = None
                return None
            return max(0.0, self._next - now)

    def poll(self, channel, timeout: float, clock: Callable) -> Optional[CallListSeen]:
        """Ask AT+CLCC if the channel is free -> the event, or None (busy, no answer)."""
        asked_at, asked = clock(), time.monotonic()
        try:
            with channel.session(0):       # never wait: a text being sent or read comes first
                response = channel.command("AT+CLCC", timeout)
        except ChannelBusy:
            self._again(POLL_RETRY)
            return None
        except ModemUnavailable as error:  # no answer, or the port went: the supervisor sees
            log.debug("call list not asked: %s", error)      # to the port; we try again
            self._again(self.interval, failed=True)
            return None
        if not response.ok:
            self._again(self.interval, failed=True)
            return None
        calls = tuple(call for call in map(listed_call, response.values("+CLCC:")) if call)
        with self._lock:
            # Over unless something rings now, or a new call began while we asked.
            ringing = any(c.incoming and c.state in RINGING for c in calls)
            if self._next is not None and (ringing or self._last_sign >= asked):
                self._failures, self._next = 0, time.monotonic() + self.interval
            else:
                self._next = None
        return CallListSeen(at=clock(), asked_at=asked_at, calls=calls)

    def _again(self, delay: float, failed: bool = False) -> None:
        """Ask again after `delay` (unless the questions stopped meanwhile, or failed thrice)."""
        with self._lock:
            if self._next is None:
                return
            self._failures = self._failures + 1 if failed else 0
            self._next = None if self._failures >= MAX_FAILURES else time.monotonic() + delay
