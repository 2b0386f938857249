"""The message editor: counter and preview (server side), saving, plain punctuation, test texts."""
import re

from tests.helpers import wait_for

OWNER = "+12025550199"


def analyse(client, text, kind="after_hours", **kwargs):
    headers = {"X-CSRFToken": client.csrf_token()}
    return client.post("/messages/analyse", json={"text": text, "kind": kind},
                       headers=headers, **kwargs)


def editor(html, kind):
    """The HTML of one kind's editor section."""
    match = re.search(rf'<section[^>]*data-testid="editor-{kind}".*?</section>', html, re.S)
    assert match, f"no editor for {kind}"
    return match.group(0)


def test_page_has_an_editor_per_kind_with_counter_and_filled_preview(client, box):
    box.update_settings({"business_name": "Ace Plumbing"})
    html = client.get("/messages/").get_data(as_text=True)
    for kind in ("business_hours", "after_hours", "weekend", "holiday", "away", "direct"):
        assert f'data-testid="text-{kind}"' in html
    section = editor(html, "business_hours")
    assert "This is {business_name}." in section                   # the template as saved
    assert "This is Ace Plumbing." in section                      # the preview, filled
    assert re.search(r'data-c="encoding">GSM-7<', section)
    assert re.search(r'data-c="segments">1<', section)
    assert "Same as the other messages" in editor(html, "direct")


def test_analyse_counts_the_filled_text_and_names_the_ucs2_characters(client, box):
    box.update_settings({"business_name": "Ace"})
    answer = analyse(client, "Sorry I missed you \u2014 it\u2019s {business_name}!").get_json()
    assert answer["preview"] == "Sorry I missed you \u2014 it\u2019s Ace!"
    assert answer["sent"]["encoding"] == "UCS-2"
    assert answer["sent"]["ucs2_characters"] == ["\u2014", "\u2019"]
    assert answer["sent"]["characters"] == len(answer["preview"])
    assert answer["plain"] == "Sorry I missed you - it's {business_name}!"
    assert answer["plain_differs"] is True
    assert answer["error"] is None


def test_analyse_segments_of_a_long_text(client):
    answer = analyse(client, "x" * 161).get_json()
    assert answer["sent"]["segments"] == 2 and answer["sent"]["per_segment"] == 153
    answer = analyse(client, "\u00e7" * 71).get_json()       # ç is not GSM-7 (Ç is)
    assert answer["sent"]["encoding"] == "UCS-2" and answer["sent"]["segments"] == 2


def test_analyse_reports_template_errors(client):
    assert analyse(client, "Hi {nmae}").get_json()["error"].startswith("unknown placeholder {nmae}")
    assert analyse(client, "").get_json()["error"] == "is empty"
    direct = analyse(client, "", kind="direct").get_json()
    assert direct["error"] is None and direct["same_as_others"] is True


def test_analyse_rejects_bad_input(client):
    headers = {"X-CSRFToken": client.csrf_token()}
    response = client.post("/messages/analyse", json={"kind": "away"}, headers=headers)
    assert response.status_code == 400 and "text" in response.get_json()["errors"]
    assert analyse(client, "x" * 5000).status_code == 400


def test_analyse_needs_login_and_csrf(client, anon):
    response = anon.post("/messages/analyse", json={"text": "hi"},
                         headers={"X-CSRFToken": anon.csrf_token()})
    assert response.status_code in (302, 401)
    assert "preview" not in response.get_data(as_text=True)
    response = client.post("/messages/analyse", json={"text": "hi"})   # no X-CSRFToken
    assert response.status_code == 400


def test_save_a_message(client, box):
    response = client.post("/messages/after_hours", data={"text": "Closed now. {business_name}"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/messages/#kind-after_hours")
    assert box.settings()["messages"]["after_hours"] == "Closed now. {business_name}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved: After hours." in html


def test_invalid_message_is_shown_next_to_its_field_and_not_saved(client, box):
    before = box.settings()["messages"]["weekend"]
    response = client.post("/messages/weekend", data={"text": "Hi {owner}!"})
    assert response.status_code == 400
    section = editor(response.get_data(as_text=True), "weekend")
    assert 'data-testid="error-weekend"' in section
    assert "unknown placeholder {owner}" in section
    assert "Hi {owner}!" in section                        # what was typed stays in the box
    assert box.settings()["messages"]["weekend"] == before


def test_too_long_message_is_refused(client, box):
    response = client.post("/messages/away", data={"text": "a" * 2000})
    assert response.status_code == 400
    assert "too long" in editor(response.get_data(as_text=True), "away")


def test_direct_may_be_emptied(client, box):
    client.post("/messages/direct", data={"text": "You rang the box itself!"})
    assert box.settings()["messages"]["direct"] == "You rang the box itself!"
    assert client.post("/messages/direct", data={"text": ""}).status_code == 302
    assert box.settings()["messages"]["direct"] == ""


def test_plain_punctuation_button_rewrites_without_saving(client, box):
    before = box.settings()["messages"]["holiday"]
    response = client.post("/messages/holiday",
                           data={"text": "Closed \u2014 \u201cback\u201d soon\u2026", "action": "plain"})
    assert response.status_code == 200
    section = editor(response.get_data(as_text=True), "holiday")
    assert "Closed - &#34;back&#34; soon...</textarea>" in section
    assert 'data-testid="unsaved-holiday"' in section
    assert box.settings()["messages"]["holiday"] == before


def test_saving_needs_csrf(client, box):
    before = box.settings()["messages"]["away"]
    response = client.post("/messages/away", data={"text": "Gone fishing"}, csrf=False)
    assert response.status_code == 400
    assert box.settings()["messages"]["away"] == before


def test_unknown_kind_is_404(client):
    assert client.post("/messages/bogus", data={"text": "x"}).status_code == 404
    assert client.post("/messages/bogus/test", data={}).status_code == 404


def test_send_test_without_owner_phone_says_where_to_set_it(client, box):
    response = client.post("/messages/after_hours/test", data={})
    assert response.status_code == 400
    section = editor(response.get_data(as_text=True), "after_hours")
    assert 'data-testid="test-error-after_hours"' in section
    assert 'href="/settings/#owner_phone"' in section


def test_send_test_texts_the_owner_the_filled_message(client, box):
    box.update_settings({"owner_phone": OWNER, "business_name": "Ace"})
    response = client.post("/messages/weekend/test", data={})
    assert response.status_code == 302
    sent = wait_for(lambda: [s for s in box.demo_phone.sent if s.number == OWNER],
                    message="the test text to reach the simulated network")
    assert "This is Ace." in sent[0].text and "{" not in sent[0].text
    html = client.get("/messages/").get_data(as_text=True)
    assert "sent to (202) 555-0199." in html                  # as the shop writes it


def test_send_test_of_empty_direct_message_is_refused(client, box):
    box.update_settings({"owner_phone": OWNER})
    response = client.post("/messages/direct/test", data={})
    assert response.status_code == 400
    assert "This message is empty" in editor(response.get_data(as_text=True), "direct")


def test_script_in_messages_and_settings_is_inert(client, box):
    box.update_settings({"business_name": "<script>alert(1)</script>",
                         "messages": {"away": "<script>alert(2)</script> {business_name}"}})
    html = client.get("/messages/").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    answer = analyse(client, "<b>{business_name}</b>").get_json()
    assert answer["preview"] == "<b><script>alert(1)</script></b>"   # JSON; the JS uses textContent


def test_pages_need_login(anon):
    response = anon.get("/messages/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_ucs2_characters_come_with_their_names(client, box):
    answer = analyse(client, "We\u2019re closed \u2014 sorry \U0001F600").get_json()
    assert answer["ucs2_names"] == ["curly apostrophe", "em dash", "grinning face"]
    box.update_settings({"messages": {"weekend": "Closed \u2014 back Monday"}})
    section = editor(client.get("/messages/").get_data(as_text=True), "weekend")
    assert '<code class="mono ucs2-char">\u2014</code> (em dash)' in section


def test_an_empty_direct_message_says_it_is_the_same_and_offers_no_test(client, box):
    box.update_settings({"owner_phone": OWNER, "messages": {"direct": ""}})
    section = editor(client.get("/messages/").get_data(as_text=True), "direct")
    assert "Same as the other messages" in section and "What the caller gets" not in section
    assert 'data-testid="test-direct"' not in section
    box.update_settings({"messages": {"direct": "You rang the box itself!"}})
    section = editor(client.get("/messages/").get_data(as_text=True), "direct")
    assert "What the caller gets" in section and 'data-testid="test-direct"' in section


def test_placeholders_are_listed_without_a_space_before_the_commas(client):
    html = client.get("/messages/").get_data(as_text=True)
    assert '{business_name}</code>, <code' in html and " ," not in html


def page_form(box, action: str, **typed) -> dict:
    """The Messages page's one form: every saved text, with `typed` ones changed."""
    saved = box.settings()["messages"]
    form = {f"text-{kind}": typed.get(kind, text) for kind, text in saved.items()}
    return {**form, "action": action}


def test_one_save_keeps_edits_to_several_messages(client, box):
    saved = box.settings()["messages"]
    form = page_form(box, "save:weekend", weekend="Weekend! {business_name}",
                     away="Away till Monday.")
    response = client.post("/messages/", data=form)
    assert response.status_code == 302 and response.location.endswith("#kind-weekend")
    messages = box.settings()["messages"]
    assert (messages["weekend"], messages["away"]) == ("Weekend! {business_name}",
                                                       "Away till Monday.")
    assert messages["after_hours"] == saved["after_hours"]
    html = client.get("/messages/").get_data(as_text=True)
    assert "Saved: Weekends, Away." in html


def test_an_error_in_one_message_keeps_every_text_as_typed(client, box):
    saved = box.settings()["messages"]
    form = page_form(box, "save:away", weekend="Hi {owner}!", away="Away till Monday.")
    response = client.post("/messages/", data=form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Away till Monday.</textarea>" in html and "Hi {owner}!</textarea>" in html
    assert "unknown placeholder {owner}" in editor(html, "weekend")
    assert box.settings()["messages"]["away"] == saved["away"]          # nothing saved


def test_a_lunch_break_message_is_optional(client, box):
    html = client.get("/messages/").get_data(as_text=True)
    assert "Same as the other messages" in editor(html, "break")
    form = page_form(box, "save:break", **{"break": "Out for lunch - back at 1. {business_name}"})
    assert client.post("/messages/", data=form).status_code == 302
    assert box.settings()["messages"]["break"].startswith("Out for lunch")
