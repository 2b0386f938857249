"""The gsmmodem.pdu flaws hardware/pdu.py covers: each test shows the flaw in the library and
that our wrapper does not have it (those tests fail the day the library is fixed: then
simplify hardware/pdu.py)."""
import pytest
from gsmmodem import pdu as gsm

from hardware import pdu
from tests.hardware.pdu_support import deliver, gsm7_deliver, submit


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
