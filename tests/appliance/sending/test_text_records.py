"""What an outbox item carries (its message, its call, the caller's contact changes), written
on a real store in a temp folder: only the outbox written (a crash right after it), recovery
run twice (a crash during recovery), a part already stored, and a contact that moved on."""
from datetime import datetime, timedelta, timezone

import pytest

from appliance.core.domain import SendText
from appliance.core.stamps import from_iso
from appliance.sending.auto_texts import AutoTexts
from appliance.sending.outbox import Outbox
from appliance.sending.outgoing import Outgoing
from appliance.sending.text_records import TextRecords
from appliance.storage.store import Store

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=timezone.utc)
CALLER = "+12125553001"
DAY = "2026-11-30"


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path, clock=lambda: NOW)
    yield store
    store.close()


def _only_the_outbox(store, at=NOW) -> dict:
    """A text-back as the hot path queues it, cut off right after the outbox write."""
    call = {"id": "c-202611-aaaaaaaaaaaa", "number": CALLER, "raw_number": CALLER,
            "number_type": 145, "started_at": at - timedelta(seconds=20), "ended_at": at,
            "rings": 2, "end_code": "NO CARRIER", "outcome": "queued",
            "message_id": "m-202611-bbbbbbbbbbbb"}
    message = {"id": call["message_id"], "number": CALLER, "direction": "out", "text": "Hi",
               "at": at, "status": "queued", "kind": "textback", "call_id": call["id"]}
    contact = {"last_textback_at": at.isoformat(), "textbacks_by_day": {DAY: 1},
               "consent": [{"at": at.isoformat(), "event": "opted_in", "how": "called"}]}
    return Outbox(store).queue(SendText(to=CALLER, text="Hi", kind="textback",
                                        call_id=call["id"]), at, message["id"],
                               records={"message": message, "call": call, "contact": contact})


def test_recovery_writes_what_only_the_outbox_held_once_even_when_run_twice(store):
    item = _only_the_outbox(store)
    assert store.get_call(item.records["call"]["id"]) is None
    records = TextRecords(store)

    assert records.recover(Outbox(store).items()) == 1
    assert records.recover(Outbox(store).items()) == 0          # a second run writes nothing

    assert [c.outcome for c in store.calls()] == ["queued"]
    assert [m.id for m in store.messages_for(CALLER)] == ["m-202611-bbbbbbbbbbbb"]
    contact = store.contact(CALLER)
    assert contact.textbacks_by_day == {DAY: 1}
    assert from_iso(contact.last_textback_at) == NOW


def test_a_part_already_stored_is_not_written_again_and_counts_are_merged(store):
    item = _only_the_outbox(store)
    store.add_call(item.records["call"])                      # the call got there
    later = (NOW + timedelta(hours=2)).isoformat()
    store.update_contact(CALLER, textbacks_by_day={DAY: 2}, last_textback_at=later)
    TextRecords(store).recover(Outbox(store).items())
    assert len(store.calls()) == 1 and len(store.messages_for(CALLER)) == 1
    contact = store.contact(CALLER)
    assert contact.textbacks_by_day == {DAY: 2}              # never counted twice
    assert from_iso(contact.last_textback_at) == from_iso(later)   # the later time kept


def test_the_box_wide_count_and_the_queue_path_see_the_outbox(store):
    _only_the_outbox(store)
    assert AutoTexts(store, Outgoing(store, Outbox(store))).count(NOW).last_hour == 1
    message = Outgoing(store, Outbox(store)).queue_text(
        SendText(to="+12125553002", text="Hello", kind="reply"), NOW)
    assert store.get_message(message.id).text == "Hello"
    [item] = [i for i in Outbox(store).items() if i.to == "+12125553002"]
    assert item.records["message"]["id"] == message.id
