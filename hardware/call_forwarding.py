"""The box SIM's own call forwarding (27.007 §7.11 `AT+CCFC`): does a caller who rings the box
out end up in the SIM's voicemail, and switching that off.

`AT+CCFC=<reason>,2` asks the network (a round trip: seconds, sometimes `+CME ERROR` where the
network or module will not say) and answers one line per class:
`+CCFC: <status>,<class>[,"<number>",<type>[,,,<time>]]`, status 1 = active. `AT+CCFC=<reason>,4`
erases the forwarding (`,0` only disables it, where erasure is refused). Reasons: 1 busy,
2 no reply, 3 not reachable, 4 all conditional. Functions take a channel the caller holds
(for one question at a time: calls and texts must not wait for the network's slow answers).
"""
from __future__ import annotations

import logging
from typing import Optional

from hardware.urc import split_fields, unquote

log = logging.getLogger(__name__)

REASONS = {"busy": 1, "no_reply": 2, "unreachable": 3}
ALL_CONDITIONAL = 4
VOICE = 1                  # class 1: voice (a line without a class counts as voice too)


def ask(channel, timeout: float, reason: int) -> dict:
    """{"active": bool, "number": str|None, "seconds": int|None}, or {"error": text} when the
    network would not say, for one reason (REASONS)."""
    try:
        response = channel.command(f"AT+CCFC={reason},2", timeout)
    except TimeoutError:
        return {"error": "no answer from the network"}
    if not response.ok:
        return {"error": response.final or "refused"}
    return voice_forwarding(response.values("+CCFC:"))


def voice_forwarding(values: list[str]) -> dict:
    """The voice line of a `+CCFC:` answer; not active when no line says so."""
    for value in values:
        fields = [unquote(field) for field in split_fields(value)]
        try:
            status, klass = int(fields[0]), int(fields[1]) if len(fields) > 1 and fields[1] else 7
        except ValueError:
            log.info("unreadable +CCFC: %r", value)
            continue
        if status == 1 and klass & VOICE:
            seconds = fields[6] if len(fields) > 6 and fields[6].isdigit() else None
            return {"active": True, "number": fields[2] if len(fields) > 2 and fields[2] else None,
                    "seconds": int(seconds) if seconds else None}
    return {"active": False, "number": None, "seconds": None}


def cancel(channel, timeout: float) -> Optional[str]:
    """Erase the SIM's conditional forwarding (all three reasons at once, else one by one,
    else disable); None when done, else what the network said."""
    answer = None
    for reasons in ([ALL_CONDITIONAL], list(REASONS.values())):
        for mode in (4, 0):
            results = [channel.command(f"AT+CCFC={reason},{mode}", timeout)
                       for reason in reasons]
            if all(response.ok for response in results):
                return None
            answer = next(r.final for r in results if not r.ok) or "refused"
    return answer
