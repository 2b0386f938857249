"""The store's contacts: one per number, with its conversation summary (contacts.py keeps them
in shards, with an index in memory for the lists). A table of the store's `Database`.
"""
from __future__ import annotations

from typing import Optional

from appliance.core.records import Contact
from appliance.storage.contacts import decode_cursor, encode_cursor
from appliance.storage.monthly import copy_record, plain
from appliance.storage.database import Database, locked

CONTACT_DEFAULTS = {"last_at": None, "last_text": None, "last_direction": None, "unread": 0,
                    "opted_out": False, "booked": False, "job_value": None, "tag": None,
                    "name": None, "last_textback_at": None, "textbacks_by_day": {},
                    "last_inbound_at": None, "consent": [], "months": []}
TEXTBACK_DAYS_KEPT = 7


class ContactTable:
    """Contacts and the conversation list."""

    def __init__(self, db: Database):
        self.db = db

    @locked
    def contact(self, number: str) -> Optional[Contact]:
        doc = self.db.contacts.get(number)
        return Contact.from_row(doc) if doc is not None else None

    @locked
    def update_contact(self, number: str, **fields) -> Contact:
        """Change (or create) the contact for `number`; returns the whole contact."""
        fields = plain(fields)
        fields.pop("number", None)
        if isinstance(fields.get("textbacks_by_day"), dict):
            days = sorted(fields["textbacks_by_day"].items())[-TEXTBACK_DAYS_KEPT:]
            fields["textbacks_by_day"] = dict(days)
        stored = self.db.contacts.put(number, fields, copy_record(CONTACT_DEFAULTS))
        if "opted_out" in fields:
            self.db.journal.sync()     # a STOP is honoured even after a power cut
        return Contact.from_row(stored)

    @locked
    def contacts(self, search: Optional[str] = None, limit: Optional[int] = None,
                 skip: tuple = ()) -> list[Contact]:
        """Whole contacts, newest activity first (the first `limit`; numbers in `skip` left
        out); `search` matches number, name, tag, last text. Each one opens its contact file:
        lists should use conversation_page instead."""
        found = []
        for summary in self.db.contacts.summaries(search, skip):
            if limit is not None and len(found) >= limit:
                break
            found.append(Contact.from_row(self.db.contacts.get(summary["number"])))
        return found

    @locked
    def conversation_page(self, limit: int = 50, before: Optional[str] = None,
                          search: Optional[str] = None,
                          skip: tuple = ()) -> tuple[list[dict], Optional[str]]:
        """(conversation summaries newest first, the cursor of the next page or None).
        Only contacts that have texted or been texted are conversations. `before` is a cursor
        from an earlier page; ValueError when it is not one."""
        after = decode_cursor(before) if before else None
        page = []
        for summary in self.db.contacts.summaries(search, skip, after):
            if not summary.get("last_at"):
                break                        # the rest never had a text
            if len(page) == limit:
                return page, encode_cursor(page[-1])
            page.append(dict(summary))
        return page, None

    @locked
    def unread_total(self) -> int:
        """Unread texts over all conversations (for the status line and the LED), cheaply."""
        return self.db.contacts.unread_total()

    @locked
    def booked_contacts(self) -> list[dict]:
        """The summaries (number, booked, booked_at, job_value, ...) of contacts marked booked,
        for Results; no contact file is opened."""
        return [dict(s) for s in self.db.contacts.all_summaries() if s.get("booked")]

    @locked
    def tags(self) -> list[str]:
        """Every relay tag in use (the owner answers "K7 ..."), most recent conversation
        first; no contact file is opened."""
        return [s["tag"] for s in self.db.contacts.summaries() if s.get("tag")]

    @locked
    def contact_by_tag(self, tag: str) -> Optional[Contact]:
        wanted = (tag or "").strip().lower()
        for summary in self.db.contacts.all_summaries():
            if wanted and str(summary.get("tag") or "").lower() == wanted:
                return Contact.from_row(self.db.contacts.get(summary["number"]))
        return None
