"""The modem's connection: the AT channel in use (or none), what start-up found, and the status.

One Connection per Modem. The supervisor (hardware/supervisor.py) opens, replaces and drops the
channel and writes what it learns (start-up facts, health, the state shown); the Modem
(hardware/modem.py) uses the live channel for every operation and shows the status. Both go
through the public methods here, so neither needs the other's insides.
"""
from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Optional

from appliance.core.domain import ModemStatus, ModemUnavailable
from hardware.at_channel import ATChannel
from hardware.clock import utc_now
from hardware.startup import Setup


@dataclass(frozen=True)
class Timeouts:
    """How long the modem gets for each kind of answer, in seconds."""
    command: float = 5.0         # an ordinary command's final code
    send: float = 60.0           # a text's answer after Ctrl-Z (slow networks take a minute)
    prompt: float = 10.0         # the `> ` prompt of AT+CMGS
    # Reading and deleting texts run on the service thread, which must keep noticing calls:
    # they wait this long for a text being sent, then give up (ChannelBusy) and the sweep
    # takes the text in a little later.
    service: float = 2.0

    @property
    def send_wait(self) -> float:
        """How long to wait for the channel: a text being submitted may hold it this long."""
        return self.prompt + self.send + self.command


class Connection:
    """The port's settings, the channel now open on it, start-up's findings and the status."""

    def __init__(self, port: str, baud: int = 115200, rtscts: bool = False,
                 clock: Callable[[], datetime] = utc_now, timeouts: Timeouts = Timeouts()):
        self.port, self.baud, self.rtscts, self.clock = port, baud, rtscts, clock
        self.timeouts = timeouts
        self._status = ModemStatus(state="starting")
        self._status_lock = threading.Lock()
        self._channel: Optional[ATChannel] = None
        self._setup = Setup()
        self._service_centre: tuple[Optional[str], Optional[int]] = (None, None)

    # --- the channel -------------------------------------------------------------------------

    def new_channel(self, on_event: Callable[[object], None],
                    on_lost: Callable[[str], None]) -> ATChannel:
        """A channel on this port (not opened yet)."""
        return ATChannel(self.port, self.baud, on_event=on_event, on_lost=on_lost,
                         clock=self.clock, rtscts=self.rtscts)

    @property
    def channel(self) -> Optional[ATChannel]:
        """The channel in use, lost or not; None between connections."""
        return self._channel

    def attach(self, channel: ATChannel) -> None:
        """`channel` (opened) is the one in use from now on."""
        self._channel = channel

    def close(self) -> None:
        """Close the channel in use, if any; operations then raise ModemUnavailable."""
        channel, self._channel = self._channel, None
        if channel is not None:
            channel.close()

    def live(self) -> ATChannel:
        """The working channel; ModemUnavailable (naming the state and why) when there is none."""
        channel = self._channel
        if channel is None or channel.lost:
            status = self.status
            raise ModemUnavailable(f"no working modem ({status.state}: "
                                   f"{(channel and channel.lost) or status.last_error})")
        return channel

    # --- what start-up found -----------------------------------------------------------------

    @property
    def setup(self) -> Setup:
        return self._setup

    def adopt(self, setup: Setup) -> None:
        """What start-up found becomes current; the SMS centre is kept across restarts (a
        wiped one is restored from it)."""
        self._setup = setup
        if setup.smsc:
            self._service_centre = (setup.smsc, setup.smsc_type)

    @property
    def service_centre(self) -> tuple[Optional[str], Optional[int]]:
        """The SMS centre (number, type of number) last read from the SIM."""
        return self._service_centre

    # --- the status --------------------------------------------------------------------------

    @property
    def status(self) -> ModemStatus:
        """A copy: the caller may keep it while the modem changes."""
        with self._status_lock:
            return dataclasses.replace(self._status, extra=dict(self._status.extra))

    def update_status(self, **fields) -> None:
        """Set status fields; `extra` is merged key by key."""
        extra = fields.pop("extra", None)
        with self._status_lock:
            for name, value in fields.items():
                setattr(self._status, name, value)
            if extra:
                self._status.extra.update(extra)
