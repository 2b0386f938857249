"""Unsolicited result codes: which modem lines are events, and which domain event each one is.

Pure parsing, no I/O: `parse(line, now)` turns one line (CR/LF already stripped) into a domain
event, `IGNORED` (a known code we do not care about, e.g. Huawei's `^RSSI`), or None (not an
unsolicited code: it belongs to the answer of the command in flight, or it is junk).
Two-line codes (`+CMT: ,<len>` and `+CDS: <len>`, each followed by a PDU line) are announced by
`two_line_start` and finished by `two_line_event`. Malformed lines are logged and skipped.
`kind_of` names the kind of a line nobody can place, so it is reported once per kind.
docs/MODEMS.md has what each modem family sends.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Callable, Optional

from appliance.core.domain import (CallEndSeen, CallerIdSeen, CallForwardedSeen, ModemRestarted,
                                   RingSeen, SmsPduReceived, SmsStorageFull, SmsStored,
                                   StatusReportPduReceived, StatusReportStored)

log = logging.getLogger(__name__)


class _Ignored:
    """A known unsolicited code that carries nothing we act on."""

    def __repr__(self) -> str:
        return "IGNORED"


IGNORED = _Ignored()

# Codes that are also the normal answer to a command of the same name (AT+CLCC, AT+CPIN?,
# AT+CFUN?, AT+CREG?): while that command is in flight they are its answer, not events.
AMBIGUOUS_PREFIXES = ("+CLCC:", "+CPIN:", "+CFUN:", "+CREG:", "+CGREG:", "+CEREG:")

# Boot codes: seen while running, they mean the modem restarted and must be initialised again.
BOOT_CODES = re.compile(r"^(RDY|\*ATREADY: ?1|\^BOOT:.*|\^SYSSTART|Call Ready|SMS Ready"
                        r"|\+CPIN: ?READY|\+CFUN: ?1|SMS DONE|PB DONE)$")

# Known codes that carry nothing for us; warnings are logged louder (power trouble, SIM gone).
QUIET_PREFIXES = ("^RSSI", "^HCSQ", "^MODE", "^DSFLOWRPT", "^SRVST", "^SIMST", "^STIN",
                  "^NDISSTAT", "^ORIG", "^CONF", "^CONN", "^CSNR", "^EONS", "^TIME", "^NWTIME",
                  "^ACTIVEBAND", "+CIEV", "+CREG:", "+CGREG:", "+CEREG:", "+C5GREG:", "+CTZV",
                  "+CTZE", "+CTZU", "*PSUTTZ", "+PSUTTZ", "DST:", "+CGEV", "+CUSD", "+QUSIM",
                  "+QNITZ", "+NITZ", "+CSCON", "+CCWA", "+COLP", "+CSSI", "VOICE CALL: BEGIN",
                  "+STKPCI", "+CMTE", "+CPIN: NOT READY", "+CFUN:", "+CPSI:", "+CNSMOD:")
WARNING_PREFIXES = ("UNDER-VOLTAGE", "OVER-VOLTAGE", "NORMAL POWER DOWN", "+CPIN: NOT INSERTED",
                    "+SIMCARD: NOT AVAILABLE", "+CME ERROR: SIM not inserted")

_TWO_LINE = re.compile(r'^\+(CMT|CDS):\s*(?:"[^"]*"\s*,\s*|,\s*)?(\d+)\s*$')
_HEX = re.compile(r"^[0-9A-Fa-f]+$")
# A message memory is two capital letters (27.005: SM, ME, MT, SR, BM, TA); anything else in a
# +CMTI/+CDSI is junk and must never reach an AT command.
MEMORY_NAME = re.compile(r"^[A-Z]{2}$")
_CODE_KIND = re.compile(r"^([+^*#$%!&@][A-Za-z][A-Za-z0-9_]{0,19})\s*(?::|=|$)")
_WORD_KIND = re.compile(r"^([A-Za-z][A-Za-z _-]{0,23})")


def split_fields(text: str) -> list[str]:
    """Split an AT parameter list on commas outside quotes; quotes are kept on each field."""
    fields, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            fields.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    fields.append("".join(current).strip())
    return fields


def unquote(field: str) -> str:
    field = field.strip()
    if len(field) >= 2 and field[0] == field[-1] == '"':
        return field[1:-1]
    return field


def _int(field: str) -> Optional[int]:
    field = unquote(field)
    return int(field) if field.lstrip("-").isdigit() else None


def _after(line: str, prefix: str) -> str:
    return line[len(prefix):].strip()


# --- builders: (line, now) -> event | IGNORED | None (None: malformed) -------------------------

def _clip(line: str, now: datetime):
    fields = split_fields(_after(line, "+CLIP:"))
    if not fields[0].startswith('"'):
        return None          # `+CLIP: 1,1` is the answer to AT+CLIP?, never an event
    if len(fields[0]) < 2 or not fields[0].endswith('"'):
        raise ValueError("number not quoted")
    number_type = _int(fields[1]) if len(fields) > 1 else None
    validity = _int(fields[5]) if len(fields) > 5 else None
    return CallerIdSeen(at=now, number=unquote(fields[0]), number_type=number_type,
                        validity=validity or 0)


def _clcc(line: str, now: datetime):
    fields = split_fields(_after(line, "+CLCC:"))
    if len(fields) < 3:
        return None
    direction, state = _int(fields[1]), _int(fields[2])
    number = unquote(fields[5]) if len(fields) > 5 else None
    number_type = _int(fields[6]) if len(fields) > 6 else None
    if state == 6:
        return CallEndSeen(at=now, code="+CLCC", number=number or None,
                           number_type=number_type if number else None)
    if state == 4 and direction == 1:
        return CallerIdSeen(at=now, number=number or "", number_type=number_type)
    return IGNORED if state is not None else None


def _missed_call(line: str, now: datetime):
    # SIM7600: "MISSED_CALL: 11:53AM 07700900123" (12-hour time, number as received); a
    # withheld caller's line carries the time alone.
    parts = _after(line, "MISSED_CALL:").split()
    if not parts:
        return None
    number = parts[-1] if len(parts) > 1 else None
    return CallEndSeen(at=now, code="MISSED_CALL", number=number,
                       number_type=145 if number and number.startswith("+") else None)


def _cring(line: str, now: datetime):
    # "+CRING: VOICE"; a few modules add the caller: +CRING: VOICE,"<number>",<type>
    fields = split_fields(_after(line, "+CRING:"))
    number = unquote(fields[1]) if len(fields) > 1 and fields[1].startswith('"') else ""
    if not any(ch.isdigit() for ch in number):
        return RingSeen(at=now)
    return RingSeen(at=now, number=number,
                    number_type=_int(fields[2]) if len(fields) > 2 else None)


def _ucallstat(line: str, now: datetime):
    fields = split_fields(_after(line, "+UCALLSTAT:"))
    state = _int(fields[1]) if len(fields) > 1 else None
    if state is None:
        return None
    return CallEndSeen(at=now, code="+UCALLSTAT") if state == 6 else IGNORED


def _cssu(line: str, now: datetime):
    code = _int(split_fields(_after(line, "+CSSU:"))[0])
    if code is None:
        return None
    return CallForwardedSeen(at=now) if code == 0 else IGNORED


def _stored(prefix: str, kind):
    def build(line: str, now: datetime):
        match = re.match(r'^\s*"([^"]*)"\s*,\s*(\d{1,5})(?!\d)', _after(line, prefix))
        if not match or not MEMORY_NAME.match(match.group(1)):
            return None
        return kind(at=now, memory=match.group(1), index=int(match.group(2)))
    return build


def _qind(line: str, now: datetime):
    fields = split_fields(_after(line, "+QIND:"))
    if unquote(fields[0]).lower() != "smsfull":
        return IGNORED
    return SmsStorageFull(at=now, memory=unquote(fields[1]) if len(fields) > 1 else "SM")


def _smmemfull(line: str, now: datetime):
    memory = unquote(_after(line, "^SMMEMFULL:")) or "SM"
    return SmsStorageFull(at=now, memory=memory)


# (prefix the line starts with, builder); first match wins, so longer prefixes come first.
_TABLE: list[tuple[str, Callable]] = [
    ("+CRING:", _cring),
    ("+CLIP:", _clip),
    ("+CLCC:", _clcc),
    ("MISSED_CALL:", _missed_call),
    ("VOICE CALL: END", lambda line, now: CallEndSeen(at=now, code="VOICE CALL: END")),
    ("^CEND:", lambda line, now: CallEndSeen(at=now, code="^CEND")),
    ("+UCALLSTAT:", _ucallstat),
    ("+CSSU:", _cssu),
    ("+CMTI:", _stored("+CMTI:", SmsStored)),
    ("+CDSI:", _stored("+CDSI:", StatusReportStored)),
    ("+QIND:", _qind),
    ("^SMMEMFULL:", _smmemfull),
]
_EXACT: dict[str, Callable] = {
    "RING": lambda line, now: RingSeen(at=now),
    "NO CARRIER": lambda line, now: CallEndSeen(at=now, code="NO CARRIER"),
    "+SMS FULL": lambda line, now: SmsStorageFull(at=now, memory="SM"),
}


def parse(line: str, now: datetime):
    """The domain event for an unsolicited line, IGNORED for known codes we skip, None otherwise.

    A line that looks like a known code but cannot be read is logged and returned as IGNORED
    (skipped, never fatal)."""
    line = line.strip()
    if line in _EXACT:
        return _EXACT[line](line, now)
    if BOOT_CODES.match(line):
        return ModemRestarted(at=now, code=line)
    for prefix, build in _TABLE:
        if line.startswith(prefix):
            return _build(build, line, now)
    if line.startswith(WARNING_PREFIXES):
        log.warning("modem says: %s", line)
        return IGNORED
    if line.startswith(QUIET_PREFIXES):
        return IGNORED
    return None


def _build(build: Callable, line: str, now: datetime):
    try:
        event = build(line, now)
    except (ValueError, IndexError) as error:
        log.warning("skipping malformed unsolicited line %r: %s", line, error)
        return IGNORED
    if event is None:
        if line.startswith("+CLIP:") and not line[6:].strip().startswith('"'):
            return None
        log.warning("skipping malformed unsolicited line %r", line)
        return IGNORED
    return event


def kind_of(line: str) -> str:
    """What kind of line this is, for reporting unknown lines once per kind: its code
    (`+XCEND:`), else its leading words (`CALL END`), else "other"."""
    line = line.strip()
    match = _CODE_KIND.match(line)
    if match:
        return match.group(1).upper() + ":"
    match = _WORD_KIND.match(line)
    return match.group(1).strip().upper() if match else "other"


def two_line_start(line: str) -> Optional[str]:
    """'CMT' or 'CDS' when the line announces a PDU on the next line, else None."""
    match = _TWO_LINE.match(line.strip())
    return match.group(1) if match else None


def two_line_event(kind: str, pdu_line: str, now: datetime):
    """The event for the PDU line that follows `+CMT:`/`+CDS:`; None if it is not a PDU."""
    pdu = pdu_line.strip()
    if not pdu or not _HEX.match(pdu) or len(pdu) % 2:
        log.warning("expected a PDU after +%s, got %r", kind, pdu_line)
        return None
    if kind == "CMT":
        return SmsPduReceived(at=now, pdu=pdu.upper())
    return StatusReportPduReceived(at=now, pdu=pdu.upper())
