"""kill -9 at the worst moments: the daemon runs in its own process on the simulator's
pseudo-terminal, is killed without warning, and started again on the same data folder."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hardware.simulator import ModemSimulator
from tests.appliance.box_support import CALLER
from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]
DAEMON = textwrap.dedent("""
    import logging, sys, threading
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from appliance.main import Appliance, Options
    logging.basicConfig(level=logging.INFO)
    app = Appliance(Options(data_dir=Path({data!r}), port={port!r}, fast=True, gpio=False))
    app.start()
    ready = threading.Event()
    while not ready.wait(0.02):
        if app.modem.status.state == "ready":
            ready.set()
    print("started", flush=True)
    threading.Event().wait()
""")


@pytest.fixture
def sim(tmp_path):
    simulator = ModemSimulator("sim800", link_path=tmp_path / "modem").start()
    yield simulator
    simulator.stop()


def _start(data: Path, port: str) -> subprocess.Popen:
    """Start the daemon and wait until its modem is initialised."""
    code = DAEMON.format(root=str(ROOT), data=str(data), port=port)
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    # readline blocks until the line comes or the process dies (then it returns "").
    assert process.stdout.readline().strip() == "started", "the daemon did not start"
    return process


def _kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)


def _outbox(data: Path) -> list[dict]:
    path = data / "outbox.json"
    if not path.exists():
        return []
    # Written with os.replace, so a reader never sees half a file.
    return list(json.loads(path.read_text() or "{}").get("outbox", {}).values())


def _calls(data: Path) -> list[dict]:
    found = []
    for path in sorted(data.glob("calls-*.json")):
        found += json.loads(path.read_text()).get("calls", {}).values()
    return found


def test_a_text_queued_when_the_daemon_is_killed_is_sent_once_after_restart(tmp_path, sim):
    data = tmp_path / "data"
    sim.fail_next_sends(1000, code=331)         # no network: the text waits in the outbox
    daemon = _start(data, sim.port)
    try:
        sim.ring(CALLER, number_type=145, rings=1)
        wait_for(lambda: any(i.get("attempts", 0) >= 1 for i in _outbox(data)), 20,
                 "the text-back waiting in the outbox after a failed try")
    finally:
        _kill(daemon)
    assert sim.sent_texts() == []
    sim.fail_next_sends(0)
    daemon = _start(data, sim.port)
    try:
        wait_for(lambda: sim.sent_texts(), 20, "the text sent after the restart")
        wait_for(lambda: _outbox(data) == [] and
                 [c["outcome"] for c in _calls(data)] == ["texted"], 20, "outbox drained")
        assert [n for n, _ in sim.sent_texts()] == [CALLER]
    finally:
        _kill(daemon)


def test_a_text_killed_after_ctrl_z_is_never_sent_twice(tmp_path, sim):
    data = tmp_path / "data"
    sim.swallow_next_send(1)                    # the modem sends it but never answers
    daemon = _start(data, sim.port)
    try:
        sim.ring(CALLER, number_type=145, rings=1)
        wait_for(lambda: any(i.get("status") == "submitting" for i in _outbox(data))
                 and len(sim.sent) == 1, 20, "the text submitted (Ctrl-Z written, no answer)")
    finally:
        _kill(daemon)
    assert len(sim.sent) == 1
    daemon = _start(data, sim.port)
    try:
        wait_for(lambda: [i.get("status") for i in _outbox(data)] == ["unconfirmed"], 20,
                 "the text marked unconfirmed, not resent")
        sim.ring("+12125559876", number_type=145, rings=1)   # the box still works...
        wait_for(lambda: len(sim.sent) == 2, 20, "the next caller's text")
        assert [t.number for t in sim.sent] == [CALLER, "+12125559876"]   # ...and never resent
    finally:
        _kill(daemon)
