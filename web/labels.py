"""Plain words for the codes the service stores: call outcomes, message statuses, modem states.

The page never shows a raw code to the owner; it looks the code up here. Each entry is
(label, tone[, hint]) where tone is one of the pill classes in app.css (ok, warn, fault, info, muted).
Unknown codes fall back to the code itself with a muted tone, so a new outcome never breaks a page.
"""
from __future__ import annotations

from typing import Optional

# Why a missed call was or was not texted back (the `outcome` of a call in the API, web/README.md).
OUTCOMES = {
    "texted": ("Texted back", "ok", "The text-back went out."),
    "queued": ("Text waiting to send", "info", "The text-back is in the queue and goes out shortly."),
    "sending": ("Sending text", "info", "The text-back is being sent right now."),
    "withheld": ("Number withheld — can't text", "muted",
                 "The caller hid their number, so there is nobody to text."),
    "cooldown": ("Already texted recently", "muted",
                 "This caller got a text-back a short while ago; the box doesn't repeat it."),
    "opted_out": ("Caller opted out", "muted", "They replied STOP, so the box never texts them."),
    "excluded": ("On your do-not-text list", "muted", "The number is on the exclusion list."),
    "paused": ("Text-back paused", "warn", "Text-back was paused when this call came in."),
    "invalid_number": ("Not a textable number", "muted",
                       "The number that came through isn't a valid phone number."),
    "short_code": ("Short code — not texted", "muted", "Service numbers can't receive texts."),
    "active_conversation": ("Already in a conversation", "muted",
                            "They texted recently, so no automatic text was sent."),
    "daily_cap": ("Daily limit reached", "muted",
                  "This number already got the most text-backs allowed in a day."),
    "failed": ("Text failed", "fault",
               "The modem couldn't send the text after several tries. Call them back."),
    "unconfirmed": ("Text may not have gone", "warn",
                    "The modem stopped answering while sending; check with the caller."),
    "landline": ("Landline — can't text", "muted", "This number can't receive texts; call them back."),
    "foreign": ("Other country — not texted", "warn",
                "Automatic texts only go to your country and the countries added in Settings: "
                "faked caller IDs often use foreign numbers. Call back if you know them."),
    "premium": ("Costly number — not texted", "warn",
                "Premium-rate, shared-cost and satellite numbers cost far more to text, and "
                "faked caller IDs use them to earn money from your SIM."),
    "service_number": ("Service number — not texted", "muted",
                       "Toll-free, pager and other service numbers aren't a person's phone."),
    "box_cap": ("Box's limit reached — not texted", "warn",
                "The box had sent as many automatic texts as it may in an hour or a day "
                "(Settings, Protection from fake callers). Call them back if it's real."),
    "business_line": ("Came as your business line — not texted", "warn",
                      "The call arrived showing your own business number: forwarding replaced "
                      "the caller's number. Ask your carrier to keep the original caller ID."),
    "own_number": ("Came as the box's own number — not texted", "warn",
                   "The call arrived showing the box's own SIM number, so there is nobody to "
                   "text. Forwarding may be replacing the caller ID."),
    "owner_phone": ("Your own mobile — not texted", "muted",
                    "The call came from your mobile (or forwarding showed it instead of the "
                    "caller's number); the box never texts you back."),
}

# Shorter words for a phone screen, where a pill shares its row with the number and time.
SHORT_OUTCOMES = {
    "queued": "Waiting", "sending": "Sending", "withheld": "Withheld",
    "cooldown": "Texted recently", "opted_out": "Opted out", "excluded": "Do not text",
    "paused": "Paused", "invalid_number": "Not textable", "short_code": "Short code",
    "active_conversation": "In conversation", "daily_cap": "Daily limit",
    "unconfirmed": "Not confirmed", "landline": "Landline", "foreign": "Other country",
    "premium": "Costly number", "service_number": "Service number", "box_cap": "Box limit",
    "business_line": "Your line", "own_number": "Box's number", "owner_phone": "Your mobile",
}

# Outcomes after which the caller has a conversation (a text went, or had gone before).
HAS_CONVERSATION = {"texted", "queued", "sending", "failed", "unconfirmed", "cooldown",
                    "active_conversation", "daily_cap", "opted_out"}


def has_conversation(code: Optional[str]) -> bool:
    return code in HAS_CONVERSATION


# Status of a text the box sent (the API's `status` of an outgoing message, web/README.md).
MESSAGE_STATUSES = {
    "queued": ("Waiting to send", "info"),
    "sending": ("Sending…", "info"),
    "submitting": ("Sending…", "info"),
    "sent": ("Sent", "ok"),
    "delivered": ("Delivered", "ok"),
    "failed": ("Not sent", "fault"),
    "undelivered": ("Couldn't be delivered", "fault"),
    "unconfirmed": ("May not have gone", "warn"),
    "received": ("Received", "muted"),
}

# `modem.state` of /api/status in plain words.
MODEM_STATES = {
    "ready": ("Connected and ready", "ok"),
    "starting": ("Starting up…", "info"),
    "no_modem": ("Modem not found", "fault"),
    "no_sim": ("No SIM card", "fault"),
    "sim_pin": ("SIM card is locked with a PIN", "fault"),
    "searching": ("Looking for the mobile network", "warn"),
    "error": ("Modem problem", "fault"),
}

HEALTH = {
    "ok": ("Working — missed callers get a text", "ok"),
    "warn": ("Working, but needs a look", "warn"),
    "fault": ("Not working — callers are not being texted", "fault"),
}
# The headline state of /api/status health.state (appliance/core/health.py), in the light's
# order.
HEALTH_STATES = {
    "working": HEALTH["ok"],
    "needs_look": HEALTH["warn"],
    "not_working": HEALTH["fault"],
    "paused": ("Paused — missed callers are not being texted", "warn"),
    "away": ("Away mode — callers get your away message", "info"),
}


# Which outgoing texts the box sent by itself (a `kind` of a message), shown under the bubble.
AUTOMATIC_KINDS = {"textback", "business_hours", "after_hours", "weekend", "holiday", "away", "direct"}
KEYWORD_KINDS = {"keyword", "stop", "start", "help", "opt_out", "opt_in"}
FIRST_TEXT_KINDS = {"first_text"}


# The texts sent hours later (core/follow_ups.py), by their own names.
LATER_KINDS = {"follow_up": "Follow-up", "review_request": "Review request"}


def message_kind(kind: Optional[str]) -> str:
    """"Automatic text-back", "Follow-up", "Review request", "Automatic reply" (to a keyword or a
    first text) or "" (the owner wrote it)."""
    if kind in LATER_KINDS:
        return LATER_KINDS[kind]
    if kind in AUTOMATIC_KINDS:
        return "Automatic text-back"
    if kind in KEYWORD_KINDS:
        return "Automatic reply"
    if kind in FIRST_TEXT_KINDS:
        return "Automatic reply to a first text"
    return ""


def _lookup(table: dict, code: Optional[str]) -> tuple:
    if code in table:
        return table[code]
    text = (code or "unknown").replace("_", " ")
    return (text[:1].upper() + text[1:], "muted", "")


def outcome(code: Optional[str]) -> dict:
    """{'label', 'tone', 'hint', 'short'} for a call outcome; 'short' is for phone screens."""
    entry = _lookup(OUTCOMES, code)
    return {"label": entry[0], "tone": entry[1], "hint": entry[2] if len(entry) > 2 else "",
            "short": SHORT_OUTCOMES.get(code or "", "")}


def message_status(status: Optional[str], error: Optional[str] = None,
                   landline: bool = False) -> dict:
    """{'label', 'tone', 'hint'} for an outgoing text. A failure to a number that can't take
    texts tells the owner what to do instead."""
    label, tone = _lookup(MESSAGE_STATUSES, status)[:2]
    hint = ""
    if status in ("failed", "undelivered") and (landline or _looks_like_landline(error)):
        label, hint = "Couldn't be delivered — call them instead", "This number can't take texts."
    elif status in ("failed", "undelivered"):
        hint = "Try again later, or call them."
    elif status == "unconfirmed":
        hint = "The modem stopped answering while sending. It was not sent again."
    return {"label": label, "tone": tone, "hint": hint}


def _looks_like_landline(error: Optional[str]) -> bool:
    text = (error or "").lower()
    return "landline" in text or "not textable" in text or "fixed line" in text


def modem_state(code: Optional[str]) -> dict:
    label, tone = _lookup(MODEM_STATES, code)[:2]
    return {"label": label, "tone": tone}


def health(state: Optional[str]) -> dict:
    """The headline for a health state ("paused") or, from older callers, a level ("ok")."""
    table = HEALTH_STATES if state in HEALTH_STATES else HEALTH
    label, tone = _lookup(table, state)[:2]
    return {"label": label, "tone": tone}


def signal_bars(percent: Optional[int]) -> int:
    """0..4 bars like a phone shows them."""
    if not percent or percent <= 0:
        return 0
    if percent >= 75:
        return 4
    if percent >= 50:
        return 3
    if percent >= 25:
        return 2
    return 1
