"""What every platform connector provides, and the errors it raises.

A connector turns a platform's API into normalized rows: daily values ``(metric, day, value)`` with
metrics from :data:`smartsmm.core.metrics.DAILY_METRICS`, and :class:`~smartsmm.core.types.PostRecord`
posts. It makes network calls (through :mod:`smartsmm.lib.http` only) but never touches the
database: :mod:`smartsmm.collection.sync` reads the credential, calls the connector and writes what
it returns through :mod:`smartsmm.measurements.writes`.

Every connector package (``smartsmm/connectors/<platform>/``) has the same files:

- ``client.py`` — API calls only, and the mapping of the platform's error envelope to the errors below;
- ``collect.py`` — pure functions, payload → normalized rows (tested with JSON-shaped fixtures);
- ``connector.py`` — the :class:`Connector` implementation;
- ``forms.py`` — the connect form (handle + pasted token), shared by the web app and the CLI;

and is listed in :data:`smartsmm.connectors.registry.CONNECTORS`.

Errors say what the caller should do (Healthchecks' ``TransportError(permanent=…)`` pattern):

==========================  ======================================================================
:class:`TemporaryError`     try again later (the connector has already retried what it could)
:class:`QuotaExhausted`     the platform's daily budget is spent: do not call before ``stop_until``
:class:`PermanentError`     repeating cannot help (token revoked, rights missing, account gone):
                            the account needs a human; the message says why, in the platform's words
==========================  ======================================================================
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import ClassVar, Protocol

from smartsmm.core.types import PostRecord

__all__ = [
    "AccountInfo",
    "AccountRef",
    "Collected",
    "Connector",
    "ConnectorError",
    "PermanentError",
    "Progress",
    "QuotaExhausted",
    "TemporaryError",
    "TokenInfo",
]

# Told (steps done, steps expected) while a long collection runs; the total may grow as it learns more.
Progress = Callable[[int, int], None]


class AccountRef(Protocol):
    """What a connector needs to know of an account (a SocialAccount satisfies it)."""

    external_id: str
    handle: str


# --------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------


class ConnectorError(Exception):
    """A platform call failed; the attributes tell the caller how to react.

    Args:
        message: What happened, in words a user can act on (the platform's own message included).
            Never contains a token: clients scrub it before raising.
        code: The platform's error code, when it gave one (VK ``error_code``).
        permanent: True when repeating the same call cannot succeed.
        retry_after: Seconds to wait before trying again, when known.
        stop_until: Do not call the platform for this account before this moment (a spent quota).
    """

    permanent: bool = False

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        permanent: bool | None = None,
        retry_after: float | None = None,
        stop_until: datetime | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        if permanent is not None:
            self.permanent = permanent
        self.retry_after = retry_after
        self.stop_until = stop_until

    def __str__(self) -> str:
        return self.message


class TemporaryError(ConnectorError):
    """The call may succeed later (rate limits, server errors, network trouble)."""

    permanent = False


class PermanentError(ConnectorError):
    """Repeating cannot help: the token is revoked, rights are missing, the account is gone.

    The account is marked as needing attention with :attr:`message` as its last error.
    """

    permanent = True


class QuotaExhausted(TemporaryError):
    """The platform's daily quota is spent: nothing is to be tried before :attr:`stop_until`."""

    def __init__(self, message: str, *, stop_until: datetime, code: int | None = None) -> None:
        super().__init__(message, code=code, stop_until=stop_until)
        self.stop_until: datetime = stop_until


# --------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountInfo:
    """An account as the platform describes it when it is connected.

    Attributes:
        external_id: The platform's id (VK: the community id, positive).
        handle: The short address (VK: ``screen_name``); the account's ref is ``platform:handle``.
        name: Display name.
        url: Public address.
        followers: Followers (members) now, when the platform says.
        is_admin: Whether the token's user administers the account (None: the platform did not say).
    """

    external_id: str
    handle: str
    name: str
    url: str
    followers: int | None = None
    is_admin: bool | None = None


@dataclass(frozen=True)
class TokenInfo:
    """What a token is and what it allows.

    Attributes:
        kind: ``user``, ``group`` or ``service`` (the values of ``collection.models.TokenKind``).
        can_read_stats: Whether the token kind can read account statistics at all (the account's
            own rights are checked separately, see :attr:`AccountInfo.is_admin`).
        detail: Why not, when it cannot, in words for the user.
    """

    kind: str
    can_read_stats: bool
    detail: str = ""


@dataclass
class Collected:
    """What one collection produced.

    Attributes:
        daily: ``(metric, day, value)`` triples; days are the platform's local days.
        posts: Posts with their counters (``reach`` None where it was not measured this time).
        requests: HTTP requests made to the platform (a batch of calls in one request counts once).
        notes: Things worth a line in the sync log that are not errors (e.g. "post reach skipped").
    """

    daily: list[tuple[str, date, float]] = field(default_factory=list)
    posts: list[PostRecord] = field(default_factory=list)
    requests: int = 0
    notes: list[str] = field(default_factory=list)

    def extend(self, other: Collected) -> Collected:
        """Add another result's rows, requests and notes to this one; returns ``self``."""
        self.daily.extend(other.daily)
        self.posts.extend(other.posts)
        self.requests += other.requests
        self.notes.extend(other.notes)
        return self


# --------------------------------------------------------------------------------------------------
# The contract
# --------------------------------------------------------------------------------------------------


class Connector(ABC):
    """A platform's collector. Implementations are stateless apart from injected clocks and clients.

    Class attributes:
        platform: The platform's code (``core.objectives.Platform`` value), e.g. ``"vk"``.
        day_tz: The time zone of the platform's days: daily values are keyed by days in this zone,
            because a platform's daily statistics cannot be re-cut into another zone's days.
        daily_metrics: The daily metrics :meth:`collect_daily` fills (for gap detection).
        history_floor: The earliest day worth asking for when backfilling "as far as the API allows".

    Attributes:
        requests_made: HTTP requests this connector has made so far, failed collections included
            (the sync log records the difference over a run, so it stays right when a run fails).
    """

    requests_made: int = 0

    platform: ClassVar[str]
    day_tz: ClassVar[tzinfo]
    daily_metrics: ClassVar[tuple[str, ...]]
    history_floor: ClassVar[date]

    @abstractmethod
    def resolve(self, ref_or_id: str, token: str) -> AccountInfo:
        """Look an account up by handle, id or link.

        Raises:
            PermanentError: no such account, or the token cannot see it.
        """

    @abstractmethod
    def check_token(self, token: str) -> TokenInfo:
        """Say what the token is.

        Raises:
            PermanentError: the token is invalid, expired or revoked (the message says so).
        """

    @abstractmethod
    def collect_counters(self, account: AccountRef, token: str) -> Collected:
        """Point-in-time counters (followers now), as daily values of today."""

    @abstractmethod
    def collect_daily(
        self,
        account: AccountRef,
        token: str,
        since: date,
        until: date,
        *,
        progress: Progress | None = None,
    ) -> Collected:
        """Daily statistics for the days ``since``..``until`` (both included), as far as they exist."""

    @abstractmethod
    def collect_posts(
        self,
        account: AccountRef,
        token: str,
        since: datetime | None,
        *,
        progress: Progress | None = None,
    ) -> Collected:
        """Posts published at or after ``since`` (None: the whole wall), with their counters."""

    def collect_counters_many(
        self, accounts: Iterable[AccountRef], token: str
    ) -> dict[str, Collected | ConnectorError]:
        """Counters of several accounts readable with one token, by external_id.

        The default asks one account at a time; connectors whose API answers many at once override it.
        A failure of one account is returned in its place; a failure of the whole call is raised.
        """
        results: dict[str, Collected | ConnectorError] = {}
        for account in accounts:
            try:
                results[account.external_id] = self.collect_counters(account, token)
            except PermanentError as error:
                results[account.external_id] = error
        return results
