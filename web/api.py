"""The JSON API (/api/..., documented in web/README.md), authenticated by the bearer token only.

The session cookie is ignored here on purpose: a page open in the owner's browser must not be
usable by another site to call the API, so the API is exempt from CSRF and needs
`Authorization: Bearer <token>` (python -m appliance token). Bad input answers 400 with
{"errors": {"field": "message"}}; a box too busy to take a change answers 503 (web/errors.py).
The page's own live endpoints are not the API: web/live.py, under /live/.
"""
from __future__ import annotations

import hmac
import logging

from flask import Blueprint, jsonify, request

from appliance.core.domain import ValidationError
from appliance.core.records import Call, Message
from appliance.core.settings_connections import public as public_settings
from web import export, phone, shop
from web.security import json_body

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__)

CONVERSATION_FIELDS = ("number", "last_at", "last_text", "unread", "opted_out")
MESSAGE_FIELDS = ("id", "direction", "text", "at", "status", "kind")
MAX_LIMIT = 1000
CONVERSATIONS_PAGE = 50
MAX_DAYS = 3660


def _only(record: dict, fields) -> dict:
    return {key: record.get(key) for key in fields}


def call_json(call: Call) -> dict:
    """A call as the API lists it (web/README.md): these keys, in this order."""
    return {"id": call.id, "number": call.number, "started_at": call.started_at,
            "ended_at": call.ended_at, "rings": call.rings, "outcome": call.outcome,
            "message_id": call.message_id}


def message_json(message: Message) -> dict:
    """A text the API just queued: MESSAGE_FIELDS, then its number."""
    return {"id": message.id, "direction": message.direction, "text": message.text,
            "at": message.at, "status": message.status, "kind": message.kind,
            "number": message.number}


def _bad(errors: dict):
    return jsonify({"errors": errors}), 400


def _unauthorized(message: str, error: str):
    response = jsonify({"error": message})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = f'Bearer realm="TextBack Box", error="{error}"'
    return response


@bp.before_request
def require_token():
    """Every /api/ request needs the bearer token, compared in constant time."""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return _unauthorized("Send the API token as 'Authorization: Bearer <token>'. "
                             "Get it with: python -m appliance token", "invalid_request")
    expected = shop.box().api_token()
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        log.info("API request with a wrong token from %s", request.remote_addr)
        return _unauthorized("That API token isn't right.", "invalid_token")
    return None


def _int_arg(name: str, default: int, low: int, high: int):
    """(value, None) or (None, error response) for a whole-number query argument."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default, None
    try:
        value = int(raw)
    except ValueError:
        return None, _bad({name: f"must be a whole number from {low} to {high}"})
    if not low <= value <= high:
        return None, _bad({name: f"must be a whole number from {low} to {high}"})
    return value, None


def _json_object():
    """(body, None) or (None, error response): the request body must be a JSON object."""
    body, problem = json_body()
    if problem or not isinstance(body, dict):
        return None, _bad({"body": problem or "send a JSON object"})
    return body, None


@bp.get("/api/status")
def status():
    return jsonify(shop.box().status())


@bp.get("/api/calls")
def calls():
    limit, error = _int_arg("limit", 100, 1, MAX_LIMIT)
    if error:
        return error
    found = shop.box().calls(limit=limit)
    if export.wanted(request.args):
        return export.calls(found, shop.box().settings())
    return jsonify({"calls": [call_json(c) for c in found]})


@bp.get("/api/conversations")
def conversations():
    """A page of conversations, newest first; `next_before` (null on the last page) is the
    `before` of the next page. `q` searches number (in any common form), name, tag and last
    text. `?format=csv` answers every matching conversation as CSV."""
    needle = phone.search_needle(request.args.get("q", "").strip()[:60],
                                 shop.settings().get("region") or "") or None
    if export.wanted(request.args):
        return export.conversations(shop.box().conversations(search=needle),
                                    shop.box().settings())
    limit, error = _int_arg("limit", CONVERSATIONS_PAGE, 1, MAX_LIMIT)
    if error:
        return error
    try:
        items, following = shop.box().conversation_page(
            limit=limit, before=request.args.get("before") or None, search=needle)
    except ValueError:
        return _bad({"before": "use the next_before of an earlier page"})
    return jsonify({"conversations": [_only(c, CONVERSATION_FIELDS) for c in items],
                    "next_before": following})


def _stored_number(number: str) -> str:
    """E.164 as given, or a national form ("2125550143", "(212) 555-0143") made E.164 with the
    shop's country."""
    number = number.strip()
    if number.startswith("+"):
        return number
    return phone.to_e164(number, shop.box().settings().get("region") or "") or number


@bp.get("/api/conversations/<number>")
def conversation(number: str):
    number = _stored_number(number)
    found = shop.box().conversation(number)
    if found is None:
        return jsonify({"error": f"no conversation with {number}"}), 404
    messages = [_only(msg, MESSAGE_FIELDS) for msg in found.get("messages", [])]
    contact = found.get("contact") or {}
    return jsonify({"number": found.get("number", number), "messages": messages,
                    "booked": contact.get("booked"), "value": contact.get("job_value"),
                    "consent": shop.box().consent_history(number),
                    "later": shop.box().later_texts(number)})


@bp.post("/api/conversations/<number>/messages")
def send_message(number: str):
    number = _stored_number(number)
    body, error = _json_object()
    if error:
        return error
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        return _bad({"text": "write the text to send"})
    if shop.box().conversation(number.strip(), limit=1) is None:
        return jsonify({"error": f"no conversation with {number}"}), 404
    try:
        message = shop.box().send_reply(number.strip(), text)
    except ValidationError as exc:
        return _bad(exc.errors)
    return jsonify(message_json(message)), 202


@bp.get("/api/settings")
def get_settings():
    return jsonify(public_settings(shop.box().settings()))     # secrets as *_set only


@bp.patch("/api/settings")
def patch_settings():
    patch, error = _json_object()
    if error:
        return error
    try:
        saved = shop.box().update_settings(patch)
    except ValidationError as exc:
        return _bad(exc.errors)
    return jsonify(public_settings(saved))


@bp.get("/api/stats")
def stats():
    days, error = _int_arg("days", 30, 1, MAX_DAYS)
    if error:
        return error
    found = shop.box().stats(days=days)
    if export.wanted(request.args):
        return export.results(found, shop.box().settings())
    return jsonify(found)
