"""The owner's settings: defaults, the field list the page renders, and checking every change.

`validate_patch(current, patch)` is the one authority on what may be saved. It returns the merged
settings or raises ValidationError({key: message}) naming every problem at once. Keys are the
setting name, with the position inside it when there is one: "hours.mon[1]", "exclude[2]",
"messages.after_hours", "away.until" (indexes count from 0). Merging: top-level keys replace,
except "messages" and "hours", which merge key by key.

Phone numbers are normalised to E.164 with the shop's region, except `emergency_number`, which is
kept as typed (it is read by customers inside the messages) once it is known to be valid.
"""
from __future__ import annotations

import copy
import logging
import re
from dataclasses import asdict, dataclass
from typing import Any, Optional

from appliance.core import settings_connections
from appliance.core.domain import ValidationError
from appliance.core.settings_checks import check, region_change_problem
from appliance.core.settings_later import review_link_problem
from appliance.core.settings_values import Settings

log = logging.getLogger(__name__)

MERGED_BY_KEY = ("messages", "hours")
CAPS = ("auto_texts_per_hour", "auto_texts_per_day")
MESSAGE_MAX_CHARS = 640

DEFAULTS: dict = Settings().as_dict()     # the defaults are Settings' (settings_values.py)


@dataclass(frozen=True)
class Field:
    """One setting as the page shows it: name, label, help text, kind and limits."""
    name: str
    label: str
    help: str
    kind: str
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    max_length: Optional[int] = None
    max_items: Optional[int] = None
    nullable: bool = False


FIELDS = (
    Field("business_name", "Business name", "Used in the messages as {business_name}.", "text",
          max_length=60),
    Field("owner_name", "Your name", "Used in the messages as {owner_name}.", "text",
          max_length=40),
    Field("owner_phone", "Your mobile", "Replies are forwarded here; never texted back.",
          "phone"),
    Field("owner_email", "Your email",
          "Where customers who text the box a picture are asked to send it instead.", "text",
          max_length=120),
    Field("emergency_number", "Emergency number",
          "Shown to callers as {emergency_number}; kept as you type it.", "phone"),
    Field("booking_link", "Booking link", "A web address (http:// or https://), or empty.",
          "url", max_length=200),
    Field("review_link", "Review link",
          "Your review page (Google, Yelp ...), sent as {review_link}; or empty.", "url",
          max_length=200),
    Field("box_number", "The box's own number",
          "Only needed when the SIM does not report its number.", "phone"),
    Field("business_phone", "Your business line",
          "The shop's number(s) that forward to the box (a number or a list); never texted.",
          "phone_list", max_items=10),
    Field("timezone", "Time zone", "An IANA name like America/New_York.", "timezone"),
    Field("region", "Country", "Two-letter code (US, GB ...) for numbers typed without +.",
          "region"),
    Field("holiday_region", "State or province", "For public holiday suggestions, e.g. CA.",
          "subdivision", nullable=True),
    Field("hours", "Opening hours", 'Per day, ranges like ["08:00", "17:00"]; [] is closed.',
          "hours", max_items=6),
    Field("holidays", "Holidays", "Dates (YYYY-MM-DD) the holiday message is used.", "dates",
          max_items=400),
    Field("holidays_yearly", "Holidays every year",
          "Days (MM-DD) the holiday message is used every year, e.g. 12-25.", "month_days",
          max_items=100),
    Field("messages", "Messages", "The text-back for each situation; 'direct' and 'break' may be empty.",
          "messages", max_length=MESSAGE_MAX_CHARS),
    Field("away", "Away mode", 'On/off and the last day away ("until", inclusive) or null.',
          "away"),
    Field("paused", "Paused", "When on, nobody is texted back.", "bool"),
    Field("forward_replies", "Forward replies", "Text customers' replies on to your mobile.",
          "bool"),
    Field("fault_texts", "Text me about problems",
          "A text to your mobile when the box can't text callers (and when it's fixed).",
          "bool"),
    Field("weekly_summary", "Weekly summary",
          "A text to your mobile on Monday mornings with last week's figures.", "bool"),
    Field("reject_after_seconds", "Decline ringing calls after",
          "Seconds; empty lets the call ring out.", "int", 5, 60, nullable=True),
    Field("cooldown_minutes", "Cooldown", "Minutes before the same caller is texted again.",
          "int", 0, 10080),
    Field("daily_cap", "Daily limit", "Most text-backs to one number in a day.", "int", 1, 20),
    Field("active_conversation_hours", "Quiet while chatting",
          "Hours after a customer's text in which missed calls are not texted.", "number", 0, 72),
    Field("first_text_reply", "Answer a new customer's first text",
          "Outside opening hours, a first text from a number with no conversation in 30 days "
          "gets the 'first text' message once (same limits as text-backs).", "bool"),
    Field("first_text_reply_in_hours", "... also during opening hours",
          "Answer first texts while the shop is open too.", "bool"),
    Field("ring_gap_seconds", "Ring gap", "Seconds without a ring that end a call.", "number",
          4, 30),
    Field("exclude", "Never text", "Numbers that are never texted back.", "phones",
          max_items=500),
    Field("allowed_countries", "Also text callers from",
          "Countries (two-letter codes like CA) whose callers get automatic texts too; your own "
          "country always does.", "regions", max_items=50),
    Field("auto_texts_per_hour", "Automatic texts per hour",
          "Most automatic texts the whole box sends in any hour; more missed calls are logged, "
          "not texted, and you get a text.", "int", 1, 1000),
    Field("auto_texts_per_day", "Automatic texts per day",
          "Most automatic texts the whole box sends in any 24 hours.", "int", 1, 10000),
    Field("urgent_words", "Urgent words", "Replies containing these are flagged urgent.",
          "words", max_length=40, max_items=50),
    Field("quick_replies", "Quick replies", "Ready-made replies on the conversation page.",
          "lines", max_length=320, max_items=10),
    Field("average_job_value", "Average job value", "Used to estimate revenue recovered.",
          "number", 0, 10_000_000),
    Field("follow_up", "Follow-up if no reply",
          "One more text this many hours after a text-back nobody answered, in opening hours "
          "only; never after STOP or when they called or texted again.", "later"),
    Field("review_request", "Review request",
          "A text with your review link this many hours after a job is marked booked, in "
          "opening hours only; once per customer in 90 days.", "later"),
    Field("mqtt", "MQTT broker", "Home Assistant and other systems on the shop's broker; an "
          "empty host is off.", "mqtt"),
    Field("webhooks", "Webhooks", "Addresses each event is posted to, signed with a secret.",
          "webhooks", max_items=settings_connections.MAX_WEBHOOKS),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}


def fields() -> list[dict]:
    """The field list for forms, each with its default."""
    return [{**asdict(f), "default": copy.deepcopy(DEFAULTS[f.name])} for f in FIELDS]


def defaults() -> dict:
    return copy.deepcopy(DEFAULTS)


def setting(settings: dict, name: str) -> Any:
    """`name` from a settings dict, or its default when the dict lacks it (DEFAULTS is the one
    place defaults live; the store's settings always have every key)."""
    value = settings.get(name)
    return DEFAULTS[name] if value is None and not FIELD_BY_NAME[name].nullable else value


def setting_of(error_key: str) -> str:
    """The setting an error key belongs to: "hours.mon[1]" -> "hours"."""
    return re.split(r"[.\[]", error_key, maxsplit=1)[0]


def validate_patch(current: dict, patch: dict) -> dict:
    """Check `patch` against `current`; return the merged settings or raise ValidationError."""
    if not isinstance(patch, dict):
        raise ValidationError({"settings": "must be an object of settings"})
    errors: dict[str, str] = {}
    merged = copy.deepcopy(dict(current))
    region = current.get("region") or DEFAULTS["region"]
    if "region" in patch:
        region = _check("region", patch["region"], region, errors) or region
    for key, value in patch.items():
        if key not in FIELD_BY_NAME:
            errors[key] = "unknown setting"
            continue
        value = settings_connections.with_kept_secrets(key, value, current)
        checked = _check(key, value, region, errors)
        if key in MERGED_BY_KEY and isinstance(checked, dict):
            merged[key] = {**(current.get(key) or {}), **checked}
        else:
            merged[key] = checked
    if region != current.get("region") and "emergency_number" not in patch:
        # Kept as typed, so a national number would now be read in the new country.
        problem = region_change_problem(current.get("emergency_number") or "",
                                        current.get("region") or region, region)
        if problem:
            errors["emergency_number"] = problem
    _check_caps(merged, patch, errors)
    review_link_problem(merged, patch, errors)
    owner = merged.get("owner_phone")
    if owner and owner == merged.get("box_number") and "owner_phone" not in errors:
        # The box would forward replies to itself and answer its own texts.
        errors["owner_phone"] = "this is the box's own number; use your mobile"
    if errors:
        raise ValidationError(errors)
    return merged


def _check_caps(merged: dict, patch: dict, errors: dict) -> None:
    """A day's cap below the hour's would make the hour's meaningless: say so on the one changed."""
    hour, day = (merged.get(cap) for cap in CAPS)
    if "auto_texts_per_hour" in errors or "auto_texts_per_day" in errors:
        return
    if isinstance(hour, int) and isinstance(day, int) and day < hour:
        key = "auto_texts_per_day" if "auto_texts_per_day" in patch else "auto_texts_per_hour"
        errors[key] = (f"the limit per day ({day}) can't be lower than the limit per hour "
                       f"({hour})")


def load(saved: dict) -> dict:
    """DEFAULTS with the saved values on top; a saved value that no longer passes is skipped
    (and logged) so one bad entry in a file never stops the box."""
    result = defaults()
    for key in sorted(saved, key=lambda k: k != "region"):
        value = saved[key]
        parts = value.items() if key in MERGED_BY_KEY and isinstance(value, dict) else [None]
        for part in parts:
            patch = {key: dict([part])} if part else {key: value}
            if key in CAPS:      # checked against each other: loaded together
                patch = {cap: saved[cap] for cap in CAPS if cap in saved}
            try:
                result = validate_patch(result, patch)
            except ValidationError as error:
                log.warning("ignoring saved setting %s: %s", key, error)
    return result


def differences(settings: dict) -> dict:
    """What differs from DEFAULTS (per key inside messages/hours): what is worth saving."""
    changed = {}
    for key, value in settings.items():
        if key not in FIELD_BY_NAME:
            continue
        default = DEFAULTS[key]
        if key in MERGED_BY_KEY and isinstance(value, dict):
            inner = {k: v for k, v in value.items() if default.get(k) != v}
            if inner:
                changed[key] = inner
        elif value != default:
            changed[key] = copy.deepcopy(value)
    return changed


def _check(key: str, value: Any, region: str, errors: dict) -> Any:
    return check(FIELD_BY_NAME[key], key, value, region, errors)
