"""What the owner is told and can take away, through the real app on a real box: the headline
while paused or away (and /api/status agreeing), the live unread count, urgent marks, numbers in
the shop's style, search and lookups by national number, CSV downloads (formula-safe), the
first-run checklist, and a form sent after the session ended."""
import csv
import io
import re

from web import chart, export

CALLER = "+12025550188"
OTHER = "+12025550101"


def rows(response):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def headline(html):
    return re.sub(r"<[^>]+>", "", re.search(r'data-testid="health-headline">(.*?)</div>',
                                            html, re.S).group(1)).strip()


def test_the_headline_and_the_api_say_paused_or_away(client, api, box):
    assert headline(client.get("/").get_data(as_text=True)) == \
        "Working — missed callers get a text"
    box.update_settings({"paused": True})
    html = client.get("/").get_data(as_text=True)
    assert headline(html) == "Paused — missed callers are not being texted"
    status = api.get("/api/status").get_json()
    assert status["paused"] is True and status["health"]["state"] == "paused"
    assert status["health"]["level"] == "ok" and status["modem"]["state"] == "ready"
    box.update_settings({"paused": False, "away": {"on": True, "until": None}})
    assert headline(client.get("/").get_data(as_text=True)) == \
        "Away mode — callers get your away message"
    assert api.get("/api/status").get_json()["health"]["state"] == "away"
    box.update_settings({"away": {"on": True, "until": "2020-01-01"}})     # long over
    status = api.get("/api/status").get_json()
    assert status["away"] is False and status["health"]["state"] == "working"


def test_unread_replies_live_urgent_marks_and_numbers(client, box, ring, text_in):
    box.update_settings({"urgent_words": ["flood"]})
    ring(CALLER)
    assert client.get("/live/unread").get_json() == {"unread": 0, "newest": None}
    text_in(CALLER, "Basement flood, please come")
    live = client.get("/live/unread?known=0").get_json()
    assert live["unread"] == 1
    assert live["newest"] == {"number": CALLER, "from": "(202) 555-0188",
                              "text": "Basement flood, please come", "urgent": True,
                              "url": f"/conversations/{CALLER}"}
    assert client.get("/live/unread?known=1").get_json()["newest"] is None
    inbox = client.get("/conversations/").get_data(as_text=True)
    assert re.search(rf'data-number="\{CALLER}" data-urgent="1"', inbox)
    assert f'<span class="phone" data-e164="{CALLER}" title="{CALLER}">(202) 555-0188</span>' \
        in inbox
    thread = client.get(f"/conversations/{CALLER}").get_data(as_text=True)
    assert thread.count('data-testid="urgent"') == 1            # the customer's text only
    assert "<title>(1) (202) 555-0188 · " in thread    # a GET marks nothing read
    calls = client.get("/calls/").get_data(as_text=True)
    assert ">(202) 555-0188</span>" in calls


def test_search_and_lookups_by_the_number_as_people_write_it(client, api, box, ring, text_in):
    text_in(CALLER, "Is Tuesday OK?")
    text_in(OTHER, "Need a quote")
    box.store.update_contact(OTHER, name="Maria Lopez")
    for query in ("202-555-0188", "(202) 555 0188", "2025550188", "+1 202 555 0188", "555-0188"):
        html = client.get("/conversations/", query_string={"q": query}).get_data(as_text=True)
        assert f'data-number="{CALLER}"' in html and f'data-number="{OTHER}"' not in html, query
    html = client.get("/conversations/?q=maria").get_data(as_text=True)
    assert f'data-number="{OTHER}"' in html and f'data-number="{CALLER}"' not in html
    for form in ("2025550188", "(202) 555-0188", "202-555-0188"):
        answer = api.get(f"/api/conversations/{form}")
        assert answer.status_code == 200 and answer.get_json()["number"] == CALLER, form
    assert api.get("/api/conversations/2025550000").status_code == 404
    response = client.get("/conversations/(202) 555-0188")
    assert response.status_code == 302 and response.location.endswith(f"/conversations/{CALLER}")


def test_csv_downloads_from_the_pages_and_the_api(client, api, box, ring, text_in):
    ring(CALLER)
    text_in(CALLER, "=HYPERLINK(\"http://evil\") +1 call me")
    box.mark_booked(CALLER, 350)
    calls = rows(client.get("/calls/?format=csv"))
    assert [c["number"] for c in calls] == [CALLER]
    assert calls[0]["outcome"] == "texted" and calls[0]["what_happened"] == "Texted back"
    assert calls[0]["number_shown"] == "(202) 555-0188"
    assert rows(api.get("/api/calls?format=csv")) == calls
    conversations = rows(client.get("/conversations/?format=csv"))
    assert conversations[0]["last_text"] == "'=HYPERLINK(\"http://evil\") +1 call me"
    assert conversations[0]["booked"] == "yes" and conversations[0]["job_value"] == "350"
    assert rows(api.get("/api/conversations?format=csv")) == conversations
    results = rows(client.get("/results/?days=7&format=csv"))
    assert len(results) == 8 and results[-1]["date"] == "total"
    assert (results[-1]["missed"], results[-1]["booked"], results[-1]["revenue"]) == \
        ("1", "1", "350.0")
    assert rows(api.get("/api/stats?days=7&format=csv"))[-1]["revenue"] == "350.0"
    assert client.get("/calls/").get_data(as_text=True).count('data-testid="export-calls"') == 1
    assert api.get("/api/calls").is_json                       # JSON stays the default


def test_cells_that_look_like_formulas_are_defused():
    assert [export.cell(v) for v in ("=1+1", "+1 call me", "-2+3", "@SUM(A1)", "\tx", "ok",
                                     "+12025550188", "-2", 5, -2.5, True, None)] == \
        ["'=1+1", "'+1 call me", "'-2+3", "'@SUM(A1)", "'\tx", "ok", "+12025550188", "-2",
         "5", "-2.5", "yes", ""]


def test_the_first_run_checklist_ticks_itself_off(client, box, ring):
    html = client.get("/").get_data(as_text=True)
    assert re.findall(r'data-testid="step-(\w+)" data-done="(\w+)"', html) == [
        ("settings", "no"), ("messages", "no"), ("forwarding", "no"), ("test_call", "no")]
    box.update_settings({"business_name": "Ace", "owner_phone": "+13475550100",
                         "messages": {"weekend": "Hi, it's the weekend. What do you need?"}})
    ring(CALLER)
    html = client.get("/").get_data(as_text=True)
    assert 'data-testid="next-steps"' not in html            # all done: the card is gone


def test_a_form_sent_after_the_session_ended_goes_back_to_its_page(client, box, ring):
    ring(CALLER)
    page = f"http://localhost/conversations/{CALLER}"
    with client.session_transaction() as session:
        session.clear()                                      # the cookie expired
    response = client.post(f"/conversations/{CALLER}/reply", data={"text": "On my way"},
                           headers={"Referer": page}, csrf=False)
    assert response.status_code == 302
    assert response.location == "/login?next=/conversations/%2B12025550188"    # not .../reply
    assert "nothing was sent" in client.get("/login").get_data(as_text=True)
    assert [m for m in box.conversation(CALLER)["messages"] if m["text"] == "On my way"] == []


def test_chart_dates_never_overlap():
    per_day = [{"date": f"2026-11-{day:02d}", "missed": 1, "texted": 1, "replied": 0,
                "booked": 0} for day in range(1, 9)]
    drawn = chart.view(per_day, {"region": "GB"}, "narrow", 8, 200, 210, 11)
    edges = [(label["x"] - chart.text_width(label["text"], 11) / 2,
              label["x"] + chart.text_width(label["text"], 11) / 2) for label in drawn["labels"]]
    assert len(edges) >= 3
    assert all(right < next_left for (_, right), (next_left, _) in zip(edges, edges[1:]))
    assert edges[0][0] >= 0 and edges[-1][1] <= 200                   # inside the chart
    assert drawn["labels"][-1]["text"] == "8 Nov"               # the last day is always named


def test_addresses_shown_carry_the_port_when_it_is_not_80():
    from appliance.app.host import page_addresses
    found = lambda: ["textback.local", "192.168.1.20"]      # noqa: E731
    assert page_addresses(found, "0.0.0.0:80") == ["textback.local", "192.168.1.20"]
    assert page_addresses(found, "0.0.0.0:8080") == ["textback.local:8080", "192.168.1.20:8080"]
    assert page_addresses(found, "127.0.0.1:8080") == ["localhost:8080"]     # the demo
