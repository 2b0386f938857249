"""The button on a real box (gpiozero's MockFactory pins): a short press texts the owner a status
report with the page's address and the setup Wi-Fi's name and key; a 3 s hold switches away mode
and says so by SMS."""
from __future__ import annotations

import time

from gpiozero.pins.mock import MockFactory

from tests.appliance.box_support import demo_box, wait_settled
from tests.helpers import wait_for

OWNER = "+12125550147"


def _box(tmp_path, factory, **options):
    app = demo_box(tmp_path, pin_factory=factory, **options)
    store = app.store
    store.save_settings({**store.settings(), "owner_phone": OWNER})
    app.start()
    wait_for(lambda: app.modem.status.state == "ready", 15, "modem ready")
    return app


def _owner_texts(app):
    return [t for n, t in app.simulator.sent_texts() if n == OWNER]


def test_a_short_press_texts_the_owner_a_status_report(tmp_path):
    factory = MockFactory()
    app = _box(tmp_path, factory)
    try:
        assert app.gpio is not None
        button = factory.pin(22)
        _hold(button, 0.1)                       # a short press
        report = wait_for(lambda: _owner_texts(app), 10, "the status report")[0]
        assert report.startswith("TextBack ON") and "textback.local" in report
    finally:
        app.stop()


def test_with_wifi_control_the_status_report_says_how_to_join_the_setup_wifi(tmp_path):
    from appliance.storage import secrets
    from hardware.wifi import DEVICES, Wifi
    from tests.hardware.recorded_nmcli import RecordedNmcli
    nmcli = RecordedNmcli().on(DEVICES, "devices-connected")
    nmcli.on(["nmcli", "-t", "-f", "GENERAL.HWADDR", "device", "show", "wlan0"], "hwaddr")
    factory = MockFactory()
    app = _box(tmp_path, factory, wifi=Wifi(nmcli))
    try:
        _hold(factory.pin(22), 0.1)
        report = wait_for(lambda: _owner_texts(app), 10, "the status report")[0]
        key = secrets.hotspot_key(tmp_path)
        assert report.startswith("TextBack ON")
        assert report.endswith(f"Setup Wi-Fi TextBack-ABCD key {key}.")
        # A STATUS texted in (its sender could be faked) gets the report without the key.
        app.simulator.receive_text(OWNER, "STATUS")
        answer = wait_for(lambda: _owner_texts(app)[1:], 10, "the STATUS answer")[0]
        assert answer.startswith("TextBack ON") and key not in answer
    finally:
        app.stop()


def test_holding_three_seconds_switches_away_mode_and_says_so(tmp_path):
    factory = MockFactory()
    app = _box(tmp_path, factory)
    try:
        gpio = app.gpio
        assert gpio is not None
        gpio.button.hold_away = 0.2              # the 3 s default is tested in test_button.py
        _hold(factory.pin(22), 0.3)
        wait_for(lambda: app.box.settings()["away"]["on"], 10, "away mode on")
        # The owner's text is queued right after the setting is saved: wait for it, not for a
        # moment when the outbox happens to be empty in between.
        wait_for(lambda: any("away mode is ON" in t for t in _owner_texts(app)), 10,
                 "the owner told by SMS")
        wait_settled(app)
    finally:
        app.stop()


def _hold(pin, seconds: float) -> None:
    """A person holds the button down for `seconds` (pull-up: pressed reads low)."""
    pin.drive_low()
    start = time.monotonic()
    wait_for(lambda: time.monotonic() - start >= seconds, seconds + 5, "the hold")
    pin.drive_high()
