"""The inbox and a conversation: list, search, thread, replies, quick replies, booked."""
import re

from tests.helpers import wait_for

CALLER = "+12025550101"
OTHER = "+12025550102"


def test_the_inbox_lists_conversations_with_unread_badges(client, ring, text_in):
    ring(CALLER)
    text_in(CALLER, "Is Tuesday OK?")
    text_in(CALLER, "Or Wednesday")
    html = client.get("/conversations/").get_data(as_text=True)
    assert f'data-number="{CALLER}"' in html
    assert "Or Wednesday" in html
    assert re.search(r'data-testid="unread-badge"[^>]*>2<', html)
    assert re.search(r'data-testid="nav-unread"[^>]*>2<', html)
    assert "<title>(2) Inbox" in html


def test_the_inbox_is_empty_at_first(client):
    html = client.get("/conversations/").get_data(as_text=True)
    assert 'data-testid="inbox-empty"' in html


def test_search(client, text_in):
    text_in(CALLER, "My boiler is leaking")
    text_in(OTHER, "Need a quote for a fence")
    html = client.get("/conversations/?q=boiler").get_data(as_text=True)
    assert f'data-number="{CALLER}"' in html and f'data-number="{OTHER}"' not in html
    html = client.get("/conversations/?q=0102").get_data(as_text=True)
    assert f'data-number="{OTHER}"' in html and f'data-number="{CALLER}"' not in html
    html = client.get("/conversations/?q=plumbing").get_data(as_text=True)
    assert "Nothing matches that search." in html


def _shown(html):
    """What the page's script would post: the mark-read address and the newest text shown."""
    url = re.search(r'data-mark-read="([^"]*)"', html).group(1)
    return url, re.search(r'data-after="([^"]*)"', html).group(1)


def test_opening_a_thread_changes_nothing_and_the_page_marks_it_read(client, box, text_in):
    text_in(CALLER, "Hello?")
    response = client.get(f"/conversations/{CALLER}")
    assert response.status_code == 200
    assert box.conversations()[0]["unread"] == 1           # a GET changes nothing
    url, seen = _shown(response.get_data(as_text=True))
    assert url == f"/conversations/{CALLER}/read"
    answer = client.post(url, data={"seen": seen})
    assert answer.status_code == 200
    assert answer.get_json() == {"marked": True, "unread": 0, "text": ""}
    assert box.conversations()[0]["unread"] == 0
    html = client.get(f"/conversations/{CALLER}").get_data(as_text=True)
    assert re.search(r'class="badge hidden" data-testid="nav-unread"[^>]*></span>', html)
    assert "<title>(202) 555-0101 · " in html          # no "(1) " count in front any more


def test_marking_read_needs_the_csrf_token_a_login_and_a_conversation(client, anon, box, text_in):
    text_in(CALLER, "Hello?")
    seen = box.conversation(CALLER)["messages"][-1]["id"]
    assert client.post(f"/conversations/{CALLER}/read", data={"seen": seen},
                       csrf=False).status_code == 400
    response = anon.post(f"/conversations/{CALLER}/read", data={"seen": seen},
                         headers={"X-CSRFToken": anon.csrf_token(), "Accept": "application/json"})
    assert response.status_code == 401
    assert box.conversations()[0]["unread"] == 1
    assert client.post("/conversations/+12025550999/read", data={"seen": "x"}).status_code == 404


def test_a_thread_shows_bubbles_times_and_delivery(client, box, ring, text_in):
    box.update_settings({"timezone": "Europe/London", "region": "GB",
                         "allowed_countries": ["US"]})
    ring(CALLER)
    incoming = text_in(CALLER, "Thanks for texting back")
    html = client.get(f"/conversations/{CALLER}").get_data(as_text=True)
    assert html.count('data-testid="bubble"') == 2
    assert 'data-direction="out"' in html and 'data-direction="in"' in html
    assert "Automatic text-back" in html
    assert re.search(r'data-status="(sent|delivered)"', html)
    # 24-hour clock in London (GB): "HH:MM", not "AM/PM"
    assert f'datetime="{incoming["at"]}"' in html
    assert re.search(r'<time datetime="[^"]+" title="[^"]+">\d\d:\d\d</time>', html)
    assert f'href="tel:{CALLER}"' in html


def test_a_script_in_a_text_is_shown_as_text(client, text_in):
    text_in(CALLER, '<script>alert("pwned")</script><img src=x onerror=alert(1)>')
    for path in (f"/conversations/{CALLER}", "/conversations/", "/"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "<img src=x" not in html
    html = client.get(f"/conversations/{CALLER}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in html
    live = client.get(f"/live/conversation/{CALLER}").get_json()
    assert "<script>alert" not in live["insert"]
    assert "&lt;script&gt;" in live["insert"]


def test_an_unknown_number_is_404(client):
    response = client.get("/conversations/+12025550999")
    assert response.status_code == 404
    assert 'data-testid="no-conversation"' in response.get_data(as_text=True)
    assert client.get("/live/conversation/+12025550999").status_code == 404


def test_reply(client, box, ring):
    ring(CALLER)
    before = len(box.demo_phone.sent)
    response = client.post(f"/conversations/{CALLER}/reply", data={"text": "Be there at 3"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/conversations/{CALLER}#reply")
    wait_for(lambda: any(s.text == "Be there at 3" for s in box.demo_phone.sent[before:]),
             message="the reply to be sent")
    html = client.get(f"/conversations/{CALLER}").get_data(as_text=True)
    assert "Be there at 3" in html
    assert "Reply queued" in html


def test_an_empty_reply_is_refused(client, ring):
    ring(CALLER)
    response = client.post(f"/conversations/{CALLER}/reply", data={"text": "  "})
    assert response.status_code == 400
    assert "Write a reply first." in response.get_data(as_text=True)


def test_a_reply_too_long_keeps_the_draft(client, ring):
    ring(CALLER)
    draft = "x" * 1001
    response = client.post(f"/conversations/{CALLER}/reply", data={"text": draft})
    assert response.status_code == 400
    assert draft in response.get_data(as_text=True)


def test_a_reply_the_box_refuses_shows_its_reason(client, box, text_in):
    text_in(CALLER, "STOP")
    wait_for(lambda: box.conversation(CALLER)["contact"]["opted_out"], message="the opt-out")
    response = client.post(f"/conversations/{CALLER}/reply", data={"text": "Sorry to see you go"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "texted STOP" in html
    assert 'data-testid="opted-out"' in html


def test_a_reply_needs_csrf(client, box, ring):
    ring(CALLER)
    before = len(box.conversation(CALLER)["messages"])
    response = client.post(f"/conversations/{CALLER}/reply", csrf=False, data={"text": "hi"})
    assert response.status_code == 400
    assert len(box.conversation(CALLER)["messages"]) == before


def test_quick_replies_have_their_placeholders_filled(client, box, ring):
    box.update_settings({"booking_link": "https://book.example.com/ace",
                         "quick_replies": ["Book a time here: {booking_link}", "On my way"]})
    ring(CALLER)
    html = client.get(f"/conversations/{CALLER}").get_data(as_text=True)
    assert 'data-fill-text="Book a time here: https://book.example.com/ace"' in html
    assert 'data-fill-text="On my way"' in html
    assert "{booking_link}" not in html


def test_mark_booked_with_a_job_value(client, box, ring):
    ring(CALLER)
    response = client.post(f"/conversations/{CALLER}/booked", data={"booked": "yes",
                                                                     "job_value": "$1,250"})
    assert response.status_code == 302
    contact = box.conversation(CALLER)["contact"]
    assert contact["booked"] is True and contact["job_value"] == 1250
    html = client.get(f"/conversations/{CALLER}").get_data(as_text=True)
    assert 'data-testid="booked-pill"' in html and "$1,250" in html
    client.post(f"/conversations/{CALLER}/booked", data={"booked": "no"})
    assert box.conversation(CALLER)["contact"]["booked"] is False


def test_a_bad_job_value_is_refused(client, box, ring):
    ring(CALLER)
    response = client.post(f"/conversations/{CALLER}/booked", data={"booked": "yes",
                                                                     "job_value": "lots"})
    assert response.status_code == 400
    assert 'data-testid="error-job_value"' in response.get_data(as_text=True)
    assert box.conversation(CALLER)["contact"]["booked"] is False


def test_booked_for_an_unknown_number_is_404(client):
    assert client.post("/conversations/+12025550999/booked", data={"booked": "yes"}).status_code == 404


def test_new_texts_arrive_live(client, box, ring, text_in):
    ring(CALLER)
    page = client.get(f"/conversations/{CALLER}").get_data(as_text=True)
    after = re.search(r'data-after="([^"]*)"', page).group(1)
    assert client.get(f"/live/conversation/{CALLER}?after={after}").get_json()["messages"] == []
    text_in(CALLER, "Just saw your text")
    live = client.get(f"/live/conversation/{CALLER}?after={after}").get_json()
    assert [m["text"] for m in live["messages"]] == ["Just saw your text"]
    assert "Just saw your text" in live["insert"]
    assert live["latest"] == live["messages"][-1]["id"]
    assert after in live["slots"]   # delivery status of the text-back is refreshed too
    assert box.conversations()[0]["unread"] == 1   # polling changes nothing ...
    answer = client.post(f"/conversations/{CALLER}/read", data={"seen": live["latest"]})
    assert answer.get_json()["marked"]                      # ... the page does
    assert box.conversations()[0]["unread"] == 0


def test_the_inbox_updates_live(client, text_in):
    text_in(CALLER, "First!")
    live = client.get("/live/inbox").get_json()
    assert "First!" in live["regions"]["inbox"]


def test_delivery_status_follows_the_network(client, appliance, box, ring):
    ring(CALLER)
    sim = appliance.simulator
    textback = wait_for(lambda: [s for s in sim.sent if s.number == CALLER], message="text-back")
    sim.deliver_report(textback[0].reference, delivered=True)
    wait_for(lambda: box.conversation(CALLER)["messages"][0]["status"] == "delivered",
             message="the delivery report")
    html = client.get(f"/conversations/{CALLER}").get_data(as_text=True)
    assert 'data-status="delivered"' in html and ">Delivered<" in html


def test_a_text_that_cannot_be_delivered_says_call_them_instead(client, appliance, box, ring):
    ring(CALLER)
    sim = appliance.simulator
    textback = wait_for(lambda: [s for s in sim.sent if s.number == CALLER], message="text-back")
    sim.deliver_report(textback[0].reference, delivered=False)
    wait_for(lambda: box.conversation(CALLER)["messages"][0]["status"] == "failed",
             message="the failed delivery report")
    html = client.get(f"/conversations/{CALLER}").get_data(as_text=True)
    assert "Couldn&#39;t be delivered — call them instead" in html
    live = client.get(f"/live/conversation/{CALLER}").get_json()
    message_id = box.conversation(CALLER)["messages"][0]["id"]
    assert "call them instead" in live["slots"][message_id]


def test_the_page_marks_read_only_what_it_shows(client, box, ring, text_in):
    ring(CALLER)
    page = client.get(f"/conversations/{CALLER}").get_data(as_text=True)
    url, after = _shown(page)
    text_in(CALLER, "First")
    live = client.get(f"/live/conversation/{CALLER}?after={after}").get_json()
    assert [m["text"] for m in live["messages"]] == ["First"]
    text_in(CALLER, "Second")                  # arrives before the page says "seen First"
    answer = client.post(url, data={"seen": live["latest"]}).get_json()
    assert answer == {"marked": False, "unread": 2, "text": "2"}
    assert box.conversation(CALLER)["contact"]["unread"] == 2   # "Second" was not shown
    live = client.get(f"/live/conversation/{CALLER}?after={live['latest']}").get_json()
    assert [m["text"] for m in live["messages"]] == ["Second"]
    assert client.post(url, data={"seen": live["latest"]}).get_json()["marked"]
    assert box.conversation(CALLER)["contact"]["unread"] == 0


def test_a_thread_that_starts_with_a_text_is_marked_read_too(client, box, text_in):
    text_in(OTHER, "Do you do boilers?")              # never called: the thread starts with it
    url, seen = _shown(client.get(f"/conversations/{OTHER}").get_data(as_text=True))
    assert client.post(url, data={"seen": seen}).get_json()["marked"]
    assert box.conversation(OTHER)["contact"]["unread"] == 0


def test_quick_replies_show_their_whole_text(client, box, ring):
    box.update_settings({"booking_link": "https://joesplumbing.com/book"})
    ring(CALLER)
    html = client.get(f"/conversations/{CALLER}").get_data(as_text=True)
    labels = re.findall(r'data-testid="quick-reply">([^<]*)<', html)
    assert "Here&#39;s a link to grab a time that works for you: https://joesplumbing.com/book" \
        in labels
    assert "On my way!" in labels and not any(label.endswith("…") for label in labels)
