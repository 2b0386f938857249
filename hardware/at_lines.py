"""Sorting what the modem says: bytes into lines, lines into answers or unsolicited events.

Used by the AT channel's reader thread (hardware/at_channel.py); no I/O here, so the rules can be
read in one place:
- lines end on CR or LF, any mix (`\\r\\r\\n`, a missing leading `\\r`), or on the Ctrl-Z/ESC
  that ends an echoed PDU; bytes are decoded with errors replaced and control junk is trimmed
  off both ends, never fatal;
- `> ` (no line end) is the AT+CMGS prompt, recognised only while a send waits for it;
- a line ending with the command in flight (or equal to the last bytes written) is its echo;
- final answers: OK, ERROR, +CME ERROR, +CMS ERROR, BUSY, NO ANSWER, NO DIALTONE,
  COMMAND NOT SUPPORT, and NO CARRIER only while ATD/ATA is in flight (else it is a call end);
- a code that is both an event and the normal answer of a command (+CLCC, +CPIN, +CFUN, +CREG)
  is the answer while that command is in flight, else an event;
- any other known unsolicited code (hardware/urc.py) is an event whatever command is in flight;
  `+CMT: ,<len>` / `+CDS: <len>` take the next line as their PDU;
- everything else belongs to the answer in flight, or is logged and dropped when none is.
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Optional

from hardware import urc

log = logging.getLogger(__name__)

FINAL_ERRORS = ("ERROR", "+CME ERROR", "+CMS ERROR", "BUSY", "NO ANSWER", "NO DIALTONE",
                "COMMAND NOT SUPPORT", "TOO MANY PARAMETERS")
_EOL = re.compile(rb"[\r\n\x1a\x1b]")   # Ctrl-Z/ESC end the echo of a PDU
_JUNK_EDGES = "".join(chr(c) for c in range(32)) + " \ufffd\x7f"
MAX_PARTIAL = 4096


@dataclass
class Response:
    """The answer to one command: its information lines and the final result code."""
    command: str
    lines: list[str]
    final: str

    @property
    def ok(self) -> bool:
        return self.final == "OK"

    @property
    def error_code(self) -> Optional[int]:
        """The number of a `+CME ERROR: <n>` / `+CMS ERROR: <n>`, else None."""
        match = re.match(r"^\+CM[ES] ERROR:\s*(\d+)", self.final)
        return int(match.group(1)) if match else None

    def values(self, prefix: str) -> list[str]:
        """What follows `prefix` on each line that starts with it."""
        return [line[len(prefix):].strip() for line in self.lines if line.startswith(prefix)]

    def value(self, prefix: str) -> Optional[str]:
        found = self.values(prefix)
        return found[0] if found else None


@dataclass
class Exchange:
    """One command in flight: what came back so far. `changed` fires on prompt/final/loss."""
    command: str
    want_prompt: bool = False
    lines: list[str] = field(default_factory=list)
    final: Optional[str] = None
    prompt: bool = False
    lost: Optional[str] = None
    changed: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def answer_prefix(self) -> Optional[str]:
        match = re.match(r"^AT([+^*$%][A-Z0-9]+)", self.command.upper())
        return match.group(1) + ":" if match else None

    @property
    def dialling(self) -> bool:
        return self.command.upper().startswith(("ATD", "ATA", "ATO"))

    def finish(self, final: Optional[str] = None, lost: Optional[str] = None) -> None:
        self.final, self.lost = final, lost
        self.done.set()
        self.changed.set()

    def response(self) -> Response:
        return Response(self.command, list(self.lines), self.final or "")


def clean_line(raw: bytes) -> str:
    """Bytes of one line as text: undecodable bytes replaced, control junk trimmed off the ends."""
    return raw.decode("utf-8", errors="replace").strip(_JUNK_EDGES)


def is_final(line: str, dialling: bool) -> bool:
    if line == "OK" or line.startswith(FINAL_ERRORS):
        return True
    return dialling and line == "NO CARRIER"


class LineSorter:
    """Feeds on received bytes; completes the exchange in flight and emits unsolicited events.

    `current()` returns the exchange in flight (or None), `emit(event)` takes each domain event,
    `clock()` stamps them, `last_written()` is what was last sent (to spot echoes)."""

    def __init__(self, current: Callable[[], Optional[Exchange]], emit: Callable[[object], None],
                 clock: Callable[[], datetime], last_written: Callable[[], str]):
        self.current, self.emit, self.clock, self.last_written = current, emit, clock, last_written
        self._buffer = b""
        self._two_line: Optional[str] = None   # "CMT"/"CDS": the next line is a PDU

    def feed(self, data: bytes) -> None:
        """Take received bytes: complete lines are handled, a `> ` prompt is recognised."""
        self._buffer += data
        *lines, self._buffer = _EOL.split(self._buffer)
        for raw in lines:
            line = clean_line(raw)
            if line:
                self._line(line)
        exchange = self._active()
        if exchange and exchange.want_prompt and not exchange.prompt and b">" in self._buffer:
            self._buffer = self._buffer.split(b">", 1)[1].lstrip(b" ")
            exchange.prompt = True
            exchange.changed.set()
        elif len(self._buffer) > MAX_PARTIAL:
            log.warning("dropping %d bytes without a line end", len(self._buffer))
            self._buffer = b""

    def _active(self) -> Optional[Exchange]:
        exchange = self.current()
        return exchange if exchange is not None and not exchange.done.is_set() else None

    def _line(self, line: str) -> None:
        now = self.clock()
        if self._two_line:
            kind, self._two_line = self._two_line, None
            event = urc.two_line_event(kind, line, now)
            if event is not None:
                self.emit(event)
                return
        exchange = self._active()
        if exchange and self._answers(exchange, line, now):
            return
        kind = urc.two_line_start(line)
        if kind:
            self._two_line = kind
            return
        event = urc.parse(line, now)
        if event is urc.IGNORED:
            log.debug("modem (ignored): %s", line)
        elif event is not None:
            self.emit(event)
        elif exchange:
            exchange.lines.append(line)
        else:
            log.debug("modem (unsolicited, unknown): %s", line)

    def _answers(self, exchange: Exchange, line: str, now: datetime) -> bool:
        """Take `line` as part of the answer in flight (echo, final code, or an ambiguous code
        such as +CPIN: READY that this very command asked for). False: look further."""
        upper = line.upper()
        if upper.endswith(exchange.command.upper()) or upper == self.last_written().upper():
            return True                       # echo (ATE1 after power-up or reboot), maybe
                                              # glued to junk that had no line end
        if is_final(line, exchange.dialling):
            exchange.finish(final=line)
            return True
        prefix = exchange.answer_prefix
        if prefix and line.startswith(prefix):
            event = urc.parse(line, now)
            if event is None or event is urc.IGNORED or line.startswith(urc.AMBIGUOUS_PREFIXES):
                exchange.lines.append(line)
                return True
        return False
