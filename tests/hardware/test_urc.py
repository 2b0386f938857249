"""Unsolicited result codes -> domain events, line by line, as each modem family sends them;
and hypothesis over the parser: whatever a modem sends, nothing escapes it."""
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.core.domain import (CallEndSeen, CallerIdSeen, CallForwardedSeen, ModemRestarted,
                                   RingSeen, SmsPduReceived, SmsStorageFull, SmsStored,
                                   StatusReportPduReceived, StatusReportStored)
from hardware import urc

NOW = datetime(2026, 11, 27, 6, 18, 25, tzinfo=timezone.utc)

EVENTS = [
    # ringing
    ("RING", RingSeen(at=NOW)),
    ("+CRING: VOICE", RingSeen(at=NOW)),
    ('+CRING: VOICE,"+15551234567",145', RingSeen(at=NOW, number="+15551234567",
                                                  number_type=145)),
    ('+CRING: VOICE,"",128', RingSeen(at=NOW)),
    # caller id: SIM800, SIM7600/Huawei, national, withheld, unavailable, no validity field
    ('+CLIP: "+15551234567",145,"",0,"",0',
     CallerIdSeen(at=NOW, number="+15551234567", number_type=145, validity=0)),
    ('+CLIP: "07700900123",129,,,,0',
     CallerIdSeen(at=NOW, number="07700900123", number_type=129, validity=0)),
    ('+CLIP: "",128,,,,1', CallerIdSeen(at=NOW, number="", number_type=128, validity=1)),
    ('+CLIP: "",128,,,,2', CallerIdSeen(at=NOW, number="", number_type=128, validity=2)),
    ('+CLIP: "5551234",161', CallerIdSeen(at=NOW, number="5551234", number_type=161)),
    ('+CLIP: "+15551234567",145,"",0,"Bob, the builder",0',
     CallerIdSeen(at=NOW, number="+15551234567", number_type=145, validity=0)),
    # +CLCC: incoming (state 4) and ended (state 6)
    ('+CLCC: 1,1,4,0,0,"+15551234567",145,""',
     CallerIdSeen(at=NOW, number="+15551234567", number_type=145)),
    ('+CLCC: 1,1,4,0,0,"+15551234567",145', CallerIdSeen(at=NOW, number="+15551234567",
                                                          number_type=145)),
    ('+CLCC: 1,1,6,0,0,"+15551234567",145,""',
     CallEndSeen(at=NOW, code="+CLCC", number="+15551234567", number_type=145)),
    ('+CLCC: 1,1,6,0,0,"",128', CallEndSeen(at=NOW, code="+CLCC")),
    # call ends of each family
    ("NO CARRIER", CallEndSeen(at=NOW, code="NO CARRIER")),
    ("MISSED_CALL: 11:53AM 07700900123",
     CallEndSeen(at=NOW, code="MISSED_CALL", number="07700900123")),
    ("MISSED_CALL: 01:02PM +15551234567",
     CallEndSeen(at=NOW, code="MISSED_CALL", number="+15551234567", number_type=145)),
    # SIM7600, withheld caller: the time alone
    ("MISSED_CALL: 11:53AM", CallEndSeen(at=NOW, code="MISSED_CALL")),
    ("VOICE CALL: END: 000041", CallEndSeen(at=NOW, code="VOICE CALL: END")),
    ("VOICE CALL: END", CallEndSeen(at=NOW, code="VOICE CALL: END")),
    ("^CEND:1,0,104,16", CallEndSeen(at=NOW, code="^CEND")),
    ("+UCALLSTAT: 1,6", CallEndSeen(at=NOW, code="+UCALLSTAT")),
    ("+CSSU: 0", CallForwardedSeen(at=NOW)),
    # texts and reports
    ('+CMTI: "SM",3', SmsStored(at=NOW, memory="SM", index=3)),
    ('+CMTI: "ME",12', SmsStored(at=NOW, memory="ME", index=12)),
    ('+CMTI: "SM", 0', SmsStored(at=NOW, memory="SM", index=0)),
    ('+CDSI: "SR",1', StatusReportStored(at=NOW, memory="SR", index=1)),
    ("+SMS FULL", SmsStorageFull(at=NOW, memory="SM")),
    ('+QIND: "smsfull","SM"', SmsStorageFull(at=NOW, memory="SM")),
    ('+QIND: "smsfull","ME"', SmsStorageFull(at=NOW, memory="ME")),
    ('^SMMEMFULL: "SM"', SmsStorageFull(at=NOW, memory="SM")),
    # boot codes
    ("RDY", ModemRestarted(at=NOW, code="RDY")),
    ("*ATREADY: 1", ModemRestarted(at=NOW, code="*ATREADY: 1")),
    ("^BOOT:20341287,0,0,0,72", ModemRestarted(at=NOW, code="^BOOT:20341287,0,0,0,72")),
    ("Call Ready", ModemRestarted(at=NOW, code="Call Ready")),
    ("SMS Ready", ModemRestarted(at=NOW, code="SMS Ready")),
    ("+CPIN: READY", ModemRestarted(at=NOW, code="+CPIN: READY")),
    ("+CFUN: 1", ModemRestarted(at=NOW, code="+CFUN: 1")),
    ("SMS DONE", ModemRestarted(at=NOW, code="SMS DONE")),
    ("PB DONE", ModemRestarted(at=NOW, code="PB DONE")),
]


@pytest.mark.parametrize("line,expected", EVENTS, ids=[line for line, _ in EVENTS])
def test_unsolicited_line_becomes_event(line, expected):
    assert urc.parse(line, NOW) == expected


IGNORED_LINES = ["^RSSI:17", "^HCSQ:\"LTE\",50,40,120,20", "^MODE:5,4", "^DSFLOWRPT:1,2,3",
                 "+CREG: 1", "+CEREG: 1,\"1A2B\",\"01A2B3C\",7", "VOICE CALL: BEGIN",
                 "+CLCC: 1,1,0,0,0,\"+15551234567\",145", "+CSSU: 2", "+UCALLSTAT: 1,4",
                 '+QIND: "FOTA","START"', "+CFUN: 0", "*PSUTTZ: 2026,11,27,6,18,25,\"+0\",0",
                 "UNDER-VOLTAGE WARNNING", "+CPIN: NOT READY"]


@pytest.mark.parametrize("line", IGNORED_LINES)
def test_known_codes_without_meaning_for_us_are_ignored(line):
    assert urc.parse(line, NOW) is urc.IGNORED


NOT_URC = ["OK", "ERROR", "+CME ERROR: 10", "+CMGS: 12", "+CSQ: 20,99", "SIM800 R14.18",
           "+CLIP: 1,1", "0791448720003023240DD0E474D81C0EBB010000111011315214000BE474D81C0EBB",
           "AT+CLIP=1", "hello", "+CMGR: 0,,23"]


@pytest.mark.parametrize("line", NOT_URC)
def test_answers_and_junk_are_not_events(line):
    assert urc.parse(line, NOW) is None


MALFORMED = ['+CMTI: "SM"', "+CMTI: SM,x", '+CDSI: "SR"', "+CLCC: x", "MISSED_CALL:",
             "+UCALLSTAT: 1", "+CSSU: x", '+CLIP: "+1555',
             # memory names that are not memories must never reach an AT command
             '+CMTI: "SM\";+CFUN=0;\"",3', '+CMTI: "sm",1', '+CMTI: "",2', '+CDSI: "S R",1',
             '+CMTI: "SM",123456789']


@pytest.mark.parametrize("line", MALFORMED)
def test_malformed_known_codes_are_skipped_and_logged(line, caplog):
    assert urc.parse(line, NOW) is urc.IGNORED
    assert "malformed" in caplog.text


def test_surrounding_whitespace_does_not_matter():
    assert urc.parse("  RING \r", NOW) == RingSeen(at=NOW)


TWO_LINE = [("+CMT: ,23", "CMT"), ('+CMT: "",23', "CMT"), ('+CMT: "Bob",140', "CMT"),
            ("+CDS: 25", "CDS"), ("+CDS: ,25", "CDS")]


@pytest.mark.parametrize("line,kind", TWO_LINE)
def test_two_line_codes_are_announced(line, kind):
    assert urc.two_line_start(line) == kind


@pytest.mark.parametrize("line", ['+CMTI: "SM",3', "+CMT:", "+CMGS: 3", "+CDSI: \"SR\",1"])
def test_other_lines_are_not_two_line_codes(line):
    assert urc.two_line_start(line) is None


def test_pdu_line_completes_two_line_codes():
    pdu = "0791448720003023240DD0E474D81C0EBB010000111011315214000BE474D81C0EBB5DE3771B"
    assert urc.two_line_event("CMT", pdu.lower(), NOW) == SmsPduReceived(at=NOW, pdu=pdu)
    assert urc.two_line_event("CDS", pdu, NOW) == StatusReportPduReceived(at=NOW, pdu=pdu)


@pytest.mark.parametrize("line", ["RING", "ABC", "", "0A1"])
def test_non_pdu_after_two_line_code_is_not_taken(line):
    assert urc.two_line_event("CMT", line, NOW) is None


def test_split_fields_keeps_commas_inside_quotes():
    assert urc.split_fields('"a,b",1,,"c"') == ['"a,b"', "1", "", '"c"']


KINDS = [("+XCEND: 1,16", "+XCEND:"), ("#ECAM: 0,6,1,,,", "#ECAM:"), ("^DSCI:1,1,6", "^DSCI:"),
         ("CALL END 16", "CALL END"), ("RING 2", "RING"), ("0791448720", "other"),
         ("\ufffd\ufffdx", "other"), ("%CCALLSTAT", "%CCALLSTAT:")]


@pytest.mark.parametrize("line,kind", KINDS)
def test_unknown_lines_are_named_by_kind(line, kind):
    assert urc.kind_of(line) == kind


PREFIXES = ["+CLIP:", "+CLCC:", "MISSED_CALL:", "+CRING:", "+CMTI:", "+CDSI:", "+QIND:",
            "^SMMEMFULL:", "+UCALLSTAT:", "+CSSU:", "+CMT:", "+CDS:", "^CEND:", "RING",
            "VOICE CALL: END", "NO CARRIER", "+SMS FULL", "RDY", "^BOOT:", ""]


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(PREFIXES), st.text(max_size=80))
def test_no_line_makes_the_parser_raise(prefix, rest):
    """Fuzzed codes: an event, IGNORED or None, never an exception; memories stay names."""
    event = urc.parse(prefix + rest, NOW)
    if isinstance(event, (SmsStored, StatusReportStored)):
        assert urc.MEMORY_NAME.match(event.memory)
    assert isinstance(urc.kind_of(prefix + rest), str)
    assert urc.two_line_start(prefix + rest) in (None, "CMT", "CDS")
