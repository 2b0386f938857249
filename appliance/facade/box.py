"""The box as the web page sees it: read models from the store, commands to the service.

The web layer never touches the modem, the outbox or the detector. Reads go through the store
(which has its own lock); anything that changes state runs on the service thread via
`service.call`, so the service stays the only writer of decisions.
"""
from __future__ import annotations

import ipaddress
import logging
from datetime import date
from pathlib import Path
from typing import Callable, Optional

from appliance.core import caller_id, countries, numbers, policy, templates
from appliance.core import settings as settings_rules
from appliance.core.domain import SendText, ValidationError
from appliance.core.ports import DemoPhone, WifiControl
from appliance.core.records import Contact, Message
from appliance.core.segments import REPLY_MAX_CHARS
from appliance.facade import later
from appliance.facade.access import Access
from appliance.facade.outreach import Outreach
from appliance.facade.results import Results
from appliance.facade.status import BoxStatus

log = logging.getLogger(__name__)

THREAD_LIMIT = 300      # a thread shows its newest texts; years of them would not load fast


class Box(Access, Outreach):
    """Facade handed to web.create_app (passwords, sessions and the like: access.py; new
    conversations and consent: outreach.py)."""

    def __init__(self, data_dir: Path, store, service, commands, outgoing, status: BoxStatus,
                 results: Results, clock: Callable, wifi: Optional[WifiControl] = None,
                 demo_phone: Optional[DemoPhone] = None, integrations=None,
                 hotspot_clients: Optional[str] = None, voicemail=None):
        self.data_dir = Path(data_dir)
        self.store = store
        self.service = service          # runs changes on the service thread (`call`)
        self.commands = commands
        self.outgoing = outgoing
        self.clock = clock
        self.wifi = wifi                # None where the operating system manages Wi-Fi
        self.demo_phone = demo_phone    # demo mode's pretend customer, else None
        self.voicemail = voicemail      # facade/voicemail.py; None on a box without a modem
        self.demo = status.demo
        self.box_id = status.box_id     # stable per data folder (integrations/box_id.py)
        self.integrations = integrations    # MQTT and webhooks (the Connections page)
        if hotspot_clients:
            self.hotspot_clients = ipaddress.ip_network(hotspot_clients)
        self._status = status
        self._results = results

    # --- status -----------------------------------------------------------------------------

    def status(self) -> dict:
        """/api/status and the page's headline (facade/status.py)."""
        return self._status.report()

    def auto_text_cap(self, settings: Optional[dict] = None) -> Optional[dict]:
        """While the box-wide cap holds automatic texts back, what it is; else None."""
        return self._status.auto_text_cap(settings)

    def modem_profile(self) -> dict:
        """What start-up learnt about the modem, for the Setup page (core/health.py)."""
        return self._status.modem_profile()

    def box_number(self) -> Optional[str]:
        """The box's own number: what the SIM reports, else what the owner typed."""
        return self._status.box_number()

    def caller_id_notice(self) -> Optional[dict]:
        """While calls keep arriving as the shop's own number: what to tell the owner
        (core/caller_id.py); else None."""
        return caller_id.notice(self.store.box_state())

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
        return [_summary(Contact.from_row(c)) for c in found], following

    def conversation(self, number: str, limit: Optional[int] = THREAD_LIMIT) -> Optional[dict]:
        """The conversation's newest `limit` texts, oldest first (None: all of them)."""
        contact = self.store.contact(number)
        if not contact:
            return None
        messages = [{"id": m.id, "direction": m.direction, "text": m.text, "at": m.at,
                     "status": m.status, "kind": m.kind, "error": m.error,
                     "parts_missing": m.parts_missing}
                    for m in self.store.messages_for(number, limit=limit)]
        return {"number": number, "messages": messages, "contact": _summary(contact)}

    def later_texts(self, number: str) -> list[dict]:
        """The number's follow-ups and review requests still planned or not sent (later.py)."""
        return later.notes(self.store, number, self.clock())

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
        if contact and contact.unread:     # a write only when something changes
            self.service.call(lambda: self.store.update_contact(number, unread=0))

    def mark_booked(self, number: str, value: Optional[float], booked: bool = True) -> Contact:
        if not self.store.contact(number):
            raise ValidationError({"number": "no conversation with this number"})
        if value is not None and (not isinstance(value, (int, float)) or value < 0):
            raise ValidationError({"job_value": "must be a number of 0 or more"})
        at = self.clock().isoformat() if booked else None
        return self.service.call(lambda: self.store.update_contact(
            number, booked=bool(booked), booked_at=at, job_value=value if booked else None))

    def send_reply(self, number: str, text) -> Message:
        if not isinstance(text, str) or not text.strip():
            raise ValidationError({"text": "the message is empty"})
        if len(text) > REPLY_MAX_CHARS:
            raise ValidationError({"text": f"the message is too long ({REPLY_MAX_CHARS} "
                                           "characters at most)"})
        contact = self.store.contact(number)
        if not contact:
            raise ValidationError({"number": "no conversation with this number"})
        if contact.opted_out:
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
            sim = self._status.sim_number()
            if sim and merged.get("owner_phone") == sim:
                raise ValidationError({"owner_phone": "this is the box's own number (its SIM); "
                                                      "use your mobile"})
            self.store.save_settings(merged)
            self.store.log_event("settings", "Settings changed: " + ", ".join(sorted(patch)))
            return merged
        return self.service.call(apply)

    def pause(self, on: bool) -> None:
        self.service.call(lambda: self.commands.set_paused(on, self.clock(), confirm=False))

    def send_test(self, kind: str) -> Message:
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
        return holiday_prefill.suggestions(settings.region,
                                           settings.get("holiday_region") or None, int(year))

    def holiday_suggestions_two_years(self, year: int) -> list:
        """`year`'s and the next year's public holidays, each fixed one with its "yearly" day."""
        settings = self.store.settings()
        from appliance.core import holiday_prefill
        return holiday_prefill.two_years(settings.region,
                                         settings.get("holiday_region") or None, int(year))

    # --- connections to the shop's other systems ----------------------------------------------

    def connections(self) -> Optional[dict]:
        """{"mqtt": the bridge's state, "results": each webhook's last delivery, "pending":
        deliveries waiting per webhook}; None on a box without integrations."""
        if self.integrations is None:
            return None
        hooks = self.integrations.webhooks
        return {"mqtt": self.integrations.mqtt.state(), "results": hooks.results(),
                "pending": hooks.pending()}

    def test_webhook(self, url: str):
        """Send a signed test event to the webhook at `url` now; its Attempt (ok, status,
        error), or None on a box without integrations."""
        if self.integrations is None:
            return None
        return self.integrations.webhooks.send_test(url)

    # --- results ----------------------------------------------------------------------------

    def stats(self, days: int = 30, start: Optional[date] = None,
              end: Optional[date] = None) -> dict:
        return self._results.stats(days=days, start=start, end=end)


def _summary(contact: Contact) -> dict:
    """What the pages show of a conversation (also built from the contacts' index, whose
    summaries carry only these fields)."""
    return {"number": contact.number, "last_at": contact.last_at,
            "last_text": contact.last_text, "unread": int(contact.unread or 0),
            "opted_out": bool(contact.opted_out), "tag": contact.tag,
            "booked": bool(contact.booked), "job_value": contact.job_value,
            "name": contact.name}

