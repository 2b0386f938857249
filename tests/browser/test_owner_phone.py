"""The page as an owner uses it, at 375 px and 1280 px, on one real box (demo, simulated modem):
confirmations where the owner is looking, nothing typed is lost, the unread count and
notifications follow live replies, numbers as people write them, a headline that tells the
truth, times in the inputs' style, CSV downloads.

Each test uses its own customers' numbers, so the tests share the box without depending on
their order."""
from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.browser.support import LIVE_WAIT_MS, PASSWORD, Shop, login
from tests.helpers import wait_for

pytestmark = pytest.mark.browser

SETTINGS = {"business_name": "Joe's Plumbing", "owner_phone": "+13475550188",
            "urgent_words": ["flood", "burst"]}

# Records the notifications the page asks the browser for (and still shows them).
RECORD_NOTIFICATIONS = """
(function () {
  var Real = window.Notification;
  window.__notes = [];
  if (!Real) { return; }
  function Recording(title, options) {
    window.__notes.push({ title: title, body: (options || {}).body,
                          sticky: Boolean((options || {}).requireInteraction) });
    try { return new Real(title, options); } catch (error) { return {}; }
  }
  Recording.requestPermission = function () { return Real.requestPermission(); };
  Object.defineProperty(Recording, "permission", { get: function () { return Real.permission; } });
  window.Notification = Recording;
})();
"""


@pytest.fixture(scope="module")
def owner_shop(tmp_path_factory):
    shop = Shop(tmp_path_factory.mktemp("owner") / "data")
    try:
        shop.box.set_password(PASSWORD)
        shop.box.update_settings(SETTINGS)
        yield shop
    finally:
        shop.stop()


@pytest.fixture(scope="module")
def owner_state(browser, owner_shop):
    ctx = browser.new_context()
    try:
        login(ctx.new_page(), owner_shop)
        return ctx.storage_state()
    finally:
        ctx.close()


def caller(viewport: str, n: int) -> str:
    """A valid New York number of the test's own (phone and desktop runs never share one)."""
    return f"+1212555{'1' if viewport == 'phone' else '2'}{n:03d}"


def national(e164: str) -> str:
    return f"({e164[2:5]}) {e164[5:8]}-{e164[8:]}"


def on_screen(page, locator) -> None:
    """Visible without scrolling: the whole element inside the viewport."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= height, (box, height)


def test_every_confirmation_shows_where_the_owner_is_looking(owner_shop, owner_state,
                                                              open_context, watch, viewport):
    number = caller(viewport, 1)
    assert owner_shop.ring(number).outcome == "texted"
    page = open_context(storage_state=owner_state).new_page()

    page.goto(owner_shop.url("/messages/"))
    page.keyboard.press("Tab")                                   # a keyboard user sees where
    focused = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [document.activeElement.tagName, s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
    assert focused[0] == "A" and focused[1] != "none" and focused[2] >= 2, focused
    away = page.get_by_test_id("text-away")
    away.fill(f"Away till Monday ({viewport}). If it's urgent, call {{emergency_number}}.")
    page.get_by_test_id("save-away").click()                     # the card far down the page
    on_screen(page, page.get_by_test_id("flash-success"))
    expect(page.get_by_test_id("flash-success")).to_contain_text("Saved: Away.")

    page.goto(owner_shop.url(f"/conversations/{number}"))
    page.get_by_test_id("job-value").fill("350")
    page.get_by_test_id("mark-booked").click()
    on_screen(page, page.get_by_test_id("flash-success"))
    expect(page.get_by_test_id("job-value")).to_have_value("$350")          # shown as money
    page.get_by_test_id("reply-text").fill("Booked you in for Tuesday 9am.")
    page.get_by_test_id("reply-send").click()
    on_screen(page, page.get_by_test_id("flash-success"))

    page.goto(owner_shop.url("/schedule/"))
    page.get_by_test_id("save-away").click()
    on_screen(page, page.get_by_test_id("flash-success"))
    page.goto(owner_shop.url("/settings/"))
    page.get_by_test_id("save-settings").click()
    on_screen(page, page.get_by_test_id("flash-success"))
    page.goto(owner_shop.url("/setup/"))
    page.get_by_test_id("sim-ring-number").fill(caller(viewport, 2))
    page.get_by_test_id("sim-ring").click()
    on_screen(page, page.get_by_test_id("flash-info"))
    page.get_by_test_id("toast-close").click()
    expect(page.get_by_test_id("flash-info")).to_have_count(0)
    watch.assert_clean()


def test_nothing_typed_is_lost(owner_shop, owner_state, open_context, watch, viewport):
    number = caller(viewport, 3)
    assert owner_shop.ring(number).outcome == "texted"
    page = open_context(storage_state=owner_state).new_page()
    page.goto(owner_shop.url("/messages/"))
    weekend = f"Weekend ({viewport}): on call. {{business_name}}. What do you need?"
    holiday = f"Holiday ({viewport}): back soon. What can I help with?"
    page.get_by_test_id("text-weekend").fill(weekend)
    page.get_by_test_id("text-holiday").fill(holiday)
    expect(page.get_by_test_id("unsaved-bar")).to_contain_text("2 messages not saved")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    with page.expect_event("dialog"):                            # leaving: asked first
        page.get_by_test_id("nav-home").click(no_wait_after=True)
    assert dialogs == ["beforeunload"] and "/messages/" in page.url
    page.get_by_test_id("save-weekend").click()                  # one Save keeps both edits
    expect(page.get_by_test_id("flash-success")).to_have_text("Saved: Weekends, Holidays.")
    saved = owner_shop.box.settings()["messages"]
    assert (saved["weekend"], saved["holiday"]) == (weekend, holiday)

    page.goto(owner_shop.url(f"/conversations/{number}"))
    draft = f"Can do tomorrow at 8 ({viewport}). Does that work?"
    page.get_by_test_id("reply-text").fill(draft)
    page.context.clear_cookies()                                   # the session expired
    page.get_by_test_id("reply-send").click()
    expect(page.get_by_test_id("flash-warning")).to_contain_text("nothing was sent")
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("reply-text")).to_have_value(draft)  # back on the thread
    expect(page.get_by_test_id("draft-kept")).to_be_visible()
    page.get_by_test_id("reply-send").click()
    expect(page.get_by_test_id("flash-success")).to_contain_text("Reply queued")
    wait_for(lambda: draft in owner_shop.texts_sent_to(number), message="the kept reply sent")
    page.reload()
    expect(page.get_by_test_id("reply-text")).to_have_value("")    # sent: no longer kept
    watch.assert_clean()


def test_replies_are_noticed_on_any_page(owner_shop, browser, open_context, watch, viewport):
    number = caller(viewport, 4)
    assert owner_shop.ring(number).outcome == "texted"
    context = open_context()
    context.grant_permissions(["notifications"], origin=owner_shop.base)
    context.add_init_script(RECORD_NOTIFICATIONS)
    page = context.new_page()
    login(page, owner_shop)
    page.goto(owner_shop.url("/conversations/"))
    toggle = page.get_by_test_id("notify-toggle")
    toggle.click()                                     # permission asked here, once
    expect(toggle).to_have_text("Turn off notifications")
    page.goto(owner_shop.url("/calls/"))
    before = int(page.evaluate("document.body.getAttribute('data-unread')"))
    owner_shop.text_in(number, "Pipe burst in the kitchen, water everywhere!")
    badge = page.get_by_test_id("nav-unread")
    expect(badge).to_have_text(str(before + 1), timeout=LIVE_WAIT_MS)
    expect(page).to_have_title(f"({before + 1}) Calls · Joe's Plumbing")
    notes = wait_for(lambda: page.evaluate("window.__notes"), message="a notification")
    assert notes == [{"title": f"Urgent reply from {national(number)}",
                      "body": "Pipe burst in the kitchen, water everywhere!", "sticky": True}]

    page.goto(owner_shop.url("/conversations/"))
    row = page.locator(f'[data-testid=conversation-row][data-number="{number}"]')
    expect(row.get_by_test_id("urgent")).to_have_text("Urgent")
    row.click()
    expect(page.get_by_test_id("thread").get_by_test_id("urgent")).to_have_count(1)
    expect(page.get_by_test_id("thread-number")).to_have_text(national(number))
    watch.assert_clean()


def test_numbers_times_and_the_headline(owner_shop, owner_state, open_context, watch, viewport):
    number = caller(viewport, 5)
    assert owner_shop.ring(number).outcome == "texted"
    owner_shop.text_in(number, "Is Friday OK?")
    page = open_context(storage_state=owner_state, locale="en-US").new_page()
    page.goto(owner_shop.url("/conversations/"))
    digits = number[2:]
    for query in (f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", national(number), digits):
        page.get_by_test_id("search-input").fill(query)
        page.get_by_test_id("search-submit").click()
        expect(page.get_by_test_id("conversation-row")).to_have_count(1)
        expect(page.get_by_test_id("conversation-row")).to_have_attribute("data-number", number)
    shown = page.get_by_test_id("conversation-row").locator(".phone").first
    expect(shown).to_have_text(national(number))
    expect(shown).to_have_attribute("title", number)
    copied = shown.evaluate("""el => {
        const range = document.createRange(); range.selectNodeContents(el);
        const selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
        const event = new ClipboardEvent('copy', {clipboardData: new DataTransfer(), bubbles: true, cancelable: true});
        el.dispatchEvent(event);
        return event.clipboardData.getData('text/plain'); }""")
    assert copied == number

    with page.expect_download() as download:
        page.get_by_test_id("export-conversations").click()
    found = list(csv.DictReader(io.StringIO(
        open(download.value.path(), encoding="utf-8-sig").read())))
    assert number in [row["number"] for row in found]

    page.goto(owner_shop.url("/schedule/"))
    watch.expect_error(r"status of 400")                       # the refused save, on purpose
    page.get_by_test_id("start-mon-0").fill("17:00")
    page.get_by_test_id("end-mon-0").fill("17:00")
    page.get_by_test_id("save-hours").click()
    expect(page.get_by_test_id("error-mon-0")).to_have_text(
        "start 5:00 PM is the same as end 5:00 PM")          # en-US inputs show 5:00 PM too

    owner_shop.box.update_settings({"paused": True})
    try:
        page.goto(owner_shop.url("/"))
        expect(page.get_by_test_id("health-headline")).to_have_text(
            "Paused — missed callers are not being texted")
        expect(page.get_by_test_id("health")).to_have_attribute("data-state", "paused")
    finally:
        owner_shop.box.update_settings({"paused": False})
    expect(page.get_by_test_id("health-headline")).to_have_text(
        "Working — missed callers get a text", timeout=LIVE_WAIT_MS)      # live, no reload
    watch.assert_clean()
