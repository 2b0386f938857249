"""Demo mode's pretend customer: ring the box or text it, through the modem simulator.

The web page's simulator panel calls these; the simulator then speaks the modem's dialect over
the pseudo-terminal, so the demo exercises exactly the code path a real modem would.
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class DemoPhone:
    """What the demo panel can do: ring the box as a caller, or text it as a customer."""

    def __init__(self, simulator, interval: float = 1.0, rings: int = 3):
        self.simulator = simulator
        self.interval = interval
        self.rings = rings

    def ring(self, number: str, rings: int = 0, withheld: bool = False) -> None:
        """A caller rings `rings` times and gives up (withheld: no caller ID)."""
        log.info("demo: %s rings the box", "a withheld caller" if withheld else number)
        self.simulator.ring(number="" if withheld else number,
                            number_type=128 if withheld else (145 if number.startswith("+") else 129),
                            validity=1 if withheld else 0, rings=rings or self.rings,
                            interval=self.interval)

    def text(self, number: str, text: str) -> None:
        """A customer texts the box."""
        log.info("demo: %s texts the box", number)
        self.simulator.receive_text(number, text)

    @property
    def sent(self) -> list:
        """What the box has sent, as the simulated network saw it."""
        return self.simulator.sent
