"""Platform connectors: one package per platform, found through :mod:`smartsmm.connectors.registry`.

See :mod:`smartsmm.connectors.base` for the contract every connector implements and the errors it raises.
"""

from __future__ import annotations

from smartsmm.connectors.base import (
    AccountInfo,
    Collected,
    Connector,
    ConnectorError,
    PermanentError,
    QuotaExhausted,
    TemporaryError,
    TokenInfo,
)
from smartsmm.connectors.registry import CONNECTORS, UnknownPlatform, get_connector

__all__ = [
    "CONNECTORS",
    "AccountInfo",
    "Collected",
    "Connector",
    "ConnectorError",
    "PermanentError",
    "QuotaExhausted",
    "TemporaryError",
    "TokenInfo",
    "UnknownPlatform",
    "get_connector",
]
