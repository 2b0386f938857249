"""Error pages: JSON for the API and the page's live endpoints, a plain-words page otherwise."""
from __future__ import annotations

import logging

from flask import Flask, flash, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from appliance.core.domain import BoxBusy

log = logging.getLogger(__name__)

MESSAGES = {
    400: "That request didn't make sense to the box.",
    403: "You can't do that from here.",
    404: "There's nothing at this address.",
    405: "That page can't be used like that.",
    413: "That's too much to send at once.",
    429: "Too many tries. Wait a few minutes and try again.",
    503: "The box is busy; nothing was done. Try again in a moment.",
    500: "Something went wrong inside the box. It has been logged; try again in a moment.",
}


def wants_json() -> bool:
    return request.path.startswith(("/api/", "/live/"))


def _answer(code: int, message: str):
    if wants_json():
        return jsonify({"error": message}), code
    return render_template("error.html", code=code, message=message), code


def http_error(error: HTTPException):
    code = error.code or 500
    return _answer(code, MESSAGES.get(code, error.description or "Error"))


def csrf_error(error: CSRFError):
    log.info("CSRF check failed for %s: %s", request.path, error.description)
    from web.auth import back_to, is_logged_in
    if not wants_json() and request.blueprint != "auth" and not is_logged_in():
        # The session ended while the form was open: log in, then back to that page, where the
        # browser puts back what was typed (static/keep.js). Nothing was done.
        flash("You were logged out, so nothing was sent or saved. Log in again to carry on.",
              "warning")
        return redirect(url_for("auth.login", next=back_to()))
    return _answer(400, "This form was out of date or came from another site. "
                        "Go back, reload the page and try again.")


def box_busy(error: BoxBusy):
    """The service could not take the change in time; nothing was done (say so, don't fail)."""
    log.warning("busy: %s on %s", error, request.path)
    if wants_json():
        return jsonify({"errors": {"box": MESSAGES[503]}}), 503
    return _answer(503, MESSAGES[503])


def server_error(error):
    log.exception("error on %s", request.path)
    return _answer(500, MESSAGES[500])


def register(app: Flask) -> None:
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(BoxBusy, box_busy)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(500, server_error)
