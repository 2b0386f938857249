"""The text-back decision: every reason not to text, their order, and the limits' edges."""
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from appliance.core.policy import AutoTextCount, CallFacts, Decision, NumberHistory, decide
from appliance.core.templates import DEFAULT_MESSAGES

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=timezone.utc)      # Mon 10:00 in New York
CALLER = "+15551234567"
CALL = CallFacts(number=CALLER, raw_number="5551234567", withheld=False, valid=True,
                 short_code=False, forwarded=True, country="US", line="personal")
FRESH = NumberHistory(last_textback_at=None, textbacks_today=0, opted_out=False,
                      last_inbound_at=None)
SETTINGS = {
    "business_name": "Acme Plumbing", "timezone": "America/New_York",
    "hours": {day: [["08:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "holidays": [], "away": {"on": False, "until": None},
    "messages": dict(DEFAULT_MESSAGES, direct=""),
    "owner_phone": "+15550001111", "exclude": ["+15550002222"], "paused": False,
    "cooldown_minutes": 720, "daily_cap": 3, "active_conversation_hours": 4,
}
BUSINESS_HOURS_TEXT = ("Hey, sorry I missed your call - I'm on a job right now. "
                       "This is Acme Plumbing. What can I help with?")


def ago(**delta):
    return NOW - timedelta(**delta)


@pytest.mark.parametrize("call, settings, history, outcome", [
    (replace(CALL, number=None, raw_number=None, withheld=True, valid=False), {}, {}, "withheld"),
    (replace(CALL, number=None, raw_number="12", valid=False), {}, {}, "invalid_number"),
    (replace(CALL, valid=False), {}, {}, "invalid_number"),
    (replace(CALL, number="+1737", raw_number="737", short_code=True), {}, {}, "short_code"),
    (CALL, {"exclude": [CALLER]}, {}, "excluded"),
    (CALL, {"exclude": ["+1 (555) 123-4567"]}, {}, "excluded"),
    (CALL, {"exclude": ["555-123-4567"]}, {}, "excluded"),        # national form in settings
    (CALL, {"owner_phone": CALLER}, {}, "owner_phone"),
    (CALL, {"business_phone": [CALLER]}, {}, "business_line"),
    (CALL, {"business_phone": "555-123-4567"}, {}, "business_line"),    # one number, national
    (CALL, {}, {"opted_out": True}, "opted_out"),
    (CALL, {"paused": True}, {}, "paused"),
    (CALL, {}, {"last_inbound_at": ago(hours=1)}, "active_conversation"),
    (CALL, {}, {"last_textback_at": ago(minutes=30)}, "cooldown"),
    (CALL, {}, {"textbacks_today": 3}, "daily_cap"),
    (CALL, {}, {}, "text"),
])
def test_each_reason(call, settings, history, outcome):
    decision = decide(call, {**SETTINGS, **settings}, replace(FRESH, **history), NOW)
    assert decision.outcome == outcome
    assert (decision.kind is None) == (outcome != "text")


def test_the_boxs_own_number_is_its_own_outcome():
    assert decide(CALL, SETTINGS, FRESH, NOW, box_number=CALLER).outcome == "own_number"
    assert decide(CALL, SETTINGS, FRESH, NOW, box_number="+15550009999").outcome == "text"


# Every reason at once, then take the first away: the next one in line must be the outcome.
ORDER = ["withheld", "business_line", "invalid_number", "short_code", "premium", "service_number", "foreign",
         "excluded", "opted_out", "paused", "active_conversation", "cooldown", "daily_cap",
         "box_cap", "text"]


def everything_wrong(skip):
    call = CallFacts(number=None if "withheld" not in skip else CALLER,
                     raw_number=None if "withheld" not in skip else CALLER, withheld="withheld" not in skip,
                     valid="invalid_number" in skip, short_code="short_code" not in skip,
                     forwarded=None, country="US" if "foreign" in skip else "JM",
                     line="personal" if "service_number" in skip else
                     "premium" if "premium" not in skip else "service")
    settings = dict(SETTINGS, exclude=[] if "excluded" in skip else [CALLER],
                    paused="paused" not in skip,
                    business_phone=[] if "business_line" in skip else [CALLER])
    history = NumberHistory(
        last_textback_at=None if "cooldown" in skip else ago(minutes=5),
        textbacks_today=0 if "daily_cap" in skip else 9,
        opted_out="opted_out" not in skip,
        last_inbound_at=None if "active_conversation" in skip else ago(minutes=5))
    return call, settings, history


@pytest.mark.parametrize("position", range(len(ORDER)), ids=ORDER)
def test_reasons_are_checked_in_order(position):
    call, settings, history = everything_wrong(set(ORDER[:position]))
    sent = AutoTextCount(0, 0) if "box_cap" in ORDER[:position] else AutoTextCount(20, 20)
    assert decide(call, settings, history, NOW, sent=sent).outcome == ORDER[position]


@pytest.mark.parametrize("settings, history, outcome", [
    # cooldown 720 min: suppressed until exactly 720 min have passed
    ({}, {"last_textback_at": ago(minutes=719, seconds=59)}, "cooldown"),
    ({}, {"last_textback_at": ago(minutes=720)}, "text"),
    ({"cooldown_minutes": 60}, {"last_textback_at": ago(minutes=59)}, "cooldown"),
    ({"cooldown_minutes": 60}, {"last_textback_at": ago(minutes=60)}, "text"),
    ({"cooldown_minutes": 0}, {"last_textback_at": ago(seconds=1)}, "text"),
    ({"cooldown_minutes": None}, {"last_textback_at": ago(seconds=1)}, "text"),
    ({}, {"last_textback_at": NOW + timedelta(minutes=5)}, "cooldown"),   # clock stepped back
    ({}, {"last_textback_at": NOW + timedelta(days=400)}, "text"),        # nonsense timestamp
    # active conversation 4 h
    ({}, {"last_inbound_at": ago(hours=3, minutes=59)}, "active_conversation"),
    ({}, {"last_inbound_at": ago(hours=4)}, "text"),
    ({"active_conversation_hours": 1}, {"last_inbound_at": ago(minutes=61)}, "text"),
    ({"active_conversation_hours": 0}, {"last_inbound_at": ago(seconds=1)}, "text"),
    # daily cap
    ({}, {"textbacks_today": 2}, "text"),
    ({}, {"textbacks_today": 3}, "daily_cap"),
    ({"daily_cap": 1}, {"textbacks_today": 1}, "daily_cap"),
    ({"daily_cap": None}, {"textbacks_today": 50}, "text"),
])
def test_limits_at_their_edges(settings, history, outcome):
    assert decide(CALL, {**SETTINGS, **settings}, replace(FRESH, **history), NOW).outcome == outcome


@pytest.mark.parametrize("history, outcome", [
    ({"last_textback_at": ago(minutes=719)}, "cooldown"),
    ({"last_textback_at": ago(minutes=720)}, "text"),
    ({"textbacks_today": 3}, "daily_cap"),
    ({"textbacks_today": 2}, "text"),
    ({"last_inbound_at": ago(hours=3)}, "active_conversation"),
    ({"last_inbound_at": ago(hours=4)}, "text"),
])
def test_missing_settings_use_defaults(history, outcome):
    assert decide(CALL, {}, replace(FRESH, **history), NOW).outcome == outcome


def test_text_is_the_filled_message_for_now():
    assert decide(CALL, SETTINGS, FRESH, NOW) == Decision("text", "business_hours",
                                                          BUSINESS_HOURS_TEXT)


@pytest.mark.parametrize("settings, now, forwarded, kind, text", [
    ({}, NOW, True, "business_hours", BUSINESS_HOURS_TEXT),
    ({}, NOW + timedelta(hours=10), True, "after_hours",          # Tue 01:00 local
     "Hey, thanks for calling! I'm done for the day but I'll see your message first thing. "
     "What do you need?"),
    ({"emergency_number": "555-0100"}, NOW + timedelta(hours=10), True, "after_hours",
     "Hey, thanks for calling! I'm done for the day but I'll see your message first thing. "
     "If it's urgent, call 555-0100. What do you need?"),
    ({"messages": {"business_hours": "Hi, {owner_name} here. What's up?"},
      "owner_name": "Dave"}, NOW, True, "business_hours", "Hi, Dave here. What's up?"),
    ({"messages": {"business_hours": "   "}}, NOW, True, "business_hours", BUSINESS_HOURS_TEXT),
    ({"messages": {"business_hours": "Call {emergency_number}."}}, NOW, True, "business_hours",
     BUSINESS_HOURS_TEXT),                                        # fills to nothing: default
    ({"messages": {"direct": "This line is for texts. What's up?"}}, NOW, False, "direct",
     "This line is for texts. What's up?"),
    ({"messages": {"direct": "This line is for texts. What's up?"}}, NOW, None,
     "business_hours", BUSINESS_HOURS_TEXT),                      # modem did not say: not direct
    ({"messages": {"direct": ""}}, NOW, False, "business_hours", BUSINESS_HOURS_TEXT),
])
def test_kind_and_text(settings, now, forwarded, kind, text):
    merged = {**SETTINGS, **settings}
    decision = decide(replace(CALL, forwarded=forwarded), merged, FRESH, now)
    assert decision == Decision("text", kind, text)


def test_nothing_is_appended_to_the_owner_message():
    settings = dict(SETTINGS, messages={"business_hours": "Hi! What's up?"})
    assert decide(CALL, settings, FRESH, NOW).text == "Hi! What's up?"


@pytest.mark.parametrize("settings, country, line, outcome", [
    ({}, "US", "personal", "text"),
    ({}, "JM", "personal", "foreign"),                 # +1 876: Jamaica, not the US
    ({"region": "GB"}, "US", "personal", "foreign"),
    ({"region": "GB"}, "GB", "personal", "text"),
    ({"allowed_countries": ["CA", "JM"]}, "JM", "personal", "text"),
    ({"allowed_countries": ["CA"]}, "US", "personal", "text"),   # the own country always
    ({"allowed_countries": ["001"]}, "001", "premium", "premium"),
    ({}, "US", "premium", "premium"),                  # +1 900
    ({"allowed_countries": ["GB"]}, "GB", "premium", "premium"),
    ({}, "US", "service", "service_number"),           # toll-free, pager ...
    ({}, "US", None, "service_number"),                # unknown kind: never texted
])
def test_destination_rules(settings, country, line, outcome):
    call = replace(CALL, country=country, line=line)
    assert decide(call, {**SETTINGS, **settings}, FRESH, NOW).outcome == outcome


@pytest.mark.parametrize("settings, hour, day, outcome", [
    ({}, 19, 19, "text"),
    ({}, 20, 20, "box_cap"),                           # defaults: 20 an hour
    ({}, 5, 99, "text"),
    ({}, 5, 100, "box_cap"),                           # and 100 a day
    ({"auto_texts_per_hour": 50}, 20, 20, "text"),     # the owner raised it
    ({"auto_texts_per_hour": 2, "auto_texts_per_day": 3}, 1, 3, "box_cap"),
])
def test_box_wide_cap_at_its_edges(settings, hour, day, outcome):
    decision = decide(CALL, {**SETTINGS, **settings}, FRESH, NOW, sent=AutoTextCount(hour, day))
    assert decision.outcome == outcome


def test_the_cap_names_the_window_that_tripped():
    from appliance.core.policy import cap_window
    assert cap_window(AutoTextCount(20, 20), {}) == "hour"
    assert cap_window(AutoTextCount(3, 100), {}) == "day"
    assert cap_window(AutoTextCount(3, 3), {}) is None
    assert cap_window(None, {}) is None


def test_a_cap_read_from_settings_keeps_zero_and_defaults_only_when_missing():
    # A stored 0 (say, a data folder written by hand) means "no automatic texts", never the
    # default: only a missing value falls back to it.
    from appliance.core.policy import cap_limits
    from appliance.core.settings import DEFAULTS
    assert cap_limits({"auto_texts_per_hour": 0, "auto_texts_per_day": 0}) == (0, 0)
    assert cap_limits({}) == (DEFAULTS["auto_texts_per_hour"], DEFAULTS["auto_texts_per_day"])
    assert decide_cap_window_with_zero() == "hour"


def decide_cap_window_with_zero():
    from appliance.core.policy import cap_window
    return cap_window(AutoTextCount(last_hour=0, last_day=0),
                      {"auto_texts_per_hour": 0, "auto_texts_per_day": 0})
