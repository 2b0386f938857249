"""The simulator's own SMS codec: GSM-7 tables and packing, the SMS-SUBMIT decoder (checked
against published PDUs and gsmmodem.pdu's encoder), splitting long texts, and SMS-DELIVER /
STATUS-REPORT PDUs (checked against gsmmodem.pdu's decoder where that decoder is right)."""
from datetime import datetime, timedelta, timezone

import pytest
from gsmmodem import pdu as gsm_pdu
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.simulator import gsm7
from hardware.simulator.sms_codec import (GSM7, UCS2, PduError, decode_submit, encode_deliver,
                                          encode_status_report, encode_user_data, part_text,
                                          split_text)
from hardware.simulator.sms_fields import decode_timestamp, encode_address, encode_timestamp

AT = datetime(2026, 11, 27, 6, 18, 25, tzinfo=timezone.utc)


# --- GSM-7 ------------------------------------------------------------------------------------

def test_default_alphabet_positions_from_the_standard():
    assert len(gsm7.BASIC) == 128
    assert gsm7.BASIC[0x00] == "@" and gsm7.BASIC[0x11] == "_" and gsm7.BASIC[0x24] == "¤"
    assert gsm7.BASIC[0x5F] == "§" and gsm7.BASIC[0x60] == "¿" and gsm7.BASIC[0x7F] == "à"
    assert gsm7.encode("€[]{}~^\\|") == [27, 0x65, 27, 0x3C, 27, 0x3E, 27, 0x28, 27, 0x29,
                                         27, 0x3D, 27, 0x14, 27, 0x2F, 27, 0x40]


def test_characters_outside_gsm7():
    assert not gsm7.is_gsm7("it’s") and not gsm7.is_gsm7("👍") and not gsm7.is_gsm7("`")
    with pytest.raises(ValueError, match="’"):
        gsm7.encode("it’s")


def test_packing_matches_the_classic_example():
    assert gsm7.pack(gsm7.encode("hellohello")).hex().upper() == "E8329BFD4697D9EC37"
    packed = gsm7.pack(gsm7.encode("Déjà vu §"), fill_bits=1)
    assert gsm7.decode(gsm7.unpack(packed, 9, fill_bits=1)) == ("Déjà vu §", [])


def test_decoding_unknown_and_dangling_escapes():
    assert gsm7.decode([0x41, 27, 0x41]) == ("AA", ["unknown extension code 0x41"])
    text, problems = gsm7.decode([0x41, 27])
    assert text == "A" and "lone escape" in problems[0]


# --- SMS-SUBMIT decoder -----------------------------------------------------------------------

def test_decodes_a_published_submit_pdu():
    decoded = decode_submit("0011000B916407281553F80000AA0AE8329BFD4697D9EC37", 23)
    assert (decoded.number, decoded.number_type, decoded.text) == ("+46708251358", 145,
                                                                   "hellohello")
    assert decoded.validity == 0xAA and not decoded.status_report and decoded.concat is None


@pytest.mark.parametrize("number, text", [
    ("+15551234567", "Sorry we missed your call - reply here & we'll call back! {ok} €5"),
    ("07700900123", "Grüße — bis bald"),
    ("+447700900123", "Long " * 70),
    ("+447700900123", "Ünïcödé ’quotes’ " * 9),
])
def test_decodes_what_gsmmodem_encodes(number, text):
    parts = gsm_pdu.encodeSmsSubmitPdu(number, text, reference=7)
    decoded = [decode_submit(p.data.hex(), p.tpduLength) for p in parts]
    assert "".join(d.text for d in decoded) == text
    assert all(d.number == number and d.status_report and not d.problems for d in decoded)
    if len(parts) > 1:
        assert [d.concat[1:3] for d in decoded] == [(i, len(parts)) for i in
                                                     range(1, len(parts) + 1)]


def test_national_number_keeps_its_type_and_no_plus():
    [part] = gsm_pdu.encodeSmsSubmitPdu("07700900123", "hi")
    decoded = decode_submit(part.data.hex(), part.tpduLength)
    # gsmmodem marks it "national" (161); what matters: no '+' is invented
    assert (decoded.number, decoded.number_type) == ("07700900123", 0xA1)


def test_surrogate_pair_split_between_parts_is_flagged():
    body = "0048D83D"                          # 'H' + high surrogate only
    tpdu = f"41000B915155214365F70008{(6 + 4):02X}050003010201{body}"
    decoded = decode_submit("00" + tpdu, len(tpdu) // 2)
    assert decoded.concat == (1, 1, 2, 8)
    assert any("surrogate" in p for p in decoded.problems)


@pytest.mark.parametrize("pdu, length, reason", [
    ("zz", 1, "not hexadecimal"),
    ("0011000B916407281553F80000AA0AE8329BFD4697D9EC37", 22, "octets, AT.CMGS said 22"),
    ("0004000B916407281553F80000AA0AE8329BFD4697D9EC37", 23, "not an SMS-SUBMIT"),
    ("0011000B916407281553F80080AA0AE8329BFD4697D9EC37", 23, "reserved"),
    ("0011000B916407281553F80000AA0BE8329BFD4697D9EC37", 23, "UDL 11"),
    ("0011000B016407281553F80000AA0AE8329BFD4697D9EC37", 23, "extension bit"),
])
def test_malformed_submits_are_refused(pdu, length, reason):
    with pytest.raises(PduError, match=reason):
        decode_submit(pdu, length)


# --- splitting and SMS-DELIVER ----------------------------------------------------------------

def test_split_boundaries_gsm7():
    assert len(split_text("a" * 160, 1)) == 1
    parts = split_text("a" * 161, 1)
    assert [len(p.body) for p in parts] == [153, 8]
    parts = split_text("a" * 152 + "€" + "b" * 10, 1)    # escape pair would straddle 153
    assert len(parts[0].body) == 152 and part_text(parts[1]).startswith("€")
    assert [len(p.body) for p in split_text("a" * 161, 1, concat_bits=16)] == [152, 9]


def test_split_boundaries_ucs2_keep_surrogate_pairs_whole():
    assert len(split_text("—" * 70, 1)) == 1
    parts = split_text("—" * 66 + "👍" + "—" * 5, 1)      # emoji would straddle unit 67
    assert parts[0].encoding == UCS2 and len(parts[0].body) == 132
    assert part_text(parts[1]).startswith("👍")


@pytest.mark.parametrize("sender, sender_type, text", [
    ("+15557654321", None, "See you at 5 [ok] €10"),
    ("07700900123", 0x81, "national sender"),
    ("ACME", 0xD0, "from a name"),
    ("+15557654321", None, "Grüße — bis bald"),
])
def test_deliver_pdus_decode_with_gsmmodem(sender, sender_type, text):
    [part] = split_text(text, 1)
    pdu, length = encode_deliver(part, sender, sender_type, "+15550009999", AT)
    decoded = gsm_pdu.decodeSmsPdu(pdu)
    assert (decoded["number"], decoded["text"], decoded["tpdu_length"]) == (sender, text, length)
    assert decoded["smsc"] == "+15550009999" and decoded["time"] == AT


def test_long_deliver_parts_carry_the_concatenation_header():
    parts = split_text("word " * 70, 200)                 # 350 characters: 3 parts
    decoded = [gsm_pdu.decodeSmsPdu(encode_deliver(p, "+15557654321", None, None, AT)[0])
               for p in parts]
    assert "".join(d["text"] for d in decoded) == "word " * 70
    assert [(d["udh"][0].reference, d["udh"][0].number) for d in decoded] == [(200, 1), (200, 2),
                                                                              (200, 3)]
    assert parts[0].encoding == GSM7


def test_status_report_decodes_with_gsmmodem():
    pdu, length = encode_status_report(42, "+15551234567", None, "+15550009999", AT,
                                       AT + timedelta(seconds=5), 0x00)
    decoded = gsm_pdu.decodeSmsPdu(pdu)
    assert (decoded["type"], decoded["reference"], decoded["number"], decoded["status"]) == (
        "SMS-STATUS-REPORT", 42, "+15551234567", 0)
    assert decoded["discharge"] == AT + timedelta(seconds=5) and decoded["tpdu_length"] == length


def test_timestamps_round_trip_with_negative_zones():
    moment = datetime(2026, 3, 8, 23, 59, 1, tzinfo=timezone(timedelta(hours=-5, minutes=-30)))
    assert decode_timestamp(encode_timestamp(moment)) == moment


def test_alphanumeric_address_length_counts_semi_octets():
    assert encode_address("ACME", 0xD0).hex().upper() == "07D0C161B308"


# --- round trip through the simulator's own encoder and decoder --------------------------------

ALPHABET = st.sampled_from(list(gsm7.BASIC.replace("\x1b", "")) + list("€[]{}~^\\|")
                           + ["’", "—", "👍", "é", "ß", "中"])


def as_submit(part) -> tuple[str, int]:
    """One split part wrapped as an SMS-SUBMIT (the network side never builds these itself)."""
    udl, ud = encode_user_data(part)
    first = 0x01 | (0x40 if part.header else 0)
    dcs = 0x00 if part.encoding == GSM7 else 0x08
    tpdu = bytes([first, 0]) + encode_address("+15551234567") + bytes([0, dcs, udl]) + ud
    return "00" + tpdu.hex(), len(tpdu)


@settings(max_examples=150, deadline=None)
@given(text=st.text(ALPHABET, min_size=1, max_size=500), bits=st.sampled_from([8, 16]))
def test_split_parts_decode_back_to_the_text(text, bits):
    parts = split_text(text, 77, concat_bits=bits)
    decoded = [decode_submit(*as_submit(p)) for p in parts]
    assert "".join(d.text for d in decoded) == text
    assert all(not d.problems for d in decoded)
    assert all(d.tpdu_length <= 140 + 24 for d in decoded)
    if len(parts) > 1:
        assert [d.concat for d in decoded] == [(77, i, len(parts), bits)
                                               for i in range(1, len(parts) + 1)]
