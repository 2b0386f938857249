"""What the owner is told when calls keep arriving as the shop's own number (forwarding that
replaces the caller ID): the words of the page's notice and of the owner's text. Pure; the
service's watch (service/caller_id_watch.py) decides when, and keeps the notice in the box state.
"""
from __future__ import annotations

from typing import Optional

IN_A_ROW = 2
STREAK_KEY = "own_line_calls"
NOTICE_KEY = "caller_id_replaced"
WHAT_CAME = {"business_line": "your business line", "own_number": "the box's own number",
             "owner_phone": "your mobile"}
ASK_CARRIER = ("Ask your carrier to keep the original caller ID on forwarded calls "
               "(\"pass the caller's number through\"), or forward with your phone's own "
               "call-forwarding codes instead of an app or simultaneous ring.")


def notice(state: dict) -> Optional[dict]:
    """For the page, while calls keep arriving as the shop's own number: {"since", "number",
    "what", "text"}; None otherwise."""
    found = state.get(NOTICE_KEY)
    if not found:
        return None
    return {**found, "what": WHAT_CAME.get(found.get("outcome"), "your own number"),
            "text": notice_text(found.get("outcome"), found.get("number", ""))}


def notice_text(outcome: Optional[str], shown: str) -> str:
    what = WHAT_CAME.get(outcome, "your own number")
    return (f"The last {IN_A_ROW} missed calls arrived as {what} ({shown}), not the callers' "
            f"numbers: the forwarding replaces the caller ID, so customers can't be texted "
            f"back. {ASK_CARRIER}")


def owner_text(outcome: Optional[str], shown: str) -> str:
    """The owner's text (GSM-7, two texts at most)."""
    what = WHAT_CAME.get(outcome, "your own number")
    return (f"TextBack: {IN_A_ROW} missed calls in a row came as {what} ({shown}), not the "
            f"caller's number, so nobody could be texted back. Your call forwarding replaces "
            f"the caller ID: ask your carrier to keep the original caller ID on forwarded calls.")
