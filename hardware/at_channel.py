"""The AT channel: owns the serial line to the modem, one command at a time, no code lost.

One reader thread reads bytes, cuts them into lines on CR or LF (`\\r\\r\\n`, a missing leading
`\\r` and stray bytes are all fine; bytes are decoded with errors replaced, never fatal), spots
the `> ` prompt of AT+CMGS, and decides for every line whether it answers the command in flight
or is an unsolicited code (hardware/urc.py). A known unsolicited code is an event whatever
command is in flight, so a RING or +CMTI in the middle of an AT+CMGR answer is never lost.
Events go to `on_event` (which must only enqueue); a lost port goes to `on_lost`. Bytes left
in the port from before (a restart of the box, a reconnect) are thrown away on open: they
belong to no command of ours. `command(..., quiet_final=s)` takes an information answer whose
final code never comes as OK once the modem has been quiet for `s` seconds (old firmware).

Exceptions: PortLost / CommandTimeout / ChannelBusy are ModemUnavailable; send_pdu raises
SendFailed (nothing submitted, safe to retry) or SendUnconfirmed (Ctrl-Z written, no answer).
"""
from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from datetime import datetime
from typing import Callable, Optional

import serial

from appliance.core.domain import ModemUnavailable, SendFailed, SendUnconfirmed
from hardware.at_lines import Exchange, LineSorter, Response
from hardware.clock import utc_now

log = logging.getLogger(__name__)

CTRL_Z, ESC = b"\x1a", b"\x1b"
__all__ = ["ATChannel", "Response", "PortLost", "CommandTimeout", "ChannelBusy"]


class PortLost(ModemUnavailable):
    """The serial port vanished or failed (unplugged, EIO)."""


class CommandTimeout(ModemUnavailable, TimeoutError):
    """The modem gave no final answer in time."""


class ChannelBusy(ModemUnavailable):
    """Another command held the channel for longer than we were willing to wait."""


class ATChannel:
    """One modem port. open() starts the reader; command()/send_pdu() talk; close() stops it."""

    def __init__(self, port: str, baud: int = 115200,
                 on_event: Callable[[object], None] = lambda event: None,
                 on_lost: Callable[[str], None] = lambda reason: None,
                 clock: Callable[[], datetime] = utc_now, rtscts: bool = False,
                 read_timeout: float = 0.05, write_timeout: float = 5.0,
                 transcript: Optional[Callable[[str, bytes], None]] = None):
        self.port, self.baud, self.rtscts = port, baud, rtscts
        self.on_event, self.on_lost, self.clock = on_event, on_lost, clock
        self.read_timeout, self.write_timeout = read_timeout, write_timeout
        self.transcript = transcript
        self.last_rx = 0.0                     # time.monotonic() of the last byte received
        self._serial = None
        self._reader: Optional[threading.Thread] = None
        self._stop = threading.Event()
        self._lock = threading.RLock()         # one command (or command sequence) at a time
        self._pending: Optional[Exchange] = None
        self._last_written = ""
        self._lost: Optional[str] = None
        self._sorter = LineSorter(current=lambda: self._pending, emit=self._emit,
                                  clock=clock, last_written=lambda: self._last_written)

    # --- life cycle ------------------------------------------------------------------------

    def open(self) -> None:
        """Open the port and start the reader. Raises PortLost when it cannot be opened."""
        try:
            self._serial = serial.serial_for_url(
                self.port, baudrate=self.baud, timeout=self.read_timeout,
                write_timeout=self.write_timeout, rtscts=self.rtscts, dsrdtr=False,
                exclusive=True)
        except (serial.SerialException, OSError, ValueError) as error:
            raise PortLost(f"cannot open {self.port}: {error}") from None
        try:
            self._serial.reset_input_buffer()     # half a line from before must not glue
        except (serial.SerialException, OSError) as error:   # onto our first answer
            log.debug("could not flush %s: %s", self.port, error)
        self.last_rx = time.monotonic()
        self._reader = threading.Thread(target=self._read_loop, name="modem-reader", daemon=True)
        self._reader.start()

    def close(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._reader and self._reader is not threading.current_thread():
            self._reader.join(timeout)
        if self._serial is not None:
            try:
                self._serial.close()
            except (serial.SerialException, OSError) as error:
                log.debug("closing %s: %s", self.port, error)
        self._lose("closed", notify=False)

    @property
    def lost(self) -> Optional[str]:
        """Why the port is unusable (None while it works)."""
        return self._lost

    def reader_alive(self) -> bool:
        return bool(self._reader and self._reader.is_alive())

    def idle(self, seconds: float) -> None:
        """Wait (e.g. for a modem still busy after power-on); ends at once when closed."""
        self._stop.wait(seconds)

    # --- commands --------------------------------------------------------------------------

    @contextmanager
    def session(self, lock_timeout: float):
        """Hold the channel for a sequence of commands (e.g. select memory, then read)."""
        if not self._lock.acquire(timeout=lock_timeout):
            raise ChannelBusy(f"modem busy for over {lock_timeout:g}s")
        try:
            yield self
        finally:
            self._lock.release()

    def command(self, cmd: str, timeout: float = 5.0, lock_timeout: Optional[float] = None,
                quiet_final: Optional[float] = None) -> Response:
        """Send `cmd`, wait for its final answer. Raises CommandTimeout, PortLost, ChannelBusy.
        With `quiet_final`, information lines followed by that long a silence are the answer
        (Response.missing_final)."""
        with self.session(timeout if lock_timeout is None else lock_timeout):
            pending = self._begin(cmd)
            try:
                self._write(cmd.encode("ascii", errors="replace") + b"\r")
                if not self._await_final(pending, timeout, quiet_final):
                    raise CommandTimeout(f"{cmd}: no answer within {timeout:g}s")
                if pending.lost:
                    raise PortLost(pending.lost)
                return pending.response()
            finally:
                self._pending = None

    @staticmethod
    def _await_final(pending: Exchange, timeout: float, quiet_final: Optional[float]) -> bool:
        if quiet_final is None:
            return pending.done.wait(timeout)
        deadline = time.monotonic() + timeout
        while not pending.done.wait(min(quiet_final / 4, max(deadline - time.monotonic(), 0))):
            now = time.monotonic()
            if pending.lines and now - pending.last_line_at >= quiet_final:
                log.info("%s: answer without a final code, taken as OK", pending.command)
                pending.missing_final = True
                pending.finish(final="OK")
                return True
            if now >= deadline:
                return False
        return True

    def send_pdu(self, cmgs_length: int, hex_pdu: str, prompt_timeout: float = 10.0,
                 answer_timeout: float = 60.0, on_submitting: Optional[Callable[[], None]] = None,
                 lock_timeout: Optional[float] = None) -> Optional[int]:
        """AT+CMGS=<n>, wait for `> `, write the PDU and Ctrl-Z; return the message reference
        (None if the modem said OK without one). SendFailed: refused or no prompt, nothing
        submitted. SendUnconfirmed: Ctrl-Z written, no answer. PortLost before Ctrl-Z."""
        with self.session(prompt_timeout if lock_timeout is None else lock_timeout):
            pending = self._begin(f"AT+CMGS={int(cmgs_length)}", want_prompt=True)
            try:
                self._write(pending.command.encode() + b"\r")
                self._await_prompt(pending, prompt_timeout)
                if on_submitting is not None:
                    try:
                        on_submitting()
                    except Exception as error:  # the caller could not record it: do not send
                        self._cancel(pending)
                        raise SendFailed(f"could not record the send: {error}") from error
                return self._submit(pending, hex_pdu, answer_timeout)
            finally:
                self._pending = None

    def _await_prompt(self, pending: Exchange, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not (pending.prompt or pending.done.is_set()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._cancel(pending)
                raise SendFailed("the modem never showed the > prompt")
            pending.changed.wait(remaining)
            pending.changed.clear()
        if pending.lost:
            raise PortLost(pending.lost)
        if pending.final is not None:
            response = pending.response()
            raise SendFailed(f"modem refused the text: {pending.final}", response.error_code)

    def _submit(self, pending: Exchange, hex_pdu: str, answer_timeout: float) -> Optional[int]:
        try:
            self._write(hex_pdu.encode("ascii") + CTRL_Z)
        except PortLost as error:
            raise SendUnconfirmed(f"port lost while writing the text: {error}") from None
        if not pending.done.wait(answer_timeout):
            raise SendUnconfirmed(f"no answer within {answer_timeout:g}s after Ctrl-Z")
        if pending.lost:
            raise SendUnconfirmed(f"port lost after Ctrl-Z: {pending.lost}")
        response = pending.response()
        if not response.ok:
            raise SendFailed(f"modem refused the text: {response.final}", response.error_code)
        reference = response.value("+CMGS:")
        if reference is None or not reference.split(",")[0].strip().isdigit():
            log.warning("modem accepted a text without a message reference: %r", response.lines)
            return None
        return int(reference.split(",")[0])

    def abort_prompt(self) -> None:
        """Send ESC. A modem left waiting at `> ` (a send cut short by a crash) takes it as
        "cancel" and answers commands again; a modem in command mode ignores it."""
        with self.session(1.0):
            self._write(ESC)

    def _cancel(self, pending: Exchange) -> None:
        """ESC out of the prompt and give the modem a moment to answer, so that a late answer
        is not taken for the next command's."""
        try:
            self._write(ESC)
        except PortLost:
            return
        pending.done.wait(1.0)

    def _begin(self, cmd: str, want_prompt: bool = False) -> Exchange:
        if self._lost:
            raise PortLost(self._lost)
        pending = Exchange(cmd, want_prompt=want_prompt)
        self._pending = pending
        return pending

    def _write(self, data: bytes) -> None:
        if self._serial is None or self._lost:
            raise PortLost(self._lost or "port not open")
        self._last_written = data.decode("ascii", errors="replace").strip("\r\x1a\x1b ")
        if self.transcript:                   # before writing: the answer may come at once
            self.transcript("tx", data)
        try:
            # No flush(): it is tcdrain, which no timeout bounds; write_timeout bounds write().
            self._serial.write(data)
        except (serial.SerialException, OSError) as error:
            self._lose(f"write failed: {error}")
            raise PortLost(f"write failed: {error}") from None

    # --- reader thread ---------------------------------------------------------------------

    def _read_loop(self) -> None:
        while not self._stop.is_set():
            try:
                data = self._serial.read(self._serial.in_waiting or 1)
            except (serial.SerialException, OSError, TypeError, AttributeError) as error:
                # TypeError/AttributeError: pyserial's read on a port closed under it
                if not self._stop.is_set():
                    self._lose(f"read failed: {error}")
                return
            if not data:
                continue
            self.last_rx = time.monotonic()
            if self.transcript:
                self.transcript("rx", data)
            try:
                self._sorter.feed(data)
            except Exception:  # thread boundary: one bad line must never stop the reader
                log.exception("modem reader: could not handle %r", data)

    def _emit(self, event) -> None:
        try:
            self.on_event(event)
        except Exception:  # the callback only enqueues; if it breaks, keep reading anyway
            log.exception("modem event callback failed for %r", event)

    def _lose(self, reason: str, notify: bool = True) -> None:
        if self._lost:
            return
        self._lost = reason
        pending = self._pending
        if pending is not None and not pending.done.is_set():
            pending.finish(lost=reason)
        if notify:
            log.warning("modem port %s lost: %s", self.port, reason)
            try:
                self.on_lost(reason)
            except Exception:
                log.exception("modem on_lost callback failed")

