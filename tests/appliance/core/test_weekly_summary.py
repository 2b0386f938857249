"""The owner's weekly summary: due on Monday 08:00 shop time, once a week (core/weekly_summary.py)."""
from datetime import date, datetime

from appliance.core.weekly_summary import covered, summary_text, week_due

MONDAY = date(2026, 12, 7)


def test_due_from_monday_eight_until_sent():
    assert week_due(datetime(2026, 12, 7, 7, 59), None) is None
    assert week_due(datetime(2026, 12, 7, 8, 0), None) == MONDAY
    assert week_due(datetime(2026, 12, 9, 15, 0), None) == MONDAY     # box was off on Monday
    assert week_due(datetime(2026, 12, 9, 15, 0), "2026-12-07") is None
    assert week_due(datetime(2026, 12, 14, 8, 0), "2026-12-07") == date(2026, 12, 14)


def test_covers_the_seven_days_before_and_reads_plainly():
    assert covered(MONDAY) == (date(2026, 11, 30), date(2026, 12, 6))
    figures = {"missed": 14, "texted": 12, "replied": 7, "booked": 3, "value_recovered": 1200.4}
    assert summary_text(figures, "US") == ("TextBack Box, this week: 14 missed calls, 12 texted, "
                                           "7 replied, 3 booked, about $1,200.")
    assert summary_text({"missed": 1, "texted": 1}, "GB") == (
        "TextBack Box, this week: 1 missed call, 1 texted, 0 replied, 0 booked.")
