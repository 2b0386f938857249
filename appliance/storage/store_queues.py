"""The store's small queue-like tables: the outbox and the inbox bookkeeping (tables of the
store's `Database`, sharing its lock).

Outbox changes are synced to disk at once (see journal.py): they decide whether a text goes out.
outbox.json holds the texts waiting to be sent (see outbox.py for their life); inbox.json holds
the fingerprints of received texts (so a text read twice from the SIM is stored once; kept
FINGERPRINT_DAYS_KEPT days) and the parts of long texts still waiting for the rest.
"""
from __future__ import annotations

import errno
import logging
from datetime import timedelta
from typing import Optional

from tinydb import Query

from appliance.storage.database import Database, locked
from appliance.core.records import OutboxItem
from appliance.storage.journal import DiskFull
from appliance.core.stamps import from_iso, new_id, to_iso
from appliance.storage.monthly import copy_record, plain

log = logging.getLogger(__name__)

FINGERPRINT_DAYS_KEPT = 30


class OutboxTable:
    """outbox.json: the texts waiting to be sent (sending/outbox.py gives them their life)."""

    def __init__(self, db: Database):
        self.db = db

    @locked
    def items(self) -> list[OutboxItem]:
        """Outbox items in the order they were queued."""
        items = self.db.table("outbox.json", "outbox").all()
        items.sort(key=lambda i: (i.get("created_at") or "", i.doc_id))
        return [OutboxItem.from_row(i) for i in items]

    @locked
    def put(self, item) -> OutboxItem:
        """Queue an item: an OutboxItem, or a dict of the fields to store (only those keys are
        written)."""
        record = plain(item.to_row() if isinstance(item, OutboxItem) else item)
        record.setdefault("id", new_id("o", self.db.clock()))
        record.setdefault("created_at", to_iso(self.db.clock()))
        self.db.table("outbox.json", "outbox").insert(record)
        self.db.journal.sync()          # the one write a text-back waits for
        return OutboxItem.from_row(record)

    @locked
    def update(self, item_id: str, **fields) -> Optional[OutboxItem]:
        table = self.db.table("outbox.json", "outbox")
        doc_id = self._doc_id(item_id)
        if doc_id is None or not table.update(plain(fields), doc_ids=[doc_id]):
            log.warning("outbox item %s not found for update", item_id)
            return None
        self.db.journal.sync()          # e.g. `submitting` must be on disk before Ctrl-Z
        if fields.get("status") == "submitting" and self.db.journal.waiting("outbox.json"):
            # The disk is full and even the reserve is used up: a text whose `submitting` a
            # power cut could lose might be sent twice, so it is not sent (the sender retries).
            raise DiskFull(errno.ENOSPC, f"outbox item {item_id}: `submitting` not on disk")
        return OutboxItem.from_row(table.get(doc_id=doc_id))

    @locked
    def remove(self, item_id: str) -> bool:
        """Not synced: an item that comes back after a power cut is recorded again, harmlessly."""
        doc_id = self._doc_id(item_id)
        return doc_id is not None and bool(
            self.db.table("outbox.json", "outbox").remove(doc_ids=[doc_id]))

    def _doc_id(self, item_id: str) -> Optional[int]:
        for doc in self.db.table("outbox.json", "outbox"):
            if doc.get("id") == item_id:
                return doc.doc_id
        return None



class InboxTable:
    """inbox.json: fingerprints of received texts, parts of long texts, what the box learnt."""

    def __init__(self, db: Database):
        self.db = db
        self._fingerprints: Optional[set[str]] = None
        self._fingerprints_pruned: Optional[str] = None
        db.on_close(self._forget)

    def _forget(self) -> None:
        self._fingerprints = None

    @locked
    def seen_fingerprint(self, fp: str) -> bool:
        return fp in self._fingerprint_set()

    @locked
    def remember_fingerprint(self, fp: str, at=None) -> None:
        """Remember a received text's fingerprint (kept FINGERPRINT_DAYS_KEPT days)."""
        at_iso = to_iso(at or self.db.clock())
        seen = self._fingerprint_set()
        table = self.db.table("inbox.json", "fingerprints")
        if fp not in seen:
            table.insert({"fp": fp, "at": at_iso})
            seen.add(fp)
        if self._fingerprints_pruned != at_iso[:10]:
            self._fingerprints_pruned = at_iso[:10]
            cutoff = to_iso(from_iso(at_iso) - timedelta(days=FINGERPRINT_DAYS_KEPT))
            old = table.search(Query().at < cutoff)
            if old:
                seen.difference_update(doc["fp"] for doc in old)
                table.remove(doc_ids=[doc.doc_id for doc in old])

    @locked
    def pending_parts(self) -> list[dict]:
        return [copy_record(p) for p in self.db.table("inbox.json", "parts").all()]

    @locked
    def put_pending_part(self, part: dict) -> None:
        """Keep one part of a long text until the rest arrives (same key and part: replaced)."""
        record = plain(part)
        table = self.db.table("inbox.json", "parts")
        same = (Query().key == record.get("key")) & (Query().part == record.get("part"))
        table.upsert(record, same)

    @locked
    def remove_pending_parts(self, key) -> int:
        return len(self.db.table("inbox.json", "parts").remove(Query().key == key))

    def _fingerprint_set(self) -> set[str]:
        if self._fingerprints is None:
            self._fingerprints = {d["fp"] for d in self.db.table("inbox.json", "fingerprints")}
        return self._fingerprints

    # --- what the box has learnt about its modem and network ----------------------------

    @locked
    def box_state(self) -> dict:
        """Facts the box learnt by itself (e.g. that this network reports forwarded calls)."""
        return copy_record(self.db.table("inbox.json", "state").get(doc_id=1) or {})

    @locked
    def update_box_state(self, **fields) -> None:
        table = self.db.table("inbox.json", "state")
        if table.contains(doc_id=1):
            table.update(plain(fields), doc_ids=[1])
        else:
            table.insert(plain(fields))
        self.db.journal.sync()
