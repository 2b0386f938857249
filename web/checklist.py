"""Home's first-run "next steps": what a new owner does before the box earns its keep, each step
ticked off by itself from what the box can see. Pure: settings, status and the latest calls in,
steps out; the card goes away once every step is done.
"""
from __future__ import annotations

from appliance.core import templates

TEXTED = {"texted", "queued", "sending", "unconfirmed"}


def steps(settings: dict, status: dict, recent_calls: list) -> list[dict]:
    """[{"key", "title", "text", "endpoint", "anchor", "done"}] in the order to do them."""
    messages = settings.get("messages") or {}
    edited = any(str(messages.get(kind) or "").strip() != text.strip()
                 for kind, text in templates.DEFAULT_MESSAGES.items())
    month = status.get("month") or {}
    return [
        {"key": "settings", "title": "Fill in your details",
         "text": "Business name and your mobile, so messages carry your name and replies reach you.",
         "endpoint": "settings.index", "anchor": None,
         "done": bool(settings.get("business_name") and settings.get("owner_phone"))},
        {"key": "messages", "title": "Check your messages",
         "text": "Make the text-backs sound like you (opening hours, after hours, weekends …).",
         "endpoint": "messages.index", "anchor": None, "done": edited},
        {"key": "forwarding", "title": "Forward your business line to the box",
         "text": "Unanswered calls on your line go to the box's SIM; the Setup page has the codes.",
         "endpoint": "setup.index", "anchor": None, "done": bool(recent_calls)},
        {"key": "test_call", "title": "Make a test call",
         "text": "Ring your business line from another phone and let it ring out: a text comes back.",
         "endpoint": "setup.index", "anchor": None,
         "done": bool(month.get("texted")) or any(c.outcome in TEXTED
                                                 for c in recent_calls)},
    ]


def remaining(found: list[dict]) -> int:
    return sum(1 for step in found if not step["done"])
