"""What the modem's status says: the contract's state from SIM and registration, the bound on
`starting`, the health questions asked every half minute, and the start-up profile shown on
the Setup page. Used by the supervisor (hardware/supervisor.py).
"""
from __future__ import annotations

import logging
import time
from typing import Optional

from hardware import modem_init as query
from hardware import network_time, startup

log = logging.getLogger(__name__)

SIM_STATES = {"no_sim": "no_sim", "sim_pin": "sim_pin", "sim_puk": "sim_pin"}
START_LIMIT = 60.0          # never `starting` for longer: then `error`, naming the step
DENIED = "the network refused the SIM (registration denied)"


def contract_state(sim: str, registration: str) -> str:
    """The contract's modem state from the SIM state and the registration."""
    if sim in SIM_STATES:
        return SIM_STATES[sim]
    if sim != "ready":
        return "starting"
    if registration == "denied":
        return "error"      # the network refuses this SIM: a person must call the carrier
    return "ready" if registration in ("home", "roaming") else "searching"


class StartClock:
    """Keeps `starting` honest: a blocked start-up is `starting` (naming the step) for up to
    `limit` seconds, then `error` naming it; never a silent wait."""

    def __init__(self, limit: float = START_LIMIT):
        self.limit = limit
        self.since: Optional[float] = None         # time.monotonic() since when starting

    def begin(self) -> None:
        self.since = self.since or time.monotonic()

    def reset(self) -> None:
        self.since = None

    def judge(self, state: str, sim: str,
              blocking: Optional[startup.Blocked]) -> tuple[str, Optional[str]]:
        """(state, problem) to show."""
        if blocking is not None and state in ("ready", "searching", "starting"):
            state = "starting"
        if state != "starting":
            self.since = None
            return state, DENIED if state == "error" else None
        self.begin()
        if time.monotonic() - self.since < self.limit:
            return "starting", f"start-up waits for {blocking}" if blocking else None
        return "error", (f"start-up blocked at {blocking}" if blocking else
                         f"still starting after {self.limit:g} s (SIM: {sim})")


def health(channel, timeout: float, setup: startup.Setup, with_time: bool = False) -> dict:
    """SIM, registration, signal, operator and storage, and the network's time when asked for
    (hold the channel around this)."""
    talk = startup.Talk(channel, timeout, setup)       # answers without a final code are fine
    sim = query.sim_state(talk, timeout)
    registration = query.registration(talk, timeout)
    rssi, percent = query.signal(talk, timeout)
    return {"sim": sim, "registration": registration, "rssi": rssi, "percent": percent,
            "operator": query.operator(talk, timeout),
            "storage": query.storage(talk, timeout) if sim == "ready" else {},
            "network_time": network_time.read(talk, timeout)
            if with_time and sim == "ready" else None}


def own_number(channel, timeout: float) -> Optional[str]:
    try:
        return query.own_number(channel, timeout)
    except TimeoutError:
        log.info("AT+CNUM: no answer; the SIM's number stays unknown")
        return None


def profile(identity: startup.Identity, setup: startup.Setup) -> dict:
    """What start-up found, for the status (the Setup page and /api/status show it)."""
    return {"family": identity.family, "sim": setup.sim, "memories": setup.memories,
            "new_message_mode": setup.new_message_mode, "call_list": setup.call_list,
            "smsc": setup.smsc, "quirks": setup.quirks,
            "blocking": str(setup.blocking) if setup.blocking else None}
