"""A GSM modem simulator on a pseudo-terminal, speaking the dialects in docs/MODEMS.md (sim800,
sim7600, ec25, huawei, silent, and profiles of modules beyond those families: plain, noclip,
firstclip, vendorend, nofinal, nocnmi, crlf, busyboot, nolist), for tests, the demo and humans.

    sim = ModemSimulator("sim800", link_path=tmp_path / "modem").start()
    port = serial.Serial(sim.port, 115200, timeout=1)      # what the box opens
    sim.ring("+15551234567", rings=2, interval=0.05); sim.wait_idle(5)
    sim.receive_text("+15551234567", "Hi there"); sim.wait_sent(1, timeout=5)
    sim.stop()

The test's side (all thread-safe, none blocks without a timeout):
    ring(number, number_type=None, validity=0, rings=2, interval=0.05, forwarded=False,
         withheld=False) -> Call (call.ended_at: when it ended);  wait_idle(timeout);  hangups;
    rejected_calls;  phonebook.entries("MC") (the module's missed-call list, where it keeps one)
    receive_text(sender, text, memory="SM"|"ME"|"direct", order=None, drop_part=None,
                 sender_type=None, notify=True, concat_bits=8, sent_at=None) -> [pdu]
    receive_special("mms"|"silent"|"data"|"voicemail", sender, memory="SM", **details) -> pdu
                 (special_texts.py: an MMS notification, type 0, 8-bit data, voicemail notice)
    deliver_report(reference, delivered=True, status=None, memory=None, recipient=None) -> pdu
    sent -> [SentText];  wait_sent(count, timeout);  sent_texts() -> [(number, whole text)]
    fail_next_sends(n, code=500);  swallow_next_send(n=1);  rejected_pdus;  store_unreadable(memory)
    wipe_service_centre();  service_centre;  refuse(command, final="ERROR"|None);  stop_refusing()
    inject(raw);  inject_during_next(command_prefix, raw);  set_network(pin=, registration=,
    rssi=, operator=);  reboot();  unplug();  replug();  storage;  waiting;  unacknowledged;
    busy_seconds (ModemSimulator(..., busy_seconds=) shortens a busy-after-power-on profile);
    transcript;  timed_transcript;  port;  start();  stop()

Modules: pty_link / host_line (pty + stable symlink, the transcript), dialects (per-family
bytes), gsm7 / sms_fields / sms_codec (an independent SMS-SUBMIT decoder and SMS-DELIVER /
STATUS-REPORT encoder), interpreter / answers / commands / sms_commands / phonebook (the AT
command set), calls / ringing (simulated callers), delivery (texts and reports from the
network), submissions (what the box sent, failures on demand), sms_store (memories), state
(settings, network conditions, SentText), modem (the façade that holds the parts).
`python -m hardware.simulator --help` runs one for a human at a terminal.
"""
from .dialects import DIALECTS
from .modem import ModemSimulator
from .state import SentText

__all__ = ["ModemSimulator", "SentText", "DIALECTS"]
