"""Results of closed months from their saved sums: the same figures as counting every record,
and late edits (an old call's outcome, a reply to an old text-back, a booking, the time zone)
show at once. Real TinyDB files and journal in tmp_path; the figures are checked against a
second opinion that counts every record with the pure stats code."""
import json
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from appliance.core import stats
from appliance.storage.store import Store
from tests.helpers import Clock

NY = ZoneInfo("America/New_York")
A, B, C = "+12125550101", "+12125550102", "+12125550103"


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path, clock=Clock(datetime(2026, 12, 10, 17, tzinfo=timezone.utc)))
    s.save_settings({**s.settings(), "timezone": "America/New_York"})
    yield s
    s.close()


def ny(month, day, hour=12, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=NY)


def call(store, number, at, outcome="texted"):
    return store.add_call({"number": number, "started_at": at, "ended_at": at,
                           "outcome": outcome})


def reply(store, number, at, kind="reply"):
    return store.add_message({"number": number, "direction": "in", "text": "hi", "at": at,
                              "kind": kind})


def second_opinion(store, start, end, zone=NY):
    everything = [c.to_row() for c in store.calls(limit=None)]
    inbound = [m.to_row() for m in store.messages_between(datetime(2000, 1, 1),
                                                          datetime(2100, 1, 1), "in")
               if m.kind in (None, "reply")]
    return stats.day_counts(everything, inbound, start, end, zone)


def saved_months(tmp_path):
    path = tmp_path / "results-sums.json"
    return sorted(json.loads(path.read_text())["months"]) if path.exists() else []


def fill(store):
    call(store, A, ny(10, 3))
    reply(store, A, ny(10, 3, 13))
    call(store, B, ny(10, 31, 22))                 # 03:00 UTC on 1 November: still October here
    reply(store, B, ny(11, 2))                      # a reply across the month's end
    call(store, C, ny(11, 15), outcome="withheld")
    call(store, A, ny(11, 29))
    call(store, C, ny(12, 2))
    reply(store, C, ny(12, 3))


def test_closed_months_are_saved_and_give_the_same_figures_as_counting_everything(store,
                                                                                   tmp_path):
    fill(store)
    start, end = date(2026, 10, 1), date(2026, 12, 10)

    counts = store.day_counts(start, end)

    assert counts == second_opinion(store, start, end)
    assert counts[date(2026, 10, 31)] == [1, 1, 1, 0, 0, 0]      # the reply came in November
    assert saved_months(tmp_path) == ["2026-10", "2026-11"]   # December is still going on
    assert store.day_counts(date(2026, 10, 20), date(2026, 11, 5)) == \
        second_opinion(store, date(2026, 10, 20), date(2026, 11, 5))


def test_a_late_edit_to_an_old_month_shows_in_results(store, tmp_path):
    fill(store)
    old = call(store, B, ny(10, 12))
    start, end = date(2026, 10, 1), date(2026, 12, 10)
    before = store.day_counts(start, end)

    store.update_call(old.id, outcome="failed")

    assert "2026-10" not in saved_months(tmp_path)         # forgotten before the change
    after = store.day_counts(start, end)
    assert after[date(2026, 10, 12)] == [1, 0, 0, 0, 0, 0] != before[date(2026, 10, 12)]
    assert after == second_opinion(store, start, end)
    assert "2026-10" in saved_months(tmp_path)


def test_a_reply_to_a_text_back_from_a_closed_month_counts_on_its_day(store, tmp_path):
    call(store, A, ny(11, 28))
    call(store, B, ny(11, 10))
    store.day_counts(date(2026, 11, 1), date(2026, 11, 30))
    assert saved_months(tmp_path) == ["2026-11"]

    reply(store, B, ny(12, 1))          # B was texted back long ago: November stays saved
    assert saved_months(tmp_path) == ["2026-11"]
    reply(store, A, ny(12, 1))          # A's text-back of 28 November was answered

    assert saved_months(tmp_path) == []
    counts = store.day_counts(date(2026, 11, 1), date(2026, 11, 30))
    assert counts[date(2026, 11, 28)] == [1, 1, 1, 0, 0, 0]
    assert counts[date(2026, 11, 10)] == [1, 1, 0, 0, 0, 0]


def test_keywords_and_robots_are_no_reply_and_a_late_reply_is_none(store):
    call(store, A, ny(11, 2))
    reply(store, A, ny(11, 2, 13), kind="keyword")       # STOP is not a reply
    call(store, B, ny(11, 3))
    reply(store, B, ny(11, 11))                           # more than a week later
    call(store, C, ny(11, 4))
    call(store, C, ny(11, 5))
    reply(store, C, ny(11, 5, 13))                        # answers the second text-back

    counts = store.day_counts(date(2026, 11, 1), date(2026, 11, 30))

    assert [counts[date(2026, 11, d)][2] for d in (2, 3, 4, 5)] == [0, 0, 0, 1]


def test_another_time_zone_counts_the_months_again(store, tmp_path):
    fill(store)
    store.day_counts(date(2026, 10, 1), date(2026, 11, 30))
    store.save_settings({**store.settings(), "timezone": "Europe/London"})
    london = ZoneInfo("Europe/London")

    counts = store.day_counts(date(2026, 10, 1), date(2026, 11, 30))

    assert counts == second_opinion(store, date(2026, 10, 1), date(2026, 11, 30), london)
    assert counts[date(2026, 11, 1)][0] == 1          # 03:00 on 1 November in London
    assert json.loads((tmp_path / "results-sums.json").read_text())["zone"] == "Europe/London"


def test_saved_sums_survive_a_restart_and_a_damaged_file_is_just_counted_again(tmp_path):
    clock = Clock(datetime(2026, 12, 10, 17, tzinfo=timezone.utc))
    first = Store(tmp_path, clock=clock)
    fill(first)
    expected = first.day_counts(date(2026, 10, 1), date(2026, 11, 30))
    first.close()
    assert Store(tmp_path, clock=clock).day_counts(date(2026, 10, 1),
                                                   date(2026, 11, 30)) == expected

    (tmp_path / "results-sums.json").write_text("{not json")

    again = Store(tmp_path, clock=clock)
    assert again.day_counts(date(2026, 10, 1), date(2026, 11, 30)) == expected
    assert saved_months(tmp_path) == ["2026-10", "2026-11"]


def test_results_count_bookings_from_the_contacts_at_once(store):
    fill(store)
    store.day_counts(date(2026, 10, 1), date(2026, 11, 30))      # months saved
    store.update_contact(A, booked=True, booked_at=ny(10, 4), job_value=450)

    result = stats.totals(store.day_counts(date(2026, 10, 1), date(2026, 11, 30)),
                          store.booked_contacts(), date(2026, 10, 1), date(2026, 11, 30),
                          NY, 400)

    assert (result["booked"], result["revenue"]) == (1, 450.0)
    assert result["per_day"][3]["booked"] == 1


def test_a_late_call_a_few_days_into_the_month_forgets_the_month_before_only_if_it_matters(
        store, tmp_path):
    call(store, A, ny(11, 28))
    store.day_counts(date(2026, 11, 1), date(2026, 11, 30))

    call(store, B, ny(12, 2))                       # B had no text-back in November's tail
    assert saved_months(tmp_path) == ["2026-11"]
    call(store, A, ny(12, 2))                       # a new text-back to A bounds the old one
    assert saved_months(tmp_path) == []
    assert store.day_counts(date(2026, 11, 1), date(2026, 11, 30)) == \
        second_opinion(store, date(2026, 11, 1), date(2026, 11, 30))
