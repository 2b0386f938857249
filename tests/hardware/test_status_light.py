"""The LED language and the light thread, on gpiozero's mock pins.

A stepped clock stands in for the light's sleep: at every step it records the pin's state and
the step's length, and lets the test decide when time moves on — exact pin states, no sleeping.
"""
import threading

import pytest
from gpiozero.pins.mock import MockFactory

from hardware.status_light import (DOUBLE_BLINK, FAST_BLINK, FLASH_SECONDS, HEALTH_STATES,
                                   SLOW_BLINK, STEADY, StatusLight, pattern_for)
from tests.helpers import wait_for

FAULTS = ["no_modem", "modem_silent", "no_sim", "sim_pin", "outbox_failing", "error"]


class SteppedClock:
    """Replaces Event.wait in the light thread: records (pin state, seconds) per step and blocks
    until the test grants more steps or the light is woken (new pattern, flash, close)."""

    def __init__(self, pin):
        self.pin = pin
        self.steps = []
        self._budget = 0
        self._cond = threading.Condition()

    def __call__(self, event, seconds):
        with self._cond:
            self.steps.append((self.pin.state, seconds))
            while True:
                if event.is_set():
                    return True
                if self._budget > 0:
                    self._budget -= 1
                    return False
                self._cond.wait(0.005)

    def advance(self, steps):
        """Let `steps` steps run out; returns the index the next recorded step will have."""
        with self._cond:
            self._budget += steps
            self._cond.notify_all()

    def count(self):
        with self._cond:
            return len(self.steps)


@pytest.fixture
def factory():
    f = MockFactory()
    yield f
    f.reset()


@pytest.fixture
def rig(factory):
    pin = factory.pin(17)
    clock = SteppedClock(pin)
    light = StatusLight(17, 27, pin_factory=factory, wait=clock)
    wait_for(lambda: clock.count() >= 1, message="the light thread's first step")
    yield light, clock, pin
    light.close()


def switch(light, clock, health, paused=False, away=False):
    """Show a health state and return the index of its first recorded step."""
    target = pattern_for(health, paused, away)
    if light.pattern == target:   # show() of the same pattern changes nothing: go elsewhere first
        switch(light, clock, "error" if target != FAST_BLINK else "ready")
    mark = clock.count()
    assert light.show(health, paused, away) == pattern_for(health, paused, away)
    wait_for(lambda: clock.count() > mark, message=f"first step of {health}")
    return mark


def play(light, clock, health, paused=False, away=False, cycles=2):
    """The (pin state, seconds) of `cycles` full cycles of the pattern for this health."""
    target = pattern_for(health, paused, away)
    mark = switch(light, clock, health, paused, away)
    n = cycles * len(target.steps)
    clock.advance(n)
    wait_for(lambda: clock.count() >= mark + n + 1, message=f"{n} steps of {health}")
    return clock.steps[mark:mark + n]


# --- the language -----------------------------------------------------------------------------

def test_the_language_covers_every_health_state():
    assert set(HEALTH_STATES) == {"ready", "starting", "searching", *FAULTS}
    assert pattern_for("ready", False, False) is STEADY
    assert pattern_for("starting", False, False) is SLOW_BLINK
    assert pattern_for("searching", False, False) is SLOW_BLINK
    for fault in FAULTS:
        for paused in (False, True):
            for away in (False, True):
                assert pattern_for(fault, paused, away) is FAST_BLINK, (fault, paused, away)
    for health in ("ready", "starting", "searching"):
        assert pattern_for(health, True, False) is DOUBLE_BLINK
        assert pattern_for(health, False, True) is DOUBLE_BLINK
        assert pattern_for(health, True, True) is DOUBLE_BLINK


def test_an_unknown_health_state_asks_for_a_person():
    assert pattern_for("modem_on_fire", False, False) is FAST_BLINK


def test_patterns_are_distinct_and_have_the_documented_timings():
    assert STEADY.steps == ((True, None),)
    assert SLOW_BLINK.steps == ((True, 1.0), (False, 1.0))
    assert FAST_BLINK.steps == ((True, 0.2), (False, 0.2))
    assert DOUBLE_BLINK.steps == ((True, 0.15), (False, 0.15), (True, 0.15), (False, 1.05))
    assert len({STEADY.steps, SLOW_BLINK.steps, FAST_BLINK.steps, DOUBLE_BLINK.steps}) == 4


# --- exact pin states per health state --------------------------------------------------------

EXPECTED = {
    "ready": [(True, None)] * 2,
    "starting": [(True, 1.0), (False, 1.0)] * 2,
    "searching": [(True, 1.0), (False, 1.0)] * 2,
    **{fault: [(True, 0.2), (False, 0.2)] * 2 for fault in FAULTS},
}
DOUBLE = [(True, 0.15), (False, 0.15), (True, 0.15), (False, 1.05)] * 2


@pytest.mark.parametrize("health", sorted(EXPECTED))
def test_pin_states_for_each_health_state(rig, health):
    light, clock, _ = rig
    assert play(light, clock, health) == EXPECTED[health]


@pytest.mark.parametrize("health", ["ready", "starting", "searching"])
@pytest.mark.parametrize("paused,away", [(True, False), (False, True), (True, True)])
def test_pin_states_when_paused_or_away(rig, health, paused, away):
    light, clock, _ = rig
    assert play(light, clock, health, paused, away) == DOUBLE


@pytest.mark.parametrize("fault", FAULTS)
def test_a_fault_shows_even_when_paused(rig, fault):
    light, clock, _ = rig
    assert play(light, clock, fault, paused=True, away=True) == EXPECTED[fault]


def test_showing_the_same_state_again_does_not_restart_the_blink(rig):
    light, clock, pin = rig
    play(light, clock, "searching", cycles=1)
    before = clock.count()
    for _ in range(5):
        light.show("searching")
        light.show("starting")      # same pattern (slow blink), so also no restart
    clock.advance(1)
    wait_for(lambda: clock.count() >= before + 1, message="one more step")
    # the step after (True,1.0),(False,1.0) continues the cycle instead of restarting it
    assert clock.steps[before - 1:before + 1] == [(True, 1.0), (False, 1.0)]


# --- flashes ------------------------------------------------------------------------------------

def test_flash_on_a_steady_light_is_off_then_on(rig):
    light, clock, pin = rig
    play(light, clock, "ready", cycles=1)
    mark = clock.count()
    light.flash()
    wait_for(lambda: clock.count() >= mark + 1, message="the flash step")
    clock.advance(1)
    wait_for(lambda: clock.count() >= mark + 2, message="back to steady")
    assert clock.steps[mark:mark + 2] == [(False, FLASH_SECONDS), (True, None)]
    assert pin.state is True


def test_flash_during_the_dark_part_of_a_blink_is_on_then_resumes(rig):
    light, clock, pin = rig
    mark = switch(light, clock, "searching")
    clock.advance(1)                                   # into the 1 s dark step
    wait_for(lambda: clock.count() >= mark + 2, message="dark step")
    assert clock.steps[mark + 1] == (False, 1.0)
    light.flash()
    wait_for(lambda: clock.count() >= mark + 3, message="the flash step")
    clock.advance(2)
    wait_for(lambda: clock.count() >= mark + 5, message="pattern again")
    assert clock.steps[mark + 2:mark + 5] == [(True, FLASH_SECONDS), (True, 1.0), (False, 1.0)]


def test_two_quick_flashes_do_not_cancel_each_other(rig):
    light, clock, pin = rig
    play(light, clock, "ready", cycles=1)
    mark = clock.count()
    light.flash()
    wait_for(lambda: clock.count() >= mark + 1, message="first flash")
    light.flash()
    wait_for(lambda: clock.count() >= mark + 2, message="second flash")
    assert [s for s, _ in clock.steps[mark:mark + 2]] == [False, False]


# --- the unread LED ----------------------------------------------------------------------------

def test_unread_led_follows_set_unread(rig, factory):
    light, _, _ = rig
    unread = factory.pin(27)
    assert unread.state is False
    light.set_unread(True)
    assert unread.state is True
    light.set_unread(False)
    assert unread.state is False


def test_without_an_unread_led_set_unread_is_harmless(factory):
    light = StatusLight(17, None, pin_factory=factory)
    try:
        light.set_unread(True)
        assert factory.pin(27).function == "input"     # never claimed as an output
    finally:
        light.close()


# --- real time, on the mock pin's own history -----------------------------------------------------

def test_fast_blink_in_real_time_alternates_with_the_right_lengths(factory):
    pin = factory.pin(17)
    light = StatusLight(17, pin_factory=factory)
    try:
        light.show("no_sim")
        pin.clear_states()
        wait_for(lambda: len(pin.states) >= 7, message="six changes of a fast blink")
        changes = pin.states[2:7]            # skip the change in flight when we cleared
        values = [s.state for s in changes]
        assert values in ([True, False, True, False, True], [False, True, False, True, False])
        # PinState.timestamp is the time since the previous change: each step lasted >= 0.2 s
        assert all(s.timestamp >= 0.19 for s in changes[1:]), changes
    finally:
        light.close()


def test_close_turns_the_light_off_and_frees_the_pins(factory):
    pin = factory.pin(17)
    light = StatusLight(17, 27, pin_factory=factory)
    light.show("ready")
    wait_for(lambda: pin.state is True, message="steady on")
    light.close()
    assert pin.state is False
    assert not light.alive()
    again = StatusLight(17, 27, pin_factory=factory)     # pins were released
    again.close()
