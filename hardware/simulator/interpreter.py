"""The simulated modem's ear: bytes from the host become command lines (echoed while echo is
on), commands are dispatched to handlers, answers are framed and written. Also the `> ` prompt
state of AT+CMGS (Ctrl-Z submits, ESC cancels), the test hook that drops bytes between a
command's information lines and its final code, a modem still busy after power-on (+CME ERROR:
515, SIM busy) and one that leaves out the final code of some information answers.

Runs on the pty reader thread with the simulator's lock held.
"""
from __future__ import annotations

import logging
from typing import Optional

from . import commands, network_services, phonebook, sms_commands
from .answers import Answer, Command, PendingSend, split_line

log = logging.getLogger(__name__)

CTRL_Z, ESC = 0x1A, 0x1B
MAX_LINE = 556                # SIM800's command line limit
MAX_SEND = 2 * 176 + 16       # a 176-octet PDU in hex, plus slack for stray CR/LF
HANDLERS = {**commands.HANDLERS, **sms_commands.HANDLERS, **phonebook.HANDLERS,
            **network_services.HANDLERS}
ANSWERED_WHILE_BUSY = ("", "E", "V", "Q", "I", "+CMEE")


class Interpreter:
    """Turns host bytes into answers for one simulator (`sim`)."""

    def __init__(self, sim):
        self.sim = sim
        self.sending: Optional[PendingSend] = None
        self._line = bytearray()
        self._injections: list[tuple[str, bytes]] = []
        self.refusals: dict[str, Optional[str]] = {}     # command name -> final (None: silence)

    def reset(self) -> None:
        """Forget a half-typed line and an open prompt (restart, unplug)."""
        self._line.clear()
        self.sending = None

    def inject_during_next(self, prefix: str, raw: bytes) -> None:
        """Write `raw` inside the answer of the next command starting with `prefix`."""
        prefix = prefix.upper()
        self._injections.append((prefix if prefix.startswith("AT") else "AT" + prefix, raw))

    def feed(self, data: bytes) -> None:
        echo = bytearray()
        for byte in data:
            if self.sending is not None:
                self._feed_prompt(byte, echo)
                continue
            if byte == ESC:
                continue        # in command mode an ESC cancels nothing and is discarded
            if self.sim.settings.echo:
                echo.append(byte)
            if byte == 0x0D:
                self._flush(echo)
                line, self._line = bytes(self._line), bytearray()
                self._execute(line.decode("latin-1"))
            elif byte in (0x08, 0x7F):
                if self._line:
                    self._line.pop()
            elif byte != 0x0A and len(self._line) < MAX_LINE:
                self._line.append(byte)
        self._flush(echo)

    def _flush(self, echo: bytearray) -> None:
        if echo:
            self.sim.write(bytes(echo))
            echo.clear()

    def _feed_prompt(self, byte: int, echo: bytearray) -> None:
        pending = self.sending
        if byte == CTRL_Z:
            self._flush(echo)
            self.sending = None
            self._answer(sms_commands.submit(self.sim, pending), pending.inject)
        elif byte == ESC:
            self._flush(echo)
            self.sending = None
            log.info("send cancelled with ESC")
            self._answer(Answer(), None)
        else:
            if self.sim.settings.echo:
                echo.append(byte)
            if len(pending.buffer) < MAX_SEND:
                pending.buffer.append(byte)

    def _take_injection(self, line: str) -> Optional[bytes]:
        upper = line.upper().replace(" ", "")
        for position, (prefix, raw) in enumerate(self._injections):
            if upper.startswith(prefix):
                del self._injections[position]
                return raw
        return None

    def _execute(self, line: str) -> None:
        text = line.strip()
        if not text:
            return
        if text[:2].upper() != "AT":
            log.debug("ignored line without AT: %r", text)
            return
        log.debug("command %r", text)
        inject = self._take_injection(text)
        try:
            parsed = split_line(text)
        except ValueError as exc:
            log.info("rejected %r: %s", text, exc)
            self._answer(Answer.error(), inject)
            return
        info, after, final = b"", [], "OK"
        for position, command in enumerate(parsed):
            answer = self._dispatch(command)
            info += self.sim.frame_lines(answer.lines)   # each command frames its own lines
            after += answer.after
            if answer.prompt is not None and position == len(parsed) - 1:
                answer.prompt.inject = inject
                self.sim.write(info + b"\r\n> ")
                self.sending = answer.prompt
                return
            if answer.prompt is not None or answer.final != "OK":
                final = answer.final if answer.prompt is None else "ERROR"
                break
        if info and len(parsed) == 1 and parsed[0].name in self.sim.dialect.drops_final:
            final = None                          # old firmware: the answer, and no OK
        self._write_answer(info, final, after, inject)

    def _dispatch(self, command: Command) -> Answer:
        if command.name in self.refusals:
            return Answer(final=self.refusals[command.name])
        if self.sim.busy() and command.name not in ANSWERED_WHILE_BUSY:
            return commands.still_busy(self.sim, command)
        handler = HANDLERS.get(command.name)
        if handler is None:
            extended = command.name[:1] in "+^*$#%" and command.name != ""
            return Answer.error(self.sim.dialect.not_supported if extended else "ERROR")
        try:
            return handler(self.sim, command)
        except (ValueError, IndexError) as exc:
            log.info("bad arguments for %s: %s", command.name, exc)
            return Answer.error()

    def _write_answer(self, info: bytes, final: Optional[str], after: list,
                      inject: Optional[bytes]) -> None:
        """Information lines, the test's injected bytes, the final code, then what follows."""
        self.sim.write(info)
        if inject:
            self.sim.write(inject)
        if final is not None:
            self.sim.write(self.sim.frame(final))
        for item in after:
            if callable(item):
                item()
            else:
                self.sim.emit(item)

    def _answer(self, answer: Answer, inject: Optional[bytes]) -> None:
        self._write_answer(self.sim.frame_lines(answer.lines), answer.final, answer.after,
                           inject)
