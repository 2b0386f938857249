"""open_gpio: the light and the button on mock pins, and a clean 'no GPIO' everywhere else."""
import logging
from pathlib import Path

import pytest
from gpiozero import Device
from gpiozero.exc import BadPinFactory
from gpiozero.pins.mock import MockFactory

from appliance.core.domain import SendStatusReport
from hardware.gpio_setup import NO_GPIO, open_gpio
from tests.helpers import wait_for


def on_a_pi():
    model = Path("/proc/device-tree/model")
    return model.exists() and "Raspberry Pi" in model.read_text(errors="replace")


class BrokenFactory(MockFactory):
    """A pin library that loads but cannot give out pins (e.g. no access to /dev/gpiomem)."""

    def pin(self, spec, **kwargs):
        raise BadPinFactory("cannot open /dev/gpiomem: Permission denied")


@pytest.fixture
def factory():
    f = MockFactory()
    yield f
    f.reset()


@pytest.mark.skipif(on_a_pi(), reason="this machine has real GPIO")
def test_off_a_pi_it_logs_one_line_and_returns_none(monkeypatch, caplog):
    monkeypatch.delenv("GPIOZERO_PIN_FACTORY", raising=False)
    monkeypatch.setattr(Device, "pin_factory", None)
    caplog.set_level(logging.INFO, logger="hardware.gpio_setup")
    assert open_gpio(17, 27, 22, enqueue=lambda c: None) is None
    assert NO_GPIO in caplog.text
    assert NO_GPIO == "no GPIO: status light and button disabled"


def test_a_pin_library_that_fails_gives_none(caplog):
    assert open_gpio(17, 27, 22, enqueue=lambda c: None, pin_factory=BrokenFactory()) is None
    assert "Permission denied" in caplog.text


def test_a_pin_clash_gives_none_and_releases_what_was_opened(factory, caplog):
    assert open_gpio(17, 27, 17, enqueue=lambda c: None, pin_factory=factory) is None
    assert NO_GPIO in caplog.text
    gpio = open_gpio(17, 27, 22, enqueue=lambda c: None, pin_factory=factory)   # pins are free
    assert gpio is not None
    gpio.close()


def test_on_mock_pins_the_light_and_the_button_work(factory):
    commands, t = [], [0.0]
    gpio = open_gpio(17, 27, 22, enqueue=commands.append, pin_factory=factory,
                     monotonic=lambda: t[0])
    try:
        gpio.show("ready")
        wait_for(lambda: factory.pin(17).state is True, message="LED steady on")
        led = factory.pin(17)
        led.clear_states()
        gpio.flash()
        wait_for(lambda: [s.state for s in led.states] == [True, False, True],
                 message="off for the flash, then steady on again")
        gpio.set_unread(True)
        assert factory.pin(27).state is True
        factory.pin(22).drive_low()
        t[0] += 0.5
        factory.pin(22).drive_high()
        assert [type(c) for c in commands] == [SendStatusReport]
        assert gpio.alive()
    finally:
        gpio.close()
    assert factory.pin(17).state is False
    assert not gpio.alive()


def test_parts_that_are_not_fitted_are_left_alone(factory):
    gpio = open_gpio(17, None, None, pin_factory=factory)
    try:
        assert gpio.button is None
        assert factory.pin(27).function == "input" and factory.pin(22).function == "input"
    finally:
        gpio.close()


def test_no_led_pin_means_no_gpio(factory):
    assert open_gpio(None, None, None, pin_factory=factory) is None
