"""TinyDB on an SD card: changes go to the data folder's journal, files are rewritten atomically.

`JournaledStorage` is the TinyDB storage of every file the Store keeps. A change is one line
appended to the journal (journal.py) instead of a rewrite of the whole file; the file itself is
rewritten only at a checkpoint, with `atomic_write`: a temporary file in the same folder, flushed
and fsynced, renamed over the old file (`os.replace` is atomic on POSIX) and the folder fsynced
so the rename itself is on disk. At any moment the file holds either the old or the new data.

`Database` is TinyDB with `JournaledTable`, which tells the storage which documents a write
touched (TinyDB's own storage interface only ever hands over the whole database), so a journal
line carries just those documents.

Parsed data stays in memory: only the daemon opens these files, so after the first read every
read is served from memory and only writes touch the disk. Closing a storage just drops that data
(it is all in the file and the journal).

A file that cannot be read or parsed (a bad SD card sector, a hand edit gone wrong) is moved
aside as `<name>.corrupt-<UTC timestamp>` with an error in the log, and the database starts empty
(plus whatever the journal holds for it). The aside copy is kept for a human to look at.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Optional

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from appliance.core.clock import utc_now

log = logging.getLogger(__name__)

TEMP_SUFFIX = ".tmp"


class StorageError(OSError):
    """The database file cannot be written safely (e.g. a corrupt file could not be moved aside)."""


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new content.

    The temporary file is created with `mode` before any byte is written, so secrets are never
    readable by others, not even for a moment.
    """
    path = Path(path)
    folder = path.parent
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        _remove_quietly(temp)
        raise
    fsync_folder(folder)


def make_folder(folder: Path) -> None:
    """Create a folder (and its parents) if missing; a new one's name is made durable in its
    parent, as a file's is (POSIX promises that only after the parent is fsynced)."""
    folder = Path(folder)
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    fsync_folder(folder.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename inside `folder` durable (the directory entry lives in the folder)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temp_files(path: Path) -> None:
    """Delete temp files a crash left behind next to `path` (they never became the real file)."""
    path = Path(path)
    for stale in path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}"):
        log.warning("removing %s left over from an interrupted write", stale)
        _remove_quietly(stale)


def move_aside(path: Path, reason: str) -> Path:
    """Rename an unreadable file to `<name>.corrupt-<timestamp>` and log it; return the new path."""
    path = Path(path)
    stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    try:
        os.replace(path, aside)
    except OSError:
        # Cannot rename (odd permissions): a copy still keeps the data for a human.
        shutil.copy2(path, aside)
    log.error("%s could not be read (%s); moved it aside to %s and started empty",
              path, reason, aside.name)
    return aside


def apply_change(data: dict, change: dict) -> None:
    """Apply one journal change to a file's tables: {"t", "d": {doc id: doc or None}} upserts
    and deletes documents, {"t", "all": {...}} replaces a table, {"tables": {...}} the file."""
    if "tables" in change:
        data.clear()
        data.update(change["tables"])
        return
    if "all" in change:
        data[change["t"]] = change["all"]
        return
    table = data.setdefault(change["t"], {})
    for doc_id, doc in change.get("d", {}).items():
        if doc is None:
            table.pop(doc_id, None)
        else:
            table[doc_id] = doc


class JournaledStorage(Storage):
    """TinyDB storage: the file's last copy plus its journal lines, kept parsed in memory.
    Use through `open_database`."""

    def __init__(self, path, journal=None, name: Optional[str] = None, must: bool = False,
                 mode: int = 0o600):
        super().__init__()
        self.path = Path(path)
        self.journal = journal
        self.name = name or self.path.name      # the file's name in the journal
        self.must = must                        # written even when the disk is full (outbox)
        self.mode = mode
        self._data: Optional[dict] = None
        self._blocked: Optional[str] = None

    def read(self) -> Optional[dict[str, dict[str, Any]]]:
        if self._data is None:
            data = self._load() or {}
            for change in self.journal.changes_for(self.name):
                apply_change(data, change)
            self._data = data
        return self._data or None

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """A write TinyDB made without saying what changed: the whole file goes in the line."""
        self.write_changes(data, {"tables": data})

    def write_changes(self, data: dict, change: dict) -> None:
        if self._blocked:
            self._data = None
            raise StorageError(f"{self.path} is not written: {self._blocked}")
        try:
            self.journal.append(self.name, change, must=self.must)
        except BaseException:
            # TinyDB changed the cached dict already; forget it so the next read comes from
            # the file and the journal, which still hold the last good state.
            self._data = None
            raise
        self._data = data

    def compact(self) -> int:
        """Rewrite the file with everything it holds (a checkpoint); returns its size."""
        if self._blocked:
            raise StorageError(f"{self.path} is not written: {self._blocked}")
        data = self.read() or {}
        # Everything before this moment must be durable before a copy that includes it is:
        # a power cut must never keep a later change and lose an earlier one.
        self.journal.sync()
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        atomic_write(self.path, payload, self.mode)
        return len(payload)

    @property
    def loaded(self) -> bool:
        return self._data is not None

    def close(self) -> None:
        self._data = None

    def _load(self) -> Optional[dict]:
        remove_stale_temp_files(self.path)
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            return self._corrupt(f"read failed: {error}")
        if not raw.strip():
            return None
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            return self._corrupt(f"not valid JSON: {error}")
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            return self._corrupt("not a TinyDB database (expected an object of tables)")
        return data

    def _corrupt(self, reason: str) -> None:
        try:
            move_aside(self.path, reason)
        except OSError as error:
            # Neither renamed nor copied: refuse to write over it rather than lose it.
            self._blocked = f"unreadable and could not be moved aside ({error})"
            log.critical("%s: %s", self.path, self._blocked)
        return None


class _Tracked(dict):
    """The table TinyDB's updater works on: remembers which documents it may have changed
    (every key it looked up, set or removed; any bulk access counts as all of them)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.touched: set = set()
        self.everything = False

    def __getitem__(self, key):
        self.touched.add(key)
        return super().__getitem__(key)

    def __setitem__(self, key, value):
        self.touched.add(key)
        super().__setitem__(key, value)

    def __delitem__(self, key):
        self.touched.add(key)
        super().__delitem__(key)

    def get(self, key, default=None):
        self.touched.add(key)
        return super().get(key, default)

    def pop(self, key, *default):
        self.touched.add(key)
        return super().pop(key, *default)

    def setdefault(self, key, default=None):
        self.touched.add(key)
        return super().setdefault(key, default)

    def _bulk(name):
        def method(self, *args, **kwargs):
            self.everything = True
            return getattr(dict, name)(self, *args, **kwargs)
        return method

    clear, update, popitem = _bulk("clear"), _bulk("update"), _bulk("popitem")
    values, items = _bulk("values"), _bulk("items")
    del _bulk


class JournaledTable(Table):
    """A TinyDB table whose writes tell a JournaledStorage exactly which documents changed."""

    default_query_cache_capacity = 0     # results are not kept: memory stays small

    def _update_table(self, updater) -> None:
        storage = self._storage
        tables = storage.read() or {}
        table = _Tracked({self.document_id_class(k): v
                          for k, v in tables.get(self.name, {}).items()})
        updater(table)
        raw = {str(k): v for k, v in dict.items(table)}
        tables[self.name] = raw
        if table.everything:
            change = {"t": self.name, "all": raw}
        else:
            change = {"t": self.name, "d": {str(k): raw.get(str(k)) for k in table.touched}}
        storage.write_changes(tables, change)
        self.clear_cache()


class Database(TinyDB):
    table_class = JournaledTable


def open_database(folder: Path, name: str, journal, must: bool = False) -> Database:
    """The TinyDB file `name` (relative to the data folder) on the journal; `must`: its changes
    are written even when the disk is full (see journal.py)."""
    return Database(Path(folder) / name, storage=JournaledStorage, journal=journal, name=name,
                    must=must)


def _remove_quietly(path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
