"""Logging in and out, login sessions, and `login_required`.

There is no default password. Until one is set, the login page sends the owner to /first-run
(web/passwords.py, which also has the password reset and change). Password checks are rate
limited per client address and box-wide, counted before the check (web/throttle.py).

A login session is a random id kept on the box (box.sessions, appliance/storage/sessions.py):
the signed cookie only carries it. Logging out ends it on the box, so a copied cookie stops
working too; sessions also end after a week unused. A session also remembers a stamp of the
password file (box.password_stamp), so a password set with `python -m appliance password` ends
every session.
"""
from __future__ import annotations

import functools
import logging
import math
import time
from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, g, jsonify, redirect, render_template,
                   request, session, url_for)

from web import shop
from web.throttle import LoginThrottle

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)


@bp.record_once
def _setup(state) -> None:
    app = state.app
    app.extensions["login_throttle"] = LoginThrottle(
        max_failures=app.config.get("LOGIN_MAX_FAILURES", 5),
        window=app.config.get("LOGIN_WINDOW_SECONDS", 300),
        box_limit=app.config.get("LOGIN_BOX_LIMIT", 30),
        box_window=app.config.get("LOGIN_BOX_WINDOW_SECONDS", 60))


def _password_stamp() -> str:
    return shop.box().password_stamp()


def _session_alive() -> bool:
    return shop.box().sessions.check(session.get("sid"), shop.box().clock())


def is_logged_in() -> bool:
    """A live session on the box that logged in with the password that is set now (checked
    once per request). A session the box no longer knows, or from before a password change,
    is cleared."""
    if "logged_in_now" not in g:
        current = bool(session.get("logged_in"))
        if current and session.get("password_stamp") != _password_stamp():
            log.info("session ended: the password changed since it logged in")
            session.clear()
            current = False
        elif current and not _session_alive():
            log.info("session ended: logged out, or unused for too long")
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


def throttle() -> LoginThrottle:
    return current_app.extensions["login_throttle"]


def client() -> str:
    return request.remote_addr or "unknown"


def try_password(password: str):
    """(right or wrong, seconds to wait): a password check counted against this address before
    it runs; (False, seconds) when the address has had its tries for now."""
    now = time.monotonic()
    wait = throttle().attempt(client(), now)
    if wait is not None:
        log.warning("password check refused for %s: rate limited%s", client(),
                    " (box-wide ceiling)" if throttle().box_wide_full(now) else "")
        return False, wait
    if shop.box().check_password(password):
        throttle().succeeded(client())
        return True, None
    return False, None


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never send the owner to another host after logging in. Control
    characters are refused too (browsers drop tabs and newlines, so "/\t/evil" became "//evil")."""
    if target and target.startswith("/") and "\\" not in target \
            and not any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and not target.startswith("//"):
            return target
    return url_for("home.index")


def start_session() -> None:
    """Log this browser in: a new session id on the box (never one the browser brought)."""
    session.clear()
    session["sid"] = shop.box().sessions.start(shop.box().clock())
    session["logged_in"] = True
    session["password_stamp"] = _password_stamp()
    session.permanent = True
    g.logged_in_now = True


def too_many(wait: float, template: str, **context):
    minutes = max(1, math.ceil(wait / 60))
    message = (f"Too many wrong passwords from this device. Wait {minutes} minute"
               f"{'s' if minutes != 1 else ''} and try again.")
    response = render_template(template, errors={"password": message}, **context)
    return response, 429, {"Retry-After": str(int(math.ceil(wait)))}


@bp.route("/login", methods=["GET", "POST"])
def login():
    if not shop.box().password_is_set():
        return redirect(url_for("passwords.first_run"))
    next_url = request.values.get("next", "")
    if request.method != "POST":
        if is_logged_in():
            return redirect(_safe_next(next_url))
        return render_template("auth/login.html", errors={}, next_url=next_url,
                               reset_open=shop.box().password_reset_allowed(request.remote_addr))
    right, wait = try_password(request.form.get("password", ""))
    if wait is not None:
        return too_many(wait, "auth/login.html", next_url=next_url, reset_open=False)
    if right:
        start_session()
        log.info("logged in from %s", client())
        return redirect(_safe_next(next_url))
    log.info("wrong password from %s", client())
    return render_template("auth/login.html", errors={"password": "That password isn't right."},
                           next_url=next_url, reset_open=False), 401


@bp.route("/logout", methods=["POST"])
def logout():
    shop.box().sessions.end(session.get("sid"))     # a copy of the cookie stops working too
    session.clear()
    g.logged_in_now = False
    flash("You're logged out.", "info")
    return redirect(url_for("auth.login"))

