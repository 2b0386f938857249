"""planned.json: the texts planned for later (follow-ups after unanswered text-backs, review
requests after bookings) and what became of them. A table of the store's `Database`.

The service's check looks at the planned ones only, so it stays cheap with years of data: an item
is planned when its text-back is queued (or its booking is seen), marked `queued` with its
message id right before its text goes into the outbox (the outbox's synced write carries the mark
to disk with it), or `dropped` with the reason. Finished items are kept KEEP_DONE for the
conversation page ("not sent: they replied"), then pruned; the file stays a few KB.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

from tinydb import Query

from appliance.core.stamps import new_id, to_iso
from appliance.storage.database import Database, locked
from appliance.storage.monthly import copy_record, plain

FILE, TABLE = "planned.json", "planned"
KEEP_DONE = timedelta(days=30)


class PlannedTable:
    """Planned texts, by kind, number and the moment they follow (`since`)."""

    def __init__(self, db: Database):
        self.db = db

    def _table(self):
        return self.db.table(FILE, TABLE)

    @locked
    def plan(self, kind: str, number: str, since: datetime, **extra) -> Optional[dict]:
        """Plan a text; None when this one (kind, number, since) was planned before."""
        since_iso = to_iso(since)
        item = Query()
        if self._table().contains((item.kind == kind) & (item.number == number)
                                  & (item.since == since_iso)):
            return None
        record = plain({"id": new_id("p", since), "kind": kind, "number": number,
                        "since": since_iso, "status": "planned", "reason": None,
                        "message_id": None, "updated_at": self.db.clock(), **extra})
        self._table().insert(record)
        return copy_record(record)

    @locked
    def planned(self, status: Optional[str] = "planned") -> list[dict]:
        """Items with that status (all items for None), oldest `since` first."""
        rows = self._table().all() if status is None else \
            self._table().search(Query().status == status)
        return sorted((copy_record(r) for r in rows), key=lambda r: (r["since"], r["id"]))

    @locked
    def planned_for(self, number: str) -> list[dict]:
        return sorted((copy_record(r) for r in self._table().search(Query().number == number)),
                      key=lambda r: r["since"])

    @locked
    def update_planned(self, item_id: str, **fields) -> None:
        fields = plain({**fields, "updated_at": self.db.clock()})
        self._table().update(fields, Query().id == item_id)

    @locked
    def prune_planned(self, now: datetime) -> int:
        """Forget finished items older than KEEP_DONE."""
        cutoff = to_iso(now - KEEP_DONE)
        item = Query()
        return len(self._table().remove((item.status != "planned") & (item.updated_at < cutoff)))
