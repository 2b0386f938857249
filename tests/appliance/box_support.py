"""A whole box on the modem simulator, for end-to-end tests: the real service, store, sender
and modem adapter, talking AT over a pseudo-terminal through pyserial.

`running_box(...)` yields the started `Appliance` (appliance/app/bootstrap.py): its parts are
public (`app.store`, `app.simulator`, `app.modem`, `app.service`, `app.outbox` ...) and `app.box`
is the facade the page is given.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Callable, Optional

from appliance.app.bootstrap import Appliance, Options, bootstrap
from appliance.app.timings import FAST, Timings
from hardware.simulator import DIALECTS as SIMULATED
from tests.helpers import wait_for

# Numbers phonenumbers accepts as valid (555-01xx and 212-555-xxxx are valid; 555-1234 is not).
CALLER = "+12125551234"
OTHER_CALLER = "+12125559876"
UK_MOBILE = "+447400123456"
DIALECTS = ("sim800", "sim7600", "ec25", "huawei", "silent")
ALL_DIALECTS = tuple(SIMULATED)      # those five and the profiles of modules beyond them


def short_power_on(app: Appliance) -> None:
    """A busy-after-power-on profile stays busy 1 s here instead of 10 (tests stay fast)."""
    app.simulator.busy_seconds = min(app.simulator.busy_seconds, 1.0)


# Whether a customer's first text is answered depends on the time of day (on outside opening
# hours by default): tests about anything else switch it off so they pass at any hour; the
# first-text tests switch it on and close the shop.
TIMELESS = {"first_text_reply": False}


def demo_box(data_dir: Path, dialect: str = "sim800", timings: Timings = FAST,
             **options) -> Appliance:
    """A box on the simulator with the tests' short timers, built but not started."""
    app = bootstrap(Options(data_dir=Path(data_dir), demo=True, dialect=dialect, **options),
                    timings)
    app.store.save_settings({**app.store.settings(), **TIMELESS})
    return app


@contextlib.contextmanager
def running_box(data_dir: Path, dialect: str = "sim800", settings: dict | None = None,
                prepare: Optional[Callable] = short_power_on, wait_ready: bool = True,
                timings: Timings = FAST, **options):
    """Start a box, wait until its modem is ready (unless told not to), stop it afterwards.
    `prepare(app)` runs before the start (e.g. to make the simulated modem refuse a command)."""
    options.setdefault("gpio", False)
    app = demo_box(data_dir, dialect, timings, **options)
    if settings:
        app.store.save_settings({**app.store.settings(), **settings})
    if prepare:
        prepare(app)
    app.start()
    try:
        if wait_ready:
            wait_for(lambda: app.modem.status.state == "ready", 15, "modem ready")
        yield app
    finally:
        app.stop()


def settled(app: Appliance) -> bool:
    """Nothing in flight: no call ringing, the service idle, the outbox drained."""
    return (app.service.settled() and not app.outbox.due(app.clock())
            and all(i.status not in ("sending", "submitting") for i in app.outbox.items()))


def wait_settled(app: Appliance, timeout: float = 10.0) -> None:
    wait_for(lambda: settled(app), timeout, "box settled")


def calls(app: Appliance) -> list:
    return app.store.calls(limit=None)


def wait_call(app: Appliance, count: int = 1, outcome: str | None = None,
              timeout: float = 10.0) -> list:
    def ready():
        found = calls(app)
        if len(found) < count:
            return None
        if outcome and found[0].outcome != outcome:
            return None
        return found
    return wait_for(ready, timeout, f"{count} call(s)" + (f" with outcome {outcome}" if outcome
                                                           else ""))
