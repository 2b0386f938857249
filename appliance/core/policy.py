"""Whether a missed caller gets a text-back, and which one.

The reasons not to text are checked in a fixed order, and the first that applies is the call's
outcome (shown on the page): withheld, the shop's own numbers (business_line, own_number,
owner_phone), invalid_number, short_code, premium, service_number, foreign, excluded, opted_out,
paused, active_conversation, cooldown, daily_cap, box_cap.
Otherwise the outcome is "text" with the message kind for `now` and the filled message. Pure:
the caller looks the history up and passes `now` in.

Caller ID is easy to fake, so a stranger can make the box text numbers that earn them money
("SMS pumping"). The destination rules and the box-wide cap (`destination_reason`,
`cap_reason`) apply to every text the box words by itself, not only text-backs.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from appliance.core import schedule, templates
from appliance.core.numbers import same_number
from appliance.core.settings import DEFAULTS, setting

# The limits' defaults are the settings' (core/settings_values.py). The box-wide cap on automatic
# texts: a shop rarely misses more than a dozen calls in an hour, while a caller-ID faker can ring
# the box every 15 seconds all day.
# Kinds of line (appliance.numbers.line_of); only a person's phone gets automatic texts.
PERSONAL, PREMIUM = "personal", "premium"


@dataclass(frozen=True)
class CallFacts:
    """What is known about the caller: E.164 number (None if withheld or not normalisable)."""
    number: Optional[str]
    raw_number: Optional[str]
    withheld: bool
    valid: bool
    short_code: bool
    forwarded: Optional[bool]
    country: Optional[str]      # ISO code of the number's country ("001": none, e.g. satellite)
    line: Optional[str]         # "personal", "premium" or "service"; None when not valid


@dataclass(frozen=True)
class NumberHistory:
    """What happened with this number before (from the store)."""
    last_textback_at: Optional[datetime]
    textbacks_today: int
    opted_out: bool
    last_inbound_at: Optional[datetime]


@dataclass(frozen=True)
class AutoTextCount:
    """How many automatic texts the whole box sent in the last hour and the last 24 hours."""
    last_hour: int
    last_day: int


@dataclass(frozen=True)
class Decision:
    """outcome "text" (with kind and text) or the reason the caller is not texted."""
    outcome: str
    kind: Optional[str] = None
    text: Optional[str] = None


# A call that arrives as one of the shop's own numbers: forwarding that replaces the caller ID
# (or the owner testing). Each is its own outcome, never texted.
OWN_LINES = ("business_line", "own_number", "owner_phone")


def business_lines(settings: dict) -> list:
    """The shop's own line(s): `business_phone` is a number or a list of them."""
    lines = settings.get("business_phone") or []
    return [lines] if isinstance(lines, str) else [n for n in lines if n]


def own_line(number: Optional[str], settings: dict, box_number: Optional[str]
             ) -> Optional[str]:
    """"business_line", "own_number" (the box's SIM) or "owner_phone" when `number` is one of
    the shop's own numbers; else None."""
    if not number:
        return None
    if any(same_number(number, line) for line in business_lines(settings)):
        return "business_line"
    if box_number and same_number(number, box_number):
        return "own_number"
    owner = settings.get("owner_phone")
    return "owner_phone" if owner and same_number(number, owner) else None


def _excluded(number: str, settings: dict) -> bool:
    return any(same_number(number, other) for other in settings.get("exclude") or [] if other)


def _setting(settings: dict, key: str):
    """Missing key -> the default; an explicit None switches the limit off."""
    return settings[key] if key in settings else DEFAULTS[key]


def _within(then: Optional[datetime], now: datetime, limit: Optional[timedelta]) -> bool:
    # abs(): a timestamp slightly in the future (clock stepped back) still counts as recent,
    # but a wildly wrong one cannot silence a number for ever.
    return bool(then and limit and abs(now - then) < limit)


def allowed_countries(settings: dict) -> set[str]:
    """The shop's own country and the ones the owner added: where automatic texts may go."""
    own = setting(settings, "region")
    return {own, *(settings.get("allowed_countries") or [])}


def destination_reason(country: Optional[str], line: Optional[str], settings: dict
                       ) -> Optional[str]:
    """Why no automatic text may go to this number: "premium" (premium rate, shared cost,
    satellite ...), "service_number" (toll-free, pager ... not a person's phone) or "foreign"
    (not one of the allowed countries); None when it may."""
    if line == PREMIUM:
        return "premium"
    if line != PERSONAL:
        return "service_number"
    if country not in allowed_countries(settings):
        return "foreign"
    return None


def cap_limits(settings: dict) -> tuple[int, int]:
    """(per hour, per day) for automatic texts from the whole box."""
    return (int(setting(settings, "auto_texts_per_hour")),
            int(setting(settings, "auto_texts_per_day")))


def cap_window(sent: Optional[AutoTextCount], settings: dict) -> Optional[str]:
    """"hour" or "day" when that cap is reached (the hour is named first), else None."""
    if sent is None:
        return None
    per_hour, per_day = cap_limits(settings)
    if sent.last_hour >= per_hour:
        return "hour"
    if sent.last_day >= per_day:
        return "day"
    return None


def _reason(call: CallFacts, settings: dict, history: NumberHistory, now: datetime,
            box_number: Optional[str], sent: Optional[AutoTextCount]) -> Optional[str]:
    if call.withheld:
        return "withheld"
    own = own_line(call.number or call.raw_number, settings, box_number)
    if own:
        return own
    if not call.valid or not call.number:
        return "invalid_number"
    if call.short_code:
        return "short_code"
    where = destination_reason(call.country, call.line, settings)
    if where:
        return where
    if _excluded(call.number, settings):
        return "excluded"
    if history.opted_out:
        return "opted_out"
    if settings.get("paused"):
        return "paused"
    hours = _setting(settings, "active_conversation_hours")
    if _within(history.last_inbound_at, now, hours and timedelta(hours=hours)):
        return "active_conversation"
    minutes = _setting(settings, "cooldown_minutes")
    if _within(history.last_textback_at, now, minutes and timedelta(minutes=minutes)):
        return "cooldown"
    cap = _setting(settings, "daily_cap")
    if cap is not None and history.textbacks_today >= cap:
        return "daily_cap"
    return "box_cap" if cap_window(sent, settings) else None


reason_not_to_text = _reason     # every automatic text's rules (core/first_text.py uses them)


def message_text(kind: str, settings: dict) -> str:
    """The filled message of `kind`; the default when the owner's is blank or fills to nothing."""
    default = templates.DEFAULT_MESSAGES.get(kind) or templates.LATER_MESSAGES.get(kind) \
        or templates.DEFAULT_MESSAGES["business_hours"]
    own = str((settings.get("messages") or {}).get(kind) or "")
    text = templates.fill(own, settings) if own.strip() else ""
    return text or templates.fill(default, settings)


def decide(call: CallFacts, settings: dict, history: NumberHistory, now: datetime,
           box_number: Optional[str] = None, sent: Optional[AutoTextCount] = None) -> Decision:
    """Text this missed caller, or say why not. `sent`: the box's automatic texts lately (for
    the box-wide cap; None leaves the cap out)."""
    reason = _reason(call, settings, history, now, box_number, sent)
    if reason:
        return Decision(reason)
    kind = schedule.message_kind(settings, now, direct=(call.forwarded is False))
    return Decision("text", kind=kind, text=message_text(kind, settings))
