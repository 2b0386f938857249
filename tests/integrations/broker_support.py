"""A real Mosquitto broker for tests and benchmarks, and a listening MQTT client.

Broker(folder).start() runs Debian's `mosquitto` (scripts/system-packages.sh installs it) on a
free port of 127.0.0.1 with its own config file in `folder`; kill() ends it with SIGKILL, start()
brings it back on the same port. With persistence on, the broker keeps sessions in `folder`
(save() forces a write), so a listener with a persistent session gets what was published while
it was away, also across a broker restart.

Listener(port) is a paho client that records every message it receives.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import threading
from pathlib import Path
from typing import Optional

from tests.helpers import wait_for


def mosquitto_path() -> Optional[str]:
    found = shutil.which("mosquitto")
    if found:
        return found
    return "/usr/sbin/mosquitto" if os.access("/usr/sbin/mosquitto", os.X_OK) else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Broker:
    """One mosquitto process on 127.0.0.1:<port>, configured and kept in `folder`."""

    def __init__(self, folder: Path, persistence: bool = False):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.persistence = persistence
        self.process: Optional[subprocess.Popen] = None

    @property
    def db(self) -> Path:
        return self.folder / "mosquitto.db"

    def _config(self) -> Path:
        lines = [f"listener {self.port} 127.0.0.1", "allow_anonymous true",
                 f"log_dest file {self.folder / 'mosquitto.log'}", "log_type all",
                 "user root" if os.geteuid() == 0 else ""]
        if self.persistence:
            lines += ["persistence true", f"persistence_location {self.folder}/",
                      "autosave_interval 0"]
        path = self.folder / "mosquitto.conf"
        path.write_text("\n".join(lines) + "\n")
        return path

    def start(self) -> "Broker":
        binary = mosquitto_path()
        if binary is None:
            raise FileNotFoundError("mosquitto is not installed (scripts/system-packages.sh)")
        self.process = subprocess.Popen([binary, "-c", str(self._config())],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._listening, 10, f"mosquitto on port {self.port}")
        return self

    def _listening(self) -> bool:
        if self.process.poll() is not None:
            log = (self.folder / "mosquitto.log")
            raise RuntimeError("mosquitto exited: " + (log.read_text()[-2000:]
                                                       if log.exists() else ""))
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def save(self) -> None:
        """Make the broker write its sessions to disk now (SIGUSR1) and wait until it has."""
        before = self.db.stat().st_mtime_ns if self.db.exists() else None
        self.process.send_signal(signal.SIGUSR1)
        wait_for(lambda: self.db.exists() and self.db.stat().st_mtime_ns != before, 10,
              "the broker's database written")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


class Listener:
    """A paho client subscribed to `topics` that keeps (topic, payload, retained) of each
    message, in the order received."""

    def __init__(self, port: int, topics=("#",), client_id: str = "",
                 persistent: bool = False):
        import paho.mqtt.client as paho
        from paho.mqtt.enums import CallbackAPIVersion
        self.messages: list[tuple[str, bytes, bool]] = []
        self._lock = threading.Lock()
        self.topics = topics
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                                  clean_session=not persistent)
        self.client.reconnect_delay_set(0.1, 0.5)
        self.client.on_connect = self._connected
        self.client.on_message = self._message
        self.subscribed = threading.Event()
        self.client.on_subscribe = lambda *args: self.subscribed.set()
        self.client.connect("127.0.0.1", port, keepalive=10)
        self.client.loop_start()
        if not self.subscribed.wait(10):
            raise TimeoutError("the listener's subscription was not confirmed")

    def _connected(self, client, userdata, flags, reason, properties) -> None:
        for topic in self.topics:
            client.subscribe(topic, qos=1)

    def _message(self, client, userdata, msg) -> None:
        with self._lock:
            self.messages.append((msg.topic, bytes(msg.payload), bool(msg.retain)))

    def received(self, prefix: str = "") -> list[tuple[str, bytes, bool]]:
        with self._lock:
            return [m for m in self.messages if m[0].startswith(prefix)]

    def latest(self, topic: str) -> Optional[bytes]:
        found = [payload for name, payload, _ in self.received() if name == topic]
        return found[-1] if found else None

    def events(self, topic: str) -> list[dict]:
        return [json.loads(payload) for name, payload, _ in self.received() if name == topic]

    def publish(self, topic: str, payload: str) -> None:
        self.client.publish(topic, payload, qos=1).wait_for_publish(5)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
