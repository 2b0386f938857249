"""The monitor thread: keeps the status light in step with the box's health and pings the
systemd watchdog only while every part is alive.

Health is read once a second (cheap: modem status, outbox counts, settings, unread count), so the
light follows a modem that drops off USB within a second or two.
"""
from __future__ import annotations

import logging
import threading
from typing import Optional

from appliance import health, systemd

log = logging.getLogger(__name__)


class Monitor:
    """Status light + watchdog + systemd readiness."""

    def __init__(self, box, service, sender, modem, light=None, interval: float = 1.0):
        self.box = box
        self.service = service
        self.sender = sender
        self.modem = modem
        self.light = light
        self.interval = interval
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._ready_sent = False
        self.last_led: Optional[tuple] = None

    def checks(self) -> dict:
        """What must be true for the watchdog to be fed."""
        return {
            "service thread": self.service.responsive,
            "sender thread": self.sender.responsive,
            # A modem being reconnected on purpose is fine; a dead reader thread is not.
            "modem supervisor": self.modem.alive,
        }

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.step()
            except Exception:  # thread boundary: the light and watchdog must keep going
                log.exception("monitor step failed")

    def step(self) -> None:
        failing = [name for name, check in self.checks().items() if not check()]
        if failing:
            log.error("not feeding the watchdog: %s not alive", ", ".join(failing))
        else:
            if not self._ready_sent:
                systemd.notify_ready()
                self._ready_sent = True
            systemd.notify_watchdog()
        self._update_light()

    def _update_light(self) -> None:
        store = self.box.store
        settings = store.settings()
        counts = self.box.outbox.counts()
        status = self.modem.status
        verdict = health.assess(status.state, counts.get("queued", 0), counts.get("failed", 0))
        paused = bool(settings.get("paused"))
        away = bool((settings.get("away") or {}).get("on"))
        unread = store.unread_total() > 0
        wanted = (verdict.led, paused, away, unread)
        if wanted == self.last_led:
            return
        self.last_led = wanted
        systemd.notify_status(f"{status.state}; queued {counts.get('queued', 0)}")
        if self.light is not None:
            self.light.show(verdict.led, paused, away)
            self.light.set_unread(unread)
