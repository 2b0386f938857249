"""Shared pieces of the PDU tests: the GSM 03.38 tables and a reader for SMS-SUBMIT written
from the standards, independently of the box's code and of gsmmodem.pdu, and builders of
SMS-DELIVER PDUs as a network sends them."""
from hardware import pdu

# The GSM 03.38 default alphabet written out here, independently of appliance/segments.py (the
# one the box uses) and of hardware/pdu.py (0x1B = escape).
STANDARD_GSM7 = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
                 "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
STANDARD_EXT = {0x0A: "\x0c", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[",
                0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€"}


# --- an independent reader for SMS-SUBMIT, written from TS 23.040 ----------------------------

def septets_of(data: bytes, count: int, skip_bits: int = 0) -> list[int]:
    bits = int.from_bytes(data, "little") >> skip_bits
    return [(bits >> (7 * i)) & 0x7F for i in range(count)]


def gsm7_to_text(septets: list[int]) -> str:
    out, i = [], 0
    while i < len(septets):
        if septets[i] == 0x1B:
            out.append(STANDARD_EXT[septets[i + 1]])
            i += 2
        else:
            out.append(STANDARD_GSM7[septets[i]])
            i += 1
    return "".join(out)


def read_submit(length: int, hex_pdu: str) -> dict:
    data = bytes.fromhex(hex_pdu)
    assert data[0] == 0x00, "no SMSC: the modem's own is used"
    tpdu = data[1:]
    assert len(tpdu) == length, "AT+CMGS length is the TPDU length in octets"
    first, mr, digits, toa = tpdu[0], tpdu[1], tpdu[2], tpdu[3]
    assert first & 0x03 == 0x01, "SMS-SUBMIT"
    addr = tpdu[4:4 + (digits + 1) // 2]
    number = "".join(f"{b & 0xF:x}{b >> 4:x}" for b in addr)[:digits]
    pos = 4 + len(addr)
    pid, dcs, udl = tpdu[pos], tpdu[pos + 1], tpdu[pos + 2]
    ud = tpdu[pos + 3:]
    header = ud[1:1 + ud[0]] if first & 0x40 else b""
    header_octets = len(header) + 1 if header else 0
    if dcs == 0x00:
        skip = (header_octets * 8 + 6) // 7
        text = gsm7_to_text(septets_of(ud, udl)[skip:])
        assert len(ud) == (udl * 7 + 7) // 8
    else:
        assert dcs == 0x08 and len(ud) == udl
        text = ud[header_octets:].decode("utf-16-be")      # strict: a split pair would raise
    return {"first": first, "mr": mr, "toa": toa, "number": number, "pid": pid, "dcs": dcs,
            "udl": udl, "header": header, "text": text}


def submit(number, text, **kw):
    return [read_submit(length, hex_pdu)
            for length, hex_pdu in pdu.encode_submit(number, text, **kw)]



# --- SMS-DELIVER PDUs, built by hand --------------------------------------------------------

def bcd(digits: str) -> bytes:
    digits += "F" * (len(digits) % 2)
    return bytes(int(digits[i + 1] + digits[i], 16) for i in range(0, len(digits), 2))


def pack(septets: list[int], fill: int = 0) -> bytes:
    bits = 0
    for i, s in enumerate(septets):
        bits |= s << (fill + 7 * i)
    return bits.to_bytes((fill + 7 * len(septets) + 7) // 8, "little")


SCTS = bcd("26112706182500")   # 2026-11-27 06:18:25 at UTC+0


def deliver(sender="+15551234567", toa=0x91, dcs=0x00, ud=b"", udl=0, udh=False, scts=SCTS,
            smsc="07919171000000F0"):
    digits = sender.lstrip("+")
    first = 0x04 | (0x40 if udh else 0)
    body = bytes([first, len(digits), toa]) + bcd(digits) + bytes([0, dcs]) + scts
    return smsc + (body + bytes([udl]) + ud).hex().upper()


def gsm7_deliver(text, header=b"", **kw):
    septets = [STANDARD_GSM7.index(c) for c in text]
    if not header:
        return deliver(ud=pack(septets), udl=len(septets), **kw)
    head = bytes([len(header)]) + header
    fill = (7 - len(head) * 8 % 7) % 7
    return deliver(ud=head + pack(septets, fill), udl=(len(head) * 8 + fill) // 7 + len(septets),
                   udh=True, **kw)
