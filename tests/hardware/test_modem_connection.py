"""The Modem adapter's connection over the modem's life: codes in the middle of an answer,
junk, a pulled cable, a reboot, SIM and network states, a modem that stops answering or was
left at the `> ` prompt, stopping."""
import os
import select
import threading

import pytest

from appliance.core.domain import (CallerIdSeen, ModemConnected, ModemLost, ModemRestarted,
                              ModemUnavailable, RingSeen, SmsStored)
from tests.hardware.modem_support import rig  # noqa: F401  (fixture)
from tests.hardware.modem_support import (CUSTOMER, EventLog, start_modem, start_simulator,
                                          wait_state)
from tests.helpers import wait_for


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
