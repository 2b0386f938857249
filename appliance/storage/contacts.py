"""Contacts: one small TinyDB file per slice of numbers, and an index in memory for the lists.

A busy shop has thousands of contacts after a year, each with its conversation summary, consent
history and the months it has texts in. Kept as one file, every change rewrote megabytes and
every list parsed them all. Here a contact lives in `contacts/<xx>.json`, xx being a stable hash
of its number (SHARDS files), and only a few of those files stay parsed (an LRU). What the lists
need (the conversation summary: last text and time, unread, booked, tag, name, opted out) is kept
in a compact index built once at start-up, so the Inbox, the unread count and Results never parse
a contact file.

A data folder from before (one contacts.json) is split into the slices once, at start-up.
Not thread-safe on its own: the Store holds its lock around every call.
"""
from __future__ import annotations

import base64
import bisect
import json
import logging
import os
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import Iterator, Optional

from appliance.storage.files import atomic_write, fsync_folder, make_folder, open_database

log = logging.getLogger(__name__)

SHARDS = 64
FOLDER = "contacts"
OPEN_SHARDS = 8
SUMMARY = ("number", "last_at", "last_text", "unread", "opted_out", "booked", "booked_at",
           "job_value", "tag", "name")


def shard_name(number: str) -> str:
    """The file a number's contact lives in, e.g. "contacts/2f.json" (the same on every box)."""
    return f"{FOLDER}/{zlib.crc32(number.encode('utf-8')) % SHARDS:02x}.json"


def encode_cursor(summary: dict) -> str:
    """An opaque, URL-safe place in the newest-first list: after this conversation."""
    raw = f"{summary.get('last_at') or ''}\t{summary['number']}".encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """(last_at, number) from a cursor; ValueError when it is not one."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError("not a cursor") from error
    last_at, sep, number = raw.partition("\t")
    if not sep or not number:
        raise ValueError("not a cursor")
    return last_at, number


class Contacts:
    """The contact files of one data folder and their index."""

    def __init__(self, data_dir: Path, journal, open_shards: int = OPEN_SHARDS):
        self.data_dir = Path(data_dir)
        self.journal = journal
        self.open_shards = max(1, open_shards)
        self._open: "OrderedDict[str, object]" = OrderedDict()
        self._doc_ids: dict[str, dict[str, int]] = {}     # shard -> number -> doc id
        self._index: Optional[dict[str, dict]] = None     # number -> summary
        self._order: list[tuple[str, str]] = []           # (last_at, number), oldest first
        self._unread = 0

    def close(self) -> None:
        for db in self._open.values():
            db.close()
        self._open.clear()
        self._doc_ids.clear()
        self._index = None
        self._order = []

    # --- one contact ----------------------------------------------------------------------

    def get(self, number: str) -> Optional[dict]:
        """The stored contact (not a copy) or None."""
        if number not in self._summaries():
            return None
        name = shard_name(number)
        db = self.database(name)
        return db.table("contacts").get(doc_id=self._ids(name)[number])

    def put(self, number: str, fields: dict, defaults: dict) -> dict:
        """Change (or create from `defaults`) the contact; returns the stored contact."""
        name = shard_name(number)
        table = self.database(name).table("contacts")
        ids = self._ids(name)
        if number in ids:
            table.update(fields, doc_ids=[ids[number]])
        else:
            ids[number] = table.insert({"number": number, **defaults, **fields})
        stored = table.get(doc_id=ids[number])
        self._reindex(stored)
        return stored

    # --- lists from the index -------------------------------------------------------------

    def summaries(self, search: Optional[str] = None, skip: tuple = (),
                  before: Optional[tuple[str, str]] = None) -> Iterator[dict]:
        """Summaries, newest activity first (after `before` = (last_at, number) if given);
        `search` matches number, name, tag and last text. Stored dicts: copy what you hand out."""
        index = self._summaries()
        end = bisect.bisect_left(self._order, before) if before else len(self._order)
        needle = search.strip().lower() if search else None
        for position in range(end - 1, -1, -1):
            number = self._order[position][1]
            summary = index[number]
            if number in skip:
                continue
            if needle and not any(needle in str(summary.get(k) or "").lower()
                                  for k in ("number", "name", "tag", "last_text")):
                continue
            yield summary

    def all_summaries(self):
        """Every summary, in no particular order (stored dicts: copy what you hand out)."""
        return self._summaries().values()

    def unread_total(self) -> int:
        self._summaries()
        return self._unread

    def numbers(self) -> list[str]:
        return list(self._summaries())

    # --- the index ------------------------------------------------------------------------

    def _summaries(self) -> dict[str, dict]:
        if self._index is None:
            self._build_index()
        return self._index

    def _build_index(self) -> None:
        self._migrate_single_file()
        self._index, self._order, self._unread = {}, [], 0
        for name in self._shard_names():
            was_open = name in self._open
            db = self.database(name)
            for contact in (db.storage.read() or {}).get("contacts", {}).values():
                self._reindex(contact)
            if not was_open:         # only the index stays: keep memory small
                self._forget(name)

    def _reindex(self, contact: dict) -> None:
        if self._index is None:
            return
        number = contact["number"]
        old = self._index.get(number)
        if old is not None:
            self._unread -= int(old.get("unread") or 0)
            key = (old.get("last_at") or "", number)
            position = bisect.bisect_left(self._order, key)
            if position < len(self._order) and self._order[position] == key:
                del self._order[position]
        summary = {k: contact.get(k) for k in SUMMARY}
        self._index[number] = summary
        self._unread += int(summary.get("unread") or 0)
        bisect.insort(self._order, (summary.get("last_at") or "", number))

    def _shard_names(self) -> list[str]:
        folder = self.data_dir / FOLDER
        on_disk = {f"{FOLDER}/{n}" for n in os.listdir(folder)} if folder.is_dir() else set()
        in_journal = {n for n in self.journal.files() if n.startswith(FOLDER + "/")}
        return sorted(n for n in on_disk | in_journal if n.endswith(".json"))

    # --- the files ------------------------------------------------------------------------

    def database(self, name: str):
        db = self._open.get(name)
        if db is None:
            make_folder(self.data_dir / FOLDER)
            db = self._open[name] = open_database(self.data_dir, name, self.journal)
            while len(self._open) > self.open_shards:
                self._forget(next(iter(self._open)))
        self._open.move_to_end(name)
        return db

    def _forget(self, name: str) -> None:
        db = self._open.pop(name, None)
        if db is not None:
            db.close()
        self._doc_ids.pop(name, None)

    def _ids(self, name: str) -> dict[str, int]:
        ids = self._doc_ids.get(name)
        if ids is None:
            table = self.database(name).table("contacts")
            ids = self._doc_ids[name] = {c["number"]: c.doc_id for c in table}
        return ids

    def _migrate_single_file(self) -> None:
        """contacts.json (one file for all) -> the slices. The slices are written first, then
        the old file goes: a crash in between just does it again."""
        old = self.data_dir / "contacts.json"
        if not old.exists():
            return
        db = open_database(self.data_dir, "contacts.json", self.journal)
        contacts = list(((db.storage.read() or {}).get("contacts") or {}).values())
        db.close()
        slices: dict[str, dict] = {}
        for contact in contacts:
            rows = slices.setdefault(shard_name(contact["number"]), {})
            rows[str(len(rows) + 1)] = contact
        make_folder(self.data_dir / FOLDER)
        for name, rows in slices.items():
            atomic_write(self.data_dir / name, json.dumps(
                {"contacts": rows}, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        old.unlink(missing_ok=True)     # (a corrupt one was moved aside already)
        fsync_folder(self.data_dir)
        log.info("split contacts.json (%d contacts) into %d files under %s/", len(contacts),
                 len(slices), FOLDER)
