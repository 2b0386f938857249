"""The upkeep thread: the data folder's housekeeping, a little at a time.

Every few seconds: is the disk full (disk.py) or are changes waiting for room? Then the
journal is synced if anything was appended since the last sync (so a power cut loses at most
the last interval's lesser changes). On the way into a
full-disk episode the event log says so and the owner gets one text (the page and the status
light follow `full`); when room returns the waiting changes are written, the reserve is
allocated again and the event log says so. Then, when the journal has grown past its limit, a
checkpoint proceeds one file per step (the store's lock is taken per file, never for the whole
checkpoint). Once a day, event log months older than EVENT_MONTHS go.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Callable, Optional

from appliance.storage.disk import LOW_BYTES, ROOM_BYTES, Disk

log = logging.getLogger(__name__)

EVENT_MONTHS = 6
FULL_TEXT = ("TextBack Box: its storage card is full. Missed callers are still texted back, "
             "but new calls are only kept in memory and new texts are left on the SIM until "
             "there is room. Please free space on the card.")


class Upkeep:
    """Runs `step()` every `interval` seconds on a thread of its own."""

    def __init__(self, store, disk: Disk, clock: Callable[[], datetime],
                 alert_owner: Callable[[str], None] = lambda text: None, interval: float = 5.0):
        self.store = store
        self.disk = disk
        self.clock = clock
        self.alert_owner = alert_owner
        self.interval = interval
        self.full = False
        self.full_since: Optional[datetime] = None
        self._pruned_on: Optional[str] = None
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self.heartbeat = time.monotonic()

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="upkeep", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(10)

    def alive(self) -> bool:
        return bool(self._thread and self._thread.is_alive())

    def _run(self) -> None:
        while not self._stop.is_set():
            self.heartbeat = time.monotonic()
            try:
                self.step()
            except Exception:  # thread boundary: log it, try again next time
                log.exception("upkeep failed; trying again")
            self._stop.wait(self.interval)

    def step(self) -> None:
        self.check_disk()
        # What nothing else synced (a call log line, a read mark) is on disk within one
        # interval, not whenever the kernel writes it back (~30 s): see the README.
        self.store.make_durable()
        while not self.full and not self._stop.is_set() and self.store.upkeep_step():
            self.heartbeat = time.monotonic()
        today = self.clock().date().isoformat()
        if self._pruned_on != today and not self.full:
            self._pruned_on = today
            self.store.prune_events(EVENT_MONTHS)

    def check_disk(self) -> None:
        """Enter or leave a full-disk episode."""
        journal = self.store.journal
        free = self.disk.free_bytes()
        if self.full:
            if free >= ROOM_BYTES and self.store.flush_waiting():
                self._room_again()
            return
        if journal.full or journal.backlog or free < LOW_BYTES:
            self.store.hold_changes()
            self._full(free)
        else:
            self.disk.keep_reserve()

    def _full(self, free: int) -> None:
        self.full, self.full_since = True, self.clock()
        log.error("the data folder's disk is full (%d KB free); texts still go out", free // 1024)
        self.store.log_event("disk", "Storage card full: new calls are kept in memory and new "
                             "texts left on the SIM until there is room", level="error")
        try:
            self.alert_owner(FULL_TEXT)
        except Exception:  # the owner's text is a courtesy; the page and light say it too
            log.exception("could not text the owner about the full disk")

    def _room_again(self) -> None:
        self.full, self.full_since = False, None
        self.disk.keep_reserve()
        log.info("the data folder's disk has room again; everything waiting is saved")
        self.store.log_event("disk", "Storage card has room again; everything is saved")
