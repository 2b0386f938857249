"""Setting the password: the first one, a forgotten one (reset), and changing it.

Endpoints passwords.first_run, passwords.reset and passwords.change; logging in itself is
web/auth.py. Who may do what is the box's to say (appliance/facade/access.py):
- /first-run: only while no password is set, within 10 minutes of the 10-second button hold or
  from a phone on the setup hotspot;
- /reset-password: a password is set and forgotten: within 10 minutes of the button hold AND
  from a phone on the setup hotspot (its key is on the box's label), never from the shop network;
- /account/password: logged in, with the current password (rate limited like the login).
A new password refuses the most common ones and ends every other login session.
"""
from __future__ import annotations

import logging

from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from appliance.core.domain import ValidationError
from web import shop
from web.auth import client, login_required, start_session, too_many, try_password

log = logging.getLogger(__name__)

bp = Blueprint("passwords", __name__)

MIN_PASSWORD = 8
MAX_PASSWORD = 200
COMMON = ("That's one of the most common passwords, the first ones an attacker tries. Choose "
          "another: a few unrelated words make a good one.")


def new_password_errors(new: str, again: str) -> dict:
    if len(new) < MIN_PASSWORD:
        return {"new_password": f"Use at least {MIN_PASSWORD} characters."}
    if len(new) > MAX_PASSWORD:
        return {"new_password": f"Use at most {MAX_PASSWORD} characters."}
    if shop.box().common_password(new):
        return {"new_password": COMMON}
    if new != again:
        return {"confirm_password": "The two passwords are different."}
    return {}


def _save(template: str, keep_session=None, **context):
    """Check and save the posted new password; None when saved, else the page with errors."""
    new, again = request.form.get("new_password", ""), request.form.get("confirm_password", "")
    errors = new_password_errors(new, again)
    if not errors:
        try:
            shop.box().set_password(new, keep_session=keep_session)
        except ValidationError as exc:
            errors = {"new_password": next(iter(exc.errors.values()), "Choose another.")}
    if errors:
        return render_template(template, errors=errors, **context), 400
    return None


@bp.route("/first-run", methods=["GET", "POST"])
def first_run():
    box = shop.box()
    if box.password_is_set():
        return redirect(url_for("auth.login"))
    if not box.first_run_allowed(request.remote_addr):
        return render_template("auth/first_run.html", allowed=False, errors={}), 403
    if request.method != "POST":
        return render_template("auth/first_run.html", allowed=True, errors={})
    refused = _save("auth/first_run.html", allowed=True)
    if refused:
        return refused
    log.info("first password set from %s", client())
    box.close_button_window()
    start_session()
    flash("Password set. You're logged in.", "success")
    return redirect(url_for("home.index"))


def _reset_page(allowed: bool, errors=None, status: int = 200):
    box = shop.box()
    return render_template("auth/reset.html", allowed=allowed, errors=errors or {},
                           hotspot=box.hotspot_name(), window_open=box.button_window_open(),
                           on_hotspot=box.on_setup_hotspot(request.remote_addr)), status


@bp.route("/reset-password", methods=["GET", "POST"])
def reset():
    """A forgotten password, replaced by someone holding the box (see the module docstring)."""
    box = shop.box()
    if not box.password_is_set():
        return redirect(url_for("passwords.first_run"))
    if not box.password_reset_allowed(request.remote_addr):
        if request.method == "POST":
            log.warning("password reset refused for %s", client())
        return _reset_page(False, status=403)
    if request.method != "POST":
        return _reset_page(True)
    refused = _save("auth/reset.html", allowed=True, hotspot=box.hotspot_name(),
                    window_open=True, on_hotspot=True)
    if refused:
        return refused
    log.warning("password reset from the setup hotspot (%s)", client())
    box.close_button_window()      # one reset per button hold
    start_session()
    flash("New password set. Every other device was logged out.", "success")
    return redirect(url_for("home.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change():
    if request.method != "POST":
        return render_template("auth/password.html", errors={})
    right, wait = try_password(request.form.get("current_password", ""))
    if wait is not None:
        return too_many(wait, "auth/password.html")
    if not right:
        errors = {"current_password": "That isn't the current password."}
        return render_template("auth/password.html", errors=errors), 400
    refused = _save("auth/password.html", keep_session=session.get("sid"))
    if refused:
        return refused
    session["password_stamp"] = shop.box().password_stamp()   # this session stays
    log.info("password changed from %s", client())
    flash("Password changed. Every other device was logged out.", "success")
    return redirect(url_for("passwords.change"))
