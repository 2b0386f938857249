"""The journaled TinyDB storage and atomic_write on real files: crash safety, corrupt files,
what a write puts in the journal."""
import json
import logging
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tinydb import Query

from appliance.storage import files as storage
from appliance.storage.journal import Journal, read_only_state
from appliance.storage.files import StorageError, atomic_write, open_database

ROOT = Path(__file__).resolve().parents[3]


def open_db(folder, name="calls.json"):
    return open_database(folder, name, Journal(folder))


def journal_lines(folder):
    return (folder / "journal.jsonl").read_bytes().splitlines()


def test_written_data_is_read_back_after_reopening(tmp_path):
    open_db(tmp_path).table("calls").insert({"number": "+12015550123", "text": "café ☕"})

    again = open_db(tmp_path)

    assert again.table("calls").all() == [{"number": "+12015550123", "text": "café ☕"}]
    assert read_only_state(tmp_path, "calls.json")["calls"]["1"]["text"] == "café ☕"


def test_a_change_appends_one_line_with_just_the_documents_it_touched(tmp_path):
    table = open_db(tmp_path).table("calls")
    for n in range(50):
        table.insert({"n": n, "filler": "x" * 200})
    size = (tmp_path / "journal.jsonl").stat().st_size

    table.update({"outcome": "texted"}, doc_ids=[7])

    added = (tmp_path / "journal.jsonl").stat().st_size - size
    assert 0 < added < 400                        # one record, not fifty
    assert b'"7":{"n":6' in journal_lines(tmp_path)[-1]
    assert not (tmp_path / "calls.json").exists()  # the file itself waits for a checkpoint


@pytest.mark.parametrize("change", ["remove", "query update", "truncate", "upsert"])
def test_every_kind_of_tinydb_write_survives_reopening(tmp_path, change):
    table = open_db(tmp_path).table("calls")
    for n in range(4):
        table.insert({"n": n})
    if change == "remove":
        table.remove(Query().n == 2)
    elif change == "query update":
        table.update({"seen": True}, Query().n >= 2)
    elif change == "truncate":
        table.truncate()
    else:
        table.upsert({"n": 9}, Query().n == 1)
    expected = table.all()

    assert open_db(tmp_path).table("calls").all() == expected


def test_a_checkpoint_writes_the_file_and_empties_the_journal(tmp_path):
    journal = Journal(tmp_path)
    db = open_database(tmp_path, "calls.json", journal)
    db.table("calls").insert({"n": 1})

    assert journal.begin_checkpoint() == ["calls.json"]
    db.storage.compact()
    journal.forget_previous("calls.json")
    journal.end_checkpoint()

    assert json.loads((tmp_path / "calls.json").read_text()) == {"calls": {"1": {"n": 1}}}
    assert (tmp_path / "journal.jsonl").read_bytes() == b""
    assert not (tmp_path / "journal.prev.jsonl").exists()
    assert open_db(tmp_path).table("calls").all() == [{"n": 1}]


def test_a_power_cut_in_the_middle_of_a_checkpoint_loses_nothing(tmp_path):
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from appliance.storage import files as storage
        from appliance.storage.journal import Journal
        folder = Path({str(tmp_path)!r})
        journal = Journal(folder)
        calls = storage.open_database(folder, "calls.json", journal)
        texts = storage.open_database(folder, "texts.json", journal)
        calls.table("calls").insert({{"n": 1}})
        texts.table("texts").insert({{"t": "first"}})
        journal.begin_checkpoint()
        calls.storage.compact()                 # one file rewritten...
        texts.table("texts").insert({{"t": "during"}})
        storage.os.replace = lambda src, dst: os._exit(9)   # ...the power goes out here
        texts.storage.compact()
    """)
    assert subprocess.run([sys.executable, "-c", script], timeout=30).returncode == 9
    assert (tmp_path / "journal.prev.jsonl").exists()

    journal = Journal(tmp_path)

    assert open_database(tmp_path, "calls.json", journal).table("calls").all() == [{"n": 1}]
    texts = open_database(tmp_path, "texts.json", journal).table("texts").all()
    assert texts == [{"t": "first"}, {"t": "during"}]
    assert not any(p.name.endswith(storage.TEMP_SUFFIX) for p in tmp_path.iterdir())


def test_a_failed_append_leaves_nothing_half_written(tmp_path):
    def broken_disk(fd, data):
        os.write(fd, data[:10])                 # half a line reaches the disk, then EIO
        raise OSError(5, "I/O error")
    journal = Journal(tmp_path)
    db = open_database(tmp_path, "outbox.json", journal)
    db.table("outbox").insert({"id": "o-1"})
    size = (tmp_path / "journal.jsonl").stat().st_size
    journal._write = broken_disk

    with pytest.raises(OSError):
        db.table("outbox").insert({"id": "o-2"})

    assert (tmp_path / "journal.jsonl").stat().st_size == size
    assert db.table("outbox").all() == [{"id": "o-1"}]     # the change was forgotten
    assert open_db(tmp_path, "outbox.json").table("outbox").all() == [{"id": "o-1"}]


def test_garbage_file_is_moved_aside_and_the_database_starts_empty(tmp_path, caplog):
    path = tmp_path / "contacts.json"
    path.write_bytes(b'{"contacts": {"1": {"number": "+1201')   # cut off mid-write

    with caplog.at_level(logging.ERROR, logger="appliance.storage.files"):
        db = open_db(tmp_path, "contacts.json")
        assert db.table("contacts").all() == []

    aside = [p for p in tmp_path.iterdir() if p.name.startswith("contacts.json.corrupt-")]
    assert len(aside) == 1
    assert aside[0].read_bytes() == b'{"contacts": {"1": {"number": "+1201'
    assert "moved it aside" in caplog.text
    db.table("contacts").insert({"number": "+12015550123"})
    assert open_db(tmp_path, "contacts.json").table("contacts").all() == [
        {"number": "+12015550123"}]


@pytest.mark.parametrize("content", [b"[1, 2, 3]", b'{"calls": [1]}', b"\xff\xfe\x00garbage"])
def test_files_that_are_not_a_database_are_moved_aside(tmp_path, content):
    path = tmp_path / "calls-2026-11.json"
    path.write_bytes(content)

    assert open_db(tmp_path, path.name).table("calls").all() == []
    assert not path.exists()
    assert len(list(tmp_path.glob("calls-2026-11.json.corrupt-*"))) == 1


def test_an_empty_file_is_an_empty_database_not_a_corrupt_one(tmp_path):
    (tmp_path / "inbox.json").write_bytes(b"")

    assert open_db(tmp_path, "inbox.json").table("parts").all() == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inbox.json", "journal.jsonl"]


def test_a_corrupt_file_that_cannot_be_moved_aside_is_never_overwritten(tmp_path, monkeypatch):
    path = tmp_path / "contacts.json"
    path.write_bytes(b"not json")

    def refuse(*args, **kwargs):
        raise OSError("read-only file system")
    monkeypatch.setattr(storage.os, "replace", refuse)
    monkeypatch.setattr(storage.shutil, "copy2", refuse)
    db = open_db(tmp_path, "contacts.json")
    assert db.table("contacts").all() == []
    monkeypatch.undo()

    with pytest.raises(StorageError):
        db.table("contacts").insert({"number": "+12015550123"})
    with pytest.raises(StorageError):
        db.storage.compact()
    assert path.read_bytes() == b"not json"


def test_every_atomic_write_fsyncs_the_file_and_the_folder(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def recording_fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)
    monkeypatch.setattr(storage.os, "fsync", recording_fsync)

    atomic_write(tmp_path / "settings.json", b"{}")

    assert any(Path(p).name.startswith(".settings.json.") for p in synced)
    assert str(tmp_path) in synced


def test_a_process_killed_before_the_rename_leaves_the_old_file(tmp_path):
    path = tmp_path / "api-token"
    atomic_write(path, b"old\n")
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from appliance.storage import files as storage
        storage.os.replace = lambda src, dst: os._exit(9)   # the power goes out here
        storage.atomic_write(storage.Path({str(path)!r}), b"new\\n")
    """)
    assert subprocess.run([sys.executable, "-c", script], timeout=30).returncode == 9

    assert path.read_bytes() == b"old\n"
    storage.remove_stale_temp_files(path)
    assert list(tmp_path.iterdir()) == [path]


def test_atomic_write_creates_owner_only_files_and_replaces_content(tmp_path):
    path = tmp_path / "api-token"
    atomic_write(path, b"one\n")
    atomic_write(path, b"two\n")

    assert path.read_bytes() == b"two\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(tmp_path.iterdir()) == [path]
