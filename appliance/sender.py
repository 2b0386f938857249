"""The sender thread: submits texts from the outbox to the modem, one at a time.

Why a thread of its own: a submission can take up to a minute or two (vendors allow 60-120 s for
the +CMGS answer), and the service thread must keep noticing calls meanwhile.

What happens when a send times out after Ctrl-Z: the modem may well have sent the text, so it is
marked `unconfirmed`, never resent (the customer must never get the same text-back twice), and
it stays visible on the page and in the event log (never silently dropped). The outbox persists
`submitting` right before Ctrl-Z is written, so a crash at that moment is treated the same way.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Callable, Optional

from appliance.domain import ModemUnavailable, SendFailed, SendUnconfirmed

log = logging.getLogger(__name__)

UNCONFIRMED = ("The modem did not confirm this text; it may have gone. Not resent, so nobody "
               "gets it twice.")


class Sender:
    """Drains the outbox whenever woken (and once a second, for retries that fall due)."""

    def __init__(self, store, outbox, modem, clock: Callable[[], datetime],
                 poll_seconds: float = 1.0, on_sent: Callable[[dict], None] = lambda item: None):
        self.store = store
        self.outbox = outbox
        self.modem = modem
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.on_sent = on_sent
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self.heartbeat = time.monotonic()

    def wake(self) -> None:
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

    def recover(self, now: datetime) -> None:
        """After a restart: what was being submitted when the box died may have gone (marked
        unconfirmed, never resent); what was only picked up goes back in the queue."""
        before = {item["id"]: item for item in self.outbox.items()}
        self.outbox.recover_after_restart(now)
        for item in self.outbox.items():
            was = before.get(item["id"], {}).get("status")
            if was == "submitting" and item["status"] == "unconfirmed":
                self._message(item, status="unconfirmed", error=UNCONFIRMED)
                self._call(item, "unconfirmed")
                self.store.log_event("send", f"Text to {item['to']} may have gone when the box "
                                     "stopped; not resent", level="warn")
            elif was == "sending":
                self._message(item, status="queued")

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
        """Send every due item while the modem is ready."""
        while not self._stop.is_set():
            if self.modem.status.state != "ready":
                return
            due = self.outbox.due(self.clock())
            if not due:
                return
            self.send_one(due[0])
            self.heartbeat = time.monotonic()

    def send_one(self, item: dict) -> None:
        item_id = item["id"]
        self.outbox.mark_sending(item_id)
        self._message(item, status="sending")
        try:
            references = self.modem.send_text(
                item["to"], item["text"], status_report=True,
                on_submitting=lambda: self.outbox.mark_submitting(item_id))
        except SendFailed as error:
            self._failed_attempt(item, f"modem refused: {error.reason}")
        except ModemUnavailable as error:
            # Nothing reached the modem: not a failed try, just wait for it to come back.
            self.outbox.release(item_id)
            self._message(item, status="queued")
            log.info("text %s waits for the modem: %s", item_id, error)
        except SendUnconfirmed as error:
            self.outbox.mark_unconfirmed(item_id, str(error))
            self._message(item, status="unconfirmed", error=UNCONFIRMED)
            self._call(item, "unconfirmed")
            self.store.log_event("send", f"Text to {item['to']} not confirmed by the modem",
                                 level="warn")
        else:
            self.outbox.mark_sent(item_id, references)
            self._message(item, status="sent", references=references,
                          reference=references[0] if references else None)
            self._call(item, "texted")
            self.on_sent(item)

    def _failed_attempt(self, item: dict, reason: str) -> None:
        updated = self.outbox.mark_retry(item["id"], reason, self.clock())
        status = (updated or {}).get("status", "queued")
        if status == "failed":
            self._message(item, status="failed", error=reason)
            self._call(item, "failed")
            self.store.log_event("send", f"Gave up on the text to {item['to']}: {reason}",
                                 level="error")
        else:
            self._message(item, status="queued", error=reason)
            log.warning("text %s to %s will be retried: %s", item["id"], item["to"], reason)

    def _message(self, item: dict, **fields) -> None:
        if item.get("message_id"):
            self.store.update_message(item["message_id"], **fields)

    def _call(self, item: dict, outcome: str) -> None:
        if item.get("call_id") and item.get("kind") == "textback":
            self.store.update_call(item["call_id"], outcome=outcome)
