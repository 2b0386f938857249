"""The watchdog thread: ping systemd only while every part of the box is alive.

Each check is a small function that says whether one part is alive: a thread that is still
turning (see Heartbeat), a modem that answers or is being reconnected on purpose. While all of
them say yes, the thread pings systemd (WATCHDOG=1). When one says no (or raises), the pings stop,
the failing check is logged and shown in `systemctl status`, and after WatchdogSec systemd
restarts the service (Restart=always). A check that hangs stops the pings too.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable, Optional

from appliance.app import systemd

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 10.0      # without a systemd watchdog: still run the checks and log failures


class Heartbeat:
    """Proof of life for a loop: the loop calls beat() every turn; fresh() says whether the
    last beat is recent. A thread stuck in a blocking call stops beating."""

    def __init__(self, max_age: float, monotonic: Callable[[], float] = time.monotonic):
        self.max_age = max_age
        self._monotonic = monotonic
        self._last = monotonic()

    def beat(self) -> None:
        self._last = self._monotonic()

    def age(self) -> float:
        return self._monotonic() - self._last

    def fresh(self) -> bool:
        return self.age() <= self.max_age


class Watchdog:
    """Runs `checks` every `interval` seconds and calls `notify()` only when all pass."""

    def __init__(self, checks: dict[str, Callable[[], bool]],
                 notify: Callable[[], object] = systemd.notify_watchdog,
                 interval: Optional[float] = None,
                 status: Callable[[str], object] = systemd.notify_status):
        self.checks = dict(checks)
        self._notify = notify
        self._status = status
        self.interval = interval or systemd.watchdog_interval() or DEFAULT_INTERVAL
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self.rounds = 0              # completed rounds (tests wait on this)
        self.pings = 0
        self.failing: list[str] = []

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="watchdog", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.check_once()
            except Exception:  # thread boundary: a bug here must not end the checking
                log.exception("watchdog round failed")
            self._stop.wait(self.interval)

    def check_once(self) -> bool:
        """One round: run every check, ping when all pass. True when it pinged."""
        failing = [name for name, check in self.checks.items() if not self._passes(name, check)]
        if failing != self.failing:
            if failing:
                log.error("watchdog: not pinging systemd: %s failing", ", ".join(failing))
                self._status("unhealthy: " + ", ".join(failing) + " (restart coming)")
            elif self.failing:
                log.warning("watchdog: all checks pass again (%s recovered)",
                            ", ".join(self.failing))
                self._status("healthy")
            self.failing = failing
        pinged = not failing
        if pinged:
            self._notify()
            self.pings += 1
        self.rounds += 1
        return pinged

    @staticmethod
    def _passes(name: str, check: Callable[[], bool]) -> bool:
        try:
            return bool(check())
        except Exception:  # a check that raises counts as failing, with the reason logged
            log.exception("watchdog check %r raised", name)
            return False
