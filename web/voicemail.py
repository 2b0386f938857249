"""The Setup page's voicemail card: does a caller who rings out on the box's SIM land in that
SIM's voicemail, and switching it off (appliance/facade/voicemail.py does the asking, in the
background; the page polls /setup/voicemail/state while it runs)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, url_for

from web.auth import login_required
from web.pagekit import box

bp = Blueprint("voicemail", __name__, url_prefix="/setup/voicemail")


def _voicemail():
    voicemail = box().voicemail
    if voicemail is None:          # a box without a modem (the page tests' box)
        abort(404)
    return voicemail


def card_state() -> dict | None:
    """What the card shows (None: no card). The first time the page is opened the network is
    asked (in the background), so the answer is there a few seconds later."""
    voicemail = box().voicemail
    if voicemail is None:
        return None
    seen = voicemail.state()
    if seen["checked_at"] is None and not seen["checking"] and seen["error"] is None:
        voicemail.check()
        seen = voicemail.state()
    return seen


@bp.get("/state")
@login_required
def state():
    return jsonify(_voicemail().state())


@bp.post("/check")
@login_required
def check():
    if not _voicemail().check():
        flash("The box is already asking the network; the answer shows here in a moment.",
              "info")
    return redirect(url_for("setup.index", _anchor="voicemail"))


@bp.post("/off")
@login_required
def turn_off():
    if _voicemail().turn_off():
        flash("The box asked the network to switch its SIM's voicemail off.", "success")
    else:
        flash("The box is already asking the network; try again in a moment.", "info")
    return redirect(url_for("setup.index", _anchor="voicemail"))
