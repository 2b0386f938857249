"""The settings page: the main form, per-field errors, pause switch, API token."""
import re

from web import settings_form


def form(box, **changes):
    """The settings form as the page would post it for the current settings, with changes."""
    values = settings_form.form_values(box.settings())
    values.update(changes)
    return values


def error_of(html, field):
    match = re.search(rf'data-testid="error-{field}">([^<]*)<', html)
    return match.group(1) if match else None


def test_page_shows_the_saved_settings(client, box):
    box.update_settings({"business_name": "Ace Plumbing", "cooldown_minutes": 90,
                         "exclude": ["+12025550111"]})
    html = client.get("/settings/").get_data(as_text=True)
    assert 'value="Ace Plumbing"' in html
    assert re.search(r'name="cooldown_hours"[^>]*value="1"', html)
    assert re.search(r'name="cooldown_mins"[^>]*value="30"', html)
    assert "+12025550111</textarea>" in html
    assert 'href="/account/password"' in html
    assert 'data-testid="api-token">' + box.api_token() in html


def test_save_everything(client, box):
    data = form(box, business_name="Ace", owner_name="Sam", owner_phone="(202) 555-0199",
                emergency_number="202-555-0123", booking_link="https://ace.example/book",
                timezone_choice="other", timezone_other="America/Boise", region="us",
                cooldown_hours="2", cooldown_mins="15", daily_cap="2",
                exclude="+12025550111\n\n  202 555 0112 \n", ring_handling="decline",
                decline_after="15", urgent_words="flood\nno heat", quick_replies="On my way!",
                forward_replies="", average_job_value="$1,250")
    response = client.post("/settings/", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    s = box.settings()
    assert (s["business_name"], s["owner_name"]) == ("Ace", "Sam")
    assert s["owner_phone"] == "+12025550199"                 # normalised by the settings schema
    assert s["timezone"] == "America/Boise" and s["region"] == "US"
    assert s["cooldown_minutes"] == 135 and s["daily_cap"] == 2
    assert s["exclude"] == ["+12025550111", "+12025550112"]
    assert s["reject_after_seconds"] == 15
    assert s["urgent_words"] == ["flood", "no heat"] and s["quick_replies"] == ["On my way!"]
    assert s["forward_replies"] is False and s["average_job_value"] == 1250


def test_let_it_ring_clears_the_decline_time(client, box):
    box.update_settings({"reject_after_seconds": 20})
    response = client.post("/settings/", data=form(box, ring_handling="ring"))
    assert response.status_code == 302
    assert box.settings()["reject_after_seconds"] is None


def test_errors_are_shown_per_field_all_at_once(client, box):
    before = box.settings()
    data = form(box, owner_phone="12", timezone_choice="other", timezone_other="Mars/Olympus",
                daily_cap="lots", booking_link="ace.example", ring_handling="decline",
                decline_after="500", exclude="+12025550111\nnot a number")
    response = client.post("/settings/", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "not a valid phone number" in error_of(html, "owner_phone")
    assert "Mars/Olympus" in error_of(html, "timezone")
    assert "whole number" in error_of(html, "daily_cap")
    assert "http" in error_of(html, "booking_link")
    assert "line 2" in error_of(html, "exclude")
    assert 'value="Mars/Olympus"' in html                   # what was typed is kept
    assert box.settings() == before


def test_schema_range_errors_come_back_on_their_field(client, box):
    response = client.post("/settings/", data=form(box, ring_handling="decline",
                                                   decline_after="500", daily_cap="99"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "between 5 and 60" in error_of(html, "reject_after_seconds")
    assert "between 1 and 20" in error_of(html, "daily_cap")
    assert box.settings()["reject_after_seconds"] is None


def test_cooldown_minutes_must_be_minutes(client, box):
    response = client.post("/settings/", data=form(box, cooldown_mins="75"))
    assert response.status_code == 400
    assert "minutes from 0 to 59" in error_of(response.get_data(as_text=True), "cooldown_minutes")


def test_settings_need_csrf(client, box):
    response = client.post("/settings/", data=form(box, business_name="Evil"), csrf=False)
    assert response.status_code == 400
    assert box.settings()["business_name"] == ""


def test_pause_switch(client, box):
    assert client.post("/settings/pause", data={"paused": "on"}).status_code == 302
    assert box.settings()["paused"] is True
    html = client.get("/settings/").get_data(as_text=True)
    assert "Text-back is paused" in html and "Resume text-back" in html
    assert client.post("/settings/pause", data={"paused": "off"}).status_code == 302
    assert box.settings()["paused"] is False


def test_regenerate_token_needs_confirmation(client, box):
    old = box.api_token()
    response = client.post("/settings/token", data={})
    assert response.status_code == 400
    assert error_of(response.get_data(as_text=True), "token")
    assert box.api_token() == old
    assert client.post("/settings/token", data={"confirm": "yes"}).status_code == 302
    new = box.api_token()
    assert new != old
    assert new in client.get("/settings/").get_data(as_text=True)


def test_regenerate_token_needs_csrf(client, box):
    old = box.api_token()
    assert client.post("/settings/token", data={"confirm": "yes"}, csrf=False).status_code == 400
    assert box.api_token() == old


def test_script_in_settings_is_inert(client, box):
    box.update_settings({"business_name": "<script>alert(1)</script>",
                         "quick_replies": ["</textarea><script>alert(2)</script>"]})
    html = client.get("/settings/").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;/textarea&gt;&lt;script&gt;alert(2)" in html


def test_pages_need_login(anon):
    assert anon.get("/settings/").status_code == 302


def test_form_values_round_trip(box):
    """What the form shows for saved settings posts back as the same settings."""
    box.update_settings({"cooldown_minutes": 61, "reject_after_seconds": 30,
                         "timezone": "Asia/Tokyo", "average_job_value": 99.5})
    values = settings_form.form_values(box.settings())
    assert values["timezone_choice"] == "other" and values["timezone_other"] == "Asia/Tokyo"
    patch, errors = settings_form.to_patch(values, True)
    assert errors == {}
    for key in ("cooldown_minutes", "reject_after_seconds", "timezone", "average_job_value",
                "urgent_words", "quick_replies", "exclude", "forward_replies", "daily_cap"):
        assert patch[key] == box.settings()[key], key


def test_list_fields_are_tall_enough_for_what_they_hold(client, box):
    from web.settings_form import rows_for
    assert rows_for("") == 3 and rows_for("a\nb\nc\nd") == 5          # every line + one to type on
    assert rows_for("x" * 80, wrap_at=36) == 4                          # a long line wraps
    assert rows_for("\n".join("x" * 40)) == 12                          # but not endless
    box.update_settings({"urgent_words": ["urgent", "emergency", "asap", "leak", "flood"]})
    html = client.get("/settings/").get_data(as_text=True)
    assert re.search(r'id="f-urgent_words" name="urgent_words" rows="6"', html)


def test_owner_texts_switches_and_the_sending_rules(client, box):
    html = client.get("/settings/").get_data(as_text=True)
    assert re.search(r'data-testid="field-fault_texts" checked', html)      # on out of the box
    assert not re.search(r'data-testid="field-weekly_summary" checked', html)
    rules = html[html.index('data-testid="sending-rules"'):]
    assert "person-to-person from the box's own SIM" in rules and "until they text START" in rules
    assert "Never use it for campaigns" in rules and "consent log" in rules
    data = form(box, fault_texts="", weekly_summary="on")
    assert client.post("/settings/", data=data).status_code == 302
    assert box.settings()["fault_texts"] is False and box.settings()["weekly_summary"] is True
