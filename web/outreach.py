"""The owner starts a conversation ("New text"), and the texts from the network (the carrier's
voicemail notices, balance and roaming messages, services), which are kept off the inbox.

A new text takes the number as people write it (national numbers read in the shop's country)
and the text with the same live counter as the reply box; the facade refuses a number that
texted STOP, and the page says which field is wrong.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from appliance.core.domain import ValidationError
from appliance.core.segments import REPLY_MAX_CHARS
from web import shop
from web.auth import login_required

bp = Blueprint("outreach", __name__)


def _new_page(values: dict, errors: dict, code: int = 200):
    return render_template("outreach/new.html", values=values, errors=errors,
                           max_reply=REPLY_MAX_CHARS,
                           example=shop.settings().get("region") or "US"), code


@bp.get("/conversations/new")
@login_required
def new():
    return _new_page({"number": request.args.get("number", "")[:40], "text": ""}, {})


@bp.post("/conversations/new")
@login_required
def start():
    values = {"number": request.form.get("number", "")[:40],
              "text": request.form.get("text", "")}
    try:
        message = shop.box().start_conversation(values["number"], values["text"])
    except ValidationError as exc:
        return _new_page(values, exc.errors, 400)
    flash("Text queued: it goes out in a few seconds.", "success")
    return redirect(url_for("conversations.thread", number=message.number))


@bp.get("/network/")
@login_required
def network():
    return render_template("outreach/network.html", texts=shop.box().network_texts())
