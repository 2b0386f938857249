"""Low-level TPDU fields (3GPP TS 23.040): semi-octet numbers, addresses, time stamps and the
concatenation information elements. Shared by the simulator's SUBMIT decoder and DELIVER /
STATUS-REPORT encoders; independent of gsmmodem.pdu and hardware/pdu.py on purpose.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Optional

from . import gsm7

TYPE_INTERNATIONAL = 0x91   # 145
TYPE_UNKNOWN = 0x81         # 129
TYPE_ALPHANUMERIC = 0xD0    # 208

_SEMI = "0123456789*#abc"   # semi-octet values 0x0-0xE; 0xF is the filler


class PduError(ValueError):
    """The PDU cannot be what the modem was told it is; a real modem answers +CMS ERROR: 304."""


def guess_type(number: str) -> int:
    """The type of number a network would use for `number` as written."""
    if number.startswith("+"):
        return TYPE_INTERNATIONAL
    if number and not number.isdigit():
        return TYPE_ALPHANUMERIC
    return TYPE_UNKNOWN


def semi_octets(digits: str) -> bytes:
    """"15551234567" -> swapped nibbles with an F filler, as numbers travel in PDUs."""
    values = [_SEMI.index(d) for d in digits]
    if len(values) % 2:
        values.append(0xF)
    return bytes(values[i] | (values[i + 1] << 4) for i in range(0, len(values), 2))


def read_semi_octets(data: bytes, count: int) -> tuple[str, list[str]]:
    """Swapped-nibble digits back to text; problems name unexpected filler or padding."""
    out, problems = [], []
    for i in range(count):
        nibble = (data[i // 2] >> (4 * (i % 2))) & 0xF
        if nibble == 0xF:
            problems.append(f"filler nibble F inside the number at digit {i + 1}")
            continue
        out.append(_SEMI[nibble])
    if count % 2 and (data[count // 2] >> 4) != 0xF:
        problems.append("odd-length number not padded with F")
    return "".join(out), problems


def encode_address(number: str, number_type: Optional[int] = None) -> bytes:
    """An originating/destination address field: length, type, value."""
    toa = guess_type(number) if number_type is None else number_type
    if (toa >> 4) & 0x7 == 5:
        septets = gsm7.encode(number)
        useful = -(-len(septets) * 7 // 4)
        return bytes([useful, toa]) + gsm7.pack(septets)
    digits = number.lstrip("+")
    return bytes([len(digits), toa]) + semi_octets(digits)


def decode_address(tpdu: bytes, pos: int) -> tuple[str, int, int, list[str]]:
    """Address at `pos` -> (number as a modem shows it, type, next position, problems)."""
    if pos + 2 > len(tpdu):
        raise PduError("PDU ends inside the address")
    length, toa = tpdu[pos], tpdu[pos + 1]
    octets = (length + 1) // 2
    value = tpdu[pos + 2:pos + 2 + octets]
    if len(value) < octets:
        raise PduError("PDU ends inside the address")
    if not toa & 0x80:
        raise PduError(f"address type 0x{toa:02X} lacks its extension bit")
    if (toa >> 4) & 0x7 == 5:
        text, problems = gsm7.decode(gsm7.unpack(value, length * 4 // 7))
        return text, toa, pos + 2 + octets, problems
    digits, problems = read_semi_octets(value, length)
    if (toa >> 4) & 0x7 == 1:
        digits = "+" + digits
    return digits, toa, pos + 2 + octets, problems


def encode_smsc(smsc: Optional[str]) -> bytes:
    """The service-centre prefix a modem puts in front of every stored PDU."""
    if not smsc:
        return b"\x00"
    body = bytes([guess_type(smsc)]) + semi_octets(smsc.lstrip("+"))
    return bytes([len(body)]) + body


def _swap(value: int) -> int:
    return (value % 10) << 4 | (value // 10)


def encode_timestamp(moment: datetime) -> bytes:
    """Service-centre time stamp: swapped BCD in local time plus the zone in quarter hours."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    offset = moment.utcoffset() or timedelta(0)
    quarters = int(abs(offset.total_seconds()) // 900)
    zone = _swap(quarters) | (0x08 if offset < timedelta(0) else 0)
    fields = (moment.year % 100, moment.month, moment.day, moment.hour, moment.minute,
              moment.second)
    return bytes(_swap(v) for v in fields) + bytes([zone])


def decode_timestamp(data: bytes) -> datetime:
    """The inverse of encode_timestamp (used for validity periods and by tests)."""
    def unswap(octet: int) -> int:
        return (octet & 0x0F) * 10 + (octet >> 4)
    year, month, day, hour, minute, second = (unswap(b) for b in data[:6])
    quarters = (data[6] & 0x07) * 10 + (data[6] >> 4)
    sign = -1 if data[6] & 0x08 else 1
    zone = timezone(timedelta(minutes=sign * 15 * quarters))
    return datetime(2000 + year, month, day, hour, minute, second, tzinfo=zone)


def concat_element(reference: int, part: int, total: int, bits: int = 8) -> bytes:
    """Concatenation information element: IEI 0x00 (8-bit reference) or 0x08 (16-bit)."""
    if bits == 16:
        return bytes([0x08, 4, reference >> 8 & 0xFF, reference & 0xFF, total, part])
    return bytes([0x00, 3, reference & 0xFF, total, part])


def parse_header(header: bytes) -> tuple[Optional[tuple[int, int, int, int]], list[str]]:
    """User data header -> ((reference, part, total, bits) or None, problems)."""
    concat, problems, pos = None, [], 0
    while pos < len(header):
        if pos + 2 > len(header) or pos + 2 + header[pos + 1] > len(header):
            raise PduError("user data header element runs past the header")
        iei, size = header[pos], header[pos + 1]
        body = header[pos + 2:pos + 2 + size]
        pos += 2 + size
        if iei == 0x00 and size == 3:
            concat = (body[0], body[2], body[1], 8)
        elif iei == 0x08 and size == 4:
            concat = (body[0] << 8 | body[1], body[3], body[2], 16)
        elif iei in (0x00, 0x08):
            raise PduError(f"concatenation element 0x{iei:02X} has length {size}")
        elif iei in (0x24, 0x25):
            problems.append("uses a national language shift table (not decoded)")
        else:
            problems.append(f"unknown header element 0x{iei:02X}")
    if concat and not 1 <= concat[1] <= concat[2]:
        problems.append(f"part {concat[1]} of {concat[2]} is out of range")
    return concat, problems
