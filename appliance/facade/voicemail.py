"""Does a caller who rings out on the box's SIM land in that SIM's voicemail? The Setup page's
answer, asked of the network on the owner's click, and switching it off.

The question (hardware/call_forwarding.py, AT+CCFC) is a network round trip that can take
seconds or be refused, so it never runs on the service thread or a page request: `check()` and
`turn_off()` start one background worker (a second click while it runs does nothing) and the
page polls `state()`, the last answer kept in memory.

`verdict` in words: "voicemail" (some conditional forwarding is on: a caller who lets it ring,
finds the box busy or unreachable ends up in the SIM's mailbox), "rings_out" (none is on: the
caller hears ringing until they give up or the network ends the call), "unknown" (not asked
yet, or the network would not say).
"""
from __future__ import annotations

import logging
import threading
from typing import Callable, Optional

from appliance.core.domain import ModemUnavailable
from appliance.core.stamps import to_iso

log = logging.getLogger(__name__)

# What the owner would dial on a phone holding the box's SIM (GSM codes; US carriers differ).
OFF_CODES = {"no_reply": "##61#", "busy": "##67#", "unreachable": "##62#",
             "all": "##004#"}


def verdict(forwarding: Optional[dict]) -> str:
    """voicemail | rings_out | unknown, from {reason: {"active", ...} or {"error"}}."""
    if not forwarding:
        return "unknown"
    if any(answer.get("active") for answer in forwarding.values()):
        return "voicemail"
    if all("error" not in answer for answer in forwarding.values()):
        return "rings_out"
    return "unknown"


class Voicemail:
    """The box SIM's forwarding, as last asked. `ask()` -> {reason: answer}; `cancel()` -> None
    when erased, else what the network said (hardware/modem.py)."""

    def __init__(self, ask: Callable[[], dict], cancel: Callable[[], Optional[str]],
                 clock: Callable):
        self._ask, self._cancel, self.clock = ask, cancel, clock
        self._lock = threading.Lock()
        self._worker: Optional[threading.Thread] = None
        self._state = {"checking": False, "checked_at": None, "forwarding": None,
                       "error": None, "turned_off": None}

    def state(self) -> dict:
        with self._lock:
            state = dict(self._state)
        return {**state, "verdict": verdict(state["forwarding"]), "codes": OFF_CODES}

    def check(self) -> bool:
        """Ask the network again (in the background); False when a question is in flight."""
        return self._start(turn_off=False)

    def turn_off(self) -> bool:
        """Erase the SIM's conditional forwarding, then ask again (in the background)."""
        return self._start(turn_off=True)

    def wait(self, timeout: float) -> None:
        """Until the worker in flight (if any) is done (tests, shutdown)."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)

    def _start(self, turn_off: bool) -> bool:
        with self._lock:
            if self._state["checking"]:
                return False
            self._state.update(checking=True, error=None)
            self._worker = threading.Thread(target=self._run, args=(turn_off,),
                                            name="voicemail check", daemon=True)
        self._worker.start()
        return True

    def _run(self, turn_off: bool) -> None:
        changes: dict = {}
        try:
            if turn_off:
                refused = self._cancel()
                changes["turned_off"] = "done" if refused is None else f"refused: {refused}"
            changes["forwarding"] = self._ask()
            changes["checked_at"] = to_iso(self.clock())
        except ModemUnavailable as error:
            changes["error"] = f"the modem is not ready ({error})"
        except Exception as error:  # thread boundary: the page shows it, the box carries on
            log.exception("asking the SIM's call forwarding failed")
            changes["error"] = f"the modem could not ask the network ({error})"
        with self._lock:
            self._state.update(checking=False, **changes)
