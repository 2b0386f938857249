"""GSM 03.38 (3GPP TS 23.038) default alphabet, its extension table, and septet packing.

Written from the standard, independently of the box's own alphabet (appliance/segments.py, used
by hardware/pdu.py) and of gsmmodem.pdu, on purpose: the simulator stands for the network and
the phone at the other end, decoding what our encoder sends. Sharing the box's table would hide
exactly the bugs it exists to catch (0x5F is '§', not '`'; a character at the wrong code).
"""
from __future__ import annotations

ESCAPE = 0x1B

# Index = septet value. Position 0x1B is the escape to the extension table, never a character.
BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
EXTENSION = {
    0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
    0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€",
}

_BASIC_CODE = {ch: code for code, ch in enumerate(BASIC) if code != ESCAPE}
_EXTENSION_CODE = {ch: code for code, ch in EXTENSION.items()}


def char_septets(ch: str) -> list[int]:
    """The septets for one character (two for extension-table characters); ValueError if none."""
    if ch in _BASIC_CODE:
        return [_BASIC_CODE[ch]]
    if ch in _EXTENSION_CODE:
        return [ESCAPE, _EXTENSION_CODE[ch]]
    raise ValueError(f"{ch!r} is not in the GSM-7 alphabet")


def is_gsm7(text: str) -> bool:
    """True when every character has a GSM-7 code (basic or extension table)."""
    return all(ch in _BASIC_CODE or ch in _EXTENSION_CODE for ch in text)


def encode(text: str) -> list[int]:
    """Text -> septet values; ValueError names the first character GSM-7 cannot carry."""
    septets: list[int] = []
    for ch in text:
        septets.extend(char_septets(ch))
    return septets


def decode(septets: list[int]) -> tuple[str, list[str]]:
    """Septet values -> (text, problems). A phone shows the basic character for an unknown
    escape code (TS 23.038 6.2.1.1); a lone escape at the very end (a part split in the middle of
    an escape sequence) shows nothing. Both are reported as problems."""
    out: list[str] = []
    problems: list[str] = []
    i = 0
    while i < len(septets):
        code = septets[i] & 0x7F
        if code != ESCAPE:
            out.append(BASIC[code])
            i += 1
            continue
        if i + 1 >= len(septets):
            problems.append("ends with a lone escape (0x1B): an extension character was split")
            break
        nxt = septets[i + 1] & 0x7F
        if nxt in EXTENSION:
            out.append(EXTENSION[nxt])
        else:
            problems.append(f"unknown extension code 0x{nxt:02X}")
            out.append(" " if nxt == ESCAPE else BASIC[nxt])
        i += 2
    return "".join(out), problems


def pack(septets: list[int], fill_bits: int = 0) -> bytes:
    """Pack septets into octets, least significant bit first, after `fill_bits` zero bits
    (the padding that aligns text behind a user data header to a septet boundary)."""
    acc = 0
    nbits = fill_bits
    out = bytearray()
    for septet in septets:
        acc |= (septet & 0x7F) << nbits
        nbits += 7
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8
    if nbits:
        out.append(acc & 0xFF)
    return bytes(out)


def unpack(data: bytes, count: int, fill_bits: int = 0) -> list[int]:
    """Unpack `count` septets from `data`, skipping `fill_bits` leading bits."""
    if fill_bits + 7 * count > 8 * len(data):
        raise ValueError(f"{len(data)} octets cannot hold {count} septets")
    value = int.from_bytes(data, "little")
    return [(value >> (fill_bits + 7 * i)) & 0x7F for i in range(count)]
