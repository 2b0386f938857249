"""Browser-facing protections: security headers, session cookie flags, CSRF on every form.

The page runs on plain http on the shop's LAN, so the session cookie is not `Secure`; it is
HttpOnly and SameSite=Lax. CSRF tokens never expire (a tab left open on the shop PC for a week
must still be able to send a reply). The JSON API (blueprint "api") is exempt from CSRF because it
accepts only the bearer token, never the session cookie (see web/api.py).
"""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

CONFIG_DEFAULTS = {
    "SESSION_COOKIE_NAME": "textback_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,         # plain http on the shop LAN
    "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
    "WTF_CSRF_TIME_LIMIT": None,            # no expiry that breaks tabs left open
    "WTF_CSRF_SSL_STRICT": False,
    "MAX_CONTENT_LENGTH": 256 * 1024,       # nothing the page sends is bigger
}


def init_app(app: Flask) -> None:
    """Turn on CSRF protection and add the headers to every response. create_app applies
    CONFIG_DEFAULTS before the caller's config (Flask has its own defaults for these keys)."""
    CSRFProtect(app)   # stores itself in app.extensions["csrf"]
    app.after_request(add_headers)


def exempt_api(app: Flask) -> None:
    """The JSON API authenticates with the bearer token only, so CSRF does not apply to it."""
    blueprint = app.blueprints.get("api")
    if blueprint is not None:
        app.extensions["csrf"].exempt(blueprint)


def add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    # Pages and JSON carry customers' texts: never keep them in a shared cache or the back button.
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
