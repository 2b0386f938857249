"""Reading one conversation's texts of a month without parsing the whole month.

A customer who called a few times over two years has texts in several months; parsing each of
those month files (a megabyte each in a busy shop) to show a thread of ten texts is slow and
fills memory. So when a month of texts is written into its file (a checkpoint), its records are
laid out grouped by number, one per line, and a small index beside it says where each number's
lines are: `messages-2026-01.json.idx` = {"size", "mtime_ns" (of the month file it describes),
"numbers": {number: [start, end]}}. The file is still ordinary TinyDB JSON.

The index is only trusted while the month file is exactly the one it describes (size and
modification time) and the journal holds no change to it; otherwise the month is parsed as
usual. A month file written before this layout existed is rewritten by the upkeep (see
`MonthlyFiles.index_step`).
"""
from __future__ import annotations

import json
import logging
import os
from collections import OrderedDict
from pathlib import Path
from typing import Optional

from appliance.storage.files import atomic_write

log = logging.getLogger(__name__)

SUFFIX = ".idx"
INDEXED = "messages"              # the kind whose month files are laid out by number
INDEXES_KEPT = 16


def grouped(data: dict, table: str) -> tuple[bytes, dict[str, list[int]]]:
    """The file's JSON with `table`'s records grouped by number, one per line, and where each
    number's lines are (byte offsets)."""
    rows = sorted((data.get(table) or {}).items(),
                  key=lambda item: (item[1].get("number") or "", item[1].get("at") or ""))
    head = ("{" + json.dumps(table) + ":{\n").encode("utf-8")
    parts, at, ranges = [head], len(head), {}
    for position, (doc_id, record) in enumerate(rows):
        line = (json.dumps(doc_id) + ":" + json.dumps(record, ensure_ascii=False,
                                                      separators=(",", ":"))
                + (",\n" if position + 1 < len(rows) else "\n")).encode("utf-8")
        number = record.get("number") or ""
        ranges.setdefault(number, [at, at])[1] = at + len(line)
        parts.append(line)
        at += len(line)
    others = {name: rows for name, rows in data.items() if name != table}
    tail = "}" + "".join("," + json.dumps(name) + ":" + json.dumps(
        rows, ensure_ascii=False, separators=(",", ":")) for name, rows in others.items()) + "}"
    parts.append(tail.encode("utf-8"))
    return b"".join(parts), ranges


def write_index(path: Path, ranges: dict[str, list[int]]) -> None:
    """Write the index of the month file at `path` (which was just written)."""
    stat = os.stat(path)
    payload = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "numbers": ranges}
    atomic_write(Path(str(path) + SUFFIX), json.dumps(payload, separators=(",", ":")).encode())


def read_index(path: Path) -> Optional[dict[str, list[int]]]:
    """The month file's index, or None when there is none or it describes another file."""
    try:
        saved = json.loads(Path(str(path) + SUFFIX).read_bytes())
        stat = os.stat(path)
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("size") != stat.st_size \
            or saved.get("mtime_ns") != stat.st_mtime_ns:
        return None
    return saved.get("numbers")


def read_records(path: Path, span: list[int]) -> list[dict]:
    """The records in one number's lines of the month file."""
    start, end = span
    with open(path, "rb") as handle:
        handle.seek(start)
        block = handle.read(end - start)
    block = block.rstrip().rstrip(b",")
    return list(json.loads(b"{" + block + b"}").values())


class IndexedMonths:
    """The part of MonthlyFiles (monthly.py) that reads and writes the months' indexes; needs
    self.data_dir, self.journal, self._open, self.months(), self.rows(), self.database() and
    self._drop()."""

    _indexes: "OrderedDict[str, tuple]"
    unindexed: set        # closed months read the slow way: to be laid out by the upkeep

    def conversation(self, kind: str, month: str, number: str) -> list[dict]:
        """One number's records of a month (stored, not copies), through the month's index
        when it can be trusted, else by reading the whole month."""
        name = f"{kind}-{month}.json"
        ranges = None if name in self._open else self._index(name)
        if ranges is not None:
            span = ranges.get(number)
            return read_records(self.data_dir / name, span) if span else []
        if kind == INDEXED and self._closed(kind, month) and not self.journal.bytes_for(name):
            self.unindexed.add(name)
        return [r for r in self.rows(kind, month) if r.get("number") == number]

    def compact(self, name: str) -> None:
        """Write a month's file with everything it holds (a checkpoint); months of texts are
        laid out by number, with their index."""
        db = self.database(name)
        if not name.startswith(INDEXED + "-"):
            db.storage.compact()
            return
        data = db.storage.read() or {}
        self.journal.sync()        # see JournaledStorage.compact
        payload, ranges = grouped(data, INDEXED)
        atomic_write(self.data_dir / name, payload)
        write_index(self.data_dir / name, ranges)
        self._indexes.pop(name, None)

    def index_step(self) -> bool:
        """Lay out one closed month of texts that was read the slow way; True if one was."""
        while self.unindexed:
            name = self.unindexed.pop()
            if not self.journal.bytes_for(name) and self._index(name) is None:
                was_open = name in self._open
                self.compact(name)
                if not was_open:
                    self._drop(name)
                return True
        return False

    def _closed(self, kind: str, month: str) -> bool:
        return month < max(self.months(kind), default=month)

    def _index(self, name: str) -> Optional[dict]:
        """The trusted index of a month file, or None."""
        if self.journal.bytes_for(name):
            return None
        path = self.data_dir / name
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            return None
        cached = self._indexes.get(name)
        if cached and cached[0] == (stat.st_size, stat.st_mtime_ns):
            self._indexes.move_to_end(name)
            return cached[1]
        ranges = read_index(path)
        if ranges is not None:
            self._indexes[name] = ((stat.st_size, stat.st_mtime_ns), ranges)
            while len(self._indexes) > INDEXES_KEPT:
                self._indexes.popitem(last=False)
        return ranges


