"""The page side of the toll-fraud protection: the settings, the outcomes in plain words, the
banner while the box-wide cap holds texts back, and the warning on a costly number's thread."""
import re

from tests.helpers import wait_for
from tests.web.test_settings import error_of, form

JAMAICA = "+18762345678"


def test_the_settings_page_edits_the_countries_and_the_caps(client, box):
    html = client.get("/settings/").get_data(as_text=True)
    assert re.search(r'name="auto_texts_per_hour"[^>]*value="20"', html)
    assert re.search(r'name="auto_texts_per_day"[^>]*value="100"', html)
    assert "mobiles and landlines in United States" in html
    response = client.post("/settings/", data=form(box, allowed_countries="ca, mx",
                                                   auto_texts_per_hour="5",
                                                   auto_texts_per_day="40"))
    assert response.status_code == 302, response.get_data(as_text=True)
    saved = box.settings()
    assert (saved["allowed_countries"], saved["auto_texts_per_hour"],
            saved["auto_texts_per_day"]) == (["CA", "MX"], 5, 40)
    assert re.search(r'name="allowed_countries"[^>]*value="CA MX"',
                     client.get("/settings/").get_data(as_text=True))


def test_settings_errors_are_shown_next_to_their_fields(client, box):
    response = client.post("/settings/", data=form(box, allowed_countries="CA ZZ",
                                                   auto_texts_per_hour="lots",
                                                   auto_texts_per_day="0"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_of(html, "allowed_countries") == ("unknown country code &#39;ZZ&#39;; use two "
                                                   "letters like US or GB")
    assert error_of(html, "auto_texts_per_hour") == "must be a whole number"
    assert error_of(html, "auto_texts_per_day") == "must be between 1 and 10000"
    assert box.settings()["allowed_countries"] == []


def test_blocked_calls_are_explained_and_the_banner_shows_while_the_cap_holds(client, box, ring):
    box.update_settings({"auto_texts_per_hour": 1, "auto_texts_per_day": 1})
    assert ring("+19005551234").outcome == "premium"
    assert ring(JAMAICA).outcome == "foreign"
    assert 'data-testid="auto-text-cap-banner"' not in client.get("/").get_data(as_text=True)
    assert ring("+12125553001").outcome == "texted"
    assert ring("+12125553002").outcome == "box_cap"
    calls = client.get("/calls/").get_data(as_text=True)
    for label in ("Costly number — not texted", "Other country — not texted",
                  "Box&#39;s limit reached — not texted"):
        assert label in calls
    for path in ("/", "/calls/", "/settings/"):
        html = client.get(path).get_data(as_text=True)
        assert html.count('data-testid="auto-text-cap-banner"') == 1, path
    home = client.get("/").get_data(as_text=True)
    assert "sent 1 automatic texts in the last hour" in home
    assert "raise “Automatic texts per hour”" in home
    assert client.get("/api/status").status_code == 401     # the API needs its token
    box.update_settings({"auto_texts_per_hour": 5, "auto_texts_per_day": 5})
    assert 'data-testid="auto-text-cap-banner"' not in client.get("/").get_data(as_text=True)


def test_the_api_status_names_the_trip(api, box, ring):
    box.update_settings({"auto_texts_per_hour": 1, "auto_texts_per_day": 1})
    assert api.get("/api/status").get_json()["box_cap"] is None
    ring("+12125553001")
    ring("+12125553002")
    trip = api.get("/api/status").get_json()["box_cap"]
    assert (trip["window"], trip["limit"], trip["sent"]) == ("hour", 1, 1)


def test_a_costly_numbers_thread_warns_but_the_owners_reply_goes(client, box, text_in):
    text_in(JAMAICA, "Are you open Saturday?")
    html = client.get(f"/conversations/{JAMAICA}").get_data(as_text=True)
    assert 'data-reason="foreign"' in html and "This number is in Jamaica" in html
    response = client.post(f"/conversations/{JAMAICA}/reply", data={"text": "Yes, 9 to 1"})
    assert response.status_code == 302
    sent = box.demo_phone.sent
    wait_for(lambda: (JAMAICA, "Yes, 9 to 1") in [(s.number, s.text) for s in sent], 10,
             "the owner's reply")
    box.update_settings({"allowed_countries": ["JM"]})
    html = client.get(f"/conversations/{JAMAICA}").get_data(as_text=True)
    assert 'data-testid="automatic-texts-refused"' not in html
