#!/usr/bin/env python3
"""Benchmark the heart of the box: how fast a missed call becomes a text-back, how long each
modem takes to be ready, and how much memory the daemon holds.

Latency: for each simulated modem (the first families and the profiles of modules beyond them),
a real box (build_box, demo=True: store, service, sender, modem adapter talking AT to the
simulator over a pseudo-terminal) takes abandoned calls from different valid numbers. Measured
on the simulator's side of the line, from the moment the simulated caller GIVES UP (the modem
writes its end code at that moment, if it has one) to the moment the simulator RECEIVES
`AT+CMGS=` for the text-back (hardware/simulator's timed_transcript). How the box noticed each
call (its recorded end code) sorts the modems into three kinds:
- "code": the modem says the call is over in words the box knows (+CLCC 6 / NO CARRIER,
  MISSED_CALL, ^CEND ...); target median < 100 ms, p99 < 300 ms;
- "list": it says nothing the box knows, and the box sees the call gone from AT+CLCC, asked
  every second; rings of varied length put the caller's hang-up anywhere between two polls;
  target: every call within 1.5 s, median <= 1.1 s;
- "gap": it says nothing and has no call list, so the end is the ring gap after the last RING:
  its figure is "ring gap + X" and X is reported (fast timers: a 0.6 s gap).
Every call is waited for (text sent, outbox empty) before the next one rings. Ready: seconds
from start to modem state `ready` (production timers, so the busy-after-power-on profile waits).

Memory: `python -m appliance run` as a child process on a simulator in this process; VmRSS and
VmHWM from /proc/<pid>/status once idle (modem ready, page answering) and after N calls.

--busy loads a year of a busy shop first (bench_data.py); --breakdown times each step and every
store write and lock wait between end code and AT+CMGS; --page-load has the shop page in use
meanwhile; --gap-real-timers measures the ring-gap-only modem on production timers.

    .venv/bin/python scripts/bench.py                 # everything (about ten minutes)
    .venv/bin/python scripts/bench.py --calls 5 --dialects sim800 --no-memory
    .venv/bin/python scripts/bench.py --busy --breakdown   # a year of data; where time goes
    .venv/bin/python scripts/bench.py --busy --page-load open --dialects sim800 --no-memory

Loopback and temporary folders only; every process and folder it makes is removed at the end.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench_data import load_busy_year  # noqa: E402
from bench_memory import daemon_memory  # noqa: E402
from bench_support import (PAGE_LOADS, TimingProbe, git_commit, page_load,  # noqa: E402
                           percentile, print_table, wait_until)

from hardware.simulator.dialects import DIALECTS as SIMULATED  # noqa: E402

DIALECTS = tuple(SIMULATED)
RING_CODES = (b"RING", b"+CLIP")            # RING, +CRING: VOICE and the caller ID
TARGET_MEDIAN_MS, TARGET_P99_MS, TARGET_IDLE_MB = 100.0, 300.0, 60.0
LIST_MEDIAN_MS, LIST_MAX_MS = 1100.0, 1500.0
CALL_TIMEOUT = 30.0
MIN_RING_GAP = 4          # the smallest ring_gap_seconds the settings accept


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


def _settled(box, number: str) -> bool:
    app = box.appliance
    latest = app.store.calls(limit=1)
    return (bool(latest) and latest[0]["number"] == number and latest[0]["outcome"] == "texted"
            and not app.outbox.items())


def one_call(box, sim, number: str, sent_before: int, interval: float = 0.05,
             gap: Optional[float] = None):
    """Ring once from `number`, wait for the text-back -> (call end, AT+CMGS, end code)."""
    since = time.monotonic()
    call = sim.ring(number, rings=2, interval=interval)
    sent = sim.wait_sent(sent_before + 1, timeout=CALL_TIMEOUT)
    if sent[-1].number != number:
        raise RuntimeError(f"text went to {sent[-1].number}, expected {number}")
    wait_until(lambda: _settled(box, number), CALL_TIMEOUT, f"call from {number} settled")
    end_code = box.appliance.store.calls(limit=1)[0]["end_code"]
    return (*call_times(sim.timed_transcript, since, call, gap), end_code)


def kind_of(end_codes: list) -> str:
    """How the box noticed most calls: by the modem's end code, the call list, or the ring gap."""
    kinds = ["gap" if code == "ring-gap" else "list" if code == "AT+CLCC" else "code"
             for code in end_codes]
    return max(("code", "list", "gap"), key=kinds.count)


def bench_dialect(dialect: str, calls: int, busy: bool = False, breakdown: bool = False,
                  real_timers: bool = False, pages: Optional[str] = None) -> dict:
    """`calls` abandoned calls to a fresh box on `dialect` -> the figures of one table row."""
    from appliance.main import build_box
    # Production timers, except for modems with neither an end code nor a call list: fast=True
    # makes their ring gap 0.6 s instead of 8 s (and the service ticks every 20 ms, not 100).
    gap_only = not SIMULATED[dialect].call_list and not _has_end_code(dialect)
    fast = gap_only and not real_timers
    probe = TimingProbe() if breakdown else None
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{dialect}-"))
    try:
        if busy:
            load_busy_year(tmp)
        box = build_box(tmp, demo=True, dialect=dialect, fast=fast, gpio=False)
        if gap_only and real_timers:
            store = box.appliance.store
            store.save_settings({**store.settings(), "ring_gap_seconds": MIN_RING_GAP})
        found = run_calls(box, calls, probe, pages, gap_only)
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


def start_box(box) -> float:
    """Start it; seconds until its modem was ready (then wait for the start-up sweep)."""
    app, started = box.appliance, time.monotonic()
    box.start()
    wait_until(lambda: app.modem.status.state == "ready", 60, "modem ready")
    ready_s = time.monotonic() - started
    wait_until(lambda: app.service._queue.empty(), 10, "start-up sweep done")
    return ready_s


def run_calls(box, calls: int, probe: Optional[TimingProbe], pages: Optional[str],
              gap_only: bool) -> dict:
    """Start the box, make a first call (it tells how this modem's calls end), then `calls`
    measured ones; stop it -> ready_s, kind, gap, end_codes, first (ms), latencies (ms)."""
    app = box.appliance
    gap = (app.options.ring_gap or timedelta(
        seconds=app.store.settings()["ring_gap_seconds"])).total_seconds() if gap_only else None
    if probe:
        probe.attach(app)
    stop_pages, loader = threading.Event(), None
    try:
        ready_s = start_box(box)
        sim = app.simulator
        if pages:
            loader = page_load(box, pages, stop_pages)
        # The first call rings like a real one (0.5 s between rings): how it ends says whether
        # the modem's calls end by a code (short rings then) or by the call list.
        end, cmgs, code = one_call(box, sim, caller(999), len(sim.sent), 0.5, gap)
        kind = kind_of([code])
        first, latencies, codes = (cmgs - end) * 1000, [], []
        if probe:
            probe.reset()
        for i in range(calls):
            # The call list is asked every second: rings of varied length put the hang-up
            # anywhere between two questions.
            interval = 0.15 + (i * 0.377) % 1.0 if kind == "list" else 0.05
            end, cmgs, code = one_call(box, sim, caller(i), len(sim.sent), interval, gap)
            latencies.append((cmgs - end) * 1000)
            codes.append(code)
            if probe:
                probe.mark_call(end, cmgs)
    finally:
        stop_pages.set()
        if loader is not None:
            loader.join(10)
        box.stop()
        if probe:
            probe.detach()
    return {"ready_s": round(ready_s, 2), "kind": kind_of(codes), "gap": gap,
            "end_codes": sorted(set(codes)), "first": first, "latencies": latencies}


# --- report ----------------------------------------------------------------------------------

def met(r: dict) -> bool:
    if r["kind"] == "list":
        return r["median_ms"] <= LIST_MEDIAN_MS and r["max_ms"] <= LIST_MAX_MS
    return r["median_ms"] < TARGET_MEDIAN_MS and r["p99_ms"] < TARGET_P99_MS


def latency_rows(results: list[dict]) -> list[list[str]]:
    rows = []
    for r in results:
        prefix = "gap + " if r["ring_gap_s"] is not None else ""
        rows.append([r["dialect"], r["kind"], "/".join(r["end_codes"]), r["timers"],
                     str(r["calls"]), f"{r['ready_s']:.2f}", f"{prefix}{r['median_ms']:.1f}",
                     f"{prefix}{r['p99_ms']:.1f}", f"{r['min_ms']:.1f}", f"{r['max_ms']:.1f}",
                     f"{r['first_ms']:.1f}", "yes" if met(r) else "NO"])
    return rows


def _count(value) -> str:
    return "" if value is None else f"{value:g}"


def report(results: list[dict], memory: dict | None) -> None:
    if results:
        print(f"\nCaller gives up -> AT+CMGS (ms; targets: code: median < "
              f"{TARGET_MEDIAN_MS:g}, p99 < {TARGET_P99_MS:g}; list: median <= "
              f"{LIST_MEDIAN_MS:g}, max <= {LIST_MAX_MS:g})")
        print_table(["dialect", "kind", "noticed by", "timers", "calls", "ready s", "median",
                     "p99", "min", "max", "first call", "met"], latency_rows(results))
        for r in results:
            if r["ring_gap_s"] is not None:
                print(f"{r['dialect']}: says nothing when the caller gives up and has no call "
                      f"list; the call ends when no RING came for the ring gap "
                      f"({r['ring_gap_s']:g} s here, 8 s by default): figures are ring gap + "
                      "the time shown")
        print("first call: the first text-back after start-up (not in median/p99); ready s: "
              "start to modem ready")
    for r in results:
        if r.get("breakdown"):
            print(f"\n{r['dialect']}: where the time goes between call end and AT+CMGS "
                  "(median per call)")
            print_table(["part", "median ms", "count", "slowest call ms", "count"],
                        [[k, f"{v['ms']:.1f}", _count(v["count"]), f"{v['slowest_ms']:.1f}",
                          _count(v["slowest_count"])] for k, v in r["breakdown"].items()])
    if memory:
        print(f"\nDaemon memory (python -m appliance run; target idle VmRSS < "
              f"{TARGET_IDLE_MB:g} MB; page answered HTTP {memory['page_status']})")
        rows = [[label, f"{m['VmRSS']:.1f}", f"{m['VmHWM']:.1f}", f"{m['RssAnon']:.1f}",
                 f"{m['RssFile']:.1f}"] for label, m in memory["samples"].items()]
        print_table(["when", "VmRSS MB", "VmHWM MB", "RssAnon MB", "RssFile MB"], rows)
        idle = memory["samples"]["idle"]["VmRSS"]
        print(f"idle target met: {'yes' if idle < TARGET_IDLE_MB else 'NO'}")
        if memory.get("imports"):
            print("\nResident memory of a fresh interpreter after each import (cumulative)")
            print_table(["import", "VmRSS MB", "+MB"],
                        [[name, f"{rss:.1f}", f"{delta:+.1f}"]
                         for name, rss, delta in memory["imports"]])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=50, help="calls per dialect (default 50)")
    parser.add_argument("--dialects", default=",".join(DIALECTS),
                        help=f"comma-separated, default {','.join(DIALECTS)}")
    parser.add_argument("--memory-calls", type=int, default=50,
                        help="calls made to the daemon before the second memory sample")
    parser.add_argument("--no-latency", action="store_true", help="skip the latency part")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory part")
    parser.add_argument("--busy", action="store_true",
                        help="load a year of a busy shop's data first (bench_data.py)")
    parser.add_argument("--breakdown", action="store_true",
                        help="time store writes and lock waits between call end and AT+CMGS")
    parser.add_argument("--gap-real-timers", action="store_true",
                        help="modems noticed by the ring gap only, on production timers (100 ms "
                             f"service tick) with the ring gap at its {MIN_RING_GAP} s minimum: "
                             f"about {MIN_RING_GAP + 0.3:g} s per call")
    parser.add_argument("--page-load", choices=sorted(PAGE_LOADS),
                        help="pages in use meanwhile: 'open' = home and inbox left open (their "
                             "live polls), 'stress' = a year of results reloaded back to back; "
                             "use with --busy")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    dialects = [d.strip() for d in args.dialects.split(",") if d.strip()]
    unknown = sorted(set(dialects) - set(DIALECTS))
    if unknown or args.calls < 1:
        _parser().error(f"unknown dialect(s) {unknown}" if unknown else "--calls must be >= 1")
    results = [] if args.no_latency else [
        bench_dialect(d, args.calls, args.busy, args.breakdown, args.gap_real_timers,
                      args.page_load)
        for d in dialects]
    memory = None if args.no_memory else daemon_memory(REPO, args.memory_calls, caller, args.busy)
    report(results, memory)
    load = [round(x, 2) for x in os.getloadavg()]
    print(f"\nload average (1, 5, 15 min) at the end: {load[0]}, {load[1]}, {load[2]} "
          f"on {os.cpu_count()} CPUs (other work on the machine inflates the figures)")
    if args.json:
        args.json.write_text(json.dumps({"commit": git_commit(REPO), "busy": args.busy,
                                         "load_average": load, "latency": results,
                                         "memory": memory}, indent=2))
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
