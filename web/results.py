"""Results: is the box worth it? Missed calls, texted, replied, booked and the value recovered for
a chosen period, a bar chart (web/chart.py), and the seed article's arithmetic ("25 missed calls
-> 35% reply -> 9 -> 50% book -> 4-5 jobs x $400") worked through with the shop's own numbers.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from web import chart, export, formatting, shop
from web.auth import login_required

bp = Blueprint("results", __name__, url_prefix="/results")

PERIODS = (7, 30, 90)
MAX_SPAN_DAYS = 3 * 366
ARTICLE_REPLY_RATE, ARTICLE_BOOKING_RATE = 0.35, 0.5   # seed article: 25 -> ~9 -> 4-5 jobs


def period_from(args) -> tuple[dict, dict]:
    """(keyword arguments for box.stats, errors). ?days=7|30|90, or ?from=YYYY-MM-DD&to=..."""
    errors = {}
    raw_from, raw_to = args.get("from", "").strip(), args.get("to", "").strip()
    if raw_from or raw_to:
        try:
            start = date.fromisoformat(raw_from)
            end = date.fromisoformat(raw_to) if raw_to else None
        except ValueError:
            errors["from"] = "Use dates like 2026-11-01."
        else:
            if end is not None and end < start:
                errors["to"] = "The end date is before the start date."
            elif end is not None and (end - start).days > MAX_SPAN_DAYS:
                errors["to"] = "Choose at most three years."
            else:
                return {"start": start, "end": end}, errors
    try:
        days = int(args.get("days", 30))
    except ValueError:
        days = 30
    if days not in PERIODS:
        days = 30
    return {"days": days}, errors


def arithmetic(stats: dict) -> dict:
    """The article's chain with the shop's numbers. Until a job is marked booked, the value is
    estimated as replies x the average job value (the same figure as the headline)."""
    replied = stats.get("replied", 0)
    average = float(stats.get("average_job_value") or 0)
    return {"missed": stats.get("missed", 0), "texted": stats.get("texted", 0),
            "reply_rate": stats.get("reply_rate", 0.0), "replied": replied,
            "booking_rate": stats.get("booking_rate", 0.0), "booked": stats.get("booked", 0),
            "average": average, "estimated_value": replied * average,
            "booked_value": stats.get("revenue", 0.0),
            "benchmark": benchmark(stats.get("missed", 0), average)}


def benchmark(missed: int, average: float) -> dict:
    """The article's rates (about 35% reply, half of those book) applied to `missed` calls, in
    whole replies and jobs as the article counts them ("~9 replies", "4-5 jobs")."""
    replies = missed * ARTICLE_REPLY_RATE
    jobs = _whole(replies * ARTICLE_BOOKING_RATE)
    return {"missed": missed, "replies": _whole(replies), "jobs": jobs, "value": jobs * average}


def _whole(amount: float) -> int:
    """Rounded half up, as people do (Python's round() sends 0.5 to 0)."""
    return int(amount + 0.5)


@bp.get("/")
@login_required
def index():
    period, errors = period_from(request.args)
    stats = shop.box().stats(**period)
    settings = shop.settings()
    if export.wanted(request.args):
        return export.results(stats, settings)
    per_day = stats.get("per_day", [])
    return render_template("results/index.html", stats=stats, period=period, errors=errors,
                           periods=PERIODS, charts=chart.views(per_day, settings),
                           heading=heading(stats, settings),
                           first_day=_day(per_day[0]["date"] if per_day else "", settings),
                           last_day=_day(per_day[-1]["date"] if per_day else "", settings),
                           sums=arithmetic(stats), custom="start" in period,
                           export_args=_period_args(period, stats),
                           later_shown=later_shown(stats, settings))


def later_shown(stats: dict, settings: dict) -> bool:
    """The follow-up and review counts are shown once either is switched on or has been sent."""
    return any((settings.get(kind) or {}).get("on") for kind in ("follow_up", "review_request")) \
        or any(stats.get(key) for key in ("follow_ups", "review_requests"))


def _period_args(period: dict, stats: dict) -> dict:
    """The period as query arguments (for the CSV link)."""
    if "start" in period:
        return {"from": stats.get("start"), "to": stats.get("end")}
    return {"days": period["days"]}


def heading(stats: dict, settings: dict) -> str:
    """The period in the shop's date style ("Oct 29 – Nov 27, 2026")."""
    try:
        start, end = date.fromisoformat(str(stats["start"])), date.fromisoformat(str(stats["end"]))
    except (KeyError, ValueError):
        return "This period"
    return formatting.date_range_text(start, end, settings)


def _day(text: str, settings: dict) -> str:
    try:
        return formatting.date_text(date.fromisoformat(text), settings)
    except ValueError:
        return ""
