"""PDUs: our wrapper against known vectors and an independent reading written here, plus the
gsmmodem.pdu flaws it covers (those tests fail the day the library is fixed: then simplify)."""
from datetime import datetime, timedelta, timezone

import pytest
from gsmmodem import pdu as gsm

from appliance.core.domain import Concat, DeliveryReport, IncomingText
from hardware import pdu

# The GSM 03.38 default alphabet written out independently of hardware/pdu.py (0x1B = escape).
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


# --- encoding -------------------------------------------------------------------------------

def test_known_vector_hellohello():
    assert pdu.encode_submit("+15551234567", "hellohello") == [
        (22, "0021000B915155214365F700000AE8329BFD4697D9EC37")]


@pytest.mark.parametrize("text,user_data", [
    ("§", "015F"),            # 0x5F is '§' in GSM 03.38
    ("_", "0111"),            # 0x11 is '_'
    ("€", "029B32"),          # escape 0x1B + 0x65
    ("@", "0100"),
])
def test_gsm7_characters_encode_to_the_standard_septets(text, user_data):
    [(length, hex_pdu)] = pdu.encode_submit("+15551234567", text, status_report=False)
    assert hex_pdu == "0001000B915155214365F70000" + user_data


def test_emoji_goes_as_ucs2_surrogate_pair():
    [(length, hex_pdu)] = pdu.encode_submit("+15551234567", "Hi 😀")
    assert hex_pdu.endswith("080A004800690020D83DDE00")
    assert read_submit(length, hex_pdu)["text"] == "Hi 😀"


@pytest.mark.parametrize("number,toa,digits", [
    ("+15551234567", 0x91, "15551234567"),
    ("07700900123", 0x81, "07700900123"),     # national: as dialled, never '+' prepended
    ("5551234", 0x81, "5551234"),
    ("+44 7700 900123", 0x91, "447700900123"),
])
def test_type_of_address(number, toa, digits):
    [part] = submit(number, "hi")
    assert (part["toa"], part["number"]) == (toa, digits)


@pytest.mark.parametrize("number", ["ACME", "", "+", "12ab", "+1555-12x"])
def test_not_a_number_is_refused(number):
    with pytest.raises(ValueError):
        pdu.encode_submit(number, "hi")


def test_status_report_flag_and_defaults():
    [with_report] = submit("+15551234567", "hi")
    [without] = submit("+15551234567", "hi", status_report=False)
    assert with_report["first"] == 0x21 and without["first"] == 0x01
    assert with_report["mr"] == 0 and with_report["pid"] == 0


@pytest.mark.parametrize("text,parts", [
    ("a" * 160, 1), ("a" * 161, 2), ("€" * 80, 1), ("€" * 80 + "a", 2),
    ("ü" * 70, 1), ("ş" * 70, 1), ("ş" * 71, 2), ("😀" * 35, 1), ("😀" * 35 + "a", 2),
])
def test_single_part_limits(text, parts):
    assert len(pdu.encode_submit("+15551234567", text)) == parts


def test_long_gsm7_text_splits_at_153_and_reads_back():
    text = "".join(chr(ord("a") + i % 26) for i in range(400)) + " § _ €"
    parts = submit("+15551234567", text, reference=77)
    assert [p["header"] for p in parts] == [bytes([0, 3, 77, 3, n]) for n in (1, 2, 3)]
    assert parts[0]["udl"] == 160 and all(p["first"] & 0x40 for p in parts)
    assert "".join(p["text"] for p in parts) == text
    assert len(parts[0]["text"]) == 153


def test_escape_pair_is_never_split():
    text = "a" * 152 + "€" + "b" * 10
    parts = submit("+15551234567", text)
    assert parts[0]["text"] == "a" * 152 and parts[1]["text"].startswith("€")


def test_long_ucs2_never_splits_a_surrogate_pair():
    text = "x" * 66 + "😀" + "y" * 80 + "ş"
    parts = submit("+15551234567", text)     # read_submit decodes strictly: a lone half raises
    assert parts[0]["text"] == "x" * 66
    assert "".join(p["text"] for p in parts) == text


def test_sixteen_bit_reference_above_255():
    parts = submit("+15551234567", "a" * 200, reference=0x1234)
    assert parts[0]["header"] == bytes([8, 4, 0x12, 0x34, 2, 1])
    assert "".join(p["text"] for p in parts) == "a" * 200


def test_more_than_255_parts_is_refused():
    with pytest.raises(ValueError):
        pdu.encode_submit("+15551234567", "a" * 153 * 256)


def test_escape_character_itself_forces_ucs2():
    [part] = submit("+15551234567", "a\x1bb")
    assert part["dcs"] == 0x08 and part["text"] == "a\x1bb"


# --- decoding -------------------------------------------------------------------------------

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


def test_known_vector_how_are_you():
    text = pdu.decode("07911326040000F0040B911346610089F60000208062917314080C"
                      "C8F71D14969741F977FD07")
    assert text == IncomingText(sender="+31641600986", sender_type=145, text="How are you?",
                                sent_at=datetime(2002, 8, 26, 19, 37, 41, tzinfo=timezone.utc))


def test_known_vector_alphanumeric_sender():
    text = pdu.decode("0791448720003023240DD0E474D81C0EBB01000011101131521400"
                      "0BE474D81C0EBB5DE3771B")
    assert (text.sender, text.sender_type, text.text) == ("diafaan", 0xD0, "diafaan.com")


def test_section_sign_reads_as_section_sign():
    assert pdu.decode(gsm7_deliver("§ 5 _x_")).text == "§ 5 _x_"


def test_extension_characters_read_back():
    septets = [0x1B, 0x65, 0x20, 0x1B, 0x28, 0x1B, 0x29]
    assert pdu.decode(deliver(ud=pack(septets), udl=len(septets))).text == "€ {}"


def test_ucs2_with_emoji_is_joined():
    body = "Thanks 😀 ş".encode("utf-16-be")
    assert pdu.decode(deliver(dcs=0x08, ud=body, udl=len(body))).text == "Thanks 😀 ş"


def test_national_sender_keeps_its_digits():
    text = pdu.decode(gsm7_deliver("hi", sender="07700900123", toa=0x81))
    assert (text.sender, text.sender_type) == ("07700900123", 0x81)


def test_timestamp_is_converted_to_utc():
    plus_two = SCTS[:6] + bytes([0x80])       # +8 quarters, semi-octets swapped
    minus_five = SCTS[:6] + bytes([0x0A])     # -20 quarters, sign bit set
    base = datetime(2026, 11, 27, 6, 18, 25, tzinfo=timezone.utc)
    assert pdu.decode(gsm7_deliver("a", scts=plus_two)).sent_at == base - timedelta(hours=2)
    assert pdu.decode(gsm7_deliver("a", scts=minus_five)).sent_at == base + timedelta(hours=5)
    assert pdu.decode(gsm7_deliver("a")).sent_at.tzinfo == timezone.utc


def test_broken_timestamp_is_none_not_fatal():
    text = pdu.decode(gsm7_deliver("a", scts=bcd("26139906182500")))
    assert text.sent_at is None and text.text == "a"


@pytest.mark.parametrize("header,concat", [
    (bytes([0, 3, 0xAB, 3, 2]), Concat(reference=0xAB, part=2, total=3)),
    (bytes([8, 4, 0x12, 0x34, 2, 1]), Concat(reference=0x1234, part=1, total=2)),
    (bytes([0x0A, 2, 1, 2, 0, 3, 9, 2, 2]), Concat(reference=9, part=2, total=2)),
])
def test_concatenation_header_gsm7(header, concat):
    text = pdu.decode(gsm7_deliver("part of a long text", header=header))
    assert (text.text, text.concat) == ("part of a long text", concat)


def test_concatenation_header_ucs2():
    head = bytes([5, 0, 3, 7, 2, 2])
    body = "ş😀".encode("utf-16-be")
    text = pdu.decode(deliver(dcs=0x08, ud=head + body, udl=len(head) + len(body), udh=True))
    assert (text.text, text.concat) == ("ş😀", Concat(reference=7, part=2, total=2))


@pytest.mark.parametrize("dcs,encoding", [(0x48, "ucs2"), (0x18, "ucs2"), (0xE0, "ucs2"),
                                          (0xF0, "gsm7"), (0xF4, "8bit"), (0x04, "8bit")])
def test_data_coding_groups(dcs, encoding):
    body = {"ucs2": "hé".encode("utf-16-be"), "8bit": b"\x01\x02",
            "gsm7": pack([0x68, 0x69])}[encoding]
    udl = 2 if encoding == "gsm7" else len(body)
    expected = {"ucs2": "hé", "8bit": "\x01\x02", "gsm7": "hi"}[encoding]
    assert pdu.decode(deliver(dcs=dcs, ud=body, udl=udl)).text == expected


def status_report(status, reference=42, recipient="15551234567", smsc="00"):
    body = (bytes([0x06, reference, len(recipient), 0x91]) + bcd(recipient) + SCTS
            + bcd("26112706183000") + bytes([status]))
    return smsc + body.hex().upper()


@pytest.mark.parametrize("status,delivered,final", [
    (0x00, True, True), (0x01, True, True), (0x20, False, False), (0x30, False, False),
    (0x41, False, True), (0x62, False, True)])
def test_status_report(status, delivered, final):
    report = pdu.decode(status_report(status))
    assert report == DeliveryReport(reference=42, recipient="+15551234567", delivered=delivered,
                                    final=final, status_code=status,
                                    at=datetime(2026, 11, 27, 6, 18, 30, tzinfo=timezone.utc))


@pytest.mark.parametrize("junk", ["", "zz", "0", "00", "0004", "07911326040000F0040B9113466100",
                                  "0011000B915155214365F70000AA0568656C6C6F"])
def test_junk_and_outgoing_pdus_raise_pdu_error(junk):
    with pytest.raises(pdu.PduError):
        pdu.decode(junk)


def test_round_trip_of_what_we_send_is_not_an_incoming_text():
    [(length, hex_pdu)] = pdu.encode_submit("+15551234567", "hi")
    with pytest.raises(pdu.PduError, match="SMS-SUBMIT"):
        pdu.decode(hex_pdu)


# --- the library flaws this wrapper covers ---------------------------------------------------

def test_library_flaw_gsm7_table_has_backtick_at_0x5f():
    assert gsm.decodeGsm7(bytearray([0x5F])) == "`"          # standard: '§'
    assert gsm.encodeGsm7("`") == bytearray([0x5F])          # a phone shows '§'
    with pytest.raises(ValueError):
        gsm.encodeGsm7("§")
    assert pdu.decode(gsm7_deliver("§")).text == "§"
    [part] = submit("+15551234567", "`")
    assert (part["dcs"], part["text"]) == (0x08, "`")


def test_library_flaw_emoji_and_y_diaeresis_raise():
    with pytest.raises(ValueError):
        gsm.encodeSmsSubmitPdu("+15551234567", "😀")
    with pytest.raises(TypeError):
        gsm.encodeSmsSubmitPdu("+15551234567", "ÿ")
    assert [p["text"] for p in submit("+15551234567", "😀 ÿ")] == ["😀 ÿ"]


def test_library_flaw_ucs2_split_breaks_surrogate_pairs():
    raw = ("x" * 66 + "😀").encode("utf-16-be")       # what a caller would have to pass it
    utf16 = "".join(chr(int.from_bytes(raw[i:i + 2], "big")) for i in range(0, len(raw), 2))
    first, second = gsm.divideTextUcs2(utf16)
    assert first[-1] == "\ud83d" and second == "\ude00"      # the pair is torn apart


def test_library_flaw_digit_numbers_marked_national():
    assert gsm._encodeAddressField("07700900123")[1] == 0xA1
    assert submit("07700900123", "hi")[0]["toa"] == 0x81


def test_library_flaw_ucs2_decode_leaves_surrogates_apart():
    body = "😀".encode("utf-16-be")
    hex_pdu = deliver(dcs=0x08, ud=body, udl=len(body))
    assert gsm.decodeSmsPdu(hex_pdu)["text"] == "\ud83d\ude00"
    assert pdu.decode(hex_pdu).text == "😀"
