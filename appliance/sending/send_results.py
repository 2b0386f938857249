"""Recording what became of a text: on its message, on the call it answered, in the event log.

The sender only moves outbox items; the service records the outcome here (and recovery does
the same at start-up for results a crash left unrecorded), so calls and conversations are only
ever written by one thread.
"""
from __future__ import annotations

import logging

from appliance.core import box_events
from appliance.core.clock import utc_now
from appliance.core.records import OutboxItem
from appliance.sending.text_records import TextRecords

log = logging.getLogger(__name__)

UNCONFIRMED = ("The modem did not confirm this text; it may have gone. Not resent, so nobody "
               "gets it twice.")


class SendResults:
    """Writes a send's outcome onto the message and call, then lets the outbox item go."""

    def __init__(self, store, outbox, notify=lambda event: None,
                 clock=utc_now):
        self.store = store
        self.outbox = outbox
        self.notify = notify            # box events out (MQTT, webhooks); never blocks
        self.clock = clock
        self.records = TextRecords(store)

    def sent(self, item: OutboxItem, references) -> None:
        references = list(references or item.references or [])
        recorded = self.records.write(item)
        self._message(item, status="sent", references=references,
                      reference=references[0] if references else None, error=None)
        self._call(item, "texted")
        self._finish(item, recorded)
        self.notify(box_events.text_back_finished(item, "sent", self.clock()))

    def failed(self, item: OutboxItem, reason: str, gave_up: bool) -> None:
        if not gave_up:
            self._message(item, status="queued", error=reason)
            return
        self._message(item, status="failed", error=reason)
        self._call(item, "failed")
        self.store.log_event("send", f"Gave up on the text to {item.to}: {reason}",
                             level="error")
        self.notify(box_events.text_back_finished(item, "failed", self.clock(), reason))

    def unconfirmed(self, item: OutboxItem, reason: str) -> None:
        self._message(item, status="unconfirmed", error=UNCONFIRMED)
        self._call(item, "unconfirmed")
        self.store.log_event("send", f"Text to {item.to} not confirmed by the modem "
                             f"({reason}); not resent", level="warn")
        self.notify(box_events.text_back_finished(item, "unconfirmed", self.clock(), reason))

    def cancelled(self, item: OutboxItem, reason: str) -> None:
        self._message(item, status="failed", error=reason)
        self._call(item, "opted_out")
        self._finish(item, self.records.write(item))

    def recover(self, before: dict) -> None:
        """At start-up, after the records (`records.recover`) and the outbox's own recovery:
        record what became of each text that a crash left unrecorded. `before` maps item ids
        to their status before that recovery. Idempotent: run twice, it writes nothing twice."""
        for item in self.outbox.items():
            was = before.get(item.id)
            if item.status == "sent":
                self.sent(item, item.references)
            elif item.status == "cancelled":
                self.cancelled(item, "Not sent: the customer texted STOP.")
            elif was == "submitting" and item.status == "unconfirmed":
                self.unconfirmed(item, "the box restarted while the modem was sending")

    def _finish(self, item: OutboxItem, recorded: bool) -> None:
        """The item leaves the outbox only once its records are stored: until then it is what
        keeps the caller's cooldown (the policy reads the outbox too)."""
        if recorded:
            self.outbox.finish(item.id)

    def _message(self, item: OutboxItem, **fields) -> None:
        if item.message_id:
            self.store.update_message(item.message_id, **fields)

    def _call(self, item: OutboxItem, outcome: str) -> None:
        if item.call_id and item.kind == "textback":
            self.store.update_call(item.call_id, outcome=outcome)
