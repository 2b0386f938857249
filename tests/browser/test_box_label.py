"""The box's label: from the Wi-Fi page the owner opens a printable label with the setup
hotspot's name and key; printed, only the label remains."""
import pytest
from playwright.sync_api import expect

from tests.browser.support import PASSWORD, login
from tests.browser.test_screenshots import connected_wifi

pytestmark = pytest.mark.browser


def test_print_the_label_for_the_box(make_shop, page, watch):
    shop = make_shop(wifi=connected_wifi())
    shop.box.set_password(PASSWORD)
    shop.box.update_settings({"business_name": "Joe's Plumbing"})
    key = shop.box.hotspot_key()
    login(page, shop)
    page.goto(shop.url("/wifi/"))
    expect(page.get_by_test_id("hotspot-key")).to_have_text(key)
    page.get_by_test_id("label-link").click()
    label = page.get_by_test_id("box-label")
    expect(label.get_by_test_id("label-box-name")).to_have_text("Joe's Plumbing")
    expect(label.get_by_test_id("label-hotspot-name")).to_have_text("TextBack-ABCD")
    expect(label.get_by_test_id("label-hotspot-key")).to_have_text(key)
    expect(page.get_by_test_id("print")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_test_id("print")).to_be_hidden()
    expect(label).to_be_visible()
    watch.assert_clean()
