"""The modem simulator's framing and general AT commands, through raw pyserial."""
import pytest

from tests.hardware.simulator_support import make_sim  # noqa: F401  (fixture)

IDENTITY = {
    "sim800": ("SIMCOM_Ltd", "SIM800 R14.18"),
    "sim7600": ("SIMCOM INCORPORATED", "SIMCOM_SIM7600G-H"),
    "ec25": ("Quectel", "EC25"),
    "huawei": ("huawei", "E173"),
}


def test_echo_is_on_at_power_up_and_off_after_ate0(make_sim):
    sim, line = make_sim("sim800", echo=True)
    line.send("AT")
    line.expect(b"AT\r\r\nOK\r\n")
    line.send("ATE0")
    line.expect(b"ATE0\r\r\nOK\r\n")
    line.send("AT")
    line.expect(b"\r\nOK\r\n")


def test_echo_returns_bytes_as_typed_even_split_across_writes(make_sim):
    sim, line = make_sim("ec25", echo=True)
    line.write(b"AT+C")
    line.expect(b"AT+C")
    line.write(b"SQ\r")
    line.expect(b"SQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n")


@pytest.mark.parametrize("dialect", sorted(IDENTITY))
def test_identity_strings_per_family(make_sim, dialect):
    sim, line = make_sim(dialect)
    manufacturer, model = IDENTITY[dialect]
    line.send("AT+CGMI")
    line.expect(f"\r\n{manufacturer}\r\n\r\nOK\r\n".encode())
    line.send("AT+CGMM")
    line.expect(f"\r\n{model}\r\n\r\nOK\r\n".encode())


def test_ati_on_sim7600_has_several_lines(make_sim):
    sim, line = make_sim("sim7600")
    answer = line.command("ATI")
    assert answer.startswith(b"\r\nManufacturer: SIMCOM INCORPORATED\r\n"
                             b"Model: SIMCOM_SIM7600G-H\r\n")


def test_chained_commands_frame_each_answer_and_share_one_ok(make_sim):
    sim, line = make_sim("sim800")
    line.send("AT+CGMI;+CSQ")
    line.expect(b"\r\nSIMCOM_Ltd\r\n\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
    line.send("AT+CMEE=1;+CLIP=1")
    line.expect(b"\r\nOK\r\n")
    line.send("AT+CLIP?")
    line.expect(b"\r\n+CLIP: 1,1\r\n\r\nOK\r\n")


def test_unknown_commands(make_sim):
    sim, line = make_sim("sim800")
    line.send("AT+NOPE")
    line.expect(b"\r\nERROR\r\n")
    line.send("AT^CURC=0")
    line.expect(b"\r\nERROR\r\n")
    huawei, hline = make_sim("huawei")
    hline.send("AT+CVHU=0")
    hline.expect(b"\r\nCOMMAND NOT SUPPORT\r\n")
    hline.send("AT^CURC=0")
    hline.expect(b"\r\nOK\r\n")


def test_own_number_and_huawei_bare_ok(make_sim):
    sim, line = make_sim("sim7600", own_number="+15550001234")
    line.send("AT+CNUM")
    line.expect(b'\r\n+CNUM: "","+15550001234",145\r\n\r\nOK\r\n')
    huawei, hline = make_sim("huawei", own_number="+15550001234")
    hline.send("AT+CNUM")
    hline.expect(b"\r\nOK\r\n")


def test_status_commands_follow_the_network(make_sim):
    sim, line = make_sim("sim800")
    line.send("AT+CPIN?;+CREG?;+COPS?")
    line.expect(b'\r\n+CPIN: READY\r\n\r\n+CREG: 0,1\r\n\r\n+COPS: 0,0,"Simulated Mobile"\r\n'
                b"\r\nOK\r\n")
    sim.set_network(registration=2, rssi=7)
    line.send("AT+CREG?;+CSQ;+COPS?")
    line.expect(b"\r\n+CREG: 0,2\r\n\r\n+CSQ: 7,99\r\n\r\n+COPS: 0\r\n\r\nOK\r\n")


def test_sim_absent_and_pin_with_numeric_errors(make_sim):
    sim, line = make_sim("ec25")
    sim.set_network(pin="absent")
    line.send("AT+CPIN?")
    line.expect(b"\r\nERROR\r\n")
    line.send("AT+CMEE=1")
    line.expect(b"\r\nOK\r\n")
    line.send("AT+CPIN?")
    line.expect(b"\r\n+CME ERROR: 10\r\n")
    sim.set_network(pin="SIM PIN")
    line.send("AT+CPIN?")
    line.expect(b"\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n")
    line.send('AT+CPIN="0000"')
    line.expect(b"\r\n+CME ERROR: 16\r\n")
    line.send('AT+CPIN="1234"')
    line.expect(b"\r\nOK\r\n")
    line.send("AT+CPIN?")
    line.expect(b"\r\n+CPIN: READY\r\n\r\nOK\r\n")


def test_lines_without_at_and_junk_are_ignored(make_sim):
    sim, line = make_sim("sim800")
    line.write(b"\xff\xfegarbage\r\n\r\n")
    line.nothing_pending()


def test_inject_writes_raw_bytes_at_once(make_sim):
    sim, line = make_sim("sim800")
    sim.inject(b"\r\nRING\r\n\x00\xff")
    line.expect(b"\r\nRING\r\n\x00\xff")


def test_inject_during_next_lands_between_information_and_ok(make_sim):
    sim, line = make_sim("sim800")
    sim.inject_during_next("AT+CSQ", b'\r\nRING\r\n\r\n+CLIP: "+15551234567",145,"",0,"",0\r\n')
    line.send("AT+CGMI")           # not the command named: untouched
    line.expect(b"\r\nSIMCOM_Ltd\r\n\r\nOK\r\n")
    line.send("AT+CSQ")
    line.expect(b'\r\n+CSQ: 20,99\r\n\r\nRING\r\n\r\n+CLIP: "+15551234567",145,"",0,"",0\r\n'
                b"\r\nOK\r\n")
    line.send("AT+CSQ")            # one shot
    line.expect(b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n")


def test_transcript_records_both_directions(make_sim):
    sim, line = make_sim("sim800")
    line.send("AT+CSQ")
    line.expect(b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
    transcript = sim.transcript
    assert ("in", b"AT+CSQ\r") in transcript
    assert b"".join(data for direction, data in transcript if direction == "out").endswith(
        b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n")


BOOT = {
    "sim800": b"\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n",
    "sim7600": b"\r\nRDY\r\n\r\n*ATREADY: 1\r\n\r\n+CPIN: READY\r\n\r\nSMS DONE\r\n\r\nPB DONE\r\n",
    "ec25": b"\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n"
            b"\r\n+QIND: SMS DONE\r\n",
    "huawei": b"\r\n^BOOT:26855519,0,0,0,75\r\n\r\n^SIMST:1\r\n\r\n^RSSI:20\r\n",
}


@pytest.mark.parametrize("dialect", sorted(BOOT))
def test_reboot_sends_boot_codes_resets_settings_and_keeps_storage(make_sim, dialect):
    sim, line = make_sim(dialect)
    line.send("AT+CLIP=1;+CNMI=2,1,0,2,0;+CMGF=1")
    line.expect(b"\r\nOK\r\n")
    sim.receive_text("+15551234567", "kept", notify=False)
    sim.reboot()
    line.expect(BOOT[dialect])
    line.send("AT+CLIP?")                         # echo is back on, settings are gone
    line.expect(b"AT+CLIP?\r\r\n+CLIP: 0,1\r\n\r\nOK\r\n")
    line.send("AT+CNMI?;+CMGF?")
    line.expect(b"AT+CNMI?;+CMGF?\r\r\n+CNMI: 0,0,0,0,0\r\n\r\n+CMGF: 0\r\n\r\nOK\r\n")
    assert len(sim.storage["SM"]) == 1


def test_silent_modem_reboots_without_a_word_but_echo_returns(make_sim):
    sim, line = make_sim("silent")
    sim.reboot()
    line.send("AT")
    line.expect(b"AT\r\r\nOK\r\n")


def test_cfun_reset_answers_ok_then_boots(make_sim):
    sim, line = make_sim("ec25")
    line.send("AT+CFUN=1,1")
    line.expect(b"\r\nOK\r\n" + BOOT["ec25"])


def test_atz_restores_power_up_settings_without_boot_codes(make_sim):
    sim, line = make_sim("sim800")
    line.send("AT+CLIP=1")
    line.expect(b"\r\nOK\r\n")
    line.send("ATZ")
    line.expect(b"\r\nOK\r\n")
    line.send("AT+CLIP?")
    line.expect(b"AT+CLIP?\r\r\n+CLIP: 0,1\r\n\r\nOK\r\n")


def test_unknown_dialect_is_refused():
    from hardware.simulator import ModemSimulator
    with pytest.raises(ValueError, match="sim800"):
        ModemSimulator("nokia")
