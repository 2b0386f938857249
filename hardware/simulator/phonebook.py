"""The simulated module's own call lists (27.007 phonebooks: "MC" missed, "RC" received, "DC"
dialled), for the profiles that keep them (Dialect.missed_call_list).

A caller who gives up is added to "MC" newest first (index 1), with the time in the text field
(`yy/MM/dd,hh:mm:ss±zz`, zone in quarter hours); when the list is full the oldest entry falls
off. Withheld callers are not listed (there is no number to list). The lists survive a restart,
as on the modules that keep them. AT+CPBS selects a list, AT+CPBR reads (an empty range answers
+CME ERROR: 22, not found), AT+CPBW=<index> deletes (later entries move up). Handlers run with
the simulator's lock held.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .answers import Answer
from .commands import cme

LISTS = ("SM", "MC", "RC", "DC")


@dataclass(frozen=True)
class Entry:
    number: str
    number_type: int
    at: datetime

    def stamp(self) -> str:
        offset = self.at.utcoffset() or timedelta(0)
        quarters = int(offset.total_seconds() // 900)
        return self.at.strftime("%y/%m/%d,%H:%M:%S") + f"{quarters:+03d}"


class CallBook:
    """The call lists of one simulated module."""

    def __init__(self, enabled: bool, capacity: int = 20):
        self.enabled, self.capacity = enabled, capacity
        self.timed = True        # False: entries without the time, as some modules list them
        self._lists: dict[str, list[Entry]] = {name: [] for name in LISTS}

    def missed(self, number: str, number_type: int, validity: int, at: datetime) -> None:
        """A caller gave up: listed first (if this module keeps the list and the number shows)."""
        if not self.enabled or validity or not number:
            return
        entries = self._lists["MC"]
        entries.insert(0, Entry(number, number_type, at))
        del entries[self.capacity:]

    def entries(self, name: str = "MC") -> list[Entry]:
        return list(self._lists[name])

    def delete(self, name: str, index: int) -> bool:
        entries = self._lists[name]
        if not 1 <= index <= len(entries):
            return False
        del entries[index - 1]
        return True


def select(sim, cmd):
    """AT+CPBS: which list AT+CPBR / AT+CPBW work on."""
    book = sim.phonebook
    if not book.enabled:
        return Answer.error(sim.dialect.not_supported)
    if cmd.op == "test":
        return Answer(["+CPBS: (" + ",".join(f'"{name}"' for name in LISTS) + ")"])
    if cmd.op == "read":
        name = sim.settings.phonebook
        return Answer([f'+CPBS: "{name}",{len(book.entries(name))},{book.capacity}'])
    name = cmd.args[0].upper() if cmd.args else ""
    if name not in LISTS:
        return cme(sim, 3)
    sim.settings.phonebook = name
    return Answer()


def read(sim, cmd):
    """AT+CPBR=<first>[,<last>]: the entries in that range of the selected list."""
    book = sim.phonebook
    if not book.enabled:
        return Answer.error(sim.dialect.not_supported)
    if cmd.op == "test":
        return Answer([f"+CPBR: (1-{book.capacity}),40,14"])
    first = cmd.int_arg(0)
    last = cmd.int_arg(1, first)
    entries = book.entries(sim.settings.phonebook)
    rows = [f'+CPBR: {index},"{entry.number}",{entry.number_type},""'
            + (f',"{entry.stamp()}"' if book.timed else "")
            for index, entry in enumerate(entries, start=1) if first <= index <= last]
    return Answer(rows) if rows else cme(sim, 22)


def write(sim, cmd):
    """AT+CPBW=<index> deletes one entry; writing a number into a call list is not allowed."""
    book = sim.phonebook
    if not book.enabled:
        return Answer.error(sim.dialect.not_supported)
    if cmd.op == "test":
        return Answer([f"+CPBW: (1-{book.capacity}),40,(129,145),14"])
    if len(cmd.args) != 1 or not book.delete(sim.settings.phonebook, cmd.int_arg(0)):
        return cme(sim, 3 if len(cmd.args) != 1 else 22)
    return Answer()


HANDLERS = {"+CPBS": select, "+CPBR": read, "+CPBW": write}
