"""PDUs we receive: texts (GSM-7, UCS-2, 8-bit, long ones in parts) and delivery reports,
against known vectors and PDUs built by hand from the standard (tests/hardware/pdu_support.py);
junk is PduError, never anything else."""
from datetime import datetime, timedelta, timezone

import pytest

from appliance.core.domain import Concat, DeliveryReport, IncomingText
from hardware import pdu
from tests.hardware.pdu_support import SCTS, bcd, deliver, gsm7_deliver, pack

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
