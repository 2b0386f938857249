#!/usr/bin/env python3
"""The daemon's resident memory and start-up time: `python -m appliance run` as a child process
on a modem simulator in this process, measured from /proc/<pid>/status once idle (modem ready,
page answering), and (with --busy, two years of a busy shop's data from bench_data.py) after
walking the whole conversation list, after Results for a year and for two years, after the
threads and the call log, and after a number of text-backs; plus what each big import costs in
a fresh interpreter, to say where the idle figure comes from. Start-up is the time from starting
the process to /api/status saying the modem is ready. Also used by bench.py.

    .venv/bin/python scripts/bench_memory.py --busy           # two years of data (the README)
    .venv/bin/python scripts/bench_memory.py --calls 5        # an empty data folder

Loopback and a temporary folder only; the daemon is stopped and the folder removed at the end.
"""
from __future__ import annotations

import argparse
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

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench_data import OWNER, load_busy_year  # noqa: E402
from bench_support import print_table, proc_memory, wait_until  # noqa: E402

PR_SET_PDEATHSIG = 1
SETTLE_SECONDS = 2.0          # after "ready": let the start-up sweep and first checks finish
# What the running daemon imports (holidays is only imported when the schedule page asks for
# suggestions, so it comes last; paho-mqtt only once MQTT is configured).
IMPORTS = ("serial", "tinydb", "phonenumbers", "gsmmodem.pdu", "gpiozero", "waitress", "flask",
           "flask_wtf", "paho.mqtt.client", "appliance.app.bootstrap", "hardware.modem",
           "web.blueprints", "holidays")
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
    from appliance.storage.store import Store
    from bench_calls import lift_caps
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


# With two years of data: what the owner does, step by step (the API, so no login is needed).
BROWSE = (("after walking the whole conversation list", "conversations"),
          ("after Results for a year", "api/stats?days=365"),
          ("after Results for two years", "api/stats?days=730"),
          ("after the owner's thread and a customer's", "threads"),
          ("after the call log (1,000 calls)", "api/calls?limit=1000"))


def _walk_conversations(base: str, token: str) -> str:
    """Every page of /api/conversations; returns a customer's number from the middle."""
    before, numbers = None, []
    while True:
        query = "?limit=50" + (f"&before={before}" if before else "")
        _, body = _get(base + "api/conversations" + query, token)
        page = json.loads(body)
        numbers += [c["number"] for c in page["conversations"]]
        before = page["next_before"]
        if not before:
            return numbers[len(numbers) // 2] if numbers else OWNER


def _browse(base: str, token: str, pid: int, samples: dict) -> None:
    customer = OWNER
    for label, what in BROWSE:
        if what == "conversations":
            customer = _walk_conversations(base, token)
        elif what == "threads":
            for number in (OWNER, customer):
                _get(base + "api/conversations/" + number.replace("+", "%2B"), token)
        else:
            _get(base + what, token)
        samples[label] = proc_memory(pid)


def start_daemon(repo: Path, data: Path, port: str, log_to, *options: str) -> tuple:
    """`python -m appliance run` on `data` and the simulator's `port` (GPIO as on a Pi: off
    one, it finds no pins, says so and carries on), waited for until its modem is ready ->
    (process, base URL, API token, seconds it took)."""
    from appliance.storage.secrets import get_or_create_token
    token = get_or_create_token(data)
    base = f"http://127.0.0.1:{free_port()}/"
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "appliance", "run", "--port", port, "--data", str(data),
         "--listen", base[7:-1], *options], cwd=repo, stdout=log_to,
        stderr=subprocess.STDOUT, env={**os.environ, **unit_environment(), "TEXTBACK_LOG": "WARNING"},
        preexec_fn=_die_with_parent)
    try:
        wait_until(lambda: process.poll() is not None or _modem_ready(base, token), 60,
                   "the daemon's modem ready", interval=0.01)
    except BaseException:
        _stop(process)
        raise
    if process.poll() is not None:
        raise RuntimeError(f"the daemon exited with code {process.returncode}")
    return process, base, token, time.monotonic() - started


def daemon_memory(repo: Path, calls: int, caller: Callable[[int], str], busy: bool = False,
                  prepare: Callable[[Path], None] | None = None,
                  ready: Callable[[], object] | None = None) -> dict:
    """Run the daemon, measure its start-up time, its memory idle, (busy: with two years of
    data loaded first) after each step of BROWSE and after `calls` text-backs -> figures.
    `prepare(data folder)` runs before the daemon starts (e.g. to save settings); `ready()` must
    be true too before the idle figure is taken (e.g. connected to an MQTT broker)."""
    from appliance.storage.secrets import set_password
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
        _lift_caps(data)
        set_password(data, "bench-password-1")      # a set-up box: /login is the page
        with open(tmp / "daemon.log", "wb") as log_file:
            process, base, token, seconds = start_daemon(repo, data, sim.port, log_file)
            if ready:
                wait_until(lambda: process.poll() is not None or ready(), 30, "the daemon ready")
            if process.poll() is not None:
                raise RuntimeError("daemon exited: " + (tmp / "daemon.log").read_text()[-2000:])
            page_status, samples = _samples(process, base, token, sim, calls, caller, busy)
    finally:
        if process is not None:
            _stop(process)
        sim.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return {"page_status": page_status, "start_seconds": round(seconds, 2),
            "samples": samples, "imports": import_costs(repo)}


def _samples(process, base: str, token: str, sim, calls: int, caller, busy: bool):
    """(the login page's status, memory samples): idle, after browsing (busy), after calls."""
    page_status, _ = _get(base + "login")
    time.sleep(SETTLE_SECONDS)
    samples = {"idle": proc_memory(process.pid)}
    if busy:
        _browse(base, token, process.pid, samples)
    for i in range(calls):
        sim.ring(caller(i), rings=2, interval=0.05)
        sim.wait_sent(i + 1, timeout=30)
    if calls:
        samples[f"after {calls} calls"] = proc_memory(process.pid)
    return page_status, samples


def import_costs(repo: Path) -> list[tuple[str, float, float]]:
    """(module, VmRSS MB after importing it and those before, MB it added) in a fresh python."""
    done = subprocess.run([sys.executable, "-c", IMPORT_PROBE, *IMPORTS], cwd=repo,
                          capture_output=True, text=True, timeout=120, check=True)
    figures, out, before = json.loads(done.stdout), [], None
    for name, rss in figures:
        out.append((name, round(rss, 1), round(rss - (before or rss), 1)))
        before = rss
    return out


def unit_environment() -> dict:
    """The allocator settings of the systemd unit (scripts/system/textback.service), so the
    daemon measured here runs as it does on the box."""
    unit = Path(__file__).resolve().parent / "system" / "textback.service"
    found = {}
    for line in unit.read_text().splitlines():
        if line.startswith("Environment="):
            for setting in line[len("Environment="):].split():
                name, _, value = setting.partition("=")
                if name.startswith("MALLOC_"):
                    found[name] = value
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--busy", action="store_true", help="two years of a busy shop's data")
    parser.add_argument("--calls", type=int, default=50, help="text-backs at the end (50)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    args = parser.parse_args(argv)
    figures = daemon_memory(REPO, args.calls, lambda i: f"+1212555{2000 + i:04d}", args.busy)
    print(f"\nStart-up to modem ready: {figures['start_seconds']:.2f} s; the page answered "
          f"HTTP {figures['page_status']}")
    print("\nResident memory of `python -m appliance run` (MB)")
    print_table(["when", "VmRSS", "VmHWM", "RssAnon", "RssFile"],
                [[label, f"{m['VmRSS']:.1f}", f"{m['VmHWM']:.1f}", f"{m['RssAnon']:.1f}",
                  f"{m['RssFile']:.1f}"] for label, m in figures["samples"].items()])
    print("\nWhat the imports cost (fresh interpreter, MB)")
    print_table(["import", "VmRSS", "added"],
                [[name, f"{rss:.1f}", f"{delta:+.1f}"] for name, rss, delta in figures["imports"]])
    print(f"\nload average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
