"""First login: no default password; the first-run form opens only in the 10-minute window after
a long button press; the password set there logs the owner in, and works at the login form."""
import pytest
from playwright.sync_api import expect

from tests.browser.support import login

pytestmark = pytest.mark.browser

NEW_PASSWORD = "leaky tap 2024"


def test_first_login(make_shop, page, watch, viewport):
    shop = make_shop()                                  # a box straight out of the packet
    watch.expect_error(r"status of 403")                # the locked first-run page answers 403

    page.goto(shop.url("/"))
    expect(page).to_have_url(shop.url("/first-run"))    # no password yet: no login form either
    expect(page.get_by_test_id("first-run-locked")).to_be_visible()
    expect(page.get_by_test_id("first-run-form")).to_have_count(0)

    shop.open_first_run_window()                        # the button held for 10 s
    page.reload()
    page.get_by_test_id("new-password").fill(NEW_PASSWORD)
    page.get_by_test_id("confirm-password").fill(NEW_PASSWORD)
    page.get_by_test_id("first-run-submit").click()

    expect(page.get_by_test_id("home")).to_be_visible()
    expect(page.get_by_test_id("flash-success")).to_have_text("Password set. You're logged in.")
    expect(page.get_by_test_id("nav")).to_be_visible()
    assert shop.box.check_password(NEW_PASSWORD)

    log_out(page, viewport)
    expect(page).to_have_url(shop.url("/login"))
    expect(page.get_by_test_id("flash-info")).to_have_text("You're logged out.")

    watch.expect_error(r"status of 401")                # the wrong password answers 401
    page.get_by_test_id("login-password").fill("not the password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("error-password")).to_have_text("That password isn't right.")

    login(page, shop, NEW_PASSWORD)
    expect(page.get_by_test_id("health-headline")).to_contain_text("Working")
    watch.assert_clean()


def log_out(page, viewport):
    """Desktop: the sidebar's Log out; phone: the "More" menu's."""
    if viewport == "phone":
        page.get_by_test_id("nav-more").locator("summary").click()
        page.get_by_test_id("more-logout").click()
    else:
        page.get_by_test_id("logout").click()
