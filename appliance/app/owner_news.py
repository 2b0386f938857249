"""News the owner gets by text without asking: faults (core/fault_texts.py) and the optional
weekly summary (core/weekly_summary.py).

The monitor hands each second's glance (facade/status.py: the same verdict the page, the light
and the `fault` box event read) to `OwnerNews.observe`; texts go through the box's one path to
the owner (queued on the service thread, kind `owner_alert`). The owner's switches are the
settings `fault_texts` and `weekly_summary`. When each kind was last texted is kept in the
store's box state, so the 6-hour rule holds across restarts.
"""
from __future__ import annotations

import logging
from typing import Callable

from appliance.core import schedule, weekly_summary
from appliance.core.fault_texts import FaultTexts, kinds_of
from appliance.core.stamps import from_iso, to_iso

log = logging.getLogger(__name__)

TOLD_KEY = "fault_texts_told"


def _stamps(told: dict) -> dict:
    found = {}
    for kind, stamp in told.items() if isinstance(told, dict) else ():
        try:
            found[kind] = from_iso(stamp)
        except (TypeError, ValueError):
            log.info("ignoring a saved fault-text time %r for %s", stamp, kind)
    return found


class OwnerNews:
    """Fault texts and the weekly summary; `observe` runs on the monitor thread."""

    def __init__(self, store, results, clock: Callable, alert_owner: Callable[[str], None],
                 clock_trusted: Callable[[], bool] = lambda: True,
                 fault_delays: dict | None = None):
        self.store = store
        self.results = results
        self.clock = clock
        self.alert_owner = alert_owner
        self.clock_trusted = clock_trusted
        told = store.box_state().get(TOLD_KEY) or {}
        self.faults = FaultTexts(fault_delays, last_told=_stamps(told))

    def observe(self, glance) -> None:
        now = self.clock()
        settings = self.store.settings()
        active = kinds_of(glance.health.led, glance.storage.get("free_mb"),
                          bool(glance.storage.get("full")), self.clock_trusted())
        full = {"storage_low"} if glance.storage.get("full") else set()   # upkeep texted it
        texts = self.faults.observe(active, glance.modem.state == "ready", now, frozenset(full))
        if texts:           # the 6-hour rule holds across restarts
            self.store.update_box_state(**{TOLD_KEY: {kind: to_iso(at) for kind, at
                                                      in self.faults.last_told.items()}})
        if settings.get("fault_texts", True):
            for text in texts:
                log.info("texting the owner: %s", text)
                self.alert_owner(text)
        if settings.get("weekly_summary") and glance.modem.state == "ready":
            self._weekly(settings, now)

    def _weekly(self, settings, now) -> None:
        local = schedule.shop_time(settings, now)
        last = self.store.box_state().get("weekly_summary_for")
        monday = weekly_summary.week_due(local, last)
        if monday is None:
            return
        start, end = weekly_summary.covered(monday)
        figures = self.results.stats(start=start, end=end)
        self.store.update_box_state(weekly_summary_for=monday.isoformat())
        self.alert_owner(weekly_summary.summary_text(figures, settings.get("region") or ""))
