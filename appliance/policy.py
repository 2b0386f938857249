"""Whether a missed caller gets a text-back, and which one.

The reasons not to text are checked in a fixed order, and the first that applies is the call's
outcome (shown on the page): withheld, invalid_number, short_code, excluded, opted_out, paused,
active_conversation, cooldown, daily_cap. Otherwise the outcome is "text" with the message kind
for `now` and the filled message. Pure: the caller looks the history up and passes `now` in.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from appliance import schedule, templates

DEFAULT_COOLDOWN_MINUTES = 720
DEFAULT_DAILY_CAP = 3
DEFAULT_ACTIVE_CONVERSATION_HOURS = 4


@dataclass(frozen=True)
class CallFacts:
    """What is known about the caller: E.164 number (None if withheld or not normalisable)."""
    number: Optional[str]
    raw_number: Optional[str]
    withheld: bool
    valid: bool
    short_code: bool
    forwarded: Optional[bool]


@dataclass(frozen=True)
class NumberHistory:
    """What happened with this number before (from the store)."""
    last_textback_at: Optional[datetime]
    textbacks_today: int
    opted_out: bool
    last_inbound_at: Optional[datetime]


@dataclass(frozen=True)
class Decision:
    """outcome "text" (with kind and text) or the reason the caller is not texted."""
    outcome: str
    kind: Optional[str] = None
    text: Optional[str] = None


def _plain(number: Optional[str]) -> str:
    """'+1 (555) 123-4567' -> '+15551234567'."""
    number = str(number or "").strip()
    digits = "".join(ch for ch in number if ch.isdigit())
    return ("+" + digits) if number.startswith("+") and digits else digits


def same_number(a: Optional[str], b: Optional[str]) -> bool:
    """Equal once formatting is gone; a national form matches the E.164 one by its tail
    ('07700 900123' ~ '+447700900123'), since settings may hold either."""
    pa, pb = _plain(a), _plain(b)
    if not pa or not pb:
        return False
    if pa == pb:
        return True
    if pa.startswith("+") == pb.startswith("+"):
        return False
    national = (pb if pa.startswith("+") else pa).lstrip("0")
    full = pa if pa.startswith("+") else pb
    return len(national) >= 7 and full.endswith(national)


def _excluded(number: str, settings: dict, box_number: Optional[str]) -> bool:
    never = list(settings.get("exclude") or []) + [settings.get("owner_phone"), box_number]
    return any(same_number(number, other) for other in never if other)


def _setting(settings: dict, key: str, default):
    """Missing key -> the default; an explicit None switches the limit off."""
    return settings[key] if key in settings else default


def _within(then: Optional[datetime], now: datetime, limit: Optional[timedelta]) -> bool:
    # abs(): a timestamp slightly in the future (clock stepped back) still counts as recent,
    # but a wildly wrong one cannot silence a number for ever.
    return bool(then and limit and abs(now - then) < limit)


def _reason(call: CallFacts, settings: dict, history: NumberHistory, now: datetime,
            box_number: Optional[str]) -> Optional[str]:
    if call.withheld:
        return "withheld"
    if not call.valid or not call.number:
        return "invalid_number"
    if call.short_code:
        return "short_code"
    if _excluded(call.number, settings, box_number):
        return "excluded"
    if history.opted_out:
        return "opted_out"
    if settings.get("paused"):
        return "paused"
    hours = _setting(settings, "active_conversation_hours", DEFAULT_ACTIVE_CONVERSATION_HOURS)
    if _within(history.last_inbound_at, now, hours and timedelta(hours=hours)):
        return "active_conversation"
    minutes = _setting(settings, "cooldown_minutes", DEFAULT_COOLDOWN_MINUTES)
    if _within(history.last_textback_at, now, minutes and timedelta(minutes=minutes)):
        return "cooldown"
    cap = _setting(settings, "daily_cap", DEFAULT_DAILY_CAP)
    if cap is not None and history.textbacks_today >= cap:
        return "daily_cap"
    return None


def message_text(kind: str, settings: dict) -> str:
    """The filled message of `kind`; the default when the owner's is blank or fills to nothing."""
    default = templates.DEFAULT_MESSAGES.get(kind) or templates.DEFAULT_MESSAGES["business_hours"]
    own = str((settings.get("messages") or {}).get(kind) or "")
    text = templates.fill(own, settings) if own.strip() else ""
    return text or templates.fill(default, settings)


def decide(call: CallFacts, settings: dict, history: NumberHistory, now: datetime,
           box_number: Optional[str] = None) -> Decision:
    """Text this missed caller, or say why not."""
    reason = _reason(call, settings, history, now, box_number)
    if reason:
        return Decision(reason)
    kind = schedule.message_kind(settings, now, direct=(call.forwarded is False))
    return Decision("text", kind=kind, text=message_text(kind, settings))
