"""The simulated modem's message memories ("SM" on the SIM, "ME" in the phone): numbered slots
with a capacity, each holding a stored PDU, plus the texts the network could not deliver
because the memory was full (it retries once a slot frees up).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

log = logging.getLogger(__name__)

UNREAD, READ = 0, 1


@dataclass
class Stored:
    """One stored message: the PDU as AT+CMGR shows it, and what text mode would show."""
    pdu: str                  # hex, SMSC prefix included
    tpdu_length: int
    kind: str = "deliver"     # "deliver" | "status"
    status: int = UNREAD
    sender: str = ""
    sender_type: int = 145
    text: str = ""
    at: Optional[datetime] = None
    reference: int = 0        # status reports: the message reference they are about
    report_status: int = 0    # status reports: TP-ST (0 delivered)


@dataclass
class Waiting:
    """A message the network holds back because the memory was full."""
    memory: str
    record: Stored
    notify: bool


class SmsStore:
    """Slots per memory. Indexes start at `first_index` (1 on SIMCom, 0 on Quectel/Huawei).
    Not thread-safe on its own: the simulator calls it under its lock."""

    def __init__(self, capacities: dict[str, int], first_index: int = 1):
        self.capacities = dict(capacities)
        self.first_index = first_index
        self._slots: dict[str, dict[int, Stored]] = {m: {} for m in capacities}
        self.waiting: list[Waiting] = []

    def has_memory(self, memory: str) -> bool:
        return memory in self._slots

    def indexes(self, memory: str) -> range:
        """Every valid index of a memory, used or not."""
        return range(self.first_index, self.first_index + self.capacities[memory])

    def used(self, memory: str) -> int:
        return len(self._slots[memory])

    def full(self, memory: str) -> bool:
        return self.used(memory) >= self.capacities[memory]

    def put(self, memory: str, record: Stored) -> Optional[int]:
        """Store in the lowest free slot -> its index, or None when the memory is full."""
        for index in self.indexes(memory):
            if index not in self._slots[memory]:
                self._slots[memory][index] = record
                log.debug("stored %s in %s %d", record.kind, memory, index)
                return index
        return None

    def get(self, memory: str, index: int) -> Optional[Stored]:
        """The record at `index` (None if empty); IndexError when the index does not exist."""
        if index not in self.indexes(memory):
            raise IndexError(index)
        return self._slots[memory].get(index)

    def delete(self, memory: str, index: int) -> None:
        """Empty one slot (IndexError when the index does not exist)."""
        if index not in self.indexes(memory):
            raise IndexError(index)
        self._slots[memory].pop(index, None)

    def delete_where(self, memory: str, flag: int) -> None:
        """AT+CMGD=<i>,<flag>: 1 read, 2 read+sent, 3 read+sent+unsent, 4 all. Received
        messages are either read or unread here, so 1-3 delete the read ones."""
        for index, record in list(self._slots[memory].items()):
            if flag >= 4 or record.status == READ:
                del self._slots[memory][index]

    def items(self, memory: str) -> list[tuple[int, Stored]]:
        return sorted(self._slots[memory].items())

    def snapshot(self) -> dict[str, dict[int, str]]:
        """memory -> {index: pdu}, a copy."""
        return {m: {i: r.pdu for i, r in sorted(slots.items())}
                for m, slots in self._slots.items()}

    def take_deliverable(self) -> list[tuple[Waiting, int]]:
        """Store waiting messages that now fit -> [(waiting, index)], oldest first."""
        stored, still, blocked = [], [], set()
        for item in self.waiting:
            index = None if item.memory in blocked else self.put(item.memory, item.record)
            if index is None:
                blocked.add(item.memory)
                still.append(item)
            else:
                stored.append((item, index))
        self.waiting = still
        return stored
