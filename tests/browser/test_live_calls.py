"""A missed call shows up by itself, without reloading, on the home page and in the call log."""
import pytest
from playwright.sync_api import expect

from tests.browser.support import CALLER, LIVE_WAIT_MS, login

pytestmark = pytest.mark.browser


def mark_loaded(page):
    """A flag that a reload or navigation would wipe out."""
    page.evaluate("window.__notReloaded = true")


def still_loaded(page) -> bool:
    return page.evaluate("window.__notReloaded === true")


def test_missed_call_appears_live_on_home_and_calls(shop, context, page, watch):
    login(page, shop)
    expect(page.get_by_test_id("today-missed")).to_have_text("0")
    expect(page.get_by_test_id("recent-calls").get_by_test_id("call-row")).to_have_count(0)
    calls_page = context.new_page()
    calls_page.goto(shop.url("/calls/"))
    expect(calls_page.get_by_test_id("calls-empty")).to_be_visible()
    for each in (page, calls_page):
        mark_loaded(each)

    shop.simulator.ring(CALLER, number_type=145, rings=2)

    home_row = page.get_by_test_id("recent-calls").get_by_test_id("call-row")
    expect(home_row).to_have_count(1, timeout=LIVE_WAIT_MS)
    expect(home_row.get_by_test_id("call-number")).to_have_text("(212) 555-1234")
    expect(home_row.get_by_test_id("call-outcome")).to_have_text("Texted back",
                                                                 timeout=LIVE_WAIT_MS)
    expect(page.get_by_test_id("today-missed")).to_have_text("1", timeout=LIVE_WAIT_MS)
    expect(page.get_by_test_id("today-texted")).to_have_text("1", timeout=LIVE_WAIT_MS)

    log_row = calls_page.get_by_test_id("call-list").get_by_test_id("call-row")
    expect(log_row).to_have_count(1, timeout=LIVE_WAIT_MS)
    expect(log_row.get_by_test_id("call-number")).to_have_text("(212) 555-1234")
    expect(log_row.get_by_test_id("call-outcome")).to_have_text("Texted back",
                                                                timeout=LIVE_WAIT_MS)
    expect(calls_page.get_by_test_id("calls-empty")).to_be_hidden()

    assert still_loaded(page) and still_loaded(calls_page), "a page was reloaded"
    assert shop.texts_sent_to(CALLER), "the caller was not texted back"
    watch.assert_clean()
