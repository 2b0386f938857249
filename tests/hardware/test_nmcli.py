"""Running nmcli and reading what it prints: terse escaping, multiline values, a timeout and an
argument list on every call, plain words when nmcli is missing."""
import subprocess
import sys

import pytest

from hardware.nmcli import WifiError, default_runner, parse_multiline, run_nmcli, split_terse
from hardware.wifi import Wifi
from tests.hardware.wifi_support import hotspot_routes, keyed
from tests.hardware.wifi_support import nmcli  # noqa: F401 (a fixture)


# --- nmcli's escaping ---------------------------------------------------------------------------

@pytest.mark.parametrize("line,fields", [
    ("a:b:c", ["a", "b", "c"]),
    ("Joe's\\:Cafe:74", ["Joe's:Cafe", "74"]),
    ("Back\\\\slash:1", ["Back\\slash", "1"]),
    ("Ends\\\\:1", ["Ends\\", "1"]),
    ("Colon\\::1", ["Colon:", "1"]),
    ("::", ["", "", ""]),
    ("\\:\\:\\::9", [":::", "9"]),
    ("dangling\\", ["dangling\\"]),
])
def test_split_terse_unescapes_colons_and_backslashes(line, fields):
    assert split_terse(line) == fields


def test_multiline_values_are_taken_verbatim():
    values = parse_multiline("802-11-wireless.ssid:Joe's:Cafe\nIP6.ADDRESS[1]:fd00::1/64\n"
                             "IP6.ADDRESS[2]:fe80::1/64\n")
    assert values == {"802-11-wireless.ssid": ["Joe's:Cafe"],
                      "IP6.ADDRESS": ["fd00::1/64", "fe80::1/64"]}


# --- every call: an argument list with a timeout --------------------------------------------------

def test_every_call_has_a_timeout(nmcli):
    hotspot_routes(nmcli)
    keyed(nmcli).start_hotspot()
    assert all(0 < t <= 60 for t in nmcli.timeouts)


def test_default_runner_uses_no_shell_english_utf8_and_a_timeout():
    done = default_runner([sys.executable, "-c", "import os, sys; print(os.environ['LC_ALL'],"
                           " sys.argv[1:])", "a b;c"], timeout=10)
    assert done.returncode == 0
    assert done.stdout.strip() == "C.UTF-8 ['a b;c']"
    with pytest.raises(WifiError) as err:
        run_nmcli(default_runner, [sys.executable, "-c", "import time; time.sleep(30)"], 0.3)
    assert "did not answer" in err.value.message


def test_missing_nmcli_is_said_plainly():
    def runner(args, timeout):
        raise FileNotFoundError(2, "No such file or directory", "nmcli")

    with pytest.raises(WifiError) as err:
        Wifi(runner).status()
    assert "not installed" in err.value.message


def test_recorded_runner_refuses_unknown_calls(nmcli):
    with pytest.raises(AssertionError):
        nmcli(["nmcli", "radio", "wifi", "off"], 5)
    with pytest.raises(AssertionError):
        nmcli("nmcli device status", 5)
    assert isinstance(subprocess.TimeoutExpired(["x"], 1), Exception)
