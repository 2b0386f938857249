"""Which faults reach the owner by text, and when (core/fault_texts.py, pure: `now` is passed)."""
from datetime import datetime, timedelta, timezone

from appliance.core.fault_texts import FaultTexts, kinds_of, say_duration

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_the_health_verdict_names_the_kinds():
    assert kinds_of("outbox_failing", 5000, False, True) == {"texts_failing"}
    assert kinds_of("searching", 5000, False, True) == {"no_network"}
    assert kinds_of("sim_pin", 5000, False, True) == kinds_of("no_sim", None, False, True) == {"sim"}
    assert kinds_of("no_modem", 5000, False, True) == {"modem_missing"}
    assert kinds_of("ready", 50, False, False) == {"storage_low", "clock"}
    assert kinds_of("disk_full", 5000, True, True) == {"storage_low"}
    assert kinds_of("ready", 5000, False, True) == set()
    assert kinds_of("starting", None, False, True) == set()


def test_texts_failing_is_told_after_ten_minutes_and_back_to_normal_once():
    faults = FaultTexts()
    assert faults.observe({"texts_failing"}, True, at(0)) == []
    assert faults.observe({"texts_failing"}, True, at(9.9)) == []
    [text] = faults.observe({"texts_failing"}, True, at(10))
    assert text.startswith("TextBack Box: texts to callers have been failing for 10 minutes.")
    assert faults.observe({"texts_failing"}, True, at(30)) == []
    assert faults.observe(set(), True, at(31)) == [
        "TextBack Box: back to normal: texts to callers are going out again."]
    assert faults.observe(set(), True, at(32)) == []


def test_a_fault_shorter_than_its_delay_is_never_told():
    faults = FaultTexts()
    faults.observe({"no_network"}, False, at(0))
    assert faults.observe(set(), True, at(14)) == []
    assert faults.observe({"no_network"}, False, at(20)) == []      # a new episode starts over
    assert faults.observe({"no_network"}, False, at(34)) == []


def test_at_most_one_text_per_kind_in_six_hours_and_no_back_to_normal_for_an_untold_one():
    faults = FaultTexts()
    faults.observe({"storage_low"}, True, at(0))
    assert faults.observe(set(), True, at(5)) != []
    assert faults.observe({"storage_low"}, True, at(60)) == []       # again within 6 hours
    assert faults.observe(set(), True, at(70)) == []                 # ... so no "fixed" either
    assert faults.observe({"storage_low"}, True, at(6 * 60 + 1)) == [
        "TextBack Box: its storage card is nearly full. Free space on the card or move to a "
        "bigger one; the box page says how."]


def test_a_fault_that_stops_texting_is_told_once_the_box_can_text_again():
    faults = FaultTexts()
    assert faults.observe({"modem_missing"}, False, at(0)) == []
    assert faults.observe({"modem_missing"}, False, at(5)) == []     # counted, can't be sent
    assert faults.observe({"modem_missing"}, False, at(40)) == []
    assert faults.observe(set(), True, at(158)) == [
        "TextBack Box: its modem was missing for 2 hours 38 minutes. It is back to normal now; "
        "missed callers are texted again."]
    assert faults.observe({"sim"}, False, at(200)) == []             # SIM trouble counts at once
    assert faults.observe(set(), True, at(201)) == [
        "TextBack Box: its SIM card was refused, locked or missing (or the modem would not "
        "start) for 1 minute. It is back to normal now; missed callers are texted again."]


def test_a_fault_told_by_another_part_only_gets_its_back_to_normal():
    faults = FaultTexts()
    assert faults.observe({"storage_low"}, True, at(0), frozenset({"storage_low"})) == []
    assert faults.observe(set(), True, at(3)) == [
        "TextBack Box: back to normal: its storage card has room again."]


def test_delays_can_be_changed_and_kinds_are_independent():
    faults = FaultTexts({"modem_missing": timedelta(seconds=1)})
    [clock] = faults.observe({"modem_missing", "clock"}, False, at(0))   # queued till it can
    assert "clock can't be trusted" in clock
    assert faults.observe({"modem_missing", "clock"}, False, at(0.5)) == []
    [back] = faults.observe({"clock"}, True, at(1))
    assert back.startswith("TextBack Box: its modem was missing for 1 minute.")


def test_durations_read_like_a_person_wrote_them():
    assert say_duration(timedelta(seconds=20)) == "1 minute"
    assert say_duration(timedelta(minutes=61)) == "1 hour 1 minute"
    assert say_duration(timedelta(hours=2)) == "2 hours"


def test_the_six_hour_rule_starts_from_the_last_text_it_is_given():
    faults = FaultTexts(last_told={"storage_low": at(0), "nonsense": at(0), "clock": "junk"})
    assert faults.observe({"storage_low"}, True, at(60)) == []
    assert faults.observe({"clock"}, True, at(60)) != []
    assert set(faults.last_told) == {"storage_low", "clock"}
