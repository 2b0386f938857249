"""The setup hotspot: the box's own Wi-Fi network, for putting it on the shop's Wi-Fi.

A mixin of `Wifi` (wifi.py), kept apart so each file stays readable; it uses Wifi's nmcli
plumbing (`_run`, `_need_device`, `scan`). NetworkManager's "shared" mode makes the box
HOTSPOT_ADDRESS on it and hands phones addresses in 10.42.x.x.

The hotspot is never open: anyone in radio range could otherwise join it and move the box onto
their own network. It is WPA2 (RSN with CCMP) with the box's own key (`hotspot_key`, a callable
the composition root gives; appliance/secrets.py makes and keeps the key), which is printed on
the box's label, shown on the Wi-Fi page and sent in the button's status text.
"""
from __future__ import annotations

import logging
from typing import Callable, Optional

from hardware.nmcli import (ACTIVE, NMCLI, WifiError, explain, parse_multiline, parse_table,
                            validate_passphrase, validate_ssid)

log = logging.getLogger(__name__)

HOTSPOT_CONNECTION = "textback-hotspot"
HOTSPOT_ADDRESS = "10.42.0.1"          # NetworkManager's default for ipv4.method shared
HOTSPOT_WAIT = 30
# WPA2 only (RSN with CCMP; no WPA1/TKIP). Protected management frames off: the Pi's Wi-Fi chip
# (brcmfmac) cannot do them as an access point, and WPA2-PSK does not need them.
WPA2 = ["802-11-wireless-security.key-mgmt", "wpa-psk", "802-11-wireless-security.proto", "rsn",
        "802-11-wireless-security.pairwise", "ccmp", "802-11-wireless-security.group", "ccmp",
        "802-11-wireless-security.pmf", "disable"]


class SetupHotspot:
    """Starting, stopping and naming the setup hotspot (needs Wifi's attributes)."""

    def use_hotspot_key(self, hotspot_key: Callable[[], str]) -> None:
        """Where the hotspot's WPA2 key comes from (the composition root sets it)."""
        self._hotspot_key = hotspot_key

    def default_hotspot_ssid(self, device: str) -> str:
        """TextBack-XXXX with the last four hex digits of the Wi-Fi adapter's address."""
        if self._default_ssid:
            return self._default_ssid
        args = [NMCLI, "-t", "-f", "GENERAL.HWADDR", "device", "show", device]
        result = self._run(args, "read the Wi-Fi address", check=False)
        hwaddr = (parse_multiline(result.stdout).get("GENERAL.HWADDR") or [""])[0]
        digits = "".join(ch for ch in hwaddr if ch.isalnum()).upper()
        if len(digits) < 4:
            return "TextBack-Setup"
        self._default_ssid = f"TextBack-{digits[-4:]}"
        return self._default_ssid

    def hotspot_name(self) -> str:
        """The setup hotspot's name (for the label and the status text), up or not."""
        return self.hotspot_ssid or self.default_hotspot_ssid(self._need_device())

    def start_hotspot(self, ssid: Optional[str] = None, password: Optional[str] = None,
                      scan_first: bool = True) -> str:
        """Open the setup hotspot, WPA2 with `password` or else the box's key; returns its
        name. It scans first: the last chance to see other networks while the radio hosts."""
        if not password and self._hotspot_key is not None:
            password = self._hotspot_key()
        password = validate_passphrase(password, "password")
        if not password:
            raise WifiError("The setup hotspot needs its key; it is never opened without one.",
                            detail="no hotspot key")
        device = self._need_device()
        ssid = validate_ssid(ssid) if ssid else self.default_hotspot_ssid(device)
        if scan_first:
            try:
                self.scan()
            except WifiError as exc:
                log.info("wifi: scan before the hotspot failed: %s", exc.message)
        self._delete_hotspot()
        name = self._hotspot_connection
        self._run([NMCLI, "connection", "add", "type", "wifi", "ifname", device,
                   "con-name", name, "autoconnect", "no", "ssid", ssid,
                   "802-11-wireless.mode", "ap", "802-11-wireless.band", "bg",
                   "ipv4.method", "shared", "ipv6.method", "ignore", *WPA2,
                   "802-11-wireless-security.psk", password],
                  "set up the setup hotspot")
        self._run([NMCLI, "--wait", str(HOTSPOT_WAIT), "connection", "up", "id", name],
                  "start the setup hotspot", timeout=HOTSPOT_WAIT + 15)
        self._hosting = True
        self.hotspot_ssid = ssid
        self._hotspot_password = password
        log.info("wifi: setup hotspot %r is up (WPA2)", ssid)
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

    def _restart_hotspot(self) -> None:
        try:
            self.start_hotspot(self.hotspot_ssid, self._hotspot_password, scan_first=False)
        except WifiError as exc:   # the join error matters more; this one goes to the log
            log.error("wifi: could not bring the setup hotspot back: %s", exc.message)
