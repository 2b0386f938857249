"""Missed-call detection: the event sequences each modem family produces (docs/MODEMS.md), fed to
the detector, and the exact missed calls that must come out."""
from datetime import datetime, timedelta, timezone

import pytest

from appliance.core.calls import MissedCallDetector, Ringing
from appliance.core.domain import (CallEndSeen, CallerIdSeen, CallForwardedSeen, CallMissed,
                                   RingSeen, SmsStored)

T0 = datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)
A, B = "+15551234567", "+15559876543"


def t(seconds):
    return T0 + timedelta(seconds=seconds)


# --- a tiny language for what the modem says -------------------------------------------------

def ring(s):
    return ("event", s, RingSeen(at=t(s)))


def clip(s, number=A, number_type=145, validity=0):
    return ("event", s, CallerIdSeen(at=t(s), number=number, number_type=number_type,
                                     validity=validity))


def end(s, code, number=None, number_type=None):
    return ("event", s, CallEndSeen(at=t(s), code=code, number=number, number_type=number_type))


def cssu(s):
    return ("event", s, CallForwardedSeen(at=t(s)))


def tick(s):
    return ("tick", s, None)


def decline(s):
    return ("decline", s, None)


def missed(number, rings, end_code, start, stop, forwarded=None, number_type=145):
    return CallMissed(number=number, number_type=number_type if number else None,
                      started_at=t(start), ended_at=t(stop), rings=rings, end_code=end_code,
                      forwarded=forwarded)


def run(steps, detector=None):
    detector = detector or MissedCallDetector(ring_gap=timedelta(seconds=8))
    out = []
    for kind, s, event in steps:
        if kind == "event":
            out += detector.observe(event, t(s))
        elif kind == "tick":
            out += detector.tick(t(s))
        else:
            out += detector.declined(t(s))
    return out


# --- every modem family's abandoned call ------------------------------------------------------

DIALECTS = {
    "sim800 with +CLCC": (
        [ring(0), clip(0.1), clip(0.2), ring(5), clip(5.1), end(7, "+CLCC", A, 145),
         end(7.01, "NO CARRIER"), tick(20)],
        [missed(A, 2, "+CLCC", 0, 7)]),
    "sim800 plain": (
        [ring(0), clip(0.1), ring(4), clip(4.1), ring(8), clip(8.1), end(9, "NO CARRIER"),
         tick(30)],
        [missed(A, 3, "NO CARRIER", 0, 9)]),
    "sim7600 MISSED_CALL": (
        [ring(0), clip(0.1), ring(6), clip(6.1), end(7, "MISSED_CALL", "15551234567")],
        [missed(A, 2, "MISSED_CALL", 0, 7)]),
    "sim7600 caller id before RING": (
        [clip(0), ring(0.05), clip(6), ring(6.05), end(7, "MISSED_CALL", A), tick(30)],
        [missed(A, 2, "MISSED_CALL", 0, 7)]),
    "a76xx three end codes": (
        [ring(0), clip(0.1), ring(5), end(6, "VOICE CALL: END"), end(6.1, "NO CARRIER"),
         end(6.2, "+CLCC", A, 145), tick(30)],
        [missed(A, 2, "VOICE CALL: END", 0, 6)]),
    "quectel ec25": (
        [ring(0), clip(0.1), ring(6), clip(6.1), ring(12), clip(12.1), end(13, "NO CARRIER")],
        [missed(A, 3, "NO CARRIER", 0, 13)]),
    "huawei ^CEND": (
        [ring(0), clip(0.1), ring(5), clip(5.1), end(6, "^CEND")],
        [missed(A, 2, "^CEND", 0, 6)]),
    "u-blox +UCALLSTAT": (
        [ring(0), clip(0.1), ring(5), end(6, "+UCALLSTAT")],
        [missed(A, 2, "+UCALLSTAT", 0, 6)]),
    "silent modem: ring gap": (
        [ring(0), clip(0.1), ring(5), clip(5.1), tick(13.09), tick(13.1)],
        [missed(A, 2, "ring-gap", 0, 13.1)]),
    "silent modem, late tick: ended when the gap ran out": (
        [ring(0), clip(0.1), ring(5), tick(40)],
        [missed(A, 2, "ring-gap", 0, 13)]),
    "only +CLIP lines, no RING": (
        [clip(0), clip(5), clip(10), end(11, "NO CARRIER")],
        [missed(A, 3, "NO CARRIER", 0, 11)]),
    "RING without caller id": (
        [ring(0), ring(5), end(6, "NO CARRIER")],
        [missed(None, 2, "NO CARRIER", 0, 6)]),
    "caller id from the end code": (
        [ring(0), ring(5), end(6, "MISSED_CALL", A)],
        [CallMissed(A, None, t(0), t(6), 2, "MISSED_CALL")]),
}


@pytest.mark.parametrize("steps, expected", DIALECTS.values(), ids=DIALECTS.keys())
def test_one_missed_call_per_ringing_episode(steps, expected):
    assert run(steps) == expected


# --- withheld numbers -------------------------------------------------------------------------

WITHHELD = {
    "validity 1 (withheld)": ([ring(0), clip(0.1, "", 128, 1), end(5, "NO CARRIER")],
                              [missed(None, 1, "NO CARRIER", 0, 5)]),
    "validity 2 (unavailable)": ([ring(0), clip(0.1, "", 128, 2), end(5, "NO CARRIER")],
                                 [missed(None, 1, "NO CARRIER", 0, 5)]),
    "validity 1 with digits": ([ring(0), clip(0.1, A, 145, 1), end(5, "NO CARRIER")],
                               [missed(None, 1, "NO CARRIER", 0, 5)]),
    "empty number": ([ring(0), clip(0.1, "  ", 129, 0), end(5, "NO CARRIER")],
                     [missed(None, 1, "NO CARRIER", 0, 5)]),
    "no digits in the number": ([ring(0), clip(0.1, "Unknown", 129, 0), end(5, "NO CARRIER")],
                                [missed(None, 1, "NO CARRIER", 0, 5)]),
    "withheld then a number (e.g. +CLCC before +CLIP)": (
        [ring(0), clip(0.1, "", 128, 0), clip(0.2, A, 145), end(5, "NO CARRIER")],
        [missed(A, 1, "NO CARRIER", 0, 5)]),
    "a number then an empty line keeps the number": (
        [ring(0), clip(0.1, A, 145), clip(4, "", 128, 0), ring(4), end(5, "NO CARRIER")],
        [missed(A, 2, "NO CARRIER", 0, 5)]),
    "withheld call's MISSED_CALL cannot reveal it": (
        [ring(0), clip(0.1, "", 128, 1), end(5, "MISSED_CALL", A)],
        [missed(None, 1, "MISSED_CALL", 0, 5)]),
}


@pytest.mark.parametrize("steps, expected", WITHHELD.values(), ids=WITHHELD.keys())
def test_withheld_callers(steps, expected):
    assert run(steps) == expected


def test_withheld_shows_in_ringing():
    detector = MissedCallDetector()
    detector.observe(RingSeen(at=t(0)), t(0))
    detector.observe(CallerIdSeen(at=t(0.1), number="", number_type=128, validity=1), t(0.1))
    assert detector.ringing == Ringing(None, None, t(0), 1, True)


# --- several calls, and end codes that belong to no call -------------------------------------

SEQUENCES = {
    "same number twice, minutes apart": (
        [ring(0), clip(0.1), end(5, "NO CARRIER"), ring(60), clip(60.1), end(65, "NO CARRIER")],
        [missed(A, 1, "NO CARRIER", 0, 5), missed(A, 1, "NO CARRIER", 60, 65)]),
    "called back right after the ring gap": (
        [clip(0), ring(0), tick(8), clip(20), ring(20), tick(28)],
        [missed(A, 1, "ring-gap", 0, 8), missed(A, 1, "ring-gap", 20, 28)]),
    "a RING after the gap without a tick": (
        [ring(0), clip(0.1), ring(20), clip(20.1), end(21, "NO CARRIER")],
        [missed(A, 1, "ring-gap", 0, 8.1), missed(A, 1, "NO CARRIER", 20, 21)]),
    "another number while ringing": (
        [ring(0), clip(0.1, A), ring(3), clip(3.1, B), end(6, "NO CARRIER")],
        [missed(A, 2, "new-caller", 0, 3.1), missed(B, 1, "NO CARRIER", 3.1, 6)]),
    "end codes while idle": (
        [end(0, "NO CARRIER"), end(1, "^CEND"), end(2, "VOICE CALL: END"), tick(30)],
        []),
    "MISSED_CALL after the ring gap closed it": (
        [ring(0), clip(0), tick(8), end(9, "MISSED_CALL", "15551234567"), tick(30)],
        [missed(A, 1, "ring-gap", 0, 8)]),
    "MISSED_CALL in national form after the ring gap": (
        [ring(0), clip(0, "+447700900123"), tick(8), end(20, "MISSED_CALL", "07700900123")],
        [missed("+447700900123", 1, "ring-gap", 0, 8)]),
    "MISSED_CALL after a ring gap that never saw caller id": (
        [ring(0), tick(8), end(9, "MISSED_CALL", A)],
        [missed(None, 1, "ring-gap", 0, 8)]),
    "another caller's MISSED_CALL 40 s after a withheld call": (
        [ring(0), clip(0.1, "", 128, 1), tick(9), end(40, "MISSED_CALL", B)],
        [missed(None, 1, "ring-gap", 0, 8.1), CallMissed(B, None, t(40), t(40), 0, "MISSED_CALL")]),
    "another caller's MISSED_CALL 30 s after a call that never learnt a number": (
        [ring(0), ring(4), tick(12), end(42, "MISSED_CALL", B)],
        [missed(None, 2, "ring-gap", 0, 12), CallMissed(B, None, t(42), t(42), 0, "MISSED_CALL")]),
    "a withheld call's late end code with the hidden number": (
        [ring(0), clip(0.1, A, 145, 1), tick(9), end(12, "MISSED_CALL", A), tick(60)],
        [missed(None, 1, "ring-gap", 0, 8.1)]),
    "+CLCC state 6 then NO CARRIER": (
        [ring(0), clip(0.1), end(5, "+CLCC", A, 145), end(5.1, "NO CARRIER"),
         end(5.2, "+CLCC", A, 145)],
        [missed(A, 1, "+CLCC", 0, 5)]),
    "MISSED_CALL with nothing before it (RINGs lost)": (
        [end(3, "MISSED_CALL", A)],
        [CallMissed(A, None, t(3), t(3), 0, "MISSED_CALL")]),
    "MISSED_CALL for a different number right after a call": (
        [ring(0), clip(0.1, A), end(5, "NO CARRIER"), end(6, "MISSED_CALL", B)],
        [missed(A, 1, "NO CARRIER", 0, 5), CallMissed(B, None, t(6), t(6), 0, "MISSED_CALL")]),
    "MISSED_CALL for the same number long after": (
        [ring(0), clip(0.1, A), end(5, "NO CARRIER"), end(300, "MISSED_CALL", A)],
        [missed(A, 1, "NO CARRIER", 0, 5), CallMissed(A, None, t(300), t(300), 0, "MISSED_CALL")]),
    "late MISSED_CALL of the last call while the next one rings": (
        [ring(0), clip(0, A), end(5, "NO CARRIER"), ring(6), clip(6, B),
         end(6.5, "MISSED_CALL", A), ring(10), end(11, "NO CARRIER")],
        [missed(A, 1, "NO CARRIER", 0, 5), missed(B, 2, "NO CARRIER", 6, 11)]),
    "MISSED_CALL of an unseen caller while another one rings": (
        [ring(0), clip(0, B), end(2, "MISSED_CALL", A), ring(5), end(6, "NO CARRIER")],
        [CallMissed(A, None, t(2), t(2), 0, "MISSED_CALL"), missed(B, 2, "NO CARRIER", 0, 6)]),
    "end code with a digit-less number while idle": (
        [end(0, "MISSED_CALL", "Unknown"), end(1, "MISSED_CALL", ""), tick(30)],
        []),
    "other events are ignored": (
        [("event", 0, SmsStored(at=t(0), memory="SM", index=1)), tick(30)],
        []),
}


@pytest.mark.parametrize("steps, expected", SEQUENCES.values(), ids=SEQUENCES.keys())
def test_call_sequences(steps, expected):
    assert run(steps) == expected


# --- forwarded calls (+CSSU: 0) ---------------------------------------------------------------

FORWARDED = {
    "+CSSU while ringing": ([ring(0), cssu(0.05), clip(0.1), end(5, "NO CARRIER")], True),
    "+CSSU before the first RING": ([cssu(0), ring(0.05), clip(0.1), end(5, "NO CARRIER")], True),
    "no +CSSU: modem did not say": ([ring(0), clip(0.1), end(5, "NO CARRIER")], None),
    "stale +CSSU long before": ([cssu(0), ring(60), clip(60.1), end(65, "NO CARRIER")], None),
}


@pytest.mark.parametrize("steps, forwarded", FORWARDED.values(), ids=FORWARDED.keys())
def test_forwarded(steps, forwarded):
    (call,) = run(steps)
    assert call.forwarded is forwarded


def test_forwarded_does_not_leak_into_the_next_call():
    calls = run([ring(0), cssu(0.05), clip(0.1), end(5, "NO CARRIER"),
                 ring(30), clip(30.1), end(35, "NO CARRIER")])
    assert [c.forwarded for c in calls] == [True, None]


# --- declining and the ringing view -----------------------------------------------------------

DECLINED = {
    "declined, then the modem's own end codes": (
        [ring(0), clip(0.1), ring(5), decline(10), end(10.1, "NO CARRIER"),
         end(10.2, "MISSED_CALL", A), tick(30)],
        [missed(A, 2, "declined", 0, 10)]),
    "declined while idle": ([decline(0), tick(30)], []),
    "declined twice": ([ring(0), clip(0.1), decline(3), decline(3.1)],
                       [missed(A, 1, "declined", 0, 3)]),
}


@pytest.mark.parametrize("steps, expected", DECLINED.values(), ids=DECLINED.keys())
def test_declined(steps, expected):
    assert run(steps) == expected


def test_ringing_view_follows_the_episode():
    detector = MissedCallDetector(ring_gap=timedelta(seconds=8))
    assert detector.ringing is None
    detector.observe(CallerIdSeen(at=t(0), number=A, number_type=145), t(0))
    assert detector.ringing == Ringing(A, 145, t(0), 1, False)      # a +CLIP alone counts
    detector.observe(RingSeen(at=t(0.1)), t(0.1))
    detector.observe(CallerIdSeen(at=t(5), number=A, number_type=145), t(5))
    detector.observe(RingSeen(at=t(5.1)), t(5.1))
    assert detector.ringing == Ringing(A, 145, t(0), 2, False)      # RINGs, once per ring
    assert detector.tick(t(13)) == []
    assert detector.ringing is not None
    detector.tick(t(13.1))
    assert detector.ringing is None


def test_caller_id_lines_keep_the_call_alive_like_rings():
    # Modems that send only +CLIP: each one is a ring, so the gap counts from the last one.
    assert run([clip(0), clip(6), clip(12), tick(19.9), tick(20)]) == [
        missed(A, 3, "ring-gap", 0, 20)]


def test_ring_gap_is_configurable():
    detector = MissedCallDetector(ring_gap=timedelta(seconds=2))
    assert run([ring(0), tick(1.9), tick(2)], detector) == [missed(None, 1, "ring-gap", 0, 2)]
