"""The outbox state machine over a real Store: backoff, giving up, restarts, never twice."""
from datetime import datetime, timedelta, timezone

import pytest

from appliance.core.domain import SendText
from appliance.sending.outbox import BACKOFF, MAX_ATTEMPTS, Outbox, retry_delay
from appliance.storage.store import Store

UTC = timezone.utc
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
A, B = "+12015550123", "+14155552671"


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path, clock=lambda: NOW)
    yield s
    s.close()


@pytest.fixture
def outbox(store):
    return Outbox(store, clock=lambda: NOW)


def text(to=A, kind="textback", call_id="c-202611-aaaaaaaaaaaa"):
    return SendText(to=to, text="Hey, sorry I missed your call", kind=kind, call_id=call_id)


def test_a_queued_text_is_due_at_once_and_kept_on_disk(tmp_path, outbox):
    item = outbox.queue(text(), NOW, "m-202611-bbbbbbbbbbbb")

    assert item.id.startswith("o-") and item.status == "queued"
    assert (item.to, item.kind, item.message_id, item.attempts) == (
        A, "textback", "m-202611-bbbbbbbbbbbb", 0)
    assert [i.id for i in outbox.due(NOW)] == [item.id]
    reopened = Outbox(Store(tmp_path))
    assert [i.id for i in reopened.due(NOW)] == [item.id]


def test_due_items_come_oldest_first(outbox):
    second = outbox.queue(text(B), NOW + timedelta(seconds=1), None)
    first = outbox.queue(text(A), NOW, None)

    assert [i.id for i in outbox.due(NOW + timedelta(seconds=5))] == [first.id, second.id]
    assert [i.id for i in outbox.due(NOW)] == [first.id]


EXPECTED_BACKOFF = [
    (1, timedelta(seconds=10)), (2, timedelta(seconds=30)), (3, timedelta(minutes=2)),
    (4, timedelta(minutes=5)), (5, timedelta(minutes=15)), (6, timedelta(minutes=30)),
    (7, timedelta(hours=1)),
]


@pytest.mark.parametrize("attempt, delay", EXPECTED_BACKOFF)
def test_retry_delay_table(attempt, delay):
    assert retry_delay(attempt) == delay


def test_retry_delay_is_capped_at_an_hour():
    assert retry_delay(20) == timedelta(hours=1)
    assert BACKOFF[-1] == timedelta(hours=1) and MAX_ATTEMPTS == 8


def test_failed_tries_back_off_then_give_up_after_eight(outbox):
    item = outbox.queue(text(), NOW, None)
    now = NOW
    for attempt, delay in EXPECTED_BACKOFF:
        updated = outbox.mark_retry(item.id, "+CMS ERROR: 500", now)
        assert (updated.status, updated.attempts) == ("queued", attempt)
        assert outbox.due(now + delay - timedelta(microseconds=1)) == []
        now = now + delay
        assert [i.id for i in outbox.due(now)] == [item.id]

    final = outbox.mark_retry(item.id, "+CMS ERROR: 500", now)

    assert (final.status, final.attempts, final.last_error) == (
        "failed", 8, "+CMS ERROR: 500")
    assert outbox.due(now + timedelta(days=1)) == []
    assert outbox.counts() == {"queued": 0, "failed": 1, "unconfirmed": 0}


def test_a_sent_text_stays_until_recorded_then_leaves_the_outbox(outbox, store):
    item = outbox.queue(text(), NOW, "m-202611-bbbbbbbbbbbb")
    outbox.mark_submitting(item.id)

    done = outbox.mark_sent(item.id, [17, 18])

    assert (done.status, done.references, done.message_id) == (
        "sent", [17, 18], "m-202611-bbbbbbbbbbbb")
    assert outbox.due(NOW + timedelta(days=1)) == []          # never sent again
    assert outbox.counts() == {"queued": 0, "failed": 0, "unconfirmed": 0}
    assert outbox.finish(item.id) is True
    assert store.outbox_items() == []
    assert outbox.mark_sent(item.id, [1]) is None


def test_an_unconfirmed_text_is_never_due_again(outbox):
    item = outbox.queue(text(), NOW, None)
    outbox.mark_submitting(item.id)

    outbox.mark_unconfirmed(item.id, "no answer after Ctrl-Z")
    outbox.recover_after_restart(NOW + timedelta(minutes=1))

    assert outbox.due(NOW + timedelta(days=2)) == []
    assert outbox.get(item.id).status == "unconfirmed"
    assert outbox.counts() == {"queued": 0, "failed": 0, "unconfirmed": 1}


def test_recovery_after_a_restart(tmp_path):
    before = Outbox(Store(tmp_path))
    picked = before.queue(text(A), NOW, None)
    submitting = before.queue(text(B), NOW, None)
    before.mark_submitting(submitting.id)
    waiting = before.queue(text("+12125550199"), NOW, None)
    later = NOW + timedelta(minutes=3)

    # The box restarts: a new Store and Outbox over the same files.
    after = Outbox(Store(tmp_path))
    changed = after.recover_after_restart(later)

    assert changed == {"unconfirmed": 1, "pruned": 0}
    assert [i.id for i in after.due(later)] == [picked.id, waiting.id]
    assert after.get(submitting.id).status == "unconfirmed"   # may have gone: never resent
    assert after.counts() == {"queued": 2, "failed": 0, "unconfirmed": 1}


def test_dead_items_are_pruned_after_a_week(outbox):
    failed = outbox.queue(text(), NOW, None)
    for _ in range(MAX_ATTEMPTS):
        outbox.mark_retry(failed.id, "refused", NOW)
    queued = outbox.queue(text(B), NOW, None)

    assert outbox.prune(NOW + timedelta(days=6)) == 0
    assert outbox.counts() == {"queued": 1, "failed": 1, "unconfirmed": 0}
    newer = outbox.queue(text(), NOW + timedelta(days=8), None)   # queueing prunes too
    assert [i.id for i in outbox.items()] == [queued.id, newer.id]


def test_counts_include_items_being_sent(outbox):
    first = outbox.queue(text(), NOW, None)
    outbox.queue(text(B), NOW, None)
    outbox.mark_submitting(first.id)
    assert outbox.counts() == {"queued": 2, "failed": 0, "unconfirmed": 0}


def test_unknown_items_are_reported_not_fatal(outbox):
    assert outbox.mark_retry("o-202611-000000000000", "x", NOW) is None
    assert outbox.mark_submitting("o-202611-000000000000") is None
    assert outbox.finish("o-202611-000000000000") is False
