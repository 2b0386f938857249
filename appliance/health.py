"""How the box is doing, in plain words: one health verdict for the page, the LED and the owner.

Pure: takes the modem's status, the outbox counts and whether the storage card is full, returns
what is wrong (if anything) and what a person should do about it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

# modem state -> (LED health, level, problem, advice)
_MODEM = {
    "ready": ("ready", "ok", None, None),
    "starting": ("starting", "warn", "The modem is starting up.",
                 "Wait a minute. If this stays, unplug the box and plug it back in."),
    "searching": ("searching", "warn", "The modem is looking for the mobile network.",
                  "Check the antenna is attached and the box is not in a metal cabinet."),
    "no_modem": ("no_modem", "fault", "The modem is not connected or does not answer.",
                 "Check the modem's USB cable and power supply (it needs a 2 A supply)."),
    "no_sim": ("no_sim", "fault", "There is no SIM card in the modem.",
               "Unplug the box, insert the SIM card (contacts down), plug it back in."),
    "sim_pin": ("sim_pin", "fault", "The SIM card is locked with a PIN.",
                "Remove the PIN with any phone (Settings > SIM PIN), then put it back."),
    "error": ("error", "fault", "The modem reported an error.",
              "If the network refused the SIM, call the carrier (is the SIM active, does it "
              "allow texts?). Otherwise unplug the box and plug it back in."),
}


DISK_FULL = ("disk_full", "fault",
             "The storage card is full. Missed callers are still texted back, but new calls and "
             "texts are only kept in memory until there is room.",
             "Free space on the card (e.g. old system logs: sudo journalctl --vacuum-size=50M) "
             "or move to a bigger card. Everything waiting is saved as soon as there is room.")


@dataclass(frozen=True)
class Health:
    led: str                 # the status light's input (hardware/status_light.py vocabulary)
    level: str               # ok | warn | fault
    problem: Optional[str]
    advice: Optional[str]

    def as_dict(self) -> dict:
        return {"level": self.level, "problem": self.problem, "advice": self.advice,
                "led": self.led}


def assess(modem_state: str, queued: int, failed: int, last_error: Optional[str] = None,
           unconfirmed: int = 0, disk_full: bool = False) -> Health:
    """The single most important thing to know about the box right now (a modem that cannot
    text comes first, then a full storage card, then texts that did not go)."""
    led, level, problem, advice = _MODEM.get(modem_state, _MODEM["error"])
    if level != "fault" and disk_full:
        return Health(*DISK_FULL)
    if level == "ok" and failed:
        return Health("outbox_failing", "fault",
                      f"{failed} text{'s' if failed != 1 else ''} could not be sent.",
                      "Check the SIM has credit and can send texts; open Calls to see which.")
    if level == "ok" and unconfirmed:
        return Health("ready", "warn",
                      f"The modem did not confirm {unconfirmed} text"
                      f"{'s' if unconfirmed != 1 else ''}; they probably went.",
                      "They are not resent automatically. Open Calls to see which, and reply "
                      "by hand if unsure.")
    if level == "ok" and queued > 5:
        return Health("ready", "warn", f"{queued} texts are waiting to be sent.",
                      "The network may be slow; they go out by themselves.")
    if level != "ok" and last_error and modem_state == "error":
        problem = f"{problem} ({last_error})"
    return Health(led, level, problem, advice)

