"""A fake Telegram Bot API server for the tests and the demo: ``getMe`` and ``sendDocument``.

It follows shared/reference/platform-apis.md §2.1 (the Bot API envelope): success is
``{"ok": true, "result": ...}``, failure ``{"ok": false, "error_code": N, "description": "..."}`` with
the matching HTTP status, and flood control adds ``"parameters": {"retry_after": N}``. URLs are
``/bot<token>/<method>`` as on ``https://api.telegram.org``; method names are case-insensitive.

* :class:`FakeTelegram` holds bots (token → username), chats (ok, blocked, or unknown), what was
  sent, and injected failures; ``FakeTelegram.wsgi_app`` serves it.
* :func:`serve_in_thread` runs it on a loopback port for a test; ``python -m smartsmm.fakes.telegram``
  runs it as a process for the demo (prints the demo token, which guards nothing).

Reproduced errors (wording as the Bot API gives it):

======  ==================================================  =========================================
status  description                                         when
======  ==================================================  =========================================
400     ``Bad Request: chat not found``                     the chat id is unknown
400     ``Bad Request: there is no document in the request``  sendDocument without a file
400     ``Bad Request: message caption is too long``        caption over 1024 characters
401     ``Unauthorized``                                    unknown or revoked token
403     ``Forbidden: bot was blocked by the user``          the chat blocked the bot
404     ``Not Found``                                       unknown method
429     ``Too Many Requests: retry after N``                injected with :meth:`FakeTelegram.flood`
======  ==================================================  =========================================
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP as HTTP_POLICY
from typing import Any
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIServer

from smartsmm.fakes.serving import make_loopback_server, serve_in_background, status_line

MAX_CAPTION = 1024
#: The demo bot (a fixed string: it guards nothing, the fake accepts it and nothing else does).
DEMO_TOKEN = "123456789:AAFakeDemoBotTokenForSmartsmmDemo00"
DEMO_CHAT = "-1001000000001"

OK, BLOCKED = "ok", "blocked"


@dataclass
class SentDocument:
    """One document the fake received through sendDocument."""

    bot: str  # the bot's username, never the token
    chat_id: str
    file_name: str
    content_type: str
    content: bytes
    caption: str
    message_id: int


@dataclass
class FakeTelegram:
    """The state and behaviour of the fake Bot API (see the module docstring)."""

    bots: dict[str, str] = field(default_factory=dict)  # token → username
    chats: dict[str, str] = field(default_factory=dict)  # chat id → OK / BLOCKED
    sent: list[SentDocument] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)  # (bot username or "?", method)
    _flood: list[int] = field(default_factory=list)  # retry_after of the next 429 answers
    _failures: list[int] = field(default_factory=list)  # HTTP statuses of the next answers (5xx)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- setting up --------------------------------------------------------------------------------

    def add_bot(self, token: str, username: str) -> None:
        self.bots[token] = username

    def revoke_bot(self, token: str) -> None:
        """The token stops working (as after /revoke in @BotFather): every call → 401."""
        self.bots.pop(token, None)

    def add_chat(self, chat_id: str | int, *, blocked: bool = False) -> None:
        self.chats[str(chat_id)] = BLOCKED if blocked else OK

    def flood(self, retry_after: int = 7, times: int = 1) -> None:
        """The next ``times`` calls answer 429 with ``parameters.retry_after``."""
        with self._lock:
            self._flood.extend([retry_after] * times)

    def fail(self, status: int = 502, times: int = 1) -> None:
        """The next ``times`` calls answer a bare HTTP error (as a proxy in front of the API would)."""
        with self._lock:
            self._failures.extend([status] * times)

    # -- behaviour ---------------------------------------------------------------------------------

    def handle(
        self, token: str, method: str, fields: Mapping[str, str], files: Mapping[str, Any]
    ) -> tuple[int, Any]:
        """Answer one call: ``(HTTP status, JSON body)``."""
        with self._lock:
            username = self.bots.get(token)
            self.calls.append((username or "?", method.lower()))
            if self._failures:
                return self._failures.pop(0), None
            if self._flood:
                wait = self._flood.pop(0)
                return _error(429, f"Too Many Requests: retry after {wait}", parameters={"retry_after": wait})
        if username is None:
            return _error(401, "Unauthorized")
        name = method.lower()
        if name == "getme":
            return 200, _ok(
                {
                    "id": int(token.split(":", 1)[0]),
                    "is_bot": True,
                    "first_name": username,
                    "username": username,
                    "can_join_groups": True,
                    "can_read_all_group_messages": False,
                    "supports_inline_queries": False,
                }
            )
        if name == "senddocument":
            return self._send_document(username, fields, files)
        return _error(404, "Not Found")

    def _send_document(
        self, username: str, fields: Mapping[str, str], files: Mapping[str, Any]
    ) -> tuple[int, Any]:
        chat_id = fields.get("chat_id", "").strip()
        if not chat_id:
            return _error(400, "Bad Request: chat_id is empty")
        state = self.chats.get(chat_id)
        if state is None:
            return _error(400, "Bad Request: chat not found")
        if state == BLOCKED:
            return _error(403, "Forbidden: bot was blocked by the user")
        document = files.get("document")
        if document is None:
            return _error(400, "Bad Request: there is no document in the request")
        caption = fields.get("caption", "")
        if len(caption) > MAX_CAPTION:
            return _error(400, "Bad Request: message caption is too long")
        file_name, content_type, content = document
        with self._lock:
            message_id = len(self.sent) + 1
            self.sent.append(
                SentDocument(username, chat_id, file_name, content_type, content, caption, message_id)
            )
        numeric = int(chat_id) if re.fullmatch(r"-?\d+", chat_id) else 0
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": numeric, "type": "channel" if chat_id.startswith("-100") else "private"},
            "document": {
                "file_name": file_name,
                "mime_type": content_type,
                "file_id": f"BQACAgIAAx{message_id:08d}",
                "file_unique_id": f"AgAD{message_id:06d}",
                "file_size": len(content),
            },
        }
        if caption:
            message["caption"] = caption
        return 200, _ok(message)

    # -- WSGI --------------------------------------------------------------------------------------

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        """``/bot<token>/<method>`` (GET or POST, urlencoded or multipart)."""
        path = environ.get("PATH_INFO", "")
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", path)
        if match is None:
            status, body = _error(404, "Not Found")
        else:
            fields, files = _request_fields(environ)
            status, body = self.handle(match.group(1), match.group(2), fields, files)
        payload = b"" if body is None else json.dumps(body).encode()
        content_type = "application/json" if body is not None else "text/plain"
        start_response(
            status_line(status), [("Content-Type", content_type), ("Content-Length", str(len(payload)))]
        )
        return [payload]


def _ok(result: Any) -> dict[str, Any]:
    return {"ok": True, "result": result}


def _error(code: int, description: str, **extra: Any) -> tuple[int, dict[str, Any]]:
    return code, {"ok": False, "error_code": code, "description": description, **extra}


def _request_fields(environ: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, tuple[str, str, bytes]]]:
    """Query string and form fields, and multipart files as ``name → (file name, type, bytes)``."""
    fields = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    files: dict[str, tuple[str, str, bytes]] = {}
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return fields, files
    body = environ["wsgi.input"].read(length)
    content_type = environ.get("CONTENT_TYPE", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        fields.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    elif content_type.startswith("application/json"):
        try:
            data = json.loads(body)
        except ValueError:
            data = {}
        if isinstance(data, dict):
            fields.update({str(k): str(v) for k, v in data.items()})
    elif content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP_POLICY).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str):
                continue
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                continue
            file_name = part.get_filename()
            if file_name is not None:
                files[name] = (file_name, part.get_content_type(), payload)
            else:
                fields[name] = payload.decode("utf-8", "replace")
    return fields, files


def make_fake_server(fake: FakeTelegram, host: str = "127.0.0.1", port: int = 0) -> WSGIServer:
    """A threaded WSGI server for ``fake`` on a loopback address (``port=0``: any free port)."""
    return make_loopback_server(fake.wsgi_app, host, port, what="fake Telegram server")


def serve_in_thread(
    fake: FakeTelegram, host: str = "127.0.0.1", port: int = 0
) -> tuple[str, Callable[[], None]]:
    """Serve ``fake`` in a background thread; returns ``(base_url, stop)``.

    ``base_url`` (``http://127.0.0.1:PORT``) is what ``SMARTSMM_TELEGRAM_API_URL`` should be.
    """
    server = make_fake_server(fake, host, port)
    stop = serve_in_background(server, "fake-telegram")
    return f"http://{host}:{server.server_port}", stop


def build_demo_fake() -> FakeTelegram:
    """One demo bot and one demo channel that accepts documents."""
    fake = FakeTelegram()
    fake.add_bot(DEMO_TOKEN, "smartsmm_demo_bot")
    fake.add_chat(DEMO_CHAT)
    return fake


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m smartsmm.fakes.telegram", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8082)
    args = parser.parse_args(argv)
    fake = build_demo_fake()
    server = make_fake_server(fake, args.host, args.port)
    print(f"fake Telegram Bot API on http://{args.host}:{server.server_port}")
    print(f"  SMARTSMM_TELEGRAM_API_URL=http://{args.host}:{server.server_port}")
    print(f"  demo bot token: {DEMO_TOKEN}  demo chat id: {DEMO_CHAT}")
    signal.signal(signal.SIGTERM, lambda *_: server.shutdown())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.5)
    except KeyboardInterrupt:
        server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
