"""Login rate limiting: at most N password checks per client address in a sliding window, and
a box-wide ceiling (30 a minute) over all addresses together.

The box-wide ceiling is for a shop-network attacker who changes address between tries: each
address gets its 5, but the box checks no more than 30 passwords a minute whoever asks. While
it holds, the owner's own login waits too (at most a minute after the flood stops); sessions
already logged in and the API token keep working.

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
    def __init__(self, max_failures: int = 5, window: float = 300.0,
                 box_limit: int = 30, box_window: float = 60.0):
        self.max_failures = max_failures
        self.window = window
        self.box_limit = box_limit
        self.box_window = box_window
        self._tries: dict[str, deque] = {}
        self._box_tries: deque = deque()       # every counted try, whoever made it
        self._lock = threading.Lock()

    def attempt(self, client: str, now: float) -> Optional[float]:
        """Count a try by `client` now and return None, or return the seconds to wait (the
        try is then not made). Call `succeeded` when the password was right."""
        with self._lock:
            if client not in self._tries and len(self._tries) >= MAX_TRACKED:
                self._prune(now)
            wait = self._wait(client, now)
            if wait is None:
                self._tries[client].append(now)
                self._box_tries.append(now)
            return wait

    def retry_after(self, client: str, now: float) -> Optional[float]:
        """Seconds until `client` may try again, or None if it may try now (counts nothing)."""
        with self._lock:
            return self._wait(client, now)

    def box_wide_full(self, now: float) -> bool:
        """The box-wide ceiling holds now (for the log)."""
        with self._lock:
            return self._box_wait(now) is not None

    def _wait(self, client: str, now: float) -> Optional[float]:
        times = self._recent(client, now)
        mine = max(1.0, times[0] + self.window - now) \
            if len(times) >= self.max_failures else None
        box_wide = self._box_wait(now)
        return max(w for w in (mine, box_wide) if w is not None) \
            if mine is not None or box_wide is not None else None

    def _box_wait(self, now: float) -> Optional[float]:
        while self._box_tries and self._box_tries[0] <= now - self.box_window:
            self._box_tries.popleft()
        if len(self._box_tries) < self.box_limit:
            return None
        return max(1.0, self._box_tries[0] + self.box_window - now)

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
