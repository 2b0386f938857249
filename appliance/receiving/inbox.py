"""Receiving texts: read from the modem, store durably, only then delete from the SIM.

Runs on the service thread. Every received text (or part of a long one) gets a fingerprint
(sender, SMSC time, concatenation header, text). The order of writes makes a crash at any point
harmless:

  whole text:  add_message(fingerprint) -> remember fingerprint -> delete from SIM
  one part:    put_pending_part        -> remember fingerprint -> delete from SIM
  last part:   add_message(whole)      -> remember fingerprints -> drop pending -> delete from SIM

Every delete from the SIM (a text, a part, a delivery report) and every acknowledgement of a
text delivered straight to us first makes the store durable (`store.make_durable`: one fsync,
nothing when nothing changed). While the data disk is full, what was stored waits in memory and
is not durable: then the SIM copy stays (a direct text is not acknowledged, so the network
delivers it again), and once the store is durable again `tick` sweeps the SIM, which only
deletes what is already stored. A full SIM then leaves new texts with the network, which keeps
them until there is room.

If the box dies before the SIM copy is deleted, the text is read again at start-up, recognised by
its fingerprint (in the fingerprint list, or on the stored message itself) and only deleted:
nothing is lost and nothing is stored twice.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from typing import Callable, Iterable, Optional

from appliance.core import incoming, numbers, reassembly
from appliance.core.domain import Concat, DeliveryReport, IncomingText, ModemUnavailable
from appliance.receiving.replies import Replies

log = logging.getLogger(__name__)

EXPIRE_CHECK = timedelta(seconds=5)
RESCAN = timedelta(days=31)     # how far back a text read again after a crash is looked for
DROPPED_WORDS = {"silent": "silent (type 0) text", "data": "data (binary) text"}


def fingerprint(text: IncomingText) -> str:
    concat = text.concat
    parts = [text.sender or "", text.sent_at.isoformat() if text.sent_at else "",
             f"{concat.reference}/{concat.part}/{concat.total}" if concat else "", text.text]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()[:24]


class Inbox:
    """Turns the modem's new-text and status-report codes into stored conversations."""

    def __init__(self, store, modem, outgoing, commands, decode_pdu: Callable[[str], object],
                 status_facts: Callable[[], dict] = dict, flash: Callable[[], None] = lambda: None,
                 box_number: Callable[[], object] = lambda: None,
                 part_timeout: timedelta = reassembly.DEFAULT_TIMEOUT,
                 notify: Callable[[object], None] = lambda event: None, auto_texts=None):
        self.store = store
        self.modem = modem
        self.decode_pdu = decode_pdu
        self.replies = Replies(store, outgoing, commands, status_facts, box_number, notify,
                               auto_texts)
        self.flash = flash
        self.part_timeout = part_timeout
        self._next_expire: Optional[datetime] = None
        self._kept: set = set()         # (memory, index) left on the SIM until stored durably

    # --- entry points (from the service) ----------------------------------------------------

    def recover(self, now: datetime) -> None:
        """At start-up: finish long texts whose parts were all stored before a crash."""
        self.expire_parts(now, force=True)

    def fetch_stored(self, memory: str, index: int, now: datetime) -> bool:
        """`+CMTI` / `+CDSI`: read the text at memory/index, store it, then delete it.
        False when the modem could not be asked now (the next sweep takes the text in)."""
        try:
            item = self.modem.read_text(memory, index)
        except (ModemUnavailable, TimeoutError, OSError) as error:
            log.warning("could not read %s/%s now (%s); the next sweep finds it", memory, index,
                        error)
            return False
        if item is None:
            log.info("nothing at %s/%s (already handled)", memory, index)
            return True
        self.take(item, now)
        self._delete(memory, index)
        return True

    def receive_direct(self, pdu: str, now: datetime) -> None:
        """`+CMT`: a text delivered straight to us (not on the SIM)."""
        item = self._decode(pdu)
        if item is not None:
            self.take(item, now)
        self._acknowledge()

    def sweep(self, now: datetime) -> int:
        """List every memory and take in whatever is there (arrived while off, missed codes,
        storage full). Returns how many items were handled."""
        try:
            items = self.modem.list_texts()
        except (ModemUnavailable, TimeoutError, OSError) as error:
            log.warning("sweep skipped: %s", error)
            return 0
        kept = set(self._kept)
        for item in items:
            self.take(item, now)
            self._delete(item.memory, item.index)
        new = [item for item in items if (item.memory, item.index) not in kept]
        if new:
            log.info("sweep took in %d item(s) from the SIM", len(new))
        return len(new)

    def tick(self, now: datetime) -> None:
        """The service's clock: long texts that waited too long, and, once the store is
        durable again after a full disk, the SIM copies left behind (and STOP confirmations
        held back) are dealt with."""
        self.expire_parts(now)
        if (self._kept or self.replies.held_back) and self.store.make_durable():
            if self._kept:
                log.info("the store is durable again: deleting %d text(s) kept on the SIM",
                         len(self._kept))
                self._kept.clear()
                self.sweep(now)
            self.replies.send_held_back(now)

    def expire_parts(self, now: datetime, force: bool = False) -> None:
        """Hand on long texts whose missing part never came, with the gap marked."""
        if not force and self._next_expire and now < self._next_expire:
            return
        self._next_expire = now + EXPIRE_CHECK
        pending = self.store.pending_parts()
        if not pending:
            return
        for key, parts in _complete_groups(pending).items():
            # Every part was stored but the whole text maybe not (a crash in between).
            _, whole = _reassemble(parts, now)
            if whole is not None:
                self._accept_whole(whole, now, [p.get("fingerprint") for p in parts])
        _, expired = reassembly.expire(self.store.pending_parts(), now, self.part_timeout)
        for whole in expired:
            parts = [p for p in self.store.pending_parts() if p["key"] == whole.key]
            self._accept_whole(whole, now, [p.get("fingerprint") for p in parts])

    # --- handling ---------------------------------------------------------------------------

    def _decode(self, pdu: str):
        try:
            return self.decode_pdu(pdu)
        except Exception:  # any malformed PDU: logged and skipped, never fatal
            log.exception("could not decode PDU %r", pdu[:80])
            return None

    def take(self, item, now: datetime) -> None:
        """A decoded text or delivery report: stored, answered, forwarded (replies.py)."""
        if isinstance(item, DeliveryReport):
            self.replies.delivery_report(item, now)
        elif isinstance(item, IncomingText):
            self._receive(item, now)
        else:
            log.warning("ignored unknown item from the modem: %r", item)

    def _receive(self, text: IncomingText, now: datetime) -> None:
        fp = fingerprint(text)
        if self.store.seen_fingerprint(fp):
            log.info("text %s already stored; only deleting it from the SIM", fp)
            return
        what = incoming.nature(text.facts, text.text)
        if what in incoming.DROPPED or (what == "picture" and text.concat
                                        and text.concat.part != 1):
            self._drop(text, what, fp, now)
            return
        if text.concat and text.concat.total > 1 and what == "text":
            self._receive_part(text, fp, now)
            return
        whole = reassembly.Assembled(text.sender, text.sender_type, text.text, text.sent_at,
                                     nature=what, facts=text.facts)
        if what == "picture":       # the customer's number from the MMS notice, one line
            whole = reassembly.Assembled(
                incoming.picture_sender(text.facts, text.sender),
                None if text.facts.picture_from else text.sender_type,
                incoming.picture_line(self.store.settings()), text.sent_at, nature=what)
        self._accept_whole(whole, now, [fp])

    def _drop(self, text: IncomingText, what: str, fp: str, now: datetime) -> None:
        """Nobody's words (a type 0 SMS, data for an application, a picture notice's later
        part): logged, remembered so a sweep only deletes it, never stored as a text."""
        log.info("dropping a %s text from %s", what, text.sender)
        if what in incoming.DROPPED:
            self.store.log_event("dropped", f"A {DROPPED_WORDS[what]} from {text.sender} was "
                                 "dropped: it is not a customer's words")
        self.store.remember_fingerprint(fp, now)

    def _receive_part(self, text: IncomingText, fp: str, now: datetime) -> None:
        pending, whole = reassembly.add_part(self.store.pending_parts(), text, now)
        if whole is None:
            if pending and pending[-1]["key"] == reassembly.part_key(text) \
                    and pending[-1]["part"] == text.concat.part:
                self.store.put_pending_part({**pending[-1], "fingerprint": fp})
            self.store.remember_fingerprint(fp, now)
            return
        parts = [p for p in self.store.pending_parts() if p["key"] == whole.key]
        self._accept_whole(whole, now, [p.get("fingerprint") for p in parts] + [fp])

    def _accept_whole(self, whole: reassembly.Assembled, now: datetime,
                      part_fps: Iterable[Optional[str]]) -> None:
        part_fps = [fp for fp in part_fps if fp]
        whole_fp = hashlib.sha256("|".join(sorted(part_fps)).encode()).hexdigest()[:24]
        number = self._number(whole.sender, whole.sender_type)
        if not self._already_stored(whole_fp, now):
            self.replies.received(number, whole, whole_fp, now)
            self.flash()
        for fp in part_fps + [whole_fp]:
            self.store.remember_fingerprint(fp, now)
        if whole.key:
            self.store.remove_pending_parts(whole.key)

    def _already_stored(self, whole_fp: str, now: datetime) -> bool:
        if self.store.seen_fingerprint(whole_fp):
            return True
        stored = self.store.received_with_fingerprint(whole_fp, since=now - RESCAN)
        if stored is not None:
            self.replies.finish_unhandled(stored, now)
        return stored is not None

    def _number(self, sender: str, sender_type: Optional[int]) -> str:
        region = self.store.settings().region
        if numbers.is_alphanumeric(sender):
            return sender
        return numbers.to_e164(sender, sender_type, region) or sender

    # --- modem housekeeping -----------------------------------------------------------------

    def _delete(self, memory: Optional[str], index: Optional[int]) -> None:
        if memory is None or index is None:
            return
        if not self.store.make_durable():
            if not self._kept:
                log.warning("the data disk is full: texts stay on the SIM until they are "
                            "stored durably")
            self._kept.add((memory, index))
            return
        try:
            self.modem.delete_text(memory, index)
        except (ModemUnavailable, TimeoutError, OSError) as error:
            # Stored already: the next sweep sees it again, knows it, and deletes it then.
            log.warning("could not delete %s/%s: %s", memory, index, error)

    def _acknowledge(self) -> None:
        if not self.store.make_durable():
            log.warning("a direct text is not acknowledged: the data disk is full, so the "
                        "network keeps it and delivers it again")
            return
        try:
            self.modem.acknowledge_direct()
        except (ModemUnavailable, TimeoutError, OSError) as error:
            log.warning("could not acknowledge a direct text: %s", error)


def _complete_groups(pending: list) -> dict:
    groups: dict = {}
    for part in pending:
        groups.setdefault(part["key"], []).append(part)
    return {key: parts for key, parts in groups.items()
            if len({p["part"] for p in parts}) >= parts[0]["total"]}


def _reassemble(parts: list, now: datetime):
    rebuilt: list = []
    whole = None
    for part in parts:
        text = IncomingText(part["sender"], part["sender_type"], part["text"],
                            datetime.fromisoformat(part["sent_at"]) if part.get("sent_at") else None,
                            Concat(part["reference"], part["part"], part["total"]))
        rebuilt, whole = reassembly.add_part(rebuilt, text, now)
    return rebuilt, whole
