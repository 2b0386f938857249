"""Every timer of the running box in one place: `PRODUCTION` on a Pi, `FAST` for tests and
benchmarks (the same box, with waits short enough that a simulated call takes a second).

The composition root (bootstrap.py) hands each part its timers from here; the parts keep their
own defaults (the production values below refer to them) for when they are built alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Optional

from appliance.core import reassembly
from appliance.integrations import webhook_post, webhooks
from appliance.sending import outbox
from appliance.service import later_texts


@dataclass(frozen=True)
class Timings:
    """Seconds unless said otherwise."""
    # The service thread (service/service.py).
    service_tick: float = 0.1
    ring_gap: Optional[timedelta] = None   # None: the owner's ring_gap_seconds setting
    sweep_every: timedelta = timedelta(minutes=5)     # look for texts on the SIM
    unannounced_sweep: timedelta = timedelta(seconds=30)   # ... when texts come unannounced
    part_timeout: timedelta = reassembly.DEFAULT_TIMEOUT   # wait for the rest of a long text
    later_texts_every: timedelta = later_texts.EVERY   # look for follow-ups and reviews due
    # Texts going out (sending/).
    outbox_backoff: tuple = outbox.BACKOFF
    sender_poll: float = 1.0
    # The modem (hardware/modem.py): its own timers, unless named here.
    modem: dict = field(default_factory=dict)
    # Watching the box: the watchdog feeds systemd only while the service and sender loops
    # have turned within these; None: systemd's WatchdogSec sets the pace.
    service_stall: float = 30.0
    sender_stall: float = 300.0        # a submission may legitimately take two minutes
    monitor_interval: float = 1.0
    watchdog_interval: Optional[float] = None
    upkeep_interval: float = 5.0
    fault_text_delays: Optional[dict] = None   # kind -> timedelta; None: core/fault_texts.py's
    web_loop_timeout: float = 1.0      # how long closing the web server takes to be noticed
    demo_ring_interval: float = 1.0    # demo rings (real modems: every 3-7 s)
    # The shop's other systems (integrations/).
    mqtt_delays: tuple = (1.0, 120.0)  # first and longest wait before reconnecting
    mqtt_status_every: float = 2.0
    mqtt_tick: float = 0.5
    webhook_tick: float = 1.0
    webhook_backoff: tuple = webhooks.BACKOFF
    webhook_give_up: timedelta = webhooks.GIVE_UP_AFTER
    webhook_timeout: float = webhook_post.TIMEOUT


PRODUCTION = Timings()

FAST = Timings(
    service_tick=0.02, ring_gap=timedelta(seconds=0.6), sweep_every=timedelta(seconds=5),
    unannounced_sweep=timedelta(seconds=1), later_texts_every=timedelta(seconds=0.1),
    outbox_backoff=(timedelta(seconds=0.2),),
    sender_poll=0.2,
    modem={"reconnect_delay": 0.2, "health_interval": 0.5, "send_timeout": 3.0,
           "call_poll_interval": 0.2, "blocked_retry": 1.0, "network_time_every": 1.0},
    service_stall=1.0, sender_stall=5.0, monitor_interval=0.2, watchdog_interval=0.2,
    upkeep_interval=0.1, web_loop_timeout=0.05,
 demo_ring_interval=0.05,
    mqtt_delays=(0.1, 0.5), mqtt_status_every=0.2, mqtt_tick=0.05, webhook_tick=0.05,
    webhook_backoff=(timedelta(seconds=0.1),), webhook_give_up=timedelta(seconds=1.5),
    webhook_timeout=2.0)
