"""The box as the web page sees it: read models from the store, commands to the service.

The web layer never touches the modem, the outbox or the detector. Reads go through the store
(which has its own lock); anything that changes state runs on the service thread via
`service.call`, so the service stays the only writer of decisions.
"""
from __future__ import annotations

import ipaddress
import logging
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Optional

from appliance.core import countries, health, numbers, policy, schedule, stats, templates
from appliance.core import settings as settings_rules
from appliance.facade.access import Access
from appliance.core.domain import SendText, ValidationError

log = logging.getLogger(__name__)

VERSION = "1.0.0"
COUNTS_TTL = 2.0
THREAD_LIMIT = 300      # a thread shows its newest texts; years of them would not load fast


class Box(Access):
    """Facade handed to web.create_app (passwords, sessions and the like: access.py)."""

    def __init__(self, data_dir: Path, store, service, commands, outgoing, outbox, modem, clock,
                 demo: bool = False, simulator=None, wifi=None,
                 addresses=lambda: [], box_id: Optional[str] = None, auto_texts=None,
                 hotspot_clients: Optional[str] = None, storage=lambda: {"full": False}):
        self.data_dir = Path(data_dir)
        self.store = store
        self.service = service
        self.commands = commands
        self.outgoing = outgoing
        self.outbox = outbox
        self.modem = modem
        self.clock = clock
        self.demo = demo
        self.simulator = simulator
        self.wifi = wifi
        self._addresses = addresses
        self.box_id = box_id            # stable per data folder (integrations/box_id.py)
        self.integrations = None        # MQTT and webhooks, set by the composition root
        self.auto_texts = auto_texts
        if hotspot_clients:
            self.hotspot_clients = ipaddress.ip_network(hotspot_clients)
        self.storage = storage          # {"full", "waiting", "free_mb"} of the data folder
        self._counts_cache: Optional[tuple] = None

    # --- status -----------------------------------------------------------------------------

    def status(self) -> dict:
        modem = self.modem.status
        counts = self.outbox.counts()
        storage = self.storage()
        settings = self.store.settings()
        paused = bool(settings.get("paused"))
        away = schedule.away_active(settings, self.clock())     # what the light shows too
        verdict = health.assess(modem.state, counts.get("queued", 0), counts.get("failed", 0),
                                modem.last_error, counts.get("unconfirmed", 0), paused, away,
                                disk_full=storage["full"])
        today, month = self._today_and_month(settings)
        return {
            "modem": health.modem_summary(modem),
            "outbox": {"queued": counts.get("queued", 0), "failed": counts.get("failed", 0)},
            "paused": paused,
            "away": away,
            "version": VERSION,
            "health": verdict.as_dict(),
            "storage": storage,
            "unread": self.unread(),
            "today": today,
            "month": month,
            "addresses": list(self._addresses()),
            "demo": self.demo,
            "ringing": self._ringing(),
            "box_id": self.box_id,
            "box_cap": self.auto_text_cap(settings),
        }

    def auto_text_cap(self, settings: Optional[dict] = None) -> Optional[dict]:
        """While the box-wide cap holds automatic texts back: {"window", "limit", "sent",
        "since", "setting"} (see auto_texts.py); None while texts flow."""
        if self.auto_texts is None:
            return None
        return self.auto_texts.trip(settings or self.store.settings(), self.clock())

    def _ringing(self) -> Optional[dict]:
        """The call ringing right now, if any (a snapshot; the detector's state is immutable)."""
        ringing = self.service.detector.ringing
        if ringing is None:
            return None
        return {"number": ringing.number, "withheld": ringing.withheld, "rings": ringing.rings,
                "started_at": ringing.started_at.isoformat()}

    def _today_and_month(self, settings: dict):
        # The page polls every few seconds: the month's sums are worked out at most every 2 s.
        now = time.monotonic()
        if self._counts_cache and now - self._counts_cache[0] < COUNTS_TTL:
            return self._counts_cache[1]
        counts = self._count_today_and_month(settings)
        self._counts_cache = (now, counts)
        return counts

    def _count_today_and_month(self, settings: dict):
        zone = _zone(settings)
        local = self.clock().astimezone(zone).date()
        today = self.stats(start=local, end=local)
        month = self.stats(start=local.replace(day=1), end=local)
        keys = ("missed", "texted", "replied", "booked")
        return ({k: today[k] for k in keys}, {k: month[k] for k in keys})

    def modem_profile(self) -> dict:
        """What start-up learnt about the modem, for the Setup page (appliance/core/health.py)."""
        return health.modem_profile(self.modem.status)

    def status_facts(self) -> dict:
        """What the owner's STATUS text and the button's status report say."""
        status = self.status()
        return {"state": status["modem"]["state"], "signal_percent": status["modem"]["signal_percent"],
                "operator": status["modem"]["operator"], "queued": status["outbox"]["queued"],
                "failed": status["outbox"]["failed"], "paused": status["paused"],
                "away": status["away"], "addresses": status["addresses"], **status["today"]}

    def unread(self) -> int:
        """Replies nobody has read yet (cheap: kept as a running total by the store)."""
        return self.store.unread_total()

    def events(self, limit: int = 50) -> list:
        return self.store.events(limit=limit)

    # --- calls and conversations -------------------------------------------------------------

    def calls(self, limit=100, outcome=None, number=None, since=None, until=None) -> list:
        return self.store.calls(limit=limit, since=since, until=until, outcome=outcome,
                                number=number)

    def conversations(self, search: Optional[str] = None, limit: Optional[int] = None) -> list:
        """Customer conversations, newest first (the first `limit`, or all)."""
        found, _ = self.conversation_page(limit=limit, search=search)
        return found

    def conversation_page(self, limit: Optional[int] = 50, before: Optional[str] = None,
                          search: Optional[str] = None) -> tuple[list, Optional[str]]:
        """(customer conversations newest first, the cursor of the next page or None); the
        owner's own phone (forwards, commands) is not one. ValueError for a bad cursor."""
        owner = self.store.settings().get("owner_phone")
        found, following = self.store.conversation_page(
            limit=limit if limit is not None else 1 << 30, before=before, search=search,
            skip=(owner,) if owner else ())
        return [_summary(c) for c in found], following

    def conversation(self, number: str, limit: Optional[int] = THREAD_LIMIT) -> Optional[dict]:
        """The conversation's newest `limit` texts, oldest first (None: all of them)."""
        contact = self.store.contact(number)
        if not contact:
            return None
        messages = [{"id": m["id"], "direction": m["direction"], "text": m["text"], "at": m["at"],
                     "status": m.get("status"), "kind": m.get("kind"), "error": m.get("error"),
                     "parts_missing": m.get("parts_missing")}
                    for m in self.store.messages_for(number, limit=limit)]
        return {"number": number, "messages": messages, "contact": _summary(contact)}

    def automatic_texts_refused(self, number: str) -> Optional[dict]:
        """Why the box never texts `number` by itself: {"reason": "premium" | "service_number" |
        "foreign", "country": its name}; None when it may. The owner's own replies still go
        (the page warns instead)."""
        line = numbers.line_of(number)
        reason = policy.destination_reason(line and line.country, line and line.kind,
                                           self.store.settings())
        if not reason:
            return None
        return {"reason": reason, "country": countries.name(line.country) if line else ""}

    def mark_read(self, number: str) -> None:
        contact = self.store.contact(number)
        if contact and contact.get("unread"):     # a write only when something changes
            self.service.call(lambda: self.store.update_contact(number, unread=0))

    def mark_booked(self, number: str, value: Optional[float], booked: bool = True) -> dict:
        if not self.store.contact(number):
            raise ValidationError({"number": "no conversation with this number"})
        if value is not None and (not isinstance(value, (int, float)) or value < 0):
            raise ValidationError({"job_value": "must be a number of 0 or more"})
        at = self.clock().isoformat() if booked else None
        return self.service.call(lambda: self.store.update_contact(
            number, booked=bool(booked), booked_at=at, job_value=value if booked else None))

    def send_reply(self, number: str, text) -> dict:
        if not isinstance(text, str) or not text.strip():
            raise ValidationError({"text": "the message is empty"})
        if len(text) > 1000:
            raise ValidationError({"text": "the message is too long (1000 characters at most)"})
        contact = self.store.contact(number)
        if not contact:
            raise ValidationError({"number": "no conversation with this number"})
        if contact.get("opted_out"):
            raise ValidationError({"number": "this customer texted STOP; they can't be texted "
                                   "until they text START"})
        if not numbers.is_textable(number):
            raise ValidationError({"number": "this number can't receive texts"})
        return self.service.call(lambda: self.outgoing.queue_text(
            SendText(to=number, text=text.strip(), kind="reply"), self.clock()))

    # --- settings ---------------------------------------------------------------------------

    def settings(self) -> dict:
        return self.store.settings()

    def update_settings(self, patch) -> dict:
        if not isinstance(patch, dict):
            raise ValidationError({"body": "send a JSON object of settings"})

        def apply():
            merged = settings_rules.validate_patch(self.store.settings(), patch)
            sim = self.modem.status.sim_number
            if sim and merged.get("owner_phone") == sim:
                raise ValidationError({"owner_phone": "this is the box's own number (its SIM); "
                                                      "use your mobile"})
            self.store.save_settings(merged)
            self.store.log_event("settings", "Settings changed: " + ", ".join(sorted(patch)))
            return merged
        return self.service.call(apply)

    def pause(self, on: bool) -> None:
        self.service.call(lambda: self.commands.set_paused(on, self.clock(), confirm=False))

    def send_test(self, kind: str) -> dict:
        settings = self.store.settings()
        if kind not in settings["messages"]:
            raise ValidationError({"kind": f"unknown message kind {kind!r}"})
        owner = settings.get("owner_phone")
        if not owner:
            raise ValidationError({"owner_phone": "set the owner's phone in Settings first"})
        text = templates.fill(settings["messages"][kind], settings)
        if not text.strip():
            raise ValidationError({"kind": f"the {kind} message is empty"})
        return self.service.call(lambda: self.outgoing.queue_text(
            SendText(to=owner, text=text, kind="test"), self.clock()))

    def holiday_suggestions(self, year: int) -> list:
        settings = self.store.settings()
        from appliance.core import holiday_prefill
        return holiday_prefill.suggestions(settings.get("region", "US"),
                                           settings.get("holiday_region") or None, int(year))

    # --- results ----------------------------------------------------------------------------

    def stats(self, days: int = 30, start: Optional[date] = None,
              end: Optional[date] = None) -> dict:
        settings = self.store.settings()
        zone = _zone(settings)
        if end is None:
            end = self.clock().astimezone(zone).date()
        if start is None:
            start = end - timedelta(days=max(1, int(days)) - 1)
        result = stats.totals(self.store.day_counts(start, end), self.store.booked_contacts(),
                              start, end, zone, settings.get("average_job_value", 400))
        result.update(start=start.isoformat(), end=end.isoformat())
        return result


def _summary(contact: dict) -> dict:
    return {"number": contact["number"], "last_at": contact.get("last_at"),
            "last_text": contact.get("last_text"), "unread": int(contact.get("unread") or 0),
            "opted_out": bool(contact.get("opted_out")), "tag": contact.get("tag"),
            "booked": bool(contact.get("booked")), "job_value": contact.get("job_value"),
            "name": contact.get("name")}


def _zone(settings: dict):
    return schedule.shop_zone(settings)
