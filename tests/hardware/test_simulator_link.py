"""The simulator's cable: a pty behind a stable symlink, unplug and replug, reopening the port,
threads that stop, thread safety, and the command line for humans."""
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import serial

from hardware.simulator import ModemSimulator
from tests.helpers import wait_for
from tests.hardware.simulator_support import READ_TIMEOUT, Line, make_sim  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


def test_port_is_a_symlink_to_a_pseudo_terminal(make_sim):
    sim, line = make_sim("sim800")
    assert os.path.islink(sim.port)
    assert os.readlink(sim.port).startswith("/dev/pts/")


def test_the_host_can_close_and_reopen_the_port(make_sim):
    sim, line = make_sim("sim800")
    line.port.close()
    again = Line(serial.Serial(sim.port, 115200, timeout=READ_TIMEOUT))
    try:
        again.send("AT")
        again.expect(b"\r\nOK\r\n")            # still the same modem: echo stays off
    finally:
        again.port.close()


def test_unplug_breaks_the_line_and_replug_brings_a_fresh_modem_behind_the_same_path(make_sim):
    sim, line = make_sim("ec25")
    old_target = os.readlink(sim.port)
    sim.receive_text("+15557654321", "kept on the SIM", notify=False)
    sim.unplug()
    assert not os.path.lexists(sim.port)
    with pytest.raises(serial.SerialException):
        line.port.read(1)
    with pytest.raises(serial.SerialException):
        serial.Serial(sim.port, 115200, timeout=READ_TIMEOUT)
    sim.replug()                               # the stale handle is still open: new pty
    assert os.readlink(sim.port) != old_target
    fresh = Line(serial.Serial(sim.port, 115200, timeout=READ_TIMEOUT))
    try:
        fresh.send("AT+CMGL=4")                # powered up again: echo is back on
        answer = fresh.until()
        assert answer.startswith(b"AT+CMGL=4\r\r\n+CMGL: 0,0,,")
    finally:
        fresh.port.close()


def test_texts_arriving_while_unplugged_wait_in_storage(make_sim):
    sim, line = make_sim("sim800")
    sim.unplug()
    sim.receive_text("+15557654321", "while unplugged")
    sim.replug()
    assert list(sim.storage["SM"]) == [1]


def test_stop_joins_every_thread(tmp_path):
    sim = ModemSimulator("sim800", tmp_path / "modem").start()
    port = serial.Serial(sim.port, 115200, timeout=READ_TIMEOUT)
    sim.ring(rings=5, interval=30)
    wait_for(lambda: port.read(1), message="the first ring")
    sim.stop()
    port.close()
    names = [t.name for t in threading.enumerate()]
    assert not [n for n in names if n.startswith("modem-sim")], names
    assert not os.path.lexists(tmp_path / "modem")


def test_a_host_that_stops_reading_cannot_stall_the_simulator(make_sim):
    sim, line = make_sim("sim800")
    started = time.monotonic()
    for _ in range(5000):                       # far more than the pty buffers
        sim.inject(b"\r\nRING\r\n")
    assert time.monotonic() - started < 5       # one write waited, the rest were dropped
    line.port.reset_input_buffer()
    line.send("AT")
    line.until(b"\r\nOK\r\n")                  # and the line works again


def test_temporary_link_when_no_path_is_given():
    sim = ModemSimulator("huawei").start()
    try:
        assert os.path.islink(sim.port)
        folder = os.path.dirname(sim.port)
    finally:
        sim.stop()
    assert not os.path.exists(folder)


def test_commands_texts_and_rings_from_several_threads_all_arrive(make_sim):
    sim, line = make_sim("sim800")
    line.send("AT+CNMI=2,1,0,0,0")
    line.expect(b"\r\nOK\r\n")
    senders = [threading.Thread(target=sim.receive_text, args=(f"+1555000000{i}", f"t{i}"))
               for i in range(8)]
    for thread in senders:
        thread.start()
    sim.ring(rings=3, interval=0.01)
    for _ in range(20):
        line.send("AT+CSQ")
    for thread in senders:
        thread.join(5)
    sim.wait_idle(5)
    data = b""

    def everything_arrived():
        nonlocal data
        data += line.port.read(line.port.in_waiting or 1)
        return (data.count(b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n") == 20
                and data.count(b"\r\n+CMTI: ") == 8 and b"\r\nNO CARRIER\r\n" in data)

    wait_for(everything_arrived, message="every answer, code and ring")
    assert data.count(b"\r\nRING\r\n") == 3
    assert sorted(sim.storage["SM"]) == list(range(1, 9))


def test_command_line_rings_on_request(tmp_path):
    link = tmp_path / "modem"
    process = subprocess.Popen(
        [sys.executable, "-m", "hardware.simulator", "--dialect", "ec25", "--link", str(link),
         "--rings", "1", "--interval", "0.02"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        wait_for(lambda: os.path.lexists(link), timeout=10, message="the simulator's link")
        line = Line(serial.Serial(str(link), 115200, timeout=READ_TIMEOUT))
        line.send("ATE0")
        line.expect(b"ATE0\r\r\nOK\r\n")
        process.stdin.write("ring +15551234567\n")
        process.stdin.flush()
        line.expect(b"\r\nRING\r\n\r\nNO CARRIER\r\n")
        process.stdin.write("text +15551234567 hello there\n")
        process.stdin.flush()
        wait_for(lambda: b"+CMGL: 0,0," in line.command("AT+CMGL=4"), message="the text")
        line.port.close()
        process.stdin.write("quit\n")
        process.stdin.flush()
        assert process.wait(timeout=10) == 0
        assert not os.path.lexists(link)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
