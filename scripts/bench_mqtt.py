#!/usr/bin/env python3
"""Benchmark the box on an MQTT broker: how soon a missed call's event reaches a subscriber,
and the daemon's memory with MQTT on.

Latency: a real box (bootstrap, demo=True, production timers: store, service, sender, modem
adapter talking AT to the simulator over a pseudo-terminal) configured for a real Mosquitto
broker started here on a free port of 127.0.0.1 (tests/integrations/broker_support.py). A paho
client in this process subscribes to the box's event topic. For each abandoned call: the time
the simulator RECEIVES the text-back's `AT+CMGS=` (its timed transcript) to the time the
subscriber receives the call's `missed_call` event. Both clocks are this process's monotonic
clock. Negative figures would mean the event arrived before the text-back was submitted.

Memory: `python -m appliance run` as a child process (bench_memory.py) with the `mqtt` setting
pointing at the broker; the idle figure is taken once the daemon's "online" is on the broker.

    .venv/bin/python scripts/bench_mqtt.py                 # 50 calls + memory (under a minute)
    .venv/bin/python scripts/bench_mqtt.py --calls 5 --no-memory

Loopback and temporary folders only; every process and folder it makes is removed at the end.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
for path in (REPO, REPO / "scripts"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from bench_calls import _in_stream_hit, caller  # noqa: E402
from bench_memory import daemon_memory  # noqa: E402
from bench_support import percentile, print_table, wait_until  # noqa: E402
from tests.integrations.broker_support import Broker, Listener  # noqa: E402

TARGET_MS, TARGET_IDLE_MB = 200.0, 60.0
CALL_TIMEOUT = 30.0


class EventClock:
    """Subscribed to the box's events; remembers when each arrived (monotonic seconds)."""

    def __init__(self, port: int, box_id: str):
        self.arrivals: list[tuple[float, dict]] = []
        self._lock = threading.Lock()
        self.listener = Listener(port, (f"textback/{box_id}/event",))
        self.listener.client.on_message = self._message

    def _message(self, client, userdata, msg) -> None:
        with self._lock:
            self.arrivals.append((time.monotonic(), json.loads(msg.payload)))

    def missed_call(self, number: str):
        with self._lock:
            return next((at for at, e in self.arrivals
                         if e["type"] == "missed_call" and e["number"] == number), None)


def mqtt_setting(broker: Broker) -> dict:
    from appliance.core.settings_connections import MQTT_DEFAULTS
    return {**MQTT_DEFAULTS, "host": "127.0.0.1", "port": broker.port}


def latency(broker: Broker, calls: int) -> dict:
    """`calls` abandoned calls (plus a first one not counted) -> ms from AT+CMGS to event."""
    from appliance.app.bootstrap import Options, bootstrap
    tmp = Path(tempfile.mkdtemp(prefix="bench-mqtt-"))
    app = bootstrap(Options(tmp, demo=True, dialect="sim800", gpio=False))
    store = app.store
    store.save_settings({**store.settings(), "mqtt": mqtt_setting(broker)})
    clock = EventClock(broker.port, app.box_id)
    figures = []
    try:
        app.start()
        sim = app.simulator
        wait_until(lambda: app.modem.status.state == "ready", 30, "modem ready")
        wait_until(lambda: app.integrations.mqtt.state()["connected"], 30, "MQTT connected")
        for i in range(calls + 1):
            number, since = caller(i), time.monotonic()
            sim.ring(number, rings=2, interval=0.05)
            arrived = wait_until(lambda n=number: clock.missed_call(n), CALL_TIMEOUT,
                                 f"the event of the call from {number}")
            sim.wait_sent(i + 1, timeout=CALL_TIMEOUT)
            cmgs = _in_stream_hit([e for e in sim.timed_transcript if e[0] >= since],
                                  b"AT+CMGS=")
            if i:                                   # the first call warms everything up
                figures.append((arrived - cmgs) * 1000)
            wait_until(lambda: not app.outbox.items(), CALL_TIMEOUT, "outbox empty")
    finally:
        clock.listener.close()
        app.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return {"calls": calls, "median_ms": round(statistics.median(figures), 1),
            "p99_ms": round(percentile(figures, 0.99), 1), "min_ms": round(min(figures), 1),
            "max_ms": round(max(figures), 1)}


def memory(broker: Broker, calls: int) -> dict:
    """The daemon's memory with MQTT on and connected."""
    from appliance.integrations.box_id import get_or_create_box_id
    from appliance.storage.store import Store
    found = {}

    def prepare(data: Path) -> None:
        store = Store(data)
        store.save_settings({**store.settings(), "mqtt": mqtt_setting(broker)})
        store.close()
        found["box_id"] = get_or_create_box_id(data)
        found["listener"] = Listener(broker.port, (f"textback/{found['box_id']}/availability",))

    try:
        return daemon_memory(REPO, calls, caller, prepare=prepare,
                             ready=lambda: found["listener"].latest(
                                 f"textback/{found['box_id']}/availability") == b"online")
    finally:
        if "listener" in found:
            found["listener"].close()


def report(result: dict | None, mem: dict | None) -> None:
    if result:
        print(f"\nAT+CMGS of the text-back -> missed_call event at an MQTT subscriber (ms; "
              f"target < {TARGET_MS:g})")
        print_table(["calls", "median", "p99", "min", "max", "met"],
                    [[str(result["calls"]), f"{result['median_ms']:.1f}",
                      f"{result['p99_ms']:.1f}", f"{result['min_ms']:.1f}",
                      f"{result['max_ms']:.1f}",
                      "yes" if result["p99_ms"] < TARGET_MS else "NO"]])
    if mem:
        print(f"\nDaemon memory with MQTT on (target idle VmRSS < {TARGET_IDLE_MB:g} MB)")
        print_table(["when", "VmRSS MB", "VmHWM MB"],
                    [[label, f"{m['VmRSS']:.1f}", f"{m['VmHWM']:.1f}"]
                     for label, m in mem["samples"].items()])
        idle = mem["samples"]["idle"]["VmRSS"]
        print(f"idle target met: {'yes' if idle < TARGET_IDLE_MB else 'NO'}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=50, help="measured calls (default 50)")
    parser.add_argument("--memory-calls", type=int, default=10,
                        help="calls made to the daemon before the second memory sample")
    parser.add_argument("--no-latency", action="store_true")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    args = parser.parse_args(argv)
    if args.calls < 1:
        parser.error("--calls must be >= 1")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    folder = Path(tempfile.mkdtemp(prefix="bench-broker-"))
    broker = Broker(folder).start()
    try:
        result = None if args.no_latency else latency(broker, args.calls)
        mem = None if args.no_memory else memory(broker, args.memory_calls)
    finally:
        broker.stop()
        shutil.rmtree(folder, ignore_errors=True)
    report(result, mem)
    load = [round(x, 2) for x in os.getloadavg()]
    print(f"\nload average (1, 5, 15 min) at the end: {load[0]}, {load[1]}, {load[2]} "
          f"on {os.cpu_count()} CPUs")
    if args.json:
        args.json.write_text(json.dumps({"latency": result, "memory": mem,
                                         "load_average": load}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
