#!/usr/bin/env python3
"""What the store costs with two years of a busy shop's data: the size of each kind of file, what
it costs to parse, serialise and rewrite it atomically at a checkpoint (temp file + fsync +
rename + dir fsync), the memory its parsed form takes, and the median time of each Store call the
text-back path and the pages make (a change is one journal line; see appliance/storage/journal.py).
Explains the figures of bench.py --busy and bench_pages.py.

    .venv/bin/python scripts/bench_store.py
    .venv/bin/python scripts/bench_store.py --days 30 --repeat 3

Temporary folder only; removed at the end.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench_data import OWNER, load_busy_year  # noqa: E402
from bench_support import median_ms, print_table  # noqa: E402


def _median_ms(fn, repeat: int) -> float:
    return round(median_ms(fn, repeat), 1)


def file_costs(folder: Path, repeat: int) -> list[dict]:
    """Per kind of file (the newest month of the growing kinds): size, parse, serialise, write,
    and the Python memory of the parsed data."""
    from appliance.storage.files import atomic_write
    names = sorted(os.listdir(folder))
    shards = sorted((folder / "contacts").glob("*.json"), key=lambda p: p.stat().st_size)
    picks = ["outbox.json", "inbox.json", "settings.json"] + [
        max(n for n in names if n.startswith(f"{kind}-") and n.endswith(".json"))
        for kind in ("calls", "messages", "events")]
    picks += [f"contacts/{shards[-1].name}"] if shards else []
    rows = []
    for name in picks:
        path = folder / name
        if not path.exists():
            continue
        raw = path.read_bytes()
        data = json.loads(raw)
        tracemalloc.start()
        parsed = json.loads(raw)
        memory = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del parsed
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        rows.append({
            "file": name, "records": sum(len(t) for t in data.values()),
            "kb": round(len(raw) / 1024), "parsed_mb": round(memory / 2**20, 1),
            "parse_ms": _median_ms(lambda: json.loads(raw), repeat),
            "serialise_ms": _median_ms(lambda: json.dumps(
                data, ensure_ascii=False, separators=(",", ":")), repeat),
            "atomic_write_ms": _median_ms(lambda: atomic_write(folder / ".probe", payload),
                                          repeat)})
    (folder / ".probe").unlink(missing_ok=True)
    return rows


def store_costs(folder: Path, repeat: int) -> list[dict]:
    """Median time of the Store calls made per text-back and by the pages."""
    from appliance.storage.store import Store
    store = Store(folder)
    now = datetime.now(timezone.utc)
    listed = store.conversation_page(limit=10_000)[0]
    number = listed[len(listed) // 2]["number"]
    try:
        rows = [{"call": name, "kind": "write", "ms": _median_ms(fn, repeat)}
                for name, fn in _writes(store, number, now)]
        rows += [{"call": name, "kind": "read", "ms": _median_ms(fn, repeat)}
                 for name, fn in _reads(store, number, now)]
    finally:
        store.close()
    return rows


def _writes(store, number: str, now: datetime) -> list:
    """(name, call) of the writes a text-back and the pages make."""
    call = store.add_call({"number": number, "started_at": now, "outcome": "texted"})
    message = store.add_message({"number": number, "direction": "out", "text": "hi", "at": now})
    item = store.outbox_put({"to": number, "text": "hi", "status": "queued"})
    return [
        ("add_call", lambda: store.add_call({"number": number, "started_at": now})),
        ("update_call", lambda: store.update_call(call.id, outcome="queued")),
        ("add_message (+ contact summary)", lambda: store.add_message(
            {"number": number, "direction": "out", "text": "hi", "at": now})),
        ("update_message", lambda: store.update_message(message.id, status="sending")),
        ("update_contact", lambda: store.update_contact(number, unread=0)),
        ("update_contact (STOP: synced)", lambda: store.update_contact(number,
                                                                        opted_out=False)),
        ("outbox_put", lambda: store.outbox_put({"to": number, "text": "x", "status": "queued"})),
        ("outbox_update", lambda: store.outbox_update(item.id, status="sending")),
        ("log_event", lambda: store.log_event("bench", "a line")),
    ]


def _reads(store, number: str, now: datetime) -> list:
    """(name, call) of the reads the pages and Results make."""
    year_ago = now - timedelta(days=365)
    return [
        ("settings", store.settings),
        ("contact", lambda: store.contact(number)),
        ("conversation_page (50)", lambda: store.conversation_page(limit=50)),
        ("day_counts (a year, months saved)", lambda: store.day_counts(
            (now - timedelta(days=364)).date(), now.date())),
        ("calls(limit=100)", lambda: store.calls(limit=100)),
        ("calls(since=a year ago, limit=None)", lambda: store.calls(limit=None, since=year_ago)),
        ("messages_between(a year)", lambda: store.messages_between(year_ago, now)),
        ("messages_for(a customer)", lambda: store.messages_for(number)),
        ("messages_for(the owner)", lambda: store.messages_for(OWNER)),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=730, help="days of data (default 730)")
    parser.add_argument("--repeat", type=int, default=7, help="runs per figure (median)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    args = parser.parse_args(argv)
    if args.days < 1 or args.repeat < 1:
        parser.error("--days and --repeat must be >= 1")
    tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))
    try:
        counts = load_busy_year(tmp, days=args.days)
        files = file_costs(tmp, args.repeat)
        calls = store_costs(tmp, args.repeat)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nData: {args.days} days, {counts.get('calls', 0)} calls, "
          f"{counts.get('messages', 0)} messages, {counts.get('contacts', 0)} contacts; "
          f"load average {os.getloadavg()[0]:.1f}")
    print("\nFiles (growing kinds: the newest month)")
    print_table(["file", "records", "KB", "parsed MB", "parse ms", "serialise ms",
                 "atomic write ms"],
                [[r["file"], str(r["records"]), str(r["kb"]), f"{r['parsed_mb']:.1f}",
                  f"{r['parse_ms']:.1f}", f"{r['serialise_ms']:.1f}",
                  f"{r['atomic_write_ms']:.1f}"] for r in files])
    print("\nStore calls (median ms)")
    print_table(["call", "kind", "ms"], [[r["call"], r["kind"], f"{r['ms']:.1f}"] for r in calls])
    if args.json:
        args.json.write_text(json.dumps({"data": counts, "files": files, "store": calls},
                                        indent=2))
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
