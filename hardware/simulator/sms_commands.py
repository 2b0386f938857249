"""Handlers for the simulator's SMS commands (3GPP TS 27.005): format, new-message indications,
memories, sending through the `> ` prompt, reading, listing, deleting, acknowledging.
PDU mode is the real thing; text mode is kept minimal (what a forgotten AT+CMGF=0 would do).
"""
from __future__ import annotations

import logging

from appliance.core.domain import Concat

from .answers import Answer, PendingSend
from .sms_codec import PduError, decode_submit
from .sms_store import READ, Stored
from .state import SentText

log = logging.getLogger(__name__)

STAT_TEXT = ("REC UNREAD", "REC READ", "STO UNSENT", "STO SENT", "ALL")


def cms(code: int) -> Answer:
    return Answer.error(f"+CMS ERROR: {code}")


def _sim_refuses(sim):
    code = sim.network.sms_error()
    return cms(code) if code else None


def message_format(sim, cmd):
    if cmd.op == "read":
        return Answer([f"+CMGF: {sim.settings.cmgf}"])
    if cmd.op == "test":
        return Answer(["+CMGF: (0,1)"])
    value = cmd.int_arg(0, 0)
    if value not in (0, 1):
        raise ValueError("CMGF")
    sim.settings.cmgf = value
    return Answer()


def character_set(sim, cmd):
    if cmd.op == "read":
        return Answer([f'+CSCS: "{sim.settings.cscs}"'])
    if cmd.op == "test":
        return Answer(['+CSCS: ("IRA","GSM","UCS2")'])
    if cmd.args[0].upper() not in ("IRA", "GSM", "UCS2", "HEX", "8859-1", "PCCP437"):
        raise ValueError("CSCS")
    sim.settings.cscs = cmd.args[0].upper()
    return Answer()


def service(sim, cmd):
    """AT+CSMS=1 (phase 2+): direct texts (+CMT) must then be acknowledged with AT+CNMA."""
    if cmd.op == "read":
        return Answer([f"+CSMS: {sim.settings.csms},1,1,1"])
    if cmd.op == "test":
        return Answer(["+CSMS: (0,1)"])
    value = cmd.int_arg(0, 0)
    if value not in (0, 1):
        raise ValueError("CSMS")
    sim.settings.csms = value
    return Answer(["+CSMS: 1,1,1"])


def service_centre(sim, cmd):
    """AT+CSCA? reads the SIM's SMS centre ("" once wiped); AT+CSCA="<n>"[,<type>] sets it."""
    if cmd.op == "read":
        kind = 145 if sim.service_centre.startswith("+") else 129
        return Answer([f'+CSCA: "{sim.service_centre}",{kind}'])
    if cmd.op == "set":
        number = cmd.args[0]
        if not number.lstrip("+").isdigit():
            raise ValueError("CSCA")
        sim.service_centre = number
    return Answer()


def indications(sim, cmd):
    if cmd.op == "read":
        return Answer(["+CNMI: " + ",".join(map(str, sim.settings.cnmi))])
    if cmd.op == "test":
        return Answer(["+CNMI: (0-3),(0-3),(0-3),(0-2),(0,1)"])
    if sim.dialect.refuses_cnmi:
        return Answer.error()
    values = [cmd.int_arg(i, 0) for i in range(5)]
    limits = (3, 3, 3, 2, 1)
    if len(cmd.args) > 5 or any(not 0 <= v <= top for v, top in zip(values, limits)):
        raise ValueError("CNMI")
    sim.settings.cnmi = tuple(values)
    return Answer()


def memories(sim, cmd):
    """AT+CPMS: <mem1> read/list/delete, <mem2> write, <mem3> where new texts go."""
    refused = _sim_refuses(sim)
    if refused:
        return refused
    store, chosen = sim.store, sim.settings.memories
    names = list(store.capacities)
    if cmd.op == "test":
        each = "(" + ",".join(f'"{m}"' for m in names) + ")"
        return Answer([f"+CPMS: {each},{each},{each}"])
    if cmd.op == "read":
        parts = [f'"{m}",{store.used(m)},{store.capacities[m]}' for m in chosen]
        return Answer(["+CPMS: " + ",".join(parts)])
    wanted = [a.upper() for a in cmd.args]
    if not 1 <= len(wanted) <= 3 or not all(store.has_memory(m) for m in wanted):
        return cms(302)
    chosen[:len(wanted)] = wanted
    return Answer(["+CPMS: " + ",".join(f"{store.used(m)},{store.capacities[m]}"
                                        for m in chosen)])


def send(sim, cmd):
    """AT+CMGS=<length> (PDU) or AT+CMGS="<number>" (text): open the `> ` prompt."""
    if cmd.op == "test":
        return Answer()
    refused = _sim_refuses(sim)
    if refused or cmd.op != "set":
        return refused or Answer.error()
    if sim.settings.cmgf == 1:
        return Answer(final=None, prompt=PendingSend(number=cmd.args[0],
                                                     number_type=cmd.int_arg(1)))
    length = int(cmd.args[0])
    if not 7 <= length <= 164:
        return cms(304)
    return Answer(final=None, prompt=PendingSend(length=length))


def submit(sim, pending) -> Answer:
    """Ctrl-Z after the prompt: decode, apply the test's failure switches, record, answer."""
    body = pending.buffer.decode("latin-1")
    if pending.length is not None:
        pdu = "".join(body.split())
        try:
            decoded = decode_submit(pdu, pending.length)
        except PduError as exc:
            log.warning("rejected PDU %r: %s", pdu, exc)
            sim.submissions.reject(pdu, str(exc))
            return cms(304)
        fields = dict(number=decoded.number, text=decoded.text, pdu=pdu,
                      number_type=decoded.number_type, encoding=decoded.encoding,
                      status_report=decoded.status_report, problems=decoded.problems,
                      tpdu_length=decoded.tpdu_length,
                      concat=Concat(*decoded.concat[:3]) if decoded.concat else None,
                      concat_bits=decoded.concat[3] if decoded.concat else None)
    else:
        fields = dict(number=pending.number, text=body, pdu=None,
                      number_type=pending.number_type, encoding="text mode")
    if not sim.network.registered():
        return cms(331)
    if not sim.service_centre:
        return cms(330)                 # SMSC address unknown: the text cannot go
    failure = sim.submissions.take_failure()
    if failure is not None:
        log.info("failing send to %s as asked (+CMS ERROR: %d)", fields["number"], failure)
        return cms(failure)
    reference = sim.submissions.next_reference()
    swallowed = sim.submissions.take_swallow()
    sim.submissions.record(SentText(reference=reference, at=sim.clock(), unconfirmed=swallowed,
                                    **fields))
    if swallowed:
        return Answer(final=None)
    return Answer([f"+CMGS: {reference}"])


def _stamp(moment) -> str:
    """Text-mode time stamp: yy/MM/dd,hh:mm:ss+zz (zone in quarter hours)."""
    if moment is None:
        return ""
    quarters = int((moment.utcoffset().total_seconds() if moment.utcoffset() else 0) // 900)
    return moment.strftime("%y/%m/%d,%H:%M:%S") + f"{quarters:+03d}"


def _show(sim, index, record: Stored, listing: bool) -> list[str]:
    stat = record.status
    if sim.settings.cmgf == 0:
        head = f"+CMGL: {index},{stat},," if listing else f"+CMGR: {stat},,"
        return [f"{head}{record.tpdu_length}"] + ([record.pdu] if record.pdu else [])
    where = f"{index}," if listing else ""
    if record.kind == "status":
        return [f'+{"CMGL" if listing else "CMGR"}: {where}"{STAT_TEXT[stat]}",6,'
                f'{record.reference},"{record.sender}",{record.sender_type},'
                f'"{_stamp(record.at)}","{_stamp(record.at)}",{record.report_status}']
    return [f'+{"CMGL" if listing else "CMGR"}: {where}"{STAT_TEXT[stat]}",'
            f'"{record.sender}",,"{_stamp(record.at)}"', record.text]


def read(sim, cmd):
    refused = _sim_refuses(sim)
    if refused or cmd.op == "test":
        return refused or Answer()
    memory = sim.settings.memories[0]
    try:
        record = sim.store.get(memory, cmd.int_arg(0))
    except (IndexError, TypeError):
        return cms(321)
    if record is None:
        return Answer() if sim.dialect.empty_read_ok else cms(321)
    lines = _show(sim, cmd.int_arg(0), record, listing=False)
    record.status = READ
    return Answer(lines)


def list_messages(sim, cmd):
    refused = _sim_refuses(sim)
    if refused:
        return refused
    if cmd.op == "test":
        return Answer(["+CMGL: (0-4)" if sim.settings.cmgf == 0 else
                       "+CMGL: (" + ",".join(f'"{s}"' for s in STAT_TEXT) + ")"])
    # 27.005: without <stat> only unread messages are listed.
    wanted = cmd.args[0] if cmd.args else ("0" if sim.settings.cmgf == 0 else "REC UNREAD")
    names = [str(i) for i in range(5)] if sim.settings.cmgf == 0 else list(STAT_TEXT)
    if wanted.upper() not in names:
        return cms(302)
    stat = names.index(wanted.upper())
    lines = []
    for index, record in sim.store.items(sim.settings.memories[0]):
        if stat == 4 or record.status == stat:
            lines += _show(sim, index, record, listing=True)
            record.status = READ
    return Answer(lines)


def delete(sim, cmd):
    refused = _sim_refuses(sim)
    if refused:
        return refused
    memory = sim.settings.memories[0]
    indexes = sim.store.indexes(memory)
    if cmd.op == "test":
        return Answer([f"+CMGD: ({indexes.start}-{indexes.stop - 1}),(0-4)"])
    index, flag = cmd.int_arg(0), cmd.int_arg(1, 0)
    if flag not in range(5):
        raise ValueError("CMGD flag")
    try:
        if flag:
            sim.store.delete_where(memory, flag)
        else:
            sim.store.delete(memory, index)
    except IndexError:
        return cms(321)
    return Answer(after=sim.delivery.retry_waiting())


def acknowledge(sim, cmd):
    """AT+CNMA: acknowledge a +CMT (only expected after AT+CSMS=1)."""
    if cmd.op == "test":
        return Answer()
    return Answer() if sim.delivery.acknowledge() else cms(340)


HANDLERS = {
    "+CMGF": message_format, "+CSCS": character_set, "+CSMS": service, "+CSCA": service_centre,
    "+CNMI": indications, "+CPMS": memories, "+CMGS": send, "+CMGR": read,
    "+CMGL": list_messages, "+CMGD": delete, "+CNMA": acknowledge,
}
