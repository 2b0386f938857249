"""Answering a conversation: a customer's text shows up in the open thread by itself, the page
marks what it shows read (opening it changes nothing by itself), the owner types a reply and
sends it, and the customer's phone (the simulated network) receives it."""
import pytest
from playwright.sync_api import expect

from tests.browser.support import CALLER, LIVE_WAIT_MS, login
from tests.helpers import wait_for

pytestmark = pytest.mark.browser

FIRST_TEXT = "Are you there?"
CUSTOMER_TEXT = "Hi, yes please. Kitchen sink is leaking under the cabinet <b>bad</b> - today?"
REPLY = "On my way, be there in 20 minutes. Turn the water off under the sink meanwhile."


def _unread(shop) -> int:
    return shop.box.conversation(CALLER)["contact"]["unread"]


def test_answer_a_conversation(shop, page, watch):
    call = shop.ring(CALLER)                          # missed call -> text-back -> a thread
    assert call.outcome == "texted"
    shop.text_in(CALLER, FIRST_TEXT)                  # unread before the owner looks
    login(page, shop)
    page.goto(shop.url(f"/conversations/{CALLER}"))
    thread = page.get_by_test_id("thread")
    expect(page.get_by_test_id("thread-number")).to_have_text("(212) 555-1234")   # as written
    expect(thread.locator('[data-testid=bubble][data-direction="out"]')).to_have_count(1)
    expect(page.get_by_test_id("nav-unread")).to_be_hidden()       # the page marked it read
    wait_for(lambda: _unread(shop) == 0, message="the thread marked read")
    page.evaluate("window.__notReloaded = true")

    shop.simulator.receive_text(CALLER, CUSTOMER_TEXT)
    incoming = thread.locator('[data-testid=bubble][data-direction="in"]')
    expect(incoming).to_have_count(2, timeout=LIVE_WAIT_MS)
    expect(incoming.last.get_by_test_id("bubble-text")).to_have_text(CUSTOMER_TEXT)  # inert
    assert page.evaluate("window.__notReloaded === true"), "the thread was reloaded"
    wait_for(lambda: _unread(shop) == 0, message="the new text marked read as it showed")

    page.get_by_test_id("reply-text").fill(REPLY)
    expect(page.locator("#reply-count")).to_contain_text(f"{len(REPLY)} characters")
    page.get_by_test_id("reply-send").click()
    expect(page.get_by_test_id("flash-success")).to_contain_text("Reply queued")
    outgoing = thread.locator('[data-testid=bubble][data-direction="out"]')
    expect(outgoing).to_have_count(2)
    expect(outgoing.last.get_by_test_id("bubble-text")).to_have_text(REPLY)

    wait_for(lambda: REPLY in shop.texts_sent_to(CALLER), message="the reply to reach the caller")
    expect(outgoing.last.get_by_test_id("delivery")).to_have_text("Sent", timeout=LIVE_WAIT_MS)

    page.goto(shop.url("/conversations/"))
    row = page.locator(f'[data-testid=conversation-row][data-number="{CALLER}"]')
    expect(row.get_by_test_id("conversation-last")).to_have_text(REPLY)
    watch.assert_clean()
