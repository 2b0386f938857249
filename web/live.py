"""JSON endpoints the page's own JavaScript polls (/live/...), authenticated by the session.

Not part of the public API: they return the data plus HTML fragments rendered with the same
Jinja partials as the pages, so the browser never builds markup from attacker-controlled text
(see the "Live updates" notes at the top of static/app.js for the answer format).
Endpoint names are "live.<name>".
"""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request, url_for

from web import calls as calls_page
from web import conversations as conv_page
from web import phone, shop, templating
from web.auth import login_required

bp = Blueprint("live", __name__, url_prefix="/live")

STATUS_FIELDS = ("modem", "outbox", "paused", "away", "health", "unread", "today", "month")
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


@bp.get("/unread")
@login_required
def unread():
    """The unread count for the nav badge and the tab title, on every page. When it went up
    since the count the page knows (?known=N), also the newest unread reply, for a browser
    notification (static/notify.js)."""
    count = int(shop.box().unread() or 0)
    try:
        known = int(request.args.get("known", count))
    except ValueError:
        known = count
    return jsonify({"unread": count, "newest": _newest_unread() if count > known else None})


def _newest_unread():
    found = next((c for c in shop.box().conversations(limit=20) if c.get("unread")), None)
    if found is None:
        return None
    region = shop.settings().get("region") or ""
    text = found.get("last_text") or ""
    return {"number": found["number"],
            "from": found.get("name") or phone.shown(found["number"], region),
            "text": text[:160], "urgent": templating.is_urgent(text),
            "url": url_for("conversations.thread", number=found["number"])}


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


def _newer_than(calls: list, after: str) -> list:
    """Calls (newest first) that come before the one with id `after`; all if it isn't there."""
    if not after:
        return calls
    for position, call in enumerate(calls):
        if call.id == after:
            return calls[:position]
    return calls


@bp.get("/calls")
@login_required
def calls():
    filters, found = calls_page.load(request.args)
    fresh = _newer_than(found, request.args.get("after", ""))
    rows = "".join(render_template("calls/_row.html", call=call) for call in fresh)
    # Outcomes change after the fact (queued -> texted), so the newest rows are refreshed too.
    slots = {call.id: render_template("calls/_outcome.html", call=call)
             for call in found[:SLOTS]}
    return jsonify({"calls": [call.to_row() for call in fresh], "insert": rows,
                    "latest": found[0].id if found else None, "slots": slots})


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
    items = conv_page.thread_items(fresh, shop.settings(), shop.box().clock(), previous)
    html = "".join(render_template("conversations/_item.html", item=item, landline=landline)
                   for item in items)
    slots = {msg["id"]: render_template("conversations/_delivery.html", msg=msg, landline=landline)
             for msg in messages if msg.get("direction") == "out"}
    return jsonify({"messages": fresh, "insert": html,
                    "latest": messages[-1]["id"] if messages else None, "slots": slots})
