"""The records the store hands out: built from stored documents (old ones too) and back."""
import gc
from dataclasses import replace

import pytest

from appliance.core.records import Call, Contact, Message, OutboxItem, collector_paused

QUEUED = {"id": "o-202611-aaaaaaaaaaaa", "to": "+12125551234", "text": "Sorry we missed you",
          "kind": "textback", "call_id": "c-202611-bbbbbbbbbbbb",
          "message_id": "m-202611-cccccccccccc", "status": "queued", "attempts": 0,
          "created_at": "2026-11-27T14:30:00.000000+00:00",
          "next_attempt_at": "2026-11-27T14:30:00.000000+00:00",
          "updated_at": "2026-11-27T14:30:00.000000+00:00", "last_error": None,
          "references": [], "records": None}


CONTACT = {"number": "+12125551234", "last_at": "2026-11-27T14:31:00.000000+00:00",
           "last_text": "Can you come today?", "last_direction": "in", "unread": 1,
           "opted_out": False, "booked": True, "booked_at": "2026-11-27T15:00:00+00:00",
           "job_value": 350.0, "tag": "K7", "name": "Ann",
           "last_textback_at": "2026-11-27T14:30:00.000000+00:00",
           "textbacks_by_day": {"2026-11-27": 1},
           "last_inbound_at": "2026-11-27T14:31:00.000000+00:00",
           "consent": [{"at": "2026-11-27T14:30:00+00:00", "event": "opted_in",
                        "how": "called the business"}], "months": ["2026-11"],
           "last_review_request_at": None}

REPLY = {"id": "m-202611-dddddddddddd", "number": "+12125551234", "direction": "in",
         "text": "Can you come today?", "at": "2026-11-27T14:31:00.000000+00:00",
         "status": "received", "kind": "reply", "call_id": None,
         "sent_at": "2026-11-27T14:30:58.000000+00:00", "parts_missing": None,
         "fingerprint": "3f9a", "handled": True, "reference": None, "references": None,
         "error": None, "delivered_at": None, "first_text": True, "sender": None,
         "label": None, "voicemail_waiting": None}

MISSED = {"id": "c-202611-bbbbbbbbbbbb", "number": "+12125551234", "raw_number": "2125551234",
          "number_type": 129, "started_at": "2026-11-27T14:29:50.000000+00:00",
          "ended_at": "2026-11-27T14:30:00.000000+00:00", "rings": 2, "end_code": "NO CARRIER",
          "forwarded": None, "outcome": "texted", "kind": "business_hours",
          "message_id": "m-202611-cccccccccccc"}


@pytest.mark.parametrize("record_type, row", [(OutboxItem, QUEUED), (Contact, CONTACT),
                                              (Message, REPLY), (Call, MISSED)])
def test_a_full_row_round_trips_with_the_same_keys_and_values(record_type, row):
    record = record_type.from_row(row)
    assert record.to_row() == row and list(record.to_row()) == list(row)
    assert record.extra == {}


def test_an_old_outbox_item_reads_with_defaults_and_keeps_unknown_keys():
    old = {"id": "o-202301-aaaaaaaaaaaa", "to": "+12125551234", "text": "Hi",
           "status": "sending", "priority": 2}
    item = OutboxItem.from_row(old)
    assert (item.attempts, item.references, item.message_id, item.kind) == (0, [], None, None)
    assert item.status == "sending" and item.extra == {"priority": 2}
    row = item.to_row()
    assert {k: row[k] for k in old} == old           # nothing it had is lost or changed
    assert OutboxItem.from_row(row) == item


def test_a_change_is_a_new_record():
    item = OutboxItem.from_row(QUEUED)
    sent = replace(item, status="sent", references=[17])
    assert (item.status, sent.status, sent.references, sent.to) == ("queued", "sent", [17],
                                                                     item.to)


def test_reading_a_record_like_a_dict_fails_loudly():
    item = OutboxItem.from_row(QUEUED)
    with pytest.raises(TypeError):
        item["to"]
    with pytest.raises(AttributeError):
        item.get("to")
    with pytest.raises(Exception):
        item.status = "sent"


def test_an_old_contact_reads_with_defaults():
    # A contact from before consent, months, booking and text-back counts were kept.
    old = {"number": "+12125551234", "last_at": "2025-03-01T10:00:00.000000+00:00",
           "last_text": "Thanks!", "unread": 1, "opted_out": False}
    contact = Contact.from_row(old)
    assert (contact.consent, contact.months, contact.textbacks_by_day) == ([], [], {})
    assert (contact.booked, contact.booked_at, contact.tag, contact.extra) == (False, None,
                                                                             None, {})
    assert {k: contact.to_row()[k] for k in old} == old
    assert Contact(number="+1").to_row()["unread"] == 0   # an unknown number: nothing yet


def test_an_old_message_is_not_taken_for_one_a_restart_interrupted():
    # Texts stored before `handled` was kept have no such key: they were acted on long ago.
    old = {"id": "m-202401-aaaaaaaaaaaa", "number": "+12125551234", "direction": "in",
           "text": "STOP", "at": "2024-01-05T09:00:00+00:00", "status": "received"}
    message = Message.from_row(old)
    assert message.handled is None and message.handled is not False
    assert (message.kind, message.references, message.extra) == (None, None, {})
    assert {k: message.to_row()[k] for k in old} == old


def test_an_old_call_reads_with_defaults_and_keeps_what_it_does_not_know():
    # A call from before forwarding and end codes were kept, with a field from a later version.
    old = {"id": "c-202402-aaaaaaaaaaaa", "number": None, "started_at": "2024-02-01T08:00:00+00:00",
           "outcome": "withheld", "voicemail": True}
    call = Call.from_row(old)
    assert (call.number, call.rings, call.end_code, call.forwarded) == (None, None, None, None)
    assert call.outcome == "withheld" and call.extra == {"voicemail": True}
    assert {k: call.to_row()[k] for k in old} == old
    assert Call.from_row(call.to_row()) == call


def test_a_record_shares_no_list_with_its_document():
    row = dict(QUEUED, references=[17])
    item = OutboxItem.from_row(row)
    item.references.append(18)
    assert row["references"] == [17]


def test_the_collector_is_paused_only_while_a_list_is_built():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()          # left as it was found
    finally:
        gc.enable()
