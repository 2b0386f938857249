"""The store while changes wait in memory for disk space (a full card), on real files: when
the box counts the disk as full, what it never does with changes that are not on disk (send a
text whose `submitting` is memory-only, trust a month's index or save month sums that a power
cut could contradict), and what closing says it loses."""
import logging
from datetime import date, datetime, timedelta, timezone

import pytest

from appliance.storage.disk import Disk
from appliance.storage.journal import DiskFull, Journal
from appliance.storage.store import Store
from appliance.storage.upkeep import Upkeep
from tests.appliance.storage.full_card import FullCard
from tests.helpers import Clock

NOW = datetime(2026, 12, 10, 12, tzinfo=timezone.utc)
A = "+12125551234"
MB = 1024 * 1024



def full_store(tmp_path, card, **options) -> Store:
    return Store(tmp_path, clock=Clock(NOW), journal=Journal(tmp_path, write=card.write),
                 **options)


def test_the_disk_counts_as_full_below_one_megabyte_and_fine_again_at_four(tmp_path):
    free = {"bytes": 2 * MB}
    store = Store(tmp_path, clock=Clock(NOW))
    upkeep = Upkeep(store, Disk(tmp_path, free=lambda folder: free["bytes"]), Clock(NOW))

    upkeep.check_disk()
    assert not upkeep.full and not store.journal.full      # 2 MB free: written as usual
    free["bytes"] = MB - 1
    upkeep.check_disk()
    assert upkeep.full and store.journal.full              # held in memory from now
    store.add_call({"number": A, "started_at": NOW})
    assert not store.make_durable()                        # and says so
    free["bytes"] = 3 * MB
    upkeep.check_disk()
    assert upkeep.full                                     # no flapping around one threshold
    free["bytes"] = 4 * MB
    upkeep.check_disk()
    assert not upkeep.full and store.make_durable()
    assert len(Store(tmp_path, clock=Clock(NOW)).calls(limit=None)) == 1


def test_a_text_whose_submitting_mark_cannot_be_written_is_not_sent(tmp_path):
    card = FullCard()
    store = full_store(tmp_path, card)          # make_room finds no reserve left
    item = store.outbox_put({"to": A, "text": "Sorry we missed you", "status": "queued"})
    card.full = True
    store.outbox_update(item.id, attempts=1)   # harmless in memory: nothing went out

    with pytest.raises(DiskFull):
        store.outbox_update(item.id, status="submitting")

    card.full = False
    assert store.flush_waiting()
    assert store.outbox_update(item.id, status="submitting").status == "submitting"


def test_an_old_month_changed_while_held_is_not_read_through_its_stale_index(tmp_path):
    store = Store(tmp_path, clock=Clock(NOW))
    sent = store.add_message({"number": A, "direction": "out", "text": "October",
                              "at": datetime(2026, 10, 3, tzinfo=timezone.utc)})
    september = store.add_message({"number": "+12125559876", "direction": "out", "text": "Sep",
                                   "at": datetime(2026, 9, 3, tzinfo=timezone.utc)})
    store.add_message({"number": A, "direction": "in", "text": "December", "at": NOW})
    store.close()                                   # October written and indexed
    card = FullCard()
    store = full_store(tmp_path, card, open_bytes=0)   # no old month stays parsed
    card.full = True
    store.hold_changes()

    store.update_message(sent.id, status="delivered")
    assert store.get_message(september.id)       # September opened: October let go

    assert store.journal.backlog
    assert "messages-2026-10.json" not in store.db.monthly.open_names()
    assert [m.status for m in store.messages_for(A) if m.text == "October"] == [
        "delivered"]


def test_month_sums_are_not_saved_while_what_they_count_waits_in_memory(tmp_path):
    card = FullCard()
    store = full_store(tmp_path, card)
    store.add_call({"number": A, "started_at": datetime(2026, 10, 3, 15, tzinfo=timezone.utc),
                    "outcome": "texted"})
    store.hold_changes()
    store.add_call({"number": A, "started_at": datetime(2026, 10, 4, 15, tzinfo=timezone.utc),
                    "outcome": "texted"})
    october = (date(2026, 10, 1), date(2026, 10, 31))

    counted = store.day_counts(*october)

    assert sum(day[0] for day in counted.values()) == 2
    assert not (tmp_path / "results-sums.json").exists()
    assert store.flush_waiting()
    assert store.day_counts(*october) == counted
    assert (tmp_path / "results-sums.json").exists()


def test_closing_with_changes_waiting_says_they_are_lost(tmp_path, caplog):
    card = FullCard()
    store = full_store(tmp_path, card)
    store.add_call({"number": A, "started_at": NOW - timedelta(minutes=5)})
    card.full = True
    store.add_call({"number": A, "started_at": NOW})
    assert store.journal.backlog

    with caplog.at_level(logging.ERROR):
        store.close()

    assert "still waiting in memory" in caplog.text and "lost" in caplog.text
    assert "the journal keeps the changes" not in caplog.text
    assert len(Store(tmp_path, clock=Clock(NOW)).calls(limit=None)) == 1
