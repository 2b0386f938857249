"""The test's side of the simulated modem for texts: a customer texts the box, the network
reports delivery, what the box sent (decoded by the simulator's own decoder), failures on demand,
the memories' contents, a broken stored entry, a wiped SMS centre. Mixed into ModemSimulator
(hardware/simulator/modem.py); every method takes the simulator's lock.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Optional

from . import delivery
from .sms_store import Stored
from .state import SentText

log = logging.getLogger(__name__)

class TextsSide:
    """Texts and reports, as the test drives and inspects them."""

    # --- texts --------------------------------------------------------------------------------

    def receive_text(self, sender: str, text: str, memory: str = "SM", order=None,
                     drop_part: Optional[int] = None, sender_type: Optional[int] = None,
                     notify: bool = True, concat_bits: int = 8,
                     sent_at: Optional[datetime] = None) -> list[str]:
        """A customer texts the box -> the delivered PDUs (hex with SMSC prefix)."""
        with self._lock:
            return delivery.receive_text(self, sender, text, memory, order, drop_part,
                                         sender_type, notify, concat_bits, sent_at)

    def deliver_report(self, reference: int, delivered: bool = True, status: Optional[int] = None,
                       memory: Optional[str] = None, recipient: Optional[str] = None) -> str:
        """The network reports on the text sent with `reference` -> the report PDU."""
        with self._lock:
            return delivery.deliver_report(self, reference, delivered, status, memory, recipient)

    @property
    def sent(self) -> list[SentText]:
        with self._lock:
            return list(self._sent)

    def wait_sent(self, count: int, timeout: float = 5.0) -> list[SentText]:
        """Wait until `count` texts (parts) were submitted -> all sent so far."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._sent) >= count, timeout):
                raise TimeoutError(f"{len(self._sent)} of {count} texts sent after {timeout}s")
            return list(self._sent)

    def sent_texts(self) -> list[tuple[str, str]]:
        """(number, whole text) per message, long texts joined from their parts in part order."""
        messages: dict[tuple, dict[int, str]] = {}
        for item in self.sent:
            if item.concat is None:
                messages[(item.number, "single", item.reference)] = {1: item.text}
            else:
                key = (item.number, item.concat.reference, item.concat.total)
                messages.setdefault(key, {})[item.concat.part] = item.text
        return [(key[0], "".join(parts[i] for i in sorted(parts)).encode(
            "utf-16-be", "surrogatepass").decode("utf-16-be", "replace"))
            for key, parts in messages.items()]

    def fail_next_sends(self, n: int = 1, code: int = 500) -> None:
        """The next `n` submissions answer `+CMS ERROR: <code>` (nothing is sent)."""
        with self._lock:
            self._fail_sends, self._fail_code = n, code

    def swallow_next_send(self, n: int = 1) -> None:
        """The next `n` submissions go out but get no answer at all."""
        with self._lock:
            self._swallow = n

    @property
    def rejected_pdus(self) -> list[tuple[str, str]]:
        """(pdu, reason) for every submission answered +CMS ERROR: 304."""
        with self._lock:
            return list(self._rejected_pdus)

    @property
    def storage(self) -> dict[str, dict[int, str]]:
        with self._lock:
            return self.store.snapshot()

    @property
    def waiting(self) -> list[tuple[str, str]]:
        """(memory, pdu) the network holds back until the full memory has room."""
        with self._lock:
            return [(w.memory, w.record.pdu) for w in self.store.waiting]

    @property
    def unacknowledged(self) -> int:
        """Direct texts (+CMT) still waiting for AT+CNMA (only counted after AT+CSMS=1)."""
        with self._lock:
            return self._awaiting_ack

    def _next_reference(self) -> int:
        self._reference = (self._reference + 1) % 256
        return self._reference

    def _next_concat_reference(self, bits: int) -> int:
        self._concat_reference = (self._concat_reference + 1) % (256 if bits == 8 else 65536)
        return self._concat_reference

    def _record_sent(self, item: SentText) -> None:
        self._sent.append(item)
        log.info("box sent %r to %s (mr %d)", item.text, item.number, item.reference)
        self._changed.notify_all()

    def _network_retry(self) -> list[str]:
        return delivery.retry_waiting(self)

    def store_unreadable(self, memory: str = "SM", notify: bool = True) -> int:
        """A broken entry (seen on real SIMs): AT+CMGR shows `+CMGR: 0,,0` and no PDU.
        -> its index; `+CMTI` announces it like any new text when `notify`."""
        with self._lock:
            index = self.store.put(memory, Stored(pdu="", tpdu_length=0))
            if index is None:
                raise ValueError(f"memory {memory} is full")
            if notify and self.settings.sms_codes_on():
                self._emit(f'+CMTI: "{memory}",{index}')
            return index

    def wipe_service_centre(self) -> None:
        """The SIM's SMS centre is gone (a settings command wiped it on some dongles): sends
        answer +CMS ERROR: 330 until it is set again with AT+CSCA."""
        with self._lock:
            self.service_centre = ""
