"""The owner's settings as the box reads them: a frozen `Settings`, one attribute per setting of
the schema (core/settings.py FIELDS), and its defaults, the only ones (settings.DEFAULTS is
`Settings().as_dict()`).

The store hands out a `Settings` (`settings.region`, `settings.messages["weekend"]`). It is also
a read-only mapping, so code and templates that read `settings["region"]` or
`settings.get("region")` read the same values; a change is a new dict (`{**settings, ...}`)
checked by settings.validate_patch and saved by the store.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Iterator, Optional

from appliance.core import settings_connections
from appliance.core.settings_checks import DAYS
from appliance.core.templates import DEFAULT_MESSAGES, LATER_MESSAGES

URGENT_WORDS = ["urgent", "emergency", "asap", "leak", "flood", "burst", "no heat", "no power",
                "gas", "sparking"]
QUICK_REPLIES = ["Here's a link to grab a time that works for you: {booking_link}",
                 "On my way!",
                 "I'll call you in 20 minutes.",
                 "Can you tell me a bit more about the problem?",
                 "What's the address for the job?"]


def _hours() -> dict:
    return {**{day: [["08:00", "17:00"]] for day in DAYS[:5]}, "sat": [], "sun": []}


@dataclass(frozen=True, eq=False)
class Settings(Mapping):
    """Every setting, in the schema's order (the API shows them in this order)."""
    business_name: str = ""
    owner_name: str = ""
    owner_phone: str = ""
    owner_email: str = ""               # given to customers who send a picture to the box
    emergency_number: str = ""
    booking_link: str = ""
    review_link: str = ""
    box_number: str = ""
    business_phone: list = field(default_factory=list)     # the shop's own line(s)
    timezone: str = "America/New_York"
    region: str = "US"
    holiday_region: Optional[str] = None
    hours: dict = field(default_factory=_hours)
    holidays: list = field(default_factory=list)
    holidays_yearly: list = field(default_factory=list)     # "MM-DD", every year
    messages: dict = field(default_factory=lambda: {**DEFAULT_MESSAGES, "direct": "",
                                                    "break": "", **LATER_MESSAGES})
    away: dict = field(default_factory=lambda: {"on": False, "until": None})
    paused: bool = False
    forward_replies: bool = True
    fault_texts: bool = True          # text the owner when the box needs a person
    weekly_summary: bool = False      # text the owner the week's figures on Mondays
    reject_after_seconds: Optional[int] = None
    cooldown_minutes: int = 720
    daily_cap: int = 3
    active_conversation_hours: float = 4
    first_text_reply: bool = True           # answer a new customer's first text after hours
    first_text_reply_in_hours: bool = False  # ... and during opening hours too
    ring_gap_seconds: float = 8
    exclude: list = field(default_factory=list)
    allowed_countries: list = field(default_factory=list)
    auto_texts_per_hour: int = 20
    auto_texts_per_day: int = 100
    urgent_words: list = field(default_factory=lambda: list(URGENT_WORDS))
    quick_replies: list = field(default_factory=lambda: list(QUICK_REPLIES))
    average_job_value: float = 400
    # Texts sent hours later (core/follow_ups.py); both off until the owner switches them on.
    follow_up: dict = field(default_factory=lambda: {"on": False, "after_hours": 4})
    review_request: dict = field(default_factory=lambda: {"on": False, "after_hours": 24})
    # Connections to the shop's other systems (settings_connections.py).
    mqtt: dict = field(default_factory=lambda: dict(settings_connections.MQTT_DEFAULTS))
    webhooks: list = field(default_factory=list)

    @classmethod
    def from_dict(cls, values: Mapping) -> "Settings":
        """The settings `values` names (the rest at their defaults); unknown keys are left out."""
        return cls(**{name: copy.deepcopy(values[name]) for name in NAMES if name in values})

    def as_dict(self) -> dict:
        """A plain dict of every setting (a copy: changing it changes nothing here)."""
        return {name: copy.deepcopy(getattr(self, name)) for name in NAMES}

    def __getitem__(self, name: str) -> Any:
        if name not in _NAME_SET:
            raise KeyError(name)
        return getattr(self, name)

    def __iter__(self) -> Iterator[str]:
        return iter(NAMES)

    def __len__(self) -> int:
        return len(NAMES)

    def __eq__(self, other) -> bool:
        return isinstance(other, Mapping) and dict(self) == dict(other)


NAMES = tuple(f.name for f in fields(Settings))
_NAME_SET = frozenset(NAMES)
