"""Simulated callers: each ring() queues an incoming call; one caller thread plays the calls in
turn (rings every `interval` seconds, then the caller gives up) unless the box hangs up first.

The caller thread only decides *when*; what the modem says (RING, +CLIP, the end code) comes
from the simulator's callbacks, run under the simulator's lock.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Optional

log = logging.getLogger(__name__)


@dataclass
class Call:
    """One incoming call. `over` is set when it ends, whoever ends it."""
    number: str
    number_type: int
    validity: int = 0
    rings: int = 2
    interval: float = 0.05
    forwarded: bool = False
    rung: int = 0                      # rings sent so far
    outcome: Optional[str] = None      # gave_up | declined | rejected | cancelled
    ended_at: Optional[float] = None   # time.monotonic() when it ended (benchmarks measure
    over: threading.Event = field(default_factory=threading.Event)   # from here)

    @classmethod
    def incoming(cls, number: str, number_type: Optional[int], validity: int, rings: int,
                 interval: float, forwarded: bool, withheld: bool) -> "Call":
        """A call as a test asks for it: withheld is validity 1; the type of number follows
        the number (128 when withheld, 145 with '+', else 129) unless given."""
        if withheld:
            validity = validity or 1
        if number_type is None:
            number_type = 128 if validity else (145 if number.startswith("+") else 129)
        return cls(number, number_type, validity, rings, interval, forwarded)

    @property
    def ringing(self) -> bool:
        return self.rung > 0 and not self.over.is_set()

    def end(self, outcome: str) -> None:
        """The call is over (call with the simulator's lock held); the first outcome stays."""
        if not self.over.is_set():
            self.outcome = self.outcome or outcome
            self.ended_at = time.monotonic()
            self.over.set()


class CallRunner:
    """Plays queued calls one after another on a caller thread.

    `ring(call, n) -> bool` sends ring n (False: the call did not ring, e.g. rejected);
    `gave_up(call)` sends the end code. Both are called with `condition`'s lock held."""

    def __init__(self, condition: threading.Condition, ring: Callable[[Call, int], bool],
                 gave_up: Callable[[Call], None]):
        self._cond = condition
        self._ring = ring
        self._gave_up = gave_up
        self._queue: deque[Call] = deque()
        self._thread: Optional[threading.Thread] = None
        self.active: Optional[Call] = None
        self.hangups = 0                 # ringing calls the box ended (ATH / AT+CHUP)
        self.rejected = 0                # calls refused because an AT+CMGS prompt was open

    def enqueue(self, call: Call) -> None:
        """Queue a call; start the caller thread if it is not running."""
        with self._cond:
            self._queue.append(call)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="modem-sim-caller",
                                                daemon=True)
                self._thread.start()

    def idle(self) -> bool:
        """No call ringing and none queued (call with the lock held)."""
        return self.active is None and not self._queue

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no call rings or waits to ring; TimeoutError if that takes too long."""
        with self._cond:
            if not self._cond.wait_for(self.idle, timeout):
                raise TimeoutError(f"a simulated call still rings after {timeout}s")
        return True

    def decline(self, call: Call) -> None:
        """The box hung up on `call` (call with the lock held)."""
        call.end("declined")
        self.hangups += 1
        self._cond.notify_all()

    def reject(self, call: Call) -> None:
        """The modem refused `call` before its first ring (call with the lock held)."""
        call.outcome = "rejected"
        self.rejected += 1

    def cancel_all(self) -> None:
        """Drop every call silently (unplug, reboot, stop). Call with the lock held."""
        for call in [*self._queue, *([self.active] if self.active else [])]:
            call.end("cancelled")
        self._queue.clear()
        self._cond.notify_all()

    def join(self, timeout: float) -> None:
        """Wait for the caller thread to finish (after cancel_all)."""
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._queue:
                    self._thread = None
                    self._cond.notify_all()
                    return
                call = self._queue.popleft()
                self.active = call
            try:
                self._play(call)
            except Exception:  # thread boundary: log and go on with the next caller
                log.exception("simulated call from %s failed", call.number)
            with self._cond:
                call.end(call.outcome or "cancelled")
                self.active = None
                self._cond.notify_all()

    def _play(self, call: Call) -> None:
        for n in range(1, call.rings + 1):
            with self._cond:
                if call.over.is_set() or not self._ring(call, n):
                    return
                call.rung = n
            if call.over.wait(call.interval):
                return
        with self._cond:
            if not call.over.is_set():
                call.end("gave_up")
                self._gave_up(call)
