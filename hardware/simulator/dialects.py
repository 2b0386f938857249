"""What each modem family says, byte for byte (docs/MODEMS.md): identity strings, boot codes,
how a ring, a caller ID and the end of an unanswered call look, the storage-full code, and the
small habits (index base, CVHU default, COMMAND NOT SUPPORT) that differ.

The first five are the families the box was built on. The others are behaviour profiles of
modules outside them, each one habit that 27.007 allows and that broke a box in the field (a
plain modem that says nothing when a caller gives up, caller ID never or only once, an end code
nobody documents, an answer without its final code, no new-message codes, odd framing, busy
after power-on, no call list). Their identities are generic on purpose: they describe a
behaviour, not a vendor.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional


@dataclass(frozen=True)
class Dialect:
    """One modem family. Text lines only; framing (CR/LF) is added by the simulator."""
    name: str
    manufacturer: str                  # AT+CGMI
    model: str                         # AT+CGMM
    revision: str                      # AT+CGMR
    imei: str                          # AT+CGSN
    ati: tuple[str, ...]               # ATI
    boot: tuple[str, ...]              # sent after a restart; "{rssi}" is filled in
    full_code: Optional[str]           # storage full; "{memory}" is filled in
    first_index: int = 1               # SIMCom counts slots from 1, Quectel/Huawei from 0
    crc_default: bool = False          # rings as "+CRING: VOICE" out of the box
    cvhu_default: Optional[int] = None  # None: AT+CVHU unknown; 1: ATH ignored (SIM7600)
    clip_style: str = "plain"          # "simcom2g": ,"",0,"", ; "plain": ,,,,
    clcc_urc: bool = False             # AT+CLCC=1 reports call states (SIM800)
    cnum_bare: bool = False            # AT+CNUM answers a bare OK
    not_supported: str = "ERROR"       # answer to an unknown extended command
    rejects_calls_while_sending: bool = False   # SIM800: no RING while AT+CMGS is open
    empty_read_ok: bool = False        # AT+CMGR on an empty slot: OK (SIM800) or +CMS 321
    doubled_cr_rings: bool = False     # SIM7600: odd rings end \r\r\n
    smsfull_needs_config: bool = False  # Quectel: only after AT+QINDCFG="smsfull",1
    vendor: str = ""                   # "simcom" | "quectel" | "huawei" | ""
    # habits of modules beyond the first families (the defaults are what those families do)
    end_code: Optional[str] = None     # what a profile says when the caller gives up
    clip_rings: str = "every"          # +CLIP on "every" ring, the "first" only, or "never"
    clip_before_ring: bool = False     # +CLIP comes before its RING
    call_list: bool = True             # AT+CLCC lists the current calls (False: ERROR)
    missed_call_list: bool = False     # keeps the "MC" phonebook (AT+CPBS="MC", AT+CPBR)
    drops_final: tuple[str, ...] = ()  # these commands answer without a final result code
    refuses_cnmi: bool = False         # every AT+CNMI mode answers ERROR
    busy_seconds: float = 0.0          # after power-on: +CME ERROR: 515 / SIM busy this long
    line_end: str = "\r\n"             # some firmware ends lines \r\r\n
    indent: str = ""                   # ... and puts spaces in front of them


def _profile(name: str, model: str, serial: str, **habits) -> Dialect:
    """A generic 27.007 module with one habit (its identity names the habit, not a vendor)."""
    return Dialect(name=name, manufacturer="Generic", model=model, revision=f"{model} 1.0",
                   imei=f"4901542000000{serial}", ati=(model,), boot=habits.pop("boot", ()),
                   full_code=None, **habits)


DIALECTS: dict[str, Dialect] = {d.name: d for d in (
    Dialect(
        name="sim800", manufacturer="SIMCOM_Ltd", model="SIM800 R14.18",
        revision="Revision:1418B04SIM800L24", imei="868100040000011",
        ati=("SIM800 R14.18",),
        boot=("RDY", "+CFUN: 1", "+CPIN: READY", "Call Ready", "SMS Ready"),
        full_code="+SMS FULL", cvhu_default=0, clip_style="simcom2g", clcc_urc=True,
        rejects_calls_while_sending=True, empty_read_ok=True, vendor="simcom"),
    Dialect(
        name="sim7600", manufacturer="SIMCOM INCORPORATED", model="SIMCOM_SIM7600G-H",
        revision="+CGMR: LE20B04SIM7600G22", imei="862636050000022",
        ati=("Manufacturer: SIMCOM INCORPORATED", "Model: SIMCOM_SIM7600G-H",
             "Revision: LE20B04SIM7600G22", "IMEI: 862636050000022", "+GCAP: +CGSM"),
        boot=("RDY", "*ATREADY: 1", "+CPIN: READY", "SMS DONE", "PB DONE"),
        full_code="+SMS FULL", cvhu_default=1, doubled_cr_rings=True, vendor="simcom"),
    Dialect(
        name="ec25", manufacturer="Quectel", model="EC25",
        revision="Revision: EC25EFAR06A06M4G", imei="866834040000033",
        ati=("Quectel", "EC25", "Revision: EC25EFAR06A06M4G"),
        boot=("RDY", "+CFUN: 1", "+CPIN: READY", "+QUSIM: 1", "+QIND: SMS DONE"),
        full_code='+QIND: "smsfull","{memory}"', first_index=0, cvhu_default=0,
        smsfull_needs_config=True, vendor="quectel"),
    Dialect(
        name="huawei", manufacturer="huawei", model="E173",
        revision="11.126.85.00.209", imei="354372040000044",
        ati=("Manufacturer: huawei", "Model: E173", "Revision: 11.126.85.00.209",
             "IMEI: 354372040000044", "+GCAP: +CGSM,+DS,+ES"),
        boot=("^BOOT:26855519,0,0,0,75", "^SIMST:1", "^RSSI:{rssi}"),
        full_code='^SMMEMFULL: "{memory}"', first_index=0, crc_default=True,
        cnum_bare=True, not_supported="COMMAND NOT SUPPORT", vendor="huawei"),
    Dialect(
        name="silent", manufacturer="Generic", model="GSM MODEM", revision="1.0",
        imei="490154200000055", ati=("GSM MODEM",), boot=(), full_code=None),
    # --- behaviour profiles of modules beyond the families above --------------------------
    _profile("plain", "PLAIN-27007", "56", missed_call_list=True),
    _profile("noclip", "NO-CLIP", "57", clip_rings="never", end_code="NO CARRIER",
             missed_call_list=True),
    _profile("firstclip", "FIRST-CLIP", "58", clip_rings="first", clip_before_ring=True),
    _profile("vendorend", "VENDOR-END", "59", end_code="+ZCEND: 1,16"),
    _profile("nofinal", "NO-FINAL", "60", end_code="NO CARRIER",
             drops_final=("+CGMR", "+CSQ")),
    _profile("nocnmi", "NO-CNMI", "61", end_code="NO CARRIER", refuses_cnmi=True),
    _profile("crlf", "CRLF-SPACES", "62", end_code="NO CARRIER", line_end="\r\r\n",
             indent=" "),
    _profile("busyboot", "BUSY-BOOT", "63", end_code="NO CARRIER", busy_seconds=10.0,
             boot=("RDY",)),
    _profile("nolist", "NO-CLCC", "64", call_list=False),
)}


def get(name: str) -> Dialect:
    """The dialect called `name`; ValueError lists the known ones."""
    try:
        return DIALECTS[name]
    except KeyError:
        raise ValueError(f"unknown dialect {name!r}; use one of {', '.join(DIALECTS)}") from None


def ring_line(crc: bool) -> str:
    return "+CRING: VOICE" if crc else "RING"


def clip_line(dialect: Dialect, number: str, number_type: int, validity: int) -> str:
    """The caller-ID line; withheld/unavailable callers show an empty number, type 128."""
    if validity:
        number, number_type = "", 128
    if dialect.clip_style == "simcom2g":
        return f'+CLIP: "{number}",{number_type},"",0,"",{validity}'
    return f'+CLIP: "{number}",{number_type},,,,{validity}'


def clcc_line(dialect: Dialect, number: str, number_type: int, validity: int, state: int) -> str:
    """A +CLCC line for an incoming voice call in `state` (4 incoming, 6 disconnected)."""
    if validity:
        number, number_type = "", 128
    tail = ',""' if dialect.clip_style == "simcom2g" else ""
    return f'+CLCC: 1,1,{state},0,0,"{number}",{number_type}{tail}'


def missed_call_line(number: str, local_time: datetime) -> str:
    """SIM7600: `MISSED_CALL: 11:53AM 07700900123` (12-hour clock, number as received)."""
    stamp = local_time.strftime("%I:%M%p")
    return f"MISSED_CALL: {stamp} {number}".rstrip()


def caller_gave_up_lines(dialect: Dialect, clcc: bool, number: str, number_type: int,
                         validity: int, local_time: datetime) -> list[str]:
    """What the family says when an unanswered caller hangs up."""
    if dialect.name == "sim800":
        lines = [clcc_line(dialect, number, number_type, validity, 6)] if clcc else []
        return lines + ["NO CARRIER"]
    if dialect.name == "sim7600":
        return [missed_call_line("" if validity else number, local_time)]
    if dialect.name == "ec25":
        return ["NO CARRIER"]
    if dialect.name == "huawei":
        return ["^CEND:1,0,104,16"]
    return [dialect.end_code] if dialect.end_code else []


def declined_lines(dialect: Dialect, clcc: bool, number: str, number_type: int,
                   validity: int) -> list[str]:
    """What follows the OK of ATH/AT+CHUP when the box hangs up a ringing call itself."""
    if dialect.name == "sim800" and clcc:
        return [clcc_line(dialect, number, number_type, validity, 6)]
    if dialect.name == "huawei":
        return ["^CEND:1,0,104,16"]
    return []


def full_line(dialect: Dialect, memory: str) -> Optional[str]:
    return dialect.full_code.format(memory=memory) if dialect.full_code else None
