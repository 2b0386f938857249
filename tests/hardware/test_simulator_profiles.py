"""The simulator's profiles of modules beyond the first families, byte for byte through the
pseudo-terminal: what each says when a caller rings and gives up, and its one odd habit (no
final code, no +CNMI, \\r\\r\\n framing, busy after power-on, no call list), plus the module's
own missed-call list, a wiped SMS centre and a broken stored entry."""
from datetime import datetime, timedelta, timezone

import pytest

from tests.hardware.simulator_support import make_sim  # noqa: F401  (fixture)
from tests.helpers import wait_for

NUMBER = "+15551234567"
CLIP = b'\r\n+CLIP: "+15551234567",145,,,,0\r\n'
LISTED = b'\r\n+CLCC: 1,1,4,0,0,"+15551234567",145\r\n\r\nOK\r\n'


def fixed_clock():
    return datetime(2026, 11, 27, 11, 53, 7, tzinfo=timezone(timedelta(hours=1)))


def test_plain_modem_lists_the_ringing_call_and_says_nothing_when_it_ends(make_sim):
    sim, line = make_sim("plain")
    line.command("AT+CLIP=1")
    call = sim.ring(NUMBER, rings=2, interval=0.3)
    line.expect(b"\r\nRING\r\n" + CLIP)
    line.send("AT+CLCC")
    line.expect(LISTED)
    sim.wait_idle(5)
    assert call.outcome == "gave_up" and call.ended_at is not None
    line.send("AT+CLCC")
    line.expect(b"\r\nRING\r\n" + CLIP + b"\r\nOK\r\n")     # the second ring, then nothing
    line.nothing_pending()


def test_noclip_never_sends_caller_id_but_lists_the_number(make_sim):
    sim, line = make_sim("noclip")
    line.command("AT+CLIP=1")
    sim.ring(NUMBER, rings=2, interval=0.3)
    line.expect(b"\r\nRING\r\n")
    line.send("AT+CLCC")
    line.expect(LISTED)
    line.expect(b"\r\nRING\r\n\r\nNO CARRIER\r\n")


def test_firstclip_sends_caller_id_once_before_the_first_ring(make_sim):
    sim, line = make_sim("firstclip")
    line.command("AT+CLIP=1")
    sim.ring(NUMBER, rings=3, interval=0.02)
    line.expect(CLIP + b"\r\nRING\r\n\r\nRING\r\n\r\nRING\r\n")
    sim.wait_idle(5)
    line.nothing_pending()


def test_vendorend_ends_calls_with_its_own_code(make_sim):
    sim, line = make_sim("vendorend")
    sim.ring(NUMBER, rings=1, interval=0.02)
    line.expect(b"\r\nRING\r\n\r\n+ZCEND: 1,16\r\n")


def test_nofinal_leaves_out_the_final_code_of_some_answers(make_sim):
    sim, line = make_sim("nofinal")
    line.send("AT+CGMR")
    line.expect(b"\r\nNO-FINAL 1.0\r\n")
    line.nothing_pending()                                 # no OK came before this one
    line.send("AT+CSQ")
    line.expect(b"\r\n+CSQ: 20,99\r\n")
    line.nothing_pending()
    assert line.command("AT+CGMM") == b"\r\nNO-FINAL\r\n\r\nOK\r\n"


def test_nocnmi_refuses_every_new_message_mode(make_sim):
    sim, line = make_sim("nocnmi")
    for mode in ("2,1,0,2,0", "2,1", "1,1"):
        assert line.command(f"AT+CNMI={mode}", b"\r\nERROR\r\n") == b"\r\nERROR\r\n"
    sim.receive_text("+15557654321", "unannounced")
    line.nothing_pending()                                 # stored, but no +CMTI
    assert len(sim.storage["SM"]) == 1


def test_crlf_frames_lines_with_double_cr_and_a_leading_space(make_sim):
    sim, line = make_sim("crlf", echo=True)
    assert line.command("AT+CSQ", b" OK\r\r\n") == b"AT+CSQ\r\r\n +CSQ: 20,99\r\r\n\r\n OK\r\r\n"
    sim.ring(NUMBER, rings=1, interval=0.02)
    line.expect(b"\r\n RING\r\r\n\r\n NO CARRIER\r\r\n")


def test_busyboot_answers_wait_until_it_has_started(make_sim):
    sim, line = make_sim("busyboot", busy_seconds=0.6)
    assert line.command("AT+CMEE=1") == b"\r\nOK\r\n"       # basic settings work at once
    assert line.command("AT+CPIN?", b"\r\n+CME ERROR: 14\r\n") == b"\r\n+CME ERROR: 14\r\n"
    assert line.command("AT+CGMM", b"\r\n+CME ERROR: 515\r\n") == b"\r\n+CME ERROR: 515\r\n"
    wait_for(lambda: not sim.busy(), 3, "power-on finished")
    assert line.command("AT+CPIN?") == b"\r\n+CPIN: READY\r\n\r\nOK\r\n"
    sim.reboot()
    line.expect(b"\r\nRDY\r\n")
    assert sim.busy()                                       # busy again after a restart


def test_nolist_has_no_call_list(make_sim):
    sim, line = make_sim("nolist")
    assert line.command("AT+CLCC", b"\r\nERROR\r\n") == b"\r\nERROR\r\n"


def test_the_module_keeps_its_own_missed_call_list(make_sim):
    sim, line = make_sim("plain", clock=fixed_clock)
    sim.ring(NUMBER, rings=1, interval=0.02)
    sim.ring("07700900123", rings=1, interval=0.02)
    sim.ring("", rings=1, interval=0.02, withheld=True)     # nothing to list
    sim.wait_idle(5)
    line.command("AT+CMEE=1")
    line.command('AT+CPBS="MC"')
    assert line.command("AT+CPBS?") == b'\r\n+CPBS: "MC",2,20\r\n\r\nOK\r\n'
    assert line.command("AT+CPBR=1,20") == (
        b'\r\n+CPBR: 1,"07700900123",129,"","26/11/27,11:53:07+04"\r\n'
        b'+CPBR: 2,"+15551234567",145,"","26/11/27,11:53:07+04"\r\n\r\nOK\r\n')
    line.command("AT+CPBW=1")
    assert [e.number for e in sim.phonebook.entries("MC")] == [NUMBER]
    assert line.command("AT+CPBR=2,20", b"\r\n+CME ERROR: 22\r\n").endswith(b"22\r\n")


def test_families_without_the_list_refuse_it(make_sim):
    sim, line = make_sim("sim800")
    assert line.command('AT+CPBS="MC"', b"\r\nERROR\r\n") == b"\r\nERROR\r\n"
    sim.ring(NUMBER, rings=1, interval=0.02)
    sim.wait_idle(5)
    assert sim.phonebook.entries("MC") == []


def test_a_wiped_service_centre_makes_sends_fail_until_set_again(make_sim):
    sim, line = make_sim("ec25")
    sim.wipe_service_centre()
    assert line.command("AT+CSCA?") == b'\r\n+CSCA: "",129\r\n\r\nOK\r\n'
    line.command("AT+CMGS=18", b"> ")
    line.write(b"0011000B915155214365F70000AA0441E19008\x1a")
    assert line.until(b"\r\n+CMS ERROR: 330\r\n").endswith(b"330\r\n")
    line.command('AT+CSCA="+15550009999",145')
    assert sim.service_centre == "+15550009999"
    line.command("AT+CMGS=18", b"> ")
    line.write(b"0011000B915155214365F70000AA0441E19008\x1a")
    assert b"+CMGS: " in line.until()


@pytest.mark.parametrize("dialect", ["sim800", "ec25"])
def test_a_broken_entry_reads_as_a_header_without_a_pdu(make_sim, dialect):
    sim, line = make_sim(dialect)
    line.command("AT+CMGF=0")
    line.command("AT+CNMI=2,1,0,2,0")
    index = sim.store_unreadable("SM")
    line.expect(f'\r\n+CMTI: "SM",{index}\r\n'.encode())
    assert line.command(f"AT+CMGR={index}") == b"\r\n+CMGR: 0,,0\r\n\r\nOK\r\n"


def test_refused_and_silent_commands_on_demand(make_sim):
    sim, line = make_sim("sim800")
    sim.refuse("+CMGF")
    sim.refuse("+CSSN", final=None)
    assert line.command("AT+CMGF=0", b"\r\nERROR\r\n") == b"\r\nERROR\r\n"
    line.send("AT+CSSN=0,1")
    line.nothing_pending()                                 # no answer at all
    sim.stop_refusing()
    assert line.command("AT+CMGF=0") == b"\r\nOK\r\n"
