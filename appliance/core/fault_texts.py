"""Which faults the owner hears about by text, and when: a pure rule (it is handed `now`).

The box's verdict on itself is core/health.py's (the page, the light and the MQTT/webhook
`fault` event read the same one); `kinds_of` names the kinds of trouble in it that are worth a
text, and `FaultTexts.observe` decides the texts:

- a kind must last its delay before it counts (a modem that drops off USB for ten seconds is
  not news): texts failing 10 minutes, no network 15 minutes, the modem missing 5 minutes;
  SIM trouble, storage nearly full and an untrustworthy clock count at once;
- at most one fault text per kind in 6 hours, and one "back to normal" when a counted fault
  clears (a fault whose text was held back by the 6-hour rule gets no "back to normal" either);
- kinds that stop the box texting at all (modem missing, SIM refused or locked, no network)
  cannot be told while they last: they are told once, when the box can text again, as one
  text saying what happened, for how long, and that it is back to normal.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

SPACING = timedelta(hours=6)
STORAGE_LOW_MB = 100          # free space on the data folder's card that counts as nearly full

# kind -> (default delay, blocks texting, what is wrong, what to do)
KINDS = {
    "texts_failing": (timedelta(minutes=10), False,
                      "texts to callers have been failing for {lasted}",
                      "Check the SIM has credit and can send texts; the box page shows which."),
    "no_network": (timedelta(minutes=15), True, "it had no mobile network for {lasted}", ""),
    "sim": (timedelta(0), True, "its SIM card was refused, locked or missing (or the modem "
            "would not start) for {lasted}", ""),
    "modem_missing": (timedelta(minutes=5), True, "its modem was missing for {lasted}", ""),
    "storage_low": (timedelta(0), False, "its storage card is nearly full",
                    "Free space on the card or move to a bigger one; the box page says how."),
    "clock": (timedelta(0), False, "its clock can't be trusted (no internet and no network "
              "time)", "Connect the box to the shop Wi-Fi so it can set its clock."),
}
_FIXED = {"texts_failing": "texts to callers are going out again",
          "storage_low": "its storage card has room again", "clock": "its clock is set again"}
_BY_LED = {"outbox_failing": "texts_failing", "searching": "no_network", "no_sim": "sim",
           "sim_pin": "sim", "error": "sim", "no_modem": "modem_missing"}


def kinds_of(led: str, free_mb: Optional[float], storage_full: bool,
             clock_trusted: bool) -> set[str]:
    """The kinds of trouble in a health verdict (its `led`), the storage card's free space and
    the clock's trust."""
    found = {_BY_LED[led]} if led in _BY_LED else set()
    if storage_full or (free_mb is not None and free_mb < STORAGE_LOW_MB):
        found.add("storage_low")
    if not clock_trusted:
        found.add("clock")
    return found


@dataclass
class _Episode:
    since: datetime
    counted: bool = False        # lasted its delay
    told: bool = False           # its fault text went (or, for blocking kinds, is owed)


class FaultTexts:
    """Remembers each kind's current episode and when its last fault text went."""

    def __init__(self, delays: Optional[dict] = None, spacing: timedelta = SPACING,
                 last_told: Optional[dict] = None):
        self.delays = {kind: (delays or {}).get(kind, spec[0]) for kind, spec in KINDS.items()}
        self.spacing = spacing
        self._episodes: dict[str, _Episode] = {}
        # kind -> when its last fault text went (kept by the caller across restarts)
        self._last_told: dict[str, datetime] = {k: v for k, v in (last_told or {}).items()
                                                if k in KINDS and isinstance(v, datetime)}

    @property
    def last_told(self) -> dict:
        return dict(self._last_told)

    def counted(self) -> set[str]:
        """The kinds going on now that have lasted their delay (told, or owed when blocked)."""
        return {kind for kind, episode in self._episodes.items() if episode.counted}

    def observe(self, active: set[str], can_text: bool, now: datetime,
                told_elsewhere: frozenset = frozenset()) -> list[str]:
        """The texts to send the owner now, given the kinds of trouble active now and whether
        the modem can text. A kind in `told_elsewhere` was already texted by another part (a
        full storage card: storage/upkeep.py): it counts as told, only "back to normal" goes."""
        texts = []
        for kind in KINDS:
            episode = self._episodes.get(kind)
            if kind in active:
                said = self._ongoing(kind, episode, can_text, now)
                texts += [] if kind in told_elsewhere else said
            elif episode is not None:
                texts += self._cleared(kind, episode, now)
        return texts

    def _ongoing(self, kind: str, episode: Optional[_Episode], can_text: bool,
                 now: datetime) -> list[str]:
        if episode is None:
            episode = self._episodes[kind] = _Episode(since=now)
        if episode.counted or now - episode.since < self.delays[kind]:
            return []
        episode.counted = True
        last = self._last_told.get(kind)
        if last is not None and now - last < self.spacing:
            return []
        episode.told = True
        self._last_told[kind] = now
        blocks = KINDS[kind][1]
        return [] if blocks and not can_text else [fault_text(kind, now - episode.since)]

    def _cleared(self, kind: str, episode: _Episode, now: datetime) -> list[str]:
        del self._episodes[kind]
        if not episode.told:
            return []
        if KINDS[kind][1]:
            return [back_text(kind, now - episode.since)]
        return [f"TextBack Box: back to normal: {_FIXED[kind]}."]


def fault_text(kind: str, lasted: timedelta) -> str:
    _, _, problem, advice = KINDS[kind]
    text = f"TextBack Box: {problem.format(lasted=say_duration(lasted))}."
    return f"{text} {advice}" if advice else text


def back_text(kind: str, lasted: timedelta) -> str:
    """The one text a fault that stopped all texting gets, once the box can text again."""
    problem = KINDS[kind][2].format(lasted=say_duration(lasted))
    return (f"TextBack Box: {problem}. It is back to normal now; missed callers are texted "
            "again.")


def say_duration(span: timedelta) -> str:
    """"38 minutes", "2 hours 5 minutes", "1 minute" (rounded down to the minute)."""
    minutes = max(1, int(span.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)
