"""From a missed call to a queued text-back (or a logged reason why not).

Runs on the service thread. Translates the detector's CallMissed into the policy's inputs
(E.164 number, its country and kind of line, the caller's history, the box's automatic texts
lately), asks the pure policy, then records the call with its outcome and, when the answer is
"text", queues the text-back through the outbox. A text-back stopped by the box-wide cap is
reported to the owner once per trip (auto_texts.py).
"""
from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from typing import Optional

from appliance.core import box_events, contact_history, numbers, policy
from appliance.core.domain import CallMissed, SendText
from appliance.core.records import Call
from appliance.core.stamps import from_iso, new_id, to_iso
from appliance.service.caller_id_watch import CallerIdWatch

log = logging.getLogger(__name__)


class TextBack:
    """Decides and records what happens to each missed call."""

    def __init__(self, store, outgoing, auto_texts, box_number=lambda: None,
                 notify=lambda event: None, later=None):
        self.store = store
        self.outgoing = outgoing
        self.auto_texts = auto_texts
        self.box_number = box_number
        self.notify = notify            # box events out (MQTT, webhooks); never blocks
        self.later = later or NoFollowUps()   # plans the follow-up (later_texts.py)
        self.caller_id = CallerIdWatch(store, outgoing)

    def handle(self, missed: CallMissed, now: datetime) -> Call:
        settings = self.store.settings()
        missed = self._forwarding_known(missed)
        facts = call_facts(missed, settings.region)
        history = self._history(facts.number, settings, now)
        decision = policy.decide(facts, settings, history, now, box_number=self.box_number(),
                                 sent=self.auto_texts.count(now))
        record = _call_record(missed, facts.number, decision)
        if decision.outcome == "text":
            call = self._queue_textback(record, facts.number, decision.text, settings, now)
        else:
            if decision.outcome == "box_cap":    # the trip is known before the call shows
                self.auto_texts.stopped(settings, now)
            call = self._record(record)
        self.caller_id.call_logged(call, settings, now)
        self.notify(box_events.call_missed(call, now))
        log.info("missed call %s from %s: %s", call.id, facts.number or "withheld",
                 call.outcome)
        return call

    def _queue_textback(self, record: dict, number: str, text: str, settings, now: datetime
                        ) -> Call:
        """Queue the text-back carrying its call, message and contact changes: the outbox
        write is the one write before the modem gets it, and whatever happens after it (a
        crash, a full disk) the cooldown and the counts hold (text_records.py)."""
        # Ids first, so the outbox item can name them.
        record.update(id=new_id("c", record["started_at"]), outcome="queued",
                      message_id=new_id("m", now))
        self.later.textback_queued(number, record["message_id"], now)   # planned, then queued
        self.outgoing.queue_text(
            SendText(to=number, text=text, kind="textback", call_id=record["id"]),
            now, message_id=record["message_id"], call=record,
            contact_fields=self._textback_fields(number, settings, now))
        self.auto_texts.sent(now)
        self.auto_texts.passed(now)
        return self.store.get_call(record["id"]) or _unsaved(record)

    def _record(self, record: dict) -> Call:
        """Store a call that was not texted. A full storage card must not stop the service:
        the call goes to the system log (the page already says the card is full)."""
        try:
            return self.store.add_call(record)
        except OSError as error:
            log.error("missed call from %s (%s) could not be saved: %s",
                      record.get("number") or "withheld", record.get("outcome"), error)
            return _unsaved({"id": None, **record})

    def _forwarding_known(self, missed: CallMissed) -> CallMissed:
        """Once the network has marked one call as forwarded (+CSSU: 0), a call without the mark
        was dialled to the box's number directly; before that, the box cannot tell."""
        if missed.forwarded:
            if not self.store.box_state().get("network_marks_forwarded_calls"):
                self.store.update_box_state(network_marks_forwarded_calls=True)
            return missed
        if missed.forwarded is None and \
                self.store.box_state().get("network_marks_forwarded_calls"):
            return dataclasses.replace(missed, forwarded=False)
        return missed

    def _history(self, number: Optional[str], settings: dict, now: datetime) -> policy.NumberHistory:
        contact = self.store.contact(number) if number else None
        today = _shop_date(now, settings)
        history = contact_history.history_of(contact, today)
        last, unrecorded = self._in_outbox(number, settings, today)
        return dataclasses.replace(
            history, textbacks_today=history.textbacks_today + unrecorded,
            last_textback_at=max(filter(None, (history.last_textback_at, last)), default=None))

    def _in_outbox(self, number: Optional[str], settings: dict, today: str
                   ) -> tuple[Optional[datetime], int]:
        """Text-backs to `number` still in the outbox: the newest one's time, and how many of
        today's are not on the contact yet (a full disk refused their records). The outbox
        item is written before anything else, so the cooldown and the daily cap hold even
        when nothing after it could be."""
        last, unrecorded = None, 0
        for item in self.outgoing.outbox.texts_to(number, "textback") if number else ():
            at = from_iso(item.created_at)
            last = max(last, at) if last else at
            if _shop_date(at, settings) == today and \
                    self.store.get_message(item.message_id or "") is None:
                unrecorded += 1
        return last, unrecorded

    def _textback_fields(self, number: str, settings: dict, now: datetime) -> dict:
        """What a text-back changes on the caller's contact (cooldown, daily cap, consent)."""
        return contact_history.automatic_text_fields(
            self.store.contact(number), _shop_date(now, settings), now, "called the business")


class NoFollowUps:
    """A box built without follow-ups (unit tests of the text-back alone)."""

    def textback_queued(self, number: str, message_id: str, now: datetime) -> None:
        return None


def call_facts(missed: CallMissed, region: str) -> policy.CallFacts:
    """Translate the modem's raw caller ID into what the policy needs to know."""
    raw = missed.number
    withheld = not raw
    e164 = None if withheld else numbers.to_e164(raw, missed.number_type, region)
    short = bool(raw) and numbers.is_short_code(raw, region)
    line = numbers.line_of(e164)
    valid = line is not None
    # What cannot be made a valid E.164 number is kept as the modem gave it, never texted.
    number = e164 if valid else raw or None
    return policy.CallFacts(number=number, raw_number=raw, withheld=withheld, valid=valid,
                            short_code=short, forwarded=missed.forwarded,
                            country=line and line.country, line=line and line.kind)


def _unsaved(record: dict) -> Call:
    """A call the store could not take, shaped as a stored one (times as ISO strings)."""
    return Call.from_row({**record, **{key: to_iso(record[key])
                                       for key in ("started_at", "ended_at")
                                       if isinstance(record.get(key), datetime)}})


def _shop_date(now: datetime, settings: dict) -> str:
    return contact_history.shop_date(settings, now)


def _call_record(missed: CallMissed, number, decision) -> dict:
    """The call as the log keeps it, before an id is given (only a text-back needs one first)."""
    return {
        "number": number,
        "raw_number": missed.number,
        "number_type": missed.number_type,
        "started_at": missed.started_at,
        "ended_at": missed.ended_at,
        "rings": missed.rings,
        "end_code": missed.end_code,
        "forwarded": missed.forwarded,
        "outcome": decision.outcome,
        "kind": decision.kind,
        "message_id": None,
    }
