"""Calls that ended while the box could not hear them, end to end: a real box on the simulated
module that keeps its own missed-call list (AT+CPBS="MC", AT+CPBR). The list is filled the way
the module fills it when a caller gives up (CallBook.missed), before the box starts; the box
reads it once the modem is ready and handles what it has no record of with its usual rules."""
from datetime import timedelta

from appliance.core.clock import utc_now
from tests.appliance.box_support import running_box, wait_settled
from tests.helpers import wait_for

KNOWN, KNOWN_NATIONAL = "+12125550111", "+12125550112"
OLD, COOLING, NEW, NEW_NATIONAL = "+12125550113", "+12125550114", "+12125550115", "+12125550116"


def _listed(sim, number: str, ago: timedelta, number_type: int = 145) -> None:
    sim.phonebook.missed(number, number_type, 0, utc_now() - ago)


def _known_call(app, number: str, ago: timedelta) -> None:
    """A call the box heard itself (from its number, over at about the listed time)."""
    started = utc_now() - ago - timedelta(seconds=30)
    app.store.add_call({"number": number, "raw_number": number, "number_type": 145,
                        "started_at": started, "ended_at": started + timedelta(seconds=35),
                        "rings": 3, "end_code": "NO CARRIER", "outcome": "texted",
                        "message_id": None})


def _prepare(app) -> None:
    sim, minutes = app.simulator, lambda n: timedelta(minutes=n)
    _listed(sim, OLD, minutes(120))
    _listed(sim, KNOWN, minutes(10))
    _listed(sim, KNOWN_NATIONAL[2:], minutes(8), number_type=129)    # as the module lists it
    _listed(sim, COOLING, minutes(6))
    _listed(sim, NEW, minutes(3))
    _listed(sim, NEW_NATIONAL[2:], minutes(2), number_type=129)
    _known_call(app, KNOWN, minutes(10))
    _known_call(app, KNOWN_NATIONAL, minutes(8))
    app.store.update_contact(COOLING, last_textback_at=(utc_now() - minutes(60)).isoformat())


def _list_reads(sim) -> int:
    return sum(b"AT+CPBR=1" in line for _, line in sim.transcript)


def _texted(sim) -> list[str]:
    return [number for number, _ in sim.sent_texts()]


def test_calls_listed_by_the_modem_while_the_box_was_down_are_texted_once(tmp_path):
    with running_box(tmp_path / "data", dialect="plain", prepare=_prepare) as app:
        sim = app.simulator
        wait_for(lambda: sorted(_texted(sim)) == [NEW, NEW_NATIONAL], 15,
                 "the two calls the box never heard texted back")
        wait_for(lambda: sim.phonebook.entries("MC") == [], 10, "the handled entries deleted")
        wait_settled(app)
        calls = {c.number: c for c in app.store.calls(limit=None)}
        assert calls[NEW].end_code == "missed_call_list"
        assert calls[NEW].outcome == calls[NEW_NATIONAL].outcome == "texted"
        assert calls[COOLING].outcome == "cooldown"          # the same rules as any call
        assert OLD not in calls                                   # too old to text: reported
        assert len(calls) == 5
        events = [e["text"] for e in app.box.events(limit=50)]
        assert any(OLD in text and "too long ago" in text for text in events)

        sim.phonebook.missed(NEW, 145, 0, utc_now() - timedelta(minutes=3))   # listed again
        sim.unplug()
        sim.replug()                      # the box reads the list again once re-initialised
        wait_for(lambda: sim.phonebook.entries("MC") == [], 15, "the list read again")
        wait_settled(app)
        assert sorted(_texted(sim)) == [NEW, NEW_NATIONAL]        # nobody texted twice
        assert len(app.store.calls(limit=None)) == 5

        unheard = "+12125550117"       # a call the box missed while connected (junk on its
        _listed(sim, unheard, timedelta(minutes=2))     # caller ID): found by the next read
        wait_for(lambda: unheard in _texted(sim), 20, "the unheard call found by the next read")
        wait_settled(app)
        assert sorted(_texted(sim)) == [NEW, NEW_NATIONAL, unheard]


def test_a_listed_call_without_a_time_is_reported_never_texted(tmp_path):
    def prepare(app):
        app.simulator.phonebook.timed = False          # this module lists no times
        app.simulator.refuse("+CPBW")                  # ... and will not delete entries
        _listed(app.simulator, NEW, timedelta(minutes=1))

    with running_box(tmp_path / "data", dialect="plain", prepare=prepare) as app:
        sim = app.simulator

        def reported():
            return [e for e in app.box.events(limit=50) if NEW in e["text"]]
        wait_for(reported, 15, "the call reported in the event log")
        assert "no time the box can trust" in reported()[0]["text"]
        reads = _list_reads(sim)
        sim.unplug()
        sim.replug()
        wait_for(lambda: _list_reads(sim) > reads, 15, "the list read again after a replug")
        wait_settled(app)
        assert len(reported()) == 1 and _texted(sim) == [] and app.store.calls() == []
