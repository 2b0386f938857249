"""The monitor: keeps the status light in step with the box's health, tells systemd when the box
is ready, and runs the watchdog (appliance/app/watchdog.py) over every thread that must stay alive.

Health is read once a second from the status read model (facade/status.py `glance`: modem status,
outbox counts, settings, unread count; cheap), so the light follows a modem that drops off USB
within a second or two, and tells the same story as the page.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable, Optional

from appliance.app import systemd
from appliance.app.watchdog import Watchdog
from appliance.core import box_events, health

log = logging.getLogger(__name__)


class Monitor:
    """Status light + systemd readiness + watchdog."""

    def __init__(self, status, clock: Callable, checks: dict[str, Callable[[], bool]],
                 light=None, interval: float = 1.0, watchdog_interval: Optional[float] = None,
                 notify: Callable[[object], None] = lambda event: None,
                 on_glance: Callable[[object], None] = lambda glance: None):
        self.status = status            # facade/status.py BoxStatus
        self.clock = clock
        self.notify = notify            # box events out (MQTT, webhooks); never blocks
        self.on_glance = on_glance      # the owner's fault texts (app/owner_news.py)
        self._fault: Optional[tuple] = None
        self.light = light
        self.interval = interval
        self.watchdog = Watchdog(checks, interval=watchdog_interval)
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self.last_led: Optional[tuple] = None

    def start(self) -> None:
        systemd.notify_ready()
        self.watchdog.start()
        self._thread = threading.Thread(target=self._run, name="monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.watchdog.stop()
        if self._thread:
            self._thread.join(5)

    def alive(self) -> bool:
        return bool(self._thread and self._thread.is_alive())

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.update_light()
            except Exception:  # thread boundary: the light must keep going
                log.exception("status light update failed")

    def update_light(self) -> None:
        seen = self.status.glance()
        self._report_fault(seen.health)
        self.on_glance(seen)
        wanted = (seen.health.led, seen.paused, seen.away, seen.unread > 0)
        if wanted == self.last_led:
            return
        self.last_led = wanted
        systemd.notify_status(f"{seen.modem.state}; queued {seen.queued}")
        if self.light is not None:
            self.light.show(seen.health.led, seen.paused, seen.away)
            self.light.set_unread(seen.unread > 0)

    def _report_fault(self, verdict: health.Health) -> None:
        """A fault event when the box starts needing a person (or a different one), and when it
        no longer does; nothing for a box that starts up fine."""
        fault = (verdict.problem, verdict.advice) if verdict.level == "fault" else None
        if fault != self._fault and (fault or self._fault):
            raised = fault is not None
            problem, advice = fault or self._fault
            self.notify(box_events.fault_changed(raised, problem, None if not raised else advice,
                                                 self.clock()))
        self._fault = fault
