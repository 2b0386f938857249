"""Ringing calls through the Modem adapter: the call list (AT+CLCC) asked while a call rings and
never counted as a ring, skipped while a text holds the modem, and the module's own list of
missed calls (read, delete, "not supported")."""
import threading
import time

import pytest

from appliance.core.domain import (CallEndSeen, CallerIdSeen, CallListSeen, ModemMissedCall,
                                   RingSeen)
from hardware.at_channel import ATChannel
from hardware.call_watch import CallWatch, listed_call
from tests.hardware.modem_support import (EventLog, commands_sent, start_modem,
                                          start_simulator, wait_state)
from tests.helpers import wait_for

CUSTOMER = "+15551234567"


@pytest.fixture
def rig(request, tmp_path):
    sim = start_simulator(tmp_path, getattr(request, "param", "plain"))
    events = EventLog()
    modem = start_modem(sim.port, events, call_poll_interval=0.1)
    try:
        wait_state(modem, "ready")
        yield sim, modem, events
    finally:
        modem.stop()
        sim.stop()


def assert_no_more_questions(sim, modem, events, at_start: int):
    """The call watch has no question scheduled (it asks again only at a new RING or caller
    ID), and every AT+CLCC since `at_start` (those of start-up) was answered and passed on:
    nothing is in flight."""
    wait_for(lambda: not modem.asking_about_a_call(), 3, "no question scheduled")
    wait_for(lambda: commands_sent(sim).count("AT+CLCC") - at_start ==
             len(events.of(CallListSeen)), 3, "every question answered")
    assert not modem.asking_about_a_call()


def test_a_ringing_call_is_asked_about_until_the_list_no_longer_shows_it(rig):
    sim, modem, events = rig
    at_start = commands_sent(sim).count("AT+CLCC")
    sim.ring(CUSTOMER, rings=3, interval=0.25)
    sim.wait_idle(5)
    last = events.wait(CallListSeen, where=lambda e: not e.calls, timeout=3)[0]
    lists = events.of(CallListSeen)
    showing = [e for e in lists if e.calls]
    assert showing and all(c.number == CUSTOMER and c.state == 4 and c.incoming
                           for e in showing for c in e.calls)
    assert lists[-1] is last and all(e.asked_at <= e.at for e in lists)
    # The answers are the question's, never rings or caller IDs of their own.
    assert len(events.of(RingSeen)) == 3 and len(events.of(CallerIdSeen)) == 3
    assert_no_more_questions(sim, modem, events, at_start)


@pytest.mark.parametrize("rig", ["sim800"], indirect=True)
def test_a_known_end_code_stops_the_questions(rig):
    sim, modem, events = rig
    at_start = commands_sent(sim).count("AT+CLCC")
    sim.ring(CUSTOMER, rings=1, interval=0.05)
    events.wait(CallEndSeen, 2)                    # +CLCC state 6, then NO CARRIER
    assert commands_sent(sim).count("AT+CLCC") > at_start   # asked at the call's first sign
    assert_no_more_questions(sim, modem, events, at_start)


@pytest.mark.parametrize("rig", ["noclip"], indirect=True)
def test_the_call_list_names_a_caller_the_modem_never_announced(rig):
    sim, modem, events = rig
    sim.ring(CUSTOMER, rings=2, interval=0.3)
    listed = events.wait(CallListSeen, where=lambda e: bool(e.calls))[0]
    assert listed.calls[0].number == CUSTOMER and events.of(CallerIdSeen) == []


def test_a_poll_never_waits_for_a_text_being_sent(tmp_path):
    sim = start_simulator(tmp_path, "plain")
    channel = ATChannel(sim.port)
    channel.open()
    try:
        watch = CallWatch(interval=0.1)
        watch.enabled = True
        assert watch.noticed(RingSeen(at=None))
        held, release = threading.Event(), threading.Event()

        def sending():
            with channel.session(5):              # what a text being submitted does
                held.set()
                release.wait(5)
        sender = threading.Thread(target=sending)
        sender.start()
        held.wait(2)
        started = time.monotonic()
        assert watch.poll(channel, 1.0, lambda: None) is None
        assert time.monotonic() - started < 0.05
        assert 0 < watch.due_in() <= 0.1           # tried again shortly
        release.set()
        sender.join(2)
        assert watch.poll(channel, 1.0, lambda: None).calls == ()
        assert watch.due_in() is None              # nothing rings: the questions stop
    finally:
        channel.close()
        sim.stop()


@pytest.mark.parametrize("text,expected", [
    ('1,1,4,0,0,"+15551234567",145', (1, True, 4, "+15551234567", 145)),
    ('1,0,0,0,0,"123",129,""', (1, False, 0, "123", 129)),
    ('2,1,5,0,0', (2, True, 5, None, None)),
    ('1,1,6,0,0,"",128', (1, True, 6, None, 128)),
])
def test_call_list_lines(text, expected):
    call = listed_call(text)
    assert (call.index, call.incoming, call.state, call.number, call.number_type) == expected


@pytest.mark.parametrize("text", ["1,1", "x,1,4", "", "1,1,four,0,0"])
def test_lines_that_are_not_calls(text):
    assert listed_call(text) is None


def test_the_modules_own_missed_call_list(rig):
    sim, modem, events = rig
    sim.ring(CUSTOMER, rings=1, interval=0.02)
    sim.ring("07700900123", rings=1, interval=0.02)
    sim.wait_idle(5)
    listed = modem.missed_call_list()
    assert [(e.index, e.number, e.number_type) for e in listed] == [
        (1, "07700900123", 129), (2, CUSTOMER, 145)]
    assert all(e.at is not None and e.at.tzinfo is not None for e in listed)
    sim.ring("+15559876543", rings=1, interval=0.02)   # a new call moves the indexes on
    sim.wait_idle(5)
    assert modem.delete_missed_calls(listed) == 0        # index 1 holds another call now
    fresh = modem.missed_call_list()
    assert modem.delete_missed_calls(fresh[1:]) == 2
    assert [e.number for e in modem.missed_call_list()] == ["+15559876543"]
    stale = ModemMissedCall(index=5, number=CUSTOMER, number_type=145)
    assert modem.delete_missed_calls([stale]) == 0


@pytest.mark.parametrize("rig", ["sim800", "nolist"], indirect=True)
def test_modules_without_the_list_say_not_supported(rig):
    sim, modem, events = rig
    assert modem.missed_call_list() is None
    assert modem.delete_missed_calls([ModemMissedCall(1, CUSTOMER, 145)]) == 0
    wait_for(lambda: modem.status.state == "ready", 2, "still ready")
