"""Calls, texts and the event log: records in month files (calls-2026-11.json ...), newest
months first, a record's id carrying its month.

Every call or text stored or changed is told to `changed(kind, before, fields)` first (the
Results' saved month sums forget what it counts in, store_results.py); every text keeps its
contact's conversation summary up to date (store_contacts.py). Records handed out are copies.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Callable, Optional

from appliance.core.records import Call, Message, collector_paused
from appliance.storage.database import Database, locked
from appliance.core.stamps import from_iso, new_id, to_iso
from appliance.storage.monthly import copy_record, plain

log = logging.getLogger(__name__)

MONTHLY = {"calls": ("c", "started_at"), "messages": ("m", "at"), "events": ("e", "at")}
RECENT_REFERENCE_DAYS = 7


class RecordTable:
    """Calls and texts (and the event log's records, store_upkeep.py)."""

    def __init__(self, db: Database, contacts, changed: Callable[[str, Optional[dict], dict],
                                                                  None]):
        self.db = db
        self.contacts = contacts        # store_contacts.ContactTable
        self.changed = changed

    # --- calls ----------------------------------------------------------------------------

    @locked
    def add_call(self, call) -> Call:
        """Store a call: a Call, or a dict of the fields to store (only those keys are written)."""
        row = call.to_row() if isinstance(call, Call) else call
        return Call.from_row(self.insert("calls", row))

    @locked
    def update_call(self, call_id: str, **fields) -> None:
        self._update("calls", call_id, fields)

    @locked
    def get_call(self, call_id: str) -> Optional[Call]:
        record = self._get("calls", call_id)
        return Call.from_row(record) if record is not None else None

    @locked
    def calls(self, limit: Optional[int] = 100, since=None, until=None, outcome=None,
              number: Optional[str] = None) -> list[Call]:
        """Calls newest first; `since` inclusive, `until` exclusive; outcome a name or a list."""
        outcomes = {outcome} if isinstance(outcome, str) else set(outcome or ())

        def wanted(call):
            return ((not outcomes or call.get("outcome") in outcomes)
                    and (number is None or call.get("number") == number))
        return self.newest_first("calls", limit, since, until, wanted, Call.from_row)

    # --- messages -------------------------------------------------------------------------

    @locked
    def add_message(self, msg: dict, contact_fields: Optional[dict] = None) -> Message:
        """Store a text (in or out) and keep its contact's conversation summary up to date:
        months, last_at, last_text, last_direction and, for incoming, last_inbound_at.
        `contact_fields` go into the same contact write (one write instead of two). `msg` is
        a Message or a dict of the fields to store (only those keys are written)."""
        record = self.insert("messages", msg.to_row() if isinstance(msg, Message) else msg)
        if record.get("number"):
            self._summarise(record, contact_fields or {})
        if record.get("direction") == "in":
            self.db.journal.sync()     # durable before the SIM copy is deleted
        return Message.from_row(record)

    @locked
    def update_message(self, message_id: str, **fields) -> None:
        self._update("messages", message_id, fields)

    @locked
    def get_message(self, message_id: str) -> Optional[Message]:
        record = self._get("messages", message_id)
        return Message.from_row(record) if record is not None else None

    @locked
    def messages_for(self, number: str, limit: Optional[int] = None) -> list[Message]:
        """The conversation with `number`, oldest first (the last `limit` texts if given)."""
        contact = self.db.contacts.get(number)
        if contact is None:
            return []
        # "months" is kept by add_message; a contact saved without it falls back to every month.
        months = contact["months"] if "months" in contact else self.db.monthly.months("messages")
        months = sorted(months, reverse=True)
        found: list[dict] = []
        for month in months:
            rows = self.db.monthly.conversation("messages", month, number)
            found = sorted(rows, key=_at) + found
            if limit is not None and len(found) >= limit:
                break
        with collector_paused():
            return [Message.from_row(m) for m in (found[-limit:] if limit is not None else found)]

    @locked
    def find_sent_by_reference(self, reference: int, number: Optional[str],
                               since=None) -> Optional[Message]:
        """The newest outgoing text with this modem reference (since `since`, default a week)."""
        since_iso = to_iso(since or self.db.clock() - timedelta(days=RECENT_REFERENCE_DAYS))

        def matches(msg):
            return (msg.get("direction") == "out" and msg.get("at", "") >= since_iso
                    and (number is None or msg.get("number") == number)
                    and (msg.get("reference") == reference
                         or reference in (msg.get("references") or ())))
        found = self.newest_first("messages", 1, since_iso, None, matches, Message.from_row)
        return found[0] if found else None

    @locked
    def received_with_fingerprint(self, fp: str, since) -> Optional[Message]:
        """A stored text with this fingerprint. A crash can come between storing a text and
        remembering its fingerprint (or updating its conversation): this finds it anyway and
        brings the conversation summary up to date."""
        found = self.newest_first("messages", 1, since, None,
                                   lambda m: m.get("fingerprint") == fp)
        if found and found[0].get("number"):    # a network text has no conversation
            self._summarise(found[0])
        return Message.from_row(found[0]) if found else None

    @locked
    def messages_between(self, since, until, direction: Optional[str] = None) -> list[Message]:
        """Every text with since <= at < until (only `direction` ones if given), oldest first."""
        wanted = (lambda m: m.get("direction") == direction) if direction else None
        return self.newest_first("messages", None, since, until, wanted, Message.from_row)[::-1]

    # --- month files (the event log uses insert and newest_first too) ------------------------

    def insert(self, kind: str, fields: dict) -> dict:
        prefix, time_key = MONTHLY[kind]
        record = plain(fields)
        record[time_key] = to_iso(record.get(time_key) or self.db.clock())
        record = {"id": new_id(prefix, from_iso(record[time_key])), **record}
        self.changed(kind, None, record)
        self.db.monthly.insert(kind, record, record[time_key][:7])
        return copy_record(record)

    def _get(self, kind: str, record_id: str) -> Optional[dict]:
        record = self.db.monthly.get(kind, record_id)
        return copy_record(record) if record is not None else None

    def _update(self, kind: str, record_id: str, fields: dict) -> None:
        fields = plain(fields)
        fields.pop("id", None)
        before = self.db.monthly.get(kind, record_id)
        if before is None:
            log.warning("%s record %s not found for update", kind, record_id)
            return
        self.changed(kind, before, fields)
        self.db.monthly.update(kind, record_id, fields)

    def newest_first(self, kind, limit, since, until, wanted, make=copy_record) -> list:
        """Records of `kind`, newest first, each handed out as `make(stored document)` (a copy
        or a record built from it)."""
        found = self.db.monthly.newest_first(kind, MONTHLY[kind][1], limit, to_iso(since),
                                             to_iso(until), wanted)
        with collector_paused():
            return [make(r) for r in found]

    @locked
    def summary_rows(self, kind: str, since, until, fields: tuple,
                     direction: Optional[str] = None) -> list[dict]:
        """Just `fields` of the calls or messages in since..until (for Results): much cheaper
        than whole records when months of them are counted, and old months read for this are
        not kept parsed. `direction`: "in", "out", or a test of the whole record."""
        wanted = direction if callable(direction) else \
            (lambda m: m.get("direction") == direction) if direction else None
        return self.db.monthly.newest_first(
            kind, MONTHLY[kind][1], None, to_iso(since), to_iso(until), wanted,
            project=lambda r: {k: r.get(k) for k in fields}, keep=False)

    def _summarise(self, msg: dict, extra: Optional[dict] = None) -> None:
        contact = self.db.contacts.get(msg["number"]) or {}
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
            self.contacts.update_contact(msg["number"], **fields)


def _at(msg: dict) -> str:
    return msg.get("at", "")
