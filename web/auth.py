"""Logging in and out, the first-run password, changing the password, and `login_required`.

There is no default password. Until one is set, the login page sends the owner to /first-run,
which only works from the setup hotspot or within 10 minutes of a long button press
(box.first_run_allowed); otherwise it explains how to set one. Wrong passwords are rate limited
per client address (web/throttle.py).

A session remembers a stamp of the password file it logged in with (box.password_stamp); a
password change (on the page or with `python -m appliance password`) ends every other session.
"""
from __future__ import annotations

import functools
import logging
import math
import time
from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, g, jsonify, redirect, render_template,
                   request, session, url_for)

from appliance.domain import ValidationError
from web import shop
from web.throttle import LoginThrottle

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)

MIN_PASSWORD = 8
MAX_PASSWORD = 200


@bp.record_once
def _setup(state) -> None:
    app = state.app
    app.extensions["login_throttle"] = LoginThrottle(
        max_failures=app.config.get("LOGIN_MAX_FAILURES", 5),
        window=app.config.get("LOGIN_WINDOW_SECONDS", 300))


def _password_stamp() -> str:
    getter = getattr(shop.box(), "password_stamp", None)
    return getter() if callable(getter) else ""


def is_logged_in() -> bool:
    """A session that logged in with the password that is set now (checked once per request).
    A session from before a password change is cleared."""
    if "logged_in_now" not in g:
        current = bool(session.get("logged_in"))
        if current and session.get("password_stamp") != _password_stamp():
            log.info("session ended: the password changed since it logged in")
            session.clear()
            current = False
        g.logged_in_now = current
    return g.logged_in_now


def wants_json() -> bool:
    """The page's own JavaScript asking (/live/..., JSON sent, or Accept: application/json
    preferred over HTML), as opposed to a browser opening a page."""
    if request.path.startswith("/live/") or request.is_json:
        return True
    accept = request.accept_mimetypes
    named = any(value == "application/json" for value, _quality in accept)
    return named and accept["application/json"] >= accept["text/html"]


def login_required(view):
    """Pages need a logged-in session. JSON requests answer 401; pages redirect to login."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if is_logged_in():
            return view(*args, **kwargs)
        if wants_json():
            return jsonify({"error": "Logged out — log in again.",
                            "login": url_for("auth.login")}), 401
        return redirect(url_for("auth.login", next=back_to()))
    return wrapper


def back_to() -> str:
    """Where to return after logging in: the page itself, or for a form sent while logged out
    (a reply written as the session ended) the page the form was on, so it can be sent again
    from there (what was typed is kept by the browser, static/keep.js)."""
    if request.method in ("GET", "HEAD"):
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("home.index")


def _throttle() -> LoginThrottle:
    return current_app.extensions["login_throttle"]


def _client() -> str:
    return request.remote_addr or "unknown"


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never send the owner to another host after logging in. Control
    characters are refused too (browsers drop tabs and newlines, so "/\t/evil" became "//evil")."""
    if target and target.startswith("/") and "\\" not in target \
            and not any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and not target.startswith("//"):
            return target
    return url_for("home.index")


def _start_session() -> None:
    session.clear()
    session["logged_in"] = True
    session["password_stamp"] = _password_stamp()
    session.permanent = True
    g.logged_in_now = True


def _too_many(wait: float, template: str, **context):
    minutes = max(1, math.ceil(wait / 60))
    message = (f"Too many wrong passwords from this device. Wait {minutes} minute"
               f"{'s' if minutes != 1 else ''} and try again.")
    response = render_template(template, errors={"password": message}, **context)
    return response, 429, {"Retry-After": str(int(math.ceil(wait)))}


@bp.route("/login", methods=["GET", "POST"])
def login():
    if not shop.box().password_is_set():
        return redirect(url_for("auth.first_run"))
    next_url = request.values.get("next", "")
    if request.method != "POST":
        if is_logged_in():
            return redirect(_safe_next(next_url))
        return render_template("auth/login.html", errors={}, next_url=next_url)
    wait = _throttle().retry_after(_client(), time.monotonic())
    if wait is not None:
        log.warning("login refused for %s: rate limited", _client())
        return _too_many(wait, "auth/login.html", next_url=next_url)
    if shop.box().check_password(request.form.get("password", "")):
        _throttle().succeeded(_client())
        _start_session()
        log.info("logged in from %s", _client())
        return redirect(_safe_next(next_url))
    _throttle().failed(_client(), time.monotonic())
    log.info("wrong password from %s", _client())
    return render_template("auth/login.html", errors={"password": "That password isn't right."},
                           next_url=next_url), 401


@bp.route("/logout", methods=["POST"])
def logout():
    session.clear()
    g.logged_in_now = False
    flash("You're logged out.", "info")
    return redirect(url_for("auth.login"))


def _new_password_errors(new: str, again: str) -> dict:
    if len(new) < MIN_PASSWORD:
        return {"new_password": f"Use at least {MIN_PASSWORD} characters."}
    if len(new) > MAX_PASSWORD:
        return {"new_password": f"Use at most {MAX_PASSWORD} characters."}
    if new != again:
        return {"confirm_password": "The two passwords are different."}
    return {}


@bp.route("/first-run", methods=["GET", "POST"])
def first_run():
    box = shop.box()
    if box.password_is_set():
        return redirect(url_for("auth.login"))
    if not box.first_run_allowed(request.remote_addr):
        return render_template("auth/first_run.html", allowed=False, errors={}), 403
    if request.method != "POST":
        return render_template("auth/first_run.html", allowed=True, errors={})
    new, again = request.form.get("new_password", ""), request.form.get("confirm_password", "")
    errors = _new_password_errors(new, again)
    if errors:
        return render_template("auth/first_run.html", allowed=True, errors=errors), 400
    try:
        box.set_password(new)
    except ValidationError as exc:
        errors = {"new_password": next(iter(exc.errors.values()), "Choose another password.")}
        return render_template("auth/first_run.html", allowed=True, errors=errors), 400
    log.info("first password set from %s", _client())
    _start_session()
    flash("Password set. You're logged in.", "success")
    return redirect(url_for("home.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    if request.method != "POST":
        return render_template("auth/password.html", errors={})
    wait = _throttle().retry_after(_client(), time.monotonic())
    if wait is not None:
        return _too_many(wait, "auth/password.html")
    box = shop.box()
    if not box.check_password(request.form.get("current_password", "")):
        _throttle().failed(_client(), time.monotonic())
        errors = {"current_password": "That isn't the current password."}
        return render_template("auth/password.html", errors=errors), 400
    new, again = request.form.get("new_password", ""), request.form.get("confirm_password", "")
    errors = _new_password_errors(new, again)
    if errors:
        return render_template("auth/password.html", errors=errors), 400
    try:
        box.set_password(new)
    except ValidationError as exc:
        errors = {"new_password": next(iter(exc.errors.values()), "Choose another password.")}
        return render_template("auth/password.html", errors=errors), 400
    _throttle().succeeded(_client())
    session["password_stamp"] = _password_stamp()   # this session stays; every other one ends
    log.info("password changed from %s", _client())
    flash("Password changed.", "success")
    return redirect(url_for("auth.change_password"))
