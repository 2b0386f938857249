"""appliance.relay: what the owner's phone receives and how the owner's texts are understood."""
import pytest

from appliance.core import relay
from appliance.core.relay import OwnerCommand, OwnerFormatError, OwnerReply
from appliance.core.segments import analyse

RECENT = ["K7", "A3", "9X", "M4", "P6", "R8"]   # most recent first
NUMBER = "+44 7400 123456"


def one_gsm7_segment(text):
    found = analyse(text)
    return found.encoding == "GSM-7" and found.segments == 1


# --- tags -------------------------------------------------------------------------------------


def test_new_tag_is_deterministic_for_the_same_inputs():
    assert relay.new_tag({"K7"}, 1234) == relay.new_tag({"K7"}, 1234)


def test_new_tag_varies_with_the_seed():
    assert len({relay.new_tag(set(), seed) for seed in range(50)}) > 30


@pytest.mark.parametrize("seed", range(40))
def test_new_tag_is_two_unambiguous_characters_a_letter_and_a_digit(seed):
    tag = relay.new_tag(set(), seed)
    assert len(tag) == 2
    assert not set(tag) & set("0O1IL")
    assert sum(ch.isdigit() for ch in tag) == 1 and sum(ch.isalpha() for ch in tag) == 1


def test_new_tag_avoids_existing_tags_in_any_case():
    taken = {t.lower() for t in relay.TWO_CHAR_TAGS[:-1]}
    assert relay.new_tag(taken, 7) == relay.TWO_CHAR_TAGS[-1]


def test_new_tag_grows_to_three_characters_when_all_two_are_taken():
    tag = relay.new_tag(set(relay.TWO_CHAR_TAGS), 7)
    assert len(tag) == 3 and tag not in relay.TWO_CHAR_TAGS
    assert not set(tag) & set("0O1IL")
    assert relay.parse_owner_text(f"{tag.lower()}: ok", [tag]) == OwnerReply(tag, "ok")


# --- the owner's texts ------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("K7 on my way", OwnerReply("K7", "on my way")),
    ("k7: on my way", OwnerReply("K7", "on my way")),
    ("#K7 on my way", OwnerReply("K7", "on my way")),
    ("# k7 :  on my way ", OwnerReply("K7", "on my way")),
    ("9x - Tuesday 10am?", OwnerReply("9X", "Tuesday 10am?")),
    ("A3 Line one\nline two", OwnerReply("A3", "Line one\nline two")),
    ("K7 K7 is fine", OwnerReply("K7", "K7 is fine")),
    ("status", OwnerCommand("status")),
    ("STATUS", OwnerCommand("status")),
    (" Pause. ", OwnerCommand("pause")),
    ("resume", OwnerCommand("resume")),
    ("Help", OwnerCommand("help")),
    ("?", OwnerCommand("help")),
])
def test_parse_owner_text(text, expected):
    assert relay.parse_owner_text(text, RECENT) == expected


@pytest.mark.parametrize("text, says", [
    ("K7", "nothing after #K7"),
    ("#k7:  ", "nothing after #K7"),
    ("Z9 on my way", "no conversation #Z9. Recent: #K7 #A3 #9X #M4 #P6."),
    ("#AB hello", "no conversation #AB"),
    ("K77 hello", "no conversation #K77"),
    ("Be there at 5", "start with their tag: K7 on my way"),     # "BE" is never a tag
    ("On my way", "STATUS, PAUSE, RESUME or HELP"),
    ("", "start with their tag"),
    ("\u201cK7\u201d on my way", "start with their tag"),
    ("K7on my way", "start with their tag"),
])
def test_parse_owner_text_explains_mistakes(text, says):
    result = relay.parse_owner_text(text, RECENT)
    assert isinstance(result, OwnerFormatError)
    assert says in result.explanation
    assert one_gsm7_segment(result.explanation)


def test_unknown_tag_with_no_conversations_yet():
    result = relay.parse_owner_text("K7 hi", [])
    assert "no conversation #K7. Recent: none yet" in result.explanation


def test_known_tags_as_a_set_are_listed_in_a_stable_order():
    result = relay.parse_owner_text("Z9 hi", {"M4", "A3", "K7"})
    assert "Recent: #A3 #K7 #M4." in result.explanation


def test_help_fits_one_segment_and_names_a_real_tag():
    text = relay.format_help(["M4", "A3"])
    assert "M4 on my way" in text and "STATUS" in text and "PAUSE" in text
    assert one_gsm7_segment(text)


# --- forwards, confirmations, status ----------------------------------------------------------


def test_forward_format():
    assert relay.format_forward("K7", NUMBER, "Burst pipe under sink, can you come today?", []) == (
        "#K7 +44 7400 123456: Burst pipe under sink, can you come today?\nReply: K7 <your answer>")


@pytest.mark.parametrize("words, start", [
    (["burst"], "URGENT (burst): #K7 +44"),
    (["burst", "no water"], "URGENT (burst, no water): #K7 +44"),
])
def test_urgent_forward(words, start):
    text = relay.format_forward("K7", NUMBER, "Burst pipe, no water", words)
    assert text.startswith(start)
    assert text.endswith(": Burst pipe, no water\nReply: K7 <your answer>")


def test_forward_swaps_fancy_punctuation_so_it_stays_gsm7():
    text = relay.format_forward("K7", NUMBER, "It\u2019s urgent \u2014 \u201cplease\u201d\u2026", [])
    assert "It's urgent - \"please\"..." in text
    assert analyse(text).encoding == "GSM-7"


@pytest.mark.parametrize("body, encoding", [
    ("Water everywhere, please come. " * 40, "GSM-7"),
    ("Water everywhere \U0001F62D please come. " * 20, "UCS-2"),   # the emoji stays
    ("{[~]} " * 200, "GSM-7"),                                     # two septets each
])
def test_long_forward_is_cut_to_three_segments(body, encoding):
    text = relay.format_forward("K7", NUMBER, body, ["burst"])
    found = analyse(text)
    assert found.encoding == encoding
    assert found.segments == 3
    assert text.endswith("...\nReply: K7 <your answer>")
    assert text.startswith("URGENT (burst): #K7 +44 7400 123456: Water" if body[0] == "W"
                           else "URGENT (burst): #K7 +44 7400 123456: {[~]}")


def test_forward_that_fits_is_not_cut():
    head, tail = "#K7 +44 7400 123456: ", "\nReply: K7 <your answer>"
    body = "x" * (3 * 153 - len(head) - len(tail))
    text = relay.format_forward("K7", NUMBER, body, [])
    assert text == head + body + tail
    assert analyse(text).segments == 3
    assert relay.format_forward("K7", NUMBER, body + "y", []).endswith("x...\nReply: K7 <your answer>")


def test_confirmation():
    assert relay.format_confirmation("K7", NUMBER) == "Sent to +44 7400 123456 (#K7)"


FACTS = {
    "modem": {"state": "ready", "signal_percent": 71},
    "outbox": {"queued": 2, "failed": 1},
    "paused": False,
    "away": {"on": False, "until": None},
    "today": {"missed": 5, "texted": 4, "replied": 2},
    "addresses": ["192.168.1.20", "10.0.0.5"],
}


@pytest.mark.parametrize("changes, expected", [
    ({}, "TextBack ON. Signal 71%. Queue 2, 1 failed. Today 5 missed, 4 texted, 2 replied. "
         "Page http://192.168.1.20"),
    ({"paused": True, "outbox": {"queued": 0, "failed": 0}},
     "TextBack PAUSED: callers are not texted. Signal 71%. Queue 0. Today 5 missed, 4 texted, "
     "2 replied. Page http://192.168.1.20"),
    ({"away": {"on": True, "until": "2026-12-01"}, "addresses": ["http://textback.local"]},
     "TextBack ON, away mode until 2026-12-01. Signal 71%. Queue 2, 1 failed. Today 5 missed, "
     "4 texted, 2 replied. Page http://textback.local"),
    ({"modem": {"state": "searching", "signal_percent": None}, "addresses": []},
     "TextBack ON. Modem searching. Queue 2, 1 failed. Today 5 missed, 4 texted, 2 replied."),
])
def test_status(changes, expected):
    text = relay.format_status({**FACTS, **changes})
    assert text == expected
    assert one_gsm7_segment(text)


def test_status_with_nothing_known_still_says_something():
    assert relay.format_status({}) == "TextBack ON. Queue 0."


# The facade's status_facts() passes the same facts flat, with "away" as a bool.
FLAT = {"state": "ready", "signal_percent": 71, "operator": "EE", "queued": 2, "failed": 1,
        "paused": False, "away": False, "addresses": ["192.168.1.20"], "missed": 5, "texted": 4,
        "replied": 2, "booked": 1}


@pytest.mark.parametrize("changes, expected", [
    ({}, "TextBack ON. Signal 71%. Queue 2, 1 failed. Today 5 missed, 4 texted, 2 replied. "
         "Page http://192.168.1.20"),
    ({"away": True, "state": "no_sim", "signal_percent": None, "failed": 0},
     "TextBack ON, away mode. Modem no_sim. Queue 2. Today 5 missed, 4 texted, 2 replied. "
     "Page http://192.168.1.20"),
    ({"away": True, "away_until": "2026-12-01"},
     "TextBack ON, away mode until 2026-12-01. Signal 71%. Queue 2, 1 failed. Today 5 missed, "
     "4 texted, 2 replied. Page http://192.168.1.20"),
    ({"away": True, "away_until": "2026-12-01", "paused": True},
     "TextBack PAUSED: callers are not texted. Signal 71%. Queue 2, 1 failed. Today 5 missed, "
     "4 texted, 2 replied. Page http://192.168.1.20"),
])
def test_status_from_flat_facts(changes, expected):
    text = relay.format_status({**FLAT, **changes})
    assert text == expected
    assert one_gsm7_segment(text)
