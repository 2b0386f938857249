"""AtomicJSONStorage and atomic_write on real files: crash safety, corrupt files, memory cache."""
import json
import logging
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tinydb import TinyDB

from appliance import storage
from appliance.storage import AtomicJSONStorage, StorageError, atomic_write

ROOT = Path(__file__).resolve().parents[2]


def open_db(path):
    return TinyDB(path, storage=AtomicJSONStorage)


def test_written_data_is_read_back_after_reopening(tmp_path):
    path = tmp_path / "calls.json"
    open_db(path).table("calls").insert({"number": "+12015550123", "text": "café ☕"})

    again = open_db(path)

    assert again.table("calls").all() == [{"number": "+12015550123", "text": "café ☕"}]
    assert json.loads(path.read_text("utf-8"))["calls"]["1"]["text"] == "café ☕"


def test_reads_are_served_from_memory_after_the_first(tmp_path):
    path = tmp_path / "contacts.json"
    db = open_db(path)
    db.table("contacts").insert({"number": "+12015550123"})
    # Someone changes the file behind the daemon's back: the daemon keeps what it parsed.
    path.write_text(json.dumps({"contacts": {"1": {"number": "+19999999999"}}}))

    assert db.table("contacts").all() == [{"number": "+12015550123"}]


def test_a_failed_rename_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "outbox.json"
    db = open_db(path)
    db.table("outbox").insert({"id": "o-1"})
    before = path.read_bytes()

    def power_cut(src, dst):
        raise OSError("simulated power cut before the rename")
    monkeypatch.setattr(storage.os, "replace", power_cut)
    with pytest.raises(OSError):
        db.table("outbox").insert({"id": "o-2"})
    monkeypatch.undo()

    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["outbox.json"]   # temp file cleaned up
    # The storage forgot the half-done change and reads the last good state again.
    assert db.table("outbox").all() == [{"id": "o-1"}]
    assert open_db(path).table("outbox").all() == [{"id": "o-1"}]


def test_a_process_killed_before_the_rename_leaves_the_old_file(tmp_path):
    path = tmp_path / "messages-2026-11.json"
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from tinydb import TinyDB
        from appliance import storage
        db = TinyDB({str(path)!r}, storage=storage.AtomicJSONStorage)
        db.table("messages").insert({{"text": "first"}})
        storage.os.replace = lambda src, dst: os._exit(9)   # the power goes out here
        db.table("messages").insert({{"text": "second"}})
    """)
    result = subprocess.run([sys.executable, "-c", script], timeout=30)
    assert result.returncode == 9
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(storage.TEMP_SUFFIX)]
    assert len(leftovers) == 1   # the crash left its temp file behind

    db = open_db(path)

    assert db.table("messages").all() == [{"text": "first"}]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["messages-2026-11.json"]


def test_every_write_fsyncs_the_file_and_the_folder(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def recording_fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)
    monkeypatch.setattr(storage.os, "fsync", recording_fsync)

    atomic_write(tmp_path / "settings.json", b"{}")

    assert any(Path(p).name.startswith(".settings.json.") for p in synced)
    assert str(tmp_path) in synced


def test_garbage_file_is_moved_aside_and_the_database_starts_empty(tmp_path, caplog):
    path = tmp_path / "contacts.json"
    path.write_bytes(b'{"contacts": {"1": {"number": "+1201')   # cut off mid-write

    with caplog.at_level(logging.ERROR, logger="appliance.storage"):
        db = open_db(path)
        assert db.table("contacts").all() == []

    aside = [p for p in tmp_path.iterdir() if p.name.startswith("contacts.json.corrupt-")]
    assert len(aside) == 1
    assert aside[0].read_bytes() == b'{"contacts": {"1": {"number": "+1201'
    assert "moved it aside" in caplog.text
    db.table("contacts").insert({"number": "+12015550123"})
    assert open_db(path).table("contacts").all() == [{"number": "+12015550123"}]


@pytest.mark.parametrize("content", [b"[1, 2, 3]", b'{"calls": [1]}', b"\xff\xfe\x00garbage"])
def test_files_that_are_not_a_database_are_moved_aside(tmp_path, content):
    path = tmp_path / "calls-2026-11.json"
    path.write_bytes(content)

    assert open_db(path).table("calls").all() == []
    assert not path.exists()
    assert len(list(tmp_path.glob("calls-2026-11.json.corrupt-*"))) == 1


def test_an_empty_file_is_an_empty_database_not_a_corrupt_one(tmp_path):
    path = tmp_path / "inbox.json"
    path.write_bytes(b"")

    assert open_db(path).table("parts").all() == []
    assert list(tmp_path.iterdir()) == [path]


def test_a_corrupt_file_that_cannot_be_moved_aside_is_never_overwritten(tmp_path, monkeypatch):
    path = tmp_path / "contacts.json"
    path.write_bytes(b"not json")

    def refuse(*args, **kwargs):
        raise OSError("read-only file system")
    monkeypatch.setattr(storage.os, "replace", refuse)
    monkeypatch.setattr(storage.shutil, "copy2", refuse)
    db = open_db(path)
    assert db.table("contacts").all() == []
    monkeypatch.undo()

    with pytest.raises(StorageError):
        db.table("contacts").insert({"number": "+12015550123"})
    assert path.read_bytes() == b"not json"


def test_atomic_write_creates_owner_only_files_and_replaces_content(tmp_path):
    path = tmp_path / "api-token"
    atomic_write(path, b"one\n")
    atomic_write(path, b"two\n")

    assert path.read_bytes() == b"two\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(tmp_path.iterdir()) == [path]
