"""Showing stored values to the owner: UTC timestamps in the shop's timezone, money, numbers.

Timestamps are stored as ISO-8601 UTC strings; the page shows them in settings["timezone"].
Functions here take the settings and `now` as arguments; web/templating.py binds them to the
request (settings read once per request) and registers them as Jinja filters.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta, timezone
from typing import Optional, Union

from appliance.core.schedule import shop_zone

# Regions whose owners read a 12-hour clock ("2:05 PM").
TWELVE_HOUR_REGIONS = {"US", "CA", "AU", "NZ", "PH", "IN", "PK", "EG", "SA", "MX", "CO"}
# Regions that write the month first ("Nov 27, 2026"); elsewhere "27 Nov 2026".
MONTH_FIRST_REGIONS = {"US", "CA", "PH"}
EURO_REGIONS = {"AT", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT", "LT",
                "LU", "LV", "MT", "NL", "PT", "SI", "SK"}
CURRENCY = {"GB": "£", "IN": "₹", "JP": "¥", "CH": "CHF ", "SE": "kr ", "NO": "kr ", "DK": "kr ",
            "PL": "zł ", "ZA": "R "}


def parse_time(value: Union[str, datetime, None]) -> Optional[datetime]:
    """A stored timestamp (ISO string or datetime) as an aware datetime; None if unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def local(value, settings: dict) -> Optional[datetime]:
    moment = parse_time(value)
    return moment.astimezone(shop_zone(settings)) if moment else None


def clock(moment: datetime, settings: dict) -> str:
    if (settings.get("region") or "").upper() in TWELVE_HOUR_REGIONS:
        hour = moment.hour % 12 or 12
        return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


_HHMM = re.compile(r"\b([01]\d|2[0-4]):([0-5]\d)\b")


def clock_text(hhmm: str, settings: dict) -> str:
    """"17:00" as the shop reads a clock ("5:00 PM" or "17:00"); "24:00" is midnight."""
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return clock(datetime(2000, 1, 1, hours % 24, minutes), settings)


def time_pieces(text: str, settings: dict) -> list[dict]:
    """A message with "HH:MM" times in it, cut into pieces: {"text"} and, for each time,
    {"text": "5:00 PM", "hhmm": "17:00"}, so a page can show the times in the style of its
    inputs (the browser's own 12/24-hour style, static/schedule.js) with the shop's as default."""
    pieces, last = [], 0
    for match in _HHMM.finditer(text or ""):
        if match.start() > last:
            pieces.append({"text": text[last:match.start()]})
        pieces.append({"text": clock_text(match.group(0), settings), "hhmm": match.group(0)})
        last = match.end()
    if last < len(text or ""):
        pieces.append({"text": text[last:]})
    return pieces


def month_first(settings: dict) -> bool:
    return (settings.get("region") or "").upper() in MONTH_FIRST_REGIONS


def date_text(day: date, settings: dict, year: bool = True) -> str:
    """A date the way the shop writes it: "Nov 27, 2026" (US) or "27 Nov 2026"."""
    if month_first(settings):
        return f"{day:%b} {day.day}, {day.year}" if year else f"{day:%b} {day.day}"
    return f"{day.day} {day:%b} {day.year}" if year else f"{day.day} {day:%b}"


def iso_date_text(value, settings: dict) -> str:
    """"2026-12-25" as the shop writes it ("Dec 25, 2026"); anything else comes back as it is."""
    try:
        return date_text(date.fromisoformat(str(value)), settings)
    except ValueError:
        return str(value or "")


def date_range_text(start: date, end: date, settings: dict) -> str:
    """"Oct 29 – Nov 27, 2026" / "29 Oct – 27 Nov 2026"; both years when they differ."""
    if start == end:
        return date_text(start, settings)
    return f"{date_text(start, settings, year=start.year != end.year)} – {date_text(end, settings)}"


def short_time(value, settings: dict, now: datetime) -> str:
    """"2:05 PM", "Yesterday 2:05 PM", "Tue 2:05 PM" or "Nov 27 2:05 PM" / "27 Nov 14:05" in the
    shop's timezone."""
    moment = local(value, settings)
    if moment is None:
        return ""
    today = now.astimezone(moment.tzinfo).date()
    day = moment.date()
    hm = clock(moment, settings)
    if day == today:
        return hm
    if day == today - timedelta(days=1):
        return f"Yesterday {hm}"
    if today - timedelta(days=6) <= day < today:
        return f"{moment:%a} {hm}"
    return f"{date_text(day, settings, year=day.year != today.year)} {hm}"


def full_time(value, settings: dict) -> str:
    """"Friday, November 27, 2026, 2:05 PM" / "Friday 27 November 2026, 14:05" for tooltips."""
    moment = local(value, settings)
    if moment is None:
        return ""
    return f"{_long_day(moment, settings, True)}, {clock(moment, settings)}"


def _long_day(moment, settings: dict, year: bool) -> str:
    if month_first(settings):
        return f"{moment:%A}, {moment:%B} {moment.day}" + (f", {moment.year}" if year else "")
    return f"{moment:%A} {moment.day} {moment:%B}" + (f" {moment.year}" if year else "")


def day_label(value, settings: dict, now: datetime) -> str:
    """"Today", "Yesterday" or "Friday, November 27" / "Friday 27 November" for date separators
    in a thread (with the year when it isn't this year)."""
    moment = local(value, settings)
    if moment is None:
        return ""
    today = now.astimezone(moment.tzinfo).date()
    if moment.date() == today:
        return "Today"
    if moment.date() == today - timedelta(days=1):
        return "Yesterday"
    return _long_day(moment, settings, moment.year != today.year)


def local_date(value, settings: dict) -> Optional[date]:
    moment = local(value, settings)
    return moment.date() if moment else None


def currency_symbol(settings: dict) -> str:
    region = (settings.get("region") or "").upper()
    if region in EURO_REGIONS:
        return "€"
    return CURRENCY.get(region, "$")


def money(value, settings: dict, whole: bool = False) -> str:
    """"$1,600" (no cents unless there are some); whole=True rounds to "$490" (estimates)."""
    if value is None:
        return "—"
    try:
        amount = float(value)
    except (TypeError, ValueError):
        return "—"
    if whole or abs(amount - round(amount)) < 0.005:
        amount = math.floor(amount + 0.5)      # half up, as people round
    text = f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"
    return f"{currency_symbol(settings)}{text}"


def percent(value) -> str:
    """0.35 -> "35%"; None -> "—"."""
    if value is None:
        return "—"
    try:
        return f"{float(value) * 100:.0f}%"
    except (TypeError, ValueError):
        return "—"
