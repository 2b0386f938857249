"""Results: the period's numbers, the chart and the seed article's arithmetic."""
import re
from datetime import date

from werkzeug.datastructures import MultiDict

from web import results

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


def test_long_periods_are_drawn_week_by_week():
    per_day = [{"date": f"d{i}", "missed": 1, "texted": 1, "replied": 0, "booked": 0}
               for i in range(90)]
    weeks = results.buckets(per_day)
    assert len(weeks) == 13 and weeks[0]["missed"] == 7 and weeks[-1]["missed"] == 6
    assert len(results.buckets(per_day[:30])) == 30


def test_chart_bars_are_scaled_to_the_busiest_day():
    per_day = [{"date": "a", "missed": 4, "texted": 2, "replied": 1, "booked": 0},
               {"date": "b", "missed": 0, "texted": 0, "replied": 0, "booked": 0}]
    chart = results.chart(per_day)
    heights = {bar["series"]: bar["h"] for bar in chart["bars"]}
    assert heights["missed"] == 2 * heights["texted"] == 4 * heights["replied"]
    assert "booked" not in heights
    assert chart["top"] == 4


def test_the_articles_rates_applied_to_the_shops_calls():
    assert results.benchmark(25, 400) == {"missed": 25, "replies": 9, "jobs": 4.375,
                                          "jobs_text": "4.4", "value": 1750.0}


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
    assert "applied to your 2 missed calls: about 1 reply" in " ".join(html.split())


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
    html = client.get("/results/?from=2026-02-01&to=2026-01-01").get_data(as_text=True)
    assert "The end date is before the start date." in html
