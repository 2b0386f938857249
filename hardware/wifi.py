"""The box's Wi-Fi, through NetworkManager's nmcli: scan, join, forget, status, setup hotspot.

Every call goes through an injectable runner (`runner(args, timeout)`), with argument lists
only, never a shell. Tests and the browser test use a runner that plays recorded nmcli output.

One radio cannot scan well while it hosts the setup hotspot, so `scan()` keeps the last good
list and `start_hotspot()` scans first: the setup page still has networks to offer.
The hotspot uses NetworkManager's "shared" mode, so the box is HOTSPOT_ADDRESS on it.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass
from typing import Optional

from appliance.domain import ValidationError
from hardware.nmcli import (NMCLI, SCAN_FIELDS, Network, Result, Runner, WifiError,
                            default_runner, explain, parse_multiline, parse_scan, parse_table,
                            run_nmcli)

__all__ = ["Wifi", "WifiStatus", "Network", "WifiError", "HOTSPOT_ADDRESS", "HOTSPOT_CONNECTION",
           "validate_ssid", "validate_passphrase", "parse_scan"]

log = logging.getLogger(__name__)

HOTSPOT_CONNECTION = "textback-hotspot"
HOTSPOT_ADDRESS = "10.42.0.1"          # NetworkManager's default for ipv4.method shared
CONNECT_WAIT = 45                      # nmcli --wait for joining a network, seconds
HOTSPOT_WAIT = 30

RESCAN = [NMCLI, "device", "wifi", "rescan"]
LIST = [NMCLI, "-t", "-f", SCAN_FIELDS, "device", "wifi", "list", "--rescan", "no"]
DEVICES = [NMCLI, "-t", "-f", "DEVICE,TYPE,STATE,CONNECTION", "device", "status"]
ACTIVE = [NMCLI, "-t", "-f", "NAME,UUID,TYPE,DEVICE", "connection", "show", "--active"]
PROFILES = [NMCLI, "-t", "-f", "NAME,UUID,TYPE", "connection", "show"]
WIFI_TYPE = "802-11-wireless"


@dataclass(frozen=True)
class WifiStatus:
    device: Optional[str]       # "wlan0"; None when the box has no Wi-Fi adapter
    state: str                  # nmcli's device state ("connected" ...) or "no_device"
    connection: Optional[str] = None   # NetworkManager profile name
    ssid: Optional[str] = None
    addresses: tuple = ()        # IPv4 first, then global IPv6, without prefix length
    hotspot: bool = False        # the setup hotspot is up

    @property
    def connected(self) -> bool:
        return self.state.startswith("connected") and not self.hotspot

    def to_dict(self) -> dict:
        return dict(asdict(self), addresses=list(self.addresses), connected=self.connected)


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


class Wifi:
    """NetworkManager adapter. Every method may raise WifiError (a ValidationError)."""

    def __init__(self, runner: Runner = None, *, timeout: float = 15.0,
                 hotspot_connection: str = HOTSPOT_CONNECTION):
        self._runner = runner or default_runner
        self._timeout = timeout
        self._hotspot_connection = hotspot_connection
        self._lock = threading.Lock()
        self._networks: list[Network] = []
        self._hosting = False
        self.hotspot_ssid: Optional[str] = None
        self._hotspot_password = ""

    # --- plumbing -----------------------------------------------------------------------------

    def _run(self, args: list, what: str, timeout: float = None, check: bool = True) -> Result:
        result = run_nmcli(self._runner, args, timeout or self._timeout)
        if check and result.returncode != 0:
            raise explain(result, what)
        return result

    def _device(self) -> tuple[Optional[str], str, str]:
        """(Wi-Fi interface, its state, its connection name); interface None when there is none."""
        rows = parse_table(self._run(DEVICES, "list network devices").stdout, 4)
        for device, kind, state, connection in rows:
            if kind == "wifi":
                return device, state, connection
        return None, "no_device", ""

    def _need_device(self) -> str:
        device = self._device()[0]
        if device is None:
            raise WifiError("This box has no working Wi-Fi adapter.", detail="no wifi device")
        return device

    # --- scanning -----------------------------------------------------------------------------

    def scan(self) -> list[Network]:
        """Look for networks now. While the hotspot is up, an empty or failed scan keeps the
        last good list (the radio is busy being an access point)."""
        rescan = self._run(RESCAN, "scan for networks", check=False)
        if rescan.returncode != 0:
            if "no wi-fi device" in (rescan.stderr + rescan.stdout).lower():
                raise explain(rescan, "scan for networks")
            log.info("wifi: rescan refused (%s); listing what is known", rescan.stderr.strip())
        try:
            found = parse_scan(self._run(LIST, "list networks", timeout=30.0).stdout)
        except WifiError:
            if self._hosting:
                return self.networks()
            raise
        found = [n for n in found if n.ssid != self.hotspot_ssid]
        with self._lock:
            if found or not self._hosting:
                self._networks = found
            return list(self._networks)

    def networks(self) -> list[Network]:
        """The last good scan, without touching the radio."""
        with self._lock:
            return list(self._networks)

    # --- status -------------------------------------------------------------------------------

    def status(self) -> WifiStatus:
        device, state, connection = self._device()
        if device is None:
            return WifiStatus(None, "no_device")
        if not state.startswith("connected"):
            return WifiStatus(device, state, connection or None)
        ssid, mode = self._active_profile(device)
        addresses = self._addresses(device)
        return WifiStatus(device, state, connection or None, ssid, addresses, mode == "ap")

    def _active_profile(self, device: str) -> tuple[Optional[str], Optional[str]]:
        for name, uuid, kind, dev in parse_table(self._run(ACTIVE, "read connections").stdout, 4):
            if dev == device and kind == WIFI_TYPE:
                return self._profile_ssid(uuid)
        return None, None

    def _profile_ssid(self, uuid: str) -> tuple[Optional[str], Optional[str]]:
        args = [NMCLI, "-t", "-f", "802-11-wireless.ssid,802-11-wireless.mode",
                "connection", "show", "uuid", uuid]
        values = parse_multiline(self._run(args, "read a saved network").stdout)
        ssid = (values.get("802-11-wireless.ssid") or [None])[0]
        mode = (values.get("802-11-wireless.mode") or [None])[0]
        return ssid, mode

    def _addresses(self, device: str) -> tuple:
        args = [NMCLI, "-t", "-f", "IP4.ADDRESS,IP6.ADDRESS", "device", "show", device]
        values = parse_multiline(self._run(args, "read addresses").stdout)
        v4 = [a.split("/")[0] for a in values.get("IP4.ADDRESS", []) if a]
        v6 = [a.split("/")[0] for a in values.get("IP6.ADDRESS", [])
              if a and not a.lower().startswith("fe80")]
        return tuple(v4 + v6)

    # --- joining and forgetting ---------------------------------------------------------------

    def connect(self, ssid: str, psk: str = "", hidden: Optional[bool] = None,
                fall_back: bool = True) -> WifiStatus:
        """Join a network. It takes the setup hotspot down (one radio); when joining fails and
        the hotspot was up, the hotspot comes back (`fall_back`) and the error is raised.
        `hidden` defaults to "not in the last scan": NetworkManager then looks for it by name."""
        ssid = validate_ssid(ssid)
        psk = validate_passphrase(psk)
        known = {n.ssid: n for n in self.networks()}
        if ssid in known and known[ssid].enterprise:
            raise ValidationError({"ssid": "This network needs a user name (802.1X); "
                                           "the box can only join password networks."})
        if ssid in known and known[ssid].needs_password and not psk:
            raise ValidationError({"psk": "This network needs a password."})
        device = self._need_device()
        if hidden is None:
            hidden = ssid not in known
        args = [NMCLI, "--wait", str(CONNECT_WAIT), "device", "wifi", "connect", ssid]
        args += ["password", psk] if psk else []
        args += ["ifname", device] + (["hidden", "yes"] if hidden else [])
        log.info("wifi: joining %r", ssid)
        was_hosting = self._hosting
        try:
            self._run(args, f"join {ssid}", timeout=CONNECT_WAIT + 15)
        except WifiError:
            if was_hosting and fall_back:
                self._restart_hotspot()
            raise
        self._hosting = False
        return self.status()

    def _restart_hotspot(self) -> None:
        try:
            self.start_hotspot(self.hotspot_ssid, self._hotspot_password, scan_first=False)
        except WifiError as exc:   # the join error matters more; this one goes to the log
            log.error("wifi: could not bring the setup hotspot back: %s", exc.message)

    def forget(self, ssid: str) -> list[str]:
        """Delete every saved profile for this network (by SSID or profile name)."""
        ssid = validate_ssid(ssid)
        gone = []
        for name, uuid, kind in parse_table(self._run(PROFILES, "list saved networks").stdout, 3):
            if kind != WIFI_TYPE or name == self._hotspot_connection:
                continue
            saved_ssid, mode = self._profile_ssid(uuid)
            if mode != "ap" and ssid in (saved_ssid, name):
                self._run([NMCLI, "connection", "delete", "uuid", uuid], f"forget {name}")
                gone.append(name)
        if not gone:
            raise WifiError(f"No saved network called {ssid}.", field="ssid")
        log.info("wifi: forgot %s", ", ".join(gone))
        return gone

    # --- the setup hotspot --------------------------------------------------------------------

    def default_hotspot_ssid(self, device: str) -> str:
        """TextBack-XXXX with the last four hex digits of the Wi-Fi adapter's address."""
        args = [NMCLI, "-t", "-f", "GENERAL.HWADDR", "device", "show", device]
        result = self._run(args, "read the Wi-Fi address", check=False)
        hwaddr = (parse_multiline(result.stdout).get("GENERAL.HWADDR") or [""])[0]
        digits = "".join(ch for ch in hwaddr if ch.isalnum()).upper()
        return f"TextBack-{digits[-4:]}" if len(digits) >= 4 else "TextBack-Setup"

    def start_hotspot(self, ssid: Optional[str] = None, password: Optional[str] = None,
                      scan_first: bool = True) -> str:
        """Open the setup hotspot (open network, or WPA with `password`); returns its name.
        It scans first: the last chance to see other networks while the radio hosts."""
        password = validate_passphrase(password, "password")
        device = self._need_device()
        ssid = validate_ssid(ssid) if ssid else self.default_hotspot_ssid(device)
        if scan_first:
            try:
                self.scan()
            except WifiError as exc:
                log.info("wifi: scan before the hotspot failed: %s", exc.message)
        self._delete_hotspot()
        name = self._hotspot_connection
        if password:
            self._run([NMCLI, "--wait", str(HOTSPOT_WAIT), "device", "wifi", "hotspot",
                       "ifname", device, "con-name", name, "ssid", ssid, "password", password],
                      "start the setup hotspot", timeout=HOTSPOT_WAIT + 15)
        else:
            self._run([NMCLI, "connection", "add", "type", "wifi", "ifname", device,
                       "con-name", name, "autoconnect", "no", "ssid", ssid,
                       "802-11-wireless.mode", "ap", "802-11-wireless.band", "bg",
                       "ipv4.method", "shared", "ipv6.method", "ignore"],
                      "set up the setup hotspot")
            self._run([NMCLI, "--wait", str(HOTSPOT_WAIT), "connection", "up", "id", name],
                      "start the setup hotspot", timeout=HOTSPOT_WAIT + 15)
        self._hosting = True
        self.hotspot_ssid = ssid
        self._hotspot_password = password
        log.info("wifi: setup hotspot %r is up (%s)", ssid, "WPA" if password else "open")
        return ssid

    def stop_hotspot(self) -> None:
        """Take the hotspot down; NetworkManager then rejoins a saved network by itself."""
        self._delete_hotspot()
        self._hosting = False
        log.info("wifi: setup hotspot stopped")

    def hotspot_active(self) -> bool:
        rows = parse_table(self._run(ACTIVE, "read connections").stdout, 4)
        return any(name == self._hotspot_connection for name, _, _, _ in rows)

    def _delete_hotspot(self) -> None:
        result = self._run([NMCLI, "connection", "delete", "id", self._hotspot_connection],
                           "remove the setup hotspot", check=False)
        if result.returncode != 0 and "unknown connection" not in result.stderr.lower():
            raise explain(result, "remove the setup hotspot")
