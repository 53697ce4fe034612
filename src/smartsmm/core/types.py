"""Plain data shapes shared across the core."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

# One account's (or a scope's) daily values of one metric: day -> value. Days may be missing.
DailySeries = Mapping[date, float]


@dataclass(frozen=True, slots=True)
class PostRecord:
    """A published post and the counters the platform reports for it.

    A counter is None when the platform does not provide it (e.g. saves on VK), which is not the
    same as zero: None is left out of sums and denominators.
    """

    published_at: datetime
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None
    views: int | None = None
    reach: int | None = None
    external_id: str = ""
    post_type: str = "post"
    url: str = ""
    text: str = ""

    @property
    def has_engagement_counters(self) -> bool:
        """Whether the platform reported any interaction counter for this post."""
        return any(v is not None for v in (self.likes, self.comments, self.shares, self.saves))

    @property
    def engagements(self) -> int:
        """Interactions counted for ER: likes + comments + shares/reposts + saves (see the catalogue)."""
        return sum(v for v in (self.likes, self.comments, self.shares, self.saves) if v is not None)
