"""JSON endpoints the page's own JavaScript polls (/live/...), authenticated by the session.

Not part of the public API: they return the data plus HTML fragments rendered with the same
Jinja partials as the pages, so the browser never builds markup from attacker-controlled text
(see the "Live updates" notes at the top of static/app.js for the answer format).
Nested in the "api" blueprint (web/api.py); endpoint names are "api.live.<name>".
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, abort, jsonify, render_template, request

from web import calls as calls_page
from web import conversations as conv_page
from web import shop
from web.auth import login_required

bp = Blueprint("live", __name__, url_prefix="/live")

STATUS_FIELDS = ("modem", "outbox", "paused", "health", "unread", "today", "month")
RECENT_ON_HOME = 8
SLOTS = 50


def home_regions(status: dict, recent: list[dict]) -> dict:
    """The live parts of the home page, rendered."""
    return {
        "health": render_template("home/_health.html", status=status),
        "numbers": render_template("home/_numbers.html", status=status),
        "recent-calls": render_template("home/_recent.html", calls=recent),
    }


@bp.get("/status")
@login_required
def status():
    current = shop.status()
    recent = shop.box().calls(limit=RECENT_ON_HOME)
    unread = int(current.get("unread") or 0)
    return jsonify({
        "status": {key: current.get(key) for key in STATUS_FIELDS},
        "regions": home_regions(current, recent),
        "text": {"unread": str(unread) if unread else ""},
    })


@bp.get("/inbox")
@login_required
def inbox():
    """The rows shown so far (`limit`: the page asks for as many as it has loaded)."""
    try:
        page = conv_page.inbox_page({**request.args, "before": ""})
    except ValueError:
        abort(400)
    html = render_template("conversations/_list.html", **page)
    return jsonify({"regions": {"inbox": html}})


def _newer_than(items: list[dict], after: str) -> list[dict]:
    """Items (newest first) that come before the one with id `after`; all if it isn't there."""
    if not after:
        return items
    for position, item in enumerate(items):
        if item.get("id") == after:
            return items[:position]
    return items


@bp.get("/calls")
@login_required
def calls():
    filters, found = calls_page.load(request.args)
    fresh = _newer_than(found, request.args.get("after", ""))
    rows = "".join(render_template("calls/_row.html", call=call) for call in fresh)
    # Outcomes change after the fact (queued -> texted), so the newest rows are refreshed too.
    slots = {call["id"]: render_template("calls/_outcome.html", call=call)
             for call in found[:SLOTS]}
    return jsonify({"calls": fresh, "insert": rows,
                    "latest": found[0]["id"] if found else None, "slots": slots})


def _mark_shown_read(number: str, last_shown: str) -> None:
    """The owner is looking at the thread: mark it read, but only if no text arrived after the
    ones this answer shows (box.mark_read clears the whole conversation). A newer one is shown,
    and marked read, by the next poll."""
    again = shop.box().conversation(number) or {}
    newest = (again.get("messages") or [{}])[-1].get("id")
    if newest == last_shown:
        shop.box().mark_read(number)


@bp.get("/conversation/<number>")
@login_required
def conversation(number: str):
    found = shop.box().conversation(number)
    if found is None:
        abort(404)
    messages = found.get("messages", [])
    after = request.args.get("after", "")
    start = 0
    for position, message in enumerate(messages):
        if message.get("id") == after:
            start = position + 1
    fresh = messages[start:] if after else messages
    previous = messages[start - 1] if after and start > 0 else None
    contact = found.get("contact") or {}
    landline = bool(contact.get("landline") or contact.get("textable") is False)
    items = conv_page.thread_items(fresh, shop.settings(), datetime.now(timezone.utc), previous)
    html = "".join(render_template("conversations/_item.html", item=item, landline=landline)
                   for item in items)
    slots = {msg["id"]: render_template("conversations/_delivery.html", msg=msg, landline=landline)
             for msg in messages if msg.get("direction") == "out"}
    if any(msg.get("direction") == "in" for msg in fresh):
        _mark_shown_read(number, messages[-1]["id"])
    return jsonify({"messages": fresh, "insert": html,
                    "latest": messages[-1]["id"] if messages else None, "slots": slots})
