"""The sender thread: submits texts from the outbox to the modem, one at a time.

Why a thread of its own: a submission can take up to a minute or two (vendors allow 60-120 s for
the +CMGS answer), and the service thread must keep noticing calls meanwhile.

The sender only moves outbox items (outbox.json); what became of a text is posted to the service
(TextSent, TextSendFailed, TextUnconfirmed, TextCancelled), which records it on the message and
the call. Nothing is written between picking an item up and AT+CMGS, so a text-back reaches the
modem as fast as the outbox write allows.

What happens when a send times out after Ctrl-Z: the modem may well have sent the text, so it is
marked `unconfirmed`, never resent (the customer must never get the same text-back twice), and
it stays visible on the page and in the event log (never silently dropped). The outbox persists
`submitting` right before Ctrl-Z is written, so a crash at that moment is treated the same way.
"""
from __future__ import annotations

import collections
import logging
import queue
import threading
import time
from datetime import datetime
from typing import Callable, Optional

from appliance.core import domain as d
from appliance.core.records import OutboxItem

log = logging.getLogger(__name__)

# Texts to customers honour a STOP that arrived while they waited; texts to the owner and the
# STOP confirmation itself go regardless.
CUSTOMER_KINDS = ("textback", "reply")
TRIED_KEPT = 1000


class Sender:
    """Drains the outbox whenever woken (and once a second, for retries that fall due)."""

    def __init__(self, store, outbox, modem, clock: Callable[[], datetime],
                 post: Callable[[object], None], poll_seconds: float = 1.0):
        self.store = store
        self.outbox = outbox
        self.modem = modem
        self.clock = clock
        self.post = post
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._fresh: "queue.SimpleQueue[OutboxItem]" = queue.SimpleQueue()
        # Ids already tried: a hint that arrives after the poll found the item is not resent.
        self._tried: "collections.deque[str]" = collections.deque(maxlen=TRIED_KEPT)
        self._thread: Optional[threading.Thread] = None
        self.heartbeat = time.monotonic()

    def wake(self, item: Optional[OutboxItem] = None) -> None:
        """Something is due. With the just-queued `item`, the sender starts on it without
        reading the outbox first: the service is busy writing the conversation meanwhile, and a
        text-back should not wait for that."""
        if item is not None:
            self._fresh.put(item)
        self._wake.set()

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sender", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)

    def alive(self) -> bool:
        return bool(self._thread and self._thread.is_alive())

    def responsive(self, within: float = 300.0) -> bool:
        # A submission may legitimately take two minutes, so the bar is higher than the service's.
        return self.alive() and time.monotonic() - self.heartbeat < within

    def _run(self) -> None:
        while not self._stop.is_set():
            self.heartbeat = time.monotonic()
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            try:
                self.drain()
            except Exception:  # thread boundary: log it, try again on the next wake
                log.exception("sender: unexpected error")

    def drain(self) -> None:
        """Send every due item while the modem is ready (fresh ones first)."""
        while not self._stop.is_set():
            if self.modem.status.state != "ready":
                return
            fresh = self._take_fresh()
            due = fresh or self.outbox.due(self.clock())
            if not due:
                return
            keep_going = self.send_one(due[0], fresh=bool(fresh))
            self.heartbeat = time.monotonic()
            if not keep_going:
                return

    def _take_fresh(self) -> list:
        while True:
            try:
                item = self._fresh.get_nowait()
            except queue.Empty:
                return []
            if item.id not in self._tried:
                return [item]

    def send_one(self, item: OutboxItem, fresh: bool = False) -> bool:
        """Try one item; False when the modem is unavailable (stop draining until woken)."""
        item_id = item.id
        self._tried.append(item_id)
        # A fresh item was checked by the policy a moment ago; one that waited may have been
        # overtaken by a STOP.
        if not fresh and item.kind in CUSTOMER_KINDS and self._opted_out(item.to):
            self.outbox.mark_cancelled(item_id)
            self.post(d.TextCancelled(item, "Not sent: the customer texted STOP."))
            return True
        submitted = threading.Event()

        def submitting() -> None:
            self.outbox.mark_submitting(item_id)
            submitted.set()
        try:
            references = self.modem.send_text(item.to, item.text, status_report=True,
                                              on_submitting=submitting)
        except d.ModemUnavailable as error:
            # Nothing reached the modem: not a failed try; it waits (still queued) for the modem.
            log.info("text %s waits for the modem: %s", item_id, error)
            if submitted.is_set():
                self._unconfirmed(item, f"modem lost while sending: {error}")
            return False
        except d.SendFailed as error:
            self._failed(item, f"modem refused: {error.reason}")
        except d.SendUnconfirmed as error:
            self._unconfirmed(item, str(error))
        except Exception as error:  # never leave an item half-sent
            log.exception("sending %s failed unexpectedly", item_id)
            if submitted.is_set():
                self._unconfirmed(item, f"unexpected error: {error}")
            else:
                self._failed(item, f"unexpected error: {error}")
        else:
            self.outbox.mark_sent(item_id, references)
            self.post(d.TextSent(item, tuple(references)))
        return True

    def _opted_out(self, number: str) -> bool:
        contact = self.store.contact(number)
        return bool(contact and contact.opted_out)

    def _failed(self, item: OutboxItem, reason: str) -> None:
        updated = self.outbox.mark_retry(item.id, reason, self.clock())
        gave_up = updated is not None and updated.status == "failed"
        if not gave_up:
            log.warning("text %s to %s will be retried: %s", item.id, item.to, reason)
        self.post(d.TextSendFailed(item, reason, gave_up))

    def _unconfirmed(self, item: OutboxItem, reason: str) -> None:
        self.outbox.mark_unconfirmed(item.id, reason)
        self.post(d.TextUnconfirmed(item, reason))
