"""The page and API served by waitress in a thread of the daemon (so they share its store)."""
from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class WebServer:
    """waitress in a thread of this process."""

    def __init__(self, app, host: str, port: int, loop_timeout: float = 1.0):
        from waitress.server import create_server
        # loop_timeout bounds how long close() takes to be noticed (short in tests).
        self.server = create_server(app, host=host, port=port, threads=4, ident="textback",
                                    asyncore_loop_timeout=loop_timeout)
        self.thread = threading.Thread(target=self._run, name="web", daemon=True)
        self._stopping = False

    @property
    def address(self) -> str:
        host, port = self.server.effective_host, self.server.effective_port
        return f"http://{host}:{port}/"

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        try:
            self.server.run()
        except Exception:  # thread boundary; the watchdog notices the dead thread
            if self._stopping:
                log.debug("web server loop ended while closing", exc_info=True)
            else:
                log.exception("web server stopped")

    def alive(self) -> bool:
        return self.thread.is_alive()

    def stop(self) -> None:
        self._stopping = True        # closing under the running loop may raise EBADF: expected
        self.server.close()
        self.thread.join(5)
