"""How the box is doing, in plain words: one health verdict for the page, the LED and the owner.

Pure: takes the modem's status, the outbox counts, whether the storage card is full and the
owner's switches (paused, away), returns what is wrong (if anything) and what a person should do
about it; also the modem as /api/status and the Setup page show it.

`state` is the one-word headline the page shows, in the status light's order: a fault hides
paused/away, which hide everything else (hardware/status_light.py: fast blink, double blink):
    not_working  a fault: callers are not being texted
    paused       the owner paused text-back: nobody is texted
    away         away mode: callers get the away message
    needs_look   working, with something to look at (starting, searching, texts waiting)
    working      working: missed callers get a text
"""
from __future__ import annotations

from dataclasses import dataclass, replace
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
             "The storage card is full. Missed callers are still texted back, but new calls are "
             "only kept in memory and new texts are left on the SIM until there is room.",
             "Free space on the card (e.g. old system logs: sudo journalctl --vacuum-size=50M) "
             "or move to a bigger card. Everything waiting is saved as soon as there is room.")


@dataclass(frozen=True)
class Health:
    led: str                 # the status light's input (hardware/status_light.py vocabulary)
    level: str               # ok | warn | fault: the modem and the outbox
    problem: Optional[str]
    advice: Optional[str]
    state: str = "working"   # the headline: level combined with paused / away (see above)
    detail: Optional[str] = None   # the modem's last error, shown after the problem

    def as_dict(self) -> dict:
        problem = f"{self.problem} ({self.detail})" if self.detail else self.problem
        return {"level": self.level, "problem": problem, "advice": self.advice,
                "led": self.led, "state": self.state}


def headline(level: str, paused: bool, away: bool) -> str:
    """The headline state for a health level and the owner's switches."""
    if level == "fault":
        return "not_working"
    if paused:
        return "paused"
    if away:
        return "away"
    return "working" if level == "ok" else "needs_look"


def assess(modem_state: str, queued: int, failed: int, last_error: Optional[str] = None,
           unconfirmed: int = 0, paused: bool = False, away: bool = False,
           disk_full: bool = False) -> Health:
    """The single most important thing to know about the box right now (a modem that cannot
    text comes first, then a full storage card, then texts that did not go)."""
    verdict = _assess(modem_state, queued, failed, last_error, unconfirmed, disk_full)
    return replace(verdict, state=headline(verdict.level, paused, away))


def _assess(modem_state: str, queued: int, failed: int, last_error: Optional[str],
            unconfirmed: int, disk_full: bool) -> Health:
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
    # e.g. the start-up step that blocks it
    detail = last_error if level != "ok" and modem_state in ("error", "starting") else None
    return Health(led, level, problem, advice, detail=detail or None)


def modem_summary(modem) -> dict:
    """The `modem` object of /api/status (a ModemStatus in)."""
    return {"state": modem.state, "model": modem.model, "operator": modem.operator,
            "signal_percent": modem.signal_percent, "sim_number": modem.sim_number,
            "registration": modem.registration, "blocking": blocking(modem)}


def blocking(modem) -> Optional[str]:
    """The start-up step that keeps the modem from being ready (a ModemStatus), if any."""
    return modem.extra.get("blocking") if modem.state in ("starting", "error") else None


def modem_profile(modem) -> dict:
    """What start-up learnt about the modem (a ModemStatus): identity, how an abandoned call is
    noticed, the quirks worked around, the blocking step, the lines nobody knows."""
    extra = modem.extra
    return {"state": modem.state, "manufacturer": modem.manufacturer, "model": modem.model,
            "firmware": modem.firmware, "family": extra.get("family"),
            "reports_call_end": modem.reports_call_end, "call_list": extra.get("call_list"),
            "smsc": extra.get("smsc"), "new_message_mode": extra.get("new_message_mode"),
            "quirks": list(extra.get("quirks") or []), "blocking": blocking(modem),
            "last_error": modem.last_error,
            "unknown_lines": list(extra.get("unknown_lines") or [])}
