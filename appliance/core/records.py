"""The nouns the store hands out: frozen records read by attribute (`item.status`,
`item.to`), never by key.

Each record is built from a stored document with `from_row(doc)` and written back with
`to_row()`; a change is `dataclasses.replace(record, field=value)`. The documents on disk are
unchanged by these types: same keys, same values (timestamps stay ISO-8601 UTC strings, as
they sort as text and compare with `to_iso(now)`).

Old data folders: a key a document lacks reads as the field's default (None, 0, an empty list);
a key the record does not know (written by a newer version, or by a feature that keeps its own
field) is kept in `extra` and written back by `to_row()`, so reading and saving a record never
drops what someone else stored. Reading a record like a dict (`item["to"]`, `item.get("to")`)
fails on purpose: code still written that way shows up at once instead of half-working.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Mapping, Optional


class Record:
    """Shared by every record: from a stored document and back."""

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls) if f.name != "extra")

    @classmethod
    def from_row(cls, doc: Mapping[str, Any]):
        """The record a stored document describes; missing keys at their defaults, unknown
        keys kept in `extra`."""
        names = set(cls.field_names())
        known = {k: v for k, v in doc.items() if k in names}
        extra = {k: v for k, v in doc.items() if k not in names}
        return cls(**known, extra=extra)

    def to_row(self) -> dict:
        """The document to store: every field, then the keys kept in `extra`."""
        row = {name: getattr(self, name) for name in self.field_names()}
        return {**row, **{k: v for k, v in self.extra.items() if k not in row}}


@dataclass(frozen=True)
class OutboxItem(Record):
    """A text waiting in the outbox (sending/outbox.py gives it its life)."""
    id: str = ""
    to: str = ""
    text: str = ""
    kind: Optional[str] = None          # textback, reply, owner, ...
    call_id: Optional[str] = None
    message_id: Optional[str] = None
    status: Optional[str] = None        # queued, submitting, sent, cancelled, failed, unconfirmed
    attempts: int = 0
    created_at: Optional[str] = None
    next_attempt_at: Optional[str] = None
    updated_at: Optional[str] = None
    last_error: Optional[str] = None
    references: list = field(default_factory=list)
    extra: dict = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Contact(Record):
    """One number the box has talked to: its conversation summary, consent and booking.
    `Contact(number=n)` is what an unknown number looks like."""
    number: str = ""
    last_at: Optional[str] = None
    last_text: Optional[str] = None
    last_direction: Optional[str] = None
    unread: int = 0
    opted_out: bool = False
    booked: bool = False
    booked_at: Optional[str] = None
    job_value: Optional[float] = None
    tag: Optional[str] = None
    name: Optional[str] = None
    last_textback_at: Optional[str] = None
    textbacks_by_day: dict = field(default_factory=dict)   # shop date -> text-backs that day
    last_inbound_at: Optional[str] = None
    consent: list = field(default_factory=list)            # [{at, event, how}], oldest first
    months: list = field(default_factory=list)             # months with texts, "2026-11"
    extra: dict = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Message(Record):
    """A text in a conversation, in (`direction` "in") or out ("out")."""
    id: str = ""
    number: str = ""
    direction: Optional[str] = None
    text: str = ""
    at: Optional[str] = None
    status: Optional[str] = None        # out: queued, sent, delivered, failed, unconfirmed
    kind: Optional[str] = None          # textback, reply, keyword, owner, automated, ...
    call_id: Optional[str] = None
    sent_at: Optional[str] = None       # in: the sender's time (SMSC)
    parts_missing: Optional[list] = None
    fingerprint: Optional[str] = None
    handled: Optional[bool] = None      # in: False until acted on (None: from before that)
    reference: Optional[int] = None     # out: the modem's message reference(s)
    references: Optional[list] = None
    error: Optional[str] = None
    delivered_at: Optional[str] = None
    extra: dict = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Call(Record):
    """A call nobody answered and what the box did about it (`outcome`)."""
    id: str = ""
    number: Optional[str] = None        # E.164; None when withheld
    raw_number: Optional[str] = None    # as the modem gave it
    number_type: Optional[int] = None
    started_at: Optional[str] = None
    ended_at: Optional[str] = None
    rings: Optional[int] = None
    end_code: Optional[str] = None      # NO CARRIER, declined, AT+CLCC ...
    forwarded: Optional[bool] = None
    outcome: Optional[str] = None       # queued, texted, failed, cooldown, withheld, ...
    kind: Optional[str] = None          # the message kind chosen (business_hours, weekend ...)
    message_id: Optional[str] = None
    extra: dict = field(default_factory=dict, repr=False)
