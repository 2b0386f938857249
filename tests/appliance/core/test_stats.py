"""Results arithmetic (pure): counts per shop-local day, replies to a text-back, bookings, the
day a timestamp falls on around midnight and DST changes, and day counts that add up."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.core.stats import day_counts, day_finder, summarise

NY = ZoneInfo("America/New_York")
A, B, C = "+12125550101", "+12125550102", "+12125550103"


def utc(*args) -> str:
    return datetime(*args, tzinfo=timezone.utc).isoformat(timespec="microseconds")


@pytest.mark.parametrize("stamp, day", [
    (utc(2026, 3, 8, 4, 59, 59), date(2026, 3, 7)),    # 23:59:59 EST, the night DST starts
    (utc(2026, 3, 8, 5, 0, 0), date(2026, 3, 8)),      # midnight EST
    (utc(2026, 3, 9, 3, 59, 59), date(2026, 3, 8)),    # 23:59:59 EDT (the day had 23 hours)
    (utc(2026, 3, 9, 4, 0, 0), date(2026, 3, 9)),
    (utc(2026, 11, 1, 4, 0, 0), date(2026, 11, 1)),    # the day DST ends (25 hours)
    (utc(2026, 11, 2, 4, 59, 59), date(2026, 11, 1)),
    (utc(2026, 11, 2, 5, 0, 0), date(2026, 11, 2)),
    (utc(2026, 3, 6, 12, 0, 0), None),                 # before the period
    (utc(2026, 11, 3, 12, 0, 0), None),                # after it
])
def test_a_timestamp_falls_on_the_shops_local_day(stamp, day):
    find = day_finder(date(2026, 3, 7), date(2026, 11, 2), NY)
    assert find(stamp) == day
    expected = datetime.fromisoformat(stamp).astimezone(NY).date()       # a second opinion
    assert day in (expected, None)


def _call(number, at, outcome="texted"):
    return {"number": number, "started_at": at, "ended_at": at, "outcome": outcome}


def test_the_seed_articles_funnel_from_the_shops_own_records():
    day = date(2026, 11, 20)
    noon = utc(2026, 11, 20, 17)
    calls = [_call(A, noon), _call(B, noon), _call(C, noon, "withheld"),
             _call(A, utc(2026, 11, 21, 17), "cooldown")]
    inbound = [{"number": A, "at": utc(2026, 11, 20, 17, 5)},        # replied after the text
               {"number": A, "at": utc(2026, 11, 20, 18)},           # counted once
               {"number": B, "at": utc(2026, 11, 20, 16)}]           # before the text: not
    contacts = [{"number": A, "booked": True, "booked_at": utc(2026, 11, 21, 15),
                 "job_value": 350}]
    result = summarise(calls, inbound, contacts, day, day + timedelta(days=1), NY, 400)
    assert (result["missed"], result["texted"], result["replied"], result["booked"]) == \
        (4, 2, 1, 1)
    assert (result["reply_rate"], result["booking_rate"]) == (0.5, 1.0)
    assert (result["revenue"], result["value_recovered"]) == (350.0, 350.0)
    assert [d["missed"] for d in result["per_day"]] == [3, 1]


def test_without_bookings_the_value_is_replies_times_the_average_job():
    noon = utc(2026, 11, 20, 17)
    result = summarise([_call(A, noon)], [{"number": A, "at": utc(2026, 11, 20, 18)}], [],
                       date(2026, 11, 20), date(2026, 11, 20), NY, 400)
    assert (result["value_recovered"], result["value_basis"]) == (400.0,
                                                                  "replies x average job value")


def test_a_reply_counts_on_the_day_of_its_text_back_whatever_the_order_given():
    calls = [_call(A, utc(2026, 11, 20, 17))]
    inbound = [{"number": A, "at": utc(2026, 11, 21, 17)},      # newest first, as stored
               {"number": A, "at": utc(2026, 11, 20, 18)},
               {"number": None, "at": utc(2026, 11, 20, 18)}]
    result = summarise(calls, inbound, [], date(2026, 11, 20), date(2026, 11, 21), NY, 400)
    assert [d["replied"] for d in result["per_day"]] == [1, 0]


def test_a_text_back_is_replied_once_and_a_reply_belongs_to_the_latest_text_back():
    calls = [_call(A, utc(2026, 11, 20, 17)), _call(A, utc(2026, 11, 21, 17)),
             _call(B, utc(2026, 11, 20, 17))]
    inbound = [{"number": A, "at": utc(2026, 11, 21, 18)},        # answers the second
               {"number": B, "at": utc(2026, 11, 28, 18)}]        # more than a week later
    result = summarise(calls, inbound, [], date(2026, 11, 20), date(2026, 11, 21), NY, 400)
    assert [(d["texted"], d["replied"]) for d in result["per_day"]] == [(2, 0), (1, 1)]


# Any split of a period counts the same days the same way: a year is the sum of its months.
_stamps = st.integers(min_value=0, max_value=60 * 24 * 40).map(
    lambda minutes: (datetime(2026, 10, 20, tzinfo=timezone.utc)
                     + timedelta(minutes=minutes)).isoformat(timespec="microseconds"))


@settings(max_examples=60, deadline=None)
@given(calls=st.lists(st.tuples(st.sampled_from([A, B, C]), _stamps,
                                st.sampled_from(["texted", "cooldown", "unconfirmed"])),
                      max_size=25),
       replies=st.lists(st.tuples(st.sampled_from([A, B, C]), _stamps), max_size=25),
       split=st.integers(min_value=1, max_value=30))
def test_day_counts_add_up_whatever_the_period(calls, replies, split):
    calls = [_call(n, at, outcome) for n, at, outcome in calls]
    inbound = [{"number": n, "at": at} for n, at in replies]
    start, end = date(2026, 10, 25), date(2026, 11, 25)
    middle = start + timedelta(days=split)
    whole = day_counts(calls, inbound, start, end, NY)
    parts = {**day_counts(calls, inbound, start, middle - timedelta(days=1), NY),
             **day_counts(calls, inbound, middle, end, NY)}
    assert parts == whole
    assert all(replied <= texted for _, texted, replied, *_ in whole.values())
