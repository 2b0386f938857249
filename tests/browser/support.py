"""Helpers for the browser tests: a running box with its web server, a page watcher that
collects console errors, uncaught exceptions and CSP violations, logging in, screenshots.

The fixtures that use these live in tests/browser/conftest.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 800}}

PASSWORD = "correct horse battery"
# Valid numbers (phonenumbers.is_valid_number): these get texted back.
CALLER = "+12125551234"
OTHER_CALLER = "+12125559876"
UK_CALLER = "+447400123456"

# Outcomes after which a call's row no longer changes.
SETTLED = {"texted", "withheld", "cooldown", "opted_out", "excluded", "paused", "invalid_number",
           "business_line", "own_number", "owner_phone",
           "short_code", "active_conversation", "daily_cap", "failed", "unconfirmed",
           "foreign", "premium", "service_number", "box_cap"}
WAIT = 10.0             # seconds for anything the box does (rings, texts, the modem)
LIVE_WAIT_MS = 10_000   # the page polls every 3 s (5 s for the inbox); allow for a slow machine


class Shop:
    """A started box (tests/appliance/box_support.py: demo, fast timers) serving its page.
    `appliance` is the whole box, `box` the facade the page is given."""

    def __init__(self, data_dir: Path, **options):
        from tests.appliance.box_support import demo_box
        self.appliance = demo_box(data_dir, gpio=False, listen="127.0.0.1:0", **options)
        self.box = self.appliance.box
        self.appliance.start()
        try:
            wait_for(lambda: self.box.status()["modem"]["state"] == "ready", timeout=WAIT,
                     message="the simulated modem to be ready")
        except BaseException:
            self.appliance.stop()
            raise
        self.base = self.appliance.web.address.rstrip("/")

    @property
    def simulator(self):
        """The modem simulator: the customers' side of the mobile network."""
        return self.appliance.simulator

    def url(self, path: str = "/") -> str:
        return self.base + path

    def stop(self) -> None:
        self.appliance.stop()

    def open_first_run_window(self) -> None:
        """What holding the button for 10 s does: the 10-minute first-run window opens."""
        commands, clock = self.appliance.commands, self.appliance.clock
        self.box.service.call(lambda: commands.start_hotspot(clock()))
        # The hotspot itself comes up on a thread of its own (nmcli takes seconds).
        wait_for(lambda: self.box.wifi is None or self.box.wifi.hotspot_active(), WAIT,
                 "the setup hotspot")

    def ring(self, number: Optional[str], rings: int = 2, number_type: int = 145):
        """A caller rings and gives up; returns the logged call once its outcome is final."""
        self.wait_outbox_empty()    # a SIM800 refuses calls while a text is being submitted
        before = {call.id for call in self.box.calls(limit=None)}
        if number is None:
            self.simulator.ring("", rings=rings, withheld=True)
        else:
            self.simulator.ring(number, number_type=number_type, rings=rings)

        def settled():
            fresh = [c for c in self.box.calls(limit=None) if c.id not in before]
            return fresh[0] if fresh and fresh[0].outcome in SETTLED else None
        return wait_for(settled, timeout=WAIT, message=f"the call from {number} to be logged")

    def wait_outbox_empty(self) -> None:
        wait_for(lambda: self.appliance.outbox.counts()["queued"] == 0, timeout=WAIT,
                 message="the box to finish sending its texts")

    def text_in(self, number: str, text: str) -> dict:
        """A customer texts the box; returns the stored incoming message."""
        self.simulator.receive_text(number, text)

        def arrived():
            found = self.box.conversation(number) or {"messages": []}
            return next((m for m in found["messages"]
                         if m["direction"] == "in" and m["text"] == text), None)
        message = wait_for(arrived, timeout=WAIT, message=f"the text from {number} to be stored")
        # Handled too (counted unread, forwarded to the owner, STOP confirmed): what it queues is
        # in the outbox before the test goes on, so a ring that follows waits for it.
        store = self.appliance.store
        wait_for(lambda: _handled(store, message["id"]), timeout=WAIT,
                 message=f"the text from {number} to be handled")
        return message

    def texts_sent_to(self, number: str) -> list[str]:
        """What the simulated network has seen the box send to `number` (whole texts)."""
        return [text for to, text in self.simulator.sent_texts() if to == number]


@dataclass
class Watch:
    """Everything that went wrong in a page: console errors, uncaught exceptions, CSP
    violations. `expected` holds regexes of console errors a test provoked on purpose."""
    problems: list = field(default_factory=list)
    expected: list = field(default_factory=list)

    def attach(self, context) -> None:
        context.expose_binding("__reportCspViolation", self._csp)
        # Init scripts are injected by the browser itself, so the page's CSP does not block
        # this listener; it reports every violation, including ones that log nothing.
        context.add_init_script(
            "document.addEventListener('securitypolicyviolation', function (e) {"
            " window.__reportCspViolation(e.violatedDirective + ' blocked ' +"
            " (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber); });")
        context.on("page", self.watch_page)

    def watch_page(self, page) -> None:
        page.on("console", lambda msg: self._console(page, msg))
        page.on("pageerror", lambda error: self.problems.append(
            f"uncaught exception on {page.url}: {error}"))

    def _console(self, page, msg) -> None:
        if msg.type not in ("error", "warning"):
            return
        text = msg.text
        if msg.type == "warning" and "Content Security Policy" not in text:
            return
        if any(re.search(pattern, text) for pattern in self.expected):
            return
        self.problems.append(f"console {msg.type} on {page.url}: {text}")

    def _csp(self, source, detail) -> None:
        self.problems.append(f"CSP violation on {source['frame'].url}: {detail}")

    def expect_error(self, pattern: str) -> None:
        self.expected.append(pattern)

    def assert_clean(self) -> None:
        assert not self.problems, "the page reported problems:\n" + "\n".join(self.problems)


SERIOUS = ("serious", "critical")


def accessibility_problems(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (one line each)."""
    from axe_playwright_python.sync_playwright import Axe
    found = Axe().run(page).response.get("violations", [])
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(node["target"][0] if isinstance(node["target"][0], str)
                        else str(node["target"]) for node in v["nodes"][:5])
            for v in found if v.get("impact") in SERIOUS]


def overflowing_placeholders(page) -> list[str]:
    """Inputs whose placeholder is wider than the box it is shown in (cut off on a phone)."""
    return page.evaluate("""() => {
      const canvas = document.createElement('canvas').getContext('2d');
      const out = [];
      for (const input of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
        if (!input.placeholder || input.offsetParent === null) continue;
        const style = getComputedStyle(input);
        canvas.font = style.font;
        const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        const need = canvas.measureText(input.placeholder).width;
        if (need > room + 1) out.push(`${input.id || input.name}: "${input.placeholder}" needs ${Math.ceil(need)}px, has ${Math.floor(room)}px`);
      }
      return out; }""")


def login(page, shop: Shop, password: str = PASSWORD) -> None:
    """Log in through the login form; ends on the home page."""
    page.goto(shop.url("/login"))
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("home").wait_for()


def screenshot(page, name: str, viewport: str) -> Path:
    """tests/screenshots/<name>-<width>.png of the whole page. The viewport is stretched to the
    page's height first, so fixed bars (the phone's bottom nav) sit where they belong instead
    of across the middle of a stitched full-page capture. On a phone, also
    <name>-375-screen.png: the screen as the owner sees it at that moment, i.e. where the page
    opened (a thread opens scrolled to its newest text) unless the test scrolled it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = VIEWPORTS[viewport]
    path = SCREENSHOTS / f"{name}-{size['width']}.png"
    page.evaluate("document.fonts.ready.then(() => true)")
    if viewport == "phone":     # where the page opened (a thread opens at its newest text)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{size['width']}-screen.png"),
                        animations="disabled", caret="hide")
    height = page.evaluate("Math.ceil(document.documentElement.scrollHeight)")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    page.evaluate("window.scrollTo(0, 0)")
    try:
        page.screenshot(path=str(path), animations="disabled", caret="hide")
    finally:
        page.set_viewport_size(size)
    return path


def _handled(store, message_id: str) -> bool:
    message = store.get_message(message_id)
    return message is not None and bool(message.handled)
