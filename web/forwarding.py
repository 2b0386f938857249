"""The call-forwarding codes an owner dials on the business phone, with the box's number filled in.

Pure: a number and a delay in, a list of codes out. The setup page shows them; nothing here dials.
GSM codes are the 3GPP supplementary-service codes (MMI) most mobile networks accept; some US
carriers use their own star codes, so those are listed as carrier notes next to them.
"""
from __future__ import annotations

import re
from typing import Optional
from urllib.parse import quote

NO_REPLY_SECONDS = (5, 10, 15, 20, 25, 30)   # what networks accept for **61 (in steps of 5)
DEFAULT_NO_REPLY_SECONDS = 20


def clean_number(text: Optional[str]) -> str:
    """The number as the owner typed it, reduced to what a dial pad can send: + and digits."""
    text = (text or "").strip()
    plus = text.startswith("+")
    digits = re.sub(r"\D", "", text)
    return ("+" if plus else "") + digits


def us_local(number: str) -> Optional[str]:
    """A +1 number as the 10 digits US star codes expect; None for other numbers."""
    if number.startswith("+1") and len(number) == 12:
        return number[2:]
    if not number.startswith("+") and len(number) == 10:
        return number
    return None


def tel_link(code: str) -> str:
    """A tel: link that dials a code; '#' must be escaped or the dialler drops the rest."""
    return "tel:" + quote(code, safe="*+")


def _code(key: str, code: str, what: str) -> dict:
    return {"key": key, "code": code, "what": what, "tel": tel_link(code)}


def gsm_codes(number: str, seconds: int = DEFAULT_NO_REPLY_SECONDS) -> list[dict]:
    """The GSM codes, in the order an owner needs them: set up, check, undo."""
    if seconds not in NO_REPLY_SECONDS:
        seconds = DEFAULT_NO_REPLY_SECONDS
    return [
        _code("no_reply", f"**61*{number}*11*{seconds}#",
              f"Forward calls you don't answer within {seconds} seconds (the main one)"),
        _code("busy", f"**67*{number}#", "Forward calls while you're on another call"),
        _code("unreachable", f"**62*{number}#",
              "Forward calls when your phone is off or has no signal"),
        _code("all_conditional", f"**004*{number}#",
              "All three at once (no reply, busy, unreachable) with the network's default delay"),
        _code("check", "*#61#", "Check where unanswered calls are forwarded"),
        _code("cancel", "##004#", "Cancel all of the above"),
    ]


def carrier_notes(number: str) -> list[dict]:
    """Notes per kind of line, with US star codes filled in where the number is a US number."""
    local = us_local(number)
    verizon = (f"Dial *71{local} to forward unanswered and busy calls; *73 cancels."
               if local else "Dial *71 followed by the box's 10-digit number; *73 cancels.")
    return [
        {"key": "verizon", "carrier": "Verizon", "note": verizon,
         "code": f"*71{local}" if local else None,
         "tel": tel_link(f"*71{local}") if local else None},
        {"key": "att_tmobile", "carrier": "AT&T and T-Mobile",
         "note": "Use the GSM codes above.", "code": None, "tel": None},
        {"key": "voip", "carrier": "VoIP or landline",
         "note": "Set 'forward when unanswered' (or 'no answer') to the box's number in your "
                 "phone provider's web portal or app.", "code": None, "tel": None},
    ]
