"""The simulator's "USB cable": a pseudo-terminal whose slave side is reached through a stable
symlink (like a udev name such as /dev/ttyModem), with a reader thread on the master side.

unplug() closes the master (the program on the slave side sees read/write errors) and removes
the symlink, as the kernel removes a vanished device; plug() opens a fresh pty and points the
symlink at it atomically.
"""
from __future__ import annotations

import logging
import os
import select
import threading
import time
import tty
from pathlib import Path
from typing import Callable, Optional

log = logging.getLogger(__name__)

POLL_SECONDS = 0.05
WRITE_TIMEOUT = 1.0


class PtyLink:
    """One pty at a time behind `link_path`; `on_data(bytes)` runs on the reader thread."""

    def __init__(self, link_path: Path, on_data: Callable[[bytes], None]):
        self.link_path = Path(link_path)
        self._on_data = on_data
        self._write_lock = threading.Lock()
        self._master: Optional[int] = None
        self._slave: Optional[int] = None
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._stalled = False

    @property
    def plugged(self) -> bool:
        return self._master is not None

    @property
    def slave_name(self) -> Optional[str]:
        return os.ttyname(self._slave) if self._slave is not None else None

    def plug(self) -> None:
        """Open a new pty, point the symlink at its slave, start reading."""
        if self.plugged:
            return
        master, slave = os.openpty()
        # Raw mode from the start: no echo of what we write back to us, no CR/LF translation,
        # even before the host opens the port. Holding the slave open keeps the pty (and these
        # settings) alive while the host closes and reopens the port.
        tty.setraw(slave)
        os.set_blocking(master, False)
        self._master, self._slave, self._stalled = master, slave, False
        self._point_link(os.ttyname(slave))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read_loop, args=(master, self._stop),
                                        name=f"modem-sim-pty-{os.path.basename(os.ttyname(slave))}",
                                        daemon=True)
        self._thread.start()
        log.info("modem simulator plugged in at %s -> %s", self.link_path, os.ttyname(slave))

    def unplug(self, timeout: float = 2.0) -> None:
        """Close the pty: the host's reads and writes fail from now on; the symlink goes."""
        thread = self._thread
        self._stop.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                log.error("pty reader did not stop within %.1fs", timeout)
        with self._write_lock:
            for fd in (self._master, self._slave):
                if fd is not None:
                    os.close(fd)
            self._master = self._slave = None
            self._thread = None
        try:
            self.link_path.unlink()
        except FileNotFoundError:
            pass
        log.info("modem simulator unplugged from %s", self.link_path)

    def write(self, data: bytes) -> bool:
        """Write everything or give up after WRITE_TIMEOUT (a UART does not wait for a host
        that stopped reading either). Once a write timed out, later writes do not wait at all
        until one goes through whole, so a host that stopped reading cannot stall the
        simulator. False when unplugged or bytes were dropped."""
        with self._write_lock:
            fd = self._master
            if fd is None:
                return False
            timeout = 0.0 if self._stalled else WRITE_TIMEOUT
            view, deadline = memoryview(data), time.monotonic() + timeout
            while view:
                try:
                    view = view[os.write(fd, view):]
                    continue
                except BlockingIOError:
                    pass
                except OSError as exc:
                    log.warning("pty write failed: %s", exc)
                    return False
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    if not self._stalled:
                        log.warning("host not reading: dropping modem output")
                    self._stalled = True
                    return False
                select.select([], [fd], [], min(remaining, POLL_SECONDS))
            self._stalled = False
            return True

    def _point_link(self, target: str) -> None:
        self.link_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.link_path.with_name(f".{self.link_path.name}.{os.getpid()}.tmp")
        try:
            temporary.unlink()
        except FileNotFoundError:
            pass
        os.symlink(target, temporary)
        os.replace(temporary, self.link_path)

    def _read_loop(self, master: int, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                ready, _, _ = select.select([master], [], [], POLL_SECONDS)
                if not ready:
                    continue
                data = os.read(master, 4096)
            except BlockingIOError:
                continue
            except OSError as exc:
                # EIO: no process holds the slave open. We hold it, so this is unexpected;
                # wait a moment rather than spin.
                log.debug("pty read: %s", exc)
                stop.wait(POLL_SECONDS)
                continue
            if not data:
                stop.wait(POLL_SECONDS)
                continue
            try:
                self._on_data(data)
            except Exception:  # thread boundary: one bad command must not kill the modem
                log.exception("modem simulator failed handling %r", data)
