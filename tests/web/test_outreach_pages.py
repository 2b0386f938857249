"""The New text form, the From the network list and the first-text switches, as pages (the
browser test drives them on a whole box)."""
from appliance.core.settings import DEFAULTS
from tests.web.test_settings import form


def test_new_text_needs_the_csrf_token_and_a_login(app, anon, client):
    assert anon.get("/conversations/new").status_code in (302, 401)
    raw = app.test_client()
    raw.auto_csrf = False
    with client.session_transaction() as session:
        cookie = dict(session)
    with raw.session_transaction() as session:
        session.update(cookie)
    response = raw.post("/conversations/new", data={"number": "+12025550143", "text": "hi"})
    assert response.status_code == 400


def test_new_text_keeps_what_was_typed_when_the_text_is_empty(client, box):
    response = client.post("/conversations/new", data={"number": "(202) 555-0143", "text": " "})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="(202) 555-0143"' in html and 'data-testid="error-text"' in html
    assert box.conversations() == []


def test_the_network_list_is_empty_at_first(client):
    html = client.get("/network/").get_data(as_text=True)
    assert 'data-testid="network-empty"' in html


def test_first_text_switches_on_the_settings_page(client, box):
    assert DEFAULTS["first_text_reply"] is True                 # on by default
    box.update_settings({"first_text_reply": True})           # (the page tests' box has it off)
    assert 'data-testid="field-first_text_reply" checked' in client.get("/settings/").get_data(
        as_text=True)
    response = client.post("/settings/", data=form(box, first_text_reply="",
                                                   first_text_reply_in_hours="on"))
    assert response.status_code == 302
    saved = box.settings()
    assert saved["first_text_reply"] is False and saved["first_text_reply_in_hours"] is True
