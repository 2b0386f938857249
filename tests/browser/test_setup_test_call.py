"""The guided test call on the Setup page, in demo mode: start the test, ring the box from the
simulator panel, and watch the call arrive, whether the caller's number came through, and the
text that went; then the same with a withheld number."""
import pytest
from playwright.sync_api import expect

from tests.browser.support import OTHER_CALLER, LIVE_WAIT_MS, login, screenshot

pytestmark = pytest.mark.browser


def test_guided_test_call_in_demo_mode(shop, page, watch, viewport):
    login(page, shop)
    page.goto(shop.url("/setup/"))
    expect(page.get_by_test_id("box-number")).to_have_text(shop.simulator.own_number)
    expect(page.get_by_test_id("test-panel")).to_have_count(0)

    page.get_by_test_id("called-from").fill(OTHER_CALLER)
    page.get_by_test_id("start-test").click()
    panel = page.get_by_test_id("test-panel")
    expect(panel).to_have_attribute("data-stage", "waiting")
    expect(panel.get_by_test_id("test-call")).to_contain_text("Waiting for your call")

    page.get_by_test_id("sim-ring-number").fill(OTHER_CALLER)     # the demo panel
    page.get_by_test_id("sim-ring").click()
    panel = page.get_by_test_id("test-panel")
    expect(panel).to_have_attribute("data-stage", "texted", timeout=LIVE_WAIT_MS)
    expect(panel.get_by_test_id("test-call")).to_contain_text(
        f"A call from {OTHER_CALLER} reached the box (3 rings)")
    expect(panel).to_have_attribute("data-caller-id", "shown")
    expect(panel.get_by_test_id("test-caller")).to_contain_text(
        f"The caller's number came through ({OTHER_CALLER})")
    sent = shop.texts_sent_to(OTHER_CALLER)
    assert len(sent) == 1, sent
    expect(panel.get_by_test_id("test-bubble")).to_have_text(sent[0])
    expect(panel.get_by_test_id("test-text")).to_contain_text("this is what the caller got")
    screenshot(page, "setup-test-call", viewport)

    page.get_by_test_id("start-test").click()                        # "Start again"
    expect(page.get_by_test_id("test-panel")).to_have_attribute("data-stage", "waiting")
    page.get_by_test_id("sim-withheld").check()
    page.get_by_test_id("sim-ring").click()
    panel = page.get_by_test_id("test-panel")
    expect(panel).to_have_attribute("data-stage", "not_texted", timeout=LIVE_WAIT_MS)
    expect(panel).to_have_attribute("data-caller-id", "withheld")
    expect(panel.get_by_test_id("test-caller")).to_contain_text("No caller number came through")
    expect(panel.get_by_test_id("test-text")).to_contain_text("No text was sent")
    expect(panel.get_by_test_id("test-bubble")).to_be_hidden()
    assert len(shop.texts_sent_to(OTHER_CALLER)) == 1
    watch.assert_clean()
