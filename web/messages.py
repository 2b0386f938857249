"""The message editor: one text per kind of missed call, with a live counter, preview and test.

The counter is computed on the server by appliance.segments (one source of truth): the page
renders it for the saved text, and static/editor.js asks POST /messages/analyse (debounced) as
the owner types. The preview is the text as a caller gets it (appliance.templates.fill with the
saved settings), and the counter counts that text, since that is what the carrier bills.
"""
from __future__ import annotations

import logging
import unicodedata
from dataclasses import asdict

from flask import (Blueprint, abort, flash, jsonify, redirect, render_template, request,
                   url_for)

from appliance.core import segments, templates
from appliance.core.domain import ValidationError
from web import phone
from web.auth import login_required
from web.pagekit import box, save_settings
from web.security import json_body

log = logging.getLogger(__name__)

bp = Blueprint("messages", __name__, url_prefix="/messages")

KINDS = tuple(templates.MESSAGE_KINDS) + tuple(templates.OPTIONAL_KINDS) + \
    tuple(templates.LATER_KINDS)
LABELS = {
    "business_hours": ("During opening hours", "A call you miss while the shop is open."),
    "after_hours": ("After hours", "Weekday calls outside your opening hours."),
    "weekend": ("Weekends", "Saturday and Sunday outside opening hours."),
    "holiday": ("Holidays", "Any call on a day in your holiday list."),
    "away": ("Away", "Any call while away mode is on (Schedule page)."),
    "direct": ("Called the box directly",
               "The caller dialled the box's own number instead of your business line. "
               "Leave empty to send the same messages as above."),
    "first_text": ("First text from a new customer",
                   "A number with no conversation in 30 days texts first, outside opening hours "
                   "(switch it off in Settings). Goes out once, under the text-back limits."),
    "break": ("Lunch break",
              "A call between two of the day's opening ranges (Schedule page). Leave empty to "
              "send the opening-hours message."),
    "follow_up": ("Follow-up if no reply",
                  "Sent once, some hours after a text-back nobody answered (switch it on and "
                  "set the hours in Settings)."),
    "review_request": ("Review request",
                       "Sent once after a job is marked booked, with your {review_link} "
                       "(switch it on in Settings)."),
}
MAX_TEXT = 1600        # ten segments of GSM-7: anything longer is a mistake, not a message
# Names the owner knows for the characters that most often sneak in from a phone or a word processor.
CHARACTER_NAMES = {"\u2014": "em dash", "\u2013": "en dash", "\u2019": "curly apostrophe",
                   "\u2018": "curly quote", "\u201c": "curly quote", "\u201d": "curly quote",
                   "\u2026": "three dots", "\u00a0": "non-breaking space", "\u00e7": "c with cedilla"}


def character_name(ch: str) -> str:
    """"em dash" for "\u2014": what to look for in the text."""
    if ch in CHARACTER_NAMES:
        return CHARACTER_NAMES[ch]
    return unicodedata.name(ch[:1], "special character").lower() if ch else "special character"


def analysis(text: str, settings: dict, kind: str = "") -> dict:
    """Everything the counter and preview show for `text` (what /messages/analyse returns)."""
    if kind in templates.OPTIONAL_KINDS and not text.strip():
        return {"error": None, "preview": "", "same_as_others": True, "plain": text,
                "plain_differs": False, "template": asdict(segments.analyse("")),
                "sent": asdict(segments.analyse("")), "ucs2_names": []}
    error = templates.template_error(text)
    preview = templates.fill(text, settings) if error is None else ""
    plain = segments.plain_punctuation(text)
    sent = asdict(segments.analyse(preview if error is None else text))
    return {"error": error, "preview": preview, "same_as_others": False,
            "plain": plain, "plain_differs": plain != text,
            "template": asdict(segments.analyse(text)), "sent": sent,
            "ucs2_names": [character_name(ch) for ch in sent["ucs2_characters"]]}


def _editor(kind: str, text: str, settings: dict, saved: str, error=None, test_error=None):
    return {"kind": kind, "label": LABELS[kind][0], "help": LABELS[kind][1], "text": text,
            "saved": saved, "dirty": text != saved, "info": analysis(text, settings, kind),
            "error": error, "test_error": test_error}


def _page(overrides: dict | None = None, status: int = 200):
    """The editor page; `overrides` holds the kind being edited with its text and errors."""
    settings = box().settings()
    saved = settings.get("messages", {})
    editors = []
    for kind in KINDS:
        extra = (overrides or {}).get(kind, {})
        text = extra.get("text", saved.get(kind, ""))
        editors.append(_editor(kind, text, settings, saved.get(kind, ""),
                               extra.get("error"), extra.get("test_error")))
    return render_template("messages/index.html", editors=editors,
                           owner_phone=settings.get("owner_phone") or "",
                           placeholders=templates.PLACEHOLDERS), status


@bp.get("/")
@login_required
def index():
    return _page()


@bp.post("/")
@login_required
def save_all():
    """The page's one form: every message as typed. Changed ones are saved together, so edits to
    several messages are all kept; on an error nothing is saved and every text stays as typed.
    action "plain:<kind>" rewrites that message's punctuation and shows it without saving."""
    typed = {kind: request.form[f"text-{kind}"].replace("\r\n", "\n")
             for kind in KINDS if f"text-{kind}" in request.form}
    action, _, pressed = request.form.get("action", "save:").partition(":")
    if action == "plain" and pressed in typed:
        typed[pressed] = segments.plain_punctuation(typed[pressed])
        return _page({kind: {"text": text} for kind, text in typed.items()})
    saved = box().settings().get("messages", {})
    changed = {kind: text for kind, text in typed.items() if text != saved.get(kind, "")}
    errors = {kind: f"The message {error}." for kind, text in changed.items()
              if (error := _text_error(kind, text))}
    if not errors and changed:
        problems = save_settings({"messages": changed})
        errors = {key.split(".", 1)[-1]: f"The message {message}."
                  for key, message in problems.items()}
    if errors:
        return _page({kind: {"text": text, "error": errors.get(kind)}
                      for kind, text in typed.items()}, 400)
    if changed:
        flash("Saved: " + ", ".join(LABELS[kind][0] for kind in changed) + ".", "success")
    else:
        flash("Nothing to save: no message was changed.", "info")
    anchor = pressed if pressed in KINDS else next(iter(changed), "")
    return redirect(url_for(".index", _anchor=f"kind-{anchor}" if anchor else None))


@bp.post("/<kind>")
@login_required
def save(kind):
    """Save one kind. The 'plain' button rewrites the punctuation and shows it without saving."""
    if kind not in KINDS:
        abort(404)
    text = request.form.get("text", "").replace("\r\n", "\n")
    if request.form.get("action") == "plain":
        return _page({kind: {"text": segments.plain_punctuation(text)}})
    error = _text_error(kind, text)
    error = f"The message {error}." if error else None
    if error is None:
        errors = save_settings({"messages": {kind: text}})
        error = "; ".join(errors.values()) if errors else None
    if error:
        return _page({kind: {"text": text, "error": error}}, 400)
    flash(f"Saved: {LABELS[kind][0]}.", "success")
    return redirect(url_for(".index", _anchor=f"kind-{kind}"))


def _text_error(kind: str, text: str):
    if kind in templates.OPTIONAL_KINDS and not text.strip():
        return None
    if len(text) > MAX_TEXT:
        return f"is too long ({len(text)} characters; keep it under {MAX_TEXT})"
    return templates.template_error(text)


@bp.post("/<kind>/test")
@login_required
def send_test(kind):
    """Text the saved message of this kind to the owner's phone."""
    if kind not in KINDS:
        abort(404)
    settings = box().settings()
    if not settings.get("owner_phone"):
        return _page({kind: {"test_error": "no_owner_phone"}}, 400)
    if kind in templates.OPTIONAL_KINDS and not settings.get("messages", {}).get(kind, "").strip():
        return _page({kind: {"test_error": "This message is empty: callers get the others."}}, 400)
    try:
        box().send_test(kind)
    except ValidationError as exc:
        return _page({kind: {"test_error": "; ".join(exc.errors.values())}}, 400)
    shown = phone.shown(settings["owner_phone"], settings.get("region") or "")
    flash(f"Test of '{LABELS[kind][0]}' sent to {shown}.", "success")
    return redirect(url_for(".index", _anchor=f"kind-{kind}"))


@bp.post("/analyse")
@login_required
def analyse():
    """Counter, preview and plain-punctuation version of a text (JSON in or form in; JSON out)."""
    data = json_body()[0] if request.is_json else request.form
    if not hasattr(data, "get"):              # bad JSON, an array or a number: no text to count
        data = {}
    text = (data or {}).get("text")
    kind = (data or {}).get("kind") or ""
    if not isinstance(text, str):
        return jsonify({"errors": {"text": "is required"}}), 400
    if len(text) > MAX_TEXT * 2:
        return jsonify({"errors": {"text": f"is too long (over {MAX_TEXT * 2} characters)"}}), 400
    return jsonify(analysis(text.replace("\r\n", "\n"), box().settings(), str(kind)))
