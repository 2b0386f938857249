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
- a line shaped like a code (`+XYZ: ...`) whose name is not the command's own, arriving while a
  command with such a name is in flight, is an unknown unsolicited code, not part of its answer
  (so a vendor's stray code can never sit between `+CMGR:` and its PDU);
- everything else belongs to the answer in flight; with none in flight it is an unknown line,
  reported (UnknownLineSeen) so an installer can send it in.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Optional

from appliance.core.domain import UnknownLineSeen
from hardware import urc

log = logging.getLogger(__name__)

FINAL_ERRORS = ("ERROR", "+CME ERROR", "+CMS ERROR", "BUSY", "NO ANSWER", "NO DIALTONE",
                "COMMAND NOT SUPPORT", "TOO MANY PARAMETERS")
# A final code is the whole line, or the code and its detail after ':' (+CME ERROR: 10,
# ERROR: 5); a model called "BUSY-BOOT" or "ERROR-FREE" is an information line.
_FINAL = re.compile(r"^(?:OK|" + "|".join(re.escape(code) for code in FINAL_ERRORS) +
                    r")(?:\s*:.*)?$")
_EOL = re.compile(rb"[\r\n\x1a\x1b]")   # Ctrl-Z/ESC end the echo of a PDU
_JUNK_EDGES = "".join(chr(c) for c in range(32)) + " \ufffd\x7f"
_CODE_NAME = re.compile(r"^([+^*#$%!][A-Za-z][A-Za-z0-9_]*):")
MAX_PARTIAL = 4096
MAX_LINE = 1024              # longer lines are cut (and reported); no answer line is this long


@dataclass
class Response:
    """The answer to one command: its information lines and the final result code.
    `missing_final`: the modem sent information but no final code; it was taken as OK after a
    quiet spell (old firmware does this)."""
    command: str
    lines: list[str]
    final: str
    missing_final: bool = False

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
    missing_final: bool = False
    last_line_at: float = 0.0          # time.monotonic() of the last information line
    changed: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def answer_prefix(self) -> Optional[str]:
        match = re.match(r"^AT([+^*$%][A-Z0-9]+)", self.command.upper())
        return match.group(1) + ":" if match else None

    def owns(self, line: str) -> bool:
        """False for a line shaped like another command's code (`+XYZ:` during AT+CLCC)."""
        prefix = self.answer_prefix
        match = _CODE_NAME.match(line)
        if prefix is None or match is None:
            return True
        return _base(match.group(1)) == _base(prefix[:-1])

    @property
    def dialling(self) -> bool:
        return self.command.upper().startswith(("ATD", "ATA", "ATO"))

    def finish(self, final: Optional[str] = None, lost: Optional[str] = None) -> None:
        self.final, self.lost = final, lost
        self.done.set()
        self.changed.set()

    def response(self) -> Response:
        return Response(self.command, list(self.lines), self.final or "", self.missing_final)

    def add_line(self, line: str) -> None:
        self.lines.append(line)
        self.last_line_at = time.monotonic()


def _base(name: str) -> str:
    """`+CGMR` and `+GMR` name the same answer (some modules answer AT+GMR with +CGMR:)."""
    name = name.upper()[1:]
    return name[1:] if name.startswith("C") and len(name) > 2 else name


def clean_line(raw: bytes) -> str:
    """Bytes of one line as text: undecodable bytes replaced, control junk trimmed off the ends."""
    return raw.decode("utf-8", errors="replace").strip(_JUNK_EDGES)


def is_final(line: str, dialling: bool) -> bool:
    if _FINAL.match(line):
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
            if len(line) > MAX_LINE:
                log.warning("modem line of %d characters cut to %d", len(line), MAX_LINE)
                line = line[:MAX_LINE]
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
        elif exchange and exchange.owns(line):
            exchange.add_line(line)
        elif self._stray_answer(line):
            log.debug("modem (late answer or echo, no command waiting): %s", line)
        else:
            self.emit(UnknownLineSeen(at=now, kind=urc.kind_of(line), line=line))

    def _stray_answer(self, line: str) -> bool:
        """A final code or an echo after its command gave up waiting: not worth reporting."""
        upper = line.upper()
        return is_final(line, False) or upper.startswith("AT") or \
            upper == self.last_written().upper()

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
                exchange.add_line(line)
                return True
        return False
