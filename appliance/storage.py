"""A TinyDB storage that survives power cuts, and the atomic file write it is built on.

TinyDB's stock JSONStorage rewrites its file in place, so a power cut in the middle leaves half a
file. `AtomicJSONStorage` writes the whole database to a temporary file in the same folder,
flushes and fsyncs it, renames it over the old file (`os.replace` is atomic on POSIX) and fsyncs
the folder so the rename itself is on disk. At any moment the file holds either the old or the
new data, never a mix.

It also keeps the parsed data in memory: only the daemon opens these files, so after the first
read every read is served from memory and only writes touch the disk.

A file that cannot be read or parsed (a bad SD card sector, a hand edit gone wrong) is moved
aside as `<name>.corrupt-<UTC timestamp>` with an error in the log, and the database starts empty.
Nothing is silently lost: the aside copy is kept for a human to look at.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

from tinydb.storages import Storage

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
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
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


class AtomicJSONStorage(Storage):
    """TinyDB storage: atomic whole-file writes, parsed data cached in memory, corrupt files moved
    aside. Use as `TinyDB(path, storage=AtomicJSONStorage)`."""

    def __init__(self, path, mode: int = 0o600):
        super().__init__()
        self.path = Path(path)
        self.mode = mode
        self._data: Optional[dict] = None
        self._loaded = False
        self._blocked: Optional[str] = None

    def read(self) -> Optional[dict[str, dict[str, Any]]]:
        if not self._loaded:
            self._data = self._load()
            self._loaded = True
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self._blocked:
            raise StorageError(f"{self.path} is not written: {self._blocked}")
        try:
            payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            atomic_write(self.path, payload.encode("utf-8"), self.mode)
        except BaseException:
            # TinyDB hands us the cached dict already changed; forget it so the next read
            # comes from the file, which still holds the last good state.
            self._data = None
            self._loaded = False
            raise
        self._data = data
        self._loaded = True

    def close(self) -> None:
        self._data = None
        self._loaded = False

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


def _remove_quietly(path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
