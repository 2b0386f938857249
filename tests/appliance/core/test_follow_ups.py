"""The rules of the texts sent hours later: when a follow-up or review request is due, when it
waits for the shop to open, and every reason it is never sent."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from appliance.core import follow_ups as f
from appliance.core.follow_ups import DROP, SEND, WAIT, NumberFacts
from appliance.core.segments import analyse
from appliance.core.settings import DEFAULTS
from appliance.core.templates import LATER_MESSAGES, fill, template_error

NY = ZoneInfo("America/New_York")
WEEKDAYS = {d: [["08:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
SETTINGS = {**DEFAULTS, "timezone": "America/New_York",
            "hours": {**WEEKDAYS, "sat": [], "sun": []},
            "follow_up": {"on": True, "after_hours": 4},
            "review_request": {"on": True, "after_hours": 24},
            "review_link": "https://g.page/r/ace/review"}
NUMBER = "+12125551234"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """December 2026 in New York: the 2nd is a Wednesday, the 4th a Friday."""
    return datetime(2026, 12, day, hour, minute, tzinfo=NY)


def follow_up(since):
    return {"kind": "follow_up", "number": NUMBER, "since": since}


def review(since):
    return {"kind": "review_request", "number": NUMBER, "since": since}


SENT = NumberFacts(textback_status="sent")


@pytest.mark.parametrize("now, action", [
    (at(2, 13, 59), WAIT),
    (at(2, 14, 0), SEND),
    (at(2, 16, 59), SEND),
    (at(2, 17, 0), WAIT),       # closed: waits for Thursday 08:00
    (at(3, 8, 0), SEND),
])
def test_a_follow_up_goes_after_hours_in_opening_hours(now, action):
    assert f.decide(follow_up(at(2, 10)), SENT, SETTINGS, now).action == action


def test_one_due_in_the_evening_waits_for_the_next_opening_and_says_when():
    verdict = f.decide(follow_up(at(2, 16)), SENT, SETTINGS, at(2, 21))
    assert (verdict.action, verdict.at) == (WAIT, at(3, 8))


def test_a_friday_afternoon_follow_up_goes_on_monday_morning():
    friday = follow_up(at(4, 15))
    assert f.decide(friday, SENT, SETTINGS, at(5, 12)).at == at(7, 8)
    assert f.decide(friday, SENT, SETTINGS, at(7, 8, 1)).action == SEND


def test_after_a_week_away_it_is_too_late():
    away = {**SETTINGS, "away": {"on": True, "until": "2026-12-09"}}
    verdict = f.decide(follow_up(at(2, 10)), SENT, away, at(2, 15))
    assert (verdict.action, verdict.reason) == (DROP, "too_late")
    assert f.decide(follow_up(at(2, 10)), SENT, SETTINGS, at(6, 15)).reason == "too_late"


def test_holidays_lunch_breaks_and_overnight_ranges_are_respected():
    holiday = {**SETTINGS, "holidays": ["2026-12-03"]}
    assert f.decide(follow_up(at(2, 16)), SENT, holiday, at(2, 21)).at == at(4, 8)
    lunch = {**SETTINGS, "hours": {"wed": [["08:00", "12:00"], ["13:00", "17:00"]]}}
    assert f.decide(follow_up(at(2, 8)), SENT, lunch, at(2, 12, 15)).at == at(2, 13)
    night = {**SETTINGS, "hours": {"wed": [["22:00", "02:00"]]}}
    assert f.decide(follow_up(at(2, 20)), SENT, night, at(3, 1)).action == SEND
    assert f.decide(follow_up(at(2, 23)), SENT, night, at(3, 3)).reason == "too_late"


def test_paused_holds_it_back_until_it_is_too_late():
    paused = {**SETTINGS, "paused": True}
    assert f.decide(follow_up(at(2, 10)), SENT, paused, at(2, 15)) == \
        f.Verdict(WAIT, "paused", None)
    assert f.decide(follow_up(at(2, 10)), SENT, paused, at(5, 15)).reason == "too_late"


@pytest.mark.parametrize("facts, reason", [
    (NumberFacts(textback_status="sent", opted_out=True), "opted_out"),
    (NumberFacts(textback_status="sent", last_inbound_at=at(2, 12)), "replied"),
    (NumberFacts(textback_status="sent", last_call_at=at(2, 11)), "called_again"),
    (NumberFacts(textback_status="failed"), "textback_failed"),
    (NumberFacts(textback_status="sent", last_owner_text_at=at(2, 10, 5)), "owner_texted"),
])
def test_a_follow_up_is_never_sent_when(facts, reason):
    assert f.decide(follow_up(at(2, 10)), facts, SETTINGS, at(2, 10, 30)) == \
        f.Verdict(DROP, reason)


def test_a_follow_up_waits_while_its_text_back_has_not_left_and_ignores_older_news():
    queued = NumberFacts(textback_status="queued")
    assert f.decide(follow_up(at(2, 10)), queued, SETTINGS, at(2, 15)).action == WAIT
    older = NumberFacts(textback_status="sent", last_inbound_at=at(1, 9), last_call_at=at(2, 9))
    assert f.decide(follow_up(at(2, 10)), older, SETTINGS, at(2, 15)).action == SEND


def test_switched_off_or_never_text_drops_it():
    off = {**SETTINGS, "follow_up": {"on": False, "after_hours": 4}}
    assert f.decide(follow_up(at(2, 10)), SENT, off, at(2, 15)).reason == "switched_off"
    never = {**SETTINGS, "exclude": ["+1 212 555 1234"]}
    assert f.decide(follow_up(at(2, 10)), SENT, never, at(2, 15)).reason == "excluded"


def test_a_review_request_once_per_booking_and_per_90_days():
    booked = NumberFacts(booked_at=at(2, 10))
    assert f.decide(review(at(2, 10)), booked, SETTINGS, at(3, 10)).action == SEND
    assert f.decide(review(at(2, 10)), booked, SETTINGS, at(3, 9)).action == WAIT
    assert f.decide(review(at(2, 10)), NumberFacts(), SETTINGS, at(3, 10)).reason == "unbooked"
    rebooked = NumberFacts(booked_at=at(2, 15))
    assert f.decide(review(at(2, 10)), rebooked, SETTINGS, at(3, 10)).reason == "unbooked"
    asked = NumberFacts(booked_at=at(2, 10), last_review_at=at(2, 10) - timedelta(days=89))
    assert f.decide(review(at(2, 10)), asked, SETTINGS, at(3, 10)).reason == "asked_recently"
    long_ago = NumberFacts(booked_at=at(2, 10), last_review_at=at(2, 10) - timedelta(days=91))
    assert f.decide(review(at(2, 10)), long_ago, SETTINGS, at(3, 10)).action == SEND
    no_link = {**SETTINGS, "review_link": ""}
    assert f.decide(review(at(2, 10)), booked, no_link, at(3, 10)).reason == "no_review_link"


def test_review_candidates_are_the_recent_bookings_only():
    booked = [{"number": "+1a", "booked": True, "booked_at": at(2, 10).isoformat()},
              {"number": "+1b", "booked": True, "booked_at": at(1, 10).isoformat()},
              {"number": "+1c", "booked": True, "booked_at": (at(2, 10) - timedelta(days=5))
               .isoformat()},
              {"number": "+1d", "booked": False, "booked_at": None}]
    assert [n for n, _ in f.review_candidates(booked, SETTINGS, at(2, 12))] == ["+1a", "+1b"]
    off = {**SETTINGS, "review_request": {"on": False, "after_hours": 24}}
    assert f.review_candidates(booked, off, at(2, 12)) == []


@pytest.mark.parametrize("kind", LATER_MESSAGES)
def test_the_default_texts_are_one_plain_segment(kind):
    assert template_error(LATER_MESSAGES[kind]) is None
    for values in ({}, {**SETTINGS, "business_name": "Ace Plumbing"}):
        text = fill(LATER_MESSAGES[kind], values)
        assert text and "{" not in text
        assert (analyse(text).encoding, analyse(text).segments) == ("GSM-7", 1)
