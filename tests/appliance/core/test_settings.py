"""Settings: defaults, the field list, validate_patch (every field, every error) and merging."""
import copy

import pytest

from appliance.core import settings as s
from appliance.core.domain import ValidationError
from appliance.core.templates import DEFAULT_MESSAGES, LATER_MESSAGES

NOT_US = "is not a valid phone number (numbers without + are read as US numbers)"

# (patch, key to look at, expected value after validate_patch)
VALID = [
    ({"business_name": "  Bob's Plumbing "}, "business_name", "Bob's Plumbing"),
    ({"owner_name": "Bob"}, "owner_name", "Bob"),
    ({"owner_email": "sam@ace.example"}, "owner_email", "sam@ace.example"),
    ({"owner_phone": "(201) 555-0123"}, "owner_phone", "+12015550123"),
    ({"owner_phone": ""}, "owner_phone", ""),
    ({"emergency_number": "(201) 555-0123"}, "emergency_number", "(201) 555-0123"),
    ({"booking_link": "https://bobs.example.com/book?x=1"}, "booking_link",
     "https://bobs.example.com/book?x=1"),
    ({"booking_link": ""}, "booking_link", ""),
    ({"review_link": " https://g.page/r/bobs/review "}, "review_link",
     "https://g.page/r/bobs/review"),
    ({"follow_up": {"on": True, "after_hours": 4}}, "follow_up", {"on": True, "after_hours": 4}),
    ({"review_request": {"on": True, "after_hours": 1.5}, "review_link": "https://x.example/r"},
     "review_request", {"on": True, "after_hours": 1.5}),
    ({"box_number": "+44 20 7183 8750"}, "box_number", "+442071838750"),
    ({"timezone": "Europe/London"}, "timezone", "Europe/London"),
    ({"region": "gb"}, "region", "GB"),
    ({"holiday_region": "ca"}, "holiday_region", "CA"),
    ({"holiday_region": ""}, "holiday_region", None),
    ({"holiday_region": None}, "holiday_region", None),
    ({"hours": {"fri": [["13:00", "17:00"], ["8:00", "12:00"]]}}, "hours",
     {**s.DEFAULTS["hours"], "fri": [["08:00", "12:00"], ["13:00", "17:00"]]}),
    ({"hours": {"sat": [["18:00", "24:00"]], "sun": [["00:00", "00:00"]]}}, "hours",
     {**s.DEFAULTS["hours"], "sat": [["18:00", "00:00"]], "sun": [["00:00", "00:00"]]}),
    ({"hours": {"mon": [["08:00", "12:00"], ["12:00", "17:00"]]}}, "hours",
     {**s.DEFAULTS["hours"], "mon": [["08:00", "12:00"], ["12:00", "17:00"]]}),
    ({"hours": {"mon": []}}, "hours", {**s.DEFAULTS["hours"], "mon": []}),
    ({"hours": {"fri": [["22:00", "02:00"], ["08:00", "17:00"]]}}, "hours",     # overnight
     {**s.DEFAULTS["hours"], "fri": [["08:00", "17:00"], ["22:00", "02:00"]]}),
    ({"messages": {"break": "Back from lunch at 1. {business_name}"}}, "messages",
     {**s.DEFAULTS["messages"], "break": "Back from lunch at 1. {business_name}"}),
    ({"holidays": ["2026-12-25", "2026-01-01", "2026-12-25"]}, "holidays",
     ["2026-01-01", "2026-12-25"]),
    ({"messages": {"away": " Away till Monday. {business_name} "}}, "messages",
     {**s.DEFAULTS["messages"], "away": "Away till Monday. {business_name}"}),
    ({"messages": {"direct": ""}}, "messages", s.DEFAULTS["messages"]),
    ({"away": {"on": True, "until": "2026-12-31"}}, "away", {"on": True, "until": "2026-12-31"}),
    ({"away": {"on": False}}, "away", {"on": False, "until": None}),
    ({"paused": True}, "paused", True),
    ({"first_text_reply": False}, "first_text_reply", False),
    ({"first_text_reply_in_hours": True}, "first_text_reply_in_hours", True),
    ({"forward_replies": False}, "forward_replies", False),
    ({"fault_texts": False}, "fault_texts", False),
    ({"weekly_summary": True}, "weekly_summary", True),
    ({"holidays_yearly": ["12-25", " 01-01", "12-25", "02-29"]}, "holidays_yearly",
     ["01-01", "02-29", "12-25"]),
    ({"reject_after_seconds": None}, "reject_after_seconds", None),
    ({"reject_after_seconds": 5}, "reject_after_seconds", 5),
    ({"reject_after_seconds": 60}, "reject_after_seconds", 60),
    ({"cooldown_minutes": 0}, "cooldown_minutes", 0),
    ({"cooldown_minutes": 10080}, "cooldown_minutes", 10080),
    ({"cooldown_minutes": 30.0}, "cooldown_minutes", 30),
    ({"daily_cap": 1}, "daily_cap", 1),
    ({"daily_cap": 20}, "daily_cap", 20),
    ({"active_conversation_hours": 0}, "active_conversation_hours", 0),
    ({"active_conversation_hours": 1.5}, "active_conversation_hours", 1.5),
    ({"active_conversation_hours": 72}, "active_conversation_hours", 72),
    ({"ring_gap_seconds": 4}, "ring_gap_seconds", 4),
    ({"exclude": ["(201) 555-0123", "+12015550123", "+44 20 7183 8750"]}, "exclude",
     ["+12015550123", "+442071838750"]),
    ({"exclude": []}, "exclude", []),
    ({"business_phone": "(201) 555-0123"}, "business_phone", ["+12015550123"]),   # one number
    ({"business_phone": ["(201) 555-0123", "+12015550124"]}, "business_phone",
     ["+12015550123", "+12015550124"]),
    ({"business_phone": ""}, "business_phone", []),
    ({"urgent_words": [" leak ", "no heat", "leak"]}, "urgent_words", ["leak", "no heat"]),
    ({"quick_replies": ["On my way!"]}, "quick_replies", ["On my way!"]),
    ({"average_job_value": 0}, "average_job_value", 0),
    ({"average_job_value": 250.5}, "average_job_value", 250.5),
    # Connections: mqtt merges into the saved one; webhooks list every event type when none given
    ({"mqtt": {"host": " 192.168.1.10 ", "tls": True}}, "mqtt",
     {**s.DEFAULTS["mqtt"], "host": "192.168.1.10", "tls": True}),
    ({"mqtt": {"host": "", "prefix": "shop/van1", "password_set": False}}, "mqtt",
     {**s.DEFAULTS["mqtt"], "prefix": "shop/van1"}),
    ({"webhooks": [{"url": "https://jobs.example.com/hook", "secret": "s" * 16,
                    "events": ["reply", "missed_call"]}]}, "webhooks",
     [{"url": "https://jobs.example.com/hook", "secret": "s" * 16,
       "events": ["missed_call", "reply"]}]),
    ({"webhooks": []}, "webhooks", []),
    ({"allowed_countries": ["ca", " MX ", "CA"]}, "allowed_countries", ["CA", "MX"]),
    ({"allowed_countries": []}, "allowed_countries", []),
    ({"auto_texts_per_hour": 1, "auto_texts_per_day": 1}, "auto_texts_per_hour", 1),
    ({"auto_texts_per_hour": 1000, "auto_texts_per_day": 10000}, "auto_texts_per_day", 10000),
]

# (patch, the exact errors)
INVALID = [
    ({"nope": 1}, {"nope": "unknown setting"}),
    ({"business_name": 5}, {"business_name": "must be text"}),
    ({"business_name": "x" * 61}, {"business_name": "is longer than 60 characters"}),
    ({"owner_name": "x" * 41}, {"owner_name": "is longer than 40 characters"}),
    ({"owner_email": "x" * 121}, {"owner_email": "is longer than 120 characters"}),
    ({"owner_phone": "12"}, {"owner_phone": f"12 {NOT_US}"}),
    ({"owner_phone": "+15551234567"}, {"owner_phone": f"+15551234567 {NOT_US}"}),
    ({"owner_phone": 2015550123}, {"owner_phone": "must be text"}),
    ({"emergency_number": "911"}, {"emergency_number": f"911 {NOT_US}"}),
    ({"box_number": "abc"}, {"box_number": f"abc {NOT_US}"}),
    ({"review_link": "ftp://bobs.example.com"},
     {"review_link": "must start with http:// or https://"}),
    ({"review_request": {"on": True, "after_hours": 24}},
     {"review_request": "review requests need a review link (a web address) to send"}),
    ({"follow_up": {"on": "yes", "after_hours": 0, "when": 1}},
     {"follow_up.on": "must be true or false", "follow_up.when": "unknown field; use on and "
      "after_hours", "follow_up.after_hours": "must be between 1 and 168 hours"}),
    ({"follow_up": {"on": True, "after_hours": "4"}},
     {"follow_up.after_hours": "must be a number of hours"}),
    ({"review_request": True},
     {"review_request": 'must be an object like {"on": true, "after_hours": 4}'}),
    ({"booking_link": "ftp://bobs.example.com"},
     {"booking_link": "must start with http:// or https://"}),
    ({"booking_link": "bobs plumbing"}, {"booking_link": "must start with http:// or https://"}),
    ({"booking_link": "https://"},
     {"booking_link": "is not a web address like https://example.com/book"}),
    ({"booking_link": "https://bobs example.com"},
     {"booking_link": "is not a web address like https://example.com/book"}),
    ({"booking_link": "https://example.com/" + "x" * 200},
     {"booking_link": "is longer than 200 characters"}),
    ({"timezone": "Mars/Olympus"},
     {"timezone": "unknown time zone 'Mars/Olympus'; use a name like America/New_York"}),
    ({"timezone": "../../etc/passwd"},
     {"timezone": "unknown time zone '../../etc/passwd'; use a name like America/New_York"}),
    ({"timezone": ""}, {"timezone": "must be a time zone name like America/New_York"}),
    ({"timezone": 5}, {"timezone": "must be a time zone name like America/New_York"}),
    ({"region": "ZZ"}, {"region": "unknown country code 'ZZ'; use two letters like US or GB"}),
    ({"region": 1}, {"region": "must be text"}),
    ({"holiday_region": "not a code!"},
     {"holiday_region": "use the state or province code, like CA or ON"}),
    ({"holiday_region": 5}, {"holiday_region": "must be text"}),
    ({"hours": "all day"}, {"hours": "must be an object with days mon .. sun"}),
    ({"hours": {"xyz": []}}, {"hours.xyz": "unknown day; use mon, tue, wed, thu, fri, sat, sun"}),
    ({"hours": {"mon": "08:00-17:00"}},
     {"hours.mon": 'must be a list of ranges like [["08:00", "17:00"]]'}),
    ({"hours": {"mon": [["08:00", "09:00"]] * 7}}, {"hours.mon": "has more than 6 ranges"}),
    ({"hours": {"mon": [["08:00", "12:00"], ["11:00", "02:00"]]}},      # overnight overlaps
     {"hours.mon[1]": "11:00-02:00 overlaps 08:00-12:00"}),
    ({"hours": {"mon": [["22:00", "02:00"], ["23:00", "23:30"]]}},
     {"hours.mon[1]": "23:00-23:30 overlaps 22:00-02:00"}),
    ({"hours": {"tue": [["09:00", "09:00"]]}},
     {"hours.tue[0]": "start 09:00 is the same as end 09:00"}),
    ({"hours": {"wed": [["08:00", "12:00"], ["11:00", "13:00"]]}},
     {"hours.wed[1]": "11:00-13:00 overlaps 08:00-12:00"}),
    ({"hours": {"wed": [["11:00", "13:00"], ["08:00", "12:00"]]}},
     {"hours.wed[0]": "11:00-13:00 overlaps 08:00-12:00"}),
    ({"hours": {"thu": [["8am", "12:00"]]}},
     {"hours.thu[0]": "start '8am' is not a time like 08:00"}),
    ({"hours": {"thu": [["24:00", "24:00"]]}},
     {"hours.thu[0]": "start '24:00' is not a time like 08:00"}),
    ({"hours": {"fri": [["08:00", "25:00"]]}},
     {"hours.fri[0]": "end '25:00' is not a time like 17:00"}),
    ({"hours": {"fri": [["08:00", "12:60"]]}},
     {"hours.fri[0]": "end '12:60' is not a time like 17:00"}),
    ({"hours": {"sat": [["08:00"]]}},
     {"hours.sat[0]": 'must be [start, end] like ["08:00", "17:00"]'}),
    ({"holidays": "2026-12-25"}, {"holidays": "must be a list"}),
    ({"holidays": ["2026-12-25", "2026-02-30", "25/12/2026"]},
     {"holidays[1]": "must be a date like 2026-12-25",
      "holidays[2]": "must be a date like 2026-12-25"}),
    ({"messages": "hi"}, {"messages": "must be an object of message kind -> text"}),
    ({"messages": {"away": ""}}, {"messages.away": "is empty"}),
    ({"messages": {"weekend": "Hi {nope}"}},
     {"messages.weekend": "unknown placeholder {nope}; use one of {business_name}, {owner_name}, "
                          "{emergency_number}, {booking_link}, {review_link}"}),
    ({"messages": {"party": "x"}},
     {"messages.party": "unknown message kind; use one of business_hours, after_hours, weekend, "
                        "holiday, away, first_text, direct, break, follow_up, review_request"}),
    ({"messages": {"holiday": 5}}, {"messages.holiday": "must be text"}),
    ({"messages": {"after_hours": "x" * 641}},
     {"messages.after_hours": "is longer than 640 characters"}),
    ({"away": True}, {"away": 'must be an object like {"on": true, "until": "2026-12-31"}'}),
    ({"away": {"on": "yes"}}, {"away.on": "must be true or false"}),
    ({"away": {"until": "2026-12-31"}}, {"away.on": "must be true or false"}),
    ({"away": {"on": True, "until": "tomorrow"}},
     {"away.until": "must be a date like 2026-12-31, or null"}),
    ({"away": {"on": True, "when": 1}}, {"away.when": "unknown field; use on and until"}),
    ({"paused": "yes"}, {"paused": "must be true or false"}),
    ({"first_text_reply": "on"}, {"first_text_reply": "must be true or false"}),
    ({"first_text_reply_in_hours": 1}, {"first_text_reply_in_hours": "must be true or false"}),
    ({"forward_replies": 1}, {"forward_replies": "must be true or false"}),
    ({"fault_texts": "yes"}, {"fault_texts": "must be true or false"}),
    ({"weekly_summary": None}, {"weekly_summary": "must be true or false"}),
    ({"holidays_yearly": ["12-25", "02-30", "2026-12-25", 1225]},
     {"holidays_yearly[1]": "must be a month and day like 12-25",
      "holidays_yearly[2]": "must be a month and day like 12-25",
      "holidays_yearly[3]": "must be a month and day like 12-25"}),
    ({"reject_after_seconds": 4}, {"reject_after_seconds": "must be between 5 and 60"}),
    ({"reject_after_seconds": 61}, {"reject_after_seconds": "must be between 5 and 60"}),
    ({"reject_after_seconds": 7.5}, {"reject_after_seconds": "must be a whole number"}),
    ({"reject_after_seconds": "10"}, {"reject_after_seconds": "must be a number"}),
    ({"cooldown_minutes": -1}, {"cooldown_minutes": "must be between 0 and 10080"}),
    ({"cooldown_minutes": 10081}, {"cooldown_minutes": "must be between 0 and 10080"}),
    ({"cooldown_minutes": True}, {"cooldown_minutes": "must be a number"}),
    ({"cooldown_minutes": "720"}, {"cooldown_minutes": "must be a number"}),
    ({"cooldown_minutes": None}, {"cooldown_minutes": "must be a number"}),
    ({"cooldown_minutes": float("nan")}, {"cooldown_minutes": "must be a number"}),
    ({"daily_cap": 0}, {"daily_cap": "must be between 1 and 20"}),
    ({"daily_cap": 21}, {"daily_cap": "must be between 1 and 20"}),
    ({"active_conversation_hours": 73}, {"active_conversation_hours": "must be between 0 and 72"}),
    ({"active_conversation_hours": "4"}, {"active_conversation_hours": "must be a number"}),
    ({"ring_gap_seconds": 3}, {"ring_gap_seconds": "must be between 4 and 30"}),
    ({"exclude": "+12015550123"}, {"exclude": "must be a list"}),
    ({"business_phone": "12"}, {"business_phone[0]": f"12 {NOT_US}"}),
    ({"business_phone": ["+12015550123", 7]}, {"business_phone[1]": "must be text"}),
    ({"exclude": ["+12015550123", "12"]}, {"exclude[1]": f"12 {NOT_US}"}),
    ({"exclude": ["+12015550123"] * 501}, {"exclude": "has more than 500 entries"}),
    ({"urgent_words": ["leak", " "]}, {"urgent_words[1]": "is empty"}),
    ({"urgent_words": [5]}, {"urgent_words[0]": "must be text"}),
    ({"urgent_words": ["x" * 41]}, {"urgent_words[0]": "is longer than 40 characters"}),
    ({"quick_replies": ["ok"] * 11}, {"quick_replies": "has more than 10 entries"}),
    ({"quick_replies": ["x" * 321]}, {"quick_replies[0]": "is longer than 320 characters"}),
    ({"quick_replies": ["fine", ""]}, {"quick_replies[1]": "is empty"}),
    ({"average_job_value": -1}, {"average_job_value": "must be between 0 and 10000000"}),
    ({"average_job_value": "400"}, {"average_job_value": "must be a number"}),
    ({"mqtt": "broker"}, {"mqtt": 'must be an object like {"host": "192.168.1.10", "port": 1883}'}),
    ({"mqtt": {"host": "mqtt://broker", "port": 70000, "qos": 1, "tls": "yes",
               "prefix": "text/#"}},
     {"mqtt.qos": "unknown field; use host, port, username, password, tls, prefix, "
                  "discovery_prefix",
      "mqtt.host": "just the broker's name or address, like 192.168.1.10 or broker.local",
      "mqtt.port": "must be a whole number from 1 to 65535 (usually 1883, or 8883 with TLS)",
      "mqtt.tls": "must be true or false",
      "mqtt.prefix": "letters, digits, - and _ (levels split by /), like textback"}),
    ({"webhooks": [{"url": "ftp://x", "secret": "short", "events": ["calls"], "to": 1}]},
     {"webhooks[0].to": "unknown field; use url, secret and events",
      "webhooks[0].url": "must be a web address starting with http:// or https://",
      "webhooks[0].secret": "give a secret of at least 16 characters (the receiver checks the "
                            "signature with it)",
      "webhooks[0].events": "unknown event type 'calls'; use missed_call, text_back, reply, "
                            "delivery, opt_out, urgent, fault"}),
    ({"webhooks": {"url": "https://x.example"}},
     {"webhooks": 'must be a list like [{"url": "https://...", "secret": "...", '
                  '"events": ["missed_call"]}]'}),
    ({"allowed_countries": "CA"}, {"allowed_countries": "must be a list"}),
    ({"allowed_countries": ["CA", "XX", 7]},
     {"allowed_countries[1]": "unknown country code 'XX'; use two letters like US or GB",
      "allowed_countries[2]": "must be text"}),
    ({"allowed_countries": ["CA"] * 51}, {"allowed_countries": "has more than 50 entries"}),
    ({"auto_texts_per_hour": 0}, {"auto_texts_per_hour": "must be between 1 and 1000"}),
    ({"auto_texts_per_hour": None}, {"auto_texts_per_hour": "must be a number"}),
    ({"auto_texts_per_day": 10001}, {"auto_texts_per_day": "must be between 1 and 10000"}),
    ({"auto_texts_per_day": 19},
     {"auto_texts_per_day": "the limit per day (19) can't be lower than the limit per hour (20)"}),
    ({"auto_texts_per_hour": 150}, {"auto_texts_per_hour": "the limit per day (100) can't be "
                                                           "lower than the limit per hour (150)"}),
]


def current():
    return s.defaults()


@pytest.mark.parametrize("patch, key, expected", VALID, ids=[repr(p)[:60] for p, _, _ in VALID])
def test_valid_values_are_cleaned(patch, key, expected):
    assert s.validate_patch(current(), patch)[key] == expected


@pytest.mark.parametrize("patch, errors", INVALID, ids=[repr(p)[:60] for p, _ in INVALID])
def test_invalid_values_are_named_precisely(patch, errors):
    with pytest.raises(ValidationError) as caught:
        s.validate_patch(current(), patch)
    assert caught.value.errors == errors


def test_every_field_is_covered_by_both_tables():
    names = {f.name for f in s.FIELDS}
    assert names <= {key for _, key, _ in VALID}
    assert names <= {s.setting_of(key) for _, errors in INVALID for key in errors}


def test_all_problems_are_reported_at_once():
    with pytest.raises(ValidationError) as caught:
        s.validate_patch(current(), {"daily_cap": 0, "timezone": "Nowhere", "bogus": 1,
                                     "hours": {"mon": [["17:00", "17:00"]]}})
    assert set(caught.value.errors) == {"daily_cap", "timezone", "bogus", "hours.mon[0]"}
    assert "hours.mon[0]: start 17:00 is the same as end 17:00" in str(caught.value)


def test_a_patch_must_be_an_object():
    with pytest.raises(ValidationError) as caught:
        s.validate_patch(current(), ["paused"])
    assert caught.value.errors == {"settings": "must be an object of settings"}


def test_messages_and_hours_merge_key_by_key_other_keys_replace():
    before = current()
    before["away"] = {"on": True, "until": "2026-12-31"}
    before["exclude"] = ["+12015550123"]

    merged = s.validate_patch(before, {
        "messages": {"away": "Back Monday. {business_name}"},
        "hours": {"sat": [["09:00", "12:00"]]},
        "away": {"on": False},
        "exclude": ["+14155552671"]})

    assert merged["messages"] == {**DEFAULT_MESSAGES, "direct": "", "break": "", **LATER_MESSAGES,
                                  "away": "Back Monday. {business_name}"}
    assert merged["hours"]["mon"] == [["08:00", "17:00"]]
    assert merged["hours"]["sat"] == [["09:00", "12:00"]]
    assert merged["away"] == {"on": False, "until": None}
    assert merged["exclude"] == ["+14155552671"]
    assert before["away"] == {"on": True, "until": "2026-12-31"}   # current is not changed


def test_numbers_use_the_region_of_the_same_patch():
    merged = s.validate_patch(current(), {"region": "GB", "owner_phone": "020 7183 8750"})
    assert merged["owner_phone"] == "+442071838750"


def test_changing_the_region_rechecks_a_national_emergency_number():
    before = s.validate_patch(current(), {"emergency_number": "(201) 555-0123"})
    with pytest.raises(ValidationError) as caught:
        s.validate_patch(before, {"region": "GB"})
    assert caught.value.errors == {"emergency_number": "(201) 555-0123 would be read as a GB "
                                   "number; type it with its country code (+12015550123)"}
    assert s.validate_patch(before, {"region": "CA"})["region"] == "CA"   # same plan: fine
    moved = s.validate_patch(before, {"region": "GB", "emergency_number": "+1 201 555 0123"})
    assert moved["region"] == "GB"


def test_the_defaults_are_valid_and_use_the_template_messages():
    assert s.validate_patch(current(), copy.deepcopy(s.DEFAULTS)) == s.DEFAULTS
    assert s.DEFAULTS["messages"] == {**DEFAULT_MESSAGES, "direct": "", "break": "",
                                       **LATER_MESSAGES}
    assert s.DEFAULTS["cooldown_minutes"] == 720 and s.DEFAULTS["paused"] is False
    assert s.defaults() is not s.DEFAULTS


def test_only_differences_are_saved_and_load_restores_them():
    settings = s.validate_patch(current(), {"business_name": "Bob's", "daily_cap": 5,
                                            "messages": {"away": "Gone fishing. {business_name}"},
                                            "hours": {"sun": [["10:00", "14:00"]]}})

    saved = s.differences(settings)

    assert saved == {"business_name": "Bob's", "daily_cap": 5,
                     "messages": {"away": "Gone fishing. {business_name}"},
                     "hours": {"sun": [["10:00", "14:00"]]}}
    assert s.load(saved) == settings


def test_load_skips_what_no_longer_passes():
    loaded = s.load({"daily_cap": 99, "owner_phone": "+12015550123", "gone": True,
                     "hours": {"mon": [["17:00", "17:00"]], "sat": [["09:00", "12:00"]]}})
    assert loaded["daily_cap"] == 3 and loaded["owner_phone"] == "+12015550123"
    assert loaded["hours"]["mon"] == [["08:00", "17:00"]]
    assert loaded["hours"]["sat"] == [["09:00", "12:00"]]
    assert "gone" not in loaded


def test_the_field_list_describes_every_setting_for_the_page():
    described = s.fields()
    assert [f["name"] for f in described] == list(s.DEFAULTS)
    for field in described:
        assert field["label"] and field["help"] and field["kind"]
        assert field["default"] == s.DEFAULTS[field["name"]]
    by_name = {f["name"]: f for f in described}
    assert (by_name["daily_cap"]["minimum"], by_name["daily_cap"]["maximum"]) == (1, 20)
    assert by_name["reject_after_seconds"]["nullable"] is True


def test_setting_of_names_the_setting_of_an_error_key():
    assert s.setting_of("hours.mon[1]") == "hours"
    assert s.setting_of("exclude[2]") == "exclude"
    assert s.setting_of("away.until") == "away"
    assert s.setting_of("paused") == "paused"


def test_connection_secrets_are_kept_unless_replaced_and_never_shown():
    from appliance.core.settings_connections import public
    hook = {"url": "https://jobs.example.com/hook", "secret": "s" * 16}
    saved = s.validate_patch(current(), {"mqtt": {"host": "broker.local", "password": "pw1"},
                                         "webhooks": [hook]})
    # Left out or blank: kept (matched by the hook's address); null forgets the password.
    kept = s.validate_patch(saved, {"mqtt": {"port": 8883, "password": ""},
                                    "webhooks": [{"url": hook["url"], "secret_set": True}]})
    assert kept["mqtt"] == {**saved["mqtt"], "port": 8883}
    assert kept["webhooks"][0]["secret"] == "s" * 16
    assert s.validate_patch(kept, {"mqtt": {"password": None}})["mqtt"]["password"] == ""
    with pytest.raises(ValidationError) as caught:      # a new address needs its own secret
        s.validate_patch(kept, {"webhooks": [{"url": "https://other.example.com/h"}]})
    assert set(caught.value.errors) == {"webhooks[0].secret"}
    shown = public(kept)
    assert "password" not in shown["mqtt"] and shown["mqtt"]["password_set"] is True
    assert shown["webhooks"] == [{"url": hook["url"], "events": kept["webhooks"][0]["events"],
                                  "secret_set": True}]
    assert kept["mqtt"]["password"] == "pw1"          # public() copied, did not change


def test_caps_saved_together_load_together(tmp_path):
    """The day's cap is checked against the hour's: loading one alone must not drop the other."""
    saved = s.differences(s.validate_patch(current(), {"auto_texts_per_hour": 150,
                                                         "auto_texts_per_day": 500}))
    assert list(saved) == ["auto_texts_per_hour", "auto_texts_per_day"]
    loaded = s.load(saved)
    assert (loaded["auto_texts_per_hour"], loaded["auto_texts_per_day"]) == (150, 500)
    loaded = s.load({"auto_texts_per_day": 10})          # below the default hour: skipped
    assert (loaded["auto_texts_per_hour"], loaded["auto_texts_per_day"]) == (20, 100)
