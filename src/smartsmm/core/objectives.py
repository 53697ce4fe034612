"""Business objectives a client pursues on social media (step 1 of the method)."""

from __future__ import annotations

from enum import StrEnum


class Objective(StrEnum):
    AWARENESS = "awareness"
    ENGAGEMENT = "engagement"
    TRAFFIC = "traffic"
    LEADS = "leads"
    SALES = "sales"
    LOYALTY = "loyalty"
    SUPPORT = "support"


class Platform(StrEnum):
    VK = "vk"
    TELEGRAM = "telegram"
    YOUTUBE = "youtube"
    INSTAGRAM = "instagram"
    THREADS = "threads"
    OK = "ok"


ALL_PLATFORMS: frozenset[Platform] = frozenset(Platform)
