"""Home: is the box working, what happened today and this month, and the latest calls.

Everything on it updates live through /live/status (web/live.py renders the same partials).
"""
from __future__ import annotations

from flask import Blueprint, render_template

from web import shop
from web.auth import login_required
from web.live import RECENT_ON_HOME

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    status = shop.status()
    recent = shop.box().calls(limit=RECENT_ON_HOME)
    return render_template("home/index.html", status=status, calls=recent)
