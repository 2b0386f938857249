"""The settings page: the shop's details, text-back limits, ring handling, the API token.

One form for the settings, saved in one go through box.update_settings so they are checked
together; the pause switch and the API token have their own small forms. Every form carries the
CSRF token (CSRFProtect is on for the whole app).
"""
from __future__ import annotations

import logging

from flask import Blueprint, flash, redirect, render_template, request, url_for

from appliance.core import countries
from appliance.core import settings as settings_rules
from appliance.core.domain import ValidationError
from web import later_form, settings_form
from web.auth import login_required
from web.pagekit import box, errors_under, first_error, save_settings

log = logging.getLogger(__name__)

bp = Blueprint("settings", __name__, url_prefix="/settings")

# settings key -> the form field its error is shown next to
ERROR_FIELDS = ("business_name", "owner_name", "owner_phone", "owner_email", "emergency_number", "booking_link",
                "timezone", "region", "holiday_region", "cooldown_minutes", "daily_cap", "exclude",
                "business_phone", "first_text_reply", "first_text_reply_in_hours",
                "reject_after_seconds", "urgent_words", "quick_replies", "forward_replies",
                "average_job_value", "allowed_countries", "auto_texts_per_hour",
                "auto_texts_per_day") + later_form.ERROR_FIELDS


def dry_run(current: dict, patch: dict) -> dict:
    """The schema's errors for the fields that did parse, so every problem shows at once."""
    try:
        settings_rules.validate_patch(current, patch)
    except ValidationError as exc:
        return dict(exc.errors)
    return {}


def _page(values=None, errors=None, status=200):
    settings = box().settings()
    errors = errors or {}
    shown = {field: first_error(errors, field) for field in ERROR_FIELDS}
    # One line of codes: the code names itself, a "line 2:" would only confuse.
    shown["allowed_countries"] = next(iter(errors_under(errors, "allowed_countries").values()),
                                      None)
    known = set(ERROR_FIELDS)
    other = {k: v for k, v in errors.items()
             if k.split(".")[0].split("[")[0] not in known and k != "token"}
    return render_template(
        "settings/index.html", values=values or settings_form.form_values(settings),
        errors=shown, other_errors=other, token_error=errors.get("token"),
        paused=bool(settings.get("paused")),
        own_country=countries.name(settings.get("region") or ""),
        holiday_region_known="holiday_region" in settings, token=box().api_token(),
        zones=settings_form.COMMON_ZONES, regions=settings_form.COMMON_REGIONS,
        decline=settings_form.DECLINE,
        rows_for=settings_form.rows_for), status


@bp.get("/")
@login_required
def index():
    return _page()


@bp.post("/")
@login_required
def save():
    values = settings_form.posted_values(request.form)
    current = box().settings()
    patch, errors = settings_form.to_patch(values, "holiday_region" in current)
    if errors:
        errors = {**dry_run(current, {k: v for k, v in patch.items() if k not in errors}), **errors}
    else:
        errors = save_settings(patch)
    if errors:
        return _page(values, errors, 400)
    flash("Settings saved.", "success")
    return redirect(url_for(".index"))


@bp.post("/pause")
@login_required
def pause():
    """The pause switch: the button says what it does ("pause" or "resume")."""
    on = request.form.get("paused") == "on"
    box().pause(on)
    flash("Text-back paused: missed callers are not texted until you resume."
          if on else "Text-back is on again.", "warning" if on else "success")
    return redirect(url_for(".index"))


@bp.post("/token")
@login_required
def regenerate_token():
    """A new API token; the old one stops working at once, so the owner must tick to confirm."""
    if request.form.get("confirm") != "yes":
        return _page(errors={"token": "Tick the box to confirm: the old token stops working."},
                     status=400)
    box().regenerate_token()
    flash("New API token made. Anything using the old one must be given the new one.", "success")
    return redirect(url_for(".index", _anchor="token"))
