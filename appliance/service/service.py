"""The service thread: the one place where decisions are made and state changes.

Everything else (the modem reader, gpiozero callbacks, web requests) puts events or commands on
this thread's queue. The loop takes one item at a time, dispatches it, and between items ticks
the clocks that need no event: the ring-gap timeout, "decline after N seconds" (the loop wakes
for that moment, so the call is declined on time, not at its next ring), the periodic SIM sweep
(every 30 s instead of every few minutes while the modem does not announce new texts) and the
long-text reassembly timeout.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FuturesTimeout
from datetime import datetime, timedelta
from typing import Callable, Optional

from appliance.core import domain as d
from appliance.core.calls import MissedCallDetector

log = logging.getLogger(__name__)

DECLINE_SETTLE = timedelta(seconds=2)
DECLINE_RETRY = timedelta(seconds=0.5)
DECLINE_LOCK_WAIT = 0.2     # seconds; a text being sent holds the modem: try again shortly
SWEEP_RETRY = timedelta(seconds=10)
UNANNOUNCED_SWEEP = timedelta(seconds=30)   # texts are only found by listing: list often
SEND_RESULTS = (d.TextSent, d.TextSendFailed, d.TextUnconfirmed, d.TextCancelled)
CALL_EVENTS = (d.RingSeen, d.CallerIdSeen, d.CallEndSeen, d.CallForwardedSeen,
               d.CallListSeen)


class Service:
    """Owns the detector and dispatches events to the text-back, inbox and command handlers."""

    def __init__(self, store, modem, textback, inbox, commands, results,
                 clock: Callable[[], datetime],
                 ring_gap: Optional[timedelta] = None,
                 sweep_every: timedelta = timedelta(minutes=5), tick_seconds: float = 0.05,
                 on_activity: Callable[[str], None] = lambda kind: None,
                 unannounced_sweep: timedelta = UNANNOUNCED_SWEEP):
        self.store = store
        self.modem = modem
        self.textback = textback
        self.inbox = inbox
        self.commands = commands
        self.results = results
        self.clock = clock
        # None: the owner's ring_gap_seconds setting decides (tests pass a short fixed gap).
        self.fixed_ring_gap = ring_gap
        self.detector = MissedCallDetector(ring_gap=ring_gap or timedelta(seconds=8))
        self.sweep_every = sweep_every
        self.unannounced_sweep = min(sweep_every, unannounced_sweep)
        self._announced = True       # the modem announces new texts (+CMTI/+CMT)
        self.tick_seconds = tick_seconds
        self.on_activity = on_activity
        self._queue: "queue.Queue" = queue.Queue()
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._next_sweep: Optional[datetime] = None
        self._declined_at: Optional[datetime] = None
        self._declined_until: Optional[datetime] = None
        self.heartbeat = time.monotonic()

    # --- other threads talk to us through these --------------------------------------------

    def post(self, item) -> None:
        """Enqueue an event or command (safe from any thread, never blocks)."""
        self._queue.put(item)

    def call(self, fn: Callable, *args, timeout: float = 10.0):
        """Run fn(*args) on the service thread and return its result (for the web facade)."""
        if threading.current_thread() is self._thread or not self.alive():
            return fn(*args)
        future: Future = Future()
        self._queue.put((fn, args, future))
        try:
            return future.result(timeout=timeout)
        except FuturesTimeout:
            # Not run late behind the caller's back (a reply sent after the page gave up would
            # be sent twice when the owner presses Send again).
            if future.cancel():
                raise d.ValidationError({"box": "The box is busy; nothing was done. "
                                                "Try again in a moment."}) from None
            return future.result(timeout=timeout)

    # --- the thread -------------------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="service", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._queue.put(None)
        if self._thread:
            self._thread.join(timeout)

    def alive(self) -> bool:
        return bool(self._thread and self._thread.is_alive())

    def responsive(self, within: float = 30.0) -> bool:
        """True while the loop keeps turning (the watchdog's check)."""
        return self.alive() and time.monotonic() - self.heartbeat < within

    def _run(self) -> None:
        log.info("service started")
        try:
            self.inbox.recover(self.clock())
        except Exception:  # thread boundary: a bad leftover must not keep the box from starting
            log.exception("service: recovering the inbox failed")
        while not self._stop.is_set():
            self.heartbeat = time.monotonic()
            try:
                item = self._queue.get(timeout=self._until_next_tick())
            except queue.Empty:
                item = None
            try:
                if item is not None:
                    self._dispatch(item)
                # Clocks tick only once the backlog is handled: rings queued while the thread
                # was busy carry their own times and must not look like a ring gap.
                if self._queue.empty():
                    self._tick(self.clock())
            except Exception:  # thread boundary: log it, keep serving
                log.exception("service: error while handling %r", item)
        log.info("service stopped")

    def _until_next_tick(self) -> float:
        """The queue wait: a tick, or less when a ringing call is due to be declined sooner."""
        ringing, wait = self.detector.ringing, self.tick_seconds
        if ringing is None:
            return wait
        after = self.store.settings().get("reject_after_seconds")
        if after:
            due = ringing.started_at + timedelta(seconds=after) - self.clock()
            wait = min(wait, max(due.total_seconds(), 0.001))
        return wait

    # --- dispatch ---------------------------------------------------------------------------

    def _dispatch(self, item) -> None:
        if isinstance(item, tuple):
            fn, args, future = item
            if not future.set_running_or_notify_cancel():
                return          # the caller gave up waiting: do nothing
            try:
                future.set_result(fn(*args))
            except Exception as error:  # handed back to the calling web thread
                future.set_exception(error)
            return
        now = self.clock()
        if isinstance(item, CALL_EVENTS):
            if self._declined_until and item.at < self._declined_until:
                return    # rings of the call we just declined, still in the queue or the air
            # The time the modem said it, not the time we got round to it.
            for missed in self.detector.observe(item, min(item.at, now)):
                self._missed(missed, now)
        elif isinstance(item, SEND_RESULTS):
            self._send_result(item)
        elif isinstance(item, (d.SmsStored, d.StatusReportStored)):
            self._announced = True
            if not self.inbox.fetch_stored(item.memory, item.index, now):
                self._sweep_soon(now)
        elif isinstance(item, (d.SmsPduReceived, d.StatusReportPduReceived)):
            self.inbox.receive_direct(item.pdu, now)
        elif isinstance(item, d.SmsStorageFull):
            self.store.log_event("sim_full", f"SIM storage {item.memory} full: emptying it",
                                 level="warn")
            self.inbox.sweep(now)
        elif isinstance(item, d.ModemConnected):
            self._connected(item, now)
        elif isinstance(item, (d.ModemStartBlocked, d.UnknownLineSeen)):
            self._modem_trouble(item)
        elif isinstance(item, d.ModemLost):
            self.store.log_event("modem", f"Modem lost: {item.reason}", level="warn")
        elif isinstance(item, d.ModemRestarted):
            self.store.log_event("modem", f"Modem restarted ({item.code}); re-initialising",
                                 level="warn")
        else:
            self.commands.handle(item, now)

    def _connected(self, item: d.ModemConnected, now: datetime) -> None:
        self._announced = item.announces_texts
        self.store.log_event("modem", "Modem connected and initialised" + (
            "" if item.announces_texts else "; it does not announce new texts, so the box "
            f"looks for them every {self.unannounced_sweep.total_seconds():g} s"))
        self.inbox.sweep(now)
        self._next_sweep = now + self._sweep_interval()

    def _modem_trouble(self, item) -> None:
        """Logged for the installer; the modem adapter passes each kind on once."""
        if isinstance(item, d.ModemStartBlocked):
            self.store.log_event("modem", f"Modem start-up blocked at {item.step}: "
                                          f"{item.answer}", level="warn")
        else:
            self.store.log_event("modem", f"The modem sent a line the box does not know "
                                          f"({item.kind}): {item.line}", level="warn")

    def _sweep_interval(self) -> timedelta:
        return self.sweep_every if self._announced else self.unannounced_sweep

    def _send_result(self, item) -> None:
        if isinstance(item, d.TextSent):
            self.results.sent(item.item, item.references)
            self.on_activity("sent")
        elif isinstance(item, d.TextSendFailed):
            self.results.failed(item.item, item.reason, item.gave_up)
        elif isinstance(item, d.TextUnconfirmed):
            self.results.unconfirmed(item.item, item.reason)
        else:
            self.results.cancelled(item.item, item.reason)

    def _missed(self, missed: d.CallMissed, now: datetime) -> None:
        self._declined_at = None
        self.textback.handle(missed, now)
        self.on_activity("call")

    # --- clocks -----------------------------------------------------------------------------

    def _tick(self, now: datetime) -> None:
        if self.fixed_ring_gap is None and self.detector.ringing is not None:
            seconds = self.store.settings().get("ring_gap_seconds") or 8
            self.detector.ring_gap = timedelta(seconds=seconds)
        for missed in self.detector.tick(now):
            self._missed(missed, now)
        self._decline_if_due(now)
        if self._next_sweep and now >= self._next_sweep:
            self._next_sweep = now + self._sweep_interval()
            if self.inbox.sweep(now) and self._announced:
                # Texts found that no +CMTI announced: announcements have stopped (or were
                # never sent). Look often until one comes again.
                log.warning("a sweep found texts the modem never announced; looking every "
                            "%ss", self.unannounced_sweep.total_seconds())
                self._announced = False
                self._next_sweep = now + self.unannounced_sweep
        self.inbox.expire_parts(now)

    def _sweep_soon(self, now: datetime) -> None:
        """A new text could not be read now (the modem was busy sending): look again soon."""
        soon = now + SWEEP_RETRY
        if self._next_sweep is None or soon < self._next_sweep:
            self._next_sweep = soon

    def _decline_if_due(self, now: datetime) -> None:
        ringing = self.detector.ringing
        if ringing is None or (self._declined_at and now - self._declined_at < DECLINE_RETRY):
            return
        after = self.store.settings().get("reject_after_seconds")
        if not after or now - ringing.started_at < timedelta(seconds=after):
            return
        self._declined_at = now      # tried now; tried again after DECLINE_RETRY if it failed
        try:
            self.modem.decline_call(lock_timeout=DECLINE_LOCK_WAIT)
        except (d.ModemUnavailable, TimeoutError, OSError) as error:
            log.warning("could not decline the call (will try again): %s", error)
            return
        # The network takes a moment to tear the call down; its last RINGs are not a new call.
        self._declined_until = self.clock() + DECLINE_SETTLE
        for missed in self.detector.declined(now):
            self._missed(missed, now)
