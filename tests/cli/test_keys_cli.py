"""`smartsmm keys rotate`: a new key first, every token re-encrypted under it, old keys retired."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from smartsmm.cli import main
from smartsmm.collection.models import Credential
from smartsmm.lib import crypto
from tests.vk_world import ADMIN

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _isolated_keys(monkeypatch, settings, tmp_path):
    monkeypatch.delenv(crypto.ENV_VAR, raising=False)
    settings.DATA_DIR = tmp_path
    if hasattr(settings, crypto.ENV_VAR):
        delattr(settings, crypto.ENV_VAR)


def _stored(credential: Credential) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM collection_credential WHERE id = %s", [credential.pk])
        return str(cursor.fetchone()[0])


def _decrypts_with(key: str, stored: str) -> bool:
    try:
        Fernet(key).decrypt(stored.removeprefix(crypto.PREFIX).encode())
    except Exception:
        return False
    return True


def test_rotate_re_encrypts_every_token_under_a_new_key_and_retires_the_old(capsys, account):
    credential = Credential.objects.create(account=account, token=ADMIN)
    (old_key,) = crypto.load_keys()
    assert _decrypts_with(old_key, _stored(credential))

    assert main(["keys", "rotate"]) == 0
    keys = crypto.load_keys()
    assert len(keys) == 2 and keys[1] == old_key
    stored = _stored(credential)
    assert _decrypts_with(keys[0], stored) and not _decrypts_with(old_key, stored)
    out = capsys.readouterr().out
    assert "re-encrypted 1 stored tokens" in out and ADMIN not in out

    assert main(["keys", "rotate", "--retire-old"]) == 0
    newest = crypto.load_keys()
    assert len(newest) == 1 and newest[0] not in keys
    assert Credential.objects.get(pk=credential.pk).token == ADMIN
    assert ADMIN not in _stored(credential)


def test_an_undecryptable_token_keeps_the_old_keys(capsys, account):
    credential = Credential.objects.create(account=account, token=ADMIN)
    with connection.cursor() as cursor:
        foreign = crypto.PREFIX + Fernet(Fernet.generate_key()).encrypt(b"x").decode()
        cursor.execute("UPDATE collection_credential SET token = %s WHERE id = %s", [foreign, credential.pk])
    assert main(["keys", "rotate", "--retire-old"]) == 1
    assert len(crypto.load_keys()) == 2  # nothing retired
    assert "could not be decrypted" in capsys.readouterr().err


def test_with_keys_from_the_environment_it_explains_and_re_encrypts_under_the_first(
    capsys, account, monkeypatch
):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv(crypto.ENV_VAR, old)
    credential = Credential.objects.create(account=account, token=ADMIN)
    monkeypatch.setenv(crypto.ENV_VAR, f"{new},{old}")

    assert main(["keys", "rotate"]) == 0
    assert "put a new key first" in capsys.readouterr().out
    assert _decrypts_with(new, _stored(credential))
    assert not crypto.key_file_path().exists()
    assert main(["keys", "rotate", "--retire-old"]) == 2
