"""A full SD card, end to end: a real box on the modem simulator whose data folder sits on an
emulated small disk (the journal's writes answer ENOSPC once the folder's files fill the
capacity; the free space the box sees is capacity minus those files). The text-back still goes
out (the outbox is written into the released reserve), nothing is half-written, the page, the
status light (gpiozero MockFactory pins) and one owner text say so, and everything waiting is
saved when room returns."""
import errno
import os
import time
from pathlib import Path

from gpiozero.pins.mock import MockFactory

from appliance.core.records import Contact
from appliance.storage import disk as disk_module
from appliance.storage import secrets, sessions
from appliance.storage.journal import decode, read_only_state
from hardware.status_light import FAST_BLINK
from tests.appliance.box_support import CALLER, OTHER_CALLER, running_box, wait_call
from tests.appliance.power_cut import PowerCut, sends, sim_deletes
from tests.helpers import wait_for
from tests.web.conftest import PASSWORD, ShopClient

OWNER = "+12125550100"
PLENTY = 1 << 40


class SmallDisk:
    """The data folder's disk with a capacity; what the folder's files take is used."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.capacity = PLENTY

    def used(self) -> int:
        return sum(p.lstat().st_size for p in self.folder.rglob("*") if p.is_file())

    def free(self, folder) -> int:
        return max(0, self.capacity - self.used())

    def write(self, fd, data) -> int:
        if len(data) > self.free(self.folder):
            raise OSError(errno.ENOSPC, "No space left on device")
        return os.write(fd, data)

    def fill(self) -> None:
        self.capacity = self.used()          # not one more byte fits

    def write_private(self, path, text: str) -> None:
        """secrets.write_private on this disk (the login sessions file)."""
        if len(text) > self.free(self.folder):
            raise OSError(errno.ENOSPC, "No space left on device")
        secrets.write_private(path, text)


def journal_lines(folder: Path) -> list[bytes]:
    return (folder / "journal.jsonl").read_bytes().splitlines(keepends=True)


def owner_texts(sim) -> list[str]:
    return [text for to, text in sim.sent_texts() if to == OWNER]


def logged_in_page(box) -> str:
    """Log in through the login page and open the home page; its text."""
    from web import create_app
    app = create_app(box, {"TESTING": True})
    app.test_client_class = ShopClient
    client = app.test_client()
    assert client.post("/login", data={"password": PASSWORD}).status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_a_full_disk_keeps_texting_back_says_so_and_saves_everything_when_room_returns(
        tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    small = SmallDisk(data)
    secrets.set_password(data, PASSWORD)
    monkeypatch.setattr(sessions, "write_private", small.write_private)
    with running_box(data, settings={"owner_phone": OWNER}, disk_write=small.write,
                     disk_free=small.free, gpio=True, pin_factory=MockFactory()) as app:
        sim = app.simulator
        wait_for(app.disk.has_reserve, 10, "the reserve allocated")
        small.fill()

        sim.ring(CALLER, number_type=145, rings=1)

        wait_for(lambda: [n for n, _ in sim.sent_texts()].count(CALLER) == 1, 10,
                 "the text-back sent although the disk is full")
        wait_for(lambda: any("storage card is full" in t for t in owner_texts(sim)), 10,
                 "the owner told")
        assert not app.disk.has_reserve()                 # released for the outbox
        assert wait_call(app, outcome="texted")[0].number == CALLER   # the page shows it
        health = app.box.status()["health"]
        assert health["led"] == "disk_full" and "storage card is full" in health["problem"]
        wait_for(lambda: app.gpio.light.pattern == FAST_BLINK, 5, "the light blinking fast")
        assert app.store.journal.backlog > 0              # waiting in memory...
        assert all(decode(line) for line in journal_lines(data))   # ...nothing half-written
        outbox_on_disk = [change for name, change in map(decode, journal_lines(data))
                          if name == "outbox.json"]
        assert CALLER in str(outbox_on_disk)          # the one write that had to be written

        sim.ring(OTHER_CALLER, number_type=145, rings=1)   # still texting back
        wait_for(lambda: OTHER_CALLER in [n for n, _ in sim.sent_texts()], 10, "second text")
        assert len([t for t in owner_texts(sim) if "storage card" in t]) == 1   # one per episode
        small.fill()                                      # the reserve's room used up too
        assert "storage card is full" in logged_in_page(app.box)   # no session file written

        small.capacity = PLENTY                           # room again
        wait_for(lambda: not app.upkeep.full, 10, "the disk counted as fine again")
        wait_for(app.disk.has_reserve, 10, "the reserve allocated again")
        assert app.store.journal.backlog == 0
        assert app.box.status()["health"]["led"] != "disk_full"
        wait_for(lambda: app.gpio.light.pattern != FAST_BLINK, 5, "the light steady again")
        texts = [e["text"] for e in app.box.events(limit=10)]
        assert any("has room again" in t for t in texts)
        assert any("Storage card full" in t for t in texts)
    month_calls = [read_only_state(data, p.name).get("calls", {}).values()
                   for p in data.glob("calls-*.json")]
    stored = {c["number"]: c["outcome"] for rows in month_calls for c in rows}
    assert stored == {CALLER: "texted", OTHER_CALLER: "texted"}   # on disk, after the stop


def test_the_reserve_is_real_allocated_space_and_is_given_back(tmp_path, monkeypatch):
    monkeypatch.setattr(disk_module, "ROOM_BYTES", 0)
    disk = disk_module.Disk(tmp_path, reserve_bytes=256 * 1024)

    assert disk.keep_reserve()
    assert os.stat(disk.reserve_path).st_blocks * 512 >= 256 * 1024   # not a sparse file
    assert disk.release_reserve() and not disk.reserve_path.exists()
    assert not disk.release_reserve()


def test_no_reserve_is_taken_from_a_disk_that_is_nearly_full(tmp_path):
    disk = disk_module.Disk(tmp_path, free=lambda folder: disk_module.ROOM_BYTES - 1)
    assert not disk.keep_reserve() and not disk.reserve_path.exists()


def test_texts_and_a_stop_received_while_full_stay_on_the_sim_until_they_are_on_disk(tmp_path):
    """While changes wait in memory, a power cut would lose them: so the SIM keeps its copies
    and the STOP's confirmation waits; once room returns everything is written, then the SIM
    is emptied and the STOP confirmed, each only after it is durable (power_cut.py)."""
    data = tmp_path / "data"
    data.mkdir()
    small, cut = SmallDisk(data), PowerCut(data, tmp_path / "cuts")
    with running_box(data, disk_write=small.write, disk_free=small.free,
                     disk_fsync=cut.fsync) as app:
        sim = app.simulator
        wait_for(app.disk.has_reserve, 10, "the reserve allocated")
        small.fill()
        known = {}
        for text in ("Please call me back", "STOP"):
            pdus = sim.receive_text(CALLER, text)
            known.update({pdu.upper(): (CALLER, text, n + 1) for n, pdu in enumerate(pdus)})
        wait_for(lambda: (app.store.contact(CALLER) or Contact()).opted_out, 10,
                 "the STOP honoured (in memory)")
        assert [m.text for m in app.store.messages_for(CALLER) if m.direction == "in"] \
            == ["Please call me back", "STOP"]                   # the page shows them
        assert app.upkeep.full or wait_for(lambda: app.upkeep.full, 5, "counted as full")
        held = time.monotonic()
        assert app.store.journal.backlog > 0
        assert sorted(sim.storage["SM"].values()) == sorted(known)   # the SIM still has both
        assert CALLER not in [n for n, _ in sim.sent_texts()]  # no confirmation yet
        now_cut = cut.state_at(held)                        # a power cut now: not on disk...
        assert not now_cut.texts_in() and not (now_cut.contact(CALLER) or {}).get("opted_out")

        small.capacity = PLENTY                             # ...so the SIM kept them; room again
        wait_for(lambda: not sim.storage.get("SM"), 10, "the SIM emptied once stored")
        wait_for(lambda: CALLER in [n for n, _ in sim.sent_texts()], 10, "the STOP confirmed")
        deletes = sim_deletes(sim, known)
        assert sorted(label for _, label in deletes if label) == sorted(known.values())
        for moment, (sender, text, _) in [(m, label) for m, label in deletes if label]:
            assert moment > held
            assert text in [m["text"] for m in cut.state_at(moment).texts_in()]
        confirmation = sends(sim)[-1]
        assert cut.state_at(confirmation).contact(CALLER)["opted_out"]
        stored = cut.state_at(float("inf")).texts_in()
        assert sorted(m["text"] for m in stored) == ["Please call me back", "STOP"]  # once each
