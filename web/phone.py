"""Phone numbers as the owner reads and types them.

Stored numbers are E.164 ("+12025550143"); the page shows them the way the shop writes them
("(202) 555-0143", appliance.numbers.display) with the E.164 form in the tooltip and on copy.
What the owner types to find a conversation ("202-555-0188", "(202) 555 0188", "2025550188",
"+1 202 555 0188", or part of a number) is turned into something the stored numbers contain.
"""
from __future__ import annotations

import functools
import re
from typing import Optional

from appliance.core import numbers

_NUMBER_LIKE = re.compile(r"^[\d\s().+\-/]+$")
_NON_DIGITS = re.compile(r"\D")
_E164 = re.compile(r"^\+\d{6,15}$")


def shown(number: Optional[str], region: str) -> str:
    """A stored number in the shop's style; anything that isn't E.164 comes back as it is."""
    if not number or not _E164.match(number):
        return number or ""
    return _display(number, region)


@functools.lru_cache(maxsize=8192)
def _display(number: str, region: str) -> str:
    # phonenumbers takes ~20 us a number; a year's CSV shows the same callers again and again.
    return numbers.display(number, region)


def to_e164(text: str, region: str) -> Optional[str]:
    """A number typed in any common form as E.164, or None when it isn't a phone number."""
    text = (text or "").strip()
    if not text or not _NUMBER_LIKE.match(text):
        return None
    found = numbers.to_e164(text, None, region)
    return found if found and numbers.is_textable(found) else None


def search_needle(query: str, region: str) -> str:
    """What to look for in the stored numbers, names and texts. A whole number becomes E.164;
    part of a number becomes its digits (separators dropped, a national 0 prefix too); words
    are searched as typed."""
    query = (query or "").strip()
    if not query or not _NUMBER_LIKE.match(query):
        return query
    whole = to_e164(query, region)
    if whole:
        return whole
    digits = _NON_DIGITS.sub("", query)
    if len(digits) < 3:
        return query
    return digits.lstrip("0") or digits
