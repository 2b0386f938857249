"""Long texts: putting the parts of a concatenated SMS back together.

Pure functions over a list of pending part dicts, so the service can keep them in the store
(inbox.json) and a restart loses nothing. A pending part is JSON-serialisable:

    {"key", "sender", "sender_type", "reference", "part", "total", "text",
     "sent_at" (ISO or None), "received_at" (ISO)}

Parts may arrive in any order, twice, or never: a message whose first part came more than
`timeout` ago is handed on anyway, with the gap marked inline so the reader knows text is missing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Optional

from appliance.core.domain import IncomingText, TextFacts

# Parts of one message normally arrive within seconds; a part held up by the network can take
# much longer, but the customer is waiting: after this the owner gets what we have.
DEFAULT_TIMEOUT = timedelta(minutes=5)


@dataclass(frozen=True)
class Assembled:
    """A whole received text (or as much of it as came). `key` is the pending-part key to remove."""
    sender: str
    sender_type: Optional[int]
    text: str
    sent_at: Optional[datetime]
    parts_missing: list[int] = field(default_factory=list)
    key: Optional[str] = None
    nature: str = "text"                # core/incoming.py: "text", "picture" or "voicemail"
    facts: TextFacts = TextFacts()


def part_key(text: IncomingText) -> str:
    """Which message a part belongs to: sender + concatenation reference + number of parts.
    The sender is part of it because two phones may use the same reference."""
    concat = text.concat
    if concat is None:
        return f"{text.sender}|single"
    return f"{text.sender}|{concat.reference}|{concat.total}"


def _is_single(text: IncomingText) -> bool:
    """No usable concatenation header: the text stands alone (never dropped for a bad header)."""
    concat = text.concat
    return concat is None or concat.total <= 1 or not 1 <= concat.part <= concat.total


def _iso(value: Optional[datetime]) -> Optional[str]:
    return value.isoformat() if value is not None else None


def _when(value: Optional[str]) -> Optional[datetime]:
    return datetime.fromisoformat(value) if value else None


def _as_pending(text: IncomingText, now: datetime) -> dict:
    return {
        "key": part_key(text),
        "sender": text.sender,
        "sender_type": text.sender_type,
        "reference": text.concat.reference,
        "part": text.concat.part,
        "total": text.concat.total,
        "text": text.text,
        "sent_at": _iso(text.sent_at),
        "received_at": _iso(now),
    }


def _join(parts: list[dict]) -> tuple[str, list[int]]:
    """The parts' texts in order; each absent part becomes "[part n of m missing]"."""
    total = parts[0]["total"]
    by_number = {p["part"]: p["text"] for p in parts}
    missing = [n for n in range(1, total + 1) if n not in by_number]
    pieces: list[str] = []
    for n in range(1, total + 1):
        if n in by_number:
            # Parts are cut mid-word by the sender's phone: join them exactly as they came.
            if pieces and pieces[-1].endswith("missing]"):
                pieces.append(" ")
            pieces.append(by_number[n])
        else:
            if pieces:
                pieces.append(" ")
            pieces.append(f"[part {n} of {total} missing]")
    return "".join(pieces), missing


def _assemble(parts: list[dict]) -> Assembled:
    text, missing = _join(parts)
    stamps = [_when(p["sent_at"]) for p in parts if p.get("sent_at")]
    return Assembled(sender=parts[0]["sender"], sender_type=parts[0]["sender_type"], text=text,
                     sent_at=min(stamps) if stamps else None, parts_missing=missing,
                     key=parts[0]["key"])


def add_part(pending: list[dict], text: IncomingText,
             now: datetime) -> tuple[list[dict], Optional[Assembled]]:
    """Add one received part. Returns the new pending list and the whole text once every part is
    there. The new part, when kept, is the last item of the returned list; a duplicate (same key
    and part number) leaves the list unchanged. A text without a concatenation header comes
    straight back as Assembled."""
    if _is_single(text):
        return list(pending), Assembled(text.sender, text.sender_type, text.text, text.sent_at,
                                        [], part_key(text))
    key = part_key(text)
    mine = [p for p in pending if p["key"] == key]
    if any(p["part"] == text.concat.part for p in mine):
        return list(pending), None
    mine.append(_as_pending(text, now))
    if len(mine) < text.concat.total:
        return list(pending) + [mine[-1]], None
    rest = [p for p in pending if p["key"] != key]
    return rest, _assemble(mine)


def expire(pending: list[dict], now: datetime,
           timeout: timedelta = DEFAULT_TIMEOUT) -> tuple[list[dict], list[Assembled]]:
    """Hand on incomplete messages whose first part arrived more than `timeout` before `now`,
    with the gaps marked and `parts_missing` set. Returns (still pending, given up), the given-up
    messages oldest first."""
    groups: dict[str, list[dict]] = {}
    for p in pending:
        groups.setdefault(p["key"], []).append(p)
    first_seen = {key: min(_when(p["received_at"]) for p in parts) for key, parts in groups.items()}
    expired_keys = sorted((key for key, at in first_seen.items() if now - at > timeout),
                          key=first_seen.__getitem__)
    keep = [p for p in pending if p["key"] not in expired_keys]
    return keep, [_assemble(groups[key]) for key in expired_keys]
