"""SMS PDUs (3GPP TS 23.040 / 23.038): build SMS-SUBMITs to send, read SMS-DELIVERs and reports.

Wraps gsmmodem.pdu (python-gsmmodem-new 0.13.0) for the parts it gets right (semi-octet numbers,
SMSC timestamps, user-data-header elements) and does the rest itself, with the box's one GSM-7
alphabet (appliance/segments.py), because its high-level encodeSmsSubmitPdu/decodeSmsPdu are
wrong for this product (tests/hardware/test_pdu.py proves each):
- its GSM-7 table has '`' at 0x5F where the standard has '§' (both directions), so a '`' went out
  as '§' and a received '§' read as '`';
- an emoji raises ValueError (it writes code points, not UTF-16 units), 'ÿ' raises TypeError;
- it splits long UCS-2 texts in the middle of a surrogate pair;
- it marks digit-only numbers "national" (0xA1) and its modem class prepends '+' to national
  numbers. Here '+' numbers are international (0x91), all others unknown (0x81), as dialled.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Optional, Union

from gsmmodem import pdu as gsm

from appliance.core import segments
from appliance.core.domain import Concat, DeliveryReport, IncomingText
from hardware import pdu_facts

log = logging.getLogger(__name__)

# The GSM 03.38 alphabet is the one in appliance/segments.py (what a text costs), not the
# library's (0x5F is '§' there, '`' in gsmmodem.pdu). A basic character's code is its position
# in GSM7_BASIC; an extension character follows the escape with its own code (TS 23.038
# 6.2.1.1), given here in the order of segments.GSM7_EXTENSION.
GSM7_BASIC = segments.GSM7_BASIC
EXTENSION_CODES = (0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65)
GSM7_EXTENSION = dict(zip(segments.GSM7_EXTENSION, EXTENSION_CODES, strict=True))
_ESC = 0x1B
_BASIC_CODE = {char: code for code, char in enumerate(GSM7_BASIC) if code != _ESC}
_EXTENSION_CHAR = {code: char for char, code in GSM7_EXTENSION.items()}

GSM7_SINGLE, GSM7_PART = segments.GSM7_SINGLE, segments.GSM7_PART          # septets
UCS2_SINGLE, UCS2_PART = 2 * segments.UCS2_SINGLE, 2 * segments.UCS2_PART  # octets
TOA_INTERNATIONAL, TOA_UNKNOWN, TON_ALPHANUMERIC = 0x91, 0x81, 0x50


class PduError(ValueError):
    """The PDU cannot be read (truncated, not hex, or not an incoming text / report)."""


# --- encoding ----------------------------------------------------------------------------------

def gsm7_septets(text: str) -> Optional[list[list[int]]]:
    """Each character as its GSM-7 septets (1, or 2 for the extension table); None if any
    character is not in GSM-7 (then the text goes as UCS-2)."""
    result = []
    for char in text:
        if char in _BASIC_CODE:
            result.append([_BASIC_CODE[char]])
        elif char in GSM7_EXTENSION:
            result.append([_ESC, GSM7_EXTENSION[char]])
        else:
            return None
    return result


def _ucs2_units(text: str) -> list[bytes]:
    """Each character as UTF-16-BE bytes: 2 octets, or 4 (a surrogate pair) beyond the BMP."""
    return [char.encode("utf-16-be") for char in text]


def _split(chunks: list, size, limit: int) -> list[list]:
    """Greedy split of whole characters into parts of at most `limit`; never splits a char."""
    parts, current, used = [], [], 0
    for chunk in chunks:
        if used + size(chunk) > limit:
            parts.append(current)
            current, used = [], 0
        current.append(chunk)
        used += size(chunk)
    parts.append(current)
    return parts


def _pack_septets(septets: list[int], fill_bits: int) -> bytes:
    """Pack septets LSB first after `fill_bits` zero bits (those align text after a UDH)."""
    bits, count = 0, fill_bits
    for septet in septets:
        bits |= (septet & 0x7F) << count
        count += 7
    return bits.to_bytes((count + 7) // 8, "little")


def _address(number: str) -> bytes:
    """TP-DA: digit count, type of address, semi-octets. Never guesses a country code."""
    cleaned = "".join(char for char in number if char not in " -()")
    digits = cleaned[1:] if cleaned.startswith("+") else cleaned
    if not digits.isdigit() or not digits.isascii() or len(digits) > 20:
        raise ValueError(f"cannot text {number!r}: not a phone number")
    toa = TOA_INTERNATIONAL if cleaned.startswith("+") else TOA_UNKNOWN
    return bytes([len(digits), toa]) + bytes(gsm.encodeSemiOctets(digits))


def _concat_header(reference: int, total: int, part: int) -> bytes:
    if reference > 0xFF:
        return bytes([0x08, 4, reference >> 8 & 0xFF, reference & 0xFF, total, part])
    return bytes([0x00, 3, reference, total, part])


def encode_submit(number: str, text: str, status_report: bool = True,
                  reference: int = 0) -> list[tuple[int, str]]:
    """SMS-SUBMIT PDU(s) for `text` to `number`: [(TPDU length in octets for AT+CMGS, hex)].

    The hex starts with "00" (use the SMSC stored in the modem), which the length excludes.
    `reference` is the concatenation reference shared by the parts of a long text (8-bit up to
    255, 16-bit above). GSM-7 when every character is in it, else UCS-2 (UTF-16, emoji as
    surrogate pairs). Raises ValueError for an unusable number or a text of over 255 parts."""
    if not 0 <= reference <= 0xFFFF:
        raise ValueError("reference must be 0..65535")
    address = _address(number)
    chars = gsm7_septets(text)
    if chars is not None:
        dcs, size, single, part_limit = 0x00, len, GSM7_SINGLE, GSM7_PART
    else:
        chars, dcs, size, single, part_limit = _ucs2_units(text), 0x08, len, UCS2_SINGLE, UCS2_PART
    total_size = sum(size(chunk) for chunk in chars)
    parts = [chars] if total_size <= single else _split(chars, size, part_limit)
    if len(parts) > 255:
        raise ValueError("text too long: more than 255 parts")
    result = []
    for number_in_sequence, part in enumerate(parts, start=1):
        udh = _concat_header(reference, len(parts), number_in_sequence) if len(parts) > 1 else b""
        first = 0x01 | (0x20 if status_report else 0) | (0x40 if udh else 0)
        user_data, length = _user_data(part, udh, dcs)
        tpdu = bytes([first, 0x00]) + address + bytes([0x00, dcs, length]) + user_data
        result.append((len(tpdu), "00" + tpdu.hex().upper()))
    return result


def _user_data(part: list, udh: bytes, dcs: int) -> tuple[bytes, int]:
    """TP-UD and TP-UDL (septets for GSM-7, octets for UCS-2), UDH included."""
    header = bytes([len(udh)]) + udh if udh else b""
    if dcs == 0x08:
        body = b"".join(part)
        return header + body, len(header) + len(body)
    septets = [septet for chunk in part for septet in chunk]
    fill = (7 - len(header) * 8 % 7) % 7
    packed = _pack_septets(septets, fill)
    header_septets = (len(header) * 8 + fill) // 7
    return header + packed, header_septets + len(septets)


# --- decoding ----------------------------------------------------------------------------------

def decode(hex_pdu: str) -> Union[IncomingText, DeliveryReport]:
    """Read a PDU as the modem lists it (SMSC part first): an SMS-DELIVER becomes IncomingText
    (concat info from 8- or 16-bit headers, SMSC time in UTC), an SMS-STATUS-REPORT becomes
    DeliveryReport. Raises PduError for anything else or anything broken."""
    try:
        data = bytes.fromhex(hex_pdu.strip())
    except ValueError as error:
        raise PduError(f"not hex: {error}") from None
    try:
        return _decode(data)
    except (IndexError, StopIteration, ValueError, TypeError) as error:
        raise PduError(f"unreadable PDU: {error or type(error).__name__}") from None


class _Reader:
    """Walks the PDU octets; IndexError when it runs past the end."""

    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, count: int) -> bytes:
        if self.pos + count > len(self.data):
            raise IndexError("PDU is truncated")
        chunk = self.data[self.pos:self.pos + count]
        self.pos += count
        return chunk

    def octet(self) -> int:
        return self.take(1)[0]


def _decode(data: bytes):
    reader = _Reader(data)
    reader.take(reader.octet())              # SMSC address: not needed
    first = reader.octet()
    kind = first & 0x03
    if kind == 0x00:
        return _deliver(reader, first)
    if kind == 0x02:
        return _status_report(reader)
    raise PduError("an outgoing (SMS-SUBMIT) PDU, not an incoming text")


def _deliver(reader: _Reader, first: int) -> IncomingText:
    sender, sender_type = _read_address(reader)
    protocol_id, dcs = reader.octet(), reader.octet()
    alphabet = _alphabet(dcs)
    sent_at = _timestamp(reader.take(7))
    length = reader.octet()
    header = pdu_facts.header_at(reader.data, reader.pos, bool(first & 0x40))
    text, concat = _read_user_data(reader, length, alphabet, bool(first & 0x40))
    return IncomingText(sender=sender, sender_type=sender_type, text=text, sent_at=sent_at,
                        concat=concat, facts=pdu_facts.facts(protocol_id, dcs, header, text))


def _status_report(reader: _Reader) -> DeliveryReport:
    reference = reader.octet()
    recipient, _ = _read_address(reader)
    reader.take(7)                           # when the SMSC took the text
    discharged = _timestamp(reader.take(7))
    status = reader.octet()
    return DeliveryReport(reference=reference, recipient=recipient, delivered=status < 0x20,
                          final=not 0x20 <= status < 0x40, status_code=status, at=discharged)


def _read_address(reader: _Reader) -> tuple[str, int]:
    digits = reader.octet()
    toa = reader.octet()
    raw = reader.take((digits + 1) // 2)
    if toa & 0x70 == TON_ALPHANUMERIC:
        return _gsm7_text(_unpack_septets(raw, digits * 4 // 7)), toa
    number = gsm.decodeSemiOctets(bytearray(raw))[:digits]
    number = number.upper().replace("A", "*").replace("B", "#")
    return ("+" + number if toa & 0x70 == 0x10 else number), toa


def _alphabet(dcs: int) -> str:
    """'gsm7', '8bit' or 'ucs2' from the data coding scheme (TS 23.038 section 4)."""
    group = dcs >> 4
    if group <= 0x07:                        # general data coding (maybe auto-delete)
        if dcs & 0x20:
            raise PduError("compressed text is not supported")
        return {0: "gsm7", 1: "8bit", 2: "ucs2"}.get((dcs >> 2) & 0x03, "gsm7")
    if group == 0x0E:                        # message waiting, UCS-2
        return "ucs2"
    if group == 0x0F:                        # data coding / message class
        return "8bit" if dcs & 0x04 else "gsm7"
    return "gsm7"                            # message waiting GSM-7, reserved


def _timestamp(raw: bytes) -> Optional[datetime]:
    try:
        return gsm._decodeTimestamp(iter(bytearray(raw))).astimezone(timezone.utc)
    except (ValueError, TypeError, OverflowError) as error:
        log.warning("unreadable SMSC timestamp %s: %s", raw.hex(), error)
        return None


def _read_user_data(reader: _Reader, length: int, alphabet: str, has_header: bool):
    octets = (length * 7 + 7) // 8 if alphabet == "gsm7" else length
    user_data = reader.data[reader.pos:reader.pos + octets]   # tolerate a short last octet
    header = user_data[1:1 + user_data[0]] if has_header and user_data else b""
    header_octets = len(header) + 1 if has_header else 0
    concat = _concat(header)
    if alphabet == "gsm7":
        skip = (header_octets * 8 + 6) // 7
        septets = _unpack_septets(user_data, length)[skip:]
        return _gsm7_text(septets), concat
    body = user_data[header_octets:]
    if alphabet == "ucs2":
        return body.decode("utf-16-be", errors="replace"), concat
    return body.decode("latin-1"), concat


def _concat(header: bytes) -> Optional[Concat]:
    """Concatenation info from the user data header (IEI 0x00 8-bit or 0x08 16-bit reference)."""
    elements = iter(bytearray(header))
    while True:
        try:
            element = gsm.InformationElement.decode(elements)
        except StopIteration:
            return None
        except (ValueError, IndexError):      # a concatenation element of the wrong size
            log.warning("skipping malformed user data header %s", header.hex())
            return None
        if isinstance(element, gsm.Concatenation) and element.id in (0x00, 0x08):
            if element.parts and element.number:
                return Concat(reference=element.reference, part=element.number,
                              total=element.parts)


def _unpack_septets(data: bytes, count: int) -> list[int]:
    bits = int.from_bytes(data, "little")
    return [(bits >> (7 * i)) & 0x7F for i in range(min(count, len(data) * 8 // 7))]


def _gsm7_text(septets: list[int]) -> str:
    chars, escaped = [], False
    for septet in septets:
        if escaped:
            # an unknown extension code shows as the basic character (TS 23.038 6.2.1.1)
            chars.append(_EXTENSION_CHAR.get(septet, GSM7_BASIC[septet] if septet != _ESC else " "))
            escaped = False
        elif septet == _ESC:
            escaped = True
        else:
            chars.append(GSM7_BASIC[septet])
    return "".join(chars)
