"""Where a slow page spends its time, for bench_pages.py: the request is run in-process through
Flask's test client (logged-in session, or the bearer token for /api/), once with every public
Store method timed (outermost calls only, so nested store calls are not counted twice; the
request's own thread and the service thread, which runs the page's writes) and once under
cProfile (the request thread; its figures include the profiler's overhead).
"""
from __future__ import annotations

import cProfile
import functools
import pstats
import threading
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
THREADS = ("MainThread", "service")


class StoreTimer:
    """Wraps the public methods of one Store instance; attach() ... detach()."""

    def __init__(self, store):
        self.store = store
        self.totals: dict[tuple[str, str], list[float]] = defaultdict(list)
        self._depth = threading.local()
        self._names = [n for n in dir(type(store))
                       if not n.startswith("_") and callable(getattr(type(store), n))]

    def attach(self) -> None:
        for name in self._names:
            setattr(self.store, name, self._timed(name, getattr(self.store, name)))

    def detach(self) -> None:
        for name in self._names:
            self.store.__dict__.pop(name, None)

    def _timed(self, name: str, method):
        @functools.wraps(method)
        def timed(*args, **kwargs):
            depth = getattr(self._depth, "n", 0)
            self._depth.n = depth + 1
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self._depth.n = depth
                thread = threading.current_thread().name
                if depth == 0 and thread in THREADS:
                    self.totals[(name, thread)].append(time.perf_counter() - start)
        return timed

    def table(self) -> list[dict]:
        rows = [{"method": name, "thread": "request" if thread == "MainThread" else thread,
                 "calls": len(times), "ms": round(sum(times) * 1000, 1)}
                for (name, thread), times in self.totals.items()]
        return sorted(rows, key=lambda r: -r["ms"])


def _label(key) -> str:
    filename, line, function = key
    path = Path(filename)
    try:
        shown = str(path.resolve().relative_to(REPO))
    except ValueError:
        shown = path.name if filename != "~" else ""
    return f"{shown}:{line} {function}" if shown else function


def profile_endpoint(box, path: str, top: int = 10) -> dict:
    """Time `path` in-process -> {"ms", "store": [...], "functions": [...]}."""
    from web import create_app
    app = create_app(box, {"TESTING": True})
    client = app.test_client()
    with client.session_transaction() as session:
        session["logged_in"] = True
        session["password_stamp"] = box.password_stamp()   # a login with today's password
    headers = {"Authorization": f"Bearer {box.api_token()}"} if path.startswith("/api/") else {}
    client.get(path, headers=headers)                      # warm-up (templates compiled)
    timer = StoreTimer(box.store)
    timer.attach()
    try:
        start = time.perf_counter()
        client.get(path, headers=headers)
        elapsed = (time.perf_counter() - start) * 1000
    finally:
        timer.detach()
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(path, headers=headers)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    ranked = sorted(stats.items(), key=lambda item: -item[1][2])[:top]
    functions = [{"function": _label(key), "calls": calls, "own_ms": round(own * 1000, 1),
                  "cumulative_ms": round(cumulative * 1000, 1)}
                 for key, (_, calls, own, cumulative, _) in ranked]
    return {"ms": round(elapsed, 1), "store": timer.table(), "functions": functions}
