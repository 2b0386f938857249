"""What the box needs from the hardware it does not own, as Protocols: Wi-Fi control and, in
demo mode, the pretend customer's phone.

hardware/wifi.py (NetworkManager) and appliance/app/demo.py (the modem simulator) are the real
ones; tests use recorded nmcli output and the simulator too. The service, the network watch and
the page talk to these shapes only, so none of them imports hardware/.
"""
from __future__ import annotations

from typing import Callable, Optional, Protocol


class WifiControl(Protocol):
    """The box's Wi-Fi. Every method may raise ValidationError with the reason in words.

    `status()` answers an object with `to_dict()` (or a dict) holding ssid, state, connection,
    addresses, hotspot and connected; `scan()` and `networks()` answer a list of such objects
    with ssid, signal, security, in_use.
    """

    def status(self) -> object: ...

    def scan(self) -> list: ...

    def networks(self) -> list: ...

    def connect(self, ssid: str, psk: str = "", hidden: Optional[bool] = None) -> object: ...

    def forget(self, ssid: str) -> list: ...

    def hotspot_name(self) -> str: ...

    def hotspot_active(self) -> bool: ...

    def hotspot_address(self) -> Optional[object]: ...   # an ipaddress IPv4Interface, or None

    def start_hotspot(self) -> str: ...

    def stop_hotspot(self) -> None: ...

    def use_hotspot_key(self, key: Callable[[], str]) -> None: ...


class DemoPhone(Protocol):
    """Demo mode's pretend customer: rings the box or texts it; `sent` is what the box texted
    out, as the (simulated) network saw it: items with number, text and reference."""

    def ring(self, number: str, rings: int = 0, withheld: bool = False) -> None: ...

    def text(self, number: str, text: str) -> None: ...

    @property
    def sent(self) -> list: ...
