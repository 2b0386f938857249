"""Lines from the modem that the box cannot place, remembered once per kind (bounded).

An installer who meets a new modem can send these in: the first line of each kind goes to the
event log (the service logs the UnknownLineSeen passed on) and into the modem's status (the
Setup page, `probe`). A chattering or broken modem cannot flood anything: each kind is passed on
once, and after MAX_KINDS kinds one last notice says that more were not reported one by one.
"""
from __future__ import annotations

import logging
import threading
from typing import Optional

from appliance.core.domain import UnknownLineSeen

log = logging.getLogger(__name__)

MAX_KINDS = 32
MAX_SHOWN = 120            # characters of a line kept for the report
MORE = "more kinds"


class UnknownLines:
    """The kinds seen so far; `first(event)` is the event to pass on, or None."""

    def __init__(self, max_kinds: int = MAX_KINDS):
        self.max_kinds = max_kinds
        self._lock = threading.Lock()
        self._seen: dict[str, dict] = {}

    def first(self, event: UnknownLineSeen) -> Optional[UnknownLineSeen]:
        with self._lock:
            known = self._seen.get(event.kind)
            if known is not None:
                known["count"] += 1
                return None
            if len(self._seen) > self.max_kinds:
                self._seen[MORE]["count"] += 1
                return None
            if len(self._seen) == self.max_kinds:
                event = UnknownLineSeen(event.at, MORE, f"more than {self.max_kinds} kinds of "
                                        "unknown lines; the rest are not reported one by one")
            line = event.line[:MAX_SHOWN]
            self._seen[event.kind] = {"kind": event.kind, "line": line, "count": 1}
        log.warning("the modem sent a line the box does not know (%s): %r", event.kind, line)
        return UnknownLineSeen(event.at, event.kind, line)

    def seen(self) -> list[dict]:
        """[{"kind", "line" (the first one), "count"}] in the order first seen."""
        with self._lock:
            return [dict(entry) for entry in self._seen.values()]
