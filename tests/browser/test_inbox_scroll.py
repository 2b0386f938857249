"""A busy Inbox loads older conversations as the owner scrolls down, keeps them when the list
refreshes itself, shows a conversation that comes back to life once, at the top, and search
still finds any conversation. 130 conversations are stored through the box's own store."""
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from tests.browser.support import LIVE_WAIT_MS, login

pytestmark = pytest.mark.browser

START = datetime.now(timezone.utc) - timedelta(days=3)


def numbers(count):
    return [f"+1212555{2000 + i:04d}" for i in range(count)]


def test_the_inbox_loads_more_on_scroll(shop, page, watch):
    store = shop.appliance.store
    for i, number in enumerate(numbers(130)):
        store.add_message({"number": number, "direction": "in", "text": f"job number {i}",
                           "at": START + timedelta(minutes=i), "kind": "reply"})
    login(page, shop)
    page.goto(shop.url("/conversations/"))
    rows = page.get_by_test_id("conversation-row")
    expect(rows).to_have_count(50)

    page.get_by_test_id("inbox-more").scroll_into_view_if_needed()
    expect(rows).to_have_count(100)
    page.get_by_test_id("inbox-more").scroll_into_view_if_needed()
    expect(rows).to_have_count(130)
    expect(page.get_by_test_id("inbox-more")).to_be_hidden()
    assert rows.nth(129).get_attribute("data-number") == numbers(130)[0]

    old = numbers(130)[5]                            # far down the list: it texts again
    shop.text_in(old, "Are you still coming today?")
    expect(rows.first).to_have_attribute("data-number", old, timeout=LIVE_WAIT_MS)
    expect(rows).to_have_count(130)                  # the loaded pages stayed
    expect(page.locator(f'[data-testid=conversation-row][data-number="{old}"]')).to_have_count(1)

    page.get_by_test_id("search-input").fill("job number 7")
    page.get_by_test_id("search-submit").click()
    expect(page.locator(f'[data-testid=conversation-row][data-number="{numbers(130)[7]}"]')) \
        .to_have_count(1)
    watch.assert_clean()
