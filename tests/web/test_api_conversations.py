"""The JSON API's conversation changes: the owner starts a conversation, marks one booked with
its value, reads the event log and a customer's consent history."""
import pytest

from tests.helpers import wait_for

CALLER = "+12025550101"


def test_start_a_conversation_with_a_national_number(api, appliance, box, text_in):
    """On a whole box: the text reaches the simulated network at the E.164 number, and a
    customer who texted STOP is refused with the field named."""
    before = len(box.demo_phone.sent)
    response = api.post("/api/conversations", json={"number": "(202) 555-0143",
                                                     "text": "Hi, it's Ace Plumbing."})
    assert response.status_code == 202
    message = response.get_json()
    assert message["number"] == "+12025550143" and message["status"] == "queued"
    sent = wait_for(lambda: [s for s in box.demo_phone.sent[before:]
                             if s.text == "Hi, it's Ace Plumbing."], message="the text to go")
    assert sent[0].number == "+12025550143"
    thread = api.get("/api/conversations/2025550143").get_json()
    assert [m["text"] for m in thread["messages"]] == ["Hi, it's Ace Plumbing."]

    text_in("+12025550143", "STOP")
    refused = api.post("/api/conversations", json={"number": "+12025550143", "text": "Hello?"})
    assert refused.status_code == 400
    assert "STOP" in refused.get_json()["errors"]["number"]


@pytest.mark.parametrize("body, field", [
    ({"number": "12", "text": "hi"}, "number"),
    ({"number": "hello", "text": "hi"}, "number"),
    ({"text": "hi"}, "number"),
    ({"number": "+12025550143", "text": "  "}, "text"),
    ({"number": "+12025550143"}, "text"),
    ({"number": 2025550143, "text": "hi"}, "number"),
])
def test_start_a_conversation_with_bad_input(api, box, body, field):
    response = api.post("/api/conversations", json=body)
    assert response.status_code == 400
    assert field in response.get_json()["errors"]
    assert box.conversations() == []


def test_mark_booked_with_its_value(api, ring):
    ring(CALLER)
    response = api.patch("/api/conversations/2025550101", json={"booked": True, "value": 450})
    assert response.status_code == 200
    assert response.get_json()["booked"] is True and response.get_json()["value"] == 450
    body = api.get(f"/api/conversations/{CALLER}").get_json()
    assert body["booked"] is True and body["value"] == 450
    stats = api.get("/api/stats?days=1").get_json()
    assert stats["booked"] == 1 and stats["revenue"] == 450
    cleared = api.patch(f"/api/conversations/{CALLER}", json={"booked": False})
    assert cleared.get_json()["booked"] is False
    assert api.get("/api/stats?days=1").get_json()["booked"] == 0


@pytest.mark.parametrize("body, field", [
    ({"booked": "yes"}, "booked"), ({"value": -5}, "value"), ({"value": "450"}, "value"),
    ({"booked": True, "price": 3}, "price"),
])
def test_mark_booked_with_bad_input(api, ring, body, field):
    ring(CALLER)
    response = api.patch(f"/api/conversations/{CALLER}", json=body)
    assert response.status_code == 400
    assert field in response.get_json()["errors"]


def test_mark_booked_on_an_unknown_number_is_404(api):
    assert api.patch("/api/conversations/+12025550999", json={"booked": True}).status_code == 404


def test_events_newest_first_with_a_limit(api, ring, text_in):
    ring(CALLER)
    text_in(CALLER, "STOP")
    api.patch("/api/settings", json={"business_name": "Ace"})
    events = api.get("/api/events?limit=2").get_json()["events"]
    assert len(events) == 2
    assert events[0]["kind"] == "settings" and events[1]["kind"] == "consent"
    assert set(events[0]) == {"at", "kind", "level", "text"}
    assert api.get("/api/events?limit=0").status_code == 400


def test_consent_history(api, ring, text_in):
    ring(CALLER)
    text_in(CALLER, "STOP")
    text_in(CALLER, "START")
    history = api.get(f"/api/conversations/{CALLER}").get_json()["consent"]
    assert [(c["event"], c["how"]) for c in history] == [
        ("opted_in", "called the business"), ("opted_out", "texted a keyword"),
        ("opted_in", "texted a keyword")]
    alone = api.get(f"/api/conversations/{CALLER}/consent").get_json()
    assert alone["consent"] == history
    assert api.get("/api/conversations/+12025550999/consent").status_code == 404


@pytest.mark.parametrize("method, path", [("post", "/api/conversations"),
                                          ("patch", f"/api/conversations/{CALLER}"),
                                          ("get", "/api/events"),
                                          ("get", f"/api/conversations/{CALLER}/consent")])
def test_the_new_endpoints_need_the_token(anon, method, path):
    assert getattr(anon, method)(path, json={}).status_code == 401
