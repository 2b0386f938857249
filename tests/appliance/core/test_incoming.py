"""What a received text is (core/incoming.py): the facts decide, words only refine a label."""
import pytest

from appliance.core import incoming
from appliance.core.domain import TextFacts


@pytest.mark.parametrize("facts, text, nature", [
    (TextFacts(port=2948, eight_bit=True), "\x01\x06", "picture"),
    (TextFacts(protocol_id=0x40), "", "silent"),
    (TextFacts(eight_bit=True), "abc", "data"),
    (TextFacts(port=5499), "hello", "data"),                 # any other application's port
    (TextFacts(), "\x00\x01\x02\x03 garbage", "data"),
    (TextFacts(), "\ufffd\ufffd\ufffd\ufffd ok", "data"),
    (TextFacts(voicemail=True), "You have 1 new message", "voicemail"),
    (TextFacts(), "Can you come at 3? Ça va", "text"),
    (TextFacts(), "Line one\nline two\r\n\tend", "text"),
])
def test_nature(facts, text, nature):
    assert incoming.nature(facts, text) == nature


@pytest.mark.parametrize("sender, kind_of_text, network", [
    ("T-Mobile", "text", True), ("611", "text", True), ("40404", "text", True),
    ("+12125550101", "voicemail", True), ("+12125550101", "text", False),
    ("2125550101", "text", False),
])
def test_the_sender_decides_who_is_the_network(sender, kind_of_text, network):
    assert incoming.from_network(sender, "US", kind_of_text) is network


@pytest.mark.parametrize("kind_of_text, text, label", [
    ("voicemail", "anything at all", "voicemail"),
    ("text", "You have 2 new voice messages", "voicemail"),
    ("text", "Your balance is $3.10", "balance"),
    ("text", "Welcome to Mexico! Roaming rates apply", "roaming"),
    ("text", "+12125550101 tried to call you at 10:02", "missed_calls"),
    ("text", "Grazie per aver scelto noi", "network"),           # unknown words: still listed
])
def test_words_refine_the_label(kind_of_text, text, label):
    assert incoming.network_label(kind_of_text, text) == label


def test_the_picture_line_offers_the_owners_email_when_set():
    assert "sam@ace.example" in incoming.picture_line({"owner_email": "sam@ace.example"})
    assert "email it to you" in incoming.picture_line({"owner_email": ""})
