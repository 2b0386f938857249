"""Which message kind at which moment. Instants are written in UTC on purpose, so the shop-local
conversion (and daylight saving) is checked against hand-worked values, not recomputed."""
from datetime import datetime, timezone

import pytest

from appliance.core.schedule import is_open, message_kind


def utc(text):
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def shop(**changes):
    settings = {
        "timezone": "America/New_York",
        "hours": {"mon": [["08:00", "12:00"], ["13:00", "17:00"]],   # split shift
                  "tue": [["08:00", "17:00"]], "wed": [["08:00", "17:00"]],
                  "thu": [["08:00", "17:00"]], "fri": [["08:00", "17:00"]],
                  "sat": [["09:00", "12:00"]], "sun": []},
        "holidays": ["2026-12-25"],
        "away": {"on": False, "until": None},
        "messages": {"direct": ""},
    }
    settings.update(changes)
    return settings


# New York is UTC-5 (EST) in winter, UTC-4 (EDT) in summer.
@pytest.mark.parametrize("at, kind", [
    ("2026-11-30T13:00", "business_hours"),   # Mon 08:00 EST: opening minute
    ("2026-11-30T12:59", "after_hours"),      # Mon 07:59
    ("2026-11-30T16:59", "business_hours"),   # Mon 11:59
    ("2026-11-30T17:00", "business_hours"),   # Mon 12:00: lunch break, open again at 13:00
    ("2026-11-30T17:59", "business_hours"),   # Mon 12:59
    ("2026-11-30T18:00", "business_hours"),   # Mon 13:00: second shift
    ("2026-11-30T21:59", "business_hours"),   # Mon 16:59
    ("2026-11-30T22:00", "after_hours"),      # Mon 17:00
    ("2026-11-27T03:00", "after_hours"),      # UTC Fri, shop Thu 22:00
    ("2026-11-28T03:00", "after_hours"),      # UTC Sat, shop still Fri 22:00: not weekend
    ("2026-11-28T14:00", "business_hours"),   # Sat 09:00: Saturday morning shift
    ("2026-11-28T17:00", "weekend"),          # Sat 12:00
    ("2026-11-29T15:00", "weekend"),          # Sun 10:00: closed all day
    ("2026-11-30T03:00", "weekend"),          # UTC Mon, shop Sun 22:00
    ("2026-11-30T05:00", "after_hours"),      # Mon 00:00
])
def test_kind_through_the_week(at, kind):
    assert message_kind(shop(), utc(at)) == kind


@pytest.mark.parametrize("at, kind", [
    ("2026-03-02T12:30", "after_hours"),      # Mon before DST: 07:30 EST
    ("2026-03-02T13:00", "business_hours"),   # 08:00 EST
    ("2026-03-09T11:59", "after_hours"),      # Mon after spring-forward: 07:59 EDT
    ("2026-03-09T12:00", "business_hours"),   # 08:00 EDT
    ("2026-03-09T21:00", "after_hours"),      # 17:00 EDT
    ("2026-11-02T12:30", "after_hours"),      # Mon after fall-back: 07:30 EST
    ("2026-11-02T13:00", "business_hours"),   # 08:00 EST
])
def test_opening_hours_follow_the_wall_clock_across_dst(at, kind):
    assert message_kind(shop(), utc(at)) == kind


NIGHT_SHIFT = {"sun": [["01:00", "03:00"]]}


@pytest.mark.parametrize("at, open_", [
    # spring forward, Sun 2026-03-08: 01:59 EST is followed by 03:00 EDT
    ("2026-03-08T05:59", False),   # 00:59 EST
    ("2026-03-08T06:00", True),    # 01:00 EST
    ("2026-03-08T06:59", True),    # 01:59 EST
    ("2026-03-08T07:00", False),   # 03:00 EDT: the range is over
    # fall back, Sun 2026-11-01: 01:00-02:00 happens twice
    ("2026-11-01T04:59", False),   # 00:59 EDT
    ("2026-11-01T05:30", True),    # 01:30 EDT
    ("2026-11-01T06:30", True),    # 01:30 EST, the second time
    ("2026-11-01T07:30", True),    # 02:30 EST
    ("2026-11-01T08:00", False),   # 03:00 EST
])
def test_dst_change_days_new_york(at, open_):
    settings = shop(hours={**shop()["hours"], **NIGHT_SHIFT})
    assert is_open(settings, utc(at)) is open_


@pytest.mark.parametrize("at, kind", [
    ("2026-03-23T08:59", "after_hours"),      # Mon 08:59 GMT
    ("2026-03-23T09:00", "business_hours"),   # Mon 09:00 GMT
    ("2026-03-29T00:59", "business_hours"),   # Sun 00:59 GMT (night range 00:30-01:30)
    ("2026-03-29T01:00", "weekend"),          # Sun 02:00 BST: clocks jumped past 01:30
    ("2026-03-30T07:59", "after_hours"),      # Mon 08:59 BST
    ("2026-03-30T08:00", "business_hours"),   # Mon 09:00 BST
    ("2026-03-30T16:00", "after_hours"),      # Mon 17:00 BST
    ("2026-10-25T00:30", "weekend"),          # Sun 01:30 BST (end exclusive)
    ("2026-10-25T00:29", "business_hours"),   # Sun 01:29 BST
    ("2026-10-25T01:29", "business_hours"),   # Sun 01:29 GMT, the second time
    ("2026-10-26T08:59", "after_hours"),      # Mon 08:59 GMT
    ("2026-10-26T09:00", "business_hours"),   # Mon 09:00 GMT
])
def test_europe_london(at, kind):
    weekdays = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    settings = shop(timezone="Europe/London",
                    hours={**weekdays, "sat": [], "sun": [["00:30", "01:30"]]})
    assert message_kind(settings, utc(at)) == kind


@pytest.mark.parametrize("hours, at, kind", [
    # "00:00" as an end means midnight: open to the last second of the day
    ({"fri": [["20:00", "00:00"]]}, "2026-11-28T04:59:59", "business_hours"),   # Fri 23:59:59
    ({"fri": [["20:00", "00:00"]]}, "2026-11-28T05:00", "weekend"),             # Sat 00:00
    ({"fri": [["20:00", "24:00"]]}, "2026-11-28T04:59", "business_hours"),
    ({"mon": [["00:00", "06:00"]]}, "2026-11-30T05:00", "business_hours"),      # Mon 00:00
    ({"mon": [["00:00", "06:00"]]}, "2026-11-30T04:59", "weekend"),             # Sun 23:59
    ({"mon": [["00:00", "00:00"]]}, "2026-11-30T16:00", "business_hours"),      # all day
    ({"mon": []}, "2026-11-30T16:00", "after_hours"),                           # closed day
    ({"mon": [["08:00"], "junk", None, ["x", "17:00"]]}, "2026-11-30T16:00", "after_hours"),
    ({"mon": [["junk"], ["08:00", "17:00"]]}, "2026-11-30T16:00", "business_hours"),
])
def test_midnight_edges_and_odd_ranges(hours, at, kind):
    settings = shop(hours=hours)
    assert message_kind(settings, utc(at)) == kind


@pytest.mark.parametrize("holidays, at, kind", [
    (["2026-12-25"], "2026-12-25T03:00", "after_hours"),      # UTC Dec 25, shop Dec 24 22:00
    (["2026-12-25"], "2026-12-26T03:00", "holiday"),          # UTC Dec 26, shop Dec 25 22:00
    (["2026-12-25"], "2026-12-25T15:00", "holiday"),          # inside opening hours too
    ([{"date": "2026-12-25", "name": "Christmas"}], "2026-12-25T15:00", "holiday"),
    (["2026-12-24", "junk"], "2026-12-25T15:00", "business_hours"),
    ([], "2026-12-25T15:00", "business_hours"),
])
def test_holidays_use_the_shop_local_date(holidays, at, kind):
    assert message_kind(shop(holidays=holidays), utc(at)) == kind


@pytest.mark.parametrize("yearly, at, kind", [
    (["12-25"], "2031-12-25T15:00", "holiday"),              # any year
    (["12-25"], "2031-12-25T03:00", "after_hours"),          # shop-local: still Dec 24
    (["02-29"], "2028-02-29T15:00", "holiday"),              # leap day, in leap years
    (["12-24"], "2031-12-25T15:00", "business_hours"),
])
def test_yearly_holidays_repeat_every_year(yearly, at, kind):
    assert message_kind(shop(holidays_yearly=yearly), utc(at)) == kind


@pytest.mark.parametrize("away, at, kind", [
    ({"on": True, "until": None}, "2026-11-30T15:00", "away"),
    ({"on": True, "until": "2026-12-10"}, "2026-12-11T04:59", "away"),       # Dec 10 23:59 local
    ({"on": True, "until": "2026-12-10"}, "2026-12-11T05:00", "after_hours"),  # Dec 11 00:00
    ({"on": True, "until": "2026-12-25"}, "2026-12-25T15:00", "away"),       # beats holiday
    ({"on": True, "until": "not a date"}, "2026-11-30T15:00", "away"),
    ({"on": False, "until": "2026-12-10"}, "2026-11-30T15:00", "business_hours"),
    (None, "2026-11-30T15:00", "business_hours"),
])
def test_away_until_is_inclusive(away, at, kind):
    assert message_kind(shop(away=away), utc(at)) == kind


@pytest.mark.parametrize("direct_message, direct, away, kind", [
    ("This number is for texts. What can I help with?", True, False, "direct"),
    ("This number is for texts. What can I help with?", True, True, "direct"),
    ("This number is for texts. What can I help with?", False, False, "business_hours"),
    ("", True, False, "business_hours"),
    ("   ", True, False, "business_hours"),
    (None, True, False, "business_hours"),
])
def test_direct_calls(direct_message, direct, away, kind):
    settings = shop(messages={"direct": direct_message}, away={"on": away, "until": None})
    assert message_kind(settings, utc("2026-11-30T15:00"), direct=direct) == kind


@pytest.mark.parametrize("zone, at, kind", [
    (None, "2026-11-30T08:00", "business_hours"),              # no timezone: UTC
    ("Mars/Olympus_Mons", "2026-11-30T08:00", "business_hours"),  # unknown: UTC, never fails
    ("Europe/Berlin", "2026-11-30T08:00", "business_hours"),   # 09:00 CET
    ("America/Los_Angeles", "2026-11-30T08:00", "after_hours"),  # 00:00 PST
])
def test_timezone_fallbacks(zone, at, kind):
    assert message_kind(shop(timezone=zone), utc(at)) == kind


def test_naive_now_is_taken_as_utc():
    assert message_kind(shop(), datetime(2026, 11, 30, 13, 0)) == "business_hours"
    assert message_kind(shop(), datetime(2026, 11, 30, 12, 59)) == "after_hours"


def test_empty_settings_never_fail():
    assert message_kind({}, utc("2026-11-30T13:00")) == "after_hours"
    assert message_kind({}, utc("2026-11-29T13:00")) == "weekend"


@pytest.mark.parametrize("break_message, at, kind", [
    ("", "2026-11-30T17:30", "business_hours"),          # Mon 12:30: lunch, no break message
    ("Out for lunch, back at 1.", "2026-11-30T17:30", "break"),
    ("Out for lunch, back at 1.", "2026-11-30T16:30", "business_hours"),   # 11:30: open
    ("Out for lunch, back at 1.", "2026-11-30T22:30", "after_hours"),      # 17:30: done
    ("Out for lunch, back at 1.", "2026-11-30T12:30", "after_hours"),      # 07:30: not yet
    ("Out for lunch, back at 1.", "2026-11-28T18:00", "weekend"),          # Sat 13:00: one range
])
def test_a_lunch_break_is_not_the_end_of_the_day(break_message, at, kind):
    settings = shop(messages={"direct": "", "break": break_message})
    assert message_kind(settings, utc(at)) == kind


@pytest.mark.parametrize("at, kind", [
    ("2026-12-01T03:30", "business_hours"),   # Mon 22:30: the overnight line is open
    ("2026-12-01T06:59", "business_hours"),   # Tue 01:59: still Monday's range
    ("2026-12-01T07:00", "after_hours"),      # Tue 02:00: closed
    ("2026-11-30T23:00", "business_hours"),   # Mon 18:00: between 08-17 and 22-02: a break
    ("2026-11-30T04:30", "weekend"),          # Sun 23:30: Sunday has no overnight range
    ("2026-11-28T03:30", "business_hours"),   # Fri 22:30
    ("2026-11-28T06:30", "business_hours"),   # Sat 01:30: Friday's range runs into Saturday
    ("2026-11-28T07:30", "weekend"),          # Sat 02:30
])
def test_overnight_ranges_run_past_midnight(at, kind):
    hours = {"mon": [["08:00", "17:00"], ["22:00", "02:00"]], "fri": [["22:00", "02:00"]]}
    assert message_kind(shop(hours=hours), utc(at)) == kind
