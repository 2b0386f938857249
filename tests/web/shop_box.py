"""The page tests' box: the real facade over the real store, service, text-back, inbox and
outbox, with no threads, no modem and no simulator (the parts that make a whole box slow to
start and stop). Tests of pages get this one; tests where the box itself is what's tested
(a reply reaching the simulated network, a delivery report, the modem unplugged) use a whole
box on the simulator (tests/appliance/box_support.py, the `appliance` fixture).

The service runs inline: whatever is posted is handled at once on the test's thread, in the
order the thread would handle it. In the modem's place is `InstantPhone`, demo mode's
pretend customer at the level of the modem's events: a ring is the RING / +CLIP / NO CARRIER
events the modem adapter would post, a text is the decoded text, and every text the box
queues is taken by the network at once (what the sender does when the modem answers +CMGS).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Callable, Optional

from appliance.app.timings import FAST
from appliance.core.clock import utc_now
from appliance.core.records import OutboxItem
from appliance.core.domain import (CallEndSeen, CallerIdSeen, IncomingText, ModemStatus,
                                   RingSeen, TextSent)
from appliance.facade.box import Box
from appliance.facade.results import Results
from appliance.facade.status import BoxStatus
from appliance.receiving.inbox import Inbox
from appliance.sending.auto_texts import AutoTexts
from appliance.sending.outbox import Outbox
from appliance.sending.outgoing import Outgoing
from appliance.sending.send_results import SendResults
from appliance.service.commands import Commands
from appliance.service.service import Service
from appliance.service.later_texts import LaterTexts
from appliance.service.textback import TextBack
from appliance.storage import secrets
from appliance.storage.store import Store
from tests.appliance.box_support import TIMELESS

BOX_SIM = "+15550000000"      # the SIM's own number, as a ready modem reports it
READY = ModemStatus(state="ready", model="SIM800", manufacturer="SIMCOM", operator="T-Mobile",
                    signal_percent=74, sim_number=BOX_SIM, registration="home",
                    reports_call_end=True)


@dataclass(frozen=True)
class SentText:
    """A text as the network took it (the simulator's `sent` items look the same)."""
    number: str
    text: str
    reference: int


class InstantPhone:
    """Rings and texts reach the service at once; texts the box queues go out at once."""

    def __init__(self, clock: Callable):
        self.clock = clock
        self.service: Optional[Service] = None
        self.outbox: Optional[Outbox] = None
        self.sent: list[SentText] = []
        self._references = itertools.count()
        self._moments = itertools.count(1)

    def ring(self, number: str, rings: int = 0, withheld: bool = False,
             number_type: Optional[int] = None) -> None:
        at = self.clock()
        if withheld:
            number, number_type = "", 128
        elif number_type is None:
            number_type = 145 if number.startswith("+") else 129
        for _ in range(rings or 3):
            self.service.post(RingSeen(at=at))
            self.service.post(CallerIdSeen(at=at, number=number, number_type=number_type,
                                           validity=1 if withheld else 0))
        self.service.post(CallEndSeen(at=at, code="NO CARRIER"))

    def text(self, number: str, text: str) -> None:
        # A text's SMSC time is part of its fingerprint: two texts are never the same moment.
        sent_at = self.clock() + timedelta(microseconds=next(self._moments))
        self.service.post(IncomingText(number, 145 if number.startswith("+") else 129, text,
                                       sent_at))

    def take(self, item: Optional[OutboxItem] = None) -> None:
        """The outbox's wake-up: every due text is submitted and accepted by the network."""
        for due in ([item] if item else self.outbox.due(self.clock())):
            reference = next(self._references) % 256
            self.outbox.mark_submitting(due.id)
            self.outbox.mark_sent(due.id, [reference])
            self.sent.append(SentText(due.to, due.text, reference))
            self.service.post(TextSent(due, (reference,)))


def shop_box(data_dir: Path, clock: Callable = utc_now, wifi=None,
             modem: ModemStatus = READY, hotspot_clients: Optional[str] = None,
             demo: bool = True) -> Box:
    """The facade the page tests use (see the module docstring), over `data_dir`."""
    data_dir = Path(data_dir)
    store = Store(data_dir, clock=clock)
    store.save_settings({**store.settings(), **TIMELESS})     # box_support.TIMELESS: why
    phone = InstantPhone(clock)
    outbox = Outbox(store, clock=clock, backoff=FAST.outbox_backoff)
    outgoing = Outgoing(store, outbox, wake=phone.take)
    auto_texts = AutoTexts(store, outgoing)
    results = Results(store, clock, counts_ttl=0)    # pages see a ring's counts at once
    service_ref: list = []
    status = BoxStatus(store, outbox, lambda: modem, clock, results,
                       ringing=lambda: service_ref[0].ringing, auto_texts=auto_texts,
                       addresses=lambda: ["textback.local", "192.168.1.20"],
                       box_id="box-page-tests", demo=demo)
    if wifi is not None:
        wifi.use_hotspot_key(lambda: secrets.hotspot_key(data_dir))
    commands = Commands(store, outgoing, status_facts=status.facts, wifi=wifi,
                        hotspot_key=lambda: secrets.hotspot_key(data_dir))
    later = LaterTexts(store, outgoing, auto_texts)
    textback = TextBack(store, outgoing, auto_texts, box_number=status.box_number, later=later)
    inbox = Inbox(store, None, outgoing, commands, decode_pdu=lambda pdu: None,
                  status_facts=status.facts, box_number=status.box_number)
    service = Service(store, None, textback, inbox, commands, SendResults(store, outbox,
                      clock=clock), clock, ring_gap=FAST.ring_gap, inline=True, later=later)
    service_ref.append(service)
    phone.service, phone.outbox = service, outbox
    auto_texts.count(clock())
    return Box(data_dir, store, service, commands, outgoing, status, results, clock,
               wifi=wifi, demo_phone=phone if demo else None,
               hotspot_clients=hotspot_clients)
