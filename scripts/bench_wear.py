#!/usr/bin/env python3
"""SD card wear: how many bytes a busy shop's day writes to the data folder's disk.

The real daemon (`python -m appliance run`, a child process) runs on two years of a busy shop's
data (bench_data.py) and a modem simulator in this process, and lives through a busy day: 50
missed calls from different callers (each texted back, with a delivery report), 40 customer
replies (each forwarded to the owner) and 10 owner answers relayed to the customer (with a
confirmation to the owner) — about 150 texts. The figure is the daemon's `write_bytes` from
/proc/<pid>/io: what it caused to be written to the block device, counted in 4 KB pages as the
kernel dirties them (what an SD card is asked to store, before the file system's own metadata).

The day is compressed into a few minutes, but it is counted as if spread out: after each
customer's exchange every dirty page is flushed (`sync`), so no two exchanges share a page that
a real day's minutes apart would not. On top of the day's appends, a checkpoint (the journal's
changes rewritten into the files) comes every LIMIT_BYTES of journal: its cost is measured as
the size of every file a checkpoint after a week would rewrite, shared out per day.

    .venv/bin/python scripts/bench_wear.py                      # the README figure
    .venv/bin/python scripts/bench_wear.py --calls 5 --replies 4 --answers 1 --days 3

Loopback and a temporary folder only; the daemon is stopped and the folder removed at the end.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench_data import OWNER, load_busy_year  # noqa: E402
from bench_memory import _stop, start_daemon  # noqa: E402
from bench_support import print_table  # noqa: E402

TARGET_MB = 5.0
TAG = re.compile(r"#([A-Z0-9]+)\b")


def write_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("write_bytes:"):
            return int(line.split()[1])
    raise RuntimeError("no write_bytes in /proc/<pid>/io")


class Day:
    """Plays the busy day against the box through the simulated network."""

    def __init__(self, sim):
        self.sim = sim
        self.texts = 0

    def _sent(self, count: int) -> None:
        self.sim.wait_sent(count, timeout=30)

    def _report_deliveries(self, before: int) -> None:
        for item in self.sim.sent[before:]:
            if item.status_report:
                self.sim.deliver_report(item.reference)

    def missed_call(self, number: str) -> None:
        before = len(self.sim.sent)
        self.sim.ring(number, number_type=145, rings=2, interval=0.05)
        self._sent(before + 1)
        self.texts += 1
        self._report_deliveries(before)

    def reply(self, number: str, text: str) -> str:
        """A customer answers; the box forwards it to the owner -> the conversation's tag."""
        before = len(self.sim.sent)
        self.sim.receive_text(number, text)
        self._sent(before + 1)
        forward = self.sim.sent[before]
        self.texts += 2
        self._report_deliveries(before)
        found = TAG.search(forward.text)
        return found[1] if found else ""

    def owner_answer(self, tag: str, text: str) -> None:
        before = len(self.sim.sent)
        self.sim.receive_text(OWNER, f"{tag} {text}")
        self._sent(before + 2)                 # to the customer, and the owner's confirmation
        self.texts += 3
        self._report_deliveries(before)


def _settle(base: str, token: str) -> None:
    """Let the box finish what it was doing, then flush every dirty page (see the docstring)."""
    time.sleep(0.3)
    os.sync()


def busy_day(sim, base: str, token: str, calls: int, replies: int, answers: int) -> int:
    day = Day(sim)
    numbers = [f"+1212555{4000 + i:04d}" for i in range(calls)]
    tags = []
    for i, number in enumerate(numbers):
        day.missed_call(number)
        _settle(base, token)
        if i < replies:
            tags.append(day.reply(number, "Hi, yes please - the kitchen tap is leaking"))
            _settle(base, token)
        if i < answers and tags[-1]:
            day.owner_answer(tags[-1], "On my way, there in 20 minutes")
            _settle(base, token)
    return day.texts


def checkpoint_bytes(data: Path) -> int:
    """What a checkpoint after a week rewrites: every contact file (a week touches most), this
    month's calls, texts and events, and the small fixed files; 4 KB pages."""
    months = sorted(p.name[-12:-5] for p in data.glob("messages-*.json"))
    current = months[-1] if months else ""
    names = [p for p in (data / "contacts").glob("*.json")]
    names += [data / f"{kind}-{current}.json" for kind in ("calls", "messages", "events")]
    names += [data / n for n in ("outbox.json", "inbox.json", "settings.json")]
    return sum(-(-p.stat().st_size // 4096) * 4096 for p in names if p.exists())


def measure_day(sim, data: Path, args) -> dict:
    """Start the daemon on `data`, live through the day -> what it wrote."""
    output: list = []
    process, base, token, _ = start_daemon(REPO, data, sim.port, subprocess.PIPE, "--no-gpio")
    try:
        # The daemon's log goes to memory, not to the disk being measured.
        threading.Thread(target=lambda: output.extend(process.stdout), daemon=True).start()
        time.sleep(2.0)              # start-up writes (the reserve, the first event) are done
        _settle(base, token)
        journal_before = (data / "journal.jsonl").stat().st_size
        before = write_bytes(process.pid)
        texts = busy_day(sim, base, token, args.calls, args.replies, args.answers)
        return {"texts": texts, "day_write_bytes": write_bytes(process.pid) - before,
                "journal_bytes_per_day": (data / "journal.jsonl").stat().st_size - journal_before,
                "checkpoint_bytes": checkpoint_bytes(data)}
    finally:
        _stop(process)


def _compressed_day_is_no_attack(data: Path) -> None:
    """The day is played in minutes: lift the box-wide cap on automatic texts (20 an hour by
    default, a toll-fraud defence) so that the day's 50 text-backs all go out."""
    from appliance.storage.store import Store
    store = Store(data)
    store.save_settings({**store.settings(), "auto_texts_per_hour": 1000,
                         "auto_texts_per_day": 1000})
    store.close()


def run(args) -> dict:
    from appliance.storage.journal import LIMIT_BYTES
    from hardware.simulator import ModemSimulator
    tmp = Path(tempfile.mkdtemp(prefix="bench-wear-"))
    sim = ModemSimulator("sim800", link_path=tmp / "modem").start()
    try:
        load_busy_year(tmp / "data", days=args.days)
        _compressed_day_is_no_attack(tmp / "data")
        day = measure_day(sim, tmp / "data", args)
    finally:
        sim.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    journal_day = day["journal_bytes_per_day"]
    per_day_checkpoint = day["checkpoint_bytes"] * journal_day / LIMIT_BYTES
    return {"calls": args.calls, **day, "journal_limit": LIMIT_BYTES,
            "checkpoint_every_days": round(LIMIT_BYTES / journal_day, 1) if journal_day else None,
            "checkpoint_bytes_per_day": round(per_day_checkpoint),
            "total_mb_per_day": round((day["day_write_bytes"] + per_day_checkpoint) / 2**20, 2)}


def report(figures: dict) -> None:
    mb = 2**20
    print(f"\nA busy day: {figures['calls']} missed calls, {figures['texts']} texts")
    print_table(["what", "MB"], [
        ["the day's writes (daemon write_bytes, 4 KB pages)",
         f"{figures['day_write_bytes'] / mb:.2f}"],
        ["  of which journal lines (bytes appended)", f"{figures['journal_bytes_per_day'] / mb:.2f}"],
        [f"a checkpoint (every {figures['checkpoint_every_days']} days at this rate)",
         f"{figures['checkpoint_bytes'] / mb:.2f}"],
        ["  shared out per day", f"{figures['checkpoint_bytes_per_day'] / mb:.2f}"],
        ["total per day", f"{figures['total_mb_per_day']:.2f}"]])
    met = "yes" if figures["total_mb_per_day"] < TARGET_MB else "NO"
    print(f"\ntarget < {TARGET_MB:g} MB a day: {met}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=50, help="missed calls (50)")
    parser.add_argument("--replies", type=int, default=40, help="customer replies (40)")
    parser.add_argument("--answers", type=int, default=10, help="owner answers relayed (10)")
    parser.add_argument("--days", type=int, default=730, help="days of data first (730)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    args = parser.parse_args(argv)
    if not 0 <= args.answers <= args.replies <= args.calls:
        parser.error("need answers <= replies <= calls")
    figures = run(args)
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
