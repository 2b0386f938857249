"""What the box submitted to the simulated network (AT+CMGS), and the test's switches that make
the next submissions fail (`+CMS ERROR`) or go unanswered.

Written by the AT+CMGS handler (hardware/simulator/sms_commands.py), read by the network's
status reports (hardware/simulator/delivery.py) and by the test through ModemSimulator. The
simulator's lock (the condition given) guards it: callers hold it, except `wait`, which takes it.
"""
from __future__ import annotations

import logging
import threading
from typing import Optional

from .state import SentText

log = logging.getLogger(__name__)


class Submissions:
    """The texts (parts) the box sent, the PDUs refused as malformed, the message references."""

    def __init__(self, changed: threading.Condition):
        self._changed = changed
        self._sent: list[SentText] = []
        self._rejected: list[tuple[str, str]] = []
        self._reference = -1
        self._failures, self._failure_code, self._swallow = 0, 500, 0

    # --- the test's switches ------------------------------------------------------------------

    def fail_next(self, count: int, code: int) -> None:
        self._failures, self._failure_code = count, code

    def swallow_next(self, count: int) -> None:
        self._swallow = count

    # --- the AT+CMGS handler ------------------------------------------------------------------

    def take_failure(self) -> Optional[int]:
        """The +CMS ERROR code this submission must fail with, or None."""
        if not self._failures:
            return None
        self._failures -= 1
        return self._failure_code

    def take_swallow(self) -> bool:
        """True when this submission goes out but gets no answer."""
        if not self._swallow:
            return False
        self._swallow -= 1
        return True

    def next_reference(self) -> int:
        """The next message reference (+CMGS: <mr>), 0-255."""
        self._reference = (self._reference + 1) % 256
        return self._reference

    def record(self, item: SentText) -> None:
        self._sent.append(item)
        log.info("box sent %r to %s (mr %d)", item.text, item.number, item.reference)
        self._changed.notify_all()

    def reject(self, pdu: str, reason: str) -> None:
        """A PDU answered +CMS ERROR: 304 (the simulator could not read it)."""
        self._rejected.append((pdu, reason))

    # --- reading ------------------------------------------------------------------------------

    def sent(self) -> list[SentText]:
        return list(self._sent)

    def rejected(self) -> list[tuple[str, str]]:
        return list(self._rejected)

    def find(self, reference: int) -> Optional[SentText]:
        """The latest text sent with message reference `reference`."""
        return next((s for s in reversed(self._sent) if s.reference == reference), None)

    def wait(self, count: int, timeout: float) -> list[SentText]:
        """Wait until `count` texts (parts) were submitted -> all sent so far."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._sent) >= count, timeout):
                raise TimeoutError(f"{len(self._sent)} of {count} texts sent after {timeout}s")
            return list(self._sent)

    def whole_texts(self) -> list[tuple[str, str]]:
        """(number, whole text) per message, long texts joined from their parts in part order."""
        messages: dict[tuple, dict[int, str]] = {}
        for item in self._sent:
            if item.concat is None:
                messages[(item.number, "single", item.reference)] = {1: item.text}
            else:
                key = (item.number, item.concat.reference, item.concat.total)
                messages.setdefault(key, {})[item.concat.part] = item.text
        return [(key[0], "".join(parts[i] for i in sorted(parts)).encode(
            "utf-16-be", "surrogatepass").decode("utf-16-be", "replace"))
            for key, parts in messages.items()]
