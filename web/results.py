"""Results: is the box worth it? Missed calls, texted, replied, booked and the value recovered for
a chosen period, a bar chart drawn server-side as inline SVG (no JS library), and the seed
article's arithmetic ("25 missed calls -> 35% reply -> 9 -> 50% book -> 4-5 jobs x $400") worked
through with the shop's own numbers.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from web import shop
from web.auth import login_required

bp = Blueprint("results", __name__, url_prefix="/results")

PERIODS = (7, 30, 90)
MAX_SPAN_DAYS = 3 * 366
CHART_W, CHART_H, CHART_PAD = 640, 200, 24
SERIES = ("missed", "texted", "replied", "booked")
ARTICLE_REPLY_RATE, ARTICLE_BOOKING_RATE = 0.35, 0.5   # seed article: 25 -> ~9 -> 4-5 jobs
BAR_SHARE = {"missed": 0.9, "texted": 0.66, "replied": 0.42, "booked": 0.2}   # nested bars


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


def buckets(per_day: list[dict]) -> list[dict]:
    """Days for up to a month; whole weeks beyond that, so bars stay readable on a phone."""
    if len(per_day) <= 31:
        return [dict(day, label=day["date"]) for day in per_day]
    out = []
    for first in range(0, len(per_day), 7):
        week = per_day[first:first + 7]
        bucket = {key: sum(d.get(key, 0) for d in week) for key in SERIES}
        bucket.update(date=week[0]["date"], label=f"{week[0]['date']} – {week[-1]['date']}")
        out.append(bucket)
    return out


def chart(per_day: list[dict]) -> dict:
    """Bar geometry for the inline SVG: missed, texted, replied and booked nested per bucket."""
    groups = buckets(per_day)
    top = max([g.get("missed", 0) for g in groups] + [1])
    inner_w, inner_h = CHART_W - 2 * CHART_PAD, CHART_H - 2 * CHART_PAD
    slot = inner_w / max(len(groups), 1)
    bars = []
    for index, group in enumerate(groups):
        centre = CHART_PAD + slot * (index + 0.5)
        for key in SERIES:
            value = group.get(key, 0)
            if not value:
                continue
            height = inner_h * value / top
            width = max(slot * BAR_SHARE[key], 1.0)
            bars.append({"series": key, "x": round(centre - width / 2, 2),
                         "y": round(CHART_PAD + inner_h - height, 2),
                         "w": round(width, 2), "h": round(height, 2),
                         "title": f"{group['label']}: {value} {key}"})
    return {"w": CHART_W, "h": CHART_H, "pad": CHART_PAD, "base": CHART_PAD + inner_h,
            "top": top, "bars": bars, "first": groups[0]["date"] if groups else "",
            "last": groups[-1]["date"] if groups else "", "weekly": len(per_day) > 31}


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
    """The article's rates (about 35% reply, half of those book) applied to `missed` calls."""
    replies = missed * ARTICLE_REPLY_RATE
    jobs = replies * ARTICLE_BOOKING_RATE
    return {"missed": missed, "replies": round(replies), "jobs": jobs,
            "jobs_text": f"{jobs:.1f}".rstrip("0").rstrip("."), "value": jobs * average}


@bp.get("/")
@login_required
def index():
    period, errors = period_from(request.args)
    stats = shop.box().stats(**period)
    return render_template("results/index.html", stats=stats, period=period, errors=errors,
                           periods=PERIODS, chart=chart(stats.get("per_day", [])),
                           sums=arithmetic(stats),
                           custom="start" in period)
