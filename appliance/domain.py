"""Domain types shared by every layer: what the modem told us, what we decided, what we store.

Pure data, standard library only. Events are named in the past tense (something happened),
commands in the imperative (something should happen). Hardware adapters translate library and
wire types into these; nothing here knows about serial ports, TinyDB or Flask.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

# --- what the modem said (hardware/ -> service) ---------------------------------------------


@dataclass(frozen=True)
class RingSeen:
    """`RING` or `+CRING: VOICE`: the phone is ringing (once per ring)."""
    at: datetime


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
    """The modem answered and was initialised (first time, after replug or after reboot)."""
    at: datetime


@dataclass(frozen=True)
class ModemLost:
    """The port vanished or the modem stopped answering; the adapter is reconnecting."""
    at: datetime
    reason: str


# --- decoded texts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Concat:
    """Concatenation header of one part of a long text."""
    reference: int
    part: int
    total: int


@dataclass(frozen=True)
class IncomingText:
    """One received SMS (or one part of a long one), decoded from its PDU. A PDU that cannot be
    decoded becomes a text from UNREADABLE_SENDER carrying the raw PDU, so it is kept, never
    answered, and its SIM slot is freed."""
    sender: str                 # as received: "+1555...", "0123...", or alphanumeric "ACME"
    sender_type: Optional[int]  # TON/NPI octet: 145 international, 129/161 national, 208 alnum
    text: str
    sent_at: Optional[datetime]  # the SMSC timestamp, UTC
    concat: Optional[Concat] = None
    memory: Optional[str] = None
    index: Optional[int] = None


UNREADABLE_SENDER = "Unreadable"


@dataclass(frozen=True)
class DeliveryReport:
    """A status report: whether the text with message reference `reference` reached the phone."""
    reference: int
    recipient: str
    delivered: bool
    final: bool            # False while the network is still trying
    status_code: int
    at: Optional[datetime] = None
    memory: Optional[str] = None
    index: Optional[int] = None


# --- what the core decided --------------------------------------------------------------------


@dataclass(frozen=True)
class CallMissed:
    """One ringing episode that nobody answered is over."""
    number: Optional[str]          # raw as the modem gave it; None when withheld/unavailable
    number_type: Optional[int]
    started_at: datetime
    ended_at: datetime
    rings: int
    end_code: str                  # the modem code that ended it, or "ring-gap" / "declined"
    forwarded: Optional[bool] = None   # True: forwarded (+CSSU: 0); None: modem did not say


@dataclass(frozen=True)
class SendText:
    """Command: queue a text to `to` (E.164). `kind` says why (textback, reply, keyword ...)."""
    to: str
    text: str
    kind: str
    call_id: Optional[str] = None


# --- what the sender did with an outbox item (sender -> service) -------------------------------


@dataclass(frozen=True)
class TextSent:
    """The modem accepted the text (+CMGS); `references` are its message references."""
    item: dict
    references: tuple = ()


@dataclass(frozen=True)
class TextSendFailed:
    """A try failed before anything was submitted; `gave_up` after the last try."""
    item: dict
    reason: str
    gave_up: bool = False


@dataclass(frozen=True)
class TextUnconfirmed:
    """Ctrl-Z was written but the modem never answered: may have gone, never resent."""
    item: dict
    reason: str


@dataclass(frozen=True)
class TextCancelled:
    """Not sent after all (the customer texted STOP while it waited)."""
    item: dict
    reason: str


@dataclass(frozen=True)
class SendStatusReport:
    """Command (button short press, owner's STATUS): text the owner how the box is doing."""
    at: datetime
    source: str = "button"


@dataclass(frozen=True)
class ToggleAway:
    """Command (button held 3 s): switch away mode, confirm by LED and SMS."""
    at: datetime
    source: str = "button"


@dataclass(frozen=True)
class StartSetupHotspot:
    """Command (button held 10 s): open the Wi-Fi setup hotspot and the first-run window."""
    at: datetime
    source: str = "button"


@dataclass
class ModemStatus:
    """What the page and the LED show about the modem. `state` values are the API contract."""
    state: str = "starting"   # ready|starting|no_modem|no_sim|sim_pin|searching|error
    model: Optional[str] = None
    manufacturer: Optional[str] = None
    firmware: Optional[str] = None
    imei: Optional[str] = None
    operator: Optional[str] = None
    signal_percent: Optional[int] = None
    sim_number: Optional[str] = None
    registration: Optional[str] = None   # home|roaming|searching|denied|unknown
    last_error: Optional[str] = None
    reports_call_end: Optional[bool] = None
    extra: dict = field(default_factory=dict)


class SendFailed(Exception):
    """The modem refused the text (+CMS ERROR, ERROR) or never showed the `> ` prompt.
    Nothing was submitted, so it is safe to try again later."""

    def __init__(self, reason: str, code: Optional[int] = None):
        super().__init__(reason)
        self.reason = reason
        self.code = code


class SendUnconfirmed(Exception):
    """The PDU and Ctrl-Z were written but no +CMGS/+CMS answer came in time: the text may or may
    not have gone. Never retried automatically (the caller must not get it twice)."""


class ModemUnavailable(Exception):
    """The port is gone or the modem does not answer; the supervisor is reconnecting."""


class ValidationError(Exception):
    """Bad input from the page, the API or a settings file: `errors` maps field -> message."""

    def __init__(self, errors: dict):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
