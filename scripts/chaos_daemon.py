"""The daemon the chaos run (scripts/chaos.py) kills: a real `python -m appliance run` process
on the simulator's pseudo-terminal (or, with `fast`, the same box with the tests' short timers),
started on one data folder, killed with SIGKILL and started again. It is talked to as a shop's
script would: the JSON API with the token from `python -m appliance token`."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[1]
FAST_DAEMON = """
import logging, sys, threading
sys.path.insert(0, {root!r})
from pathlib import Path
from appliance.app.bootstrap import Options, bootstrap
from appliance.app.timings import FAST
logging.basicConfig(level=logging.WARNING)
bootstrap(Options(data_dir=Path({data!r}), port={port!r}, gpio=False, listen={listen!r}),
          FAST).start()
threading.Event().wait()
"""


class Daemon:
    """One data folder; at most one daemon process on it at a time."""

    def __init__(self, data: Path, port: str, fast: bool, log_path: Path):
        self.data, self.port, self.fast = data, port, fast
        self.log_path = log_path
        self.process: Optional[subprocess.Popen] = None
        self.address = ""
        self.token = ""
        self.crashed = 0          # times it was found dead without being killed

    def start(self, timeout: float = 60.0) -> None:
        """Start it and wait until /api/status says the modem is ready."""
        if not self.token:
            self.token = subprocess.run(
                [sys.executable, "-m", "appliance", "token", "--data", str(self.data)],
                cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
        listen = f"127.0.0.1:{_free_port()}"
        self.address = f"http://{listen}"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self._command(listen), cwd=REPO, stdout=log,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while self.status().get("modem", {}).get("state") != "ready":
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the daemon did not get ready (see {self.log_path})")
            time.sleep(0.05)

    def _command(self, listen: str) -> list[str]:
        if self.fast:
            return [sys.executable, "-c", FAST_DAEMON.format(
                root=str(REPO), data=str(self.data), port=self.port, listen=listen)]
        return [sys.executable, "-m", "appliance", "run", "--port", self.port, "--data",
                str(self.data), "--no-gpio", "--listen", listen]

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """kill -9; a daemon that already died on its own is counted as a crash."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        else:
            self.crashed += 1
        self.process.wait(10)
        self.process = None

    def status(self) -> dict:
        return self.api("GET", "/api/status") or {}

    def api(self, method: str, path: str, body: Optional[dict] = None) -> Optional[dict]:
        """The JSON answer, or None when the daemon does not answer (starting, killed)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.address + path, data=data, method=method,
            headers={"Authorization": f"Bearer {self.token}",
                     "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return json.loads(answer.read() or b"{}")
        except (urllib.error.URLError, OSError, ValueError):
            return None

    def conversation(self, number: str) -> list[dict]:
        found = self.api("GET", "/api/conversations/" + urllib.parse.quote(number, safe=""))
        return (found or {}).get("messages", [])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
