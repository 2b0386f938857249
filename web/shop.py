"""Request-scoped access to the facade (`box`) that create_app was given.

Views call `box()` instead of reaching into current_app; settings and status are read once per
request and cached on `g`, because a page may need them in several places (timezone for every
timestamp, unread count for the nav badge).
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app, g


def box():
    """The facade object passed to create_app (appliance/facade/box.py)."""
    return current_app.extensions["box"]


def now() -> datetime:
    """What time it is for the page: the box's clock (tests set it)."""
    return box().clock()


def settings() -> dict:
    """box.settings(), once per request."""
    if "shop_settings" not in g:
        g.shop_settings = box().settings()
    return g.shop_settings


def status() -> dict:
    """box.status(), once per request."""
    if "shop_status" not in g:
        g.shop_status = box().status()
    return g.shop_status


def forget() -> None:
    """Drop the cached reads after the request changed something (e.g. saved settings)."""
    g.pop("shop_settings", None)
    g.pop("shop_status", None)
