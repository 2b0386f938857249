"""What happens when a customer (or the owner) texts the box, and when a delivery report comes.

Runs on the service thread, after the text is stored durably (inbox.py sees to that). Customer
replies: kept in the conversation, STOP/START/HELP honoured with one confirmation, urgent words
alerted to the owner at once, others forwarded to the owner when forwarding is on. The owner's
texts: answers to a customer (by tag), STATUS / PAUSE / RESUME / HELP, or a helpful error.
Never forwards the owner's own texts to the owner and never answers alphanumeric senders or
short codes, so no loops.
"""
from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta
from typing import Callable

from appliance.core import box_events, first_text, incoming, keywords, numbers, relay
from appliance.core.domain import DeliveryReport, SendText
from appliance.core.reassembly import Assembled
from appliance.core.records import Contact, Message
from appliance.core.settings import setting
from appliance.receiving import network_texts
from appliance.receiving.first_text import FirstTextReply

log = logging.getLogger(__name__)

REPORT_WINDOW = timedelta(days=7)
OWNER_ERRORS_PER_HOUR = 5
CONFIRMATIONS = {
    "stop": "You won't get more texts from {name}. Text START to undo.",
    "start": "You're back in: {name} can text you again. Text STOP to opt out.",
}


class Replies:
    """Customer replies, owner relay and delivery reports."""

    def __init__(self, store, outgoing, commands, status_facts: Callable[[], dict],
                 box_number: Callable[[], object] = lambda: None,
                 notify: Callable[[object], None] = lambda event: None, auto_texts=None):
        self.store = store
        self.notify = notify            # box events out (MQTT, webhooks); never blocks
        self.outgoing = outgoing
        self.auto_texts = auto_texts
        self.commands = commands
        self.status_facts = status_facts
        self.box_number = box_number
        self.network = network_texts.NetworkTexts(store, outgoing)
        self.first_text = FirstTextReply(store, outgoing, auto_texts, box_number)
        self._owner_errors: list[datetime] = []
        self.held_back: list[tuple[str, str]] = []    # confirmations waiting for a durable STOP

    def received(self, number: str, whole: Assembled, fp: str, now: datetime) -> None:
        """Store a received text (not yet `handled`), then act on it, then mark it handled; a
        crash in between is finished by `finish_unhandled` when the text is read again."""
        settings = self.store.settings()
        kind = self._kind(number, whole, settings)
        first = kind == "reply" and first_text.is_first(self.store.contact(number), now)
        message = self.store.add_message({
            "number": number, "direction": "in", "text": whole.text, "at": now,
            "status": "received", "kind": kind,
            "sent_at": whole.sent_at, "parts_missing": whole.parts_missing or None,
            "fingerprint": fp, "handled": False, **({"first_text": True} if first else {}),
            **(network_texts.fields(whole) if kind == "network" else {})})
        self.act(message, settings, now)

    def finish_unhandled(self, message: Message, now: datetime) -> None:
        """A text stored before a crash but never acted on (its STOP, forward ...): act now."""
        if message.handled is False:
            log.info("finishing text %s that a restart interrupted", message.id)
            self.act(message, self.store.settings(), now)

    def _kind(self, number: str, whole: Assembled, settings: dict) -> str:
        if number == settings.get("owner_phone"):
            return "owner"
        if whole.nature == "picture":
            return "picture"
        if incoming.from_network(whole.sender, setting(settings, "region"), whole.nature):
            return "network"        # the carrier and services: their own list, never answered
        if number == self.box_number():
            return "automated"      # our own SIM: never answered
        return "keyword" if keywords.classify(whole.text) else "reply"

    def act(self, message: Message, settings: dict, now: datetime) -> None:
        number, text, kind = message.number, message.text, message.kind
        if kind == "owner":
            self._owner_text(text, settings, now)
        elif kind == "network":
            self.network.act(message, settings, now)
        else:
            contact = self.store.contact(number) or Contact(number=number)
            self.store.update_contact(number, unread=int(contact.unread or 0) + 1)
            if kind == "automated":
                log.info("text from %s kept; automated senders are never answered", number)
            elif kind == "picture":
                if settings.get("owner_phone"):     # the owner must ask for it another way
                    self._forward(number, text, [], settings, now)
                self.notify(box_events.reply_received(message, [], now))
            else:
                self._customer_text(number, text, settings, contact, now)
                if kind == "reply":
                    urgent = keywords.urgent_words_in(text, settings.get("urgent_words") or [])
                    self.notify(box_events.reply_received(message, urgent, now))
                if message.first_text:
                    self.first_text.answer(number, settings, now)
        self.store.update_message(message.id, handled=True)

    # --- customers --------------------------------------------------------------------------

    def _customer_text(self, number: str, text: str, settings: dict, contact: Contact,
                       now: datetime) -> None:
        keyword = keywords.classify(text)
        name = settings.get("business_name") or "us"
        if keyword == "stop" and not contact.opted_out:
            self._consent(number, contact, "opted_out", now)
            self._confirm(number, CONFIRMATIONS["stop"].format(name=name), settings, now)
        elif keyword == "start" and contact.opted_out:
            self._consent(number, contact, "opted_in", now)
            self._confirm(number, CONFIRMATIONS["start"].format(name=name), settings, now)
        elif keyword == "help" and not contact.opted_out:
            self._answer(number, self._help_text(settings), settings, now)
        urgent = keywords.urgent_words_in(text, settings.get("urgent_words") or [])
        owner = settings.get("owner_phone")
        if owner and (urgent or settings.get("forward_replies")):
            self._forward(number, text, urgent, settings, now)

    def _answer(self, number: str, text: str, settings: dict, now: datetime) -> None:
        """An automatic answer to a keyword: it obeys the rules of every automatic text (a
        person's phone in an allowed country, the box-wide cap). The keyword itself is honoured
        either way."""
        refusal = self.auto_texts.refusal(number, settings, now) if self.auto_texts else None
        if refusal:
            log.info("not answering %s's keyword automatically: %s", number, refusal)
            return
        self._send(number, text, "keyword", now)
        if self.auto_texts:
            self.auto_texts.sent(now)

    def _confirm(self, number: str, text: str, settings: dict, now: datetime) -> None:
        """A STOP (or START) is confirmed only once it is on disk: while the data disk is full
        it waits in memory, and so does its confirmation (`send_held_back`); its text stays on
        the SIM (inbox.py), so after a power cut it is read and honoured again."""
        if self.store.make_durable():
            self._answer(number, text, settings, now)
        else:
            log.warning("%s's opt-out change waits for disk space; so does its confirmation",
                        number)
            self.held_back.append((number, text))

    def send_held_back(self, now: datetime) -> None:
        """The store is durable again: send the confirmations held back, in order."""
        held, self.held_back = self.held_back, []
        for number, text in held:
            self._answer(number, text, self.store.settings(), now)

    def _consent(self, number: str, contact: Contact, event: str, now: datetime) -> None:
        consent = list(contact.consent or [])
        consent.append({"at": now.isoformat(), "event": event, "how": "texted a keyword"})
        self.store.update_contact(number, opted_out=(event == "opted_out"), consent=consent)
        self.store.log_event("consent", f"{number} {event.replace('_', ' ')} by text")
        self.notify(box_events.opt_out_changed(number, event == "opted_out", now))

    def _help_text(self, settings: dict) -> str:
        name = settings.get("business_name") or "This number"
        reach = settings.get("emergency_number") or settings.get("owner_phone") or ""
        call = f" Call {reach} to reach a person." if reach else " Reply here to reach a person."
        return f"{name}: texts about your call.{call} Text STOP to opt out."

    def _forward(self, number: str, text: str, urgent: list, settings: dict,
                 now: datetime) -> None:
        tag = self._tag_for(number)
        shown = numbers.display(number, setting(settings, "region"))
        self._send(settings["owner_phone"], relay.format_forward(tag, shown, text, urgent),
                   "owner_alert" if urgent else "owner_forward", now)

    def _tag_for(self, number: str) -> str:
        contact = self.store.contact(number)
        if contact and contact.tag:
            return contact.tag
        existing = set(self.store.tags())
        tag = relay.new_tag(existing, random.SystemRandom().randrange(1 << 30))
        self.store.update_contact(number, tag=tag)
        return tag

    # --- the owner --------------------------------------------------------------------------

    def _owner_text(self, text: str, settings: dict, now: datetime) -> None:
        owner = settings["owner_phone"]
        tags = self.store.tags()
        meaning = relay.parse_owner_text(text, tags)
        if isinstance(meaning, relay.OwnerReply):
            customer = self.store.contact_by_tag(meaning.tag)
            if customer is None:
                self._send(owner, f"Not sent: no conversation #{meaning.tag}.", "owner", now)
                return
            number = customer.number
            if customer.opted_out:
                self._send(owner, f"Not sent: {number} texted STOP.", "owner", now)
                return
            self._send(number, meaning.text, "reply", now)
            shown = numbers.display(number, setting(settings, "region"))
            self._send(owner, relay.format_confirmation(meaning.tag, shown), "owner", now)
        elif isinstance(meaning, relay.OwnerCommand):
            self._owner_command(meaning.name, owner, tags, now)
        elif self._may_explain(now):
            self._send(owner, meaning.explanation, "owner", now)

    def _may_explain(self, now: datetime) -> bool:
        """At most a few format explanations an hour: two boxes (or a misconfigured owner
        number) must never text each other in a loop."""
        self._owner_errors = [t for t in self._owner_errors if now - t < timedelta(hours=1)]
        if len(self._owner_errors) >= OWNER_ERRORS_PER_HOUR:
            log.warning("not explaining the owner's text format again this hour")
            return False
        self._owner_errors.append(now)
        return True

    def _owner_command(self, name: str, owner: str, tags: list, now: datetime) -> None:
        if name == "status":
            self._send(owner, relay.format_status(self.status_facts()), "status", now)
        elif name == "pause":
            self.commands.set_paused(True, now)
        elif name == "resume":
            self.commands.set_paused(False, now)
        else:
            self._send(owner, relay.format_help(tags), "owner", now)

    def _send(self, to: str, text: str, kind: str, now: datetime) -> None:
        self.outgoing.queue_text(SendText(to=to, text=text, kind=kind), now)

    # --- delivery reports -------------------------------------------------------------------

    def delivery_report(self, report: DeliveryReport, now: datetime) -> None:
        region = self.store.settings().region
        number = numbers.to_e164(report.recipient, None, region) if report.recipient else None
        message = self.store.find_sent_by_reference(report.reference, number,
                                                    since=now - REPORT_WINDOW)
        if message is None:
            log.info("delivery report for unknown reference %s", report.reference)
            return
        if report.delivered or report.final:
            self.notify(box_events.delivery_reported(message, report.delivered, now))
        if report.delivered:
            self.store.update_message(message.id, status="delivered", delivered_at=now)
        elif report.final:
            self.store.update_message(
                message.id, status="failed", error="Couldn't be delivered - probably a "
                "landline or a phone that can't get texts. Call them instead.")
            self.store.log_event("delivery", f"Text to {message.number} not delivered",
                                 level="warn")
