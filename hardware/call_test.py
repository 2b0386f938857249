"""`probe --call-test`: wait for a real call, write down every signal the modem gives, and say
plainly whether the box supports this modem and how fast it will notice an abandoned call.

The person calls the box's SIM from another phone and lets it ring, then hangs up before it is
answered. Meanwhile the modem's unsolicited lines are recorded (RING, +CRING, +CLIP, end codes,
anything unknown) with their times, and, on modems that answer it, `AT+CLCC` is asked every
second, as the box will. The call is over when an end code comes, when the call list stops
showing it, or QUIET seconds after the last ring; then a few more seconds are recorded for late
end codes. Runs on the probe's own channel (no daemon is running).
"""
from __future__ import annotations

import logging
import queue
import time
from typing import Callable, Optional

from appliance.core.domain import (CallEndSeen, CallerIdSeen, ModemUnavailable, RingSeen,
                                   UnknownLineSeen)
from hardware.call_watch import RINGING, listed_call
from hardware.unknown_lines import UnknownLines

log = logging.getLogger(__name__)

QUIET = 15.0            # no ring for this long: the call is over (the modem said nothing)
LATE = 3.0              # listen this long after the end for late end codes
NOT_SIGNALS = ("OK", "+CLCC:", "AT")    # our own questions' answers are listed on their own


class CallRecorder:
    """Collects what the modem says while the probe runs (fed from the reader thread): events
    with their times, their names, unknown lines once per kind, and the raw lines received."""

    def __init__(self):
        self.events: "queue.Queue" = queue.Queue()
        self.names: list[str] = []
        self.unknown = UnknownLines()
        self.lines: list[tuple[float, str]] = []
        self._partial = b""

    def event(self, event) -> None:
        if isinstance(event, UnknownLineSeen):
            self.unknown.first(event)
        self.names.append(type(event).__name__)
        self.events.put((time.monotonic(), event))

    def received(self, data: bytes) -> None:
        """Raw bytes from the modem (the channel's transcript hook), cut into lines."""
        *complete, self._partial = (self._partial + data).replace(b"\r", b"\n").split(b"\n")
        now = time.monotonic()
        for raw in complete:
            line = raw.decode("utf-8", errors="replace").strip()
            if line:
                self.lines.append((now, line))


def run(channel, recorder: CallRecorder, wait: float, call_list: bool, timeout: float,
        on_waiting: Callable[[], None] = lambda: None, poll: float = 1.0,
        quiet: float = QUIET, late: float = LATE) -> dict:
    """Wait up to `wait` s for a call; the report of what happened (see verdict())."""
    on_waiting()
    began = time.monotonic()
    first = _first_sign(recorder, began + wait)
    if first is None:
        return {"rang": False, "waited_s": wait, "verdict": (
            f"No call arrived within {wait:g} s. Check that the SIM can take calls (call it "
            "from another phone), and on LTE-only networks that voice over LTE is on.")}
    found = {"rang": True, "signals": [], "call_list": [], "end": None, "listed": False,
             "gone_at": None, "last_ring": first}
    _follow(channel, recorder, found, call_list, timeout, poll, quiet)
    _drain(recorder, found, time.monotonic() + late)
    found["signals"] = [(round(at - first, 2), line) for at, line in recorder.lines
                        if at >= max(began, first - 0.5) and not line.startswith(NOT_SIGNALS)][:60]
    return _report(found, first)


def _first_sign(recorder: CallRecorder, deadline: float) -> Optional[float]:
    while True:
        try:
            at, event = recorder.events.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            return None
        if isinstance(event, (RingSeen, CallerIdSeen, CallEndSeen)):
            recorder.events.put((at, event))      # looked at again by _take
            return at
        if time.monotonic() >= deadline:
            return None


def _follow(channel, recorder, found: dict, call_list: bool, timeout: float, poll: float,
            quiet: float) -> None:
    """Until the call is over: note events, ask AT+CLCC every `poll` s."""
    next_poll = time.monotonic()
    while found["end"] is None and found["gone_at"] is None:
        now = time.monotonic()
        if now - found["last_ring"] > quiet:
            return
        if call_list and now >= next_poll:
            _ask(channel, found, timeout)
            next_poll = now + poll
        _take(recorder, found, min(next_poll - time.monotonic(), 0.2) if call_list else 0.2)


def _ask(channel, found: dict, timeout: float) -> None:
    asked = time.monotonic()
    try:
        response = channel.command("AT+CLCC", timeout)
    except ModemUnavailable as error:
        found["call_list"].append((asked, f"no answer ({error})"))
        return
    calls = [c for c in map(listed_call, response.values("+CLCC:")) if c]
    found["call_list"].append((asked, "; ".join(response.lines) or response.final))
    ringing = [c for c in calls if c.incoming and c.state in RINGING]
    if ringing:
        found["listed"] = True
        found.setdefault("listed_number", ringing[0].number)
    elif found["listed"]:
        found["gone_at"] = asked


def _take(recorder, found: dict, wait: float) -> None:
    try:
        at, event = recorder.events.get(timeout=max(wait, 0.01))
    except queue.Empty:
        return
    if isinstance(event, RingSeen):
        found["last_ring"] = at
        found["rings"] = found.get("rings", 0) + 1
        if event.number:
            found.setdefault("cring_number", event.number)
    elif isinstance(event, CallerIdSeen):
        found["last_ring"] = at
        found["caller_ids"] = found.get("caller_ids", 0) + 1
        found.setdefault("clip", event)
    elif isinstance(event, CallEndSeen) and found["end"] is None:
        found["end"] = (at, event.code)
    elif isinstance(event, UnknownLineSeen):
        found.setdefault("unknown", []).append(event.line)


def _drain(recorder, found: dict, until: float) -> None:
    while time.monotonic() < until:
        _take(recorder, found, until - time.monotonic())


def _report(found: dict, first: float) -> dict:
    clip = found.get("clip")
    number = ((clip.number if clip and clip.validity == 0 else "") or found.get("cring_number")
              or found.get("listed_number") or "")
    source = ("+CLIP" if clip and clip.number and clip.validity == 0 else "+CRING"
              if found.get("cring_number") else "AT+CLCC" if found.get("listed_number") else None)
    end = found["end"]
    report = {
        "rang": True, "rings": found.get("rings", 0), "caller_ids": found.get("caller_ids", 0),
        "caller_id_every_ring": found.get("caller_ids", 0) >= max(found.get("rings", 0), 1),
        "number": number or None, "number_from": source,
        "end_code": end[1] if end else None,
        "end_after_s": round(end[0] - first, 2) if end else None,
        "call_list": [(round(at - first, 2), answer) for at, answer in found["call_list"]],
        "call_list_ended_at_s": round(found["gone_at"] - first, 2) if found["gone_at"] else None,
        "signals": found["signals"], "unknown": found.get("unknown", [])[:5],
    }
    report["verdict"] = verdict(report)
    return report


def verdict(report: dict) -> str:
    """Supported or not, and how fast an abandoned call is noticed, in words."""
    listed_end, coded_end = report["call_list_ended_at_s"], report["end_after_s"]
    if coded_end is not None and (listed_end is None or coded_end <= listed_end + 0.5):
        speed = f"at once (the modem says {report['end_code']})"
    elif listed_end is not None:
        speed = "within about 1 s (the box asks AT+CLCC every second)"
    else:
        speed = "only by the ring gap: 8 s after the last ring"
    unknown = (f" The modem also said {', '.join(report['unknown'])!s}, which the box does "
               "not know: please send it in." if report["unknown"] else "")
    if report["number"]:
        who = f"the caller's number comes from {report['number_from']}"
        return f"Supported: an abandoned call is noticed {speed}; {who}.{unknown}"
    return (f"Not supported as it is: an abandoned call is noticed {speed}, but the modem gave "
            "no caller number (+CLIP, +CRING and AT+CLCC were all empty), so every caller "
            f"would be logged as withheld. Was the test call from a withheld number?{unknown}")
