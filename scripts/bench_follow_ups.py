#!/usr/bin/env python3
"""What the follow-up and review-request check costs on two years of a busy shop
(scripts/bench_data.py: ~22k calls, ~77k texts, ~5.6k contacts): the once-a-minute check with
planned texts not yet due (the usual minute), and the cost of looking one due text up (its
contact, its number's calls since the text-back, the text-back's status) and deciding.

    .venv/bin/python scripts/bench_follow_ups.py [--days 730] [--planned 40] [--repeat 20]

Temporary folder only; removed at the end.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from appliance.core import follow_ups  # noqa: E402
from appliance.core.stamps import from_iso  # noqa: E402
from appliance.sending.auto_texts import AutoTexts  # noqa: E402
from appliance.sending.outbox import Outbox  # noqa: E402
from appliance.sending.outgoing import Outgoing  # noqa: E402
from appliance.service.later_texts import LaterTexts  # noqa: E402
from appliance.storage.store import Store  # noqa: E402
from scripts.bench_data import load_busy_year  # noqa: E402
from scripts.bench_support import median_ms  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=730, help="days of data (default 730)")
    parser.add_argument("--planned", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-follow-ups-"))
    try:
        now = datetime.now(timezone.utc)
        load_busy_year(folder, days=args.days, now=now)
        store = Store(folder, clock=lambda: now)
        store.save_settings({**store.settings(), "follow_up": {"on": True, "after_hours": 4},
                             "review_link": "https://example.com/review",
                             "review_request": {"on": True, "after_hours": 24}})
        outgoing = Outgoing(store, Outbox(store, clock=lambda: now))
        later = LaterTexts(store, outgoing, AutoTexts(store, outgoing))
        recent = [m for m in store.messages_between(now - timedelta(days=2), now, "out")
                  if m.kind == "textback"][-args.planned:]
        for message in recent:      # planned at the text-back, due hours from now
            store.plan("follow_up", message.number, now - timedelta(minutes=30),
                       textback_id=message.id)
        not_due = median_ms(lambda: later.check(now), args.repeat)
        items = store.planned()
        settings = store.settings()

        def look_up_all():
            for item in items:
                planned = {**item, "since": from_iso(item["since"])}
                follow_ups.decide(planned, later._facts(item), settings, now)
        per_item = median_ms(look_up_all, args.repeat) / max(1, len(items))
        print(f"{args.days} days: {len(store.booked_contacts())} booked contacts, "
              f"{len(items)} texts planned (follow-ups, review requests)")
        print(f"check, nothing due (the usual minute): {not_due:.2f} ms (median of "
              f"{args.repeat})")
        print(f"one due text looked up and decided: {per_item:.2f} ms")
        store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
