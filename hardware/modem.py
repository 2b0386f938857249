"""The modem adapter: what the service and the sender call to use the modem, in whatever state.

A supervisor thread (hardware/supervisor.py) opens the port, initialises the modem
(hardware/modem_init.py), checks its health, reconnects when the port vanishes or the modem stops
answering, and initialises it again after it restarts. Events from the modem (rings, caller ID,
call ends, new texts, ModemConnected/ModemLost ...) go to `events`, which must only enqueue.
Operations raise ModemUnavailable while there is no working modem; they never wait forever.
"""
from __future__ import annotations

import dataclasses
import logging
import random
import threading
from datetime import datetime
from typing import Callable, Optional, Union

from appliance.domain import (UNREADABLE_SENDER, DeliveryReport, IncomingText, ModemStatus,
                              ModemUnavailable, SendFailed, SendUnconfirmed)
from hardware import pdu
from hardware.at_channel import ATChannel, utc_now
from hardware.modem_init import Setup
from hardware.supervisor import Supervisor
from hardware.urc import split_fields

log = logging.getLogger(__name__)

Stored = Union[IncomingText, DeliveryReport]


class Modem:
    """One modem on one port. start() once, stop() at shutdown; everything else any time."""

    def __init__(self, port: str, events: Callable[[object], None], baud: int = 115200,
                 rtscts: bool = False, clock: Callable[[], datetime] = utc_now,
                 reconnect_delay: float = 2.0, command_timeout: float = 5.0,
                 send_timeout: float = 60.0, prompt_timeout: float = 10.0,
                 health_interval: float = 30.0, restart_settle: float = 2.0):
        self.port, self.baud, self.rtscts, self.clock = port, baud, rtscts, clock
        self.command_timeout, self.send_timeout = command_timeout, send_timeout
        self.prompt_timeout = prompt_timeout
        # Reading and deleting texts run on the service thread, which must keep noticing calls:
        # they wait this long for a text being sent, then give up (ChannelBusy) and the sweep
        # takes the text in a little later.
        self.service_wait = 2.0
        self._events = events
        self._status = ModemStatus(state="starting")
        self._status_lock = threading.Lock()
        self._channel: Optional[ATChannel] = None
        self._setup = Setup()
        self._concat_reference = random.randrange(256)
        self._supervisor = Supervisor(self, reconnect_delay=reconnect_delay,
                                      health_interval=health_interval,
                                      restart_settle=restart_settle)

    # --- life cycle --------------------------------------------------------------------------

    def start(self) -> None:
        self._supervisor.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._supervisor.stop(timeout)

    def alive(self) -> bool:
        """The supervisor runs and, while connected, the reader thread does too."""
        return self._supervisor.alive()

    @property
    def status(self) -> ModemStatus:
        with self._status_lock:
            return dataclasses.replace(self._status, extra=dict(self._status.extra))

    def refresh_status(self) -> None:
        """Ask signal, registration, operator and storage now (the supervisor does it too)."""
        self._supervisor.refresh(self._live(), lock_timeout=self._wait_for_send())

    # --- texts -------------------------------------------------------------------------------

    def send_text(self, number: str, text: str, status_report: bool = True,
                  on_submitting: Optional[Callable[[], None]] = None) -> list[int]:
        """Submit `text` (one or more parts); return the modem's message references.

        `on_submitting` runs once, after the first `> ` prompt and right before the first
        Ctrl-Z. SendFailed: nothing went (safe to retry). SendUnconfirmed: it may have gone
        (also when a later part of a long text fails after earlier parts went).
        ModemUnavailable: no working modem, nothing went."""
        try:
            parts = pdu.encode_submit(number, text, status_report, self._next_reference())
        except ValueError as error:
            raise SendFailed(f"cannot make a text of it: {error}") from None
        channel = self._live()
        references: list[int] = []
        with channel.session(self._wait_for_send()):
            for position, (length, hex_pdu) in enumerate(parts):
                hook = on_submitting if position == 0 else None
                try:
                    reference = channel.send_pdu(length, hex_pdu, self.prompt_timeout,
                                                 self.send_timeout, hook)
                except (SendFailed, ModemUnavailable) as error:
                    if position == 0:
                        raise
                    raise SendUnconfirmed(f"part {position + 1} of {len(parts)} failed after "
                                          f"the first went: {error}") from None
                if reference is not None:
                    references.append(reference)
        log.info("sent %d part(s) to %s, references %s", len(parts), number, references)
        return references

    def read_text(self, memory: str, index: int) -> Optional[Stored]:
        """The text (or report) stored at memory/index; None if the slot is empty or unreadable."""
        channel = self._live()
        with channel.session(self.service_wait):
            if not self._select(channel, memory):
                return None
            response = channel.command(f"AT+CMGR={int(index)}", self.command_timeout)
        if not response.ok:
            log.info("AT+CMGR=%s in %s: %s", index, memory, response.final)
            return None
        for header, hex_pdu in stored_pdus(response.lines, "+CMGR:"):
            return _decoded(hex_pdu, memory, index)
        return None

    def list_texts(self) -> list[Stored]:
        """Every incoming text and report in every memory (AT+CPMS, AT+CMGL=4)."""
        channel = self._live()
        found: list[Stored] = []
        for memory in list(self._setup.memories):
            with channel.session(self.service_wait):
                if not self._select(channel, memory):
                    continue
                response = channel.command("AT+CMGL=4", max(20.0, self.command_timeout * 4))
            if not response.ok:
                log.info("AT+CMGL=4 in %s: %s", memory, response.final)
                continue
            for header, hex_pdu in stored_pdus(response.lines, "+CMGL:"):
                index = int(header[0]) if header and header[0].isdigit() else None
                if index is None or (len(header) > 1 and header[1] in ("2", "3")):
                    continue                  # our own stored outgoing texts are not mail
                decoded = _decoded(hex_pdu, memory, index)
                if decoded is not None:
                    found.append(decoded)
        return found

    def delete_text(self, memory: str, index: int) -> bool:
        """Delete one stored text; False when the modem refused."""
        channel = self._live()
        with channel.session(self.service_wait):
            if not self._select(channel, memory):
                return False
            response = channel.command(f"AT+CMGD={int(index)}", self.command_timeout)
        if not response.ok:
            log.warning("could not delete %s/%s: %s", memory, index, response.final)
        return response.ok

    def acknowledge_direct(self) -> None:
        """AT+CNMA after a +CMT/+CDS delivered directly (needed where AT+CSMS=1)."""
        response = self._live().command("AT+CNMA", self.command_timeout)
        if not response.ok:
            log.debug("AT+CNMA: %s (acknowledgement not needed)", response.final)

    # --- calls -------------------------------------------------------------------------------

    def decline_call(self) -> None:
        """Hang up the ringing call (ATH, else AT+CHUP). Does not wait for a text being sent."""
        channel = self._live()
        for command in ("ATH", "AT+CHUP"):
            response = channel.command(command, self.command_timeout,
                                       lock_timeout=self.command_timeout)
            if response.ok:
                return
        raise ModemUnavailable(f"the modem would not hang up: {response.final}")

    # --- for the supervisor ------------------------------------------------------------------

    def _live(self) -> ATChannel:
        channel = self._channel
        if channel is None or channel.lost:
            status = self.status
            raise ModemUnavailable(f"no working modem ({status.state}: "
                                   f"{(channel and channel.lost) or status.last_error})")
        return channel

    def _wait_for_send(self) -> float:
        """How long to wait for the channel: a text being submitted may hold it this long."""
        return self.prompt_timeout + self.send_timeout + self.command_timeout

    def _select(self, channel: ATChannel, memory: str) -> bool:
        response = channel.command(f'AT+CPMS="{memory}"', self.command_timeout)
        if not response.ok:
            log.info('AT+CPMS="%s": %s', memory, response.final)
        return response.ok

    def _next_reference(self) -> int:
        self._concat_reference = (self._concat_reference + 1) % 256
        return self._concat_reference

    def _set_status(self, **fields) -> None:
        extra = fields.pop("extra", None)
        with self._status_lock:
            for name, value in fields.items():
                setattr(self._status, name, value)
            if extra:
                self._status.extra.update(extra)

    def _emit(self, event) -> None:
        try:
            self._events(event)
        except Exception:  # the callback only enqueues; its failure must not stop the modem
            log.exception("modem events callback failed for %r", event)


def stored_pdus(lines: list[str], prefix: str) -> list[tuple[list[str], str]]:
    """Pairs of (header fields, PDU hex) from an AT+CMGR / AT+CMGL answer."""
    pairs, header = [], None
    for line in lines:
        if line.startswith(prefix):
            header = [field.strip('"') for field in split_fields(line[len(prefix):].strip())]
        elif header is not None:
            pairs.append((header, line.strip()))
            header = None
    return pairs


def _decoded(hex_pdu: str, memory: str, index: int) -> Stored:
    try:
        decoded = pdu.decode(hex_pdu)
    except pdu.PduError as error:
        # Kept (raw) and taken off the SIM like any text, so a bad PDU never fills the SIM.
        log.warning("cannot read the text in %s/%s (%s): %s", memory, index, error, hex_pdu)
        return IncomingText(UNREADABLE_SENDER, None, f"[The box could not read this text: "
                            f"{error}. Raw PDU: {hex_pdu}]", None, memory=memory, index=index)
    return dataclasses.replace(decoded, memory=memory, index=index)
