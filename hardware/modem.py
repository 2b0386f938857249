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
import re
import threading
from datetime import datetime
from typing import Callable, Optional

from appliance.core.domain import (ModemMissedCall, ModemStatus, ModemUnavailable, SendFailed,
                                   SendUnconfirmed)
from hardware import missed_list, pdu
from hardware.at_channel import ATChannel, utc_now
from hardware.startup import Setup
from hardware.stored_texts import Stored, decoded, stored_pdus
from hardware.supervisor import Supervisor
from hardware.urc import MEMORY_NAME

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
                 start_limit: float = 60.0):
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
        self._service_centre: tuple[Optional[str], Optional[int]] = (None, None)
        self._concat_reference = random.randrange(256)
        self._supervisor = Supervisor(self, reconnect_delay=reconnect_delay,
                                      health_interval=health_interval,
                                      restart_settle=restart_settle, blocked_retry=blocked_retry,
                                      start_limit=start_limit,
                                      call_poll_interval=call_poll_interval)

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
        try:
            return channel.send_pdu(length, hex_pdu, self.prompt_timeout, self.send_timeout,
                                    hook)
        except SendFailed as error:
            if error.code != SMSC_UNKNOWN or not self._restore_service_centre(channel):
                raise
        log.warning("the SMS centre was missing; restored it, sending again")
        return channel.send_pdu(length, hex_pdu, self.prompt_timeout, self.send_timeout, hook)

    def _restore_service_centre(self, channel: ATChannel) -> bool:
        number, number_type = self._service_centre
        if not number or not re.fullmatch(r"\+?[0-9]{3,20}", number):
            log.warning("the SMS centre is missing and the box never learnt it: set it with "
                        "a phone, or AT+CSCA")
            return False
        number_type = number_type or (145 if number.startswith("+") else 129)
        response = channel.command(f'AT+CSCA="{number}",{number_type}', self.command_timeout)
        return response.ok

    def read_text(self, memory: str, index: int) -> Optional[Stored]:
        """The text (or report) stored at memory/index; None if the slot is empty. An entry
        that holds a header but no PDU is freed here (there is nothing to keep)."""
        channel = self._live()
        with channel.session(self.service_wait):
            if not self._select(channel, memory):
                return None
            response = channel.command(f"AT+CMGR={int(index)}", self.command_timeout)
            if not response.ok:
                log.info("AT+CMGR=%s in %s: %s", index, memory, response.final)
                return None
            for header, hex_pdu in stored_pdus(response.lines, "+CMGR:"):
                found = decoded(hex_pdu, memory, index)
                if found is None:
                    self._delete(channel, index)
                return found
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
                        continue              # our own stored outgoing texts are not mail
                    text = decoded(hex_pdu, memory, index)
                    if text is None:
                        self._delete(channel, index)
                    else:
                        found.append(text)
        return found

    def delete_text(self, memory: str, index: int) -> bool:
        """Delete one stored text; False when the modem refused."""
        channel = self._live()
        with channel.session(self.service_wait):
            if not self._select(channel, memory):
                return False
            return self._delete(channel, index)

    def _delete(self, channel: ATChannel, index: int) -> bool:
        """AT+CMGD in the memory selected now."""
        response = channel.command(f"AT+CMGD={int(index)}", self.command_timeout)
        if not response.ok:
            log.warning("could not delete entry %s: %s", index, response.final)
        return response.ok

    def acknowledge_direct(self) -> None:
        """AT+CNMA after a +CMT/+CDS delivered directly (needed where AT+CSMS=1)."""
        response = self._live().command("AT+CNMA", self.command_timeout)
        if not response.ok:
            log.debug("AT+CNMA: %s (acknowledgement not needed)", response.final)

    # --- calls -------------------------------------------------------------------------------

    def missed_call_list(self) -> Optional[list[ModemMissedCall]]:
        """The module's own list of missed calls (newest first on most modules); None when the
        module keeps none (hardware/missed_list.py)."""
        channel = self._live()
        with channel.session(self.service_wait):
            return missed_list.read(channel, self.command_timeout)

    def delete_missed_calls(self, entries: list[ModemMissedCall]) -> int:
        """Delete handled entries from that list; how many went (0 where it cannot be done)."""
        channel = self._live()
        with channel.session(self.service_wait):
            return missed_list.delete(channel, self.command_timeout, entries)

    def decline_call(self, lock_timeout: Optional[float] = None) -> None:
        """Hang up the ringing call (ATH, else AT+CHUP). Waits at most `lock_timeout` for the
        channel (a text being sent holds it; the caller tries again shortly)."""
        channel = self._live()
        wait = self.command_timeout if lock_timeout is None else lock_timeout
        for command in ("ATH", "AT+CHUP"):
            response = channel.command(command, self.command_timeout, lock_timeout=wait)
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
        if not MEMORY_NAME.match(memory or ""):
            log.warning("not a message memory: %r", memory)
            return False
        response = channel.command(f'AT+CPMS="{memory}"', self.command_timeout)
        if not response.ok:
            log.info('AT+CPMS="%s": %s', memory, response.final)
        return response.ok

    def _adopt(self, setup: Setup) -> None:
        """What start-up found becomes the adapter's; the SMS centre is kept across restarts
        (a wiped one is restored from it)."""
        self._setup = setup
        if setup.smsc:
            self._service_centre = (setup.smsc, setup.smsc_type)

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
