"""The owner starts a conversation from the inbox ("New text"): the number as people write it,
the live counter of the reply box, the field named when the number is wrong, and the text
reaching the customer's phone (the simulated network); the thread then shows who agreed to
texts when, and the network's own texts are on their own list, not in the inbox."""
import pytest
from playwright.sync_api import expect

from tests.browser.support import (accessibility_problems, login, overflowing_placeholders)
from tests.helpers import wait_for

pytestmark = pytest.mark.browser

CUSTOMER = "+12125559876"
TEXT = "Hi, it's Ace Plumbing: your boiler part has arrived. When suits you?"


def test_start_a_conversation(shop, page, watch):
    watch.expect_error("status of 400")        # the wrong number is answered 400 on purpose
    shop.simulator.receive_text("T-Mobile", "Your balance is low. Top up now.")
    login(page, shop)
    page.goto(shop.url("/conversations/"))
    page.get_by_test_id("new-text-link").click()
    number, text = page.get_by_test_id("new-number"), page.get_by_test_id("new-text")
    assert overflowing_placeholders(page) == []
    assert accessibility_problems(page) == []
    number.fill("212 555")
    text.fill(TEXT)
    expect(page.locator("#new-count")).to_contain_text(f"{len(TEXT)} characters")
    page.get_by_test_id("new-send").click()
    expect(page.get_by_test_id("error-number")).to_contain_text("not a valid")
    expect(page.get_by_test_id("new-text")).to_have_value(TEXT)            # nothing lost
    page.get_by_test_id("new-number").fill("(212) 555-9876")
    page.get_by_test_id("new-send").click()
    expect(page.get_by_test_id("flash-success")).to_contain_text("Text queued")
    expect(page.get_by_test_id("thread-number")).to_have_text("(212) 555-9876")
    wait_for(lambda: TEXT in shop.texts_sent_to(CUSTOMER), message="the text to reach them")

    shop.text_in(CUSTOMER, "STOP")
    page.goto(shop.url(f"/conversations/{CUSTOMER}"))
    expect(page.get_by_test_id("consent-event")).to_have_count(1)
    expect(page.get_by_test_id("consent-event")).to_contain_text("opted out")

    page.goto(shop.url("/conversations/"))
    page.get_by_test_id("network-link").click()
    expect(page.get_by_test_id("network-sender")).to_have_text("T-Mobile")
    expect(page.get_by_test_id("network-label")).to_have_text("Balance or top-up")
    watch.assert_clean()
