"""The right words at the right time, end to end through the simulator: each schedule case picks
its message, a direct call gets the direct message, and STOP is honoured on the next call."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from appliance.core import templates
from tests.appliance.box_support import (CALLER, OTHER_CALLER, running_box, wait_call,
                                         wait_settled)
from tests.helpers import wait_for

NEW_YORK = "America/New_York"
OPEN_ALL_DAY = {d: [["00:00", "00:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat",
                                                  "sun")}
CLOSED = {d: [] for d in OPEN_ALL_DAY}


def _clock_at(local: datetime):
    """A running clock that starts at `local` (New York time) instead of now."""
    offset = local.replace(tzinfo=_ny()).astimezone(timezone.utc) - datetime.now(timezone.utc)
    return lambda: datetime.now(timezone.utc) + offset


def _ny():
    from zoneinfo import ZoneInfo
    return ZoneInfo(NEW_YORK)


WEDNESDAY_NOON = datetime(2026, 12, 2, 12, 0)
SATURDAY_NOON = datetime(2026, 12, 5, 12, 0)
WEDNESDAY_NIGHT = datetime(2026, 12, 2, 22, 0)

CASES = [
    # (case, local time, settings, expected message kind)
    ("inside opening hours", WEDNESDAY_NOON, {"hours": OPEN_ALL_DAY}, "business_hours"),
    ("split shift gap", WEDNESDAY_NOON, {"hours": {"wed": [["08:00", "11:30"],
                                                           ["13:00", "17:00"]]}}, "business_hours"),
    ("lunch break message", WEDNESDAY_NOON,
     {"hours": {"wed": [["08:00", "11:30"], ["13:00", "17:00"]]},
      "messages": {"break": "Out for lunch - back at 1. What do you need?"}}, "break"),
    ("evening", WEDNESDAY_NIGHT, {}, "after_hours"),
    ("saturday", SATURDAY_NOON, {"hours": CLOSED}, "weekend"),
    ("listed holiday", WEDNESDAY_NOON, {"hours": OPEN_ALL_DAY, "holidays": ["2026-12-02"]},
     "holiday"),
    ("holiday every year", datetime(2027, 12, 2, 12, 0),
     {"hours": OPEN_ALL_DAY, "holidays_yearly": ["12-02"]}, "holiday"),
    ("away mode", WEDNESDAY_NOON, {"hours": OPEN_ALL_DAY,
                                   "away": {"on": True, "until": "2026-12-10"}}, "away"),
    ("away mode ended", WEDNESDAY_NOON, {"hours": OPEN_ALL_DAY,
                                         "away": {"on": True, "until": "2026-12-01"}},
     "business_hours"),
]


@pytest.mark.parametrize("case, local, settings, kind", CASES, ids=[c[0] for c in CASES])
def test_the_caller_gets_the_message_for_the_moment(tmp_path, case, local, settings, kind):
    settings = {"timezone": NEW_YORK, "business_name": "Ace Plumbing",
                "emergency_number": "+12125550100", **settings}
    with running_box(tmp_path, "sim800", settings=settings, clock=_clock_at(local)) as app:
        app.simulator.ring(CALLER, number_type=145, rings=1)
        call = wait_call(app, outcome="texted")[0]
        saved = app.box.settings()
        assert call.kind == kind
        assert app.simulator.sent_texts() == [
            (CALLER, templates.fill(saved["messages"][kind], saved))]


def test_a_direct_call_gets_the_direct_message_once_the_network_marks_forwarded_calls(tmp_path):
    settings = {"timezone": NEW_YORK, "hours": OPEN_ALL_DAY,
                "messages": {"direct": "Hi, you called our text line. What can we do for you?"}}
    with running_box(tmp_path, "sim800", settings=settings) as app:
        sim = app.simulator
        sim.ring(CALLER, number_type=145, rings=1, forwarded=True)
        first = wait_call(app, outcome="texted")[0]
        sim.wait_idle(5)
        sim.ring(OTHER_CALLER, number_type=145, rings=1)
        second = wait_call(app, count=2, outcome="texted")[0]
        assert (first.forwarded, first.kind) == (True, "business_hours")
        assert (second.forwarded, second.kind) == (False, "direct")
        assert sim.sent_texts()[-1] == (OTHER_CALLER, settings["messages"]["direct"])


def test_stop_is_confirmed_once_and_honoured_on_the_next_call(tmp_path):
    with running_box(tmp_path, "sim7600", settings={"cooldown_minutes": 0}) as app:
        sim = app.simulator
        sim.ring(CALLER, number_type=145, rings=1)
        wait_call(app, outcome="texted")
        sim.receive_text(CALLER, " Stop ")
        wait_for(lambda: len(sim.sent_texts()) == 2, 10, "the STOP confirmation")
        sim.receive_text(CALLER, "STOP")
        sim.wait_idle(5)
        sim.ring(CALLER, number_type=145, rings=1)
        wait_call(app, count=2, outcome="opted_out")
        contact = app.store.contact(CALLER)
        assert contact.opted_out is True
        assert [c["event"] for c in contact.consent] == ["opted_in", "opted_out"]
        confirmations = [t for n, t in sim.sent_texts()[1:]]
        assert len(confirmations) == 1 and "START" in confirmations[0]
        sim.receive_text(CALLER, "start")
        wait_for(lambda: len(sim.sent_texts()) == 3, 10, "the START confirmation")
        assert app.store.contact(CALLER).opted_out is False


def test_a_sentence_containing_stop_is_not_an_opt_out(tmp_path):
    with running_box(tmp_path, "ec25", settings={"cooldown_minutes": 0,
                                                 "active_conversation_hours": 0}) as app:
        sim = app.simulator
        sim.receive_text(CALLER, "Can you stop by tomorrow to fix the tap?")
        wait_for(lambda: app.box.conversation(CALLER), 10, "the text stored")
        sim.ring(CALLER, number_type=145, rings=1)
        wait_call(app, outcome="texted")
        assert app.store.contact(CALLER).opted_out is False


def test_a_caller_already_texting_with_the_owner_gets_no_robot_text(tmp_path):
    with running_box(tmp_path, "huawei") as app:
        sim = app.simulator
        sim.receive_text(CALLER, "Hi, are you free Thursday?")
        wait_for(lambda: app.box.conversation(CALLER), 10, "the text stored")
        sim.ring(CALLER, number_type=145, rings=1)
        wait_call(app, outcome="active_conversation")
        wait_settled(app)          # a late text would be in flight by now
        assert sim.sent_texts() == []


def test_excluded_numbers_and_the_owners_phone_are_never_texted(tmp_path):
    settings = {"exclude": [OTHER_CALLER], "owner_phone": CALLER, "forward_replies": False}
    with running_box(tmp_path, "sim800", settings=settings) as app:
        sim = app.simulator
        sim.ring(OTHER_CALLER, number_type=145, rings=1)
        wait_call(app, outcome="excluded")
        sim.wait_idle(5)
        sim.ring(CALLER, number_type=145, rings=1)
        wait_call(app, count=2, outcome="owner_phone")
        wait_settled(app)          # a late text would be in flight by now
        assert sim.sent_texts() == []


def test_an_invalid_number_is_logged_and_not_texted(tmp_path):
    with running_box(tmp_path, "sim800") as app:
        app.simulator.ring("+15551234567", number_type=145, rings=1)
        call = wait_call(app, outcome="invalid_number")[0]
        assert call.number == "+15551234567"
        wait_settled(app)          # a late text would be in flight by now
        assert app.simulator.sent_texts() == []


def test_the_daily_cap_stops_a_number_being_texted_too_often(tmp_path):
    with running_box(tmp_path, "sim800", settings={"cooldown_minutes": 0, "daily_cap": 1,
                                                   "active_conversation_hours": 0}) as app:
        sim = app.simulator
        sim.ring(CALLER, number_type=145, rings=1)
        wait_call(app, outcome="texted")
        sim.wait_idle(5)
        sim.ring(CALLER, number_type=145, rings=1)
        wait_call(app, count=2, outcome="daily_cap")
        assert len(sim.sent_texts()) == 1


def test_a_paused_box_logs_calls_without_texting(tmp_path):
    with running_box(tmp_path, "sim800", settings={"paused": True}) as app:
        app.simulator.ring(CALLER, number_type=145, rings=1)
        wait_call(app, outcome="paused")
        wait_settled(app)          # a late text would be in flight by now
        assert app.simulator.sent_texts() == []


def test_a_clock_offset_is_a_working_test_tool():
    """_clock_at really moves the clock (so the cases above test what they claim)."""
    clock = _clock_at(SATURDAY_NOON)
    assert clock().astimezone(_ny()).weekday() == 5
    assert abs(clock().astimezone(_ny()).replace(tzinfo=None) - SATURDAY_NOON) < timedelta(
        minutes=1)
