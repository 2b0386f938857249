"""The AT channel through pyserial against the simulator (and, for silence, a bare pty)."""
import os
import select
import threading

import pytest

from appliance.core.domain import (CallEndSeen, ModemRestarted, ModemUnavailable, RingSeen,
                                   SendFailed, SendUnconfirmed, SmsPduReceived, SmsStored)
from hardware.at_channel import ATChannel, ChannelBusy, CommandTimeout, PortLost
from hardware.at_lines import Response
from tests.hardware.modem_support import EventLog, start_simulator
from tests.helpers import wait_for

PDU_HI = (15, "0001000B915155214365F7000002E834")          # "hi" to +15551234567


@pytest.fixture
def sim(tmp_path):
    simulator = start_simulator(tmp_path, "sim800")
    yield simulator
    simulator.stop()


@pytest.fixture
def events():
    return EventLog()


@pytest.fixture
def channel(sim, events):
    lost = []
    ch = ATChannel(sim.port, on_event=events, on_lost=lost.append)
    ch.lost_reasons = lost
    ch.open()
    yield ch
    ch.close()


def test_answer_lines_without_the_echo(channel):
    response = channel.command("AT+CGMM", 2)
    assert response == Response("AT+CGMM", ["SIM800 R14.18"], "OK")
    assert response.ok


def test_error_codes_are_final_answers(channel, sim):
    channel.command("AT+CMEE=1", 2)
    sim.set_network(pin="absent")
    response = channel.command("AT+CPIN?", 2)
    assert (response.ok, response.final, response.error_code) == (False, "+CME ERROR: 10", 10)


def test_command_not_support_is_final(tmp_path, events):
    sim = start_simulator(tmp_path, "huawei")
    try:
        channel = ATChannel(sim.port, on_event=events)
        channel.open()
        response = channel.command("AT+QFOO=1", 2)
        assert response.final == "COMMAND NOT SUPPORT" and not response.ok
        channel.close()
    finally:
        sim.stop()


def test_codes_in_the_middle_of_an_answer_are_events(channel, sim, events):
    channel.command("AT+CMEE=1", 2)
    sim.receive_text("+15557654321", "Hello", notify=False)
    sim.inject_during_next("AT+CMGR", b'\r\nRING\r\n\r\n+CMTI: "SM",2\r\n\r\n+CMTI: "SM",3\r\n'
                                      b"\r\n+SMS FULL\r\n")
    response = channel.command("AT+CMGR=1", 2)
    assert response.ok and len(response.lines) == 2 and response.lines[0].startswith("+CMGR:")
    kinds = [(type(e).__name__, getattr(e, "index", None)) for e in events.all]
    assert kinds == [("RingSeen", None), ("SmsStored", 2), ("SmsStored", 3),
                     ("SmsStorageFull", None)]


def test_two_new_message_codes_in_one_burst_are_both_delivered(channel, sim, events):
    sim.inject(b'\r\n+CMTI: "SM",1\r\n\r\n+CMTI: "SM",2\r\n')
    stored = events.wait(SmsStored, 2)
    assert [e.index for e in stored] == [1, 2]


def test_odd_line_ends_and_lines_split_across_reads(channel, sim, events):
    sim.inject(b"RING\r\r\n")
    sim.inject(b"+CRING: VOICE\n")
    sim.inject(b'\n\r+CM')
    events.wait(RingSeen, 2)
    sim.inject(b'TI: "ME",4\r\n')
    assert events.wait(SmsStored)[0].memory == "ME"


def test_junk_bytes_do_not_stop_the_reader(channel, sim, events):
    sim.inject(b"\xff\xfe\x00\x80garbage\xc3\r\n\x00\x00\r\n\x1a\x1bRING\r\n")
    events.wait(RingSeen)
    assert channel.command("AT", 2).ok
    assert channel.reader_alive() and channel.lost is None


def test_no_carrier_is_a_call_end_unless_dialling(channel, sim, events):
    sim.inject_during_next("AT+CSQ", b"\r\nNO CARRIER\r\n")
    response = channel.command("AT+CSQ", 2)
    assert response.lines == ["+CSQ: 20,99"] and response.ok
    assert events.of(CallEndSeen) == [CallEndSeen(at=events.all[0].at, code="NO CARRIER")]


def test_two_line_direct_text_in_the_middle_of_an_answer(channel, sim, events):
    pdu = "07915155000099F9040B915155214365F70000621172608152000AE8329BFD4697D9EC37"
    sim.inject_during_next("AT+CSQ", f"\r\n+CMT: ,28\r\n{pdu}\r\n".encode())
    response = channel.command("AT+CSQ", 2)
    assert response.lines == ["+CSQ: 20,99"]
    assert events.wait(SmsPduReceived)[0].pdu == pdu


def test_a_code_that_answers_its_own_command_is_not_an_event(channel, sim, events):
    assert channel.command("AT+CPIN?", 2).lines == ["+CPIN: READY"]
    assert events.of(ModemRestarted) == []
    sim.inject(b"\r\n+CPIN: READY\r\n")
    assert events.wait(ModemRestarted)[0].code == "+CPIN: READY"


def test_send_pdu_returns_the_reference_and_calls_the_hook_before_ctrl_z(channel, sim):
    seen_at_hook = []
    reference = channel.send_pdu(*PDU_HI, on_submitting=lambda: seen_at_hook.append(len(sim.sent)))
    assert seen_at_hook == [0]
    assert reference == sim.sent[0].reference
    assert (sim.sent[0].number, sim.sent[0].text) == ("+15551234567", "hi")


def test_refused_send_is_send_failed(channel, sim):
    channel.command("AT+CMEE=1", 2)
    sim.fail_next_sends(1, code=500)
    with pytest.raises(SendFailed) as failure:
        channel.send_pdu(*PDU_HI)
    assert failure.value.code == 500 and sim.sent == []
    assert channel.send_pdu(*PDU_HI) == sim.sent[0].reference


def test_refusal_before_the_prompt_is_send_failed_and_the_hook_never_runs(channel, sim):
    channel.command("AT+CMEE=1", 2)
    sim.set_network(pin="absent")
    called = []
    with pytest.raises(SendFailed) as failure:
        channel.send_pdu(*PDU_HI, on_submitting=lambda: called.append(1))
    assert failure.value.code == 310 and called == [] and sim.sent == []


def test_swallowed_send_is_unconfirmed_and_the_channel_recovers(channel, sim):
    sim.swallow_next_send()
    with pytest.raises(SendUnconfirmed):
        channel.send_pdu(*PDU_HI, answer_timeout=0.3)
    assert sim.sent[0].unconfirmed
    assert channel.command("AT+CSQ", 2).lines == ["+CSQ: 20,99"]


def test_hook_failure_cancels_with_escape(channel, sim):
    def refuse():
        raise OSError("disk full")
    with pytest.raises(SendFailed, match="disk full"):
        channel.send_pdu(*PDU_HI, on_submitting=refuse)
    assert sim.sent == []
    assert channel.command("AT", 2).ok
    assert (b"\x1b" in b"".join(chunk for way, chunk in sim.transcript if way == "in"))


def test_unplugged_port_is_reported_and_commands_fail(channel, sim):
    sim.unplug()
    wait_for(lambda: channel.lost_reasons, 3, "on_lost")
    assert channel.lost
    with pytest.raises(PortLost):
        channel.command("AT", 1)
    assert isinstance(PortLost("x"), ModemUnavailable)


def test_cannot_open_a_missing_port(tmp_path):
    with pytest.raises(PortLost):
        ATChannel(str(tmp_path / "nothing")).open()


def test_one_command_at_a_time(channel):
    errors = []
    with channel.session(1.0):
        worker = threading.Thread(target=lambda: _capture(errors, channel.command, "AT", 1, 0.05))
        worker.start()
        worker.join(2)
    assert [type(e) for e in errors] == [ChannelBusy]


def _capture(errors, fn, *args):
    try:
        fn(*args)
    except Exception as error:
        errors.append(error)


# --- a port where nobody answers: a bare pseudo-terminal ---------------------------------------

@pytest.fixture
def mute_port():
    master, slave = os.openpty()
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def _read_all(fd, timeout=0.5) -> bytes:
    data = b""
    while select.select([fd], [], [], timeout)[0]:
        data += os.read(fd, 1024)
        timeout = 0.05
    return data


def test_no_answer_is_a_timeout(mute_port):
    master, path = mute_port
    channel = ATChannel(path)
    channel.open()
    try:
        with pytest.raises(CommandTimeout) as timeout:
            channel.command("AT", 0.2)
        assert isinstance(timeout.value, TimeoutError)
        assert _read_all(master).startswith(b"AT\r")
    finally:
        channel.close()


def test_no_prompt_is_send_failed_and_escape_is_written(mute_port):
    master, path = mute_port
    channel = ATChannel(path)
    channel.open()
    called = []
    try:
        with pytest.raises(SendFailed, match="prompt"):
            channel.send_pdu(*PDU_HI, prompt_timeout=0.2, on_submitting=lambda: called.append(1))
        written = _read_all(master)
        assert written.startswith(b"AT+CMGS=15\r") and written.endswith(b"\x1b")
        assert called == [] and b"\x1a" not in written
    finally:
        channel.close()


def test_prompt_then_silence_is_unconfirmed(mute_port):
    master, path = mute_port
    channel = ATChannel(path)
    channel.open()
    try:
        result = []
        worker = threading.Thread(target=lambda: _capture(
            result, channel.send_pdu, *PDU_HI, 2.0, 0.3))
        worker.start()
        wait_for(lambda: b"AT+CMGS" in _read_all(master, 0.1), 2, "AT+CMGS")
        os.write(master, b"\r\n> ")
        worker.join(3)
        assert [type(e) for e in result] == [SendUnconfirmed]
        assert _read_all(master).endswith(b"E834\x1a")
    finally:
        channel.close()


def test_response_helpers():
    response = Response("AT+CMGS=18", ["+CMGS: 7", "+CMGS: 8"], "+CMS ERROR: 500")
    assert (response.value("+CMGS:"), response.values("+CMGS:")) == ("7", ["7", "8"])
    assert response.error_code == 500 and not response.ok
    assert Response("AT", [], "ERROR").error_code is None
