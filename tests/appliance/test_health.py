"""The headline state and the status light tell the same story: a fault hides paused/away, which
hide everything else; "working" is never said while text-back is paused or away."""
from __future__ import annotations

import itertools

import pytest

from appliance import health
from hardware.status_light import DOUBLE_BLINK, FAST_BLINK, SLOW_BLINK, STEADY, pattern_for

MODEM_STATES = ("ready", "starting", "searching", "no_modem", "no_sim", "sim_pin", "error")
# headline state -> the light patterns it may go with
AGREES = {"not_working": {FAST_BLINK}, "paused": {DOUBLE_BLINK}, "away": {DOUBLE_BLINK},
          "needs_look": {SLOW_BLINK, STEADY}, "working": {STEADY}}


@pytest.mark.parametrize("modem, failed, queued, paused, away", list(itertools.product(
    MODEM_STATES, (0, 2), (0, 9), (False, True), (False, True))))
def test_the_headline_and_the_light_agree(modem, failed, queued, paused, away):
    verdict = health.assess(modem, queued, failed, paused=paused, away=away)
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
