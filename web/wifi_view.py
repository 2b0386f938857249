"""Reading the Wi-Fi adapter for the page: networks, the current connection, error wording.

The adapter (box.wifi, from hardware/) answers with plain dicts; this turns them into what the
templates show (signal bars 0-4, locked or open) and keeps a failing nmcli from breaking a page.
"""
from __future__ import annotations

import logging
from typing import Callable, Optional

from appliance.core.domain import ValidationError
from web.labels import signal_bars

log = logging.getLogger(__name__)


def hotspot_address(wifi) -> Optional[str]:
    """The box's address on the setup hotspot while it is up (10.42.0.1), else None. The
    adapter keeps its answer for a couple of seconds: phones fetch several captive-portal
    probes at once, each unauthenticated, and nmcli is slow."""
    try:
        found = wifi.hotspot_address()
    except Exception:  # a Wi-Fi query must never break a page (or a captive probe)
        log.exception("reading the setup hotspot's state failed")
        return None
    return str(found.ip) if found is not None else None


def as_dict(value) -> dict:
    """The adapter's dataclasses (WifiStatus, Network) and plain dicts alike, as a dict."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return dict(value or {})


def current(wifi) -> dict:
    """The current connection (ssid, state, connected, hotspot, addresses) plus "ip", the first
    address; {} when it can't be read."""
    try:
        now = as_dict(wifi.status())
    except Exception:  # a Wi-Fi query must never break a page
        log.exception("Wi-Fi status failed")
        return {}
    addresses = list(now.get("addresses") or [])
    now["ip"] = addresses[0] if addresses else None
    return now


OPEN_SECURITY = ("", "--", "none", "open")


def _network(raw: dict) -> dict:
    """A scanned network for the page. Any security but none is locked (802.1X too, which
    needs a user name the box can't give: "enterprise", no join with a passphrase)."""
    signal = raw.get("signal")
    security = (raw.get("security") or "").strip()
    enterprise = bool(raw.get("enterprise")) or "802.1X" in security.upper()
    secure = enterprise or bool(raw.get("needs_password")) or security.lower() not in OPEN_SECURITY
    return {"ssid": raw.get("ssid") or "", "signal": signal, "bars": signal_bars(signal),
            "secure": secure, "security": security, "enterprise": enterprise,
            "in_use": bool(raw.get("in_use"))}


def is_enterprise(wifi, ssid: str) -> bool:
    """Whether the last scan saw `ssid` as an 802.1X network (the box can't join those)."""
    try:
        raw = wifi.networks() or []
    except Exception:  # a Wi-Fi query must never break a page
        log.exception("Wi-Fi networks failed")
        return False
    return any(n["ssid"] == ssid and n["enterprise"] for n in (_network(as_dict(r)) for r in raw))


def network_list(wifi, now: dict) -> list[dict]:
    """The networks of the last scan, the one the box is on first, then strongest first;
    hidden (nameless) ones left out. "In use" comes from the current status, not from the
    scan, which may be older (e.g. taken just before the setup hotspot started)."""
    try:
        raw = wifi.networks() or []
    except Exception:  # a Wi-Fi query must never break a page
        log.exception("Wi-Fi networks failed")
        return []
    found = [_network(as_dict(n)) for n in raw]
    found = [n for n in found if n["ssid"]]
    on = now.get("ssid") if now.get("connected") else None
    for n in found:
        n["in_use"] = n["ssid"] == on
    return sorted(found, key=lambda n: (not n["in_use"], -(n["signal"] or 0), n["ssid"]))


def wifi_call(action: Callable[[], object]) -> Optional[str]:
    """Run an adapter command; None when it worked, else the reason in words."""
    try:
        action()
    except ValidationError as exc:
        return "; ".join(str(v) for v in exc.errors.values())
    return None


def join_errors(errors: dict) -> dict:
    """The adapter's errors on the join form's two fields (network name and password)."""
    shown = {}
    for key, message in errors.items():
        field = "ssid" if "ssid" in key or "name" in key else "psk"
        shown[field] = f"{shown[field]} {message}" if field in shown else str(message)
    return shown
