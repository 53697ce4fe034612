"""`smartsmm accounts add vk …` and `smartsmm sync` against the fake VK, through the default
connector and the process-wide HTTP client (pointed at the fake by SMARTSMM_VK_API_URL)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from smartsmm.cli import main
from smartsmm.clients.models import AccountStatus, SocialAccount
from smartsmm.collection.models import Credential, SyncRun
from smartsmm.fakes.vk import FakeVK
from smartsmm.measurements.models import DailyMetric, Post
from tests.vk_world import ADMIN, COFFEE, OUTSIDER, REVOKED, serving_live

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_vk(monkeypatch):
    """The fake on real time (the connector's "today" is today), with the shared HTTP client's rate
    limiter on a manual clock and the fake's own limit off, so nothing waits."""
    fake = FakeVK(rate_limits={"user": None, "group": None, "service": None}).with_community(
        COFFEE, "coffee", 20_000, posts=300, days=60, seed=5, admin_tokens=[ADMIN], name="Coffee"
    )
    fake.add_token(REVOKED, revoked=True).add_token(OUTSIDER)
    with serving_live(monkeypatch, fake):
        yield fake


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def token_file(tmp_path: Path, token: str = ADMIN) -> str:
    path = tmp_path / "token.txt"
    path.write_text(f"{token}\n")
    return str(path)


def test_it_connects_a_community_and_never_prints_the_token(capsys, tmp_path, live_vk, client_obj):
    code, out, err = run(
        capsys,
        "accounts", "add", "vk", "https://vk.com/coffee",
        "--client", "coffee", "--token-file", token_file(tmp_path),
        "--objective", "leads", "--rationale", "Guests are here",
    )  # fmt: skip

    assert code == 0, err
    assert "vk:coffee connected: Coffee, 20 000 members, client coffee." in out
    assert "smartsmm sync --account vk:coffee" in out
    assert ADMIN not in out + err
    account = SocialAccount.objects.get()
    assert (account.external_id, account.objective.objective, account.rationale) == (
        "123456",
        "leads",
        "Guests are here",
    )
    assert Credential.objects.get(account=account).token == ADMIN

    code, out, _ = run(capsys, "accounts", "list", "--json")
    (item,) = json.loads(out)
    assert (item["ref"], item["status"], item["objective"]) == ("vk:coffee", "active", "leads")


def test_it_reads_the_token_from_standard_input_and_reconnects(capsys, monkeypatch, live_vk, account):
    monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN + "\n"))

    code, out, err = run(
        capsys, "accounts", "add", "vk", "coffee", "--client", "coffee", "--token-file", "-", "--json"
    )

    assert code == 0, err
    data = json.loads(out)
    assert (data["ref"], data["created"], data["token_kind"], data["followers"]) == (
        "vk:coffee",
        False,
        "user",
        20_000,
    )
    assert SocialAccount.objects.count() == 1


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (REVOKED, "User authorization failed: invalid session."),
        (OUTSIDER, "does not administer Coffee"),
    ],
)
def test_it_refuses_a_token_that_cannot_collect_with_the_reason(
    capsys, tmp_path, live_vk, client_obj, token, reason
):
    code, out, err = run(
        capsys,
        "accounts",
        "add",
        "vk",
        "coffee",
        "--client",
        "coffee",
        "--token-file",
        token_file(tmp_path, token),
    )

    assert code == 2
    assert err.startswith("smartsmm: error: vk coffee: not connected: ")
    assert reason in err
    assert token not in out + err
    assert not SocialAccount.objects.exists()


def test_it_explains_a_missing_or_empty_token_file_and_an_unknown_client(
    capsys, tmp_path, live_vk, client_obj
):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")

    assert run(
        capsys,
        "accounts",
        "add",
        "vk",
        "coffee",
        "--client",
        "coffee",
        "--token-file",
        str(tmp_path / "nope"),
    )[2] == (f"smartsmm: error: --token-file {tmp_path / 'nope'}: no such file\n")
    assert (
        "the file is empty"
        in run(capsys, "accounts", "add", "vk", "coffee", "--client", "coffee", "--token-file", str(empty))[2]
    )
    code, _, err = run(
        capsys, "accounts", "add", "vk", "coffee", "--client", "gym", "--token-file", token_file(tmp_path)
    )
    assert code == 2 and "--client gym: no such client" in err
    assert live_vk.count() == 0  # nothing was asked of VK for any of these


def test_sync_collects_everything_and_reports_the_run(capsys, live_vk, account):
    Credential.objects.create(account=account, token=ADMIN)

    code, out, err = run(capsys, "sync", "--account", "vk:coffee")

    assert code == 0, err
    assert out.startswith("vk:coffee: ok, 4 requests, ")
    assert DailyMetric.objects.filter(account=account, metric="reach").count() == 60
    assert Post.objects.filter(account=account).count() == 300
    assert ADMIN not in out + err

    code, out, err = run(capsys, "sync", "--account", "vk:coffee", "--json")
    data = json.loads(out)
    assert code == 0 and data["status"] == "ok" and data["rows_written"] == 0
    code, out, _ = run(capsys, "accounts", "list", "--json")
    assert json.loads(out)[0]["last_synced_at"] is not None


def test_sync_of_one_kind_collects_only_that(capsys, live_vk, account):
    Credential.objects.create(account=account, token=ADMIN)

    code, out, _ = run(capsys, "sync", "--account", "vk:coffee", "--kind", "counters")

    assert code == 0 and "(counters)" in out
    assert list(DailyMetric.objects.values_list("metric", flat=True)) == ["followers"]
    assert not Post.objects.exists()


def test_sync_exits_non_zero_with_the_reason_when_the_account_needs_attention(capsys, live_vk, account):
    Credential.objects.create(account=account, token=REVOKED)

    code, out, err = run(capsys, "sync", "--account", "vk:coffee")

    assert code == 3
    assert "vk:coffee: needs_attention, 1 requests, 0 rows written" in out
    assert (
        "smartsmm: vk:coffee needs attention: VK error 5 in groups.getById: User authorization failed" in err
    )
    code, out, _ = run(capsys, "accounts", "list", "--json")
    (item,) = json.loads(out)
    assert item["status"] == AccountStatus.NEEDS_ATTENTION
    assert "connect the account again with a new token" in item["last_error"]
    assert REVOKED not in out + err


def test_sync_without_a_token_says_how_to_connect(capsys, live_vk, account):
    code, _, err = run(capsys, "sync", "--account", "vk:coffee")

    assert code == 2
    assert (
        "vk:coffee has no stored token: connect it with `smartsmm accounts add vk coffee --client coffee"
        in err
    )
    assert not SyncRun.objects.exists()


def test_sync_of_an_unknown_account_is_a_usage_error(capsys, live_vk, agency):
    code, _, err = run(capsys, "sync", "--account", "vk:nobody")

    assert code == 2 and "no such account" in err


def test_the_cli_offers_the_kinds_sync_knows():
    from smartsmm.cli import cmd_sync
    from smartsmm.collection import sync

    assert cmd_sync.KINDS == sync.KINDS
