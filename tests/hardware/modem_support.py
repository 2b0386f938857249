"""Shared pieces for the modem tests: a started simulator, a running Modem on it, an event log.

The simulator sits on a real pseudo-terminal and our code talks to it through pyserial, exactly
as on the box. Waiting is always on a condition (tests/helpers.wait_for), never a bare sleep.
"""
from __future__ import annotations

import dataclasses
import threading

import pytest

from appliance.core.domain import SmsStored
from hardware.modem import Modem
from hardware.simulator import ModemSimulator
from tests.helpers import wait_for

DIALECTS = ("sim800", "sim7600", "ec25", "huawei", "silent")   # the first families
CUSTOMER = "+15551234567"


def all_dialects(test):
    """Run `test` with a rig on each of the first families."""
    return pytest.mark.parametrize("rig", DIALECTS, indirect=True)(test)


class EventLog:
    """What the Modem's `events` callback received (it only appends, like the service queue)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._events: list = []

    def __call__(self, event) -> None:
        with self._lock:
            self._events.append(event)

    @property
    def all(self) -> list:
        with self._lock:
            return list(self._events)

    def of(self, kind) -> list:
        return [event for event in self.all if isinstance(event, kind)]

    def wait(self, kind, count: int = 1, timeout: float = 5.0, where=lambda e: True) -> list:
        def enough():
            found = [event for event in self.of(kind) if where(event)]
            return found if len(found) >= count else None
        return wait_for(enough, timeout, f"{count} x {kind.__name__}")

    def clear(self) -> None:
        with self._lock:
            self._events.clear()


def start_simulator(tmp_path, dialect: str = "sim800", **options) -> ModemSimulator:
    return ModemSimulator(dialect=dialect, link_path=tmp_path / "modem", **options).start()


def start_modem(port: str, events: EventLog, **options) -> Modem:
    settings = dict(command_timeout=1.0, reconnect_delay=0.05, health_interval=0.3,
                    restart_settle=0.1, send_timeout=2.0, prompt_timeout=1.0)
    settings.update(options)
    modem = Modem(port, events, **settings)
    modem.start()
    return modem


def wait_state(modem: Modem, state: str, timeout: float = 5.0) -> None:
    wait_for(lambda: modem.status.state == state, timeout,
             f"modem state {state!r} (now {modem.status.state!r})")


def commands_sent(sim: ModemSimulator, since: int = 0) -> list[str]:
    """Every command line the host wrote to the simulator (after transcript entry `since`)."""
    data = b"".join(chunk for direction, chunk in sim.transcript[since:] if direction == "in")
    lines = (line.strip().lstrip("\x1b") for line in data.decode("latin-1").split("\r"))
    return [line for line in lines if line]


@dataclasses.dataclass
class Rig:
    sim: ModemSimulator
    modem: Modem
    events: EventLog


@pytest.fixture
def rig(request, tmp_path):
    """A simulator (dialect: the test's param, default sim800) and a ready Modem on it."""
    sim = start_simulator(tmp_path, getattr(request, "param", "sim800"))
    events = EventLog()
    modem = start_modem(sim.port, events)
    try:
        wait_state(modem, "ready")
        yield Rig(sim, modem, events)
    finally:
        modem.stop()
        sim.stop()


def settle(rig: Rig) -> None:
    """Every code the simulator wrote so far has been read: a marker code came back after it."""
    marker = 900 + len(rig.events.all)
    rig.sim.inject(f'\r\n+CMTI: "SM",{marker}\r\n'.encode())
    rig.events.wait(SmsStored, where=lambda e: e.index == marker)
