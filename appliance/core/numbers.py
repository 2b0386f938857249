"""Phone numbers: the one place that talks to `phonenumbers`.

Every number the modem gives us (caller ID, text sender) and every number the owner types is
made E.164 here, using the modem's type of number and the shop's region. National numbers are
parsed with the region, never by prepending "+" (the mistake that makes texts go nowhere).
Whether a number may be texted is phonenumbers' `is_valid_number`, nothing looser; whether it
may get an *automatic* text also depends on its country and kind of line (`line_of`).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Optional

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType, shortnumberinfo

from appliance.core import countries
from appliance.core.domain import ValidationError

log = logging.getLogger(__name__)

# Type-of-number bits (3GPP TS 24.008 / 23.040) in the modem's <type> / TON-NPI octet.
_TON_INTERNATIONAL = 1
_TON_ALPHANUMERIC = 5
# Short codes are 3-6 digits in the places we know (US/CA 5-6, UK 5, most of Europe 4-6).
_SHORT_CODE_DIGITS = re.compile(r"^\d{3,6}$")
_NON_DIGITS = re.compile(r"\D")

# Kinds of line, in the shop's words (see `line_of`).
PERSONAL, PREMIUM, SERVICE = "personal", "premium", "service"
# A person's phone at the ordinary rate. VoIP numbers (UK 056, many US lines) are ordinary-rate
# lines people really call from, so they count as personal.
_PERSONAL_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE,
                   PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.VOIP}
# Texts to these cost more than a normal text or pay the number's owner a share: premium rate
# (+1 900, UK 09/087), shared cost (UK 084, DE 0180) and "personal numbers" (UK 070 follow-me
# numbers, charged at premium rates and a well-known fraud route).
_PREMIUM_TYPES = {PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST,
                  PhoneNumberType.PERSONAL_NUMBER}
# Everything else (toll-free, UAN, pager, voicemail, unknown) is a service, not a person.
# Numbers of no country (region "001": satellite phones +881/+8816, international networks
# +882/+883, Inmarsat +870, +979 premium) are charged as premium whatever their type.


@dataclass(frozen=True)
class Line:
    """What kind of line a valid number is: its country (ISO code, "001" for none) and
    `kind`: PERSONAL, PREMIUM or SERVICE."""
    country: Optional[str]
    kind: str


def _ton(number_type: Optional[int]) -> Optional[int]:
    return None if number_type is None else (int(number_type) >> 4) & 0x7


def is_alphanumeric(raw: str) -> bool:
    """True for senders such as "ACME" or "HSBC UK": names, not numbers; never texted."""
    return any(ch.isalpha() for ch in raw or "")


def _parse(text: str, region: Optional[str]) -> Optional[phonenumbers.PhoneNumber]:
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException:
        return None


def _e164(number: Optional[phonenumbers.PhoneNumber]) -> Optional[str]:
    if number is None or not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _parse_national(raw: str, region: str) -> Optional[phonenumbers.PhoneNumber]:
    """Parse with the shop's region; phonenumbers strips the region's own international prefix
    (011 in the US, 00 in the UK). "00" is the ITU international prefix almost everywhere else,
    so when the region reading is not a valid number, "00<cc>..." is tried as international."""
    number = _parse(raw, region)
    digits = _NON_DIGITS.sub("", raw)
    if digits.startswith("00") and (number is None or not phonenumbers.is_valid_number(number)):
        international = _parse("+" + digits[2:], None)
        if international is not None and phonenumbers.is_valid_number(international):
            return international
    return number


def to_e164(raw: str, number_type: Optional[int], region: str) -> Optional[str]:
    """The modem's number as E.164 ("+447400123456"), or None when it is not a phone number.

    number_type 145 (or a leading "+") means international: the digits start with the country
    code. 129/161/128/None mean national or unknown: parsed with the shop's `region`. None for
    withheld (""), alphanumeric senders, and anything too short or too long to be a phone number
    (short codes too). The result may still be invalid: ask `is_textable` before texting.
    """
    raw = (raw or "").strip()
    if not raw or is_alphanumeric(raw) or _ton(number_type) == _TON_ALPHANUMERIC:
        return None
    digits = _NON_DIGITS.sub("", raw)
    if not digits:
        return None
    # No country code starts with 0: a "0..." number flagged international is a modem mistake.
    international = raw.startswith("+") or _ton(number_type) == _TON_INTERNATIONAL
    if international and not digits.startswith("0"):
        return _e164(_parse("+" + digits, None))
    return _e164(_parse_national(raw, region))


def same_number(a: Optional[str], b: Optional[str]) -> bool:
    """The one rule for "the same phone": equal digits once formatting and leading zeros are
    gone, or one is the national tail of the other, at least 7 digits long ("07700 900123" and
    "+447700900123"; a caller ID as the modem gave it and one the owner typed)."""
    da, db = _NON_DIGITS.sub("", a or "").lstrip("0"), _NON_DIGITS.sub("", b or "").lstrip("0")
    if not da or not db:
        return False
    short, long_ = sorted((da, db), key=len)
    return da == db or (len(short) >= 7 and long_.endswith(short))


def valid_e164(typed: str, region: str) -> Optional[str]:
    """A number typed in a setting as E.164 (read in the shop's `region` when it has no "+"),
    or None when phonenumbers does not call it valid."""
    number = _parse(typed, region)
    if number is None or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def is_region(code: str) -> bool:
    """True for a two-letter country code phonenumbers knows ("US", "GB")."""
    return code in phonenumbers.SUPPORTED_REGIONS


def is_textable(e164: Optional[str]) -> bool:
    """True only when phonenumbers says the number is valid (the contract for texting)."""
    number = _parse(e164, None) if e164 else None
    return number is not None and phonenumbers.is_valid_number(number)


def line_of(e164: Optional[str]) -> Optional[Line]:
    """The country and kind of line of an E.164 number; None when it is not a valid number."""
    number = _parse(e164, None) if e164 else None
    if number is None or not phonenumbers.is_valid_number(number):
        return None
    country = phonenumbers.region_code_for_number(number)
    kind = phonenumbers.number_type(number)
    if country == countries.NO_COUNTRY or kind in _PREMIUM_TYPES:
        return Line(country, PREMIUM)
    return Line(country, PERSONAL if kind in _PERSONAL_TYPES else SERVICE)


def is_short_code(raw: str, region: str) -> bool:
    """True for carrier/service short codes such as 40404 (US) or 61998 (UK): 3-6 digits, no "+",
    a possible short number for the region and not a valid full number."""
    raw = (raw or "").strip()
    if raw.startswith("+") or not _SHORT_CODE_DIGITS.match(raw):
        return False
    number = _parse(raw, region)
    if number is None or phonenumbers.is_valid_number(number):
        return False
    return shortnumberinfo.is_possible_short_number_for_region(number, region)


def display(e164: str, region: str) -> str:
    """How the shop reads the number: national format for its own country ("07400 123456"),
    international otherwise ("+44 7400 123456"). Anything unparseable comes back unchanged."""
    number = _parse(e164, None) if e164 else None
    if number is None:
        return e164 or ""
    own = phonenumbers.country_code_for_region((region or "").upper())
    style = PhoneNumberFormat.NATIONAL if number.country_code == own else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def _example(region: str) -> str:
    example = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
    if example is None:
        return "+44 7400 123456"
    return phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL)


def normalise_user_input(text: str, region: str) -> str:
    """A number typed on the page (owner phone, exclude list, new conversation) as E.164.

    Raises ValidationError({"number": ...}) with a message that says what to type instead.
    """
    region = (region or "").upper()
    text = (text or "").strip()
    example = _example(region)
    if not text:
        raise ValidationError({"number": f"Enter a phone number, e.g. {example}."})
    if is_alphanumeric(text):
        raise ValidationError({"number": f"Use digits only, e.g. {example}."})
    if not text.startswith("+") and region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError({"number": "Start with + and the country code, e.g. +44 7400 123456."})
    if is_short_code(text, region):
        raise ValidationError({"number": f"{text} is a short code; only phone numbers can be texted."})
    e164 = to_e164(text, None, region)
    if e164 is None or not is_textable(e164):
        raise ValidationError({"number": (
            f"{text} is not a valid {region} phone number, e.g. {example}. "
            "For another country start with + and the country code.")})
    return e164
