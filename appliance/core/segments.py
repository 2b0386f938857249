"""How a text travels as SMS: GSM-7 or UCS-2, how many units, how many segments.

The owner types messages on the page; this tells them what the text will cost before it is sent
(one curly quote turns a 160-character text into a 70-character one) and offers to swap fancy
punctuation for the plain GSM-7 equivalents. Pure: standard library only.

Rules (3GPP TS 23.038 / 23.040):
- GSM-7: the default alphabet counts one septet per character, the extension table
  (form feed ^ { } \\ [ ~ ] | €) two (escape + character). 160 septets fit in one text,
  153 per part once split (the concatenation header takes the rest).
- UCS-2 (really UTF-16): one unit per character, two for characters outside the BMP (emoji).
  70 units in one text, 67 per part.
- A part boundary never splits an escape pair or a surrogate pair: such a character moves whole
  to the next part, so a long text can need more parts than units / per_part suggests.
"""
from __future__ import annotations

from dataclasses import dataclass

# The most characters the owner may send in one reply (the page, the API, the facade).
REPLY_MAX_CHARS = 1000

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "\x0c^{}\\[~]|€"

_BASIC = frozenset(GSM7_BASIC) - {"\x1b"}   # ESC is the escape itself, never a character of ours
_EXTENSION = frozenset(GSM7_EXTENSION)

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

# Typographic characters that phones and word processors put in, and what a GSM-7 text uses.
PLAIN_PUNCTUATION = {
    "\u2014": "-", "\u2013": "-", "\u2012": "-", "\u2015": "-", "\u2010": "-", "\u2011": "-",
    "\u2212": "-",                                            # dashes, hyphens, minus
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "`": "'", "\u2039": "'", "\u203a": "'",                   # single quotes, prime, accents
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',                             # double quotes, guillemets
    "\u2026": "...",                                          # ellipsis
    "\u2022": "-", "\u00b7": "-", "\u2023": "-", "\u2043": "-",  # bullets
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ",
    "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ",
    "\u2008": " ", "\u205f": " ", "\u3000": " ", "\t": " ",   # odd spaces and tab
    "\u200b": "", "\u00ad": "", "\ufeff": "", "\u2060": "",   # invisible: zero-width, soft hyphen
}
_PLAIN_TABLE = str.maketrans(PLAIN_PUNCTUATION)


@dataclass(frozen=True)
class TextAnalysis:
    """What a text costs. `units` are septets (GSM-7) or UTF-16 units (UCS-2); `per_segment`
    is the capacity of each segment for this text (160/153 or 70/67)."""
    encoding: str                      # "GSM-7" | "UCS-2"
    characters: int                    # code points, as the owner sees them typed
    units: int
    segments: int                      # 0 for an empty text
    per_segment: int
    ucs2_characters: tuple[str, ...]   # distinct characters forcing UCS-2, in order of appearance


def is_gsm7(text: str) -> bool:
    """True when every character has a GSM-7 encoding (default alphabet or extension table)."""
    return all(ch in _BASIC or ch in _EXTENSION for ch in text)


def ucs2_characters(text: str) -> tuple[str, ...]:
    """The distinct characters that have no GSM-7 encoding, in order of first appearance."""
    seen: dict[str, None] = {}
    for ch in text:
        if ch not in _BASIC and ch not in _EXTENSION:
            seen.setdefault(ch, None)
    return tuple(seen)


def _unit_costs(text: str, gsm7: bool) -> list[int]:
    if gsm7:
        return [2 if ch in _EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def _split_costs(costs: list[int], single: int, part: int) -> list[int]:
    """Number of characters in each part, never cutting a two-unit character in half."""
    if sum(costs) <= single:
        return [len(costs)] if costs else []
    parts, count, used = [], 0, 0
    for cost in costs:
        if used + cost > part:
            parts.append(count)
            count, used = 0, 0
        count += 1
        used += cost
    parts.append(count)
    return parts


def parts(text: str) -> list[str]:
    """The text cut into the segments it will be sent as (the same cut `analyse` counts)."""
    gsm7 = is_gsm7(text)
    single, part = (GSM7_SINGLE, GSM7_PART) if gsm7 else (UCS2_SINGLE, UCS2_PART)
    pieces, start = [], 0
    for count in _split_costs(_unit_costs(text, gsm7), single, part):
        pieces.append(text[start:start + count])
        start += count
    return pieces


def analyse(text: str) -> TextAnalysis:
    """Encoding, size and segment count of `text` as it would be sent."""
    forcing = ucs2_characters(text)
    gsm7 = not forcing
    costs = _unit_costs(text, gsm7)
    single, part = (GSM7_SINGLE, GSM7_PART) if gsm7 else (UCS2_SINGLE, UCS2_PART)
    segments = len(_split_costs(costs, single, part))
    return TextAnalysis(
        encoding="GSM-7" if gsm7 else "UCS-2",
        characters=len(text),
        units=sum(costs),
        segments=segments,
        per_segment=single if segments <= 1 else part,
        ucs2_characters=forcing,
    )


def plain_punctuation(text: str) -> str:
    """Swap typographic dashes, quotes, ellipses, bullets and odd spaces for GSM-7 ones.
    Everything else (letters, emoji, accents) is left as it is."""
    return text.translate(_PLAIN_TABLE)
