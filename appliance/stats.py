"""Is it worth it? The numbers of the seed article, from the shop's own calls and texts.

Pure: takes the period's calls, incoming messages and contacts and returns missed, texted,
replied, reply rate, booked, booking rate and the value recovered, per period and per day.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import Iterable

TEXTED = ("texted", "unconfirmed")


def _local_day(value, zone: tzinfo) -> date:
    at = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return at.astimezone(zone).date()


def summarise(calls: Iterable[dict], inbound: Iterable[dict], contacts: Iterable[dict],
              start: date, end: date, zone: tzinfo, average_job_value: float) -> dict:
    """Counts for the shop-local days start..end (inclusive)."""
    days = {start + timedelta(days=i): {"missed": 0, "texted": 0, "replied": 0, "booked": 0}
            for i in range((end - start).days + 1)}
    first_text: dict[str, datetime] = {}
    for call in calls:
        day = _local_day(call["ended_at"] or call["started_at"], zone)
        if day not in days:
            continue
        days[day]["missed"] += 1
        if call.get("outcome") in TEXTED and call.get("number"):
            days[day]["texted"] += 1
            at = datetime.fromisoformat(call["ended_at"]) if isinstance(call["ended_at"], str) \
                else call["ended_at"]
            first_text.setdefault(call["number"], at)
            first_text[call["number"]] = min(first_text[call["number"]], at)
    replied_numbers: dict[str, date] = {}
    for message in inbound:
        number, at = message.get("number"), message.get("at")
        at = datetime.fromisoformat(at) if isinstance(at, str) else at
        if number in first_text and at >= first_text[number] and number not in replied_numbers:
            replied_numbers[number] = _local_day(at, zone)
    for day in replied_numbers.values():
        if day in days:
            days[day]["replied"] += 1
    booked_value, booked = 0.0, 0
    for contact in contacts:
        if not contact.get("booked") or not contact.get("booked_at"):
            continue
        day = _local_day(contact["booked_at"], zone)
        if day in days:
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
