"""The setup page: the box's number, forwarding codes, the guided test call, the demo panel."""
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from appliance.core import numbers
from tests.helpers import wait_for
from tests.web.conftest import PASSWORD, ShopClient
from web import forwarding, setup_check

CALLER = "+12025550143"
OWNER = "+12025550199"


def logged_in_client(the_box):
    from web import create_app
    app = create_app(the_box, {"TESTING": True})
    app.test_client_class = ShopClient
    the_box.set_password(PASSWORD)
    test_client = app.test_client()
    assert test_client.post("/login", data={"password": PASSWORD}).status_code == 302
    return test_client


@pytest.fixture
def other_box(tmp_path):
    """Start a real box with other options (a modem dialect, or not in demo mode)."""
    from appliance.app.bootstrap import Options, bootstrap
    from appliance.app.timings import FAST
    started = []

    def _start(**options):
        appliance = bootstrap(Options(tmp_path / f"data{len(started)}", gpio=False, **options),
                              FAST)
        appliance.start()
        started.append(appliance)
        the_box = appliance.box
        wait_for(lambda: the_box.status()["modem"]["state"] == "ready", timeout=10,
                 message="the modem to be ready")
        return the_box
    yield _start
    for appliance in started:
        appliance.stop()


@pytest.fixture
def modem_sim(tmp_path):
    """A simulated modem the box talks to as if it were a real one (not demo mode)."""
    from hardware.simulator import ModemSimulator
    sim = ModemSimulator(dialect="sim800", link_path=tmp_path / "modem")
    sim.start()
    yield sim
    sim.stop()


def status(client, since, called_from=""):
    response = client.get("/setup/test-status", query_string={"since": since, "from": called_from})
    assert response.status_code == 200
    return response.get_json()


def start_test(client, called_from=""):
    response = client.get("/setup/test", query_string={"from": called_from})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    return response.headers["Location"], query["since"][0]


# --- the number and the codes --------------------------------------------------------------------

def test_codes_are_filled_with_the_sims_number(client, box):
    html = client.get("/setup/").get_data(as_text=True)
    assert 'data-testid="box-number">+15550000000<' in html
    assert "**61*+15550000000*11*20#" in html
    assert 'href="tel:**61*+15550000000*11*20%23"' in html
    for code in ("**67*+15550000000#", "**62*+15550000000#", "**004*+15550000000#", "##004#", "*#61#"):
        assert code in html
    assert "*715550000000" in html and "*73" in html               # Verizon note with the number
    assert 'data-testid="carrier-voip"' in html


def test_forwarding_delay_can_be_chosen(client):
    html = client.get("/setup/?seconds=30").get_data(as_text=True)
    assert "**61*+15550000000*11*30#" in html
    html = client.get("/setup/?seconds=7").get_data(as_text=True)     # not a network value
    assert "**61*+15550000000*11*20#" in html


def test_owner_types_the_number_when_the_sim_does_not_report_it(other_box):
    the_box = other_box(demo=True, dialect="huawei")       # AT+CNUM answers a bare OK
    client = logged_in_client(the_box)
    html = client.get("/setup/").get_data(as_text=True)
    assert 'data-testid="number-form"' in html and "**61*" not in html
    response = client.post("/setup/number", data={"box_number": "(202) 555-0177"})
    assert response.status_code == 302
    assert the_box.settings()["box_number"] == "+12025550177"
    html = client.get("/setup/").get_data(as_text=True)
    assert "**61*+12025550177*11*20#" in html


def test_bad_box_number_is_shown_next_to_the_field(other_box):
    the_box = other_box(demo=True, dialect="huawei")
    client = logged_in_client(the_box)
    response = client.post("/setup/number", data={"box_number": "12"})
    assert response.status_code == 400
    assert 'data-testid="error-box_number"' in response.get_data(as_text=True)
    response = client.post("/setup/number", data={"box_number": "+1 555 000"})   # not a number
    assert response.status_code == 400
    assert "not a valid phone number" in response.get_data(as_text=True)
    assert the_box.settings()["box_number"] == ""


# --- the guided test call --------------------------------------------------------------------------

def test_start_test_opens_the_panel_watching_from_now(client):
    location, since = start_test(client, CALLER)
    assert abs(datetime.fromisoformat(since) - datetime.now(timezone.utc)) < timedelta(seconds=5)
    html = client.get(location).get_data(as_text=True)
    assert 'data-testid="test-panel"' in html
    assert "/setup/test-status?since=" in html


def test_status_waits_for_a_call(client):
    _, since = start_test(client)
    assert status(client, since) == {"stage": "waiting", "done": False, "call": None,
                                     "caller_id": None, "text": None, "since": since}


def test_status_shows_the_call_the_number_and_the_text(client, box, ring):
    _, since = start_test(client, CALLER)
    ring(CALLER)
    answer = status(client, since, CALLER)
    assert answer["stage"] == "texted" and answer["done"] is True
    assert answer["call"]["number"] == CALLER and answer["call"]["outcome"] == "texted"
    assert answer["caller_id"]["verdict"] == "shown"
    assert answer["text"]["text"] == box.demo_phone.sent[-1].text
    assert answer["text"]["status"] in ("sent", "delivered")


def test_status_only_counts_calls_since_the_test_started(client, ring):
    ring(CALLER)
    _, since = start_test(client)
    assert status(client, since)["stage"] == "waiting"


def test_status_withheld_caller(client, ring):
    _, since = start_test(client)
    ring(withheld=True)
    answer = status(client, since)
    assert answer["caller_id"]["verdict"] == "withheld" and answer["stage"] == "not_texted"
    assert answer["text"] is None


def test_status_caller_id_replaced_by_forwarding(client, ring):
    _, since = start_test(client, "+12025550100")
    ring(CALLER)                                  # another number arrived than the one used
    assert status(client, since, "+12025550100")["caller_id"]["verdict"] == "replaced"


def test_status_call_from_the_owners_phone(client, box, ring):
    box.update_settings({"owner_phone": OWNER})
    _, since = start_test(client)
    ring(OWNER)
    answer = status(client, since)
    assert answer["caller_id"]["verdict"] == "owner"
    assert answer["call"]["outcome"] == "owner_phone" and answer["stage"] == "not_texted"


def test_status_needs_a_time(client):
    response = client.get("/setup/test-status?since=yesterday")
    assert response.status_code == 400 and "since" in response.get_json()["errors"]


def test_reflected_caller_number_is_escaped(client):
    html = client.get("/setup/", query_string={"since": "2026-01-01T00:00:00+00:00",
                                               "from": '"><script>alert(1)</script>'})
    text = html.get_data(as_text=True)
    assert "<script>alert" not in text and "&lt;script&gt;" in text


# --- demo simulator panel ------------------------------------------------------------------------------

def test_demo_panel_rings_the_box(client, box):
    html = client.get("/setup/").get_data(as_text=True)
    assert 'data-testid="simulator"' in html
    response = client.post("/setup/simulate/ring", data={"number": CALLER, "since": "2026-01-01T00:00:00+00:00"})
    assert response.status_code == 302 and "since=" in response.headers["Location"]
    call = wait_for(lambda: box.calls(number=CALLER), message="the simulated call")[0]
    assert call.rings >= 1


def test_demo_panel_rings_withheld(client, box):
    assert client.post("/setup/simulate/ring", data={"number": "", "withheld": "1"}).status_code == 302
    wait_for(lambda: [c for c in box.calls() if c.outcome == "withheld"],
             message="the withheld call")


def test_demo_panel_texts_the_box(client, box):
    response = client.post("/setup/simulate/text", data={"number": CALLER, "text": "Leak <b>now</b>"})
    assert response.status_code == 302
    thread = wait_for(lambda: box.conversation(CALLER), message="the simulated text")
    assert thread["messages"][-1]["text"] == "Leak <b>now</b>"


def test_demo_panel_errors(client, box):
    response = client.post("/setup/simulate/ring", data={"number": "call me"})
    assert response.status_code == 400 and 'data-testid="error-sim_number"' in response.get_data(as_text=True)
    response = client.post("/setup/simulate/text", data={"number": CALLER, "text": " "})
    assert response.status_code == 400 and 'data-testid="error-sim_text"' in response.get_data(as_text=True)


def test_demo_panel_needs_csrf(client, box):
    response = client.post("/setup/simulate/ring", data={"number": CALLER}, csrf=False)
    assert response.status_code == 400
    assert box.calls() == []


def test_no_demo_panel_outside_demo_mode(other_box, modem_sim):
    the_box = other_box(demo=False, port=modem_sim.port)
    client = logged_in_client(the_box)
    html = client.get("/setup/").get_data(as_text=True)
    assert 'data-testid="simulator"' not in html
    assert client.post("/setup/simulate/ring", data={"number": CALLER}).status_code == 404
    assert client.post("/setup/simulate/text", data={"number": CALLER, "text": "hi"}).status_code == 404


def test_pages_need_login(anon):
    assert anon.get("/setup/").status_code == 302
    assert anon.get("/setup/test-status?since=2026-01-01T00:00:00").status_code == 302


# --- the pure helpers ------------------------------------------------------------------------------------

def test_forwarding_codes():
    assert forwarding.clean_number(" +1 (202) 555-0143 ") == "+12025550143"
    assert forwarding.us_local("+12025550143") == "2025550143"
    assert forwarding.us_local("+447700900123") is None
    assert forwarding.tel_link("**61*+1202*11*20#") == "tel:**61*+1202*11*20%23"
    codes = {c["key"]: c["code"] for c in forwarding.gsm_codes("+447700900123", 15)}
    assert codes["no_reply"] == "**61*+447700900123*11*15#" and codes["cancel"] == "##004#"
    notes = {n["key"]: n for n in forwarding.carrier_notes("+447700900123")}
    assert notes["verizon"]["code"] is None


def test_caller_id_verdicts():
    settings = {"owner_phone": OWNER, "business_phone": "+12025550100"}
    assert setup_check.caller_id(None, "", settings, None)["verdict"] == "withheld"
    assert setup_check.caller_id("+12025550100", "", settings, None)["verdict"] == "replaced"
    assert setup_check.caller_id("+15550000000", "", settings, "+15550000000")["verdict"] == "replaced"
    assert setup_check.caller_id(OWNER, "", settings, None)["verdict"] == "owner"
    assert setup_check.caller_id(CALLER, "(202) 555-0143", settings, None)["verdict"] == "shown"
    assert setup_check.caller_id(CALLER, "2025550111", settings, None)["verdict"] == "replaced"
    assert numbers.same_number("02025550143", "+12025550143")
    assert not numbers.same_number("", "")


def test_the_modem_section_shows_how_calls_are_noticed_quirks_and_unknown_lines(other_box):
    the_box = other_box(demo=True, dialect="vendorend")
    the_box.demo_phone.ring(CALLER, rings=2)
    wait_for(lambda: the_box.calls(limit=1), 10, "the call recorded")
    page = logged_in_client(the_box).get("/setup/").get_data(as_text=True)
    section = page[page.index('data-testid="modem-card"'):page.index("</section>",
                                                                     page.index("modem-card"))]
    assert "Generic VENDOR-END" in section and "Within about a second" in section
    assert "AT+CVHU=0: ERROR (skipped)" in section and "+ZCEND: 1,16" in section
    assert 'data-testid="modem-blocking"' not in section


def test_modem_view_phrases():
    from web.setup_modem import modem_view
    assert modem_view({})["known"] is False
    slow = modem_view({"model": "X", "call_list": False, "reports_call_end": None,
                       "blocking": "PDU mode (AT+CMGF=0): ERROR", "state": "error"})
    assert slow["noticed_tone"] == "warn" and "8 seconds" in slow["noticed"]
    assert slow["blocking"] == "PDU mode (AT+CMGF=0): ERROR"
    assert "every 30 seconds" in slow["texts"]
    fast = modem_view({"model": "SIM800", "reports_call_end": True,
                       "new_message_mode": "AT+CNMI=2,1,0,2,0"})
    assert fast["noticed"].startswith("At once") and "announces" in fast["texts"]
