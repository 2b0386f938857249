"""Who may use the box's page: the password, login sessions, the API token, the setup hotspot.

A mixin of the facade (`Box`, box.py), kept apart so the facade stays about the shop. It
needs the facade's data_dir, store, commands (the button's window), wifi and clock.

- The first password can be set only while none is, within 10 minutes of the 10-second button
  hold or from a phone on the setup hotspot.
- A forgotten password can be replaced only within 10 minutes of the button hold AND from a
  phone on the setup hotspot, whose WPA2 key is on the box's label: someone holding the box.
- Login sessions are kept on the box (sessions.py), so logging out really ends one.
"""
from __future__ import annotations

import hashlib
import ipaddress
import logging
import secrets as _random
import threading
from typing import Optional

from appliance.storage import secrets
from appliance.core.domain import ValidationError
from appliance.storage.sessions import SESSIONS_FILE, LoginSessions

log = logging.getLogger(__name__)

_SESSIONS_MADE = threading.Lock()      # two first requests at once must share one registry


class Access:
    """Passwords, sessions, tokens and the setup windows (see the module docstring)."""

    _sessions: Optional[LoginSessions] = None
    # None: the hotspot's own network, as NetworkManager set it up. Tests that drive the page
    # from this machine give a fixed range instead (the facade's `hotspot_clients`).
    hotspot_clients = None

    @property
    def sessions(self) -> LoginSessions:
        """The page's live login sessions (one registry per data folder)."""
        with _SESSIONS_MADE:
            if self._sessions is None:
                self._sessions = LoginSessions(self.data_dir / SESSIONS_FILE)
            return self._sessions

    def api_token(self) -> str:
        return secrets.get_or_create_token(self.data_dir)

    def regenerate_token(self) -> str:
        token = secrets.regenerate_token(self.data_dir)
        self.store.log_event("security", "API token regenerated")
        return token

    def password_is_set(self) -> bool:
        return secrets.password_is_set(self.data_dir)

    def check_password(self, password: str) -> bool:
        return secrets.check_password(self.data_dir, password)

    def set_password(self, password: str, keep_session: Optional[str] = None) -> None:
        """A new password ends every login session but `keep_session` (the one changing it)."""
        secrets.set_password(self.data_dir, password)
        self.sessions.end_all(keep=keep_session)
        self.store.log_event("security", "Admin password set")

    def password_stamp(self) -> str:
        """A short fingerprint of the password file ("" when none is set). The page keeps it in
        each login session, so a password set with `python -m appliance password` (another
        process) ends every session too."""
        try:
            return hashlib.sha256((self.data_dir / "password").read_bytes()).hexdigest()[:16]
        except FileNotFoundError:
            return ""

    def on_setup_hotspot(self, remote_addr: Optional[str]) -> bool:
        """The request came from a phone on the box's own setup hotspot: the hotspot is up and
        the address is in the hotspot's own network (the box's address on it with its prefix,
        10.42.0.0/24 by default), not just anywhere in 10.42.x.x, which a shop network may use
        too. While the hotspot is up the box routes that network to the hotspot alone, so a
        shop-network device cannot use it; `remote_addr` is the TCP peer (no proxy headers are
        trusted). Joining the hotspot needs its key, which is on the box's label."""
        if not remote_addr or self.wifi is None:
            return False
        try:
            address = ipaddress.ip_address(remote_addr)
        except ValueError:
            return False
        address = getattr(address, "ipv4_mapped", None) or address
        if self.hotspot_clients is not None:
            return address in self.hotspot_clients and bool(_safe(self.wifi.hotspot_active))
        on_hotspot = _safe(self.wifi.hotspot_address)
        return on_hotspot is not None and address in on_hotspot.network

    def common_password(self, password: str) -> bool:
        """One of the most used passwords (refused as a new one)."""
        return secrets.common_password(password)

    def close_button_window(self) -> None:
        """A password was set in the button's window: one per hold."""
        self.commands.close_button_window()

    def button_window_open(self) -> bool:
        """Within 10 minutes of the 10-second button hold (someone is at the box)."""
        return self.commands.first_run_open(self.clock())

    def first_run_allowed(self, remote_addr: Optional[str]) -> bool:
        """Setting the first password: only while none is set, and within 10 minutes of the
        button hold or from a phone on the setup hotspot."""
        if self.password_is_set():
            return False
        return self.button_window_open() or self.on_setup_hotspot(remote_addr)

    def password_reset_allowed(self, remote_addr: Optional[str]) -> bool:
        """Replacing a forgotten password: within 10 minutes of the button hold AND from a phone
        on the setup hotspot (never from the shop network: anyone there could otherwise take
        the box over while the owner stands at it)."""
        return (self.password_is_set() and self.button_window_open()
                and self.on_setup_hotspot(remote_addr))

    def hotspot_key(self) -> str:
        """The setup hotspot's WPA2 key (made once per box, kept in the data folder)."""
        return secrets.hotspot_key(self.data_dir)

    def hotspot_name(self) -> Optional[str]:
        """The setup hotspot's name (TextBack-XXXX), or None without Wi-Fi control."""
        if self.wifi is None:
            return None
        try:
            return self.wifi.hotspot_name()
        except ValidationError as error:
            log.warning("could not read the setup hotspot's name: %s", error)
            return None

    def secret_key(self) -> bytes:
        """The session-signing key, kept in the data folder so logins survive restarts."""
        path = self.data_dir / "session-key"
        if not path.exists():
            secrets.write_private(path, _random.token_hex(32))
        return path.read_text().strip().encode()


def _safe(fn):
    try:
        return fn()
    except Exception:  # a Wi-Fi query must never break a page
        log.exception("Wi-Fi status query failed")
        return None
