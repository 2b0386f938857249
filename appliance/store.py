"""The box's memory: calls, texts, conversations, the outbox, settings and the event log.

One `Store` object, one lock around every operation (the service, sender and web threads share
it). Underneath are small TinyDB files written atomically (see storage.py), split by kind so that
no write re-serialises more than it must:

    settings.json  contacts.json  outbox.json  inbox.json
    calls-YYYY-MM.json  messages-YYYY-MM.json  events-YYYY-MM.json   (by the record's UTC month)

A busy shop's second year is as fast as its first day: the newest-first listings open the newest
months first and stop once they have enough; the conversation list reads contacts.json only (each
contact carries its conversation summary and the months it has texts in); a record's id carries
its month, so finding one by id opens exactly one file. Monthly files are opened lazily and a few
stay open (an LRU); closing one just drops its cached data.

Timestamps in records are ISO-8601 UTC strings with microseconds, so they sort as text; methods
accept datetime objects (a naive one is taken as UTC) and convert them. Records handed out are
copies: changing them changes nothing stored.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Optional

from tinydb import TinyDB

from appliance import settings as settings_rules
from appliance.monthly import MonthlyFiles, copy_record, from_iso, new_id, plain, raw, to_iso
from appliance.storage import AtomicJSONStorage
from appliance.store_queues import QueueTables, locked as _locked

log = logging.getLogger(__name__)

MONTHLY = {"calls": ("c", "started_at"), "messages": ("m", "at"), "events": ("e", "at")}
CONTACT_DEFAULTS = {"last_at": None, "last_text": None, "last_direction": None, "unread": 0,
                    "opted_out": False, "booked": False, "job_value": None, "tag": None,
                    "name": None, "last_textback_at": None, "textbacks_by_day": {},
                    "last_inbound_at": None, "consent": [], "months": []}
TEXTBACK_DAYS_KEPT = 7
RECENT_REFERENCE_DAYS = 7
# Monthly files kept parsed in memory: a year of calls and texts, so a year on the Results page
# is worked out from memory instead of re-reading file after file (a busy month is a few MB;
# only months someone looked at are loaded, so an idle box stays small).
OPEN_MONTHS = 26


class Store(QueueTables):
    """Everything the box remembers; safe to share between threads."""

    def __init__(self, data_dir: Path, clock: Optional[Callable[[], datetime]] = None,
                 open_months: int = OPEN_MONTHS):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._lock = threading.RLock()
        self._fixed: dict[str, TinyDB] = {}
        self._monthly = MonthlyFiles(self.data_dir, open_months)
        self._contact_ids: Optional[dict[str, int]] = None
        self._fingerprints: Optional[set[str]] = None
        self._fingerprints_pruned: Optional[str] = None
        self._settings: Optional[dict] = None

    @_locked
    def close(self) -> None:
        for db in self._fixed.values():
            db.close()
        self._fixed.clear()
        self._monthly.close()
        self._contact_ids = self._fingerprints = self._settings = None

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
            rows = [m for m in self._monthly.rows("messages", month) if m.get("number") == number]
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

    # --- contacts -------------------------------------------------------------------------

    @_locked
    def contact(self, number: str) -> Optional[dict]:
        doc = self._contact_doc(number)
        return copy_record(doc) if doc is not None else None

    @_locked
    def update_contact(self, number: str, **fields) -> dict:
        """Change (or create) the contact for `number`; returns the whole contact."""
        fields = plain(fields)
        fields.pop("number", None)
        if isinstance(fields.get("textbacks_by_day"), dict):
            days = sorted(fields["textbacks_by_day"].items())[-TEXTBACK_DAYS_KEPT:]
            fields["textbacks_by_day"] = dict(days)
        table = self._table("contacts.json", "contacts")
        ids = self._contact_index()
        if number in ids:
            table.update(fields, doc_ids=[ids[number]])
        else:
            record = {"number": number, **copy_record(CONTACT_DEFAULTS), **fields}
            ids[number] = table.insert(record)
        return copy_record(table.get(doc_id=ids[number]))

    @_locked
    def contacts(self, search: Optional[str] = None, limit: Optional[int] = None,
                 skip: tuple = ()) -> list[dict]:
        """Contacts newest activity first (the first `limit`; numbers in `skip` left out);
        `search` matches number, name, tag, last text. Only what is returned is copied."""
        rows = raw(self._fixed_db("contacts.json"), "contacts")
        if search:
            needle = search.strip().lower()
            rows = [c for c in rows if any(needle in str(c.get(k) or "").lower()
                                           for k in ("number", "name", "tag", "last_text"))]
        if skip:
            rows = [c for c in rows if c.get("number") not in skip]
        rows.sort(key=lambda c: (c.get("last_at") or "", c.get("number") or ""), reverse=True)
        return [copy_record(c) for c in rows[:limit]]

    @_locked
    def unread_total(self) -> int:
        """Unread texts over all conversations (for the status line and the LED), cheaply."""
        contacts = raw(self._fixed_db("contacts.json"), "contacts")
        return sum(int(c.get("unread") or 0) for c in contacts)

    @_locked
    def booked_contacts(self) -> list[dict]:
        """Contacts marked booked (for Results), without copying every contact."""
        contacts = raw(self._fixed_db("contacts.json"), "contacts")
        return [copy_record(c) for c in contacts if c.get("booked")]

    @_locked
    def contact_by_tag(self, tag: str) -> Optional[dict]:
        wanted = (tag or "").strip().lower()
        for contact in raw(self._fixed_db("contacts.json"), "contacts"):
            if wanted and str(contact.get("tag") or "").lower() == wanted:
                return copy_record(contact)
        return None

    # --- event log ------------------------------------------------------------------------

    @_locked
    def log_event(self, kind: str, text: str, at=None, level: str = "info") -> None:
        self._insert("events", {"kind": kind, "text": text, "at": at, "level": level})

    @_locked
    def events(self, limit: Optional[int] = 100) -> list[dict]:
        return self._newest_first("events", limit, None, None, None)

    # --- monthly files --------------------------------------------------------------------

    def _insert(self, kind: str, fields: dict) -> dict:
        prefix, time_key = MONTHLY[kind]
        record = plain(fields)
        record[time_key] = to_iso(record.get(time_key) or self._clock())
        record = {"id": new_id(prefix, from_iso(record[time_key])), **record}
        self._monthly.insert(kind, record, record[time_key][:7])
        return copy_record(record)

    def _get(self, kind: str, record_id: str) -> Optional[dict]:
        record = self._monthly.get(kind, record_id)
        return copy_record(record) if record is not None else None

    def _update(self, kind: str, record_id: str, fields: dict) -> None:
        fields = plain(fields)
        fields.pop("id", None)
        if not self._monthly.update(kind, record_id, fields):
            log.warning("%s record %s not found for update", kind, record_id)

    def _newest_first(self, kind, limit, since, until, wanted, fields=None) -> list[dict]:
        found = self._monthly.newest_first(kind, MONTHLY[kind][1], limit, to_iso(since),
                                           to_iso(until), wanted)
        if fields:       # a projection of flat fields: no deep copy needed
            return [{k: r.get(k) for k in fields} for r in found]
        return [copy_record(r) for r in found]

    @_locked
    def summary_rows(self, kind: str, since, until, fields: tuple,
                     direction: Optional[str] = None) -> list[dict]:
        """Just `fields` of the calls or messages in since..until (for Results): much cheaper
        than whole records when a year of them is counted."""
        wanted = (lambda m: m.get("direction") == direction) if direction else None
        return self._newest_first(kind, None, since, until, wanted, fields)

    # --- fixed files ----------------------------------------------------------------------

    def _fixed_db(self, filename: str) -> TinyDB:
        db = self._fixed.get(filename)
        if db is None:
            db = self._fixed[filename] = TinyDB(self.data_dir / filename,
                                                storage=AtomicJSONStorage)
        return db

    def _table(self, filename: str, table: str):
        return self._fixed_db(filename).table(table)

    def _contact_index(self) -> dict[str, int]:
        if self._contact_ids is None:
            self._contact_ids = {c["number"]: c.doc_id
                                 for c in self._table("contacts.json", "contacts")}
        return self._contact_ids

    def _contact_doc(self, number: str):
        doc_id = self._contact_index().get(number)
        return self._table("contacts.json", "contacts").get(doc_id=doc_id) if doc_id else None

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
