"""The conversation list in pages: `/api/conversations?limit&before`, the Inbox's first page,
the rows loaded on scroll (/conversations/more) and the live refresh of what is shown. The
conversations are stored through the running box's own store (real TinyDB files)."""
import re
from datetime import datetime, timedelta, timezone

import pytest

START = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)


def numbers(count):
    return [f"+1212555{2000 + i:04d}" for i in range(count)]


@pytest.fixture
def many(box):
    """120 conversations; the one with the highest number is the newest."""
    store = box.store
    found = numbers(120)
    for i, number in enumerate(found):
        store.add_message({"number": number, "direction": "in", "text": f"text {i}",
                           "at": START + timedelta(minutes=i), "kind": "reply"})
    store.add_message({"number": found[7], "direction": "in", "text": "the boiler is back",
                       "at": START - timedelta(days=30), "kind": "reply"})   # older, same thread
    return list(reversed(found))             # newest first


def listed(html):
    return re.findall(r'data-testid="conversation-row" data-number="([^"]+)"', html)


def test_the_api_answers_pages_that_together_list_every_conversation_once(api, many):
    seen, before, pages = [], None, 0
    while True:
        query = "?limit=50" + (f"&before={before}" if before else "")
        body = api.get("/api/conversations" + query).get_json()
        assert set(body["conversations"][0]) == {"number", "last_at", "last_text", "unread",
                                                 "opted_out"}
        seen += [c["number"] for c in body["conversations"]]
        pages += 1
        before = body["next_before"]
        if before is None:
            break
    assert (seen, pages) == (many, 3)
    default = api.get("/api/conversations").get_json()
    assert [c["number"] for c in default["conversations"]] == many[:50]
    assert default["conversations"][0]["last_text"] == "text 119"


def test_the_api_searches_every_conversation_not_only_the_first_page(api, many):
    body = api.get("/api/conversations?q=boiler").get_json()
    # Search covers numbers, names, tags and each conversation's last text (not old texts).
    assert [c["number"] for c in body["conversations"]] == []
    body = api.get("/api/conversations?q=text 3&limit=5").get_json()
    assert [c["number"] for c in body["conversations"]][:1] == [numbers(120)[39]]
    assert body["next_before"]


@pytest.mark.parametrize("query, field", [("?before=nonsense", "before"),
                                          ("?before=%2B1212", "before"),
                                          ("?limit=0", "limit"), ("?limit=lots", "limit")])
def test_the_api_refuses_a_bad_page(api, many, query, field):
    response = api.get("/api/conversations" + query)
    assert response.status_code == 400
    assert field in response.get_json()["errors"]


def test_the_inbox_shows_the_first_page_and_loads_the_rest_in_pages(client, many):
    html = client.get("/conversations/").get_data(as_text=True)
    assert listed(html) == many[:50]
    cursor = re.search(r'data-next-before="([^"]+)"', html)[1]
    assert 'data-testid="inbox-more"' in html

    more = client.get(f"/conversations/more?before={cursor}",
                      headers={"Accept": "application/json"}).get_json()
    assert listed(more["insert"]) == many[50:100]
    last = client.get(f"/conversations/more?before={more['next_before']}").get_json()
    assert listed(last["insert"]) == many[100:] and last["next_before"] is None
    assert client.get("/conversations/more?before=junk").status_code == 400

    live = client.get("/live/inbox?limit=100").get_json()["regions"]["inbox"]
    assert listed(live) == many[:100]


def test_without_javascript_the_link_opens_the_older_page(client, many):
    html = client.get("/conversations/").get_data(as_text=True)
    href = re.search(r'href="([^"]+)" data-testid="inbox-more"', html)[1].replace("&amp;", "&")
    older = client.get(href).get_data(as_text=True)
    assert listed(older) == many[50:100]
    assert 'data-testid="inbox-older"' in older
    assert client.get("/conversations/?before=junk").status_code == 302


def test_searching_the_inbox_finds_a_conversation_far_down_the_list(client, many):
    html = client.get("/conversations/?q=text 5").get_data(as_text=True)
    assert numbers(120)[5] in listed(html)           # the 115th newest
