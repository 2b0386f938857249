"""Home: is the box working, what happened today and this month, and the latest calls.

Everything on it updates live through /live/status (web/live.py renders the same partials).
"""
from __future__ import annotations

from flask import Blueprint, render_template

from web import checklist, shop
from web.auth import login_required
from web.live import RECENT_ON_HOME

bp = Blueprint("home", __name__)
EVENTS_SHOWN = 200
LEVEL_PILLS = {"error": "pill-fault", "warn": "pill-warn", "info": "pill-muted"}


@bp.get("/")
@login_required
def index():
    status = shop.status()
    recent = shop.box().calls(limit=RECENT_ON_HOME)
    steps = checklist.steps(shop.settings(), status, recent)
    return render_template("home/index.html", status=status, calls=recent,
                           events=shop.box().events(limit=5), pills=LEVEL_PILLS,
                           steps=steps if checklist.remaining(steps) else [])


@bp.get("/events")
@login_required
def events():
    """The box's own diary (kept in the data folder, so it survives reboots): starts, modem
    resets, Wi-Fi changes, texts that failed, settings changes."""
    return render_template("home/events.html", events=shop.box().events(limit=EVENTS_SHOWN),
                           pills=LEVEL_PILLS)
