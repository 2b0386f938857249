"""CSV downloads for the accountant: calls, conversations and Results, from their pages
(?format=csv, session login) and from the API (?format=csv, bearer token). Same columns on both.

Every cell a spreadsheet could read as a formula (a customer's text starting with = + - @, or a
tab / carriage return) is prefixed with an apostrophe, so opening the file never runs anything;
a plain number (an E.164 "+12025550188") is left as it is.
Times are UTC ISO 8601 as in the JSON API, with the shop's local time beside them.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Iterable

from flask import Response

from web import formatting, labels, phone, shop

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")      # "+12025550188", "-2": no formula

CALL_COLUMNS = ("id", "number", "started_at", "ended_at", "rings", "outcome", "message_id",
                "shop_time", "number_shown", "what_happened")
CONVERSATION_COLUMNS = ("number", "last_at", "last_text", "unread", "opted_out", "name",
                        "booked", "job_value", "shop_time", "number_shown")
DAY_COLUMNS = ("date", "missed", "texted", "replied", "booked", "follow_ups", "follow_up_replies",
               "review_requests")
TOTAL_COLUMNS = ("reply_rate", "booking_rate", "revenue", "value_recovered")


def wanted(args) -> bool:
    """?format=csv asks for the CSV download."""
    return (args.get("format") or "").strip().lower() == "csv"


def cell(value) -> str:
    """One CSV cell: booleans as yes/no, None empty, formula starters defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if isinstance(value, (int, float)):
        return text
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def respond(name: str, columns: Iterable[str], rows: Iterable[dict]) -> Response:
    """A CSV file (UTF-8 with a byte-order mark, so spreadsheets read accents right)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    columns = tuple(columns)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(column)) for column in columns])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _local(value, settings: dict) -> str:
    moment = formatting.local(value, settings)
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def calls(found: list, settings: dict) -> Response:
    """The calls (Call records) as CSV: their stored fields and how the page shows them."""
    region = settings.get("region") or ""
    rows = [dict(call.to_row(), shop_time=_local(call.started_at, settings),
                 number_shown=phone.shown(call.number, region) or call.raw_number,
                 what_happened=labels.outcome(call.outcome)["label"]) for call in found]
    return respond(f"calls-{_today(settings)}.csv", CALL_COLUMNS, rows)


def conversations(found: list[dict], settings: dict) -> Response:
    region = settings.get("region") or ""
    rows = [dict(c, shop_time=_local(c.get("last_at"), settings),
                 number_shown=phone.shown(c.get("number"), region)) for c in found]
    return respond(f"conversations-{_today(settings)}.csv", CONVERSATION_COLUMNS, rows)


def results(stats: dict, settings: dict) -> Response:
    """One row a day, then a total row with the rates and the money."""
    rows = list(stats.get("per_day", []))
    rows.append({"date": "total", **{key: stats.get(key) for key in DAY_COLUMNS[1:]},
                 **{key: stats.get(key) for key in TOTAL_COLUMNS}})
    name = f"results-{stats.get('start', '')}-to-{stats.get('end', '')}.csv"
    return respond(name, DAY_COLUMNS + TOTAL_COLUMNS, rows)


def _today(settings: dict) -> str:
    return shop.now().astimezone(formatting.shop_zone(settings)).date().isoformat()

