"""The one clock: what time it is, in UTC.

The rules in this folder never call it; they are handed `now`. The composition root
(appliance/app/bootstrap.py) gives every part this clock, or the one a test sets
(tests/helpers.py Clock), and parts built without one (benchmarks, unit tests) use it too.
The running box's clock is a TrustedClock over it (below): the system clock, or the network's
time when the system clock cannot be trusted.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Callable, Optional

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


TOLERANCE = timedelta(minutes=5)
ZONE_SLIP = timedelta(minutes=1)


class TrustedClock:
    """The box's clock: the system clock while it can be trusted, else the network's time.

    A Pi has no clock battery: after a power cut without internet its clock restarts where it
    was last saved (or in 1970). The system clock is not trusted when it is earlier than the
    newest record the box has stored (`set_floor`), or more than TOLERANCE from the network's
    time (`network_time_seen`, read from the modem). Then the network's time, carried forward
    with the monotonic clock, is used for every record and decision. A difference that is a
    whole number of quarter hours (within ZONE_SLIP, up to 14 h) from a system clock that is not
    behind the records looks like a module reporting local time as UTC: the system clock stays.
    Neither trustworthy (behind the records, no network time): `trusted()` is False and the
    page and the owner are told; the system clock is used, as nothing better is known.
    """

    def __init__(self, system: Clock = utc_now, monotonic: Callable[[], float] = time.monotonic,
                 tolerance: timedelta = TOLERANCE):
        self.system = system
        self.monotonic = monotonic
        self.tolerance = tolerance
        self._floor: Optional[datetime] = None
        self._network: Optional[tuple[datetime, float]] = None

    def set_floor(self, newest_record: Optional[datetime]) -> None:
        """The newest moment stored in the data folder (read once at start-up)."""
        self._floor = newest_record

    def network_time_seen(self, network: datetime, at_monotonic: Optional[float] = None) -> None:
        """The modem's clock, set by the network, read at `at_monotonic` (default: now)."""
        seen = self.monotonic() if at_monotonic is None else at_monotonic
        self._network = (network.astimezone(timezone.utc), seen)

    def __call__(self) -> datetime:
        return self._judge(self.system())[1]

    def trusted(self) -> bool:
        return self._judge(self.system())[0] != "untrusted"

    def state(self) -> dict:
        """{"source": "system" | "network" | "untrusted", "system", "network", "now"} (ISO)."""
        system = self.system()
        source, now = self._judge(system)
        network = self._network_now()
        return {"source": source, "system": system.isoformat(), "now": now.isoformat(),
                "network": network.isoformat() if network else None}

    def _network_now(self) -> Optional[datetime]:
        """The network's time now; None when unknown, or behind the records (a module's own
        clock, not the network's)."""
        if self._network is None:
            return None
        network, seen = self._network
        now = network + timedelta(seconds=self.monotonic() - seen)
        return None if self._floor is not None and now < self._floor - self.tolerance else now

    def _judge(self, system: datetime) -> tuple[str, datetime]:
        behind = self._floor is not None and system < self._floor
        network = self._network_now()
        if network is None:
            return ("untrusted" if behind else "system"), system
        gap = abs(system - network)
        if gap <= self.tolerance or (not behind and _zone_slip(gap)):
            return "system", system
        return "network", network


def _zone_slip(gap: timedelta) -> bool:
    """A gap that is a time zone's offset (quarter hours up to 14 h), give or take ZONE_SLIP."""
    quarter = timedelta(minutes=15)
    nearest = quarter * round(gap / quarter)
    return gap <= timedelta(hours=14) and abs(gap - nearest) <= ZONE_SLIP
