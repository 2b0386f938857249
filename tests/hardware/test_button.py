"""The button on gpiozero's mock pins: short press, 3 s hold, 10 s hold, chatter.

Most tests run the real default times (3 s, 10 s) on a hand-moved clock and a hand-fired hold
countdown; two run scaled-down times on real threads, end to end.
"""
import threading
import time
from datetime import datetime, timezone

import pytest
from gpiozero.pins.mock import MockFactory

from appliance.core.domain import SendStatusReport, StartSetupHotspot, ToggleAway
from hardware.button import (BOUNCE_SECONDS, DEFAULT_BUTTON_PIN, HOLD_AWAY_SECONDS,
                             HOLD_HOTSPOT_SECONDS, HoldButton, gesture_for)
from tests.helpers import wait_for

AT = datetime(2026, 11, 27, 9, 30, tzinfo=timezone.utc)


class FakeTimer:
    """Stands in for threading.Timer: the test fires it when the clock 'reaches' its time."""
    made = []

    def __init__(self, seconds, fn, args=()):
        self.seconds, self.fn, self.args = seconds, fn, args
        self.started = self.cancelled = False
        FakeTimer.made.append(self)

    def start(self):
        self.started = True

    def cancel(self):
        self.cancelled = True

    def fire(self):
        if self.started and not self.cancelled:
            self.fn(*self.args)


class Rig:
    def __init__(self, factory, **options):
        FakeTimer.made = []
        self.t = 0.0
        self.commands = []
        self.pin = factory.pin(DEFAULT_BUTTON_PIN)
        options.setdefault("monotonic", lambda: self.t)
        options.setdefault("timer", FakeTimer)
        self.button = HoldButton(self.commands.append, pin_factory=factory,
                                 clock=lambda: AT, **options)

    def press(self):
        self.pin.drive_low()

    def release(self):
        self.pin.drive_high()

    def hold(self, seconds):
        self.press()
        self.t += seconds
        self.release()

    def kinds(self):
        return [type(c) for c in self.commands]


@pytest.fixture
def factory():
    f = MockFactory()
    yield f
    f.reset()


@pytest.fixture
def rig(factory):
    r = Rig(factory)
    yield r
    r.button.close()


# --- the defaults -----------------------------------------------------------------------------

def test_default_constants():
    assert HOLD_AWAY_SECONDS == 3.0
    assert HOLD_HOTSPOT_SECONDS == 10.0
    assert DEFAULT_BUTTON_PIN == 22
    assert BOUNCE_SECONDS == 0.05


def test_default_button_is_pulled_up_and_debounced(rig):
    assert rig.pin.pull == "up"
    assert rig.pin.bounce == BOUNCE_SECONDS
    assert rig.button.hold_away == 3.0 and rig.button.hold_hotspot == 10.0
    assert not rig.button.is_pressed
    rig.press()
    assert rig.button.is_pressed          # pressed = pulled to ground
    rig.release()


@pytest.mark.parametrize("held,expected", [
    (0.06, "status"), (2.99, "status"), (3.0, "away"), (9.99, "away"), (10.0, "hotspot"),
    (30.0, "hotspot")])
def test_gesture_boundaries_at_default_times(held, expected):
    assert gesture_for(held) == expected


# --- each gesture, exactly once, at the default times -----------------------------------------

@pytest.mark.parametrize("held", [0.2, 1.0, 2.99])
def test_short_press_sends_a_status_report(rig, held):
    rig.hold(held)
    assert rig.commands == [SendStatusReport(at=AT, source="button")]


@pytest.mark.parametrize("held", [3.0, 5.0, 9.99])
def test_hold_three_seconds_toggles_away_on_release(rig, held):
    rig.press()
    rig.t += held
    assert rig.commands == []            # nothing until it is let go
    rig.release()
    assert rig.commands == [ToggleAway(at=AT, source="button")]


def test_hold_ten_seconds_starts_the_hotspot_at_ten_seconds_not_on_release(rig):
    rig.press()
    timer = FakeTimer.made[-1]
    assert timer.started and timer.seconds == 10.0
    rig.t += 10.0
    timer.fire()
    assert rig.commands == [StartSetupHotspot(at=AT, source="button")]
    rig.t += 5.0
    rig.release()
    assert rig.commands == [StartSetupHotspot(at=AT, source="button")]   # still exactly one


def test_a_late_countdown_still_gives_one_hotspot_command(rig):
    rig.press()
    timer = FakeTimer.made[-1]
    rig.t += 10.5
    rig.release()                  # the countdown thread had not run yet
    timer.fn(*timer.args)          # ... and now it does, too late
    assert rig.kinds() == [StartSetupHotspot]


def test_release_cancels_the_countdown(rig):
    rig.hold(4.0)
    assert FakeTimer.made[-1].cancelled
    FakeTimer.made[-1].fn(*FakeTimer.made[-1].args)   # a countdown that fires anyway is ignored
    assert rig.kinds() == [ToggleAway]


def test_a_stale_countdown_from_an_earlier_press_is_ignored(rig):
    rig.hold(1.0)
    first = FakeTimer.made[-1]
    rig.press()
    first.fn(*first.args)          # countdown of the first press, arriving during the second
    rig.t += 1.0
    rig.release()
    assert rig.kinds() == [SendStatusReport, SendStatusReport]


def test_a_day_of_presses_gives_one_command_each(rig):
    rig.hold(0.5)
    rig.hold(3.5)
    rig.press()
    rig.t += 10.0
    FakeTimer.made[-1].fire()
    rig.t += 2.0
    rig.release()
    rig.hold(3.5)
    rig.hold(0.1)
    assert rig.kinds() == [SendStatusReport, ToggleAway, StartSetupHotspot, ToggleAway,
                           SendStatusReport]


# --- debouncing -------------------------------------------------------------------------------

def test_contact_chatter_on_press_and_release_counts_once(rig):
    for _ in range(3):             # the contacts bounce for a few milliseconds when pressed
        rig.hold(0.004)
        rig.t += 0.003
    rig.hold(0.8)                  # the real press
    for _ in range(3):             # and again when let go
        rig.t += 0.003
        rig.hold(0.004)
    assert rig.kinds() == [SendStatusReport]


def test_a_blip_shorter_than_the_bounce_time_is_not_a_press(rig):
    rig.hold(0.049)
    assert rig.commands == []
    rig.hold(0.05)
    assert rig.kinds() == [SendStatusReport]


# --- robustness -------------------------------------------------------------------------------

def test_an_enqueue_that_fails_does_not_break_the_button(factory, caplog):
    calls = []

    def enqueue(command):
        calls.append(command)
        raise RuntimeError("queue full")

    t = [0.0]
    button = HoldButton(enqueue, pin_factory=factory, monotonic=lambda: t[0], timer=FakeTimer)
    pin = factory.pin(DEFAULT_BUTTON_PIN)
    try:
        for _ in range(2):
            pin.drive_low()
            t[0] += 1.0
            pin.drive_high()
        assert [type(c) for c in calls] == [SendStatusReport, SendStatusReport]
        assert "could not enqueue SendStatusReport" in caplog.text
    finally:
        button.close()


def test_hold_times_must_make_sense(factory):
    with pytest.raises(ValueError):
        HoldButton(lambda c: None, pin_factory=factory, hold_away=10.0, hold_hotspot=3.0)


# --- scaled-down times on real threads --------------------------------------------------------

def test_scaled_hotspot_hold_fires_on_its_own_while_still_held(factory):
    rig = Rig(factory, hold_away=0.3, hold_hotspot=1.0, monotonic=time.monotonic,
              timer=threading.Timer)
    try:
        started = time.monotonic()
        rig.press()
        wait_for(lambda: rig.commands, timeout=5.0, message="the hotspot command")
        assert time.monotonic() - started >= 1.0
        assert rig.button.is_pressed                   # fired while the button is still down
        rig.release()
        assert rig.kinds() == [StartSetupHotspot]
    finally:
        rig.button.close()


def test_scaled_away_hold_cancels_the_real_countdown(factory):
    timers = []

    def timer(seconds, fn, args=()):
        timers.append(threading.Timer(seconds, fn, args=args))
        return timers[-1]

    rig = Rig(factory, hold_away=0.3, hold_hotspot=1.0, timer=timer)
    try:
        rig.hold(0.5)              # on the test's clock: past 0.3 s, short of 1.0 s
        assert rig.kinds() == [ToggleAway]
        wait_for(lambda: not timers[0].is_alive(), message="the cancelled countdown to end")
        assert rig.kinds() == [ToggleAway]
    finally:
        rig.button.close()
