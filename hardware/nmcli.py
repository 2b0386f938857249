"""Running NetworkManager's `nmcli` safely, the commands we run, and reading what it prints.

- `run_nmcli`: argument lists only (never a shell), a timeout on every call, English messages
  in UTF-8 (LC_ALL=C.UTF-8) so errors can be recognised and SSIDs stay intact.
- `split_terse` / `parse_table`: nmcli's terse tabular output (`-t -f A,B,C`) separates fields
  with ':' and escapes ':' and '\\' inside a value with a backslash (`Joe's\\:Cafe`); empty
  values print as nothing (hidden SSIDs, open networks).
- `parse_multiline`: terse multiline output (`device show`, `connection show <id>`) prints
  `NAME:value` or `NAME[n]:value` per line and does NOT escape the value.
- `validate_ssid` / `validate_passphrase`: what nmcli would refuse, refused first in plain words.
- `Nmcli`: the runner, its timeout and the Wi-Fi interface, for the adapter and the hotspot.
- `WifiError`: what went wrong in plain words, keyed by the form field it concerns ("ssid",
  "psk" or "wifi"); it is a domain ValidationError so the page can show it like any input error.
"""
from __future__ import annotations

import logging
import os
import subprocess
from dataclasses import asdict, dataclass
from typing import Callable, Optional, Sequence

from appliance.core.domain import ValidationError

log = logging.getLogger(__name__)

NMCLI = "nmcli"
SCAN_FIELDS = "IN-USE,BSSID,SSID,CHAN,SIGNAL,SECURITY"
RESCAN = [NMCLI, "device", "wifi", "rescan"]
LIST = [NMCLI, "-t", "-f", SCAN_FIELDS, "device", "wifi", "list", "--rescan", "no"]
DEVICES = [NMCLI, "-t", "-f", "DEVICE,TYPE,STATE,CONNECTION", "device", "status"]
ACTIVE = [NMCLI, "-t", "-f", "NAME,UUID,TYPE,DEVICE", "connection", "show", "--active"]
PROFILES = [NMCLI, "-t", "-f", "NAME,UUID,TYPE", "connection", "show"]
WIFI_TYPE = "802-11-wireless"


def addresses(device: str) -> list[str]:
    """The command that reads a device's addresses (`IP4.ADDRESS[1]:10.42.0.1/24` ...)."""
    return [NMCLI, "-t", "-f", "IP4.ADDRESS,IP6.ADDRESS", "device", "show", device]
# (args, timeout[, secret=stdin text]) -> an object with returncode/stdout/stderr
Runner = Callable[..., object]


class WifiError(ValidationError):
    """nmcli failed. `message` is for the owner, `detail` is nmcli's own text (for the log)."""

    def __init__(self, message: str, field: str = "wifi", detail: str = "",
                 returncode: Optional[int] = None):
        super().__init__({field: message})
        self.message = message
        self.field = field
        self.detail = detail
        self.returncode = returncode


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


def default_runner(args: list, timeout: float,
                   secret: Optional[str] = None) -> subprocess.CompletedProcess:
    """Run nmcli for real: no shell, English UTF-8 output, killed after `timeout`; stdin is
    `secret` (a password file's text, kept off the command line) or nothing."""
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    feed = {"input": secret} if secret is not None else {"stdin": subprocess.DEVNULL}
    return subprocess.run(args, capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=timeout, env=env, check=False, **feed)


def run_nmcli(runner: Runner, args: Sequence[str], timeout: float,
              secret: Optional[str] = None) -> Result:
    """Run one nmcli command; a timeout or a missing nmcli becomes a WifiError."""
    args = [str(a) for a in args]
    try:
        done = runner(args, timeout) if secret is None else runner(args, timeout, secret=secret)
    except subprocess.TimeoutExpired:
        log.warning("nmcli timed out after %.0f s: %s", timeout, loggable(args))
        raise WifiError(f"Wi-Fi did not answer within {timeout:.0f} seconds. Try again.",
                        detail="timeout") from None
    except FileNotFoundError:
        raise WifiError("NetworkManager (nmcli) is not installed on this box.",
                        detail="nmcli not found") from None
    return Result(done.returncode, done.stdout or "", done.stderr or "")


class Nmcli:
    """nmcli through one runner with one default timeout, and the Wi-Fi adapter it drives.
    Shared by the Wi-Fi adapter (hardware/wifi.py) and the setup hotspot (hardware/hotspot.py)."""

    def __init__(self, runner: Optional[Runner] = None, timeout: float = 15.0):
        self.runner = runner or default_runner
        self.timeout = timeout

    def run(self, args: list, what: str, timeout: Optional[float] = None,
            check: bool = True, secret: Optional[str] = None) -> Result:
        """Run nmcli; with `check`, a failure raises WifiError in plain words (`what` = what
        we were doing). `secret` goes to nmcli's stdin (`passwd-file /dev/stdin`)."""
        result = run_nmcli(self.runner, args, timeout or self.timeout, secret)
        if check and result.returncode != 0:
            raise explain(result, what)
        return result

    def wifi_device(self) -> tuple[Optional[str], str, str]:
        """(Wi-Fi interface, its state, its connection name); interface None when there is none."""
        rows = parse_table(self.run(DEVICES, "list network devices").stdout, 4)
        for device, kind, state, connection in rows:
            if kind == "wifi":
                return device, state, connection
        return None, "no_device", ""

    def need_device(self) -> str:
        """The Wi-Fi interface; WifiError when the box has none."""
        device = self.wifi_device()[0]
        if device is None:
            raise WifiError("This box has no working Wi-Fi adapter.", detail="no wifi device")
        return device


def password_file(prop: str, password: str) -> str:
    """One line of an nmcli `passwd-file` (`setting.property:secret`). nmcli strips spaces
    around the secret and reads backslash escapes, so those characters go as octal escapes."""
    escaped = "".join(f"\\{ord(ch):03o}" if ch in " \\\t" else ch for ch in password)
    return f"{prop}:{escaped}\n"


def loggable(args: Sequence[str]) -> str:
    """The command for the log, with any password blanked out."""
    shown = list(args)
    for i, arg in enumerate(shown[:-1]):
        if arg in ("password", "wifi-sec.psk", "802-11-wireless-security.psk"):
            shown[i + 1] = "****"
    return " ".join(shown)


# --- validation -------------------------------------------------------------------------------

def validate_ssid(ssid, field: str = "ssid") -> str:
    if not isinstance(ssid, str) or not ssid:
        raise ValidationError({field: "Enter the network name."})
    size = len(ssid.encode("utf-8"))
    if size > 32:
        raise ValidationError({field: f"A network name is at most 32 bytes; this one is {size}."})
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in ssid):
        raise ValidationError({field: "The network name contains a control character."})
    return ssid


def validate_passphrase(psk, field: str = "psk") -> str:
    """'' (open network) or a WPA passphrase: 8-63 printable ASCII characters."""
    if psk is None or psk == "":
        return ""
    if not isinstance(psk, str):
        raise ValidationError({field: "The password must be text."})
    if not 8 <= len(psk) <= 63:
        raise ValidationError(
            {field: f"A Wi-Fi password has 8 to 63 characters; this one has {len(psk)}."})
    bad = sorted({ch for ch in psk if not " " <= ch <= "~"})
    if bad:
        raise ValidationError({field: "A Wi-Fi password may only use plain keyboard characters "
                                      f"(A-Z, a-z, 0-9, punctuation), not {' '.join(bad)}."})
    return psk


# --- reading output ---------------------------------------------------------------------------

def split_terse(line: str) -> list[str]:
    """Split one line of terse tabular output into its unescaped fields."""
    fields, current, chars = [], [], iter(line)
    for ch in chars:
        if ch == "\\":
            current.append(next(chars, "\\"))
        elif ch == ":":
            fields.append("".join(current))
            current = []
        else:
            current.append(ch)
    fields.append("".join(current))
    return fields


def parse_table(stdout: str, width: int) -> list[list[str]]:
    """Rows of terse tabular output with exactly `width` fields (others are logged and skipped)."""
    rows = []
    for line in stdout.splitlines():
        if not line:
            continue
        fields = split_terse(line)
        if len(fields) != width:
            log.warning("nmcli: skipped a line with %d fields, expected %d: %r",
                        len(fields), width, line)
            continue
        rows.append(fields)
    return rows


def parse_multiline(stdout: str) -> dict[str, list[str]]:
    """`IP4.ADDRESS[1]:10.0.0.2/24` lines -> {"IP4.ADDRESS": ["10.0.0.2/24"]} (values verbatim)."""
    values: dict[str, list[str]] = {}
    for line in stdout.splitlines():
        name, sep, value = line.partition(":")
        if not sep:
            continue
        name = name.split("[", 1)[0]
        values.setdefault(name, []).append(value)
    return values


@dataclass(frozen=True)
class Network:
    """One network from a scan (the strongest access point of that name)."""
    ssid: str
    signal: int                 # 0-100
    security: str               # as nmcli says: "WPA2", "WPA1 WPA2", "WPA3", "" (open) ...
    in_use: bool = False
    bssid: str = ""
    channel: Optional[int] = None

    @property
    def needs_password(self) -> bool:
        return any(tag in self.security for tag in ("WPA", "WEP")) and not self.enterprise

    @property
    def enterprise(self) -> bool:
        """802.1X (user name + password) networks: the box cannot join these."""
        return "802.1X" in self.security

    def to_dict(self) -> dict:
        return dict(asdict(self), needs_password=self.needs_password, enterprise=self.enterprise)


def parse_scan(stdout: str) -> list[Network]:
    """Networks from `nmcli -t -f SCAN_FIELDS device wifi list`:
    one per SSID (the strongest), hidden SSIDs left out, strongest first."""
    best: dict[str, Network] = {}
    in_use: set[str] = set()
    for mark, bssid, ssid, chan, signal, security in parse_table(stdout, 6):
        if not ssid:
            continue                              # hidden network: typed in by hand instead
        net = Network(ssid, _int(signal, 0), security.strip(), mark.strip() == "*", bssid,
                      _int(chan, None))
        if net.in_use:
            in_use.add(ssid)
        if ssid not in best or net.signal > best[ssid].signal:
            best[ssid] = net
    nets = [Network(n.ssid, n.signal, n.security, n.ssid in in_use, n.bssid, n.channel)
            for n in best.values()]
    return sorted(nets, key=lambda n: (-n.signal, n.ssid))


def _int(text: str, default):
    try:
        return int(text)
    except ValueError:
        return default


# --- errors in plain words --------------------------------------------------------------------

# (what nmcli says, form field, what we tell the owner); first match wins
_PLAIN = (
    ("secrets were required", "psk",
     "The Wi-Fi password was not accepted. Check it (capitals count) and try again."),
    ("802-11-wireless-security.psk", "psk", "That password is not valid for this network."),
    ("supplicant", "psk",
     "The network did not accept the password, or the signal is too weak. Check the password."),
    ("no network with ssid", "ssid",
     "No network with that name is in range. Check the name (capitals count) or move the box."),
    ("wi-fi network could not be found", "ssid",
     "No network with that name is in range. Check the name (capitals count) or move the box."),
    ("no wi-fi device found", "wifi", "This box has no working Wi-Fi adapter."),
    ("is not a wi-fi device", "wifi", "This box has no working Wi-Fi adapter."),
    ("not running", "wifi", "NetworkManager is not running, so Wi-Fi cannot be changed."),
    ("not authorized", "wifi",
     "The TextBack service is not allowed to change Wi-Fi (run scripts/install.sh again)."),
    ("ip configuration could not be reserved", "wifi",
     "Joined the network, but its router gave the box no address (DHCP). Try again."),
    ("timeout", "wifi", "Wi-Fi did not answer in time. Try again."),
)


def explain(result: Result, what: str) -> WifiError:
    """A WifiError in plain words for a failed nmcli command (`what` = what we were doing)."""
    raw = (result.stderr.strip() or result.stdout.strip() or f"exit code {result.returncode}")
    low = raw.lower()
    for needle, field, message in _PLAIN:
        if needle in low:
            break
    else:
        text = raw.splitlines()[-1]
        text = text[len("Error: "):] if text.startswith("Error: ") else text
        field, message = "wifi", f"Could not {what}: {text}"
    log.warning("nmcli: could not %s (exit %s): %s", what, result.returncode, raw)
    return WifiError(message, field=field, detail=raw, returncode=result.returncode)
