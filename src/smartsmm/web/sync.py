"""How the web app runs a sync: one small function, so that it can become "enqueue a job" later.

For now "Sync now" runs :func:`~smartsmm.collection.sync.sync_account` in the request; the
collection worker's background jobs can replace :func:`run_sync_now` without touching the views.
"""

from __future__ import annotations

from smartsmm.clients.models import SocialAccount
from smartsmm.collection.models import SyncRun
from smartsmm.collection.sync import sync_account

__all__ = ["run_sync_now"]


def run_sync_now(account: SocialAccount) -> SyncRun:
    """Collect the account's data now; the logged run.

    Raises:
        smartsmm.collection.sync.SyncError: no connector for the platform or no usable token.
    """
    return sync_account(account)
