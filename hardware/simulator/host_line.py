"""The simulator's end of the serial line: the pseudo-terminal behind a stable path
(hardware/simulator/pty_link.py), made in a temporary folder when the test gives no path, and
the transcript of every byte that crossed it.

The transcript is bounded (the demo runs on the simulator for days). Each chunk carries
time.monotonic() when it was read from the host or was about to be written to it: the
benchmarks (scripts/bench.py) measure from these stamps.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections import deque
from pathlib import Path
from typing import Callable, Optional

from .pty_link import PtyLink

log = logging.getLogger(__name__)

TRANSCRIPT_LIMIT = 20000       # chunks kept


class HostLine:
    """Plug, unplug, write to the host, and remember what crossed. `on_bytes(data)` runs on the
    pty's reader thread for every chunk the host writes."""

    def __init__(self, link_path: Optional[Path], on_bytes: Callable[[bytes], None]):
        self._link_path = Path(link_path) if link_path else None
        self._on_bytes = on_bytes
        self._temp_dir: Optional[str] = None
        self._link: Optional[PtyLink] = None
        self._lock = threading.Lock()
        self._chunks: deque[tuple[float, str, bytes]] = deque(maxlen=TRANSCRIPT_LIMIT)

    @property
    def port(self) -> str:
        """The symlink the box opens; the same path across unplug/replug."""
        if self._link_path is None:
            raise RuntimeError("start() the simulator first")
        return str(self._link_path)

    @property
    def plugged(self) -> bool:
        return self._link is not None and self._link.plugged

    def plug(self) -> None:
        """Plug in (the first time: make the pty link, in a temporary folder if no path)."""
        if self._link_path is None:
            self._temp_dir = tempfile.mkdtemp(prefix="modem-sim-")
            self._link_path = Path(self._temp_dir) / "modem"
        if self._link is None:
            self._link = PtyLink(self._link_path, self._on_bytes)
        self._link.plug()

    def replug(self) -> None:
        self._started().plug()

    def unplug(self, timeout: float = 2.0) -> None:
        self._started().unplug(timeout)

    def close(self, timeout: float = 2.0) -> None:
        """Unplug for good and remove the temporary folder, if one was made."""
        if self._link is not None:
            self._link.unplug(timeout)
        if self._temp_dir:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir, self._link_path = None, None

    def _started(self) -> PtyLink:
        if self._link is None:
            raise RuntimeError("start() the simulator first")
        return self._link

    def write(self, data: bytes) -> None:
        """Bytes to the host (dropped while unplugged), noted in the transcript."""
        at = time.monotonic()
        if data and self._link is not None and self._link.write(data):
            self._note(at, "out", data)
            log.debug("modem -> host %r", data)

    def received(self, at: float, data: bytes) -> None:
        """Note bytes the host wrote at `at` (time.monotonic())."""
        self._note(at, "in", data)
        log.debug("host -> modem %r", data)

    def _note(self, at: float, direction: str, data: bytes) -> None:
        with self._lock:
            self._chunks.append((at, direction, data))

    def transcript(self) -> list[tuple[str, bytes]]:
        """(direction, bytes), oldest first."""
        with self._lock:
            return [(direction, data) for _, direction, data in self._chunks]

    def timed_transcript(self) -> list[tuple[float, str, bytes]]:
        """(time.monotonic(), direction, bytes), oldest first."""
        with self._lock:
            return list(self._chunks)
