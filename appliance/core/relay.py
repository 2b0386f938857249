"""The owner relay over plain SMS: forwards to the owner's phone, the owner's answers and commands.

Each conversation has a short tag ("K7"). A customer's reply reaches the owner as
    #K7 +44 7400 123456: Burst pipe under sink, can you come today?
    Reply: K7 <your answer>
and the owner answers "K7 on my way" from any phone. The owner can also text STATUS, PAUSE,
RESUME or HELP. Everything we word ourselves is GSM-7 and short; a forward fits in 3 segments.
Pure: standard library and the pure core only.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Iterable, Union

from appliance.core.segments import analyse, is_gsm7, plain_punctuation

# No 0/O, 1/I/L: the owner reads tags off a small screen and types them back.
TAG_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"
TAG_DIGITS = "23456789"
TAG_ALPHABET = TAG_LETTERS + TAG_DIGITS
# A letter and a digit, so a tag is never an English word: "Be there at 5" is not tag BE.
TWO_CHAR_TAGS = tuple(sorted({a + b for a in TAG_LETTERS for b in TAG_DIGITS} |
                             {b + a for a in TAG_LETTERS for b in TAG_DIGITS}))
COMMANDS = ("status", "pause", "resume", "help")
MAX_FORWARD_SEGMENTS = 3
RECENT_TAGS_SHOWN = 5

_TAGGED = re.compile(r"^(#?)\s*([A-Za-z0-9]{2,3})(?=$|[\s:.,;\-])[\s:.,;\-]*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class OwnerReply:
    """The owner answered conversation `tag`; `text` goes to that customer."""
    tag: str
    text: str


@dataclass(frozen=True)
class OwnerCommand:
    """The owner texted a command: "status" | "pause" | "resume" | "help"."""
    name: str


@dataclass(frozen=True)
class OwnerFormatError:
    """The owner's text could not be used; `explanation` is texted back (<= 160 GSM-7 chars)."""
    explanation: str


OwnerText = Union[OwnerReply, OwnerCommand, OwnerFormatError]


def _ours(text: str) -> str:
    """Our own wording goes out GSM-7: plain punctuation, anything else exotic becomes '?'."""
    plain = plain_punctuation(text)
    return "".join(ch if is_gsm7(ch) else "?" for ch in plain)


# --- tags -------------------------------------------------------------------------------------


def _three_char_tags() -> list[str]:
    return [a + b + c for a in TAG_ALPHABET for b in TAG_ALPHABET for c in TAG_ALPHABET
            if _tag_shaped(a + b + c)]


def new_tag(existing: Iterable[str], seed: int) -> str:
    """A tag not in `existing`, the same one for the same inputs (the service passes a random
    seed). Two characters (368 of them); three once every two-character tag is taken. The service
    should pass the tags of recent conversations only, so tags get reused over the years."""
    taken = {t.upper() for t in existing}
    rng = random.Random(seed)
    for make_pool in (lambda: list(TWO_CHAR_TAGS), _three_char_tags):
        pool = make_pool()
        rng.shuffle(pool)
        for tag in pool:
            if tag not in taken:
                return tag
    raise ValueError("every tag is in use")


def _tag_shaped(token: str) -> bool:
    """Looks like something we would issue: letters and at least one digit and one letter."""
    return (any(ch.isdigit() for ch in token) and any(ch.isalpha() for ch in token)
            and token.isalnum())


# --- the owner's texts ------------------------------------------------------------------------


def _recent(known_tags: Iterable[str]) -> list[str]:
    # A set has no order; a list/tuple is taken as most recent first.
    tags = [t.upper() for t in known_tags]
    return sorted(tags) if isinstance(known_tags, (set, frozenset)) else tags


def _how_to_reply(example: str) -> str:
    return (f"Not sent. To answer a customer start with their tag: {example} on my way. "
            "Or text STATUS, PAUSE, RESUME or HELP.")


def parse_owner_text(text: str, known_tags: Iterable[str]) -> OwnerText:
    """What the owner's text means. `known_tags`: the tags in use, most recent first.

    Tolerant of case, a leading "#", and spaces or a colon after the tag ("k7: on my way").
    """
    recent = _recent(known_tags)
    example = recent[0] if recent else "K7"
    body = (text or "").strip()
    word = "help" if body == "?" else body.rstrip(".!").lower()
    if word in COMMANDS:
        return OwnerCommand(word)
    match = _TAGGED.match(body)
    if not match:
        return OwnerFormatError(_ours(_how_to_reply(example)))
    hashed, tag, answer = match.group(1), match.group(2).upper(), match.group(3).strip()
    if tag in recent:
        if not answer:
            return OwnerFormatError(f"Not sent: nothing after #{tag}. Reply: {tag} <your answer>")
        return OwnerReply(tag, answer)
    if hashed or _tag_shaped(tag):
        shown = " ".join("#" + t for t in recent[:RECENT_TAGS_SHOWN]) or "none yet"
        return OwnerFormatError(_ours(f"Not sent: no conversation #{tag}. Recent: {shown}. "
                                      f"Reply: TAG <your answer>"))
    return OwnerFormatError(_ours(_how_to_reply(example)))


def format_help(known_tags: Iterable[str] = ()) -> str:
    """The answer to HELP (one segment)."""
    recent = _recent(known_tags)
    example = recent[0] if recent else "K7"
    return (f"TextBack: answer a customer with their tag, e.g. {example} on my way. "
            "Text STATUS for a report, PAUSE to stop texting callers, RESUME to start again.")


# --- what we text the owner -------------------------------------------------------------------


def _fits(text: str) -> bool:
    return analyse(text).segments <= MAX_FORWARD_SEGMENTS


def format_forward(tag: str, number_display: str, text: str, urgent_words: list[str]) -> str:
    """A customer's text for the owner, tagged, with the reply hint; "URGENT (burst): ..." when
    urgent words were found. The customer's text keeps its letters and emoji (plain punctuation
    only) and is cut with "..." so the forward fits in 3 segments."""
    urgent = f"URGENT ({', '.join(urgent_words)}): " if urgent_words else ""
    head = _ours(f"{urgent}#{tag} {number_display}: ")
    tail = f"\nReply: {tag} <your answer>"
    body = plain_punctuation((text or "").strip())
    if _fits(head + body + tail):
        return head + body + tail
    low, high = 0, len(body)          # longest prefix that fits with "..." (fitting is monotonic)
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(head + body[:middle].rstrip() + "..." + tail):
            low = middle
        else:
            high = middle - 1
    return head + body[:low].rstrip() + "..." + tail


def format_confirmation(tag: str, number_display: str) -> str:
    """Tells the owner their answer was queued for the customer."""
    return _ours(f"Sent to {number_display} (#{tag})")


def _address(facts: dict) -> str:
    addresses = facts.get("addresses") or ([facts["address"]] if facts.get("address") else [])
    if not addresses:
        return ""
    first = str(addresses[0])
    return first if "://" in first else "http://" + first


def _state_line(facts: dict) -> str:
    away = facts.get("away")
    away_on = away.get("on") if isinstance(away, dict) else bool(away)
    until = (away.get("until") if isinstance(away, dict) else None) or facts.get("away_until")
    if facts.get("paused"):
        return "TextBack PAUSED: callers are not texted."
    if away_on:
        return f"TextBack ON, away mode{' until ' + str(until) if until else ''}."
    return "TextBack ON."


def _fact(facts: dict, group: str, name: str, default=None):
    """A fact given flat ({"queued": 2}) or grouped as in the facade's status() ({"outbox": ...})."""
    if name in facts:
        return facts[name]
    return (facts.get(group) or {}).get(name, default)


def format_status(facts: dict) -> str:
    """The STATUS answer (and the button's status text), one GSM-7 segment in normal use.

    `facts` may be flat (the facade's status_facts(): "state", "signal_percent", "queued",
    "failed", "paused", "away" (bool or {"on", "until"}), "addresses", "missed", "texted",
    "replied") or grouped as in status() ("modem", "outbox", "today"); what is missing is left out.
    """
    parts = [_state_line(facts)]
    state = _fact(facts, "modem", "state")
    if state and state != "ready":
        parts.append(f"Modem {state}.")
    signal = _fact(facts, "modem", "signal_percent")
    if signal is not None:
        parts.append(f"Signal {signal}%.")
    queued, failed = _fact(facts, "outbox", "queued", 0), _fact(facts, "outbox", "failed", 0)
    parts.append(f"Queue {queued or 0}" + (f", {failed} failed." if failed else "."))
    counts = [_fact(facts, "today", key) for key in ("missed", "texted", "replied")]
    if any(count is not None for count in counts):
        missed, texted, replied = (count or 0 for count in counts)
        parts.append(f"Today {missed} missed, {texted} texted, {replied} replied.")
    address = _address(facts)
    if address:
        parts.append(f"Page {address}")
    return _ours(" ".join(parts))
