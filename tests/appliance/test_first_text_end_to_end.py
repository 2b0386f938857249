"""A customer who texts first, end to end through the simulator: one acknowledgement (the
editable "first text" message), never a second, nothing for keywords, robots or when it is
switched off, and a call right after still follows the active-conversation rule."""
from __future__ import annotations

from tests.appliance.box_support import (CALLER, OTHER_CALLER, running_box, wait_call,
                                         wait_settled)
from tests.helpers import wait_for

CLOSED = {day: [] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
SETTINGS = {"business_name": "Ace Plumbing", "hours": CLOSED, "forward_replies": False,
            "first_text_reply": True,
            "messages": {"first_text": "Thanks for texting {business_name}! Back tomorrow."}}


def _sent_to(app, number):
    return [t for n, t in app.simulator.sent_texts() if n == number]


def test_a_first_text_gets_one_acknowledgement(tmp_path):
    with running_box(tmp_path, "sim800", settings=SETTINGS) as app:
        sim = app.simulator
        sim.receive_text(CALLER, "Hi, do you fix boilers?")
        wait_for(lambda: _sent_to(app, CALLER), 10, "the acknowledgement")
        assert _sent_to(app, CALLER) == ["Thanks for texting Ace Plumbing! Back tomorrow."]
        sim.receive_text(CALLER, "It's a Worcester combi")
        sim.ring(CALLER, number_type=145, rings=1)
        wait_call(app, outcome="active_conversation")
        wait_settled(app)
        assert len(_sent_to(app, CALLER)) == 1                    # once, and no text-back
        [thread_reply] = [m for m in app.box.conversation(CALLER)["messages"]
                          if m["direction"] == "out"]
        assert thread_reply["kind"] == "first_text"
        assert [c["how"] for c in app.box.consent_history(CALLER)] == ["texted the business"]


def test_no_acknowledgement_for_keywords_robots_or_when_off(tmp_path):
    with running_box(tmp_path, "sim800", settings=SETTINGS) as app:
        sim = app.simulator
        sim.receive_text(OTHER_CALLER, "STOP")                  # only the STOP confirmation
        sim.receive_text("ACMEBANK", "Your code is 1234", sender_type=0xD0)
        wait_for(lambda: _sent_to(app, OTHER_CALLER), 10, "the STOP confirmation")
        app.box.update_settings({"first_text_reply": False})
        sim.receive_text("+12125550188", "Hello? Anyone there?")
        wait_for(lambda: app.box.conversation("+12125550188"), 10, "the text stored")
        wait_settled(app)
        assert len(_sent_to(app, OTHER_CALLER)) == 1 and "won't" in _sent_to(app, OTHER_CALLER)[0]
        assert _sent_to(app, "+12125550188") == [] and _sent_to(app, "ACMEBANK") == []
