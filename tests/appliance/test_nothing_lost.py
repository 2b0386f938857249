"""A text-back's facts are never lost and never let a caller be texted twice: a kill -9
between the outbox write and the call write (a real daemon process on the simulator's
pseudo-terminal), and a full storage card that refuses everything but the outbox (a real box
whose disk reports no room and whose in-memory backlog is used up)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from appliance.storage import journal as journal_module
from hardware.simulator import ModemSimulator
from tests.appliance import daemon_support as daemon
from tests.appliance.box_support import CALLER, OTHER_CALLER, running_box, wait_settled
from tests.helpers import wait_for


@pytest.fixture
def sim(tmp_path):
    simulator = ModemSimulator("sim800", link_path=tmp_path / "modem").start()
    yield simulator
    simulator.stop()


def _texts_to(sim, number: str) -> int:
    return [to for to, _ in sim.sent_texts()].count(number)


def test_a_kill_between_the_outbox_write_and_the_call_write_loses_nothing(tmp_path, sim):
    data = tmp_path / "data"
    process = daemon.start(data, sim.port, kill_after_outbox=True)
    try:
        sim.ring(CALLER, number_type=145, rings=1)
        assert process.wait(20) == -9                   # killed at the moment meant
    finally:
        daemon.kill(process)
    assert daemon.calls(data) == [] and daemon.messages(data) == []
    assert [i["to"] for i in daemon.outbox(data)] == [CALLER]      # only the outbox written

    process = daemon.start(data, sim.port)
    try:
        wait_for(lambda: [c["outcome"] for c in daemon.calls(data)] in (["texted"],
                                                                       ["unconfirmed"]),
                 20, "the call recorded after the restart, with what became of its text")
        [call] = daemon.calls(data)
        [message] = daemon.messages(data)
        assert (message["id"], message["number"]) == (call["message_id"], CALLER)
        assert daemon.contact(data, CALLER)["last_textback_at"]     # the cooldown holds
        sim.ring(CALLER, number_type=145, rings=1)                   # ... and is obeyed
        wait_for(lambda: len(daemon.calls(data)) == 2, 20, "the second call recorded")
        assert sorted(c["outcome"] for c in daemon.calls(data))[0] == "cooldown"
        assert _texts_to(sim, CALLER) == 1
    finally:
        daemon.kill(process)


def test_a_full_disk_never_lets_one_caller_be_texted_twice(tmp_path, monkeypatch):
    room = {"free": 1 << 40}
    with running_box(tmp_path / "data", disk_free=lambda folder: room["free"]) as app:
        sim = app.simulator
        wait_settled(app)
        monkeypatch.setattr(journal_module, "BACKLOG_LIMIT", 1)   # memory's share used up
        room["free"] = 0
        wait_for(lambda: app.upkeep.full, 10, "the disk counted as full")
        for caller in (CALLER, CALLER, OTHER_CALLER, CALLER):
            sim.ring(caller, number_type=145, rings=1)
            sim.wait_idle(10)
            wait_for(lambda: app.service.settled(), 10, "the call handled")
            wait_settled(app)
        assert (_texts_to(sim, CALLER), _texts_to(sim, OTHER_CALLER)) == (1, 1)
        assert app.auto_texts.count(app.clock()).last_hour == 2       # the box-wide cap's
        assert app.store.calls() == []          # nothing could be stored, yet it held
        waiting = [i for i in app.outbox.items() if i.kind == "textback"]
        assert sorted(i.to for i in waiting) == sorted([CALLER, OTHER_CALLER])
        monkeypatch.undo()
        room["free"] = 1 << 40
        wait_for(lambda: not app.upkeep.full, 10, "room again")
    with running_box(tmp_path / "data") as app:      # the records written at start-up
        calls = {c.number: c.outcome for c in app.store.calls()}
        assert calls == {CALLER: "texted", OTHER_CALLER: "texted"}
        assert [i for i in app.outbox.items() if i.kind == "textback"] == []
        contact = app.store.contact(CALLER)
        assert sum(contact.textbacks_by_day.values()) == 1
        assert app.auto_texts.count(app.clock() + timedelta(seconds=1)).last_hour == 2
