"""The setup page: the box's own number, the forwarding codes to dial, a guided test call, and
what the box learnt about its modem (web/setup_modem.py).

The test: the owner presses "Start the test" (which only notes the time), calls the business line
from another phone and lets it ring; static/setup.js polls /setup/test-status?since=<that time>
and shows the call arriving, whether the caller's number came through and the text that went.
In demo mode a simulator panel rings or texts the box as a customer would.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime, timezone

from flask import (Blueprint, abort, flash, jsonify, redirect, render_template, request,
                   url_for)

from web import forwarding, setup_check, setup_modem, shop, voicemail
from web.auth import login_required
from web.pagekit import box, save_settings

log = logging.getLogger(__name__)

bp = Blueprint("setup", __name__, url_prefix="/setup")

DEMO_CALLER = "+12025550143"
PHONE_LIKE = re.compile(r"^\+?[0-9 ()./-]{3,20}$")


def box_number() -> str:
    """The box's SIM number: what the SIM reports, else what the owner typed on this page."""
    return box().box_number() or ""


def _since() -> datetime | None:
    text = request.values.get("since", "")
    try:
        since = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return since if since.tzinfo else since.replace(tzinfo=timezone.utc)


def _seconds() -> int:
    try:
        return int(request.args.get("seconds", forwarding.DEFAULT_NO_REPLY_SECONDS))
    except ValueError:
        return forwarding.DEFAULT_NO_REPLY_SECONDS


def _page(errors=None, status=200, typed_number=None):
    settings = box().settings()
    sim_number = (box().status().get("modem") or {}).get("sim_number") or ""
    number = forwarding.clean_number(typed_number or box_number())
    seconds = _seconds()
    since = _since()
    return render_template(
        "setup/index.html", sim_number=sim_number, saved_number=settings.get("box_number") or "",
        number=number, codes=forwarding.gsm_codes(number, seconds) if number else [],
        carriers=forwarding.carrier_notes(number), seconds=seconds,
        choices=forwarding.NO_REPLY_SECONDS, since=since.isoformat() if since else "",
        called_from=request.values.get("from", ""), owner_phone=settings.get("owner_phone") or "",
        demo=bool(box().demo), demo_caller=DEMO_CALLER, errors=errors or {},
        modem=setup_modem.modem_view(box().modem_profile()),
        voicemail=voicemail.card_state()), status


@bp.get("/")
@login_required
def index():
    return _page()


@bp.post("/number")
@login_required
def save_number():
    """The owner types the box's number when the SIM doesn't report it."""
    number = forwarding.clean_number(request.form.get("box_number"))
    if len(number.lstrip("+")) < 6:
        return _page({"box_number": "type the number of the SIM in the box, like +12025550143"},
                     400, typed_number=request.form.get("box_number"))
    errors = save_settings({"box_number": number})
    if errors:
        return _page({"box_number": "; ".join(errors.values())}, 400, typed_number=number)
    flash(f"The box's number is {number}.", "success")
    return redirect(url_for(".index", _anchor="codes"))


@bp.get("/test")
@login_required
def start_test():
    """Start a test call: note the time, then show the test panel watching from that time."""
    since = shop.now().isoformat()
    return redirect(url_for(".index", since=since, **{"from": request.args.get("from", "")},
                            _anchor="test"))


@bp.get("/test-status")
@login_required
def test_status():
    """The newest call since `since`, its caller ID verdict and the text it got (JSON)."""
    since = _since()
    if since is None:
        example = "an ISO date-time, like 2026-11-27T06:18:25+00:00"
        return jsonify({"errors": {"since": example}}), 400
    settings = box().settings()
    calls = box().calls(limit=1, since=since)
    call = calls[0] if calls else None
    message = _message_of(call)
    result = setup_check.test_result(call, message, request.args.get("from", ""), settings,
                                     box_number())
    result["since"] = since.isoformat()
    return jsonify(result)


def _message_of(call):
    if not call or not call.message_id or not call.number:
        return None
    thread = box().conversation(call.number) or {}
    for message in thread.get("messages", []):
        if message.get("id") == call.message_id:
            return message
    return None


# --- demo mode: pretend to be a customer -------------------------------------------------------

def _demo_only():
    if not box().demo or box().demo_phone is None:
        abort(404)


def _back():
    """Back to the page; with a test running, to the test panel still watching."""
    since = request.form.get("since", "")
    args = ({"since": since, "from": request.form.get("from", ""), "_anchor": "test"}
            if since else {"_anchor": "simulator"})
    return redirect(url_for(".index", **args))


@bp.post("/simulate/ring")
@login_required
def simulate_ring():
    _demo_only()
    withheld = bool(request.form.get("withheld"))
    number = request.form.get("number", "").strip()
    if not withheld and not PHONE_LIKE.match(number):
        return _page({"sim_number": "type the caller's number, like +12025550143"}, 400)
    box().demo_phone.ring(number, rings=3, withheld=withheld)
    flash("A withheld caller is ringing the box." if withheld
          else f"{number} is ringing the box.", "info")
    return _back()


@bp.post("/simulate/text")
@login_required
def simulate_text():
    _demo_only()
    number = request.form.get("number", "").strip()
    text = request.form.get("text", "")
    errors = {}
    if not PHONE_LIKE.match(number):
        errors["sim_text_number"] = "type the customer's number, like +12025550143"
    if not text.strip():
        errors["sim_text"] = "type the text the customer sends"
    elif len(text) > 1000:
        errors["sim_text"] = "keep it under 1000 characters"
    if errors:
        return _page(errors, 400)
    box().demo_phone.text(number, text)
    flash(f"{number} texted the box.", "info")
    return _back()
