"""The JSON API's voicemail endpoints (bearer token, as the rest of /api/, web/api.py):
`GET /api/voicemail` is what the Setup page's card shows; `POST /api/voicemail`
`{"action": "check" | "off"}` asks the network again, or switches the box SIM's voicemail off,
in the background (202; poll GET until `checking` is false)."""
from __future__ import annotations

from flask import Blueprint, jsonify

from web import api, shop
from web.security import json_body

bp = Blueprint("api_voicemail", __name__)
bp.before_request(api.require_token)

ACTIONS = ("check", "off")


def _voicemail():
    return shop.box().voicemail


@bp.get("/api/voicemail")
def state():
    voicemail = _voicemail()
    if voicemail is None:
        return jsonify({"error": "this box has no modem to ask"}), 404
    return jsonify(voicemail.state())


@bp.post("/api/voicemail")
def act():
    body, problem = json_body()
    if problem:
        return jsonify({"errors": {"body": problem}}), 400
    action = body.get("action") if isinstance(body, dict) else None
    if action not in ACTIONS:
        return jsonify({"errors": {"action": "must be check or off"}}), 400
    voicemail = _voicemail()
    if voicemail is None:
        return jsonify({"error": "this box has no modem to ask"}), 404
    started = voicemail.check() if action == "check" else voicemail.turn_off()
    return jsonify({**voicemail.state(), "started": started}), 202
