"""Conversations end to end through the simulator: replies kept in threads, long texts
reassembled, bursts and full SIMs emptied into the store, delivery reports, and the owner's
relay by plain SMS."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from appliance.app.timings import FAST
from tests.appliance.box_support import (CALLER, OTHER_CALLER, UK_MOBILE, demo_box,
                                         running_box, wait_call, wait_settled)
from tests.helpers import wait_for

OWNER = "+12125550147"


def _texts(app, number):
    conversation = app.box.conversation(number) or {"messages": []}
    return [(m["direction"], m["text"]) for m in conversation["messages"]]


def _inbound(app, number):
    return [t for d, t in _texts(app, number) if d == "in"]


def test_a_reply_after_a_text_back_shows_in_its_thread(tmp_path):
    with running_box(tmp_path, "sim800") as app:
        sim = app.simulator
        sim.ring(CALLER, number_type=145, rings=1)
        wait_call(app, outcome="texted")
        sim.receive_text(CALLER, "Burst pipe in the kitchen, can you come today? 🙏")
        wait_for(lambda: len(_texts(app, CALLER)) == 2, 10, "the reply in the thread")
        thread = _texts(app, CALLER)
        assert thread[0][0] == "out"
        assert thread[1] == ("in", "Burst pipe in the kitchen, can you come today? 🙏")
        wait_for(lambda: app.box.conversations()[0]["unread"] == 1, 10, "the thread marked unread")
        wait_for(lambda: sim.storage["SM"] == {}, 10, "the reply deleted from the SIM")


def test_three_parts_arriving_3_1_2_become_one_message(tmp_path):
    long_text = ("Hello, our boiler stopped working last night and there is no hot water. "
                 "We have two small kids at home. Could someone come over tomorrow morning? "
                 "The address is 12 Elm Street, ring twice, the bell is broken. The boiler is in the "
                 "garage behind the blue door; the key is under the mat. Call me on this number "
                 "if you can't find it. Thanks a lot, we really appreciate it!")
    with running_box(tmp_path, "ec25") as app:
        sim = app.simulator
        pdus = sim.receive_text(CALLER, long_text, order=[3, 1, 2], concat_bits=16)
        assert len(pdus) == 3
        wait_for(lambda: _inbound(app, CALLER), 10, "the whole text")
        assert _inbound(app, CALLER) == [long_text]
        wait_for(lambda: sim.storage["SM"] == {}, 10, "the parts deleted from the SIM")


def test_a_part_that_never_comes_is_shown_with_the_gap_marked(tmp_path):
    with running_box(tmp_path, "sim800",
                     timings=replace(FAST, part_timeout=timedelta(seconds=0.5))) as app:
        sim = app.simulator
        sim.receive_text(CALLER, "x" * 400 + " end", drop_part=2)
        wait_for(lambda: _inbound(app, CALLER), 10, "the incomplete text")
        text = _inbound(app, CALLER)[0]
        assert "[part 2 of 3 missing]" in text and text.endswith(" end")


def test_two_notifications_in_one_burst_are_both_stored(tmp_path):
    with running_box(tmp_path, "sim800") as app:
        sim = app.simulator
        sim.receive_text(CALLER, "first", notify=False)
        sim.receive_text(OTHER_CALLER, "second", notify=False)
        slots = sorted(sim.storage["SM"])
        sim.inject("".join(f'\r\n+CMTI: "SM",{i}\r\n' for i in slots).encode())
        wait_for(lambda: _inbound(app, CALLER) and _inbound(app, OTHER_CALLER), 10, "both texts")
        assert (_inbound(app, CALLER), _inbound(app, OTHER_CALLER)) == (["first"], ["second"])


def test_texts_waiting_on_the_sim_at_start_up_are_stored_then_deleted(tmp_path):
    app = demo_box(tmp_path, gpio=False)
    sim = app.simulator.start()
    sim.receive_text(CALLER, "sent while the box was off", notify=False)
    sim.receive_text(UK_MOBILE, "me too", memory="ME", notify=False)
    app.start()
    try:
        wait_for(lambda: _inbound(app, CALLER) and _inbound(app, UK_MOBILE), 10, "both stored")
        wait_for(lambda: sim.storage == {"SM": {}, "ME": {}}, 10, "the SIM emptied")
        assert _inbound(app, CALLER) == ["sent while the box was off"]
    finally:
        app.stop()


def test_a_full_sim_is_emptied_into_the_store(tmp_path):
    with running_box(tmp_path, "sim7600") as app:
        sim = app.simulator
        app.modem.stop()            # the box is away while the SIM fills up
        for i in range(10):
            sim.receive_text(CALLER, f"text {i}", notify=False)
        sim.receive_text(CALLER, "the one the network holds back")
        assert len(sim.waiting) == 1
        app.modem.start()
        wait_for(lambda: len(_inbound(app, CALLER)) == 11, 20, "every text stored")
        assert sorted(_inbound(app, CALLER)) == sorted(
            [f"text {i}" for i in range(10)] + ["the one the network holds back"])
        wait_for(lambda: sim.storage["SM"] == {} and not sim.waiting, 10, "the SIM empty")


def test_a_delivery_report_marks_the_text_delivered(tmp_path):
    with running_box(tmp_path, "huawei") as app:
        sim = app.simulator
        sim.ring(CALLER, number_type=145, rings=1)
        call = wait_call(app, outcome="texted")[0]
        sim.deliver_report(sim.sent[0].reference, delivered=True)
        wait_for(lambda: app.store.get_message(call.message_id).status
                 == "delivered", 10, "the text marked delivered")


def test_a_failed_delivery_says_to_call_instead(tmp_path):
    with running_box(tmp_path, "sim800") as app:
        sim = app.simulator
        sim.ring(CALLER, number_type=145, rings=1)
        call = wait_call(app, outcome="texted")[0]
        sim.deliver_report(sim.sent[0].reference, delivered=False)
        message = wait_for(lambda: (m := app.store.get_message(call.message_id))
                           .status == "failed" and m, 10, "the text marked failed")
        assert "Call them instead" in message.error


def test_the_owner_gets_a_forward_answers_with_the_tag_and_the_customer_gets_it(tmp_path):
    settings = {"owner_phone": OWNER, "forward_replies": True}
    with running_box(tmp_path, "sim800", settings=settings) as app:
        sim = app.simulator
        sim.receive_text(CALLER, "Do you fix leaking taps?")
        forward = wait_for(lambda: [t for n, t in sim.sent_texts() if n == OWNER], 10,
                           "the forward to the owner")[0]
        tag = app.store.contact(CALLER).tag
        assert f"#{tag}" in forward and "Do you fix leaking taps?" in forward
        sim.receive_text(OWNER, f"{tag.lower()}: yes, I can come at 4")
        wait_for(lambda: (CALLER, "yes, I can come at 4") in sim.sent_texts(), 10,
                 "the owner's answer relayed to the customer")
        wait_for(lambda: [t for n, t in sim.sent_texts() if n == OWNER and "Sent to" in t], 10,
                 "the confirmation to the owner")
        owner_texts = [t for n, t in sim.sent_texts() if n == OWNER]
        assert not any("yes, I can come at 4" in t for t in owner_texts)   # never looped back


def test_a_malformed_owner_reply_gets_a_helpful_text_back(tmp_path):
    with running_box(tmp_path, "ec25", settings={"owner_phone": OWNER}) as app:
        sim = app.simulator
        sim.receive_text(OWNER, "on my way")
        help_text = wait_for(lambda: [t for n, t in sim.sent_texts() if n == OWNER], 10,
                             "the explanation")[0]
        assert "Not sent" in help_text and "tag" in help_text
        assert [n for n, _ in sim.sent_texts()] == [OWNER]


def test_urgent_words_reach_the_owner_even_with_forwarding_off(tmp_path):
    settings = {"owner_phone": OWNER, "forward_replies": False}
    with running_box(tmp_path, "sim800", settings=settings) as app:
        sim = app.simulator
        sim.receive_text(CALLER, "Thanks!")
        sim.receive_text(OTHER_CALLER, "Water everywhere, a pipe has BURST")
        alert = wait_for(lambda: [t for n, t in sim.sent_texts() if n == OWNER], 10,
                         "the urgent alert")
        assert len(alert) == 1 and alert[0].startswith("URGENT")


def test_the_owner_can_ask_for_status_and_pause_by_text(tmp_path):
    with running_box(tmp_path, "sim800", settings={"owner_phone": OWNER}) as app:
        sim = app.simulator
        sim.receive_text(OWNER, "status")
        wait_for(lambda: any("TextBack ON" in t for n, t in sim.sent_texts() if n == OWNER), 10,
                 "the status report")
        sim.receive_text(OWNER, "PAUSE")
        wait_for(lambda: app.box.settings()["paused"], 10, "paused")
        wait_settled(app)            # a SIM800 turns calls away while it sends a text
        sim.ring(CALLER, number_type=145, rings=1)
        wait_call(app, outcome="paused")


def test_an_alphanumeric_sender_is_kept_but_never_answered(tmp_path):
    settings = {"owner_phone": OWNER, "forward_replies": True}
    with running_box(tmp_path, "sim800", settings=settings) as app:
        sim = app.simulator
        sim.receive_text("ACMEBANK", "Your code is 123456. STOP to opt out", sender_type=0xD0)
        wait_for(lambda: [t for t in app.box.network_texts() if t["sender"] == "ACMEBANK"],
                 10, "the text kept on the network list")
        assert app.box.conversation("ACMEBANK") is None      # not a customer's conversation
        sim.receive_text(CALLER, "hello")       # a later text proves the first was handled
        wait_for(lambda: [t for n, t in sim.sent_texts() if n == OWNER], 10, "a forward")
        assert all("ACMEBANK" not in t for _, t in sim.sent_texts())
        assert len(sim.sent_texts()) == 1
