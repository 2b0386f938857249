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

import gc
from contextlib import contextmanager
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Iterator, Mapping, Optional


class Record:
    """Shared by every record: from a stored document and back."""

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return _layout(cls).names

    @classmethod
    def from_row(cls, doc: Mapping[str, Any]):
        """The record a stored document describes; missing keys at their defaults, unknown
        keys kept in `extra`. It shares no list or dict with `doc` (changing one changes
        nothing stored). Lists of a year of records are built this way, so it fills the frozen
        instance directly rather than through __init__: the same result in a third of the
        time."""
        layout = _layout(cls)
        record = object.__new__(cls)
        values = record.__dict__
        values.update(layout.defaults)
        extra = {}
        for key, value in doc.items():
            if type(value) in _NESTED:
                value = _copied(value)
            if key in layout.known:
                values[key] = value
            else:
                extra[key] = value
        for name, make in layout.factories:
            if name not in doc:
                values[name] = make()
        values["extra"] = extra
        return record

    def to_row(self) -> dict:
        """The document to store: every field, then the keys kept in `extra`."""
        values = self.__dict__
        row = {name: values[name] for name in _layout(type(self)).names}
        return {**row, **{k: v for k, v in self.extra.items() if k not in row}}


@dataclass(frozen=True)
class _Layout:
    names: tuple          # the stored fields, in order (not `extra`)
    known: frozenset
    defaults: dict        # name -> default, for fields with a plain default
    factories: tuple      # (name, default_factory) for lists and dicts


@contextmanager
def collector_paused() -> Iterator[None]:
    """For building a long list of records (a year of texts). Records, unlike dicts of plain
    values, are tracked by the cyclic garbage collector, so tens of thousands of them would make
    it walk the whole heap (every parsed month file) again and again: reading a year took twice
    as long. Records hold no cycles, so nothing is lost by pausing it meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_LAYOUTS: dict = {}
_NESTED = (dict, list)


def _copied(value):
    """A deep copy of JSON data (faster than copy.deepcopy for it)."""
    if type(value) is dict:
        return {k: (_copied(v) if type(v) in _NESTED else v) for k, v in value.items()}
    return [(_copied(v) if type(v) in _NESTED else v) for v in value]


def _layout(cls) -> _Layout:
    found = _LAYOUTS.get(cls)
    if found is None:
        stored = [f for f in fields(cls) if f.name != "extra"]
        found = _LAYOUTS[cls] = _Layout(
            tuple(f.name for f in stored), frozenset(f.name for f in stored),
            {f.name: f.default for f in stored if f.default is not MISSING},
            tuple((f.name, f.default_factory) for f in stored
                  if f.default_factory is not MISSING))
    return found


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
    records: Optional[dict] = None      # what it carries until stored: {"message", "call",
    #                                     "contact"} as stored documents (sending/text_records.py)
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
    last_review_request_at: Optional[str] = None           # the last review request queued
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
    first_text: Optional[bool] = None   # in: the customer's first text (it may be answered)
    sender: Optional[str] = None        # in, from the network: who sent it (`number` is None)
    label: Optional[str] = None         # ... what it is about (voicemail, balance, roaming ...)
    voicemail_waiting: Optional[bool] = None   # ... a voicemail notice: one is waiting
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
