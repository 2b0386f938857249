"""The Connections page (linked from Settings): MQTT for Home Assistant and the like, webhooks.

Shows whether the box is connected to the shop's broker (and what is waiting), its box id and
topics; edits the `mqtt` setting; lists the webhooks with their last delivery result and a
"send test" that posts a test event at once. Secrets are never put in the page: a blank
password or secret field keeps the saved one.
"""
from __future__ import annotations

import logging

from flask import Blueprint, flash, redirect, render_template, request, url_for

from web import connections_form as forms
from web.auth import login_required
from web.pagekit import box, first_error, save_settings
from web.settings import dry_run

log = logging.getLogger(__name__)

bp = Blueprint("connections", __name__, url_prefix="/settings/connections")

MQTT_FIELDS = ("host", "port", "username", "password", "tls", "prefix", "discovery_prefix")


def _page(mqtt_values=None, hook_rows=None, errors=None, status=200):
    settings = box().settings()
    now = box().connections() or {"mqtt": None, "results": {}, "pending": {}}
    errors = errors or {}
    rows = hook_rows or forms.hook_rows(settings, now["results"], now["pending"])
    return render_template(
        "connections/index.html", box_id=box().box_id,
        mqtt=mqtt_values or forms.mqtt_values(settings),
        mqtt_state=now["mqtt"],
        mqtt_errors={f: first_error(errors, f"mqtt.{f}") for f in MQTT_FIELDS},
        other_errors={k: v for k, v in errors.items()
                      if not k.startswith(("mqtt.", "hooks-"))},
        rows=rows, hook_errors={k: v for k, v in errors.items() if k.startswith("hooks-")},
        event_labels=forms.EVENT_LABELS), status


@bp.get("/")
@login_required
def index():
    return _page()


@bp.post("/mqtt")
@login_required
def save_mqtt():
    patch, errors = forms.mqtt_patch(request.form)
    # Problems the form found first, then the settings' own checks, so all show at once.
    errors = {**dry_run(box().settings(), patch), **errors} if errors else save_settings(patch)
    if errors:
        values = forms.mqtt_values(box().settings())
        values.update({k: request.form.get(k, "") for k in ("host", "port", "username",
                                                             "prefix", "discovery_prefix")},
                      tls=request.form.get("tls") == "on")
        return _page(mqtt_values=values, errors=errors, status=400)
    on = patch["mqtt"]["host"]
    flash(f"MQTT saved: the box connects to {on}." if on else "MQTT is off.", "success")
    return redirect(url_for(".index"))


@bp.post("/webhooks")
@login_required
def save_webhooks():
    patch, rows = forms.webhooks_patch(request.form)
    errors = save_settings(patch)
    if errors:
        shown = forms.row_errors(errors, rows)
        posted = forms.posted_rows(request.form, box().settings())
        return _page(hook_rows=posted or None, errors=shown, status=400)
    flash("Webhooks saved.", "success")
    return redirect(url_for(".index", _anchor="webhooks"))


@bp.post("/webhooks/test")
@login_required
def test_webhook():
    url = (request.form.get("url") or "").strip()
    attempt = box().test_webhook(url)
    if attempt is None:
        flash("This box has no webhook sender.", "error")
        return redirect(url_for(".index"))
    if attempt.ok:
        flash(f"Test delivered to {url} (HTTP {attempt.status}).", "success")
    else:
        flash(f"Test to {url} failed: {attempt.error}", "error")
    return redirect(url_for(".index", _anchor="webhooks"))
