"""What the guided test call shows: did the call reach the box, did the caller's number come
through, and what was texted. Pure: the call, its text and the settings in, a dict out.

The trap this catches: some forwarding (and most VoIP "simultaneous ring") replaces the caller's
number with the business line's own number, so the box would text the shop instead of the
customer. The owner tells us the phone they call from; the number that arrived is compared
with it, with the business line and with the owner's phone (which is never texted).
"""
from __future__ import annotations

from typing import Optional

from appliance.core import policy
from appliance.core.numbers import same_number
from appliance.core.records import Call
from web import labels


def caller_id(number: Optional[str], called_from: str, settings: dict,
              box_number: Optional[str]) -> dict:
    """{"verdict": shown|withheld|replaced|owner|box, "text": a sentence for the owner}."""
    if not number:
        return {"verdict": "withheld", "text":
                "No caller number came through (withheld or unavailable), so the box can't text "
                "back. If the phone you called from doesn't hide its number, your forwarding is "
                "dropping it: ask your carrier to pass on the original caller ID."}
    own = policy.own_line(number, settings, box_number)
    if own in ("business_line", "own_number"):
        return {"verdict": "replaced", "text":
                f"The call came through as {number}, your own line, not the caller's number: "
                "forwarding replaces the caller ID, so customers would not get the text. Ask your "
                "carrier to keep the original caller ID on forwarded calls."}
    if own == "owner_phone":
        return {"verdict": "owner", "text":
                f"The call came from {number}, the owner's phone, which the box never texts. "
                "Try again from another phone (a friend's, or a second phone)."}
    if called_from and not same_number(number, called_from):
        return {"verdict": "replaced", "text":
                f"The call came through as {number}, not {called_from}. If {number} is your "
                "business line, forwarding replaces the caller ID: ask your carrier to keep the "
                "original caller ID on forwarded calls."}
    return {"verdict": "shown", "text":
            f"The caller's number came through ({number}): the box can text them back."}


def _message_summary(message: Optional[dict]) -> Optional[dict]:
    if not message:
        return None
    status = labels.message_status(message.get("status"), message.get("error"))
    return {"id": message.get("id"), "text": message.get("text", ""),
            "status": message.get("status"), "status_label": status["label"],
            "status_tone": status["tone"], "at": message.get("at")}


def test_result(call: Optional[Call], message: Optional[dict], called_from: str,
                settings: dict, box_number: Optional[str]) -> dict:
    """The JSON the setup page polls: the stage reached and everything to show for it."""
    if call is None:
        return {"stage": "waiting", "done": False, "call": None, "caller_id": None, "text": None}
    outcome = labels.outcome(call.outcome)
    summary = {"id": call.id, "number": call.number,
               "raw_number": call.raw_number, "started_at": call.started_at,
               "rings": call.rings, "outcome": call.outcome,
               "outcome_label": outcome["label"], "outcome_hint": outcome["hint"]}
    text = _message_summary(message)
    if call.outcome == "texted" or (text and text["status"] in ("sent", "delivered")):
        stage, done = "texted", True
    elif call.outcome in ("queued", "sending"):
        stage, done = "sending", False
    else:
        stage, done = "not_texted", True
    return {"stage": stage, "done": done, "call": summary,
            "caller_id": caller_id(call.number, called_from, settings, box_number),
            "text": text}
