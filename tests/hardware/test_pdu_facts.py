"""What a received PDU says about itself (hardware/pdu_facts.py through hardware/pdu.decode):
the simulator's special PDUs checked against gsmmodem.pdu as an independent reader, PDUs
written out by hand from TS 23.040 / 23.038, and broken headers that must not raise."""
from datetime import datetime, timezone

import pytest
from gsmmodem import pdu as library

from appliance.core import incoming
from hardware import pdu
from hardware.simulator import special_texts

AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
# SMSC none, SMS-DELIVER with UDHI, sender +12025550101, then PID, DCS, time, UDL, UD.
HEAD = "00" + "44" + "0B91" + "2120555010F1"
TIME = "62304050607000"


def test_an_mms_notification_is_a_wap_push_naming_the_customer():
    tpdu = special_texts.mms_notification("+12025550000", AT, picture_from="+12025550101")
    independent = library.decodeSmsPdu("00" + tpdu.hex())
    [ports] = [e for e in independent["udh"] if isinstance(e, library.PortAddress)]
    assert ports.destination == 2948
    facts = pdu.decode("00" + tpdu.hex()).facts
    assert (facts.port, facts.eight_bit, facts.picture_from) == (2948, True, "+12025550101")
    assert incoming.nature(facts, "") == "picture"


def test_a_type_0_text_is_silent():
    tpdu = special_texts.silent("+12025550101", AT)
    assert library.decodeSmsPdu("00" + tpdu.hex())["protocol_id"] == 0x40
    text = pdu.decode("00" + tpdu.hex())
    assert incoming.nature(text.facts, text.text) == "silent"


@pytest.mark.parametrize("hex_pdu, voicemail", [
    # DCS 0xC8: message waiting, discard, indication on, voice mail; "hi" in GSM-7
    ("00" + "04" + "0B91" + "2120555010F1" + "00C8" + TIME + "02E834", True),
    # DCS 0xC0: the same with the indication off (the voicemail was listened to)
    ("00" + "04" + "0B91" + "2120555010F1" + "00C0" + TIME + "02E834", False),
    # UDH IEI 0x01 special SMS indication: voice mail, 3 waiting; no text
    (HEAD + "0000" + TIME + "05" + "0401028003", True),
])
def test_voicemail_indications(hex_pdu, voicemail):
    text = pdu.decode(hex_pdu)
    assert text.facts.voicemail is voicemail
    assert incoming.nature(text.facts, text.text) == "voicemail"


@pytest.mark.parametrize("header", [
    "0305",            # element 0x05 says 5 octets, the header ends first
    "050B84",          # ports element cut short (IEI and a wrong length)
    "0001",            # only an IEI and a length of 1 with no data
])
def test_a_broken_header_is_read_as_far_as_it_goes(header):
    udh = bytes.fromhex(header)
    ud = bytes([len(udh)]) + udh + b"data"
    text = pdu.decode(HEAD + "0004" + TIME + f"{len(ud):02X}" + ud.hex())
    assert text.facts.port is None and text.facts.eight_bit is True
    assert incoming.nature(text.facts, text.text) == "data"


def test_an_ordinary_text_has_no_facts_to_speak_of():
    text = pdu.decode("00" + "04" + "0B91" + "2120555010F1" + "0000" + TIME + "02E834")
    assert text.text == "hi" and incoming.nature(text.facts, text.text) == "text"
