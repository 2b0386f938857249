"""The daemon's resident memory, for bench.py: `python -m appliance run` as a child process on a
modem simulator in this process, measured from /proc/<pid>/status once idle (modem ready, page
answering) and again after a number of text-backs; plus what each big import costs in a fresh
interpreter, to say where the idle figure comes from.
"""
from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

from bench_data import OWNER, load_busy_year
from bench_support import proc_memory, wait_until

PR_SET_PDEATHSIG = 1
SETTLE_SECONDS = 2.0          # after "ready": let the start-up sweep and first checks finish
# What the running daemon imports (holidays is only imported when the schedule page asks for
# suggestions, so it comes last; paho-mqtt only once MQTT is configured).
IMPORTS = ("serial", "tinydb", "phonenumbers", "gsmmodem.pdu", "gpiozero", "waitress", "flask",
           "flask_wtf", "paho.mqtt.client", "appliance.main", "hardware.modem", "web.blueprints",
           "holidays")
IMPORT_PROBE = r"""
import importlib, json, sys
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
out = [['python itself', rss()]]
for name in sys.argv[1:]:
    module = importlib.import_module(name)
    if name == 'web.blueprints':
        for blueprint in module.BLUEPRINT_MODULES:
            importlib.import_module(blueprint)
        name = 'web.* (every blueprint)'
    elif name == 'phonenumbers':
        module.is_valid_number(module.parse('+12125550100'))
        name = 'phonenumbers (+ US metadata)'
    elif name == 'holidays':
        name = 'holidays (on demand only)'
    out.append([name, rss()])
print(json.dumps(out))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"}
                                     if token else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _modem_ready(base: str, token: str) -> bool:
    try:
        status, body = _get(base + "api/status", token)
    except OSError:
        return False       # not listening yet
    return status == 200 and json.loads(body)["modem"]["state"] == "ready"


def _lift_caps(data: Path) -> None:
    """The daemon will be rung far more often than a shop is: the box-wide cap must not stop it."""
    from appliance.store import Store
    from bench import lift_caps
    store = Store(data)
    try:
        lift_caps(store)
    finally:
        store.close()


def _die_with_parent() -> None:
    """In the child: SIGTERM when the benchmark dies, even by kill -9 (no stray daemon)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


BROWSE = ("api/status", "api/calls?limit=1000", "api/conversations", "api/stats?days=30",
          "api/stats?days=3660", f"api/conversations/{OWNER.replace('+', '%2B')}")


def daemon_memory(repo: Path, calls: int, caller: Callable[[int], str], busy: bool = False,
                  prepare: Callable[[Path], None] | None = None,
                  ready: Callable[[], object] | None = None) -> dict:
    """Run the daemon, measure it idle, after `calls` text-backs and (busy: with a year of data
    loaded first) after reading every API endpoint -> figures in MB. `prepare(data folder)` runs
    before the daemon starts (e.g. to save settings); `ready()` must be true too before the idle
    figure is taken (e.g. connected to an MQTT broker)."""
    from appliance.secrets import get_or_create_token, set_password
    from hardware.simulator import ModemSimulator
    tmp = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    sim = ModemSimulator("sim800", link_path=tmp / "modem").start()
    process = None
    try:
        data = tmp / "data"
        if busy:
            load_busy_year(data)
        if prepare:
            prepare(data)
        token = get_or_create_token(data)
        _lift_caps(data)
        set_password(data, "bench-password-1")      # a set-up box: /login is the page
        base = f"http://127.0.0.1:{free_port()}/"
        with open(tmp / "daemon.log", "wb") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "appliance", "run", "--port", sim.port, "--data",
                 str(data), "--listen", base[7:-1]], cwd=repo, stdout=log_file,
                stderr=subprocess.STDOUT, env={**os.environ, "TEXTBACK_LOG": "WARNING"},
                preexec_fn=_die_with_parent)
            wait_until(lambda: process.poll() is not None or _modem_ready(base, token), 60,
                       "the daemon's modem ready")
            if ready:
                wait_until(lambda: process.poll() is not None or ready(), 30, "the daemon ready")
            if process.poll() is not None:
                raise RuntimeError("daemon exited: " + (tmp / "daemon.log").read_text()[-2000:])
            page_status, _ = _get(base + "login")
            time.sleep(SETTLE_SECONDS)
            samples = {"idle": proc_memory(process.pid)}
            for i in range(calls):
                sim.ring(caller(i), rings=2, interval=0.05)
                sim.wait_sent(i + 1, timeout=30)
            if calls:
                samples[f"after {calls} calls"] = proc_memory(process.pid)
            if busy:
                for path in BROWSE:
                    _get(base + path, token)
                samples["after reading the year (API)"] = proc_memory(process.pid)
    finally:
        if process is not None:
            _stop(process)
        sim.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return {"page_status": page_status, "samples": samples, "imports": import_costs(repo)}


def import_costs(repo: Path) -> list[tuple[str, float, float]]:
    """(module, VmRSS MB after importing it and those before, MB it added) in a fresh python."""
    done = subprocess.run([sys.executable, "-c", IMPORT_PROBE, *IMPORTS], cwd=repo,
                          capture_output=True, text=True, timeout=120, check=True)
    figures, out, before = json.loads(done.stdout), [], None
    for name, rss in figures:
        out.append((name, round(rss, 1), round(rss - (before or rss), 1)))
        before = rss
    return out
