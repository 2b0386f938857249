"""The text-back messages: defaults, placeholders, checking the owner's edits, filling them in.

The defaults follow what works for contractors: personal ("Hey"), say why the call was missed
without grovelling, end with an open question so the caller replies. Each is one GSM-7 segment
(plain "-" and "'", never typographic dashes or quotes). A sentence whose placeholder has no
value yet is left out, so the defaults read well before anything is set up. Pure.
"""
from __future__ import annotations

import re
from typing import Optional

PLACEHOLDERS = ("business_name", "owner_name", "emergency_number", "booking_link", "review_link")
MESSAGE_KINDS = ("business_hours", "after_hours", "weekend", "holiday", "away", "first_text")
# Messages the owner may leave empty: then the caller gets the one they would get without it
# ("direct": callers who dialled the box itself; "break": a gap between two opening ranges).
OPTIONAL_KINDS = ("direct", "break")

DEFAULT_MESSAGES = {
    "business_hours": "Hey, sorry I missed your call - I'm on a job right now. "
                      "This is {business_name}. What can I help with?",
    "after_hours": "Hey, thanks for calling! I'm done for the day but I'll see your message "
                   "first thing. If it's urgent, call {emergency_number}. What do you need?",
    "weekend": "Hey, got your call - I'm not in the office today but I check texts. "
               "This is {business_name}. What can I help with?",
    "holiday": "Hey, got your call - I'm off for the holiday but I check texts. "
               "If it's urgent, call {emergency_number}. What can I help with?",
    "away": "Hey, got your call - I'm away for a few days but I check texts. "
            "If it's urgent, call {emergency_number}. What can I help with?",
    # A new customer's first text (no call), outside opening hours: core/first_text.py.
    "first_text": "Hey, thanks for your text! This is {business_name} - I'll reply first "
                  "thing. If it's urgent, call {emergency_number}. What's the job?",
}
# The texts sent hours later (core/follow_ups.py): after a text-back nobody answered, after a
# booked job. Not answers to a call, so they read differently; one GSM-7 segment each.
LATER_KINDS = ("follow_up", "review_request")
LATER_MESSAGES = {
    "follow_up": "Hi, just checking in - do you still need a hand? This is {business_name}. "
                 "Reply here and I'll get back to you.",
    "review_request": "Thanks again for choosing us! If you have a minute, a quick review "
                      "would mean a lot: {review_link}",
}

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_SENTENCE_END = re.compile(r"((?<=[.!?])\s+|\s*\n\s*)")   # after . ! ? or at a line break


def template_error(text: str) -> Optional[str]:
    """Why the owner's message cannot be used, in words for the page; None when it is fine."""
    if not text or not text.strip():
        return "is empty"
    allowed = ", ".join("{%s}" % name for name in PLACEHOLDERS)
    for match in _PLACEHOLDER.finditer(text):
        if match.group(1) not in PLACEHOLDERS:
            return f"unknown placeholder {match.group(0)}; use one of {allowed}"
    rest = _PLACEHOLDER.sub("", text)
    if "{" in rest:
        return "has a { without a matching }; placeholders look like {business_name}"
    if "}" in rest:
        return "has a } without a matching {; placeholders look like {business_name}"
    return None


def _values(settings: dict) -> dict[str, str]:
    return {name: str(settings.get(name) or "").strip() for name in PLACEHOLDERS}


def _sentences(text: str) -> list[tuple[str, str]]:
    """(sentence, whitespace after it) pairs; a sentence ends at . ! or ? before whitespace,
    or at a line break."""
    pieces = _SENTENCE_END.split(text)
    pieces.append("")
    return list(zip(pieces[0::2], pieces[1::2]))


def fill(text: str, settings: dict) -> str:
    """The message as sent: placeholders filled from settings, a sentence whose placeholder is
    empty left out, double spaces collapsed. Nothing is ever added."""
    values = _values(settings)

    def empty_placeholder(sentence: str) -> bool:
        return any(values.get(name) == "" for name in _PLACEHOLDER.findall(sentence))

    kept = "".join(s + gap for s, gap in _sentences(text or "") if not empty_placeholder(s))

    def substitute(match: re.Match) -> str:
        name = match.group(1)
        return values[name] if name in values else match.group(0)

    filled = _PLACEHOLDER.sub(substitute, kept)
    return re.sub(r" {2,}", " ", filled).strip()
