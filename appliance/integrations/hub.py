"""Integrations: the box's connections to the shop's other systems, as one part for main.py.

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
from typing import Callable

from appliance.integrations.mqtt_bridge import MqttBridge
from appliance.integrations.webhooks import Webhooks

log = logging.getLogger(__name__)


class Integrations:
    """The MQTT bridge and the webhook deliveries, started and stopped together."""

    def __init__(self, data_dir: Path, box_id: str, store, status: Callable[[], dict],
                 command: Callable[[str, bool], None], clock: Callable[[], datetime],
                 version: str, fast: bool = False):
        self.box_id = box_id
        self.mqtt = MqttBridge(data_dir, box_id, store.settings, status, command,
                               store.log_event, version,
                               delays=(0.1, 0.5) if fast else (1.0, 120.0),
                               status_every=0.2 if fast else 2.0, tick=0.05 if fast else 0.5)
        self.webhooks = Webhooks(data_dir, box_id, store.settings, store.log_event, clock,
                                 version, tick=0.05 if fast else 1.0,
                                 **_fast_retries() if fast else {})

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


def _fast_retries() -> dict:
    from datetime import timedelta
    return {"backoff": (timedelta(seconds=0.1),), "give_up_after": timedelta(seconds=1.5),
            "timeout": 2.0}
