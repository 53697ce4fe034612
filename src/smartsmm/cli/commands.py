"""The registry of sub-commands: each module adds its parsers and handlers."""

from __future__ import annotations

import argparse

from smartsmm.cli import (
    cmd_accounts,
    cmd_admin,
    cmd_clients,
    cmd_data,
    cmd_forecast,
    cmd_goals,
    cmd_keys,
    cmd_report,
    cmd_server,
    cmd_sync,
    cmd_worker,
)

MODULES = (
    cmd_server,
    cmd_clients,
    cmd_accounts,
    cmd_data,
    cmd_sync,
    cmd_goals,
    cmd_forecast,
    cmd_report,
    cmd_admin,
    cmd_keys,
    cmd_worker,
)


def register_all(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for module in MODULES:
        module.register(sub)
