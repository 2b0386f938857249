"""The status light: what the LED on the box says, and the thread that makes it say it.

`pattern_for` is the LED language, a pure function from the box's health to a blink pattern.
`StatusLight` plays that pattern on a gpiozero LED (GPIO 17 by default) from one small thread,
flashes it briefly when a text goes out or a reply comes in, and lights an optional second LED
(GPIO 27) while replies are waiting to be read.

The language, most urgent first (a fault hides paused/away, which hides "starting"):

    fast blink    0.2 s on, 0.2 s off        needs a person: no SIM, SIM PIN, no modem, modem
                                             not answering, texts failing to send, other error
    double blink  on/off/on .15 s, off 1.05  paused or away mode (on purpose)
    slow blink    1 s on, 1 s off            starting up, or searching for the mobile network
    steady on                                ready: missed callers get texted
    a blip        0.1 s the other way        a text went out or a reply came in
    second LED    steady on                  replies waiting to be read

Callers (the service) call `show()` as often as they like: the pattern restarts only when it
changes, so a slow blink is never reset into a steady light by frequent health updates.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Callable, Optional

log = logging.getLogger(__name__)

DEFAULT_LED_PIN = 17
DEFAULT_UNREAD_PIN = 27
FLASH_SECONDS = 0.1

HEALTH_STATES = ("ready", "starting", "searching", "no_modem", "modem_silent", "no_sim",
                 "sim_pin", "outbox_failing", "error")
FAULTS = frozenset({"no_modem", "modem_silent", "no_sim", "sim_pin", "outbox_failing", "error"})
BUSY = frozenset({"starting", "searching"})


@dataclass(frozen=True)
class Pattern:
    """A repeating blink: `steps` are (LED on?, seconds) played in order, forever.
    A step of None seconds holds until the pattern changes (a steady light)."""
    name: str
    steps: tuple[tuple[bool, Optional[float]], ...]
    meaning: str = ""


STEADY = Pattern("steady", ((True, None),), "ready: missed callers get texted")
SLOW_BLINK = Pattern("slow_blink", ((True, 1.0), (False, 1.0)),
                     "starting up or searching for the mobile network")
FAST_BLINK = Pattern("fast_blink", ((True, 0.2), (False, 0.2)),
                     "needs a person: look at the page (no SIM, SIM PIN, no modem, texts failing)")
DOUBLE_BLINK = Pattern("double_blink", ((True, 0.15), (False, 0.15), (True, 0.15), (False, 1.05)),
                       "paused or away mode is on")
OFF = Pattern("off", ((False, None),), "the box is off or not running")

LED_LANGUAGE = (FAST_BLINK, DOUBLE_BLINK, SLOW_BLINK, STEADY)


def pattern_for(health: str, paused: bool, away: bool) -> Pattern:
    """The pattern for the box's health. Unknown health values count as a fault (fast blink):
    a light that says "look at me" is safer than one that says "all fine"."""
    if health in FAULTS or health not in HEALTH_STATES:
        return FAST_BLINK
    if paused or away:
        return DOUBLE_BLINK
    if health in BUSY:
        return SLOW_BLINK
    return STEADY


def _event_wait(event: threading.Event, seconds: Optional[float]) -> bool:
    """Sleep for a step; True when woken early because something changed."""
    return event.wait(seconds)


class StatusLight:
    """Drives the status LED (and the optional unread LED) through gpiozero.

    `wait(event, seconds) -> bool` is how the pattern thread passes time; tests inject a
    stepped clock so they can read the pin at every step without sleeping.
    """

    def __init__(self, pin: int = DEFAULT_LED_PIN, unread_pin: Optional[int] = None, *,
                 pin_factory=None, wait: Callable[[threading.Event, Optional[float]], bool] = None,
                 flash_seconds: float = FLASH_SECONDS):
        from gpiozero import LED  # lazily: importing this module must not touch GPIO
        self._led = LED(pin, initial_value=False, pin_factory=pin_factory)
        self._unread = None
        try:
            if unread_pin is not None:
                self._unread = LED(unread_pin, initial_value=False, pin_factory=pin_factory)
        except Exception:
            self._led.close()
            raise
        self._wait = wait or _event_wait
        self._flash_seconds = flash_seconds
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._pattern = pattern_for("starting", False, False)
        self._flash_pending = False
        self._step_on = False
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="status-light", daemon=True)
        self._thread.start()

    # --- what the service calls -------------------------------------------------------------

    @property
    def pattern(self) -> Pattern:
        """The pattern being shown now."""
        with self._lock:
            return self._pattern

    def show(self, health: str, paused: bool = False, away: bool = False) -> Pattern:
        """Show the pattern for this health; a no-op when it is already showing."""
        pattern = pattern_for(health, paused, away)
        with self._lock:
            if pattern == self._pattern or self._closed:
                return pattern
            log.info("status light: %s (%s)", pattern.name, health)
            self._pattern = pattern
            self._wake.set()
        return pattern

    def flash(self) -> None:
        """A short blip the other way: a text went out or a reply came in."""
        with self._lock:
            if self._closed:
                return
            self._flash_pending = True
            self._wake.set()

    def set_unread(self, waiting: bool) -> None:
        """Second LED on while replies wait to be read (no-op without a second LED)."""
        if self._unread is None or self._closed:
            return
        if waiting:
            self._unread.on()
        else:
            self._unread.off()

    def alive(self) -> bool:
        """True while the pattern thread runs (for the watchdog)."""
        return self._thread.is_alive()

    def close(self) -> None:
        """Stop the thread, switch the LEDs off and release the pins."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._wake.set()
        self._thread.join(timeout=2.0)
        for led in (self._led, self._unread):
            if led is not None:
                try:
                    led.off()
                    led.close()
                except Exception:  # closing on shutdown: nothing more to do
                    log.debug("closing LED failed", exc_info=True)

    # --- the pattern thread -----------------------------------------------------------------

    def _run(self) -> None:
        while not self._closed:
            try:
                self._play()
            except Exception:  # thread boundary: a GPIO hiccup must not kill the light
                log.exception("status light failed; trying again")
                self._wait(self._wake, 1.0)

    def _play(self) -> None:
        """Play the current pattern until something changes (new pattern, flash, close)."""
        with self._lock:
            self._wake.clear()
            pattern = self._pattern
            flash, self._flash_pending = self._flash_pending, False
        if self._closed:
            return
        if flash:
            self._set(not self._step_on)
            if self._wait(self._wake, self._flash_seconds):
                return
        while True:
            for on, seconds in pattern.steps:
                self._set(on)
                self._step_on = on
                if self._wait(self._wake, seconds):
                    return

    def _set(self, on: bool) -> None:
        if on:
            self._led.on()
        else:
            self._led.off()
