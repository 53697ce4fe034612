"""The one choke point for every outbound HTTP call smartsmm makes.

Every request to a platform API goes through :class:`HttpClient` so that the rules are enforced in
one place rather than re-implemented (or forgotten) in each connector:

- **Allow-listed hosts only.** The allow-list is the set of origins (scheme, host, port) of the
  configured base URLs in :data:`BASE_URLS`; anything else is refused before a socket is opened.
  A mistyped or attacker-supplied URL can therefore never carry a token to a foreign server.
- **Base URLs from settings.** ``base_url("SMARTSMM_VK_API_URL")`` reads the environment (then the
  Django setting of the same name) at call time, so tests and the demo point connectors at local
  fakes without patching code. Pointing a base URL at a fake also removes the real host from the
  allow-list, so a test cannot reach the real API by accident.
- **Timeouts, retries, backoff.** Connection errors, timeouts, 408/429/5xx are retried at most
  ``SMARTSMM_HTTP_RETRIES`` times with capped exponential backoff and full jitter, honouring
  ``Retry-After``; other 4xx fail at once as :class:`PermanentHttpError`.
- **Per-token rate limiting.** :class:`RateLimiter` spaces requests made with the same token
  (e.g. 3/s for a VK user token), keyed by a hash of the token.
- **No secrets in messages or logs.** Errors and log records carry the method, host and path,
  never the query string, body or headers; :func:`redact` masks tokens wherever a URL or a set of
  parameters has to be shown. A filter on httpx's own loggers masks them there too, because httpx
  logs every request URL — query string included — at INFO.

The limiter lives in process memory: each worker process enforces the budget on its own. That is
exact for the embedded default (one worker) and is the reason connectors should keep one token's
work on one worker.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import os
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, overload
from urllib.parse import unquote_plus, urlsplit

import httpx
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

#: Registry of outbound base URLs: setting name → default. A connector for a new platform adds its
#: entry here (or through :func:`register_base_url`); its host then joins the allow-list.
BASE_URLS: dict[str, str] = {
    "SMARTSMM_VK_API_URL": "https://api.vk.com/method",
    # The Telegram Bot API, for delivering reports (smartsmm.reports.telegram); the bot token is in
    # the path (/bot<token>/sendDocument), which describe_url() and redact() mask.
    "SMARTSMM_TELEGRAM_API_URL": "https://api.telegram.org",
}

DEFAULT_TIMEOUT = 20.0
DEFAULT_RETRIES = 4
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
#: A server asking us to wait longer than this is not waited for in-process: the request fails with
#: a TemporaryHttpError carrying ``retry_after`` so the scheduler can come back later, instead of
#: a worker thread sleeping for an hour (or retrying early and being throttled again).
MAX_RETRY_AFTER = 60.0
#: Statuses retried by default: request timeout, too many requests and server errors. 501 and 505
#: are left out because asking again cannot change "not implemented" or "version not supported".
DEFAULT_RETRY_STATUSES: frozenset[int] = frozenset({408, 429} | (set(range(500, 600)) - {501, 505}))

REDACTED = "***"

# Names whose values are secrets, in query strings, form data and headers (compared lower-cased with
# "-" read as "_"). "key" and "sig" cover API keys and request signatures of some platforms.
_SECRET_NAMES = frozenset(
    {
        "access_token",
        "token",
        "key",
        "api_key",
        "apikey",
        "x_api_key",
        "authorization",
        "proxy_authorization",
        "cookie",
        "set_cookie",
        "client_secret",
        "secret",
        "password",
        "refresh_token",
        "sig",
        "signature",
    }
)
_SECRET_SUFFIXES = ("_token", "_secret", "_key", "_password")

# "name=value" pairs in free text (exception messages, other libraries' log lines).
_PAIR_RE = re.compile(
    r"(?i)\b(access_token|refresh_token|client_secret|api_key|apikey|token|key|secret|password|sig)"
    r"(\s*[=:]\s*)([^&\s\"',;)]+)"
)
# Authorization header values: "Bearer abc", "OAuth abc", "Basic abc".
_AUTH_SCHEME_RE = re.compile(r"(?i)\b(bearer|oauth|basic)\s+([A-Za-z0-9._~+/=-]{8,})")
# Telegram-style tokens embedded in the path: /bot123456:ABC-DEF.../getMe.
_PATH_TOKEN_RE = re.compile(r"(?i)/bot\d+:[A-Za-z0-9_-]+")
# user:password@ in a URL.
_USERINFO_RE = re.compile(r"(?i)(\w+://)[^/@\s]+@")


# --------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------


class HttpError(Exception):
    """An outbound request failed.

    Attributes:
        permanent: True when repeating the same request cannot succeed (4xx, refused host); the
            caller should mark the account as needing attention instead of retrying.
        status: The HTTP status of the last response, or None when no response arrived.
        url_host: The host the request was for (never the full URL: it may carry a token).
        retry_after: Seconds the server asked us to wait, when it said so.
        response: The last response, if any, for callers that need the error body. Its
            ``request.url`` contains the query string: never log it.
    """

    permanent: bool = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        url_host: str = "",
        retry_after: float | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        # Cleaned once more here so that no caller can put a token or a query string into a message
        # by accident (e.g. a third-party exception text quoting the request URL).
        message = scrub(_strip_queries_in(message))
        super().__init__(message)
        self.message = message
        self.status = status
        self.url_host = url_host
        self.retry_after = retry_after
        self.response = response


class TemporaryHttpError(HttpError):
    """The request may succeed later: network trouble, timeouts, 429 or 5xx after all retries."""

    permanent = False


class PermanentHttpError(HttpError):
    """Repeating the request cannot help: a 4xx other than 408/429, or an unusable URL."""

    permanent = True


class HostNotAllowed(PermanentHttpError):
    """The URL's origin is not one of the configured base URLs; nothing was sent."""


# --------------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------------


def _setting(name: str) -> Any:
    """The environment variable ``name`` if set and non-empty, else the Django setting, else None.

    The environment comes first because it is the project's single source of settings and because
    the demo and tests change it at run time; the Django setting lets ``override_settings`` work.
    """
    raw = os.environ.get(name)
    if raw is not None and raw.strip():
        return raw.strip()
    from django.conf import settings

    try:
        return getattr(settings, name, None)
    except ImproperlyConfigured:
        # No settings module (a bare script): the defaults apply.
        return None


def _number_setting(name: str, default: float, *, minimum: float) -> float:
    raw = _setting(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a number") from exc
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected at least {minimum:g}")
    return value


def register_base_url(name: str, default: str) -> None:
    """Add a base URL setting (and so its host) to the registry. Idempotent for the same default."""
    existing = BASE_URLS.get(name)
    if existing is not None and existing != default:
        raise ValueError(f"{name} is already registered with another default")
    BASE_URLS[name] = default


def base_url(name: str) -> str:
    """The configured base URL for ``name``, without a trailing slash, read at call time.

    Args:
        name: A key of :data:`BASE_URLS`, e.g. ``"SMARTSMM_VK_API_URL"``.

    Returns:
        The environment variable's value, else the Django setting's, else the registered default.

    Raises:
        KeyError: ``name`` is not registered.
        ImproperlyConfigured: the value is not an http(s) URL with a host and without a query
            string, fragment or credentials.
    """
    if name not in BASE_URLS:
        raise KeyError(f"unknown base URL setting {name!r}: register it in smartsmm.lib.http.BASE_URLS")
    value = str(_setting(name) or BASE_URLS[name]).strip().rstrip("/")
    parts = urlsplit(value)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
    ):
        raise ImproperlyConfigured(
            f"{name}={redact(value)!r}: expected an http(s) URL with a host and no query string, "
            "fragment or credentials"
        )
    return value


def endpoint(name: str, path: str) -> str:
    """``base_url(name)`` joined with ``path``: ``endpoint("SMARTSMM_VK_API_URL", "wall.get")``."""
    return f"{base_url(name)}/{path.lstrip('/')}"


def _origin(url: httpx.URL | str) -> tuple[str, str, int]:
    url = httpx.URL(url) if isinstance(url, str) else url
    scheme = url.scheme.lower()
    port = url.port or (443 if scheme == "https" else 80)
    return scheme, url.host.lower(), port


# --------------------------------------------------------------------------------------------------
# Redaction
# --------------------------------------------------------------------------------------------------


def is_secret_name(name: str) -> bool:
    """Whether a parameter or header called ``name`` carries a secret."""
    normal = name.strip().lower().replace("-", "_")
    return normal in _SECRET_NAMES or normal.endswith(_SECRET_SUFFIXES)


def _redact_url(url: str) -> str:
    parts = urlsplit(url)
    path = _PATH_TOKEN_RE.sub(f"/bot{REDACTED}", parts.path)
    query = ""
    if parts.query:
        pieces = []
        # Split the raw query rather than parse and re-encode it, so everything but the masked
        # values stays byte-for-byte what was sent.
        for piece in parts.query.split("&"):
            raw_name, sep, _value = piece.partition("=")
            if is_secret_name(unquote_plus(raw_name)):
                pieces.append(f"{raw_name}={REDACTED}")
            else:
                pieces.append(piece if sep else raw_name)
        query = "?" + "&".join(pieces)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    prefix = f"{parts.scheme}://{netloc}" if parts.scheme or netloc else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{prefix}{path}{query}{fragment}"


@overload
def redact(value: str | httpx.URL) -> str: ...


@overload
def redact(value: Mapping[str, Any] | Iterable[tuple[str, Any]] | None) -> dict[str, Any]: ...


def redact(value: Any) -> Any:
    """A copy of a URL, a set of parameters or headers, with every secret value masked.

    Args:
        value: A URL (``str`` or ``httpx.URL``), or parameters / form data / headers as a mapping or
            a sequence of ``(name, value)`` pairs, or None.

    Returns:
        For a URL, the URL with secret query values, credentials and path-embedded bot tokens
        replaced by ``***``; for parameters, a dict with secret values replaced by ``***``.

    Example:
        >>> redact("https://api.vk.com/method/wall.get?owner_id=-1&access_token=abc&v=5.199")
        'https://api.vk.com/method/wall.get?owner_id=-1&access_token=***&v=5.199'
    """
    if isinstance(value, str | httpx.URL):
        return _redact_url(str(value))
    if value is None:
        return {}
    items = value.items() if isinstance(value, Mapping | httpx.Headers) else value
    return {str(k): (REDACTED if is_secret_name(str(k)) else v) for k, v in items}


def describe_url(url: httpx.URL | str) -> str:
    """``host[:port]/path`` of a URL, safe for messages and logs: no scheme, query or credentials."""
    url = httpx.URL(url) if isinstance(url, str) else url
    host = url.host + (f":{url.port}" if url.port else "")
    return host + _PATH_TOKEN_RE.sub(f"/bot{REDACTED}", url.path)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Free text (an exception message, a log line) with known secrets and token-like pairs masked.

    Args:
        text: The text to clean.
        secrets: Exact secret values to mask wherever they appear (values shorter than 4
            characters are ignored: masking them would garble the text and protect nothing).
    """
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _USERINFO_RE.sub(rf"\1{REDACTED}@", text)
    text = _PATH_TOKEN_RE.sub(f"/bot{REDACTED}", text)
    text = _AUTH_SCHEME_RE.sub(rf"\1 {REDACTED}", text)
    return _PAIR_RE.sub(rf"\1\2{REDACTED}", text)


class RedactingFilter(logging.Filter):
    """Masks secrets in records of loggers we do not control (httpx logs full request URLs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the logging module's problem, not ours
            return True
        record.msg = scrub(_redact_urls_in(message))
        record.args = ()
        return True


_URL_IN_TEXT_RE = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s\"'<>]+", re.IGNORECASE)


def _redact_urls_in(text: str) -> str:
    return _URL_IN_TEXT_RE.sub(lambda m: _redact_url(m.group(0)), text)


def _strip_queries_in(text: str) -> str:
    """Every URL in ``text`` without its query string and fragment (and credentials masked)."""
    return _URL_IN_TEXT_RE.sub(lambda m: _redact_url(m.group(0).split("?", 1)[0].split("#", 1)[0]), text)


def _install_log_filters() -> None:
    # Idempotent: the module may be imported again under importlib's test import mode.
    for name in (
        "httpx",
        "httpcore.connection",
        "httpcore.http11",
        "httpcore.http2",
        "httpcore.proxy",
        __name__,
    ):
        target = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in target.filters):
            target.addFilter(RedactingFilter())


_install_log_filters()


# --------------------------------------------------------------------------------------------------
# Backoff and Retry-After
# --------------------------------------------------------------------------------------------------


def backoff_delay(
    retry: int, *, base: float = BACKOFF_BASE, cap: float = BACKOFF_CAP, rng: random.Random | None = None
) -> float:
    """Capped exponential backoff with full jitter: uniform in ``[0, min(cap, base * 2**(retry-1))]``.

    Full jitter (rather than a fixed exponential wait) spreads workers that failed together so they
    do not come back in lockstep; the cap keeps a long outage from stretching waits to hours.

    Args:
        retry: 1 for the first retry, 2 for the second…
        base: Upper bound of the first wait, in seconds.
        cap: Upper bound of any wait, in seconds.
        rng: Source of randomness (tests pass a seeded one).
    """
    ceiling = min(cap, base * (2 ** max(retry - 1, 0)))
    return (rng or random).uniform(0.0, ceiling)


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None.

    Args:
        value: The header value, if any.
        now: The current wall-clock time as a Unix timestamp (for the HTTP-date form).

    Returns:
        A non-negative number of seconds, or None when the header is missing or unreadable (the
        caller then falls back to its own backoff).
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; a naive result means the zone was omitted
        return None
    return max(0.0, when.timestamp() - now)


# --------------------------------------------------------------------------------------------------
# Rate limiting
# --------------------------------------------------------------------------------------------------


class RateLimiter:
    """Per-key sliding-window limiter: at most ``limit`` requests in any ``period`` seconds.

    Each call reserves the earliest slot that keeps the window within the limit, under a lock, and
    then sleeps outside the lock, so concurrent threads sharing a token queue up fairly without
    holding each other up while they wait. Keys are SHA-256 digests of whatever the caller passes
    (usually the token), so the limiter never keeps a token in memory.

    Args:
        clock: Monotonic time source in seconds (tests inject a fake).
        sleep: Sleep function (tests inject one that advances the fake clock).
    """

    # Above this many keys, windows that are entirely in the past are dropped.
    _PRUNE_ABOVE = 1024

    def __init__(
        self, *, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._slots: dict[tuple[str, int, float], deque[float]] = {}

    @staticmethod
    def key_for(secret: str) -> str:
        """The digest used as the limiter key for ``secret`` (safe to log or store)."""
        return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:32]

    def reserve(self, key: str, limit: int = 3, period: float = 1.0) -> float:
        """Book the next slot for ``key`` and return how long to wait for it (0 if none).

        Args:
            key: Raw key (e.g. the token); hashed before use.
            limit: Requests allowed per window.
            period: Window length in seconds.
        """
        if limit < 1 or period <= 0:
            raise ValueError("rate must allow at least one request per positive period")
        bucket = (self.key_for(key), limit, period)
        with self._lock:
            now = self._clock()
            if len(self._slots) > self._PRUNE_ABOVE:
                self._prune(now)
            slots = self._slots.setdefault(bucket, deque(maxlen=limit))
            # slots holds the last `limit` booked start times; the next one may start once the
            # oldest of them has left the window.
            slot = now if len(slots) < limit else max(now, slots[0] + period)
            slots.append(slot)
        return slot - now

    def acquire(self, key: str, limit: int = 3, period: float = 1.0) -> float:
        """Wait until a request for ``key`` is allowed; return the time waited."""
        delay = self.reserve(key, limit, period)
        if delay > 0:
            self._sleep(delay)
        return delay

    def _prune(self, now: float) -> None:
        stale = [b for b, slots in self._slots.items() if not slots or slots[-1] + b[2] < now]
        for bucket in stale:
            del self._slots[bucket]


# --------------------------------------------------------------------------------------------------
# Client
# --------------------------------------------------------------------------------------------------


def _user_agent() -> str:
    try:
        from importlib.metadata import version

        return f"smartsmm/{version('smartsmm')}"
    except Exception:  # not installed as a distribution (a source checkout): still identify ourselves
        return "smartsmm"


_RETRYABLE_EXCEPTIONS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


class HttpClient:
    """Outbound HTTP with allow-list, timeouts, retries, backoff and per-token rate limits.

    Args:
        timeout: Seconds for connect/read/write/pool each; default ``SMARTSMM_HTTP_TIMEOUT`` (20).
        retries: Retries after the first attempt; default ``SMARTSMM_HTTP_RETRIES`` (4).
        transport: httpx transport (``httpx.MockTransport`` in tests).
        sleep: Sleep function, shared with the rate limiter.
        clock: Monotonic clock, shared with the rate limiter.
        wall_clock: Unix time, for HTTP-date ``Retry-After`` values.
        rng: Randomness for jitter.
        limiter: Rate limiter; a new one using ``clock``/``sleep`` by default.
        extra_allowed: Additional base URLs whose origins are allowed (besides :data:`BASE_URLS`).
        backoff_base: Upper bound of the first backoff wait.
        backoff_cap: Upper bound of any backoff wait.
        max_retry_after: Longest ``Retry-After`` honoured in-process; longer ones fail at once.
    """

    def __init__(
        self,
        *,
        timeout: float | None = None,
        retries: int | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        limiter: RateLimiter | None = None,
        extra_allowed: Iterable[str] = (),
        backoff_base: float = BACKOFF_BASE,
        backoff_cap: float = BACKOFF_CAP,
        max_retry_after: float = MAX_RETRY_AFTER,
    ) -> None:
        self.timeout = (
            timeout
            if timeout is not None
            else _number_setting("SMARTSMM_HTTP_TIMEOUT", DEFAULT_TIMEOUT, minimum=0.1)
        )
        self.retries = (
            retries
            if retries is not None
            else int(_number_setting("SMARTSMM_HTTP_RETRIES", DEFAULT_RETRIES, minimum=0))
        )
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._rng = rng or random.Random()
        self.limiter = limiter or RateLimiter(clock=clock, sleep=sleep)
        self._extra_origins = {_origin(url) for url in extra_allowed}
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_retry_after = max_retry_after
        # Redirects are never followed: a redirect could lead off the allow-list with our token.
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(self.timeout),
            follow_redirects=False,
            headers={"User-Agent": _user_agent()},
        )

    # -- lifecycle -------------------------------------------------------------------------------

    def close(self) -> None:
        """Close pooled connections."""
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- allow-list ------------------------------------------------------------------------------

    def allowed_origins(self) -> set[tuple[str, str, int]]:
        """(scheme, host, port) of every configured base URL, computed now (settings may change)."""
        return {_origin(base_url(name)) for name in BASE_URLS} | self._extra_origins

    def check_allowed(self, url: httpx.URL | str, method: str = "GET") -> None:
        """Raise :class:`HostNotAllowed` unless ``url``'s origin is allow-listed."""
        try:
            target = httpx.URL(url) if isinstance(url, str) else url
        except httpx.InvalidURL:
            raise PermanentHttpError(f"{method} {redact(str(url))!r}: not a valid URL") from None
        if not target.host or _origin(target) not in self.allowed_origins():
            raise HostNotAllowed(
                f"{method} {describe_url(target)}: {target.scheme}://{target.host} is not an allowed "
                f"host (allowed: the base URLs {', '.join(sorted(BASE_URLS))})",
                url_host=target.host,
            )

    # -- requests --------------------------------------------------------------------------------

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        """``request("GET", url, ...)``."""
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        """``request("POST", url, ...)``."""
        return self.request("POST", url, **kwargs)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        rate_key: str | None = None,
        rate: tuple[int, float] = (3, 1.0),
        retry_on: Collection[int] = DEFAULT_RETRY_STATUSES,
        timeout: float | None = None,
    ) -> httpx.Response:
        """Send a request, retrying temporary failures; return the response (status < 400).

        Args:
            method: HTTP method.
            url: Absolute URL; build it with :func:`endpoint` so it follows the settings.
            params: Query parameters.
            data: Form body (``application/x-www-form-urlencoded``). Put tokens here or in
                headers rather than in ``params`` where the API allows it: bodies are not logged
                by proxies.
            files: Multipart file fields, ``name -> (file name, content, content type)``; the body is
                then ``multipart/form-data`` with ``data`` as its other fields. The content is bytes,
                so a retry sends it again unchanged.
            headers: Extra request headers.
            rate_key: Key of the rate budget, usually the token; None for no limiting.
            rate: ``(limit, period)``: at most ``limit`` requests per ``period`` seconds per key.
            retry_on: Statuses that are retried (default 408, 429 and 5xx except 501/505).
            timeout: Overrides the client timeout for this request.

        Returns:
            The response, body already read. 3xx responses other than 304 are errors because
            redirects are not followed.

        Raises:
            HostNotAllowed: the URL is not on the allow-list; nothing was sent.
            TemporaryHttpError: retries exhausted, a retryable failure with a long
                ``Retry-After``, or a 5xx that is not retried.
            PermanentHttpError: any other 4xx or 3xx, or a request httpx cannot send.
        """
        method = method.upper()
        try:
            target = httpx.URL(url)
        except httpx.InvalidURL:
            raise PermanentHttpError(f"{method} {redact(url)!r}: not a valid URL") from None
        self.check_allowed(target, method)
        call = _Call(method=method, where=describe_url(target), host=target.host, attempts=self.retries + 1)
        secrets = _secret_values(target, params, data, headers, rate_key)
        request_timeout = httpx.Timeout(timeout if timeout is not None else self.timeout)

        for attempt in range(1, call.attempts + 1):
            last = attempt == call.attempts
            if rate_key is not None:
                self.limiter.acquire(rate_key, *rate)
            started = self._clock()
            try:
                response = self._client.request(
                    method,
                    target,
                    params=params,
                    data=data,
                    files=files,
                    headers=headers,
                    timeout=request_timeout,
                )
            except _RETRYABLE_EXCEPTIONS as exc:
                # Third-party text may quote the URL: queries stripped and known secrets masked. The
                # chain is dropped (`from None`) because httpx exceptions hold the full request.
                reason = scrub(_strip_queries_in(f"{type(exc).__name__}: {exc}"), secrets)
                elapsed = self._clock() - started
                if last:
                    call.log(logging.WARNING, None, attempt, elapsed, f"{reason}; giving up")
                    raise TemporaryHttpError(
                        f"{call.label}: {reason} (after {attempt} attempts)", url_host=call.host
                    ) from None
                delay = self._backoff(attempt)
                call.log(logging.INFO, None, attempt, elapsed, f"{reason}; retrying in {delay:.2f} s")
                self._sleep(delay)
                continue
            except httpx.HTTPError as exc:
                reason = scrub(_strip_queries_in(f"{type(exc).__name__}: {exc}"), secrets)
                call.log(logging.WARNING, None, attempt, self._clock() - started, reason)
                raise PermanentHttpError(f"{call.label}: {reason}", url_host=call.host) from None

            elapsed = self._clock() - started
            status = response.status_code
            if status < 300 or status == 304:
                call.log(logging.DEBUG, status, attempt, elapsed, "ok")
                return response

            if status in retry_on:
                retry_after = parse_retry_after(response.headers.get("Retry-After"), now=self._wall_clock())
                too_long = retry_after is not None and retry_after > self.max_retry_after
                if too_long or last:
                    outcome = f"Retry-After {retry_after:.0f} s is too long" if too_long else "out of retries"
                    call.log(logging.WARNING, status, attempt, elapsed, f"{outcome}; giving up")
                    raise TemporaryHttpError(
                        f"{call.label}: HTTP {status} (attempt {attempt}; {outcome})",
                        status=status,
                        url_host=call.host,
                        retry_after=retry_after,
                        response=response,
                    )
                if retry_after is not None:
                    # The server's wait plus a little jitter, so clients told the same thing at the
                    # same moment do not all come back in the same instant.
                    delay = retry_after + self._rng.uniform(0.0, min(1.0, 0.1 * retry_after))
                else:
                    delay = self._backoff(attempt)
                call.log(logging.INFO, status, attempt, elapsed, f"retrying in {delay:.2f} s")
                self._sleep(delay)
                continue

            call.log(logging.WARNING, status, attempt, elapsed, "failed")
            if 300 <= status < 400:
                raise PermanentHttpError(
                    f"{call.label}: HTTP {status}, redirect not followed",
                    status=status,
                    url_host=call.host,
                    response=response,
                )
            # A 5xx the caller chose not to retry is still the server's problem, so temporary.
            error_class = TemporaryHttpError if status >= 500 else PermanentHttpError
            raise error_class(
                f"{call.label}: HTTP {status}", status=status, url_host=call.host, response=response
            )

        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def _backoff(self, retry: int) -> float:
        return backoff_delay(retry, base=self.backoff_base, cap=self.backoff_cap, rng=self._rng)


@dataclass(frozen=True)
class _Call:
    """What every log line and error of one request shares. ``where`` is host and path only."""

    method: str
    where: str
    host: str
    attempts: int

    @property
    def label(self) -> str:
        return f"{self.method} {self.where}"

    def log(self, level: int, status: int | None, attempt: int, elapsed: float, outcome: str) -> None:
        # The query string, body and headers are never logged; `extra` gives structured fields.
        logger.log(
            level,
            "%s %s -> %s (attempt %d/%d, %.0f ms): %s",
            self.method,
            self.where,
            status if status is not None else "no response",
            attempt,
            self.attempts,
            elapsed * 1000,
            outcome,
            extra={
                "http_method": self.method,
                "http_where": self.where,
                "http_status": status,
                "http_attempt": attempt,
                "http_elapsed": elapsed,
            },
        )


def _secret_values(
    url: httpx.URL,
    params: Mapping[str, Any] | None,
    data: Mapping[str, Any] | None,
    headers: Mapping[str, str] | None,
    rate_key: str | None,
) -> set[str]:
    """Every secret value of a request, to mask wherever third-party text might echo it."""
    found = {rate_key} if rate_key else set()
    for mapping in (params, data, headers, dict(url.params)):
        for name, value in (mapping or {}).items():
            if is_secret_name(str(name)) and value is not None:
                text = str(value)
                found.add(text)
                # "Bearer abc" → also mask the bare "abc".
                found.add(text.split(" ", 1)[-1])
    return found


_shared: HttpClient | None = None
_shared_lock = threading.Lock()


def get_client() -> HttpClient:
    """The process-wide client (one connection pool and one rate limiter shared by all callers)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = HttpClient()
        return _shared


def reset_client() -> None:
    """Close and forget the shared client, e.g. after changing the timeout or retry settings."""
    global _shared
    with _shared_lock:
        if _shared is not None:
            _shared.close()
        _shared = None
