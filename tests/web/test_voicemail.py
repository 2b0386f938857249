"""The Setup page's voicemail card, end to end: a whole box on the modem simulator whose SIM
forwards unanswered calls to its voicemail (AT+CCFC), the page asking the network and switching
it off on the owner's click."""
import pytest

from tests.appliance.box_support import running_box, short_power_on
from tests.helpers import wait_for

VOICEMAIL = "+12125550999"


@pytest.fixture
def appliance(tmp_path):
    def prepare(app):
        short_power_on(app)
        app.simulator.set_network(forwarding={2: VOICEMAIL, 1: VOICEMAIL})

    with running_box(tmp_path / "data", prepare=prepare) as the_appliance:
        yield the_appliance


def _settled(appliance) -> dict:
    return wait_for(lambda: (lambda s: s if not s["checking"] else None)(
        appliance.box.voicemail.state()), 10, "the network's answer")


def test_the_page_finds_the_sims_voicemail_and_switches_it_off(appliance, client):
    html = client.get("/setup/").get_data(as_text=True)            # opening the page asks
    assert 'data-testid="voicemail-card"' in html
    state = _settled(appliance)
    assert state["verdict"] == "voicemail"
    assert state["forwarding"]["no_reply"] == {"active": True, "number": VOICEMAIL,
                                               "seconds": 20}
    assert state["forwarding"]["unreachable"]["active"] is False
    html = client.get("/setup/").get_data(as_text=True)
    assert 'data-testid="voicemail-on"' in html and "##61#" in html and "##004#" in html
    assert 'data-testid="voicemail-turn-off"' in html
    assert client.post("/setup/voicemail/off", data={}).status_code == 302
    state = _settled(appliance)
    assert state["verdict"] == "rings_out" and state["turned_off"] == "done"
    assert appliance.simulator.network.forwarding == {}
    sent = b"".join(data for way, data in appliance.simulator.transcript if way == "in")
    assert b"AT+CCFC=4,4\r" in sent
    html = client.get("/setup/").get_data(as_text=True)
    assert 'data-testid="voicemail-off"' in html and 'voicemail-turn-off' not in html


def test_a_network_that_will_not_say_is_shown_and_the_box_carries_on(appliance, client, api):
    appliance.simulator.refuse("+CCFC", "+CME ERROR: 30")
    assert client.post("/setup/voicemail/check", data={}).status_code == 302
    state = _settled(appliance)
    assert state["verdict"] == "unknown"
    assert state["forwarding"]["busy"] == {"error": "+CME ERROR: 30"}
    html = client.get("/setup/").get_data(as_text=True)
    assert "the network would not say (+CME ERROR: 30)" in html
    assert api.get("/setup/voicemail/state").status_code in (302, 401)    # page login only
    assert client.get("/setup/voicemail/state").get_json()["verdict"] == "unknown"
    assert appliance.modem.status.state == "ready"


def test_the_api_asks_and_switches_off_with_the_token_only(appliance, api, anon):
    assert anon.get("/api/voicemail").status_code == 401
    assert anon.post("/api/voicemail", json={"action": "off"}).status_code == 401
    assert api.post("/api/voicemail", json={"action": "erase"}).get_json() == {
        "errors": {"action": "must be check or off"}}
    response = api.post("/api/voicemail", json={"action": "check"})
    assert response.status_code == 202 and response.get_json()["started"] is True
    wait_for(lambda: not api.get("/api/voicemail").get_json()["checking"], 10, "answer")
    assert api.get("/api/voicemail").get_json()["verdict"] == "voicemail"
    assert api.post("/api/voicemail", json={"action": "off"}).status_code == 202
    wait_for(lambda: not api.get("/api/voicemail").get_json()["checking"], 10, "answer")
    assert api.get("/api/voicemail").get_json()["verdict"] == "rings_out"
    assert appliance.simulator.network.forwarding == {}
