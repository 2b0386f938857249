"""The owner's settings in settings.json: only what differs from the defaults is saved
(core/settings.py is the schema and the one place defaults live). A table of the store's
`Database`; the merged settings are kept in memory until the next save.
"""
from __future__ import annotations

from typing import Optional

from appliance.core import settings as settings_rules
from appliance.core.settings_values import Settings
from appliance.storage.database import Database, locked
from appliance.storage.monthly import copy_record


class SettingsTable:
    """The settings, read often (every text-back, every page) and saved seldom."""

    def __init__(self, db: Database):
        self.db = db
        self._settings: Optional[dict] = None
        db.on_close(self._forget)

    def _forget(self) -> None:
        self._settings = None

    @locked
    def settings(self) -> Settings:
        """DEFAULTS merged with what was saved (saved values that no longer pass are skipped)."""
        if self._settings is None:
            saved = self.db.table("settings.json", "settings").get(doc_id=1) or {}
            self._settings = settings_rules.load(dict(saved))
        return Settings.from_dict(self._settings)

    @locked
    def save_settings(self, settings: dict) -> None:
        """Save validated settings; only what differs from the defaults is written."""
        changed = settings_rules.differences(settings)
        table = self.db.table("settings.json", "settings")
        if table.contains(doc_id=1):
            table.update(_replace_with(changed), doc_ids=[1])
        else:
            table.insert(changed)
        self.db.journal.sync()
        self._settings = None


def _replace_with(new: dict):
    """A TinyDB update that replaces the whole document (keys missing from `new` go)."""
    def transform(doc: dict) -> None:
        doc.clear()
        doc.update(copy_record(new))
    return transform
