"""The Wi-Fi adapter against recorded nmcli output: scanning, status, joining and forgetting,
with exact argument lists, odd SSIDs and failures."""
import pytest

from appliance.core.domain import ValidationError
from hardware import wifi
from hardware.nmcli import WifiError
from hardware.wifi import Wifi, validate_passphrase, validate_ssid
from tests.hardware.wifi_support import (ADDRESSES, CONNECT_SHOP, DELETE_HOTSPOT, HOTSPOT_ADD,
                                         HOTSPOT_UP, HOTSPOT_UUID, JOES_1_UUID, JOES_UUID,
                                         SHOP_UUID, connected, hotspot_routes, keyed, profile,
                                         scanned)
from tests.hardware.wifi_support import nmcli  # noqa: F401 (a fixture)


# --- scanning -----------------------------------------------------------------------------------

def test_scan_parses_odd_ssids_dedupes_and_sorts_by_signal(nmcli):
    nmcli.on(wifi.RESCAN, "rescan-ok").on(wifi.LIST, "scan-list-odd-ssids")
    nets = Wifi(nmcli).scan()
    assert nmcli.calls == [
        ["nmcli", "device", "wifi", "rescan"],
        ["nmcli", "-t", "-f", "IN-USE,BSSID,SSID,CHAN,SIGNAL,SECURITY", "device", "wifi", "list",
         "--rescan", "no"]]
    assert [(n.ssid, n.signal) for n in nets] == [
        ("Shop WiFi", 87), ("Joe's:Cafe", 74), ("Corp", 66), ("Café Ünïcødé ☕", 61),
        ("Guest", 55), ("FreeNet", 45), ("Back\\slash\\Net", 40), ("  two  spaces ", 38),
        ("Colon:", 15), ("Ends\\", 12), (":::", 9)]
    by_name = {n.ssid: n for n in nets}
    shop = by_name["Shop WiFi"]
    assert (shop.in_use, shop.bssid, shop.channel, shop.security) == (
        True, "DC:A6:32:01:02:03", 6, "WPA2")
    assert by_name["Guest"].bssid == "F0:9F:C2:10:20:38" and by_name["Guest"].channel == 1
    assert not by_name["Guest"].in_use
    assert by_name["FreeNet"].security == "" and not by_name["FreeNet"].needs_password
    assert by_name["Joe's:Cafe"].needs_password
    assert by_name["Corp"].enterprise and not by_name["Corp"].needs_password
    assert by_name["Shop WiFi"].to_dict()["needs_password"] is True


def test_networks_is_the_last_scan_without_touching_the_radio(nmcli):
    box = scanned(nmcli)
    assert [n.ssid for n in box.networks()][:2] == ["Shop WiFi", "Joe's:Cafe"]
    assert nmcli.calls == []


def test_a_refused_rescan_still_lists_what_is_known(nmcli):
    nmcli.on(wifi.RESCAN, "rescan-refused").on(wifi.LIST, "scan-list-after-hotspot")
    assert [n.ssid for n in Wifi(nmcli).scan()] == ["Shop WiFi", "FreeNet"]


def test_no_wifi_adapter_is_said_plainly(nmcli):
    nmcli.on(wifi.RESCAN, "rescan-no-device")
    with pytest.raises(WifiError) as err:
        Wifi(nmcli).scan()
    assert err.value.errors == {"wifi": "This box has no working Wi-Fi adapter."}
    assert "No Wi-Fi device found" in err.value.detail


def test_while_hosting_an_empty_scan_keeps_the_last_good_one(nmcli):
    hotspot_routes(nmcli)
    box = keyed(nmcli)
    box.start_hotspot()
    nmcli.on(wifi.RESCAN, "rescan-refused").on(wifi.LIST, "scan-list-empty")
    assert len(box.scan()) == 11
    assert len(box.networks()) == 11


def test_when_not_hosting_an_empty_scan_is_believed(nmcli):
    box = scanned(nmcli)
    nmcli.on(wifi.LIST, "scan-list-empty")
    assert box.scan() == [] and box.networks() == []


# --- status -------------------------------------------------------------------------------------

def test_status_when_connected(nmcli):
    connected(nmcli)
    status = Wifi(nmcli).status()
    assert status.to_dict() == {
        "device": "wlan0", "state": "connected", "connection": "Shop WiFi", "ssid": "Shop WiFi",
        "addresses": ["192.168.1.50", "fd00::1c2b:3cff:fe4d:5e6f"], "hotspot": False,
        "connected": True}
    assert nmcli.calls == [wifi.DEVICES, wifi.ACTIVE, profile(SHOP_UUID), ADDRESSES]


def test_status_with_a_colon_in_the_network_name(nmcli):
    nmcli.on(wifi.DEVICES, "devices-joes").on(wifi.ACTIVE, "active-joes")
    nmcli.on(profile(JOES_UUID), "profile-joes").on(ADDRESSES, "addresses")
    status = Wifi(nmcli).status()
    assert (status.connection, status.ssid) == ("Joe's:Cafe", "Joe's:Cafe")


def test_status_when_disconnected_or_without_adapter(nmcli):
    nmcli.on(wifi.DEVICES, "devices-disconnected")
    status = Wifi(nmcli).status()
    assert (status.device, status.state, status.connected, status.addresses) == (
        "wlan0", "disconnected", False, ())
    nmcli.on(wifi.DEVICES, "devices-no-wifi")
    assert Wifi(nmcli).status().to_dict()["state"] == "no_device"


def test_status_on_the_hotspot(nmcli):
    nmcli.on(wifi.DEVICES, "devices-hotspot").on(wifi.ACTIVE, "active-hotspot")
    nmcli.on(profile(HOTSPOT_UUID), "profile-hotspot").on(ADDRESSES, "addresses-hotspot")
    status = Wifi(nmcli).status()
    assert status.hotspot and not status.connected
    assert status.addresses == (wifi.HOTSPOT_ADDRESS,)
    assert status.ssid == "TextBack-ABCD"


def test_networkmanager_not_running(nmcli):
    nmcli.on(wifi.DEVICES, "nm-not-running")
    with pytest.raises(WifiError) as err:
        Wifi(nmcli).status()
    assert err.value.errors == {
        "wifi": "NetworkManager is not running, so Wi-Fi cannot be changed."}
    assert err.value.returncode == 8


# --- joining ------------------------------------------------------------------------------------

def test_connect_runs_exactly_this_and_reports_the_new_status(nmcli):
    box = scanned(nmcli)
    connected(nmcli)
    nmcli.on(CONNECT_SHOP, "connect-ok")
    status = box.connect("Shop WiFi", "correct horse")
    assert nmcli.calls_to("connect") == [CONNECT_SHOP]
    assert status.connected and status.ssid == "Shop WiFi"
    assert nmcli.timeouts[nmcli.calls.index(CONNECT_SHOP)] == 60


def test_wrong_password_is_said_plainly_on_the_password_field(nmcli):
    box = scanned(nmcli)
    nmcli.on(wifi.DEVICES, "devices-disconnected").on(CONNECT_SHOP, "connect-secrets")
    with pytest.raises(ValidationError) as err:
        box.connect("Shop WiFi", "correct horse")
    assert isinstance(err.value, WifiError)
    assert list(err.value.errors) == ["psk"]
    assert "password was not accepted" in err.value.errors["psk"]
    assert "Secrets were required" in err.value.detail


def test_a_name_not_in_the_scan_is_looked_for_as_hidden(nmcli):
    box = scanned(nmcli)
    args = ["nmcli", "--wait", "45", "device", "wifi", "connect", "Nowhere", "ifname", "wlan0",
            "hidden", "yes"]
    nmcli.on(wifi.DEVICES, "devices-disconnected").on(args, "connect-not-found")
    with pytest.raises(WifiError) as err:
        box.connect("Nowhere")
    assert nmcli.calls_to("connect") == [args]
    assert list(err.value.errors) == ["ssid"] and "in range" in err.value.message


def test_an_open_network_is_joined_without_a_password(nmcli):
    box = scanned(nmcli)
    args = ["nmcli", "--wait", "45", "device", "wifi", "connect", "FreeNet", "ifname", "wlan0"]
    nmcli.on(wifi.DEVICES, "devices-disconnected", "devices-connected").on(args, "connect-ok")
    nmcli.on(wifi.ACTIVE, "active-connected").on(profile(SHOP_UUID), "profile-shop")
    nmcli.on(ADDRESSES, "addresses")
    box.connect("FreeNet", "")
    assert nmcli.calls_to("connect") == [args]


def test_odd_names_go_to_nmcli_as_one_argument_each(nmcli):
    box = scanned(nmcli)
    args = ["nmcli", "--wait", "45", "device", "wifi", "connect", "Joe's:Cafe",
            "password", "p@ss w0rd;$(reboot)", "ifname", "wlan0"]
    nmcli.on(wifi.DEVICES, "devices-disconnected").on(args, "connect-secrets")
    with pytest.raises(WifiError):
        box.connect("Joe's:Cafe", "p@ss w0rd;$(reboot)")
    assert nmcli.calls_to("connect") == [args]


def test_a_timeout_becomes_a_plain_error_and_never_logs_the_password(nmcli, caplog):
    box = scanned(nmcli)
    nmcli.on(wifi.DEVICES, "devices-disconnected").on(CONNECT_SHOP, "timeout")
    with pytest.raises(WifiError) as err:
        box.connect("Shop WiFi", "correct horse")
    assert "did not answer within 60 seconds" in err.value.message
    assert "correct horse" not in caplog.text and "****" in caplog.text


def test_not_allowed_to_drive_networkmanager(nmcli):
    box = scanned(nmcli)
    nmcli.on(wifi.DEVICES, "devices-disconnected").on(CONNECT_SHOP, "connect-not-authorized")
    with pytest.raises(WifiError) as err:
        box.connect("Shop WiFi", "correct horse")
    assert "not allowed to change Wi-Fi" in err.value.message


def test_a_failed_join_from_the_hotspot_brings_the_hotspot_back(nmcli):
    hotspot_routes(nmcli)
    box = keyed(nmcli)
    box.start_hotspot()
    nmcli.clear_calls()
    nmcli.on(CONNECT_SHOP, "connect-secrets")
    with pytest.raises(WifiError):
        box.connect("Shop WiFi", "correct horse")
    assert nmcli.calls == [wifi.DEVICES, CONNECT_SHOP, wifi.DEVICES, DELETE_HOTSPOT,
                           HOTSPOT_ADD, HOTSPOT_UP]


@pytest.mark.parametrize("ssid,psk,field,words", [
    ("", "correct horse", "ssid", "Enter the network name"),
    ("é" * 17, "correct horse", "ssid", "at most 32 bytes; this one is 34"),
    ("Shop\nWiFi", "correct horse", "ssid", "control character"),
    ("Shop WiFi", "short", "psk", "8 to 63 characters; this one has 5"),
    ("Shop WiFi", "x" * 64, "psk", "8 to 63 characters; this one has 64"),
    ("Shop WiFi", "pässwort1", "psk", "plain keyboard characters"),
    ("Shop WiFi", "", "psk", "needs a password"),
    ("Corp", "correct horse", "ssid", "802.1X"),
])
def test_bad_input_is_refused_before_nmcli_runs(nmcli, ssid, psk, field, words):
    box = scanned(nmcli)
    with pytest.raises(ValidationError) as err:
        box.connect(ssid, psk)
    assert list(err.value.errors) == [field]
    assert words in err.value.errors[field]
    assert nmcli.calls == []


def test_validation_limits():
    assert validate_ssid("x" * 32) == "x" * 32
    assert validate_ssid("☕" * 10) == "☕" * 10          # 30 bytes
    with pytest.raises(ValidationError):
        validate_ssid("☕" * 11)                           # 33 bytes
    assert validate_passphrase("12345678") == "12345678"
    assert validate_passphrase("~" * 63) == "~" * 63
    assert validate_passphrase(None) == "" and validate_passphrase("") == ""


# --- forgetting ---------------------------------------------------------------------------------

def test_forget_deletes_every_profile_of_that_network(nmcli):
    nmcli.on(wifi.PROFILES, "profiles")
    nmcli.on(profile(SHOP_UUID), "profile-shop").on(profile(JOES_UUID), "profile-joes")
    nmcli.on(profile(JOES_1_UUID), "profile-joes-1")
    nmcli.on(["nmcli", "connection", "delete", "uuid", JOES_UUID], "delete-joes-ok")
    nmcli.on(["nmcli", "connection", "delete", "uuid", JOES_1_UUID], "delete-joes-1-ok")
    assert Wifi(nmcli).forget("Joe's:Cafe") == ["Joe's:Cafe", "Joe's:Cafe 1"]
    assert nmcli.calls_to("delete") == [["nmcli", "connection", "delete", "uuid", JOES_UUID],
                                        ["nmcli", "connection", "delete", "uuid", JOES_1_UUID]]


def test_forgetting_an_unknown_network(nmcli):
    nmcli.on(wifi.PROFILES, "profiles")
    nmcli.on(profile(SHOP_UUID), "profile-shop").on(profile(JOES_UUID), "profile-joes")
    nmcli.on(profile(JOES_1_UUID), "profile-joes-1")
    with pytest.raises(WifiError) as err:
        Wifi(nmcli).forget("Nowhere")
    assert err.value.errors == {"ssid": "No saved network called Nowhere."}
    assert nmcli.calls_to("delete") == []
