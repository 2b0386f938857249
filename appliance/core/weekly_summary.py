"""The owner's optional weekly summary text: when it is due and what it says (pure).

It goes once a week at a fixed shop time (Monday 08:00) and covers the seven shop days before
that Monday: "TextBack Box, this week: 14 missed calls, 12 texted, 7 replied, 3 booked, about
$1,200." The figures are core/stats.py's (the Results page's numbers for the same days).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Optional

SEND_DAY = 0                     # Monday
SEND_AT = time(8, 0)
_CURRENCY = {"US": "$", "CA": "$", "AU": "$", "NZ": "$", "GB": "£", "IE": "€", "DE": "€",
             "FR": "€", "ES": "€", "IT": "€", "NL": "€", "BE": "€", "AT": "€", "PT": "€"}


def week_due(local_now: datetime, last_week: Optional[str]) -> Optional[date]:
    """The Monday whose summary is due at shop time `local_now` (not yet sent: `last_week` is
    the ISO date of the Monday last told), or None."""
    monday = local_now.date() - timedelta(days=(local_now.weekday() - SEND_DAY) % 7)
    if monday == local_now.date() and local_now.time() < SEND_AT:
        return None
    if last_week is not None and last_week >= monday.isoformat():
        return None
    return monday


def covered(monday: date) -> tuple[date, date]:
    """The seven shop days a summary sent on `monday` covers."""
    return monday - timedelta(days=7), monday - timedelta(days=1)


def summary_text(figures: dict, region: str) -> str:
    """The text, from a stats.totals() result."""
    def count(key: str, word: str) -> str:
        return f"{figures.get(key, 0)} {word}"

    missed = figures.get("missed", 0)
    parts = [f"{missed} missed call{'s' if missed != 1 else ''}", count("texted", "texted"),
             count("replied", "replied"), count("booked", "booked")]
    value = round(float(figures.get("value_recovered") or 0))
    if value:
        parts.append(f"about {_CURRENCY.get((region or '').upper(), '')}{value:,}")
    return "TextBack Box, this week: " + ", ".join(parts) + "."
