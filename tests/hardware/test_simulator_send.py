"""Submitting texts to the simulator with AT+CMGS: PDUs built by gsmmodem.pdu or by hand and
decoded by the simulator's own decoder, the prompt, echo, ESC, references, and the failure
switches (+CMS ERROR, swallowed answers, no network, no SIM)."""
from gsmmodem import pdu as gsm_pdu

from tests.hardware.simulator_support import make_sim  # noqa: F401  (fixture)

HELLO_PDU = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37"   # "hellohello" to +46708251358


def submit(line, pdu_hex: str, length: int) -> None:
    line.send(f"AT+CMGS={length}")
    line.expect(b"\r\n> ")
    line.write(pdu_hex.encode() + b"\x1a")


def library_pdus(number, text):
    return [(p.data.hex().upper(), p.tpduLength) for p in gsm_pdu.encodeSmsSubmitPdu(number, text)]


# --- sending ----------------------------------------------------------------------------------

def test_submit_answers_with_increasing_references_and_records_the_text(make_sim):
    sim, line = make_sim("sim800")
    submit(line, HELLO_PDU, 23)
    line.expect(b"\r\n+CMGS: 0\r\n\r\nOK\r\n")
    submit(line, HELLO_PDU, 23)
    line.expect(b"\r\n+CMGS: 1\r\n\r\nOK\r\n")
    first = sim.wait_sent(2)[0]
    assert (first.number, first.text, first.reference, first.pdu) == (
        "+46708251358", "hellohello", 0, HELLO_PDU)
    assert first.encoding == "GSM-7" and not first.unconfirmed and not first.problems


def test_references_wrap_after_255(make_sim):
    sim, line = make_sim("ec25")
    for expected in list(range(256)) + [0]:
        submit(line, HELLO_PDU, 23)
        line.expect(f"\r\n+CMGS: {expected}\r\n\r\nOK\r\n".encode())


def test_pdu_is_echoed_while_echo_is_on(make_sim):
    sim, line = make_sim("sim800", echo=True)
    line.send("AT+CMGS=23")
    line.expect(b"AT+CMGS=23\r\r\n> ")
    line.write(HELLO_PDU.encode() + b"\x1a")
    line.expect(HELLO_PDU.encode() + b"\r\n+CMGS: 0\r\n\r\nOK\r\n")


def test_escape_cancels_and_nothing_is_sent(make_sim):
    sim, line = make_sim("sim800")
    line.send("AT+CMGS=23")
    line.expect(b"\r\n> ")
    line.write(HELLO_PDU[:10].encode() + b"\x1b")
    line.expect(b"\r\nOK\r\n")
    assert sim.sent == []


def test_wrong_length_or_broken_pdu_is_cms_304(make_sim):
    sim, line = make_sim("sim800")
    submit(line, HELLO_PDU, 24)
    line.expect(b"\r\n+CMS ERROR: 304\r\n")
    submit(line, HELLO_PDU[:-2], 22)        # user data shorter than UDL says
    line.expect(b"\r\n+CMS ERROR: 304\r\n")
    assert sim.sent == [] and len(sim.rejected_pdus) == 2
    assert "AT+CMGS said 24" in sim.rejected_pdus[0][1]


def test_library_pdus_decode_to_the_text_including_long_and_ucs2(make_sim):
    sim, line = make_sim("sim7600")
    long_text = "Thanks for calling Acme Plumbing. " * 6
    pdus = library_pdus("+15551234567", "Grüße — see you") + library_pdus("+15551234567",
                                                                          long_text)
    for hex_pdu, length in pdus:
        submit(line, hex_pdu, length)
        line.until(b"OK\r\n")
    sent = sim.wait_sent(len(pdus))
    assert sent[0].encoding == "UCS-2" and sent[0].text == "Grüße — see you"
    assert [s.concat.part for s in sent[1:]] == list(range(1, len(pdus)))
    assert sim.sent_texts() == [("+15551234567", "Grüße — see you"),
                                ("+15551234567", long_text)]


def hand_pdu(ud_hex: str, udl: int, dcs: int = 0x00, first: int = 0x11) -> tuple[str, int]:
    """SMS-SUBMIT to +15551234567, no SMSC, relative validity."""
    tpdu = f"{first:02X}000B915155214365F700{dcs:02X}AA{udl:02X}{ud_hex}"
    return "00" + tpdu, len(tpdu) // 2


def test_emoji_surrogate_pair_and_section_sign_decode_correctly(make_sim):
    sim, line = make_sim("ec25")
    submit(line, *hand_pdu("004800690020D83DDC4D", 10, dcs=0x08))          # "Hi 👍"
    line.expect(b"\r\n+CMGS: 0\r\n\r\nOK\r\n")
    submit(line, *hand_pdu("5F", 1))                                       # GSM-7 0x5F
    line.expect(b"\r\n+CMGS: 1\r\n\r\nOK\r\n")
    sent = sim.wait_sent(2)
    assert sent[0].text == "Hi 👍" and sent[1].text == "§"


def test_a_part_ending_in_a_lone_escape_is_flagged(make_sim):
    sim, line = make_sim("ec25")
    submit(line, *hand_pdu("C10D", 2))          # 'A' then ESC with nothing after it
    line.expect(b"\r\n+CMGS: 0\r\n\r\nOK\r\n")
    assert "lone escape" in sim.wait_sent(1)[0].problems[0]


def test_fail_next_sends_answers_cms_errors_then_recovers(make_sim):
    sim, line = make_sim("sim800")
    sim.fail_next_sends(2, code=332)
    for _ in range(2):
        submit(line, HELLO_PDU, 23)
        line.expect(b"\r\n+CMS ERROR: 332\r\n")
    submit(line, HELLO_PDU, 23)
    line.expect(b"\r\n+CMGS: 0\r\n\r\nOK\r\n")
    assert len(sim.sent) == 1


def test_swallowed_send_gets_no_answer_but_went_out(make_sim):
    sim, line = make_sim("sim800")
    sim.swallow_next_send()
    submit(line, HELLO_PDU, 23)
    line.nothing_pending()                   # the next bytes are AT's OK: nothing for CMGS
    sent = sim.wait_sent(1)
    assert sent[0].unconfirmed and sent[0].text == "hellohello"
    submit(line, HELLO_PDU, 23)
    line.expect(b"\r\n+CMGS: 1\r\n\r\nOK\r\n")


def test_urc_can_land_between_cmgs_and_ok(make_sim):
    sim, line = make_sim("sim800")
    sim.inject_during_next("AT+CMGS", b"\r\nRING\r\n")
    submit(line, HELLO_PDU, 23)
    line.expect(b"\r\n+CMGS: 0\r\n\r\nRING\r\n\r\nOK\r\n")


def test_no_network_and_no_sim(make_sim):
    sim, line = make_sim("sim800")
    sim.set_network(registration=2)
    submit(line, HELLO_PDU, 23)
    line.expect(b"\r\n+CMS ERROR: 331\r\n")
    sim.set_network(pin="absent")
    line.send("AT+CMGS=23")
    line.expect(b"\r\n+CMS ERROR: 310\r\n")
    assert sim.sent == []


def test_text_mode_send_takes_the_body_literally(make_sim):
    sim, line = make_sim("sim800")
    line.send("AT+CMGF=1")
    line.expect(b"\r\nOK\r\n")
    line.send('AT+CMGS="+15551234567"')
    line.expect(b"\r\n> ")
    line.write(b"hello\x1a")
    line.expect(b"\r\n+CMGS: 0\r\n\r\nOK\r\n")
    assert sim.wait_sent(1)[0].text == "hello" and sim.sent[0].pdu is None
