"""Checks for the settings of the texts sent hours later: `follow_up` and `review_request`,
each {"on": bool, "after_hours": hours}, and the rule that a review request needs a review link.
Used by settings_checks (the kind "later") and settings.validate_patch.
"""
from __future__ import annotations

import math
from typing import Any

LATER_KEYS = ("on", "after_hours")
MIN_HOURS, MAX_HOURS = 1, 168


def _later(field, key: str, value: Any, region: str, errors: dict) -> Any:
    if not isinstance(value, dict):
        errors[key] = 'must be an object like {"on": true, "after_hours": 4}'
        return value
    for extra in sorted(set(value) - set(LATER_KEYS)):
        errors[f"{key}.{extra}"] = "unknown field; use on and after_hours"
    on, hours = value.get("on"), value.get("after_hours")
    if not isinstance(on, bool):
        errors[f"{key}.on"] = "must be true or false"
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) \
            or not math.isfinite(hours):
        errors[f"{key}.after_hours"] = "must be a number of hours"
    elif not MIN_HOURS <= hours <= MAX_HOURS:
        errors[f"{key}.after_hours"] = f"must be between {MIN_HOURS} and {MAX_HOURS} hours"
    return {"on": on, "after_hours": hours}


def review_link_problem(merged: dict, patch: dict, errors: dict) -> None:
    """Review requests switched on without a review link would send a thank-you with nothing
    to click: say so on whichever of the two was changed."""
    if "review_request" in errors or "review_link" in errors:
        return
    on = (merged.get("review_request") or {}).get("on")
    if on and not str(merged.get("review_link") or "").strip():
        key = "review_link" if "review_link" in patch else "review_request"
        errors[key] = "review requests need a review link (a web address) to send"


CHECKS = {"later": _later}
