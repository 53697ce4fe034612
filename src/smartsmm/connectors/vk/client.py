"""VK API calls — and nothing else: transport, batching, retries and the error reactions.

Every request goes through :mod:`smartsmm.lib.http` (allow-listed host, timeouts, HTTP-level retries,
per-token rate limit, redaction) to ``$SMARTSMM_VK_API_URL/<method>`` (platform-apis.md §1.1):

- API version 5.199 in ``v``; the token in the POST form body as ``access_token`` — bodies are not
  logged by proxies, query strings are;
- at most 3 requests per second per user token (§1.8), spaced by the shared rate limiter keyed by
  the token; a little slack on the window (see :data:`RATE_LIMITS`);
- VK answers errors with HTTP 200 and ``{"error": {...}}`` (§1.1, §1.7): the envelope, not the
  status, says what went wrong. :data:`REACTIONS` says what each documented code makes us do.

:meth:`VkClient.execute` batches up to 25 calls into one request (§1.6) as the literal
``return [API.a({...}),API.b({...})];`` list — the form vk_api's request pool sends, not a VKScript
loop: the code is data we build, so nothing is ever interpreted that we did not write, and each
call's failure comes back on its own (``false`` in the result plus an ``execute_errors`` entry).
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from smartsmm.connectors.base import ConnectorError, PermanentError, QuotaExhausted, TemporaryError
from smartsmm.lib import http

logger = logging.getLogger(__name__)

API_VERSION = "5.199"  # platform-apis.md §1.1: `v` is mandatory
BASE_URL_SETTING = "SMARTSMM_VK_API_URL"
MAX_EXECUTE_CALLS = 25  # §1.6

#: VK's days (statistics periods, daily quotas) are Moscow days.
MSK = ZoneInfo("Europe/Moscow")

#: Requests per window by token kind (§1.8: user 3/s, community 20/s, service 5–60/s by app size,
#: of which we assume the smallest, shared with user tokens' 3/s to be safe). The window is 1.1 s
#: rather than 1 s: our limiter books slots by our clock, VK counts arrivals by its clock, and a
#: few milliseconds of network jitter would otherwise let a fourth request land inside VK's second.
RATE_LIMITS: dict[str, tuple[int, float]] = {"user": (3, 1.1), "group": (20, 1.1), "service": (3, 1.1)}

#: Tries per call (the first and up to three retries) for the codes that are retried.
MAX_ATTEMPTS = 4


class Reaction(Enum):
    """What a VK error code makes the client do."""

    RETRY = "retry with backoff, then TemporaryError"
    PERMANENT = "PermanentError: the account needs attention"
    QUOTA = "QuotaExhausted until the next Moscow midnight"
    TEMPORARY = "TemporaryError at once: try on the next run"


@dataclass(frozen=True)
class ErrorRule:
    """How one VK error code is handled.

    Attributes:
        reaction: What the client does.
        advice: What it means for the user, appended to VK's own message.
        wait: ``(minimum, first backoff ceiling)`` in seconds for retried codes: a retry waits
            ``minimum + uniform(0, min(cap, ceiling * 2**(retry-1)))``.
    """

    reaction: Reaction
    advice: str
    wait: tuple[float, float] = (0.0, 0.0)


# platform-apis.md §1.7. Codes not listed here are TemporaryError: an error we do not understand must
# not mark an account as broken, nor be retried in a tight loop; the next scheduled run tries again.
REACTIONS: dict[int, ErrorRule] = {
    1: ErrorRule(Reaction.RETRY, "VK reported an unknown error", wait=(0.5, 1.0)),
    # 3 calls/s per token: a retry must wait for the window to move on — at least a whole second.
    6: ErrorRule(Reaction.RETRY, "too many requests per second", wait=(1.0, 1.0)),
    # "Same action too often": short waits do not help, longer ones (2 s, 4 s, 8 s + jitter) might.
    9: ErrorRule(Reaction.RETRY, "VK flood control", wait=(2.0, 2.0)),
    10: ErrorRule(Reaction.RETRY, "VK internal server error", wait=(0.5, 1.0)),
    5: ErrorRule(
        Reaction.PERMANENT,
        "the token is invalid, expired or revoked: connect the account again with a new token",
    ),
    7: ErrorRule(
        Reaction.PERMANENT,
        "the token lacks a permission: create a token with the scopes stats, wall, groups, offline",
    ),
    14: ErrorRule(Reaction.TEMPORARY, "VK asks for a captcha; collection will try again later"),
    15: ErrorRule(
        Reaction.PERMANENT,
        "access denied: the token's user must be an administrator of the community",
    ),
    17: ErrorRule(
        Reaction.PERMANENT,
        "VK wants the token's user to validate the account: log in to VK, then connect a new token",
    ),
    18: ErrorRule(Reaction.PERMANENT, "the token's user is deleted or banned"),
    27: ErrorRule(
        Reaction.PERMANENT,
        "a community token cannot do this: statistics and walls need a user token of an administrator",
    ),
    28: ErrorRule(
        Reaction.PERMANENT,
        "an application token cannot do this: statistics need a user token of an administrator",
    ),
    29: ErrorRule(Reaction.QUOTA, "VK's daily limit for this method is spent"),
    30: ErrorRule(
        Reaction.PERMANENT,
        "the community is private: the token's user must be an administrator of it",
    ),
    100: ErrorRule(Reaction.PERMANENT, "a parameter is missing or invalid"),
    113: ErrorRule(Reaction.PERMANENT, "VK does not know this id"),
    203: ErrorRule(
        Reaction.PERMANENT,
        "access to the community is denied: it is banned, deleted or closed to the token's user",
    ),
}

_DEFAULT_RULE = ErrorRule(Reaction.TEMPORARY, "unexpected VK error")
# "One of the parameters specified was missing or invalid: owner_id is invalid" → owner_id.
_PARAM_RE = re.compile(r":\s*([A-Za-z_][A-Za-z0-9_]*)")
# ``API.stats.getPostReach`` — what the execute list may name (and the fake parses).
_METHOD_RE = re.compile(r"[A-Za-z]+(?:\.[A-Za-z]+)?")


class VkApiError(Exception):
    """A VK error envelope, before it is mapped to a ConnectorError (code and VK's message)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


def next_midnight(moment: float, tz: ZoneInfo = MSK) -> datetime:
    """The first local midnight in ``tz`` after the Unix time ``moment`` (an aware datetime)."""
    local = datetime.fromtimestamp(moment, tz)
    tomorrow = local.date() + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=tz)


def param_text(value: Any) -> str:
    """A parameter as VK reads it in a form body: lists comma-joined, booleans as 1/0."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(param_text(v) for v in value)
    return str(value)


def _code_value(value: Any) -> Any:
    """A parameter as a JSON value inside execute code (lists comma-joined, like the form body)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list | tuple | set | frozenset):
        return param_text(value)
    if isinstance(value, int | float | str):
        return value
    return str(value)


def execute_code(calls: Sequence[tuple[str, Mapping[str, Any]]]) -> str:
    """The ``code`` of an ``execute`` request: ``return [API.m({...}),…];`` (at most 25 calls).

    Arguments are JSON objects, which VKScript reads as object literals; None values are left out.

    Raises:
        ValueError: more than 25 calls, or a method name that is not ``section.method``.
    """
    if len(calls) > MAX_EXECUTE_CALLS:
        raise ValueError(f"execute takes at most {MAX_EXECUTE_CALLS} calls, got {len(calls)}")
    parts = []
    for method, params in calls:
        if not _METHOD_RE.fullmatch(method):
            raise ValueError(f"not a VK method name: {method!r}")
        args = {k: _code_value(v) for k, v in params.items() if v is not None}
        parts.append(f"API.{method}({json.dumps(args, ensure_ascii=False, separators=(',', ':'))})")
    return f"return [{','.join(parts)}];"


class VkClient:
    """Calls the VK API with one token.

    Args:
        token: The access token (never logged, never put in a message).
        kind: The token's kind (``user``, ``group``, ``service``), for its rate limit.
        http_client: The outbound HTTP client (default: the process-wide one).
        sleep: Waits between retries (tests pass a fake clock's ``advance``).
        clock: Unix time now (for the end of a spent daily quota).
        rng: Randomness for the backoff jitter.
        max_attempts: Tries per call for retried codes.
        on_request: Called once per HTTP request (the connector's running count).

    Attributes:
        requests: HTTP requests made so far (an ``execute`` of 25 calls is one).
    """

    def __init__(
        self,
        token: str,
        *,
        kind: str = "user",
        http_client: http.HttpClient | None = None,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        on_request: Callable[[], object] | None = None,
    ) -> None:
        self._token = token
        self._on_request = on_request
        self.kind = kind
        self._http = http_client
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self.max_attempts = max(1, max_attempts)
        self.requests = 0

    # -- public calls ----------------------------------------------------------------------------

    def call(self, method: str, **params: Any) -> Any:
        """Call one method and return its ``response``; retried codes are retried here.

        Raises:
            PermanentError, QuotaExhausted, TemporaryError: see :data:`REACTIONS`.
        """
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self._post(method, {k: param_text(v) for k, v in params.items() if v is not None})[0]
            except VkApiError as error:
                rule = REACTIONS.get(error.code, _DEFAULT_RULE)
                if rule.reaction is Reaction.RETRY and attempt < self.max_attempts:
                    self._wait(rule, attempt, method, error.code)
                    continue
                raise self.to_connector_error(error, method, attempts=attempt) from None
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def execute(self, calls: Sequence[tuple[str, Mapping[str, Any]]]) -> list[Any]:
        """Run calls in ``execute`` batches of 25; return each call's response or its error.

        A call that fails inside a batch (``false`` plus an ``execute_errors`` entry, §1.6) is
        retried in a later, smaller batch when its code is retried (6, 9, 10…), with the same
        bounded attempts and waits as :meth:`call`; otherwise its place in the result holds the
        mapped :class:`ConnectorError`, and the caller decides (skip it, or raise it).

        Raises:
            ConnectorError: the ``execute`` request itself failed (e.g. the token is revoked).
        """
        results: list[Any] = [None] * len(calls)
        for start in range(0, len(calls), MAX_EXECUTE_CALLS):
            indexes = list(range(start, min(start + MAX_EXECUTE_CALLS, len(calls))))
            for attempt in range(1, self.max_attempts + 1):
                answers = self._execute_once([calls[i] for i in indexes])
                retry: list[int] = []
                worst: tuple[ErrorRule, int] | None = None
                for i, answer in zip(indexes, answers, strict=True):
                    if not isinstance(answer, VkApiError):
                        results[i] = answer
                        continue
                    rule = REACTIONS.get(answer.code, _DEFAULT_RULE)
                    if rule.reaction is Reaction.RETRY and attempt < self.max_attempts:
                        retry.append(i)
                        if worst is None or rule.wait > worst[0].wait:
                            worst = (rule, answer.code)
                    else:
                        results[i] = self.to_connector_error(answer, calls[i][0], attempts=attempt)
                if not retry:
                    break
                assert worst is not None
                self._wait(worst[0], attempt, "execute", worst[1])
                indexes = retry
        return results

    # -- errors ----------------------------------------------------------------------------------

    def to_connector_error(self, error: VkApiError, method: str, *, attempts: int = 1) -> ConnectorError:
        """The ConnectorError for a VK error code (see :data:`REACTIONS`), in words for the user."""
        rule = REACTIONS.get(error.code, _DEFAULT_RULE)
        vk_message = http.scrub(error.message, [self._token])
        advice = rule.advice
        if error.code == 100:
            match = _PARAM_RE.search(vk_message)
            if match:
                advice = f"parameter {match.group(1)} is missing or invalid"
        message = f"VK error {error.code} in {method}: {vk_message} — {advice}"
        if rule.reaction is Reaction.PERMANENT:
            return PermanentError(message, code=error.code)
        if rule.reaction is Reaction.QUOTA:
            until = next_midnight(self._clock())
            return QuotaExhausted(
                f"{message}; collection resumes after {until:%Y-%m-%d %H:%M} Moscow time",
                code=error.code,
                stop_until=until,
            )
        if rule.reaction is Reaction.RETRY:
            message = f"{message} (gave up after {attempts} attempts)"
            return TemporaryError(message, code=error.code, retry_after=self._delay(rule, attempts))
        return TemporaryError(message, code=error.code)

    # -- transport -------------------------------------------------------------------------------

    def _execute_once(self, calls: Sequence[tuple[str, Mapping[str, Any]]]) -> list[Any]:
        """One ``execute`` request, its top-level errors retried; inner failures as VkApiError."""
        code = execute_code(calls)
        for attempt in range(1, self.max_attempts + 1):
            try:
                response, errors = self._post("execute", {"code": code})
                break
            except VkApiError as error:
                rule = REACTIONS.get(error.code, _DEFAULT_RULE)
                if rule.reaction is Reaction.RETRY and attempt < self.max_attempts:
                    self._wait(rule, attempt, "execute", error.code)
                    continue
                raise self.to_connector_error(error, "execute", attempts=attempt) from None
        if not isinstance(response, list) or len(response) != len(calls):
            raise TemporaryError(f"VK execute answered {type(response).__name__}, not a list of {len(calls)}")
        # §1.6: a failed call is `false` in the list, and its error is appended to execute_errors in
        # the order the calls ran — so the n-th `false` goes with the n-th error.
        pending = list(errors)
        answers: list[Any] = []
        for (method, _params), result in zip(calls, response, strict=True):
            if result is False:
                entry = pending.pop(0) if pending else {}
                answers.append(
                    VkApiError(
                        int(entry.get("error_code") or 0),
                        str(entry.get("error_msg") or f"{method} failed without an error message"),
                    )
                )
            else:
                answers.append(result)
        return answers

    def _post(self, method: str, params: Mapping[str, str]) -> tuple[Any, list[dict[str, Any]]]:
        """One HTTP request; returns ``(response, execute_errors)`` or raises VkApiError/ConnectorError."""
        data = {**params, "v": API_VERSION, "access_token": self._token}
        limit, period = RATE_LIMITS.get(self.kind, RATE_LIMITS["user"])
        client = self._http or http.get_client()
        self.requests += 1
        if self._on_request is not None:
            self._on_request()
        try:
            reply = client.request(
                "POST",
                http.endpoint(BASE_URL_SETTING, method),
                data=data,
                rate_key=self._token,
                rate=(limit, period),
            )
        except http.TemporaryHttpError as exc:
            raise TemporaryError(f"VK {method}: {exc.message}", retry_after=exc.retry_after) from None
        except http.PermanentHttpError as exc:
            raise PermanentError(f"VK {method}: {exc.message}") from None
        try:
            body = reply.json()
        except ValueError:
            kind = reply.headers.get("Content-Type", "unknown type")
            raise TemporaryError(
                f"VK {method}: the answer is not JSON (HTTP {reply.status_code}, {kind})"
            ) from None
        if not isinstance(body, dict):
            raise TemporaryError(f"VK {method}: unexpected answer of type {type(body).__name__}")
        if "error" in body:
            error = body["error"] if isinstance(body["error"], dict) else {}
            raise VkApiError(int(error.get("error_code") or 0), str(error.get("error_msg") or "no message"))
        if "response" not in body:
            raise TemporaryError(f"VK {method}: the answer has neither response nor error")
        errors = body.get("execute_errors") or []
        return body["response"], [e for e in errors if isinstance(e, dict)]

    def _delay(self, rule: ErrorRule, retry: int) -> float:
        minimum, ceiling = rule.wait
        return minimum + http.backoff_delay(retry, base=ceiling, cap=30.0, rng=self._rng)

    def _wait(self, rule: ErrorRule, retry: int, method: str, code: int) -> None:
        delay = self._delay(rule, retry)
        logger.info("VK %s: error %d, retry %d in %.2f s", method, code, retry, delay)
        self._sleep(delay)
