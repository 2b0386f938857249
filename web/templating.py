"""Jinja filters and globals shared by every template.

Filters:  |shop_time  |full_time  |day_label  |money (|money(whole=true) rounds)  |percent
          |phone (E.164 in the shop's national style)  |shop_date (an ISO date in the shop's style)
          |clock ("17:00" in the shop's style)  |time_pieces (a text's HH:MM times, see macros.times)
Globals:  outcome(code) has_conversation(outcome) message_status(status, error, landline) message_kind(kind)
          modem_state(code) health(level)
          signal_bars(percent) nav_items() logged_in() unread_count() is_demo() shop_name()
          auto_text_cap() (the box-wide cap's trip, for the banner; None when texts flow)
          caller_id_notice() (calls arriving as the shop's own number; None otherwise)
          is_urgent(text) port_suffix()
Every value shown comes from the facade; filters only format it. Nothing here marks text safe.
"""
from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask, g, request, url_for

from appliance.core import keywords
from web import formatting, labels, phone, shop
from web.auth import is_logged_in

log = logging.getLogger(__name__)

# (label, endpoint, icon, testid). Each section's blueprint has an `index` endpoint at its root.
NAV_MAIN = (
    ("Home", "home.index", "home", "nav-home"),
    ("Inbox", "conversations.index", "inbox", "nav-inbox"),
    ("Calls", "calls.index", "phone", "nav-calls"),
    ("Results", "results.index", "chart", "nav-results"),
)
NAV_SECONDARY = (
    ("Messages", "messages.index", "edit", "nav-messages"),
    ("Schedule", "schedule.index", "clock", "nav-schedule"),
    ("Settings", "settings.index", "gear", "nav-settings"),
    ("Setup", "setup.index", "plug", "nav-setup"),
    ("Wi-Fi", "wifi.index", "wifi", "nav-wifi"),
    ("Event log", "home.events", "list", "nav-events"),
)


def _now() -> datetime:
    return shop.now()


def _nav(entries) -> list[dict]:
    """The nav's links, the current section's marked active."""
    items = []
    for label, endpoint, icon, testid in entries:
        section = endpoint.split(".")[0]
        active = (request.endpoint == endpoint if endpoint == "home.events"
                  else request.blueprint == section and request.endpoint != "home.events")
        items.append({"label": label, "url": url_for(endpoint), "icon": icon, "testid": testid,
                      "active": active, "section": section})
    return items


def nav_items() -> dict:
    return {"main": _nav(NAV_MAIN), "secondary": _nav(NAV_SECONDARY)}


def logged_in() -> bool:
    return is_logged_in()


def unread_count() -> int:
    """Replies nobody has opened yet (nav badge). 0 if the status can't be read."""
    if not logged_in():
        return 0
    try:
        if "shop_status" in g:
            return int(g.shop_status.get("unread") or 0)
        return int(shop.box().unread() or 0)
    except Exception:  # the badge must never break a page
        return 0


def auto_text_cap():
    """While the box-wide cap holds automatic texts back: what the banner says; else None."""
    if not logged_in():
        return None
    try:
        return shop.box().auto_text_cap()
    except Exception:  # the banner must never break a page
        log.exception("reading the automatic-text cap failed")
        return None


def caller_id_notice():
    """While calls keep arriving as the shop's own number: the banner's words; else None."""
    if not logged_in():
        return None
    try:
        return shop.box().caller_id_notice()
    except Exception:  # the banner must never break a page
        log.exception("reading the caller ID notice failed")
        return None


def is_demo() -> bool:
    return bool(shop.box().demo)


def shop_name() -> str:
    try:
        return shop.settings().get("business_name") or "TextBack Box"
    except Exception:  # the title must never break a page
        return "TextBack Box"


def is_urgent(text) -> bool:
    """A customer's text with one of the owner's urgent words in it (Settings → Urgent words)."""
    try:
        words = shop.settings().get("urgent_words") or []
        return bool(keywords.urgent_words_in(str(text or ""), words))
    except Exception:  # a mark must never break a page
        return False


def port_suffix() -> str:
    """":8080" when the page is served on a port other than 80 (the demo), else "": addresses
    shown on the page must work when typed."""
    _host, _, port = request.host.rpartition(":")
    return f":{port}" if port.isdigit() and port != "80" else ""


def _region() -> str:
    return shop.settings().get("region") or ""


def register(app: Flask) -> None:
    """Install the filters and globals on `app`'s Jinja environment."""
    env = app.jinja_env
    env.filters["shop_time"] = lambda v: formatting.short_time(v, shop.settings(), _now())
    env.filters["full_time"] = lambda v: formatting.full_time(v, shop.settings())
    env.filters["day_label"] = lambda v: formatting.day_label(v, shop.settings(), _now())
    env.filters["money"] = lambda v, whole=False: formatting.money(v, shop.settings(), whole)
    env.filters["percent"] = formatting.percent
    env.filters["phone"] = lambda v: phone.shown(v, _region())
    env.filters["shop_date"] = lambda v: formatting.iso_date_text(v, shop.settings())
    env.filters["month_day"] = lambda v: formatting.iso_date_text(
        f"2000-{v}", shop.settings()).replace(", 2000", "").replace(" 2000", "")
    env.filters["time_pieces"] = lambda v: formatting.time_pieces(str(v or ""), shop.settings())
    env.filters["clock"] = lambda v: formatting.clock_text(v, shop.settings())
    env.globals.update(
        outcome=labels.outcome,
        has_conversation=labels.has_conversation,
        message_status=labels.message_status,
        message_kind=labels.message_kind,
        modem_state=labels.modem_state,
        health=labels.health,
        signal_bars=labels.signal_bars,
        nav_items=nav_items,
        logged_in=logged_in,
        unread_count=unread_count,
        is_demo=is_demo,
        auto_text_cap=auto_text_cap,
        caller_id_notice=caller_id_notice,
        shop_name=shop_name,
        is_urgent=is_urgent,
        port_suffix=port_suffix,
    )
