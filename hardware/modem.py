"""The modem adapter: what the service and the sender call to use the modem, in whatever state.

The Modem owns a Connection (hardware/connection.py: the channel in use, start-up's findings,
the status) and a supervisor thread (hardware/supervisor.py) that opens the port, initialises
the modem (hardware/startup.py), checks its health, reconnects when the port vanishes or the
modem stops answering, and initialises it again after it restarts. Events from the modem
(rings, caller ID, call ends, new texts, ModemConnected/ModemLost ...) go to `events`, which
must only enqueue. Operations raise ModemUnavailable while there is no working modem; they
never wait forever. Stored texts are read and deleted by hardware/stored_texts.py, the module's
missed-call list by hardware/missed_list.py; this file decides how long each waits.
"""
from __future__ import annotations

import logging
import random
import re
from datetime import datetime
from typing import Callable, Optional

from appliance.core.domain import (ModemMissedCall, ModemStatus, ModemUnavailable, SendFailed,
                              SendUnconfirmed)
from hardware import call_forwarding, missed_list, pdu, stored_texts
from hardware.at_channel import ATChannel
from hardware.clock import utc_now
from hardware.connection import Connection, Timeouts
from hardware.stored_texts import Stored
from hardware.supervisor import Supervisor

log = logging.getLogger(__name__)

SMSC_UNKNOWN = 330          # +CMS ERROR: SMSC address unknown


class Modem:
    """One modem on one port. start() once, stop() at shutdown; everything else any time."""

    def __init__(self, port: str, events: Callable[[object], None], baud: int = 115200,
                 rtscts: bool = False, clock: Callable[[], datetime] = utc_now,
                 reconnect_delay: float = 2.0, command_timeout: float = 5.0,
                 send_timeout: float = 60.0, prompt_timeout: float = 10.0,
                 health_interval: float = 30.0, restart_settle: float = 2.0,
                 call_poll_interval: float = 1.0, blocked_retry: float = 10.0,
                 start_limit: float = 60.0, network_time_every: float = 600.0):
        self.timeouts = Timeouts(command=command_timeout, send=send_timeout,
                                 prompt=prompt_timeout)
        self.connection = Connection(port, baud, rtscts, clock, self.timeouts)
        self._concat_reference = random.randrange(256)
        self._supervisor = Supervisor(self.connection, events, reconnect_delay=reconnect_delay,
                                      health_interval=health_interval,
                                      restart_settle=restart_settle, blocked_retry=blocked_retry,
                                      start_limit=start_limit,
                                      call_poll_interval=call_poll_interval,
                                      network_time_every=network_time_every)

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
        return self.connection.status

    def asking_about_a_call(self) -> bool:
        """A question about a ringing call (AT+CLCC, hardware/call_watch.py) is scheduled."""
        return self._supervisor.calls.due_in() is not None

    def refresh_status(self) -> None:
        """Ask signal, registration, operator and storage now (the supervisor does it too)."""
        self._supervisor.refresh(self.connection.live(), lock_timeout=self.timeouts.send_wait)

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
        channel = self.connection.live()
        references: list[int] = []
        with channel.session(self.timeouts.send_wait):
            for position, (length, hex_pdu) in enumerate(parts):
                hook = on_submitting if position == 0 else None
                try:
                    reference = self._send_part(channel, length, hex_pdu, hook)
                except (SendFailed, ModemUnavailable) as error:
                    if position == 0:
                        raise
                    raise SendUnconfirmed(f"part {position + 1} of {len(parts)} failed after "
                                          f"the first went: {error}") from None
                if reference is not None:
                    references.append(reference)
        log.info("sent %d part(s) to %s, references %s", len(parts), number, references)
        return references

    def _send_part(self, channel: ATChannel, length: int, hex_pdu: str, hook) -> Optional[int]:
        """One AT+CMGS; when the SMS centre has gone missing (+CMS ERROR: 330, e.g. wiped by a
        settings command on some dongles), restore the one read at start-up and try once more."""
        timeouts = self.timeouts
        try:
            return channel.send_pdu(length, hex_pdu, timeouts.prompt, timeouts.send, hook)
        except SendFailed as error:
            if error.code != SMSC_UNKNOWN or not self._restore_service_centre(channel):
                raise
        log.warning("the SMS centre was missing; restored it, sending again")
        return channel.send_pdu(length, hex_pdu, timeouts.prompt, timeouts.send, hook)

    def _restore_service_centre(self, channel: ATChannel) -> bool:
        number, number_type = self.connection.service_centre
        if not number or not re.fullmatch(r"\+?[0-9]{3,20}", number):
            log.warning("the SMS centre is missing and the box never learnt it: set it with "
                        "a phone, or AT+CSCA")
            return False
        number_type = number_type or (145 if number.startswith("+") else 129)
        response = channel.command(f'AT+CSCA="{number}",{number_type}', self.timeouts.command)
        return response.ok

    def _next_reference(self) -> int:
        self._concat_reference = (self._concat_reference + 1) % 256
        return self._concat_reference

    def read_text(self, memory: str, index: int) -> Optional[Stored]:
        """The text (or report) stored at memory/index; None if the slot is empty. An entry
        that holds a header but no PDU is freed here (there is nothing to keep)."""
        channel = self.connection.live()
        with channel.session(self.timeouts.service):
            return stored_texts.read(channel, self.timeouts.command, memory, index)

    def list_texts(self) -> list[Stored]:
        """Every incoming text and report in every memory (AT+CPMS, AT+CMGL=4)."""
        channel = self.connection.live()
        found: list[Stored] = []
        for memory in list(self.connection.setup.memories):
            with channel.session(self.timeouts.service):
                found += stored_texts.list_all(channel, self.timeouts.command, memory)
        return found

    def delete_text(self, memory: str, index: int) -> bool:
        """Delete one stored text; False when the modem refused."""
        channel = self.connection.live()
        with channel.session(self.timeouts.service):
            if not stored_texts.select(channel, self.timeouts.command, memory):
                return False
            return stored_texts.delete(channel, self.timeouts.command, index)

    def acknowledge_direct(self) -> None:
        """AT+CNMA after a +CMT/+CDS delivered directly (needed where AT+CSMS=1)."""
        response = self.connection.live().command("AT+CNMA", self.timeouts.command)
        if not response.ok:
            log.debug("AT+CNMA: %s (acknowledgement not needed)", response.final)

    # --- calls -------------------------------------------------------------------------------

    def missed_call_list(self) -> Optional[list[ModemMissedCall]]:
        """The module's own list of missed calls (newest first on most modules); None when the
        module keeps none (hardware/missed_list.py)."""
        channel = self.connection.live()
        with channel.session(self.timeouts.service):
            return missed_list.read(channel, self.timeouts.command)

    def delete_missed_calls(self, entries: list[ModemMissedCall]) -> int:
        """Delete handled entries from that list; how many went (0 where it cannot be done)."""
        channel = self.connection.live()
        with channel.session(self.timeouts.service):
            return missed_list.delete(channel, self.timeouts.command, entries)

    def decline_call(self, lock_timeout: Optional[float] = None) -> None:
        """Hang up the ringing call (ATH, else AT+CHUP). Waits at most `lock_timeout` for the
        channel (a text being sent holds it; the caller tries again shortly)."""
        channel = self.connection.live()
        timeout = self.timeouts.command
        wait = timeout if lock_timeout is None else lock_timeout
        for command in ("ATH", "AT+CHUP"):
            response = channel.command(command, timeout, lock_timeout=wait)
            if response.ok:
                return
        raise ModemUnavailable(f"the modem would not hang up: {response.final}")

    # --- the SIM's own call forwarding (voicemail) ---------------------------------------------

    def call_forwarding(self, timeout: float = 10.0) -> dict:
        """The SIM's conditional forwarding per reason name (hardware/call_forwarding.py): a
        network round trip, so never on the service thread; waits at most `timeout` per
        question, and lets calls and texts have the line between questions."""
        channel = self.connection.live()
        found = {}
        for name, reason in call_forwarding.REASONS.items():
            with channel.session(self.timeouts.service):
                found[name] = call_forwarding.ask(channel, timeout, reason)
        return found

    def cancel_call_forwarding(self, timeout: float = 10.0) -> Optional[str]:
        """Erase the SIM's conditional forwarding; None when done, else the network's answer."""
        channel = self.connection.live()
        with channel.session(self.timeouts.service):
            try:
                return call_forwarding.cancel(channel, timeout)
            except TimeoutError:
                return "no answer from the network"
