"""The Modem adapter driven against the simulator of each family, through pyserial on a pty."""
import os
import select
import threading

import pytest

from appliance.core.domain import (CallEndSeen, CallerIdSeen, CallForwardedSeen, DeliveryReport,
                                   IncomingText, ModemConnected, ModemLost, ModemRestarted,
                                   ModemUnavailable, RingSeen, SendFailed, SendUnconfirmed,
                                   SmsPduReceived, SmsStored, StatusReportStored)
from hardware import pdu
from tests.hardware.modem_support import rig  # noqa: F401  (fixture)
from tests.hardware.modem_support import (DIALECTS, EventLog, commands_sent, start_modem,
                                          start_simulator, wait_state)
from tests.helpers import wait_for

CUSTOMER = "+15551234567"
END_CODES = {"sim800": ["+CLCC", "NO CARRIER"], "sim7600": ["MISSED_CALL"],
             "ec25": ["NO CARRIER"], "huawei": ["^CEND"], "silent": []}


def all_dialects(test):
    return pytest.mark.parametrize("rig", DIALECTS, indirect=True)(test)


def settle(rig):
    """Every code the simulator wrote so far has been read: a marker code came back after it."""
    marker = 900 + len(rig.events.all)
    rig.sim.inject(f'\r\n+CMTI: "SM",{marker}\r\n'.encode())
    rig.events.wait(SmsStored, where=lambda e: e.index == marker)


# --- initialisation ------------------------------------------------------------------------

@all_dialects
def test_initialises_the_modem(rig):
    status, settings = rig.modem.status, rig.sim.settings
    assert (status.model, status.manufacturer) == (rig.sim.dialect.model,
                                                   rig.sim.dialect.manufacturer)
    assert (status.operator, status.signal_percent, status.registration) == (
        "Simulated Mobile", 65, "home")
    assert status.reports_call_end is (None if rig.sim.dialect.name == "silent" else True)
    assert status.sim_number == (None if rig.sim.dialect.cnum_bare else "+15550000000")
    assert (settings.echo, settings.clip, settings.cmgf, settings.cnmi) == (
        False, True, 0, (2, 1, 0, 2, 0))
    assert settings.cssu and settings.cmee == 1
    assert len(rig.events.of(ModemConnected)) == 1


def test_initialisation_order(rig):
    first = next(chunk for way, chunk in rig.sim.transcript if way == "in")
    assert first.startswith(b"\x1b")          # out of a `> ` prompt a crash may have left
    sent = commands_sent(rig.sim)
    # The SIM before identity: a modem busy after power-on is waited for first.
    assert sent[:8] == ["AT", "ATE0", "AT+CMEE=1", "AT+CPIN?", "AT+CGMI", "AT+CGMM", "AT+CGMR",
                        "AT+CGSN"]
    for command in ("AT+CLIP=1", "AT+CLCC=1", "AT+CVHU=0", "AT+CSSN=0,1", "AT+CLCC",
                    "AT+CMGF=0", "AT+CNMI=2,1,0,2,0", 'AT+CPMS="SM","SM","SM"', "AT+CSCA?",
                    "AT+CMGS=?", "AT+CNUM", "AT+CREG?", "AT+CSQ", "AT+COPS?"):
        assert command in sent
    assert sent.index("AT+CMGF=0") < sent.index("AT+CNMI=2,1,0,2,0")


@pytest.mark.parametrize("rig,check", [
    ("sim800", lambda s: s.clcc), ("sim7600", lambda s: s.cvhu == 0),
    ("huawei", lambda s: s.curc == 0), ("ec25", lambda s: s.qind_smsfull)], indirect=["rig"])
def test_family_specific_settings(rig, check):
    assert check(rig.sim.settings)


# --- calls ---------------------------------------------------------------------------------

@all_dialects
def test_missed_call_events(rig):
    rig.sim.ring(CUSTOMER, rings=2, interval=0.03)
    rig.sim.wait_idle(5)
    rig.events.wait(RingSeen, 2)
    settle(rig)
    assert {e.number for e in rig.events.of(CallerIdSeen)} == {CUSTOMER}
    assert [e.code for e in rig.events.of(CallEndSeen)] == END_CODES[rig.sim.dialect.name]
    assert len(rig.events.of(RingSeen)) == 2


@all_dialects
def test_withheld_caller(rig):
    rig.sim.ring(CUSTOMER, rings=1, withheld=True, interval=0.03)
    rig.sim.wait_idle(5)
    settle(rig)
    callers = rig.events.of(CallerIdSeen)
    assert callers and all(e.number == "" for e in callers)
    assert any(e.validity == 1 for e in callers)


def test_forwarded_call(rig):
    rig.sim.ring(CUSTOMER, rings=1, forwarded=True, interval=0.03)
    rig.events.wait(CallForwardedSeen)


@pytest.mark.parametrize("rig", ["sim800", "sim7600", "ec25", "huawei"], indirect=True)
def test_decline_call(rig):
    rig.sim.ring(CUSTOMER, rings=200, interval=0.03)
    rig.events.wait(RingSeen)
    rig.modem.decline_call()
    assert rig.sim.hangups == 1
    rig.sim.wait_idle(2)


# --- sending -------------------------------------------------------------------------------

@all_dialects
def test_send_text_with_special_characters(rig):
    text = "Sorry we missed you! § _ € 10 😀"
    references = rig.modem.send_text(CUSTOMER, text)
    assert rig.sim.sent_texts() == [(CUSTOMER, text)]
    assert references == [rig.sim.sent[0].reference]
    assert rig.sim.sent[0].status_report and rig.sim.sent[0].problems == ()


def test_gsm7_text_goes_as_gsm7(rig):
    rig.modem.send_text(CUSTOMER, "Back at 5 § _ € {ok}", status_report=False)
    sent = rig.sim.sent[0]
    assert (sent.text, sent.encoding, sent.status_report) == ("Back at 5 § _ € {ok}", "GSM-7",
                                                              False)


def test_long_text_arrives_whole_and_the_hook_runs_once_before_it(rig):
    text = " ".join(f"word{i}" for i in range(80)) + " 😀"
    hook = []
    references = rig.modem.send_text(CUSTOMER, text,
                                     on_submitting=lambda: hook.append(len(rig.sim.sent)))
    assert hook == [0]
    assert rig.sim.sent_texts() == [(CUSTOMER, text)]
    assert len(references) == len(rig.sim.sent) > 1
    assert all(s.problems == () for s in rig.sim.sent)


def test_national_number_is_sent_as_dialled(rig):
    rig.modem.send_text("07700900123", "hi")
    assert (rig.sim.sent[0].number, rig.sim.sent[0].number_type) == ("07700900123", 129)


def test_refused_text_is_send_failed_and_the_next_goes(rig):
    rig.sim.fail_next_sends(1, code=500)
    with pytest.raises(SendFailed) as failure:
        rig.modem.send_text(CUSTOMER, "first")
    assert failure.value.code == 500 and rig.sim.sent == []
    rig.modem.send_text(CUSTOMER, "second")
    assert rig.sim.sent_texts() == [(CUSTOMER, "second")]


def test_swallowed_text_is_unconfirmed_and_sending_works_again(tmp_path):
    sim = start_simulator(tmp_path, "sim800")
    events = EventLog()
    modem = start_modem(sim.port, events, send_timeout=0.4)
    try:
        wait_state(modem, "ready")
        sim.swallow_next_send()
        with pytest.raises(SendUnconfirmed):
            modem.send_text(CUSTOMER, "maybe")
        assert sim.sent[0].unconfirmed
        modem.send_text(CUSTOMER, "surely")
        assert sim.sent_texts()[-1] == (CUSTOMER, "surely")
    finally:
        modem.stop()
        sim.stop()


def test_not_a_number_is_send_failed(rig):
    with pytest.raises(SendFailed):
        rig.modem.send_text("ACME", "hi")


# --- robustness ----------------------------------------------------------------------------

def test_code_in_the_middle_of_a_read_is_not_lost(rig):
    rig.sim.receive_text("+15557654321", "Are you open?", notify=False)
    rig.sim.inject_during_next("AT+CMGR",
                               b'\r\nRING\r\n\r\n+CLIP: "+15559990000",145,"",0,"",0\r\n')
    text = rig.modem.read_text("SM", 1)
    assert text.text == "Are you open?"
    rig.events.wait(RingSeen)
    assert rig.events.wait(CallerIdSeen)[0].number == "+15559990000"


def test_two_new_text_codes_in_one_burst(rig):
    rig.sim.inject(b'\r\n+CMTI: "SM",1\r\n\r\n+CMTI: "SM",2\r\n')
    assert [e.index for e in rig.events.wait(SmsStored, 2)] == [1, 2]


def test_junk_bytes_are_survived(rig):
    rig.sim.inject(b"\xff\xfe\x00\x80\x1b[0m garbage \xc3\x28\r\n\x00\r\n")
    rig.sim.ring(CUSTOMER, rings=1, interval=0.03)
    rig.events.wait(RingSeen)
    rig.modem.send_text(CUSTOMER, "still here")
    assert rig.sim.sent_texts() == [(CUSTOMER, "still here")]
    assert rig.modem.alive() and rig.modem.status.state == "ready"


@pytest.mark.parametrize("rig", ["sim800", "ec25"], indirect=True)
def test_unplug_and_replug(rig):
    rig.sim.unplug()
    assert rig.events.wait(ModemLost)[0].reason
    wait_state(rig.modem, "no_modem")
    with pytest.raises(ModemUnavailable):
        rig.modem.send_text(CUSTOMER, "nobody home")
    rig.sim.replug()
    rig.events.wait(ModemConnected, 2)
    wait_state(rig.modem, "ready")
    rig.modem.send_text(CUSTOMER, "back again")
    assert rig.sim.sent_texts() == [(CUSTOMER, "back again")]
    assert rig.sim.settings.echo is False


@pytest.mark.parametrize("rig", ["sim800", "sim7600", "ec25", "huawei"], indirect=True)
def test_reboot_reinitialises(rig):
    rig.sim.reboot()
    rig.events.wait(ModemRestarted)
    rig.events.wait(ModemConnected, 2)
    wait_state(rig.modem, "ready")
    settings = rig.sim.settings
    assert (settings.echo, settings.clip, settings.cnmi) == (False, True, (2, 1, 0, 2, 0))
    rig.sim.ring(CUSTOMER, rings=1, interval=0.03)
    assert rig.events.wait(CallerIdSeen)[0].number == CUSTOMER


def test_not_ready_until_re_initialised_after_a_reboot(tmp_path):
    sim = start_simulator(tmp_path, "sim800")
    events = EventLog()
    modem = start_modem(sim.port, events, health_interval=0.05, restart_settle=0.5)
    try:
        wait_state(modem, "ready")
        sim.reboot()
        events.wait(ModemRestarted)
        wait_state(modem, "ready")               # health checks during the settle keep "starting"
        assert (sim.settings.echo, sim.settings.clip) == (False, True)
        assert len(events.of(ModemConnected)) == 2
    finally:
        modem.stop()
        sim.stop()


# --- reading, listing, deleting ------------------------------------------------------------

@all_dialects
def test_read_list_and_delete_texts(rig):
    rig.sim.receive_text("+15557654321", "First § reply")
    rig.sim.receive_text("07700900123", "Second 😀", sender_type=129)
    stored = rig.events.wait(SmsStored, 2)
    assert {e.memory for e in stored} == {"SM"}
    first = rig.modem.read_text("SM", stored[0].index)
    assert (first.sender, first.text, first.memory, first.index) == (
        "+15557654321", "First § reply", "SM", stored[0].index)
    listed = rig.modem.list_texts()
    assert sorted((t.sender, t.sender_type, t.text, t.index) for t in listed) == sorted([
        ("+15557654321", 145, "First § reply", stored[0].index),
        ("07700900123", 129, "Second 😀", stored[1].index)])
    assert rig.modem.delete_text("SM", stored[0].index)
    assert stored[0].index not in rig.sim.storage["SM"]
    assert rig.modem.read_text("SM", stored[0].index) is None
    assert [t.text for t in rig.modem.list_texts()] == ["Second 😀"]


def test_long_incoming_text_lists_as_parts(rig):
    rig.sim.receive_text("+15557654321", "x" * 200)
    rig.events.wait(SmsStored, 2)
    parts = sorted(rig.modem.list_texts(), key=lambda t: t.concat.part)
    assert [(p.concat.part, p.concat.total) for p in parts] == [(1, 2), (2, 2)]
    assert "".join(p.text for p in parts) == "x" * 200


def test_texts_in_phone_memory_are_read_and_listed(rig):
    rig.sim.receive_text("+15557654321", "in ME", memory="ME")
    event = rig.events.wait(SmsStored)[0]
    assert event.memory == "ME"
    assert rig.modem.read_text("ME", event.index).text == "in ME"
    assert [(t.memory, t.text) for t in rig.modem.list_texts()] == [("ME", "in ME")]


def test_direct_delivery(rig):
    rig.sim.receive_text("+15557654321", "direct", memory="direct")
    event = rig.events.wait(SmsPduReceived)[0]
    assert pdu.decode(event.pdu).text == "direct"
    rig.modem.acknowledge_direct()


def test_delivery_report(rig):
    [reference] = rig.modem.send_text(CUSTOMER, "did it arrive?")
    rig.sim.deliver_report(reference, delivered=True)
    event = rig.events.wait(StatusReportStored)[0]
    report = rig.modem.read_text(event.memory, event.index)
    assert isinstance(report, DeliveryReport)
    assert (report.reference, report.recipient, report.delivered) == (reference, CUSTOMER, True)


def test_messages_stored_before_start_are_found(tmp_path):
    sim = start_simulator(tmp_path, "ec25")
    sim.receive_text("+15557654321", "while you were out")
    events = EventLog()
    modem = start_modem(sim.port, events)
    try:
        wait_state(modem, "ready")
        texts = modem.list_texts()
        assert [(t.text, t.memory, t.index) for t in texts] == [("while you were out", "SM", 0)]
        assert all(isinstance(t, IncomingText) for t in texts)
    finally:
        modem.stop()
        sim.stop()


# --- SIM and network states ----------------------------------------------------------------

@pytest.mark.parametrize("condition,state", [({"pin": "SIM PIN"}, "sim_pin"),
                                             ({"pin": "absent"}, "no_sim"),
                                             ({"registration": 2}, "searching"),
                                             ({"registration": 3}, "error")])
def test_sim_and_network_states_then_ready(tmp_path, condition, state):
    sim = start_simulator(tmp_path, "sim800")
    sim.set_network(**condition)
    events = EventLog()
    modem = start_modem(sim.port, events)
    try:
        wait_state(modem, state)
        sim.set_network(pin="READY", registration=1)
        wait_state(modem, "ready")
        wait_for(lambda: sim.settings.cnmi == (2, 1, 0, 2, 0), 3, "texts set up once SIM ready")
    finally:
        modem.stop()
        sim.stop()


def test_missing_port_is_no_modem_until_plugged_in(tmp_path):
    events = EventLog()
    modem = start_modem(str(tmp_path / "modem"), events)
    try:
        wait_state(modem, "no_modem")
        assert modem.alive() and events.all == []
        sim = start_simulator(tmp_path, "sim800")
        try:
            events.wait(ModemConnected)
            wait_state(modem, "ready")
        finally:
            modem.stop()
            sim.stop()
    finally:
        modem.stop()


# --- a modem that stops answering: a bare pty answered by the test itself --------------------

class Answering:
    """Plays a modem that says OK to everything while `on` is set, and nothing otherwise."""

    def __init__(self):
        self.master, slave = os.openpty()
        self.slave, self.path = slave, os.ttyname(slave)
        self.on = threading.Event()
        self.on.set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            if not select.select([self.master], [], [], 0.05)[0]:
                continue
            data = os.read(self.master, 1024)
            if self.on.is_set():
                for _ in range(data.count(b"\r")):
                    os.write(self.master, b"\r\nOK\r\n")

    def close(self):
        self._stop.set()
        self._thread.join(2)
        os.close(self.master)
        os.close(self.slave)


def test_modem_that_stops_answering_is_lost_and_found_again():
    port = Answering()
    events = EventLog()
    modem = start_modem(port.path, events, command_timeout=0.2, health_interval=0.1)
    try:
        events.wait(ModemConnected)
        port.on.clear()
        assert "answer" in events.wait(ModemLost)[0].reason
        wait_state(modem, "no_modem")
        port.on.set()
        events.wait(ModemConnected, 2)
    finally:
        modem.stop()
        port.close()


def test_stop_ends_the_threads(rig):
    rig.modem.stop()
    assert not rig.modem.alive() and rig.events.of(ModemLost) == []
    assert rig.modem.status.state == "no_modem"
    with pytest.raises(ModemUnavailable):
        rig.modem.send_text(CUSTOMER, "after stop")
    ours = ("modem-supervisor", "modem-reader")
    wait_for(lambda: not [t for t in threading.enumerate() if t.name in ours], 3,
             "modem threads to end")


def test_a_modem_left_at_the_prompt_by_a_crash_comes_back(tmp_path):
    """A crash between `AT+CMGS=` and Ctrl-Z leaves the modem waiting for PDU text; the next
    start must get it out of there (ESC) instead of feeding it AT commands for ever."""
    import serial

    from hardware.modem import Modem
    from hardware.simulator import ModemSimulator
    from tests.helpers import wait_for

    sim = ModemSimulator("sim800", link_path=tmp_path / "modem").start()
    try:
        with serial.Serial(sim.port, 115200, timeout=2) as port:   # the crashed daemon
            port.write(b"ATE0\rAT+CMGF=0\rAT+CMGS=20\r")
            assert b"> " in port.read_until(b"> ")
        events = []
        modem = Modem(sim.port, events.append, health_interval=0.5, reconnect_delay=0.2,
                      restart_settle=0.1)
        modem.start()
        try:
            wait_for(lambda: modem.status.state == "ready", 15, "modem ready after the prompt")
        finally:
            modem.stop()
    finally:
        sim.stop()
