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
               zone: tzinfo) -> dict[date, list[int]]:
    """{day: [missed, texted, replied]} for the shop-local days start..end. `calls` and
    `inbound` should reach REPLY_WINDOW past the end (later text-backs and replies decide
    whether the period's text-backs were answered); only the period's own calls are counted."""
    day_of = day_finder(start, end, zone)
    days = {start + timedelta(days=i): [0, 0, 0] for i in range((end - start).days + 1)}
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
    replies: dict[str, list[str]] = {}
    for message in inbound:
        if message.get("number") in textbacks:
            replies.setdefault(message["number"], []).append(_iso(message["at"]))
    for number, sent in textbacks.items():
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
                days[day][REPLIED] += 1
    return days


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
                  "booked": 0} for day, c in counts.items()}
    booked_value, booked = 0.0, 0
    for contact in contacts:
        day = day_of(_iso(contact["booked_at"])) if contact.get("booked") and \
            contact.get("booked_at") else None
        if day is not None and day in days:
            days[day]["booked"] += 1
            booked += 1
            booked_value += float(contact.get("job_value") or 0)
    return _totals(days, booked, booked_value, average_job_value)


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
        "per_day": [dict(date=day.isoformat(), **counts) for day, counts in sorted(days.items())],
    }
