"""Reading the answers of AT+CMGR / AT+CMGL: each stored entry's header and PDU, decoded.

A PDU that cannot be decoded becomes an IncomingText from UNREADABLE_SENDER carrying the raw
PDU, so it is kept (never answered) and its slot is freed like any other. An entry that shows
a header and no PDU at all (`+CMGR: 0,,0` alone: a broken slot, seen on real SIMs) is reported
as empty: nothing to keep, but its slot must be freed, or the SIM fills up and stops receiving.

`read`, `list_all` and `delete` talk to the modem's memories (AT+CPMS to select one, then
AT+CMGR / AT+CMGL=4 / AT+CMGD); they take a channel the caller holds (`channel.session`).
"""
from __future__ import annotations

import dataclasses
import logging
from typing import Optional, Union

from appliance.core.domain import UNREADABLE_SENDER, DeliveryReport, IncomingText
from hardware import pdu
from hardware.urc import MEMORY_NAME, split_fields

log = logging.getLogger(__name__)

Stored = Union[IncomingText, DeliveryReport]
LIST_TIMEOUT = 20.0        # AT+CMGL=4 of a full memory takes a while on slow modules


def read(channel, timeout: float, memory: str, index: int) -> Optional[Stored]:
    """The text (or report) stored at memory/index; None if the slot is empty. An entry that
    holds a header but no PDU is freed here (there is nothing to keep)."""
    if not select(channel, timeout, memory):
        return None
    response = channel.command(f"AT+CMGR={int(index)}", timeout)
    if not response.ok:
        log.info("AT+CMGR=%s in %s: %s", index, memory, response.final)
        return None
    for header, hex_pdu in stored_pdus(response.lines, "+CMGR:"):
        found = decoded(hex_pdu, memory, index)
        if found is None:
            delete(channel, timeout, index)
        return found
    return None


def list_all(channel, timeout: float, memory: str) -> list[Stored]:
    """Every incoming text and report in `memory` (AT+CMGL=4); empty entries are freed."""
    if not select(channel, timeout, memory):
        return []
    response = channel.command("AT+CMGL=4", max(LIST_TIMEOUT, timeout * 4))
    if not response.ok:
        log.info("AT+CMGL=4 in %s: %s", memory, response.final)
        return []
    found = []
    for header, hex_pdu in stored_pdus(response.lines, "+CMGL:"):
        index = int(header[0]) if header and header[0].isdigit() else None
        if index is None or (len(header) > 1 and header[1] in ("2", "3")):
            continue              # our own stored outgoing texts are not mail
        text = decoded(hex_pdu, memory, index)
        if text is None:
            delete(channel, timeout, index)
        else:
            found.append(text)
    return found


def select(channel, timeout: float, memory: str) -> bool:
    """AT+CPMS="<memory>": read and delete in that memory from now on."""
    if not MEMORY_NAME.match(memory or ""):
        log.warning("not a message memory: %r", memory)
        return False
    response = channel.command(f'AT+CPMS="{memory}"', timeout)
    if not response.ok:
        log.info('AT+CPMS="%s": %s', memory, response.final)
    return response.ok


def delete(channel, timeout: float, index: int) -> bool:
    """AT+CMGD in the memory selected now; False when the modem refused."""
    response = channel.command(f"AT+CMGD={int(index)}", timeout)
    if not response.ok:
        log.warning("could not delete entry %s: %s", index, response.final)
    return response.ok


def stored_pdus(lines: list[str], prefix: str) -> list[tuple[list[str], str]]:
    """Pairs of (header fields, PDU hex) from an AT+CMGR / AT+CMGL answer; the PDU is "" for
    an entry whose header is followed by another header, or by nothing."""
    pairs, header = [], None
    for line in lines:
        if line.startswith(prefix):
            if header is not None:
                pairs.append((header, ""))
            header = [field.strip('"') for field in split_fields(line[len(prefix):].strip())]
        elif header is not None:
            pairs.append((header, line.strip()))
            header = None
    if header is not None:
        pairs.append((header, ""))
    return pairs


def decoded(hex_pdu: str, memory: str, index: int) -> Optional[Stored]:
    """The text or report in one entry; None for an empty entry (free its slot, keep nothing)."""
    if not hex_pdu:
        log.warning("the entry at %s/%s is empty (a header without a PDU): freeing its slot",
                    memory, index)
        return None
    # Kept (raw) and taken off the SIM like any text, so a bad PDU never fills the SIM.
    return dataclasses.replace(kept(hex_pdu, f"in {memory}/{index}"), memory=memory,
                               index=index)


def kept(hex_pdu: str, where: str = "delivered directly") -> Stored:
    """The text or report in a PDU; one that cannot be read becomes a text from
    UNREADABLE_SENDER with the raw PDU (one clear log line, never an exception)."""
    try:
        return pdu.decode(hex_pdu)
    except pdu.PduError as error:
        log.warning("cannot read the text %s (%s): %s", where, error, hex_pdu[:400])
        return IncomingText(UNREADABLE_SENDER, None, f"[The box could not read this text: "
                            f"{error}. Raw PDU: {hex_pdu}]", None)
