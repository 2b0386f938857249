"""ModemSimulator: a GSM modem of a chosen family on a pseudo-terminal, for tests, the demo and
humans. The box talks to it through pyserial exactly as to a real modem; the test drives the
other side: callers ring and give up, customers text, the network confirms delivery, the modem
reboots, the cable is pulled.

Threads: the pty reader (host bytes -> answers) and the caller thread (rings). Everything they
and the test's calls touch is guarded by one re-entrant lock.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections import deque
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Callable, Optional

from . import dialects, ringing
from .answers import frame, frame_lines
from .calls import Call, CallRunner
from .interpreter import Interpreter
from .phonebook import CallBook
from .pty_link import PtyLink
from .sms_store import SmsStore
from .state import AtSettings, Network, SentText
from .texts_side import TextsSide

log = logging.getLogger(__name__)

TRANSCRIPT_LIMIT = 20000


class ModemSimulator(TextsSide):
    """A simulated modem. See hardware/simulator/__init__.py for the whole public API."""

    def __init__(self, dialect: str = "sim800", link_path: Optional[Path] = None,
                 own_number: str = "+15550000000", *, sm_capacity: int = 10,
                 me_capacity: int = 10, smsc: str = "+15550009999",
                 clock: Optional[Callable[[], datetime]] = None,
                 busy_seconds: Optional[float] = None):
        self.dialect = dialects.get(dialect)
        # how long this module stays busy after power-on (tests shorten the profile's 10 s)
        self.busy_seconds = self.dialect.busy_seconds if busy_seconds is None else busy_seconds
        self.own_number = own_number
        self.smsc = smsc                   # the network's centre (in the PDUs delivered)
        self.service_centre = smsc         # the SIM's setting (AT+CSCA), needed to send
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self._link_path = Path(link_path) if link_path else None
        self._temp_dir: Optional[str] = None
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self.settings = AtSettings.power_up(self.dialect)
        self.network = Network()
        self.store = SmsStore({"SM": sm_capacity, "ME": me_capacity}, self.dialect.first_index)
        self.phonebook = CallBook(self.dialect.missed_call_list)
        self._powered_at = time.monotonic()
        self.calls = CallRunner(self._changed, partial(ringing.ring_once, self),
                                partial(ringing.caller_gave_up, self))
        self._interpreter = Interpreter(self)
        self._link: Optional[PtyLink] = None
        self._sent: list[SentText] = []
        # Bounded: the demo runs on the simulator for days. Each chunk carries the monotonic
        # time it was written or read, for benchmarks (scripts/bench.py).
        self._transcript: deque[tuple[float, str, bytes]] = deque(maxlen=TRANSCRIPT_LIMIT)
        self._rejected_pdus: list[tuple[str, str]] = []
        self._reference = -1
        self._concat_reference = 0
        self._fail_sends, self._fail_code, self._swallow = 0, 500, 0
        self._awaiting_ack = 0
        self._hangups = 0
        self._rejected_calls = 0

    # --- life cycle ---------------------------------------------------------------------------

    @property
    def port(self) -> str:
        """The symlink the box opens; the same path across unplug/replug."""
        if self._link_path is None:
            raise RuntimeError("start() the simulator first")
        return str(self._link_path)

    def start(self) -> "ModemSimulator":
        """Plug the modem in (creates the pty and the symlink)."""
        if self._link_path is None:
            self._temp_dir = tempfile.mkdtemp(prefix="modem-sim-")
            self._link_path = Path(self._temp_dir) / "modem"
        if self._link is None:
            self._link = PtyLink(self._link_path, self._on_bytes)
        with self._lock:
            self._powered_at = time.monotonic()
        self._link.plug()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Hang up every caller, close the pty, join the threads."""
        with self._lock:
            self.calls.cancel_all()
        self.calls.join(timeout)
        if self._link is not None:
            self._link.unplug(timeout)
        if self._temp_dir:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir, self._link_path = None, None

    def unplug(self) -> None:
        """Pull the cable: the host's reads fail, the symlink disappears, calls are lost."""
        link = self._started_link()
        with self._lock:
            self.calls.cancel_all()
            self._interpreter.reset()
        link.unplug()

    def replug(self) -> None:
        """Plug back in: a new pty behind the same symlink; the modem powered up afresh."""
        link = self._started_link()
        with self._lock:
            self.settings = AtSettings.power_up(self.dialect)
            self._interpreter.reset()
            self._awaiting_ack = 0
            self._powered_at = time.monotonic()
        link.plug()

    def _started_link(self) -> PtyLink:
        if self._link is None:
            raise RuntimeError("start() the simulator first")
        return self._link

    def reboot(self) -> None:
        """The modem restarts: boot codes, echo back on, every AT setting lost, storage kept."""
        with self._lock:
            self.calls.cancel_all()
            self._interpreter.reset()
            self.settings = AtSettings.power_up(self.dialect)
            self._awaiting_ack = 0
            self._powered_at = time.monotonic()
            for code in self.dialect.boot:
                self._emit(code.format(rssi=self.network.rssi))
        log.info("%s simulator rebooted", self.dialect.name)

    # --- calls --------------------------------------------------------------------------------

    def ring(self, number: str = "+15551234567", number_type: Optional[int] = None,
             validity: int = 0, rings: int = 2, interval: float = 0.05,
             forwarded: bool = False, withheld: bool = False) -> Call:
        """A caller rings `rings` times, `interval` s apart, then gives up (the family's end
        code). Non-blocking; calls queue behind one another. withheld=True is validity 1."""
        if withheld:
            validity = validity or 1
        if number_type is None:
            number_type = 128 if validity else (145 if number.startswith("+") else 129)
        call = Call(number, number_type, validity, rings, interval, forwarded)
        self.calls.enqueue(call)
        return call

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until no call rings or waits to ring; TimeoutError if that takes too long."""
        with self._changed:
            if not self._changed.wait_for(self.calls.idle, timeout):
                raise TimeoutError(f"a simulated call still rings after {timeout}s")
        return True

    @property
    def hangups(self) -> int:
        """Ringing calls the box ended with ATH / AT+CHUP."""
        with self._lock:
            return self._hangups

    @property
    def rejected_calls(self) -> int:
        """Calls the SIM800 refused because an AT+CMGS prompt was open."""
        with self._lock:
            return self._rejected_calls

    # --- raw line -----------------------------------------------------------------------------

    def inject(self, raw: bytes) -> None:
        """Write raw bytes to the host now (junk, a URC, half a line ...)."""
        with self._lock:
            self._write(bytes(raw))

    def inject_during_next(self, command_prefix: str, raw: bytes) -> None:
        """Write `raw` between the information lines and the final code of the next command
        starting with `command_prefix` (for AT+CMGS: between `+CMGS: <mr>` and OK)."""
        with self._lock:
            self._interpreter.inject_during_next(command_prefix, bytes(raw))

    def refuse(self, command: str, final: Optional[str] = "ERROR") -> None:
        """From now on answer `command` (e.g. "+CMGF", "+CSSN") with `final` and nothing else;
        final=None: say nothing at all, as some firmware does."""
        with self._lock:
            self._interpreter.refusals[command.upper()] = final

    def stop_refusing(self) -> None:
        with self._lock:
            self._interpreter.refusals.clear()

    def set_network(self, **changes) -> None:
        """Change SIM/network conditions: pin ("READY"|"SIM PIN"|"absent"), pin_code,
        registration (1 home, 5 roaming, 2 searching, 3 denied), rssi, operator."""
        with self._lock:
            for name, value in changes.items():
                if not hasattr(self.network, name):
                    raise ValueError(f"unknown network condition {name!r}")
                setattr(self.network, name, value)

    @property
    def transcript(self) -> list[tuple[str, bytes]]:
        """("in", bytes from the host) and ("out", bytes to the host), in order (the most
        recent TRANSCRIPT_LIMIT chunks)."""
        with self._lock:
            return [(direction, data) for _, direction, data in self._transcript]

    @property
    def timed_transcript(self) -> list[tuple[float, str, bytes]]:
        """(time.monotonic() when read from / about to be written to the host, direction, bytes)."""
        with self._lock:
            return list(self._transcript)

    def _on_bytes(self, data: bytes) -> None:
        at = time.monotonic()              # before the lock: the moment the bytes arrived
        with self._lock:
            self._transcript.append((at, "in", data))
            log.debug("host -> modem %r", data)
            self._interpreter.feed(data)

    def busy(self) -> bool:
        """Still starting after power-on (profiles with busy_seconds): commands say "wait"."""
        return time.monotonic() - self._powered_at < self.busy_seconds

    def frame(self, text: str, tail: Optional[str] = None) -> bytes:
        """One line as this module frames it."""
        return frame(text, tail or self.dialect.line_end, self.dialect.indent)

    def frame_lines(self, lines: list[str]) -> bytes:
        return frame_lines(lines, self.dialect.line_end, self.dialect.indent)

    def _emit(self, text: str, tail: Optional[str] = None) -> None:
        self._write(self.frame(text, tail))

    def _write(self, data: bytes) -> None:
        at = time.monotonic()
        if data and self._link is not None and self._link.write(data):
            self._transcript.append((at, "out", data))
            log.debug("modem -> host %r", data)
