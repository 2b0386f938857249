"""The probe against each simulated family, a missing port and a mute one; what it reports
about quirks, blocking steps and unknown lines; and the call test with a simulated caller."""
import os
import threading

import pytest

from hardware.probe import UNKNOWN_CALL_END, format_report, probe
from tests.hardware.modem_support import DIALECTS, start_simulator

CALL_END = {"sim800": "yes (+CLCC state 6, NO CARRIER)", "sim7600": "yes (MISSED_CALL)",
            "ec25": "yes (NO CARRIER)", "huawei": "yes (^CEND)", "silent": UNKNOWN_CALL_END}


@pytest.fixture
def sim(request, tmp_path):
    simulator = start_simulator(tmp_path, getattr(request, "param", "sim800"))
    yield simulator
    simulator.stop()


@pytest.mark.parametrize("sim", DIALECTS, indirect=True)
def test_probe_reports_each_family(sim):
    report = probe(sim.port, timeout=1.0)
    dialect = sim.dialect
    assert report["ok"] and report["error"] is None
    assert (report["manufacturer"], report["model"], report["imei"]) == (
        dialect.manufacturer, dialect.model, dialect.imei)
    assert (report["sim"], report["registration"], report["operator"]) == (
        "ready", "home", "Simulated Mobile")
    assert (report["rssi"], report["signal_percent"]) == (20, 65)
    assert report["sms_storage"] == {"memory": "SM", "used": 0, "total": 10}
    assert report["reports_call_end"] == CALL_END[dialect.name]
    assert ("volte" in report) == (dialect.name in ("sim7600", "ec25", "huawei"))
    text = format_report(report)
    assert dialect.model in text and CALL_END[dialect.name] in text


def test_volte_hint_when_not_confirmed(tmp_path):
    sim = start_simulator(tmp_path, "sim7600")
    try:
        volte = probe(sim.port, timeout=1.0)["volte"]
    finally:
        sim.stop()
    assert volte["ims_registered"] is False and "VoLTE not confirmed" in volte["hint"]
    assert set(volte["answers"]) == {"AT+CEVOLTE?", "AT+CAVIMS?", "AT+CIREG?"}


def test_transcript_is_saved(sim, tmp_path):
    path = tmp_path / "probe.txt"
    report = probe(sim.port, transcript_path=path, timeout=1.0)
    saved = path.read_text()
    assert report["transcript"] == str(path)
    assert "-> AT+CGMM\\r" in saved and "<- " in saved and "SIM800 R14.18" in saved
    assert str(path) in format_report(report)


def test_sim_waiting_for_its_pin(sim):
    sim.set_network(pin="SIM PIN")
    report = probe(sim.port, timeout=1.0)
    assert report["ok"] and report["sim"] == "sim_pin"
    assert "PIN" in format_report(report)


def test_missing_port_is_reported_not_raised(tmp_path):
    report = probe(str(tmp_path / "nothing"), transcript_path=tmp_path / "t.txt")
    assert not report["ok"] and "cannot open" in report["error"]
    assert "Problem:" in format_report(report)


def test_mute_port_is_reported_not_raised():
    master, slave = os.openpty()
    try:
        report = probe(os.ttyname(slave), timeout=0.2)
    finally:
        os.close(master)
        os.close(slave)
    assert not report["ok"] and "stopped answering" in report["error"]


def test_probe_reports_quirks_unknown_lines_and_how_calls_are_noticed(tmp_path):
    sim = start_simulator(tmp_path, "nofinal")
    try:
        sim.inject_during_next("AT+CGMM", b"\r\n+ZZTEMP: 41\r\n")
        report = probe(sim.port, timeout=1.0)
    finally:
        sim.stop()
    assert report["ok"] and report["blocking"] is None and report["call_list"] is True
    assert "AT+CGMR: answer without a final result code (accepted)" in report["quirks"]
    assert report["call_end_noticed"] == "within about 1 s (AT+CLCC every second)"
    assert [e["line"] for e in report["unknown_lines"]] == ["+ZZTEMP: 41"]
    text = format_report(report)
    assert "Quirk:" in text and "+ZZTEMP: 41" in text and "Abandoned calls:" in text


def test_probe_names_the_step_that_blocks_start_up(tmp_path):
    sim = start_simulator(tmp_path, "ec25")
    sim.refuse("+CMGF")
    try:
        report = probe(sim.port, timeout=1.0)
    finally:
        sim.stop()
    assert report["blocking"] == "PDU mode (AT+CMGF=0): ERROR"
    assert "NOT READY:        start-up blocked at PDU mode (AT+CMGF=0): ERROR" in \
        format_report(report)


CALL_TESTS = {   # dialect: (how the end is noticed, where the number comes from)
    "sim800": ("at once (the modem says +CLCC)", "+CLIP"),
    "vendorend": ("within about 1 s", "+CLIP"),
    "noclip": ("at once (the modem says NO CARRIER)", "AT+CLCC"),
    "nolist": ("only by the ring gap", "+CLIP"),
}


@pytest.mark.parametrize("dialect", CALL_TESTS)
def test_call_test_reports_what_the_modem_said_and_a_verdict(tmp_path, dialect):
    sim = start_simulator(tmp_path, dialect)
    waiting, found = threading.Event(), {}
    runner = threading.Thread(target=lambda: found.update(
        probe(sim.port, timeout=1.0, call_wait=10, waiting=waiting, call_quiet=1.5,
              call_late=0.5)))
    runner.start()
    try:
        assert waiting.wait(10)
        sim.ring("+15551234567", rings=2, interval=0.3)
        runner.join(40)
    finally:
        sim.stop()
    test = found["call_test"]
    speed, source = CALL_TESTS[dialect]
    assert test["rang"] and test["rings"] == 2 and test["number"] == "+15551234567"
    assert test["number_from"] == source and speed in test["verdict"]
    assert test["verdict"].startswith("Supported")
    assert any(line == "RING" for _, line in test["signals"])
    assert test["unknown"] == (["+ZCEND: 1,16"] if dialect == "vendorend" else [])
    if dialect != "nolist":
        assert any("+CLCC: 1,1,4" in answer for _, answer in test["call_list"])
    assert "Call test:" in format_report(found)


def test_call_test_without_a_call_says_what_to_check(tmp_path):
    sim = start_simulator(tmp_path, "ec25")
    try:
        report = probe(sim.port, timeout=1.0, call_wait=0.3)
    finally:
        sim.stop()
    assert report["call_test"]["rang"] is False
    assert "No call arrived within 0.3 s" in format_report(report)


def test_probe_reports_the_networks_time_once_the_network_sends_it(sim):
    from datetime import datetime, timedelta, timezone
    report = probe(sim.port, timeout=1.0)
    assert report["network_time"] is None                 # the module's power-on default
    assert "not sent by the network (yet)" in format_report(report)
    sent = datetime(2026, 12, 5, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    sim.set_network(time=lambda: sent)
    report = probe(sim.port, timeout=1.0)
    assert report["network_time"] == datetime(2026, 12, 5, 14, 30, tzinfo=timezone.utc)
    assert "Network time:     2026-12-05 14:30:00 UTC" in format_report(report)
