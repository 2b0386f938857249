"""Commands from the button and the owner's texts: status report, away, pause, setup hotspot.

Runs on the service thread. Each command changes settings through the store and confirms to the
owner by SMS where that makes sense, so the owner always knows what the box just did.

The button's status text also carries the setup hotspot's name and key: whoever presses the
button is holding the box, and the text goes to the owner's own phone (a STATUS texted in does
not get the key: a text's sender can be faked, though the answer still goes to the owner).
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Callable, Optional

from appliance.core import relay, schedule
from appliance.core.domain import (SendStatusReport, SendText, StartSetupHotspot, ToggleAway,
                                   ValidationError)
from appliance.core.records import Message

log = logging.getLogger(__name__)

FIRST_RUN_WINDOW = timedelta(minutes=10)


class Commands:
    """Carries out button and owner commands."""

    def __init__(self, store, outgoing, status_facts: Callable[[], dict], wifi=None,
                 hotspot_key: Optional[Callable[[], str]] = None):
        self.store = store
        self.outgoing = outgoing
        self.status_facts = status_facts
        self.wifi = wifi
        self.hotspot_key = hotspot_key
        self.first_run_until: Optional[datetime] = None

    def handle(self, command, now: datetime) -> None:
        if isinstance(command, SendStatusReport):
            self.send_status(now)
        elif isinstance(command, ToggleAway):
            # What the owner sees: an away mode whose last day has passed is off.
            self.set_away(not schedule.away_active(self.store.settings(), now), now)
        elif isinstance(command, StartSetupHotspot):
            self.start_hotspot(now)
        elif isinstance(command, SendText):       # e.g. the network watch telling the owner
            self.outgoing.queue_text(command, now)
        else:
            log.warning("ignored unknown command %r", command)

    def _owner(self) -> Optional[str]:
        return self.store.settings().get("owner_phone") or None

    def _tell_owner(self, text: str, now: datetime, kind: str = "owner") -> Optional[Message]:
        owner = self._owner()
        if not owner:
            log.info("no owner phone set; not texting: %s", text)
            return None
        return self.outgoing.queue_text(SendText(to=owner, text=text, kind=kind), now)

    def send_status(self, now: datetime) -> Optional[Message]:
        """The button's status text: the STATUS report and how to join the setup hotspot."""
        text = relay.format_status(self.status_facts())
        setup = self._setup_wifi()
        return self._tell_owner(f"{text} {setup}" if setup else text, now, kind="status")

    def _setup_wifi(self) -> str:
        if self.wifi is None or self.hotspot_key is None:
            return ""
        try:
            # Known once read (nmcli, a moment): the adapter keeps the name.
            name = self.wifi.hotspot_name()
        except ValidationError as error:
            log.warning("could not read the setup hotspot's name: %s", error)
            name = ""
        key = self.hotspot_key()
        return f"Setup Wi-Fi {name} key {key}." if name else f"Setup Wi-Fi key {key}."

    def set_away(self, on: bool, now: datetime) -> None:
        away = {"on": bool(on), "until": None}    # the button knows no end date
        self.store.save_settings({**self.store.settings(), "away": away})
        self.store.log_event("settings", "Away mode on" if on else "Away mode off")
        self._tell_owner("TextBack: away mode is ON. Callers get your away message." if on else
                         "TextBack: away mode is OFF. Normal messages again.", now)

    def set_paused(self, on: bool, now: datetime, confirm: bool = True) -> None:
        self.store.save_settings({**self.store.settings(), "paused": bool(on)})
        self.store.log_event("settings", "Text-backs paused" if on else "Text-backs resumed")
        if confirm:
            self._tell_owner("TextBack: paused. Missed callers are NOT texted. Reply RESUME to "
                             "start again." if on else "TextBack: resumed. Missed callers are "
                             "texted again.", now)

    def start_hotspot(self, now: datetime) -> None:
        self.first_run_until = now + FIRST_RUN_WINDOW
        self.store.log_event("wifi", "Setup hotspot requested (button held 10 s)")
        if self.wifi is None:
            log.warning("no Wi-Fi control on this machine: setup hotspot not started")
            return
        # nmcli can take many seconds: not on the service thread, which must keep noticing calls.
        threading.Thread(target=self._open_hotspot, name="hotspot", daemon=True).start()

    def _open_hotspot(self) -> None:
        try:
            name = self.wifi.start_hotspot()
        except Exception as error:  # thread boundary: nmcli failures must not go unseen
            self.store.log_event("wifi", f"Could not start the setup hotspot: {error}",
                                 level="error")
            return
        self.store.log_event("wifi", f"Setup hotspot on: {name}")

    def close_button_window(self) -> None:
        """The window was used (a password was set): the next one needs the button again."""
        self.first_run_until = None

    def first_run_open(self, now: datetime) -> bool:
        """Within 10 minutes of a long button press, the first-run password may be set."""
        return self.first_run_until is not None and now < self.first_run_until
