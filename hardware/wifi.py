"""The box's Wi-Fi, through NetworkManager's nmcli: scan, join, forget, status, setup hotspot.

Every call goes through an injectable runner (`runner(args, timeout)`), with argument lists
only, never a shell. Tests and the browser test use a runner that plays recorded nmcli output.

One radio cannot scan well while it hosts the setup hotspot, so `scan()` keeps the last good
list and `start_hotspot()` scans first: the setup page still has networks to offer.
The hotspot uses NetworkManager's "shared" mode, so the box is HOTSPOT_ADDRESS on it.

The setup hotspot itself (always WPA2 with the box's own key) is hardware/hotspot.py; the
adapter holds one and offers its methods under the names the rest of the box uses.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass
from typing import Callable, Optional

from appliance.core.domain import ValidationError
from hardware.hotspot import HOTSPOT_ADDRESS, HOTSPOT_CONNECTION, SetupHotspot
from hardware.nmcli import (ACTIVE, DEVICES, LIST, NMCLI, PROFILES, RESCAN, WIFI_TYPE, Network,
                            Nmcli, Runner, WifiError, addresses, explain, parse_multiline,
                            parse_scan, parse_table, validate_passphrase, validate_ssid)

__all__ = ["Wifi", "WifiStatus", "Network", "WifiError", "HOTSPOT_ADDRESS", "HOTSPOT_CONNECTION",
           "validate_ssid", "validate_passphrase", "parse_scan", "ACTIVE", "DEVICES", "LIST",
           "PROFILES", "RESCAN"]

log = logging.getLogger(__name__)

CONNECT_WAIT = 45                      # nmcli --wait for joining a network, seconds


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


class Wifi:
    """NetworkManager adapter. Every method may raise WifiError (a ValidationError)."""

    def __init__(self, runner: Runner = None, *, timeout: float = 15.0,
                 hotspot_connection: str = HOTSPOT_CONNECTION,
                 hotspot_key: Optional[Callable[[], str]] = None):
        self._nmcli = Nmcli(runner, timeout)
        self._hotspot = SetupHotspot(self._nmcli, hotspot_connection, hotspot_key)
        self._lock = threading.Lock()
        self._networks: list[Network] = []

    def _run(self, args: list, what: str, timeout: float = None, check: bool = True):
        return self._nmcli.run(args, what, timeout, check)

    # --- the setup hotspot (hardware/hotspot.py) ----------------------------------------------

    def use_hotspot_key(self, hotspot_key: Callable[[], str]) -> None:
        """Where the hotspot's WPA2 key comes from (the composition root sets it)."""
        self._hotspot.use_key(hotspot_key)

    @property
    def hotspot_ssid(self) -> Optional[str]:
        """The name the hotspot was last opened with (None before)."""
        return self._hotspot.ssid

    def hotspot_name(self) -> str:
        """The setup hotspot's name (for the label and the status text), up or not."""
        return self._hotspot.name()

    def start_hotspot(self, ssid: Optional[str] = None, password: Optional[str] = None) -> str:
        """Open the setup hotspot (WPA2, `password` or the box's key); returns its name. It
        scans first: the last chance to see other networks while the radio hosts."""
        return self._hotspot.start(ssid, password, before=self._scan_before_hosting)

    def stop_hotspot(self) -> None:
        self._hotspot.stop()

    def hotspot_active(self) -> bool:
        return self._hotspot.active()

    def hotspot_address(self):
        """The box's address on the hotspot with its network (10.42.0.1/24) while it is up,
        else None; read at most every couple of seconds (hardware/hotspot.py)."""
        return self._hotspot.address()

    def _scan_before_hosting(self) -> None:
        try:
            self.scan()
        except WifiError as exc:
            log.info("wifi: scan before the hotspot failed: %s", exc.message)

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
            if self._hotspot.hosting:
                return self.networks()
            raise
        found = [n for n in found if n.ssid != self._hotspot.ssid]
        with self._lock:
            if found or not self._hotspot.hosting:
                self._networks = found
            return list(self._networks)

    def networks(self) -> list[Network]:
        """The last good scan, without touching the radio."""
        with self._lock:
            return list(self._networks)

    # --- status -------------------------------------------------------------------------------

    def status(self) -> WifiStatus:
        device, state, connection = self._nmcli.wifi_device()
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
        values = parse_multiline(self._run(addresses(device), "read addresses").stdout)
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
        device = self._nmcli.need_device()
        if hidden is None:
            hidden = ssid not in known
        args = [NMCLI, "--wait", str(CONNECT_WAIT), "device", "wifi", "connect", ssid]
        args += ["password", psk] if psk else []
        args += ["ifname", device] + (["hidden", "yes"] if hidden else [])
        log.info("wifi: joining %r", ssid)
        was_hosting = self._hotspot.hosting
        self._hotspot.forget_address()          # joining takes the hotspot down
        try:
            self._run(args, f"join {ssid}", timeout=CONNECT_WAIT + 15)
        except WifiError:
            if was_hosting and fall_back:
                self._hotspot.restart()
            raise
        self._hotspot.hosting = False
        return self.status()

    def forget(self, ssid: str) -> list[str]:
        """Delete every saved profile for this network (by SSID or profile name)."""
        ssid = validate_ssid(ssid)
        gone = []
        for name, uuid, kind in parse_table(self._run(PROFILES, "list saved networks").stdout, 3):
            if kind != WIFI_TYPE or name == self._hotspot.connection:
                continue
            saved_ssid, mode = self._profile_ssid(uuid)
            if mode != "ap" and ssid in (saved_ssid, name):
                self._run([NMCLI, "connection", "delete", "uuid", uuid], f"forget {name}")
                gone.append(name)
        if not gone:
            raise WifiError(f"No saved network called {ssid}.", field="ssid")
        log.info("wifi: forgot %s", ", ".join(gone))
        return gone
