"""The headline state and the status light tell the same story: a fault hides paused/away, which
hide everything else; "working" is never said while text-back is paused or away."""
from __future__ import annotations

import itertools

import pytest

from appliance.core import health
from appliance.core.health import assess
from hardware.status_light import DOUBLE_BLINK, FAST_BLINK, SLOW_BLINK, STEADY, pattern_for

MODEM_STATES = ("ready", "starting", "searching", "no_modem", "no_sim", "sim_pin", "error")
# headline state -> the light patterns it may go with
AGREES = {"not_working": {FAST_BLINK}, "paused": {DOUBLE_BLINK}, "away": {DOUBLE_BLINK},
          "needs_look": {SLOW_BLINK, STEADY}, "working": {STEADY}}


@pytest.mark.parametrize("modem, failed, queued, paused, away, disk_full", list(itertools.product(
    MODEM_STATES, (0, 2), (0, 9), (False, True), (False, True), (False, True))))
def test_the_headline_and_the_light_agree(modem, failed, queued, paused, away, disk_full):
    verdict = health.assess(modem, queued, failed, paused=paused, away=away, disk_full=disk_full)
    light = pattern_for(verdict.led, paused, away)
    assert light in AGREES[verdict.state], (verdict, light)
    assert verdict.as_dict()["state"] == verdict.state
    if paused or away:
        assert verdict.state != "working"


@pytest.mark.parametrize("paused, away, state", [
    (False, False, "working"), (True, False, "paused"), (False, True, "away"),
    (True, True, "paused")])
def test_a_ready_box_says_whether_text_back_is_on(paused, away, state):
    verdict = health.assess("ready", 0, 0, paused=paused, away=away)
    assert (verdict.level, verdict.state) == ("ok", state)


def test_a_fault_wins_over_paused():
    verdict = health.assess("no_sim", 0, 0, paused=True)
    assert verdict.state == "not_working" and "SIM" in verdict.problem


def test_a_full_storage_card_is_a_fault_the_light_blinks_fast_for():
    verdict = assess("ready", queued=0, failed=0, disk_full=True)
    assert (verdict.led, verdict.level) == ("disk_full", "fault")
    assert "storage card is full" in verdict.problem and "still texted back" in verdict.problem
    assert "Free space" in verdict.advice
    assert pattern_for(verdict.led, paused=False, away=False) == FAST_BLINK


@pytest.mark.parametrize("state", ["no_modem", "no_sim", "sim_pin", "error"])
def test_a_modem_that_cannot_text_comes_before_a_full_card(state):
    verdict = assess(state, queued=0, failed=0, disk_full=True)
    assert verdict.led == state


def test_a_full_card_comes_before_texts_that_failed_and_while_the_modem_starts():
    assert assess("ready", queued=9, failed=2, disk_full=True).led == "disk_full"
    assert assess("starting", queued=0, failed=0, disk_full=True).led == "disk_full"
    assert assess("ready", queued=0, failed=2).led == "outbox_failing"
