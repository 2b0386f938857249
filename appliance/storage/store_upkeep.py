"""The Store's housekeeping and event log: closing and opening again, checkpoints (the journal's
changes written into the files themselves), changes kept while the disk was full, and an event
log that stays bounded.
A mixin of `Store` (same object, same lock), kept in its own file so store.py stays readable.

The event log is bounded twice: months older than the upkeep's EVENT_MONTHS are deleted, and an
event repeated within REPEAT_WINDOW (a modem dropping off USB every few seconds, say) is written
once, with the count of the repeats on the next one after the window.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Optional

from appliance.storage.journal import Journal
from appliance.storage.monthly import from_iso, to_iso
from appliance.storage.store_queues import locked

log = logging.getLogger(__name__)

FIXED = {"settings.json": False, "outbox.json": True, "inbox.json": False}   # name: must write
REPEAT_WINDOW = timedelta(minutes=10)
REPEATS_KEPT = 200


class UpkeepTables:
    """Needs self._lock, self._clock, self.journal, self._monthly, self._contacts, self._fixed,
    self.data_dir, self._repeats, self._open(), self._fixed_db(), self._insert() and
    self._newest_first()."""

    # --- opening and closing --------------------------------------------------------------

    def reopen(self) -> None:
        """Used again after close() (tests, tools): start from the files again."""
        old = self.journal
        self._open(Journal(self.data_dir, limit=old.limit, write=old._write,
                           make_room=old.make_room))

    def close(self) -> None:
        """Write every file's changes into the file itself (a checkpoint) and let go; the
        store opens its files again if it is used after this."""
        with self._lock:
            if not self.closed:
                self._close()

    def _close(self) -> None:
        try:
            self.checkpoint()
        except OSError as error:     # e.g. the disk is full: the journal still has it all
            log.error("could not write the data files on closing (%s); the journal keeps "
                      "the changes", error)
        for db in self._fixed.values():
            db.close()
        self._monthly.close()
        self._contacts.close()
        self.journal.close()
        self.closed = True
        self._fingerprints = self._settings = None

    def _database(self, name: str):
        """Any of the store's files by its name in the journal."""
        if name.startswith("contacts/"):
            return self._contacts.database(name)
        if "-" in name:
            return self._monthly.database(name)
        return self._fixed_db(name)

    def _compact(self, name: str) -> None:
        """Write one file with everything it holds (a checkpoint step)."""
        if "-" in name and not name.startswith("contacts/"):
            self._monthly.compact(name)          # months of texts get their index too
        else:
            self._database(name).storage.compact()

    # --- checkpoints ----------------------------------------------------------------------

    @locked
    def upkeep_step(self) -> bool:
        """One small piece of a checkpoint when the journal has grown past its limit, or else
        of laying out an old month of texts by number (a file rewritten, so the lock is never
        held long); True when there is more to do."""
        journal = self.journal
        if journal.full or journal.backlog:
            return False                 # no room to rewrite files; see disk.py
        if not journal.checkpointing:
            if not journal.due():
                return self._monthly.index_step()
            journal.begin_checkpoint()
        files = journal.checkpoint_files()
        if files:
            self._compact(files[0])
            journal.forget_previous(files[0])
            return True
        journal.end_checkpoint()
        return False

    @locked
    def checkpoint(self) -> None:
        """A whole checkpoint now: every file written, the journal emptied."""
        journal = self.journal
        journal.flush_backlog()
        if not journal.checkpointing:
            journal.begin_checkpoint()
        for name in journal.checkpoint_files():
            self._compact(name)
            journal.forget_previous(name)
        journal.end_checkpoint()

    @locked
    def hold_changes(self) -> None:
        """The disk is full: keep every change but the outbox's in memory (see journal.py)."""
        self.journal.hold()

    @locked
    def flush_waiting(self) -> bool:
        """Write the changes kept in memory while the disk was full; True when none wait."""
        return self.journal.flush_backlog()

    # --- event log ------------------------------------------------------------------------

    @locked
    def log_event(self, kind: str, text: str, at=None, level: str = "info") -> None:
        at = to_iso(at or self._clock())
        key = (kind, text, level)
        first, repeats = self._repeats.get(key, (None, 0))
        if first is not None and from_iso(at) - from_iso(first) < REPEAT_WINDOW:
            self._repeats[key] = (first, repeats + 1)
            return
        if repeats:
            text = f"{text} (and {repeats} more time{'s' if repeats > 1 else ''} in the " \
                   f"{REPEAT_WINDOW.seconds // 60} minutes before)"
        self._repeats[key] = (at, 0)
        if len(self._repeats) > REPEATS_KEPT:
            self._repeats.pop(next(iter(self._repeats)))
        self._insert("events", {"kind": kind, "text": text, "at": at, "level": level})

    @locked
    def events(self, limit: Optional[int] = 100) -> list[dict]:
        return self._newest_first("events", limit, None, None, None)

    @locked
    def prune_events(self, months_kept: int, now: Optional[datetime] = None) -> list[str]:
        """Delete event log months older than the last `months_kept`; returns their files.
        A month with changes still in the journal waits for the next checkpoint."""
        now = (now or self._clock()).astimezone(timezone.utc)
        oldest = (now.year * 12 + now.month - 1) - (months_kept - 1)
        keep_from = f"{oldest // 12:04d}-{oldest % 12 + 1:02d}"
        pending = self.journal.files()
        gone = []
        for month in self._monthly.months("events"):
            name = f"events-{month}.json"
            if month >= keep_from or name in pending:
                continue
            self._monthly.forget_month("events", month)
            (self.data_dir / name).unlink(missing_ok=True)
            gone.append(name)
        if gone:
            log.info("event log: removed %s", ", ".join(gone))
        return gone
