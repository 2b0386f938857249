"""kill -9 at the worst moments: the daemon runs in its own process on the simulator's
pseudo-terminal, is killed without warning, and started again on the same data folder."""
from __future__ import annotations

from pathlib import Path

import pytest

from hardware.simulator import ModemSimulator
from tests.appliance import daemon_support as daemon
from tests.appliance.box_support import CALLER
from tests.helpers import wait_for

_start, _kill, _stored = daemon.start, daemon.kill, daemon.stored
_outbox, _calls = daemon.outbox, daemon.calls


@pytest.fixture
def sim(tmp_path):
    simulator = ModemSimulator("sim800", link_path=tmp_path / "modem").start()
    yield simulator
    simulator.stop()


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


def _inbound(data: Path) -> list[str]:
    return [r["text"] for r in _stored(data, "messages-", "messages") if r["direction"] == "in"]


def test_killing_the_daemon_while_it_receives_loses_no_text_and_stores_none_twice(tmp_path):
    sim = ModemSimulator("sim800", link_path=tmp_path / "modem", sm_capacity=40).start()
    data = tmp_path / "data"
    long_text = "Long one: " + "the boiler makes a knocking noise " * 12
    expected = []
    try:
        for round_, kill_after in enumerate((1, 3, 5)):
            daemon = _start(data, sim.port)
            try:
                batch = [f"round {round_} text {i}" for i in range(6)]
                for i, text in enumerate(batch):
                    sim.receive_text(f"+1212555{1000 + i:04d}", text)
                sim.receive_text("+12125559999", f"{long_text} ({round_})", order=[2, 3, 1])
                expected += batch + [f"{long_text} ({round_})"]
                already = len(expected) - len(batch) - 1
                # Kill while the batch is being taken in: after `kill_after` of its texts.
                wait_for(lambda: len(_inbound(data)) >= already + kill_after, 20,
                         f"{kill_after} text(s) of round {round_} stored")
            finally:
                _kill(daemon)
        daemon = _start(data, sim.port)     # the start-up sweep finds whatever is left
        try:
            wait_for(lambda: len(_inbound(data)) >= len(expected) and sim.storage["SM"] == {},
                     30, "every text stored and the SIM empty")
            assert sorted(_inbound(data)) == sorted(expected)
        finally:
            _kill(daemon)
    finally:
        sim.stop()
