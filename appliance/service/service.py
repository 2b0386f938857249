"""The service thread: the one place where decisions are made and state changes.

Everything else (the modem reader, gpiozero callbacks, web requests) puts events or commands on
this thread's queue. The loop takes one item at a time, looks up its handler by type (the
table in `_handler_table`), and between items ticks the clocks that need no event: the
ring-gap timeout, "decline after N seconds" (the loop wakes for that moment, so the call is
declined on time, not at its next ring), the periodic SIM sweep (every 30 s instead of every few
minutes while the modem does not announce new texts), the long-text reassembly timeout and the
follow-ups and review requests falling due (later_texts.py).

After every item and tick the call ringing right now is published as an immutable snapshot
(`ringing`), which other threads (the page) may read.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Optional

from appliance.core import domain as d
from appliance.core.calls import MissedCallDetector, Ringing
from appliance.service.missed_while_away import MissedWhileAway
from appliance.service.modem_news import ModemNews

log = logging.getLogger(__name__)

DECLINE_SETTLE = timedelta(seconds=2)
DECLINE_RETRY = timedelta(seconds=0.5)
DECLINE_LOCK_WAIT = 0.2     # seconds; a text being sent holds the modem: try again shortly
UNANNOUNCED_SWEEP = timedelta(seconds=30)   # texts are only found by listing: list often
CALL_EVENTS = (d.RingSeen, d.CallerIdSeen, d.CallEndSeen, d.CallForwardedSeen,
               d.CallListSeen)


@dataclass(frozen=True)
class Request:
    """Run `fn(*args)` on the service thread; its result (or exception) goes to `future`."""
    fn: Callable
    args: tuple = ()
    future: Future = field(default_factory=Future)


class Service:
    """Owns the detector and hands each event to the text-back, inbox and command handlers.

    inline=True runs no thread: whatever is posted is handled at once on the poster's thread,
    in order, and what handling posts waits until the item before it is done, as on the
    thread (the page tests' box, tests/web/shop_box.py).
    """

    def __init__(self, store, modem, textback, inbox, commands, results,
                 clock: Callable[[], datetime],
                 ring_gap: Optional[timedelta] = None,
                 sweep_every: timedelta = timedelta(minutes=5), tick_seconds: float = 0.05,
                 on_activity: Callable[[str], None] = lambda kind: None,
                 unannounced_sweep: timedelta = UNANNOUNCED_SWEEP, inline: bool = False,
                 later=None,
                 on_network_time: Callable[[object], None] = lambda event: None):
        self.store = store
        self.modem = modem
        self.textback = textback
        self.commands = commands
        self.results = results
        self.clock = clock
        # None: the owner's ring_gap_seconds setting decides (tests pass a short fixed gap).
        self.fixed_ring_gap = ring_gap
        self.detector = MissedCallDetector(ring_gap) if ring_gap else MissedCallDetector()
        self.news = ModemNews(store, inbox, sweep_every, min(sweep_every, unannounced_sweep))
        # Calls that ended while the box could not hear them (none without a modem).
        self.away = MissedWhileAway(store, modem, textback, lambda: self.detector.ringing,
                                    every=sweep_every) if modem is not None else None
        self.tick_seconds = tick_seconds
        self.on_activity = on_activity
        self.on_network_time = on_network_time     # the box's clock (core/clock.py)
        self.inline = inline
        self.later = later      # follow-ups and review requests (later_texts.py), or None
        self.ringing: Optional[Ringing] = None   # published after every item and tick
        self._handlers = self._handler_table()
        self._queue: "queue.Queue" = queue.Queue()
        self._handling = False
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._declined_at: Optional[datetime] = None
        self._declined_until: Optional[datetime] = None
        self.heartbeat = time.monotonic()

    # --- other threads talk to us through these --------------------------------------------

    def post(self, item) -> None:
        """Enqueue an event or command (safe from any thread, never blocks)."""
        self._queue.put(item)
        if self.inline and not self._handling:
            self._drain()

    def call(self, fn: Callable, *args, timeout: float = 10.0):
        """Run fn(*args) on the service thread and return its result (for the web facade).
        BoxBusy when the thread could not start it within `timeout` (then it never runs)."""
        if threading.current_thread() is self._thread or not self.alive():
            return self._inline(fn, *args)
        request = Request(fn, args)
        self._queue.put(request)
        try:
            return request.future.result(timeout=timeout)
        except FuturesTimeout:
            # Not run late behind the caller's back (a reply sent after the page gave up would
            # be sent twice when the owner presses Send again).
            if request.future.cancel():
                raise d.BoxBusy("The box is busy; nothing was done. Try again in a moment.") \
                    from None
            return request.future.result(timeout=timeout)

    def settled(self) -> bool:
        """Nothing waiting for the service: its queue is empty and no call is ringing."""
        return self._queue.empty() and not self._handling and self.ringing is None

    # --- the thread -------------------------------------------------------------------------

    def start(self) -> None:
        if self.inline:
            return
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
        self.news.recover(self.clock())
        while not self._stop.is_set():
            self.heartbeat = time.monotonic()
            try:
                item = self._queue.get(timeout=self._until_next_tick())
            except queue.Empty:
                item = None
            self._inline(self._step, item)
        log.info("service stopped")

    def _step(self, item) -> None:
        try:
            if item is not None:
                self._handle(item)
            # Clocks tick only once the backlog is handled: rings queued while the thread was
            # busy carry their own times and must not look like a ring gap.
            if self._queue.empty():
                self._tick(self.clock())
        except Exception:  # thread boundary: log it, keep serving
            log.exception("service: error while handling %r", item)
        finally:
            self.ringing = self.detector.ringing

    def _inline(self, fn: Callable, *args):
        """Run fn now; what it posts is handled after it (as on the thread)."""
        handling, self._handling = self._handling, True
        try:
            return fn(*args)
        finally:
            self._handling = handling
            if self.inline and not handling:
                self._drain()

    def _drain(self) -> None:
        while not self._queue.empty():
            self._inline(self._step, self._queue.get())

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

    # --- handlers ---------------------------------------------------------------------------

    def _handle(self, item) -> None:
        now = self.clock()
        if isinstance(item, CALL_EVENTS) and self._declined_until \
                and item.at < self._declined_until:
            return    # rings of the call we just declined, still in the queue or the air
        self._handlers.get(type(item), self._command)(item, now)

    def _handler_table(self) -> dict:
        """Event type -> handler(item, now). Anything else is a command (commands.py)."""
        news, results = self.news, self.results
        return {
            Request: self._request,
            **dict.fromkeys(CALL_EVENTS, self._call_event),
            d.TextSent: lambda item, now: self._sent(item),
            d.TextSendFailed: lambda item, now: results.failed(item.item, item.reason,
                                                               item.gave_up),
            d.TextUnconfirmed: lambda item, now: results.unconfirmed(item.item, item.reason),
            d.TextCancelled: lambda item, now: results.cancelled(item.item, item.reason),
            d.SmsStored: news.text_stored,
            d.StatusReportStored: news.text_stored,
            d.SmsPduReceived: news.text_delivered,
            d.StatusReportPduReceived: news.text_delivered,
            d.IncomingText: news.text_decoded,
            d.SmsStorageFull: news.sim_full,
            d.ModemConnected: self._connected,
            d.ModemStartBlocked: news.start_blocked,
            d.UnknownLineSeen: news.unknown_line,
            d.ModemLost: news.lost,
            d.ModemRestarted: news.restarted,
            d.NetworkTimeRead: lambda item, now: self.on_network_time(item),
        }

    def _request(self, request: Request, now: datetime) -> None:
        if not request.future.set_running_or_notify_cancel():
            return          # the caller gave up waiting: do nothing
        try:
            request.future.set_result(request.fn(*request.args))
        except Exception as error:  # handed back to the calling web thread
            request.future.set_exception(error)

    def _call_event(self, item, now: datetime) -> None:
        # The time the modem said it, not the time we got round to it.
        for missed in self.detector.observe(item, min(item.at, now)):
            self._missed(missed, now)

    def _connected(self, item: d.ModemConnected, now: datetime) -> None:
        """Before anything newer: the calls the modem listed while the box could not hear
        (missed_while_away.py), then the texts it kept (the sweep)."""
        if self.away is not None:
            self.away.connected(now)
        self.news.connected(item, now)

    def _sent(self, item: d.TextSent) -> None:
        self.results.sent(item.item, item.references)
        self.on_activity("sent")

    def _command(self, item, now: datetime) -> None:
        self.commands.handle(item, now)

    def _missed(self, missed: d.CallMissed, now: datetime) -> None:
        self._declined_at = None
        self.textback.handle(missed, now)
        self.on_activity("call")

    # --- clocks -----------------------------------------------------------------------------

    def _tick(self, now: datetime) -> None:
        if self.fixed_ring_gap is None and self.detector.ringing is not None:
            seconds = self.store.settings().ring_gap_seconds
            self.detector.ring_gap = timedelta(seconds=seconds)
        for missed in self.detector.tick(now):
            self._missed(missed, now)
        self._decline_if_due(now)
        self.news.tick(now)
        if self.later is not None:
            self.later.tick(now)
        if self.away is not None and self.detector.ringing is None:
            self.away.tick(now)

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
