"""Faked caller IDs cannot drain the SIM: the real box on the modem simulator texts only a
person's phone in an allowed country, and at most so many an hour and a day (with one text to the
owner per trip, kept across a restart)."""
from __future__ import annotations

from tests.appliance.box_support import CALLER, UK_MOBILE, calls, running_box, wait_settled
from tests.helpers import wait_for

OWNER = "+13475550188"
PREMIUM = "+19005551234"          # +1 900: premium rate
JAMAICA = "+18762345678"          # +1 876: dials like a US number, billed as Jamaica
SATELLITE = "+881631234567"       # Iridium satellite phone (no country, "001")
TOLL_FREE = "+18005550199"
CALLERS = [f"+1212555{n:04d}" for n in range(3000, 3010)]   # valid New York numbers


def _ring(app, number: str, count: int):
    """Ring from `number` and return the call once it is the `count`-th one, settled."""
    app.simulator.ring(number, number_type=145, rings=1)
    found = wait_for(lambda: len(calls(app)) >= count and calls(app)[0].outcome != "queued"
                     and calls(app), 10, f"call {count} from {number}")
    wait_settled(app)
    return found[0]


def _texts_to(app, number: str) -> list[str]:
    return [text for to, text in app.simulator.sent_texts() if to == number]


def test_only_a_persons_phone_in_an_allowed_country_gets_an_automatic_text(tmp_path):
    with running_box(tmp_path, settings={"allowed_countries": ["GB"]}) as app:
        outcomes = [_ring(app, number, i + 1).outcome for i, number in
                    enumerate([PREMIUM, JAMAICA, SATELLITE, TOLL_FREE, UK_MOBILE, CALLER])]
        assert outcomes == ["premium", "foreign", "premium", "service_number", "texted", "texted"]
        assert {to for to, _ in app.simulator.sent_texts()} == {UK_MOBILE, CALLER}
        # A STOP from a premium number is honoured, but the box does not answer it.
        app.simulator.receive_text(PREMIUM, "STOP")
        wait_for(lambda: _opted_out(app, PREMIUM), 10,
                 "the STOP honoured")
        wait_settled(app)
        assert _texts_to(app, PREMIUM) == []


def _cap_events(app) -> list[str]:
    return [e["text"] for e in app.box.events(limit=20) if e["kind"] == "box_cap"]


def _alarms(app) -> list:
    return [m for m in app.store.messages_for(OWNER) if "automatic texts" in m.text]


def test_the_box_wide_cap_stops_texts_tells_the_owner_once_and_survives_a_restart(tmp_path):
    caps = {"owner_phone": OWNER, "auto_texts_per_hour": 2, "auto_texts_per_day": 3}
    with running_box(tmp_path, settings=caps) as app:
        outcomes = [_ring(app, number, i + 1).outcome for i, number in enumerate(CALLERS[:4])]
        assert outcomes == ["texted", "texted", "box_cap", "box_cap"]
        assert app.box.auto_text_cap()["window"] == "hour"
        assert [a.text for a in _alarms(app)] == [_texts_to(app, OWNER)[0]]
        assert "Automatic texts per hour" in _alarms(app)[0].text
        # An automatic answer is held back too (the STOP itself is honoured) ...
        app.simulator.receive_text(CALLERS[4], "STOP")
        wait_for(lambda: _opted_out(app, CALLERS[4]), 10,
                 "the STOP honoured")
        # ... but the owner's own reply is not.
        app.box.send_reply(CALLERS[0], "Sorry I missed you, calling now")
        wait_for(lambda: len(_texts_to(app, CALLERS[0])) == 2, 10, "the owner's reply")
        wait_settled(app)
        assert _texts_to(app, CALLERS[4]) == [] and len(_alarms(app)) == 1
    with running_box(tmp_path) as app:          # restarted: the count and the trip are kept
        assert _ring(app, CALLERS[5], 5).outcome == "box_cap"
        assert len(_alarms(app)) == 1 and app.box.auto_text_cap() is not None
        app.box.update_settings({"auto_texts_per_hour": 10, "auto_texts_per_day": 20})
        assert app.box.auto_text_cap() is None       # raised: the banner goes at once
        assert _ring(app, CALLERS[6], 6).outcome == "texted"
        events = wait_for(lambda: len(_cap_events(app)) == 2 and _cap_events(app), 5,
                          "the trip's end in the event log")
        assert events[0] == "Automatic texts are going out again" and len(events) == 2
        assert len(_alarms(app)) == 1


def _opted_out(app, number: str) -> bool:
    contact = app.store.contact(number)
    return contact is not None and contact.opted_out
