"""sd_notify over a real AF_UNIX datagram socket, and a watchdog that stops pinging when a thread
hangs (and starts again when it recovers)."""
import logging
import os
import shutil
import socket
import tempfile
import threading
import uuid

import pytest

from appliance.app import systemd
from appliance.app.watchdog import DEFAULT_INTERVAL, Heartbeat, Watchdog
from tests.helpers import wait_for


class FakeSystemd:
    """The receiving end of NOTIFY_SOCKET: a bound datagram socket we can read without waiting."""

    def __init__(self, address):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(address)
        self.sock.setblocking(False)
        self.received = []

    def drain(self):
        """Every message that arrived since the last drain."""
        new = []
        while True:
            try:
                new.append(self.sock.recv(4096).decode())
            except BlockingIOError:
                break
        self.received += new
        return new

    def close(self):
        self.sock.close()


@pytest.fixture
def short_dir():
    # AF_UNIX paths are limited to 108 bytes; pytest's tmp_path can be longer
    path = tempfile.mkdtemp(prefix="tb-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def fake_systemd(short_dir, monkeypatch):
    path = os.path.join(short_dir, "notify")
    listener = FakeSystemd(path)
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    yield listener
    listener.close()


# --- sd_notify --------------------------------------------------------------------------------

def test_without_notify_socket_everything_is_a_quiet_no_op(monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert systemd.notify_ready() is False
    assert systemd.notify_watchdog() is False
    assert systemd.notify_status("ready") is False


def test_messages_reach_the_socket(fake_systemd):
    assert systemd.notify_ready() is True
    assert systemd.notify_watchdog() is True
    assert systemd.notify_status("ready;\n queued   0") is True
    assert systemd.notify_stopping() is True
    # sendto on a local datagram socket returns once the message is queued: no waiting needed
    assert fake_systemd.drain() == ["READY=1", "WATCHDOG=1", "STATUS=ready; queued 0",
                                     "STOPPING=1"]


def test_abstract_namespace_socket(monkeypatch):
    name = f"textback-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    listener = FakeSystemd("\0" + name)
    try:
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        assert systemd.notify_ready() is True
        assert listener.drain() == ["READY=1"]
    finally:
        listener.close()


def test_a_missing_socket_is_logged_not_raised(short_dir, monkeypatch, caplog):
    monkeypatch.setenv("NOTIFY_SOCKET", os.path.join(short_dir, "gone"))
    assert systemd.notify_watchdog() is False
    assert "could not notify systemd (WATCHDOG)" in caplog.text


def test_other_socket_kinds_are_ignored(monkeypatch):
    monkeypatch.setenv("NOTIFY_SOCKET", "vsock:2:1234")
    assert systemd.notify_ready() is False


@pytest.mark.parametrize("usec,pid,interval", [
    ("60000000", None, 30.0),
    ("60000000", "self", 30.0),
    ("60000000", "1", None),          # meant for another process
    (None, None, None),
    ("garbage", None, None),
    ("0", None, None),
])
def test_watchdog_interval_is_half_of_watchdog_usec(monkeypatch, usec, pid, interval):
    for var, value in (("WATCHDOG_USEC", usec),
                       ("WATCHDOG_PID", str(os.getpid()) if pid == "self" else pid)):
        if value is None:
            monkeypatch.delenv(var, raising=False)
        else:
            monkeypatch.setenv(var, value)
    assert systemd.watchdog_interval() == interval


def test_watchdog_interval_follows_systemd(monkeypatch):
    monkeypatch.setenv("WATCHDOG_USEC", "2000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    assert Watchdog({}).interval == 1.0
    monkeypatch.delenv("WATCHDOG_USEC")
    assert Watchdog({}).interval == DEFAULT_INTERVAL
    assert Watchdog({}, interval=0.5).interval == 0.5


# --- the watchdog thread ------------------------------------------------------------------------

class Worker:
    """A service-like loop that beats its heartbeat every turn until it 'hangs' in a call."""

    def __init__(self):
        self.heartbeat = Heartbeat(max_age=0.2)
        self.unstuck = threading.Event()
        self.unstuck.set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop.wait(0.01):
            self.unstuck.wait()          # a blocking call that may never return
            self.heartbeat.beat()


def pings(messages):
    return [m for m in messages if m == "WATCHDOG=1"]


def test_a_hung_thread_stops_the_pings_and_recovery_restarts_them(fake_systemd, caplog):
    worker = Worker()
    worker.thread.start()
    dog = Watchdog({"service thread": worker.heartbeat.fresh, "web": lambda: True},
                   interval=0.02)
    dog.start()
    try:
        wait_for(lambda: pings(fake_systemd.drain()), message="pings while all is well")

        worker.unstuck.clear()                                   # the service thread hangs
        wait_for(lambda: dog.failing == ["service thread"], message="the hang to be noticed")
        stopped_at = dog.rounds
        noticed = fake_systemd.drain()
        assert "STATUS=unhealthy: service thread (restart coming)" in noticed
        wait_for(lambda: dog.rounds >= stopped_at + 10, message="ten more rounds")
        assert pings(fake_systemd.drain()) == []                 # not one ping while hung
        assert "not pinging systemd: service thread failing" in caplog.text

        worker.unstuck.set()                                     # it comes back
        wait_for(lambda: pings(fake_systemd.drain()), message="pings again after recovery")
        assert dog.failing == []
        assert "STATUS=healthy" in fake_systemd.received
    finally:
        dog.stop()
        worker.stop.set()
        worker.unstuck.set()
    assert not dog.alive()


def test_one_round_pings_only_when_every_check_passes(caplog):
    sent = []
    state = {"modem": True}
    dog = Watchdog({"modem": lambda: state["modem"], "sender": lambda: True},
                   notify=lambda: sent.append("WATCHDOG=1"), status=sent.append, interval=1)
    assert dog.check_once() is True
    state["modem"] = False
    assert dog.check_once() is False
    assert dog.check_once() is False
    assert sent == ["WATCHDOG=1", "unhealthy: modem (restart coming)"]   # logged once, not twice
    assert caplog.text.count("not pinging systemd: modem failing") == 1


def test_a_check_that_raises_counts_as_failing(caplog):
    sent = []

    def broken():
        raise RuntimeError("modem object gone")

    dog = Watchdog({"modem": broken}, notify=lambda: sent.append(1), status=lambda s: None,
                   interval=1)
    caplog.set_level(logging.ERROR)
    assert dog.check_once() is False
    assert sent == [] and dog.failing == ["modem"]
    assert "modem object gone" in caplog.text


def test_heartbeat_age_on_a_fake_clock():
    now = [100.0]
    beat = Heartbeat(max_age=30, monotonic=lambda: now[0])
    now[0] += 30
    assert beat.fresh()
    now[0] += 0.1
    assert not beat.fresh()
    beat.beat()
    assert beat.fresh() and beat.age() == 0
