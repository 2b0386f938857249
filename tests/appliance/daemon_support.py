"""The daemon in a process of its own, for kill -9 tests: the simulator stays in the test's
process (its pseudo-terminal, SIM texts and missed-call list outlive the daemon), the daemon is
started on it, killed without warning and started again on the same data folder. What it
stored is read from its files and journal without changing them."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from appliance.storage.contacts import shard_name
from appliance.storage.journal import read_only_state

ROOT = Path(__file__).resolve().parents[2]
DAEMON = textwrap.dedent("""
    import logging, os, signal, sys, threading
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from appliance.app.bootstrap import Options, bootstrap
    from appliance.app.timings import FAST
    logging.basicConfig(level=logging.INFO)
    queued = []

    def write(fd, data):
        # kill -9 right after a text-back's outbox write, at the next write of anything else
        if queued and b"\\toutbox.json\\t" not in data:
            os.kill(os.getpid(), signal.SIGKILL)
        if b"\\toutbox.json\\t" in data and b'"kind":"textback"' in data:
            queued.append(True)
        return os.write(fd, data)

    options = Options(data_dir=Path({data!r}), port={port!r}, gpio=False)
    if {kill_after_outbox!r}:
        options.disk_write = write
    app = bootstrap(options, FAST)
    app.start()
    ready = threading.Event()
    while not ready.wait(0.02):
        if app.modem.status.state == "ready":
            ready.set()
    print("started", flush=True)
    threading.Event().wait()
""")


def start(data: Path, port: str, kill_after_outbox: bool = False) -> subprocess.Popen:
    """Start the daemon and wait until its modem is initialised. kill_after_outbox: it kills
    itself (SIGKILL) between a text-back's outbox write and the next write."""
    code = DAEMON.format(root=str(ROOT), data=str(data), port=port,
                         kill_after_outbox=kill_after_outbox)
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    # readline blocks until the line comes or the process dies (then it returns "").
    assert process.stdout.readline().strip() == "started", "the daemon did not start"
    return process


def kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    process.stdout.close()


def stored(data: Path, prefix: str, table: str) -> list[dict]:
    """What the daemon has stored (its files plus its journal), read without changing them."""
    if not data.exists():
        return []
    names = {p.name for p in data.glob(f"{prefix}*.json")} | _journal_files(data, prefix)
    found = []
    for name in sorted(names):
        found += read_only_state(data, name).get(table, {}).values()
    return found


def _journal_files(data: Path, prefix: str) -> set:
    names = set()
    for segment in ("journal.prev.jsonl", "journal.jsonl"):
        path = data / segment
        if path.exists():
            names |= {line.split(b"\t")[1].decode() for line in path.read_bytes().splitlines()
                      if line.count(b"\t") >= 2 and line.split(b"\t")[1].startswith(
                          prefix.encode())}
    return names


def outbox(data: Path) -> list[dict]:
    return stored(data, "outbox", "outbox")


def calls(data: Path) -> list[dict]:
    return stored(data, "calls-", "calls")


def messages(data: Path) -> list[dict]:
    return stored(data, "messages-", "messages")


def contact(data: Path, number: str) -> dict:
    rows = read_only_state(data, shard_name(number)).get("contacts", {}).values()
    return next((row for row in rows if row.get("number") == number), {})
