"""The first-text acknowledgement's decision: when it is on, open or closed, and that it obeys
every rule of the text-back."""
from dataclasses import replace
from datetime import timedelta

import pytest

from appliance.core import first_text
from appliance.core.policy import AutoTextCount
from appliance.core.records import Contact
from tests.appliance.core.test_policy import CALL, CALLER, FRESH, NOW, SETTINGS

EVENING = NOW + timedelta(hours=10)            # Mon 20:00 in New York: the shop is closed
ON = dict(SETTINGS, first_text_reply=True, first_text_reply_in_hours=False)


@pytest.mark.parametrize("days, first", [(None, True), (29, False), (31, True)])
def test_first_means_no_text_either_way_for_30_days(days, first):
    contact = None if days is None else Contact(
        number=CALLER, last_at=(EVENING - timedelta(days=days)).isoformat())
    assert first_text.is_first(contact, EVENING) is first


def test_acknowledged_when_closed_with_the_first_text_message():
    decision = first_text.decide(CALL, ON, FRESH, EVENING)
    assert decision.outcome == "text" and decision.kind == "first_text"
    assert "Acme Plumbing" in decision.text


def test_this_very_text_is_not_an_active_conversation():
    history = replace(FRESH, last_inbound_at=EVENING)
    assert first_text.decide(CALL, ON, history, EVENING).outcome == "text"


@pytest.mark.parametrize("settings, now, outcome", [
    (dict(ON, first_text_reply=False), EVENING, "off"),
    (ON, NOW, "open"),
    (dict(ON, first_text_reply_in_hours=True), NOW, "text"),
    (dict(ON, paused=True), EVENING, "paused"),
    (dict(ON, owner_phone=CALLER), EVENING, "owner_phone"),
    (dict(ON, exclude=[CALLER]), EVENING, "excluded"),
])
def test_settings_and_hours(settings, now, outcome):
    assert first_text.decide(CALL, settings, FRESH, now).outcome == outcome


@pytest.mark.parametrize("call, history, sent, outcome", [
    (CALL, replace(FRESH, opted_out=True), None, "opted_out"),
    (CALL, replace(FRESH, last_textback_at=EVENING - timedelta(minutes=5)), None, "cooldown"),
    (CALL, replace(FRESH, textbacks_today=3), None, "daily_cap"),
    (CALL, FRESH, AutoTextCount(20, 20), "box_cap"),
    (replace(CALL, country="JM"), FRESH, None, "foreign"),
    (replace(CALL, line="premium"), FRESH, None, "premium"),
])
def test_the_text_back_rules_apply(call, history, sent, outcome):
    assert first_text.decide(call, ON, history, EVENING, sent=sent).outcome == outcome
