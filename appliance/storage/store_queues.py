"""The Store's small queue-like tables: the outbox and the inbox bookkeeping.

A mixin of `Store` (same object, same lock), kept in its own file so store.py stays readable.
Outbox changes are synced to disk at once (see journal.py): they decide whether a text goes out.
outbox.json holds the texts waiting to be sent (see outbox.py for their life); inbox.json holds
the fingerprints of received texts (so a text read twice from the SIM is stored once; kept
FINGERPRINT_DAYS_KEPT days) and the parts of long texts still waiting for the rest.
"""
from __future__ import annotations

import functools
import logging
from datetime import timedelta
from typing import Optional

from tinydb import Query

from appliance.storage.monthly import copy_record, from_iso, new_id, plain, to_iso

log = logging.getLogger(__name__)

FINGERPRINT_DAYS_KEPT = 30


def locked(method):
    """Run the method holding the store's lock (an RLock: store methods may call each other)."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            if self.closed:
                self.reopen()
            return method(self, *args, **kwargs)
    return wrapper


class QueueTables:
    """Outbox and inbox tables; needs self._lock, self._clock, self._table(file, table) and
    self._fingerprints / self._fingerprints_pruned (set up by Store)."""

    # --- outbox ---------------------------------------------------------------------------

    @locked
    def outbox_items(self) -> list[dict]:
        """Outbox items in the order they were queued."""
        items = self._table("outbox.json", "outbox").all()
        items.sort(key=lambda i: (i.get("created_at") or "", i.doc_id))
        return [copy_record(i) for i in items]

    @locked
    def outbox_put(self, item: dict) -> dict:
        record = plain(item)
        record.setdefault("id", new_id("o", self._clock()))
        record.setdefault("created_at", to_iso(self._clock()))
        self._table("outbox.json", "outbox").insert(record)
        self.journal.sync()          # the one write a text-back waits for
        return copy_record(record)

    @locked
    def outbox_update(self, item_id: str, **fields) -> Optional[dict]:
        table = self._table("outbox.json", "outbox")
        doc_id = self._outbox_doc_id(item_id)
        if doc_id is None or not table.update(plain(fields), doc_ids=[doc_id]):
            log.warning("outbox item %s not found for update", item_id)
            return None
        self.journal.sync()          # e.g. `submitting` must be on disk before Ctrl-Z
        return copy_record(table.get(doc_id=doc_id))

    @locked
    def outbox_remove(self, item_id: str) -> bool:
        """Not synced: an item that comes back after a power cut is recorded again, harmlessly."""
        doc_id = self._outbox_doc_id(item_id)
        return doc_id is not None and bool(
            self._table("outbox.json", "outbox").remove(doc_ids=[doc_id]))

    def _outbox_doc_id(self, item_id: str) -> Optional[int]:
        for doc in self._table("outbox.json", "outbox"):
            if doc.get("id") == item_id:
                return doc.doc_id
        return None

    # --- inbox bookkeeping ----------------------------------------------------------------

    @locked
    def seen_fingerprint(self, fp: str) -> bool:
        return fp in self._fingerprint_set()

    @locked
    def remember_fingerprint(self, fp: str, at=None) -> None:
        """Remember a received text's fingerprint (kept FINGERPRINT_DAYS_KEPT days)."""
        at_iso = to_iso(at or self._clock())
        seen = self._fingerprint_set()
        table = self._table("inbox.json", "fingerprints")
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
        return [copy_record(p) for p in self._table("inbox.json", "parts").all()]

    @locked
    def put_pending_part(self, part: dict) -> None:
        """Keep one part of a long text until the rest arrives (same key and part: replaced)."""
        record = plain(part)
        table = self._table("inbox.json", "parts")
        same = (Query().key == record.get("key")) & (Query().part == record.get("part"))
        table.upsert(record, same)

    @locked
    def remove_pending_parts(self, key) -> int:
        return len(self._table("inbox.json", "parts").remove(Query().key == key))

    def _fingerprint_set(self) -> set[str]:
        if self._fingerprints is None:
            self._fingerprints = {d["fp"] for d in self._table("inbox.json", "fingerprints")}
        return self._fingerprints

    # --- what the box has learnt about its modem and network ------------------------------

    @locked
    def box_state(self) -> dict:
        """Facts the box learnt by itself (e.g. that this network reports forwarded calls)."""
        return copy_record(self._table("inbox.json", "state").get(doc_id=1) or {})

    @locked
    def update_box_state(self, **fields) -> None:
        table = self._table("inbox.json", "state")
        if table.contains(doc_id=1):
            table.update(plain(fields), doc_ids=[1])
        else:
            table.insert(plain(fields))
        self.journal.sync()
