"""The webhook thread: every box event POSTed to each hook that wants it, until it arrives.

For each event and each hook in the `webhooks` setting whose `events` include its type, a
delivery is written to a bounded durable list (webhook-deliveries.json in the data folder) and
tried at once; a failure (no answer within the timeout, or not 2xx) is tried again after 10 s,
30 s, 1, 2, 5, 10 and 30 minutes, then hourly, for a day, then given up and put in the event log.
Deliveries go one at a time, oldest first, on this thread only: the text-back never waits.

The last result per hook (webhook-results.json) is what the Connections page shows, with a
"send test" that posts a test event at once (on the page's own thread) and records its result.
"""
from __future__ import annotations

import json
import logging
import queue
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Optional

from appliance.core import box_events
from appliance.integrations import webhook_post
from appliance.integrations.durable_queue import DurableQueue
from appliance.storage.files import atomic_write

log = logging.getLogger(__name__)

DELIVERIES_FILE = "webhook-deliveries.json"
RESULTS_FILE = "webhook-results.json"
LIMIT = 500
BACKOFF = tuple(timedelta(seconds=s) for s in (10, 30, 60, 120, 300, 600, 1800, 3600))
GIVE_UP_AFTER = timedelta(days=1)


class Webhooks:
    """Durable, retried webhook deliveries and their last results."""

    def __init__(self, data_dir: Path, box_id: str, settings: Callable[[], dict],
                 log_event: Callable[..., None], clock: Callable[[], datetime], version: str,
                 backoff: tuple = BACKOFF, give_up_after: timedelta = GIVE_UP_AFTER,
                 tick: float = 1.0, timeout: float = webhook_post.TIMEOUT):
        self.box_id = box_id
        self.settings = settings
        self.log_event = log_event
        self.clock = clock
        self.version = version
        self.backoff = backoff
        self.give_up_after = give_up_after
        self.tick = tick
        self.timeout = timeout
        self.deliveries = DurableQueue(Path(data_dir) / DELIVERIES_FILE, LIMIT)
        self._results_path = Path(data_dir) / RESULTS_FILE
        self._results: Optional[dict] = None
        self._lock = threading.Lock()
        self._inbox: "queue.SimpleQueue" = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    # --- other threads ----------------------------------------------------------------------

    def take(self, event) -> None:
        """A box event (any thread; never blocks)."""
        self._inbox.put(event)

    def results(self) -> dict:
        """The last result per hook address: {"at", "ok", "status", "error", "event_type",
        "event_id", "attempts"}."""
        with self._lock:
            return json.loads(json.dumps(self._loaded_results()))

    def pending(self) -> dict:
        """How many deliveries wait, per hook address."""
        counts: dict = {}
        for record in self.deliveries.items():
            counts[record["url"]] = counts.get(record["url"], 0) + 1
        return counts

    def send_test(self, url: str) -> webhook_post.Attempt:
        """Post a test event to the hook with this address now and record the result."""
        hook = self._hook(url)
        if hook is None:
            return webhook_post.Attempt(False, None, "no webhook with this address is saved")
        event = box_events.test_event(self.box_id, self.clock()).as_dict()
        attempt = webhook_post.post(url, event, hook["secret"], self.box_id, self.version,
                                    self.timeout)
        self._record(url, event, attempt, 1)
        return attempt

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="webhooks", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._inbox.put(None)
        if self._thread:
            self._thread.join(timeout)

    def alive(self) -> bool:
        return bool(self._thread and self._thread.is_alive())

    # --- the thread -------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                event = self._inbox.get(timeout=self._wait())
                while event is not None:
                    self._queue(event)
                    event = self._inbox.get_nowait()
            except queue.Empty:
                pass
            except Exception:  # thread boundary: one bad event must not stop the deliveries
                log.exception("webhooks: could not queue an event")
            try:
                self._deliver_due()
            except Exception:  # thread boundary: log it, keep delivering
                log.exception("webhooks: unexpected error")

    def _wait(self) -> float:
        due = [r["next_at"] for r in self.deliveries.items()]
        if not due:
            return self.tick
        return max(0.0, min(self.tick, min(due) - self.clock().timestamp()))

    def _queue(self, event) -> None:
        for hook in self.settings().get("webhooks") or []:
            if event.type not in hook.get("events", ()):
                continue
            now = self.clock().timestamp()
            dropped = self.deliveries.append({
                "id": f"{event.id}>{hook['url']}", "url": hook["url"], "event": event.as_dict(),
                "attempts": 0, "created_at": now, "next_at": now})
            for record in dropped:
                log.warning("webhooks: too many waiting; dropped the %s event %s for %s",
                            record["event"]["type"], record["event"]["id"],
                            webhook_post.shown_url(record["url"]))

    def _deliver_due(self) -> None:
        for record in self.deliveries.items():
            if self._stop.is_set():
                return
            if record["next_at"] <= self.clock().timestamp():
                self._deliver(record)

    def _deliver(self, record: dict) -> None:
        hook = self._hook(record["url"])
        if hook is None or record["event"]["type"] not in hook["events"]:
            self.deliveries.remove([record["id"]])      # the hook was removed or changed
            return
        attempt = webhook_post.post(record["url"], record["event"], hook["secret"], self.box_id,
                                    self.version, self.timeout)
        tries = record["attempts"] + 1
        self._record(record["url"], record["event"], attempt, tries)
        now = self.clock().timestamp()
        if attempt.ok:
            self.deliveries.remove([record["id"]])
        elif now - record["created_at"] >= self.give_up_after.total_seconds():
            self.deliveries.remove([record["id"]])
            self.log_event("webhook", f"Gave up posting the {record['event']['type']} event to "
                           f"{webhook_post.shown_url(record['url'])} after {tries} tries: "
                           f"{attempt.error}", level="warn")
        else:
            delay = self.backoff[min(tries, len(self.backoff)) - 1].total_seconds()
            self.deliveries.update(record["id"], attempts=tries, next_at=now + delay)

    def _hook(self, url: str) -> Optional[dict]:
        for hook in self.settings().get("webhooks") or []:
            if hook.get("url") == url:
                return hook
        return None

    # --- last results -----------------------------------------------------------------------

    def _record(self, url: str, event: dict, attempt: webhook_post.Attempt, tries: int) -> None:
        with self._lock:
            results = self._loaded_results()
            results[url] = {"at": self.clock().isoformat(), "ok": attempt.ok,
                            "status": attempt.status, "error": attempt.error,
                            "event_type": event["type"], "event_id": event["id"],
                            "attempts": tries}
            atomic_write(self._results_path, json.dumps(results).encode("utf-8"))

    def _loaded_results(self) -> dict:
        if self._results is None:
            try:
                self._results = json.loads(self._results_path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                self._results = {}
            except (OSError, UnicodeDecodeError, ValueError) as error:
                log.warning("webhook results unreadable (%s); starting afresh", error)
                self._results = {}
        return self._results
