"""ModemSimulator: a GSM modem of a chosen family on a pseudo-terminal, for tests, the demo and
humans. The box talks to it through pyserial as to a real modem; the test drives the other side:
callers ring and give up, customers text, the network confirms delivery, the cable is pulled.

Threads: the pty reader (host bytes -> answers) and the caller thread (rings); one re-entrant
lock guards everything they and the test touch. The command handlers and the network use the
public parts: `settings`, `network`, `store`, `phonebook`, `calls`, `submissions` (what the box
sent), `delivery` (what the network brings), `write` / `emit` (bytes and lines to the host).
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Callable, Optional

from hardware.clock import utc_now

from . import dialects, ringing
from .answers import frame, frame_lines
from .calls import Call, CallRunner
from .delivery import Delivery
from .host_line import HostLine
from .interpreter import Interpreter
from .phonebook import CallBook
from .sms_store import SmsStore
from .state import AtSettings, Network, SentText
from .submissions import Submissions

log = logging.getLogger(__name__)


class ModemSimulator:
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
        self.clock = clock or utc_now
        self._line = HostLine(link_path, self._on_bytes)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self.settings = AtSettings.power_up(self.dialect)
        self.network = Network()
        self.store = SmsStore({"SM": sm_capacity, "ME": me_capacity}, self.dialect.first_index)
        self.phonebook = CallBook(self.dialect.missed_call_list)
        self._powered_at = time.monotonic()
        self.calls = CallRunner(self._changed, partial(ringing.ring_once, self),
                                partial(ringing.caller_gave_up, self))
        self.submissions = Submissions(self._changed)
        self.delivery = Delivery(self)
        self._interpreter = Interpreter(self)

    # --- life cycle ---------------------------------------------------------------------------

    @property
    def port(self) -> str:
        """The symlink the box opens; the same path across unplug/replug."""
        return self._line.port

    def start(self) -> "ModemSimulator":
        """Plug the modem in (creates the pty and the symlink)."""
        with self._lock:
            self._powered_at = time.monotonic()
        self._line.plug()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Hang up every caller, close the pty, join the threads."""
        with self._lock:
            self.calls.cancel_all()
        self.calls.join(timeout)
        self._line.close(timeout)

    def unplug(self) -> None:
        """Pull the cable: the host's reads fail, the symlink disappears, calls are lost."""
        with self._lock:
            self.calls.cancel_all()
            self._interpreter.reset()
        self._line.unplug()

    def replug(self) -> None:
        """Plug back in: a new pty behind the same symlink; the modem powered up afresh."""
        with self._lock:
            self._power_up()
        self._line.replug()

    def reboot(self) -> None:
        """The modem restarts: boot codes, echo back on, every AT setting lost, storage kept."""
        with self._lock:
            self.calls.cancel_all()
            self._power_up()
            for code in self.dialect.boot:
                self.emit(code.format(rssi=self.network.rssi))
        log.info("%s simulator rebooted", self.dialect.name)

    def _power_up(self) -> None:
        """Every AT setting back to its power-on value; storage is kept (call with the lock)."""
        self._interpreter.reset()
        self.settings = AtSettings.power_up(self.dialect)
        self.delivery.power_up()
        self._powered_at = time.monotonic()

    # --- calls --------------------------------------------------------------------------------

    def ring(self, number: str = "+15551234567", number_type: Optional[int] = None,
             validity: int = 0, rings: int = 2, interval: float = 0.05,
             forwarded: bool = False, withheld: bool = False) -> Call:
        """A caller rings `rings` times, `interval` s apart, then gives up (the family's end
        code). Non-blocking; calls queue behind one another. withheld=True is validity 1."""
        call = Call.incoming(number, number_type, validity, rings, interval, forwarded,
                             withheld)
        self.calls.enqueue(call)
        return call

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until no call rings or waits to ring; TimeoutError if that takes too long."""
        return self.calls.wait_idle(timeout)

    @property
    def hangups(self) -> int:
        """Ringing calls the box ended with ATH / AT+CHUP."""
        with self._lock:
            return self.calls.hangups

    @property
    def rejected_calls(self) -> int:       # the SIM800 refuses calls while a prompt is open
        with self._lock:
            return self.calls.rejected

    # --- texts --------------------------------------------------------------------------------

    def receive_text(self, sender: str, text: str, memory: str = "SM", order=None,
                     drop_part: Optional[int] = None, sender_type: Optional[int] = None,
                     notify: bool = True, concat_bits: int = 8,
                     sent_at: Optional[datetime] = None) -> list[str]:
        """A customer texts the box -> the delivered PDUs (hex with SMSC prefix)."""
        with self._lock:
            return self.delivery.receive_text(sender, text, memory, order, drop_part,
                                              sender_type, notify, concat_bits, sent_at)

    def receive_special(self, kind: str, sender: str, memory: str = "SM", **details) -> str:
        """Not a customer's words (special_texts.py: mms, silent, data, voicemail) -> its PDU."""
        with self._lock:
            return self.delivery.receive_special(kind, sender, memory, details)

    def deliver_report(self, reference: int, delivered: bool = True, status: Optional[int] = None,
                       memory: Optional[str] = None, recipient: Optional[str] = None) -> str:
        """The network reports on the text sent with `reference` -> the report PDU."""
        with self._lock:
            return self.delivery.deliver_report(reference, delivered, status, memory, recipient)

    @property
    def sent(self) -> list[SentText]:
        """Every part the box submitted, as the simulated network decoded it."""
        with self._lock:
            return self.submissions.sent()

    def wait_sent(self, count: int, timeout: float = 5.0) -> list[SentText]:
        """Wait until `count` texts (parts) were submitted -> all sent so far."""
        return self.submissions.wait(count, timeout)

    def sent_texts(self) -> list[tuple[str, str]]:
        """(number, whole text) per message, long texts joined from their parts in part order."""
        with self._lock:
            return self.submissions.whole_texts()

    def fail_next_sends(self, n: int = 1, code: int = 500) -> None:
        """The next `n` submissions answer `+CMS ERROR: <code>` (nothing is sent)."""
        with self._lock:
            self.submissions.fail_next(n, code)

    def swallow_next_send(self, n: int = 1) -> None:
        """The next `n` submissions go out but get no answer at all."""
        with self._lock:
            self.submissions.swallow_next(n)

    @property
    def rejected_pdus(self) -> list[tuple[str, str]]:
        """(pdu, reason) for every submission answered +CMS ERROR: 304."""
        with self._lock:
            return self.submissions.rejected()

    @property
    def storage(self) -> dict[str, dict[int, str]]:
        with self._lock:
            return self.store.snapshot()

    @property
    def waiting(self) -> list[tuple[str, str]]:
        """(memory, pdu) the network holds back until the full memory has room."""
        with self._lock:
            return [(w.memory, w.record.pdu) for w in self.store.waiting]

    @property
    def unacknowledged(self) -> int:
        """Direct texts (+CMT) still waiting for AT+CNMA (only counted after AT+CSMS=1)."""
        with self._lock:
            return self.delivery.awaiting_ack

    def store_unreadable(self, memory: str = "SM", notify: bool = True) -> int:
        """A broken entry (real SIMs: `+CMGR: 0,,0`, no PDU) -> its index; +CMTI if `notify`."""
        with self._lock:
            return self.delivery.store_unreadable(memory, notify)

    def wipe_service_centre(self) -> None:
        """The SIM's SMS centre is gone: sends answer +CMS ERROR: 330 until AT+CSCA sets it."""
        with self._lock:
            self.service_centre = ""

    # --- raw line -----------------------------------------------------------------------------

    def inject(self, raw: bytes) -> None:
        """Write raw bytes to the host now (junk, a URC, half a line ...)."""
        self.write(bytes(raw))

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
        """("in", bytes from the host) and ("out", bytes to the host), the latest in order."""
        with self._lock:               # a write in progress has noted its bytes
            return self._line.transcript()

    @property
    def timed_transcript(self) -> list[tuple[float, str, bytes]]:
        """(time.monotonic() when read from / about to be written to the host, direction, bytes)."""
        with self._lock:
            return self._line.timed_transcript()

    def _on_bytes(self, data: bytes) -> None:
        at = time.monotonic()              # before the lock: the moment the bytes arrived
        with self._lock:
            self._line.received(at, data)
            self._interpreter.feed(data)

    def busy(self) -> bool:
        """Still starting after power-on (profiles with busy_seconds): commands say "wait"."""
        return time.monotonic() - self._powered_at < self.busy_seconds

    def frame(self, text: str, tail: Optional[str] = None) -> bytes:
        """One line as this module frames it."""
        return frame(text, tail or self.dialect.line_end, self.dialect.indent)

    def frame_lines(self, lines: list[str]) -> bytes:
        return frame_lines(lines, self.dialect.line_end, self.dialect.indent)

    @property
    def plugged(self) -> bool:
        """The cable is in: the host can open the port."""
        return self._line.plugged

    @property
    def prompt_open(self) -> bool:
        """An AT+CMGS `> ` prompt waits for the text (SIM800 refuses calls meanwhile)."""
        with self._lock:
            return self._interpreter.sending is not None

    def emit(self, text: str, tail: Optional[str] = None) -> None:
        """One line (an unsolicited code) to the host, framed as this module frames it."""
        self.write(self.frame(text, tail))

    def write(self, data: bytes) -> None:
        """Bytes to the host now (dropped while unplugged)."""
        with self._lock:
            self._line.write(data)
