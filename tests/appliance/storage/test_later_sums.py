"""Follow-ups and review requests in Results' saved month sums (real TinyDB files in tmp_path):
counted on their day, a reply after a follow-up counted on the follow-up's day even across the
month's end, a failed one not counted, and sums saved before these counts existed counted again."""
import json
from datetime import date

from tests.appliance.storage.test_month_sums import A, B, call, ny, reply, saved_months, store

__all__ = ["store"]         # the fixture


def sent(store, number, at, kind="follow_up"):
    return store.add_message({"number": number, "direction": "out", "text": "still need help?",
                              "at": at, "kind": kind, "status": "sent"})


def test_follow_ups_and_their_replies_count_in_saved_months_and_late_changes_show(
        store, tmp_path):
    call(store, A, ny(11, 20))
    sent(store, A, ny(11, 20, 16))
    call(store, B, ny(11, 29))
    late = sent(store, B, ny(11, 30, 10))
    sent(store, B, ny(11, 30, 11), kind="review_request")
    counts = store.day_counts(date(2026, 11, 1), date(2026, 11, 30))
    assert counts[date(2026, 11, 20)][3:] == [1, 0, 0]
    assert counts[date(2026, 11, 30)][3:] == [1, 0, 1]
    assert saved_months(tmp_path) == ["2026-11"]

    reply(store, B, ny(12, 1))          # answers November's last follow-up
    assert saved_months(tmp_path) == []
    counts = store.day_counts(date(2026, 11, 1), date(2026, 11, 30))
    assert counts[date(2026, 11, 30)][3:] == [1, 1, 1]

    store.update_message(late.id, status="failed")
    assert saved_months(tmp_path) == []
    counts = store.day_counts(date(2026, 11, 1), date(2026, 11, 30))
    assert counts[date(2026, 11, 30)][3:] == [0, 0, 1]


def test_sums_saved_before_the_box_counted_follow_ups_are_counted_again(store, tmp_path):
    call(store, A, ny(11, 20))
    sent(store, A, ny(11, 20, 16))
    store.day_counts(date(2026, 11, 1), date(2026, 11, 30))
    path = tmp_path / "results-sums.json"
    saved = json.loads(path.read_text())
    for month in saved["months"].values():          # as an older box wrote them
        month["days"] = {day: counts[:3] for day, counts in month["days"].items()}
    path.write_text(json.dumps(saved))
    store.close()
    again = type(store)(tmp_path, clock=store.db.clock)
    try:
        assert again.day_counts(date(2026, 11, 1), date(2026, 11, 30))[date(2026, 11, 20)] == \
            [1, 1, 0, 1, 0, 0]
    finally:
        again.close()
