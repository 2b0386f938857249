"""What a received text is, and so what the box does with it. Pure: facts in, decisions out.

- "silent" (a type 0 SMS) and "data" (8-bit data, an application's message, or a body that is
  mostly control characters) are nobody's words: dropped and logged, never stored or forwarded.
- "picture": an MMS notification (WAP push). The box cannot fetch pictures (that needs mobile
  data and the carrier's MMS centre), so the customer's thread gets one readable line and the
  owner is told to ask the customer to text the picture to their phone or email it.
- "voicemail": a voice mail notice (the special SMS indication or a message-waiting coding).
- otherwise "text": a person's words, or the network's.

Who sent it: alphanumeric senders ("T-Mobile", TON 5) and short codes are the network or a
service, never a customer; so is a voice mail notice from any number. The words only refine the
label shown on the "From the network" list; correctness never depends on a carrier's wording.
"""
from __future__ import annotations

import re
from appliance.core import numbers
from appliance.core.domain import TextFacts

TYPE_0 = 0x40
WAP_PUSH_PORTS = (2948, 2949)
DROPPED = ("silent", "data")
NETWORK_LABELS = {"voicemail": "Voicemail notice", "balance": "Balance or top-up",
                  "roaming": "Roaming", "missed_calls": "Missed-call alert",
                  "network": "From the network"}
# Words that refine the label (never whether a text is from the network).
_LABEL_WORDS = (
    ("voicemail", re.compile(r"voice ?mail|voice message|mailbox", re.I)),
    ("missed_calls", re.compile(r"missed call|tried to call|called you", re.I)),
    ("balance", re.compile(r"balance|top.?up|recharge|credit|allowance|bill|payment", re.I)),
    ("roaming", re.compile(r"roaming|welcome to|abroad", re.I)),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


def nature(facts: TextFacts, text: str) -> str:
    """"picture", "silent", "data", "voicemail" or "text"."""
    if facts.port in WAP_PUSH_PORTS:
        return "picture"
    if facts.protocol_id == TYPE_0:
        return "silent"
    if facts.voicemail is not None:
        return "voicemail"
    if facts.eight_bit or facts.port is not None or looks_binary(text):
        return "data"
    return "text"


def looks_binary(text: str) -> bool:
    """A body that is mostly control characters or undecodable bytes is not anyone's words."""
    if not text:
        return False
    return "\x00" in text or len(_CONTROL.findall(text)) * 5 > len(text)


def from_network(sender: str, region: str, kind_of_text: str) -> bool:
    """True for the network's and services' texts: alphanumeric senders, short codes, and
    voice mail notices from any number."""
    return (kind_of_text == "voicemail" or numbers.is_alphanumeric(sender)
            or numbers.is_short_code(sender, region))


def network_label(kind_of_text: str, text: str) -> str:
    """A key of NETWORK_LABELS: what the network's text is about, as far as the words say."""
    if kind_of_text == "voicemail":
        return "voicemail"
    for label, words in _LABEL_WORDS:
        if words.search(text or ""):
            return label
    return "network"


def picture_line(settings) -> str:
    """The line a picture message leaves in the customer's thread and in the owner's forward
    (GSM-7, so the forward stays one or two texts)."""
    return ("[Sent a picture the box can't fetch. Ask them to text it to your phone"
            f"{_or_email(settings)}.]")


def _or_email(settings) -> str:
    email = (settings.get("owner_email") or "").strip()
    return f" or email it to {email}" if email else " or email it to you"


def picture_sender(facts: TextFacts, sender: str) -> str:
    """Whose picture: the MMS From header when it names a number, else the text's sender."""
    return facts.picture_from or sender


VOICEMAIL_TEXT = ("TextBack: new voicemail on the box's SIM. Customers may have left a "
                  "message there; call the SIM's voicemail from a phone to listen.")
