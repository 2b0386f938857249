"""The composition root: the one place that wires modem (real or simulated), store, service,
sender, GPIO, Wi-Fi, watchdog and web server together.

`build_box` returns the facade the web page uses, with `start()` and `stop()` for the whole
appliance. Nothing starts at import time.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Optional

from appliance.sending.auto_texts import AutoTexts
from appliance.service.commands import Commands
from appliance.storage.disk import Disk, statvfs_free
from appliance.core.domain import SendText
from appliance.facade.box import VERSION, Box
from appliance.receiving.inbox import Inbox
from appliance.integrations.box_id import get_or_create_box_id
from appliance.integrations.hub import Integrations
from appliance.storage.journal import Journal
from appliance.sending.outbox import Outbox
from appliance.sending.outgoing import Outgoing
from appliance.sending.send_results import SendResults
from appliance.sending.sender import Sender
from appliance.service.service import Service
from appliance.storage.store import Store
from appliance.service.textback import TextBack
from appliance.storage.upkeep import Upkeep

log = logging.getLogger(__name__)


# Short modem timers for tests (fast=True): reconnect, health checks, call list, blocked step.
FAST_MODEM = {"reconnect_delay": 0.2, "health_interval": 0.5, "send_timeout": 3.0,
              "call_poll_interval": 0.2, "blocked_retry": 1.0}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


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
    fast: bool = False                    # short timers for tests
    led_pin: Optional[int] = 17
    unread_pin: Optional[int] = 27
    button_pin: Optional[int] = 22
    gpio: bool = True
    wifi: object = None                   # a hardware.wifi.Wifi, or None to build one on a Pi
    pin_factory: object = None
    ring_interval: float = 1.0            # demo rings (real modems: every 3-7 s)
    clock: Callable[[], datetime] = utc_now   # tests move the shop's "now" to a chosen day
    part_timeout: float = 300.0           # seconds to wait for the rest of a long text
    # Where phones on the setup hotspot come from (NetworkManager's shared mode). A browser test
    # that stands in for a phone on the hotspot comes from 127.0.0.1 and says so here.
    hotspot_clients: str = "10.42.0.0/16"
    disk_write: Callable[[int, bytes], int] = os.write   # tests emulate a small, full disk
    disk_free: Callable[[Path], int] = statvfs_free

    @property
    def ring_gap(self) -> Optional[timedelta]:
        """Fixed and short in tests; otherwise the owner's ring_gap_seconds setting."""
        return timedelta(seconds=0.6) if self.fast else None


def build_box(data_dir, demo: bool = False, fast: bool = False, **options) -> Box:
    """Build the whole appliance; call `box.start()` to run it and `box.stop()` to end it."""
    return Appliance(Options(data_dir=Path(data_dir), demo=demo, fast=fast, **options)).box


class Appliance:
    """Holds every part and their lifecycle."""

    def __init__(self, options: Options):
        from hardware.modem import Modem
        from hardware.stored_texts import kept
        self.options = options
        self.clock = options.clock
        options.data_dir.mkdir(parents=True, exist_ok=True)
        self.disk = Disk(options.data_dir, free=options.disk_free)
        self.store = Store(options.data_dir, clock=self.clock, journal=Journal(
            options.data_dir, write=options.disk_write, make_room=self.disk.release_reserve))
        box_id = get_or_create_box_id(options.data_dir)
        self.integrations = self._integrations(box_id)
        notify = self.integrations.emit
        self.outbox = Outbox(self.store, clock=self.clock,
                             **({"backoff": (timedelta(seconds=0.2),)} if options.fast else {}))
        self.simulator = self._simulator() if options.demo else None
        port = self.simulator.port if self.simulator else options.port
        fast = options.fast
        self.modem = Modem(port, events=self._post, baud=options.baud, rtscts=options.rtscts,
                           clock=self.clock, **(FAST_MODEM if fast else {}))
        self.sender = Sender(self.store, self.outbox, self.modem, self.clock, post=self._post,
                             poll_seconds=0.2 if fast else 1.0)
        self.results = SendResults(self.store, self.outbox, notify=notify, clock=self.clock)
        self.outgoing = Outgoing(self.store, self.outbox, wake=self.sender.wake)
        self.wifi = options.wifi
        if self.wifi is not None:      # the setup hotspot is WPA2 with the box's own key
            self.wifi.use_hotspot_key(self._hotspot_key)
        self.commands = Commands(self.store, self.outgoing, status_facts=self._status_facts,
                                 wifi=self.wifi, hotspot_key=self._hotspot_key)
        self.auto_texts = AutoTexts(self.store, self.outgoing)
        self.textback = TextBack(self.store, self.outgoing, self.auto_texts,
                                 box_number=self._box_number, notify=notify)
        self.inbox = Inbox(self.store, self.modem, self.outgoing, self.commands,
                           decode_pdu=kept, status_facts=self._status_facts,
                           flash=self._flash, box_number=self._box_number,
                           part_timeout=timedelta(seconds=options.part_timeout), notify=notify,
                           auto_texts=self.auto_texts)
        self.service = Service(self.store, self.modem, self.textback, self.inbox, self.commands,
                               self.results, self.clock, ring_gap=options.ring_gap,
                               sweep_every=timedelta(seconds=5 if fast else 300),
                               unannounced_sweep=timedelta(seconds=1 if fast else 30),
                               tick_seconds=0.02 if fast else 0.1,
                               on_activity=lambda kind: self._flash())
        self.upkeep = Upkeep(self.store, self.disk, self.clock, alert_owner=self._alert_owner,
                             interval=0.1 if fast else 5.0)
        self.box = Box(options.data_dir, self.store, self.service, self.commands, self.outgoing,
                       self.outbox, self.modem, self.clock, demo=options.demo,
                       simulator=self._demo_phone(), wifi=self.wifi,
                       addresses=lambda: page_addresses(addresses, self._listening()),
                       box_id=box_id, auto_texts=self.auto_texts,
                       hotspot_clients=options.hotspot_clients, storage=self._storage_state)
        self.box.integrations = self.integrations
        self.box.start = self.start
        self.box.stop = self.stop
        self.box.appliance = self
        self.gpio = None
        self.web = None
        self.monitor = None
        self.network = None

    def _simulator(self):
        from hardware.simulator import ModemSimulator
        sim = ModemSimulator(dialect=self.options.dialect,
                             link_path=self.options.data_dir / "simulated-modem")
        return sim

    def _demo_phone(self):
        if not self.simulator:
            return None
        from appliance.app.demo import DemoPhone
        return DemoPhone(self.simulator, interval=0.05 if self.options.fast
                         else self.options.ring_interval)

    def _post(self, event) -> None:
        # Called from the modem's reader thread: only enqueue.
        self.service.post(event)

    def _box_number(self) -> Optional[str]:
        return self.modem.status.sim_number or self.store.settings().get("box_number") or None

    def _hotspot_key(self) -> str:
        from appliance.storage import secrets
        return secrets.hotspot_key(self.options.data_dir)

    def _status_facts(self) -> dict:
        return self.box.status_facts()

    def _integrations(self, box_id: str) -> Integrations:
        """MQTT and webhooks; the places where things happen get its `emit`."""
        return Integrations(self.options.data_dir, box_id, self.store,
                            status=lambda: self.box.status(), command=self._command_from_outside,
                            clock=self.clock, version=VERSION, fast=self.options.fast)

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

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        from appliance.app.monitor import Monitor
        if self.simulator:
            self.simulator.start()
        before = {item["id"]: item["status"] for item in self.outbox.items()}
        self.outbox.recover_after_restart(self.clock())
        self.integrations.start()
        self.results.recover(before)
        self.auto_texts.count(self.clock())   # the last day's texts read now, not on a call
        self.service.start()
        self.sender.start()
        self.modem.start()
        self.upkeep.start()
        if self.options.gpio:
            self.gpio = self._open_gpio()
        if self.options.listen:
            self.web = self._serve_web(self.options.listen)
        if not self.options.demo:
            from appliance.app.network_watch import NetworkWatch
            self.network = NetworkWatch(self.store, self.wifi, self.service.post, addresses,
                                        self.clock)
            self.network.start()
        self.monitor = Monitor(self.box, self._checks(), light=self.gpio,
                               interval=0.2 if self.options.fast else 1.0,
                               watchdog_interval=0.2 if self.options.fast else None,
                               notify=self.integrations.emit)
        self.monitor.start()          # last: it tells systemd the box is ready
        self.store.log_event("start", "TextBack Box started" + (" (demo)" if self.options.demo
                                                                 else ""))

    def _checks(self) -> dict:
        """What must stay alive for the systemd watchdog to be fed."""
        fast = self.options.fast
        checks = {"service thread": lambda: self.service.responsive(1.0 if fast else 30.0),
                  "sender thread": lambda: self.sender.responsive(5.0 if fast else 300.0),
                  # A modem being reconnected on purpose is fine; a dead supervisor is not.
                  "modem supervisor": self.modem.alive, "upkeep thread": self.upkeep.alive,
                  **self.integrations.checks()}
        for name, part in (("web server", self.web), ("network watch", self.network)):
            if part is not None:
                checks[name] = part.alive
        return checks

    def stop(self) -> None:
        for part in (self.monitor, self.web, self.network):
            if part is not None:
                part.stop()
        # The sender first (a text being submitted finishes), then the modem it talks to.
        self.sender.stop(timeout=10)
        self.modem.stop()
        self.service.stop()
        self.integrations.stop()        # after the service: its last events still go out
        self.upkeep.stop()
        if self.gpio is not None:
            self.gpio.close()
        if self.simulator:
            self.simulator.stop()
        self.store.close()

    def _open_gpio(self):
        from hardware.gpio_setup import open_gpio
        o = self.options
        return open_gpio(o.led_pin, o.unread_pin, o.button_pin, enqueue=self.service.post,
                         pin_factory=o.pin_factory, clock=self.clock)

    def _listening(self) -> Optional[str]:
        """HOST:PORT the page is served on (the real port when --listen asked for port 0)."""
        listen = self.options.listen
        if self.web is None or not listen:
            return listen
        return f"{listen.rpartition(':')[0]}:{self.web.server.effective_port}"

    def _serve_web(self, listen: str) -> "WebServer":
        from web import create_app
        host, _, port = listen.rpartition(":")
        server = WebServer(create_app(self.box), host or "0.0.0.0", int(port),
                           loop_timeout=0.05 if self.options.fast else 1.0)
        server.start()
        return server


class WebServer:
    """waitress in a thread of this process (the page and API share the daemon's store)."""

    def __init__(self, app, host: str, port: int, loop_timeout: float = 1.0):
        from waitress.server import create_server
        # loop_timeout bounds how long close() takes to be noticed (short in tests).
        self.server = create_server(app, host=host, port=port, threads=4, ident="textback",
                                    asyncore_loop_timeout=loop_timeout)
        self.thread = threading.Thread(target=self._run, name="web", daemon=True)
        self._stopping = False

    @property
    def address(self) -> str:
        host, port = self.server.effective_host, self.server.effective_port
        return f"http://{host}:{port}/"

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        try:
            self.server.run()
        except Exception:  # thread boundary; the watchdog notices the dead thread
            if self._stopping:
                log.debug("web server loop ended while closing", exc_info=True)
            else:
                log.exception("web server stopped")

    def alive(self) -> bool:
        return self.thread.is_alive()

    def stop(self) -> None:
        self._stopping = True        # closing under the running loop may raise EBADF: expected
        self.server.close()
        self.thread.join(5)


def preflight(data_dir: Path, port: Optional[str], baud: int,
              listen: Optional[str] = None) -> Optional[str]:
    """Why `run` cannot start, in one line, or None. Once running, nothing makes it exit."""
    problem = _listen_problem(listen) if listen else None
    if problem:
        return problem
    try:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        probe = Path(data_dir) / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as error:
        return f"data folder {data_dir} is not writable: {error.strerror}"
    if port is None:
        return None
    import serial
    try:
        serial.serial_for_url(port, baud, timeout=1, exclusive=True).close()
    except (serial.SerialException, OSError, ValueError) as error:
        return f"cannot open modem port {port}: {error}"
    return None


def _listen_problem(listen: str) -> Optional[str]:
    host, _, port = listen.rpartition(":")
    if not port.isdigit():
        return f"--listen {listen}: give HOST:PORT, e.g. 0.0.0.0:80"
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host or "0.0.0.0", int(port)))
    except OSError as error:
        return f"cannot serve the page on {listen}: {error.strerror}"
    finally:
        probe.close()
    return None


def default_wifi():
    """NetworkManager control when nmcli is installed (on the Pi), else None."""
    import shutil
    if not shutil.which("nmcli"):
        log.info("no nmcli: Wi-Fi is managed by the operating system here")
        return None
    from hardware.wifi import Wifi
    return Wifi()


def run_probe(port: str, baud: int, transcript: Optional[Path],
              call_wait: Optional[float] = None) -> str:
    from hardware import probe
    return probe.format_report(probe.probe(port, baud=baud, transcript_path=transcript,
                                           call_wait=call_wait))


def page_addresses(find: Callable[[], list], listen: Optional[str]) -> list:
    """Where a phone opens the page: the box's addresses with the port when it isn't 80 (the
    demo's 8080), or just localhost when the page listens only there."""
    host, _, port = (listen or "").rpartition(":")
    suffix = f":{port}" if port and port != "80" else ""
    if host.startswith("127.") or host == "localhost":
        return [f"localhost{suffix}"]
    return [address + suffix for address in find()]


def addresses() -> list:
    """The box's IPv4 addresses on the shop network, for the page and the owner's status text."""
    import fcntl
    import struct
    found = ["textback.local"]
    for _, name in socket.if_nameindex():
        if name == "lo":
            continue
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            # SIOCGIFADDR: ask the kernel for the interface's address; nothing is sent.
            packed = fcntl.ioctl(probe.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))
            found.append(socket.inet_ntoa(packed[20:24]))
        except OSError:
            pass  # interface without an IPv4 address
        finally:
            probe.close()
    return found
