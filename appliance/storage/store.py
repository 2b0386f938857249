"""The box's memory: calls, texts, conversations, the outbox, settings and the event log.

One `Store` object, built from tables that share one `Database` (database.py: the files, the
journal and ONE lock around every operation; the service, sender and web threads share it):
settings (store_settings.py), calls and texts (records.py), contacts (store_contacts.py), the
outbox and the inbox's bookkeeping (store_queues.py), texts planned for later (store_planned.py), Results (store_results.py), housekeeping
and the event log (store_upkeep.py). Underneath are small TinyDB files, split by kind so that
nothing parses more than it must:

    settings.json  outbox.json  inbox.json  planned.json  contacts/<xx>.json  (by a hash of the number)
    calls-YYYY-MM.json  messages-YYYY-MM.json  events-YYYY-MM.json   (by the record's UTC month)

Every change is one line appended to the data folder's journal (journal.py); the files are
rewritten only at a checkpoint (`upkeep_step`, run by the upkeep thread, and `close`). Changes
that must survive a power cut are synced at once: the outbox, a received text, settings, a STOP;
and the inbox calls `make_durable` before it deletes anything from the SIM. The rest follows
when the next of those syncs (or the kernel writes it back, within about 30 s), in order. While
the disk is full, changes other than the outbox's wait in memory and are not durable:
`make_durable` says so, and the inbox then leaves texts on the SIM.

A busy shop's second year is as fast as its first day: the newest-first listings open the newest
months first and stop once they have enough; the conversation list and the unread count come
from the contacts' index in memory (contacts.py); a record's id carries its month, so finding
one by id opens exactly one file; Results for closed months come from their saved sums
(month_sums.py).

Timestamps in records are ISO-8601 UTC strings with microseconds, so they sort as text; methods
accept datetime objects (a naive one is taken as UTC) and convert them. Calls, texts, contacts
and outbox items are handed out as frozen records (core/records.py), built from copies of the
stored documents; the conversation summaries, Results rows, events and the inbox's bookkeeping
stay plain dicts (copies too): changing what was handed out changes nothing stored.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Callable, Optional

from appliance.core.clock import utc_now
from appliance.core.records import Call, Contact, Message, OutboxItem
from appliance.core.stamps import from_iso
from appliance.core.settings_values import Settings
from appliance.storage.database import Database
from appliance.storage.files import make_folder
from appliance.storage.journal import Journal
from appliance.storage.monthly import OPEN_BYTES
from appliance.storage.records import RecordTable
from appliance.storage.store_contacts import ContactTable
from appliance.storage.store_planned import PlannedTable
from appliance.storage.store_queues import InboxTable, OutboxTable
from appliance.storage.store_results import ResultsTable
from appliance.storage.store_settings import SettingsTable
from appliance.storage.store_upkeep import EventLog, Housekeeping


class Store:
    """Everything the box remembers; safe to share between threads. Each method is one of its
    tables' (see the module docstring), under the database's one lock."""

    def __init__(self, data_dir: Path, clock: Optional[Callable[[], datetime]] = None,
                 open_bytes: int = OPEN_BYTES, journal: Optional[Journal] = None):
        self.data_dir = Path(data_dir)
        make_folder(self.data_dir)
        self.db = Database(self.data_dir, clock or utc_now, journal or Journal(self.data_dir),
                           open_bytes)
        self._settings = SettingsTable(self.db)
        self._contacts = ContactTable(self.db)
        self._results = ResultsTable(self.db, lambda *a, **k: self._records.summary_rows(*a, **k),
                                     self._settings.settings)
        self._records = RecordTable(self.db, self._contacts, self._results.record_changed)
        self._outbox = OutboxTable(self.db)
        self._inbox = InboxTable(self.db)
        self._planned = PlannedTable(self.db)
        self._events = EventLog(self.db, self._records)
        self._housekeeping = Housekeeping(self.db, report=self._events.log_event)

    @property
    def journal(self) -> Journal:
        return self.db.journal

    @property
    def closed(self) -> bool:
        return self.db.closed

    # --- settings -------------------------------------------------------------------------

    def settings(self) -> Settings:
        return self._settings.settings()

    def save_settings(self, settings: dict) -> None:
        self._settings.save_settings(settings)

    # --- calls and texts (records.py) -----------------------------------------------------

    def add_call(self, call) -> Call:
        return self._records.add_call(call)

    def update_call(self, call_id: str, **fields) -> None:
        self._records.update_call(call_id, **fields)

    def get_call(self, call_id: str) -> Optional[Call]:
        return self._records.get_call(call_id)

    def calls(self, limit: Optional[int] = 100, since=None, until=None, outcome=None,
              number: Optional[str] = None) -> list[Call]:
        return self._records.calls(limit, since, until, outcome, number)

    def add_message(self, msg, contact_fields: Optional[dict] = None) -> Message:
        return self._records.add_message(msg, contact_fields)

    def update_message(self, message_id: str, **fields) -> None:
        self._records.update_message(message_id, **fields)

    def get_message(self, message_id: str) -> Optional[Message]:
        return self._records.get_message(message_id)

    def messages_for(self, number: str, limit: Optional[int] = None) -> list[Message]:
        return self._records.messages_for(number, limit)

    def find_sent_by_reference(self, reference: int, number: Optional[str],
                               since=None) -> Optional[Message]:
        return self._records.find_sent_by_reference(reference, number, since)

    def received_with_fingerprint(self, fp: str, since) -> Optional[Message]:
        return self._records.received_with_fingerprint(fp, since)

    def messages_between(self, since, until, direction: Optional[str] = None) -> list[Message]:
        return self._records.messages_between(since, until, direction)

    def summary_rows(self, kind: str, since, until, fields: tuple,
                     direction: Optional[str] = None) -> list[dict]:
        return self._records.summary_rows(kind, since, until, fields, direction)

    # --- contacts (store_contacts.py) -----------------------------------------------------

    def contact(self, number: str) -> Optional[Contact]:
        return self._contacts.contact(number)

    def update_contact(self, number: str, **fields) -> Contact:
        return self._contacts.update_contact(number, **fields)

    def contacts(self, search: Optional[str] = None, limit: Optional[int] = None,
                 skip: tuple = ()) -> list[Contact]:
        return self._contacts.contacts(search, limit, skip)

    def conversation_page(self, limit: int = 50, before: Optional[str] = None,
                          search: Optional[str] = None,
                          skip: tuple = ()) -> tuple[list[dict], Optional[str]]:
        return self._contacts.conversation_page(limit, before, search, skip)

    def unread_total(self) -> int:
        return self._contacts.unread_total()

    def booked_contacts(self) -> list[dict]:
        return self._contacts.booked_contacts()

    def tags(self) -> list[str]:
        return self._contacts.tags()

    def contact_by_tag(self, tag: str) -> Optional[Contact]:
        return self._contacts.contact_by_tag(tag)

    # --- the outbox and the inbox's bookkeeping (store_queues.py) ---------------------------

    def outbox_items(self) -> list[OutboxItem]:
        return self._outbox.items()

    def outbox_put(self, item) -> OutboxItem:
        return self._outbox.put(item)

    def outbox_update(self, item_id: str, **fields) -> Optional[OutboxItem]:
        return self._outbox.update(item_id, **fields)

    def outbox_remove(self, item_id: str) -> bool:
        return self._outbox.remove(item_id)

    def seen_fingerprint(self, fp: str) -> bool:
        return self._inbox.seen_fingerprint(fp)

    def remember_fingerprint(self, fp: str, at=None) -> None:
        self._inbox.remember_fingerprint(fp, at)

    def pending_parts(self) -> list[dict]:
        return self._inbox.pending_parts()

    def put_pending_part(self, part: dict) -> None:
        self._inbox.put_pending_part(part)

    def remove_pending_parts(self, key) -> int:
        return self._inbox.remove_pending_parts(key)

    def box_state(self) -> dict:
        return self._inbox.box_state()

    def update_box_state(self, **fields) -> None:
        self._inbox.update_box_state(**fields)

    # --- texts planned for later: follow-ups, review requests (store_planned.py) ------------

    def plan(self, kind: str, number: str, since, **extra) -> Optional[dict]:
        return self._planned.plan(kind, number, since, **extra)

    def planned(self, status: Optional[str] = "planned") -> list[dict]:
        return self._planned.planned(status)

    def planned_for(self, number: str) -> list[dict]:
        return self._planned.planned_for(number)

    def update_planned(self, item_id: str, **fields) -> None:
        self._planned.update_planned(item_id, **fields)

    def prune_planned(self, now: datetime) -> int:
        return self._planned.prune_planned(now)

    # --- Results (store_results.py) -------------------------------------------------------

    def day_counts(self, start: date, end: date) -> dict[date, list[int]]:
        return self._results.day_counts(start, end)

    # --- the event log and housekeeping (store_upkeep.py) ---------------------------------

    def log_event(self, kind: str, text: str, at=None, level: str = "info") -> None:
        self._events.log_event(kind, text, at, level)

    def events(self, limit: Optional[int] = 100) -> list[dict]:
        return self._events.events(limit)

    def newest_stamp(self) -> Optional[datetime]:
        """The newest moment recorded (the last call, message or event); the box's clock should
        not be behind it (core/clock.py TrustedClock)."""
        stamps = [call.started_at for call in self.calls(limit=1)] + [
            row.get(key) for rows, key in ((self.events(limit=1), "at"),
                                           (self.conversation_page(limit=1)[0], "last_at"))
            for row in rows]
        found = [from_iso(stamp) for stamp in stamps if isinstance(stamp, str)]
        return max(found) if found else None

    def prune_events(self, months_kept: int, now: Optional[datetime] = None) -> list[str]:
        return self._events.prune_events(months_kept, now)

    def upkeep_step(self) -> bool:
        return self._housekeeping.upkeep_step()

    def checkpoint(self) -> None:
        self._housekeeping.checkpoint()

    def hold_changes(self) -> None:
        self._housekeeping.hold_changes()

    def flush_waiting(self) -> bool:
        return self._housekeeping.flush_waiting()

    def make_durable(self) -> bool:
        """Sync the journal; True when every change so far is on disk (none waits in memory
        for disk space): what the inbox asks before it deletes a text from the SIM."""
        with self.db.lock:
            return self.db.journal.durable()

    def stuck_files(self) -> dict[str, str]:
        """Data files whose copy could not be rewritten at the last checkpoint, and why."""
        return dict(self._housekeeping.stuck)

    def close(self) -> None:
        self._housekeeping.close()

    def reopen(self) -> None:
        with self.db.lock:
            self.db.reopen()
