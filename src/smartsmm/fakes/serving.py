"""Serving a fake: a quiet, threaded WSGI server on loopback only (standard library only)."""

from __future__ import annotations

import http
import re
import threading
from collections.abc import Callable
from http.server import HTTPServer
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import WSGIApplication


def status_line(status: int) -> str:
    """``"404 Not Found"`` for a WSGI ``start_response``."""
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class _QuietHandler(WSGIRequestHandler):
    """Logs nothing: the fakes' request lines carry tokens (VK's access_token, the bot token)."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


def make_loopback_server(app: WSGIApplication, host: str, port: int, *, what: str) -> WSGIServer:
    """A threaded WSGI server for ``app`` on a loopback address (``port=0``: any free port).

    A fake accepts any token and answers like the real platform: it must never be reachable from
    another machine, so anything but loopback is refused (``what`` names the fake in the error).
    """
    if host != "localhost" and not re.fullmatch(r"127\.\d{1,3}\.\d{1,3}\.\d{1,3}", host):
        raise ValueError(f"the {what} listens on loopback only, not on {host!r}")
    return make_server(host, port, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)


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
