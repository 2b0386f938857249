"""The data folder's journal on real files: torn and damaged lines, a full disk (ENOSPC injected
at the journal's write), the order of changes kept while waiting for space."""
import logging

import pytest

from appliance.storage import journal as journal_module
from appliance.storage.journal import DiskFull, Journal, decode, encode
from appliance.storage.files import open_database
from tests.appliance.storage.full_card import FullCard



def changes(journal, name):
    return list(journal.changes_for(name))


def test_a_line_names_its_file_and_carries_a_checksum():
    line = encode("calls-2026-11.json", {"t": "calls", "d": {"1": {"n": "é"}}})

    assert decode(line) == ("calls-2026-11.json", {"t": "calls", "d": {"1": {"n": "é"}}})
    assert decode(line.replace(b'"n"', b'"m"')) is None        # one byte changed on disk
    assert decode(b"garbage\n") is None


def test_a_line_torn_by_a_power_cut_is_cut_off_at_start(tmp_path, caplog):
    journal = Journal(tmp_path)
    journal.append("a.json", {"t": "a", "d": {"1": {"n": 1}}})
    journal.close()
    with open(tmp_path / "journal.jsonl", "ab") as handle:
        handle.write(encode("a.json", {"t": "a", "d": {"2": {"n": 2}}})[:17])

    with caplog.at_level(logging.WARNING):
        again = Journal(tmp_path)

    assert changes(again, "a.json") == [{"t": "a", "d": {"1": {"n": 1}}}]
    assert "a power cut interrupted" in caplog.text
    again.append("a.json", {"t": "a", "d": {"3": {"n": 3}}})     # appends after a clean end
    assert len(changes(Journal(tmp_path), "a.json")) == 2


def test_a_damaged_line_is_skipped_and_a_copy_kept(tmp_path, caplog):
    journal = Journal(tmp_path)
    for n in range(3):
        journal.append("a.json", {"t": "a", "d": {str(n): {"n": n}}})
    journal.close()
    raw = (tmp_path / "journal.jsonl").read_bytes().replace(b'"n":1', b'"n":7')
    (tmp_path / "journal.jsonl").write_bytes(raw)

    with caplog.at_level(logging.ERROR):
        again = Journal(tmp_path)

    assert [list(c["d"]) for c in changes(again, "a.json")] == [["0"], ["2"]]
    assert (tmp_path / "journal.jsonl.damaged").read_bytes() == raw
    assert "damaged" in caplog.text


def test_on_a_full_disk_changes_wait_in_memory_in_order_and_are_written_later(tmp_path):
    disk = FullCard()
    journal = Journal(tmp_path, write=disk.write)
    db = open_database(tmp_path, "calls.json", journal)
    db.table("calls").insert({"n": 1})
    disk.full = True

    db.table("calls").insert({"n": 2})
    db.table("calls").update({"n": 3}, doc_ids=[2])

    assert journal.full and journal.backlog == 2
    assert db.table("calls").all() == [{"n": 1}, {"n": 3}]    # the box carries on from memory
    assert len(changes(Journal(tmp_path), "calls.json")) == 1   # not on disk yet
    assert not journal.flush_backlog()                          # still full
    disk.full = False

    assert journal.flush_backlog()

    assert not journal.full and journal.backlog == 0
    reopened = open_database(tmp_path, "calls.json", Journal(tmp_path))
    assert reopened.table("calls").all() == [{"n": 1}, {"n": 3}]


def test_the_outbox_is_written_on_a_full_disk_after_making_room(tmp_path):
    disk = FullCard()
    freed = []

    def make_room():
        freed.append(True)
        disk.full = False          # the reserve file is gone: there is room for a while
        return True
    journal = Journal(tmp_path, write=disk.write, make_room=make_room)
    disk.full = True
    journal.append("events-2026-11.json", {"t": "events", "d": {"1": {"text": "x"}}})

    journal.append("outbox.json", {"t": "outbox", "d": {"1": {"id": "o-1"}}}, must=True)

    assert freed == [True]
    assert journal.backlog == 1                                # the event still waits
    on_disk = Journal(tmp_path)
    assert changes(on_disk, "outbox.json") == [{"t": "outbox", "d": {"1": {"id": "o-1"}}}]
    assert changes(on_disk, "events-2026-11.json") == []


def test_a_file_with_changes_waiting_keeps_its_order_even_for_a_must_write(tmp_path):
    disk = FullCard()
    journal = Journal(tmp_path, write=disk.write, make_room=lambda: False)
    disk.full = True
    journal.append("outbox.json", {"t": "outbox", "d": {"1": {"status": "queued"}}}, must=True)
    disk.full = False

    journal.append("outbox.json", {"t": "outbox", "d": {"1": {"status": "sent"}}}, must=True)

    assert journal.backlog == 2     # behind the earlier change, not before it
    journal.flush_backlog()
    statuses = [c["d"]["1"]["status"] for c in changes(Journal(tmp_path), "outbox.json")]
    assert statuses == ["queued", "sent"]


def test_when_the_memory_for_waiting_changes_is_used_up_a_change_is_refused(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setattr(journal_module, "BACKLOG_LIMIT", 300)
    disk = FullCard()
    journal = Journal(tmp_path, write=disk.write)
    disk.full = True
    journal.append("a.json", {"t": "a", "d": {"1": {"text": "x" * 100}}})

    with pytest.raises(DiskFull):
        journal.append("a.json", {"t": "a", "d": {"2": {"text": "y" * 300}}})
    assert journal.backlog == 1
