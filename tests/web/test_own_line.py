"""The shop's own line never gets a text-back: `business_phone` saved on Settings and in the API,
calls arriving as the business line, the box's own number or the owner's phone logged with their
own outcome, and after two in a row one text to the owner and a notice on every page."""
import re

from tests.helpers import wait_for
from tests.web.shop_box import BOX_SIM
from tests.web.test_settings import error_of, form
from tests.web.test_setup import start_test, status

BUSINESS = "+12025550100"
OWNER = "+12025550199"
CUSTOMER = "+12025550101"


def test_business_line_on_the_settings_page(client, box):
    response = client.post("/settings/", data=form(box, business_phone="(202) 555-0100\n"
                                                                     "202 555 0102"))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert box.settings()["business_phone"] == [BUSINESS, "+12025550102"]
    html = client.get("/settings/").get_data(as_text=True)
    assert re.search(r'data-testid="field-business_phone"[^>]*>\+12025550100\n\+12025550102<',
                     html)
    bad = client.post("/settings/", data=form(box, business_phone="555"))
    assert bad.status_code == 400
    assert "not a valid phone number" in error_of(bad.get_data(as_text=True), "business_phone")


def test_business_line_in_the_api(api, box):
    response = api.patch("/api/settings", json={"business_phone": "(202) 555-0100"})
    assert response.status_code == 200 and response.get_json()["business_phone"] == [BUSINESS]
    bad = api.patch("/api/settings", json={"business_phone": ["+12025550100", "12"]})
    assert bad.status_code == 400 and "business_phone[1]" in bad.get_json()["errors"]


def test_own_numbers_are_never_texted_and_two_in_a_row_tell_the_owner(appliance, box, client,
                                                                      ring):
    """On a whole box (simulator): each own number is its own outcome; two in a row text the
    owner once and put the notice on the page; a customer's number coming through ends it."""
    box.update_settings({"business_phone": [BUSINESS], "owner_phone": OWNER})
    assert ring(BUSINESS).outcome == "business_line"
    assert "caller-id-notice" not in client.get("/").get_data(as_text=True)
    assert ring(OWNER).outcome == "owner_phone"
    alert = wait_for(lambda: owner_alerts(box), message="the owner's text")
    assert "your mobile" in alert[0]["text"]
    wait_for(lambda: [s for s in box.demo_phone.sent if s.number == OWNER],
             message="the owner's text to reach the network")
    assert ring(own_sim_number(box)).outcome == "own_number"
    page = client.get("/calls/").get_data(as_text=True)
    assert 'data-testid="caller-id-notice"' in page and "ask your carrier" in page.lower()
    assert not [s for s in box.demo_phone.sent if s.number in (BUSINESS, own_sim_number(box))]
    assert len(owner_alerts(box)) == 1          # once, not again on the third call
    assert ring(CUSTOMER).outcome == "texted"
    assert "caller-id-notice" not in client.get("/").get_data(as_text=True)
    assert any(e["kind"] == "caller_id" for e in box.events(limit=20))


def owner_alerts(box):
    found = box.conversation(OWNER) or {"messages": []}
    return [m for m in found["messages"] if m["direction"] == "out" and "caller ID" in m["text"]]


def own_sim_number(box):
    """The box's own number as its SIM reports it."""
    return box.box_number() or BOX_SIM


def test_the_guided_test_call_from_the_business_line_is_not_shown(client, box, ring):
    box.update_settings({"business_phone": ["+12025550177", BUSINESS]})
    _, since = start_test(client)
    ring(BUSINESS)
    answer = status(client, since)
    assert answer["caller_id"]["verdict"] == "replaced"
    assert answer["call"]["outcome"] == "business_line" and answer["stage"] == "not_texted"
