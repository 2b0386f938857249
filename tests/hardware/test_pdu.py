"""PDUs we send: our encoder against known vectors and an independent reading of what it
wrote (tests/hardware/pdu_support.py), GSM-7 or UCS-2, one part or several."""
import pytest

from appliance.core import segments
from hardware import pdu
from tests.hardware.pdu_support import STANDARD_EXT, STANDARD_GSM7, read_submit, submit

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


def test_every_gsm7_character_goes_out_at_its_standard_code():
    """The one alphabet (appliance/segments.py) and the extension codes line up with the
    standard, character by character."""
    basic = STANDARD_GSM7.replace("\x1b", "")
    extension = "".join(STANDARD_EXT[code] for code in sorted(STANDARD_EXT))
    assert set(segments.GSM7_BASIC) - {"\x1b"} == set(basic)
    assert set(segments.GSM7_EXTENSION) == set(extension)
    [part] = submit("+15551234567", basic[:80])
    assert part["text"] == basic[:80]
    [part] = submit("+15551234567", basic[80:] + extension)
    assert (part["dcs"], part["text"]) == (0x00, basic[80:] + extension)
