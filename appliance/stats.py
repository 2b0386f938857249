"""Is it worth it? The numbers of the seed article, from the shop's own calls and texts.

Pure: takes the period's calls, incoming messages and contacts and returns missed, texted,
replied, reply rate, booked, booking rate and the value recovered, per period and per day.

Timestamps arrive as the store keeps them (ISO-8601 UTC strings, which sort as text), so a
record's shop-local day is found by comparing its string with each day's UTC start: a year of
calls and texts is counted without converting tens of thousands of timestamps.
"""
from __future__ import annotations

import bisect
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Callable, Iterable, Optional

TEXTED = ("texted", "unconfirmed")


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


def summarise(calls: Iterable[dict], inbound: Iterable[dict], contacts: Iterable[dict],
              start: date, end: date, zone: tzinfo, average_job_value: float) -> dict:
    """Counts for the shop-local days start..end (inclusive)."""
    day_of = day_finder(start, end, zone)
    days = {start + timedelta(days=i): {"missed": 0, "texted": 0, "replied": 0, "booked": 0}
            for i in range((end - start).days + 1)}
    first_text: dict[str, str] = {}
    for call in calls:
        ended = _iso(call.get("ended_at") or call["started_at"])
        day = day_of(ended)
        if day is None:
            continue
        days[day]["missed"] += 1
        if call.get("outcome") in TEXTED and call.get("number"):
            days[day]["texted"] += 1
            number = call["number"]
            first_text[number] = min(first_text.get(number, ended), ended)
    replied: set[str] = set()
    # Oldest first: a number's reply counts on the day of its first reply.
    for at, number in sorted((_iso(m["at"]), m.get("number") or "") for m in inbound):
        if number in first_text and number not in replied and at >= first_text[number]:
            replied.add(number)
            day = day_of(at)
            if day is not None:
                days[day]["replied"] += 1
    booked_value, booked = 0.0, 0
    for contact in contacts:
        day = day_of(_iso(contact["booked_at"])) if contact.get("booked") and \
            contact.get("booked_at") else None
        if day is not None:
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
