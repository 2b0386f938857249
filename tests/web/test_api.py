"""The JSON API (web/README.md): bearer token only, contract shapes, and every error answer."""
import pytest

from appliance.core.domain import BoxBusy
from tests.helpers import wait_for
from tests.web.conftest import PASSWORD

CALLER = "+12025550101"
ENDPOINTS = [("get", "/api/status"), ("get", "/api/calls"), ("get", "/api/conversations"),
             ("get", f"/api/conversations/{CALLER}"), ("post", f"/api/conversations/{CALLER}/messages"),
             ("get", "/api/settings"), ("patch", "/api/settings"), ("get", "/api/stats")]


@pytest.mark.parametrize("method, path", ENDPOINTS)
def test_no_token_no_answer(anon, method, path):
    response = getattr(anon, method)(path, json={"text": "hi"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "token" in response.get_json()["error"]


@pytest.mark.parametrize("method, path", ENDPOINTS)
def test_a_wrong_token_is_refused(anon, box, method, path):
    wrong = box.api_token()[:-1] + ("x" if not box.api_token().endswith("x") else "y")
    response = getattr(anon, method)(path, json={"text": "hi"},
                                     headers={"Authorization": f"Bearer {wrong}"})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_logged_in_browser_session_is_not_enough(client):
    """The session cookie never authenticates the API (so no CSRF through the API)."""
    assert client.get("/api/status").status_code == 401
    response = client.post(f"/api/conversations/{CALLER}/messages", json={"text": "hi"})
    assert response.status_code == 401


def test_other_schemes_are_refused(anon, box):
    response = anon.get("/api/status", headers={"Authorization": f"Basic {box.api_token()}"})
    assert response.status_code == 401


def test_a_regenerated_token_replaces_the_old_one(anon, box):
    old = box.api_token()
    new = box.regenerate_token()
    assert anon.get("/api/status", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    assert anon.get("/api/status", headers={"Authorization": f"Bearer {new}"}).status_code == 200


def test_status(api):
    body = api.get("/api/status").get_json()
    assert body["modem"]["state"] == "ready"
    assert set(body["modem"]) >= {"state", "model", "operator", "signal_percent", "sim_number"}
    assert set(body["outbox"]) == {"queued", "failed"}
    assert body["paused"] is False
    assert body["version"]


def test_calls_newest_first_with_outcomes(api, ring):
    first = ring(CALLER)
    second = ring(None, withheld=True)
    calls = api.get("/api/calls").get_json()["calls"]
    assert [c["id"] for c in calls[:2]] == [second.id, first.id]
    assert calls[0]["number"] is None and calls[0]["outcome"] == "withheld"
    assert calls[1]["number"] == CALLER and calls[1]["outcome"] == "texted"
    assert set(calls[1]) == {"id", "number", "started_at", "ended_at", "rings", "outcome",
                             "message_id"}
    assert len(api.get("/api/calls?limit=1").get_json()["calls"]) == 1


@pytest.mark.parametrize("limit", ["0", "-3", "ten", "100000"])
def test_calls_limit_must_be_sensible(api, limit):
    response = api.get(f"/api/calls?limit={limit}")
    assert response.status_code == 400
    assert "limit" in response.get_json()["errors"]


def test_conversations_and_one_conversation(api, ring, text_in):
    ring(CALLER)
    text_in(CALLER, "Can you come Tuesday?")
    listed = api.get("/api/conversations").get_json()["conversations"]
    assert listed[0]["number"] == CALLER
    assert listed[0]["last_text"] == "Can you come Tuesday?"
    assert listed[0]["unread"] == 1
    assert set(listed[0]) == {"number", "last_at", "last_text", "unread", "opted_out"}
    for path in (f"/api/conversations/{CALLER}", "/api/conversations/%2B" + CALLER[1:]):
        body = api.get(path).get_json()
        assert body["number"] == CALLER
        assert [m["direction"] for m in body["messages"]] == ["out", "in"]
        assert body["messages"][1]["text"] == "Can you come Tuesday?"
        assert set(body["messages"][0]) == {"id", "direction", "text", "at", "status", "kind"}


def test_an_unknown_conversation_is_404(api):
    response = api.get("/api/conversations/+12025550999")
    assert response.status_code == 404
    assert response.get_json()["error"]


def test_texts_from_numbers_that_never_called_start_a_conversation(api, text_in):
    text_in("+12025550177", "Do you do gutters?")
    body = api.get("/api/conversations/+12025550177").get_json()
    assert [m["text"] for m in body["messages"]] == ["Do you do gutters?"]


def test_send_a_text(api, appliance, box, ring):
    """On a whole box: the reply really reaches the simulated network."""
    ring(CALLER)
    before = len(box.demo_phone.sent)
    response = api.post(f"/api/conversations/{CALLER}/messages", json={"text": "On my way!"})
    assert response.status_code == 202
    message = response.get_json()
    assert message["direction"] == "out" and message["text"] == "On my way!"
    assert message["status"] == "queued"
    sent = wait_for(lambda: [s for s in box.demo_phone.sent[before:] if s.text == "On my way!"],
                    message="the reply to reach the network")
    assert sent[0].number == CALLER


@pytest.mark.parametrize("kwargs, field", [
    ({"data": "text=hello"}, "body"),
    ({"json": ["hello"]}, "body"),
    ({"json": {}}, "text"),
    ({"json": {"text": "   "}}, "text"),
    ({"json": {"text": 42}}, "text"),
])
def test_send_a_text_with_a_broken_body(api, ring, kwargs, field):
    ring(CALLER)
    response = api.post(f"/api/conversations/{CALLER}/messages", **kwargs)
    assert response.status_code == 400
    assert field in response.get_json()["errors"]


def test_send_a_text_to_a_stranger_is_refused(api):
    """Like GET, a number with no conversation is unknown here: 404."""
    response = api.post("/api/conversations/+12025550999/messages", json={"text": "hello"})
    assert response.status_code == 404
    assert "+12025550999" in response.get_json()["error"]


def test_the_api_needs_no_csrf_token(app, box, ring):
    """A bearer-token client is not a browser: POST works without any CSRF token."""
    ring(CALLER)
    raw = app.test_client()
    raw.auto_csrf = False
    response = raw.post(f"/api/conversations/{CALLER}/messages", json={"text": "ok"},
                        headers={"Authorization": f"Bearer {box.api_token()}"})
    assert response.status_code == 202


def test_settings_get_and_patch(api, box):
    settings = api.get("/api/settings").get_json()
    assert settings["cooldown_minutes"] == 720
    response = api.patch("/api/settings", json={"business_name": "Ace Plumbing",
                                                "hours": {"sat": [["09:00", "12:00"]]}})
    assert response.status_code == 200
    saved = response.get_json()
    assert saved["business_name"] == "Ace Plumbing"
    assert saved["hours"]["sat"] == [["09:00", "12:00"]]
    assert saved["hours"]["mon"] == settings["hours"]["mon"]   # merged key by key
    assert box.settings()["business_name"] == "Ace Plumbing"


def test_settings_patch_validation_errors(api, box):
    response = api.patch("/api/settings", json={"cooldown_minutes": "soon", "nonsense": 1})
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert "cooldown_minutes" in errors and "nonsense" in errors
    assert box.settings()["cooldown_minutes"] == 720


@pytest.mark.parametrize("kwargs", [{"data": "not json", "content_type": "application/json"},
                                    {"json": [1, 2]}, {"json": "text"}, {"data": "a=b"}])
def test_settings_patch_with_a_broken_body(api, kwargs):
    response = api.patch("/api/settings", **kwargs)
    assert response.status_code == 400
    assert "body" in response.get_json()["errors"]


def test_stats(api, ring):
    ring(CALLER)
    body = api.get("/api/stats?days=7").get_json()
    assert body["missed"] == 1 and body["texted"] == 1
    for key in ("replied", "reply_rate", "booked", "revenue"):
        assert key in body
    assert len(body["per_day"]) == 7


@pytest.mark.parametrize("days", ["0", "x", "99999"])
def test_stats_days_must_be_sensible(api, days):
    response = api.get(f"/api/stats?days={days}")
    assert response.status_code == 400
    assert "days" in response.get_json()["errors"]


def test_the_password_is_not_an_api_token(anon, box):
    box.set_password(PASSWORD)
    response = anon.get("/api/status", headers={"Authorization": f"Bearer {PASSWORD}"})
    assert response.status_code == 401


def test_a_busy_box_answers_503_and_nothing_is_done(api, client, box, monkeypatch):
    """The service could not take the change in time (service.py raises BoxBusy): the API says
    503 with the reason on `box`, the page shows the busy page; neither is a 400 or a 500."""
    def busy(*args, **kwargs):
        raise BoxBusy("The box is busy; nothing was done. Try again in a moment.")
    monkeypatch.setattr(box, "update_settings", busy)
    monkeypatch.setattr(box, "pause", busy)
    response = api.patch("/api/settings", json={"business_name": "Joe's"})
    assert response.status_code == 503
    assert "busy" in response.get_json()["errors"]["box"]
    page = client.post("/settings/pause", data={"paused": "on"})
    assert page.status_code == 503 and "busy" in page.get_data(as_text=True)
    assert box.settings()["business_name"] == "" and box.settings()["paused"] is False
