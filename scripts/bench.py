#!/usr/bin/env python3
"""Benchmark the heart of the box: how fast a missed call becomes a text-back, how long each
modem takes to be ready, and how much memory the daemon holds.

Latency: for each simulated modem (the first families and the profiles of modules beyond them),
a real box (bootstrap, demo=True: store, service, sender, modem adapter talking AT to the
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
--decline N: N calls ringing every 3 s that the box declines after 5 s (reject_after_seconds),
timed from that moment to the simulator receiving ATH (bench_calls.py).

Memory: `python -m appliance run` as a child process on a simulator in this process; VmRSS and
VmHWM from /proc/<pid>/status once idle (modem ready, page answering) and after N calls.

--busy loads a year of a busy shop first (bench_data.py); --breakdown times each step and every
store write and lock wait between end code and AT+CMGS; --page-load has the shop page in use
meanwhile; --gap-real-timers measures the ring-gap-only modem on production timers.

    .venv/bin/python scripts/bench.py                 # everything (about ten minutes)
    .venv/bin/python scripts/bench.py --calls 5 --dialects sim800 --no-memory
    .venv/bin/python scripts/bench.py --busy --breakdown   # a year of data; where time goes
    .venv/bin/python scripts/bench.py --busy --page-load open --dialects sim800 --no-memory
    .venv/bin/python scripts/bench.py --no-latency --no-memory --decline 5 --dialects sim800,plain

Loopback and temporary folders only; every process and folder it makes is removed at the end.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench_calls import MIN_RING_GAP, bench_decline, bench_dialect, caller  # noqa: E402
from bench_memory import daemon_memory  # noqa: E402
from bench_support import PAGE_LOADS, git_commit, print_table  # noqa: E402

from hardware.simulator.dialects import DIALECTS as SIMULATED  # noqa: E402

DIALECTS = tuple(SIMULATED)
TARGET_MEDIAN_MS, TARGET_P99_MS, TARGET_IDLE_MB = 100.0, 300.0, 60.0
LIST_MEDIAN_MS, LIST_MAX_MS = 1100.0, 1500.0


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
    parser.add_argument("--decline", type=int, default=0, metavar="CALLS",
                        help="also time declining (reject_after_seconds 5, rings every 3 s): "
                             "CALLS calls per dialect, about 8 s each")
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
    declines = [bench_decline(d, args.decline) for d in dialects] if args.decline else []
    memory = None if args.no_memory else daemon_memory(REPO, args.memory_calls, caller, args.busy)
    report(results, memory)
    if declines:
        print("\nDeclined after reject_after_seconds: ATH this late (ms; target < 300)")
        print_table(["dialect", "calls", "median", "max", "met"],
                    [[r["dialect"], str(r["calls"]), f"{r['median_ms']:.1f}",
                      f"{r['max_ms']:.1f}", "yes" if r["max_ms"] < 300 else "NO"]
                     for r in declines])
    load = [round(x, 2) for x in os.getloadavg()]
    print(f"\nload average (1, 5, 15 min) at the end: {load[0]}, {load[1]}, {load[2]} "
          f"on {os.cpu_count()} CPUs (other work on the machine inflates the figures)")
    if args.json:
        args.json.write_text(json.dumps({"commit": git_commit(REPO), "busy": args.busy,
                                         "load_average": load, "latency": results,
                                         "decline": declines, "memory": memory}, indent=2))
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
