"""Noticing that forwarding replaces the caller's number with the shop's own.

Some forwarding (and most "simultaneous ring" services) passes the call on showing the business
line, the forwarding phone or the box's own number instead of the caller's. Each such call is
logged with its own outcome (policy.OWN_LINES) and never texted; after two in a row the owner
gets ONE text and the page a notice saying what to ask the carrier. A call that brings a
customer's number again ends it. The count and the notice live in the box state, so a restart
neither forgets nor repeats them. Runs on the service thread.
"""
from __future__ import annotations

import logging
from datetime import datetime

from appliance.core import numbers, policy
from appliance.core.caller_id import (IN_A_ROW, NOTICE_KEY, STREAK_KEY, notice_text,
                                      owner_text)
from appliance.core.domain import SendText
from appliance.core.records import Call
from appliance.core.stamps import to_iso

log = logging.getLogger(__name__)


class CallerIdWatch:
    """Counts calls in a row that arrive as the shop's own number; tells the owner once."""

    def __init__(self, store, outgoing):
        self.store = store
        self.outgoing = outgoing

    def call_logged(self, call: Call, settings, now: datetime) -> None:
        """After each missed call is logged with its outcome."""
        outcome = call.outcome
        state = self.store.box_state()
        if outcome == "withheld":
            return                      # says nothing about forwarding either way
        if outcome not in policy.OWN_LINES:
            if state.get(STREAK_KEY) or state.get(NOTICE_KEY):
                self.store.update_box_state(**{STREAK_KEY: 0, NOTICE_KEY: None})
                if state.get(NOTICE_KEY):
                    self.store.log_event("caller_id", "A caller's own number came through "
                                         "again: forwarding keeps the caller ID now")
            return
        streak = int(state.get(STREAK_KEY) or 0) + 1
        self.store.update_box_state(**{STREAK_KEY: streak})
        if streak >= IN_A_ROW and not state.get(NOTICE_KEY):
            self._tell_owner(call, settings, now)

    def _tell_owner(self, call: Call, settings, now: datetime) -> None:
        shown = numbers.display(call.number or "", settings.region)
        self.store.update_box_state(**{NOTICE_KEY: {"since": to_iso(now), "number": shown,
                                                    "outcome": call.outcome}})
        log.warning("%d calls in a row came as the shop's own number %s", IN_A_ROW, shown)
        self.store.log_event("caller_id", notice_text(call.outcome, shown), level="warn")
        owner = settings.get("owner_phone")
        if owner:
            self.outgoing.queue_text(SendText(to=owner, kind="owner",
                                              text=owner_text(call.outcome, shown)), now)
