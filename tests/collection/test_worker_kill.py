"""Acceptance 3: a worker killed (SIGKILL) in the middle of a sync and started again leaves exactly the
rows of an uninterrupted run.

Real processes on real data folders: the fake VK runs in this test process (so the test sees its
request count and slows it down), ``smartsmm worker`` runs as a child process on a temporary SQLite
data folder, and the reference is ``smartsmm sync`` on a copy of the same folder taken before any sync.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from smartsmm.fakes.vk import FakeVK, serve_in_thread
from tests.vk_world import ADMIN, COFFEE

POSTS = 10_000  # four `execute` requests of 25 × wall.get(count=100)
SLOW = 0.5  # seconds added to each request of the run that gets killed

SETUP = f"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from smartsmm.tenancy.models import Agency
from smartsmm.clients.models import Client, SocialAccount
from smartsmm.collection.models import Credential
agency = Agency.objects.create(name="A", slug="a")
client = Client.objects.create(agency=agency, name="Coffee", slug="coffee", timezone="Europe/Moscow")
account = SocialAccount.objects.create(
    agency=agency, client=client, platform="vk", external_id="{COFFEE}", handle="coffee", name="Coffee"
)
Credential.objects.create(account=account, token="{ADMIN}")
"""


def _env(data_dir: Path, url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SMARTSMM_DATA_DIR=str(data_dir),
        SMARTSMM_VK_API_URL=url,
        DJANGO_SETTINGS_MODULE="smartsmm.config.settings",
        SMARTSMM_LOG_LEVEL="INFO",
    )
    for name in ("DATABASE_URL", "REDIS_URL", "SMARTSMM_ENCRYPTION_KEYS", "SMARTSMM_QUEUE_IMMEDIATE"):
        env.pop(name, None)
    return env


def _smartsmm(*args: str) -> list[str]:
    return [sys.executable, "-m", "smartsmm", *args]


def _query(data_dir: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(data_dir / "smartsmm.sqlite3", timeout=20) as db:
        return list(db.execute(sql))


def _rows(data_dir: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    daily = _query(
        data_dir,
        "SELECT metric, day, value FROM measurements_dailymetric ORDER BY metric, day",
    )
    posts = _query(
        data_dir,
        "SELECT external_id, published_at, post_type, url, text, likes, comments, shares, saves, views, "
        "reach FROM measurements_post ORDER BY external_id",
    )
    return daily, posts


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _ok_runs(data_dir: Path) -> int:
    try:
        return len(_query(data_dir, "SELECT id FROM collection_syncrun WHERE status = 'ok'"))
    except sqlite3.OperationalError:
        return 0


def test_a_worker_killed_mid_sync_and_restarted_leaves_the_rows_of_an_uninterrupted_run(tmp_path):
    fake = FakeVK(rate_limits={"user": None}).with_community(
        COFFEE, "coffee", 20_000, posts=POSTS, days=60, seed=11, admin_tokens=[ADMIN]
    )
    url, stop_fake = serve_in_thread(fake)
    killed, reference = tmp_path / "killed", tmp_path / "reference"
    worker: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run([sys.executable, "-c", SETUP], env=_env(killed, url), check=True, timeout=60)
        shutil.copytree(killed, reference)

        # The uninterrupted run.
        done = subprocess.run(
            _smartsmm("sync", "--account", "vk:coffee"),
            env=_env(reference, url),
            capture_output=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr.decode()
        expected = _rows(reference)
        assert len(expected[1]) == POSTS
        requests_of_a_sync = fake.count()
        assert requests_of_a_sync >= 6

        # The worker, slowed down, killed once part of the rows are written and the wall is half read.
        fake.reset_counters()
        fake.inject_http(200, times=1_000, delay=SLOW)
        worker = subprocess.Popen(_smartsmm("worker", "--workers", "1"), env=_env(killed, url))
        _wait(lambda: fake.count() >= requests_of_a_sync - 2, 45, "the worker's sync to get half-way")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        running = _query(killed, "SELECT status FROM collection_syncrun")
        assert running == [("running",)]
        partial = _rows(killed)
        assert partial != expected  # really killed in the middle
        assert len(partial[1]) < POSTS

        # Started again: the interrupted run is closed and the sync redone to the end.
        fake.clear_faults()
        worker = subprocess.Popen(_smartsmm("worker", "--workers", "1"), env=_env(killed, url))
        _wait(lambda: _ok_runs(killed) == 1, 45, "the restarted worker to finish the sync")
        worker.send_signal(signal.SIGTERM)  # graceful stop
        assert worker.wait(timeout=20) == 0
        worker = None

        assert _rows(killed) == expected
        statuses = _query(killed, "SELECT status, error FROM collection_syncrun ORDER BY id")
        assert [s for s, _e in statuses] == ["failed", "ok"]
        assert str(statuses[0][1]).startswith("interrupted")
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)
        stop_fake()
