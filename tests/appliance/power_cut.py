"""Power-cut emulation for whole-box tests.

A `kill -9` keeps the page cache, so it cannot show a missing fsync. Here the durable state at a
moment is what a power cut would leave: the data files as they are (the test checks no
checkpoint rewrote them) plus `journal.jsonl` cut back to its size at the last fsync before that
moment. `PowerCut.fsync` stands in for os.fsync (the box's `disk_fsync` option): it fsyncs and
notes the journal's bytes with the time. The moments come from the modem simulator's transcript:
when the box sent `AT+CMGD` (a SIM copy deleted) or `AT+CMGS` (a text going out).
"""
from __future__ import annotations

import os
import re
import shutil
import threading
import time
from pathlib import Path
from typing import Optional

from appliance.storage.journal import CURRENT, PREVIOUS, decode, read_only_state

_READ = re.compile(rb"AT\+CMGR=(\d+)")
_DELETE = re.compile(rb"AT\+CMGD=(\d+)")
_LISTED = re.compile(rb"\+CMGL: (\d+),")


class PowerCut:
    """What a power cut at any moment would leave of a data folder."""

    def __init__(self, data: Path, scratch: Path):
        self.data = Path(data)
        self.scratch = Path(scratch)
        self._synced: list[tuple[float, bytes]] = []
        self._lock = threading.Lock()

    def fsync(self, fd: int) -> None:
        os.fsync(fd)
        kept = os.pread(fd, os.fstat(fd).st_size, 0)
        with self._lock:
            self._synced.append((time.monotonic(), kept))

    def journal_at(self, moment: float) -> bytes:
        """The journal a power cut at `moment` (time.monotonic()) would leave."""
        with self._lock:
            before = [kept for at, kept in self._synced if at < moment]
        return before[-1] if before else b""

    def state_at(self, moment: float) -> "Durable":
        """The durable data folder at `moment`, as a copy to read."""
        assert not (self.data / PREVIOUS).exists(), "a checkpoint ran: the emulation needs none"
        journal = self.journal_at(moment)
        current = (self.data / CURRENT).read_bytes()
        assert current.startswith(journal), "the journal was rewritten, not appended to"
        folder = self.scratch / f"cut-{moment:.6f}"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(self.data, folder, ignore=shutil.ignore_patterns(CURRENT, PREVIOUS,
                                                                         ".reserve"))
        (folder / CURRENT).write_bytes(journal)
        return Durable(folder, journal)


class Durable:
    """A data folder as a power cut left it."""

    def __init__(self, folder: Path, journal: bytes):
        self.folder = folder
        self.names = {p.relative_to(folder).as_posix() for p in folder.rglob("*.json")}
        self.names |= {decoded[0] for decoded in map(decode, journal.splitlines(True))
                       if decoded}

    def rows(self, prefix: str, table: str) -> list[dict]:
        found = []
        for name in sorted(n for n in self.names if n.startswith(prefix)):
            found += read_only_state(self.folder, name).get(table, {}).values()
        return found

    def texts_in(self) -> list[dict]:
        return [m for m in self.rows("messages-", "messages") if m.get("direction") == "in"]

    def pending_parts(self) -> list[dict]:
        return self.rows("inbox.json", "parts")

    def contact(self, number: str) -> Optional[dict]:
        return next((c for c in self.rows("contacts/", "contacts") if c["number"] == number),
                    None)


def _lines(transcript) -> list[tuple[float, str, bytes]]:
    """The transcript as whole lines, each with the time of the chunk that completed it, in
    time order across both directions."""
    lines, partial = [], {"in": b"", "out": b""}
    for at, direction, data in transcript:
        buffer = partial[direction] + data
        *done, partial[direction] = re.split(rb"\r\n|\r|\n|\x1a", buffer)
        lines += [(at, direction, line) for line in done if line]
    return lines


def sim_deletes(sim, known: dict[str, object]) -> list[tuple[float, object]]:
    """(when, label) of every `AT+CMGD` the box sent; `known` maps a delivered PDU (as
    receive_text returned it) to a label, and the label is that of the PDU last read or listed
    at the deleted index (None for anything else, e.g. a delivery report)."""
    at_index: dict[int, object] = {}
    reading: Optional[int] = None
    deletes = []
    for at, direction, line in _lines(sim.timed_transcript):
        if direction == "in":
            if _READ.search(line):
                reading = int(_READ.search(line)[1])
            elif _DELETE.search(line):
                index = int(_DELETE.search(line)[1])
                deletes.append((at, at_index.pop(index, None)))
        elif _LISTED.match(line):
            reading = int(_LISTED.match(line)[1])
        elif reading is not None and line.decode("ascii", "replace").upper() in known:
            at_index[reading] = known[line.decode("ascii").upper()]
    return deletes


def sends(sim) -> list[float]:
    """When the box began each `AT+CMGS` (a text, or a part, going out)."""
    return [at for at, direction, line in _lines(sim.timed_transcript)
            if direction == "in" and re.match(rb"AT\+CMGS=\d", line)]
