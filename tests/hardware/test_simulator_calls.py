"""Simulated callers: what each modem family says while a call rings and when the caller gives
up, withheld and forwarded calls, the box hanging up, and the SIM800's refusal while sending."""
from datetime import datetime, timezone

import pytest

from tests.hardware.simulator_support import make_sim  # noqa: F401  (fixture)

NUMBER = "+15551234567"
CLIP_800 = b'\r\n+CLIP: "+15551234567",145,"",0,"",0\r\n'
CLIP = b'\r\n+CLIP: "+15551234567",145,,,,0\r\n'


def fixed_clock():
    return datetime(2026, 11, 27, 11, 53, 7, tzinfo=timezone.utc).astimezone()


def test_sim800_rings_with_caller_id_and_call_states(make_sim):
    sim, line = make_sim("sim800")
    line.send("AT+CLIP=1;+CLCC=1")
    line.expect(b"\r\nOK\r\n")
    call = sim.ring(NUMBER, rings=2, interval=0.02)
    line.expect(b'\r\n+CLCC: 1,1,4,0,0,"+15551234567",145,""\r\n'
                b"\r\nRING\r\n" + CLIP_800 + b"\r\nRING\r\n" + CLIP_800 +
                b'\r\n+CLCC: 1,1,6,0,0,"+15551234567",145,""\r\n\r\nNO CARRIER\r\n')
    assert sim.wait_idle(5)
    assert call.outcome == "gave_up"
    line.nothing_pending()


def test_without_at_clip_only_ring_and_the_end_code(make_sim):
    sim, line = make_sim("sim800")
    sim.ring(NUMBER, rings=1, interval=0.02)
    line.expect(b"\r\nRING\r\n\r\nNO CARRIER\r\n")
    sim.wait_idle(5)
    line.nothing_pending()


def test_sim7600_doubles_cr_on_some_rings_and_reports_the_missed_call(make_sim):
    sim, line = make_sim("sim7600", clock=fixed_clock)
    line.send("AT+CLIP=1")
    line.expect(b"\r\nOK\r\n")
    sim.ring(NUMBER, rings=2, interval=0.02)
    line.expect(b"\r\nRING\r\r\n" + CLIP + b"\r\nRING\r\n" + CLIP +
                b"\r\nMISSED_CALL: 11:53AM +15551234567\r\n")


def test_sim7600_missed_call_keeps_a_national_number_as_received(make_sim):
    sim, line = make_sim("sim7600", clock=lambda: datetime(2026, 1, 2, 23, 5).astimezone())
    sim.ring("07700900123", rings=1, interval=0.02)
    line.expect(b"\r\nRING\r\r\n\r\nMISSED_CALL: 11:05PM 07700900123\r\n")


def test_ec25_ends_with_no_carrier(make_sim):
    sim, line = make_sim("ec25")
    line.send("AT+CLIP=1")
    line.expect(b"\r\nOK\r\n")
    sim.ring("07700900123", rings=1, interval=0.02)
    line.expect(b'\r\nRING\r\n\r\n+CLIP: "07700900123",129,,,,0\r\n\r\nNO CARRIER\r\n')


def test_huawei_rings_as_cring_and_ends_with_cend(make_sim):
    sim, line = make_sim("huawei")
    line.send("AT+CLIP=1")
    line.expect(b"\r\nOK\r\n")
    sim.ring(NUMBER, rings=1, interval=0.02)
    line.expect(b"\r\n+CRING: VOICE\r\n" + CLIP + b"\r\n^CEND:1,0,104,16\r\n")


def test_crc_switches_ring_style(make_sim):
    sim, line = make_sim("ec25")
    line.send("AT+CRC=1")
    line.expect(b"\r\nOK\r\n")
    sim.ring(NUMBER, rings=1, interval=0.02)
    line.expect(b"\r\n+CRING: VOICE\r\n\r\nNO CARRIER\r\n")


def test_silent_modem_says_nothing_when_the_caller_gives_up(make_sim):
    sim, line = make_sim("silent")
    line.send("AT+CLIP=1")
    line.expect(b"\r\nOK\r\n")
    sim.ring(NUMBER, rings=2, interval=0.02)
    line.expect(b"\r\nRING\r\n" + CLIP + b"\r\nRING\r\n" + CLIP)
    sim.wait_idle(5)
    line.nothing_pending()


@pytest.mark.parametrize("dialect, clip", [
    ("sim800", b'\r\n+CLIP: "",128,"",0,"",1\r\n'),
    ("ec25", b'\r\n+CLIP: "",128,,,,1\r\n'),
])
def test_withheld_caller_shows_an_empty_number(make_sim, dialect, clip):
    sim, line = make_sim(dialect)
    line.send("AT+CLIP=1")
    line.expect(b"\r\nOK\r\n")
    sim.ring("", validity=1, rings=1, interval=0.02)
    line.expect(b"\r\nRING\r\n" + clip + b"\r\nNO CARRIER\r\n")


def test_forwarded_call_announced_only_after_cssn(make_sim):
    sim, line = make_sim("ec25")
    line.send("AT+CLIP=1")
    line.expect(b"\r\nOK\r\n")
    sim.ring(NUMBER, rings=1, interval=0.02, forwarded=True)
    line.expect(b"\r\nRING\r\n" + CLIP + b"\r\nNO CARRIER\r\n")
    line.send("AT+CSSN=0,1")
    line.expect(b"\r\nOK\r\n")
    sim.ring(NUMBER, rings=1, interval=0.02, forwarded=True)
    line.expect(b"\r\n+CSSU: 0\r\n\r\nRING\r\n" + CLIP + b"\r\nNO CARRIER\r\n")


def test_calls_queue_one_after_another(make_sim):
    sim, line = make_sim("ec25")
    sim.ring("+15550000001", rings=1, interval=0.02)
    sim.ring("+15550000002", rings=1, interval=0.02)
    sim.wait_idle(5)
    line.expect(b"\r\nRING\r\n\r\nNO CARRIER\r\n" * 2)


def test_clcc_lists_the_ringing_call_and_ath_declines_it(make_sim):
    sim, line = make_sim("sim800")
    call = sim.ring(NUMBER, rings=3, interval=30)      # long gap: still ringing while we ask
    line.expect(b"\r\nRING\r\n")
    line.send("AT+CLCC")
    line.expect(b'\r\n+CLCC: 1,1,4,0,0,"+15551234567",145,""\r\n\r\nOK\r\n')
    line.send("ATH")
    line.expect(b"\r\nOK\r\n")
    assert sim.wait_idle(5)
    assert call.outcome == "declined" and sim.hangups == 1
    line.nothing_pending()                             # no NO CARRIER, no further RING


def test_ath_when_nothing_rings_is_ok_and_not_counted(make_sim):
    sim, line = make_sim("sim800")
    line.send("ATH")
    line.expect(b"\r\nOK\r\n")
    assert sim.hangups == 0


def test_sim800_with_clcc_reports_state_6_after_a_decline(make_sim):
    sim, line = make_sim("sim800")
    line.send("AT+CLCC=1")
    line.expect(b"\r\nOK\r\n")
    sim.ring(NUMBER, rings=3, interval=30)
    line.expect(b'\r\n+CLCC: 1,1,4,0,0,"+15551234567",145,""\r\n\r\nRING\r\n')
    line.send("AT+CHUP")
    line.expect(b'\r\nOK\r\n\r\n+CLCC: 1,1,6,0,0,"+15551234567",145,""\r\n')


def test_sim7600_ignores_ath_until_cvhu_0(make_sim):
    sim, line = make_sim("sim7600", clock=fixed_clock)
    call = sim.ring(NUMBER, rings=2, interval=0.5)
    line.expect(b"\r\nRING\r\r\n")
    line.send("ATH")
    line.expect(b"\r\nOK\r\n")
    line.expect(b"\r\nRING\r\n\r\nMISSED_CALL: 11:53AM +15551234567\r\n")
    assert call.outcome == "gave_up" and sim.hangups == 0
    line.send("AT+CVHU=0")
    line.expect(b"\r\nOK\r\n")
    call = sim.ring(NUMBER, rings=3, interval=30)
    line.expect(b"\r\nRING\r\r\n")
    line.send("ATH")
    line.expect(b"\r\nOK\r\n")
    sim.wait_idle(5)
    assert call.outcome == "declined" and sim.hangups == 1


def test_sim7600_chup_works_without_cvhu(make_sim):
    sim, line = make_sim("sim7600")
    sim.ring(NUMBER, rings=3, interval=30)
    line.expect(b"\r\nRING\r\r\n")
    line.send("AT+CHUP")
    line.expect(b"\r\nOK\r\n")
    assert sim.wait_idle(5) and sim.hangups == 1


def test_huawei_decline_ends_with_cend(make_sim):
    sim, line = make_sim("huawei")
    sim.ring(NUMBER, rings=3, interval=30)
    line.expect(b"\r\n+CRING: VOICE\r\n")
    line.send("ATH")
    line.expect(b"\r\nOK\r\n\r\n^CEND:1,0,104,16\r\n")


def test_sim800_rejects_a_call_while_a_text_is_being_submitted(make_sim):
    sim, line = make_sim("sim800")
    line.send("AT+CMGS=23")
    line.expect(b"\r\n> ")
    call = sim.ring(NUMBER, rings=2, interval=0.02)
    sim.wait_idle(5)
    assert call.outcome == "rejected" and sim.rejected_calls == 1
    line.write(b"\x1b")
    line.expect(b"\r\nOK\r\n")
    line.nothing_pending()


def test_ec25_still_rings_while_a_text_is_being_submitted(make_sim):
    sim, line = make_sim("ec25")
    line.send("AT+CMGS=23")
    line.expect(b"\r\n> ")
    sim.ring(NUMBER, rings=1, interval=0.02)
    line.expect(b"\r\nRING\r\n\r\nNO CARRIER\r\n")


def test_unplug_drops_the_ringing_call(make_sim):
    sim, line = make_sim("ec25")
    call = sim.ring(NUMBER, rings=3, interval=30)
    line.expect(b"\r\nRING\r\n")
    sim.unplug()
    assert sim.wait_idle(5)
    assert call.outcome == "cancelled"
