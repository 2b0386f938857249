"""The daemon's watchdog and status light, on a real box: systemd is pinged (through a real
NOTIFY_SOCKET) only while every thread is alive; a hung service thread stops the pings; the
light shows the modem's state on gpiozero's mock pins."""
from __future__ import annotations

import socket
import threading

import pytest
from gpiozero.pins.mock import MockFactory

from appliance.service.service import Request
from hardware.status_light import StatusLight
from tests.appliance.box_support import running_box
from tests.helpers import wait_for


@pytest.fixture
def notify_socket(tmp_path, monkeypatch):
    """A datagram socket standing in for systemd's; returns a function giving what arrived."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(0.05)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    received: list[str] = []

    def messages() -> list[str]:
        while True:
            try:
                received.append(sock.recv(4096).decode())
            except (socket.timeout, BlockingIOError):
                return list(received)
    yield messages
    sock.close()


def test_a_hung_service_thread_stops_the_watchdog_pings(tmp_path, notify_socket):
    with running_box(tmp_path / "data", "sim800") as app:
        wait_for(lambda: "READY=1" in notify_socket(), 5, "READY=1")
        wait_for(lambda: notify_socket().count("WATCHDOG=1") >= 3, 5, "watchdog pings")
        watchdog = app.monitor.watchdog
        release = threading.Event()
        app.service.post(Request(lambda: release.wait(20)))   # hangs
        try:
            wait_for(lambda: watchdog.failing == ["service thread"], 10, "the hang noticed")
            pings = notify_socket().count("WATCHDOG=1")
            rounds = watchdog.rounds
            wait_for(lambda: watchdog.rounds >= rounds + 3, 5, "three more watchdog rounds")
            assert notify_socket().count("WATCHDOG=1") == pings        # no ping while hung
        finally:
            release.set()
        wait_for(lambda: watchdog.failing == [], 10, "the service recovered")
        wait_for(lambda: notify_socket().count("WATCHDOG=1") > pings, 5, "pings again")


def test_the_status_light_follows_the_modem(tmp_path):
    factory = MockFactory()
    light = StatusLight(17, pin_factory=factory)
    with running_box(tmp_path / "data", "sim7600") as app:
        app.monitor.light = light
        wait_for(lambda: light.pattern.name == "steady", 5, "steady when ready")
        app.simulator.unplug()
        wait_for(lambda: light.pattern.name == "fast_blink", 10, "fast blink without a modem")
        app.simulator.replug()
        wait_for(lambda: light.pattern.name == "steady", 15, "steady again")
    light.close()
