"""Reading the answers of AT+CMGR / AT+CMGL: each stored entry's header and PDU, decoded.

A PDU that cannot be decoded becomes an IncomingText from UNREADABLE_SENDER carrying the raw
PDU, so it is kept (never answered) and its slot is freed like any other. An entry that shows
a header and no PDU at all (`+CMGR: 0,,0` alone: a broken slot, seen on real SIMs) is reported
as empty: nothing to keep, but its slot must be freed, or the SIM fills up and stops receiving.
"""
from __future__ import annotations

import dataclasses
import logging
from typing import Optional, Union

from appliance.core.domain import UNREADABLE_SENDER, DeliveryReport, IncomingText
from hardware import pdu
from hardware.urc import split_fields

log = logging.getLogger(__name__)

Stored = Union[IncomingText, DeliveryReport]


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
