"""Reading a conversation's texts of an old month through the month's index, on real files: the
same texts as reading the whole month, without parsing it; an index that does not describe the
file (a late change, a hand edit, an old layout) is never trusted."""
import json
from datetime import datetime, timedelta, timezone

from appliance.storage import month_index
from appliance.storage.store import Store
from tests.helpers import Clock

NOW = datetime(2026, 12, 10, 12, tzinfo=timezone.utc)
A, B = "+12125551234", "+12125559876"


def fill(store):
    for day in range(1, 29, 3):
        for number in (A, B):
            store.add_message({"number": number, "direction": "out", "text": f"{number} {day}",
                               "at": datetime(2026, 10, day, tzinfo=timezone.utc)})
    store.add_message({"number": A, "direction": "in", "text": "December",
                       "at": NOW - timedelta(days=1)})


def texts(store, number):
    return [m.text for m in store.messages_for(number)]


def test_an_old_month_is_laid_out_by_number_and_read_through_its_index(tmp_path):
    store = Store(tmp_path, clock=Clock(NOW))
    fill(store)
    expected = texts(store, A)
    store.close()                                        # checkpoint: months written, indexed
    path = tmp_path / "messages-2026-10.json"
    assert json.loads(path.read_text())["messages"]      # still plain TinyDB JSON
    assert set(month_index.read_index(path)) == {A, B}

    again = Store(tmp_path, clock=Clock(NOW))

    assert texts(again, A) == expected and len(expected) == 11
    assert "messages-2026-10.json" not in again.db.monthly.open_names()   # never parsed whole


def test_a_late_change_to_an_old_month_is_read_from_the_file_and_journal(tmp_path):
    store = Store(tmp_path, clock=Clock(NOW))
    fill(store)
    store.close()
    store = Store(tmp_path, clock=Clock(NOW))
    first = store.messages_for(B)[0]

    store.update_message(first.id, status="delivered")

    assert store.messages_for(B)[0].status == "delivered"
    store.close()
    assert Store(tmp_path, clock=Clock(NOW)).messages_for(B)[0].status == "delivered"
    assert month_index.read_index(tmp_path / "messages-2026-10.json") is not None


def test_a_month_written_without_the_layout_is_laid_out_by_the_upkeep(tmp_path):
    store = Store(tmp_path, clock=Clock(NOW))
    fill(store)
    store.close()
    path = tmp_path / "messages-2026-10.json"
    data = json.loads(path.read_text())
    path.write_text(json.dumps(data))                    # as an older version wrote it
    (tmp_path / "messages-2026-10.json.idx").unlink()
    store = Store(tmp_path, clock=Clock(NOW))

    assert len(texts(store, A)) == 11                    # read the slow way...
    assert store.upkeep_step()                           # ...and laid out afterwards

    assert month_index.read_index(path) is not None
    assert json.loads(path.read_text()) == data
    assert not store.upkeep_step()


def test_an_index_that_does_not_describe_its_file_is_ignored(tmp_path):
    store = Store(tmp_path, clock=Clock(NOW))
    fill(store)
    store.close()
    path = tmp_path / "messages-2026-10.json"
    index = tmp_path / "messages-2026-10.json.idx"
    saved = json.loads(index.read_text())
    index.write_text(json.dumps({**saved, "numbers": {A: [0, 5]}, "size": saved["size"] + 1}))
    assert month_index.read_index(path) is None
    index.write_text("garbage")
    assert month_index.read_index(path) is None
    assert len(texts(Store(tmp_path, clock=Clock(NOW)), A)) == 11
