"""The page's side of follow-ups and review requests: the Settings fields and their errors, and
the two messages on the Messages page."""
import re

from tests.web.test_settings import error_of, form


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
