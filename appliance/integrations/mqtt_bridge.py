"""The MQTT thread: the box on the shop's broker, with Home Assistant discovery.

Off while the `mqtt` setting has no host. When on, it keeps one connection (mqtt_link) and on
every connect says "online", publishes the discovery configs and the status (all retained) and
listens for `set/paused` and `set/away`. Box events are kept in a bounded durable list
(mqtt-events.json in the data folder) until the broker has acknowledged them (QoS 1), and handed
to it in order, at most WINDOW unacknowledged at a time; an event with nothing older waiting goes
to the broker first and onto disk right after, so the disk write never sits between a missed call
and Home Assistant. A broker that is down, slow or refusing us only makes that list longer: the
service thread never waits for any of it, and after a restart of the box or the broker the list
is sent in order. A dropped connection is made again with backoff (delays[0] doubling up to
delays[1]). A retained command is never obeyed: it would pause the box again at every reconnect
and restart, long after the owner changed it on the page; the box clears it from the broker.

The status topic is the /api/status object, published when it changed (looked at every
`status_every` seconds, and right after an event or a command) and at each connect.
"""
from __future__ import annotations

import json
import logging
import queue
import threading
import time
from pathlib import Path
from typing import Callable, Optional

from appliance.integrations import ha_discovery
from appliance.integrations.durable_queue import DurableQueue
from appliance.integrations.mqtt_link import MqttLink

log = logging.getLogger(__name__)

JOURNAL_FILE = "mqtt-events.json"
JOURNAL_LIMIT = 1000
WINDOW = 50


class MqttBridge:
    """Publishes box events and status to the broker and takes commands from it."""

    def __init__(self, data_dir: Path, box_id: str, settings: Callable[[], dict],
                 status: Callable[[], dict], command: Callable[[str, bool], None],
                 log_event: Callable[..., None], version: str,
                 delays: tuple = (1.0, 120.0), status_every: float = 2.0, tick: float = 0.5,
                 journal_limit: int = JOURNAL_LIMIT):
        self.box_id = box_id
        self.settings = settings
        self.status = status
        self.command = command
        self.log_event = log_event
        self.version = version
        self.delays = delays
        self.status_every = status_every
        self.tick = tick
        self.journal = DurableQueue(Path(data_dir) / JOURNAL_FILE, journal_limit)
        self._inbox: "queue.SimpleQueue[tuple]" = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._config: Optional[dict] = None
        self._link: Optional[MqttLink] = None
        self._connected_at: Optional[float] = None
        self._last_error: Optional[str] = None
        self._failures = 0
        self._next_link_at = 0.0
        self._in_flight: dict[int, str] = {}
        self._acked: set[str] = set()
        self._pump_due = True
        self._status_due = True
        self._next_status_at = 0.0
        self._published: dict[str, str] = {}     # retained topic -> payload last sent

    # --- other threads ----------------------------------------------------------------------

    def take(self, event) -> None:
        """A box event (any thread; never blocks)."""
        self._inbox.put(("event", event))

    def state(self) -> dict:
        """What the Connections page shows."""
        config = self._config or {}
        return {"enabled": bool(config.get("host")), "connected": self._connected_at is not None,
                "address": f"{config.get('host')}:{config.get('port')}" if config else None,
                "last_error": self._last_error, "pending": len(self.journal),
                "topic": ha_discovery.topics(config["prefix"], self.box_id).base
                if config else None}

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="mqtt", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._inbox.put(("stop",))
        if self._thread:
            self._thread.join(timeout)

    def alive(self) -> bool:
        return bool(self._thread and self._thread.is_alive())

    # --- the thread -------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._handle(self._inbox.get(timeout=self.tick))
                while True:                       # take what else came, then act once
                    self._handle(self._inbox.get_nowait())
            except queue.Empty:
                pass
            try:
                self._maintain(time.monotonic())
            except Exception:  # thread boundary: log it, keep going (the broker may come back)
                log.exception("MQTT: unexpected error")
        self._drop_link(offline=True)

    def _handle(self, message: tuple) -> None:
        try:
            kind, link = message[0], message[1] if len(message) > 1 else None
            if kind == "event":
                self._keep(message[1])
            elif link is not self._link:
                return                            # from a connection already given up
            elif kind == "acked":
                self._ack(message[2])
            elif kind == "connected":
                self._on_connected()
            elif kind in ("refused", "disconnected"):
                self._on_lost(message[2])
            elif kind == "unreachable":
                self._on_lost("nobody answered")
            elif kind == "command":
                self._on_command(message[2], message[3], message[4])
        except Exception:  # thread boundary: one bad message must not stop the others
            log.exception("MQTT: error while handling %r", message[:1])

    def _maintain(self, now: float) -> None:
        self._follow_settings(now)
        if self._acked:
            self.journal.remove(self._acked)
            self._acked.clear()
        if self._config and self._link is None and now >= self._next_link_at:
            self._open_link()
        if self._connected_at is None:
            return
        if self._pump_due:
            self._pump()
        if self._status_due or now >= self._next_status_at:
            self._status_due = False
            self._next_status_at = now + self.status_every
            self._publish_status()

    # --- events -----------------------------------------------------------------------------

    def _keep(self, event) -> None:
        if not (self._config or self._enabled_config()):
            return                                # MQTT is off: nothing is kept
        record = event.as_dict()
        if self._nothing_waiting():
            # The usual case: straight to the broker, then onto disk (the disk write must not
            # come between a missed call and Home Assistant); kept until the broker has it.
            mid = self._link.publish(self._topics().event, json.dumps(record))
            if mid is not None:
                self._in_flight[mid] = record["id"]
        dropped = self.journal.append(record)
        if dropped:
            log.warning("MQTT: %d old event(s) dropped; the broker has been away long",
                        len(dropped))
        self._pump_due = self._status_due = True

    def _nothing_waiting(self) -> bool:
        """Connected, and every kept event already handed to the broker (so a new one may go
        at once without overtaking an older one)."""
        if self._connected_at is None or self._link is None or len(self._in_flight) >= WINDOW:
            return False
        handed = set(self._in_flight.values()) | self._acked
        return all(record["id"] in handed for record in self.journal.items())

    def _pump(self) -> None:
        """Hand waiting events to the broker in order, at most WINDOW unacknowledged."""
        self._pump_due = False
        handed = set(self._in_flight.values())
        for record in self.journal.items():
            if len(self._in_flight) >= WINDOW:
                self._pump_due = True
                return
            if record["id"] in handed or record["id"] in self._acked:
                continue
            mid = self._link.publish(self._topics().event, json.dumps(record))
            if mid is None:
                self._pump_due = True
                return
            self._in_flight[mid] = record["id"]

    def _ack(self, mid: int) -> None:
        event_id = self._in_flight.pop(mid, None)
        if event_id is not None:
            self._acked.add(event_id)
            self._pump_due = True

    # --- the connection ---------------------------------------------------------------------

    def _enabled_config(self) -> Optional[dict]:
        mqtt = self.settings().get("mqtt") or {}
        return dict(mqtt) if mqtt.get("host") else None

    def _follow_settings(self, now: float) -> None:
        wanted = self._enabled_config()
        if wanted == self._config:
            return
        old = self._config
        if old and self._connected_at is not None and wanted and self._moved(old, wanted):
            self._forget_retained()
        self._drop_link(offline=True)
        self._config, self._failures, self._next_link_at = wanted, 0, now
        self._last_error = None
        if not wanted and len(self.journal):
            self.journal.remove([r["id"] for r in self.journal.items()])
        log.info("MQTT %s", f"on: broker {wanted['host']}:{wanted['port']}" if wanted else "off")

    def _moved(self, old: dict, new: dict) -> bool:
        return any(old[k] != new[k] for k in ("prefix", "discovery_prefix", "host", "port"))

    def _open_link(self) -> None:
        self._link = MqttLink(self._config, f"textback-{self.box_id}",
                              self._topics().availability, self._inbox.put)
        try:
            self._link.start()
        except (OSError, ValueError) as error:
            self._on_lost(f"cannot connect: {error}")

    def _drop_link(self, offline: bool) -> None:
        link, self._link = self._link, None
        self._connected_at = None
        self._in_flight.clear()
        self._published.clear()
        if link is not None:
            link.close(offline)

    def _on_connected(self) -> None:
        self._connected_at, self._failures, self._last_error = time.monotonic(), 0, None
        log.info("MQTT connected to %s", self._link.address)
        self._link.publish(self._topics().availability, "online", retain=True)
        self._link.subscribe(self._topics().commands)
        self._pump_due = self._status_due = True

    def _on_lost(self, reason: str) -> None:
        was_connected = self._connected_at is not None
        address = self._link.address if self._link else "the broker"
        self._drop_link(offline=False)
        self._failures += 1
        delay = min(self.delays[0] * 2 ** (self._failures - 1), self.delays[1])
        self._next_link_at = time.monotonic() + delay
        self._last_error = f"{address}: {reason}; trying again"
        # Said once; a broker that stays away is not worth a line every two minutes.
        (log.warning if was_connected or self._failures == 1 else log.debug)(
            "MQTT %s %s: %s; again in %.1f s", "lost" if was_connected else "no connection to",
            address, reason, delay)

    # --- status, discovery, commands --------------------------------------------------------

    def _topics(self) -> ha_discovery.Topics:
        return ha_discovery.topics(self._config["prefix"], self.box_id)

    def _publish_status(self) -> None:
        status = self.status()
        number = (status.get("modem") or {}).get("sim_number")
        name = ha_discovery.device_name(self.settings(), number)
        for topic, config in ha_discovery.configs(self.box_id, self._config, name, self.version):
            self._retain(topic, json.dumps(config, sort_keys=True))
        self._retain(self._topics().status, json.dumps(status, sort_keys=True, default=str))

    def _retain(self, topic: str, payload: str) -> None:
        if self._published.get(topic) != payload and \
                self._link.publish(topic, payload, retain=True) is not None:
            self._published[topic] = payload

    def _forget_retained(self) -> None:
        """Moving to other topics: clear what this box left retained under the old ones."""
        for topic in list(self._published) + [self._topics().availability]:
            self._link.publish(topic, b"", retain=True)

    def _on_command(self, topic: str, payload: bytes, retained: bool) -> None:
        name, value = self._topics().command_of(topic), ha_discovery.switch_value(payload)
        if retained:                 # see the module's docstring: never obeyed, cleared
            note = f"ignored the retained command {payload[:40]!r} on {topic} and cleared it"
            log.warning("MQTT: %s (publish commands without retain)", note)
            self.log_event("mqtt", f"MQTT: {note}; send commands unretained", level="warning")
            self._link.publish(topic, b"", retain=True)
            return
        if name is None or value is None:
            if payload:          # an empty payload is a retained command being cleared
                log.warning("MQTT: ignored %r on %s (send ON or OFF to set/paused or "
                            "set/away)", payload[:40], topic)
            return
        self.command(name, value)
        self.log_event("mqtt", f"{'Paused' if name == 'paused' else 'Away mode'} "
                               f"{'on' if value else 'off'} from MQTT ({topic})")
        self._status_due = True
