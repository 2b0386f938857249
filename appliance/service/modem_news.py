"""What the modem tells the service besides calls: a text stored on the SIM or delivered
straight to us, the SIM full, connected, lost, restarted, blocked at start-up, a line nobody
knows; and the SIM sweeps that find the texts no code announced.

Runs on the service thread (service.py hands these events here). A sweep lists every memory
(`AT+CPMS`, `AT+CMGL`): at start-up, every few minutes, and every 30 s while the modem does not
announce new texts (or a sweep found texts it never announced).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Optional

from appliance.core import domain as d

log = logging.getLogger(__name__)

SWEEP_RETRY = timedelta(seconds=10)


class ModemNews:
    """The inbox's side of the service loop, and when to sweep the SIM."""

    def __init__(self, store, inbox, sweep_every: timedelta, unannounced_sweep: timedelta):
        self.store = store
        self.inbox = inbox
        self.sweep_every = sweep_every
        self.unannounced_sweep = unannounced_sweep
        self._announced = True       # the modem announces new texts (+CMTI/+CMT)
        self._next_sweep: Optional[datetime] = None

    def recover(self, now: datetime) -> None:
        """At start-up: finish what a crash left of long texts."""
        try:
            self.inbox.recover(now)
        except Exception:  # thread boundary: a bad leftover must not keep the box from starting
            log.exception("service: recovering the inbox failed")

    # --- events -----------------------------------------------------------------------------

    def text_stored(self, item, now: datetime) -> None:
        """+CMTI / +CDSI: read it now, or sweep soon when the modem is busy."""
        self._announced = True
        if not self.inbox.fetch_stored(item.memory, item.index, now):
            self._sweep_soon(now)

    def text_delivered(self, item, now: datetime) -> None:
        """+CMT / +CDS: a PDU handed to us directly."""
        self.inbox.receive_direct(item.pdu, now)

    def text_decoded(self, item: d.IncomingText, now: datetime) -> None:
        """A text an adapter has already decoded (nothing on the SIM to delete)."""
        self.inbox.take(item, now)

    def sim_full(self, item: d.SmsStorageFull, now: datetime) -> None:
        self.store.log_event("sim_full", f"SIM storage {item.memory} full: emptying it",
                             level="warn")
        self.inbox.sweep(now)

    def connected(self, item: d.ModemConnected, now: datetime) -> None:
        self._announced = item.announces_texts
        self.store.log_event("modem", "Modem connected and initialised" + (
            "" if item.announces_texts else "; it does not announce new texts, so the box "
            f"looks for them every {self.unannounced_sweep.total_seconds():g} s"))
        self.inbox.sweep(now)
        self._next_sweep = now + self._sweep_interval()

    def start_blocked(self, item: d.ModemStartBlocked, now: datetime) -> None:
        """Logged for the installer; the modem adapter passes each kind on once."""
        self.store.log_event("modem", f"Modem start-up blocked at {item.step}: {item.answer}",
                             level="warn")

    def unknown_line(self, item: d.UnknownLineSeen, now: datetime) -> None:
        self.store.log_event("modem", f"The modem sent a line the box does not know "
                                      f"({item.kind}): {item.line}", level="warn")

    def lost(self, item: d.ModemLost, now: datetime) -> None:
        self.store.log_event("modem", f"Modem lost: {item.reason}", level="warn")

    def restarted(self, item: d.ModemRestarted, now: datetime) -> None:
        self.store.log_event("modem", f"Modem restarted ({item.code}); re-initialising",
                             level="warn")

    # --- the clock --------------------------------------------------------------------------

    def tick(self, now: datetime) -> None:
        if self._next_sweep and now >= self._next_sweep:
            self._next_sweep = now + self._sweep_interval()
            if self.inbox.sweep(now) and self._announced:
                # Texts found that no +CMTI announced: announcements have stopped (or were
                # never sent). Look often until one comes again.
                log.warning("a sweep found texts the modem never announced; looking every "
                            "%ss", self.unannounced_sweep.total_seconds())
                self._announced = False
                self._next_sweep = now + self.unannounced_sweep
        self.inbox.tick(now)

    def _sweep_interval(self) -> timedelta:
        return self.sweep_every if self._announced else self.unannounced_sweep

    def _sweep_soon(self, now: datetime) -> None:
        """A new text could not be read now (the modem was busy sending): look again soon."""
        soon = now + SWEEP_RETRY
        if self._next_sweep is None or soon < self._next_sweep:
            self._next_sweep = soon
