"""The simulated network's side of SMS: decode what the box submits (SMS-SUBMIT) and build
what the box receives (SMS-DELIVER, long texts split with concatenation headers, and
SMS-STATUS-REPORT), per 3GPP TS 23.040 / 23.038.

Independent of gsmmodem.pdu and hardware/pdu.py: if our encoder is wrong, this decoder sees the
text a phone would show and the simulator's tests (and the modem team's) catch it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from . import gsm7
from .sms_fields import (PduError, concat_element, decode_address, encode_address,
                         encode_smsc, encode_timestamp, guess_type, parse_header)

GSM7, EIGHT_BIT, UCS2 = "GSM-7", "8-bit", "UCS-2"


@dataclass(frozen=True)
class Submitted:
    """What one SMS-SUBMIT asked the network to deliver."""
    number: str
    number_type: int
    text: str
    encoding: str
    pdu_reference: int
    status_report: bool
    concat: Optional[tuple[int, int, int, int]]   # (reference, part, total, bits)
    validity: Optional[int]
    tpdu_length: int
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Part:
    """One PDU's worth of a text to deliver: header elements and the encoded body."""
    encoding: str
    body: object                  # list of septets (GSM-7) or bytes (UCS-2)
    header: bytes = b""           # information elements, without the length octet


def _alphabet(dcs: int) -> str:
    group = dcs >> 4
    if group <= 0x7:              # general coding (00xx) and automatic deletion (01xx)
        if dcs & 0x20:
            raise PduError(f"DCS 0x{dcs:02X} asks for compression")
        alphabet = (dcs >> 2) & 0x3
        if alphabet == 3:
            raise PduError(f"DCS 0x{dcs:02X} uses a reserved alphabet")
        return (GSM7, EIGHT_BIT, UCS2)[alphabet]
    if group in (0xC, 0xD):
        return GSM7
    if group == 0xE:
        return UCS2
    if group == 0xF:
        return EIGHT_BIT if dcs & 0x04 else GSM7
    raise PduError(f"DCS 0x{dcs:02X} is reserved")


def _validity(vpf: int, tpdu: bytes, pos: int) -> tuple[Optional[int], int]:
    if vpf == 0:
        return None, pos
    if vpf == 2:
        if pos >= len(tpdu):
            raise PduError("PDU ends inside the validity period")
        return tpdu[pos], pos + 1
    return None, pos + 7          # enhanced or absolute: seven octets, value not needed


def _user_data(encoding: str, udl: int, ud: bytes, has_header: bool):
    """-> (text, concat, problems) from TP-UDL and TP-UD."""
    if encoding == GSM7:
        if udl > 160:
            raise PduError(f"UDL {udl} septets exceeds 160")
        need = -(-udl * 7 // 8)
    else:
        if udl > 140:
            raise PduError(f"UDL {udl} octets exceeds 140")
        need = udl
    if len(ud) != need:
        raise PduError(f"user data is {len(ud)} octets but UDL {udl} needs {need}")
    concat, problems, skip = None, [], 0
    if has_header:
        if not ud or ud[0] + 1 > len(ud):
            raise PduError("user data header longer than the user data")
        skip = ud[0] + 1
        concat, problems = parse_header(ud[1:skip])
    if encoding == GSM7:
        header_septets = -(-skip * 8 // 7)
        if udl < header_septets:
            raise PduError(f"UDL {udl} septets is shorter than the user data header")
        fill = header_septets * 7 - skip * 8
        text, more = gsm7.decode(gsm7.unpack(ud[skip:], udl - header_septets, fill))
        return text, concat, problems + more
    body = ud[skip:]
    if encoding == EIGHT_BIT:
        return body.decode("latin-1"), concat, problems + ["8-bit data, not text"]
    if len(body) % 2:
        raise PduError("UCS-2 body has an odd number of octets")
    text = body.decode("utf-16-be", errors="surrogatepass")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        problems.append("lone UTF-16 surrogate: a character was split between parts")
    return text, concat, problems


def decode_submit(pdu_hex: str, declared_length: int) -> Submitted:
    """Decode an AT+CMGS PDU (SMSC prefix + SMS-SUBMIT) the way the network would, checking it
    against the length given in AT+CMGS=<length>. Raises PduError for what a modem rejects."""
    try:
        data = bytes.fromhex(pdu_hex)
    except ValueError:
        raise PduError("PDU is not hexadecimal") from None
    if not data or 1 + data[0] > len(data):
        raise PduError("PDU shorter than its SMSC field")
    tpdu = data[1 + data[0]:]
    if len(tpdu) != declared_length:
        raise PduError(f"TPDU is {len(tpdu)} octets, AT+CMGS said {declared_length}")
    if len(tpdu) < 7:
        raise PduError("TPDU too short")
    first = tpdu[0]
    if first & 0x3 != 1:
        raise PduError(f"first octet 0x{first:02X} is not an SMS-SUBMIT")
    number, toa, pos, problems = decode_address(tpdu, 2)
    if pos + 2 > len(tpdu):
        raise PduError("PDU ends before PID/DCS")
    pid, dcs = tpdu[pos], tpdu[pos + 1]
    if pid:
        problems.append(f"protocol identifier 0x{pid:02X} (not a plain text)")
    encoding = _alphabet(dcs)
    validity, pos = _validity((first >> 3) & 0x3, tpdu, pos + 2)
    if pos >= len(tpdu):
        raise PduError("PDU ends before the user data length")
    text, concat, more = _user_data(encoding, tpdu[pos], tpdu[pos + 1:], bool(first & 0x40))
    return Submitted(number=number, number_type=toa, text=text, encoding=encoding,
                     pdu_reference=tpdu[1], status_report=bool(first & 0x20), concat=concat,
                     validity=validity, tpdu_length=len(tpdu), problems=tuple(problems + more))


def _chunks(units: list, limit: int) -> list[list]:
    """Greedy split of per-character units so no character (escape pair, surrogate pair) is cut."""
    chunks, current, size = [], [], 0
    for unit in units:
        if size + len(unit) > limit and current:
            chunks.append(current)
            current, size = [], 0
        current.append(unit)
        size += len(unit)
    chunks.append(current)
    return chunks


def split_text(text: str, reference: int, concat_bits: int = 8) -> list[Part]:
    """Text -> the parts a network delivers: GSM-7 when every character allows it, else UCS-2;
    one part up to 160 septets / 140 octets, else parts with a concatenation header."""
    header_size = 6 if concat_bits == 8 else 7
    if gsm7.is_gsm7(text):
        units = [gsm7.char_septets(ch) for ch in text]
        single, limit, encoding = 160, (140 - header_size) * 8 // 7, GSM7
    else:
        units = [list(ch.encode("utf-16-be")) for ch in text]
        single, limit, encoding = 140, (140 - header_size) // 2 * 2, UCS2
    if sum(len(u) for u in units) <= single:
        chunks = [units]
    else:
        chunks = _chunks(units, limit)
    if len(chunks) > 255:
        raise ValueError("text too long for 255 parts")
    parts = []
    for number, chunk in enumerate(chunks, start=1):
        flat = [value for unit in chunk for value in unit]
        body = flat if encoding == GSM7 else bytes(flat)
        header = b"" if len(chunks) == 1 else concat_element(reference, number, len(chunks),
                                                               concat_bits)
        parts.append(Part(encoding, body, header))
    return parts


def part_text(part: Part) -> str:
    """The text one part carries (what text mode shows for it)."""
    if part.encoding == GSM7:
        return gsm7.decode(part.body)[0]
    return part.body.decode("utf-16-be", errors="surrogatepass")


def encode_user_data(part: Part) -> tuple[int, bytes]:
    """TP-UDL and TP-UD for one part (header, fill bits, packed or UCS-2 body)."""
    udh = bytes([len(part.header)]) + part.header if part.header else b""
    if part.encoding == GSM7:
        header_septets = -(-len(udh) * 8 // 7)
        fill = header_septets * 7 - len(udh) * 8
        return header_septets + len(part.body), udh + gsm7.pack(part.body, fill)
    return len(udh) + len(part.body), udh + part.body


def encode_deliver(part: Part, sender: str, sender_type: Optional[int], smsc: Optional[str],
                   sent_at: datetime) -> tuple[str, int]:
    """One SMS-DELIVER as a modem stores it -> (hex with SMSC prefix, TPDU length)."""
    first = 0x04 | (0x40 if part.header else 0)        # no more messages to send; UDHI
    dcs = 0x00 if part.encoding == GSM7 else 0x08
    udl, ud = encode_user_data(part)
    tpdu = (bytes([first]) + encode_address(sender, sender_type) + bytes([0x00, dcs])
            + encode_timestamp(sent_at) + bytes([udl]) + ud)
    return (encode_smsc(smsc) + tpdu).hex().upper(), len(tpdu)


def encode_status_report(reference: int, recipient: str, recipient_type: Optional[int],
                         smsc: Optional[str], submitted_at: datetime, done_at: datetime,
                         status: int) -> tuple[str, int]:
    """One SMS-STATUS-REPORT -> (hex with SMSC prefix, TPDU length). status 0x00 = delivered."""
    tpdu = (bytes([0x06, reference & 0xFF]) + encode_address(recipient, recipient_type)
            + encode_timestamp(submitted_at) + encode_timestamp(done_at) + bytes([status]))
    return (encode_smsc(smsc) + tpdu).hex().upper(), len(tpdu)


__all__ = ["PduError", "Submitted", "Part", "decode_submit", "split_text", "encode_deliver",
           "encode_status_report", "encode_user_data", "part_text", "guess_type", "GSM7", "UCS2", "EIGHT_BIT"]
