"""Acknowledging a new customer's first text (core/first_text.py decides whether).

Runs on the service thread, after the text is stored and the customer's usual handling (STOP,
forward to the owner). The acknowledgement is an automatic text: it is counted for the box-wide
cap (sending/auto_texts.py) and starts the same cooldown and daily count as a text-back
(core/contact_history.py), so a call right after it is not texted again.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

from appliance.core import contact_history, first_text, numbers, policy
from appliance.core.domain import SendText

log = logging.getLogger(__name__)


def _facts(number: str) -> policy.CallFacts:
    """The sender as the automatic-text rules see a caller."""
    line = numbers.line_of(number)
    return policy.CallFacts(number=number, raw_number=number, withheld=False,
                            valid=line is not None, short_code=False, forwarded=None,
                            country=line and line.country, line=line and line.kind)


class FirstTextReply:
    """Sends the first-text acknowledgement when the rules allow it."""

    def __init__(self, store, outgoing, auto_texts=None,
                 box_number: Callable[[], object] = lambda: None):
        self.store = store
        self.outgoing = outgoing
        self.auto_texts = auto_texts
        self.box_number = box_number

    def answer(self, number: str, settings, now: datetime) -> None:
        today = contact_history.shop_date(settings, now)
        contact = self.store.contact(number)
        sent = self.auto_texts.count(now) if self.auto_texts else None
        decision = first_text.decide(_facts(number), settings,
                                     contact_history.history_of(contact, today), now,
                                     box_number=self.box_number(), sent=sent)
        if decision.outcome != "text":
            log.info("first text from %s not acknowledged: %s", number, decision.outcome)
            if decision.outcome == "box_cap":
                self.auto_texts.stopped(settings, now)
            return
        self.outgoing.queue_text(
            SendText(to=number, text=decision.text, kind=first_text.KIND), now,
            contact_fields=contact_history.automatic_text_fields(contact, today, now,
                                                                 "texted the business"))
        if self.auto_texts:
            self.auto_texts.sent(now)
            self.auto_texts.passed(now)
