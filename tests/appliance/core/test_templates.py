"""Default messages, checking the owner's edits, filling placeholders."""
import re

import pytest

from appliance.core.segments import analyse
from appliance.core.templates import DEFAULT_MESSAGES, MESSAGE_KINDS, fill, template_error

SET_UP = {"business_name": "Acme Plumbing & Heating", "owner_name": "Dave",
          "emergency_number": "+1 555 123 4567", "booking_link": "https://cal.com/acme-plumbing"}
ALLOWED = "{business_name}, {owner_name}, {emergency_number}, {booking_link}, {review_link}"
BARE = {"business_name": "", "owner_name": "", "emergency_number": "", "booking_link": ""}


def test_every_kind_has_a_default():
    assert set(DEFAULT_MESSAGES) == set(MESSAGE_KINDS)


@pytest.mark.parametrize("kind", MESSAGE_KINDS)
@pytest.mark.parametrize("values", [None, BARE, SET_UP], ids=["raw", "bare", "set-up"])
def test_default_is_one_gsm7_segment(kind, values):
    text = DEFAULT_MESSAGES[kind] if values is None else fill(DEFAULT_MESSAGES[kind], values)
    result = analyse(text)
    assert (result.encoding, result.segments) == ("GSM-7", 1), text


@pytest.mark.parametrize("kind", MESSAGE_KINDS)
@pytest.mark.parametrize("values", [BARE, SET_UP], ids=["bare", "set-up"])
def test_default_reads_like_a_person(kind, values):
    text = fill(DEFAULT_MESSAGES[kind], values)
    assert text.startswith("Hey")
    assert text.endswith("?")                                   # an open question
    assert not re.search(r"apolog|inconvenience|dear customer", text, re.I)
    assert text.lower().count("sorry") <= 1
    assert "{" not in text and "}" not in text


@pytest.mark.parametrize("kind", MESSAGE_KINDS)
def test_default_is_valid(kind):
    assert template_error(DEFAULT_MESSAGES[kind]) is None


def test_defaults_say_why_and_give_the_emergency_number():
    assert "on a job" in DEFAULT_MESSAGES["business_hours"]
    assert "{emergency_number}" in DEFAULT_MESSAGES["after_hours"]
    assert "{business_name}" in DEFAULT_MESSAGES["business_hours"]


@pytest.mark.parametrize("text, error", [
    ("", "is empty"),
    ("   \n ", "is empty"),
    (None, "is empty"),
    ("Hi from {business_name}, call {emergency_number}", None),
    ("{owner_name} here. Book: {booking_link}", None),
    ("Hi from {company}", "unknown placeholder {company}; use one of " + ALLOWED),
    ("Hi from {Business_Name}", "unknown placeholder {Business_Name}; use one of " + ALLOWED),
    ("Hi {}", "unknown placeholder {}; use one of " + ALLOWED),
    ("Hi from {business_name", "has a { without a matching }; placeholders look like "
                               "{business_name}"),
    ("Hi from business_name}", "has a } without a matching {; placeholders look like "
                               "{business_name}"),
    ("Hi {{business_name}}", "has a { without a matching }; placeholders look like "
                             "{business_name}"),
])
def test_template_error(text, error):
    assert template_error(text) == error


@pytest.mark.parametrize("text, values, filled", [
    ("Hi from {business_name}.", {"business_name": "Acme"}, "Hi from Acme."),
    ("Hey! If it's urgent, call {emergency_number}. What's up?", {"emergency_number": ""},
     "Hey! What's up?"),
    ("Hey! If it's urgent, call {emergency_number}. What's up?", {}, "Hey! What's up?"),
    ("Hey! If it's urgent, call {emergency_number}. What's up?", {"emergency_number": None},
     "Hey! What's up?"),
    ("Hey! If it's urgent, call {emergency_number}. What's up?", {"emergency_number": "  "},
     "Hey! What's up?"),
    ("Hey! If it's urgent, call {emergency_number}. What's up?",
     {"emergency_number": "555-0100"}, "Hey! If it's urgent, call 555-0100. What's up?"),
    ("What's up? Book here: {booking_link}", {}, "What's up?"),           # last sentence dropped
    ("Thanks for calling {business_name}! Hey.", {}, "Hey."),             # first sentence dropped
    ("Hi.\nCall {emergency_number}.\nBye?", {}, "Hi.\nBye?"),            # line breaks kept
    ("Hi\nCall {emergency_number}\n\nBye", {}, "Hi\nBye"),                # a line is a sentence
    ("Hi\nCall {emergency_number}\nBye", {"emergency_number": "911"}, "Hi\nCall 911\nBye"),
    ("Book at cal.com/{booking_link} now. Ok?", {}, "Ok?"),              # a dot inside is no end
    ("Hi  {owner_name}  here", {"owner_name": "Dave"}, "Hi Dave here"),   # spaces collapsed
    ("{business_name}", {"business_name": "{owner_name}"}, "{owner_name}"),  # no re-expansion
    ("Hi {company}.", {}, "Hi {company}."),                               # unknown: left alone
    ("  Hey there.  ", {}, "Hey there."),
    ("Call {emergency_number}.", {}, ""),                                  # nothing left
    ("", {}, ""),
])
def test_fill(text, values, filled):
    assert fill(text, values) == filled


@pytest.mark.parametrize("kind", MESSAGE_KINDS)
def test_fill_with_everything_set_is_plain_substitution(kind):
    # Nothing added, nothing dropped: exactly what str.format makes of the template.
    assert fill(DEFAULT_MESSAGES[kind], SET_UP) == DEFAULT_MESSAGES[kind].format(**SET_UP)
