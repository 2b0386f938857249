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
from pathlib import Path
from typing import Optional

from appliance.storage import atomic_write

log = logging.getLogger(__name__)

SUFFIX = ".idx"


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
