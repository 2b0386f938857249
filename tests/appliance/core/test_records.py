"""The records the store hands out: built from stored documents (old ones too) and back."""
from dataclasses import replace

import pytest

from appliance.core.records import OutboxItem

QUEUED = {"id": "o-202611-aaaaaaaaaaaa", "to": "+12125551234", "text": "Sorry we missed you",
          "kind": "textback", "call_id": "c-202611-bbbbbbbbbbbb",
          "message_id": "m-202611-cccccccccccc", "status": "queued", "attempts": 0,
          "created_at": "2026-11-27T14:30:00.000000+00:00",
          "next_attempt_at": "2026-11-27T14:30:00.000000+00:00",
          "updated_at": "2026-11-27T14:30:00.000000+00:00", "last_error": None,
          "references": []}


@pytest.mark.parametrize("record_type, row", [(OutboxItem, QUEUED)])
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
