"""Every page at phone and desktop width, with a realistic shop's data, checked and captured.

One box for the module. Its data is made the way a shop makes it: callers ring the simulated
modem (texted back, withheld, not a valid number, opted out, in a conversation already),
customers text back, the owner replies and marks a job booked. Each page is checked for that
data and for console errors / CSP violations, then written to
tests/screenshots/<page>-<width>.png (git-ignored; the best go to docs/screenshots/).
"""
import pytest
from playwright.sync_api import expect

from hardware import wifi
from tests.browser.support import (CALLER, OTHER_CALLER, PASSWORD, UK_CALLER, Shop,
                                   accessibility_problems, login, overflowing_placeholders,
                                   screenshot)
from tests.hardware.recorded_nmcli import RecordedNmcli
from tests.helpers import wait_for

pytestmark = pytest.mark.browser

SHOP_UUID = "5f0c3b7e-6a2d-4c11-9d0e-2f6a1b7c8d90"
SETTINGS = {"business_name": "Joe's Plumbing", "owner_name": "Joe",
            "owner_phone": "+13475550188", "booking_link": "https://joesplumbing.com/book",
            "emergency_number": "+12125550111", "allowed_countries": ["GB"]}
CUSTOMER_TEXT = "Hi, yes please! Kitchen sink is leaking under the cabinet. Can you come today?"
OWNER_REPLY = "On my way - I can be there by 3pm. Turn the water off under the sink meanwhile."
OTHER_TEXT = "What time do you open tomorrow? Need a quote for a new water heater."
INVALID = "5551234"        # a 7-digit local number: not valid, never texted


def connected_wifi() -> wifi.Wifi:
    """The box on the shop's Wi-Fi, with the networks of a recorded scan."""
    runner = RecordedNmcli()
    runner.on(wifi.DEVICES, "devices-connected").on(wifi.ACTIVE, "active-connected")
    runner.on([wifi.NMCLI, "-t", "-f", "802-11-wireless.ssid,802-11-wireless.mode",
               "connection", "show", "uuid", SHOP_UUID], "profile-shop")
    runner.on([wifi.NMCLI, "-t", "-f", "IP4.ADDRESS,IP6.ADDRESS", "device", "show", "wlan0"],
              "addresses")
    runner.on(wifi.RESCAN, "rescan-ok").on(wifi.LIST, "scan-list-odd-ssids")
    runner.on([wifi.NMCLI, "-t", "-f", "GENERAL.HWADDR", "device", "show", "wlan0"], "hwaddr")
    adapter = wifi.Wifi(runner=runner)
    adapter.scan()
    return adapter


@pytest.fixture(scope="module")
def busy_shop(tmp_path_factory):
    shop = Shop(tmp_path_factory.mktemp("busy") / "data", wifi=connected_wifi())
    try:
        box = shop.box
        box.set_password(PASSWORD)
        box.update_settings(SETTINGS)
        outcomes = [shop.ring(CALLER).outcome]                     # texted back
        shop.text_in(CALLER, CUSTOMER_TEXT)
        box.send_reply(CALLER, OWNER_REPLY)
        wait_for(lambda: OWNER_REPLY in shop.texts_sent_to(CALLER), message="the owner's reply")
        box.mark_booked(CALLER, 350)
        outcomes.append(shop.ring(OTHER_CALLER, rings=3).outcome)  # texted back
        shop.text_in(OTHER_CALLER, OTHER_TEXT)                        # unread
        outcomes.append(shop.ring(None).outcome)                   # withheld
        outcomes.append(shop.ring(INVALID, number_type=129).outcome)
        outcomes.append(shop.ring(UK_CALLER).outcome)              # texted back
        shop.text_in(UK_CALLER, "STOP")
        outcomes.append(shop.ring(UK_CALLER, rings=1).outcome)     # opted out
        outcomes.append(shop.ring(CALLER, rings=4).outcome)        # in a conversation
        assert outcomes == ["texted", "texted", "withheld", "invalid_number", "texted",
                            "opted_out", "active_conversation"], outcomes
        yield shop
    finally:
        shop.stop()


@pytest.fixture(scope="module")
def owner_state(browser, busy_shop):
    """The logged-in owner's cookies, so each page's context starts logged in."""
    ctx = browser.new_context()
    try:
        login(ctx.new_page(), busy_shop)
        return ctx.storage_state()
    finally:
        ctx.close()


def check_home(page, shop):
    port = shop.base.rsplit(":", 1)[1]
    expect(page.get_by_test_id("address")).to_have_text(f"http://localhost:{port}/")
    expect(page.get_by_test_id("today-missed")).to_have_text("7")
    expect(page.get_by_test_id("today-texted")).to_have_text("3")
    expect(page.get_by_test_id("recent-calls").get_by_test_id("call-row")).to_have_count(7)
    expect(page.get_by_test_id("unread-replies")).to_contain_text("unread")


def check_inbox(page, shop):
    for number in (CALLER, OTHER_CALLER, UK_CALLER):
        expect(page.locator(f'[data-testid=conversation-row][data-number="{number}"]')) \
            .to_be_visible()
    other = page.locator(f'[data-testid=conversation-row][data-number="{OTHER_CALLER}"]')
    expect(other.get_by_test_id("unread-badge")).to_have_text("1")
    expect(other.get_by_test_id("conversation-last")).to_have_text(OTHER_TEXT)


def check_thread(page, shop):
    thread = page.get_by_test_id("thread")
    expect(thread.get_by_test_id("bubble-text")).to_contain_text([CUSTOMER_TEXT, OWNER_REPLY])
    expect(page.get_by_test_id("booked-pill")).to_be_visible()
    expect(page.get_by_test_id("quick-reply").first).to_be_visible()


def check_calls(page, shop):
    outcomes = page.get_by_test_id("call-list").get_by_test_id("call-outcome")
    expect(outcomes).to_have_text(["Already in a conversation", "Caller opted out", "Texted back",
                                   "Not a textable number", "Number withheld — can't text",
                                   "Texted back", "Texted back"])          # newest first


def check_results(page, shop):
    labels = page.locator(".chart-view:visible .chart-label")
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    assert boxes, "the chart names its days"
    for left, right in zip(boxes, boxes[1:]):
        assert left["x"] + left["width"] <= right["x"], "chart dates overlap"
    expect(page.get_by_test_id("r-missed")).to_have_text("7")
    expect(page.get_by_test_id("r-booked")).to_have_text("1")
    expect(page.get_by_test_id("a-value")).to_contain_text("350")


def check_messages(page, shop):
    expect(page.get_by_test_id("preview-business_hours")).to_contain_text("Joe's Plumbing")


def check_schedule(page, shop):
    expect(page.get_by_test_id("day-mon")).to_be_visible()
    expect(page.get_by_test_id("timezone")).to_contain_text("America/New_York")


def check_settings(page, shop):
    expect(page.get_by_test_id("field-business_name")).to_have_value("Joe's Plumbing")


def check_setup(page, shop):
    expect(page.get_by_test_id("box-number")).to_have_text(shop.simulator.own_number)
    expect(page.get_by_test_id("simulator")).to_be_visible()


def check_events(page, shop):
    menu = page.get_by_test_id("nav-events")
    if not menu.is_visible():                       # a phone: it is in the More menu
        page.get_by_test_id("nav-more").click()
        menu = page.get_by_test_id("more-nav-events")
    expect(menu).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("event-row").first).to_be_visible()
    if page.get_by_test_id("nav-more").get_attribute("open") is not None:
        page.get_by_test_id("nav-more").locator("summary").click()


def check_wifi(page, shop):
    expect(page.get_by_test_id("wifi-state")).to_have_text("Connected")
    expect(page.get_by_test_id("wifi-ssid")).to_have_text("Shop WiFi")
    expect(page.get_by_test_id("network").first).to_have_attribute("data-ssid", "Shop WiFi")


PAGES = {
    "home": ("/", check_home),
    "inbox": ("/conversations/", check_inbox),
    "thread": (f"/conversations/{CALLER}", check_thread),
    "calls": ("/calls/", check_calls),
    "results": ("/results/", check_results),
    "messages": ("/messages/", check_messages),
    "schedule": ("/schedule/", check_schedule),
    "settings": ("/settings/", check_settings),
    "setup": ("/setup/", check_setup),
    "wifi": ("/wifi/", check_wifi),
    "events": ("/events", check_events),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page(name, busy_shop, owner_state, open_context, watch, viewport):
    path, check = PAGES[name]
    page = open_context(storage_state=owner_state).new_page()
    page.goto(busy_shop.url(path))
    expect(page.get_by_test_id("nav")).to_be_visible()
    check(page, busy_shop)
    screenshot(page, name, viewport)
    assert accessibility_problems(page) == []
    assert overflowing_placeholders(page) == []
    watch.assert_clean()


def test_inbox_lists_customers_not_the_owner(busy_shop, page):
    page.goto(busy_shop.url("/login"))
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.goto(busy_shop.url("/conversations/"))
    expect(page.get_by_test_id("conversation-row").first).to_be_visible()
    numbers = page.get_by_test_id("conversation-row").evaluate_all(
        "rows => rows.map(row => row.getAttribute('data-number'))")
    assert sorted(numbers) == sorted([CALLER, OTHER_CALLER, UK_CALLER])


def test_login_page(busy_shop, page, watch, viewport):
    page.goto(busy_shop.url("/"))
    expect(page).to_have_url(busy_shop.url("/login?next=/"))
    expect(page.locator("h1")).to_have_text("Joe's Plumbing")
    expect(page.get_by_test_id("nav")).to_have_count(0)
    screenshot(page, "login", viewport)
    assert accessibility_problems(page) == []
    watch.assert_clean()

