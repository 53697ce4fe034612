"""Platform tokens encrypted at rest with Fernet / MultiFernet.

Keys are dedicated encryption keys, never derived from ``SECRET_KEY``: the signing key can then be
rotated (sessions, share links) without making every stored token unreadable, and a leaked
signing key does not reveal tokens.

Where keys come from, in order:

1. ``SMARTSMM_ENCRYPTION_KEYS`` — comma-separated Fernet keys, newest first (the environment
   variable, else the Django setting of that name, which may also be a list);
2. otherwise the file ``DATA_DIR / "encryption_keys"`` — one key per line, newest first, created
   with a fresh key (mode 0600) the first time it is needed, like the generated secret key.

The first key encrypts; every key decrypts. Rotation: put a new key first (in the variable, or with
:func:`add_key_to_data_dir` in the embedded mode), re-encrypt stored values with :func:`rotate`,
then retire the old key. Anything wrong — a malformed key, a key equal to ``SECRET_KEY``, a value
no configured key can decrypt — raises instead of limping on: a token that silently fails to
decrypt would otherwise surface much later as a baffling "token revoked" from the platform.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
import stat
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

ENV_VAR = "SMARTSMM_ENCRYPTION_KEYS"
KEY_FILE_NAME = "encryption_keys"
#: Marks a stored value as Fernet ciphertext (version 1 of our format), so plaintext legacy values
#: stay recognisable and a later scheme can be told apart.
PREFIX = "fernet1:"

_GENERATE_HINT = "generate one with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"


class TokenDecryptError(Exception):
    """A stored value could not be decrypted with any configured key (wrong keys or corrupted).

    The message never contains the value itself.
    """


def generate_key() -> str:
    """A new random Fernet key (url-safe base64 of 32 bytes) as text."""
    return Fernet.generate_key().decode("ascii")


# --------------------------------------------------------------------------------------------------
# Key loading
# --------------------------------------------------------------------------------------------------


def _configured_keys() -> list[str] | None:
    """Keys from the environment variable or the Django setting; None when neither is set."""
    raw: object = os.environ.get(ENV_VAR)
    if raw is None or not str(raw).strip():
        from django.conf import settings

        try:
            raw = getattr(settings, ENV_VAR, None)
        except ImproperlyConfigured:
            raw = None
    if raw is None or raw == "" or raw == [] or raw == ():
        return None
    if isinstance(raw, str):
        items = raw.split(",")
    elif isinstance(raw, list | tuple):
        items = [str(item) for item in raw]
    else:
        raise ImproperlyConfigured(f"{ENV_VAR} must be comma-separated text or a list of keys")
    keys = [item.strip() for item in items if item.strip()]
    if not keys:
        raise ImproperlyConfigured(f"{ENV_VAR} is set but holds no key; {_GENERATE_HINT}")
    return keys


def key_file_path() -> Path:
    """``DATA_DIR / "encryption_keys"`` (the file may not exist yet)."""
    from django.conf import settings

    try:
        folder = getattr(settings, "DATA_DIR", None)
    except ImproperlyConfigured:
        folder = None
    if folder is None:
        from smartsmm.config.env import data_dir

        folder = data_dir()
    return Path(folder) / KEY_FILE_NAME


def _read_key_file(path: Path) -> list[str]:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        # Warn rather than refuse: some volume mounts cannot express 0600, and refusing would take
        # the whole app down over a permission the operator may not control.
        logger.warning("%s is readable by other users (mode %o); it should be 0600", path, stat.S_IMODE(mode))
    keys = [
        line.strip()
        for line in path.read_text(encoding="ascii").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not keys:
        raise ImproperlyConfigured(
            f"{path} holds no encryption key. If it was emptied by mistake, restore it from a backup: "
            "tokens encrypted with the lost key cannot be read."
        )
    return keys


def _write_private(path: Path, keys: list[str]) -> Path:
    """Write ``keys`` to a new 0600 temporary file next to ``path`` and return the temporary path."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write("".join(f"{key}\n" for key in keys))
        handle.flush()
        os.fsync(handle.fileno())
    return tmp


def _create_key_file(path: Path) -> None:
    """Create the key file with one fresh key, atomically: readers never see it half-written.

    Two processes starting together (web and worker) may both get here; the hard link fails for the
    second, which then uses the first one's key instead of overwriting it — overwriting would make
    whatever the first process already encrypted unreadable.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_private(path, [generate_key()])
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    except OSError:
        # A file system without hard links: exclusive create is the next best thing.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(tmp.read_text(encoding="ascii"))
    else:
        logger.info("generated a new encryption key in %s", path)
    finally:
        tmp.unlink(missing_ok=True)


def _validate(keys: list[str], source: str) -> None:
    from django.conf import settings

    try:
        signing = {settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])}
    except ImproperlyConfigured:
        signing = set()
    for number, key in enumerate(keys, start=1):
        # The key itself never goes into a message: only its position in the list.
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"{source}: key #{number} is not a valid Fernet key (32 url-safe base64-encoded bytes); "
                f"{_GENERATE_HINT}"
            ) from None
        if key in signing:
            raise ImproperlyConfigured(
                f"{source}: key #{number} equals SECRET_KEY; encryption keys must be separate from the "
                f"signing key; {_GENERATE_HINT}"
            )


def load_keys() -> list[str]:
    """The configured keys, newest first, validated; creates the key file on first use.

    Raises:
        ImproperlyConfigured: a key is malformed or equals ``SECRET_KEY``, or the key file is empty.
    """
    keys = _configured_keys()
    if keys is not None:
        source = ENV_VAR
    else:
        path = key_file_path()
        if not path.exists():
            _create_key_file(path)
        keys = _read_key_file(path)
        source = str(path)
    _validate(keys, source)
    return keys


@functools.lru_cache(maxsize=8)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _fernet() -> MultiFernet:
    # Keys are re-read on every call (an environment lookup or one small file read) so that a
    # rotation is picked up without a restart; only building the ciphers is cached.
    return _multifernet(tuple(load_keys()))


# --------------------------------------------------------------------------------------------------
# Encrypting and decrypting
# --------------------------------------------------------------------------------------------------


def is_encrypted(value: str) -> bool:
    """Whether a stored value carries the :data:`PREFIX` of our ciphertext format."""
    return value.startswith(PREFIX)


def _strip(token: str) -> tuple[str, str]:
    if not isinstance(token, str):
        raise TypeError(f"expected text, got {type(token).__name__}")
    if token.startswith(PREFIX):
        return PREFIX, token[len(PREFIX) :]
    return "", token


def encrypt(text: str) -> str:
    """Encrypt ``text`` with the newest key; returns a bare Fernet token (no :data:`PREFIX`).

    Raises:
        TypeError: ``text`` is not a ``str``.
        ImproperlyConfigured: the keys are misconfigured.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """Decrypt a Fernet token (bare or with :data:`PREFIX`) with any configured key.

    Raises:
        TokenDecryptError: no configured key decrypts it, or it is not a Fernet token. The
            ciphertext is never returned in its place.
    """
    _prefix, bare = _strip(token)
    try:
        return _fernet().decrypt(bare.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        # `from None`: the codec errors quote bytes of the input.
        raise TokenDecryptError(
            "a stored token could not be decrypted: it was encrypted with a key that is no longer "
            f"configured ({ENV_VAR} or the data folder's {KEY_FILE_NAME}), or it is corrupted"
        ) from None


def rotate(token: str) -> str:
    """Re-encrypt a token under the newest key (``MultiFernet.rotate``), keeping its prefix form.

    Raises:
        TokenDecryptError: no configured key decrypts it.
    """
    prefix, bare = _strip(token)
    try:
        return prefix + _fernet().rotate(bare.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError):
        raise TokenDecryptError(
            "a stored token could not be re-encrypted: no configured key decrypts it"
        ) from None


def add_key_to_data_dir() -> Path:
    """Prepend a new key to the data folder's key file (embedded mode rotation); return the path.

    The old keys stay so existing values keep decrypting; re-encrypt them with :func:`rotate`
    before removing an old key from the file.

    Raises:
        ImproperlyConfigured: keys come from ``SMARTSMM_ENCRYPTION_KEYS``, which this cannot change
            (and a key added to the file would be ignored), or the existing keys are invalid.
    """
    if _configured_keys() is not None:
        raise ImproperlyConfigured(
            f"the encryption keys come from {ENV_VAR}: rotate by putting a new key first in it "
            f"({_GENERATE_HINT})"
        )
    path = key_file_path()
    existing = _read_key_file(path) if path.exists() else []
    _validate(existing, str(path))
    tmp = _write_private(path, [generate_key(), *existing])
    # os.replace is atomic: a reader sees the old file or the new one, never a mix.
    os.replace(tmp, path)
    logger.info("added a new encryption key to %s (%d keys now)", path, len(existing) + 1)
    return path
