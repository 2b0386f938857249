"""The JSON API's changes to conversations and the box's event log (web/README.md): start a
conversation, mark one booked with the job's value, read the events. Same rules as web/api.py:
the bearer token only, 400 with {"errors": {"field": "message"}} for bad input.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from appliance.core.domain import ValidationError
from web import api, shop

bp = Blueprint("api_conversations", __name__)
bp.before_request(api.require_token)

EVENT_FIELDS = ("at", "kind", "level", "text")
EVENTS_DEFAULT = 50


@bp.post("/api/conversations")
def start():
    """{"number" (any common form), "text"} -> 202 and the queued message."""
    body, error = api._json_object()
    if error:
        return error
    try:
        message = shop.box().start_conversation(body.get("number"), body.get("text"))
    except ValidationError as exc:
        return api._bad(exc.errors)
    return jsonify(api.message_json(message)), 202


def _booked_change(body: dict):
    """(booked, value) from the body, or raise ValidationError naming the field."""
    booked = body.get("booked", True)
    if not isinstance(booked, bool):
        raise ValidationError({"booked": "true or false"})
    value = body.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                              or value < 0):
        raise ValidationError({"value": "the job's value: a number of 0 or more, or null"})
    unknown = sorted(set(body) - {"booked", "value"})
    if unknown:
        raise ValidationError({unknown[0]: "unknown field; send booked and value"})
    return booked, value


@bp.patch("/api/conversations/<number>")
def update(number: str):
    """{"booked": true, "value": 450} marks the conversation booked (false clears it)."""
    number = api._stored_number(number)
    body, error = api._json_object()
    if error:
        return error
    if shop.box().conversation(number, limit=1) is None:
        return jsonify({"error": f"no conversation with {number}"}), 404
    try:
        booked, value = _booked_change(body)
        contact = shop.box().mark_booked(number, value, booked=booked)
    except ValidationError as exc:
        return api._bad(exc.errors)
    return jsonify({"number": number, "booked": bool(contact.booked),
                    "value": contact.job_value, "booked_at": contact.booked_at})


@bp.get("/api/conversations/<number>/consent")
def consent(number: str):
    number = api._stored_number(number)
    if shop.box().conversation(number, limit=1) is None:
        return jsonify({"error": f"no conversation with {number}"}), 404
    return jsonify({"number": number, "consent": shop.box().consent_history(number)})


@bp.get("/api/events")
def events():
    """The box's event log, newest first: {"events": [{"at", "kind", "level", "text"}]}."""
    limit, error = api._int_arg("limit", EVENTS_DEFAULT, 1, api.MAX_LIMIT)
    if error:
        return error
    found = shop.box().events(limit=limit)
    return jsonify({"events": [api._only(event, EVENT_FIELDS) for event in found]})
