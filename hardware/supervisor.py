"""Keeps the modem usable for years: connect, initialise, watch, reconnect, re-initialise.

One thread per Modem. While the port is missing or silent the status says `no_modem` and the
supervisor retries every `reconnect_delay`; after initialising it emits ModemConnected. Every
`health_interval` it asks signal/registration/operator (which also proves the modem answers);
no answer twice in a row, or a lost port, means ModemLost and a fresh connection. A boot code
while running (ModemRestarted) triggers a new initialisation once the codes have settled.

Start-up never wedges (hardware/startup.py): when an essential step fails the modem stays
`starting`, the step and the modem's answer are reported (status, ModemStartBlocked), the step
is tried again every `blocked_retry`, and after `start_limit` the state is `error` naming it.

This thread also asks the modem about ringing calls (hardware/call_watch.py). It owns the
channel's life and is idle between health checks, whereas the service thread must stay free to
handle the events of the very call being watched (and texts) the moment they arrive; a poll that
waited for the channel on the service thread would hold up everything behind it.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable, Optional

from appliance.core.domain import (ModemConnected, ModemLost, ModemRestarted, ModemStartBlocked,
                                   ModemUnavailable, NetworkTimeRead, UnknownLineSeen)
from hardware import modem_init as init
from hardware import modem_status as status
from hardware import network_time, startup
from hardware.at_channel import ATChannel, ChannelBusy, PortLost
from hardware.call_watch import CallWatch
from hardware.connection import Connection
from hardware.unknown_lines import UnknownLines

log = logging.getLogger(__name__)

BLOCKED_RETRY = 10.0        # how often a blocked start-up step is tried again


class Supervisor:
    """The thread behind one Modem's Connection; it alone opens, replaces and drops the channel.
    `events` receives what the modem says and what the supervisor finds (it must only
    enqueue)."""

    def __init__(self, connection: Connection, events: Callable[[object], None],
                 reconnect_delay: float, health_interval: float, restart_settle: float,
                 blocked_retry: float = BLOCKED_RETRY, start_limit: float = status.START_LIMIT,
                 call_poll_interval: float = 1.0, network_time_every: float = 600.0):
        self.connection = connection
        self._events = events
        self.reconnect_delay, self.health_interval = reconnect_delay, health_interval
        self.restart_settle = restart_settle
        self.blocked_retry = blocked_retry
        self.start_clock = status.StartClock(start_limit)
        self.calls = CallWatch(interval=call_poll_interval)
        self.unknown = UnknownLines()
        self.network_time = network_time.Every(network_time_every)
        self._retry_at: Optional[float] = None          # a blocked start is tried again then
        self._blocked_reported: Optional[str] = None
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
        self.connection.update_status(state="no_modem", last_error="stopped")
        self.connection.close()              # ends a command in flight at once
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("modem supervisor did not stop within %ss", timeout)
        self.connection.close()
        self.connection.update_status(state="no_modem", last_error="stopped")

    def alive(self) -> bool:
        if self._thread is None or not self._thread.is_alive():
            return False
        channel = self.connection.channel
        if channel is not None and not channel.lost and not channel.reader_alive():
            return False
        limit = 3 * self.health_interval + 20 * self.connection.timeouts.command + \
            self.reconnect_delay
        return time.monotonic() - self._heartbeat < limit

    def _run(self) -> None:
        while not self._stop.is_set():
            self._heartbeat = time.monotonic()
            try:
                if self.connection.channel is None:
                    self._connect()
                else:
                    self._watch()
            except Exception as error:  # thread boundary: log, start over with a new connection
                log.exception("modem supervisor: unexpected error")
                self._drop(f"unexpected error: {error}")
                self._stop.wait(self.reconnect_delay)

    # --- connecting --------------------------------------------------------------------------

    def _connect(self) -> None:
        channel = self.connection.new_channel(on_event=self._on_event,
                                              on_lost=lambda reason: self._wake.set())
        try:
            channel.open()
        except PortLost as error:
            self._no_modem(str(error))
            self._stop.wait(self.reconnect_delay)
            return
        if self._stop.is_set():              # stop() came while we were opening
            channel.close()
            return
        self.connection.attach(channel)
        if not self._initialise(channel):
            self._stop.wait(self.reconnect_delay)

    def _initialise(self, channel: ATChannel) -> bool:
        """Initialise; emit ModemConnected. False (and the channel dropped) if it failed."""
        self._restart_seen, self._retry_at, self.calls.enabled = None, None, False
        self.start_clock.begin()
        try:
            identity, setup = self._start_up(channel)
            self.refresh(channel, lock_timeout=self.connection.timeouts.send_wait)
        except ModemUnavailable as error:
            self._drop(f"the modem does not answer: {error}")
            return False
        self.calls.enabled = setup.call_list
        log.info("modem %s %s initialised (%s)", identity.manufacturer, identity.model,
                 self.connection.status.state)
        was_blocked = self._connected and self._blocked_reported is not None
        self._connected = True
        self._missed_checks = 0
        self._next_check = time.monotonic() + self.health_interval
        self._report_blocking(setup.blocking)
        if not (setup.blocking and was_blocked):     # a retry that still fails says nothing new
            self._emit(ModemConnected(at=self.connection.clock(),
                                      announces_texts=setup.new_message_mode is not None))
        return True

    def _start_up(self, channel: ATChannel) -> tuple[startup.Identity, startup.Setup]:
        """Run start-up on the channel; what it found becomes the connection's and the status's."""
        connection, timeout = self.connection, self.connection.timeouts.command
        with channel.session(connection.timeouts.send_wait):
            init.synchronise(channel, timeout)
            connection.update_status(state="starting")
            identity, setup = startup.initialise(channel, timeout)
            self.network_time.soon()
            number = status.own_number(channel, timeout) if setup.sim == "ready" else None
        connection.adopt(setup)
        connection.update_status(model=identity.model, manufacturer=identity.manufacturer,
                                 firmware=identity.firmware, imei=identity.imei,
                                 sim_number=number, last_error=waits_for(setup.blocking),
                                 reports_call_end=init.REPORTS_CALL_END.get(identity.family),
                                 extra=status.profile(identity, setup))
        return identity, setup

    def _report_blocking(self, blocking) -> None:
        if blocking is None:
            self._blocked_reported = None
            return
        self._retry_at = time.monotonic() + self.blocked_retry
        if str(blocking) != self._blocked_reported:
            self._blocked_reported = str(blocking)
            log.warning("modem start-up blocked at %s", blocking)
            self._emit(ModemStartBlocked(at=self.connection.clock(), step=blocking.step,
                                         answer=blocking.answer))

    def refresh(self, channel: ATChannel, lock_timeout: float) -> None:
        """SIM state, registration, signal, operator and storage into the status."""
        connection = self.connection
        with channel.session(lock_timeout):
            found = status.health(channel, connection.timeouts.command, connection.setup,
                                  with_time=self.network_time.due())
        sim, before = found["sim"], connection.status.extra.get("sim")
        if sim == "ready" and before not in ("ready", None):
            log.info("SIM ready now (was %s): initialising again for texts", before)
            self._restart_seen = time.monotonic() - self.restart_settle
        state = "starting" if self._restart_seen is not None else \
            status.contract_state(sim, found["registration"])
        state, problem = self.start_clock.judge(state, sim, connection.setup.blocking)
        connection.update_status(state=state, registration=found["registration"],
                                 last_error=problem, signal_percent=found["percent"],
                                 operator=found["operator"],
                                 extra={"sim": sim, "rssi": found["rssi"],
                                        "storage": found["storage"]})
        if found["network_time"] is not None:
            self._emit(NetworkTimeRead(at=connection.clock(), network=found["network_time"],
                                       monotonic=time.monotonic()))

    # --- watching ----------------------------------------------------------------------------

    def _watch(self) -> None:
        channel = self.connection.channel
        if channel.lost or not channel.reader_alive():
            self._drop(f"port lost: {channel.lost or 'reader stopped'}")
            return
        now = time.monotonic()
        if self._restart_seen is not None and now - self._restart_seen >= self.restart_settle:
            log.info("modem restarted: initialising it again")
            self._initialise(channel)
            return
        if self._retry_at is not None and now >= self._retry_at and self._restart_seen is None:
            log.info("trying the blocked start-up step again")
            self._initialise(channel)
            return
        poll_in = self.calls.due_in()
        if poll_in == 0:
            event = self.calls.poll(channel, min(self.connection.timeouts.command, 2.0),
                                    self.connection.clock)
            if event is not None:
                self._emit(event)
            return
        if now >= self._next_check and self._restart_seen is None:
            self._check(channel)
            return
        self._wake.wait(max(self._wait(now, poll_in), 0.01))
        self._wake.clear()

    def _wait(self, now: float, poll_in: Optional[float]) -> float:
        """Seconds until the next thing to do (a wake-up comes sooner)."""
        if self._restart_seen is not None:     # re-initialise first, check health after
            return self._restart_seen + self.restart_settle - now
        due = [self._next_check - now]
        if self._retry_at is not None:
            due.append(self._retry_at - now)
        if poll_in is not None:
            due.append(poll_in)
        return min(due)

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
        """From the reader thread: note restarts and ringing calls, pass unknown lines on once
        per kind, pass everything else on (the callback enqueues)."""
        if isinstance(event, UnknownLineSeen):
            event = self.unknown.first(event)
            self.connection.update_status(extra={"unknown_lines": self.unknown.seen()})
            if event is None:
                return
        if isinstance(event, ModemRestarted):
            self._restart_seen = time.monotonic()
            self.calls.enabled = False
            self.connection.update_status(state="starting")
            self._wake.set()
        if self.calls.noticed(event):
            self._wake.set()
        self._emit(event)

    def _emit(self, event) -> None:
        try:
            self._events(event)
        except Exception:  # the callback only enqueues; its failure must not stop the modem
            log.exception("modem events callback failed for %r", event)

    def _no_modem(self, reason: str) -> None:
        """State no_modem; logged once per new reason, not on every retry for months."""
        if self.connection.status.last_error != reason:
            log.warning("no modem on %s: %s", self.connection.port, reason)
        self.connection.update_status(state="no_modem", last_error=reason, signal_percent=None)

    def _drop(self, reason: str) -> None:
        self._no_modem(reason)               # first, so nobody sees "ready" without a channel
        self.connection.close()
        self.calls.enabled = False
        self.start_clock.reset()
        self._retry_at = self._blocked_reported = None
        was_connected, self._connected = self._connected, False
        if was_connected and not self._stop.is_set():
            log.warning("modem lost: %s", reason)
            self._emit(ModemLost(at=self.connection.clock(), reason=reason))


def waits_for(blocking) -> Optional[str]:
    """The problem shown while start-up is blocked, set together with the blocking step so no
    reader ever sees the step without it (refresh() then judges it as modem_status.py does)."""
    return f"start-up waits for {blocking}" if blocking else None
