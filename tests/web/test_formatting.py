"""Showing stored values: shop timezone, 12/24-hour clocks, money, plain-word labels."""
from datetime import datetime, timezone

from web import formatting, labels

NEW_YORK = {"timezone": "America/New_York", "region": "US"}
LONDON = {"timezone": "Europe/London", "region": "GB"}
NOW = datetime(2026, 11, 27, 18, 0, tzinfo=timezone.utc)   # Friday, 1 PM in New York


def test_times_are_shown_in_the_shop_timezone():
    assert formatting.short_time("2026-11-27T17:05:00+00:00", NEW_YORK, NOW) == "12:05 PM"
    assert formatting.short_time("2026-11-27T17:05:00+00:00", LONDON, NOW) == "17:05"


def test_older_times_say_which_day():
    assert formatting.short_time("2026-11-26T17:05:00+00:00", NEW_YORK, NOW) == "Yesterday 12:05 PM"
    assert formatting.short_time("2026-11-23T17:05:00+00:00", NEW_YORK, NOW) == "Mon 12:05 PM"
    assert formatting.short_time("2026-10-02T17:05:00+00:00", LONDON, NOW) == "2 Oct 18:05"
    assert formatting.short_time("2025-10-02T17:05:00+00:00", LONDON, NOW) == "2 Oct 2025 18:05"


def test_the_local_day_decides_today_not_the_utc_day():
    # 02:00 UTC on the 28th is still the 27th (9 PM) in New York.
    late = datetime(2026, 11, 28, 2, 30, tzinfo=timezone.utc)
    assert formatting.short_time("2026-11-28T02:00:00+00:00", NEW_YORK, late) == "9:00 PM"
    assert formatting.day_label("2026-11-28T02:00:00+00:00", NEW_YORK, late) == "Today"


def test_unreadable_values_show_nothing_instead_of_failing():
    assert formatting.short_time(None, NEW_YORK, NOW) == ""
    assert formatting.short_time("yesterday-ish", NEW_YORK, NOW) == ""
    assert formatting.full_time("", NEW_YORK) == ""


def test_an_unknown_timezone_falls_back_to_utc():
    assert formatting.short_time("2026-11-27T17:05:00+00:00", {"timezone": "Mars/Base"}, NOW) == "17:05"


def test_money_uses_the_region_currency():
    assert formatting.money(1600, NEW_YORK) == "$1,600"
    assert formatting.money(1250.5, LONDON) == "£1,250.50"
    assert formatting.money(400, {"region": "DE"}) == "€400"
    assert formatting.money(None, NEW_YORK) == "—"


def test_percent():
    assert formatting.percent(0.35) == "35%"
    assert formatting.percent(None) == "—"


def test_outcomes_in_plain_words():
    assert labels.outcome("texted")["label"] == "Texted back"
    assert labels.outcome("queued")["label"] == "Text waiting to send"
    assert labels.outcome("withheld")["label"] == "Number withheld — can't text"
    assert labels.outcome("cooldown")["label"] == "Already texted recently"
    assert labels.outcome("failed")["tone"] == "fault"
    assert labels.outcome("something_new")["label"] == "Something new"


def test_failed_text_to_a_landline_says_call_them():
    status = labels.message_status("failed", error="+CMS ERROR: number is a landline")
    assert status["label"] == "Couldn't be delivered — call them instead"
    assert labels.message_status("failed", landline=True)["label"].startswith("Couldn't be delivered")
    assert labels.message_status("failed")["label"] == "Not sent"
    assert labels.message_status("delivered")["label"] == "Delivered"


def test_signal_bars():
    assert [labels.signal_bars(p) for p in (None, 0, 10, 30, 60, 90)] == [0, 0, 1, 2, 3, 4]


def test_automatic_texts_are_labelled():
    assert labels.message_kind("after_hours") == "Automatic text-back"
    assert labels.message_kind("stop") == "Automatic reply"
    assert labels.message_kind("reply") == ""


def test_dates_follow_the_shops_region():
    from datetime import date
    assert formatting.date_text(date(2026, 10, 29), NEW_YORK) == "Oct 29, 2026"
    assert formatting.date_text(date(2026, 10, 29), LONDON) == "29 Oct 2026"
    assert formatting.date_range_text(date(2026, 10, 29), date(2026, 11, 27), NEW_YORK) == \
        "Oct 29 – Nov 27, 2026"
    assert formatting.date_range_text(date(2025, 12, 29), date(2026, 1, 4), LONDON) == \
        "29 Dec 2025 – 4 Jan 2026"
    assert formatting.short_time("2026-10-02T17:05:00+00:00", NEW_YORK, NOW) == "Oct 2 1:05 PM"
    assert formatting.day_label("2026-11-20T17:05:00+00:00", NEW_YORK, NOW) == "Friday, November 20"
    assert formatting.day_label("2026-11-20T17:05:00+00:00", LONDON, NOW) == "Friday 20 November"


def test_estimates_are_shown_in_whole_money():
    assert formatting.money(489.99999, NEW_YORK) == "$490"
    assert formatting.money(612.5, NEW_YORK, whole=True) == "$613"
    assert formatting.money(1250.5, NEW_YORK) == "$1,250.50"


def test_long_outcomes_have_short_words_for_a_phone():
    assert labels.outcome("active_conversation")["short"] == "In conversation"
    assert labels.outcome("withheld")["short"] == "Withheld"
    assert labels.outcome("invalid_number")["short"] == "Not textable"
    assert labels.outcome("texted")["short"] == ""          # already short
    assert all(len(short) <= 15 for short in labels.SHORT_OUTCOMES.values())
