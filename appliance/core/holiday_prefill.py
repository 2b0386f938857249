"""Holiday suggestions for the settings page: the `holidays` library behind two small functions.

The owner picks a country (and a state/region where holidays differ) and gets the year's public
holidays to tick, so the holiday message goes out on the right days without typing dates.
"""
from __future__ import annotations

import logging
from typing import Optional

import holidays

from appliance.core.domain import ValidationError

log = logging.getLogger(__name__)

# Outside this range the library has no data and answers an empty list, which would look like
# "no holidays"; a year out of range is a typo.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _country(country: str) -> str:
    code = (country or "").strip().upper()
    if code not in holidays.list_supported_countries():
        raise ValidationError({"country": f"No holiday list for country {country!r}; use a "
                                          "two-letter code such as US, GB, CA or AU."})
    return code


def subdivisions(country: str) -> list[str]:
    """The states/regions with their own holidays, e.g. GB -> ENG, NIR, SCT, WLS."""
    return list(holidays.list_supported_countries()[_country(country)])


def _subdivision(code: str, subdivision: Optional[str]) -> Optional[str]:
    """The library's spelling of the subdivision: codes in any case, or names ("California")."""
    wanted = (subdivision or "").strip()
    if not wanted:
        return None
    known = subdivisions(code)
    aliases = getattr(holidays.country_holidays(code), "subdivisions_aliases", {}) or {}
    for name in list(known) + list(aliases):
        if name.casefold() == wanted.casefold():
            return name
    if not known:
        raise ValidationError({"subdivision": f"{code} has no regions with their own holidays; "
                                              "leave it empty."})
    raise ValidationError({"subdivision": f"{code} has no region {subdivision!r}; use one of "
                                          f"{', '.join(known)}."})


def suggestions(country: str, subdivision: Optional[str], year: int) -> list[dict]:
    """The public holidays of `year`, sorted by date: [{"date": "YYYY-MM-DD", "name": ...}]."""
    code = _country(country)
    subdiv = _subdivision(code, subdivision)
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": f"Pick a year between {FIRST_YEAR} and {LAST_YEAR}."})
    calendar = holidays.country_holidays(code, subdiv=subdiv, years=year)
    return [{"date": day.isoformat(), "name": name} for day, name in sorted(calendar.items())]


def two_years(country: str, subdivision: Optional[str], year: int) -> list[dict]:
    """The public holidays of `year` and the year after, sorted by date; in the first year, a
    holiday on the same month and day in both (Christmas, not Thanksgiving) carries "yearly":
    "MM-DD", so the owner can keep it every year with one tick."""
    first = suggestions(country, subdivision, year)
    if year + 1 > LAST_YEAR:
        return first
    second = suggestions(country, subdivision, year + 1)
    fixed = ({(h["date"][5:], h["name"]) for h in first}
             & {(h["date"][5:], h["name"]) for h in second})
    return ([dict(h, yearly=h["date"][5:] if (h["date"][5:], h["name"]) in fixed else None)
             for h in first] + [dict(h, yearly=None) for h in second])
