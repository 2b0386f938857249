"""Texts reaching the box through the simulator: stored with +CMTI or direct with +CMT, long
texts out of order or incomplete, memories, storage full and the network's retry,
reading/listing/deleting, and status reports for what the box sent."""
import pytest
from gsmmodem import pdu as gsm_pdu

from tests.hardware.simulator_support import make_sim  # noqa: F401  (fixture)

HELLO_PDU = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37"   # "hellohello" to +46708251358


def submit(line, pdu_hex: str, length: int) -> None:
    line.send(f"AT+CMGS={length}")
    line.expect(b"\r\n> ")
    line.write(pdu_hex.encode() + b"\x1a")



def ready(line, cnmi="2,1,0,2,0"):
    line.send(f"AT+CMGF=0;+CNMI={cnmi}")
    line.expect(b"\r\nOK\r\n")


# --- receiving --------------------------------------------------------------------------------

def test_received_text_is_announced_read_and_marked_read(make_sim):
    sim, line = make_sim("sim800")
    ready(line)
    [pdu] = sim.receive_text("+15557654321", "See you at 5 {ok}")
    line.expect(b'\r\n+CMTI: "SM",1\r\n')
    length = len(pdu) // 2 - 8               # SMSC field: 07 91 + 6 octets
    line.send("AT+CMGR=1")
    line.expect(f"\r\n+CMGR: 0,,{length}\r\n{pdu}\r\n\r\nOK\r\n".encode())
    decoded = gsm_pdu.decodeSmsPdu(pdu)
    assert (decoded["number"], decoded["text"]) == ("+15557654321", "See you at 5 {ok}")
    line.send("AT+CMGR=1")
    line.expect(f"\r\n+CMGR: 1,,{length}\r\n{pdu}\r\n\r\nOK\r\n".encode())


def test_quectel_and_huawei_count_slots_from_zero(make_sim):
    for dialect in ("ec25", "huawei"):
        sim, line = make_sim(dialect)
        ready(line)
        sim.receive_text("+15557654321", "hi")
        line.expect(b'\r\n+CMTI: "SM",0\r\n')


def test_ring_can_land_inside_a_read_answer(make_sim):
    sim, line = make_sim("sim800")
    [pdu] = sim.receive_text("+15557654321", "hi", notify=False)
    ring = b'\r\nRING\r\n\r\n+CLIP: "+15551234567",145,"",0,"",0\r\n'
    sim.inject_during_next("AT+CMGR", ring)
    line.send("AT+CMGR=1")
    line.expect(f"\r\n+CMGR: 0,,{len(pdu) // 2 - 8}\r\n{pdu}\r\n".encode() + ring
                + b"\r\nOK\r\n")


def test_direct_delivery_without_cnmi_lands_in_storage(make_sim):
    sim, line = make_sim("ec25")
    sim.receive_text("+15557654321", "direct but nobody asked", memory="direct")
    line.nothing_pending()
    assert list(sim.storage["SM"]) == [0]


def test_no_cnmi_no_announcement_but_the_text_is_stored(make_sim):
    sim, line = make_sim("sim800")
    sim.receive_text("+15557654321", "quiet")
    line.nothing_pending()
    assert b"+CMGL: 1,0,," in line.command("AT+CMGL=4")


def test_notify_false_stores_silently(make_sim):
    sim, line = make_sim("sim800")
    ready(line)
    sim.receive_text("+15557654321", "while you were off", notify=False)
    line.nothing_pending()
    assert list(sim.storage["SM"]) == [1]


def test_long_text_parts_arrive_out_of_order_and_one_can_be_lost(make_sim):
    sim, line = make_sim("sim800")
    ready(line)
    text = "".join(f"word{i} " for i in range(55))        # 375 characters: 3 parts
    pdus = sim.receive_text("+15557654321", text, order=[3, 1, 2], drop_part=1)
    line.expect(b'\r\n+CMTI: "SM",1\r\n\r\n+CMTI: "SM",2\r\n')
    decoded = [gsm_pdu.decodeSmsPdu(p) for p in pdus]
    headers = [d["udh"][0] for d in decoded]
    assert [(h.number, h.parts) for h in headers] == [(3, 3), (2, 3)]
    assert headers[0].reference == headers[1].reference
    assert decoded[1]["text"] == text[153:306] and decoded[0]["text"] == text[306:]


def test_sixteen_bit_concatenation_reference(make_sim):
    sim, line = make_sim("ec25")
    pdus = sim.receive_text("+15557654321", "x" * 200, concat_bits=16, notify=False)
    headers = [gsm_pdu.decodeSmsPdu(p)["udh"][0] for p in pdus]
    assert [h.number for h in headers] == [1, 2] and all(h.parts == 2 for h in headers)
    assert "0804" in pdus[0]                                # IEI 08, length 4


def test_ucs2_text_with_emoji(make_sim):
    sim, line = make_sim("ec25")
    text = "Thanks 👍 — Ana"                          # 15 UTF-16 units: the emoji takes two
    [pdu] = sim.receive_text("+15557654321", text, notify=False)
    after_sender = pdu.split("0B915155674523F1", 1)[1]
    assert after_sender[:4] == "0008"                  # PID 00, DCS 08 (UCS-2)
    assert after_sender[18:] == "1E" + text.encode("utf-16-be").hex().upper()


def test_me_memory_and_cpms(make_sim):
    sim, line = make_sim("sim800")
    ready(line)
    sim.receive_text("+15557654321", "in the phone", memory="ME")
    line.expect(b'\r\n+CMTI: "ME",1\r\n')
    line.send("AT+CPMS?")
    line.expect(b'\r\n+CPMS: "SM",0,10,"SM",0,10,"SM",0,10\r\n\r\nOK\r\n')
    line.send('AT+CPMS="ME","ME","ME"')
    line.expect(b"\r\n+CPMS: 1,10,1,10,1,10\r\n\r\nOK\r\n")
    assert b"+CMGR: 0,," in line.command("AT+CMGR=1")
    line.send('AT+CPMS="XX"')
    line.expect(b"\r\n+CMS ERROR: 302\r\n")


def test_direct_delivery_and_acknowledgement(make_sim):
    sim, line = make_sim("ec25")
    line.send("AT+CSMS=1")
    line.expect(b"\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n")
    ready(line, "2,2,0,1,0")
    [pdu] = sim.receive_text("+15557654321", "direct", memory="direct")
    line.expect(f"\r\n+CMT: ,{len(pdu) // 2 - 8}\r\n{pdu}\r\n".encode())
    assert sim.unacknowledged == 1 and sim.storage["SM"] == {}
    line.send("AT+CNMA")
    line.expect(b"\r\nOK\r\n")
    line.send("AT+CNMA")
    line.expect(b"\r\n+CMS ERROR: 340\r\n")


def test_full_sim_refuses_then_the_network_retries_after_a_delete(make_sim):
    sim, line = make_sim("sim800", sm_capacity=2)
    ready(line)
    sim.receive_text("+15557654321", "one")
    sim.receive_text("+15557654321", "two")
    sim.receive_text("+15557654321", "three")
    line.expect(b'\r\n+CMTI: "SM",1\r\n\r\n+CMTI: "SM",2\r\n\r\n+SMS FULL\r\n')
    assert len(sim.waiting) == 1
    line.send("AT+CMGD=1")
    line.expect(b'\r\nOK\r\n\r\n+CMTI: "SM",1\r\n')
    assert sim.waiting == []
    assert gsm_pdu.decodeSmsPdu(sim.storage["SM"][1])["text"] == "three"


@pytest.mark.parametrize("dialect, code, setup", [
    ("sim7600", b"+SMS FULL", None),
    ("huawei", b'^SMMEMFULL: "SM"', None),
    ("ec25", b'+QIND: "smsfull","SM"', 'AT+QINDCFG="smsfull",1'),
])
def test_full_codes_per_family(make_sim, dialect, code, setup):
    sim, line = make_sim(dialect, sm_capacity=1)
    ready(line)
    if setup:
        line.send(setup)
        line.expect(b"\r\nOK\r\n")
    sim.receive_text("+15557654321", "one")
    line.until(b"\r\n")
    line.until(b"\r\n")
    sim.receive_text("+15557654321", "two")
    line.expect(b"\r\n" + code + b"\r\n")


def test_quectel_full_code_is_off_by_default(make_sim):
    sim, line = make_sim("ec25", sm_capacity=1)
    ready(line)
    sim.receive_text("+15557654321", "one")
    line.expect(b'\r\n+CMTI: "SM",0\r\n')
    sim.receive_text("+15557654321", "two")
    line.nothing_pending()
    assert len(sim.waiting) == 1


def test_list_and_delete_all(make_sim):
    sim, line = make_sim("sim800")
    first, = sim.receive_text("+15557654321", "one", notify=False)
    second, = sim.receive_text("+15557654322", "two", notify=False)
    line.send("AT+CMGL=4")
    line.expect(f"\r\n+CMGL: 1,0,,{len(first) // 2 - 8}\r\n{first}\r\n"
                f"+CMGL: 2,0,,{len(second) // 2 - 8}\r\n{second}\r\n\r\nOK\r\n".encode())
    line.send("AT+CMGL=0")                      # listing marked them read
    line.expect(b"\r\nOK\r\n")
    line.send("AT+CMGD=1,4")
    line.expect(b"\r\nOK\r\n")
    assert sim.storage["SM"] == {}


def test_reading_empty_and_missing_slots(make_sim):
    sim, line = make_sim("sim800")
    line.send("AT+CMGR=3")
    line.expect(b"\r\nOK\r\n")
    line.send("AT+CMGR=11")
    line.expect(b"\r\n+CMS ERROR: 321\r\n")
    ec25, eline = make_sim("ec25")
    eline.send("AT+CMGR=3")
    eline.expect(b"\r\n+CMS ERROR: 321\r\n")
    eline.send("AT+CMGD=10")
    eline.expect(b"\r\n+CMS ERROR: 321\r\n")


def test_text_mode_read_shows_sender_and_text(make_sim):
    sim, line = make_sim("sim800")
    sim.receive_text("+15557654321", "plain words", notify=False)
    line.send("AT+CMGF=1")
    line.expect(b"\r\nOK\r\n")
    answer = line.command("AT+CMGR=1")
    assert answer.startswith(b'\r\n+CMGR: "REC UNREAD","+15557654321",,"')
    assert b"\r\nplain words\r\n\r\nOK\r\n" in answer


# --- status reports ---------------------------------------------------------------------------

def test_stored_status_report(make_sim):
    sim, line = make_sim("sim800")
    ready(line)
    submit(line, HELLO_PDU, 23)
    line.expect(b"\r\n+CMGS: 0\r\n\r\nOK\r\n")
    pdu = sim.deliver_report(0)
    line.expect(b'\r\n+CDSI: "SM",1\r\n')
    line.send("AT+CMGR=1")
    line.expect(f"\r\n+CMGR: 0,,{len(pdu) // 2 - 8}\r\n{pdu}\r\n\r\nOK\r\n".encode())
    report = gsm_pdu.decodeSmsPdu(pdu)
    assert (report["type"], report["reference"], report["number"], report["status"]) == (
        "SMS-STATUS-REPORT", 0, "+46708251358", 0)


def test_direct_status_report_for_a_failed_delivery(make_sim):
    sim, line = make_sim("ec25")
    ready(line, "2,1,0,1,0")
    submit(line, HELLO_PDU, 23)
    line.expect(b"\r\n+CMGS: 0\r\n\r\nOK\r\n")
    pdu = sim.deliver_report(0, delivered=False)
    line.expect(f"\r\n+CDS: {len(pdu) // 2 - 8}\r\n{pdu}\r\n".encode())
    assert gsm_pdu.decodeSmsPdu(pdu)["status"] == 0x41


def test_report_for_an_unknown_reference_is_refused(make_sim):
    sim, line = make_sim("ec25")
    with pytest.raises(ValueError, match="reference 9"):
        sim.deliver_report(9)
