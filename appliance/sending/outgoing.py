"""Queueing a text: one place that records the outgoing message and puts it in the outbox.

Every text the box sends (text-backs, manual replies, keyword confirmations, owner forwards and
alerts, status reports) goes through `queue_text`, so all of them are durable before the sender
sees them and all of them show up in the conversation with their delivery status.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable, Optional

from appliance.core.domain import SendText
from appliance.core.records import Message
from appliance.core.stamps import new_id
from appliance.sending.text_records import TextRecords

log = logging.getLogger(__name__)


class Outgoing:
    """Records and queues outgoing texts; `wake` nudges the sender thread."""

    def __init__(self, store, outbox, wake: Callable[..., None] = lambda item=None: None):
        self.store = store
        self.outbox = outbox
        self.wake = wake
        self.records = TextRecords(store)

    def queue_text(self, command: SendText, now: datetime, message_id: Optional[str] = None,
                   contact_fields: Optional[dict] = None, call: Optional[dict] = None) -> Message:
        """Put the text in the outbox and wake the sender first (the only write before the modem
        gets it), then record the message as `queued` in the conversation (and `call`, the
        missed call it answers); return the message. The outbox item carries those records, so
        a crash or a full disk after the outbox write loses none of them (text_records.py).
        The sender's results reach the message through the service queue, after this."""
        message = {
            "id": message_id or new_id("m", now),
            "number": command.to,
            "direction": "out",
            "text": command.text,
            "at": now,
            "status": "queued",
            "kind": command.kind,
            "call_id": command.call_id,
        }
        item = self.outbox.queue(command, now, message["id"], records={
            "message": message, "call": call, "contact": contact_fields})
        self.wake(item)
        self.records.write(item, fresh=True)
        log.info("queued %s text %s to %s", command.kind, message["id"], command.to)
        return Message.from_row(item.records["message"])
