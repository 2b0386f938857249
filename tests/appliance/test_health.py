"""The health verdict (pure): what the page, the status light and the owner hear first."""
import pytest

from appliance.health import assess
from hardware.status_light import FAST_BLINK, pattern_for


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
