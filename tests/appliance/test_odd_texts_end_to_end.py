"""Texts that are not a customer's words, end to end through the simulator: real PDUs (an MMS
notification by WAP push, a type 0 SMS, 8-bit data, a voicemail notice, alphanumeric and
short-code senders) delivered to the box, which keeps customers' conversations clean."""
from __future__ import annotations

from tests.appliance.box_support import CALLER, running_box, wait_settled
from tests.helpers import wait_for

OWNER = "+12125550147"
SETTINGS = {"owner_phone": OWNER, "owner_email": "sam@ace.example"}


def _owner_texts(app):
    found = app.box.conversation(OWNER) or {"messages": []}
    return [m["text"] for m in found["messages"] if m["direction"] == "out"]


def test_a_picture_message_becomes_one_readable_line(tmp_path):
    """The MMS notice names the customer in its From header; the thread and the owner get one
    line that says to ask for the picture by text to the owner's phone or by email."""
    with running_box(tmp_path, "sim800", settings=SETTINGS) as app:
        app.simulator.receive_special("mms", "+12125550000", picture_from=CALLER)
        thread = wait_for(lambda: app.box.conversation(CALLER), 10, "the picture's line")
        [line] = thread["messages"]
        assert line["kind"] == "picture" and "\x00" not in line["text"]
        assert "picture" in line["text"] and "sam@ace.example" in line["text"]
        forward = wait_for(lambda: _owner_texts(app), 10, "the owner told")
        assert "picture" in forward[0] and "sam@ace.example" in forward[0]
        assert [c["number"] for c in app.box.conversations()] == [CALLER]
        wait_for(lambda: app.simulator.storage["SM"] == {}, 10, "the notice deleted")


def test_silent_and_data_texts_are_dropped_and_logged(tmp_path):
    with running_box(tmp_path, "sim800", settings=SETTINGS) as app:
        sim = app.simulator
        sim.receive_special("silent", CALLER)
        sim.receive_special("data", CALLER, memory="direct")
        sim.receive_text(CALLER, "Real words after the robots")
        wait_for(lambda: app.box.conversation(CALLER), 10, "the real text")
        wait_settled(app)
        texts = [m["text"] for m in app.box.conversation(CALLER)["messages"]]
        assert texts == ["Real words after the robots"]
        dropped = [e["text"] for e in app.box.events(limit=20) if e["kind"] == "dropped"]
        assert any("silent" in t for t in dropped) and any("data" in t for t in dropped)
        assert sim.storage["SM"] == {}
        [forward] = _owner_texts(app)            # only the real text reached the owner
        assert "Real words after the robots" in forward


def test_network_texts_go_to_their_own_list(tmp_path):
    """Alphanumeric and short-code senders and voicemail notices are not conversations and
    are not forwarded; a voicemail notice texts the owner once an hour at most."""
    with running_box(tmp_path, "sim800", settings=SETTINGS) as app:
        sim = app.simulator
        sim.receive_text("T-Mobile", "Your balance is $4.20. Top up at t-mobile.com")
        sim.receive_text("611", "Welcome to Canada! Roaming rates apply.")
        sim.receive_special("voicemail", "+12125550999", count=1)
        sim.receive_special("voicemail", "+12125550999", count=2, dcs_indication=True,
                            text="2 new messages in your mailbox")
        listed = wait_for(lambda: len(app.box.network_texts()) == 4 and app.box.network_texts(),
                          10, "four network texts")
        assert {(t["sender"], t["label"]) for t in listed} == {
            ("T-Mobile", "balance"), ("611", "roaming"), ("+12125550999", "voicemail")}
        assert app.box.conversations() == []
        wait_settled(app)
        owner = _owner_texts(app)
        assert owner == ["TextBack: new voicemail on the box's SIM. Customers may have left a "
                         "message there; call the SIM's voicemail from a phone to listen."]
        assert app.box.unread() == 0
