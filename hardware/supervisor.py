"""Keeps the modem usable for years: connect, initialise, watch, reconnect, re-initialise.

One thread per Modem. While the port is missing or silent the status says `no_modem` and the
supervisor retries every `reconnect_delay`; after initialising it emits ModemConnected. Every
`health_interval` it asks signal/registration/operator (which also proves the modem answers);
no answer twice in a row, or a lost port, means ModemLost and a fresh connection. A boot code
while running (ModemRestarted) triggers a new initialisation once the codes have settled.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Optional

from appliance.domain import ModemConnected, ModemLost, ModemRestarted, ModemUnavailable
from hardware import modem_init as init
from hardware.at_channel import ATChannel, ChannelBusy, PortLost

if TYPE_CHECKING:
    from hardware.modem import Modem

log = logging.getLogger(__name__)

SIM_STATES = {"no_sim": "no_sim", "sim_pin": "sim_pin", "sim_puk": "sim_pin"}


class Supervisor:
    """The thread behind one Modem; it alone opens, replaces and drops the channel."""

    def __init__(self, modem: "Modem", reconnect_delay: float, health_interval: float,
                 restart_settle: float):
        self.modem = modem
        self.reconnect_delay, self.health_interval = reconnect_delay, health_interval
        self.restart_settle = restart_settle
        self._thread: Optional[threading.Thread] = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._connected = False
        self._restart_seen: Optional[float] = None      # monotonic time of the last boot code
        self._next_check = 0.0
        self._missed_checks = 0
        self._heartbeat = time.monotonic()

    # --- life cycle --------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="modem-supervisor", daemon=True)
            self._thread.start()

    def stop(self, timeout: float) -> None:
        self._stop.set()
        self._wake.set()
        self.modem._set_status(state="no_modem", last_error="stopped")
        self._close_channel()                # ends a command in flight at once
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("modem supervisor did not stop within %ss", timeout)
        self._close_channel()
        self.modem._set_status(state="no_modem", last_error="stopped")

    def alive(self) -> bool:
        if self._thread is None or not self._thread.is_alive():
            return False
        channel = self.modem._channel
        if channel is not None and not channel.lost and not channel.reader_alive():
            return False
        limit = 3 * self.health_interval + 20 * self.modem.command_timeout + self.reconnect_delay
        return time.monotonic() - self._heartbeat < limit

    def _run(self) -> None:
        while not self._stop.is_set():
            self._heartbeat = time.monotonic()
            try:
                if self.modem._channel is None:
                    self._connect()
                else:
                    self._watch()
            except Exception as error:  # thread boundary: log, start over with a new connection
                log.exception("modem supervisor: unexpected error")
                self._drop(f"unexpected error: {error}")
                self._stop.wait(self.reconnect_delay)

    # --- connecting --------------------------------------------------------------------------

    def _connect(self) -> None:
        modem = self.modem
        channel = ATChannel(modem.port, modem.baud, on_event=self._on_event,
                            on_lost=lambda reason: self._wake.set(), clock=modem.clock,
                            rtscts=modem.rtscts)
        try:
            channel.open()
        except PortLost as error:
            self._no_modem(str(error))
            self._stop.wait(self.reconnect_delay)
            return
        if self._stop.is_set():              # stop() came while we were opening
            channel.close()
            return
        modem._channel = channel
        if not self._initialise(channel):
            self._stop.wait(self.reconnect_delay)

    def _initialise(self, channel: ATChannel) -> bool:
        """Initialise; emit ModemConnected. False (and the channel dropped) if it failed."""
        modem, timeout = self.modem, self.modem.command_timeout
        self._restart_seen = None
        try:
            with channel.session(modem._wait_for_send()):
                init.synchronise(channel, timeout)
                modem._set_status(state="starting")
                identity, setup = init.initialise(channel, timeout)
                number = init.own_number(channel, timeout) if setup.sim == "ready" else None
            modem._setup = setup
            modem._set_status(model=identity.model, manufacturer=identity.manufacturer,
                              firmware=identity.firmware, imei=identity.imei, sim_number=number,
                              reports_call_end=init.REPORTS_CALL_END.get(identity.family),
                              last_error=None,
                              extra={"family": identity.family, "sim": setup.sim,
                                     "memories": setup.memories,
                                     "new_message_mode": setup.new_message_mode,
                                     "init_problems": setup.problems})
            self.refresh(channel, lock_timeout=modem._wait_for_send())
        except ModemUnavailable as error:
            self._drop(f"the modem does not answer: {error}")
            return False
        log.info("modem %s %s initialised (%s)", identity.manufacturer, identity.model,
                 modem.status.state)
        self._connected = True
        self._missed_checks = 0
        self._next_check = time.monotonic() + self.health_interval
        modem._emit(ModemConnected(at=modem.clock()))
        return True

    def refresh(self, channel: ATChannel, lock_timeout: float) -> None:
        """SIM state, registration, signal, operator and storage into the status."""
        modem, timeout = self.modem, self.modem.command_timeout
        with channel.session(lock_timeout):
            sim = init.sim_state(channel, timeout)
            registration = init.registration(channel, timeout)
            rssi, percent = init.signal(channel, timeout)
            operator = init.operator(channel, timeout)
            storage = init.storage(channel, timeout) if sim == "ready" else {}
        before = modem.status.extra.get("sim")
        if sim == "ready" and before not in ("ready", None):
            log.info("SIM ready now (was %s): initialising again for texts", before)
            self._restart_seen = time.monotonic() - self.restart_settle
        state = "starting" if self._restart_seen is not None else _state(sim, registration)
        problem = "the network refused the SIM (registration denied)" \
            if state == "error" else None
        modem._set_status(state=state, registration=registration, last_error=problem,
                          signal_percent=percent, operator=operator,
                          extra={"sim": sim, "rssi": rssi, "storage": storage})

    # --- watching ----------------------------------------------------------------------------

    def _watch(self) -> None:
        channel = self.modem._channel
        if channel.lost or not channel.reader_alive():
            self._drop(f"port lost: {channel.lost or 'reader stopped'}")
            return
        now = time.monotonic()
        if self._restart_seen is not None and now - self._restart_seen >= self.restart_settle:
            log.info("modem restarted: initialising it again")
            self._initialise(channel)
            return
        if now >= self._next_check and self._restart_seen is None:
            self._check(channel)
            return
        wait = self._next_check - now
        if self._restart_seen is not None:     # re-initialise first, check health after
            wait = self._restart_seen + self.restart_settle - now
        self._wake.wait(max(wait, 0.01))
        self._wake.clear()

    def _check(self, channel: ATChannel) -> None:
        self._next_check = time.monotonic() + self.health_interval
        try:
            self.refresh(channel, lock_timeout=0.01)
            self._missed_checks = 0
        except ChannelBusy:
            pass                             # busy sending: it is talking, so it is alive
        except ModemUnavailable as error:
            self._missed_checks += 1
            log.warning("modem health check failed (%d): %s", self._missed_checks, error)
            if channel.lost or self._missed_checks >= 2:
                self._drop(f"the modem stopped answering: {error}")

    def _on_event(self, event) -> None:
        """From the reader thread: note restarts, pass everything on (the callback enqueues)."""
        if isinstance(event, ModemRestarted):
            self._restart_seen = time.monotonic()
            self.modem._set_status(state="starting")
            self._wake.set()
        self.modem._emit(event)

    def _no_modem(self, reason: str) -> None:
        """State no_modem; logged once per new reason, not on every retry for months."""
        if self.modem.status.last_error != reason:
            log.warning("no modem on %s: %s", self.modem.port, reason)
        self.modem._set_status(state="no_modem", last_error=reason, signal_percent=None)

    def _drop(self, reason: str) -> None:
        self._no_modem(reason)               # first, so nobody sees "ready" without a channel
        self._close_channel()
        was_connected, self._connected = self._connected, False
        if was_connected and not self._stop.is_set():
            log.warning("modem lost: %s", reason)
            self.modem._emit(ModemLost(at=self.modem.clock(), reason=reason))

    def _close_channel(self) -> None:
        channel, self.modem._channel = self.modem._channel, None
        if channel is not None:
            channel.close()


def _state(sim: str, registration: str) -> str:
    """The contract's modem state from the SIM state and the registration."""
    if sim in SIM_STATES:
        return SIM_STATES[sim]
    if sim != "ready":
        return "starting"
    if registration == "denied":
        return "error"      # the network refuses this SIM: a person must call the carrier
    return "ready" if registration in ("home", "roaming") else "searching"
