"""The line sorter on its own (no I/O): answers, unknown lines and junk. Hypothesis feeds it
every kind of modem garbage: nothing escapes, nothing but domain events comes out."""
from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.core import modem_events
from appliance.core.domain import RingSeen, SmsStored, UnknownLineSeen
from hardware.at_lines import Exchange, LineSorter

NOW = datetime(2026, 11, 27, 6, 18, 25, tzinfo=timezone.utc)
PDU = "07915155000099F9040B915155214365F70000621172608152000AE8329BFD4697D9EC37"


def sorter(exchange=None, written="AT"):
    events = []
    return LineSorter(current=lambda: exchange, emit=events.append, clock=lambda: NOW,
                      last_written=lambda: written), events


def test_a_strange_code_between_a_stored_text_and_its_pdu_is_not_the_pdu():
    exchange = Exchange("AT+CMGR=3")
    lines, events = sorter(exchange, "AT+CMGR=3")
    lines.feed(f"\r\n+CMGR: 0,,28\r\n+ZCEND: 1,16\r\n{PDU}\r\n\r\nOK\r\n".encode())
    assert exchange.lines == ["+CMGR: 0,,28", PDU] and exchange.final == "OK"
    assert events == [UnknownLineSeen(at=NOW, kind="+ZCEND:", line="+ZCEND: 1,16")]


def test_the_commands_own_answer_and_its_aliases_stay_in_the_answer():
    exchange = Exchange("AT+GMR")
    lines, events = sorter(exchange, "AT+GMR")
    lines.feed(b"\r\n+CGMR: LE20B04\r\n\r\nOK\r\n")
    assert exchange.lines == ["+CGMR: LE20B04"] and events == []


def test_unknown_lines_while_idle_are_reported_and_late_answers_are_not():
    lines, events = sorter(written="AT+CSQ")
    lines.feed(b"\r\nOK\r\n\r\nAT+CSQ\r\n\r\n   #ECAM: 0,6\r\n\r\nRING\r\n")
    assert events == [UnknownLineSeen(at=NOW, kind="#ECAM:", line="#ECAM: 0,6"),
                      RingSeen(at=NOW)]


def test_an_overlong_line_is_cut():
    lines, events = sorter()
    lines.feed(b"X" * 3000 + b"\r\n")
    assert len(events[0].line) == 1024


CHUNKS = st.sampled_from([b"RING", b"+CLIP: ", b'"', b",", b"145", b"\r\n", b"\r", b"+CMT: ,",
                          b"+CMTI: ", b'"SM"', b"00", b"\xff\xfe", b"+CLCC: 1,1,4,0,0,",
                          b"MISSED_CALL: ", b">", b"OK", b"ERROR", b"+CDS: 12", b"NO CARRIER",
                          b"^CEND:1", b"+CRING: VOICE", b"0123456789", b"+", b"\x00", b"\x1a",
                          b" ", b"+ZZZ: ", PDU.encode()])
EVENT_TYPES = tuple(getattr(modem_events, name) for name in dir(modem_events)
                    if name[0].isupper() and name not in ("Optional", "ListedCall"))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(CHUNKS, st.binary(max_size=12)), max_size=40), st.booleans())
def test_no_bytes_make_the_sorter_raise(chunks, in_flight):
    exchange = Exchange("AT+CMGR=1", want_prompt=in_flight) if in_flight else None
    lines, events = sorter(exchange, "AT+CMGR=1")
    for chunk in chunks:
        lines.feed(chunk)
    assert all(isinstance(event, EVENT_TYPES) for event in events)
    for event in events:
        if isinstance(event, SmsStored):
            assert event.memory.isalpha() and event.memory.isupper()


def test_a_model_named_like_a_final_code_is_an_answer_line():
    exchange = Exchange("AT+CGMM")
    lines, events = sorter(exchange, "AT+CGMM")
    lines.feed(b"\r\nBUSY-BOOT\r\n\r\nERROR-FREE 2\r\n\r\nOK\r\n")
    assert exchange.lines == ["BUSY-BOOT", "ERROR-FREE 2"] and exchange.final == "OK"
    for final in ("ERROR", "+CME ERROR: 515", "+CMS ERROR:330", "COMMAND NOT SUPPORT", "BUSY"):
        exchange = Exchange("AT+CGMM")
        lines, events = sorter(exchange, "AT+CGMM")
        lines.feed(f"\r\n{final}\r\n".encode())
        assert exchange.final == final
