"""The box-wide count of automatic texts and its alarm, on a real store in a temp folder: the
windows' edges, a clock stepped back, the count rebuilt after a restart, one owner text a trip."""
from datetime import datetime, timedelta, timezone

import pytest

from appliance.sending.auto_texts import AutoTexts
from appliance.core.domain import SendText
from appliance.sending.outbox import Outbox
from appliance.sending.outgoing import Outgoing
from appliance.core.policy import AutoTextCount
from appliance.storage.store import Store

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=timezone.utc)
OWNER = "+13475550188"
CAPS = {"owner_phone": OWNER, "auto_texts_per_hour": 2, "auto_texts_per_day": 3,
        "timezone": "America/New_York"}


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path, clock=lambda: NOW)
    yield store
    store.close()


def _queue(store, kind: str, at: datetime, to: str = "+12125553001") -> None:
    Outgoing(store, Outbox(store)).queue_text(SendText(to=to, text="hi", kind=kind), at)


def test_the_windows_are_an_hour_and_a_day_either_side_of_now(store):
    autos = AutoTexts(store, Outgoing(store, Outbox(store)))
    for ago in (timedelta(minutes=59), timedelta(minutes=61), timedelta(hours=23, minutes=59),
                timedelta(hours=24)):
        autos.sent(NOW - ago)
    assert autos.count(NOW) == AutoTextCount(1, 3)
    autos.sent(NOW)
    stepped_back = NOW - timedelta(minutes=30)           # the clock was put back half an hour
    assert autos.count(stepped_back) == AutoTextCount(3, 4)
    assert autos.count(NOW - timedelta(days=400)) == AutoTextCount(0, 0)   # never frozen


def test_after_a_restart_the_count_comes_from_the_stored_texts(store):
    for minutes, kind in ((5, "textback"), (10, "keyword"), (15, "reply"), (20, "owner"),
                          (90, "textback"), (60 * 25, "textback")):
        _queue(store, kind, NOW - timedelta(minutes=minutes))
    restarted = AutoTexts(store, Outgoing(store, Outbox(store)))
    # Text-backs and keyword answers count; the owner's replies and texts to the owner do not.
    assert restarted.count(NOW) == AutoTextCount(2, 3)


def test_one_owner_text_and_one_event_a_trip(store):
    outgoing = Outgoing(store, Outbox(store))
    for minutes in (3, 2):
        _queue(store, "textback", NOW - timedelta(minutes=minutes))
    autos = AutoTexts(store, outgoing)
    assert autos.trip(CAPS, NOW) is None                  # full, but nothing held back yet
    autos.stopped(CAPS, NOW)
    autos.stopped(CAPS, NOW + timedelta(minutes=1))
    restarted = AutoTexts(store, outgoing).trip(CAPS, NOW + timedelta(minutes=2))
    assert (restarted["since"], restarted["sent"]) == ("10:00", 2)   # kept; in shop time
    alarms = store.messages_for(OWNER)
    assert len(alarms) == 1 and "2 automatic texts in the last hour" in alarms[0].text
    assert [e["kind"] for e in store.events()] == ["box_cap"]
    later = NOW + timedelta(hours=1)                       # the hour freed up: no banner
    assert autos.trip(CAPS, later) is None
    assert autos.refusal("+12125553002", CAPS, later) is None    # allowed: the trip is over
    assert "Automatic texts are going out again" in [e["text"] for e in store.events()]
    for minutes in (1, 2):
        autos.sent(later + timedelta(minutes=minutes))
    assert autos.refusal("+12125553003", CAPS, later + timedelta(minutes=3)) == "box_cap"
    assert len(store.messages_for(OWNER)) == 2            # a new trip, a new text
    assert autos.refusal("+19005551234", CAPS, later) == "premium"
