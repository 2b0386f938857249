"""The journal's line format (see journal.py), and reading a file's state without the daemon.

A line is `<crc32 of the rest, 8 hex digits>\\t<file>\\t<json of the change>\\n`: the table and the
documents the change touched, each written whole (None: removed).
"""
from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Optional

from appliance.storage.files import apply_change

CURRENT = "journal.jsonl"
PREVIOUS = "journal.prev.jsonl"


def encode(filename: str, change: dict) -> bytes:
    body = filename + "\t" + json.dumps(change, ensure_ascii=False, separators=(",", ":"))
    raw = body.encode("utf-8")
    return b"%08x\t" % zlib.crc32(raw) + raw + b"\n"


def decode(line: bytes) -> Optional[tuple[str, dict]]:
    """(file, change) from one line, or None when the line is damaged."""
    crc, sep, raw = line.rstrip(b"\n").partition(b"\t")
    try:
        if not sep or int(crc, 16) != zlib.crc32(raw):
            return None
        filename, _, body = raw.decode("utf-8").partition("\t")
        change = json.loads(body)
    except ValueError:
        return None
    return (filename, change) if isinstance(change, dict) else None


def read_only_state(folder: Path, filename: str) -> dict:
    """A file's tables as they stand (its copy plus the journal), without changing anything:
    for tests and diagnostics from another process while the daemon runs."""
    path = Path(folder) / filename
    try:
        data = json.loads(path.read_text("utf-8") or "{}")
    except FileNotFoundError:
        data = {}
    for name in (PREVIOUS, CURRENT):
        try:
            raw = (Path(folder) / name).read_bytes()
        except FileNotFoundError:
            continue
        for line in raw.splitlines(keepends=True):
            decoded = decode(line) if line.endswith(b"\n") else None
            if decoded and decoded[0] == filename:
                apply_change(data, decoded[1])
    return data
