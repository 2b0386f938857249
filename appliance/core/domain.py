"""Domain types shared by every layer: what the modem told us, what we decided, what we store.

Pure data, standard library only. Events are named in the past tense (something happened),
commands in the imperative (something should happen). Hardware adapters translate library and
wire types into these; nothing here knows about serial ports, TinyDB or Flask. The modem's
events live in appliance/core/modem_events.py and are re-exported here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

from appliance.core.records import OutboxItem
from appliance.core.modem_events import (  # noqa: F401  (re-exported: the modem's events)
    RingSeen, CallerIdSeen, CallEndSeen, ListedCall, CallListSeen, CallForwardedSeen, SmsStored,
    SmsPduReceived, StatusReportStored, StatusReportPduReceived, SmsStorageFull, ModemRestarted,
    ModemConnected, ModemStartBlocked, UnknownLineSeen, ModemLost, ModemMissedCall,
    NetworkTimeRead)


# --- decoded texts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Concat:
    """Concatenation header of one part of a long text."""
    reference: int
    part: int
    total: int


@dataclass(frozen=True)
class TextFacts:
    """What a received PDU says about itself besides its words (TS 23.040 / 23.038); the pure
    core (core/incoming.py) decides from these what the text is."""
    protocol_id: int = 0                # TP-PID: 0x40 is a type 0 ("silent") SMS
    eight_bit: bool = False             # TP-DCS says 8-bit data, not text
    port: Optional[int] = None          # destination application port (2948: WAP push)
    voicemail: Optional[bool] = None    # voice mail waiting (True) or cleared (False), if told
    picture_from: Optional[str] = None  # an MMS notification's sender, as its From header says


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
    facts: TextFacts = TextFacts()


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
    item: OutboxItem
    references: tuple = ()


@dataclass(frozen=True)
class TextSendFailed:
    """A try failed before anything was submitted; `gave_up` after the last try."""
    item: OutboxItem
    reason: str
    gave_up: bool = False


@dataclass(frozen=True)
class TextUnconfirmed:
    """Ctrl-Z was written but the modem never answered: may have gone, never resent."""
    item: OutboxItem
    reason: str


@dataclass(frozen=True)
class TextCancelled:
    """Not sent after all (the customer texted STOP while it waited)."""
    item: OutboxItem
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


class BoxBusy(Exception):
    """The service thread could not take a request in time, so nothing was done (the page
    answers 503: try again in a moment)."""
