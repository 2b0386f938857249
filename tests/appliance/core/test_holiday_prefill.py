"""appliance.holiday_prefill against the real `holidays` 0.108 data."""
import json

import pytest

from appliance.core import holiday_prefill
from appliance.core.domain import ValidationError


@pytest.mark.parametrize("country, subdivision, year, expected", [
    ("US", None, 2026, {"date": "2026-07-04", "name": "Independence Day"}),
    ("US", None, 2026, {"date": "2026-11-26", "name": "Thanksgiving Day"}),
    ("us", "", 2027, {"date": "2027-11-25", "name": "Thanksgiving Day"}),
    ("GB", "SCT", 2026, {"date": "2026-11-30", "name": "Saint Andrew's Day"}),
    ("GB", "sct", 2026, {"date": "2026-01-02", "name": "New Year Holiday"}),
    ("GB", "ENG", 2026, {"date": "2026-08-31", "name": "Late Summer Bank Holiday"}),
    ("US", "California", 2026, {"date": "2026-03-31", "name": "Cesar Chavez Day"}),
])
def test_suggestions_contain_the_holiday(country, subdivision, year, expected):
    assert expected in holiday_prefill.suggestions(country, subdivision, year)


@pytest.mark.parametrize("country, subdivision, year, absent", [
    ("GB", "ENG", 2026, "2026-11-30"),       # St Andrew's Day is Scottish
    ("US", None, 2026, "2026-03-31"),        # Cesar Chavez Day is Californian
])
def test_regional_holidays_stay_regional(country, subdivision, year, absent):
    dates = [h["date"] for h in holiday_prefill.suggestions(country, subdivision, year)]
    assert absent not in dates


def test_suggestions_are_sorted_json_and_of_the_year():
    found = holiday_prefill.suggestions("DE", "BY", 2026)
    dates = [h["date"] for h in found]
    assert dates == sorted(dates) and len(dates) > 8
    assert all(d.startswith("2026-") for d in dates)
    assert json.loads(json.dumps(found)) == found
    assert all(set(h) == {"date", "name"} and h["name"] for h in found)


@pytest.mark.parametrize("country, subdivision, year, field, says", [
    ("XX", None, 2026, "country", "No holiday list for country 'XX'"),
    ("", None, 2026, "country", "two-letter code"),
    ("US", "ZZ", 2026, "subdivision", "US has no region 'ZZ'; use one of AK, AL"),
    ("IS", "North", 2026, "subdivision", "IS has no regions with their own holidays"),
    ("US", None, 1800, "year", "between 2000 and 2100"),
    ("US", None, "2026", "year", "between 2000 and 2100"),
])
def test_bad_input_is_explained(country, subdivision, year, field, says):
    with pytest.raises(ValidationError) as caught:
        holiday_prefill.suggestions(country, subdivision, year)
    assert list(caught.value.errors) == [field]
    assert says in caught.value.errors[field]


@pytest.mark.parametrize("country, expected", [
    ("GB", ["ENG", "NIR", "SCT", "WLS"]),
    ("gb", ["ENG", "NIR", "SCT", "WLS"]),
    ("IS", []),
])
def test_subdivisions(country, expected):
    assert holiday_prefill.subdivisions(country) == expected


def test_us_subdivisions_include_states():
    assert {"CA", "NY", "TX"} <= set(holiday_prefill.subdivisions("US"))


def test_subdivisions_of_unknown_country():
    with pytest.raises(ValidationError) as caught:
        holiday_prefill.subdivisions("Narnia")
    assert "country" in caught.value.errors
