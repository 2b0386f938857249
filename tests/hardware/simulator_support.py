"""Shared pieces of the simulator tests: start a simulator and talk to it through raw pyserial
(the way the box's AT channel does), reading exact bytes with timeouts."""
from __future__ import annotations

import pytest
import serial

from hardware.simulator import ModemSimulator

READ_TIMEOUT = 2.0


class Line:
    """The host's end of the serial line, as raw bytes."""

    def __init__(self, port: serial.Serial):
        self.port = port

    def send(self, text: str) -> None:
        self.port.write(text.encode("latin-1") + b"\r")

    def write(self, raw: bytes) -> None:
        self.port.write(raw)

    def expect(self, expected: bytes) -> None:
        """The next bytes on the line are exactly `expected`."""
        got = self.port.read(len(expected))
        assert got == expected, f"expected {expected!r}, got {got!r}"

    def until(self, marker: bytes = b"\r\nOK\r\n") -> bytes:
        """Everything up to and including `marker` (fails on timeout)."""
        got = self.port.read_until(marker)
        assert got.endswith(marker), f"no {marker!r} within {READ_TIMEOUT}s, got {got!r}"
        return got

    def command(self, text: str, final: bytes = b"\r\nOK\r\n") -> bytes:
        """Send a command, return its answer up to `final` (echo included if on)."""
        self.send(text)
        return self.until(final)

    def nothing_pending(self) -> None:
        """Prove nothing else was written before now: a bare AT answers just OK."""
        self.send("AT")
        self.expect(b"\r\nOK\r\n")


@pytest.fixture
def make_sim(tmp_path):
    """make_sim(dialect, echo=False, **kwargs) -> (sim, line); everything is closed after."""
    started: list[tuple[ModemSimulator, serial.Serial]] = []

    def make(dialect: str = "sim800", echo: bool = False, **kwargs):
        sim = ModemSimulator(dialect, tmp_path / f"modem{len(started)}", **kwargs).start()
        port = serial.Serial(sim.port, 115200, timeout=READ_TIMEOUT)
        started.append((sim, port))
        line = Line(port)
        if not echo:
            line.send("ATE0")
            line.expect(b"ATE0\r\r\nOK\r\n")
        return sim, line

    yield make
    for sim, port in started:
        try:
            port.close()
        except serial.SerialException:
            pass
        sim.stop()
