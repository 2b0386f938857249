"""Missed-call detection with the modem's list of current calls (AT+CLCC, asked while a call
rings): calls that end when the list stops showing them, callers named only by the list, and
lists that must not end, or keep alive, a call they say nothing about."""
import pytest

from appliance.core.domain import CallListSeen, ListedCall, RingSeen
from tests.appliance.core.test_calls import A, B, clip, end, missed, ring, run, t, tick


def listing(s, *calls, asked=None):
    """The answer to an AT+CLCC asked at `asked` (default just before `s`); each call is
    (state, number) for an incoming call, or (state, number, False) for an outgoing one."""
    listed = tuple(ListedCall(1, True if len(c) < 3 else c[2], c[0], c[1],
                              145 if c[1] else 128) for c in calls)
    asked_at = t(s - 0.02 if asked is None else asked)
    return ("event", s, CallListSeen(at=t(s), asked_at=asked_at, calls=listed))


def cring(s, number=A, number_type=145):
    return ("event", s, RingSeen(at=t(s), number=number, number_type=number_type))


# --- the modem's list of current calls (AT+CLCC, asked while a call rings) -------------------

CALL_LIST = {
    "plain 27.007 modem: gone from the list ends it": (
        [ring(0), clip(0.1), listing(0.2, (4, A)), listing(1.2, (4, A)), ring(4),
         listing(5.2), tick(30)],
        [missed(A, 2, "AT+CLCC", 0, 5.2)]),
    "shown released ends it": (
        [ring(0), clip(0.1), listing(0.2, (4, A)), listing(1.2, (6, A))],
        [missed(A, 1, "AT+CLCC", 0, 1.2)]),
    "released even before it was ever listed": (
        [ring(0), listing(0.2, (6, A))],
        [missed(None, 1, "AT+CLCC", 0, 0.2)]),
    "no +CLIP at all: the number comes from the list": (
        [ring(0), listing(0.1, (4, A)), ring(5), end(6, "NO CARRIER")],
        [missed(A, 2, "NO CARRIER", 0, 6)]),
    "+CLIP only with the first ring, the list agrees": (
        [ring(0), clip(0.1), listing(0.2, (4, A)), ring(5), listing(5.2, (4, A)),
         listing(6.2)],
        [missed(A, 2, "AT+CLCC", 0, 6.2)]),
    "a list that never shows incoming calls ends nothing": (
        [ring(0), clip(0.1), listing(0.2), listing(1.2), ring(5), end(6, "NO CARRIER")],
        [missed(A, 2, "NO CARRIER", 0, 6)]),
    "a list asked before the call began says nothing about it": (
        [ring(0), clip(0.1), listing(0.3, (4, B), asked=-0.5), listing(0.4, asked=-0.4),
         end(5, "NO CARRIER")],
        [missed(A, 1, "NO CARRIER", 0, 5)]),
    "only an outgoing call listed: the incoming one is over": (
        [ring(0), listing(0.2, (4, A)), listing(1.2, (0, B, False))],
        [missed(A, 1, "AT+CLCC", 0, 1.2)]),
    "someone else listed: a new call": (
        [ring(0), clip(0.1, A), listing(0.2, (4, A)), listing(3.2, (4, B)), listing(4.2)],
        [missed(A, 1, "AT+CLCC", 0, 3.2), missed(B, 0, "AT+CLCC", 3.2, 4.2)]),
    "withheld +CLIP but the list has the number": (
        [ring(0), clip(0.1, "", 128, 1), listing(0.2, (4, A)), listing(1.2)],
        [missed(A, 1, "AT+CLCC", 0, 1.2)]),
    "withheld everywhere stays withheld": (
        [ring(0), clip(0.1, "", 128, 1), listing(0.2, (4, "")), listing(1.2)],
        [missed(None, 1, "AT+CLCC", 0, 1.2)]),
    "a list while idle starts nothing": (
        [listing(0.2, (4, A)), listing(1.2), tick(30)],
        []),
    "+CRING with the number": (
        [cring(0), cring(5), end(6, "NO CARRIER")],
        [missed(A, 2, "NO CARRIER", 0, 6)]),
}


@pytest.mark.parametrize("steps, expected", CALL_LIST.values(), ids=CALL_LIST.keys())
def test_the_call_list_ends_calls_and_names_callers(steps, expected):
    assert run(steps) == expected


def test_a_call_list_is_not_a_ring():
    """Lists every second must not keep a call alive: the ring gap still runs from the last
    RING, and the list does not count rings."""
    steps = [ring(0), clip(0.1)] + [listing(s, (4, A)) for s in range(1, 12)] + [tick(12)]
    assert run(steps) == [missed(A, 1, "ring-gap", 0, 8.1)]
