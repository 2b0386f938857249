"""How the box is doing, in plain words: one health verdict for the page, the LED and the owner.

Pure: takes the modem's status and the outbox counts, returns what is wrong (if anything) and
what a person should do about it; also the modem as /api/status and the Setup page show it.
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
           unconfirmed: int = 0) -> Health:
    """The single most important thing to know about the box right now."""
    led, level, problem, advice = _MODEM.get(modem_state, _MODEM["error"])
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
    if level != "ok" and last_error and modem_state in ("error", "starting"):
        problem = f"{problem} ({last_error})"      # e.g. the start-up step that blocks it
    return Health(led, level, problem, advice)



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
