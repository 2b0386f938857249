"""`python -m appliance probe`: talk to a real modem once and say what it is and whether it will do.

Opens the port and runs the box's own start-up (hardware/startup.py), so the report shows what
the daemon will meet: identity, SIM/PIN state, registration, operator, signal, SMS storage, the
SIM's number and SMS centre, the quirks start-up had to work around, the step that blocks it (if
any), how an abandoned call will be noticed (end code, AT+CLCC, ring gap) and every line the box
could not place (to send in). For LTE modules it asks (best effort) whether voice over LTE is
on, because on LTE-only networks a module without it never sees a RING. `--call-test` then
waits for a real call and reports what the modem said (hardware/call_test.py). Never raises for
a modem problem: the report says what went wrong. Can save the AT transcript for a bug report.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Optional

from appliance.core.domain import ModemUnavailable
from hardware import call_test
from hardware import modem_init as init
from hardware import network_time, startup
from hardware.at_channel import ATChannel, PortLost
from hardware.urc import split_fields, unquote

log = logging.getLogger(__name__)

CALL_END_CODES = {"simcom2g": "yes (+CLCC state 6, NO CARRIER)", "sim7600": "yes (MISSED_CALL)",
                  "a76xx": "yes (VOICE CALL: END, NO CARRIER)", "quectel": "yes (NO CARRIER)",
                  "huawei": "yes (^CEND)", "ublox": "yes (+UCALLSTAT)"}
UNKNOWN_CALL_END = "unknown; test with a call"
NOTICED = {"code": "at once (its end code)", "list": "within about 1 s (AT+CLCC every second)",
           "gap": "by the ring gap only (8 s after the last ring)"}
VOLTE_QUERIES = {"quectel": ['AT+QCFG="ims"'], "sim7600": ["AT+CEVOLTE?", "AT+CAVIMS?"],
                 "a76xx": ["AT+CEVOLTE?", "AT+CAVIMS?"], "huawei": ["AT^VOLTECFG?"]}


def probe(port: str, baud: int = 115200, transcript_path: Optional[Path] = None,
          timeout: float = 3.0, call_wait: Optional[float] = None,
          waiting: Optional[threading.Event] = None, call_quiet: float = call_test.QUIET,
          call_late: float = call_test.LATE) -> dict:
    """A report (see format_report) about the modem on `port`; "error" says what failed.
    With `call_wait`, also wait that long for a test call (set `waiting` when listening); a
    call is over `call_quiet` s after its last ring at the latest, then `call_late` s more are
    recorded."""
    transcript: list[tuple[str, bytes]] = []
    recorder = call_test.CallRecorder()
    report: dict = {"port": port, "baud": baud, "ok": False, "error": None,
                    "unsolicited": recorder.names}

    def on_bytes(way: str, data: bytes) -> None:
        transcript.append((way, data))
        if way == "rx":
            recorder.received(data)
    channel = ATChannel(port, baud, on_event=recorder.event, transcript=on_bytes)
    try:
        channel.open()
        setup = _ask(channel, report, timeout)
        report["ok"] = True
        if call_wait:
            report["call_test"] = call_test.run(
                channel, recorder, call_wait, setup.call_list, timeout,
                on_waiting=waiting.set if waiting else lambda: None, quiet=call_quiet,
                late=call_late)
    except PortLost as error:
        report["error"] = str(error)
    except ModemUnavailable as error:
        report["error"] = f"the modem stopped answering: {error}"
    finally:
        channel.close()
        report["unknown_lines"] = recorder.unknown.seen()
        if transcript_path is not None:
            report["transcript"] = str(save_transcript(transcript, Path(transcript_path)))
    return report


def _ask(channel: ATChannel, report: dict, timeout: float) -> startup.Setup:
    init.synchronise(channel, timeout)
    identity, setup = startup.initialise(channel, timeout)
    talk = startup.Talk(channel, timeout, setup)
    report.update(manufacturer=identity.manufacturer, model=identity.model,
                  firmware=identity.firmware, imei=identity.imei, family=identity.family,
                  sim=setup.sim, quirks=setup.quirks, smsc=setup.smsc,
                  blocking=str(setup.blocking) if setup.blocking else None,
                  new_message_mode=setup.new_message_mode, call_list=setup.call_list)
    report["registration"] = init.registration(talk, timeout)
    report["operator"] = init.operator(talk, timeout)
    report["rssi"], report["signal_percent"] = init.signal(talk, timeout)
    if setup.sim == "ready":
        report["sms_memories"] = setup.memories
        report["sms_storage"] = init.storage(talk, timeout)
        report["sim_number"] = init.own_number(talk, timeout)
        report["network_time"] = network_time.read(talk, timeout)
    report["reports_call_end"] = CALL_END_CODES.get(identity.family, UNKNOWN_CALL_END)
    report["call_end_noticed"] = NOTICED["code" if identity.family in CALL_END_CODES else
                                         "list" if setup.call_list else "gap"]
    if identity.family in init.LTE_FAMILIES:
        report["volte"] = _volte(channel, identity.family, timeout)
    return setup


def _volte(channel: ATChannel, family: str, timeout: float) -> dict:
    """Raw answers to the IMS/VoLTE queries of this family plus a one-line hint."""
    answers = {}
    for command in VOLTE_QUERIES.get(family, []) + ["AT+CIREG?"]:
        try:
            response = channel.command(command, timeout)
        except ModemUnavailable as error:
            if isinstance(error, PortLost):
                raise
            answers[command] = f"no answer ({error})"
            continue
        answers[command] = "; ".join(response.lines + [response.final])
    ims = answers.get("AT+CIREG?", "")
    registered = False
    if ims.startswith("+CIREG:"):
        fields = split_fields(ims.split(";")[0][len("+CIREG:"):])
        registered = len(fields) > 1 and unquote(fields[1]) == "1"
    hint = ("IMS registered: voice over LTE works" if registered else
            "VoLTE not confirmed: on LTE-only networks this module may never see a call; "
            "enable IMS/VoLTE for your carrier and test with a call")
    return {"answers": answers, "ims_registered": registered, "hint": hint}


def save_transcript(transcript: list[tuple[str, bytes]], path: Path) -> Path:
    """Write the AT exchange as text: `-> ` what we sent, `<- ` what the modem said."""
    merged: list[list] = []
    for way, data in transcript:             # reads arrive in chunks: join runs of one direction
        if merged and merged[-1][0] == way:
            merged[-1][1] += data
        else:
            merged.append([way, data])
    lines = [f"{'->' if way == 'tx' else '<-'} "
             f"{data.decode('latin-1').encode('unicode_escape').decode()}" for way, data in merged]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def format_report(report: dict) -> str:
    """The report as lines a person reads on the console."""
    def show(value) -> str:
        return "-" if value in (None, "", [], {}) else str(value)

    lines = [f"Port:             {report.get('port')}"]
    if report.get("error"):
        lines.append(f"Problem:          {report['error']}")
    if report.get("model") or report.get("manufacturer"):
        lines += [
            f"Modem:            {show(report.get('manufacturer'))} {show(report.get('model'))}",
            f"Firmware:         {show(report.get('firmware'))}",
            f"IMEI:             {show(report.get('imei'))}",
            f"SIM:              {_sim_text(report.get('sim'))}",
            f"Network:          {show(report.get('registration'))}"
            f" ({show(report.get('operator'))})",
            f"Signal:           {_signal_text(report)}",
            f"SMS storage:      {_storage_text(report)}",
            f"SIM number:       {show(report.get('sim_number'))}",
            f"SMS centre:       {show(report.get('smsc'))}",
            f"Network time:     {_time_text(report.get('network_time'))}",
            f"Reports call end: {report.get('reports_call_end', UNKNOWN_CALL_END)}",
            f"Abandoned calls:  noticed {report.get('call_end_noticed', '-')}",
        ]
        lines += _startup_lines(report)
    volte = report.get("volte")
    if volte:
        lines.append(f"Voice over LTE:   {volte['hint']}")
        lines += [f"{'':18}{cmd} -> {answer}" for cmd, answer in volte["answers"].items()]
    lines += _call_test_lines(report.get("call_test"))
    if report.get("transcript"):
        lines.append(f"AT transcript:    {report['transcript']}")
    return "\n".join(lines)


def _startup_lines(report: dict) -> list[str]:
    lines = []
    if report.get("blocking"):
        lines.append(f"NOT READY:        start-up blocked at {report['blocking']}")
    for quirk in report.get("quirks") or []:
        lines.append(f"Quirk:            {quirk}")
    for entry in report.get("unknown_lines") or []:
        lines.append(f"Unknown line:     {entry['line']!r} ({entry['count']}x; please send "
                     "it in)")
    return lines


def _call_test_lines(test: Optional[dict]) -> list[str]:
    if not test:
        return []
    lines = [f"Call test:        {test['verdict']}"]
    if not test.get("rang"):
        return lines
    lines.append(f"{'':18}rings {test['rings']}, caller ID lines {test['caller_ids']}, "
                 f"number {test['number'] or '-'} (from {test['number_from'] or 'nowhere'}), "
                 f"end code {test['end_code'] or 'none'}")
    lines += [f"{'':18}{at:6.2f} s  {line}" for at, line in test["signals"]]
    lines += [f"{'':18}{at:6.2f} s  AT+CLCC -> {answer}" for at, answer in test["call_list"]]
    return lines


def _sim_text(sim: Optional[str]) -> str:
    return {"ready": "ready", "sim_pin": "needs its PIN (remove the PIN with a phone)",
            "sim_puk": "locked (PUK needed)", "no_sim": "no SIM card found"}.get(sim or "",
                                                                                 "unknown")


def _time_text(moment) -> str:
    """The network's time (the box's clock after a power cut without internet)."""
    if moment is None:
        return "not sent by the network (yet): the box relies on its own clock"
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def _signal_text(report: dict) -> str:
    if report.get("signal_percent") is None:
        return "unknown"
    return f"{report['signal_percent']}% (rssi {report['rssi']})"


def _storage_text(report: dict) -> str:
    storage = report.get("sms_storage") or {}
    memories = ", ".join(report.get("sms_memories") or [])
    if not storage:
        return memories or "-"
    return f"{storage['used']} of {storage['total']} used in {storage['memory']} (reads {memories})"
