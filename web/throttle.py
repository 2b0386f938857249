"""Login rate limiting: at most N password checks per client address in a sliding window.

A try is counted when it *starts* (`attempt`), before the slow password check, and forgotten
only if it succeeds. Counting it afterwards would let every request that arrived while the first
checks were still running through: 40 wrong passwords sent at once got 7 checks, not 5.

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
        self._tries: dict[str, deque] = {}
        self._lock = threading.Lock()

    def attempt(self, client: str, now: float) -> Optional[float]:
        """Count a try by `client` now and return None, or return the seconds to wait (the
        try is then not made). Call `succeeded` when the password was right."""
        with self._lock:
            if client not in self._tries and len(self._tries) >= MAX_TRACKED:
                self._prune(now)
            times = self._recent(client, now)
            if len(times) >= self.max_failures:
                return max(1.0, times[0] + self.window - now)
            times.append(now)
            return None

    def retry_after(self, client: str, now: float) -> Optional[float]:
        """Seconds until `client` may try again, or None if it may try now (counts nothing)."""
        with self._lock:
            times = self._recent(client, now)
            if len(times) < self.max_failures:
                return None
            return max(1.0, times[0] + self.window - now)

    def succeeded(self, client: str) -> None:
        """The right password: this client's tries are forgotten."""
        with self._lock:
            self._tries.pop(client, None)

    def _recent(self, client: str, now: float) -> deque:
        times = self._tries.setdefault(client, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def _prune(self, now: float) -> None:
        for client in list(self._tries):
            if not self._recent(client, now):
                del self._tries[client]
        while len(self._tries) >= MAX_TRACKED:   # still full: forget the oldest
            del self._tries[next(iter(self._tries))]
