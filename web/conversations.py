"""The inbox: conversations with callers, a thread view with a reply box, quick replies, and
"booked" with the job's value (which feeds the results page).

Opening a thread changes nothing (a GET never does): the page's script marks it read with a
POST to /conversations/<number>/read once the texts are on screen, and again when new ones
arrive live through /live/conversation/<number> (web/live.py, which renders bubbles with the same
partial as this page).
"""
from __future__ import annotations

import logging
import math
from datetime import datetime, timezone

from flask import (Blueprint, abort, flash, jsonify, redirect, render_template, request,
                   url_for)

from appliance.core import templates
from appliance.core.segments import REPLY_MAX_CHARS
from appliance.core.domain import ValidationError
from web import export, formatting, phone, shop
from web.auth import login_required

log = logging.getLogger(__name__)

bp = Blueprint("conversations", __name__, url_prefix="/conversations")

MAX_REPLY = REPLY_MAX_CHARS    # what box.send_reply accepts
PAGE_SIZE = 50          # conversations per page; a busy shop has thousands after a year
MAX_PAGE = 5000         # the live refresh re-renders every row loaded so far
MAX_JOB_VALUE = 10_000_000
MAX_CHIP = 90           # characters on a quick-reply button before it is shortened
THREAD_PAGE = 150       # texts a thread page shows (the newest); the owner's has thousands


def thread_items(messages: list[dict], settings: dict, now: datetime,
                 previous: dict | None = None) -> list[dict]:
    """Messages with a {"day": "Today"} separator before each new day (shop timezone).
    `previous` is the message before the first one (live updates continue a thread)."""
    items = []
    last_day = formatting.local_date(previous.get("at"), settings) if previous else None
    for message in messages:
        day = formatting.local_date(message.get("at"), settings)
        if day != last_day:
            items.append({"day": formatting.day_label(message.get("at"), settings, now)})
            last_day = day
        items.append({"message": message})
    return items


def quick_replies(settings: dict) -> list[dict]:
    """settings["quick_replies"] (strings or {"label", "text"}) with placeholders filled. A
    button shows the text it puts in the reply box (chips wrap, so it fits); only a very long
    one is shortened at a word, with the whole text in its tooltip."""
    out = []
    for entry in settings.get("quick_replies") or []:
        if isinstance(entry, dict):
            label, text = entry.get("label") or "", entry.get("text", "")
        else:
            label, text = "", str(entry)
        filled = templates.fill(text, settings).strip()
        if filled:
            out.append({"label": _shorten(label or filled, MAX_CHIP), "text": filled})
    return out


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0] if " " in text[:limit - 1] else text[:limit - 1]
    return cut.rstrip(" ,.;:-") + "…"


def _now() -> datetime:
    return shop.now()


def inbox_page(args) -> dict:
    """The search, the page size and the conversations to list (newest activity first), from
    `before` (a cursor of an earlier page) on. ValueError when `before` is not a cursor."""
    query = args.get("q", "").strip()[:60]
    try:
        limit = min(max(int(args.get("limit", PAGE_SIZE)), 1), MAX_PAGE)
    except ValueError:
        limit = PAGE_SIZE
    needle = phone.search_needle(query, shop.settings().get("region") or "")
    before = args.get("before", "").strip() or None
    found, following = shop.box().conversation_page(limit=limit, before=before,
                                                    search=needle or None)
    return {"conversations": found, "next_before": following, "query": query, "limit": limit,
            "before": before, "page_size": PAGE_SIZE}


@bp.get("/")
@login_required
def index():
    if export.wanted(request.args):
        query = request.args.get("q", "").strip()[:60]
        needle = phone.search_needle(query, shop.settings().get("region") or "")
        return export.conversations(shop.box().conversations(search=needle or None),
                                    shop.settings())
    try:
        page = inbox_page(request.args)
    except ValueError:          # an old or mangled link: start at the newest
        return redirect(url_for("conversations.index", q=request.args.get("q") or None))
    return render_template("conversations/index.html", **page)


@bp.get("/more")
@login_required
def more():
    """The next page of the list, for the page's scroll loading: rows and the next cursor."""
    try:
        page = inbox_page(request.args)
    except ValueError:
        return jsonify({"errors": {"before": "not a cursor of this list"}}), 400
    rows = "".join(render_template("conversations/_row.html", c=c)
                   for c in page["conversations"])
    return jsonify({"insert": rows, "next_before": page["next_before"]})


def known_number(number: str) -> str:
    """The stored form of a number typed in a national style ("(212) 555-0143"), when the box
    has a conversation with it; else the number as given."""
    if shop.box().conversation(number, limit=1) is not None:
        return number
    e164 = phone.to_e164(number, shop.settings().get("region") or "")
    return e164 if e164 and shop.box().conversation(e164, limit=1) is not None else number


def _thread_page(number: str, errors: dict | None = None, draft: str = "", code: int = 200):
    found = shop.box().conversation(number, limit=THREAD_PAGE)
    if found is None:
        return render_template("conversations/none.html", number=number), 404
    settings = shop.settings()
    contact = found.get("contact") or {}
    page = render_template(
        "conversations/thread.html", conversation=found, contact=contact,
        items=thread_items(found.get("messages", []), settings, _now()),
        quick=quick_replies(settings), errors=errors or {}, draft=draft, max_reply=MAX_REPLY,
        refused=shop.box().automatic_texts_refused(number),
        later=shop.box().later_texts(number),
        consent=shop.box().consent_history(number))
    return page, code


@bp.get("/<number>")
@login_required
def thread(number: str):
    stored = known_number(number)
    if stored != number:
        return redirect(url_for("conversations.thread", number=stored))
    return _thread_page(number)


@bp.post("/<number>/read")
@login_required
def mark_read(number: str):
    """The page shows the thread up to text `seen`: mark it read, but only if nothing newer
    arrived meanwhile (that one is shown, and marked, next). Answers the unread total."""
    found = shop.box().conversation(number, limit=1)
    if found is None:
        abort(404)
    newest = (found.get("messages") or [{}])[-1].get("id")
    marked = bool(newest) and request.form.get("seen") == newest
    if marked:
        shop.box().mark_read(number)
    unread = shop.box().unread()
    return jsonify({"marked": marked, "unread": unread, "text": str(unread) if unread else ""})


@bp.post("/<number>/reply")
@login_required
def reply(number: str):
    text = request.form.get("text", "")
    if not text.strip():
        return _thread_page(number, {"text": "Write a reply first."}, text, 400)
    if len(text) > MAX_REPLY:
        return _thread_page(number, {"text": f"That's too long (at most {MAX_REPLY} characters)."},
                            text, 400)
    try:
        shop.box().send_reply(number, text)
    except ValidationError as exc:
        return _thread_page(number, exc.errors, text, 400)
    flash("Reply queued — it goes out in a few seconds.", "success")
    return redirect(url_for("conversations.thread", number=number, _anchor="reply"))


def _job_value(raw: str):
    """(value or None, error or None) from the job value field ("$1,250.50" is fine)."""
    # "$1,250.50", "€400", "CHF 400" (as the page shows it): the number without its currency.
    symbol = formatting.currency_symbol(shop.settings()).strip()
    cleaned = raw.strip().replace(symbol, "").strip(" $£€").replace(",", "").strip()
    if not cleaned:
        return None, None
    try:
        value = float(cleaned)
    except ValueError:
        return None, "Enter the job's value as a number, like 400."
    if not math.isfinite(value) or value < 0 or value > MAX_JOB_VALUE:
        return None, "Enter the job's value as a number, like 400."
    return value, None


@bp.post("/<number>/booked")
@login_required
def booked(number: str):
    if shop.box().conversation(number) is None:
        abort(404)
    is_booked = request.form.get("booked") == "yes"
    value, error = _job_value(request.form.get("job_value", ""))
    if error:
        return _thread_page(number, {"job_value": error}, code=400)
    try:
        shop.box().mark_booked(number, value if is_booked else None, booked=is_booked)
    except ValidationError as exc:
        return _thread_page(number, exc.errors, code=400)
    flash("Marked as booked." if is_booked else "No longer marked as booked.", "success")
    return redirect(url_for("conversations.thread", number=number, _anchor="booking"))
