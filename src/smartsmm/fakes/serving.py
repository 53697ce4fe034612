"""Serving a fake in a background thread of the test or demo process (standard library only)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import HTTPServer


def serve_in_background(server: HTTPServer, name: str) -> Callable[[], None]:
    """Start `server` in a daemon thread; return the function that stops it and frees the port."""
    # A short poll interval: tests stop and start fakes often, and shutdown() waits for a poll.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True
    )
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop
