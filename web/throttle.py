"""Login rate limiting: at most N wrong passwords per client address in a sliding window.

In memory (the box has one process); a restart forgets, which is fine for a LAN appliance.
Thread-safe, because waitress serves requests from several threads. Takes `now` (monotonic
seconds) as an argument so it is testable without sleeping.
"""
from __future__ import annotations

import threading
from collections import deque
from typing import Optional

MAX_TRACKED = 10_000   # addresses remembered at most, so a flood can't grow memory forever


class LoginThrottle:
    def __init__(self, max_failures: int = 5, window: float = 300.0):
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[str, deque] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str, now: float) -> Optional[float]:
        """Seconds until `client` may try again, or None if it may try now."""
        with self._lock:
            times = self._recent(client, now)
            if len(times) < self.max_failures:
                return None
            return max(1.0, times[0] + self.window - now)

    def failed(self, client: str, now: float) -> None:
        with self._lock:
            if client not in self._failures and len(self._failures) >= MAX_TRACKED:
                self._prune(now)
            self._recent(client, now).append(now)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)

    def _recent(self, client: str, now: float) -> deque:
        times = self._failures.setdefault(client, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def _prune(self, now: float) -> None:
        for client in list(self._failures):
            if not self._recent(client, now):
                del self._failures[client]
        while len(self._failures) >= MAX_TRACKED:   # still full: forget the oldest
            del self._failures[next(iter(self._failures))]
