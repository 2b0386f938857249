"""The schedule page: weekly opening hours with split shifts, holidays, away mode.

Three small forms, each saved on its own through box.update_settings, so an error in one never
loses what was typed in another. Errors come back keyed like the settings ("hours.mon[1]",
"away.until") and are shown next to the day, the row or the field they name.
"""
from __future__ import annotations

import logging
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from appliance.core.domain import ValidationError
from appliance.core.schedule import shop_zone
from web import formatting, shop
from web.auth import login_required
from web.pagekit import box, save_settings, split_key

log = logging.getLogger(__name__)

bp = Blueprint("schedule", __name__, url_prefix="/schedule")

DAYS = (("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday"), ("thu", "Thursday"),
        ("fri", "Friday"), ("sat", "Saturday"), ("sun", "Sunday"))


def shop_today(settings: dict) -> date:
    """Today in the shop's timezone (UTC if the timezone is unknown)."""
    return shop.now().astimezone(shop_zone(settings)).date()


def _shop_now_text(settings: dict) -> str:
    now = shop.now().astimezone(shop_zone(settings))
    return f"{now:%A} {formatting.clock(now, settings)}"


def hours_errors(errors: dict) -> dict:
    """{"mon": {"day": msg, "rows": {1: msg}}, ...} from keys like 'hours.mon[1]'."""
    out = {day: {"day": None, "rows": {}} for day, _ in DAYS}
    out["_form"] = None
    for key, message in errors.items():
        head, index, _rest = split_key(key)
        day = head.split(".", 1)[1] if head.startswith("hours.") else None
        if day in out and day != "_form":
            if index is None:
                out[day]["day"] = message
            else:
                out[day]["rows"][index] = message
        else:
            out["_form"] = f"{key}: {message}" if key != "hours" else message
    return out


def _holiday_names(settings: dict) -> dict:
    """Names of the listed holidays, where the holiday library knows them."""
    names = {}
    for year in sorted({d[:4] for d in settings.get("holidays", []) if d[:4].isdigit()}):
        try:
            names.update({h["date"]: h["name"] for h in box().holiday_suggestions(int(year))})
        except ValidationError as exc:   # names are a nicety; a bad region must not break the page
            log.info("no holiday names for %s: %s", year, exc)
    return names


def _page(hours=None, hours_errs=None, away=None, errors=None, status=200):
    settings = box().settings()
    hours = hours if hours is not None else settings.get("hours", {})
    away = away if away is not None else settings.get("away") or {"on": False, "until": None}
    today = shop_today(settings)
    return render_template(
        "schedule/index.html", days=DAYS, hours=hours,
        hours_errors=hours_errs or hours_errors({}), away=away, errors=errors or {},
        holidays=sorted(settings.get("holidays", [])), holiday_names=_holiday_names(settings),
        yearly=settings.get("holidays_yearly") or [],
        timezone=settings.get("timezone", ""), shop_now=_shop_now_text(settings),
        today=today.isoformat(), years=(today.year, today.year + 1)), status


@bp.get("/")
@login_required
def index():
    return _page()


def parse_hours(form) -> tuple[dict, dict]:
    """The week as typed: {"mon": [["08:00","12:00"], ...]}. Blank rows are dropped, half-filled
    rows and closed days with hours are flagged."""
    hours, errors = {}, {}
    for day, _name in DAYS:
        rows = [[s.strip(), e.strip()] for s, e in
                zip(form.getlist(f"{day}-start"), form.getlist(f"{day}-end"))]
        rows = [row for row in rows if row[0] or row[1]]
        for index, (start, end) in enumerate(rows):
            if not start or not end:
                errors[f"hours.{day}[{index}]"] = "needs both an opening and a closing time"
        closed = bool(form.get(f"{day}-closed"))
        if closed and rows:
            errors[f"hours.{day}"] = ("is ticked Closed but has hours: untick Closed or clear "
                                      "the times")
        hours[day] = [] if closed and not rows else rows
    return hours, errors


@bp.post("/hours")
@login_required
def save_hours():
    hours, errors = parse_hours(request.form)
    if not errors:
        errors = save_settings({"hours": hours})
    if errors:
        return _page(hours=hours, hours_errs=hours_errors(errors), status=400)
    flash("Opening hours saved.", "success")
    return redirect(url_for(".index", _anchor="hours"))


def _valid_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


@bp.post("/holidays")
@login_required
def save_holidays():
    """Add one date (every year when "yearly" is ticked), or remove one (the remove buttons
    carry the date, or the month and day of a yearly one)."""
    settings = box().settings()
    current, yearly = set(settings.get("holidays", [])), set(settings.get("holidays_yearly") or [])
    if "remove" in request.form or "remove_yearly" in request.form:
        current.discard(request.form.get("remove"))
        yearly.discard(request.form.get("remove_yearly"))
        message = "Holiday removed."
    else:
        day = request.form.get("date", "").strip()
        if not _valid_date(day):
            return _page(errors={"holidays": "Pick a date (YYYY-MM-DD)."}, status=400)
        (yearly.add(day[5:]) if request.form.get("yearly") else current.add(day))
        message = (f"{formatting.iso_date_text(day, settings)} added to holidays"
                   + (", every year." if request.form.get("yearly") else "."))
    errors = save_settings({"holidays": sorted(current), "holidays_yearly": sorted(yearly)})
    if errors:
        return _page(errors={"holidays": "; ".join(errors.values())}, status=400)
    flash(message, "success")
    return redirect(url_for(".index", _anchor="holidays"))


def _year() -> int:
    try:
        year = int(request.values.get("year", ""))
    except ValueError:
        abort(400)
    if not 2000 <= year <= 2100:
        abort(400)
    return year


@bp.get("/holidays/suggest")
@login_required
def suggest_holidays():
    """Public holidays for the shop's country and region, for the owner to tick."""
    year = _year()
    settings = box().settings()
    listed, yearly = set(settings.get("holidays", [])), set(settings.get("holidays_yearly") or [])
    try:
        offered = box().holiday_suggestions_two_years(year)
    except ValidationError as exc:   # e.g. a country the holiday library doesn't know
        return _page(errors={"holidays": "; ".join(exc.errors.values())}, status=400)
    suggestions = [dict(h, listed=h["date"] in listed or h["date"][5:] in yearly,
                        every_year=h["yearly"] in yearly) for h in offered]
    region = settings.get("region", "") + (f"-{settings['holiday_region']}"
                                           if settings.get("holiday_region") else "")
    return render_template("schedule/suggest.html", year=year, years=(year, year + 1),
                           suggestions=suggestions,
                           region=region)


@bp.post("/holidays/suggest")
@login_required
def confirm_holidays():
    """Ticked suggestions are holidays, unticked ones are not; other dates stay as they were."""
    year = _year()
    try:
        offered = box().holiday_suggestions_two_years(year)
    except ValidationError as exc:
        return _page(errors={"holidays": "; ".join(exc.errors.values())}, status=400)
    dates, fixed = {h["date"] for h in offered}, {h["yearly"] for h in offered} - {None}
    ticked = set(request.form.getlist("date")) & dates
    every_year = set(request.form.getlist("yearly")) & fixed
    settings = box().settings()
    holidays = sorted((set(settings.get("holidays", [])) - dates) | ticked)
    yearly = sorted((set(settings.get("holidays_yearly") or []) - fixed) | every_year)
    errors = save_settings({"holidays": holidays, "holidays_yearly": yearly})
    if errors:
        return _page(errors={"holidays": "; ".join(errors.values())}, status=400)
    flash(f"{len(ticked)} holidays of {year}-{year + 1} in your list"
          + (f", {len(every_year)} every year." if every_year else "."), "success")
    return redirect(url_for(".index", _anchor="holidays"))


@bp.post("/away")
@login_required
def save_away():
    away = {"on": bool(request.form.get("on")),
            "until": request.form.get("until", "").strip() or None}
    errors = {}
    if away["until"] and not _valid_date(away["until"]):
        errors["away.until"] = "Pick a date (YYYY-MM-DD) or leave it empty."
    if not errors:
        errors = save_settings({"away": away})
    if errors:
        shown = {("away.until" if k.startswith("away.until") else "away"): v
                 for k, v in errors.items()}
        return _page(away=away, errors=shown, status=400)
    flash("Away mode is on." if away["on"] else "Away mode is off.", "success")
    return redirect(url_for(".index", _anchor="away"))
