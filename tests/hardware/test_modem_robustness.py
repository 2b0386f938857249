"""The Modem adapter against a modem that misbehaves in small ways: bytes left from before a
reconnect, an SMS centre that vanished, SIM entries that read back empty, lines nobody knows,
memory names that are not memories."""
import pytest

from appliance.core.domain import SendFailed, SmsStored, UnknownLineSeen
from hardware.at_channel import ATChannel
from hardware.unknown_lines import MAX_KINDS
from tests.hardware.modem_support import rig  # noqa: F401  (fixture)
from tests.hardware.modem_support import (EventLog, commands_sent, start_modem,
                                          start_simulator, wait_state)
from tests.helpers import wait_for

CUSTOMER = "+15551234567"


def test_bytes_left_from_before_the_port_was_opened_are_thrown_away(tmp_path):
    sim = start_simulator(tmp_path, "sim800")
    sim.inject(b'\r\n+CMTI: "SM",7\r\nOK\r\n\r\nhalf a li')    # nobody listening yet
    events = EventLog()
    channel = ATChannel(sim.port, on_event=events)
    channel.open()
    try:
        response = channel.command("AT+CSQ", 2)
        assert response.lines == ["+CSQ: 20,99"] and response.ok
        assert events.of(SmsStored) == [] and events.of(UnknownLineSeen) == []
    finally:
        channel.close()
        sim.stop()


def test_a_wiped_sms_centre_is_restored_and_the_text_sent_once(rig):
    rig.sim.wipe_service_centre()
    assert rig.modem.send_text(CUSTOMER, "we missed your call")
    assert rig.sim.sent_texts() == [(CUSTOMER, "we missed your call")]
    # (a PDU and its Ctrl-Z run into the next command line in this transcript view)
    assert any(c.endswith('AT+CSCA="+15550009999",145') for c in commands_sent(rig.sim))
    assert rig.sim.service_centre == "+15550009999"


def test_an_sms_centre_never_known_is_a_plain_refusal(tmp_path):
    sim = start_simulator(tmp_path, "ec25")
    sim.wipe_service_centre()
    events = EventLog()
    modem = start_modem(sim.port, events)
    try:
        wait_state(modem, "ready")                  # AT+CMGS=? answers: a way to send
        assert modem.status.extra["smsc"] is None
        with pytest.raises(SendFailed) as refused:
            modem.send_text(CUSTOMER, "hello")
        assert refused.value.code == 330 and sim.sent == []
    finally:
        modem.stop()
        sim.stop()


@pytest.mark.parametrize("rig", ["sim800", "ec25"], indirect=True)
def test_entries_that_read_back_empty_are_freed(rig):
    broken = rig.sim.store_unreadable("SM")
    assert rig.modem.read_text("SM", broken) is None
    assert broken not in rig.sim.storage["SM"]
    rig.sim.store_unreadable("SM", notify=False)
    rig.sim.receive_text("+15557654321", "a real one", notify=False)
    rig.sim.store_unreadable("SM", notify=False)
    assert [t.text for t in rig.modem.list_texts()] == ["a real one"]
    assert len(rig.sim.storage["SM"]) == 1          # both broken slots freed, the text kept


def test_unknown_lines_are_passed_on_once_per_kind(rig):
    for line in (b"+ZCEND: 1,16", b"+ZCEND: 1,17", b"#ECAM: 0,6", b"+ZCEND: 2,16"):
        rig.sim.inject(b"\r\n" + line + b"\r\n")
    rig.sim.inject(b'\r\n+CMTI: "SM",9\r\n')
    rig.events.wait(SmsStored)
    unknown = rig.events.of(UnknownLineSeen)
    assert [(e.kind, e.line) for e in unknown] == [("+ZCEND:", "+ZCEND: 1,16"),
                                                  ("#ECAM:", "#ECAM: 0,6")]
    seen = rig.modem.status.extra["unknown_lines"]
    assert [(e["kind"], e["line"]) for e in seen] == [("+ZCEND:", "+ZCEND: 1,16"),
                                                     ("#ECAM:", "#ECAM: 0,6")]


def test_a_chattering_modem_cannot_flood_the_report(rig):
    rig.sim.inject(b"".join(b"\r\n+Q%d: x\r\n" % i for i in range(3 * MAX_KINDS)))
    wait_for(lambda: rig.events.of(UnknownLineSeen)[-1:] and
             rig.events.of(UnknownLineSeen)[-1].kind == "more kinds", 3, "the last notice")
    assert len(rig.events.of(UnknownLineSeen)) == MAX_KINDS + 1
    rig.sim.inject(b"\r\n+QNEW: x\r\n" * 5 + b'\r\n+CMTI: "SM",9\r\n')
    rig.events.wait(SmsStored)                     # everything before it was read
    assert len(rig.events.of(UnknownLineSeen)) == MAX_KINDS + 1


def test_a_memory_name_that_is_not_one_never_reaches_a_command(rig):
    rig.sim.inject(b'\r\n+CMTI: "SM\\";+CFUN=0;\\"",3\r\n\r\n+CMTI: "ME",4\r\n')
    assert rig.events.wait(SmsStored)[0].memory == "ME"
    assert rig.modem.read_text('SM";+CFUN=0;"', 3) is None
    assert not [c for c in commands_sent(rig.sim) if "CFUN" in c]
