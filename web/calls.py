"""The call log: every missed call and, in plain words, whether the caller was texted and why not.

Filters: outcome, number (any part of it), and a date range in the shop's timezone. The table
updates live through /live/calls (web/live.py), which uses the same filters.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from typing import Optional

from flask import Blueprint, render_template, request

from appliance.core.records import Call
from web import export, formatting, labels, shop
from web.auth import login_required

bp = Blueprint("calls", __name__, url_prefix="/calls")

PAGE_SIZE = 100
MAX_PAGE = 2000
E164 = re.compile(r"\+\d{6,15}")


class CallFilters:
    """The filters of the call log, read from the query string; `errors` says what was ignored."""

    def __init__(self, args, settings: dict):
        self.errors: dict = {}
        self.outcome = args.get("outcome", "").strip()
        if self.outcome and self.outcome not in labels.OUTCOMES:
            self.errors["outcome"] = "Unknown outcome; showing all."
            self.outcome = ""
        self.number = args.get("number", "").strip()[:40]
        self.start = self._date(args, "from")
        self.end = self._date(args, "to")
        if self.start and self.end and self.end < self.start:
            self.errors["to"] = "The end date is before the start date."
            self.end = None
        try:
            self.limit = min(max(int(args.get("limit", PAGE_SIZE)), 1), MAX_PAGE)
        except ValueError:
            self.limit = PAGE_SIZE
        self.zone = formatting.shop_zone(settings)

    def _date(self, args, name: str) -> Optional[date]:
        raw = args.get(name, "").strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.errors[name] = "Use a date like 2026-11-27."
            return None

    def query(self) -> dict:
        """Keyword arguments for box.calls(). Dates become UTC instants of the shop's midnights."""
        kwargs = {"limit": self.limit}
        if self.outcome:
            kwargs["outcome"] = self.outcome
        if E164.fullmatch(self.number):
            kwargs["number"] = self.number
        if self.start:
            kwargs["since"] = self._midnight(self.start)
        if self.end:
            kwargs["until"] = self._midnight(self.end + timedelta(days=1))
        return kwargs

    def _midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(0), self.zone).astimezone(timezone.utc)

    def keep(self, call: Call) -> bool:
        """Partial number match ("4567" finds +15551234567) on top of what the box filtered."""
        wanted = re.sub(r"\D", "", self.number)
        if not wanted:
            return True
        return wanted in re.sub(r"\D", "", call.number or call.raw_number or "")

    def params(self) -> dict:
        """The filters as query arguments (for links and the live URL)."""
        out = {"outcome": self.outcome, "number": self.number,
               "from": self.start.isoformat() if self.start else "",
               "to": self.end.isoformat() if self.end else ""}
        return {key: value for key, value in out.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.params())


def load(args, every: bool = False) -> tuple[CallFilters, list[dict]]:
    """Filters from `args` and the calls that match, newest first (`every`: no page limit)."""
    filters = CallFilters(args, shop.settings())
    query = filters.query()
    if every:
        query["limit"] = None
    found = shop.box().calls(**query)
    return filters, [call for call in found if filters.keep(call)]


@bp.get("/")
@login_required
def index():
    if export.wanted(request.args):      # every matching call, for the accountant
        return export.calls(load(request.args, every=True)[1], shop.settings())
    filters, found = load(request.args)
    more = len(found) >= filters.limit
    return render_template("calls/index.html", filters=filters, calls=found, more=more,
                           outcomes=labels.OUTCOMES, page_size=PAGE_SIZE)
