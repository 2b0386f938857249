"""Missed call -> text back, end to end: the real box on the modem simulator, every dialect,
through the pseudo-terminal and pyserial exactly as on a real modem."""
from __future__ import annotations

import threading

import pytest

from appliance.core import templates
from appliance.core.domain import BoxBusy
from appliance.service.service import Request
from tests.appliance.box_support import (ALL_DIALECTS, CALLER, DIALECTS, OTHER_CALLER,
                                         UK_MOBILE, calls, running_box, wait_call, wait_settled)
from tests.helpers import wait_for


def _sim(app):
    return app.simulator


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
def test_an_abandoned_call_gets_exactly_one_text(tmp_path, dialect):
    with running_box(tmp_path, dialect) as app:
        _sim(app).ring(CALLER, number_type=145, rings=2)
        sent = wait_for(lambda: _sim(app).sent_texts(), 10, "a text-back")
        call = wait_call(app, outcome="texted")[0]
        wait_settled(app)
        settings = app.box.settings()
        assert _sim(app).sent_texts() == [
            (CALLER, templates.fill(settings["messages"][call.kind], settings))]
        assert sent[0][0] == CALLER
        assert (call.number, call.rings) == (CALLER, 2)
        assert len(calls(app)) == 1


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_withheld_caller_is_logged_and_not_texted(tmp_path, dialect):
    with running_box(tmp_path, dialect) as app:
        _sim(app).ring("", number_type=128, validity=1, rings=2, withheld=True)
        call = wait_call(app, outcome="withheld")[0]
        wait_settled(app)
        assert call.number is None
        assert _sim(app).sent_texts() == []


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_repeat_call_within_the_cooldown_is_logged_not_texted(tmp_path, dialect):
    with running_box(tmp_path, dialect) as app:
        _sim(app).ring(CALLER, number_type=145, rings=1)
        wait_call(app, outcome="texted")
        _sim(app).wait_idle(5)
        _sim(app).ring(CALLER, number_type=145, rings=1)
        second = wait_call(app, count=2, outcome="cooldown")
        wait_settled(app)
        assert [c.outcome for c in second] == ["cooldown", "texted"]
        assert len(_sim(app).sent_texts()) == 1


def test_a_national_number_is_made_e164_with_the_shops_region(tmp_path):
    with running_box(tmp_path, "sim800", settings={"region": "GB",
                                                   "timezone": "Europe/London"}) as app:
        _sim(app).ring("07400123456", number_type=129, rings=1)
        wait_call(app, outcome="texted")
        assert [n for n, _ in _sim(app).sent_texts()] == [UK_MOBILE]


@pytest.mark.parametrize("dialect", ["sim800"])    # sim7600: test_any_modem_end_to_end.py
def test_the_box_declines_a_call_after_reject_after_seconds(tmp_path, dialect):
    with running_box(tmp_path, dialect, settings={"reject_after_seconds": 5}) as app:
        _sim(app).ring(CALLER, number_type=145, rings=400, interval=0.05)
        call = wait_call(app, outcome="texted", timeout=15)[0]
        assert _sim(app).hangups == 1
        assert call.end_code == "declined"
        assert len(_sim(app).sent_texts()) == 1


def test_a_ring_in_the_middle_of_another_commands_answer_is_caught(tmp_path):
    with running_box(tmp_path, "sim800") as app:
        ring = b'\r\nRING\r\n\r\n+CLIP: "' + CALLER.encode() + b'",145,"",0,"",0\r\n'
        _sim(app).inject_during_next("AT+CSQ", ring)
        app.modem.refresh_status()
        wait_call(app, outcome="texted")
        assert [n for n, _ in _sim(app).sent_texts()] == [CALLER]


def test_a_cms_error_is_retried_until_the_text_goes(tmp_path):
    with running_box(tmp_path, "ec25") as app:
        _sim(app).fail_next_sends(2, code=500)
        _sim(app).ring(CALLER, number_type=145, rings=1)
        call = wait_call(app, outcome="texted")[0]
        message = app.store.get_message(call.message_id)
        assert message.status == "sent"
        refusals = b"".join(data for way, data in _sim(app).transcript if way == "out")
        assert refusals.count(b"+CMS ERROR: 500") == 2
        assert len(_sim(app).sent_texts()) == 1


def test_unplug_and_replug_then_texts_still_go_out(tmp_path):
    with running_box(tmp_path, "sim7600") as app:
        modem = app.modem
        _sim(app).unplug()
        wait_for(lambda: modem.status.state == "no_modem", 10, "modem seen as gone")
        _sim(app).replug()
        wait_for(lambda: modem.status.state == "ready", 15, "modem back")
        _sim(app).ring(CALLER, number_type=145, rings=1)
        wait_call(app, outcome="texted")
        assert len(_sim(app).sent_texts()) == 1
        events = [e["text"] for e in app.box.events(limit=20)]
        assert any(t.startswith("Modem lost") for t in events)


def test_a_modem_reboot_is_noticed_and_texts_still_go_out(tmp_path):
    with running_box(tmp_path, "sim800") as app:
        _sim(app).reboot()
        wait_for(lambda: any("restarted" in e["text"] for e in app.box.events(limit=20)), 10,
                 "restart noticed")
        wait_for(lambda: app.modem.status.state == "ready", 15, "re-initialised")
        _sim(app).ring(CALLER, number_type=145, rings=1)
        wait_call(app, outcome="texted")
        assert len(_sim(app).sent_texts()) == 1


def test_junk_on_the_line_does_not_stop_the_box(tmp_path):
    with running_box(tmp_path, "huawei") as app:
        _sim(app).inject(b"\r\n\xff\xfe\x00garbage\x80\r\n+CLIP: broken,,\r\n^CEND:x\r\n"
                         b"+CMTI: \"SM\",notanumber\r\n\x1b\x1a\r\n")
        _sim(app).ring(OTHER_CALLER, number_type=145, rings=1)
        wait_call(app, outcome="texted")
        assert app.service.alive()
        assert [n for n, _ in _sim(app).sent_texts()] == [OTHER_CALLER]


def test_a_stop_that_arrives_while_the_text_back_waits_cancels_it(tmp_path):
    with running_box(tmp_path, "ec25") as app:
        sim = _sim(app)
        sim.fail_next_sends(1000, code=331)               # no network: the text-back waits
        sim.ring(CALLER, number_type=145, rings=1)
        call = wait_call(app, outcome="queued")[0]
        sim.receive_text(CALLER, "STOP")
        wait_for(lambda: app.store.contact(CALLER).opted_out, 10, "opted out")
        sim.fail_next_sends(0)                            # the network is back
        wait_for(lambda: calls(app)[0].outcome == "opted_out", 10, "text-back cancelled")
        wait_settled(app)
        texts = sim.sent_texts()
        assert len(texts) == 1 and "START" in texts[0][1]  # only the STOP confirmation
        message = app.store.get_message(call.message_id)
        assert message.status == "failed" and "STOP" in message.error


def test_a_request_the_busy_service_could_not_take_is_not_done_later(tmp_path):
    with running_box(tmp_path, "sim800") as app:
        service = app.service
        release, ran = threading.Event(), []
        service.post(Request(lambda: release.wait(10)))      # the service is busy
        with pytest.raises(BoxBusy):
            service.call(lambda: ran.append("late"), timeout=0.2)
        release.set()
        wait_for(lambda: service.call(lambda: True), 5, "the service free again")
        assert ran == []
