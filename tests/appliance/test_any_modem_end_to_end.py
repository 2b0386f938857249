"""Any modem a shop can buy, end to end: a real box on the simulator's profiles of modules
beyond the first families. Calls ended by the call list, a vendor's unknown end code logged
once, a caller named only by the call list, texts found without announcements, a start-up
step that blocks (named, then passed), a withheld caller on a SIM7600, a call declined on time,
and three minutes' worth of modem junk."""
from __future__ import annotations

import logging
from dataclasses import replace

from appliance.app.timings import FAST
from hardware.unknown_lines import MAX_KINDS
from tests.appliance.box_support import (CALLER, OTHER_CALLER, calls, running_box, wait_call,
                                         wait_settled)
from tests.helpers import wait_for


def _sim(app):
    return app.simulator


def _events(app, text):
    return [e for e in app.box.events(limit=200) if text in e["text"]]


def test_a_vendors_unknown_end_code_is_logged_once_and_calls_end_by_the_call_list(tmp_path):
    with running_box(tmp_path, "vendorend") as app:
        for count, number in enumerate((CALLER, OTHER_CALLER), start=1):
            _sim(app).ring(number, number_type=145, rings=2, interval=0.1)
            found = wait_call(app, count=count, outcome="texted")
        wait_settled(app)
        assert sorted(n for n, _ in _sim(app).sent_texts()) == sorted([CALLER, OTHER_CALLER])
        assert {c.end_code for c in found} == {"AT+CLCC"}
        logged = _events(app, "does not know")
        assert [e["text"] for e in logged] == [
            "The modem sent a line the box does not know (+ZCEND:): +ZCEND: 1,16"]
        profile = app.box.modem_profile()
        assert profile["call_list"] is True and profile["unknown_lines"][0]["kind"] == "+ZCEND:"


def test_a_modem_that_never_sends_caller_id_still_names_the_caller(tmp_path):
    with running_box(tmp_path, "noclip") as app:
        _sim(app).ring(CALLER, number_type=145, rings=2, interval=0.2)
        call = wait_call(app, outcome="texted")[0]
        assert call.number == CALLER and call.end_code == "NO CARRIER"
        assert [n for n, _ in _sim(app).sent_texts()] == [CALLER]


def test_texts_are_found_when_the_modem_never_announces_them(tmp_path):
    with running_box(tmp_path, "nocnmi") as app:
        _sim(app).receive_text(CALLER, "Can you come Tuesday?")
        thread = wait_for(lambda: app.box.conversation(CALLER), 5, "the text taken in")
        assert thread["messages"][-1]["text"] == "Can you come Tuesday?"
        wait_for(lambda: _sim(app).storage["SM"] == {}, 3, "the SIM slot freed")
        assert _events(app, "does not announce new texts")


def test_a_blocked_start_up_step_is_named_and_the_box_starts_once_it_passes(tmp_path):
    with running_box(tmp_path, "ec25", prepare=lambda b: _sim(b).refuse("+CMGF"),
                     wait_ready=False) as app:
        wait_for(lambda: app.box.status()["modem"]["blocking"], 5, "the blocking step")
        status = app.box.status()
        assert status["modem"]["state"] == "starting"
        assert status["modem"]["blocking"] == "PDU mode (AT+CMGF=0): ERROR"
        assert "PDU mode (AT+CMGF=0)" in status["health"]["problem"]
        assert _events(app, "Modem start-up blocked at PDU mode (AT+CMGF=0): ERROR")
        _sim(app).stop_refusing()
        wait_for(lambda: app.box.status()["modem"]["state"] == "ready", 5, "ready once it passes")
        assert app.box.status()["modem"]["blocking"] is None
        _sim(app).ring(CALLER, number_type=145, rings=1)
        wait_call(app, outcome="texted")


def test_a_withheld_caller_on_a_sim7600_is_recorded_at_once_and_not_merged(tmp_path):
    with running_box(tmp_path, "sim7600", timings=replace(FAST, ring_gap=FAST.ring_gap * 20)) \
            as app:
        _sim(app).ring("", rings=1, withheld=True)        # ends "MISSED_CALL: 11:53AM"
        _sim(app).ring(CALLER, number_type=145, rings=1)
        found = wait_call(app, count=2, outcome="texted")
        assert [(c.number, c.end_code, c.outcome) for c in reversed(found)] == [
            (None, "MISSED_CALL", "withheld"), (CALLER, "MISSED_CALL", "texted")]


def test_a_call_is_declined_on_time_not_at_its_next_ring(tmp_path):
    # Rings 2 s apart in this test: a longer ring gap than the tests' usual.
    with running_box(tmp_path, "sim7600", settings={"reject_after_seconds": 5},
                     timings=replace(FAST, ring_gap=FAST.ring_gap * 10)) as app:
        call = _sim(app).ring(CALLER, number_type=145, rings=6, interval=2.0)
        record = wait_call(app, outcome="texted", timeout=15)[0]
        assert record.end_code == "declined" and call.outcome == "declined"
        timed = _sim(app).timed_transcript
        first_ring = next(at for at, way, data in timed if way == "out" and b"RING" in data)
        hang_up = next(at for at, way, data in timed if way == "in" and b"ATH" in data)
        # Rings come every 2 s: declining at the next ring would be about 1 s late.
        assert 5.0 <= hang_up - first_ring < 5.5


def test_modem_junk_crashes_nothing_and_broken_entries_are_freed(tmp_path, caplog):
    junk = [b"+CLIP: \"+1555", b"+CMTI: \"SM\",", b"+CLCC: x,y", b"MISSED_CALL:",
            b"+CMT: ,23\r\nZZZZ", b"+CMT: ,5\r\n0011", b"+CDS: 9\r\n00", b"\xff\xfe\xc3(\x80",
            b"X" * 5000, b"^CEND:", b"+UCALLSTAT: 1", b"+CMTI: \"\xff\xff\",3", b"\x00\x1a\x1b"]
    caplog.set_level(logging.INFO)
    with running_box(tmp_path, "sim800") as app:
        broken = [_sim(app).store_unreadable("SM") for _ in range(3)]
        for round_ in range(25):
            for piece in junk:
                _sim(app).inject(b"\r\n" + piece + b"\r\n")
            _sim(app).inject(b"\r\n+Q%d: chatter\r\n" % round_)
        wait_for(lambda: not any(i in _sim(app).storage["SM"] for i in broken), 10,
                 "broken SIM entries freed")
        _sim(app).ring(CALLER, number_type=145, rings=1)
        wait_call(app, outcome="texted")
        assert app.modem.alive() and app.service.alive() and app.sender.alive()
        assert len(_events(app, "does not know")) <= MAX_KINDS + 1
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert tracebacks == [], [r.getMessage() for r in tracebacks]
    assert not calls(app)[1:], "junk must not look like a call"
