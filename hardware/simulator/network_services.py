"""Handlers for the simulator's network services: the network's time (AT+CTZU, AT+CLTS,
AT+CCLK?) and the SIM's conditional call forwarding (AT+CCFC). Tests set what the network
says through `network.time` and `network.forwarding` (ModemSimulator.set_network).
Each handler takes (sim, command) and returns an Answer; the simulator's lock is held.
"""
from __future__ import annotations

from datetime import timedelta

from .answers import Answer
from .commands import cme

POWER_ON_CLOCK = '"80/01/06,00:00:12+00"'     # what a module says before the network's time
VOICEMAIL_SECONDS = 20


def clock(sim, cmd):
    """AT+CCLK? -> the network's time in its zone (quarter hours), or the power-on default."""
    if cmd.op != "read":
        return Answer()
    if sim.network.time is None:
        return Answer([f"+CCLK: {POWER_ON_CLOCK}"])
    now = sim.network.time()
    quarters = int((now.utcoffset() or timedelta(0)).total_seconds() // 900)
    return Answer([f'+CCLK: "{now:%y/%m/%d,%H:%M:%S}{quarters:+03d}"'])


def switch(cmd) -> Answer:
    if cmd.op == "read":
        return Answer([f"{cmd.name}: 1"])
    return Answer()


def forwarding(sim, cmd):
    """AT+CCFC=<reason>,<mode>: mode 2 asks (one +CCFC line), 0 disables, 4 erases; reason 4
    is every conditional reason at once."""
    if cmd.op == "test":
        return Answer(["+CCFC: (0-5)"])
    if cmd.op != "set" or not sim.network.registered():
        return cme(sim, 30 if cmd.op == "set" else 4)     # no network service
    reason, mode = cmd.int_arg(0), cmd.int_arg(1)
    reasons = (1, 2, 3) if reason == 4 else (reason,)
    if mode == 2:
        number = next((sim.network.forwarding[r] for r in reasons
                       if r in sim.network.forwarding), None)
        if number is None:
            return Answer(["+CCFC: 0,7"])
        kind = 145 if number.startswith("+") else 129
        tail = f",,,{VOICEMAIL_SECONDS}" if reason == 2 else ""
        return Answer([f'+CCFC: 1,1,"{number}",{kind}{tail}'])
    if mode in (0, 4):
        for r in reasons:
            sim.network.forwarding.pop(r, None)
        return Answer()
    return cme(sim, 3)


HANDLERS = {"+CCLK": clock, "+CTZU": lambda sim, cmd: switch(cmd),
            "+CLTS": lambda sim, cmd: switch(cmd), "+CCFC": forwarding}
