"""The service's part of follow-ups on a real store (TinyDB files in a temp folder): sent once
across a restart at the worst moment, and planned only while switched on."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from appliance.sending.auto_texts import AutoTexts
from appliance.sending.outbox import Outbox
from appliance.sending.outgoing import Outgoing
from appliance.service.later_texts import LaterTexts
from appliance.storage.store import Store
from tests.helpers import Clock

CALLER = "+12125551234"
WEDNESDAY_15 = datetime(2026, 12, 2, 20, 0, tzinfo=timezone.utc)      # 15:00 in New York


def parts(folder, clock):
    store = Store(folder, clock=clock)
    outgoing = Outgoing(store, Outbox(store, clock=clock))
    return store, LaterTexts(store, outgoing, AutoTexts(store, outgoing))


def test_a_follow_up_marked_queued_but_never_in_the_outbox_is_queued_once_after_a_restart(
        tmp_path):
    clock = Clock(WEDNESDAY_15)
    store, later = parts(tmp_path, clock)
    store.save_settings({**store.settings(), "follow_up": {"on": True, "after_hours": 4}})
    later.textback_queued(CALLER, "m-202612-textback", WEDNESDAY_15 - timedelta(hours=5))
    item = store.planned()[0]
    # The box stopped between marking the follow-up queued and the outbox write.
    store.update_planned(item["id"], status="queued", message_id="m-202612-followup")
    store.close()

    store, later = parts(tmp_path, clock)
    later.tick(clock())
    later.tick(clock() + timedelta(minutes=5))
    queued = [i for i in store.outbox_items() if i.kind == "follow_up"]
    assert [(i.to, i.message_id) for i in queued] == [(CALLER, "m-202612-followup")]
    assert store.get_message("m-202612-followup").kind == "follow_up"
    store.close()

    store, later = parts(tmp_path, clock)        # and once more: nothing new
    later.tick(clock() + timedelta(minutes=10))
    assert len([i for i in store.outbox_items() if i.kind == "follow_up"]) == 1
    store.close()


def test_nothing_is_planned_while_switched_off(tmp_path):
    clock = Clock(WEDNESDAY_15)
    store, later = parts(tmp_path, clock)
    later.textback_queued(CALLER, "m-202612-textback", WEDNESDAY_15)
    assert store.planned(None) == []
    store.close()
