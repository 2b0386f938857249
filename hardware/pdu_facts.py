"""What an SMS-DELIVER says about itself besides its words, read from TP-PID, TP-DCS, the user
data header and (for a WAP push) the body, as the box's TextFacts (appliance/core/domain.py).

Facts only: whether the box stores, drops or forwards the text is decided in the pure core
(appliance/core/incoming.py). Sources: 3GPP TS 23.040 9.2.3.9 (TP-PID), 9.2.3.24 (user data
header: 0x01 special SMS message indication, 0x04 / 0x05 application port addressing), TS 23.038
section 4 (message waiting coding groups), and the MMS encapsulation's From header
("+15551234567/TYPE=PLMN"). A malformed header is read as far as it goes, never raised.
"""
from __future__ import annotations

import logging
import re
from typing import Optional

from appliance.core.domain import TextFacts

log = logging.getLogger(__name__)

IEI_SPECIAL_SMS, IEI_PORT_8, IEI_PORT_16 = 0x01, 0x04, 0x05
VOICE_MAIL = 0x00
_MMS_FROM = re.compile(rb"(\+?\d{3,20})/TYPE=PLMN")


def header_at(data: bytes, pos: int, has_header: bool) -> bytes:
    """The user data header at `pos` (where TP-UD starts), without its length octet; b"" when
    there is none or it runs past the end."""
    if not has_header or pos >= len(data):
        return b""
    return data[pos + 1:pos + 1 + data[pos]]


def elements(header: bytes) -> dict[int, bytes]:
    """The header's information elements by IEI (the last one wins); stops at a broken one."""
    found, pos = {}, 0
    while pos + 2 <= len(header):
        iei, length = header[pos], header[pos + 1]
        if pos + 2 + length > len(header):
            log.info("user data header ends inside element 0x%02x", iei)
            break
        found[iei] = header[pos + 2:pos + 2 + length]
        pos += 2 + length
    return found


def _port(found: dict) -> Optional[int]:
    if len(found.get(IEI_PORT_16, b"")) == 4:
        return int.from_bytes(found[IEI_PORT_16][:2], "big")
    if len(found.get(IEI_PORT_8, b"")) == 2:
        return found[IEI_PORT_8][0]
    return None


def _voicemail(dcs: int, found: dict) -> Optional[bool]:
    """From the special SMS indication (type voice mail: waiting when its count is above 0),
    else from a message-waiting coding group of TP-DCS (0xC0-0xEF, type 00 = voice mail)."""
    special = found.get(IEI_SPECIAL_SMS, b"")
    if len(special) == 2 and special[0] & 0x03 == VOICE_MAIL:
        return special[1] > 0
    if 0xC0 <= dcs <= 0xEF and dcs & 0x03 == VOICE_MAIL:
        return bool(dcs & 0x08)
    return None


def _eight_bit(dcs: int) -> bool:
    group = dcs >> 4
    if group <= 0x07:
        return (dcs >> 2) & 0x03 == 1
    return group == 0x0F and bool(dcs & 0x04)


def facts(protocol_id: int, dcs: int, header: bytes, text: str) -> TextFacts:
    """The facts of one SMS-DELIVER; `text` is its decoded body (latin-1 for 8-bit data)."""
    found = elements(header)
    port = _port(found)
    picture_from = None
    if port is not None and _eight_bit(dcs):
        match = _MMS_FROM.search(text.encode("latin-1", "replace"))
        picture_from = match.group(1).decode() if match else None
    return TextFacts(protocol_id=protocol_id, eight_bit=_eight_bit(dcs), port=port,
                     voicemail=_voicemail(dcs, found), picture_from=picture_from)
