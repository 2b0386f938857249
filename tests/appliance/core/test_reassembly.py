"""appliance.reassembly: long texts put back together from parts in any order, or given up on."""
import json
from datetime import datetime, timedelta, timezone

import pytest

from appliance.core import reassembly
from appliance.core.domain import Concat, IncomingText

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
ALICE, BOB = "+447400123456", "+12125551234"
PIECES = {1: "Burst pipe under the ki", 2: "tchen sink, water every", 3: "where. Can you come?"}
WHOLE = "".join(PIECES[n] for n in (1, 2, 3))


def part(n, total=3, sender=ALICE, reference=42, text=None, sent_at=None):
    return IncomingText(sender=sender, sender_type=145, text=PIECES[n] if text is None else text,
                        sent_at=sent_at, concat=Concat(reference=reference, part=n, total=total))


def feed(texts, pending=None, start=T0, step=timedelta(seconds=1)):
    """Add texts one by one (through JSON, as the store keeps them); return pending + results."""
    pending, results = list(pending or []), []
    for i, text in enumerate(texts):
        pending, done = reassembly.add_part(json.loads(json.dumps(pending)), text, start + i * step)
        results.append(done)
    return pending, results


@pytest.mark.parametrize("order", [(1, 2, 3), (3, 1, 2), (2, 3, 1), (3, 2, 1)])
def test_three_parts_in_any_order(order):
    pending, results = feed([part(n) for n in order])
    assert results[:-1] == [None, None]
    assert results[-1].text == WHOLE
    assert results[-1].parts_missing == []
    assert results[-1].sender == ALICE and results[-1].sender_type == 145
    assert pending == []


@pytest.mark.parametrize("order", [(1, 2), (2, 1)])
def test_two_parts_in_any_order(order):
    texts = [part(n, total=2, text=("Hello wor", "ld")[n - 1]) for n in order]
    pending, results = feed(texts)
    assert results[0] is None
    assert results[1].text == "Hello world"
    assert pending == []


def test_pending_part_is_json_and_new_part_is_last():
    pending, _ = feed([part(2, sent_at=T0 - timedelta(seconds=3))])
    pending, done = reassembly.add_part(pending, part(3), T0 + timedelta(seconds=2))
    assert done is None
    assert json.loads(json.dumps(pending)) == pending
    assert pending[-1]["part"] == 3
    assert pending[0] == {
        "key": reassembly.part_key(part(2)), "sender": ALICE, "sender_type": 145,
        "reference": 42, "part": 2, "total": 3, "text": PIECES[2],
        "sent_at": (T0 - timedelta(seconds=3)).isoformat(), "received_at": T0.isoformat()}


def test_duplicate_parts_are_ignored():
    pending, results = feed([part(1), part(1), part(3), part(3)])
    assert results == [None, None, None, None]
    assert sorted(p["part"] for p in pending) == [1, 3]
    pending, done = reassembly.add_part(pending, part(2), T0 + timedelta(seconds=9))
    assert done.text == WHOLE
    assert pending == []


def test_sixteen_bit_references_are_not_cut_to_eight_bits():
    # 0x12EF and 0xEF share their low byte; they are two different messages.
    texts = [part(1, reference=0x12EF), part(1, reference=0xEF, text="Other one, part 1. "),
             part(2, reference=0x12EF), part(3, reference=0x12EF)]
    pending, results = feed(texts)
    assert results[-1].text == WHOLE
    assert [p["reference"] for p in pending] == [0xEF]


def test_two_senders_with_the_same_reference_stay_apart():
    bob = {1: "Hi, this is Bob. ", 2: "No heat since last night."}
    texts = [part(1, sender=ALICE), part(2, total=2, sender=BOB, text=bob[2]),
             part(2, sender=ALICE), part(1, total=2, sender=BOB, text=bob[1]), part(3, sender=ALICE)]
    pending, results = feed(texts)
    done = [r for r in results if r is not None]
    assert [(d.sender, d.text) for d in done] == [(BOB, bob[1] + bob[2]), (ALICE, WHOLE)]
    assert pending == []


def test_same_reference_with_different_totals_are_different_messages():
    pending, results = feed([part(1, total=3), part(2, total=2, text="x")])
    assert results == [None, None]
    assert len({p["key"] for p in pending}) == 2


def test_sent_at_is_the_earliest_part_timestamp():
    stamps = {1: T0 - timedelta(seconds=5), 2: T0 - timedelta(seconds=6), 3: None}
    _, results = feed([part(n, sent_at=stamps[n]) for n in (1, 2, 3)])
    assert results[-1].sent_at == T0 - timedelta(seconds=6)


@pytest.mark.parametrize("received, missing, text", [
    ((1, 3), [2], PIECES[1] + " [part 2 of 3 missing] " + PIECES[3]),
    ((2, 3), [1], "[part 1 of 3 missing] " + PIECES[2] + PIECES[3]),
    ((1, 2), [3], PIECES[1] + PIECES[2] + " [part 3 of 3 missing]"),
    ((3,), [1, 2], "[part 1 of 3 missing] [part 2 of 3 missing] " + PIECES[3]),
])
def test_missing_part_is_marked_after_the_timeout(received, missing, text):
    pending, _ = feed([part(n) for n in received])
    timeout = timedelta(minutes=5)
    still, given_up = reassembly.expire(pending, T0 + timeout, timeout=timeout)
    assert (still, given_up) == (pending, [])
    still, given_up = reassembly.expire(pending, T0 + timeout + timedelta(seconds=1), timeout)
    assert still == []
    assert [(g.text, g.parts_missing, g.sender) for g in given_up] == [(text, missing, ALICE)]
    assert given_up[0].key == pending[0]["key"]


def test_expire_keeps_recent_messages_and_answers_oldest_first():
    pending, _ = feed([part(1, reference=1)], start=T0)
    pending, _ = feed([part(1, reference=2)], pending, start=T0 - timedelta(minutes=2))
    pending, _ = feed([part(1, reference=3)], pending, start=T0 + timedelta(minutes=9))
    still, given_up = reassembly.expire(pending, T0 + timedelta(minutes=10))
    assert [p["reference"] for p in still] == [3]
    assert [g.key for g in given_up] == [f"{ALICE}|2|3", f"{ALICE}|1|3"]


def test_default_timeout_is_minutes_not_seconds():
    pending, _ = feed([part(1)])
    assert reassembly.expire(pending, T0 + timedelta(seconds=90))[1] == []
    assert reassembly.expire(pending, T0 + timedelta(hours=1))[1] != []


def test_text_without_header_comes_straight_back():
    text = IncomingText(sender=BOB, sender_type=145, text="Are you open Sunday?", sent_at=T0)
    pending, done = reassembly.add_part([{"key": "other"}], text, T0)
    assert pending == [{"key": "other"}]
    assert (done.text, done.sent_at, done.parts_missing) == ("Are you open Sunday?", T0, [])


@pytest.mark.parametrize("concat", [Concat(9, 1, 1), Concat(9, 0, 3), Concat(9, 4, 3)])
def test_odd_headers_are_delivered_not_dropped(concat):
    text = IncomingText(sender=BOB, sender_type=145, text="Call me back", sent_at=T0, concat=concat)
    pending, done = reassembly.add_part([], text, T0)
    assert pending == []
    assert done.text == "Call me back"
