"""The rules every automatic text obeys, and the box-wide cap's count and alarm.

An automatic text is one the box words by itself to a customer: the text-back, the answers to
STOP, START and HELP, the acknowledgement of a first text, the follow-up and the review request.
Caller ID (and a text's sender) is easy to fake, so each one may go only to a person's phone in
an allowed country (policy.destination_reason), and the whole box sends at most so many an hour
and a day (policy.cap_window). The owner's own replies are not automatic.

The count lives in memory: a text is counted when it is queued, so nothing more is written on a
text-back's way to the modem (the outbox stays the only write before AT+CMGS). At start-up the
count is rebuilt from the stored outgoing texts of the last 24 hours (and the outbox's, whose
records may not be stored yet), so a restart does not reset it. When the cap stops a text the
owner gets ONE text and the page shows one banner for the whole trip; the trip is kept in the
box state, so a restart does not text the owner again. A trip ends with the next automatic text
that is allowed (the count fell, or the owner raised the cap).
"""
from __future__ import annotations

import bisect
import logging
import threading
from datetime import datetime, timedelta
from typing import Optional

from appliance.core import numbers, policy, schedule
from appliance.core.domain import SendText
from appliance.core.stamps import from_iso, to_iso

log = logging.getLogger(__name__)

AUTOMATIC_KINDS = ("textback", "keyword", "first_text", "follow_up", "review_request")
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
TRIP_KEY = "auto_text_cap_trip"
SETTING_NAMES = {"hour": "Automatic texts per hour", "day": "Automatic texts per day"}


class AutoTexts:
    """Checks, counts and (once per trip) reports the box's automatic texts; thread-safe."""

    def __init__(self, store, outgoing):
        self.store = store
        self.outgoing = outgoing
        self._lock = threading.Lock()
        self._times: Optional[list] = None       # when each counted text was queued, sorted

    # --- the count ------------------------------------------------------------------------

    def count(self, now: datetime) -> policy.AutoTextCount:
        """Automatic texts within an hour and a day of `now` (either side: a clock stepped back
        keeps recent texts counted but cannot freeze the cap). Cheap with any cap: bisection."""
        with self._lock:
            times = self._loaded(now)
            return policy.AutoTextCount(_within(times, now, HOUR), _within(times, now, DAY))

    def sent(self, now: datetime) -> None:
        """An automatic text was just queued."""
        with self._lock:
            bisect.insort(self._loaded(now), now)

    def _loaded(self, now: datetime) -> list:
        """The times of the counted texts, sorted, none older than a day."""
        if self._times is None:
            self._times = sorted(self._stored_since(now - DAY, now))
        del self._times[:bisect.bisect_right(self._times, now - DAY)]
        return self._times

    def _stored_since(self, since: datetime, now: datetime) -> list:
        """The stored automatic texts, and those in the outbox whose message a crash or a full
        disk kept from the store (the outbox item is always written first)."""
        rows = self.store.messages_between(since, now + DAY, direction="out")
        stored = {m.id for m in rows}
        times = [from_iso(m.at) for m in rows if m.kind in AUTOMATIC_KINDS]
        for item in self.store.outbox_items():
            at = from_iso(item.created_at)
            if item.kind in AUTOMATIC_KINDS and item.message_id not in stored \
                    and since <= at < now + DAY:
                times.append(at)
        return times

    # --- the gate for automatic texts other than the text-back ----------------------------

    def refusal(self, number: str, settings: dict, now: datetime) -> Optional[str]:
        """Why no automatic text may go to `number` now (an outcome word), else None. A cap
        trip is reported as for a text-back."""
        line = numbers.line_of(number)
        reason = policy.destination_reason(line and line.country, line and line.kind, settings)
        if reason:
            return reason
        if policy.cap_window(self.count(now), settings):
            self.stopped(settings, now)
            return "box_cap"
        self.passed(now)
        return None

    # --- trips ----------------------------------------------------------------------------

    def stopped(self, settings: dict, now: datetime) -> None:
        """The cap stopped a text. The first time in a trip: log it and text the owner."""
        if self.store.box_state().get(TRIP_KEY):
            return
        window = policy.cap_window(self.count(now), settings) or "hour"
        self.store.update_box_state(**{TRIP_KEY: {"since": to_iso(now), "window": window}})
        limit = policy.cap_limits(settings)[0 if window == "hour" else 1]
        log.warning("box-wide cap reached: %d automatic texts in the last %s", limit, window)
        self.store.log_event("box_cap", f"Automatic texts stopped: {limit} in the last {window}, "
                             f"the box's limit. Raise it in Settings if this was real.",
                             level="warn")
        owner = settings.get("owner_phone")
        if owner:
            self.outgoing.queue_text(SendText(to=owner, kind="owner",
                                              text=alarm_text(window, limit)), now)

    def passed(self, now: datetime) -> None:
        """An automatic text was allowed: a trip, if there was one, is over."""
        if self.store.box_state().get(TRIP_KEY):
            self.store.update_box_state(**{TRIP_KEY: None})
            self.store.log_event("box_cap", "Automatic texts are going out again")

    def trip(self, settings: dict, now: datetime) -> Optional[dict]:
        """For the page's banner, while the cap holds texts back: {"window", "limit", "sent",
        "since" (shop time), "setting"}; None otherwise."""
        tripped = self.store.box_state().get(TRIP_KEY)
        count = self.count(now)
        window = policy.cap_window(count, settings)
        if not tripped or not window:
            return None
        limit = policy.cap_limits(settings)[0 if window == "hour" else 1]
        since = schedule.shop_time(settings, from_iso(tripped["since"]))
        return {"window": window, "limit": limit, "since": since.strftime("%H:%M"),
                "sent": count.last_hour if window == "hour" else count.last_day,
                "setting": SETTING_NAMES[window]}


def _within(times: list, now: datetime, window: timedelta) -> int:
    return bisect.bisect_left(times, now + window) - bisect.bisect_right(times, now - window)


def alarm_text(window: str, limit: int) -> str:
    """The owner's text when the cap trips (GSM-7, two texts at most)."""
    return (f"TextBack: {limit} automatic texts in the last {window}, the box's limit. Missed "
            f"callers are not texted until the {window} frees up. Many calls at once can mean "
            f"someone is faking caller IDs to run up your bill. To raise the limit: Settings, "
            f"{SETTING_NAMES[window]}.")
