"""Talking to systemd without a dependency: readiness, watchdog pings and a status line.

systemd's notify protocol is one datagram on the AF_UNIX socket named in $NOTIFY_SOCKET
(a path, or '@name' for the abstract namespace). Without NOTIFY_SOCKET (a laptop, the demo,
tests) every function here does nothing and returns False. Nothing here raises: a daemon must
never stop because systemd could not be told something.
"""
from __future__ import annotations

import logging
import os
import socket
from typing import Optional

log = logging.getLogger(__name__)

SEND_TIMEOUT = 1.0


def _address(value: str):
    """The socket address for NOTIFY_SOCKET, or None when it is not an AF_UNIX one we know."""
    if value.startswith("@"):
        return "\0" + value[1:]       # abstract namespace
    if value.startswith("/"):
        return value
    return None                       # e.g. vsock:... (VMs): not for this box


def notify(state: str) -> bool:
    """Send one notify message (e.g. "READY=1"). True when it was handed to systemd."""
    value = os.environ.get("NOTIFY_SOCKET")
    if not value:
        return False
    address = _address(value)
    if address is None:
        log.debug("NOTIFY_SOCKET %r is not an AF_UNIX socket; not notifying", value)
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:   # not inherited (PEP 446)
            sock.settimeout(SEND_TIMEOUT)
            sock.sendto(state.encode("utf-8", errors="replace"), address)
        return True
    except OSError as error:
        log.warning("could not notify systemd (%s): %s", state.split("=", 1)[0], error)
        return False


def notify_ready() -> bool:
    """The daemon is up (Type=notify units are 'started' only after this)."""
    return notify("READY=1")


def notify_watchdog() -> bool:
    """Still alive: systemd restarts the service when these stop for WatchdogSec."""
    return notify("WATCHDOG=1")


def notify_status(text: str) -> bool:
    """One line shown by `systemctl status textback`."""
    return notify("STATUS=" + " ".join(text.split()))


def notify_stopping() -> bool:
    return notify("STOPPING=1")


def watchdog_timeout() -> Optional[float]:
    """WatchdogSec in seconds when systemd expects pings from this process, else None."""
    usec = os.environ.get("WATCHDOG_USEC")
    pid = os.environ.get("WATCHDOG_PID")
    if not usec or (pid and pid.strip() != str(os.getpid())):
        return None
    try:
        seconds = int(usec) / 1_000_000
    except ValueError:
        return None
    return seconds if seconds > 0 else None


def watchdog_interval() -> Optional[float]:
    """How often to ping: half of WatchdogSec (systemd's advice), or None without a watchdog."""
    timeout = watchdog_timeout()
    return timeout / 2 if timeout else None
