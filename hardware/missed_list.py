"""The module's own list of missed calls (27.007 phonebook "MC"): read it, delete handled entries.

`AT+CPBS="MC"` selects the list where the module keeps one (an error: it keeps none);
`AT+CPBR=?` gives its index range (`+CPBR: (1-<n>),...`) and `AT+CPBR=1,<n>` reads the
entries (`+CPBR: <index>,"<number>",<type>,"<text>"[,...]`, newest first on most modules, some
with the time the call came); `AT+CPBW=<index>` deletes one where the module allows it.
Indexes can shift when a new call arrives, so deleting re-reads the list and only removes an
entry whose index still holds the same number. Functions take a channel the caller holds.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone
from typing import Optional

from appliance.core.domain import ModemMissedCall
from hardware.urc import split_fields, unquote

log = logging.getLogger(__name__)

_STAMP = re.compile(r"(\d{2})/(\d{2})/(\d{2}),(\d{2}):(\d{2}):(\d{2})([+-]\d{1,2})?")
_RANGE = re.compile(r"\((\d+)-(\d+)\)")
MAX_ENTRIES = 100


def read(channel, timeout: float) -> Optional[list[ModemMissedCall]]:
    """Every entry of the missed-call list; None when the module keeps no such list."""
    if not channel.command('AT+CPBS="MC"', timeout).ok:
        return None
    first, last = _bounds(channel, timeout)
    if last < first:
        return []
    response = channel.command(f"AT+CPBR={first},{last}", max(timeout, 10.0))
    if not response.ok:         # an empty list answers +CME ERROR: 22 (not found) on some
        log.info("AT+CPBR=%s,%s: %s", first, last, response.final)
        return []
    return [entry for entry in map(entry_of, response.values("+CPBR:")) if entry]


def delete(channel, timeout: float, entries: list[ModemMissedCall]) -> int:
    """Delete `entries` still at their index; the number deleted (0 when not allowed)."""
    current = read(channel, timeout)
    if not current:
        return 0
    now_at = {entry.index: entry.number for entry in current}
    deleted = 0
    for entry in sorted(entries, key=lambda e: e.index, reverse=True):
        if now_at.get(entry.index) != entry.number:
            continue                   # the list moved on: that index holds another call now
        response = channel.command(f"AT+CPBW={int(entry.index)}", timeout)
        if not response.ok:
            log.info("the module will not delete missed call %s: %s", entry.index,
                     response.final)
            break
        deleted += 1
    return deleted


def _bounds(channel, timeout: float) -> tuple[int, int]:
    """(first index, last index) to read: from AT+CPBR=? (index range), capped."""
    response = channel.command("AT+CPBR=?", timeout)
    match = _RANGE.search(response.value("+CPBR:") or "") if response.ok else None
    first, last = (int(match.group(1)), int(match.group(2))) if match else (1, 20)
    return first, min(last, first + MAX_ENTRIES - 1)


def entry_of(text: str) -> Optional[ModemMissedCall]:
    """One `+CPBR:` line (after the prefix); None when it is not an entry with a number."""
    fields = split_fields(text)
    if len(fields) < 2 or not fields[0].isdigit():
        return None
    number = unquote(fields[1])
    if not any(ch.isdigit() for ch in number):
        return None
    kind = fields[2].strip() if len(fields) > 2 else ""
    label = unquote(fields[3]) if len(fields) > 3 else ""
    return ModemMissedCall(index=int(fields[0]), number=number,
                           number_type=int(kind) if kind.isdigit() else None, text=label,
                           at=stamp_of(",".join(fields[3:])))


def stamp_of(text: str) -> Optional[datetime]:
    """A `yy/MM/dd,hh:mm:ss±zz` time in `text` (zone in quarter hours); None without a zone,
    since a module's clock without one could be any time zone."""
    match = _STAMP.search(text.replace('"', ""))
    if not match or match.group(7) is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    zone = timezone(timedelta(minutes=15 * int(match.group(7))))
    try:
        return datetime(2000 + year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None
