"""The chaos run's events and its final count (scripts/chaos.py). Every decision (which event,
which caller, how many rings, when to kill) comes from the seeded random generator."""
from __future__ import annotations

import time
from collections import Counter

from appliance.core.numbers import same_number

EVENTS = ("call", "call_then_kill", "power_cut", "text", "long_text", "text_then_kill",
          "reply", "unplug", "reboot", "junk")
WEIGHTS = (34, 6, 4, 20, 7, 5, 8, 4, 4, 8)
REPLY = "Reply "
# Long enough for the production timers' SIM sweep (5 min), which finds texts a silently
# rebooted modem no longer announces.
SETTLE_SECONDS = 400.0


class Run:
    """Plays events on the simulator and the daemon, and remembers what must come of them."""

    def __init__(self, rng, sim, daemon):
        self.rng, self.sim, self.daemon = rng, sim, daemon
        self.calls: list = []          # (E.164 number, simulator Call)
        self.texts: list = []          # (sender, text) sent to the box
        self.replies: list = []        # (customer, text) the owner sent (API answered 202)
        self.counts: Counter = Counter()
        self.kills = 0
        self._serial = 0

    def step(self) -> None:
        if not self.daemon.running():        # found dead without a kill: a crash
            self.daemon.kill()
            self.daemon.start()
        name = self.rng.choices(EVENTS, WEIGHTS)[0]
        self.counts[name] += 1
        getattr(self, "_" + name)()
        time.sleep(self.rng.uniform(0, 0.15))  # events overlap a little, as in a shop

    # --- events -------------------------------------------------------------------------------

    def _call(self, rings: int = 0, interval: float = 0.0):
        self._serial += 1
        e164 = f"+1212555{1000 + self._serial:04d}"
        national = self.rng.random() < 0.25          # some modules give national numbers
        call = self.sim.ring(e164[2:] if national else e164, 129 if national else 145,
                             rings=rings or self.rng.randint(1, 3),
                             interval=interval or self.rng.uniform(0.05, 0.3))
        self.calls.append((e164, call))
        return call

    def _call_then_kill(self) -> None:
        call = self._call()
        call.over.wait(60)                     # the caller has just given up
        self._kill_and_restart()

    def _power_cut(self) -> None:
        call = self._call(rings=3, interval=0.4)
        deadline = time.monotonic() + 60
        while call.rung < 1 and not call.over.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)
        self.daemon.kill()                     # the box goes while the caller still rings
        self.kills += 1
        call.over.wait(60)
        self.daemon.start()

    def _text(self, length: int = 0) -> None:
        self._serial += 1
        sender = f"+1646555{2000 + self._serial:04d}"
        text = f"chaos {self._serial}: can you look at the boiler"
        if length:
            text += " and the radiators upstairs" * (length // 27 + 1)
        self.sim.receive_text(sender, text)
        self.texts.append((sender, text))

    def _long_text(self) -> None:
        self._text(length=self.rng.randint(170, 450))

    def _text_then_kill(self) -> None:
        self._text()                           # +CMTI is on the line now
        self._kill_and_restart()

    def _reply(self) -> None:
        # One draw whatever has been texted so far, so the seed's stream of events stays the
        # same from run to run.
        pick = self.rng.random()
        texted = sorted({to for to, _ in self.sim.sent_texts() if to.startswith("+1212")})
        self._serial += 1
        if not texted:
            return
        to = texted[int(pick * len(texted))]
        text = f"{REPLY}{self._serial}: I can come by at four"
        path = "/api/conversations/" + to.replace("+", "%2B") + "/messages"
        if self.daemon.api("POST", path, {"text": text}) is not None:
            self.replies.append((to, text))

    def _unplug(self) -> None:
        self.sim.unplug()
        time.sleep(self.rng.uniform(0.1, 1.0))
        self.sim.replug()

    def _reboot(self) -> None:
        self.sim.reboot()

    def _junk(self) -> None:
        junk = bytes(self.rng.getrandbits(8) for _ in range(self.rng.randint(1, 60)))
        self.sim.inject(junk + (b"\r\n" if self.rng.random() < 0.5 else b""))

    def _kill_and_restart(self) -> None:
        self.daemon.kill()
        self.kills += 1
        self.daemon.start()

    # --- the count ----------------------------------------------------------------------------

    def finish(self) -> dict:
        if not self.daemon.running():
            self.daemon.kill()
            self.daemon.start()
        self.sim.wait_idle(120)
        missed = [number for number, call in self.calls if call.outcome == "gave_up"]
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline and not self._all_done(missed):
            time.sleep(0.5)
        return self._figures(missed)

    def _textbacks(self) -> Counter:
        return Counter(to for to, text in self.sim.sent_texts() if not text.startswith(REPLY))

    def _all_done(self, missed: list) -> bool:
        textbacks, status = self._textbacks(), self.daemon.status()
        sent = Counter(text for _, text in self.sim.sent_texts())
        return (all(textbacks[n] or self._unconfirmed(n) for n in missed)
                and all(sent[t] or self._unconfirmed_reply(to, t) for to, t in self.replies)
                and self._sim_left() == 0
                and (status.get("outbox") or {}).get("queued") == 0
                and all(self._stored(sender, text) for sender, text in self.texts))

    def _unconfirmed(self, number: str) -> bool:
        found = self.daemon.api("GET", "/api/calls?limit=1000") or {}
        return any(c["number"] == number and c["outcome"] == "unconfirmed"
                   for c in found.get("calls", []))

    def _unconfirmed_reply(self, to: str, text: str) -> bool:
        return any(m["direction"] == "out" and m["text"] == text and m["status"] ==
                   "unconfirmed" for m in self.daemon.conversation(to))

    def _stored(self, sender: str, text: str) -> int:
        return sum(m["direction"] == "in" and m["text"] == text
                   for m in self.daemon.conversation(sender))

    def _sim_left(self) -> int:
        return sum(len(slots) for slots in self.sim.storage.values())

    def _figures(self, missed: list) -> dict:
        calls = (self.daemon.api("GET", "/api/calls?limit=1000") or {}).get("calls", [])
        # A text the modem never confirmed counts as texted (it may have gone; never resent).
        unconfirmed = {c["number"] for c in calls if c["outcome"] == "unconfirmed"}
        textbacks, problems = self._textbacks(), []
        callers = {number for number, _ in self.calls}
        problems += [f"missed call from {n} never texted" for n in missed
                     if not textbacks[n] and n not in unconfirmed]
        problems += [f"{n} texted back {count} times" for n, count in textbacks.items()
                     if count > 1 and any(same_number(n, c) for c in callers)]
        stored = {(s, t): self._stored(s, t) for s, t in self.texts}
        problems += [f"text from {s} stored {count} times" for (s, t), count in stored.items()
                     if count != 1]
        sent = Counter(text for _, text in self.sim.sent_texts())
        problems += [f"owner reply to {to} sent {sent[text]} times" for to, text in self.replies
                     if sent[text] > 1 or not (sent[text] or self._unconfirmed_reply(to, text))]
        lost = sum(p.endswith("never texted") or " 0 times" in p for p in problems)
        return {"counts": self.counts, "kills": self.kills, "calls": len(missed),
                "texted_once": sum(textbacks[n] == 1 or (not textbacks[n] and n in unconfirmed)
                                   for n in missed),
                "unconfirmed": len(unconfirmed),
                "texts_in": len(self.texts), "replies": len(self.replies), "lost": lost,
                "duplicated": len(problems) - lost, "crashes": self.daemon.crashed,
                "sim_left": self._sim_left(), "problems": problems,
                "ready": self.daemon.status().get("modem", {}).get("state") == "ready"}
