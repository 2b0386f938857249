"""A whole box on the modem simulator, for end-to-end tests: the real service, store, sender
and modem adapter, talking AT over a pseudo-terminal through pyserial."""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Callable, Optional

from appliance.app.main import build_box
from hardware.simulator import DIALECTS as SIMULATED
from tests.helpers import wait_for

# Numbers phonenumbers accepts as valid (555-01xx and 212-555-xxxx are valid; 555-1234 is not).
CALLER = "+12125551234"
OTHER_CALLER = "+12125559876"
UK_MOBILE = "+447400123456"
DIALECTS = ("sim800", "sim7600", "ec25", "huawei", "silent")
ALL_DIALECTS = tuple(SIMULATED)      # those five and the profiles of modules beyond them


def short_power_on(box) -> None:
    """A busy-after-power-on profile stays busy 1 s here instead of 10 (tests stay fast)."""
    box.appliance.simulator.busy_seconds = min(box.appliance.simulator.busy_seconds, 1.0)


@contextlib.contextmanager
def running_box(data_dir: Path, dialect: str = "sim800", settings: dict | None = None,
                prepare: Optional[Callable] = short_power_on, wait_ready: bool = True,
                **options):
    """Start a box, wait until its modem is ready (unless told not to), stop it afterwards.
    `prepare(box)` runs before the start (e.g. to make the simulated modem refuse a command)."""
    options.setdefault("gpio", False)
    box = build_box(data_dir, demo=True, fast=True, dialect=dialect, **options)
    if settings:
        box.appliance.store.save_settings({**box.appliance.store.settings(), **settings})
    if prepare:
        prepare(box)
    box.start()
    try:
        if wait_ready:
            wait_for(lambda: box.appliance.modem.status.state == "ready", 15, "modem ready")
        yield box
    finally:
        box.stop()


def settled(box) -> bool:
    """Nothing in flight: no call ringing, outbox drained, service queue empty."""
    app = box.appliance
    return (app.service.detector.ringing is None and not app.outbox.due(app.clock())
            and app.service._queue.empty()
            and all(i["status"] not in ("sending", "submitting") for i in app.outbox.items()))


def wait_settled(box, timeout: float = 10.0) -> None:
    wait_for(lambda: settled(box), timeout, "box settled")


def calls(box) -> list[dict]:
    return box.appliance.store.calls(limit=None)


def wait_call(box, count: int = 1, outcome: str | None = None, timeout: float = 10.0) -> list:
    def ready():
        found = calls(box)
        if len(found) < count:
            return None
        if outcome and found[0]["outcome"] != outcome:
            return None
        return found
    return wait_for(ready, timeout, f"{count} call(s)" + (f" with outcome {outcome}" if outcome
                                                           else ""))
