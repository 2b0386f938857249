"""A runner for hardware.wifi that plays recorded nmcli output instead of running nmcli.

    runner = RecordedNmcli()
    runner.on(wifi.DEVICES, "devices-connected")
    runner.on(wifi.LIST, "scan-list-odd-ssids")
    box_wifi = Wifi(runner)
    ...
    assert runner.calls[-1] == ["nmcli", ...]          # the exact argument list

A recording (nmcli_recordings/<name>.txt) holds `exit: <code>` (or `exit: timeout`, which raises
subprocess.TimeoutExpired like subprocess.run does), then `--- stdout` and `--- stderr` blocks.
Lines before `exit:` starting with '#' or '$' are notes. An argument list with no recording is a
test failure (AssertionError), so a test sees every command the adapter runs. Shared with the
web tests (setup flow in the browser).
"""
from __future__ import annotations

import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

RECORDINGS = Path(__file__).resolve().parent / "nmcli_recordings"


def hotspot_add(ssid: str = "TextBack-ABCD") -> list[str]:
    """The setup hotspot's profile as the box must create it: an access point, WPA2 only (RSN,
    CCMP, no PMF), and no key on the command line; shared with the web and browser tests."""
    return ["nmcli", "connection", "add", "type", "wifi", "ifname", "wlan0",
            "con-name", "textback-hotspot", "autoconnect", "no", "ssid", ssid,
            "802-11-wireless.mode", "ap", "802-11-wireless.band", "bg",
            "ipv4.method", "shared", "ipv6.method", "ignore",
            "802-11-wireless-security.key-mgmt", "wpa-psk",
            "802-11-wireless-security.proto", "rsn",
            "802-11-wireless-security.pairwise", "ccmp", "802-11-wireless-security.group", "ccmp",
            "802-11-wireless-security.pmf", "disable"]


# Opening it: the key comes through nmcli's stdin (see hotspot_secret), never as an argument.
HOTSPOT_UP = ["nmcli", "--wait", "30", "connection", "up", "id", "textback-hotspot",
              "passwd-file", "/dev/stdin"]


def hotspot_secret(key: str) -> str:
    """What nmcli must read on stdin when the hotspot opens with `key` (plain keys only)."""
    return f"802-11-wireless-security.psk:{key}\n"


@dataclass(frozen=True)
class Recording:
    name: str
    returncode: object      # int, or "timeout"
    stdout: str
    stderr: str


def load(name: str, folder: Path = RECORDINGS) -> Recording:
    text = (folder / f"{name}.txt").read_text(encoding="utf-8")
    head, _, rest = text.partition("\n--- stdout\n")
    stdout, _, stderr = rest.partition("--- stderr\n")
    exit_line = [line for line in head.splitlines() if line.startswith("exit: ")]
    if len(exit_line) != 1:
        raise ValueError(f"recording {name}: needs exactly one 'exit:' line")
    code = exit_line[0][len("exit: "):].strip()
    return Recording(name, code if code == "timeout" else int(code), stdout, stderr)


class RecordedNmcli:
    """Maps exact nmcli argument lists to recordings; records every call and its timeout."""

    def __init__(self, folder: Path = RECORDINGS):
        self.folder = folder
        self.calls: list[list[str]] = []
        self.timeouts: list[float] = []
        self.secrets: list[Optional[str]] = []      # what each call got on stdin
        self._routes: dict[tuple, list[Recording]] = {}
        self._lock = threading.Lock()

    def on(self, args, *names: str) -> "RecordedNmcli":
        """Answer `args` with these recordings in turn; the last one repeats."""
        assert names, "give at least one recording"
        with self._lock:
            self._routes[tuple(args)] = [load(n, self.folder) for n in names]
        return self

    def __call__(self, args, timeout, secret=None):
        assert isinstance(args, list), f"nmcli must get an argument list, not {args!r}"
        assert all(isinstance(a, str) for a in args), f"every argument must be a str: {args!r}"
        assert timeout and timeout > 0, "every nmcli call needs a timeout"
        with self._lock:
            self.calls.append(list(args))
            self.timeouts.append(timeout)
            self.secrets.append(secret)
            queue = self._routes.get(tuple(args))
            if queue is None:
                raise AssertionError(f"no recording for nmcli call {args!r}")
            recording = queue.pop(0) if len(queue) > 1 else queue[0]
        if recording.returncode == "timeout":
            raise subprocess.TimeoutExpired(args, timeout)
        return subprocess.CompletedProcess(args, recording.returncode, recording.stdout,
                                           recording.stderr)

    def clear_calls(self) -> None:
        """Forget the calls made so far (e.g. after setting the scene)."""
        with self._lock:
            self.calls.clear()
            self.timeouts.clear()
            self.secrets.clear()

    def calls_to(self, *words: str) -> list[list[str]]:
        """The calls whose arguments contain all these words, in order made."""
        with self._lock:
            return [c for c in self.calls if all(w in c for w in words)]

    def secrets_to(self, *words: str) -> list[Optional[str]]:
        """What the calls whose arguments contain all these words got on stdin."""
        with self._lock:
            return [s for c, s in zip(self.calls, self.secrets) if all(w in c for w in words)]


class ChangingNmcli:
    """The recorded nmcli plus what a successful command changes: `after` maps an argument
    list (as a tuple) to a function that re-routes the recordings, e.g. once `connect` works,
    nmcli reports the box on the shop's Wi-Fi (however many status queries came before)."""

    def __init__(self, recorded: RecordedNmcli, after: Optional[dict] = None):
        self.recorded = recorded
        self.after = dict(after or {})

    def __call__(self, args, timeout, secret=None):
        result = self.recorded(args, timeout, secret)
        change = self.after.get(tuple(args))
        if change and result.returncode == 0:
            change(self.recorded)
        return result
