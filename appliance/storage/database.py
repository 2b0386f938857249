"""What every table of the store shares: the data folder, ONE lock, the clock, the journal and
the open TinyDB files (settings.json, outbox.json, inbox.json; the month files of calls,
messages and events; the contacts' shards).

Each table (store_*.py, records.py) is handed the `Database` and runs its methods under the lock
with `@locked`; the lock is re-entrant, so a table may call another. After `close()` the files
are let go, and the next locked call opens them again (tests, tools).
"""
from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import Callable

from appliance.storage.contacts import Contacts
from appliance.storage.files import open_database
from appliance.storage.journal import Journal
from appliance.storage.monthly import MonthlyFiles

FIXED = {"settings.json": False, "outbox.json": True, "inbox.json": False}   # name: must write


def locked(method):
    """Run a table's method holding the database's lock, opening the files again if closed."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        db = self.db
        with db.lock:
            if db.closed:
                db.reopen()
            return method(self, *args, **kwargs)
    return wrapper


class Database:
    """The shared state of the store's tables."""

    def __init__(self, data_dir: Path, clock: Callable, journal: Journal, open_bytes: int):
        self.data_dir = Path(data_dir)
        self.clock = clock
        self.lock = threading.RLock()
        self.open_bytes = open_bytes
        self.closed = False
        self._on_close: list[Callable[[], None]] = []
        self._open(journal)

    def _open(self, journal: Journal) -> None:
        self.journal = journal
        self.fixed: dict = {}
        self.monthly = MonthlyFiles(self.data_dir, journal, self.open_bytes)
        self.contacts = Contacts(self.data_dir, journal)
        self.closed = False

    def on_close(self, forget: Callable[[], None]) -> None:
        """`forget()` runs when the files are let go (a table's cache of what they held)."""
        self._on_close.append(forget)

    def reopen(self) -> None:
        """Used again after close(): start from the files again."""
        old = self.journal
        self._open(Journal(self.data_dir, limit=old.limit, write=old._write,
                           make_room=old.make_room, fsync=old.fsync))

    def release(self) -> None:
        """Let every file go (after a checkpoint wrote them); callers hold the lock."""
        for db in self.fixed.values():
            db.close()
        self.monthly.close()
        self.contacts.close()
        self.journal.close()
        self.closed = True
        for forget in self._on_close:
            forget()

    def fixed_db(self, filename: str):
        db = self.fixed.get(filename)
        if db is None:
            db = self.fixed[filename] = open_database(self.data_dir, filename, self.journal,
                                                      must=FIXED.get(filename, False))
        return db

    def table(self, filename: str, table: str):
        """A table of one of the fixed files (settings.json, outbox.json, inbox.json)."""
        return self.fixed_db(filename).table(table)

    def database(self, name: str):
        """Any of the store's files by its name in the journal."""
        if name.startswith("contacts/"):
            return self.contacts.database(name)
        if "-" in name:
            return self.monthly.database(name)
        return self.fixed_db(name)

    def compact(self, name: str) -> None:
        """Write one file with everything it holds (a checkpoint step)."""
        if "-" in name and not name.startswith("contacts/"):
            self.monthly.compact(name)          # months of texts get their index too
        else:
            self.database(name).storage.compact()
