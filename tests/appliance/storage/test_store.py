"""The Store on real TinyDB files in tmp_path: monthly split, reopening, conversations, limits."""
import json
import logging
import threading
from dataclasses import FrozenInstanceError
from datetime import datetime, timedelta, timezone

import pytest

from appliance.core import settings as settings_rules
from appliance.storage.journal import read_only_state
from appliance.storage.store import Store

UTC = timezone.utc
A, B = "+12015550123", "+14155552671"


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))


@pytest.fixture
def store(tmp_path, clock):
    s = Store(tmp_path, clock=clock)
    yield s
    s.close()


def at(month, day=1, hour=12):
    return datetime(2026, month, day, hour, tzinfo=UTC)


def test_an_empty_data_folder_starts_with_defaults_and_nothing_else(tmp_path):
    store = Store(tmp_path / "new")

    assert store.settings() == settings_rules.DEFAULTS
    assert store.calls() == [] and store.contacts() == [] and store.events() == []
    assert store.outbox_items() == [] and store.pending_parts() == []
    assert store.messages_for(A) == [] and store.contact(A) is None


def test_records_go_to_the_file_of_their_utc_month(store, tmp_path):
    # 23:30 on 31 October in New York is already 1 November in UTC.
    late = datetime(2026, 10, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    november = store.add_call({"number": A, "started_at": late, "outcome": "texted"})
    october = store.add_call({"number": B, "started_at": at(10, 15), "outcome": "withheld"})
    store.add_message({"number": A, "direction": "in", "text": "hi", "at": at(9, 3)})
    store.log_event("modem", "connected", at=at(8, 2))

    def ids(name, table):
        return [r["id"] for r in read_only_state(tmp_path, name)[table].values()]
    assert ids("calls-2026-11.json", "calls") == [november.id]
    assert ids("calls-2026-10.json", "calls") == [october.id]
    assert len(ids("messages-2026-09.json", "messages")) == 1
    assert len(ids("events-2026-08.json", "events")) == 1
    assert november.started_at == "2026-11-01T04:30:00.000000+00:00"


def test_ids_are_short_unique_and_say_their_kind(store):
    calls = [store.add_call({"number": A, "started_at": at(11)}) for _ in range(50)]
    message = store.add_message({"number": A, "direction": "out", "text": "x", "at": at(11)})

    assert len({c.id for c in calls}) == 50
    assert all(c.id.startswith("c-") and len(c.id) <= 24 for c in calls)
    assert message.id.startswith("m-")
    assert store.outbox_put({"to": A}).id.startswith("o-")


def test_everything_is_there_after_reopening(tmp_path, clock):
    first = Store(tmp_path, clock=clock)
    call = first.add_call({"number": A, "started_at": at(11, 2), "outcome": "queued"})
    message = first.add_message({"number": A, "direction": "out", "text": "Hey", "at": at(11, 2)})
    first.update_call(call.id, outcome="texted", message_id=message.id)
    first.update_message(message.id, status="sent", reference=17)
    first.update_contact(A, unread=2, tag="K7")
    first.outbox_put({"to": A, "text": "Hey", "status": "queued"})
    first.remember_fingerprint("fp1", at(11, 2))
    first.put_pending_part({"key": "k", "part": 1, "text": "a"})
    first.log_event("start", "started", at=at(11, 2))
    first.save_settings({**first.settings(), "business_name": "Bob's Plumbing"})
    first.close()

    again = Store(tmp_path, clock=clock)

    assert again.get_call(call.id).outcome == "texted"
    assert again.get_call(call.id).message_id == message.id
    assert again.get_message(message.id).reference == 17
    assert again.contact(A).unread == 2 and again.contact_by_tag("k7").number == A
    assert [i.to for i in again.outbox_items()] == [A]
    assert again.seen_fingerprint("fp1") and not again.seen_fingerprint("fp2")
    assert again.pending_parts() == [{"key": "k", "part": 1, "text": "a"}]
    assert [e["text"] for e in again.events()] == ["started"]
    assert again.settings()["business_name"] == "Bob's Plumbing"


def test_datetimes_become_iso_utc_strings(store):
    local = datetime(2026, 11, 3, 9, 15, 30, 250, tzinfo=timezone(timedelta(hours=1)))
    call = store.add_call({"number": A, "started_at": local, "ended_at": local})
    contact = store.update_contact(A, last_textback_at=local,
                                   consent=[{"at": local, "event": "opted_in", "how": "call"}])

    assert call.started_at == "2026-11-03T08:15:30.000250+00:00"
    assert store.get_call(call.id).ended_at == "2026-11-03T08:15:30.000250+00:00"
    assert contact.last_textback_at == "2026-11-03T08:15:30.000250+00:00"
    assert contact.consent[0]["at"] == "2026-11-03T08:15:30.000250+00:00"


def test_the_clock_is_read_when_a_record_is_made(store, clock):
    clock.now = datetime(2027, 2, 3, 4, 5, tzinfo=UTC)
    call = store.add_call({"number": A})
    store.log_event("x", "y")

    assert call.started_at == "2027-02-03T04:05:00.000000+00:00"
    assert store.events()[0]["at"] == "2027-02-03T04:05:00.000000+00:00"


def test_calls_are_newest_first_and_filtered(store):
    for day, number, outcome in [(1, A, "texted"), (2, B, "withheld"), (3, A, "cooldown"),
                                 (4, B, "texted")]:
        store.add_call({"number": number, "started_at": at(10, day), "outcome": outcome})
    store.add_call({"number": A, "started_at": at(11, 1), "outcome": "texted"})

    def days(calls):
        return [(c.started_at[5:10], c.number) for c in calls]
    assert days(store.calls()) == [("11-01", A), ("10-04", B), ("10-03", A), ("10-02", B),
                                   ("10-01", A)]
    assert days(store.calls(limit=2)) == [("11-01", A), ("10-04", B)]
    assert days(store.calls(number=A, outcome="texted")) == [("11-01", A), ("10-01", A)]
    assert days(store.calls(outcome=["withheld", "cooldown"])) == [("10-03", A), ("10-02", B)]
    assert days(store.calls(since=at(10, 2), until=at(10, 4))) == [("10-03", A), ("10-02", B)]


def test_recent_calls_never_open_old_months(tmp_path, clock):
    store = Store(tmp_path, clock=clock)
    for month in range(1, 13):
        store.add_call({"number": A, "started_at": at(month, 5), "outcome": "texted"})
    store.close()
    # An old month that cannot be parsed would be moved aside if anything read it.
    (tmp_path / "calls-2026-01.json").write_text("garbage")
    store = Store(tmp_path, clock=clock, open_bytes=0)   # keeps only the newest month parsed

    assert len(store.calls(limit=3)) == 3
    assert (tmp_path / "calls-2026-01.json").exists()
    names = store.db.monthly.open_names()    # the newest month and the one just read
    assert "calls-2026-12.json" in names and len(names) <= 2

    assert len(store.calls(limit=None)) == 11   # now January is read: moved aside, not fatal
    assert list(tmp_path.glob("calls-2026-01.json.corrupt-*"))


def test_records_handed_out_are_copies(store):
    store.update_contact(A, consent=[{"at": at(11), "event": "opted_in", "how": "call"}])
    contact = store.contact(A)
    contact.consent.append({"event": "tampered"})
    with pytest.raises(FrozenInstanceError):
        contact.unread = 99
    call = store.add_call({"number": A, "started_at": at(11)})
    with pytest.raises(FrozenInstanceError):
        store.calls()[0].number = "changed"

    assert len(store.contact(A).consent) == 1 and store.contact(A).unread == 0
    assert store.get_call(call.id).number == A


def test_unknown_ids_are_none_and_updating_them_is_harmless(store, caplog):
    with caplog.at_level(logging.WARNING):
        store.update_call("c-202611-000000000000", outcome="texted")
        store.update_message("nonsense", status="sent")
    assert store.get_call("c-202611-000000000000") is None
    assert store.get_message("m-209901-abcdef") is None
    assert "not found" in caplog.text


def test_a_conversation_is_oldest_first_and_only_reads_its_months(store, tmp_path):
    store.add_message({"number": A, "direction": "out", "text": "one", "at": at(10, 30)})
    store.add_message({"number": B, "direction": "out", "text": "other", "at": at(10, 30)})
    store.add_message({"number": A, "direction": "in", "text": "three", "at": at(11, 2)})
    store.add_message({"number": A, "direction": "out", "text": "two", "at": at(11, 1)})
    store.add_message({"number": B, "direction": "in", "text": "B in May", "at": at(5, 1)})
    store.close()
    (tmp_path / "messages-2026-05.json").write_text("garbage")   # a month A has no texts in

    assert [m.text for m in store.messages_for(A)] == ["one", "two", "three"]
    assert [m.text for m in store.messages_for(A, limit=2)] == ["two", "three"]
    assert store.contact(A).months == ["2026-10", "2026-11"]
    assert (tmp_path / "messages-2026-05.json").read_text() == "garbage"   # never read


def test_adding_a_text_keeps_the_conversation_summary(store):
    store.add_message({"number": A, "direction": "out", "text": "Hey", "at": at(11, 2)})
    store.add_message({"number": A, "direction": "in", "text": "Leak!", "at": at(11, 3)})
    store.add_message({"number": A, "direction": "out", "text": "late", "at": at(11, 1)})

    contact = store.contact(A)
    assert (contact.last_text, contact.last_direction) == ("Leak!", "in")
    assert contact.last_at == contact.last_inbound_at == "2026-11-03T12:00:00.000000+00:00"
    assert contact.unread == 0   # left to the service


def test_update_contact_creates_and_keeps_only_recent_textback_days(store):
    days = {f"2026-11-{d:02d}": 1 for d in range(1, 15)}
    contact = store.update_contact(A, textbacks_by_day=days, opted_out=True)

    assert contact.number == A and contact.opted_out is True
    assert contact.booked is False and contact.consent == []
    assert sorted(contact.textbacks_by_day) == [f"2026-11-{d:02d}" for d in range(8, 15)]


def test_contacts_are_newest_activity_first_and_searchable(store):
    store.update_contact(A, last_at=at(11, 1), last_text="Need a plumber", name="Ann")
    store.update_contact(B, last_at=at(11, 5), last_text="Thanks", tag="Q2")
    store.update_contact("+12125550199")   # no activity yet

    assert [c.number for c in store.contacts()] == [B, A, "+12125550199"]
    assert [c.number for c in store.contacts(search="plumb")] == [A]
    assert [c.number for c in store.contacts(search="ann")] == [A]
    assert [c.number for c in store.contacts(search="4155")] == [B]
    assert store.contact_by_tag("q2").number == B and store.contact_by_tag("Z9") is None


def test_unread_total_counts_every_conversation(store):
    store.update_contact(A, unread=2)
    store.update_contact(B, unread=1)
    assert store.unread_total() == 3


def test_find_sent_by_reference(store, clock):
    old = store.add_message({"number": A, "direction": "out", "text": "old", "at": at(10, 1)})
    store.update_message(old.id, reference=5)
    inbound = store.add_message({"number": A, "direction": "in", "text": "in", "at": at(11, 26)})
    store.update_message(inbound.id, reference=5)
    sent = store.add_message({"number": A, "direction": "out", "text": "new", "at": at(11, 26)})
    store.update_message(sent.id, reference=5)
    long = store.add_message({"number": B, "direction": "out", "text": "long", "at": at(11, 26)})
    store.update_message(long.id, reference=8, references=[8, 9])

    assert store.find_sent_by_reference(5, A, at(11, 1)).id == sent.id
    assert store.find_sent_by_reference(5, None, None).id == sent.id   # a week back
    assert store.find_sent_by_reference(5, B, at(11, 1)) is None
    assert store.find_sent_by_reference(9, B, at(11, 1)).id == long.id
    assert store.find_sent_by_reference(5, A, at(9, 1)).id == sent.id
    clock.now = at(12, 31)
    assert store.find_sent_by_reference(5, A, None) is None   # older than a week


def test_messages_between_is_oldest_first_and_bounded(store):
    for month, day in [(10, 31), (11, 1), (11, 15), (12, 1)]:
        store.add_message({"number": A, "direction": "in", "text": f"{month}-{day}",
                           "at": at(month, day)})

    texts = [m.text for m in store.messages_between(at(10, 31), at(12, 1))]
    assert texts == ["10-31", "11-1", "11-15"]


def test_outbox_items_keep_their_order_and_can_change_and_leave(store):
    first = store.outbox_put({"to": A, "status": "queued", "created_at": at(11, 1)})
    second = store.outbox_put({"to": B, "status": "queued", "created_at": at(11, 2)})

    assert store.outbox_update(first.id, status="sending").status == "sending"
    assert store.outbox_update("o-missing", status="x") is None
    assert [i.status for i in store.outbox_items()] == ["sending", "queued"]
    assert store.outbox_remove(first.id) is True
    assert store.outbox_remove(first.id) is False
    assert [i.id for i in store.outbox_items()] == [second.id]


def test_fingerprints_are_remembered_for_a_month(store):
    store.remember_fingerprint("old", at(10, 1))
    store.remember_fingerprint("recent", at(10, 20))
    assert store.seen_fingerprint("old")

    store.remember_fingerprint("today", at(11, 5))

    assert not store.seen_fingerprint("old")
    assert store.seen_fingerprint("recent") and store.seen_fingerprint("today")


def test_pending_parts_replace_duplicates_and_leave_by_key(store):
    store.put_pending_part({"key": "k1", "part": 1, "text": "a"})
    store.put_pending_part({"key": "k1", "part": 1, "text": "a again"})
    store.put_pending_part({"key": "k1", "part": 2, "text": "b"})
    store.put_pending_part({"key": "k2", "part": 1, "text": "c"})

    assert sorted(p["text"] for p in store.pending_parts()) == ["a again", "b", "c"]
    assert store.remove_pending_parts("k1") == 2
    assert [p["text"] for p in store.pending_parts()] == ["c"]


def test_events_are_newest_first_across_months(store):
    store.log_event("modem", "lost", at=at(10, 31), level="warn")
    store.log_event("modem", "back", at=at(11, 1))
    store.log_event("start", "started", at=at(9, 1))

    events = store.events()
    assert [e["text"] for e in events] == ["back", "lost", "started"]
    assert events[1]["level"] == "warn" and events[1]["kind"] == "modem"
    assert [e["text"] for e in store.events(limit=1)] == ["back"]


def test_settings_save_only_what_differs_from_the_defaults(store, tmp_path):
    settings = store.settings().as_dict()      # the store hands out a read-only Settings
    settings["business_name"] = "Bob's"
    settings["messages"]["away"] = "Back soon. {business_name}"
    store.save_settings(settings)

    saved = read_only_state(tmp_path, "settings.json")["settings"]["1"]
    assert saved == {"business_name": "Bob's", "messages": {"away": "Back soon. {business_name}"}}
    assert store.settings() == settings
    assert store.settings().business_name == "Bob's"

    store.save_settings({**store.settings(), "business_name": ""})
    assert read_only_state(tmp_path, "settings.json")["settings"]["1"] == {
        "messages": {"away": "Back soon. {business_name}"}}


def test_a_bad_value_in_the_settings_file_is_skipped_not_fatal(tmp_path, caplog):
    (tmp_path / "settings.json").write_text(json.dumps({"settings": {"1": {
        "cooldown_minutes": "soon", "daily_cap": 5, "retired_setting": 1,
        "messages": {"away": "{bad}", "weekend": "Closed today. What do you need?"}}}}))

    with caplog.at_level(logging.WARNING, logger="appliance.core.settings"):
        settings = Store(tmp_path).settings()

    assert settings["cooldown_minutes"] == 720 and settings["daily_cap"] == 5
    assert "retired_setting" not in settings
    assert settings["messages"]["away"] == settings_rules.DEFAULTS["messages"]["away"]
    assert settings["messages"]["weekend"] == "Closed today. What do you need?"
    assert "cooldown_minutes" in caplog.text


def test_a_corrupt_contacts_file_is_moved_aside_and_the_store_still_starts(tmp_path):
    (tmp_path / "contacts.json").write_text('{"contacts": {"1": {"numb')
    store = Store(tmp_path)

    assert store.contacts() == []
    store.update_contact(A, unread=1)
    assert Store(tmp_path).contact(A).unread == 1
    assert len(list(tmp_path.glob("contacts.json.corrupt-*"))) == 1


def test_threads_share_one_store_safely(store):
    def worker(number):
        for i in range(15):
            store.add_message({"number": number, "direction": "in", "text": str(i),
                               "at": at(11, 1) + timedelta(minutes=i)})
            store.update_contact(number, unread=i + 1)
    numbers = [f"+1201555{n:04d}" for n in range(4)]
    threads = [threading.Thread(target=worker, args=(n,)) for n in numbers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert all(len(store.messages_for(n)) == 15 for n in numbers)
    assert store.unread_total() == 4 * 15


def test_a_network_text_found_by_fingerprint_makes_no_conversation(store):
    """A text from the network has no number (it is not a conversation): finding it again
    after a crash must not make a contact out of nothing."""
    store.add_message({"number": None, "sender": "T-Mobile", "direction": "in", "text": "Hi",
                       "kind": "network", "fingerprint": "fp-network"})
    found = store.received_with_fingerprint("fp-network", since=datetime(2020, 1, 1,
                                                                         tzinfo=timezone.utc))
    assert found.sender == "T-Mobile"
    assert store.contacts() == []
