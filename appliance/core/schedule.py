"""Which message a missed caller gets at a given moment: open, after hours, weekend, holiday, away.

Everything is decided on the shop's wall clock (settings["timezone"]), so opening hours keep
meaning "08:00" across daylight-saving changes and holidays are the shop's local dates. `now` is
passed in (aware; a naive value is taken as UTC). Pure: standard library only.

Order: direct (a caller who dialled the box itself, when a "direct" message is set) > away >
holiday > business hours (or "break", between two of the day's ranges) > weekend > after hours.
A range whose end is before its start runs overnight (22:00-02:00 ends at 02:00 the next day).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MIDNIGHT = 24 * 60


def shop_zone(settings: dict) -> tzinfo:
    """The shop's timezone; UTC when unset or unknown (a text-back must never fail on it)."""
    try:
        return ZoneInfo(settings.get("timezone") or "UTC")
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return timezone.utc


def shop_time(settings: dict, now: datetime) -> datetime:
    """`now` on the shop's wall clock."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(shop_zone(settings))


def _minutes(value: str, end: bool = False) -> Optional[int]:
    """'08:30' -> 510; an end of '00:00' (or '24:00') means midnight at the end of the day."""
    try:
        hours, minutes = (int(part) for part in str(value).split(":"))
    except ValueError:
        return None
    total = hours * 60 + minutes
    if end and total == 0:
        return _MIDNIGHT
    return total if 0 <= total <= _MIDNIGHT else None


def _spans(ranges) -> list[tuple[int, int]]:
    """Today's ranges as (start, end) minutes from today's midnight. An overnight range
    (22:00-02:00) ends after midnight: its end is past 1440. Malformed ranges open nothing."""
    spans = []
    for item in ranges or []:
        try:
            start, end = _minutes(item[0]), _minutes(item[1], end=True)
        except (IndexError, TypeError):
            continue
        if start is None or end is None or start == end:
            continue
        spans.append((start, end if end > start else end + _MIDNIGHT))
    return sorted(spans)


def _day_ranges(settings: dict, day: date) -> list[tuple[int, int]]:
    return _spans((settings.get("hours") or {}).get(DAYS[day.weekday()]))


def _seconds(local: datetime) -> int:
    return local.hour * 3600 + local.minute * 60 + local.second


def is_open(settings: dict, now: datetime) -> bool:
    """True inside one of today's opening ranges (start inclusive, end exclusive), or inside
    yesterday's overnight range that runs past midnight."""
    local = shop_time(settings, now)
    seconds = _seconds(local)
    if any(start * 60 <= seconds < end * 60 for start, end in _day_ranges(settings, local)):
        return True
    yesterday = local.date() - timedelta(days=1)
    return any(seconds < (end - _MIDNIGHT) * 60 for _start, end in _day_ranges(settings, yesterday)
               if end > _MIDNIGHT)


def in_break(settings: dict, now: datetime) -> bool:
    """True in a gap between two of today's ranges (a lunch break): one range has ended today
    and another starts later today. Before the first and after the last it is after hours."""
    local = shop_time(settings, now)
    if is_open(settings, now):
        return False
    seconds = _seconds(local)
    spans = _day_ranges(settings, local)
    ended = any(end * 60 <= seconds for _start, end in spans)
    return ended and any(start * 60 > seconds for start, _end in spans)


def _parse_date(value) -> Optional[date]:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def away_active(settings: dict, now: datetime) -> bool:
    """Away mode is on and its 'until' date (inclusive, shop-local) has not passed."""
    away = settings.get("away") or {}
    if not away.get("on"):
        return False
    until = away.get("until")
    if not until:
        return True
    last_day = _parse_date(until)
    # An unreadable date keeps away on: the owner switched it on, so honour that.
    return last_day is None or shop_time(settings, now).date() <= last_day


def month_day(value) -> Optional[str]:
    """"MM-DD" (a day of every year, as in settings["holidays_yearly"]) when it is a day of some
    year (02-29 is, in leap years); else None."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{2}-\d{2}", value.strip()):
        return None
    try:
        return date.fromisoformat(f"2000-{value.strip()}").strftime("%m-%d")
    except ValueError:
        return None


def is_holiday(settings: dict, now: datetime) -> bool:
    """Today (shop-local) is in settings["holidays"] ("YYYY-MM-DD" or {"date": ...} items) or
    its month and day in settings["holidays_yearly"] ("MM-DD")."""
    today = shop_time(settings, now).date()
    if today.strftime("%m-%d") in (settings.get("holidays_yearly") or []):
        return True
    for item in settings.get("holidays") or []:
        value = item.get("date") if isinstance(item, dict) else item
        if _parse_date(value) == today:
            return True
    return False


def _has_message(settings: dict, kind: str) -> bool:
    return bool(str((settings.get("messages") or {}).get(kind) or "").strip())


def message_kind(settings: dict, now: datetime, direct: bool = False) -> str:
    """'direct' | 'away' | 'holiday' | 'business_hours' | 'break' | 'weekend' | 'after_hours'.
    A lunch break between two of today's ranges gets the 'break' message when the owner wrote
    one, else the business-hours message: the shop is open today, not done for the day."""
    if direct and _has_message(settings, "direct"):
        return "direct"
    if away_active(settings, now):
        return "away"
    if is_holiday(settings, now):
        return "holiday"
    if is_open(settings, now):
        return "business_hours"
    if in_break(settings, now):
        return "break" if _has_message(settings, "break") else "business_hours"
    if shop_time(settings, now).weekday() >= 5:
        return "weekend"
    return "after_hours"


def opening_starts(settings: dict, day: date) -> list[int]:
    """When the day's opening ranges start, in minutes from the day's midnight (for finding the
    next opening: core/follow_ups.py)."""
    return [start for start, _end in _day_ranges(settings, day)]
