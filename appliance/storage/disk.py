"""The data folder's disk: is there room, and the space kept back for the outbox.

A full SD card must not stop the text-back. The outbox line is the one write that must succeed,
so RESERVE_BYTES are kept allocated in `.reserve` (a file of real, allocated blocks, not a sparse
one). When a journal append meets a full disk and the change is an outbox change, the journal
calls `release_reserve` and tries again: the text-back is queued durably and goes out. Other
changes wait in memory (journal.py) until there is room; the page, the status light and one
text to the owner say so (see upkeep.py). When space returns, the waiting changes are written
and the reserve is allocated again.

Why a reserve file rather than a preallocated outbox slot: the outbox is a file like the others
(its changes go through the one journal, in order with everything else), and one file freed on
demand gives the outbox room for hundreds of changes whatever else fills the disk.

The disk counts as full when a write met ENOSPC (changes wait for room) or free space is below
LOW_BYTES (1 MB: the card is all but full, and the journal's next lines would eat into what the
file system needs); it counts as fine again only at ROOM_BYTES (4 MB) free and once everything
waiting is written, so the state does not flap around one threshold. Between the two the box
writes normally.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

RESERVE = ".reserve"
RESERVE_BYTES = 1024 * 1024          # room for about 2,000 outbox changes
LOW_BYTES = 1024 * 1024             # hold changes in memory below this much free
ROOM_BYTES = 4 * 1024 * 1024         # and write them again (and re-take the reserve) above this


def statvfs_free(folder: Path) -> int:
    """Bytes an unprivileged process can still write in `folder`'s file system."""
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


class Disk:
    """Free space and the reserve of one data folder. `free(folder) -> bytes` is replaceable
    (tests emulate a small disk)."""

    def __init__(self, folder: Path, free: Callable[[Path], int] = statvfs_free,
                 reserve_bytes: int = RESERVE_BYTES):
        self.folder = Path(folder)
        self._free = free
        self.reserve_bytes = reserve_bytes

    @property
    def reserve_path(self) -> Path:
        return self.folder / RESERVE

    def free_bytes(self) -> int:
        try:
            return self._free(self.folder)
        except OSError as error:
            log.warning("cannot tell the free space of %s: %s", self.folder, error)
            return 0

    def has_reserve(self) -> bool:
        try:
            return self.reserve_path.stat().st_size >= self.reserve_bytes
        except FileNotFoundError:
            return False

    def keep_reserve(self) -> bool:
        """Allocate the reserve if it is missing and there is room; True when it is there."""
        if self.has_reserve():
            return True
        if self.free_bytes() < ROOM_BYTES:
            return False
        try:
            fd = os.open(self.reserve_path, os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                os.posix_fallocate(fd, 0, self.reserve_bytes)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as error:
            log.warning("could not keep %d bytes in reserve: %s", self.reserve_bytes, error)
            self.reserve_path.unlink(missing_ok=True)
            return False
        log.info("keeping %d KB in reserve for the outbox", self.reserve_bytes // 1024)
        return True

    def release_reserve(self) -> bool:
        """The disk is full and the outbox must be written: free the reserve. True if freed."""
        try:
            self.reserve_path.unlink()
        except FileNotFoundError:
            return False
        log.error("disk full: released the reserve so the outbox can be written")
        return True
