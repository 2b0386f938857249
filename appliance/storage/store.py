"""The box's memory: calls, texts, conversations, the outbox, settings and the event log.

One `Store` object, one lock around every operation (the service, sender and web threads share
it). Underneath are small TinyDB files, split by kind so that nothing parses more than it must:

    settings.json  outbox.json  inbox.json  contacts/<xx>.json  (by a hash of the number)
    calls-YYYY-MM.json  messages-YYYY-MM.json  events-YYYY-MM.json   (by the record's UTC month)

Every change is one line appended to the data folder's journal (journal.py); the files are
rewritten only at a checkpoint (`upkeep_step`, run by the upkeep thread, and `close`). Changes
that must survive a power cut are synced at once: the outbox, a received text (before the SIM
copy is deleted), settings, a STOP. The rest follows within seconds, in order.

A busy shop's second year is as fast as its first day: the newest-first listings open the newest
months first and stop once they have enough; the conversation list and the unread count come
from the contacts' index in memory (contacts.py); a record's id carries its month, so finding
one by id opens exactly one file; Results for closed months come from their saved sums
(month_sums.py).

Timestamps in records are ISO-8601 UTC strings with microseconds, so they sort as text; methods
accept datetime objects (a naive one is taken as UTC) and convert them. Records handed out are
copies: changing them changes nothing stored.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Optional

from appliance.core import settings as settings_rules
from appliance.core.clock import utc_now
from appliance.storage.contacts import Contacts
from appliance.storage.journal import Journal
from appliance.storage.month_sums import MonthSums
from appliance.storage.monthly import (OPEN_BYTES, MonthlyFiles, copy_record, from_iso,
                                       new_id, plain, to_iso)
from appliance.storage.files import open_database
from appliance.storage.store_contacts import ContactTables
from appliance.storage.store_queues import QueueTables, locked as _locked
from appliance.storage.store_results import ResultTables
from appliance.storage.store_upkeep import FIXED, UpkeepTables

log = logging.getLogger(__name__)

MONTHLY = {"calls": ("c", "started_at"), "messages": ("m", "at"), "events": ("e", "at")}
RECENT_REFERENCE_DAYS = 7


class Store(QueueTables, ContactTables, ResultTables, UpkeepTables):
    """Everything the box remembers; safe to share between threads."""

    def __init__(self, data_dir: Path, clock: Optional[Callable[[], datetime]] = None,
                 open_bytes: int = OPEN_BYTES, journal: Optional[Journal] = None):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._clock = clock or utc_now
        self._lock = threading.RLock()
        self._open_bytes = open_bytes
        self._fingerprints: Optional[set[str]] = None
        self._fingerprints_pruned: Optional[str] = None
        self._settings: Optional[dict] = None
        self._sums = MonthSums(self.data_dir)
        self._sums_generation = 0
        self._repeats: dict = {}
        self.closed = False
        self._open(journal or Journal(self.data_dir))

    def _open(self, journal: Journal) -> None:
        self.journal = journal
        self._fixed: dict = {}
        self._monthly = MonthlyFiles(self.data_dir, journal, self._open_bytes)
        self._contacts = Contacts(self.data_dir, journal)
        self.closed = False

    # --- settings -------------------------------------------------------------------------

    @_locked
    def settings(self) -> dict:
        """DEFAULTS merged with what was saved (saved values that no longer pass are skipped)."""
        if self._settings is None:
            saved = self._table("settings.json", "settings").get(doc_id=1) or {}
            self._settings = settings_rules.load(dict(saved))
        return copy_record(self._settings)

    @_locked
    def save_settings(self, settings: dict) -> None:
        """Save validated settings; only what differs from the defaults is written."""
        changed = settings_rules.differences(settings)
        table = self._table("settings.json", "settings")
        if table.contains(doc_id=1):
            table.update(_replace_with(changed), doc_ids=[1])
        else:
            table.insert(changed)
        self.journal.sync()
        self._settings = None

    # --- calls ----------------------------------------------------------------------------

    @_locked
    def add_call(self, call: dict) -> dict:
        return self._insert("calls", call)

    @_locked
    def update_call(self, call_id: str, **fields) -> None:
        self._update("calls", call_id, fields)

    @_locked
    def get_call(self, call_id: str) -> Optional[dict]:
        return self._get("calls", call_id)

    @_locked
    def calls(self, limit: Optional[int] = 100, since=None, until=None, outcome=None,
              number: Optional[str] = None) -> list[dict]:
        """Calls newest first; `since` inclusive, `until` exclusive; outcome a name or a list."""
        outcomes = {outcome} if isinstance(outcome, str) else set(outcome or ())

        def wanted(call):
            return ((not outcomes or call.get("outcome") in outcomes)
                    and (number is None or call.get("number") == number))
        return self._newest_first("calls", limit, since, until, wanted)

    # --- messages -------------------------------------------------------------------------

    @_locked
    def add_message(self, msg: dict, contact_fields: Optional[dict] = None) -> dict:
        """Store a text (in or out) and keep its contact's conversation summary up to date:
        months, last_at, last_text, last_direction and, for incoming, last_inbound_at.
        `contact_fields` go into the same contact write (one write instead of two)."""
        record = self._insert("messages", msg)
        if record.get("number"):
            self._summarise(record, contact_fields or {})
        if record.get("direction") == "in":
            self.journal.sync()     # durable before the SIM copy is deleted
        return record

    @_locked
    def update_message(self, message_id: str, **fields) -> None:
        self._update("messages", message_id, fields)

    @_locked
    def get_message(self, message_id: str) -> Optional[dict]:
        return self._get("messages", message_id)

    @_locked
    def messages_for(self, number: str, limit: Optional[int] = None) -> list[dict]:
        """The conversation with `number`, oldest first (the last `limit` texts if given)."""
        contact = self._contact_doc(number)
        if contact is None:
            return []
        # "months" is kept by add_message; a contact saved without it falls back to every month.
        months = contact["months"] if "months" in contact else self._monthly.months("messages")
        months = sorted(months, reverse=True)
        found: list[dict] = []
        for month in months:
            rows = self._monthly.conversation("messages", month, number)
            found = sorted(rows, key=_at) + found
            if limit is not None and len(found) >= limit:
                break
        return [copy_record(m) for m in (found[-limit:] if limit is not None else found)]

    @_locked
    def find_sent_by_reference(self, reference: int, number: Optional[str],
                               since=None) -> Optional[dict]:
        """The newest outgoing text with this modem reference (since `since`, default a week)."""
        since_iso = to_iso(since or self._clock() - timedelta(days=RECENT_REFERENCE_DAYS))

        def matches(msg):
            return (msg.get("direction") == "out" and msg.get("at", "") >= since_iso
                    and (number is None or msg.get("number") == number)
                    and (msg.get("reference") == reference
                         or reference in (msg.get("references") or ())))
        found = self._newest_first("messages", 1, since_iso, None, matches)
        return found[0] if found else None

    @_locked
    def received_with_fingerprint(self, fp: str, since) -> Optional[dict]:
        """A stored text with this fingerprint. A crash can come between storing a text and
        remembering its fingerprint (or updating its conversation): this finds it anyway and
        brings the conversation summary up to date."""
        found = self._newest_first("messages", 1, since, None,
                                   lambda m: m.get("fingerprint") == fp)
        if found:
            self._summarise(found[0])
        return found[0] if found else None

    @_locked
    def messages_between(self, since, until, direction: Optional[str] = None) -> list[dict]:
        """Every text with since <= at < until (only `direction` ones if given), oldest first."""
        wanted = (lambda m: m.get("direction") == direction) if direction else None
        return list(reversed(self._newest_first("messages", None, since, until, wanted)))

    # --- monthly files --------------------------------------------------------------------

    def _insert(self, kind: str, fields: dict) -> dict:
        prefix, time_key = MONTHLY[kind]
        record = plain(fields)
        record[time_key] = to_iso(record.get(time_key) or self._clock())
        record = {"id": new_id(prefix, from_iso(record[time_key])), **record}
        self._results_change(kind, None, record)
        self._monthly.insert(kind, record, record[time_key][:7])
        return copy_record(record)

    def _get(self, kind: str, record_id: str) -> Optional[dict]:
        record = self._monthly.get(kind, record_id)
        return copy_record(record) if record is not None else None

    def _update(self, kind: str, record_id: str, fields: dict) -> None:
        fields = plain(fields)
        fields.pop("id", None)
        before = self._monthly.get(kind, record_id)
        if before is None:
            log.warning("%s record %s not found for update", kind, record_id)
            return
        self._results_change(kind, before, fields)
        self._monthly.update(kind, record_id, fields)

    def _newest_first(self, kind, limit, since, until, wanted) -> list[dict]:
        found = self._monthly.newest_first(kind, MONTHLY[kind][1], limit, to_iso(since),
                                           to_iso(until), wanted)
        return [copy_record(r) for r in found]

    @_locked
    def summary_rows(self, kind: str, since, until, fields: tuple,
                     direction: Optional[str] = None) -> list[dict]:
        """Just `fields` of the calls or messages in since..until (for Results): much cheaper
        than whole records when months of them are counted, and old months read for this are
        not kept parsed."""
        wanted = (lambda m: m.get("direction") == direction) if direction else None
        return self._monthly.newest_first(
            kind, MONTHLY[kind][1], None, to_iso(since), to_iso(until), wanted,
            project=lambda r: {k: r.get(k) for k in fields}, keep=False)

    # --- fixed files ----------------------------------------------------------------------

    def _fixed_db(self, filename: str):
        db = self._fixed.get(filename)
        if db is None:
            db = self._fixed[filename] = open_database(self.data_dir, filename, self.journal,
                                                       must=FIXED.get(filename, False))
        return db

    def _table(self, filename: str, table: str):
        return self._fixed_db(filename).table(table)

    def _contact_doc(self, number: str):
        return self._contacts.get(number)

    def _summarise(self, msg: dict, extra: Optional[dict] = None) -> None:
        contact = self._contact_doc(msg["number"]) or {}
        fields = dict(extra or {})
        month = msg["at"][:7]
        if month not in (contact.get("months") or []):
            fields["months"] = sorted({*(contact.get("months") or []), month})
        if msg["at"] >= (contact.get("last_at") or ""):
            fields.update(last_at=msg["at"], last_text=msg.get("text"),
                          last_direction=msg.get("direction"))
        if msg.get("direction") == "in" and msg["at"] >= (contact.get("last_inbound_at") or ""):
            fields["last_inbound_at"] = msg["at"]
        if fields or not contact:
            self.update_contact(msg["number"], **fields)


def _at(msg: dict) -> str:
    return msg.get("at", "")


def _replace_with(new: dict):
    """A TinyDB update that replaces the whole document (keys missing from `new` go)."""
    def transform(doc: dict) -> None:
        doc.clear()
        doc.update(copy_record(new))
    return transform
