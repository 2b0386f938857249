"""Checks for the shop's opening hours in settings: each weekday's ranges, sorted, without
overlaps, a range that ends before it starts running overnight."""
from __future__ import annotations

import re
from typing import Optional

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def hours(field, key, value, region, errors):
    if not isinstance(value, dict):
        errors[key] = "must be an object with days mon .. sun"
        return value
    cleaned = {}
    for day, ranges in value.items():
        if day not in DAYS:
            errors[f"{key}.{day}"] = f"unknown day; use {', '.join(DAYS)}"
        elif not isinstance(ranges, list):
            errors[f"{key}.{day}"] = 'must be a list of ranges like [["08:00", "17:00"]]'
        elif len(ranges) > field.max_items:
            errors[f"{key}.{day}"] = f"has more than {field.max_items} ranges"
        else:
            cleaned[day] = _day(f"{key}.{day}", ranges, errors)
    return cleaned


def _day(where: str, ranges: list, errors: dict) -> list:
    """A day's ranges, checked and sorted. A range whose end is before its start runs
    overnight (22:00-02:00 closes at 02:00 the next day); it may not overlap the day's others."""
    good = []
    for index, pair in enumerate(ranges):
        at = f"{where}[{index}]"
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2):
            errors[at] = 'must be [start, end] like ["08:00", "17:00"]'
            continue
        start, end = _minutes(pair[0]), _minutes(pair[1], end=True)
        if start is None or start == 24 * 60:
            errors[at] = f"start {pair[0]!r} is not a time like 08:00"
        elif end is None:
            errors[at] = f"end {pair[1]!r} is not a time like 17:00"
        elif start == end:
            errors[at] = f"start {_hhmm(start)} is the same as end {_hhmm(end)}"
        else:
            good.append((start, end if end > start else end + 24 * 60, index))
    good.sort()
    for (s1, e1, _), (s2, e2, i2) in zip(good, good[1:]):
        if s2 < e1:
            errors[f"{where}[{i2}]"] = (f"{_hhmm(s2)}-{_hhmm(e2)} overlaps "
                                        f"{_hhmm(s1)}-{_hhmm(e1)}")
    return [[_hhmm(s), _hhmm(e % (24 * 60))] for s, e, _ in good]


def _minutes(text, end: bool = False) -> Optional[int]:
    """'08:30' -> 510; as an end, '00:00' and '24:00' mean midnight (1440)."""
    match = _TIME.match(text) if isinstance(text, str) else None
    if not match:
        return None
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        return None
    value = hours * 60 + minutes
    return 24 * 60 if end and value == 0 else value


def _hhmm(minutes: int) -> str:
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
