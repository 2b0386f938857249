"""Month-split record files (calls-2026-11.json ...) and the record conventions of the store.

The growing kinds (calls, messages, events) get one TinyDB file per UTC month of the record's
timestamp, so reading the newest records never parses more than a month or two. Files are opened
lazily and only a bounded amount stays parsed (an LRU by file size, OPEN_BYTES; the newest month
of each kind stays, since it is written all day); closing one just drops its parsed data. A
record's id names its month ("m-202611-3f9a1c2b7d4e"), so finding a record by id opens exactly one
file. Changes go to the data folder's journal (journal.py), so a month's file is only rewritten
at a checkpoint.

Record conventions: timestamps are ISO-8601 UTC strings with microseconds (they sort as text);
ids are a kind letter, the month and 12 random hex digits. Not thread-safe on its own: the Store
holds its lock around every call.
"""
from __future__ import annotations

import logging
import os
import re
from collections import OrderedDict
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Optional

from tinydb import TinyDB

from appliance.core.stamps import to_iso
from appliance.storage import month_index
from appliance.storage.files import open_database

log = logging.getLogger(__name__)

TIME_KEYS = frozenset({"at", "started_at", "ended_at", "last_at", "last_textback_at",
                       "last_inbound_at", "created_at", "next_attempt_at", "updated_at",
                       "sent_at", "delivered_at", "received_at", "finished_at"})
_ID = re.compile(r"^[a-z]-(\d{4})(\d{2})-[0-9a-f]+$")
_NAME = re.compile(r"^([a-z]+)-(\d{4}-\d{2})\.json$")
_NESTED = (dict, list)
# Old months kept parsed: about one busy month of texts (a parsed file takes ~3.5x its size).
OPEN_BYTES = 1536 * 1024


class MonthlyFiles(month_index.IndexedMonths):
    """The month files of one data folder, e.g. files.insert("calls", record, "2026-11")."""

    def __init__(self, data_dir: Path, journal, open_bytes: int = OPEN_BYTES):
        self.data_dir = Path(data_dir)
        self.journal = journal
        self.open_bytes = open_bytes
        self._open: "OrderedDict[str, _Month]" = OrderedDict()
        self._known: dict[str, set[str]] = {}
        self._indexes: "OrderedDict[str, tuple]" = OrderedDict()
        self.unindexed: set[str] = set()      # closed months read the slow way: lay them out

    def close(self) -> None:
        for entry in self._open.values():
            entry.db.close()
        self._open.clear()
        self._known.clear()
        self._indexes.clear()

    def months(self, kind: str) -> list[str]:
        """The months that have a file for `kind`, oldest first (the folder is listed once)."""
        if kind not in self._known:
            names = set(os.listdir(self.data_dir)) | self.journal.files()
            found = [m for m in map(_NAME.match, names) if m and m[1] == kind]
            self._known[kind] = {m[2] for m in found}
        return sorted(self._known[kind])

    def forget_month(self, kind: str, month: str) -> None:
        """The month's file was removed (old events): drop it from what is known."""
        self._drop(f"{kind}-{month}.json")
        self._known.get(kind, set()).discard(month)

    def database(self, name: str) -> TinyDB:
        """The open database of a month file by name (for checkpoints)."""
        match = _NAME.match(name)
        return self._month(match[1], match[2]).db

    def open_names(self) -> list[str]:
        """File names currently open, least recently used first (for tests and diagnostics)."""
        return list(self._open)

    def insert(self, kind: str, record: dict, month: str) -> None:
        self.months(kind)
        entry = self._month(kind, month)
        doc_id = entry.table.insert(record)
        if entry.ids is not None:
            entry.ids[record["id"]] = doc_id
        self._known[kind].add(month)

    def get(self, kind: str, record_id: str) -> Optional[dict]:
        """The stored record (not a copy) or None."""
        entry, doc_id = self._locate(kind, record_id)
        return entry.table.get(doc_id=doc_id) if entry else None

    def update(self, kind: str, record_id: str, fields: dict) -> bool:
        entry, doc_id = self._locate(kind, record_id)
        if entry is None:
            return False
        entry.table.update(fields, doc_ids=[doc_id])
        return True

    def rows(self, kind: str, month: str, keep: bool = True) -> list[dict]:
        """The month's records as stored (not copies: never hand them out or change them).
        keep=False: a month not open already is read just for this and not kept parsed."""
        name = f"{kind}-{month}.json"
        if keep or name in self._open or not self._closed(kind, month):
            return raw(self._month(kind, month).db, kind)
        db = open_database(self.data_dir, name, self.journal)
        try:
            return raw(db, kind)
        finally:
            db.close()

    def newest_first(self, kind: str, time_key: str, limit: Optional[int],
                     since: Optional[str], until: Optional[str],
                     wanted: Optional[Callable[[dict], bool]] = None,
                     project: Optional[Callable[[dict], dict]] = None,
                     keep: bool = True) -> list[dict]:
        """Stored records with since <= time < until, newest first; reads the newest months
        first and stops as soon as it has `limit` (None: no limit). Returns stored records, or
        what `project` makes of each, month by month (so a month read with keep=False is not
        held in memory while the next one is read)."""
        found: list[dict] = []
        for month in reversed(self.months(kind)):
            if since and month < since[:7]:
                break
            if until and month > until[:7]:
                continue
            rows = self.rows(kind, month, keep)
            # Only the months at the period's edges need each record's time checked.
            if since and month == since[:7]:
                rows = [r for r in rows if r.get(time_key, "") >= since]
            if until and month == until[:7]:
                rows = [r for r in rows if r.get(time_key, "") < until]
            if wanted is not None:
                rows = [r for r in rows if wanted(r)]
            else:
                rows = list(rows)
            rows.sort(key=lambda r: r.get(time_key, ""), reverse=True)
            found.extend(map(project, rows) if project else rows)
            if limit is not None and len(found) >= limit:
                break
        return found[:limit] if limit is not None else found

    def _locate(self, kind: str, record_id: str):
        match = _ID.match(record_id or "")
        # An id that does not name its month (hand-made data) costs a search of every month.
        candidates = [f"{match[1]}-{match[2]}"] if match else self.months(kind)
        for month in candidates:
            if month not in self.months(kind):
                continue
            entry = self._month(kind, month)
            if entry.ids is None:
                entry.ids = {doc.get("id"): doc.doc_id for doc in entry.table}
            if record_id in entry.ids:
                return entry, entry.ids[record_id]
        return None, None

    def _month(self, kind: str, month: str) -> "_Month":
        name = f"{kind}-{month}.json"
        entry = self._open.get(name)
        if entry is None:
            db = open_database(self.data_dir, name, self.journal)
            entry = self._open[name] = _Month(db, db.table(kind), self._weight(name))
            self._trim(keep=name)
        self._open.move_to_end(name)
        return entry

    def _weight(self, name: str) -> int:
        try:
            return os.stat(self.data_dir / name).st_size + self.journal.bytes_for(name)
        except FileNotFoundError:
            return self.journal.bytes_for(name)

    def _trim(self, keep: str) -> None:
        """Drop least recently used old months while they weigh more than open_bytes."""
        newest = {f"{kind}-{max(months)}.json" for kind, months in self._known.items() if months}
        old = [n for n in self._open if n not in newest and n != keep]
        weight = sum(self._open[n].weight for n in old)
        for name in old:
            if weight <= self.open_bytes:
                break
            weight -= self._open[name].weight
            self._drop(name)

    def _drop(self, name: str) -> None:
        entry = self._open.pop(name, None)
        if entry is not None:
            entry.db.close()


class _Month:
    """One open month file: its database, its table and (once needed) an id -> doc_id index."""

    def __init__(self, db: TinyDB, table, weight: int):
        self.db = db
        self.table = table
        self.weight = weight
        self.ids: Optional[dict[str, int]] = None


# --- record conventions ---------------------------------------------------------------------

def plain(value, key: Optional[str] = None):
    """A JSON-safe deep copy: datetimes become ISO strings, timestamp strings are normalised."""
    if isinstance(value, dict):
        return {str(k): plain(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return to_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if key in TIME_KEYS and isinstance(value, str) and value:
        try:
            return to_iso(value)
        except ValueError:
            return value
    return value


def copy_record(value):
    """A deep copy of stored JSON data (TinyDB documents become plain dicts)."""
    if isinstance(value, dict):
        return {k: (copy_record(v) if type(v) in _NESTED else v) for k, v in value.items()}
    if isinstance(value, list):
        return [(copy_record(v) if type(v) in _NESTED else v) for v in value]
    return value


def raw(db: TinyDB, table: str) -> list[dict]:
    """Every record of a table straight from the storage's parsed data: no per-record copies,
    which keeps scans of a month or of all contacts cheap. Callers copy what they hand out."""
    return list(((db.storage.read() or {}).get(table) or {}).values())
