"""Queueing a text: one place that records the outgoing message and puts it in the outbox.

Every text the box sends (text-backs, manual replies, keyword confirmations, owner forwards and
alerts, status reports) goes through `queue_text`, so all of them are durable before the sender
sees them and all of them show up in the conversation with their delivery status.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

from appliance.domain import SendText

log = logging.getLogger(__name__)


class Outgoing:
    """Records and queues outgoing texts; `wake` nudges the sender thread."""

    def __init__(self, store, outbox, wake: Callable[[], None] = lambda: None):
        self.store = store
        self.outbox = outbox
        self.wake = wake

    def queue_text(self, command: SendText, now: datetime) -> dict:
        """Store the message as `queued`, put it in the outbox, wake the sender; return the message."""
        message = self.store.add_message({
            "number": command.to,
            "direction": "out",
            "text": command.text,
            "at": now,
            "status": "queued",
            "kind": command.kind,
            "call_id": command.call_id,
        })
        self.outbox.queue(command, now, message["id"])
        log.info("queued %s text %s to %s", command.kind, message["id"], command.to)
        self.wake()
        return message

