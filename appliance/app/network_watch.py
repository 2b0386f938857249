"""Getting onto the shop network and telling the owner where the box is.

A small thread that looks at the box's addresses every few seconds:
- when the box has a new address on the shop network (first join, a new Wi-Fi, a new DHCP lease),
  it texts the owner the page's address (textback.local and the IP), once per address;
- when the box has no network at all for a while (it knows no Wi-Fi, the password changed, or
  the router is still booting after a power cut), it opens the setup hotspot so a phone can put
  it on the network, and texts the owner so. With one radio NetworkManager does not rejoin the
  shop Wi-Fi while the hotspot is up, so the hotspot closes again after a while and the saved
  networks get another chance; then it reopens if still offline.

Texts go through the service queue (SendText), so the service stays the only writer.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Callable, Optional

from appliance.core.domain import SendText

log = logging.getLogger(__name__)

HOTSPOT_PREFIX = "10.42."      # NetworkManager's shared-mode subnet: our own setup hotspot


def shop_addresses(addresses: list) -> list:
    """The addresses a phone on the shop network can reach the box at (no hotspot, no name)."""
    return [a for a in addresses if a[:1].isdigit() and not a.startswith(HOTSPOT_PREFIX)
            and not a.startswith("127.")]


class NetworkWatch:
    """Texts the owner the box's address when it changes; opens the hotspot when offline."""

    def __init__(self, store, wifi, post: Callable[[object], None],
                 addresses: Callable[[], list], clock: Callable[[], datetime],
                 offline_grace: timedelta = timedelta(minutes=5),
                 hotspot_lifetime: timedelta = timedelta(minutes=20), interval: float = 5.0):
        self.store = store
        self.wifi = wifi
        self.post = post
        self.addresses = addresses
        self.clock = clock
        self.offline_grace = offline_grace
        self.hotspot_lifetime = hotspot_lifetime
        self.interval = interval
        self._offline_since: Optional[datetime] = None
        self._hotspot_since: Optional[datetime] = None
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="network-watch", daemon=True)
        self._thread.start()

    def alive(self) -> bool:
        return bool(self._thread and self._thread.is_alive())

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.step(self.clock())
            except Exception:  # thread boundary: nmcli or the network must never stop the box
                log.exception("network watch step failed")

    def step(self, now: datetime) -> None:
        found = shop_addresses(self.addresses())
        if found:
            self._offline_since = self._hotspot_since = None
            self._announce(found[0], now)
            return
        self._offline_since = self._offline_since or now
        if self.wifi is None:
            return
        if self._hotspot_since is not None:
            if now - self._hotspot_since >= self.hotspot_lifetime:
                self._close_hotspot(now)
        elif now - self._offline_since >= self.offline_grace:
            self._open_hotspot(now)

    def _open_hotspot(self, now: datetime) -> None:
        self._hotspot_since = now
        name = self.wifi.start_hotspot()
        self.store.log_event("wifi", f"No network: setup hotspot {name} opened", level="warn")
        self._tell_owner(f"TextBack Box can't reach the shop Wi-Fi. To set it up, join the "
                         f"Wi-Fi {name} with your phone (key on the box's label, or press its "
                         f"button briefly to get it by text); the setup page opens by itself.")

    def _close_hotspot(self, now: datetime) -> None:
        """Give the saved networks another chance (the router may be back by now)."""
        self._hotspot_since = None
        self._offline_since = now
        self.wifi.stop_hotspot()
        self.store.log_event("wifi", "Setup hotspot closed; trying the saved Wi-Fi again")

    def _announce(self, address: str, now: datetime) -> None:
        if self.store.box_state().get("last_address") == address:
            return
        self.store.update_box_state(last_address=address)
        self.store.log_event("wifi", f"On the shop network at {address}")
        self._tell_owner(f"TextBack Box is on the shop network. Open http://textback.local/ "
                         f"or http://{address}/ on the shop Wi-Fi.")

    def _tell_owner(self, text: str) -> None:
        owner = self.store.settings().get("owner_phone")
        if owner:
            self.post(SendText(to=owner, kind="owner", text=text))
