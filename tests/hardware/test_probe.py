"""The probe against each simulated family, a missing port and a mute one."""
import os

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
