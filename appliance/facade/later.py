"""What the conversation page says about a number's texts planned for later: a follow-up or
review request still waiting (and when it is due to go), or why one was not sent. Reads only."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from appliance.core import follow_ups
from appliance.core.stamps import from_iso, to_iso

# Why a planned text was not sent, as the thread says it.
REASONS = {
    "replied": "they replied", "called_again": "they called again",
    "owner_texted": "you texted them yourself",
    "opted_out": "they texted STOP", "excluded": "the number is on your never-text list",
    "switched_off": "switched off in Settings", "too_late": "no opening hours soon enough",
    "textback_failed": "the text-back failed", "unbooked": "the job was unmarked",
    "asked_recently": "already asked in the last 90 days",
    "no_review_link": "no review link in Settings", "premium": "premium-rate number",
    "service_number": "not a mobile number", "foreign": "a number abroad",
}


def notes(store, number: str, now: datetime) -> list[dict]:
    """[{"kind", "state": "planned"|"dropped", "at" (planned moment, UTC ISO, or None), "why"}]
    for the number's planned and dropped texts (sent ones are in the thread as texts)."""
    settings = store.settings()
    found = []
    for item in store.planned_for(number):
        if item["status"] == "planned":
            found.append({"kind": item["kind"], "state": "planned", "why": None,
                          "at": to_iso(_planned_at(item, settings, now))})
        elif item["status"] == "dropped":
            reason = item.get("reason")
            found.append({"kind": item["kind"], "state": "dropped", "at": None,
                          "why": REASONS.get(reason, (reason or "").replace("_", " "))})
    return found


def _planned_at(item: dict, settings, now: datetime) -> Optional[datetime]:
    due = follow_ups.due_at(settings, item["kind"], from_iso(item["since"]))
    return follow_ups.next_opening(settings, max(due, now), due + follow_ups.LATE_LIMIT)
