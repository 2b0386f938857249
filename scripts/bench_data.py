"""Two years of a busy shop, written fast into a data folder for the benchmarks.

About 30 missed calls a day (~22k calls in two years), ~105 texts a day (~77k messages:
text-backs, customers' replies, their forwards to the owner, the owner's answers, some by relay),
~5.6k contacts, a few log events a day. Records are made the way the box makes them
(appliance/service/textback.py, appliance/sending/outgoing.py and sender.py,
appliance/receiving/replies.py) and written straight in the store's format as a checkpoint
leaves it (TinyDB JSON: {"<table>": {"<doc id>": record}}, one file per kind and UTC month,
contacts in contacts/<xx>.json by a hash of the number, an empty journal; see
appliance/storage/store.py, monthly.py and contacts.py), which takes a few seconds instead of
the minutes that 77k Store.add_message calls would. Settings go through Store.save_settings.
"""
from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

OWNER = "+12125550100"
AREAS = (212, 646, 718, 917, 347, 516, 914, 201, 973, 908)
REPLIES = ("Hi, yes please call me back", "Can you come tomorrow morning?",
           "It's the kitchen sink, leaking under the cabinet", "How much for a callout?",
           "Thanks!", "ok", "Sounds good, see you then", "Is 3pm ok?")
ANSWERS = ("Thanks! I'll call you back shortly.", "What's the address for the job?",
           "You're booked in - see you then!", "Can you send me a photo of the problem?")
TEXTBACK = ("Sorry we missed your call! We're on a job right now and will call you back "
            "shortly. Reply here if it's easier to text.")


def _iso(at: datetime) -> str:
    return at.astimezone(timezone.utc).isoformat(timespec="microseconds")


class _Writer:
    """Collects records per file and writes them in the store's format."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.files: dict[str, dict[str, dict]] = defaultdict(dict)

    def new_id(self, prefix: str, at: datetime) -> str:
        return f"{prefix}-{at:%Y%m}-{self.rng.getrandbits(48):012x}"

    def add(self, kind: str, prefix: str, time_key: str, record: dict) -> dict:
        at = datetime.fromisoformat(record[time_key])
        record = {"id": self.new_id(prefix, at), **record}
        table = self.files[f"{kind}-{record[time_key][:7]}.json"]
        table[str(len(table) + 1)] = record
        return record

    def write(self, folder: Path) -> None:
        from appliance.storage import month_index
        for name, rows in self.files.items():
            kind = name.split("-")[0].removesuffix(".json")
            if kind == "messages":       # laid out by number with an index, as checkpoints do
                payload, ranges = month_index.grouped({kind: rows}, kind)
                (folder / name).write_bytes(payload)
                (folder / name).chmod(0o600)
                month_index.write_index(folder / name, ranges)
            else:
                _dump(folder / name, {kind: rows})


def _dump(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")
    path.chmod(0o600)


def _numbers(rng: random.Random, count: int) -> list[str]:
    found: set[str] = set()
    while len(found) < count:
        found.add(f"+1{rng.choice(AREAS)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}")
    return sorted(found)


class _Year:
    """Plays a year of days into a _Writer, keeping each contact's summary like the store."""

    def __init__(self, rng: random.Random, writer: _Writer, now: datetime, contacts: int):
        self.rng, self.w, self.now = rng, writer, now
        self.pool = _numbers(rng, int(contacts * 1.15))   # not every number ends up a contact
        self.contacts: dict[str, dict] = {}
        self.last_textback: dict[str, datetime] = {}
        self.fingerprints: dict[str, str] = {}
        self.tags = 0

    def contact(self, number: str) -> dict:
        if number not in self.contacts:
            self.contacts[number] = {
                "number": number, "last_at": None, "last_text": None, "last_direction": None,
                "unread": 0, "opted_out": False, "booked": False, "job_value": None, "tag": None,
                "name": None, "last_textback_at": None, "textbacks_by_day": {},
                "last_inbound_at": None, "consent": [], "months": []}
        return self.contacts[number]

    def message(self, number: str, direction: str, text: str, at: datetime, kind: str,
                call_id: Optional[str] = None) -> dict:
        fields = {"number": number, "direction": direction, "text": text, "at": _iso(at)}
        if direction == "out":
            mr = self.rng.randrange(256)
            fields.update(status="delivered", kind=kind, call_id=call_id, references=[mr],
                          reference=mr, delivered_at=_iso(at + timedelta(seconds=4)))
        else:
            fp = f"{self.rng.getrandbits(64):016x}"
            fields.update(status="received", kind=kind, sent_at=_iso(at - timedelta(seconds=2)),
                          parts_missing=None, fingerprint=fp)
            self.fingerprints[fp] = fields["at"]
        record = self.w.add("messages", "m", "at", fields)
        c = self.contact(number)
        c.update(last_at=record["at"], last_text=text, last_direction=direction)
        if record["at"][:7] not in c["months"]:
            c["months"].append(record["at"][:7])
        if direction == "in":
            c["last_inbound_at"] = record["at"]
        return record

    def call(self, at: datetime) -> None:
        rng = self.rng
        roll = rng.random()
        number = None if roll < 0.04 else rng.choice(self.pool)
        raw = "" if number is None else number
        ended = at + timedelta(seconds=rng.randint(10, 30))
        outcome = "withheld" if number is None else "texted"
        if roll > 0.99:
            number, raw, outcome = None, "5551234", "invalid_number"
        elif number and at - self.last_textback.get(number, at - timedelta(days=1)) \
                < timedelta(hours=12):
            outcome = "cooldown"
        elif number and roll > 0.98:
            outcome = "failed"
        record = self.w.add("calls", "c", "started_at", {
            "number": number, "raw_number": raw, "number_type": 145 if raw else 128,
            "started_at": _iso(at), "ended_at": _iso(ended), "rings": rng.randint(2, 6),
            "end_code": "NO CARRIER", "forwarded": True, "outcome": outcome,
            "kind": "business_hours" if outcome in ("texted", "failed") else None,
            "message_id": None})
        if outcome in ("texted", "failed"):
            self.textback(record, number, ended)

    def textback(self, call: dict, number: str, ended: datetime) -> None:
        sent = self.message(number, "out", TEXTBACK, ended, "textback", call["id"])
        call["message_id"] = sent["id"]
        if call["outcome"] == "failed":
            sent.update(status="failed", error="modem refused: +CMS ERROR: 500")
            return
        c = self.contact(number)
        self.last_textback[number] = ended
        day = ended.date().isoformat()
        c["textbacks_by_day"] = dict(sorted({**c["textbacks_by_day"], day: 1}.items())[-7:])
        c["last_textback_at"] = _iso(ended)
        if not c["consent"]:
            c["consent"].append({"at": _iso(ended), "event": "opted_in",
                                 "how": "called the business"})
        if self.rng.random() < 0.32:
            self.conversation(number, ended)

    def conversation(self, number: str, after: datetime) -> None:
        rng, c, at = self.rng, self.contact(number), after
        if c["tag"] is None:
            self.tags += 1
            c["tag"] = f"{chr(65 + self.tags % 26)}{self.tags // 26 + 1}"
        for _ in range(rng.randint(1, 4)):
            at += timedelta(minutes=rng.randint(1, 90))
            text = rng.choice(REPLIES)
            self.message(number, "in", text, at, "reply")
            self.message(OWNER, "out", f"#{c['tag']} {number}: {text}\nReply: {c['tag']} "
                         "<your answer>", at + timedelta(seconds=1), "owner_forward")
            at += timedelta(minutes=rng.randint(1, 30))
            answer = rng.choice(ANSWERS)
            if rng.random() < 0.5:             # answered by text through the relay
                self.message(OWNER, "in", f"{c['tag']} {answer}", at, "owner")
            self.message(number, "out", answer, at + timedelta(seconds=1), "reply")
        c["unread"] = rng.randint(0, 2) if self.now - at < timedelta(days=2) else 0
        if rng.random() < 0.5:
            c.update(booked=True, booked_at=_iso(at), job_value=rng.choice((150, 250, 400, 900)))
        if rng.random() < 0.01:
            c["opted_out"] = True

    def events(self, day: datetime) -> None:
        for hour, kind, text in ((3, "modem", "Modem connected and initialised"),
                                 (9, "delivery", "Text to a customer not delivered"),
                                 (15, "settings", "Settings changed: messages"),
                                 (21, "modem", "Modem lost: no answer")):
            self.w.add("events", "e", "at", {"kind": kind, "text": text,
                                             "at": _iso(day + timedelta(hours=hour)),
                                             "level": "info"})


def _write_contacts(folder: Path, contacts) -> None:
    """Each contact into its file (contacts/<xx>.json), as the store keeps them."""
    from appliance.storage.contacts import shard_name
    files: dict[str, dict] = defaultdict(dict)
    for contact in sorted(contacts, key=lambda c: c["last_at"] or ""):
        rows = files[shard_name(contact["number"])]
        rows[str(len(rows) + 1)] = contact
    (folder / "contacts").mkdir(exist_ok=True)
    for name, rows in files.items():
        _dump(folder / name, {"contacts": rows})


def load_busy_year(folder: Path, days: int = 730, calls_per_day: int = 30, contacts: int = 5000,
                   seed: int = 1, now: Optional[datetime] = None) -> dict:
    """Fill `folder` (new or empty) with `days` (default two years) of a busy shop ending now
    -> counts written."""
    from appliance.storage.store import Store
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    now = now or datetime.now(timezone.utc)
    writer = _Writer(rng)
    year = _Year(rng, writer, now, contacts)
    first = (now - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    for offset in range(days + 1):
        day = first + timedelta(days=offset)
        times = sorted(day + timedelta(hours=13, seconds=rng.randint(0, 10 * 3600))
                       for _ in range(rng.randint(calls_per_day - 8, calls_per_day + 8)))
        for at in (t for t in times if t < now - timedelta(minutes=10)):
            year.call(at)
        year.events(day)
    writer.write(folder)
    cutoff = _iso(now - timedelta(days=30))
    recent = {str(i): {"fp": fp, "at": at} for i, (fp, at) in
              enumerate((p for p in year.fingerprints.items() if p[1] >= cutoff), start=1)}
    _dump(folder / "inbox.json", {"fingerprints": recent, "parts": {}})
    _write_contacts(folder, year.contacts.values())
    store = Store(folder)
    store.save_settings({**store.settings(), "business_name": "Ace Plumbing",
                         "owner_name": "Sam", "owner_phone": OWNER,
                         "booking_link": "https://example.com/book"})
    store.close()
    counts = defaultdict(int)
    for name, rows in writer.files.items():
        counts[name.split("-")[0]] += len(rows)
    return {**counts, "contacts": len(year.contacts), "owner_messages": sum(
        1 for rows in writer.files.values() for r in rows.values() if r.get("number") == OWNER)}
