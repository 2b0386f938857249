"""Asking a modem how it is: the AT queries and how to read their answers.

Functions take an open channel (anything with `command(cmd, timeout) -> Response`) and return
plain values; start-up (hardware/startup.py), the supervisor's health checks and the probe share
them. Timeouts propagate as CommandTimeout / PortLost.
"""
from __future__ import annotations

import logging
import re
from typing import Optional

from hardware.at_lines import Response
from hardware.urc import split_fields, unquote

log = logging.getLogger(__name__)

# Families whose unanswered incoming call ends with a code we parse (docs/MODEMS.md).
REPORTS_CALL_END = {"simcom2g": True, "sim7600": True, "a76xx": True, "quectel": True,
                    "huawei": True, "ublox": True}
LTE_FAMILIES = ("sim7600", "a76xx", "quectel", "huawei")
REGISTRATION = {0: "searching", 1: "home", 2: "searching", 3: "denied", 4: "unknown",
                5: "roaming", 6: "home", 7: "roaming", 9: "home", 10: "roaming"}
READ_MEMORIES = ("SM", "ME", "SR")
SIM_BUSY_ERRORS = (14, 515)     # 27.007 "SIM busy"; SIMCom/Quectel "wait, still starting"


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


def sim_state(channel, timeout: float) -> str:
    """ready | sim_pin | sim_puk | no_sim | busy (just powered on, try again) | unknown."""
    return sim_of(channel.command("AT+CPIN?", timeout))


def sim_of(response: Response) -> str:
    """The SIM state an AT+CPIN? answer says (see sim_state)."""
    value = (response.value("+CPIN:") or "").upper().strip('" ')
    if response.ok and value.startswith("READY"):
        return "ready"
    if response.error_code in SIM_BUSY_ERRORS or "BUSY" in response.final.upper() \
            or value == "NOT READY":
        return "busy"
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


def service_centre(channel, timeout: float) -> tuple[Optional[str], Optional[int]]:
    """The SMS centre (number, type) from AT+CSCA?; (None, None) when it is not set."""
    return service_centre_of(channel.command("AT+CSCA?", timeout))


def service_centre_of(response: Response) -> tuple[Optional[str], Optional[int]]:
    fields = split_fields(response.value("+CSCA:") or "")
    number = unquote(fields[0]) if response.ok and fields else ""
    if not any(ch.isdigit() for ch in number):
        return None, None
    number_type = int(fields[1]) if len(fields) > 1 and fields[1].strip().isdigit() else None
    return number, number_type


def readable_memories(channel, timeout: float) -> list[str]:
    """The memories AT+CMGR/CMGL can read (first group of AT+CPMS=?), those we sweep."""
    return memories_of(channel.command("AT+CPMS=?", timeout))


def memories_of(response: Response) -> list[str]:
    groups = re.findall(r"\(([^)]*)\)", response.value("+CPMS:") or "")
    offered = [unquote(m) for m in split_fields(groups[0])] if groups else []
    chosen = [m for m in READ_MEMORIES if m in offered]
    if not chosen and "MT" in offered:
        chosen = ["MT"]
    return chosen or ["SM"]


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
