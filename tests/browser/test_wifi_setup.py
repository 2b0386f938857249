"""Plugging the box in at the shop: the setup flow on the box's hotspot, against recorded nmcli.

The owner holds the button (the hotspot starts, the first-run window opens); their phone joins
the hotspot, and its operating system fetches a captive-portal probe URL. On the hotspot every
name resolves to the box, which the test reproduces by sending all of the browser's requests
to the box's web server as an HTTP proxy: the probe keeps its own host name (e.g.
connectivitycheck.gstatic.com), and the redirect to http://10.42.0.1/wifi/setup reaches the box.
Then: setup page -> pick the shop's network -> password -> success screen with the new address.
The browser's requests reach the box from 127.0.0.1 (the proxy), so the box is told that is
where its hotspot's phones come from (hotspot_clients); the hotspot itself is WPA2 with the
box's own key.
"""
import pytest
from playwright.sync_api import expect

from hardware import wifi
from tests.browser.support import screenshot
from tests.hardware.recorded_nmcli import (HOTSPOT_UP, ChangingNmcli, RecordedNmcli, hotspot_add,
                                           hotspot_secret)

pytestmark = pytest.mark.browser

NMCLI = "nmcli"
SHOP_UUID = "5f0c3b7e-6a2d-4c11-9d0e-2f6a1b7c8d90"
HOTSPOT_UUID = "c2d4e6f8-1a3b-4c5d-8e7f-9a0b1c2d3e4f"
ADDRESSES = [NMCLI, "-t", "-f", "IP4.ADDRESS,IP6.ADDRESS", "device", "show", "wlan0"]
HWADDR = [NMCLI, "-t", "-f", "GENERAL.HWADDR", "device", "show", "wlan0"]
DELETE_HOTSPOT = [NMCLI, "connection", "delete", "id", "textback-hotspot"]
CONNECT_SHOP = [NMCLI, "--wait", "45", "device", "wifi", "connect", "Shop WiFi",
                "password", "correct horse", "ifname", "wlan0"]
OWNER_PHONE = "+12125559876"
# The probe URL each kind of device fetches after joining a Wi-Fi network.
PROBES = {"phone": "http://connectivitycheck.gstatic.com/generate_204",       # Android
          "desktop": "http://www.msftconnecttest.com/connecttest.txt"}        # Windows


def profile(uuid):
    return [NMCLI, "-t", "-f", "802-11-wireless.ssid,802-11-wireless.mode",
            "connection", "show", "uuid", uuid]


def disconnected_scene(runner):
    runner.on(wifi.DEVICES, "devices-disconnected").on(wifi.ACTIVE, "active-none")


def hotspot_scene(runner):
    runner.on(wifi.DEVICES, "devices-hotspot").on(wifi.ACTIVE, "active-hotspot")
    runner.on(profile(HOTSPOT_UUID), "profile-hotspot").on(ADDRESSES, "addresses-hotspot")


def connected_scene(runner):
    runner.on(wifi.DEVICES, "devices-connected").on(wifi.ACTIVE, "active-connected")
    runner.on(profile(SHOP_UUID), "profile-shop").on(ADDRESSES, "addresses")


def shop_network() -> ChangingNmcli:
    """The shop's Wi-Fi as nmcli reports it: once the hotspot is up, nmcli reports the hotspot;
    once the box joined the shop's Wi-Fi, it reports that."""
    recorded = RecordedNmcli()
    disconnected_scene(recorded)
    recorded.on(wifi.RESCAN, "rescan-ok").on(wifi.LIST, "scan-list-odd-ssids")
    recorded.on(HWADDR, "hwaddr").on(DELETE_HOTSPOT, "delete-hotspot-unknown")
    recorded.on(HOTSPOT_UP, "connection-up-ok")
    recorded.on(CONNECT_SHOP, "connect-ok")
    return ChangingNmcli(recorded, {tuple(HOTSPOT_UP): hotspot_scene,
                                    tuple(CONNECT_SHOP): connected_scene})


def test_setup_flow_on_the_hotspot(make_shop, open_context, watch, viewport):
    network = shop_network()
    shop = make_shop(wifi=wifi.Wifi(runner=network), hotspot_clients="127.0.0.0/8")
    network.recorded.on(hotspot_add(), "hotspot-add-ok")
    shop.box.update_settings({"owner_phone": OWNER_PHONE})
    shop.open_first_run_window()                 # the button held 10 s: the hotspot starts
    assert shop.box.wifi.hotspot_active()
    assert network.recorded.calls_to("connection", "up") == [HOTSPOT_UP]
    assert network.recorded.secrets_to("connection", "up") == \
        [hotspot_secret(shop.box.hotspot_key())]

    on_hotspot = open_context(proxy={"server": shop.base})
    phone = on_hotspot.new_page()
    phone.goto(PROBES[viewport])
    expect(phone).to_have_url("http://10.42.0.1/wifi/setup")
    expect(phone.get_by_test_id("setup-intro")).to_be_visible()
    expect(phone.get_by_test_id("wifi-state")).to_have_text("Setup hotspot is on")
    expect(phone.get_by_test_id("first-run-link")).to_be_visible()   # no password set yet
    expect(phone.get_by_test_id("hotspot-card")).to_have_count(0)
    names = phone.get_by_test_id("network").evaluate_all(
        "rows => rows.map(row => row.getAttribute('data-ssid'))")
    assert names[0] == "Shop WiFi" and "Joe's:Cafe" in names and "FreeNet" in names
    screenshot(phone, "wifi-setup", viewport)

    shop_row = phone.locator('[data-testid=network][data-ssid="Shop WiFi"]')
    expect(shop_row.locator(".lock")).to_have_count(1)
    shop_row.get_by_test_id("join").click()
    expect(phone.get_by_test_id("join-ssid")).to_have_value("Shop WiFi")
    phone.get_by_test_id("join-psk").fill("correct horse")
    phone.get_by_test_id("join-submit").click()

    joined = phone.get_by_test_id("joined")
    expect(joined).to_be_visible()
    expect(phone.locator("h1")).to_have_text("The box joined Shop WiFi")
    expect(phone.get_by_test_id("address-local")).to_have_text("http://textback.local/")
    expect(phone.get_by_test_id("address-ip")).to_have_text("or http://192.168.1.50/")
    expect(phone.get_by_test_id("owner-text-note")).to_contain_text(OWNER_PHONE)
    assert network.recorded.calls_to("connect", "Shop WiFi") == [CONNECT_SHOP]
    assert shop.box.wifi.status().ssid == "Shop WiFi"
    screenshot(phone, "wifi-joined", viewport)
    watch.assert_clean()
