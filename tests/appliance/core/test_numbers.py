"""appliance.numbers against the real phonenumbers 9.0.43 metadata.

Test numbers, checked with phonenumbers.is_valid_number:
- +44 7400 123456 (UK mobile, phonenumbers' own example): valid.
- +44 7700 900123 (Ofcom's drama range 07700 900xxx): NOT valid in phonenumbers, so it is
  normalised but never texted.
- +1 212-555-1234 and +1 201-555-0123: valid (phonenumbers does not treat 555-01xx as fictional).
- +1 555-123-4567 (area code 555, the simulator's default caller): NOT valid.
"""
import pytest
from hypothesis import given, settings, strategies as st

from appliance.core import numbers
from appliance.core.domain import ValidationError

UK_MOBILE = "+447400123456"
UK_DRAMA = "+447700900123"
NYC = "+12125551234"


@pytest.mark.parametrize("raw, number_type, region, expected", [
    ("+447400123456", 145, "US", UK_MOBILE),
    ("447400123456", 145, "US", UK_MOBILE),          # international type, no "+" on the wire
    ("+447400123456", None, "US", UK_MOBILE),        # a leading "+" is enough
    ("07400123456", 129, "GB", UK_MOBILE),           # national: parsed with the region ...
    ("07400 123456", 161, "GB", UK_MOBILE),
    ("07400123456", 128, "GB", UK_MOBILE),
    ("07400123456", None, "GB", UK_MOBILE),
    ("07700900123", 129, "GB", UK_DRAMA),            # ... whether or not it is valid
    ("2125551234", 129, "US", NYC),
    ("12125551234", 129, "US", NYC),                 # trunk prefix 1
    ("(212) 555-1234", None, "US", NYC),
    ("0044 7400 123456", None, "US", UK_MOBILE),     # "00" international prefix, US region
    ("011447400123456", 129, "US", UK_MOBILE),       # the US international prefix
    ("00447400123456", 129, "GB", UK_MOBILE),
    ("0011447400123456", 129, "AU", UK_MOBILE),      # Australia's 0011 is not "00" + "11..."
    ("07400123456", 145, "GB", UK_MOBILE),           # modem claims international; no cc starts 0
    ("+12125551234", None, "", NYC),                 # international needs no region
    ("2125551234", 129, "", None),                   # national without a region: cannot tell
    ("", 128, "US", None),                           # withheld
    ("ACME", 208, "US", None),                       # alphanumeric sender
    ("12345", 208, "US", None),                      # alphanumeric type, digits only
    ("Vodafone", None, "GB", None),
    ("40404", 129, "US", None),                      # short code: not an E.164 number
    ("12", 129, "US", None),
])
def test_to_e164(raw, number_type, region, expected):
    assert numbers.to_e164(raw, number_type, region) == expected


def test_national_number_is_never_made_international_by_prepending_plus():
    # gsmmodem turns ("07400123456", 129) into "+07400123456"; with region US it is no number.
    assert numbers.to_e164("07400123456", 129, "US") is None
    assert numbers.to_e164("2125551234", 129, "GB") != "+2125551234"


@settings(max_examples=200, deadline=None)
@given(raw=st.text(alphabet="+0123456789 -()#*AB", max_size=20),
       number_type=st.sampled_from([None, 128, 129, 145, 161, 208]),
       region=st.sampled_from(["US", "GB", "DE", "AU", "", "XX"]))
def test_to_e164_never_raises_and_answers_e164_or_none(raw, number_type, region):
    result = numbers.to_e164(raw, number_type, region)
    assert result is None or (result.startswith("+") and result[1:].isdigit()
                              and result[1] != "0")


@pytest.mark.parametrize("e164, expected", [
    (UK_MOBILE, True),
    (UK_DRAMA, False),
    (NYC, True),
    ("+12015550123", True),
    ("+15551234567", False),
    ("+15550000000", False),
    ("", False),
    (None, False),
    ("not a number", False),
])
def test_is_textable(e164, expected):
    assert numbers.is_textable(e164) is expected


@pytest.mark.parametrize("raw, region, expected", [
    ("40404", "US", True),      # Twitter's old US short code
    ("898287", "US", True),     # six digits
    ("12345", "US", True),      # possible (length) though not in the metadata's list
    ("61998", "GB", True),
    ("2125551234", "US", False),
    ("07400123456", "GB", False),
    ("+40404", "US", False),    # "+" means a full international number
    ("1234567", "US", False),
    ("ACME", "US", False),
    ("", "US", False),
])
def test_is_short_code(raw, region, expected):
    assert numbers.is_short_code(raw, region) is expected


@pytest.mark.parametrize("raw, expected", [
    ("ACME", True), ("HSBC UK", True), ("Tesco2Go", True),
    ("+447400123456", False), ("40404", False), ("", False),
])
def test_is_alphanumeric(raw, expected):
    assert numbers.is_alphanumeric(raw) is expected


@pytest.mark.parametrize("e164, region, expected", [
    (UK_MOBILE, "GB", "07400 123456"),
    (UK_MOBILE, "US", "+44 7400 123456"),
    (UK_DRAMA, "GB", "07700 900123"),
    (NYC, "US", "(212) 555-1234"),
    (NYC, "us", "(212) 555-1234"),
    (NYC, "GB", "+1 212-555-1234"),
    ("ACME", "US", "ACME"),
    ("", "US", ""),
])
def test_display(e164, region, expected):
    assert numbers.display(e164, region) == expected


@pytest.mark.parametrize("text, region, expected", [
    ("07400 123456", "GB", UK_MOBILE),
    ("+44 (0)7400 123456", "GB", UK_MOBILE),
    (" (212) 555-1234 ", "US", NYC),
    ("212.555.1234", "us", NYC),
    ("+44 7400 123456", "US", UK_MOBILE),
    ("0044 7400 123456", "US", UK_MOBILE),
    ("+12125551234", "", NYC),
])
def test_normalise_user_input(text, region, expected):
    assert numbers.normalise_user_input(text, region) == expected


@pytest.mark.parametrize("text, region, says", [
    ("", "US", "Enter a phone number"),
    ("   ", "GB", "Enter a phone number, e.g. 07400 123456"),
    ("call me", "US", "digits only"),
    ("40404", "US", "short code"),
    ("07700 900123", "GB", "not a valid GB phone number"),
    ("07400 123456", "US", "For another country start with +"),
    ("+1 555 123 4567", "US", "not a valid US phone number"),
    ("2125551234", "", "Start with + and the country code"),
])
def test_normalise_user_input_explains_what_is_wrong(text, region, says):
    with pytest.raises(ValidationError) as caught:
        numbers.normalise_user_input(text, region)
    assert list(caught.value.errors) == ["number"]
    assert says in caught.value.errors["number"]


@pytest.mark.parametrize("e164, country, kind", [
    ("+12125551234", "US", "personal"),          # fixed line or mobile
    ("+447400123456", "GB", "personal"),         # mobile
    ("+4930123456", "DE", "personal"),           # fixed line
    ("+445612345678", "GB", "personal"),         # VoIP at the ordinary rate
    ("+18762345678", "JM", "personal"),          # +1 but Jamaica
    ("+19005551234", "US", "premium"),           # premium rate
    ("+448712345678", "GB", "premium"),          # premium rate (087)
    ("+4918012345678", "DE", "premium"),         # shared cost (0180)
    ("+447012345678", "GB", "premium"),          # "personal number" (070), charged at premium
    ("+881631234567", "001", "premium"),         # satellite phone (Iridium)
    ("+883510012345", "001", "premium"),         # international network
    ("+18005550199", "US", "service"),           # toll-free
    ("+443001234567", "GB", "service"),          # UAN (03)
])
def test_line_of(e164, country, kind):
    line = numbers.line_of(e164)
    assert (line.country, line.kind) == (country, kind)


@pytest.mark.parametrize("e164", [None, "", "+1555", "+447612345678", "not a number"])
def test_line_of_an_invalid_number_is_none(e164):
    assert numbers.line_of(e164) is None
