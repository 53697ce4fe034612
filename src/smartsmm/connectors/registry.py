"""Which connector serves which platform: platform code → dotted path of the connector class.

Classes are imported on first use (a platform's dependencies are only loaded when it is collected)
and cached. Adding a platform = a new ``smartsmm/connectors/<platform>/`` package with the same files
as ``vk/`` plus one line here; ``tests/connectors/test_registry.py`` checks that the two agree.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from smartsmm.connectors.base import Connector

__all__ = [
    "CONNECTORS",
    "PACKAGE_FILES",
    "UnknownPlatform",
    "connect_form_class",
    "connector_class",
    "get_connector",
    "supported_platforms",
]

#: The modules every connector package has (``smartsmm.connectors.<platform>.<module>``).
PACKAGE_FILES: tuple[str, ...] = ("__init__", "client", "collect", "connector", "forms")

CONNECTORS: dict[str, str] = {
    "vk": "smartsmm.connectors.vk.connector.VkConnector",
}

_classes: dict[str, type[Connector]] = {}


class UnknownPlatform(LookupError):
    """No connector collects this platform (yet)."""

    def __init__(self, platform: str) -> None:
        known = ", ".join(sorted(CONNECTORS)) or "none"
        super().__init__(
            f"no connector for platform {platform!r}: automatic collection supports {known}; "
            "other platforms' data can be imported from files (`smartsmm import`)"
        )
        self.platform = platform


def supported_platforms() -> list[str]:
    """The platforms that have a connector, sorted."""
    return sorted(CONNECTORS)


def connector_class(platform: str) -> type[Connector]:
    """The connector class of ``platform``, imported on first use.

    Raises:
        UnknownPlatform: no connector is registered for it.
    """
    cls = _classes.get(platform)
    if cls is not None:
        return cls
    try:
        path = CONNECTORS[platform]
    except KeyError:
        raise UnknownPlatform(platform) from None
    module_name, _, class_name = path.rpartition(".")
    cls = getattr(import_module(module_name), class_name)
    if not (isinstance(cls, type) and issubclass(cls, Connector)):
        raise TypeError(f"{path} is not a Connector subclass")
    if cls.platform != platform:
        raise TypeError(f"{path} declares platform {cls.platform!r}, registered as {platform!r}")
    _classes[platform] = cls
    return cls


def get_connector(platform: str, **kwargs: Any) -> Connector:
    """A connector for ``platform``; ``kwargs`` go to its constructor (tests inject clocks, clients).

    Raises:
        UnknownPlatform: no connector is registered for it.
    """
    return connector_class(platform)(**kwargs)


def connect_form_class(platform: str) -> type[Any]:
    """The connect form of ``platform``: ``ConnectForm`` in ``smartsmm.connectors.<platform>.forms``.

    It takes ``account`` (handle, id or link) and ``token`` as data and a ``connector`` keyword, and
    its ``save(client, objective=…, rationale=…)`` returns ``(account, created)``.

    Raises:
        UnknownPlatform: no connector is registered for it.
    """
    if platform not in CONNECTORS:
        raise UnknownPlatform(platform)
    return import_module(f"smartsmm.connectors.{platform}.forms").ConnectForm  # type: ignore[no-any-return]
