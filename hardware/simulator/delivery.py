"""The simulated network delivering to the box: texts (split into parts, stored in a memory
with +CMTI, or sent directly with +CMT), status reports (+CDSI / +CDS), the storage-full code,
and the network's retry of texts refused while the memory was full.

One Delivery per simulator; it uses the simulator's public parts (store, settings, dialect,
clock, submissions, emit) and runs with the simulator's lock held.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Optional

from . import special_texts
from .dialects import full_line
from .sms_fields import encode_smsc
from .sms_codec import encode_deliver, encode_status_report, guess_type, part_text, split_text
from .sms_store import Stored, Waiting

log = logging.getLogger(__name__)


def _delivery_order(count: int, order: Optional[list[int]], drop_part: Optional[int]) -> list[int]:
    sequence = list(order) if order else list(range(1, count + 1))
    if sorted(sequence) != list(range(1, count + 1)):
        raise ValueError(f"order {sequence} is not a permutation of parts 1..{count}")
    if drop_part is not None and drop_part not in sequence:
        raise ValueError(f"drop_part {drop_part} is not one of parts 1..{count}")
    return [n for n in sequence if n != drop_part]


class Delivery:
    """Texts and reports from the network to the box, and the +CMT acknowledgements owed."""

    def __init__(self, sim):
        self.sim = sim
        self._concat_reference = 0
        self.awaiting_ack = 0        # direct texts (+CMT) not yet acknowledged (AT+CSMS=1)

    def power_up(self) -> None:
        """A restarted modem owes no acknowledgements."""
        self.awaiting_ack = 0

    def acknowledge(self) -> bool:
        """AT+CNMA: False when no direct text waits for one."""
        if not self.awaiting_ack:
            return False
        self.awaiting_ack -= 1
        return True

    def receive_text(self, sender: str, text: str, memory: str, order, drop_part,
                     sender_type: Optional[int], notify: bool, concat_bits: int,
                     sent_at: Optional[datetime]) -> list[str]:
        """Deliver `text` from `sender` -> the PDUs delivered, in delivery order."""
        sim = self.sim
        if memory != "direct" and not sim.store.has_memory(memory):
            raise ValueError(f"no memory {memory!r}; use direct or one of "
                             f"{list(sim.store.capacities)}")
        sender_type = guess_type(sender) if sender_type is None else sender_type
        sent_at = sent_at or sim.clock()
        parts = split_text(text, self._next_concat_reference(concat_bits), concat_bits)
        delivered = []
        for number in _delivery_order(len(parts), order, drop_part):
            pdu, length = encode_deliver(parts[number - 1], sender, sender_type, sim.smsc,
                                         sent_at)
            delivered.append(pdu)
            record = Stored(pdu=pdu, tpdu_length=length, sender=sender,
                            sender_type=sender_type, text=part_text(parts[number - 1]),
                            at=sent_at)
            self._hand_over(record, memory, notify)
        log.info("delivered %d of %d part(s) from %s to %s", len(delivered), len(parts), sender,
                 memory)
        return delivered

    def receive_special(self, kind: str, sender: str, memory: str, details: dict) -> str:
        """Deliver a text that is not a customer's words (special_texts.py) -> its PDU."""
        if kind not in special_texts.BUILDERS:
            raise ValueError(f"unknown kind {kind!r}; one of {special_texts.KINDS}")
        sent_at = details.pop("sent_at", None) or self.sim.clock()
        tpdu = special_texts.BUILDERS[kind](sender, sent_at, **details)
        pdu = (encode_smsc(self.sim.smsc) + tpdu).hex().upper()
        record = Stored(pdu=pdu, tpdu_length=len(tpdu), sender=sender, at=sent_at,
                        sender_type=details.get("sender_type") or guess_type(sender))
        self._hand_over(record, memory, True)
        log.info("delivered a %s text from %s to %s", kind, sender, memory)
        return pdu

    def _hand_over(self, record: Stored, memory: str, notify: bool) -> None:
        """One part: straight to the host (+CMT), or into a memory (+CMTI when announced)."""
        settings = self.sim.settings
        if memory == "direct" and notify and settings.sms_codes_on():
            if settings.csms == 1:
                self.awaiting_ack += 1
            self.sim.emit(f"+CMT: ,{record.tpdu_length}\r\n{record.pdu}")
            return
        target = settings.memories[2] if memory == "direct" else memory
        announce = notify and memory != "direct" and settings.sms_codes_on()
        for line in self.store(target, record, announce):
            self.sim.emit(line)

    def _next_concat_reference(self, bits: int) -> int:
        self._concat_reference = (self._concat_reference + 1) % (256 if bits == 8 else 65536)
        return self._concat_reference

    def store(self, memory: str, record: Stored, notify: bool) -> list[str]:
        """Store one PDU -> the codes to send (+CMTI/+CDSI, or the full code when refused)."""
        sim = self.sim
        index = sim.store.put(memory, record)
        if index is None:
            log.info("%s is full: the network will retry", memory)
            sim.store.waiting.append(Waiting(memory, record, notify))
            return self._full_codes(memory)
        if not notify:
            return []
        code = "+CDSI" if record.kind == "status" else "+CMTI"
        return [f'{code}: "{memory}",{index}']

    def _full_codes(self, memory: str) -> list[str]:
        sim = self.sim
        if sim.dialect.smsfull_needs_config and not sim.settings.qind_smsfull:
            return []
        line = full_line(sim.dialect, memory)
        return [line] if line else []

    def store_unreadable(self, memory: str, notify: bool) -> int:
        """A broken entry (a header and no PDU) -> its index; announced when `notify`."""
        index = self.sim.store.put(memory, Stored(pdu="", tpdu_length=0))
        if index is None:
            raise ValueError(f"memory {memory} is full")
        if notify and self.sim.settings.sms_codes_on():
            self.sim.emit(f'+CMTI: "{memory}",{index}')
        return index

    def retry_waiting(self) -> list[str]:
        """After a delete: store what the network held back -> the codes to send."""
        lines = []
        for item, index in self.sim.store.take_deliverable():
            if item.notify and self.sim.settings.sms_codes_on():
                code = "+CDSI" if item.record.kind == "status" else "+CMTI"
                lines.append(f'{code}: "{item.memory}",{index}')
        return lines

    def deliver_report(self, reference: int, delivered: bool, status: Optional[int],
                       memory: Optional[str], recipient: Optional[str]) -> str:
        """A status report for the text sent with message reference `reference` -> its PDU.

        memory None follows AT+CNMI's <ds>: 1 sends +CDS directly, 2 stores and sends +CDSI,
        0 stores silently."""
        sim = self.sim
        sent = sim.submissions.find(reference)
        if recipient is None and sent is None:
            raise ValueError(f"no text was sent with reference {reference}")
        number = recipient if recipient is not None else sent.number
        number_type = guess_type(number) if recipient is not None or sent.number_type is None \
            else sent.number_type
        status = status if status is not None else (0x00 if delivered else 0x41)
        done_at = sim.clock()
        pdu, length = encode_status_report(reference, number, number_type, sim.smsc,
                                           sent.at if sent else done_at, done_at, status)
        mode = sim.settings.report_mode()
        direct = memory == "direct" or (memory is None and mode == 1)
        if direct and mode > 0:
            sim.emit(f"+CDS: {length}\r\n{pdu}")
            return pdu
        record = Stored(pdu=pdu, tpdu_length=length, kind="status", sender=number,
                        sender_type=number_type, at=done_at, reference=reference,
                        report_status=status)
        target = memory if memory not in (None, "direct") else sim.settings.memories[2]
        for line in self.store(target, record, notify=mode > 0 and not direct):
            sim.emit(line)
        return pdu
