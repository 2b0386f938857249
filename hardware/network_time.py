"""The network's time, as the modem keeps it: `AT+CCLK?` read into an aware UTC datetime.

`+CCLK: "yy/MM/dd,hh:mm:ss±zz"`: zz is the zone in quarter hours (27.007 §8.15). Modules differ:
some keep local time with its zone, some UTC with +00, and before the network has sent its time
(with `AT+CTZU=1` / `AT+CLTS=1` switched on at start-up) many answer their power-on default,
such as 80/01/06 (1980) or 04/01/01. A year outside PLAUSIBLE_YEARS, a field out of range or an
answer in another shape is "no network time" (None), never an error.
"""
from __future__ import annotations

import logging
import re
import time
from datetime import datetime, timedelta, timezone
from typing import Optional

log = logging.getLogger(__name__)

PLAUSIBLE_YEARS = range(2024, 2070)      # yy 70-99 are power-on defaults of the 1900s
_CCLK = re.compile(r'"?(\d{2})/(\d{2})/(\d{2}),(\d{2}):(\d{2}):(\d{2})(?:([+-])(\d{1,2}))?"?')


def parse(value: Optional[str]) -> Optional[datetime]:
    """The UTC moment a `+CCLK:` value says; None when it says no plausible time."""
    match = _CCLK.fullmatch((value or "").strip())
    if not match:
        return None
    yy, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    quarters = int(match.group(8) or 0) * (-1 if match.group(7) == "-" else 1)
    if 2000 + yy not in PLAUSIBLE_YEARS or abs(quarters) > 14 * 4:
        return None
    try:
        local = datetime(2000 + yy, month, day, hour, minute, second,
                         tzinfo=timezone(timedelta(minutes=15 * quarters)))
    except ValueError:
        return None
    return local.astimezone(timezone.utc)


def read(channel, timeout: float) -> Optional[datetime]:
    """`AT+CCLK?` on a channel the caller holds; None when the modem has no network time (or
    does not answer the command)."""
    try:
        response = channel.command("AT+CCLK?", timeout)
    except TimeoutError:
        log.info("AT+CCLK?: no answer")
        return None
    return parse(response.value("+CCLK:")) if response.ok else None


class Every:
    """When to read it: at the first health check after start-up (`soon`), then every `seconds`
    (the network's time changes little; the channel is better left to calls and texts)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._next = 0.0

    def soon(self) -> None:
        self._next = 0.0

    def due(self) -> bool:
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + self.seconds
        return True
