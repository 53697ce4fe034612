"""The registry, the connector packages and the platforms agree."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from smartsmm.clients.models import PlatformChoice
from smartsmm.connectors import registry
from smartsmm.connectors.base import Connector
from smartsmm.connectors.vk.connector import VkConnector
from smartsmm.connectors.vk.forms import ConnectVkForm

PACKAGE = Path(importlib.import_module("smartsmm.connectors").__file__).parent  # type: ignore[arg-type]
TESTS = Path(__file__).parent


def test_every_registered_connector_serves_a_known_platform_under_its_own_name():
    assert registry.CONNECTORS, "at least one connector"
    for platform, path in registry.CONNECTORS.items():
        assert platform in PlatformChoice.values
        assert path == f"smartsmm.connectors.{platform}.connector.{path.rsplit('.', 1)[1]}"
        cls = registry.connector_class(platform)
        assert issubclass(cls, Connector) and cls.platform == platform
        assert set(cls.daily_metrics) <= {
            "followers",
            "subscribed",
            "unsubscribed",
            "reach",
            "views",
            "site_clicks",
            "leads",
        }


def test_every_connector_package_has_the_same_files_and_tests():
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages == set(registry.CONNECTORS)  # no package without a registry entry, and back
    for platform in packages:
        for module in registry.PACKAGE_FILES:
            assert (PACKAGE / platform / f"{module}.py").is_file(), f"{platform}/{module}.py"
        for test in ("test_client.py", "test_collect.py", "test_connector.py", "test_errors.py"):
            assert (TESTS / platform / test).is_file(), f"tests/connectors/{platform}/{test}"
        assert registry.connect_form_class(platform).__module__ == f"smartsmm.connectors.{platform}.forms"


def test_it_imports_lazily_and_builds_connectors_with_options():
    connector = registry.get_connector("vk", clock=lambda: 0.0)

    assert isinstance(connector, VkConnector) and connector.clock() == 0.0
    assert registry.connector_class("vk") is VkConnector
    assert registry.connect_form_class("vk") is ConnectVkForm
    assert registry.supported_platforms() == ["vk"]


@pytest.mark.parametrize("platform", ["threads", "myspace"])
def test_an_unknown_platform_is_a_clear_error(platform):
    with pytest.raises(
        registry.UnknownPlatform,
        match=f"no connector for platform '{platform}': automatic collection supports vk",
    ):
        registry.get_connector(platform)
    with pytest.raises(registry.UnknownPlatform):
        registry.connect_form_class(platform)
