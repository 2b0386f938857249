"""The store's housekeeping and event log, as tables of its `Database`: closing, checkpoints
(the journal's changes written into the files themselves), changes kept while the disk was
full, and an event log that stays bounded.

A file whose copy cannot be rewritten (an I/O error, or a damaged file that could not be moved
aside) does not stop the checkpoint: its whole state is carried into the fresh journal
(journal.py `carry_forward`), the other files are rewritten, and the event log says which file
is stuck (`stuck` keeps it for the page), once per file until it can be written again.

The event log is bounded twice: months older than the upkeep's EVENT_MONTHS are deleted, and an
event repeated within REPEAT_WINDOW (a modem dropping off USB every few seconds, say) is written
once, with the count of the repeats on the next one after the window.
"""
from __future__ import annotations

import errno
import logging
from datetime import datetime, timedelta, timezone
from typing import Optional

from typing import Callable

from appliance.storage.database import Database, locked
from appliance.core.stamps import from_iso, to_iso

log = logging.getLogger(__name__)

REPEAT_WINDOW = timedelta(minutes=10)
REPEATS_KEPT = 200


class Housekeeping:
    """Checkpoints and closing."""

    def __init__(self, db: Database, report: Callable[..., None] = lambda *a, **k: None):
        self.db = db
        self.report = report            # the event log's log_event
        self.stuck: dict[str, str] = {}     # file -> why its copy cannot be rewritten

    def close(self) -> None:
        """Write every file's changes into the file itself (a checkpoint) and let go; the
        store opens its files again if it is used after this."""
        with self.db.lock:
            if self.db.closed:
                return
            waiting = self.db.journal.backlog
            try:
                self.checkpoint()
            except OSError as error:     # e.g. the disk is full
                log.error("could not write the data files on closing (%s); what the journal "
                          "holds on disk is kept and replayed at the next start", error)
            if self.db.journal.backlog:
                log.error("closing with %d of %d change(s) still waiting in memory for disk "
                          "space: they are lost (texts not yet deleted from the SIM are read "
                          "again at the next start)", self.db.journal.backlog, waiting)
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
            self._rewrite(files[0])
            return True
        journal.end_checkpoint()
        return False

    @locked
    def checkpoint(self) -> None:
        """A whole checkpoint now: every file written, the journal emptied."""
        journal = self.db.journal
        if not journal.flush_backlog():
            raise OSError(errno.ENOSPC, f"{journal.backlog} change(s) wait for disk space")
        if not journal.checkpointing:
            journal.begin_checkpoint()
        for name in journal.checkpoint_files():
            self._rewrite(name)
        journal.end_checkpoint()

    def _rewrite(self, name: str) -> None:
        """One file of a checkpoint: its copy rewritten, or, when that fails, its state carried
        into the fresh journal (see the module docstring)."""
        try:
            self.db.compact(name)
        except OSError as error:
            if error.errno == errno.ENOSPC:
                raise                   # the disk is full: the upkeep waits for room
            self.db.journal.carry_forward(name, self.db.database(name).storage.read() or {})
            if name not in self.stuck:
                log.error("data file %s cannot be written (%s); its changes stay in the "
                          "journal", name, error)
                self.report("disk", f"Data file {name} cannot be written ({error}); its "
                            "changes are kept in the journal", level="error")
            self.stuck[name] = str(error)
            return
        self.db.journal.forget_previous(name)
        if self.stuck.pop(name, None) is not None:
            log.info("data file %s written again", name)

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
