"""What the modem said, as domain events (hardware/ -> service): rings, caller IDs, call ends,
the calls the modem lists, new texts, restarts and start-up trouble. Named in the past tense.

Pure data, standard library only; appliance/core/domain.py re-exports every name, so the rest of the
code imports them from there.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional


@dataclass(frozen=True)
class RingSeen:
    """`RING` or `+CRING: VOICE`: the phone is ringing (once per ring). A few modules put the
    caller's number on `+CRING` too; then `number` (and `number_type`) carry it."""
    at: datetime
    number: Optional[str] = None
    number_type: Optional[int] = None


@dataclass(frozen=True)
class CallerIdSeen:
    """`+CLIP` (or `+CLCC` state 4): who is ringing. validity 0 shown, 1 withheld, 2 unavailable."""
    at: datetime
    number: str
    number_type: Optional[int] = None
    validity: int = 0


@dataclass(frozen=True)
class CallEndSeen:
    """The modem said the call is over: NO CARRIER, +CLCC state 6, MISSED_CALL:, VOICE CALL: END,
    ^CEND, +UCALLSTAT ...,6. `number` is set when the code carries one."""
    at: datetime
    code: str
    number: Optional[str] = None
    number_type: Optional[int] = None


@dataclass(frozen=True)
class ListedCall:
    """One line of the `AT+CLCC` answer: `+CLCC: <id>,<dir>,<stat>,<mode>,<mpty>[,"<n>",<type>]`.
    `state` 4 incoming and ringing, 5 waiting, 6 released."""
    index: Optional[int]
    incoming: bool
    state: Optional[int]
    number: Optional[str] = None
    number_type: Optional[int] = None


@dataclass(frozen=True)
class CallListSeen:
    """The answer to an `AT+CLCC` the box asked while a call rang: the calls the modem lists.
    `asked_at` is when the question went out (a list asked before a call began says nothing
    about it); `at` when the answer was complete. Never counts as a ring."""
    at: datetime
    asked_at: datetime
    calls: tuple = ()


@dataclass(frozen=True)
class CallForwardedSeen:
    """`+CSSU: 0`: the network says the incoming call was forwarded from another line."""
    at: datetime


@dataclass(frozen=True)
class SmsStored:
    """`+CMTI: "<memory>",<index>`: a new text is waiting in modem storage."""
    at: datetime
    memory: str
    index: int


@dataclass(frozen=True)
class SmsPduReceived:
    """`+CMT: ,<len>` + PDU line: a text delivered directly, not stored on the SIM."""
    at: datetime
    pdu: str


@dataclass(frozen=True)
class StatusReportStored:
    """`+CDSI: "<memory>",<index>`: a delivery report is waiting in modem storage."""
    at: datetime
    memory: str
    index: int


@dataclass(frozen=True)
class StatusReportPduReceived:
    """`+CDS: <len>` + PDU line: a delivery report delivered directly."""
    at: datetime
    pdu: str


@dataclass(frozen=True)
class SmsStorageFull:
    """`+SMS FULL`, `+QIND: "smsfull"`, `^SMMEMFULL`: the SIM refuses new texts until emptied."""
    at: datetime
    memory: str = "SM"


@dataclass(frozen=True)
class ModemRestarted:
    """A boot code (RDY, *ATREADY, ^BOOT ...) arrived while running: the modem rebooted."""
    at: datetime
    code: str


@dataclass(frozen=True)
class ModemConnected:
    """The modem answered and was initialised (first time, after replug or after reboot).
    `announces_texts` is False when it accepted no new-message mode (+CNMI): then new texts are
    found only by listing the memories, so the box lists them often."""
    at: datetime
    announces_texts: bool = True


@dataclass(frozen=True)
class NetworkTimeRead:
    """The modem's clock, set by the network (AT+CCLK?), read at `monotonic` (time.monotonic)."""
    at: datetime
    network: datetime            # aware, UTC
    monotonic: float


@dataclass(frozen=True)
class ModemStartBlocked:
    """An essential start-up step failed: the modem is not ready until it passes. `step` says
    which (in words) and `answer` what the modem said (or that it said nothing)."""
    at: datetime
    step: str
    answer: str


@dataclass(frozen=True)
class UnknownLineSeen:
    """A line from the modem the box cannot place (neither an answer nor a known code). The
    modem adapter passes on the first of each `kind` only, so a chattering modem cannot flood
    the event log."""
    at: datetime
    kind: str
    line: str


@dataclass(frozen=True)
class ModemLost:
    """The port vanished or the modem stopped answering; the adapter is reconnecting."""
    at: datetime
    reason: str


@dataclass(frozen=True)
class ModemMissedCall:
    """One entry of the module's own list of missed calls (`AT+CPBS="MC"`, `AT+CPBR`).
    `at` is the time the module noted, when it gives one (in `text` on most modules)."""
    index: int
    number: str
    number_type: Optional[int]
    text: str = ""
    at: Optional[datetime] = None
