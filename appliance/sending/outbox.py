"""The outbox: every text waiting to be sent, kept on disk so a restart loses none of them.

An item's life:

    queued --mark_submitting--> submitting --mark_sent--> sent --finish--> (gone)
       ^  |                          |
       |  +-- mark_retry (SendFailed; backoff 10 s, 30 s, 2 min, 5 min, 15 min, 30 min, 1 h;
       |      the 8th failure -> failed)
       +---------------------------- +--mark_unconfirmed--> unconfirmed
    queued --mark_cancelled--> cancelled --finish--> (gone)    (the customer texted STOP)

Nothing is written when the sender picks an item up (that would delay the text-back): an item
being tried is still `queued` on disk, so a crash before Ctrl-Z simply tries it again.
`submitting` is saved right before Ctrl-Z is written. From then on the text may have left, so it
is never sent again automatically: the customer must never get the same text twice. That is why
`recover_after_restart` turns `submitting` into `unconfirmed`. `sent` and `cancelled` items
stay until the service has recorded them on the message and the call (`finish`).

The Ctrl-Z timeout: after Ctrl-Z the modem answers +CMGS (or +CMS ERROR) once the network has
taken the text, normally within 1-5 s. SIMCom and Quectel document a maximum response time of
60-120 s for AT+CMGS on a poor network, so the modem adapter waits 60 s (Modem.send_timeout).
Waiting longer would hold the serial line (no other AT command, such as reading a received
text or declining a ringing call, can run meanwhile) and every text queued behind it; giving up
sooner would turn slow-but-sent texts into "unconfirmed" ones. When no answer comes, the item
becomes `unconfirmed`: shown on the page and never resent.

`failed` and `unconfirmed` items stay for KEEP_DEAD so the page can show them
(counted in counts()), then are pruned when the next text is queued or at start-up.

Each method is one or two locked Store calls; only the sender thread changes an item after it
is queued, so no wider lock is needed.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Callable, Optional

from appliance.core.clock import utc_now
from appliance.core.domain import SendText
from appliance.core.numbers import same_number
from appliance.core.records import OutboxItem
from appliance.core.stamps import from_iso, to_iso

log = logging.getLogger(__name__)

BACKOFF = (timedelta(seconds=10), timedelta(seconds=30), timedelta(minutes=2),
           timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=30), timedelta(hours=1))
MAX_ATTEMPTS = 8
KEEP_DEAD = timedelta(days=7)
WAITING = ("queued", "submitting")
DEAD = ("failed", "unconfirmed")


def retry_delay(attempts: int, backoff: tuple = BACKOFF) -> timedelta:
    """How long to wait after the `attempts`-th failed try (1-based); capped at the last step."""
    return backoff[min(max(attempts, 1), len(backoff)) - 1]


class Outbox:
    """The outbox state machine over Store.outbox_* (the store provides the lock)."""

    def __init__(self, store, clock: Optional[Callable[[], datetime]] = None,
                 backoff: tuple = BACKOFF):
        self.store = store
        self._clock = clock or utc_now
        self.backoff = backoff   # shorter in tests, so a retry is seen in well under a second

    def queue(self, command: SendText, now: datetime, message_id: Optional[str] = None,
              records: Optional[dict] = None) -> OutboxItem:
        """Put a text in the outbox; it is due at once. (Also a good moment to prune.)
        `records`: the message, call and contact changes it carries (text_records.py)."""
        self.prune(now)
        at = to_iso(now)
        return self.store.outbox_put({
            "to": command.to, "text": command.text, "kind": command.kind,
            "call_id": command.call_id, "message_id": message_id, "status": "queued",
            "attempts": 0, "created_at": at, "next_attempt_at": at, "updated_at": at,
            "last_error": None, "references": [], "records": records,
        })

    def due(self, now: datetime) -> list[OutboxItem]:
        """Queued items whose time has come, oldest first."""
        at = to_iso(now)
        return [i for i in self.store.outbox_items()
                if i.status == "queued" and (i.next_attempt_at or "") <= at]

    def items(self) -> list[OutboxItem]:
        return self.store.outbox_items()

    def texts_to(self, number: str, kind: str) -> list[OutboxItem]:
        """Items of `kind` to `number` (the one "same phone" rule), whatever their state."""
        return [i for i in self.store.outbox_items()
                if i.kind == kind and same_number(i.to, number)]

    def get(self, item_id: str) -> Optional[OutboxItem]:
        return next((i for i in self.store.outbox_items() if i.id == item_id), None)

    def mark_submitting(self, item_id: str) -> Optional[OutboxItem]:
        """Saved right before Ctrl-Z: from now on the text may have gone."""
        return self.store.outbox_update(item_id, status="submitting")

    def mark_sent(self, item_id: str, references: Optional[list] = None) -> Optional[OutboxItem]:
        """The modem accepted the text (+CMGS). The item stays, as `sent`, until the service has
        recorded it on the message and the call (then `finish`), so a crash in between loses
        nothing: recovery records it then."""
        return self.store.outbox_update(item_id, status="sent",
                                        references=list(references or []))

    def mark_cancelled(self, item_id: str) -> Optional[OutboxItem]:
        """Not to be sent after all (e.g. the customer texted STOP); the service finishes it."""
        return self.store.outbox_update(item_id, status="cancelled", next_attempt_at=None)

    def finish(self, item_id: str) -> bool:
        """The result is recorded everywhere: the item leaves the outbox."""
        return self.store.outbox_remove(item_id)

    def mark_retry(self, item_id: str, error: str, now: datetime) -> Optional[OutboxItem]:
        """A try failed before anything was submitted: back off, or give up after MAX_ATTEMPTS."""
        item = self.get(item_id)
        if item is None:
            log.warning("outbox item %s not found for retry", item_id)
            return None
        attempts = int(item.attempts or 0) + 1
        if attempts >= MAX_ATTEMPTS:
            log.error("giving up on text %s to %s after %d tries: %s",
                      item_id, item.to, attempts, error)
            return self.store.outbox_update(item_id, status="failed", attempts=attempts,
                                            last_error=error, updated_at=to_iso(now),
                                            next_attempt_at=None)
        again = now + retry_delay(attempts, self.backoff)
        log.info("text %s to %s: try %d failed (%s); next try at %s",
                 item_id, item.to, attempts, error, again.isoformat())
        return self.store.outbox_update(item_id, status="queued", attempts=attempts,
                                        last_error=error, updated_at=to_iso(now),
                                        next_attempt_at=to_iso(again))

    def mark_unconfirmed(self, item_id: str, error: str, now: Optional[datetime] = None
                         ) -> Optional[OutboxItem]:
        """Ctrl-Z was written but no answer came: never resent, kept visible for a while."""
        return self.store.outbox_update(item_id, status="unconfirmed", last_error=error,
                                        next_attempt_at=None,
                                        updated_at=to_iso(now or self._clock()))

    def recover_after_restart(self, now: datetime) -> dict:
        """After a crash or restart: `submitting` -> unconfirmed (never resent).
        Also prunes dead items older than KEEP_DEAD. Returns {status: count} of what changed."""
        changed = {"unconfirmed": 0, "pruned": 0}
        at = to_iso(now)
        for item in self.store.outbox_items():
            if item.status == "submitting":
                log.warning("text %s to %s may have gone before the restart; not resending",
                            item.id, item.to)
                self.store.outbox_update(item.id, status="unconfirmed", updated_at=at,
                                         last_error="restarted while the modem was sending")
                changed["unconfirmed"] += 1
        changed["pruned"] = self.prune(now)
        return changed

    def prune(self, now: datetime) -> int:
        """Drop failed/unconfirmed items last touched more than KEEP_DEAD ago."""
        removed = 0
        for item in self.store.outbox_items():
            touched = item.updated_at or item.created_at
            if item.status in DEAD and touched and now - from_iso(touched) > KEEP_DEAD:
                removed += bool(self.store.outbox_remove(item.id))
        return removed

    def counts(self) -> dict:
        """{"queued": waiting to go (incl. being sent), "failed": gave up after every try,
        "unconfirmed": may have gone (a warning, not a fault)}."""
        items = self.store.outbox_items()
        return {"queued": sum(i.status in WAITING for i in items),
                "failed": sum(i.status == "failed" for i in items),
                "unconfirmed": sum(i.status == "unconfirmed" for i in items)}
