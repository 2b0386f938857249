"""A bounded, ordered list of records kept in one small file, for events waiting to go out.

The MQTT thread keeps the events the broker has not acknowledged here, the webhook thread its
pending deliveries. Every change rewrites the whole file atomically (storage.atomic_write: temp
file, fsync, rename, fsync the folder), so after a power cut the file holds the list as it was
before or after the change, never half of it. The list is bounded: when it is full the oldest
record goes (and the caller is told, to log it), so a broker that is away for a month cannot
fill the SD card. A record whose id is already in the list is not added twice.

A file that cannot be read is moved aside (storage.move_aside) and the list starts empty.
"""
from __future__ import annotations

import copy
import json
import logging
import threading
from pathlib import Path
from typing import Iterable, Optional

from appliance.storage.files import atomic_write, move_aside, remove_stale_temp_files

log = logging.getLogger(__name__)


class DurableQueue:
    """Records (dicts with an "id") in the order they were added; safe to share between
    threads."""

    def __init__(self, path: Path, limit: int):
        self.path = Path(path)
        self.limit = limit
        self._lock = threading.Lock()
        self._items: Optional[list[dict]] = None

    def items(self) -> list[dict]:
        with self._lock:
            return copy.deepcopy(self._loaded())

    def __len__(self) -> int:
        with self._lock:
            return len(self._loaded())

    def append(self, record: dict) -> list[dict]:
        """Add `record` at the end; returns the records dropped to stay within the limit."""
        with self._lock:
            items = self._loaded()
            if any(item["id"] == record["id"] for item in items):
                return []
            items.append(copy.deepcopy(record))
            dropped = items[:max(0, len(items) - self.limit)]
            del items[:len(dropped)]
            self._save(items)
            return dropped

    def remove(self, ids: Iterable[str]) -> int:
        """Remove the records with these ids (one write for all of them)."""
        wanted = set(ids)
        with self._lock:
            items = self._loaded()
            kept = [item for item in items if item["id"] not in wanted]
            if len(kept) != len(items):
                self._items = kept
                self._save(kept)
            return len(items) - len(kept)

    def update(self, record_id: str, **fields) -> None:
        with self._lock:
            items = self._loaded()
            for item in items:
                if item["id"] == record_id:
                    item.update(copy.deepcopy(fields))
                    self._save(items)
                    return

    def _loaded(self) -> list[dict]:
        if self._items is None:
            self._items = self._read()
        return self._items

    def _save(self, items: list[dict]) -> None:
        payload = json.dumps({"items": items}, ensure_ascii=False, separators=(",", ":"))
        try:
            atomic_write(self.path, payload.encode("utf-8"))
        except OSError:
            self._items = None          # read the last good state back on the next call
            raise

    def _read(self) -> list[dict]:
        remove_stale_temp_files(self.path)
        try:
            data = json.loads(self.path.read_bytes().decode("utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError, ValueError) as error:
            return self._unreadable(str(error))
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list) or not all(isinstance(i, dict) and "id" in i
                                                  for i in items):
            return self._unreadable("not a list of records")
        return items

    def _unreadable(self, reason: str) -> list[dict]:
        try:
            move_aside(self.path, reason)
        except OSError as error:
            log.error("%s is unreadable and could not be moved aside: %s", self.path, error)
        return []
