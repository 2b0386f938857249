"""The page's login sessions, kept on the box so that logging out really ends one.

The page's cookie is signed, but a signed cookie cannot be taken back: a copy would keep working
after "Log out". So each login gets a random session id; the cookie carries it and the box keeps
its hash here with when it was made and last used. A request whose id is not here (logged out,
idle too long, too old, or ended by a password change) is not logged in.

Kept in the data folder (`sessions`, 0600, written atomically like the token) so a restart does
not log everyone out. Only hashes are stored: the file alone does not let anyone in. Last use is
saved at most every TOUCH_EVERY per session, so a page polling every few seconds does not write
the SD card every few seconds; after a restart a session may look up to TOUCH_EVERY older than it
is, so it ends that much sooner, never later.

A file that cannot be written (a full card) never fails a request: the sessions live on in
memory, the failure is logged once, and the next save tries again. So the page that says the
storage card is full still shows, and logging in still works (until a restart).
"""
from __future__ import annotations

import hashlib
import json
import logging
import secrets as _random
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Optional

from appliance.core.stamps import from_iso, to_iso
from appliance.storage.secrets import write_private

log = logging.getLogger(__name__)

SESSIONS_FILE = "sessions"
IDLE = timedelta(days=7)          # a phone that checks the page weekly stays logged in
MAX_AGE = timedelta(days=30)      # then log in again, however busy the session
TOUCH_EVERY = timedelta(minutes=10)
MOST_SESSIONS = 50                # the oldest is ended beyond this many (a small file, always)


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


class LoginSessions:
    """Live login sessions; thread-safe (waitress serves requests on several threads)."""

    def __init__(self, path: Path, idle: timedelta = IDLE, max_age: timedelta = MAX_AGE):
        self.path = Path(path)
        self.idle = idle
        self.max_age = max_age
        self._lock = threading.Lock()
        self._live: Optional[dict] = None      # key -> {"created", "seen", "saved"} datetimes
        self._unsaved = False                  # the last save failed (logged once)

    def start(self, now: datetime) -> str:
        """A new session; returns its id (for the cookie)."""
        session_id = _random.token_urlsafe(32)
        with self._lock:
            live = self._loaded()
            self._forget_ended(live, now)
            while len(live) >= MOST_SESSIONS:
                del live[min(live, key=lambda k: live[k]["seen"])]
            live[_key(session_id)] = {"created": now, "seen": now, "saved": now}
            self._save()
        return session_id

    def check(self, session_id: Optional[str], now: datetime) -> bool:
        """Whether this session is live; a live one counts as used now."""
        if not session_id or not isinstance(session_id, str):
            return False
        with self._lock:
            live = self._loaded()
            entry = live.get(_key(session_id))
            if entry is None:
                return False
            if self._ended(entry, now):
                del live[_key(session_id)]
                self._save()
                return False
            entry["seen"] = max(entry["seen"], now)
            if now - entry["saved"] >= TOUCH_EVERY:
                self._save()
            return True

    def end(self, session_id: Optional[str]) -> None:
        """Log this session out (its cookie stops working everywhere)."""
        if not session_id or not isinstance(session_id, str):
            return
        with self._lock:
            if self._loaded().pop(_key(session_id), None) is not None:
                self._save()

    def end_all(self, keep: Optional[str] = None) -> int:
        """End every session but `keep` (a password change); returns how many ended."""
        with self._lock:
            live = self._loaded()
            kept = _key(keep) if keep else None
            ended = [k for k in live if k != kept]
            for key in ended:
                del live[key]
            if ended:
                self._save()
            return len(ended)

    # --- the file -------------------------------------------------------------------------

    def _ended(self, entry: dict, now: datetime) -> bool:
        return now - entry["seen"] >= self.idle or now - entry["created"] >= self.max_age

    def _forget_ended(self, live: dict, now: datetime) -> None:
        for key in [k for k, entry in live.items() if self._ended(entry, now)]:
            del live[key]

    def _loaded(self) -> dict:
        if self._live is None:
            self._live = self._read()
        return self._live

    def _read(self) -> dict:
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            return {key: {"created": from_iso(v["created"]), "seen": from_iso(v["seen"]),
                          "saved": from_iso(v["seen"])} for key, v in saved.items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
            # Safe either way: everyone logs in again.
            log.error("the sessions file is not usable (%s); every session has ended", error)
            return {}

    def _save(self) -> None:
        live = self._loaded()
        data = {key: {"created": to_iso(e["created"]), "seen": to_iso(e["seen"])}
                for key, e in live.items()}
        for entry in live.values():
            entry["saved"] = entry["seen"]     # a failed save is tried again TOUCH_EVERY later
        try:
            write_private(self.path, json.dumps(data, sort_keys=True) + "\n")
        except OSError as error:
            if not self._unsaved:
                log.error("cannot save the login sessions (%s); they are kept in memory", error)
            self._unsaved = True
            return
        if self._unsaved:
            log.info("login sessions saved again")
        self._unsaved = False
