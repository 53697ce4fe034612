"""Tokens encrypted at rest: keys, round trips, rotation, and the model field's conversions."""

from __future__ import annotations

import stat
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError

from smartsmm.lib import crypto
from smartsmm.lib.crypto import TokenDecryptError
from smartsmm.lib.fields import EncryptedTextField, SecretStr

CANARY = "vk1.a.CANARY-7f3e9b2d-never-store-me"


@pytest.fixture(autouse=True)
def _isolated_keys(monkeypatch, settings, tmp_path):
    """Each test gets its own data folder and no key from the environment unless it sets one."""
    monkeypatch.delenv(crypto.ENV_VAR, raising=False)
    settings.DATA_DIR = tmp_path
    if hasattr(settings, crypto.ENV_VAR):
        delattr(settings, crypto.ENV_VAR)


@pytest.fixture
def env_keys(monkeypatch):
    keys = [crypto.generate_key(), crypto.generate_key()]
    monkeypatch.setenv(crypto.ENV_VAR, ",".join(keys))
    return keys


def _field() -> EncryptedTextField:
    field = EncryptedTextField()
    field.set_attributes_from_name("token")
    return field


# -- keys -----------------------------------------------------------------------------------------


def test_it_generates_a_key_file_once_with_mode_0600(tmp_path):
    path = tmp_path / "encryption_keys"
    assert not path.exists()
    token = crypto.encrypt(CANARY)
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_text()
    assert len(first.split()) == 1
    Fernet(first.strip())  # a valid key
    assert crypto.decrypt(token) == CANARY
    crypto.encrypt("again")
    assert path.read_text() == first  # not regenerated
    assert [p.name for p in tmp_path.iterdir()] == ["encryption_keys"]  # no temporary file left


def test_it_never_derives_the_key_from_secret_key(settings, tmp_path):
    crypto.encrypt(CANARY)
    key = (tmp_path / "encryption_keys").read_text().strip()
    assert key != settings.SECRET_KEY
    assert settings.SECRET_KEY not in key


def test_it_prefers_keys_from_the_environment(env_keys, tmp_path):
    token = crypto.encrypt(CANARY)
    assert not (tmp_path / "encryption_keys").exists()
    assert Fernet(env_keys[0]).decrypt(token.encode()).decode() == CANARY
    assert crypto.load_keys() == env_keys


def test_it_reads_keys_from_django_settings(settings, tmp_path):
    key = crypto.generate_key()
    settings.SMARTSMM_ENCRYPTION_KEYS = [key]
    assert crypto.load_keys() == [key]
    assert not (tmp_path / "encryption_keys").exists()


def test_it_refuses_malformed_keys_without_echoing_them(monkeypatch):
    good = crypto.generate_key()
    monkeypatch.setenv(crypto.ENV_VAR, f"{good},not-a-valid-fernet-key")
    with pytest.raises(ImproperlyConfigured) as info:
        crypto.encrypt(CANARY)
    assert "key #2" in str(info.value)
    assert "not-a-valid-fernet-key" not in str(info.value)
    assert good not in str(info.value)
    monkeypatch.setenv(crypto.ENV_VAR, " , ")
    with pytest.raises(ImproperlyConfigured):
        crypto.load_keys()


def test_it_refuses_a_key_equal_to_secret_key(monkeypatch, settings):
    key = crypto.generate_key()
    settings.SECRET_KEY = key
    monkeypatch.setenv(crypto.ENV_VAR, key)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        crypto.load_keys()


def test_it_refuses_an_empty_or_malformed_key_file(tmp_path):
    path = tmp_path / "encryption_keys"
    path.write_text("# no key here\n\n")
    path.chmod(0o600)
    with pytest.raises(ImproperlyConfigured, match="holds no encryption key"):
        crypto.encrypt(CANARY)
    path.write_text("garbage\n")
    with pytest.raises(ImproperlyConfigured, match="key #1"):
        crypto.encrypt(CANARY)


# -- encrypt / decrypt / rotate ---------------------------------------------------------------------


def test_it_round_trips_text(env_keys):
    for text in (CANARY, "", "токен с юникодом ✓", "x" * 5000):
        token = crypto.encrypt(text)
        assert token != text and CANARY not in token
        assert crypto.decrypt(token) == text
        assert crypto.decrypt(crypto.PREFIX + token) == text


def test_it_uses_a_fresh_iv_each_time(env_keys):
    assert crypto.encrypt(CANARY) != crypto.encrypt(CANARY)


def test_it_raises_loudly_instead_of_returning_ciphertext(env_keys, monkeypatch):
    token = crypto.encrypt(CANARY)
    monkeypatch.setenv(crypto.ENV_VAR, crypto.generate_key())  # the old key is gone
    with pytest.raises(TokenDecryptError) as info:
        crypto.decrypt(token)
    assert token not in str(info.value)
    for garbage in ("not a token", crypto.PREFIX + "gAAAA-corrupted", "ключ"):
        with pytest.raises(TokenDecryptError):
            crypto.decrypt(garbage)
    with pytest.raises(TypeError):
        crypto.encrypt(b"bytes")  # type: ignore[arg-type]


def test_it_rotates_tokens_to_a_new_env_key(monkeypatch):
    old = crypto.generate_key()
    monkeypatch.setenv(crypto.ENV_VAR, old)
    token = crypto.encrypt(CANARY)

    new = crypto.generate_key()
    monkeypatch.setenv(crypto.ENV_VAR, f"{new},{old}")
    assert crypto.decrypt(token) == CANARY  # the old key still decrypts
    rotated = crypto.rotate(crypto.PREFIX + token)
    assert rotated.startswith(crypto.PREFIX)  # the prefix form is kept
    assert Fernet(new).decrypt(rotated.removeprefix(crypto.PREFIX).encode()).decode() == CANARY

    monkeypatch.setenv(crypto.ENV_VAR, new)  # the old key retired
    assert crypto.decrypt(rotated) == CANARY
    with pytest.raises(TokenDecryptError):
        crypto.decrypt(token)
    with pytest.raises(TokenDecryptError):
        crypto.rotate(token)


def test_it_rotates_in_the_data_dir(tmp_path):
    token = crypto.encrypt(CANARY)
    path = tmp_path / "encryption_keys"
    old = path.read_text().split()

    assert crypto.add_key_to_data_dir() == path
    keys = path.read_text().split()
    assert len(keys) == 2 and keys[1:] == old  # the new key is prepended
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert crypto.decrypt(token) == CANARY

    rotated = crypto.rotate(token)
    assert Fernet(keys[0]).decrypt(rotated.encode()).decode() == CANARY
    with pytest.raises(InvalidToken):  # the old key alone no longer opens the rotated token
        Fernet(old[0]).decrypt(rotated.encode())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["encryption_keys"]


def test_it_refuses_to_add_a_key_file_key_when_keys_come_from_the_environment(env_keys, tmp_path):
    with pytest.raises(ImproperlyConfigured, match=crypto.ENV_VAR):
        crypto.add_key_to_data_dir()
    assert not (tmp_path / "encryption_keys").exists()


# -- the model field ------------------------------------------------------------------------------


def test_it_encrypts_on_save_and_decrypts_on_load(env_keys):
    field = _field()
    stored = field.get_prep_value(CANARY)
    assert stored is not None and stored.startswith("fernet1:")
    assert CANARY not in stored
    loaded = field.from_db_value(stored, None, None)  # type: ignore[arg-type]
    assert loaded == CANARY
    assert isinstance(loaded, SecretStr)


def test_it_keeps_none_and_empty_values(env_keys):
    field = _field()
    assert field.get_prep_value(None) is None
    assert field.get_prep_value("") == ""
    assert field.from_db_value(None, None, None) is None  # type: ignore[arg-type]
    assert field.from_db_value("", None, None) == ""  # type: ignore[arg-type]
    assert field.to_python(None) is None


def test_it_recognises_plaintext_legacy_values(env_keys):
    field = _field()
    assert field.from_db_value("legacy-plain-token", None, None) == "legacy-plain-token"  # type: ignore[arg-type]
    assert not crypto.is_encrypted("legacy-plain-token")


def test_it_fails_loudly_on_undecryptable_stored_values(env_keys, monkeypatch):
    field = _field()
    stored = field.get_prep_value(CANARY)
    monkeypatch.setenv(crypto.ENV_VAR, crypto.generate_key())
    with pytest.raises(TokenDecryptError):
        field.from_db_value(stored, None, None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        field.to_python(stored)


def test_it_round_trips_through_serialisation_without_plaintext(env_keys):
    field = _field()
    obj = SimpleNamespace(token=SecretStr(CANARY))
    dumped = field.value_to_string(obj)  # type: ignore[arg-type]
    assert dumped.startswith("fernet1:") and CANARY not in dumped
    assert field.to_python(dumped) == CANARY  # loaddata decrypts, save re-encrypts
    assert field.value_to_string(SimpleNamespace(token="")) == ""  # type: ignore[arg-type]


def test_it_hides_the_plaintext_in_reprs(env_keys):
    field = _field()
    loaded = field.from_db_value(field.get_prep_value(CANARY), None, None)  # type: ignore[arg-type]
    assert CANARY not in repr(loaded)
    assert CANARY not in repr({"token": loaded})
    assert CANARY not in f"{loaded!r}"
    assert str(loaded) == CANARY and f"{loaded}" == CANARY  # still usable as the token
    assert CANARY not in repr(field)


def test_it_never_renders_the_value_in_forms(env_keys):
    field = _field()
    form_field = field.formfield(widget=forms.Textarea)  # the admin passes a textarea: overridden
    assert form_field is not None
    assert isinstance(form_field.widget, forms.PasswordInput)
    html = form_field.widget.render("token", SecretStr(CANARY))
    assert CANARY not in html


def test_it_refuses_lookups_on_ciphertext():
    field = _field()
    assert field.get_lookup("exact") is None
    assert field.get_lookup("icontains") is None
    assert field.get_transform("lower") is None
    assert field.get_lookup("isnull") is not None


def test_it_deconstructs_cleanly_for_migrations():
    field = EncryptedTextField(blank=True)
    field.set_attributes_from_name("token")
    name, path, args, kwargs = field.deconstruct()
    assert (name, path, args, kwargs) == (
        "token",
        "smartsmm.lib.fields.EncryptedTextField",
        [],
        {"blank": True},
    )
    rebuilt = EncryptedTextField(*args, **kwargs)
    assert rebuilt.deconstruct()[1:] == (path, args, kwargs)


def test_it_reports_bad_keys_as_a_system_check_error(monkeypatch):
    field = _field()
    monkeypatch.setenv(crypto.ENV_VAR, "bad-key")
    errors = field._check_encryption_keys()
    assert [e.id for e in errors] == ["smartsmm.E001"]
    monkeypatch.setenv(crypto.ENV_VAR, crypto.generate_key())
    assert field._check_encryption_keys() == []
