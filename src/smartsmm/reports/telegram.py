"""A small Telegram Bot API client for delivering reports: ``getMe`` and ``sendDocument``.

Every call goes through :mod:`smartsmm.lib.http` (allow-listed hosts, timeouts, retries of network
errors and 5xx, redaction). The bot token travels in the URL path (``/bot<token>/sendDocument``),
which that module masks in every log line and error message; the token is also passed as the
request's rate key, so any text that might echo it is scrubbed too. Tokens of any other shape are
refused before a request is made, because only the documented shape is recognised by the masking.

Errors follow the Bot API envelope ``{"ok": false, "error_code": N, "description": "..."}``
(shared/reference/platform-apis.md §2.1):

- 429 "Too Many Requests" → temporary, with ``parameters.retry_after`` seconds (flood control);
- 5xx and network trouble → temporary (after the HTTP layer's own retries);
- 400 (chat not found, bad request), 401 (token revoked), 403 (bot blocked or not a member) → permanent:
  repeating the same request cannot succeed.
"""

from __future__ import annotations

from typing import Any

import httpx

from smartsmm.lib import http
from smartsmm.reports.models import BOT_TOKEN_RE

BASE_URL_SETTING = "SMARTSMM_TELEGRAM_API_URL"
#: Longest caption sendDocument accepts (characters after entity parsing).
MAX_CAPTION = 1024
#: A bot may send about one message per second to a chat; reports are few, so one per second per bot.
RATE = (1, 1.0)
#: 429 is not retried in-process: Telegram's flood wait (parameters.retry_after) can be long, and the
#: delivery round comes back after it instead of holding a worker thread.
RETRY_STATUSES = http.DEFAULT_RETRY_STATUSES - {429}


class TelegramError(Exception):
    """A Bot API call failed; the message never contains the token.

    Attributes:
        permanent: Repeating the request cannot succeed (bad chat, bot blocked, token revoked).
        error_code: The API's ``error_code`` (or the HTTP status), None without a response.
        retry_after: Seconds Telegram asked us to wait (429), if it said so.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        error_code: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.error_code = error_code
        self.retry_after = retry_after


def is_valid_token(token: str) -> bool:
    """Whether ``token`` has the shape @BotFather issues (``123456789:AA…``)."""
    return bool(BOT_TOKEN_RE.match(token or ""))


def _envelope(response: httpx.Response | None) -> dict[str, Any] | None:
    if response is None:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _error_from(body: dict[str, Any] | None, status: int | None, token: str) -> TelegramError:
    code = body.get("error_code") if body else None
    if not isinstance(code, int):
        code = status
    description = str(body.get("description") or "") if body else ""
    description = http.scrub(description, [token]) or (f"HTTP {status}" if status else "no answer")
    parameters = body.get("parameters") if body else None
    retry_after = None
    if isinstance(parameters, dict) and isinstance(parameters.get("retry_after"), int | float):
        retry_after = float(parameters["retry_after"])
    permanent = code is not None and 400 <= code < 500 and code != 429
    return TelegramError(
        f"Telegram: {code} {description}" if code else f"Telegram: {description}",
        permanent=permanent,
        error_code=code,
        retry_after=retry_after,
    )


def call(
    token: str,
    method: str,
    *,
    data: dict[str, Any] | None = None,
    files: dict[str, tuple[str, bytes, str]] | None = None,
    client: http.HttpClient | None = None,
) -> Any:
    """Call a Bot API method and return its ``result``.

    Raises:
        TelegramError: the token is malformed, the API answered ``ok: false`` or an HTTP error, or
            no answer came (temporary).
    """
    if not is_valid_token(token):
        raise TelegramError("Telegram: the bot token is malformed (expected 123456789:AA…)", permanent=True)
    url = http.endpoint(BASE_URL_SETTING, f"bot{token}/{method}")
    agent = client or http.get_client()
    try:
        response = agent.post(url, data=data, files=files, rate_key=token, rate=RATE, retry_on=RETRY_STATUSES)
    except http.HttpError as exc:
        if exc.response is None:
            # No answer (network, timeout) or a refused host: the HTTP layer's message is safe.
            raise TelegramError(
                f"Telegram: {http.scrub(exc.message, [token])}", permanent=exc.permanent
            ) from None
        raise _error_from(_envelope(exc.response), exc.status, token) from None
    body = _envelope(response)
    if body is None:
        raise TelegramError("Telegram: the answer is not JSON", permanent=False)
    if not body.get("ok"):
        raise _error_from(body, response.status_code, token)
    return body.get("result")


def get_me(token: str, *, client: http.HttpClient | None = None) -> dict[str, Any]:
    """The bot's own user object (checks that the token works)."""
    result = call(token, "getMe", client=client)
    return result if isinstance(result, dict) else {}


def send_document(
    token: str,
    chat_id: str,
    *,
    file_name: str,
    content: bytes,
    content_type: str = "application/pdf",
    caption: str = "",
    client: http.HttpClient | None = None,
) -> dict[str, Any]:
    """Send a file to a chat (multipart upload); returns the sent Message."""
    data: dict[str, Any] = {"chat_id": chat_id}
    if caption:
        data["caption"] = caption if len(caption) <= MAX_CAPTION else caption[: MAX_CAPTION - 1] + "…"
    result = call(
        token,
        "sendDocument",
        data=data,
        files={"document": (file_name, content, content_type)},
        client=client,
    )
    return result if isinstance(result, dict) else {}
