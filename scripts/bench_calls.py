"""The calls of the benchmark (scripts/bench.py): a box on a simulated modem takes abandoned
calls, each timed from the moment the simulated caller gives up to the moment the simulator
receives `AT+CMGS=` for the text-back; and, with `bench_decline`, calls the box declines after
`reject_after_seconds`, timed from that moment to the simulator receiving `ATH`.
"""
from __future__ import annotations

import shutil
import statistics
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Optional

from bench_data import load_busy_year
from bench_support import TimingProbe, page_load, percentile, wait_until

from hardware.simulator.dialects import DIALECTS as SIMULATED

RING_CODES = (b"RING", b"+CLIP")            # RING, +CRING: VOICE and the caller ID
CALL_TIMEOUT = 30.0
MIN_RING_GAP = 4          # the smallest ring_gap_seconds the settings accept


def demo_appliance(data: Path, dialect: str, timings=None):
    """A whole box on the simulated `dialect` (production timers unless given others)."""
    from appliance.app.bootstrap import Options, bootstrap
    from appliance.app.timings import PRODUCTION
    return bootstrap(Options(data, demo=True, dialect=dialect, gpio=False),
                     timings or PRODUCTION)


def lift_caps(store) -> None:
    """A benchmark rings far more often than a shop: the box-wide cap must not stop it."""
    store.save_settings({**store.settings(), "auto_texts_per_hour": 1000,
                         "auto_texts_per_day": 10000})


def caller(i: int) -> str:
    """A distinct valid US number per call (212-555-xxxx is valid; 555-1234 is not)."""
    return f"+1212555{2000 + i:04d}"


# --- latency ---------------------------------------------------------------------------------

def _in_stream_hit(entries, marker: bytes):
    """Time at which `marker` had fully arrived in the host->modem bytes of `entries`."""
    stream, ends = b"", []
    for at, way, data in entries:
        if way == "in":
            stream += data
            ends.append((len(stream), at))
    found = stream.find(marker)
    if found < 0:
        return None
    return next(at for end, at in ends if end >= found + len(marker))


def call_times(timed, since: float, call, gap: Optional[float]):
    """(call end, AT+CMGS received) in monotonic seconds for the call rung at `since`; with a
    ring gap, the end is the gap after the last ring the simulator wrote."""
    entries = [e for e in timed if e[0] >= since]
    cmgs = _in_stream_hit(entries, b"AT+CMGS=")
    if cmgs is None:
        raise RuntimeError("the simulator never received AT+CMGS for this call")
    if gap is not None:
        rings = [at for at, way, data in entries
                 if way == "out" and at < cmgs and any(c in data for c in RING_CODES)]
        return rings[-1] + gap, cmgs
    if call.ended_at is None:
        raise RuntimeError("the simulated call never ended")
    return call.ended_at, cmgs


def _settled(app, number: str) -> bool:
    latest = app.store.calls(limit=1)
    return (bool(latest) and latest[0].number == number and latest[0].outcome == "texted"
            and not app.outbox.items())


def one_call(app, sim, number: str, sent_before: int, interval: float = 0.05,
             gap: Optional[float] = None):
    """Ring once from `number`, wait for the text-back -> (call end, AT+CMGS, end code)."""
    since = time.monotonic()
    call = sim.ring(number, rings=2, interval=interval)
    sent = sim.wait_sent(sent_before + 1, timeout=CALL_TIMEOUT)
    if sent[-1].number != number:
        raise RuntimeError(f"text went to {sent[-1].number}, expected {number}")
    wait_until(lambda: _settled(app, number), CALL_TIMEOUT, f"call from {number} settled")
    end_code = app.store.calls(limit=1)[0].end_code
    return (*call_times(sim.timed_transcript, since, call, gap), end_code)


def kind_of(end_codes: list) -> str:
    """How the box noticed most calls: by the modem's end code, the call list, or the ring gap."""
    kinds = ["gap" if code == "ring-gap" else "list" if code == "AT+CLCC" else "code"
             for code in end_codes]
    return max(("code", "list", "gap"), key=kinds.count)


def bench_dialect(dialect: str, calls: int, busy: bool = False, breakdown: bool = False,
                  real_timers: bool = False, pages: Optional[str] = None) -> dict:
    """`calls` abandoned calls to a fresh box on `dialect` -> the figures of one table row."""
    from appliance.app.timings import FAST, PRODUCTION
    # Production timers, except for modems with neither an end code nor a call list: the tests'
    # timers make their ring gap 0.6 s instead of 8 s (and the service ticks every 20 ms).
    gap_only = not SIMULATED[dialect].call_list and not _has_end_code(dialect)
    fast = gap_only and not real_timers
    probe = TimingProbe() if breakdown else None
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{dialect}-"))
    try:
        if busy:
            load_busy_year(tmp)
        app = demo_appliance(tmp, dialect, FAST if fast else PRODUCTION)
        lift_caps(app.store)
        if gap_only and real_timers:
            store = app.store
            store.save_settings({**store.settings(), "ring_gap_seconds": MIN_RING_GAP})
        found = run_calls(app, calls, probe, pages, gap_only)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    latencies, kind = found["latencies"], found["kind"]
    return {"dialect": dialect, "calls": calls, "kind": kind, "ready_s": found["ready_s"],
            "end_codes": found["end_codes"], "ring_gap_s": found["gap"],
            "timers": ("fast (tests)" if fast else "production") + (f" + pages {pages}"
                                                                     if pages else ""),
            "first_ms": round(found["first"], 1),
            "median_ms": round(statistics.median(latencies), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
            "min_ms": round(min(latencies), 1), "max_ms": round(max(latencies), 1),
            "breakdown": probe.summary() if probe else None}


def _has_end_code(dialect: str) -> bool:
    d = SIMULATED[dialect]
    return d.name in ("sim800", "sim7600", "ec25", "huawei") or d.end_code is not None


def start_box(app) -> float:
    """Start it; seconds until its modem was ready (then wait for the start-up sweep)."""
    started = time.monotonic()
    app.start()
    wait_until(lambda: app.modem.status.state == "ready", 60, "modem ready")
    ready_s = time.monotonic() - started
    wait_until(app.service.settled, 10, "start-up sweep done")
    return ready_s


def run_calls(app, calls: int, probe: Optional[TimingProbe], pages: Optional[str],
              gap_only: bool) -> dict:
    """Start the box, make a first call (it tells how this modem's calls end), then `calls`
    measured ones; stop it -> ready_s, kind, gap, end_codes, first (ms), latencies (ms)."""
    gap = (app.timings.ring_gap or timedelta(
        seconds=app.store.settings()["ring_gap_seconds"])).total_seconds() if gap_only else None
    if probe:
        probe.attach(app)
    stop_pages, loader = threading.Event(), None
    try:
        ready_s = start_box(app)
        sim = app.simulator
        if pages:
            loader = page_load(app, pages, stop_pages)
        # The first call rings like a real one (0.5 s between rings): how it ends says whether
        # the modem's calls end by a code (short rings then) or by the call list.
        end, cmgs, code = one_call(app, sim, caller(999), len(sim.sent), 0.5, gap)
        kind = kind_of([code])
        first, latencies, codes = (cmgs - end) * 1000, [], []
        if probe:
            probe.reset()
        for i in range(calls):
            # The call list is asked every second: rings of varied length put the hang-up
            # anywhere between two questions.
            interval = 0.15 + (i * 0.377) % 1.0 if kind == "list" else 0.05
            end, cmgs, code = one_call(app, sim, caller(i), len(sim.sent), interval, gap)
            latencies.append((cmgs - end) * 1000)
            codes.append(code)
            if probe:
                probe.mark_call(end, cmgs)
    finally:
        stop_pages.set()
        if loader is not None:
            loader.join(10)
        app.stop()
        if probe:
            probe.detach()
    return {"ready_s": round(ready_s, 2), "kind": kind_of(codes), "gap": gap,
            "end_codes": sorted(set(codes)), "first": first, "latencies": latencies}


# --- declining on time -----------------------------------------------------------------------

DECLINE_AFTER = 5          # the smallest reject_after_seconds the settings accept
DECLINE_SETTLE = 2.5       # the box ignores the declined call's last rings this long


def bench_decline(dialect: str, calls: int) -> dict:
    """`calls` calls ringing every 3 s that the box declines after DECLINE_AFTER seconds ->
    how late the ATH came (ms after first RING + DECLINE_AFTER), production timers."""
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-decline-{dialect}-"))
    late = []
    try:
        app = demo_appliance(tmp, dialect)
        lift_caps(app.store)
        store = app.store
        store.save_settings({**store.settings(), "reject_after_seconds": DECLINE_AFTER})
        start_box(app)
        try:
            for i in range(calls):
                late.append(_declined_call(app, caller(500 + i)))
        finally:
            app.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"dialect": dialect, "calls": calls, "median_ms": round(statistics.median(late), 1),
            "max_ms": round(max(late), 1)}


def _declined_call(app, number: str) -> float:
    sim, since = app.simulator, time.monotonic()
    call = sim.ring(number, rings=10, interval=3.0)
    wait_until(lambda: call.over.is_set(), 40, f"call from {number} declined")
    if call.outcome != "declined":
        raise RuntimeError(f"the call from {number} was not declined: {call.outcome}")
    wait_until(lambda: _settled(app, number), CALL_TIMEOUT, f"call from {number} settled")
    entries = [e for e in sim.timed_transcript if e[0] >= since]
    first_ring = next(at for at, way, data in entries if way == "out" and b"RING" in data)
    hang_up = _in_stream_hit(entries, b"ATH") or _in_stream_hit(entries, b"AT+CHUP")
    time.sleep(DECLINE_SETTLE)
    return (hang_up - first_ring - DECLINE_AFTER) * 1000
