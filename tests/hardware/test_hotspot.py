"""The setup hotspot against recorded nmcli output: WPA2 with the box's own key, named after
the box, never open, stopped and checked."""
import pytest

from appliance.core.domain import ValidationError
from hardware import wifi
from hardware.nmcli import WifiError, default_runner, loggable, password_file
from hardware.wifi import Wifi
from tests.hardware.recorded_nmcli import hotspot_secret
from tests.hardware.wifi_support import (BOX_KEY, CONNECT_SHOP, DELETE_HOTSPOT, HOTSPOT_ADD,
                                         HOTSPOT_UP, HWADDR, hotspot_routes, keyed)
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
    # The key reaches nmcli on stdin only: never in an argument (/proc/<pid>/cmdline).
    assert nmcli.secrets_to("up") == [hotspot_secret(BOX_KEY)]
    assert not [call for call in nmcli.calls if any(BOX_KEY in arg for arg in call)]


def test_a_key_given_to_start_hotspot_wins(nmcli):
    hotspot_routes(nmcli)
    keyed(nmcli).start_hotspot(password="setup-1234")
    assert nmcli.calls_to("add") == [HOTSPOT_ADD]
    assert nmcli.secrets_to("up") == [hotspot_secret("setup-1234")]


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


def test_the_key_goes_to_nmcli_but_never_to_the_log_or_the_command_line():
    assert not [arg for arg in HOTSPOT_ADD + HOTSPOT_UP if BOX_KEY in arg]
    assert "correct horse" not in loggable(CONNECT_SHOP) and "****" in loggable(CONNECT_SHOP)


@pytest.mark.parametrize("key, line", [
    ("abcd-efgh-jkmn", "802-11-wireless-security.psk:abcd-efgh-jkmn\n"),
    # nmcli strips spaces around the secret and reads backslash escapes: both go escaped.
    (" two words\\ ", "802-11-wireless-security.psk:\\040two\\040words\\134\\040\n"),
    ("a:b=c#d", "802-11-wireless-security.psk:a:b=c#d\n"),
])
def test_the_password_file_line(key, line):
    assert password_file("802-11-wireless-security.psk", key) == line


def test_the_secret_reaches_the_program_on_stdin_readable_as_dev_stdin():
    # nmcli reads `passwd-file /dev/stdin` by its path: the real runner must hand it a pipe.
    done = default_runner(["cat", "/dev/stdin"], 5, secret="wifi.psk:s3cret\n")
    assert done.returncode == 0 and done.stdout == "wifi.psk:s3cret\n"
    assert default_runner(["cat"], 5).stdout == ""          # no secret: nothing on stdin


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
