"""The store's housekeeping and event log, as tables of its `Database`: closing, checkpoints
(the journal's changes written into the files themselves), changes kept while the disk was
full, and an event log that stays bounded.

The event log is bounded twice: months older than the upkeep's EVENT_MONTHS are deleted, and an
event repeated within REPEAT_WINDOW (a modem dropping off USB every few seconds, say) is written
once, with the count of the repeats on the next one after the window.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Optional

from appliance.storage.database import Database, locked
from appliance.core.stamps import from_iso, to_iso

log = logging.getLogger(__name__)

REPEAT_WINDOW = timedelta(minutes=10)
REPEATS_KEPT = 200


class Housekeeping:
    """Checkpoints and closing."""

    def __init__(self, db: Database):
        self.db = db

    def close(self) -> None:
        """Write every file's changes into the file itself (a checkpoint) and let go; the
        store opens its files again if it is used after this."""
        with self.db.lock:
            if self.db.closed:
                return
            try:
                self.checkpoint()
            except OSError as error:     # e.g. the disk is full: the journal still has it all
                log.error("could not write the data files on closing (%s); the journal keeps "
                          "the changes", error)
            self.db.release()

    # --- checkpoints ----------------------------------------------------------------------

    @locked
    def upkeep_step(self) -> bool:
        """One small piece of a checkpoint when the journal has grown past its limit, or else
        of laying out an old month of texts by number (a file rewritten, so the lock is never
        held long); True when there is more to do."""
        journal = self.db.journal
        if journal.full or journal.backlog:
            return False                 # no room to rewrite files; see disk.py
        if not journal.checkpointing:
            if not journal.due():
                return self.db.monthly.index_step()
            journal.begin_checkpoint()
        files = journal.checkpoint_files()
        if files:
            self.db.compact(files[0])
            journal.forget_previous(files[0])
            return True
        journal.end_checkpoint()
        return False

    @locked
    def checkpoint(self) -> None:
        """A whole checkpoint now: every file written, the journal emptied."""
        journal = self.db.journal
        journal.flush_backlog()
        if not journal.checkpointing:
            journal.begin_checkpoint()
        for name in journal.checkpoint_files():
            self.db.compact(name)
            journal.forget_previous(name)
        journal.end_checkpoint()

    @locked
    def hold_changes(self) -> None:
        """The disk is full: keep every change but the outbox's in memory (see journal.py)."""
        self.db.journal.hold()

    @locked
    def flush_waiting(self) -> bool:
        """Write the changes kept in memory while the disk was full; True when none wait."""
        return self.db.journal.flush_backlog()



class EventLog:
    """The box's diary (the page's event log), in month files like the calls."""

    def __init__(self, db: Database, records):
        self.db = db
        self.records = records      # records.RecordTable: the month files
        self._repeats: dict = {}

    # --- event log ------------------------------------------------------------------------

    @locked
    def log_event(self, kind: str, text: str, at=None, level: str = "info") -> None:
        at = to_iso(at or self.db.clock())
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
        self.records.insert("events", {"kind": kind, "text": text, "at": at, "level": level})

    @locked
    def events(self, limit: Optional[int] = 100) -> list[dict]:
        return self.records.newest_first("events", limit, None, None, None)

    @locked
    def prune_events(self, months_kept: int, now: Optional[datetime] = None) -> list[str]:
        """Delete event log months older than the last `months_kept`; returns their files.
        A month with changes still in the journal waits for the next checkpoint."""
        now = (now or self.db.clock()).astimezone(timezone.utc)
        oldest = (now.year * 12 + now.month - 1) - (months_kept - 1)
        keep_from = f"{oldest // 12:04d}-{oldest % 12 + 1:02d}"
        pending = self.db.journal.files()
        gone = []
        for month in self.db.monthly.months("events"):
            name = f"events-{month}.json"
            if month >= keep_from or name in pending:
                continue
            self.db.monthly.forget_month("events", month)
            (self.db.data_dir / name).unlink(missing_ok=True)
            gone.append(name)
        if gone:
            log.info("event log: removed %s", ", ".join(gone))
        return gone
