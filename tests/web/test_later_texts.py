"""The page's side of follow-ups and review requests: the Settings fields and their errors, the
two messages on the Messages page, and what a thread says about them. The shop's clock starts on
a Wednesday at 10:00 in New York."""
import re
from datetime import timedelta

import pytest

from tests.appliance.test_follow_ups_end_to_end import WEDNESDAY_10, MovableClock
from tests.web.shop_box import shop_box
from tests.web.test_settings import error_of, form

CALLER, REPLIER = "+12025550101", "+12025550102"


@pytest.fixture
def clock():
    return MovableClock(WEDNESDAY_10)


@pytest.fixture
def box(tmp_path, clock):
    the_box = shop_box(tmp_path / "data", clock=clock)
    yield the_box
    the_box.store.close()


def test_switching_both_on_with_hours_and_a_review_link(client, box):
    html = client.get("/settings/").get_data(as_text=True)
    assert re.search(r'name="follow_up_hours"[^>]*value="4"', html)
    assert not re.search(r'name="follow_up_on"[^>]*checked', html)
    data = form(box, follow_up_on="on", follow_up_hours="6", review_request_on="on",
                review_request_hours="2.5", review_link=" https://g.page/r/ace/review ")
    response = client.post("/settings/", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    s = box.settings()
    assert s["follow_up"] == {"on": True, "after_hours": 6}
    assert s["review_request"] == {"on": True, "after_hours": 2.5}
    assert s["review_link"] == "https://g.page/r/ace/review"
    html = client.get("/settings/").get_data(as_text=True)
    assert re.search(r'name="follow_up_on"[^>]*checked', html)
    assert re.search(r'name="review_request_hours"[^>]*value="2.5"', html)


def test_errors_land_on_their_fields(client, box):
    data = form(box, follow_up_on="on", follow_up_hours="soon", review_request_on="on",
                review_request_hours="24", review_link="")
    response = client.post("/settings/", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_of(html, "follow_up") == "type the hours as a number, like 4"
    assert error_of(html, "review_link") == \
        "review requests need a review link (a web address) to send"
    response = client.post("/settings/", data=form(box, follow_up_hours="500"))
    assert error_of(response.get_data(as_text=True), "follow_up") == \
        "must be between 1 and 168 hours"
    assert box.settings()["follow_up"] == {"on": False, "after_hours": 4}


def test_the_messages_page_edits_both_with_the_review_link_placeholder(client, box):
    html = client.get("/messages/").get_data(as_text=True)
    assert "Follow-up if no reply" in html and "Review request" in html
    response = client.post("/messages/review_request",
                           data={"text": "Thanks! A review helps: {review_link}"})
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    assert box.settings()["messages"]["review_request"] == "Thanks! A review helps: {review_link}"
    response = client.post("/messages/follow_up", data={"text": "Still need help? {nope}"})
    assert response.status_code == 400


def test_a_thread_shows_the_planned_follow_up_the_sent_one_and_why_one_was_dropped(
        client, box, clock, ring, text_in):
    box.update_settings({"follow_up": {"on": True, "after_hours": 4}})
    ring(CALLER)
    ring(REPLIER)
    html = client.get(f"/conversations/{CALLER}").get_data(as_text=True)
    assert re.search(r'data-testid="later-planned">Follow-up planned for 2:00 PM<', html)
    text_in(REPLIER, "Yes, tomorrow is fine")
    clock.move_to(WEDNESDAY_10 + timedelta(hours=4, minutes=1))
    ring("+12025550103")          # anything the box handles runs its check (no thread here)
    html = client.get(f"/conversations/{REPLIER}").get_data(as_text=True)
    assert 'data-testid="later-dropped">Follow-up not sent: they replied<' in html
    html = client.get(f"/conversations/{CALLER}").get_data(as_text=True)
    assert "later-planned" not in html
    assert re.search(r"Hi, just checking in.*?Follow-up", html, re.S)


def test_results_show_the_follow_ups_once_switched_on(client, box, clock, ring):
    assert 'data-testid="r-later"' not in client.get("/results/").get_data(as_text=True)
    box.update_settings({"follow_up": {"on": True, "after_hours": 4}})
    ring(CALLER)
    clock.move_to(WEDNESDAY_10 + timedelta(hours=4, minutes=1))
    ring(REPLIER)                 # runs the box's check: the follow-up to CALLER goes
    html = client.get("/results/?days=7").get_data(as_text=True)
    assert 'data-testid="r-follow-ups">1<' in html
    assert 'data-testid="r-review-requests">0<' in html
    csv = client.get("/results/?days=7&format=csv").get_data(as_text=True).splitlines()
    header, total = csv[0].lstrip("\ufeff").split(","), csv[-1].split(",")
    assert dict(zip(header, total))["follow_ups"] == "1"


def test_the_api_thread_lists_the_planned_and_dropped_texts(api, box, ring, clock):
    box.update_settings({"follow_up": {"on": True, "after_hours": 4}})
    ring(CALLER)
    body = api.get(f"/api/conversations/{CALLER}").get_json()
    [planned] = body["later"]
    assert (planned["kind"], planned["state"], planned["why"]) == ("follow_up", "planned", None)
    assert planned["at"].startswith("2026-12-02T19:00:")   # 14:00 in New York, as UTC (the clock runs)
    box.update_settings({"follow_up": {"on": False, "after_hours": 4}})
    clock.move_to(WEDNESDAY_10 + timedelta(hours=4, minutes=1))
    ring(REPLIER)
    body = api.get(f"/api/conversations/{CALLER}").get_json()
    assert body["later"] == [{"kind": "follow_up", "state": "dropped", "at": None,
                              "why": "switched off in Settings"}]
