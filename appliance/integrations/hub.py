"""Integrations: the box's connections to the shop's other systems, as one part for the
composition root (appliance/app/bootstrap.py).

`emit(event)` is the sink the places where things happen are given (text-back, send results,
replies, the monitor): it hands the event to the MQTT thread and the webhook thread, each of
which only enqueues it, so emitting costs the caller next to nothing and never waits for a
broker or a web server. Each part follows the settings by itself (MQTT on when a host is set;
webhooks as listed), so changing them on the page takes effect within a second or two.
"""
from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Callable, Optional

from appliance.integrations.mqtt_bridge import MqttBridge
from appliance.integrations.webhooks import Webhooks

log = logging.getLogger(__name__)


class Integrations:
    """The MQTT bridge and the webhook deliveries, started and stopped together."""

    def __init__(self, data_dir: Path, box_id: str, store, status: Callable[[], dict],
                 command: Callable[[str, bool], None], clock: Callable[[], datetime],
                 version: str, mqtt_timers: Optional[dict] = None,
                 webhook_timers: Optional[dict] = None):
        """`mqtt_timers` and `webhook_timers`: keyword arguments for MqttBridge (delays,
        status_every, tick) and Webhooks (backoff, give_up_after, tick, timeout)."""
        self.box_id = box_id
        self.mqtt = MqttBridge(data_dir, box_id, store.settings, status, command,
                               store.log_event, version, **(mqtt_timers or {}))
        self.webhooks = Webhooks(data_dir, box_id, store.settings, store.log_event, clock,
                                 version, **(webhook_timers or {}))

    def emit(self, events) -> None:
        """Take a box event, or a list of them (any thread; never blocks). None is ignored."""
        for event in events if isinstance(events, (list, tuple)) else [events]:
            if event is not None:
                self.mqtt.take(event)
                self.webhooks.take(event)

    def start(self) -> None:
        self.mqtt.start()
        self.webhooks.start()

    def stop(self) -> None:
        self.mqtt.stop()
        self.webhooks.stop()

    def checks(self) -> dict:
        """The threads the watchdog must see alive."""
        return {"mqtt thread": self.mqtt.alive, "webhook thread": self.webhooks.alive}

