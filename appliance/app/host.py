"""The machine the box runs on: can `run` start here (port, data folder, address), the box's
addresses on the shop network, NetworkManager when there is one, and the modem probe.
"""
from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Callable, Optional

log = logging.getLogger(__name__)


def preflight(data_dir: Path, port: Optional[str], baud: int,
              listen: Optional[str] = None) -> Optional[str]:
    """Why `run` cannot start, in one line, or None. Once running, nothing makes it exit."""
    problem = _listen_problem(listen) if listen else None
    if problem:
        return problem
    try:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        probe = Path(data_dir) / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as error:
        return f"data folder {data_dir} is not writable: {error.strerror}"
    if port is None:
        return None
    import serial
    try:
        serial.serial_for_url(port, baud, timeout=1, exclusive=True).close()
    except (serial.SerialException, OSError, ValueError) as error:
        return f"cannot open modem port {port}: {error}"
    return None


def _listen_problem(listen: str) -> Optional[str]:
    host, _, port = listen.rpartition(":")
    if not port.isdigit():
        return f"--listen {listen}: give HOST:PORT, e.g. 0.0.0.0:80"
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host or "0.0.0.0", int(port)))
    except OSError as error:
        return f"cannot serve the page on {listen}: {error.strerror}"
    finally:
        probe.close()
    return None


def default_wifi():
    """NetworkManager control when nmcli is installed (on the Pi), else None."""
    import shutil
    if not shutil.which("nmcli"):
        log.info("no nmcli: Wi-Fi is managed by the operating system here")
        return None
    from hardware.wifi import Wifi
    return Wifi()


def run_probe(port: str, baud: int, transcript: Optional[Path],
              call_wait: Optional[float] = None) -> str:
    from hardware import probe
    return probe.format_report(probe.probe(port, baud=baud, transcript_path=transcript,
                                           call_wait=call_wait))


def page_addresses(find: Callable[[], list], listen: Optional[str]) -> list:
    """Where a phone opens the page: the box's addresses with the port when it isn't 80 (the
    demo's 8080), or just localhost when the page listens only there."""
    host, _, port = (listen or "").rpartition(":")
    suffix = f":{port}" if port and port != "80" else ""
    if host.startswith("127.") or host == "localhost":
        return [f"localhost{suffix}"]
    return [address + suffix for address in find()]


def addresses() -> list:
    """The box's IPv4 addresses on the shop network, for the page and the owner's status text."""
    import fcntl
    import struct
    found = ["textback.local"]
    for _, name in socket.if_nameindex():
        if name == "lo":
            continue
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            # SIOCGIFADDR: ask the kernel for the interface's address; nothing is sent.
            packed = fcntl.ioctl(probe.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))
            found.append(socket.inet_ntoa(packed[20:24]))
        except OSError:
            pass  # interface without an IPv4 address
        finally:
            probe.close()
    return found
