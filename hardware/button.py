"""The one button on the box: three gestures, each turned into a domain command.

- short press (released before 3 s)      -> SendStatusReport (the box texts the owner its status)
- held 3 s or more, released before 10 s -> ToggleAway
- held 10 s                              -> StartSetupHotspot, the moment 10 s is reached

Each press gives exactly one command. The callbacks only build the command and hand it to the
injected `enqueue`; the service does the work. Wiring: a push button between GPIO 22 and ground,
the Pi's internal pull-up holds the pin high, a press pulls it low.

Debouncing: gpiozero's `bounce_time` filters contact chatter in the pin driver; on top of that a
press shorter than the bounce time is ignored here, so chatter never counts as a short press
(and the filter also works with pin drivers that ignore `bounce_time`, such as the mock pins).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Optional

from appliance.core.domain import SendStatusReport, StartSetupHotspot, ToggleAway
from hardware.clock import utc_now

log = logging.getLogger(__name__)

DEFAULT_BUTTON_PIN = 22
HOLD_AWAY_SECONDS = 3.0
HOLD_HOTSPOT_SECONDS = 10.0
BOUNCE_SECONDS = 0.05


def gesture_for(held_seconds: float, hold_away: float = HOLD_AWAY_SECONDS,
                hold_hotspot: float = HOLD_HOTSPOT_SECONDS) -> str:
    """Which gesture a press of this length is: 'status', 'away' or 'hotspot'."""
    if held_seconds >= hold_hotspot:
        return "hotspot"
    if held_seconds >= hold_away:
        return "away"
    return "status"


COMMANDS = {"status": SendStatusReport, "away": ToggleAway, "hotspot": StartSetupHotspot}


@dataclass
class _Press:
    number: int
    started: float
    done: bool = False      # its command was enqueued (only the 10 s hold fires before release)
    timer: object = None


class HoldButton:
    """A gpiozero Button whose press, 3 s hold and 10 s hold become domain commands.

    `clock()` gives the commands' `at`; `monotonic()` measures how long the button was held;
    `timer(seconds, fn, args)` starts the 10 s countdown (threading.Timer by default) — tests
    inject fakes for all three so the default 3 s / 10 s times are tested without waiting.
    """

    def __init__(self, enqueue: Callable[[object], None], pin: int = DEFAULT_BUTTON_PIN, *,
                 pin_factory=None, clock: Callable[[], datetime] = utc_now,
                 monotonic: Callable[[], float] = time.monotonic,
                 hold_away: float = HOLD_AWAY_SECONDS, hold_hotspot: float = HOLD_HOTSPOT_SECONDS,
                 bounce_time: float = BOUNCE_SECONDS, timer=threading.Timer):
        if not 0 < hold_away < hold_hotspot:
            raise ValueError("need 0 < hold_away < hold_hotspot")
        self._enqueue = enqueue
        self._clock = clock
        self._monotonic = monotonic
        self._timer = timer
        self.hold_away = hold_away
        self.hold_hotspot = hold_hotspot
        self.bounce_time = bounce_time
        self._lock = threading.Lock()
        self._press: Optional[_Press] = None
        self._presses = 0
        from gpiozero import Button  # lazily: importing this module must not touch GPIO
        self._button = Button(pin, pull_up=True, bounce_time=bounce_time, pin_factory=pin_factory)
        self._button.when_pressed = self._pressed
        self._button.when_released = self._released

    @property
    def is_pressed(self) -> bool:
        return bool(self._button.is_pressed)

    def close(self) -> None:
        """Release the pin and cancel a running hold countdown."""
        with self._lock:
            press, self._press = self._press, None
        if press is not None and press.timer is not None:
            press.timer.cancel()
        self._button.close()

    # --- gpiozero callbacks (its threads): decide, enqueue, nothing else ----------------------

    def _pressed(self) -> None:
        now = self._monotonic()
        with self._lock:
            if self._press is not None:      # a second "press" without a release: chatter
                return
            self._presses += 1
            press = _Press(self._presses, now)
            self._press = press
            press.timer = self._timer(self.hold_hotspot, self._hold_reached, args=(press.number,))
            press.timer.daemon = True
            press.timer.start()

    def _released(self) -> None:
        now = self._monotonic()
        with self._lock:
            press, self._press = self._press, None
            if press is None:
                return
            if press.timer is not None:
                press.timer.cancel()
            if press.done:
                return
            held = now - press.started
            if held < self.bounce_time:
                log.debug("button: %.3f s blip ignored (contact bounce)", held)
                return
            press.done = True
            gesture = gesture_for(held, self.hold_away, self.hold_hotspot)
        # "hotspot" here only when the countdown thread was late; it never fires twice (done)
        self._fire(gesture, held)

    def _hold_reached(self, number: int) -> None:
        with self._lock:
            press = self._press
            if press is None or press.number != number or press.done:
                return
            press.done = True
        self._fire("hotspot", self.hold_hotspot)

    def _fire(self, gesture: str, held: float) -> None:
        command = COMMANDS[gesture](at=self._clock())
        log.info("button: %s after %.1f s held", type(command).__name__, held)
        try:
            self._enqueue(command)
        except Exception:  # thread boundary: a full queue must not kill gpiozero's thread
            log.exception("button: could not enqueue %s", type(command).__name__)
