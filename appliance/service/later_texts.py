"""Follow-ups and review requests: planning them, and sending each one when it falls due.

Runs on the service thread. A follow-up is planned when a text-back is queued (`textback_queued`,
written before the text-back's outbox entry, whose synced write carries it to disk); a review
request when the check sees a booking marked lately (the contacts' index in memory). The
service's tick calls `tick(now)`; at most every `every` seconds of the box's clock it asks the
pure rules (core/follow_ups.py) about the planned texts only, and sends what is due through the
outbox like any other text, after the rules every automatic text obeys (sending/auto_texts.py:
a person's phone in an allowed country, the box-wide cap).

Sent once, never twice: an item is marked `queued` with its message id before its text goes into
the outbox. After a restart, an item marked `queued` whose text is neither stored nor in the
outbox (the box stopped between the two writes) is queued again under the same message id.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Optional

from appliance.core import follow_ups
from appliance.core.domain import SendText
from appliance.core.follow_ups import FOLLOW_UP, REVIEW_REQUEST, NumberFacts
from appliance.core.policy import message_text
from appliance.core.records import Contact
from appliance.core.stamps import from_iso, new_id

log = logging.getLogger(__name__)

EVERY = timedelta(seconds=60)
PRUNE_EVERY = timedelta(days=1)
OWNER_LOOK_BACK = 20    # the number's newest texts searched for the owner's own
WORDS = {FOLLOW_UP: "Follow-up", REVIEW_REQUEST: "Review request"}


class LaterTexts:
    """Plans follow-ups and review requests and sends them when due."""

    def __init__(self, store, outgoing, auto_texts, every: timedelta = EVERY):
        self.store = store
        self.outgoing = outgoing
        self.auto_texts = auto_texts
        self.every = every
        self._checked: Optional[datetime] = None
        self._pruned: Optional[datetime] = None
        self._recovered = False

    def textback_queued(self, number: str, message_id: str, now: datetime) -> None:
        """A text-back is about to go into the outbox: plan its follow-up (when switched on)."""
        if follow_ups.options(self.store.settings(), FOLLOW_UP).get("on"):
            self.store.plan(FOLLOW_UP, number, now, textback_id=message_id)

    def tick(self, now: datetime) -> None:
        """Check at most every `every` (a clock stepped back checks at once)."""
        if self._checked is not None and timedelta(0) <= now - self._checked < self.every:
            return
        self._checked = now
        self.check(now)

    def check(self, now: datetime) -> None:
        settings = self.store.settings()
        if not self._recovered:
            self._recovered = True
            self._recover(now)
        for number, booked_at in follow_ups.review_candidates(
                self.store.booked_contacts(), settings, now):
            self.store.plan(REVIEW_REQUEST, number, booked_at)
        for item in self.store.planned():
            self._consider(item, settings, now)
        if self._pruned is None or now - self._pruned >= PRUNE_EVERY:
            self._pruned = now
            self.store.prune_planned(now)

    def _consider(self, item: dict, settings, now: datetime) -> None:
        planned = {**item, "since": from_iso(item["since"])}
        on = follow_ups.options(settings, item["kind"]).get("on")
        if on and now < follow_ups.due_at(settings, item["kind"], planned["since"]):
            return          # not due yet: nothing to look up
        verdict = follow_ups.decide(planned, self._facts(item), settings, now)
        if verdict.action == follow_ups.DROP:
            self._drop(item, verdict.reason)
        elif verdict.action == follow_ups.SEND:
            self._send(item, settings, now)

    def _facts(self, item: dict) -> NumberFacts:
        number = item["number"]
        contact = self.store.contact(number) or Contact(number=number)
        calls = self.store.calls(limit=1, since=item["since"], number=number)
        textback = self.store.get_message(item["textback_id"]) if item.get("textback_id") \
            else None
        owner = [m.at for m in self.store.messages_for(number, limit=OWNER_LOOK_BACK)
                 if m.direction == "out" and m.kind == "reply"]
        return NumberFacts(
            opted_out=bool(contact.opted_out),
            last_inbound_at=_time(contact.last_inbound_at),
            last_call_at=_time(calls[0].started_at) if calls else None,
            last_owner_text_at=_time(max(owner)) if owner else None,
            textback_status=textback.status if textback else None,
            booked_at=_time(contact.booked_at) if contact.booked else None,
            last_review_at=_time(contact.last_review_request_at))

    def _drop(self, item: dict, reason: Optional[str]) -> None:
        self.store.update_planned(item["id"], status="dropped", reason=reason)
        log.info("%s to %s not sent: %s", item["kind"], item["number"], reason)

    def _send(self, item: dict, settings, now: datetime) -> None:
        refusal = self.auto_texts.refusal(item["number"], settings, now)
        if refusal == "box_cap":
            return          # tried again at the next check, until it is too late
        if refusal:
            self._drop(item, refusal)
            return
        message_id = new_id("m", now)
        self.store.update_planned(item["id"], status="queued", message_id=message_id,
                                  sent_at=now)
        self._queue(item, message_id, settings, now)
        self.store.log_event(item["kind"], f"{WORDS[item['kind']]} sent to {item['number']}")

    def _queue(self, item: dict, message_id: str, settings, now: datetime) -> None:
        fields = {"last_review_request_at": now.isoformat()} \
            if item["kind"] == REVIEW_REQUEST else None
        self.outgoing.queue_text(
            SendText(to=item["number"], text=message_text(item["kind"], settings),
                     kind=item["kind"]),
            now, message_id=message_id, contact_fields=fields)
        self.auto_texts.sent(now)

    def _recover(self, now: datetime) -> None:
        """Queue again what was marked queued but never reached the outbox."""
        in_outbox = {i.message_id for i in self.store.outbox_items()}
        settings = self.store.settings()
        for item in self.store.planned("queued"):
            message_id = item.get("message_id")
            if message_id in in_outbox or self.store.get_message(message_id):
                continue
            log.warning("%s to %s was not queued before the box stopped: queued now",
                        item["kind"], item["number"])
            self._queue(item, message_id, settings, now)


def _time(value) -> Optional[datetime]:
    return from_iso(value) if isinstance(value, str) and value else None
