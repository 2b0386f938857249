"""Contacts in small files by a hash of the number, with an index in memory: a change appends
one line (no contact file rewritten), lists come from the index, and a data folder with the old
single contacts.json is split once. Real TinyDB files and journal in tmp_path."""
import json
from datetime import datetime, timedelta, timezone

import pytest

from appliance.storage import contacts as contacts_module
from appliance.storage.contacts import decode_cursor, encode_cursor, shard_name
from appliance.storage.store import Store

START = datetime(2026, 11, 1, tzinfo=timezone.utc)


def number(i):
    return f"+1212555{3000 + i:04d}"


def test_a_number_always_lives_in_the_same_small_file():
    assert shard_name("+12125551234") == shard_name("+12125551234")
    names = {shard_name(number(i)) for i in range(2000)}
    assert len(names) == contacts_module.SHARDS
    assert all(n.startswith("contacts/") and n.endswith(".json") for n in names)


def test_a_contact_change_appends_one_small_line_and_rewrites_no_file(tmp_path):
    store = Store(tmp_path)
    for i in range(300):
        store.update_contact(number(i), last_at=START + timedelta(minutes=i), tag=f"T{i}",
                             consent=[{"at": START, "event": "opted_in", "how": "call"}])
    store.close()                                   # checkpoint: the contact files written
    store = Store(tmp_path)
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "contacts").iterdir()}
    journal = tmp_path / "journal.jsonl"
    size = journal.stat().st_size

    store.update_contact(number(7), unread=3)

    assert 0 < journal.stat().st_size - size < 600
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "contacts").iterdir()} == before
    assert Store(tmp_path).contact(number(7)).unread == 3


def test_lists_come_from_the_index_in_order_and_follow_every_change(tmp_path):
    store = Store(tmp_path)
    for i in range(10):
        store.update_contact(number(i), last_at=START + timedelta(minutes=i), unread=1,
                             last_text=f"text {i}", booked=(i == 3), booked_at=START)
    store.update_contact(number(2), last_at=START + timedelta(hours=5), unread=0)
    store.update_contact(number(11))                        # never texted: no conversation

    page, following = store.conversation_page(limit=4)
    assert [c["number"] for c in page] == [number(2), number(9), number(8), number(7)]
    rest, last = store.conversation_page(limit=100, before=following)
    assert [c["number"] for c in rest] == [number(i) for i in (6, 5, 4, 3, 1, 0)]
    assert last is None
    assert store.unread_total() == 9
    assert [c["number"] for c in store.booked_contacts()] == [number(3)]
    assert [c["number"] for c in store.conversation_page(search="text 4")[0]] == [number(4)]
    assert store.contacts()[-1].number == number(11)     # whole contacts still listed
    reopened = Store(tmp_path)                              # the index is rebuilt the same
    assert reopened.conversation_page(limit=4)[0] == page
    assert reopened.unread_total() == 9


def test_a_cursor_is_url_safe_and_a_bad_one_is_refused(tmp_path):
    cursor = encode_cursor({"number": "+12125551234", "last_at": "2026-11-01T00:00:00+00:00"})
    assert cursor.replace("-", "").replace("_", "").isalnum()
    assert decode_cursor(cursor) == ("2026-11-01T00:00:00+00:00", "+12125551234")
    for bad in ("!!", "bm90IGEgY3Vyc29y", ""):
        with pytest.raises(ValueError):
            decode_cursor(bad)


def test_an_old_single_contacts_file_is_split_once(tmp_path):
    old = {"contacts": {str(i + 1): {"number": number(i), "last_at": f"2026-11-0{i + 1}T00:00:"
                                     "00.000000+00:00", "unread": 1, "tag": f"A{i}"}
                        for i in range(5)}}
    (tmp_path / "contacts.json").write_text(json.dumps(old))

    store = Store(tmp_path)

    assert store.unread_total() == 5
    assert store.contact(number(3)).tag == "A3"
    assert not (tmp_path / "contacts.json").exists()
    assert len(list((tmp_path / "contacts").glob("*.json"))) == len(
        {shard_name(number(i)) for i in range(5)})
    assert Store(tmp_path).contact_by_tag("a4").number == number(4)
