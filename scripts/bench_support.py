"""Shared pieces of the benchmark scripts (bench.py, bench_pages.py ...): waiting with a
timeout, percentiles, a plain-text table, /proc memory figures, TimingProbe (times the steps
between a call's end code and AT+CMGS inside a running box), page_load (the shop page in use
while calls come in) and the commit measured.

TimingProbe instruments one box in the benchmark's own process at run time (wrapping a few of
its objects' methods and the store's lock); nothing in appliance/ is changed on disk, and
detach() puts the class-level wrappers (the storage's write, the journal's sync) back.
"""
from __future__ import annotations

import math
import statistics
import threading
import time
from pathlib import Path
from typing import Callable, Optional


def wait_until(predicate: Callable[[], object], timeout: float, what: str,
               interval: float = 0.005):
    """Poll `predicate` until truthy; TimeoutError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(interval)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (with 50 samples, p99 is the slowest one)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    """The median wall time of `repeat` calls of `fn`, in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows)]
    for line in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip())


def proc_memory(pid: int) -> dict[str, float]:
    """VmRSS, VmHWM, RssAnon, RssFile of a process, in MB (from /proc/<pid>/status)."""
    figures = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"):
            figures[name] = round(int(rest.split()[0]) / 1024, 1)
    return figures


# --- timing the call-end -> AT+CMGS path ---------------------------------------------------

class _TimedLock:
    """Stands in for the store's RLock and records how long each thread waited for it."""

    def __init__(self, lock, record):
        self._lock, self._record = lock, record

    def acquire(self, blocking=True, timeout=-1):
        start = time.monotonic()
        got = self._lock.acquire(blocking, timeout)
        waited = time.monotonic() - start
        if waited > 0.0002:
            self._record("lock wait", "store lock", start, start + waited)
        return got

    def release(self):
        self._lock.release()

    __enter__ = acquire

    def __exit__(self, *exc):
        self.release()


STEPS = (
    ("end code -> service handles the call", "end", "handle"),
    ("decision + call/message/contact records + outbox (service)", "handle", "queued"),
    ("sender wakes and picks the text up", "queued", "send_one"),
    ("sender marks it sending (outbox + message writes, lock waits)", "send_one", "send_text"),
    ("PDU + AT channel + pty until AT+CMGS arrives", "send_text", "cmgs"),
)


class TimingProbe:
    """Times the milestones of each text-back and the store writes and lock waits between."""

    def __init__(self):
        self.events: list[tuple[str, str, str, float, float]] = []
        self.calls: list[dict] = []
        self._guard = threading.Lock()
        self._restore: list[Callable[[], None]] = []

    def _record(self, kind: str, label: str, start: float, end: float) -> None:
        with self._guard:
            self.events.append((threading.current_thread().name, kind, label, start, end))

    def _wrap(self, owner, name: str, kind: str, label: Callable[..., str]):
        """(the original method, a timed stand-in that records `kind` events)."""
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            start = time.monotonic()
            try:
                return original(*args, **kwargs)
            finally:
                self._record(kind, label(*args), start, time.monotonic())
        return original, timed

    def attach(self, app) -> None:
        """Instrument a built (not yet started) Appliance."""
        from appliance.storage import journal, files as storage
        app.store.db.lock = _TimedLock(app.store.db.lock, self._record)
        for owner, name, kind in ((app.textback, "handle", "handle"),
                                  (app.store, "outbox_put", "queued"),
                                  (app.sender, "send_one", "send_one"),
                                  (app.modem, "send_text", "send_text")):
            setattr(owner, name, self._wrap(owner, name, kind, lambda *a, n=name: n)[1])
        for owner, name, kind in ((storage.JournaledStorage, "write_changes", "write"),
                                  (journal.Journal, "sync", "fsync")):
            original, timed = self._wrap(owner, name, kind, _file_label)
            setattr(owner, name, timed)
            self._restore.append(lambda o=owner, n=name, f=original: setattr(o, n, f))

    def detach(self) -> None:
        for undo in self._restore:
            undo()
        self._restore.clear()

    def reset(self) -> None:
        with self._guard:
            self.events.clear()

    def mark_call(self, end: float, cmgs: float) -> None:
        """Summarise the events of one call's window [end, cmgs] and forget them."""
        with self._guard:
            events, self.events = self.events, []
        marks = {"end": end, "cmgs": cmgs}
        for kind in ("handle", "queued", "send_one", "send_text"):
            found = [(s, e) for _, k, _, s, e in events if k == kind and s >= end - 0.001]
            if found:   # the outbox milestone is when the text is in the outbox (call returned)
                marks[kind] = found[0][1] if kind == "queued" else found[0][0]
        ms = {label: (marks[b] - marks[a]) * 1000 for label, a, b in STEPS
              if a in marks and b in marks}
        ms["total"] = (cmgs - end) * 1000
        counts = {}
        inside = [e for e in events if e[3] < cmgs and e[4] > end]
        for thread, kind, label, start, stop in inside:
            title = {"write": "store changes (a journal line each)",
                     "fsync": "journal syncs (fsync)",
                     "lock wait": "store lock waits"}[kind] if kind in (
                         "write", "fsync", "lock wait") else None
            if title is None:
                continue
            for key in ([title, f"  write {label} ({thread} thread)"] if kind == "write"
                        else [title if kind == "fsync" else f"{title} ({thread} thread)"]):
                ms[key] = ms.get(key, 0.0) + (stop - start) * 1000
                counts[key] = counts.get(key, 0) + 1
        self.calls.append({"ms": ms, "count": counts})

    def summary(self) -> Optional[dict]:
        """Per part: median over the calls (ms, count) and the slowest call's (slowest_ms,
        slowest_count)."""
        self.detach()
        if not self.calls:
            return None
        seen = {k for c in self.calls for k in c["ms"]}
        steps = [label for label, _, _ in STEPS if label in seen] + ["total"]
        writes = sorted(k for k in seen if k.startswith(("store changes", "journal", "  ")))
        writes.sort(key=lambda k: (not k.startswith("store"), not k.startswith("journal"), k))
        waits = sorted(k for k in seen if k.startswith("store lock"))
        slowest = max(self.calls, key=lambda c: c["ms"]["total"])
        out = {}
        for name in steps + writes + waits:
            ms = statistics.median(c["ms"].get(name, 0.0) for c in self.calls)
            count = statistics.median(c["count"].get(name, 0) for c in self.calls)
            worst = slowest["ms"].get(name, 0.0)
            if name in steps or ms >= 0.05 or worst >= 0.05:
                out[name] = {"ms": round(ms, 2), "count": None if name in steps else count,
                             "slowest_ms": round(worst, 2),
                             "slowest_count": slowest["count"].get(name)}
        return out


def _file_label(*args) -> str:
    """calls-2026-11.json -> calls-*.json, contacts/2f.json -> contacts/*.json (the storage or
    the journal is the first argument of the wrappers)."""
    name = getattr(args[0], "name", None) or "journal"
    if name.startswith("contacts/"):
        return "contacts/*.json"
    kind, dash, _ = name.partition("-")
    return f"{kind}-*.json" if dash else name


# --- the page in use meanwhile, and which commit was measured ----------------------------

PAGE_LOADS = {
    # The page left open on the shop PC: what app.js polls (home every 3 s, inbox every 5 s).
    "open": (("/live/status", 3.0), ("/live/inbox", 5.0)),
    # The owner reloading a year of results back to back.
    "stress": (("/api/stats?days=365", 0.05),),
}


def page_load(box, kind: str, stop: threading.Event) -> threading.Thread:
    """A thread making the page requests of PAGE_LOADS[kind] until `stop` is set."""
    from web import create_app
    client = create_app(box, {"TESTING": True}).test_client()
    with client.session_transaction() as session:
        session["logged_in"] = True
    headers = {"Authorization": f"Bearer {box.api_token()}"}
    due = {path: 0.0 for path, _ in PAGE_LOADS[kind]}

    def load() -> None:
        while not stop.is_set():
            for path, every in PAGE_LOADS[kind]:
                if time.monotonic() >= due[path]:
                    client.get(path, headers=headers)
                    due[path] = time.monotonic() + every
            stop.wait(0.05)
    thread = threading.Thread(target=load, name="page-load", daemon=True)
    thread.start()
    return thread


def git_commit(repo: Path) -> Optional[str]:
    """The checked-out commit, read from .git without running git."""
    try:
        ref = (repo / ".git" / "HEAD").read_text().strip()
        if ref.startswith("ref: "):
            return (repo / ".git" / ref[5:]).read_text().strip()
        return ref
    except OSError:
        return None
