"""Browser-facing protections: security headers, session cookie flags, CSRF on every form, and
the one place a JSON body is parsed.

The page runs on plain http on the shop's LAN, so the session cookie is not `Secure`; it is
HttpOnly and SameSite=Lax. CSRF tokens never expire (a tab left open on the shop PC for a week
must still be able to send a reply). The JSON API (blueprint "api") is exempt from CSRF because it
accepts only the bearer token, never the session cookie (see web/api.py).

JSON bodies: Python's parser recurses, so "[[[[...]]]]" a few thousand deep raised
RecursionError, which Flask does not catch (a 500). Every request's JSON goes through
`DepthLimitedJSON` (the app's request class uses it), which makes "too deep" (past
MAX_JSON_DEPTH, far more than any settings object needs) a bad-JSON error like any other, and
views read bodies with `json_body()`, which names the problem for the usual 400
{"errors": {"body": ...}}.
"""
from __future__ import annotations

from datetime import timedelta

from typing import Any, Optional

from flask import Flask, Request, request
from flask import json as flask_json
from flask_wtf.csrf import CSRFProtect

MAX_JSON_DEPTH = 32

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


class DepthLimitedJSON:
    """Flask's JSON module for request bodies, with nesting limited (see the docstring)."""

    dumps = staticmethod(flask_json.dumps)

    @staticmethod
    def loads(data, **kwargs) -> Any:
        try:
            value = flask_json.loads(data, **kwargs)
        except RecursionError:
            raise ValueError(f"nested more than {MAX_JSON_DEPTH} deep") from None
        if _too_deep(value):
            raise ValueError(f"nested more than {MAX_JSON_DEPTH} deep")
        return value


def _too_deep(value: Any) -> bool:
    """Deeper than MAX_JSON_DEPTH, found without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


class ShopRequest(Request):
    json_module = DepthLimitedJSON


def json_body() -> tuple[Any, Optional[str]]:
    """The request's JSON body: (value, None), or (None, what is wrong) for the 400."""
    if not request.is_json:
        return None, "send JSON with Content-Type: application/json"
    try:
        return DepthLimitedJSON.loads(request.get_data(cache=True)), None
    except ValueError as error:
        return None, f"not valid JSON: {error}"


def init_app(app: Flask) -> None:
    """Turn on CSRF protection, add the headers to every response and parse JSON bodies with
    nesting limited. create_app applies CONFIG_DEFAULTS before the caller's config (Flask has
    its own defaults for these keys)."""
    app.request_class = ShopRequest
    CSRFProtect(app)   # stores itself in app.extensions["csrf"]
    app.after_request(add_headers)


def exempt_api(app: Flask) -> None:
    """The JSON API (blueprint "api", and "api_..." ones beside it) authenticates with the bearer
    token only, so CSRF does not apply to it."""
    for name, blueprint in app.blueprints.items():
        if name == "api" or name.startswith("api_"):
            app.extensions["csrf"].exempt(blueprint)


def add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    # Pages and JSON carry customers' texts: never keep them in a shared cache or the back button.
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
