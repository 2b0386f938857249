"""Is it worth it? The numbers of the seed article, from the shop's own calls and texts.

Pure: takes the period's calls, incoming messages and contacts and returns missed, texted,
replied, reply rate, booked, booking rate and the value recovered, per period and per day.

Everything is counted per shop-local day and adds up: a day's figures never depend on the period
asked for, so a year is the sum of its months and closed months can be kept as sums
(month_sums.py). A call counts on the day it ended; a text-back counts as replied when the
caller's first real reply after it comes before their next text-back and within REPLY_WINDOW,
and it counts on the text-back's day (the funnel of that day's missed calls). A booking counts on
the day it was marked.

Timestamps arrive as the store keeps them (ISO-8601 UTC strings, which sort as text), so a
record's shop-local day is found by comparing its string with each day's UTC start: a year of
calls and texts is counted without converting tens of thousands of timestamps.
"""
from __future__ import annotations

import bisect
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Callable, Iterable, Optional

TEXTED = ("texted", "unconfirmed")
REPLY_WINDOW = timedelta(days=7)
MISSED, TEXTED_BACK, REPLIED = 0, 1, 2
# The texts sent hours later (core/follow_ups.py): counted on the day they were queued, unless
# they failed; a follow-up counts as answered like a text-back (first reply before the number's
# next follow-up, within REPLY_WINDOW).
FOLLOW_UPS, FOLLOW_UP_REPLIES, REVIEW_REQUESTS = 3, 4, 5
COUNTS = 6                      # the length of a day's counts
LATER_KINDS = ("follow_up", "review_request")
NOT_SENT = ("failed", "cancelled")


def _iso(value) -> str:
    """A timestamp as the store writes it (aware datetimes and ISO strings both accepted)."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="microseconds")
    if value.endswith("+00:00") and len(value) == 32:
        return value
    return _iso(datetime.fromisoformat(value))


def day_finder(start: date, end: date, zone: tzinfo) -> Callable[[str], Optional[date]]:
    """A function from a UTC ISO timestamp to its shop-local day in start..end, else None."""
    days = [start + timedelta(days=i) for i in range((end - start).days + 2)]
    edges = [_iso(datetime.combine(day, datetime.min.time(), zone)) for day in days]

    def find(stamp: str) -> Optional[date]:
        position = bisect.bisect_right(edges, stamp) - 1
        return days[position] if 0 <= position < len(days) - 1 else None
    return find


def day_counts(calls: Iterable[dict], inbound: Iterable[dict], start: date, end: date,
               zone: tzinfo, later: Iterable[dict] = ()) -> dict[date, list[int]]:
    """{day: [missed, texted, replied, follow-ups, replies after one, review requests]} for the
    shop-local days start..end. `calls`, `inbound` and `later` (the follow-ups and review
    requests) should reach REPLY_WINDOW past the end (later text-backs and replies decide
    whether the period's texts were answered); only the period's own are counted."""
    day_of = day_finder(start, end, zone)
    days = {start + timedelta(days=i): [0] * COUNTS for i in range((end - start).days + 1)}
    inbound = list(inbound)
    _count_later(later, inbound, days, day_of)
    textbacks: dict[str, list[str]] = {}
    for call in calls:
        ended = _iso(call.get("ended_at") or call["started_at"])
        texted = call.get("outcome") in TEXTED and call.get("number")
        if texted:
            textbacks.setdefault(call["number"], []).append(ended)
        day = day_of(ended)
        if day is not None:
            days[day][MISSED] += 1
            days[day][TEXTED_BACK] += 1 if texted else 0
    for day in _answered(textbacks, inbound, day_of):
        days[day][REPLIED] += 1
    return days


def _count_later(later: Iterable[dict], inbound: list, days: dict, day_of) -> None:
    follow_ups: dict[str, list[str]] = {}
    for message in later:
        if message.get("status") in NOT_SENT or message.get("kind") not in LATER_KINDS:
            continue
        at = _iso(message["at"])
        if message["kind"] == "follow_up":
            follow_ups.setdefault(message["number"], []).append(at)
        day = day_of(at)
        if day is not None:
            days[day][FOLLOW_UPS if message["kind"] == "follow_up" else REVIEW_REQUESTS] += 1
    for day in _answered(follow_ups, inbound, day_of):
        days[day][FOLLOW_UP_REPLIES] += 1


def _answered(sent_by_number: dict[str, list[str]], inbound: list, day_of) -> list[date]:
    """The days of the texts answered: a reply came before the number's next such text and
    within REPLY_WINDOW."""
    replies: dict[str, list[str]] = {}
    for message in inbound:
        if message.get("number") in sent_by_number:
            replies.setdefault(message["number"], []).append(_iso(message["at"]))
    found = []
    for number, sent in sent_by_number.items():
        answered = sorted(replies.get(number, ()))
        sent.sort()
        for position, at in enumerate(sent):
            day = day_of(at)
            if day is None or not answered:
                continue
            limit = _iso(datetime.fromisoformat(at) + REPLY_WINDOW)
            if position + 1 < len(sent):
                limit = min(limit, sent[position + 1])
            first = bisect.bisect_left(answered, at)
            if first < len(answered) and answered[first] < limit:
                found.append(day)
    return found


def summarise(calls: Iterable[dict], inbound: Iterable[dict], contacts: Iterable[dict],
              start: date, end: date, zone: tzinfo, average_job_value: float) -> dict:
    """Counts for the shop-local days start..end (inclusive)."""
    return totals(day_counts(calls, inbound, start, end, zone), contacts, start, end, zone,
                  average_job_value)


def totals(counts: dict[date, list[int]], contacts: Iterable[dict], start: date, end: date,
           zone: tzinfo, average_job_value: float) -> dict:
    """The period's figures from its day counts and the booked contacts."""
    day_of = day_finder(start, end, zone)
    days = {day: {"missed": c[MISSED], "texted": c[TEXTED_BACK], "replied": c[REPLIED],
                  "booked": 0, **_later_of(c)} for day, c in counts.items()}
    booked_value, booked = 0.0, 0
    for contact in contacts:
        day = day_of(_iso(contact["booked_at"])) if contact.get("booked") and \
            contact.get("booked_at") else None
        if day is not None and day in days:
            days[day]["booked"] += 1
            booked += 1
            booked_value += float(contact.get("job_value") or 0)
    return _totals(days, booked, booked_value, average_job_value)


def _later_of(counts: list) -> dict:
    counts = list(counts) + [0] * (COUNTS - len(counts))
    return {"follow_ups": counts[FOLLOW_UPS], "follow_up_replies": counts[FOLLOW_UP_REPLIES],
            "review_requests": counts[REVIEW_REQUESTS]}


def _totals(days: dict, booked: int, booked_value: float, average: float) -> dict:
    missed = sum(v["missed"] for v in days.values())
    texted = sum(v["texted"] for v in days.values())
    replied = sum(v["replied"] for v in days.values())
    estimated = replied * float(average)
    return {
        "missed": missed,
        "texted": texted,
        "replied": replied,
        "reply_rate": round(replied / texted, 3) if texted else 0.0,
        "booked": booked,
        "booking_rate": round(booked / replied, 3) if replied else 0.0,
        "revenue": round(booked_value, 2),
        "estimated_value": round(estimated, 2),
        "value_recovered": round(booked_value if booked else estimated, 2),
        "value_basis": "booked jobs" if booked else "replies x average job value",
        "average_job_value": float(average),
        **{key: sum(v[key] for v in days.values()) for key in
           ("follow_ups", "follow_up_replies", "review_requests")},
        "per_day": [dict(date=day.isoformat(), **counts) for day, counts in sorted(days.items())],
    }
