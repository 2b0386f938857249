"""Talking a modem into shape and asking how it is: the AT sequences and how to read answers.

Functions take an open channel (anything with `command(cmd, timeout) -> Response`) and return
plain values; the Modem adapter (hardware/modem.py) and the probe (hardware/probe.py) share them.
Timeouts propagate as CommandTimeout / PortLost; an ERROR where the modem may legitimately not
support something is tolerated and noted.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Optional

from hardware.at_lines import Response
from hardware.urc import split_fields, unquote

log = logging.getLogger(__name__)

# Families whose unanswered incoming call ends with a code we parse (MODEMS.md).
REPORTS_CALL_END = {"simcom2g": True, "sim7600": True, "a76xx": True, "quectel": True,
                    "huawei": True, "ublox": True}
LTE_FAMILIES = ("sim7600", "a76xx", "quectel", "huawei")
REGISTRATION = {0: "searching", 1: "home", 2: "searching", 3: "denied", 4: "unknown",
                5: "roaming", 6: "home", 7: "roaming", 9: "home", 10: "roaming"}
NEW_MESSAGE_MODES = ("AT+CNMI=2,1,0,2,0", "AT+CNMI=2,1,0,1,0", "AT+CNMI=1,1,0,2,0",
                     "AT+CNMI=2,1", "AT+CNMI=1,1")
READ_MEMORIES = ("SM", "ME", "SR")


@dataclass
class Identity:
    manufacturer: Optional[str] = None
    model: Optional[str] = None
    firmware: Optional[str] = None
    imei: Optional[str] = None
    family: str = "unknown"


@dataclass
class Setup:
    """What initialisation found out, beyond identity."""
    sim: str = "unknown"             # ready | sim_pin | sim_puk | no_sim | unknown
    memories: list[str] = field(default_factory=lambda: ["SM"])
    new_message_mode: Optional[str] = None
    problems: list[str] = field(default_factory=list)


def info_line(response: Response) -> Optional[str]:
    """The first information line, without a `+CGMR:` / `Revision:` style label."""
    for line in response.lines:
        text = re.sub(r"^(\+[A-Z]+:|Revision:|Model:|Manufacturer:|IMEI:)\s*", "", line.strip())
        if text:
            return text.strip()
    return None


def family_of(manufacturer: Optional[str], model: Optional[str]) -> str:
    text = f"{manufacturer or ''} {model or ''}".upper()
    rules = (("SIM7", "sim7600"), ("A76", "a76xx"), ("A78", "a76xx"), ("SIM8", "simcom2g"),
             ("SIM9", "simcom2g"), ("QUECTEL", "quectel"), ("EC2", "quectel"),
             ("EG2", "quectel"), ("M95", "quectel"), ("HUAWEI", "huawei"), ("U-BLOX", "ublox"),
             ("SARA", "ublox"))
    for needle, family in rules:
        if needle in text:
            return family
    return "unknown"


def identify(channel, timeout: float) -> Identity:
    def ask(cmd: str) -> Optional[str]:
        response = channel.command(cmd, timeout)
        return info_line(response) if response.ok else None
    found = Identity(manufacturer=ask("AT+CGMI"), model=ask("AT+CGMM"), firmware=ask("AT+CGMR"),
                     imei=ask("AT+CGSN"))
    found.family = family_of(found.manufacturer, found.model)
    return found


def sim_state(channel, timeout: float) -> str:
    response = channel.command("AT+CPIN?", timeout)
    value = (response.value("+CPIN:") or "").upper()
    if response.ok and "READY" in value:
        return "ready"
    if "PUK" in value:
        return "sim_puk"
    if "PIN" in value:
        return "sim_pin"
    if response.error_code in (10, 13, 15) or "NOT INSERTED" in response.final.upper():
        return "no_sim"
    return "unknown"


def registration(channel, timeout: float) -> str:
    """home | roaming | searching | denied | unknown, from CREG (CS), else CEREG (LTE)."""
    found = "unknown"
    for cmd, prefix in (("AT+CREG?", "+CREG:"), ("AT+CEREG?", "+CEREG:")):
        response = channel.command(cmd, timeout)
        fields = split_fields(response.value(prefix) or "") if response.ok else []
        stat = int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else None
        found = REGISTRATION.get(stat, found) if stat is not None else found
        if found in ("home", "roaming"):
            break
    return found


def signal(channel, timeout: float) -> tuple[Optional[int], Optional[int]]:
    """(rssi 0-31, percent); (None, None) when unknown (99)."""
    response = channel.command("AT+CSQ", timeout)
    match = re.match(r"(\d+)", response.value("+CSQ:") or "")
    if not response.ok or not match or int(match.group(1)) > 31:
        return None, None
    rssi = int(match.group(1))
    return rssi, round(rssi * 100 / 31)


def operator(channel, timeout: float) -> Optional[str]:
    response = channel.command("AT+COPS?", timeout)
    fields = split_fields(response.value("+COPS:") or "")
    if not response.ok or len(fields) < 3:
        return None
    return unquote(fields[2]) or None


def own_number(channel, timeout: float) -> Optional[str]:
    """The SIM's number from AT+CNUM; many SIMs do not store it (bare OK)."""
    response = channel.command("AT+CNUM", timeout)
    for value in response.values("+CNUM:"):
        fields = split_fields(value)
        if len(fields) > 2 and unquote(fields[1]):
            number = unquote(fields[1])
            if fields[2].strip() == "145" and not number.startswith("+"):
                number = "+" + number       # international type: the digits carry the country
            return number
    return None


def storage(channel, timeout: float) -> dict:
    """Storage counts of the memory read/deleted now: {"memory", "used", "total"} or {}."""
    response = channel.command("AT+CPMS?", timeout)
    fields = split_fields(response.value("+CPMS:") or "")
    if not response.ok or len(fields) < 3 or not fields[1].isdigit() or not fields[2].isdigit():
        return {}
    return {"memory": unquote(fields[0]), "used": int(fields[1]), "total": int(fields[2])}


def readable_memories(channel, timeout: float) -> list[str]:
    """The memories AT+CMGR/CMGL can read (first group of AT+CPMS=?), those we sweep."""
    response = channel.command("AT+CPMS=?", timeout)
    groups = re.findall(r"\(([^)]*)\)", response.value("+CPMS:") or "")
    offered = [unquote(m) for m in split_fields(groups[0])] if groups else []
    chosen = [m for m in READ_MEMORIES if m in offered]
    if not chosen and "MT" in offered:
        chosen = ["MT"]
    return chosen or ["SM"]


def optional(channel, cmd: str, timeout: float, setup: Setup) -> bool:
    """Send a command the modem may not support; note it when refused."""
    response = channel.command(cmd, timeout)
    if not response.ok:
        log.info("modem refused %s: %s", cmd, response.final)
        setup.problems.append(f"{cmd}: {response.final}")
    return response.ok


def synchronise(channel, timeout: float, attempts: int = 3) -> None:
    """Get any answer to AT (the first after power-up may be lost). CommandTimeout if none.
    An ESC first gets a modem out of a `> ` prompt that a crash left open (it would otherwise
    swallow every AT as text, for ever)."""
    channel.abort_prompt()
    for attempt in range(attempts):
        try:
            channel.command("AT", timeout)
            return
        except TimeoutError:
            if attempt == attempts - 1:
                raise


def initialise(channel, timeout: float) -> tuple[Identity, Setup]:
    """Everything the box needs from the modem after power-up or a restart, in order: echo off
    (echo is parsed anyway; this saves bytes), numeric errors, identity, SIM, caller ID and call
    codes, family switches, and texts in PDU mode with new-message codes once the SIM is ready."""
    setup = Setup()
    channel.command("ATE0", timeout)
    optional(channel, "AT+CMEE=1", timeout, setup)
    identity = identify(channel, timeout)
    setup.sim = sim_state(channel, timeout)
    optional(channel, "AT+CLIP=1", timeout, setup)
    if identity.family in ("simcom2g", "a76xx"):
        optional(channel, "AT+CLCC=1", timeout, setup)
    if identity.family in ("simcom2g", "sim7600", "a76xx"):
        optional(channel, "AT+CVHU=0", timeout, setup)    # else SIM7600 ignores ATH
    if identity.family == "huawei":
        optional(channel, "AT^CURC=0", timeout, setup)    # mute ^RSSI, ^BOOT, ^MODE ...
    if identity.family == "quectel":
        optional(channel, 'AT+QINDCFG="smsfull",1', timeout, setup)
    optional(channel, "AT+CSSN=0,1", timeout, setup)     # +CSSU: 0 for forwarded calls
    optional(channel, "AT+COPS=3,0", timeout, setup)     # operator as a name
    if setup.sim == "ready":
        _configure_sms(channel, timeout, setup)
    return identity, setup


def _configure_sms(channel, timeout: float, setup: Setup) -> None:
    optional(channel, "AT+CMGF=0", timeout, setup)
    for mode in NEW_MESSAGE_MODES:
        if channel.command(mode, timeout).ok:
            setup.new_message_mode = mode
            break
    else:
        setup.problems.append("the modem accepts no AT+CNMI mode: new texts found by sweeps only")
    setup.memories = readable_memories(channel, timeout)
    if "SM" in setup.memories:
        if not channel.command('AT+CPMS="SM","SM","SM"', timeout).ok:
            optional(channel, 'AT+CPMS="SM"', timeout, setup)
