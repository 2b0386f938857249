"""Follow-ups and review requests end to end: a whole box on the simulator whose clock the test
moves on by hours, so the texts planned for later fall due as they would in a shop."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from appliance.core.templates import LATER_MESSAGES, fill
from tests.appliance.box_support import (CALLER, OTHER_CALLER, running_box, wait_call,
                                         wait_settled)
from tests.helpers import wait_for

NEW_YORK = ZoneInfo("America/New_York")
STOPPER, CALLS_AGAIN = "+12125550143", "+12125550188"
WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=NEW_YORK)
SETTINGS = {"timezone": "America/New_York", "business_name": "Ace Plumbing",
            "follow_up": {"on": True, "after_hours": 4}}


class MovableClock:
    """A running clock that starts at `start`; `move_to` jumps it (the box keeps running)."""

    def __init__(self, start: datetime):
        self.offset = timedelta(0)
        self.move_to(start)

    def move_to(self, moment: datetime) -> None:
        self.offset = moment - datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset


def _ring(app, number, count, outcome="texted"):
    app.simulator.ring(number, number_type=145, rings=1)
    app.simulator.wait_idle(5)
    return wait_call(app, count, outcome)[0]


def _text_in(app, number, text):
    app.simulator.receive_text(number, text)
    wait_for(lambda: any(m.direction == "in" for m in app.store.messages_for(number)), 10,
             f"the text from {number} stored")


def _sent_to(app, number):
    return [text for to, text in app.simulator.sent_texts() if to == number]


def _nothing_planned(app):
    return not app.store.planned()


def test_one_follow_up_to_the_caller_who_never_answered(tmp_path):
    clock = MovableClock(WEDNESDAY_10)
    with running_box(tmp_path, "sim800", settings=SETTINGS, clock=clock) as app:
        for count, number in enumerate((CALLER, OTHER_CALLER, STOPPER, CALLS_AGAIN), 1):
            _ring(app, number, count)
        wait_for(lambda: len(app.simulator.sent_texts()) == 4, 10, "four text-backs")
        clock.move_to(WEDNESDAY_10 + timedelta(hours=2))
        _text_in(app, OTHER_CALLER, "Yes please, the sink is blocked")
        _text_in(app, STOPPER, "STOP")
        _ring(app, CALLS_AGAIN, 5, outcome="cooldown")
        clock.move_to(WEDNESDAY_10 + timedelta(hours=3, minutes=59))
        wait_settled(app)
        assert len(app.store.planned()) == 4       # none is due before four hours

        clock.move_to(WEDNESDAY_10 + timedelta(hours=4, minutes=1))
        wait_for(lambda: _nothing_planned(app), 10, "every follow-up sent or dropped")
        wait_for(lambda: len(_sent_to(app, CALLER)) == 2, 10, "the follow-up sent")
        follow_up = fill(LATER_MESSAGES["follow_up"], app.store.settings())
        assert _sent_to(app, CALLER)[1] == follow_up
        for number in (OTHER_CALLER, CALLS_AGAIN):
            assert len(_sent_to(app, number)) == 1
        assert len(_sent_to(app, STOPPER)) == 2      # the text-back and STOP's confirmation
        outcomes = {p["number"]: (p["status"], p["reason"]) for p in app.store.planned(None)}
        assert outcomes == {CALLER: ("queued", None), OTHER_CALLER: ("dropped", "replied"),
                            STOPPER: ("dropped", "opted_out"),
                            CALLS_AGAIN: ("dropped", "called_again")}
        thread = app.box.conversation(CALLER)["messages"]
        assert [(m["kind"], m["text"]) for m in thread][-1] == ("follow_up", follow_up)
        wait_for(lambda: thread_status(app, CALLER) == "sent", 10, "the follow-up sent")
        stats = app.box.stats(days=1)
        assert (stats["follow_ups"], stats["follow_up_replies"]) == (1, 0)

    # The box starts again later that day: the follow-up is not sent a second time.
    clock.move_to(WEDNESDAY_10 + timedelta(hours=5))
    with running_box(tmp_path, "sim800", clock=clock) as app:
        _text_in(app, CALLER, "Oh yes, still need someone, thanks")
        wait_settled(app)
        wait_for(lambda: app.box.stats(days=1)["follow_up_replies"] == 1, 10,
                 "the reply after the follow-up counted")
        assert app.simulator.sent_texts() == []


def thread_status(app, number):
    return app.box.conversation(number)["messages"][-1]["status"]


def test_a_review_request_after_a_booking_in_opening_hours_and_not_again(tmp_path):
    clock = MovableClock(WEDNESDAY_10 + timedelta(hours=6, minutes=30))      # 16:30
    settings = {**SETTINGS, "follow_up": {"on": False, "after_hours": 4},
                "review_link": "https://g.page/r/ace/review",
                "review_request": {"on": True, "after_hours": 1}}
    with running_box(tmp_path, "sim800", settings=settings, clock=clock) as app:
        _ring(app, CALLER, 1)
        app.box.mark_booked(CALLER, 450)
        wait_for(lambda: app.store.planned(), 10, "the review request planned")
        clock.move_to(WEDNESDAY_10 + timedelta(hours=10))                  # 20:00, closed
        wait_settled(app)
        assert len(_sent_to(app, CALLER)) == 1 and app.store.planned()
        clock.move_to(WEDNESDAY_10 + timedelta(hours=22, minutes=1))       # Thursday 08:01
        wait_for(lambda: len(_sent_to(app, CALLER)) == 2, 10, "the review request")
        assert _sent_to(app, CALLER)[1] == ("Thanks again for choosing us! If you have a "
                                            "minute, a quick review would mean a lot: "
                                            "https://g.page/r/ace/review")
        # Another job a week later: no second request within 90 days.
        clock.move_to(WEDNESDAY_10 + timedelta(days=7))
        app.box.mark_booked(CALLER, None, booked=False)
        app.box.mark_booked(CALLER, 200)
        wait_for(lambda: [p for p in app.store.planned(None) if p["status"] == "planned"], 10,
                 "the second booking seen")
        clock.move_to(WEDNESDAY_10 + timedelta(days=7, hours=2))
        wait_for(lambda: _nothing_planned(app), 10, "the second request dropped")
        reasons = [p["reason"] for p in app.store.planned(None)]
        assert reasons == [None, "asked_recently"]
        assert len(_sent_to(app, CALLER)) == 2
        assert app.box.stats(days=30)["review_requests"] == 1
