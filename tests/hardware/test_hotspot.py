"""The setup hotspot against recorded nmcli output: WPA2 with the box's own key, named after
the box, never open, stopped and checked."""
import pytest

from appliance.core.domain import ValidationError
from hardware import wifi
from hardware.nmcli import WifiError, loggable
from hardware.wifi import Wifi
from tests.hardware.recorded_nmcli import hotspot_add
from tests.hardware.wifi_support import (BOX_KEY, DELETE_HOTSPOT, HOTSPOT_ADD, HOTSPOT_UP,
                                         HWADDR, hotspot_routes, keyed)
from tests.hardware.wifi_support import nmcli  # noqa: F401 (a fixture)


# --- the setup hotspot ----------------------------------------------------------------------------

def test_the_hotspot_is_wpa2_with_the_boxs_key_and_named_after_the_box(nmcli):
    hotspot_routes(nmcli)
    box = keyed(nmcli)
    assert box.start_hotspot() == "TextBack-ABCD"
    assert nmcli.calls == [wifi.DEVICES, HWADDR, wifi.RESCAN, wifi.LIST, DELETE_HOTSPOT,
                           HOTSPOT_ADD, HOTSPOT_UP]
    assert box.hotspot_ssid == "TextBack-ABCD" and box.hotspot_name() == "TextBack-ABCD"
    assert len(box.networks()) == 11                # scanned just before the radio went busy


def test_a_key_given_to_start_hotspot_wins(nmcli):
    hotspot_routes(nmcli)
    nmcli.on(hotspot_add("setup-1234"), "hotspot-add-ok")
    keyed(nmcli).start_hotspot(password="setup-1234")
    assert nmcli.calls_to("add") == [hotspot_add("setup-1234")]


def test_the_hotspot_is_never_opened_without_a_key(nmcli):
    hotspot_routes(nmcli)
    with pytest.raises(WifiError) as err:
        Wifi(nmcli).start_hotspot()
    assert "never opened without one" in err.value.message
    assert nmcli.calls == []


def test_the_name_is_known_before_the_hotspot_is_up(nmcli):
    nmcli.on(wifi.DEVICES, "devices-connected").on(HWADDR, "hwaddr")
    box = keyed(nmcli)
    assert box.hotspot_name() == "TextBack-ABCD" and box.hotspot_name() == "TextBack-ABCD"
    assert nmcli.calls_to("GENERAL.HWADDR") == [HWADDR]      # read once


def test_the_key_goes_to_nmcli_but_never_to_the_log():
    assert BOX_KEY not in loggable(HOTSPOT_ADD) and "****" in loggable(HOTSPOT_ADD)


def test_hotspot_password_is_checked(nmcli):
    with pytest.raises(ValidationError) as err:
        Wifi(nmcli).start_hotspot(password="1234")
    assert list(err.value.errors) == ["password"]
    assert nmcli.calls == []


def test_stop_hotspot_and_hotspot_active(nmcli):
    nmcli.on(DELETE_HOTSPOT, "delete-hotspot-ok", "delete-hotspot-unknown")
    nmcli.on(wifi.ACTIVE, "active-hotspot", "active-none")
    box = Wifi(nmcli)
    assert box.hotspot_active() is True
    box.stop_hotspot()
    box.stop_hotspot()                   # already gone: not an error
    assert box.hotspot_active() is False
    assert nmcli.calls_to("delete") == [DELETE_HOTSPOT, DELETE_HOTSPOT]


def test_stop_hotspot_reports_a_real_failure(nmcli):
    nmcli.on(DELETE_HOTSPOT, "nm-not-running")
    with pytest.raises(WifiError):
        Wifi(nmcli).stop_hotspot()


def test_no_adapter_means_no_hotspot(nmcli):
    nmcli.on(wifi.DEVICES, "devices-no-wifi")
    with pytest.raises(WifiError) as err:
        keyed(nmcli).start_hotspot()
    assert "no working Wi-Fi adapter" in err.value.message
