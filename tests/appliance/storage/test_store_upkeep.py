"""The store's housekeeping on real files: checkpoints a file at a time (changes made meanwhile
kept; a file that cannot be rewritten carried on in the journal), an event log that stays
bounded (old months go, repeats are folded)."""
from datetime import datetime, timedelta, timezone

from appliance.storage.journal import Journal
from appliance.storage.store import Store
from tests.helpers import Clock

NOW = datetime(2026, 11, 27, 12, tzinfo=timezone.utc)
A = "+12125551234"


def test_a_checkpoint_runs_a_file_at_a_time_and_keeps_changes_made_meanwhile(tmp_path):
    store = Store(tmp_path, clock=Clock(NOW), journal=Journal(tmp_path, limit=4000))
    for i in range(20):
        store.add_message({"number": A, "direction": "out", "text": f"text {i}",
                           "at": NOW - timedelta(days=40 - i)})
        store.add_call({"number": A, "started_at": NOW - timedelta(days=40 - i)})
    assert store.journal.due()

    assert store.upkeep_step()                       # the journal set aside, one file written
    store.add_call({"number": A, "started_at": NOW})  # meanwhile
    steps = 1
    while store.upkeep_step():
        steps += 1

    assert steps == 5                 # one step per file: four months and A's contact file
    assert not (tmp_path / "journal.prev.jsonl").exists()
    assert (tmp_path / "journal.jsonl").stat().st_size < 1000      # only the change meanwhile
    assert sorted(p.name for p in tmp_path.glob("*-2026-1*.json")) == [
        "calls-2026-10.json", "calls-2026-11.json", "messages-2026-10.json",
        "messages-2026-11.json"]
    again = Store(tmp_path, clock=Clock(NOW))
    assert len(again.calls(limit=None)) == 21 and len(again.messages_for(A)) == 20
    assert not store.upkeep_step()                   # nothing more to do


def test_old_event_log_months_go_unless_their_changes_wait_in_the_journal(tmp_path):
    store = Store(tmp_path, clock=Clock(NOW))
    for month in range(3, 12):
        store.log_event("modem", f"month {month}", at=datetime(2026, month, 2,
                                                               tzinfo=timezone.utc))
    store.close()
    store = Store(tmp_path, clock=Clock(NOW))
    store.log_event("modem", "late", at=datetime(2026, 4, 3, tzinfo=timezone.utc))

    gone = store.prune_events(6)

    assert gone == ["events-2026-03.json", "events-2026-05.json"]     # April still in journal
    assert [e["text"] for e in store.events()][:6] == [f"month {m}" for m in range(11, 5, -1)]
    assert not (tmp_path / "events-2026-03.json").exists()
    store.close()                                    # April's change is in its file now
    assert Store(tmp_path, clock=Clock(NOW)).prune_events(6) == ["events-2026-04.json"]


def test_an_event_repeated_within_minutes_is_written_once_then_counted(tmp_path):
    clock = Clock(NOW)
    store = Store(tmp_path, clock=clock)
    for seconds in range(0, 300, 10):
        clock.now = NOW + timedelta(seconds=seconds)
        store.log_event("modem", "Modem lost: no answer", level="warn")
    store.log_event("modem", "Modem connected and initialised")
    clock.now = NOW + timedelta(minutes=11)
    store.log_event("modem", "Modem lost: no answer", level="warn")

    texts = [e["text"] for e in store.events()]
    assert texts == ["Modem lost: no answer (and 29 more times in the 10 minutes before)",
                     "Modem connected and initialised", "Modem lost: no answer"]


def test_a_file_that_cannot_be_rewritten_does_not_stop_checkpoints(tmp_path):
    store = Store(tmp_path, clock=Clock(NOW), journal=Journal(tmp_path, limit=4000))
    first = 0
    while not store.journal.due():                   # October and November
        first += 1
        store.add_call({"number": A, "started_at": NOW - timedelta(days=30 if first % 2 else 1,
                                                                  minutes=first)})
    (tmp_path / "calls-2026-10.json").mkdir()        # a copy that cannot be replaced (EISDIR)
    (tmp_path / "calls-2026-10.json" / "x").touch()

    while store.upkeep_step():
        pass

    assert not (tmp_path / "journal.prev.jsonl").exists()          # the checkpoint ended
    assert (tmp_path / "calls-2026-11.json").is_file()             # the others were written
    assert list(store.stuck_files()) == ["calls-2026-10.json"]
    assert any("calls-2026-10.json cannot be written" in e["text"] for e in store.events())
    added = 0
    while not store.journal.due():                                 # and the next one too
        added += 1
        store.add_call({"number": A, "started_at": NOW - timedelta(days=10, minutes=added)})
    while store.upkeep_step():
        pass
    assert store.journal.size < 4000                     # bounded, not growing for good
    assert len([e for e in store.events() if "cannot be written" in e["text"]]) == 1
    store.db.release()                                   # a power cut: nothing else written
    (tmp_path / "calls-2026-10.json" / "x").unlink()
    (tmp_path / "calls-2026-10.json").rmdir()            # the fault cleared
    again = Store(tmp_path, clock=Clock(NOW))
    assert len(again.calls(limit=None)) == first + added
    again.close()
    assert (tmp_path / "calls-2026-10.json").is_file() and not again.stuck_files()
