"""Starting and stopping the whole box in order, and the parts only a running box has: the
status light and button (GPIO), the web server, the network watch and the monitor.

Start: recover the outbox (its items' records first), then integrations, service, sender, modem, upkeep, GPIO, web server,
network watch, and the monitor last (it tells systemd the box is ready). Stop: the reverse, the
sender before the modem (a text being submitted finishes) and the integrations after the service
(its last events still go out).
"""
from __future__ import annotations

import logging
from typing import Optional

from appliance.app import host
from appliance.app.monitor import Monitor
from appliance.app.web_server import WebServer

log = logging.getLogger(__name__)


def start(app) -> None:
    if app.simulator:
        app.simulator.start()
    recover(app)
    app.integrations.start()
    app.auto_texts.count(app.clock())   # the last day's texts read now, not on a call
    app.service.start()
    app.sender.start()
    app.modem.start()
    app.upkeep.start()
    if app.options.gpio:
        app.gpio = _open_gpio(app)
    if app.options.listen:
        app.web = _serve_web(app, app.options.listen)
    if not app.options.demo:
        from appliance.app.network_watch import NetworkWatch
        app.network = NetworkWatch(app.store, app.options.wifi, app.service.post,
                                   host.addresses, app.clock)
        app.network.start()
    app.monitor = Monitor(app.status, app.clock, checks(app), light=app.gpio,
                          interval=app.timings.monitor_interval,
                          watchdog_interval=app.timings.watchdog_interval,
                          notify=app.integrations.emit, on_glance=app.owner_news.observe)
    app.monitor.start()          # last: it tells systemd the box is ready
    app.store.log_event("start", "TextBack Box started" + (" (demo)" if app.options.demo
                                                            else ""))


def recover(app) -> None:
    """Before the box handles anything new: (1) the call, message and contact records the
    outbox items carry that a crash left unwritten, (2) the outbox's own states (`submitting`
    becomes unconfirmed), (3) what became of each text. The calls that ended while the box
    was down come next, when the modem is ready (service/missed_while_away.py)."""
    before = {item.id: item.status for item in app.outbox.items()}
    app.send_results.records.recover(app.outbox.items())
    app.outbox.recover_after_restart(app.clock())
    app.send_results.recover(before)


def checks(app) -> dict:
    """What must stay alive for the systemd watchdog to be fed."""
    t = app.timings
    found = {"service thread": lambda: app.service.responsive(t.service_stall),
             "sender thread": lambda: app.sender.responsive(t.sender_stall),
             # A modem being reconnected on purpose is fine; a dead supervisor is not.
             "modem supervisor": app.modem.alive, "upkeep thread": app.upkeep.alive,
             **app.integrations.checks()}
    for name, part in (("web server", app.web), ("network watch", app.network)):
        if part is not None:
            found[name] = part.alive
    return found


def stop(app) -> None:
    for part in (app.monitor, app.web, app.network):
        if part is not None:
            part.stop()
    app.sender.stop(timeout=10)
    app.modem.stop()
    app.service.stop()
    app.integrations.stop()
    app.upkeep.stop()
    if app.gpio is not None:
        app.gpio.close()
    if app.simulator:
        app.simulator.stop()
    app.store.close()


def listening(app) -> Optional[str]:
    """HOST:PORT the page is served on (the real port when --listen asked for port 0)."""
    listen = app.options.listen
    if app.web is None or not listen:
        return listen
    return f"{listen.rpartition(':')[0]}:{app.web.server.effective_port}"


def _open_gpio(app):
    from hardware.gpio_setup import open_gpio
    o = app.options
    return open_gpio(o.led_pin, o.unread_pin, o.button_pin, enqueue=app.service.post,
                     pin_factory=o.pin_factory, clock=app.clock)


def _serve_web(app, listen: str) -> WebServer:
    from web import create_app
    address, _, port = listen.rpartition(":")
    server = WebServer(create_app(app.box), address or "0.0.0.0", int(port),
                       loop_timeout=app.timings.web_loop_timeout)
    server.start()
    return server
