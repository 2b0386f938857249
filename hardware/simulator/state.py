"""The simulated modem's volatile AT settings (lost on restart, like a real modem's) and the
SIM/network conditions a test can change (PIN, registration, signal, operator).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Optional

from appliance.core.domain import Concat

from .dialects import Dialect


@dataclass(frozen=True)
class SentText:
    """One SMS the box submitted (one part of a long text), as the simulated network decoded it
    with its own decoder. `problems` lists what a phone would show wrongly (split escape or
    surrogate pair, unknown header ...); `unconfirmed` marks a send whose answer was swallowed."""
    number: str
    text: str
    pdu: Optional[str]            # hex as written after the prompt (None in text mode)
    reference: int                # the modem's message reference (+CMGS: <mr>)
    at: datetime
    unconfirmed: bool = False
    number_type: Optional[int] = None
    encoding: str = "GSM-7"
    status_report: bool = False
    concat: Optional[Concat] = None
    concat_bits: Optional[int] = None
    problems: tuple = ()
    tpdu_length: Optional[int] = None


@dataclass
class AtSettings:
    """Everything an `AT+...=` changes. Power-up values are deliberately the unhelpful ones
    (no caller ID, no new-message codes): a box that forgets to re-initialise after a modem
    restart misses calls and texts in the simulator exactly as it would on a real board."""
    echo: bool = True
    cmee: int = 0
    cmgf: int = 0
    cnmi: tuple = (0, 0, 0, 0, 0)       # mode, mt, bm, ds, bfr
    clip: bool = False
    clcc: bool = False
    cssu: bool = False                  # AT+CSSN=<n>,1
    cssi: bool = False                  # AT+CSSN=1,<m>
    crc: bool = False
    cvhu: int = 0
    curc: int = 1
    csms: int = 0
    cscs: str = "IRA"
    creg: int = 0
    qind_smsfull: bool = False
    phonebook: str = "SM"               # AT+CPBS: the list AT+CPBR / AT+CPBW work on
    memories: list = field(default_factory=lambda: ["SM", "SM", "SM"])  # read, write, receive

    @classmethod
    def power_up(cls, dialect: Dialect) -> "AtSettings":
        """Settings right after power-on or reboot for this family."""
        return cls(crc=dialect.crc_default, cvhu=dialect.cvhu_default or 0)

    def sms_codes_on(self) -> bool:
        """+CMTI / +CMT are sent only after AT+CNMI chose a mode and an mt."""
        return self.cnmi[0] > 0 and self.cnmi[1] > 0

    def report_mode(self) -> int:
        """AT+CNMI <ds>: 0 no status reports, 1 +CDS directly, 2 +CDSI when stored."""
        return self.cnmi[3] if self.cnmi[0] > 0 else 0


@dataclass
class Network:
    """SIM and radio conditions; tests change these to drive status and probe paths."""
    pin: str = "READY"          # READY | SIM PIN | absent
    pin_code: str = "1234"
    registration: int = 1       # 0 not searching, 1 home, 2 searching, 3 denied, 5 roaming
    rssi: int = 20              # 0-31, 99 unknown
    operator: str = "Simulated Mobile"
    # The network's time (AT+CCLK?): None until the network sends it (the module answers its
    # power-on default then); else a callable giving an aware datetime in the zone reported.
    time: Optional[Callable[[], datetime]] = None
    # The SIM's conditional call forwarding (AT+CCFC): reason (1 busy, 2 no reply, 3 not
    # reachable) -> the number calls go to (the SIM's voicemail).
    forwarding: dict = field(default_factory=dict)

    def sms_error(self):
        """+CMS error code when the SIM does not allow SMS commands, else None."""
        return {"absent": 310, "SIM PIN": 311}.get(self.pin)

    def registered(self) -> bool:
        return self.registration in (1, 5)
