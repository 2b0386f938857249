"""Open the box's LED(s) and button, or carry on without them.

`open_gpio` is the one place the daemon touches GPIO at start-up. Off a Raspberry Pi (a laptop,
CI, the demo) gpiozero finds no pin library and raises; we log one line and return None, and the
daemon runs exactly as before, minus the light and the button. gpiozero chooses its pin factory
lazily (on the first device), so importing it anywhere is harmless.
"""
from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from typing import Callable, Optional

from hardware.button import DEFAULT_BUTTON_PIN, HoldButton
from hardware.status_light import DEFAULT_LED_PIN, DEFAULT_UNREAD_PIN, StatusLight

log = logging.getLogger(__name__)

NO_GPIO = "no GPIO: status light and button disabled"


@dataclass
class Gpio:
    """The opened devices. `button` is None when button_pin was None. Stands in for the light
    too (show / flash / set_unread), so callers can hand it to whoever drives the LED."""
    light: StatusLight
    button: Optional[HoldButton]

    def show(self, health: str, paused: bool = False, away: bool = False):
        return self.light.show(health, paused, away)

    def flash(self) -> None:
        self.light.flash()

    def set_unread(self, waiting: bool) -> None:
        self.light.set_unread(waiting)

    def alive(self) -> bool:
        return self.light.alive()

    def close(self) -> None:
        if self.button is not None:
            self.button.close()
        self.light.close()


def open_gpio(led_pin: Optional[int] = DEFAULT_LED_PIN,
              unread_pin: Optional[int] = DEFAULT_UNREAD_PIN,
              button_pin: Optional[int] = DEFAULT_BUTTON_PIN,
              enqueue: Callable[[object], None] = None,
              pin_factory=None, **button_options) -> Optional[Gpio]:
    """The status light (+ unread LED) and the button, or None when there is no usable GPIO.

    Pass None for unread_pin or button_pin when that part is not fitted; led_pin None means
    "no GPIO wanted" (returns None). `button_options` go to HoldButton (clock, hold times ...).
    """
    if led_pin is None:
        log.info("%s (no LED pin configured)", NO_GPIO)
        return None
    if button_pin is not None and enqueue is None:
        raise ValueError("open_gpio needs enqueue when a button is fitted")
    light = None
    try:
        with warnings.catch_warnings():
            # gpiozero warns once per pin library it tries; the one line below says it all
            warnings.simplefilter("ignore")
            light = StatusLight(led_pin, unread_pin, pin_factory=pin_factory)
            button = None
            if button_pin is not None:
                button = HoldButton(enqueue, button_pin, pin_factory=pin_factory,
                                    **button_options)
    except Exception as exc:  # BadPinFactory off a Pi, pin in use, no permission on /dev/gpiomem
        if light is not None:
            light.close()
        log.warning("%s (%s: %s)", NO_GPIO, type(exc).__name__, exc)
        return None
    log.info("GPIO: status light on GPIO%s%s%s", led_pin,
             f", unread LED on GPIO{unread_pin}" if unread_pin is not None else "",
             f", button on GPIO{button_pin}" if button_pin is not None else "")
    return Gpio(light, button)
