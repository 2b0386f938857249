"""The data folder's write-ahead journal: every change to every TinyDB file, appended to one file.

Why: rewriting a whole file for every change (a month of texts, every contact) costs an SD card
megabytes a day and takes tens of milliseconds. Instead each change is one line appended here,
and the files themselves are rewritten only now and then (a checkpoint), when the journal has
grown past LIMIT_BYTES.

A line is `<crc32>\\t<file>\\t<json>\\n`; the json names the table and the documents it changed
(each written whole, so replaying a line twice does no harm). A file's state is its last written
copy plus its lines here, in order. Lines are in time order across all files, so `sync()` at a
moment that matters (a text queued, a text received) also makes every earlier change durable: a
power cut loses at most the last few seconds of lesser changes, never in a way that keeps a later
change and drops an earlier one.

A checkpoint renames the journal to `journal.prev.jsonl`, starts a fresh one, rewrites each file
named in the old one (atomically: see files.py) and then deletes the old one. A power cut at any
point leaves both segments, replayed in order over whatever files were rewritten: the same result.

A torn last line (a power cut mid-append) is cut off at start-up; a damaged line elsewhere (crc
mismatch) is skipped and logged, and a copy of the journal is kept aside.

When the disk is full (ENOSPC, or `hold()`), changes wait in memory in order (`backlog`) until
`flush_backlog`; a `must` change (the outbox) calls `make_room` (disk.py) and is written. What
waits in memory is not durable: `durable()` says whether everything so far is on disk, and the
inbox keeps a text on the SIM until it is (see receiving/inbox.py).
"""
from __future__ import annotations

import errno
import logging
import os
import shutil
from pathlib import Path
from typing import Callable, Iterator

from appliance.storage.journal_lines import (  # noqa: F401  (read_only_state: re-exported)
    CURRENT, PREVIOUS, decode, encode, read_only_state)
from appliance.storage.files import fsync_folder

log = logging.getLogger(__name__)

OLD = 0                              # the segment being checkpointed (journal.prev.jsonl)
LIMIT_BYTES = 4 * 1024 * 1024        # a checkpoint after about a busy week (see bench_wear.py)
BACKLOG_LIMIT = 4 * 1024 * 1024      # changes kept in memory while the disk is full


class DiskFull(OSError):
    """A change could not be written: the disk is full and the in-memory backlog too."""


class Journal:
    """Appends changes and finds them again per file. Not thread-safe: the Store's lock is held
    around every call."""

    def __init__(self, folder: Path, limit: int = LIMIT_BYTES,
                 write: Callable[[int, bytes], int] = os.write,
                 make_room: Callable[[], bool] = lambda: False,
                 fsync: Callable[[int], None] = os.fsync):
        self.folder = Path(folder)
        self.limit = limit
        self.make_room = make_room      # frees reserved space; True if it freed any
        self._write = write             # os.write; tests inject ENOSPC here
        self.fsync = fsync              # os.fsync; tests record what a power cut would keep
        self._lines: dict[str, list[tuple[int, int, int]]] = {}   # file -> (segment, at, size)
        self._backlog: list[tuple[str, bytes]] = []
        self._backlog_bytes = 0
        self._unsynced = False
        self.written = 0                # bytes appended since start (for diagnostics)
        self.full = False               # the disk is full: only outbox changes are written
        self._fds: dict[int, int] = {}
        self._open_segments()

    # --- where a file's changes are -------------------------------------------------------

    def files(self) -> set[str]:
        """Files with changes not yet in their own copy (on disk or, when full, in memory)."""
        return set(self._lines) | {name for name, _ in self._backlog}

    def changes_for(self, filename: str) -> Iterator[dict]:
        """The file's changes, oldest first."""
        for segment, at, size in self._lines.get(filename, ()):
            decoded = decode(os.pread(self._fds[segment], size, at))
            if decoded is None:
                log.error("journal line for %s at %d changed on disk; skipped", filename, at)
                continue
            yield decoded[1]
        for name, line in self._backlog:
            if name == filename:
                yield decode(line)[1]

    def bytes_for(self, filename: str) -> int:
        """How much of the journal (and of the changes waiting in memory) is about this file:
        to weigh what a file costs to open, and 0 only when its own copy is all there is."""
        return sum(size for _, _, size in self._lines.get(filename, ())) + \
            sum(len(line) for name, line in self._backlog if name == filename)

    def waiting(self, filename: str) -> bool:
        """Whether changes to this file wait in memory (not on disk)."""
        return any(name == filename for name, _ in self._backlog)

    @property
    def size(self) -> int:
        return os.fstat(self._fds[1]).st_size

    # --- appending ------------------------------------------------------------------------

    def append(self, filename: str, change: dict, must: bool = False) -> None:
        """Append one change (not yet durable: see sync). While the disk is full only `must`
        changes are written (into the room `make_room` frees); the others wait in memory, in
        order. Never raises for a full disk unless that memory is used up too (DiskFull)."""
        line = encode(filename, change)
        if self.waiting(filename) or (self.full and not must):
            self._keep(filename, line)     # keep the order: earlier changes are waiting
            return
        if self._fits(filename, line):
            return
        if not self.full:
            log.error("disk full: keeping changes in memory until there is room")
        self.full = True                   # from now on the room left is the outbox's
        if not (must and self.make_room() and self._fits(filename, line)):
            self._keep(filename, line)

    def hold(self) -> None:
        """The disk is (nearly) full: keep every change but the outbox's in memory from now."""
        self.full = True

    def sync(self) -> None:
        """Make every change appended so far durable (one fsync); what waits in memory for disk
        space is not (see `durable`)."""
        if self._unsynced:
            self.fsync(self._fds[1])
            self._unsynced = False

    def durable(self) -> bool:
        """Sync, and say whether every change so far is on disk (none waits in memory)."""
        self.sync()
        return not self._backlog

    def _fits(self, filename: str, line: bytes) -> bool:
        """Append the line; False (nothing written) when the disk is full."""
        try:
            self._append_line(filename, line)
        except OSError as error:
            if error.errno != errno.ENOSPC:
                raise
            return False
        return True

    def _append_line(self, filename: str, line: bytes) -> None:
        fd = self._fds[1]
        at = os.fstat(fd).st_size
        try:
            done = self._write(fd, line)
            if done != len(line):
                raise OSError(errno.ENOSPC, "short write to the journal")
        except OSError:
            os.ftruncate(fd, at)       # never leave half a line behind
            raise
        self._unsynced = True
        self.written += len(line)
        self._lines.setdefault(filename, []).append((1, at, len(line)))

    def _keep(self, filename: str, line: bytes) -> None:
        if self._backlog_bytes + len(line) > BACKLOG_LIMIT:
            raise DiskFull(errno.ENOSPC, f"disk full; a change to {filename} was not kept")
        self._backlog.append((filename, line))
        self._backlog_bytes += len(line)

    def flush_backlog(self) -> bool:
        """Write the changes kept while the disk was full; True when none are left waiting."""
        while self._backlog:
            filename, line = self._backlog[0]
            if not self._fits(filename, line):
                self.full = True
                return False
            self._backlog.pop(0)
            self._backlog_bytes -= len(line)
        self.sync()
        self.full = False
        return True

    @property
    def backlog(self) -> int:
        """Changes waiting in memory for disk space."""
        return len(self._backlog)

    # --- checkpoints ----------------------------------------------------------------------

    def due(self) -> bool:
        return OLD not in self._fds and self.size > self.limit

    def begin_checkpoint(self) -> list[str]:
        """Start a fresh journal; return the files whose copies must be rewritten before
        `end_checkpoint` (their lines stay readable meanwhile)."""
        if OLD in self._fds:
            return self.checkpoint_files()
        self.sync()
        os.replace(self.folder / CURRENT, self.folder / PREVIOUS)
        self._fds[0] = self._fds.pop(1)
        self._lines = {name: [(0, at, size) for _, at, size in lines]
                       for name, lines in self._lines.items()}
        self._fds[1] = _open_append(self.folder / CURRENT)
        fsync_folder(self.folder)
        return self.checkpoint_files()

    def checkpoint_files(self) -> list[str]:
        return sorted(name for name, lines in self._lines.items()
                      if any(segment == OLD for segment, _, _ in lines))

    def carry_forward(self, filename: str, tables: dict) -> None:
        """The file's copy cannot be rewritten now: append its whole state (`tables`, what it
        holds now) to the current segment and let go of its old lines, so the checkpoint can
        still end and the journal does not grow without bound. Replayed over whatever copy the
        file has, that line gives the same state; later lines follow it."""
        self._append_line(filename, encode(filename, {"tables": tables}))
        self.sync()
        self.forget_previous(filename)

    def forget_previous(self, filename: str) -> None:
        """The file's copy now holds everything in the old segment."""
        self._lines[filename] = [line for line in self._lines.get(filename, ()) if line[0] != OLD]
        if not self._lines[filename]:
            del self._lines[filename]

    def end_checkpoint(self) -> None:
        """Every file of the old segment was rewritten: drop the old segment."""
        fd = self._fds.pop(OLD, None)
        if fd is None:
            return
        os.close(fd)
        os.unlink(self.folder / PREVIOUS)
        fsync_folder(self.folder)
        for name in self.checkpoint_files():
            self.forget_previous(name)

    @property
    def checkpointing(self) -> bool:
        return OLD in self._fds

    def close(self) -> None:
        self.sync()
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()

    # --- opening --------------------------------------------------------------------------

    def _open_segments(self) -> None:
        previous = self.folder / PREVIOUS
        if previous.exists():
            self._fds[0] = os.open(previous, os.O_RDONLY)
            self._index(0, self.folder / PREVIOUS, repair=False)
        self._fds[1] = _open_append(self.folder / CURRENT)
        self._index(1, self.folder / CURRENT, repair=True)

    def _index(self, segment: int, path: Path, repair: bool) -> None:
        data = path.read_bytes()
        at, damaged, end = 0, 0, 0
        while at < len(data):
            stop = data.find(b"\n", at)
            if stop < 0:
                break                      # a torn last line: cut off below
            decoded = decode(data[at:stop + 1])
            if decoded is None:
                damaged += 1
            else:
                self._lines.setdefault(decoded[0], []).append((segment, at, stop + 1 - at))
            at = end = stop + 1
        if damaged:
            aside = path.with_name(path.name + ".damaged")
            shutil.copyfile(path, aside)
            log.error("%s: %d damaged line(s) skipped; a copy is kept as %s", path.name,
                      damaged, aside.name)
        if repair and end < len(data):
            log.warning("%s: cutting off %d bytes of a line a power cut interrupted",
                        path.name, len(data) - end)
            os.ftruncate(self._fds[segment], end)
            os.fsync(self._fds[segment])


def _open_append(path: Path) -> int:
    """Open (or create) a journal segment; a new one's name is made durable in its folder."""
    created = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    if created:
        fsync_folder(path.parent)
    return fd
