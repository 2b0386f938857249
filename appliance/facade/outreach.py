"""The owner starting a conversation, a customer's consent history, and the texts from the
network (not customers), as the page and the API see them.

A mixin of the facade `Box` (box.py): it reads through the store and queues texts on the service
thread through `service.call`, like every other change the page makes. A text the owner starts is
the owner's own words, not an automatic text: the destination rules and the box-wide cap do not
apply, but a number that texted STOP is never texted until it texts START.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from appliance.core import incoming, numbers
from appliance.core.domain import SendText, ValidationError
from appliance.core.records import Message
from appliance.core.segments import REPLY_MAX_CHARS

log = logging.getLogger(__name__)

CONSENT_EVENTS = ("opted_in", "opted_out")
NETWORK_DAYS = timedelta(days=60)


class Outreach:
    """New conversations started by the owner, and who agreed to be texted when."""

    store: object
    service: object
    outgoing: object
    clock: object

    def start_conversation(self, number, text) -> Message:
        """Text `number` (any common form; national numbers read in the shop's country) with
        the owner's `text`; return the queued message (with its E.164 "number"). Raises
        ValidationError naming "number" or "text"."""
        errors = {}
        e164 = None
        try:
            e164 = numbers.normalise_user_input(number if isinstance(number, str) else "",
                                                self.store.settings().region)
        except ValidationError as problem:
            errors.update(problem.errors)
        errors.update(_text_problem(text))
        if errors:
            raise ValidationError(errors)
        if e164 == self.store.settings().get("owner_phone"):
            raise ValidationError({"number": "this is your own mobile; text a customer"})
        contact = self.store.contact(e164)
        if contact and contact.opted_out:
            raise ValidationError({"number": "this customer texted STOP; they can't be texted "
                                             "until they text START"})
        log.info("the owner starts a conversation with %s", e164)
        return self.service.call(lambda: self.outgoing.queue_text(
            SendText(to=e164, text=text.strip(), kind="reply"), self.clock()))

    def network_texts(self, limit: int = 100) -> list:
        """The "From the network" list (the carrier's and services' texts, receiving/
        network_texts.py) of the last NETWORK_DAYS, newest first: [{"id", "sender", "label",
        "label_text", "text", "at"}]."""
        now = self.clock()
        found = [m for m in self.store.messages_between(now - NETWORK_DAYS, now + timedelta(days=1),
                                                        direction="in")
                 if m.kind == "network"]
        return [{"id": m.id, "sender": m.sender, "label": m.label,
                 "label_text": incoming.NETWORK_LABELS.get(m.label, "From the network"),
                 "text": m.text, "at": m.at} for m in reversed(found)][:limit]

    def consent_history(self, number: str) -> list:
        """When `number` agreed to texts or opted out, oldest first: [{"at", "event" (opted_in
        | opted_out), "how"}]; [] for a number the box does not know."""
        contact = self.store.contact(number)
        return [{"at": item.get("at"), "event": item.get("event"), "how": item.get("how")}
                for item in (contact.consent if contact else None) or []
                if isinstance(item, dict) and item.get("event") in CONSENT_EVENTS]


def _text_problem(text) -> dict:
    if not isinstance(text, str) or not text.strip():
        return {"text": "write the text to send"}
    if len(text) > REPLY_MAX_CHARS:
        return {"text": f"the message is too long ({REPLY_MAX_CHARS} characters at most)"}
    return {}
