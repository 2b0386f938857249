"""Results: the period's numbers, the chart and the seed article's arithmetic."""
import re
from datetime import date

from werkzeug.datastructures import MultiDict

from web import chart, results

CALLER = "+12025550101"


def _value(html, testid):
    return re.search(rf'data-testid="{testid}">([^<]*)<', html).group(1)


def test_period_choices():
    assert results.period_from(MultiDict({"days": "7"})) == ({"days": 7}, {})
    assert results.period_from(MultiDict({"days": "12"})) == ({"days": 30}, {})
    assert results.period_from(MultiDict({"from": "2026-01-01", "to": "2026-01-31"})) == (
        {"start": date(2026, 1, 1), "end": date(2026, 1, 31)}, {})
    assert "from" in results.period_from(MultiDict({"from": "soon"}))[1]
    assert "to" in results.period_from(MultiDict({"from": "2026-02-01", "to": "2026-01-01"}))[1]
    assert "to" in results.period_from(MultiDict({"from": "2010-01-01", "to": "2026-01-01"}))[1]


def _days(count, **counts):
    return [dict({"date": f"2026-11-{(i % 28) + 1:02d}", "missed": 0, "texted": 0, "replied": 0,
                  "booked": 0}, **counts) for i in range(count)]


def test_long_periods_are_grouped_into_weeks_counted_back_from_the_last_day():
    assert chart.group_size(30, 31) == 1 and chart.group_size(90, 31) == 7
    assert chart.group_size(30, 8) == 7 and chart.group_size(90, 8) == 14
    weeks = chart.groups(_days(90, missed=1), 7)
    assert len(weeks) == 13 and weeks[-1]["missed"] == 7 and weeks[0]["missed"] == 6
    assert len(chart.groups(_days(30), 1)) == 30


def test_a_phone_gets_fewer_wider_groups_than_a_desktop():
    wide, narrow = chart.views(_days(30, missed=2, texted=1), {"region": "US"})
    assert (wide["css"], wide["groups"], wide["title"]) == ("chart-wide", 30, "Day by day")
    assert (narrow["css"], narrow["groups"], narrow["title"]) == ("chart-narrow", 5, "Week by week")
    assert len(narrow["labels"]) == 5                          # few groups: a date under each
    assert 8 <= len(wide["labels"]) < 30                       # many: every few days, no overlap
    wide_bar = wide["bars"][0]["w"] / wide["w"]
    narrow_bar = narrow["bars"][0]["w"] / narrow["w"]
    assert narrow_bar > 4 * wide_bar


def test_chart_bars_stand_side_by_side_scaled_to_the_busiest_day():
    per_day = [{"date": "2026-11-26", "missed": 4, "texted": 2, "replied": 1, "booked": 0},
               {"date": "2026-11-27", "missed": 0, "texted": 0, "replied": 0, "booked": 0}]
    drawn = chart.view(per_day, {"region": "US"}, "wide", 31, 640, 200)
    heights = {bar["series"]: bar["h"] for bar in drawn["bars"]}
    assert heights["missed"] == 2 * heights["texted"] == 4 * heights["replied"]
    assert "booked" not in heights and drawn["top"] == 4
    spans = sorted((bar["x"], bar["x"] + bar["w"]) for bar in drawn["bars"])
    assert all(left[1] <= right[0] for left, right in zip(spans, spans[1:]))   # no overlap
    assert drawn["bars"][0]["title"] == "Nov 26: 4 missed"


def test_the_articles_rates_applied_to_the_shops_calls_in_whole_jobs():
    assert results.benchmark(25, 400) == {"missed": 25, "replies": 9, "jobs": 4, "value": 1600}
    assert results.benchmark(7, 400) == {"missed": 7, "replies": 2, "jobs": 1, "value": 400}
    assert results.benchmark(2, 250)["jobs"] == 0


def test_results_page_with_the_shops_numbers(client, box, ring, text_in):
    box.update_settings({"average_job_value": 250})
    ring(CALLER)
    text_in(CALLER, "Yes, come round")
    ring("+12025550102")
    html = client.get("/results/?days=7").get_data(as_text=True)
    assert _value(html, "r-missed") == "2"
    assert _value(html, "r-texted") == "2"
    assert _value(html, "r-replied") == "1"
    assert _value(html, "r-reply-rate") == "50% reply rate"
    assert _value(html, "r-value") == "$250"        # 1 reply x $250, nothing booked yet
    assert _value(html, "a-value") == "$250"
    assert html.count("<rect") >= 3
    assert "4–5 jobs × $400" in html
    words = " ".join(html.split())
    assert "applied to your 2 missed calls: about 1 reply → less than one job." in words


def test_booked_jobs_count_their_real_value(client, box, ring, text_in):
    ring(CALLER)
    text_in(CALLER, "Book me in")
    box.mark_booked(CALLER, 1800.0)
    html = client.get("/results/").get_data(as_text=True)
    assert _value(html, "r-booked") == "1"
    assert _value(html, "r-value") == "$1,800"
    assert _value(html, "a-value") == "$1,800"
    assert "(booked jobs)" in html


def test_periods_and_custom_dates(client):
    for days in (7, 30, 90):
        response = client.get(f"/results/?days={days}")
        assert response.status_code == 200
        assert 'btn-primary" href="/results/?days=%d"' % days in response.get_data(as_text=True)
    html = client.get("/results/?from=2026-01-01&to=2026-01-31").get_data(as_text=True)
    assert 'data-start="2026-01-01" data-end="2026-01-31"' in html
    assert _value(html, "period-heading") == "Jan 1 – Jan 31, 2026"     # the shop's (US) style
    assert 'data-testid="chart-wide"' in html and 'data-testid="chart-narrow"' in html
    html = client.get("/results/?from=2026-02-01&to=2026-01-01").get_data(as_text=True)
    assert "The end date is before the start date." in html


def test_the_arithmetic_has_no_fractional_jobs_or_cents(client, box, ring, text_in):
    box.update_settings({"average_job_value": 400})
    for number in ("+12025550101", "+12025550102", "+12025550103", "+12025550104",
                   "+12025550105", "+12025550106", "+12025550107"):
        ring(number)
    words = " ".join(client.get("/results/").get_data(as_text=True).split())
    assert "your 7 missed calls: about 2 replies → about 1 job × $400 = about $400." in words
    assert ".00" not in words and "1.2 jobs" not in words


def test_no_about_zero_replies(client, box, ring):
    words = " ".join(client.get("/results/").get_data(as_text=True).split())
    assert "nothing to compare yet" in words and "about 0" not in words
    ring("+12025550101")                       # 1 missed call: 0.35 replies
    words = " ".join(client.get("/results/").get_data(as_text=True).split())
    assert "your 1 missed call: less than one reply → less than one job." in words
    assert "about 0" not in words
