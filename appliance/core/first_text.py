"""Whether a customer's first text gets the "first text" acknowledgement. Pure.

A number with no conversation in the last QUIET days that texts the box (words, not a keyword)
gets one acknowledgement when the owner has it on (`first_text_reply`, on by default) and the
shop is closed (or `first_text_reply_in_hours`). Otherwise it obeys the rules of every automatic
text, the text-back's own (policy.reason_not_to_text): the shop's own numbers, valid personal
numbers in allowed countries only, STOP, pause, cooldown, daily cap and the box-wide cap. The
text that just arrived does not count as "an active conversation" against itself; a call right
after it does (the text-back's rule, untouched).
"""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Optional

from appliance.core import policy, schedule
from appliance.core.records import Contact
from appliance.core.stamps import from_iso

QUIET = timedelta(days=30)
KIND = "first_text"
IN_HOURS = ("business_hours", "break")


def is_first(contact_before: Optional[Contact], now: datetime) -> bool:
    """True when the number had no text either way in the QUIET days before this one."""
    last = contact_before.last_at if contact_before else None
    return not last or abs(now - from_iso(last)) >= QUIET


def decide(call: policy.CallFacts, settings, history: policy.NumberHistory, now: datetime,
           box_number: Optional[str] = None,
           sent: Optional[policy.AutoTextCount] = None) -> policy.Decision:
    """"text" with the filled first-text message, or the reason not to ("off", "open", or a
    text-back outcome word)."""
    if not settings.get("first_text_reply"):
        return policy.Decision("off")
    if schedule.message_kind(settings, now) in IN_HOURS and \
            not settings.get("first_text_reply_in_hours"):
        return policy.Decision("open")
    history = dataclasses.replace(history, last_inbound_at=None)    # this very text
    reason = policy.reason_not_to_text(call, settings, history, now, box_number, sent)
    if reason:
        return policy.Decision(reason)
    return policy.Decision("text", kind=KIND, text=policy.message_text(KIND, settings))
