"""Box events: what the box tells the shop's other systems (MQTT, webhooks) when something happens.

Pure: standard library only, no clock reads. Each builder takes the record the box just stored
(a call, a message, an outbox item) and `now`, and returns one `BoxEventRecorded`. Its `id` is
derived from what happened (the call's id, the message's id ...), so the same happening always
has the same id: a webhook receiver can drop a delivery it already has, and an event handed on
twice after a crash is recognisably the same one.

    {"id", "type", "at", "number", ...details}     (as_dict: the JSON sent out)

Types: missed_call (every missed call, with its outcome), text_back (the text-back went out, or
finally failed), reply (a customer texted), delivery (a delivery report), opt_out (STOP, or
START with opted_out false), urgent (a text with urgent words), fault (the box needs a person,
or no longer does).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Optional

from appliance.core.records import Call, Message, OutboxItem

EVENT_TYPES = ("missed_call", "text_back", "reply", "delivery", "opt_out", "urgent", "fault")
TEST_TYPE = "test"
TEXT_SHOWN = 500        # a long text is cut in events (the whole one is on the box)


@dataclass(frozen=True)
class BoxEventRecorded:
    """Something the box did or noticed, as the outside world sees it."""
    id: str
    type: str
    at: str                      # ISO 8601, UTC
    number: Optional[str]
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "at": self.at, "number": self.number,
                **self.details}


def from_dict(data: dict) -> BoxEventRecorded:
    """The event back from its JSON form (queues keep events as JSON)."""
    details = {k: v for k, v in data.items() if k not in ("id", "type", "at", "number")}
    return BoxEventRecorded(str(data["id"]), str(data["type"]), str(data["at"]),
                            data.get("number"), details)


def call_missed(call: Call, now: datetime) -> BoxEventRecorded:
    """A missed call was recorded; `outcome` says whether it is being texted back and why not."""
    return BoxEventRecorded(f"missed_call-{call.id}", "missed_call", _iso(now), call.number,
                            {"call_id": call.id, "outcome": call.outcome,
                             "started_at": call.started_at, "ended_at": call.ended_at,
                             "rings": call.rings})


def text_back_finished(item: OutboxItem, status: str, now: datetime,
                       reason: Optional[str] = None) -> Optional[BoxEventRecorded]:
    """What became of a text-back (outbox item): sent, failed or unconfirmed. None for texts
    that are not text-backs."""
    if item.kind != "textback":
        return None
    details = {"call_id": item.call_id, "message_id": item.message_id,
               "status": status, "text": _cut(item.text)}
    if reason:
        details["reason"] = reason
    return BoxEventRecorded(f"text_back-{item.message_id or item.id}", "text_back",
                            _iso(now), item.to, details)


def reply_received(message: Message, urgent_words: list,
                   now: datetime) -> list[BoxEventRecorded]:
    """A customer's text was stored: a reply event, and an urgent one when it has urgent words."""
    text = _cut(message.text)
    found = [BoxEventRecorded(f"reply-{message.id}", "reply", _iso(now), message.number,
                              {"message_id": message.id, "text": text,
                               "urgent": bool(urgent_words)})]
    if urgent_words:
        found.append(BoxEventRecorded(f"urgent-{message.id}", "urgent", _iso(now),
                                      message.number,
                                      {"message_id": message.id, "text": text,
                                       "words": list(urgent_words)}))
    return found


def delivery_reported(message: Message, delivered: bool, now: datetime) -> BoxEventRecorded:
    """The network said whether an outgoing text reached the phone (final reports only)."""
    status = "delivered" if delivered else "failed"
    return BoxEventRecorded(f"delivery-{message.id}-{status}", "delivery", _iso(now),
                            message.number,
                            {"message_id": message.id, "status": status,
                             "kind": message.kind})


def opt_out_changed(number: str, opted_out: bool, now: datetime) -> BoxEventRecorded:
    """A customer texted STOP (opted_out true) or START (false)."""
    word = "stop" if opted_out else "start"
    return BoxEventRecorded(f"opt_out-{number}-{word}-{_stamp(now)}", "opt_out", _iso(now),
                            number, {"opted_out": opted_out})


def fault_changed(raised: bool, problem: Optional[str], advice: Optional[str],
                  now: datetime) -> BoxEventRecorded:
    """The box needs a person (raised) or no longer does (cleared)."""
    word = "raised" if raised else "cleared"
    return BoxEventRecorded(f"fault-{word}-{_stamp(now)}", "fault", _iso(now), None,
                            {"state": word, "problem": problem, "advice": advice})


def test_event(box_id: str, now: datetime) -> BoxEventRecorded:
    """Sent by "send test" on the page, so a receiver can be checked without a real call."""
    return BoxEventRecorded(f"test-{box_id}-{_stamp(now)}", TEST_TYPE, _iso(now), None,
                            {"box_id": box_id, "text": "A test from TextBack Box"})


def _iso(now: datetime) -> str:
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def _stamp(now: datetime) -> str:
    return _iso(now).replace("-", "").replace(":", "").replace(".", "").replace("+0000", "Z")


def _cut(text: Optional[str]) -> Optional[str]:
    if text is None or len(text) <= TEXT_SHOWN:
        return text
    return text[:TEXT_SHOWN - 1] + "…"
