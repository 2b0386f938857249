"""Start-up: talk a freshly opened (or restarted) modem into shape; degrade, never wedge.

Only the essentials block `ready`:
- the modem answers AT (else the supervisor reports no_modem and reconnects);
- the SIM is ready. A modem still busy after power-on (+CME ERROR: 14 or 515, "SIM busy",
  `+CPIN: NOT READY`, or no answer) is asked again every second, for SIM_BUSY_BOUND at most.
  A SIM that needs its PIN or is missing is a state of its own (sim_pin, no_sim);
- PDU mode (AT+CMGF=0);
- a way to send: AT+CMGS=? answers OK, or the SIM has an SMS centre.
Every other setting (error verbosity, caller ID, call reports, vendor codes, +CSSN, +CVHU,
character set, +CNMI modes, memories) is optional: ERROR, COMMAND NOT SUPPORT, +CME ERROR or
no answer at all skips it and notes a quirk. An information answer whose final code never
comes is taken as complete after QUIET_FINAL seconds of silence (noted too). When an essential
fails, `Setup.blocking` names the step and the modem's answer; the supervisor keeps the modem
"starting", tries again, and after a minute reports that step as the error.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from hardware import modem_init as query
from hardware.at_lines import Response

log = logging.getLogger(__name__)

QUIET_FINAL = 0.3          # seconds of silence after an answer's lines: the answer is complete
OPTIONAL_TIMEOUT = 2.0     # an optional setting that says nothing for this long is skipped
SIM_BUSY_BOUND = 40.0      # how long a modem busy after power-on is waited for
SIM_BUSY_POLL = 1.0
NEW_MESSAGE_MODES = ("AT+CNMI=2,1,0,2,0", "AT+CNMI=2,1,0,1,0", "AT+CNMI=1,1,0,2,0",
                     "AT+CNMI=2,1", "AT+CNMI=1,1")
NO_ANNOUNCEMENTS = "no AT+CNMI mode accepted: new texts are found by listing the memories " \
                   "every 30 s"
NO_CALL_LIST = "AT+CLCC does not answer: a call ends on the modem's end code, else after the " \
               "ring gap"


@dataclass
class Identity:
    manufacturer: Optional[str] = None
    model: Optional[str] = None
    firmware: Optional[str] = None
    imei: Optional[str] = None
    family: str = "unknown"


@dataclass(frozen=True)
class Blocked:
    """The essential step that failed and what the modem answered."""
    step: str
    answer: str

    def __str__(self) -> str:
        return f"{self.step}: {self.answer}"


@dataclass
class Setup:
    """What start-up found out, beyond identity."""
    sim: str = "unknown"        # ready | sim_pin | sim_puk | no_sim | busy | unknown
    memories: list[str] = field(default_factory=lambda: ["SM"])
    new_message_mode: Optional[str] = None
    call_list: bool = False     # AT+CLCC answers: ringing calls are asked about
    smsc: Optional[str] = None
    smsc_type: Optional[int] = None
    quirks: list[str] = field(default_factory=list)
    blocking: Optional[Blocked] = None

    def note(self, quirk: str) -> None:
        if quirk not in self.quirks:
            log.info("modem quirk: %s", quirk)
            self.quirks.append(quirk)


class Talk:
    """The channel as start-up uses it: answers without a final code are accepted (and noted);
    optional commands that fail or stay silent are skipped (and noted)."""

    def __init__(self, channel, timeout: float, setup: Setup):
        self.channel, self.timeout, self.setup = channel, timeout, setup

    def command(self, cmd: str, timeout: Optional[float] = None) -> Response:
        response = self.channel.command(cmd, timeout or self.timeout, quiet_final=QUIET_FINAL)
        if response.missing_final:
            self.setup.note(f"{cmd}: answer without a final result code (accepted)")
        return response

    def ask(self, cmd: str) -> Optional[Response]:
        """`cmd` with a short timeout; None (and a quirk) when the modem says nothing."""
        try:
            return self.command(cmd, min(self.timeout, OPTIONAL_TIMEOUT))
        except TimeoutError:
            self.setup.note(f"{cmd}: no answer (skipped)")
            # A late answer must not be taken for the next command's; if even AT goes
            # unanswered the modem is gone (CommandTimeout goes up to the supervisor).
            self.channel.command("AT", self.timeout)
            return None

    def optional(self, cmd: str) -> bool:
        response = self.ask(cmd)
        if response is not None and not response.ok:
            self.setup.note(f"{cmd}: {said(response)} (skipped)")
        return bool(response and response.ok)


def said(response: Optional[Response]) -> str:
    """What the modem answered, in a few words."""
    if response is None:
        return "no answer"
    return response.final or "no final result code"


def initialise(channel, timeout: float, pause: Optional[Callable[[float], object]] = None,
               busy_bound: float = SIM_BUSY_BOUND) -> tuple[Identity, Setup]:
    """Everything the box needs from the modem after power-up or a restart, in order: echo off
    (echo is parsed anyway), numeric errors, the SIM (waiting up to `busy_bound` while it is
    busy), identity, caller ID and call settings, then texts in PDU mode once the SIM is ready."""
    setup = Setup()
    talk = Talk(channel, timeout, setup)
    talk.optional("ATE0")
    talk.optional("AT+CMEE=1")
    setup.sim, sim_answer = wait_for_sim(talk, pause or getattr(channel, "idle", time.sleep),
                                         busy_bound)
    identity = identify(talk)
    call_settings(talk, identity.family)
    if setup.sim == "ready":
        configure_sms(talk)
    elif setup.sim == "busy":
        setup.blocking = Blocked("SIM", f"still busy after {busy_bound:g} s ({sim_answer})")
    elif setup.sim == "unknown":
        setup.blocking = Blocked("SIM (AT+CPIN?)", sim_answer)
    return identity, setup


def wait_for_sim(talk: Talk, pause: Callable[[float], object],
                 bound: float = SIM_BUSY_BOUND) -> tuple[str, str]:
    """(SIM state, the modem's last answer), asking again while the modem is busy."""
    deadline = time.monotonic() + bound
    while True:
        try:
            response = talk.command("AT+CPIN?")
            state, answer = query.sim_of(response), "; ".join(response.lines + [said(response)])
        except TimeoutError:
            state, answer = "busy", "no answer"
        if state != "busy" or time.monotonic() >= deadline:
            return state, answer
        log.info("SIM busy (%s); asking again", answer)
        pause(SIM_BUSY_POLL)


def identify(talk: Talk) -> Identity:
    def ask(cmd: str) -> Optional[str]:
        response = talk.ask(cmd)
        return query.info_line(response) if response is not None and response.ok else None
    found = Identity(manufacturer=ask("AT+CGMI"), model=ask("AT+CGMM"), firmware=ask("AT+CGMR"),
                     imei=ask("AT+CGSN"))
    found.family = query.family_of(found.manufacturer, found.model)
    return found


def call_settings(talk: Talk, family: str) -> None:
    """Caller ID, call codes and family switches; then whether AT+CLCC answers."""
    talk.optional("AT+CLIP=1")
    if family in ("simcom2g", "a76xx"):
        talk.optional("AT+CLCC=1")
    if family in ("simcom2g", "sim7600", "a76xx", "unknown"):
        talk.optional("AT+CVHU=0")        # else SIM7600 (and others) ignore ATH
    if family == "huawei":
        talk.optional("AT^CURC=0")        # mute ^RSSI, ^BOOT, ^MODE ...
    if family == "quectel":
        talk.optional('AT+QINDCFG="smsfull",1')
    talk.optional("AT+CSSN=0,1")          # +CSSU: 0 for forwarded calls
    talk.optional("AT+COPS=3,0")          # operator as a name
    talk.optional('AT+CSCS="IRA"')        # numbers in caller ID and call lists as plain text
    # The network's time into the module's clock (AT+CCLK?): the box's clock after a power cut
    # without internet (core/clock.py TrustedClock).
    talk.optional("AT+CTZU=1")
    if family in ("simcom2g", "sim7600", "a76xx"):
        talk.optional("AT+CLTS=1")
    listed = talk.ask("AT+CLCC")
    talk.setup.call_list = bool(listed and listed.ok)
    if not talk.setup.call_list:
        talk.setup.note(f"{NO_CALL_LIST} (AT+CLCC: {said(listed)})")


def configure_sms(talk: Talk) -> None:
    setup = talk.setup
    pdu_mode = talk.ask("AT+CMGF=0")
    if not (pdu_mode and pdu_mode.ok):
        setup.blocking = Blocked("PDU mode (AT+CMGF=0)", said(pdu_mode))
        return
    for mode in NEW_MESSAGE_MODES:
        answer = talk.ask(mode)
        if answer is not None and answer.ok:
            setup.new_message_mode = mode
            break
    else:
        setup.note(NO_ANNOUNCEMENTS)
    _memories(talk)
    centre = talk.ask("AT+CSCA?")
    if centre is not None:
        setup.smsc, setup.smsc_type = query.service_centre_of(centre)
    sending = talk.ask("AT+CMGS=?")
    if not (sending and sending.ok) and not setup.smsc:
        setup.blocking = Blocked("sending texts", f"AT+CMGS=? answered {said(sending)} and the "
                                 "SIM has no SMS centre (AT+CSCA?)")


def _memories(talk: Talk) -> None:
    setup = talk.setup
    offered = talk.ask("AT+CPMS=?")
    setup.memories = query.memories_of(offered) if offered is not None else ["SM"]
    if "SM" in setup.memories:
        answer = talk.ask('AT+CPMS="SM","SM","SM"')
        if not (answer and answer.ok):
            talk.optional('AT+CPMS="SM"')
