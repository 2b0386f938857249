"""What an outbox item carries so that nothing about a text is lost: its message, the call it
answers and the caller's contact changes (cooldown, daily count, consent).

The outbox write is the only write before the modem gets a text-back (anything more would slow
it down), so a crash right after it, or a full disk refusing the records after it, must not lose
the call or let the caller be texted twice: the item holds the records, and `write` puts them in
the store. It runs on the hot path just after the outbox write (`fresh`), again before an item
leaves the outbox (a full disk may have refused them the first time) and at start-up for every
item. It is idempotent: a record already stored is not written again, and the contact's
counters are merged (the larger count, the later time), never added twice.
"""
from __future__ import annotations

import logging
from typing import Optional

from appliance.core.records import Contact, OutboxItem
from appliance.core.stamps import from_iso

log = logging.getLogger(__name__)


class TextRecords:
    """Writes an outbox item's records into the store, once."""

    def __init__(self, store):
        self.store = store

    def write(self, item: OutboxItem, fresh: bool = False) -> bool:
        """Store what `item` carries that is not stored yet; False when the store refused
        (the item keeps the records for the next try). `fresh`: just queued, nothing of it
        can be stored yet (the hot path skips the look-ups)."""
        records = item.records or {}
        message, call = records.get("message"), records.get("call")
        try:
            if message and (fresh or self.store.get_message(message["id"]) is None):
                contact = records.get("contact")
                if contact and not fresh:
                    contact = self._merged(message["number"], contact)
                self.store.add_message(message, contact_fields=contact)
            if call and (fresh or self.store.get_call(call["id"]) is None):
                self.store.add_call(call)
        except OSError as error:      # the storage card is full: the outbox keeps them
            log.error("text %s to %s: its records wait in the outbox (%s)",
                      item.id, item.to, error)
            return False
        return True

    def recover(self, items: list[OutboxItem]) -> int:
        """At start-up, before anything else is decided: write every item's missing records.
        Returns how many items had something written."""
        written = 0
        for item in items:
            if self._missing(item):
                log.warning("text %s to %s: recording its %s after a restart", item.id,
                            item.to, " and ".join(self._missing(item)))
                written += self.write(item)
        return written

    def _missing(self, item: OutboxItem) -> list[str]:
        records = item.records or {}
        missing = []
        if records.get("call") and self.store.get_call(records["call"]["id"]) is None:
            missing.append("call")
        if records.get("message") and self.store.get_message(records["message"]["id"]) is None:
            missing.append("message")
        return missing

    def _merged(self, number: str, fields: dict) -> dict:
        """The carried contact changes over what is stored now: a later text-back time and a
        larger day count win, so writing twice counts once."""
        stored = self.store.contact(number) or Contact(number=number)
        merged = dict(fields)
        if _later(stored.last_textback_at, fields.get("last_textback_at")):
            merged["last_textback_at"] = stored.last_textback_at
        by_day = dict(stored.textbacks_by_day or {})
        for day, count in (fields.get("textbacks_by_day") or {}).items():
            by_day[day] = max(int(by_day.get(day, 0)), int(count))
        merged["textbacks_by_day"] = by_day
        if stored.consent:
            merged["consent"] = stored.consent
        return merged


def _later(a: Optional[str], b: Optional[str]) -> bool:
    """Timestamp `a` is after `b` (either may be missing)."""
    return bool(a) and (not b or from_iso(a) > from_iso(b))
