"""What a reply means before anyone reads it: opt-out/opt-in/help keywords and urgent words.

A keyword counts only when it is the whole reply ("Stop.", " stop! ", "STOP"), as carriers do:
"please stop by tomorrow" is a customer talking, not an opt-out. Urgent words are whole words or
phrases anywhere in the reply ("no heat", "burst"), so the owner's relay can flag them. Pure.
"""
from __future__ import annotations

import re
from typing import Optional

from appliance.core.segments import plain_punctuation

KEYWORDS = {
    "STOP": "stop", "STOPALL": "stop", "UNSUBSCRIBE": "stop", "CANCEL": "stop", "END": "stop",
    "QUIT": "stop",
    "START": "start", "UNSTOP": "start",
    "HELP": "help", "INFO": "help",
}


def _strip_edges(text: str) -> str:
    """Drop whitespace, punctuation and emoji around the reply: only letters/digits matter."""
    start, end = 0, len(text)
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return text[start:end]


def classify(text: str) -> Optional[str]:
    """'stop' | 'start' | 'help' when the whole reply is such a keyword, else None."""
    word = _strip_edges(text or "").upper()
    return KEYWORDS.get(word)


def _pattern(word: str) -> Optional[re.Pattern]:
    parts = plain_punctuation(word).split()
    if not parts:
        return None
    body = r"\s+".join(re.escape(part) for part in parts)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def urgent_words_in(text: str, words: list[str]) -> list[str]:
    """The configured words or phrases that occur in `text` as whole words, case-insensitive,
    in the order of `words`, each once. Curly quotes count as straight ones ("can’t" = "can't")."""
    plain = plain_punctuation(text or "")
    found: list[str] = []
    for word in words or []:
        pattern = _pattern(word or "")
        if pattern and word not in found and pattern.search(plain):
            found.append(word)
    return found
