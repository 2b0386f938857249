"""The setup hotspot: the box's own Wi-Fi network, for putting it on the shop's Wi-Fi.

The Wi-Fi adapter (hardware/wifi.py) holds one SetupHotspot and shares its nmcli (hardware/nmcli.py)
with it; joining a network takes the hotspot down (one radio), and a failed join brings it back.
NetworkManager's "shared" mode makes the box HOTSPOT_ADDRESS on it and hands phones addresses in
its network (10.42.0.0/24); `address()` reads what NetworkManager actually set up.

The hotspot is never open: anyone in radio range could otherwise join it and move the box onto
their own network. It is WPA2 (RSN with CCMP) with the box's own key (`hotspot_key`, a callable
the composition root gives; appliance/secrets.py makes and keeps the key), which is printed on
the box's label, shown on the Wi-Fi page and sent in the button's status text.

The key never goes on nmcli's command line, where any local user could read it in
/proc/<pid>/cmdline: the profile is made without it, and `connection up ... passwd-file
/dev/stdin` hands it to NetworkManager through nmcli's standard input when the hotspot opens.
"""
from __future__ import annotations

import ipaddress
import logging
import threading
import time
from typing import Callable, Optional

from hardware.nmcli import (ACTIVE, NMCLI, Nmcli, WifiError, addresses, explain,
                            parse_multiline, parse_table, password_file, validate_passphrase,
                            validate_ssid)

log = logging.getLogger(__name__)

HOTSPOT_CONNECTION = "textback-hotspot"
HOTSPOT_ADDRESS = "10.42.0.1"          # NetworkManager's default for ipv4.method shared
HOTSPOT_WAIT = 30
# How long the hotspot's address, once read, is taken as still true. Phones fetch several
# captive-portal probe URLs at once on joining, and each answer costs two nmcli runs.
ADDRESS_KEPT = 2.0
# WPA2 only (RSN with CCMP; no WPA1/TKIP). Protected management frames off: the Pi's Wi-Fi chip
# (brcmfmac) cannot do them as an access point, and WPA2-PSK does not need them.
WPA2 = ["802-11-wireless-security.key-mgmt", "wpa-psk", "802-11-wireless-security.proto", "rsn",
        "802-11-wireless-security.pairwise", "ccmp", "802-11-wireless-security.group", "ccmp",
        "802-11-wireless-security.pmf", "disable"]
PSK = "802-11-wireless-security.psk"


class SetupHotspot:
    """Starting, stopping and naming the setup hotspot; whether the radio hosts it now."""

    def __init__(self, nmcli: Nmcli, connection: str = HOTSPOT_CONNECTION,
                 key: Optional[Callable[[], str]] = None):
        self.nmcli = nmcli
        self.connection = connection          # NetworkManager's profile name for it
        self._key = key
        self._default_ssid: Optional[str] = None
        self.ssid: Optional[str] = None       # the name it was last opened with
        self._password = ""
        self.hosting = False                  # opened by us and not since left
        self._lock = threading.Lock()
        self._address: Optional[ipaddress.IPv4Interface] = None
        self._address_read_at: Optional[float] = None      # time.monotonic()

    def use_key(self, key: Callable[[], str]) -> None:
        """Where the hotspot's WPA2 key comes from (the composition root sets it)."""
        self._key = key

    def default_ssid(self, device: str) -> str:
        """TextBack-XXXX with the last four hex digits of the Wi-Fi adapter's address."""
        if self._default_ssid:
            return self._default_ssid
        args = [NMCLI, "-t", "-f", "GENERAL.HWADDR", "device", "show", device]
        result = self.nmcli.run(args, "read the Wi-Fi address", check=False)
        hwaddr = (parse_multiline(result.stdout).get("GENERAL.HWADDR") or [""])[0]
        digits = "".join(ch for ch in hwaddr if ch.isalnum()).upper()
        if len(digits) < 4:
            return "TextBack-Setup"
        self._default_ssid = f"TextBack-{digits[-4:]}"
        return self._default_ssid

    def name(self) -> str:
        """The setup hotspot's name (for the label and the status text), up or not."""
        return self.ssid or self.default_ssid(self.nmcli.need_device())

    def start(self, ssid: Optional[str] = None, password: Optional[str] = None,
              before: Optional[Callable[[], None]] = None) -> str:
        """Open the setup hotspot, WPA2 with `password` or else the box's key; returns its
        name. `before` runs once the request is known to be good, before the radio switches
        (the Wi-Fi adapter scans then: the last chance to see other networks)."""
        if not password and self._key is not None:
            password = self._key()
        password = validate_passphrase(password, "password")
        if not password:
            raise WifiError("The setup hotspot needs its key; it is never opened without one.",
                            detail="no hotspot key")
        device = self.nmcli.need_device()
        ssid = validate_ssid(ssid) if ssid else self.default_ssid(device)
        if before is not None:
            before()
        self._delete()
        self.forget_address()
        self.nmcli.run([NMCLI, "connection", "add", "type", "wifi", "ifname", device,
                        "con-name", self.connection, "autoconnect", "no", "ssid", ssid,
                        "802-11-wireless.mode", "ap", "802-11-wireless.band", "bg",
                        "ipv4.method", "shared", "ipv6.method", "ignore", *WPA2],
                       "set up the setup hotspot")
        self.nmcli.run([NMCLI, "--wait", str(HOTSPOT_WAIT), "connection", "up", "id",
                        self.connection, "passwd-file", "/dev/stdin"],
                       "start the setup hotspot", timeout=HOTSPOT_WAIT + 15,
                       secret=password_file(PSK, password))
        self.hosting, self.ssid, self._password = True, ssid, password
        log.info("wifi: setup hotspot %r is up (WPA2)", ssid)
        return ssid

    def stop(self) -> None:
        """Take the hotspot down; NetworkManager then rejoins a saved network by itself."""
        self._delete()
        self.forget_address()
        self.hosting = False
        log.info("wifi: setup hotspot stopped")

    def active(self) -> bool:
        """NetworkManager has the hotspot up now (whoever opened it)."""
        rows = parse_table(self.nmcli.run(ACTIVE, "read connections").stdout, 4)
        return any(name == self.connection for name, _, _, _ in rows)

    def address(self) -> Optional[ipaddress.IPv4Interface]:
        """The box's address on the hotspot with its network (10.42.0.1/24 by default) while
        NetworkManager has the hotspot up, else None. Only phones in that network are on the
        hotspot. Kept for ADDRESS_KEPT seconds; an nmcli failure raises and is not kept."""
        now = time.monotonic()
        with self._lock:
            if self._address_read_at is not None and now - self._address_read_at < ADDRESS_KEPT:
                return self._address
        address = self._read_address()
        with self._lock:
            self._address, self._address_read_at = address, now
        return address

    def forget_address(self) -> None:
        """The hotspot is going up or down: read its address afresh next time."""
        with self._lock:
            self._address_read_at = None

    def _read_address(self) -> Optional[ipaddress.IPv4Interface]:
        rows = parse_table(self.nmcli.run(ACTIVE, "read connections").stdout, 4)
        device = next((dev for name, _, _, dev in rows if name == self.connection and dev), None)
        if device is None:
            return None
        values = parse_multiline(self.nmcli.run(addresses(device), "read addresses").stdout)
        for address in values.get("IP4.ADDRESS", []):
            try:
                return ipaddress.ip_interface(address)
            except ValueError:
                log.warning("wifi: unreadable hotspot address %r", address)
        return None

    def restart(self) -> None:
        """Open it again as it was (after a failed join took it down); failures are logged."""
        try:
            self.start(self.ssid, self._password)
        except WifiError as exc:   # the join error matters more; this one goes to the log
            log.error("wifi: could not bring the setup hotspot back: %s", exc.message)

    def _delete(self) -> None:
        result = self.nmcli.run([NMCLI, "connection", "delete", "id", self.connection],
                                "remove the setup hotspot", check=False)
        if result.returncode != 0 and "unknown connection" not in result.stderr.lower():
            raise explain(result, "remove the setup hotspot")
