"""What the simulated modem says about an incoming call, ring by ring: +CSSU and +CLCC at the
start, RING / +CRING and +CLIP on each ring (or +CLIP only with the first ring, before its RING,
or never, as some modules do), the family's end code when the caller gives up (and an entry in
the module's missed-call list where it keeps one), and what ATH / AT+CHUP do (SIM7600 ignores
ATH until AT+CVHU=0; SIM800 refuses calls while an AT+CMGS prompt is open). Called with the
simulator's lock held.
"""
from __future__ import annotations

import logging

from . import dialects
from .calls import Call

log = logging.getLogger(__name__)


def _clcc_on(sim) -> bool:
    return sim.settings.clcc and sim.dialect.clcc_urc


def ring_once(sim, call: Call, n: int) -> bool:
    """Send ring `n` of `call`; False when the call cannot ring (unplugged, refused)."""
    if not sim.plugged:
        call.outcome = "unreachable"
        return False
    if n == 1 and sim.dialect.rejects_calls_while_sending and sim.prompt_open:
        sim.calls.reject(call)
        log.info("call from %s rejected: AT+CMGS in progress", call.number)
        return False
    if n == 1 and call.forwarded and sim.settings.cssu:
        sim.emit("+CSSU: 0")
    if n == 1 and _clcc_on(sim):
        sim.emit(dialects.clcc_line(sim.dialect, call.number, call.number_type,
                                     call.validity, 4))
    clip = _caller_id(sim, call, n)
    if clip and sim.dialect.clip_before_ring:
        sim.emit(clip)
    doubled = sim.dialect.doubled_cr_rings and n % 2 == 1
    sim.emit(dialects.ring_line(sim.settings.crc), "\r\r\n" if doubled else None)
    if clip and not sim.dialect.clip_before_ring:
        sim.emit(clip)
    return True


def _caller_id(sim, call: Call, n: int):
    """The +CLIP line for ring `n`, or None (not asked for, or this family does not send it)."""
    dialect = sim.dialect
    if not sim.settings.clip or dialect.clip_rings == "never" or \
            (dialect.clip_rings == "first" and n > 1):
        return None
    return dialects.clip_line(dialect, call.number, call.number_type, call.validity)


def caller_gave_up(sim, call: Call) -> None:
    """The caller hung up before anyone answered: the family's end code(s), if any."""
    sim.phonebook.missed(call.number, call.number_type, call.validity, sim.clock())
    for line in dialects.caller_gave_up_lines(sim.dialect, _clcc_on(sim), call.number,
                                              call.number_type, call.validity,
                                              sim.clock().astimezone()):
        sim.emit(line)


def decline(sim, via_ath: bool) -> list[str]:
    """ATH / AT+CHUP: end a ringing call -> codes to send after the OK."""
    call = sim.calls.active
    if call is None or not call.ringing:
        return []
    if via_ath and sim.settings.cvhu == 1:
        log.info("ATH ignored: AT+CVHU=0 was not sent")
        return []
    sim.calls.decline(call)
    log.info("box hung up on %s", call.number or "a withheld caller")
    return dialects.declined_lines(sim.dialect, _clcc_on(sim), call.number, call.number_type,
                                   call.validity)
