"""Start-up that degrades and never wedges, through the Modem adapter on the simulator: answers
without a final code, optional settings refused or unanswered (quirks), a modem busy after
power-on, a blocked essential named (then `error` after the start limit, then ready once it
passes), and a modem that announces no new texts."""
import pytest

from appliance.core.domain import ModemConnected, ModemStartBlocked
from tests.hardware.modem_support import EventLog, commands_sent, start_modem, start_simulator
from tests.helpers import wait_for


@pytest.fixture
def make(tmp_path):
    """make(dialect, sim_options=None, before=None, **modem_options) -> (sim, modem, events)."""
    started = []

    def build(dialect="sim800", sim_options=None, before=None, **options):
        sim = start_simulator(tmp_path, dialect, **(sim_options or {}))
        if before:
            before(sim)
        events = EventLog()
        modem = start_modem(sim.port, events, **options)
        started.append((sim, modem))
        return sim, modem, events

    yield build
    for sim, modem in started:
        modem.stop()
        sim.stop()


def ready(modem, timeout=10.0):
    wait_for(lambda: modem.status.state == "ready", timeout,
             f"modem ready (now {modem.status.state}: {modem.status.last_error})")


def test_an_answer_without_its_final_code_is_taken_and_noted(make):
    sim, modem, events = make("nofinal")
    ready(modem)
    status = modem.status
    assert status.firmware == "NO-FINAL 1.0" and status.signal_percent == 65
    assert "AT+CGMR: answer without a final result code (accepted)" in status.extra["quirks"]
    assert len(events.of(ModemConnected)) == 1


def test_optional_settings_refused_or_unanswered_are_skipped_as_quirks(make):
    def refuse(sim):
        sim.refuse("+CSSN", final=None)                 # says nothing at all
        sim.refuse("+CLIP", final="+CME ERROR: 3")
        sim.refuse("+CVHU", final="COMMAND NOT SUPPORT")
    sim, modem, events = make("sim800", before=refuse)
    ready(modem)
    quirks = modem.status.extra["quirks"]
    assert "AT+CSSN=0,1: no answer (skipped)" in quirks
    assert "AT+CLIP=1: +CME ERROR: 3 (skipped)" in quirks
    assert "AT+CVHU=0: COMMAND NOT SUPPORT (skipped)" in quirks
    assert sim.settings.cmgf == 0 and sim.settings.cnmi == (2, 1, 0, 2, 0)


def test_a_modem_busy_after_power_on_is_waited_for(make):
    sim, modem, events = make("busyboot", sim_options={"busy_seconds": 1.2})
    assert modem.status.state in ("starting", "no_modem")
    ready(modem)
    sent = commands_sent(sim)
    assert sent.count("AT+CPIN?") >= 2                  # asked again while busy
    assert sent.index("AT+CGMM") > sent.index("AT+CPIN?")
    assert modem.status.model == "BUSY-BOOT" and modem.status.extra["blocking"] is None


def test_a_blocked_essential_is_named_then_an_error_then_ready_once_it_passes(make):
    sim, modem, events = make("ec25", before=lambda s: s.refuse("+CMGF"), blocked_retry=0.2,
                              start_limit=1.0)
    blocked = events.wait(ModemStartBlocked)[0]
    assert (blocked.step, blocked.answer) == ("PDU mode (AT+CMGF=0)", "ERROR")
    wait_for(lambda: modem.status.state == "starting", 3, "starting while blocked")
    assert modem.status.last_error == "start-up waits for PDU mode (AT+CMGF=0): ERROR"
    wait_for(lambda: modem.status.state == "error", 5, "error after the start limit")
    assert modem.status.last_error == "start-up blocked at PDU mode (AT+CMGF=0): ERROR"
    wait_for(lambda: commands_sent(sim).count("AT+CMGF=0") >= 3, 5, "the step tried again")
    assert len(events.of(ModemStartBlocked)) == 1       # said once, not on every retry
    assert len(events.of(ModemConnected)) == 1
    sim.stop_refusing()
    ready(modem)
    assert modem.status.extra["blocking"] is None and modem.status.last_error is None
    assert len(events.of(ModemConnected)) == 2          # now the sweep can run


def test_a_sim_that_never_becomes_ready_is_a_named_step_too(make):
    sim, modem, events = make("sim800", before=lambda s: s.refuse("+CPIN", final="OK"),
                              start_limit=0.5)
    assert events.wait(ModemStartBlocked)[0].step == "SIM (AT+CPIN?)"
    wait_for(lambda: modem.status.state == "error", 5, "error after the start limit")
    assert "SIM (AT+CPIN?): OK" in modem.status.last_error


def test_a_modem_that_announces_no_texts_says_so(make):
    sim, modem, events = make("nocnmi")
    ready(modem)
    assert events.wait(ModemConnected)[0].announces_texts is False
    assert modem.status.extra["new_message_mode"] is None
    assert any("no AT+CNMI mode" in quirk for quirk in modem.status.extra["quirks"])


@pytest.mark.parametrize("dialect,call_list", [("plain", True), ("nolist", False)])
def test_whether_the_call_list_answers_is_found_at_start_up(make, dialect, call_list):
    sim, modem, events = make(dialect)
    ready(modem)
    assert modem.status.extra["call_list"] is call_list


def test_a_modem_busy_for_longer_than_the_bound_is_a_named_step(tmp_path):
    from hardware import startup
    from hardware.at_channel import ATChannel
    sim = start_simulator(tmp_path, "busyboot", busy_seconds=30)
    channel = ATChannel(sim.port)
    channel.open()
    try:
        identity, setup = startup.initialise(channel, 1.0, busy_bound=0.5)
    finally:
        channel.close()
        sim.stop()
    assert setup.sim == "busy"
    assert str(setup.blocking) == "SIM: still busy after 0.5 s (+CME ERROR: 14)"
    assert setup.new_message_mode is None           # nothing about texts was tried
