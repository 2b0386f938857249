"""Texts from the network, not from customers: the carrier's voicemail notices, balance and
roaming messages, missed-call alerts, and anything from an alphanumeric sender or a short code
(core/incoming.py decides which). They are kept on the "From the network" list, never shown as
a conversation, never answered and never forwarded as a customer's words. A voicemail notice
tells the owner, by one text at most every VOICEMAIL_QUIET, that the box's SIM has a voicemail
(customers sometimes leave one when the box does not answer).

Runs on the service thread, after the text is stored durably (receiving/replies.py).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from appliance.core import incoming
from appliance.core.domain import SendText
from appliance.core.reassembly import Assembled
from appliance.core.records import Message
from appliance.core.stamps import from_iso, to_iso

log = logging.getLogger(__name__)

VOICEMAIL_QUIET = timedelta(hours=1)
TOLD_KEY = "voicemail_told_at"


def fields(whole: Assembled) -> dict:
    """What a network text stores besides a text's usual fields: who sent it (it has no
    conversation, so no number), what it is about and, for a voicemail notice, whether a
    voicemail is waiting."""
    return {"number": None, "sender": whole.sender,
            "label": incoming.network_label(whole.nature, whole.text),
            "voicemail_waiting": whole.facts.voicemail}


class NetworkTexts:
    """Acts on a stored network text: a voicemail notice reaches the owner."""

    def __init__(self, store, outgoing):
        self.store = store
        self.outgoing = outgoing

    def act(self, message: Message, settings, now: datetime) -> None:
        label = message.label
        log.info("text from the network (%s) from %s kept", label, message.sender)
        if label == "voicemail" and message.voicemail_waiting is not False:
            self._tell_owner(settings, now)

    def _tell_owner(self, settings, now: datetime) -> None:
        told = self.store.box_state().get(TOLD_KEY)
        if told and abs(now - from_iso(told)) < VOICEMAIL_QUIET:
            log.info("voicemail notice: the owner was told less than an hour ago")
            return
        self.store.update_box_state(**{TOLD_KEY: to_iso(now)})
        self.store.log_event("voicemail", "New voicemail on the box's SIM")
        owner = settings.get("owner_phone")
        if owner:
            self.outgoing.queue_text(SendText(to=owner, text=incoming.VOICEMAIL_TEXT,
                                              kind="owner"), now)
