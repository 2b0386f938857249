"""How the box is doing, read once and assessed once, for everyone who asks: the page and
/api/status, the status light and systemd (app/monitor.py), the owner's STATUS text and the
button's status text (service/commands.py, receiving/replies.py), and MQTT.

`glance()` is the cheap part (modem, outbox counts, settings, storage card, unread count) that
the light reads every second; `report()` adds today's and this month's numbers, the ringing
call, the page's addresses and the automatic-text cap. The verdict itself is core/health.py's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from appliance import VERSION
from appliance.core import health, schedule
from appliance.core.domain import ModemStatus


@dataclass(frozen=True)
class Glance:
    """The facts the status light shows, and the verdict on them."""
    modem: ModemStatus
    queued: int
    failed: int
    paused: bool
    away: bool
    unread: int
    storage: dict               # {"full", "waiting", "free_mb"} of the data folder
    health: health.Health


class BoxStatus:
    """The status read model. Every source is a callable, read when asked (any thread)."""

    def __init__(self, store, outbox, modem: Callable[[], ModemStatus], clock: Callable,
                 results, storage: Callable[[], dict] = lambda: {"full": False},
                 ringing: Callable[[], object] = lambda: None,
                 addresses: Callable[[], list] = lambda: [], auto_texts=None,
                 box_id: Optional[str] = None, demo: bool = False,
                 clock_state: Callable[[], dict] = lambda: {"source": "system"}):
        self.store = store
        self.outbox = outbox
        self.modem = modem
        self.clock = clock
        self.results = results
        self.storage = storage
        self.ringing = ringing
        self.addresses = addresses
        self.auto_texts = auto_texts
        self.box_id = box_id
        self.demo = demo
        self.clock_state = clock_state   # core/clock.py TrustedClock.state

    def glance(self, settings: Optional[dict] = None) -> Glance:
        settings = settings or self.store.settings()
        modem, counts, storage = self.modem(), self.outbox.counts(), self.storage()
        paused = bool(settings.get("paused"))
        away = schedule.away_active(settings, self.clock())     # what the light shows too
        queued, failed = counts.get("queued", 0), counts.get("failed", 0)
        verdict = health.assess(modem.state, queued, failed, modem.last_error,
                                counts.get("unconfirmed", 0), paused, away,
                                disk_full=storage["full"])
        return Glance(modem, queued, failed, paused, away, self.store.unread_total(), storage,
                      verdict)

    def report(self) -> dict:
        """/api/status and the page's headline (the keys are the API's contract)."""
        settings = self.store.settings()
        seen = self.glance(settings)
        today, month = self.results.today_and_month(settings)
        return {
            "modem": health.modem_summary(seen.modem),
            "outbox": {"queued": seen.queued, "failed": seen.failed},
            "paused": seen.paused,
            "away": seen.away,
            "version": VERSION,
            "health": seen.health.as_dict(),
            "storage": seen.storage,
            "unread": seen.unread,
            "today": today,
            "month": month,
            "addresses": list(self.addresses()),
            "demo": self.demo,
            "ringing": self.ringing_now(),
            "box_id": self.box_id,
            "box_cap": self.auto_text_cap(settings),
            "clock": self.clock_state(),
        }

    def facts(self) -> dict:
        """What the owner's STATUS text and the button's status text say (core/relay.py)."""
        report = self.report()
        modem = report["modem"]
        return {"state": modem["state"], "signal_percent": modem["signal_percent"],
                "operator": modem["operator"], "queued": report["outbox"]["queued"],
                "failed": report["outbox"]["failed"], "paused": report["paused"],
                "away": report["away"], "addresses": report["addresses"], **report["today"]}

    def ringing_now(self) -> Optional[dict]:
        """The call ringing right now, if any (the service's published snapshot)."""
        ringing = self.ringing()
        if ringing is None:
            return None
        return {"number": ringing.number, "withheld": ringing.withheld, "rings": ringing.rings,
                "started_at": ringing.started_at.isoformat()}

    def auto_text_cap(self, settings: Optional[dict] = None) -> Optional[dict]:
        """While the box-wide cap holds automatic texts back: {"window", "limit", "sent",
        "since", "setting"} (sending/auto_texts.py); None while texts flow."""
        if self.auto_texts is None:
            return None
        return self.auto_texts.trip(settings or self.store.settings(), self.clock())

    def sim_number(self) -> Optional[str]:
        """The number the SIM reports, if it does."""
        return self.modem().sim_number

    def box_number(self) -> Optional[str]:
        """The box's own number: what the SIM reports, else what the owner typed."""
        return self.sim_number() or self.store.settings().get("box_number") or None

    def modem_profile(self) -> dict:
        """What start-up learnt about the modem, for the Setup page (core/health.py)."""
        return health.modem_profile(self.modem())
