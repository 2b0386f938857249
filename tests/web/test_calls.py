"""The call log: outcomes in plain words, filters, and live updates."""
import re
from datetime import datetime, timedelta, timezone

CALLER = "+12025550101"
OTHER = "+12025550102"


def _rows(html):
    return re.findall(r'data-testid="call-row"', html)


def test_empty_log_says_what_will_happen(client):
    html = client.get("/calls/").get_data(as_text=True)
    assert 'data-testid="calls-empty"' in html


def test_outcomes_in_plain_words(client, ring):
    ring(CALLER)
    ring(CALLER)          # again at once: cooldown
    ring(withheld=True)
    html = client.get("/calls/").get_data(as_text=True)
    assert len(_rows(html)) == 3
    assert "Texted back" in html
    assert "Already texted recently" in html
    assert "Number withheld — can&#39;t text" in html or "Number withheld — can't text" in html
    assert f'href="/conversations/{CALLER}"' in html
    assert 'data-outcome="cooldown"' in html


def test_filter_by_outcome(client, ring):
    ring(CALLER)
    ring(withheld=True)
    html = client.get("/calls/?outcome=withheld").get_data(as_text=True)
    assert len(_rows(html)) == 1 and 'data-outcome="withheld"' in html
    html = client.get("/calls/?outcome=bogus").get_data(as_text=True)
    assert len(_rows(html)) == 2
    assert "Unknown outcome" in html


def test_filter_by_part_of_a_number(client, ring):
    ring(CALLER)
    ring(OTHER)
    html = client.get("/calls/?number=0102").get_data(as_text=True)
    assert len(_rows(html)) == 1 and OTHER in html
    html = client.get(f"/calls/?number=%2B{CALLER[1:]}").get_data(as_text=True)
    assert len(_rows(html)) == 1 and CALLER in html
    html = client.get("/calls/?number=202 555 01").get_data(as_text=True)
    assert len(_rows(html)) == 2


def test_filter_by_dates(client, box, ring):
    ring(CALLER)
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=2)).date().isoformat()
    long_ago = "2020-01-01"
    html = client.get(f"/calls/?from={tomorrow}").get_data(as_text=True)
    assert len(_rows(html)) == 0 and "No calls match these filters." in html
    html = client.get(f"/calls/?from={long_ago}&to={tomorrow}").get_data(as_text=True)
    assert len(_rows(html)) == 1
    html = client.get(f"/calls/?to={long_ago}").get_data(as_text=True)
    assert len(_rows(html)) == 0


def test_bad_dates_are_explained_and_ignored(client, ring):
    ring(CALLER)
    html = client.get("/calls/?from=yesterday&to=2020-01-01").get_data(as_text=True)
    assert "Use a date like 2026-11-27." in html
    html = client.get("/calls/?from=2026-02-01&to=2026-01-01").get_data(as_text=True)
    assert "The end date is before the start date." in html


def test_show_more_when_the_page_is_full(client, ring):
    ring(CALLER)
    ring(OTHER)
    html = client.get("/calls/?limit=1").get_data(as_text=True)
    assert len(_rows(html)) == 1 and 'data-testid="calls-more"' in html


def test_new_calls_arrive_live(client, ring):
    first = ring(CALLER)
    page = client.get("/calls/").get_data(as_text=True)
    after = re.search(r'data-after="([^"]*)"', page).group(1)
    assert after == first.id
    live = client.get(f"/live/calls?after={after}").get_json()
    assert live["calls"] == [] and live["insert"] == ""
    second = ring(OTHER)
    live = client.get(f"/live/calls?after={after}").get_json()
    assert [c["id"] for c in live["calls"]] == [second.id]
    assert OTHER in live["insert"] and "Texted back" in live["insert"]
    assert live["latest"] == second.id
    assert set(live["slots"]) == {first.id, second.id}


def test_live_calls_keep_the_filters(client, ring):
    ring(CALLER)
    live = client.get("/live/calls?outcome=withheld").get_json()
    assert live["calls"] == []
    ring(withheld=True)
    live = client.get("/live/calls?outcome=withheld").get_json()
    assert len(live["calls"]) == 1 and live["calls"][0]["outcome"] == "withheld"


def test_a_caller_who_was_never_texted_gets_a_call_link_not_a_conversation(client, box, ring):
    box.update_settings({"exclude": [OTHER]})
    assert ring(OTHER).outcome == "excluded"
    html = client.get("/calls/").get_data(as_text=True)
    assert "On your do-not-text list" in html
    assert f'href="tel:{OTHER}"' in html
    assert f'href="/conversations/{OTHER}"' not in html
