"""Handlers for the simulator's general AT commands: echo, identity, SIM and network status,
caller ID and call control, vendor switches (AT+CVHU, AT^CURC, AT+QINDCFG), restart.
Each handler takes (sim, command) and returns an Answer; the simulator's lock is held.
"""
from __future__ import annotations

import logging

from . import ringing
from .answers import Answer, Command
from .dialects import clcc_line
from .state import AtSettings

log = logging.getLogger(__name__)

CME_TEXT = {3: "operation not allowed", 10: "SIM not inserted", 14: "SIM busy",
            16: "incorrect password", 22: "not found", 50: "Incorrect parameters",
            100: "unknown", 515: "Please wait, init or command processing in progress"}


def cme(sim, code: int) -> Answer:
    """+CME ERROR in the form AT+CMEE chose (plain ERROR by default)."""
    mode = sim.settings.cmee
    if mode == 1:
        return Answer.error(f"+CME ERROR: {code}")
    if mode == 2:
        return Answer.error(f"+CME ERROR: {CME_TEXT.get(code, 'unknown')}")
    return Answer.error()


def _flag(cmd: Command, allowed=(0, 1)) -> int:
    value = int(cmd.raw or "0")
    if value not in allowed:
        raise ValueError(f"{cmd.name}{cmd.raw}")
    return value


def _unsupported(sim) -> Answer:
    return Answer.error(sim.dialect.not_supported)


def still_busy(sim, cmd) -> Answer:
    """Just powered on: the SIM is busy, everything else says "wait"."""
    return cme(sim, 14 if cmd.name == "+CPIN" else 515)


def at(sim, cmd):
    return Answer()


def echo(sim, cmd):
    sim.settings.echo = bool(_flag(cmd))
    return Answer()


def verbose(sim, cmd):
    return Answer() if cmd.raw in ("", "1") else Answer.error()   # numeric codes not simulated


def quiet(sim, cmd):
    return Answer() if cmd.raw in ("", "0") else Answer.error()


def reset_profile(sim, cmd):
    """ATZ / AT&F: back to the power-up settings (no restart, no boot codes)."""
    sim.settings = AtSettings.power_up(sim.dialect)
    return Answer()


def info(sim, cmd):
    return Answer(list(sim.dialect.ati))


def identity(field: str):
    def handler(sim, cmd):
        return Answer([getattr(sim.dialect, field)]) if cmd.op == "exec" else Answer()
    return handler


def report_errors(sim, cmd):
    if cmd.op == "read":
        return Answer([f"+CMEE: {sim.settings.cmee}"])
    if cmd.op == "test":
        return Answer(["+CMEE: (0-2)"])
    sim.settings.cmee = _flag(cmd, (0, 1, 2))
    return Answer()


def pin(sim, cmd):
    network = sim.network
    if network.pin == "absent":
        return cme(sim, 10)
    if cmd.op == "read":
        return Answer([f"+CPIN: {network.pin}"])
    if cmd.op == "set":
        if network.pin == "READY":
            return cme(sim, 3)
        if cmd.args[0] != network.pin_code:
            return cme(sim, 16)
        network.pin = "READY"
        return Answer()
    return Answer() if cmd.op == "test" else Answer.error()


def registration(sim, cmd):
    if cmd.op == "read":
        return Answer([f"+CREG: {sim.settings.creg},{sim.network.registration}"])
    if cmd.op == "test":
        return Answer(["+CREG: (0-2)"])
    sim.settings.creg = _flag(cmd, (0, 1, 2))
    return Answer()


def signal(sim, cmd):
    if cmd.op == "test":
        return Answer(["+CSQ: (0-31,99),(0-7,99)"])
    return Answer([f"+CSQ: {sim.network.rssi},99"])


def operator(sim, cmd):
    if cmd.op != "read":
        return Answer()
    if not sim.network.registered():
        return Answer(["+COPS: 0"])
    act = ",7" if sim.dialect.name in ("sim7600", "ec25") else ""
    return Answer([f'+COPS: 0,0,"{sim.network.operator}"{act}'])


def own_number(sim, cmd):
    if sim.dialect.cnum_bare or not sim.own_number or cmd.op != "exec":
        return Answer()
    kind = 145 if sim.own_number.startswith("+") else 129
    return Answer([f'+CNUM: "","{sim.own_number}",{kind}'])


def setting_flag(attribute: str, name: str, vendors=None, allowed=(0, 1)):
    """A handler for a simple on/off setting, answered as `<name>: <value>` when read."""
    def handler(sim, cmd):
        if vendors is not None and sim.dialect.vendor not in vendors:
            return _unsupported(sim)
        if cmd.op == "read":
            return Answer([f"{name}: {int(getattr(sim.settings, attribute))}"])
        if cmd.op == "test":
            return Answer([f"{name}: ({','.join(map(str, allowed))})"])
        if cmd.op == "set":
            setattr(sim.settings, attribute, type(getattr(sim.settings, attribute))(
                _flag(cmd, allowed)))
        return Answer()
    return handler


def caller_id(sim, cmd):
    if cmd.op == "read":
        return Answer([f"+CLIP: {int(sim.settings.clip)},1"])
    if cmd.op == "test":
        return Answer(["+CLIP: (0,1)"])
    sim.settings.clip = bool(_flag(cmd))
    return Answer()


def list_calls(sim, cmd):
    """AT+CLCC lists the ringing call; AT+CLCC=1 (SIM800) turns on call-state reports."""
    if cmd.op == "exec" and not sim.dialect.call_list:
        return _unsupported(sim)
    if cmd.op == "exec":
        call = sim.calls.active
        if call is not None and call.ringing:
            return Answer([clcc_line(sim.dialect, call.number, call.number_type,
                                     call.validity, 4)])
        return Answer()
    if not sim.dialect.clcc_urc:
        return _unsupported(sim) if cmd.op != "test" else Answer()
    if cmd.op == "read":
        return Answer([f"+CLCC: {int(sim.settings.clcc)}"])
    if cmd.op == "set":
        sim.settings.clcc = bool(_flag(cmd))
    return Answer()


def supplementary(sim, cmd):
    """AT+CSSN=<n>,<m>: m=1 turns on +CSSU (e.g. `+CSSU: 0` for a forwarded call)."""
    if cmd.op == "read":
        return Answer([f"+CSSN: {int(sim.settings.cssi)},{int(sim.settings.cssu)}"])
    if cmd.op == "test":
        return Answer(["+CSSN: (0,1),(0,1)"])
    n, m = cmd.int_arg(0, 0), cmd.int_arg(1, 0)
    if n not in (0, 1) or m not in (0, 1):
        raise ValueError("CSSN")
    sim.settings.cssi, sim.settings.cssu = bool(n), bool(m)
    return Answer()


def hang_up(via_ath: bool):
    def handler(sim, cmd):
        if cmd.op == "test":
            return Answer()
        return Answer(after=ringing.decline(sim, via_ath))
    return handler


def quectel_indications(sim, cmd):
    """AT+QINDCFG="smsfull",1 turns on `+QIND: "smsfull","SM"` (off at power-up)."""
    if sim.dialect.vendor != "quectel":
        return _unsupported(sim)
    args = cmd.args
    if cmd.op != "set" or not args:
        return Answer()
    if args[0].lower() != "smsfull":
        return Answer()
    if len(args) == 1:
        return Answer([f'+QINDCFG: "smsfull",{int(sim.settings.qind_smsfull)}'])
    sim.settings.qind_smsfull = args[1] == "1"
    return Answer()


def functionality(sim, cmd):
    """AT+CFUN? -> 1; AT+CFUN=1,1 restarts the modem (OK first, then the boot codes)."""
    if cmd.op == "read":
        return Answer(["+CFUN: 1"])
    if cmd.op == "set" and cmd.int_arg(1, 0) == 1:
        return Answer(after=[sim.reboot])
    return Answer()


HANDLERS = {
    "": at, "E": echo, "V": verbose, "Q": quiet, "Z": reset_profile, "&F": reset_profile,
    "&W": at, "I": info, "H": hang_up(True), "+CHUP": hang_up(False),
    "+CGMI": identity("manufacturer"), "+GMI": identity("manufacturer"),
    "+CGMM": identity("model"), "+GMM": identity("model"),
    "+CGMR": identity("revision"), "+GMR": identity("revision"),
    "+CGSN": identity("imei"), "+GSN": identity("imei"),
    "+CMEE": report_errors, "+CPIN": pin, "+CREG": registration, "+CSQ": signal,
    "+COPS": operator, "+CNUM": own_number, "+CLIP": caller_id, "+CLCC": list_calls,
    "+CSSN": supplementary, "+CRC": setting_flag("crc", "+CRC"),
    "+CVHU": setting_flag("cvhu", "+CVHU", vendors=("simcom", "quectel")),
    "^CURC": setting_flag("curc", "^CURC", vendors=("huawei",)),
    "+QINDCFG": quectel_indications, "+CFUN": functionality,
}
