"""The texts sent hours later: the follow-up after a text-back nobody answered, and the review
request after a booked job. Which planned text is due, which waits, which is dropped and why.

Pure: the service hands in each planned text, what is known about its number and `now`; nothing
here keeps a timer. A planned text is {"kind": "follow_up"|"review_request", "number", "since"}:
`since` is the text-back's time (follow-up) or the booking's (review request).

When (both kinds): `after_hours` after `since`, inside opening hours only: not on a listed
holiday, not while away mode is on, not while paused. One that falls due at night waits for the
next opening. One that could not go out within LATE_LIMIT of falling due is dropped ("too_late"):
a normal weekend (Friday 17:00 to Monday 08:00) is 63 hours, so a Friday follow-up still goes on
Monday morning; after a week away or a box switched off for days the customer has long since
found someone else, and a "still need a hand?" out of the blue reads like spam.

Never (dropped, each its own reason): the feature was switched off, the number said STOP or is on
the never-text list; a follow-up also when the caller texted or called again after the
text-back, the owner texted them himself since, or the text-back itself failed; a review request when the job was unbooked (or booked
again: that booking has its own request), when the number got one in the last REVIEW_EVERY, or
when there is no review link to send.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Optional

from appliance.core import schedule
from appliance.core.numbers import same_number

FOLLOW_UP, REVIEW_REQUEST = "follow_up", "review_request"
KINDS = (FOLLOW_UP, REVIEW_REQUEST)
LATE_LIMIT = timedelta(hours=72)
REVIEW_EVERY = timedelta(days=90)
SEND, WAIT, DROP = "send", "wait", "drop"
FAILED_TEXTBACK = ("failed", "cancelled", "unconfirmed")
WAITING_TEXTBACK = ("queued", "sending", "submitting")


@dataclass(frozen=True)
class NumberFacts:
    """What the store knows about the planned text's number now."""
    opted_out: bool = False
    last_inbound_at: Optional[datetime] = None    # the customer's latest text
    last_call_at: Optional[datetime] = None       # their latest call to the box
    last_owner_text_at: Optional[datetime] = None  # the owner's latest own text to them
    textback_status: Optional[str] = None         # the followed-up text-back's status
    booked_at: Optional[datetime] = None          # the contact's booking, None if not booked
    last_review_at: Optional[datetime] = None     # the last review request they were sent


@dataclass(frozen=True)
class Verdict:
    """SEND now, WAIT (until `at`, when known) or DROP (`reason` says why)."""
    action: str
    reason: Optional[str] = None
    at: Optional[datetime] = None


def options(settings: dict, kind: str) -> dict:
    """{"on", "after_hours"} of the kind (settings "follow_up" / "review_request")."""
    return dict(settings.get(kind) or {})


def due_at(settings: dict, kind: str, since: datetime) -> datetime:
    return since + timedelta(hours=float(options(settings, kind).get("after_hours") or 0))


def may_send(settings: dict, now: datetime) -> bool:
    """Inside opening hours, not on a holiday, not away, not paused."""
    return (schedule.is_open(settings, now) and not schedule.is_holiday(settings, now)
            and not schedule.away_active(settings, now) and not settings.get("paused"))


def next_opening(settings: dict, after: datetime, until: datetime) -> Optional[datetime]:
    """The first moment from `after` on (up to `until`) when may_send is true (paused aside:
    a pause has no planned end). None when there is none."""
    calm = {**settings, "paused": False}
    if may_send(calm, after):
        return after
    zone = schedule.shop_zone(settings)
    first = schedule.shop_time(settings, after).date() - timedelta(days=1)
    for offset in range((until - after).days + 3):
        day = first + timedelta(days=offset)
        # An opening starts at a range's start, or at midnight when a holiday or away ends.
        for minutes in sorted({0, *schedule.opening_starts(settings, day)}):
            moment = datetime.combine(day, time(minutes // 60, minutes % 60), zone)
            if after < moment <= until and may_send(calm, moment):
                return moment
    return None


def decide(planned: dict, facts: NumberFacts, settings: dict, now: datetime) -> Verdict:
    """What to do with one planned text at `now`."""
    since = planned["since"]
    reason = _never(planned, facts, settings)
    if reason:
        return Verdict(DROP, reason)
    if planned["kind"] == FOLLOW_UP and facts.textback_status in WAITING_TEXTBACK:
        return Verdict(WAIT)        # the text-back has not left yet
    due = due_at(settings, planned["kind"], since)
    if now < due:
        return Verdict(WAIT, at=next_opening(settings, due, due + LATE_LIMIT))
    if now > due + LATE_LIMIT:
        return Verdict(DROP, "too_late")
    if settings.get("paused"):
        return Verdict(WAIT, "paused")      # no planned end: until it is too late
    if may_send(settings, now):
        return Verdict(SEND)
    at = next_opening(settings, now, due + LATE_LIMIT)
    return Verdict(WAIT, at=at) if at else Verdict(DROP, "too_late")


def _never(planned: dict, facts: NumberFacts, settings: dict) -> Optional[str]:
    kind, since, number = planned["kind"], planned["since"], planned["number"]
    if not options(settings, kind).get("on"):
        return "switched_off"
    if facts.opted_out:
        return "opted_out"
    if any(same_number(number, other) for other in settings.get("exclude") or []):
        return "excluded"
    if kind == FOLLOW_UP:
        return _follow_up_reason(since, facts)
    return _review_reason(since, facts, settings)


def _follow_up_reason(since: datetime, facts: NumberFacts) -> Optional[str]:
    if facts.last_inbound_at and facts.last_inbound_at > since:
        return "replied"
    if facts.last_call_at and facts.last_call_at > since:
        return "called_again"
    if facts.last_owner_text_at and facts.last_owner_text_at > since:
        return "owner_texted"       # the owner is on it: no robot text in between
    if facts.textback_status in FAILED_TEXTBACK:
        return "textback_failed"
    return None


def _review_reason(since: datetime, facts: NumberFacts, settings: dict) -> Optional[str]:
    if facts.booked_at is None or abs(facts.booked_at - since) > timedelta(seconds=1):
        return "unbooked"
    if facts.last_review_at and facts.last_review_at > since - REVIEW_EVERY:
        return "asked_recently"
    if not str(settings.get("review_link") or "").strip():
        return "no_review_link"
    return None


def review_candidates(booked: list[dict], settings: dict, now: datetime) -> list[tuple]:
    """(number, booked_at) of the bookings a review request may still be planned for: marked
    within after_hours + LATE_LIMIT of `now`. `booked`: contact summaries with booked_at."""
    if not options(settings, REVIEW_REQUEST).get("on"):
        return []
    reach = timedelta(hours=float(options(settings, REVIEW_REQUEST).get("after_hours") or 0))
    found = []
    for contact in booked:
        at = contact.get("booked_at")
        at = datetime.fromisoformat(at) if isinstance(at, str) else at
        if contact.get("booked") and at and now - (reach + LATE_LIMIT) <= at <= now:
            found.append((contact["number"], at))
    return found
