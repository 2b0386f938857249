"""The Modem adapter driven against the simulator of each family, through pyserial on a pty:
start-up, calls, sending texts."""
import pytest

from appliance.core.domain import (CallEndSeen, CallForwardedSeen, CallerIdSeen, ModemConnected,
                              RingSeen, SendFailed, SendUnconfirmed)
from tests.hardware.modem_support import rig  # noqa: F401  (fixture)
from tests.hardware.modem_support import (CUSTOMER, EventLog, all_dialects, commands_sent, settle,
                                          start_modem, start_simulator, wait_state)

END_CODES = {"sim800": ["+CLCC", "NO CARRIER"], "sim7600": ["MISSED_CALL"],
             "ec25": ["NO CARRIER"], "huawei": ["^CEND"], "silent": []}


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
