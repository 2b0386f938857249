"""Shared pieces of the Wi-Fi tests: the recorded nmcli (tests/hardware/recorded_nmcli.py) set up
for the usual situations, and the exact argument lists the adapter must run."""
import pytest

from hardware import wifi
from hardware.wifi import Wifi
from tests.hardware.recorded_nmcli import HOTSPOT_UP, RecordedNmcli, hotspot_add  # noqa: F401

SHOP_UUID = "5f0c3b7e-6a2d-4c11-9d0e-2f6a1b7c8d90"
JOES_UUID = "7a1e9c44-0b3f-4f6e-a1d2-3c4b5a697887"
JOES_1_UUID = "3b9d2f10-5e6a-4b7c-8d9e-0f1a2b3c4d5e"
HOTSPOT_UUID = "c2d4e6f8-1a3b-4c5d-8e7f-9a0b1c2d3e4f"


def profile(uuid):
    return ["nmcli", "-t", "-f", "802-11-wireless.ssid,802-11-wireless.mode",
            "connection", "show", "uuid", uuid]


ADDRESSES = ["nmcli", "-t", "-f", "IP4.ADDRESS,IP6.ADDRESS", "device", "show", "wlan0"]
HWADDR = ["nmcli", "-t", "-f", "GENERAL.HWADDR", "device", "show", "wlan0"]
DELETE_HOTSPOT = ["nmcli", "connection", "delete", "id", "textback-hotspot"]
CONNECT_SHOP = ["nmcli", "--wait", "45", "device", "wifi", "connect", "Shop WiFi",
                "password", "correct horse", "ifname", "wlan0"]
BOX_KEY = "abcd-efgh-jkmn"
HOTSPOT_ADD = hotspot_add()


@pytest.fixture
def nmcli():
    """A recorded nmcli (tests/hardware/recorded_nmcli.py): answers only the calls set up."""
    return RecordedNmcli()


def scanned(nmcli, listing="scan-list-odd-ssids"):
    nmcli.on(wifi.RESCAN, "rescan-ok").on(wifi.LIST, listing)
    box = Wifi(nmcli)
    box.scan()
    nmcli.clear_calls()
    return box


def connected(nmcli):
    nmcli.on(wifi.DEVICES, "devices-connected").on(wifi.ACTIVE, "active-connected")
    nmcli.on(profile(SHOP_UUID), "profile-shop").on(ADDRESSES, "addresses")


def hotspot_routes(nmcli):
    nmcli.on(wifi.DEVICES, "devices-disconnected").on(HWADDR, "hwaddr")
    nmcli.on(wifi.RESCAN, "rescan-ok").on(wifi.LIST, "scan-list-odd-ssids")
    nmcli.on(DELETE_HOTSPOT, "delete-hotspot-unknown")
    nmcli.on(HOTSPOT_ADD, "hotspot-add-ok").on(HOTSPOT_UP, "connection-up-ok")


def keyed(nmcli):
    """The adapter as the box builds it: the hotspot key comes from the data folder."""
    return Wifi(nmcli, hotspot_key=lambda: BOX_KEY)
