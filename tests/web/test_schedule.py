"""The schedule page: split shifts, closed days, holidays (with suggestions), away mode."""
import re

HOURS_FORM_CLOSED_WEEKEND = {"sat-closed": "1", "sun-closed": "1"}


def hours_form(**days):
    """Form data for the hours form: days={"mon": [("08:00","12:00"), ...]}; others closed."""
    data = {}
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        ranges = days.get(day, [])
        if not ranges:
            data[f"{day}-closed"] = "1"
        data[f"{day}-start"] = [s for s, _ in ranges] + [""]      # plus the blank row the page has
        data[f"{day}-end"] = [e for _, e in ranges] + [""]
    return data


def test_page_shows_hours_timezone_and_sections(client, box):
    box.update_settings({"timezone": "America/Chicago"})
    html = client.get("/schedule/").get_data(as_text=True)
    assert "America/Chicago" in html
    assert 'data-testid="start-mon-0"' in html and 'value="08:00"' in html
    assert re.search(r'data-testid="closed-sat"\s+checked', html)
    assert not re.search(r'data-testid="closed-mon"\s+checked', html)
    for testid in ("hours-form", "holidays-form", "away-form", "suggest-"):
        assert f'data-testid="{testid}' in html


def test_save_split_shifts_and_closed_days(client, box):
    data = hours_form(mon=[("08:00", "12:00"), ("13:00", "17:30")], tue=[("07:00", "15:00")],
                      sat=[("09:00", "12:00")])
    response = client.post("/schedule/hours", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    hours = box.settings()["hours"]
    assert hours["mon"] == [["08:00", "12:00"], ["13:00", "17:30"]]
    assert hours["tue"] == [["07:00", "15:00"]]
    assert hours["sat"] == [["09:00", "12:00"]]
    assert hours["wed"] == [] and hours["sun"] == []
    html = client.get("/schedule/").get_data(as_text=True)
    assert 'data-testid="start-mon-1"' in html and 'value="13:00"' in html


def test_range_error_is_shown_on_its_row_and_nothing_is_saved(client, box):
    before = box.settings()["hours"]
    data = hours_form(mon=[("08:00", "12:00"), ("17:00", "17:00")], fri=[("09:00", "17:00")])
    response = client.post("/schedule/hours", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    row_error = re.search(r'data-testid="error-mon-1">(.*?)</div>', html)
    words = re.sub(r"<[^>]+>", "", row_error.group(1))
    assert words == "start 5:00 PM is the same as end 5:00 PM"      # a US shop's clock
    assert '<time datetime="17:00" data-hhmm="17:00">5:00 PM</time>' in row_error.group(1)
    assert 'data-testid="error-mon-0"' not in html
    assert 'value="17:00"' in html                       # what was typed is kept
    assert box.settings()["hours"] == before


def test_overlapping_ranges_are_refused(client, box):
    response = client.post("/schedule/hours", data=hours_form(wed=[("08:00", "12:00"), ("11:00", "14:00")]))
    assert response.status_code == 400
    assert re.search(r'data-testid="error-wed-1">.*?overlaps', response.get_data(as_text=True))


def test_an_overnight_range_is_saved_and_shown_as_overnight(client, box):
    box.update_settings({"region": "GB", "timezone": "Europe/London"})
    response = client.post("/schedule/hours", data=hours_form(fri=[("22:00", "02:00")]))
    assert response.status_code == 302
    assert box.settings()["hours"]["fri"] == [["22:00", "02:00"]]
    html = client.get("/schedule/").get_data(as_text=True)
    note = re.search(r'data-testid="overnight-fri-0">(.*?)</div>', html).group(1)
    assert re.sub(r"<[^>]+>", "", note) == "Overnight: closes at 02:00 the next day."   # 24-hour


def test_half_filled_row_and_closed_day_with_hours_are_refused(client, box):
    data = hours_form(mon=[("08:00", "")])
    response = client.post("/schedule/hours", data=data)
    assert response.status_code == 400
    assert "needs both an opening and a closing time" in response.get_data(as_text=True)
    data = hours_form(tue=[("08:00", "17:00")])
    data["tue-closed"] = "1"
    response = client.post("/schedule/hours", data=data)
    assert response.status_code == 400
    assert re.search(r'data-testid="error-tue">[^<]*ticked Closed', response.get_data(as_text=True))


def test_hours_need_csrf(client, box):
    before = box.settings()["hours"]
    response = client.post("/schedule/hours", data=hours_form(), csrf=False)
    assert response.status_code == 400
    assert box.settings()["hours"] == before


def test_add_and_remove_holidays(client, box):
    assert client.post("/schedule/holidays", data={"date": "2026-12-24", "add": "1"}).status_code == 302
    assert client.post("/schedule/holidays", data={"date": "2026-12-31", "add": "1"}).status_code == 302
    assert box.settings()["holidays"] == ["2026-12-24", "2026-12-31"]
    html = client.get("/schedule/").get_data(as_text=True)
    assert 'data-testid="holiday-2026-12-24"' in html
    assert '<time datetime="2026-12-24">Dec 24, 2026</time>' in html       # the shop's style
    assert "Dec 31, 2026 added to holidays." in html
    assert client.post("/schedule/holidays", data={"remove": "2026-12-24"}).status_code == 302
    assert box.settings()["holidays"] == ["2026-12-31"]


def test_a_holiday_marked_every_year_is_kept_as_month_and_day(client, box):
    form = {"date": "2026-12-26", "add": "1", "yearly": "1"}
    assert client.post("/schedule/holidays", data=form).status_code == 302
    assert box.settings()["holidays_yearly"] == ["12-26"] and box.settings()["holidays"] == []
    html = client.get("/schedule/").get_data(as_text=True)
    assert 'data-testid="yearly-12-26"' in html and "Dec 26, every year" in html
    assert "Dec 26, 2026 added to holidays, every year." in html
    assert client.post("/schedule/holidays", data={"remove_yearly": "12-26"}).status_code == 302
    assert box.settings()["holidays_yearly"] == []


def test_suggestions_cover_two_years_and_fixed_days_can_be_kept_every_year(client, box):
    box.update_settings({"region": "US"})
    html = client.get("/schedule/holidays/suggest?year=2026").get_data(as_text=True)
    assert 'data-testid="suggest-2027-11-25"' in html        # Thanksgiving 2027 (it moves)
    assert 'data-testid="yearly-2026-12-25"' in html         # Christmas is on the same day
    assert 'data-testid="yearly-2026-11-26"' not in html     # ... Thanksgiving is not
    form = {"year": "2026", "date": ["2026-11-26", "2027-11-25"], "yearly": ["12-25", "11-26"]}
    assert client.post("/schedule/holidays/suggest", data=form).status_code == 302
    saved = box.settings()
    assert saved["holidays"] == ["2026-11-26", "2027-11-25"]
    assert saved["holidays_yearly"] == ["12-25"]            # 11-26 was not offered as yearly


def test_bad_holiday_date_is_shown_next_to_the_field(client, box):
    response = client.post("/schedule/holidays", data={"date": "31/12/2026", "add": "1"})
    assert response.status_code == 400
    assert 'data-testid="error-holidays"' in response.get_data(as_text=True)
    assert box.settings()["holidays"] == []


def test_suggestions_for_the_shops_country_are_confirmed_with_ticks(client, box):
    box.update_settings({"region": "US", "holidays": ["2026-08-14", "2026-07-03"]})
    html = client.get("/schedule/holidays/suggest?year=2026").get_data(as_text=True)
    assert 'data-testid="suggest-2026-12-25"' in html and "Christmas Day" in html
    assert 'data-testid="suggest-2026-07-03"' in html          # Independence Day (observed)
    ticked = ["2026-12-25", "2026-01-01"]                       # the owner unticks the rest
    response = client.post("/schedule/holidays/suggest", data={"year": "2026", "date": ticked})
    assert response.status_code == 302
    # ticked ones added, the unticked suggestion 07-03 taken off, the shop's own date kept
    assert box.settings()["holidays"] == ["2026-01-01", "2026-08-14", "2026-12-25"]


def test_suggestions_ignore_dates_that_were_not_offered(client, box):
    response = client.post("/schedule/holidays/suggest",
                           data={"year": "2026", "date": ["2026-12-25", "2026-03-03"]})
    assert response.status_code == 302
    assert box.settings()["holidays"] == ["2026-12-25"]


def test_suggestions_use_the_state(client, box):
    box.update_settings({"region": "US", "holiday_region": "CA"})
    html = client.get("/schedule/holidays/suggest?year=2026").get_data(as_text=True)
    assert "Cesar Chavez Day" in html


def test_suggestions_with_a_bad_year_are_refused(client):
    assert client.get("/schedule/holidays/suggest?year=abc").status_code == 400
    assert client.get("/schedule/holidays/suggest?year=1800").status_code == 400


def test_away_mode_with_end_date(client, box):
    response = client.post("/schedule/away", data={"on": "1", "until": "2026-12-31"})
    assert response.status_code == 302
    assert box.settings()["away"] == {"on": True, "until": "2026-12-31"}
    html = client.get("/schedule/").get_data(as_text=True)
    assert re.search(r'data-testid="away-on"\s+checked', html) and 'value="2026-12-31"' in html
    client.post("/schedule/away", data={"until": ""})
    assert box.settings()["away"] == {"on": False, "until": None}


def test_away_mode_bad_date_is_shown_on_the_field(client, box):
    response = client.post("/schedule/away", data={"on": "1", "until": "next week"})
    assert response.status_code == 400
    assert 'data-testid="error-away.until"' in response.get_data(as_text=True)
    assert box.settings()["away"]["on"] is False


def test_pages_need_login(anon):
    assert anon.get("/schedule/").status_code == 302
    assert anon.get("/schedule/holidays/suggest?year=2026").status_code == 302
