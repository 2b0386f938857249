"""Texts stored on the SIM or the module, read, listed and deleted through the Modem adapter;
texts delivered directly, delivery reports, texts that arrived before the box started."""
from appliance.core.domain import (DeliveryReport, IncomingText, SmsPduReceived, SmsStored,
                              StatusReportStored)
from hardware import pdu
from tests.hardware.modem_support import rig  # noqa: F401  (fixture)
from tests.hardware.modem_support import (CUSTOMER, EventLog, all_dialects, start_modem,
                                          start_simulator, wait_state)


# --- reading, listing, deleting ------------------------------------------------------------

@all_dialects
def test_read_list_and_delete_texts(rig):
    rig.sim.receive_text("+15557654321", "First § reply")
    rig.sim.receive_text("07700900123", "Second 😀", sender_type=129)
    stored = rig.events.wait(SmsStored, 2)
    assert {e.memory for e in stored} == {"SM"}
    first = rig.modem.read_text("SM", stored[0].index)
    assert (first.sender, first.text, first.memory, first.index) == (
        "+15557654321", "First § reply", "SM", stored[0].index)
    listed = rig.modem.list_texts()
    assert sorted((t.sender, t.sender_type, t.text, t.index) for t in listed) == sorted([
        ("+15557654321", 145, "First § reply", stored[0].index),
        ("07700900123", 129, "Second 😀", stored[1].index)])
    assert rig.modem.delete_text("SM", stored[0].index)
    assert stored[0].index not in rig.sim.storage["SM"]
    assert rig.modem.read_text("SM", stored[0].index) is None
    assert [t.text for t in rig.modem.list_texts()] == ["Second 😀"]


def test_long_incoming_text_lists_as_parts(rig):
    rig.sim.receive_text("+15557654321", "x" * 200)
    rig.events.wait(SmsStored, 2)
    parts = sorted(rig.modem.list_texts(), key=lambda t: t.concat.part)
    assert [(p.concat.part, p.concat.total) for p in parts] == [(1, 2), (2, 2)]
    assert "".join(p.text for p in parts) == "x" * 200


def test_texts_in_phone_memory_are_read_and_listed(rig):
    rig.sim.receive_text("+15557654321", "in ME", memory="ME")
    event = rig.events.wait(SmsStored)[0]
    assert event.memory == "ME"
    assert rig.modem.read_text("ME", event.index).text == "in ME"
    assert [(t.memory, t.text) for t in rig.modem.list_texts()] == [("ME", "in ME")]


def test_direct_delivery(rig):
    rig.sim.receive_text("+15557654321", "direct", memory="direct")
    event = rig.events.wait(SmsPduReceived)[0]
    assert pdu.decode(event.pdu).text == "direct"
    rig.modem.acknowledge_direct()


def test_delivery_report(rig):
    [reference] = rig.modem.send_text(CUSTOMER, "did it arrive?")
    rig.sim.deliver_report(reference, delivered=True)
    event = rig.events.wait(StatusReportStored)[0]
    report = rig.modem.read_text(event.memory, event.index)
    assert isinstance(report, DeliveryReport)
    assert (report.reference, report.recipient, report.delivered) == (reference, CUSTOMER, True)


def test_messages_stored_before_start_are_found(tmp_path):
    sim = start_simulator(tmp_path, "ec25")
    sim.receive_text("+15557654321", "while you were out")
    events = EventLog()
    modem = start_modem(sim.port, events)
    try:
        wait_state(modem, "ready")
        texts = modem.list_texts()
        assert [(t.text, t.memory, t.index) for t in texts] == [("while you were out", "SM", 0)]
        assert all(isinstance(t, IncomingText) for t in texts)
    finally:
        modem.stop()
        sim.stop()
