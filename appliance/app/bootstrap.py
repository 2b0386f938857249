"""The composition root: the one place that wires modem (real or simulated), store, service,
sender, GPIO, Wi-Fi, watchdog and web server together.

`bootstrap(options, timings)` builds an `Appliance`: `.box` is the facade the page is given,
`.start()` and `.stop()` run and end the whole box. Nothing starts at import time, and nothing
starts before `start()`.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Optional

from appliance import VERSION
from appliance.app import host, lifecycle
from appliance.app.owner_news import OwnerNews
from appliance.app.timings import PRODUCTION, Timings
from appliance.core.clock import TrustedClock, utc_now
from appliance.core.domain import SendText
from appliance.core.ports import WifiControl
from appliance.facade.box import Box
from appliance.facade.results import Results
from appliance.facade.status import BoxStatus
from appliance.facade.voicemail import Voicemail
from appliance.integrations.box_id import get_or_create_box_id
from appliance.integrations.hub import Integrations
from appliance.receiving.inbox import Inbox
from appliance.sending.auto_texts import AutoTexts
from appliance.sending.outbox import Outbox
from appliance.sending.outgoing import Outgoing
from appliance.sending.send_results import SendResults
from appliance.sending.sender import Sender
from appliance.service.commands import Commands
from appliance.service.later_texts import LaterTexts
from appliance.service.service import Service
from appliance.service.textback import TextBack
from appliance.storage import secrets
from appliance.storage.disk import Disk, statvfs_free
from appliance.storage.journal import Journal
from appliance.storage.store import Store
from appliance.storage.upkeep import Upkeep

log = logging.getLogger(__name__)


@dataclass
class Options:
    """Run-time options (command line and tests); settings the owner edits live in the store."""
    data_dir: Path
    port: Optional[str] = None
    baud: int = 115200
    rtscts: bool = False
    demo: bool = False
    dialect: str = "sim800"
    listen: Optional[str] = None          # "HOST:PORT"; None: no web server (tests)
    led_pin: Optional[int] = 17
    unread_pin: Optional[int] = 27
    button_pin: Optional[int] = 22
    gpio: bool = True
    wifi: Optional[WifiControl] = None    # hardware.wifi.Wifi on a Pi (cli.py), or None
    pin_factory: object = None
    clock: Callable[[], datetime] = utc_now   # tests move the shop's "now" to a chosen day
    # Where phones on the setup hotspot come from (NetworkManager's shared mode). A browser test
    # that stands in for a phone on the hotspot comes from 127.0.0.1 and says so here.
    hotspot_clients: Optional[str] = None     # None: the setup hotspot's own network
    disk_write: Callable[[int, bytes], int] = os.write   # tests emulate a small, full disk
    disk_free: Callable[[Path], int] = statvfs_free
    disk_fsync: Callable[[int], None] = os.fsync   # tests record what a power cut would keep


def bootstrap(options: Options, timings: Timings = PRODUCTION) -> "Appliance":
    """Build the whole appliance; `start()` runs it, `stop()` ends it."""
    options.data_dir = Path(options.data_dir)
    return Appliance(options, timings)


class Appliance:
    """Every part of the box and their lifecycle (threads: docs/ARCHITECTURE.md)."""

    def __init__(self, options: Options, timings: Timings):
        self.options, self.timings = options, timings
        self.clock = TrustedClock(options.clock)     # the system clock, or the network's time
        options.data_dir.mkdir(parents=True, exist_ok=True)
        self._storage()
        self.clock.set_floor(self.store.newest_stamp())
        self._modem_line()
        self._sending()
        self._reading()
        self._deciding()
        self._facade()
        self._owner_news()
        self.gpio = self.web = self.monitor = self.network = None   # made by start()

    def _storage(self) -> None:
        o = self.options
        self.disk = Disk(o.data_dir, free=o.disk_free)
        self.store = Store(o.data_dir, clock=self.clock, journal=Journal(
            o.data_dir, write=o.disk_write, make_room=self.disk.release_reserve,
            fsync=o.disk_fsync))
        self.upkeep = Upkeep(self.store, self.disk, self.clock, alert_owner=self._alert_owner,
                             interval=self.timings.upkeep_interval)
        self.box_id = get_or_create_box_id(o.data_dir)

    def _modem_line(self) -> None:
        """The modem on its serial port, or in demo mode on the built-in simulator."""
        from hardware.modem import Modem
        o = self.options
        self.simulator = self.demo_phone = None
        if o.demo:
            from appliance.app.demo import DemoPhone
            from hardware.simulator import ModemSimulator
            self.simulator = ModemSimulator(dialect=o.dialect,
                                            link_path=o.data_dir / "simulated-modem")
            self.demo_phone = DemoPhone(self.simulator, interval=self.timings.demo_ring_interval)
        port = self.simulator.port if self.simulator else o.port
        self.modem = Modem(port, events=self._post, baud=o.baud, rtscts=o.rtscts,
                           clock=self.clock, **self.timings.modem)

    def _sending(self) -> None:
        t = self.timings
        self.outbox = Outbox(self.store, clock=self.clock, backoff=t.outbox_backoff)
        self.sender = Sender(self.store, self.outbox, self.modem, self.clock, post=self._post,
                             poll_seconds=t.sender_poll)
        self.outgoing = Outgoing(self.store, self.outbox, wake=self.sender.wake)
        self.auto_texts = AutoTexts(self.store, self.outgoing)

    def _reading(self) -> None:
        """The status read model and the integrations that report it."""
        self.results = Results(self.store, self.clock)
        self.status = BoxStatus(
            self.store, self.outbox, lambda: self.modem.status, self.clock, self.results,
            storage=self._storage_state, ringing=lambda: self.service.ringing,
            addresses=lambda: host.page_addresses(host.addresses, self._listening()),
            auto_texts=self.auto_texts, box_id=self.box_id, demo=self.options.demo,
            clock_state=self.clock.state)
        t = self.timings
        self.integrations = Integrations(
            self.options.data_dir, self.box_id, self.store, status=self.status.report,
            command=self._command_from_outside, clock=self.clock, version=VERSION,
            mqtt_timers={"delays": t.mqtt_delays, "status_every": t.mqtt_status_every,
                         "tick": t.mqtt_tick},
            webhook_timers={"backoff": t.webhook_backoff, "give_up_after": t.webhook_give_up,
                            "tick": t.webhook_tick, "timeout": t.webhook_timeout})

    def _deciding(self) -> None:
        """The service thread and what it decides with."""
        from hardware.stored_texts import kept
        t, notify, wifi = self.timings, self.integrations.emit, self.options.wifi
        if wifi is not None:      # the setup hotspot is WPA2 with the box's own key
            wifi.use_hotspot_key(self._hotspot_key)
        self.commands = Commands(self.store, self.outgoing, status_facts=self.status.facts,
                                 wifi=wifi, hotspot_key=self._hotspot_key)
        self.later_texts = LaterTexts(self.store, self.outgoing, self.auto_texts,
                                      every=t.later_texts_every)
        self.textback = TextBack(self.store, self.outgoing, self.auto_texts,
                                 box_number=self.status.box_number, notify=notify,
                                 later=self.later_texts)
        self.send_results = SendResults(self.store, self.outbox, notify=notify,
                                            clock=self.clock)
        inbox = Inbox(self.store, self.modem, self.outgoing, self.commands, decode_pdu=kept,
                      status_facts=self.status.facts, flash=self._flash,
                      box_number=self.status.box_number, part_timeout=t.part_timeout,
                      notify=notify, auto_texts=self.auto_texts)
        self.service = Service(self.store, self.modem, self.textback, inbox, self.commands,
                               self.send_results, self.clock, ring_gap=t.ring_gap,
                               sweep_every=t.sweep_every, unannounced_sweep=t.unannounced_sweep,
                               tick_seconds=t.service_tick,
                               on_activity=lambda kind: self._flash(),
                               later=self.later_texts,
                               on_network_time=lambda event: self.clock.network_time_seen(
                                   event.network, event.monotonic))

    def _owner_news(self) -> None:
        self.owner_news = OwnerNews(self.store, self.results, self.clock, self._alert_owner,
                                    clock_trusted=self.clock.trusted,
                                    fault_delays=self.timings.fault_text_delays)

    def _facade(self) -> None:
        self.box = Box(self.options.data_dir, self.store, self.service, self.commands,
                       self.outgoing, self.status, self.results, self.clock,
                       wifi=self.options.wifi, demo_phone=self.demo_phone,
                       integrations=self.integrations,
                       hotspot_clients=self.options.hotspot_clients,
                       voicemail=Voicemail(self.modem.call_forwarding,
                                           self.modem.cancel_call_forwarding, self.clock))

    # --- callbacks the parts are given -------------------------------------------------------

    def _post(self, event) -> None:
        # Called from the modem's reader and sender threads: only enqueue.
        self.service.post(event)

    def _hotspot_key(self) -> str:
        return secrets.hotspot_key(self.options.data_dir)

    def _command_from_outside(self, name: str, on: bool) -> None:
        """`set/paused` and `set/away` from the MQTT broker (on the MQTT thread)."""
        if name == "paused":
            self.box.pause(on)
        else:
            self.box.update_settings({"away": {"on": on, "until": None}})

    def _storage_state(self) -> dict:
        return {"full": self.upkeep.full, "waiting": self.store.journal.backlog,
                "free_mb": round(self.disk.free_bytes() / 2**20, 1)}

    def _alert_owner(self, text: str) -> None:
        """One text to the owner (from the upkeep thread: queued on the service thread)."""
        owner = self.store.settings().get("owner_phone")
        if owner:
            self.service.call(lambda: self.outgoing.queue_text(
                SendText(to=owner, text=text, kind="owner_alert"), self.clock()))

    def _flash(self) -> None:
        if self.gpio is not None:
            self.gpio.flash()

    def _listening(self) -> Optional[str]:
        return lifecycle.listening(self)

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        lifecycle.start(self)

    def stop(self) -> None:
        lifecycle.stop(self)
