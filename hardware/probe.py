"""`python -m appliance probe`: talk to a real modem once and say what it is and whether it will do.

Opens the port, asks identity, SIM/PIN state, registration, operator, signal, SMS storage and
the SIM's number, says from the family whether it reports the end of an unanswered call, and
for LTE modules asks (best effort, errors tolerated) whether voice over LTE is on, because on
LTE-only networks a module without it never sees a RING. Never raises for a modem problem: the
report says what went wrong. Can save the AT transcript for a bug report.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

from appliance.domain import ModemUnavailable
from hardware import modem_init as init
from hardware.at_channel import ATChannel, PortLost
from hardware.urc import split_fields, unquote

log = logging.getLogger(__name__)

CALL_END_CODES = {"simcom2g": "yes (+CLCC state 6, NO CARRIER)", "sim7600": "yes (MISSED_CALL)",
                  "a76xx": "yes (VOICE CALL: END, NO CARRIER)", "quectel": "yes (NO CARRIER)",
                  "huawei": "yes (^CEND)", "ublox": "yes (+UCALLSTAT)"}
UNKNOWN_CALL_END = "unknown; test with a call"
VOLTE_QUERIES = {"quectel": ['AT+QCFG="ims"'], "sim7600": ["AT+CEVOLTE?", "AT+CAVIMS?"],
                 "a76xx": ["AT+CEVOLTE?", "AT+CAVIMS?"], "huawei": ["AT^VOLTECFG?"]}


def probe(port: str, baud: int = 115200, transcript_path: Optional[Path] = None,
          timeout: float = 3.0) -> dict:
    """A report (see format_report) about the modem on `port`; "error" says what failed."""
    transcript: list[tuple[str, bytes]] = []
    unsolicited: list[str] = []
    report: dict = {"port": port, "baud": baud, "ok": False, "error": None,
                    "unsolicited": unsolicited}
    channel = ATChannel(port, baud, on_event=lambda e: unsolicited.append(type(e).__name__),
                        transcript=lambda way, data: transcript.append((way, data)))
    try:
        channel.open()
        _ask(channel, report, timeout)
        report["ok"] = True
    except PortLost as error:
        report["error"] = str(error)
    except ModemUnavailable as error:
        report["error"] = f"the modem stopped answering: {error}"
    finally:
        channel.close()
        if transcript_path is not None:
            report["transcript"] = str(save_transcript(transcript, Path(transcript_path)))
    return report


def _ask(channel: ATChannel, report: dict, timeout: float) -> None:
    init.synchronise(channel, timeout)
    channel.command("ATE0", timeout)
    channel.command("AT+CMEE=1", timeout)
    identity = init.identify(channel, timeout)
    report.update(manufacturer=identity.manufacturer, model=identity.model,
                  firmware=identity.firmware, imei=identity.imei, family=identity.family)
    report["sim"] = init.sim_state(channel, timeout)
    report["registration"] = init.registration(channel, timeout)
    report["operator"] = init.operator(channel, timeout)
    report["rssi"], report["signal_percent"] = init.signal(channel, timeout)
    if report["sim"] == "ready":
        report["sms_memories"] = init.readable_memories(channel, timeout)
        report["sms_storage"] = init.storage(channel, timeout)
        report["sim_number"] = init.own_number(channel, timeout)
    report["reports_call_end"] = CALL_END_CODES.get(identity.family, UNKNOWN_CALL_END)
    if identity.family in init.LTE_FAMILIES:
        report["volte"] = _volte(channel, identity.family, timeout)


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
            f"Reports call end: {report.get('reports_call_end', UNKNOWN_CALL_END)}",
        ]
    volte = report.get("volte")
    if volte:
        lines.append(f"Voice over LTE:   {volte['hint']}")
        lines += [f"{'':18}{cmd} -> {answer}" for cmd, answer in volte["answers"].items()]
    if report.get("transcript"):
        lines.append(f"AT transcript:    {report['transcript']}")
    return "\n".join(lines)


def _sim_text(sim: Optional[str]) -> str:
    return {"ready": "ready", "sim_pin": "needs its PIN (remove the PIN with a phone)",
            "sim_puk": "locked (PUK needed)", "no_sim": "no SIM card found"}.get(sim or "",
                                                                                 "unknown")


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
