"""A number's history as the automatic-text rules read it, and what an automatic text changes
on the contact. Shared by the text-back (service/textback.py) and the first-text
acknowledgement (receiving/first_text.py), so both obey the same cooldown, daily cap and STOP.
Pure: the contact record and the shop's date in, values out.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from appliance.core import schedule
from appliance.core.policy import NumberHistory
from appliance.core.records import Contact
from appliance.core.stamps import from_iso


def history_of(contact: Optional[Contact], today: str) -> NumberHistory:
    """What the policy needs to know about `contact` (None: a number never seen)."""
    contact = contact or Contact()
    return NumberHistory(
        last_textback_at=_parse(contact.last_textback_at),
        textbacks_today=int((contact.textbacks_by_day or {}).get(today, 0)),
        opted_out=bool(contact.opted_out),
        last_inbound_at=_parse(contact.last_inbound_at),
    )


def automatic_text_fields(contact: Optional[Contact], today: str, now: datetime,
                          how: str) -> dict:
    """The contact's changes when an automatic text goes to it: the cooldown's start, the
    day's count, and (the first time) consent, with `how` the customer reached the shop."""
    contact = contact or Contact()
    by_day = dict(contact.textbacks_by_day or {})
    by_day[today] = by_day.get(today, 0) + 1
    consent = list(contact.consent or [])
    if not consent:
        consent.append({"at": now.isoformat(), "event": "opted_in", "how": how})
    return {"last_textback_at": now.isoformat(), "textbacks_by_day": by_day,
            "consent": consent}


def shop_date(settings, now: datetime) -> str:
    """The shop's date at `now` (the daily cap's day), as YYYY-MM-DD."""
    return schedule.shop_time(settings, now).date().isoformat()


def _parse(value) -> Optional[datetime]:
    return from_iso(value) if isinstance(value, str) and value else value or None
