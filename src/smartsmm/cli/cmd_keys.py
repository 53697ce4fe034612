"""`smartsmm keys rotate`: encrypt every stored platform token under a new key.

Steps: put a new key first (in the data folder's key file; with ``SMARTSMM_ENCRYPTION_KEYS`` the
operator does it, and is told how), re-save every :class:`~smartsmm.collection.models.Credential` so it
is re-encrypted under the newest key, and with ``--retire-old`` drop the older keys from the key
file — only after every token was re-encrypted, since a token under a dropped key is lost.
"""

from __future__ import annotations

import argparse

from smartsmm.cli.base import CliError, Context


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    keys = sub.add_parser("keys", help="the keys that encrypt platform tokens at rest")
    actions = keys.add_subparsers(dest="action", metavar="ACTION", required=True)
    rotate = actions.add_parser(
        "rotate",
        help="add a new key and re-encrypt every stored token under it",
        description=(
            "Adds a new encryption key first in the data folder's key file (or, when the keys come "
            "from SMARTSMM_ENCRYPTION_KEYS, re-encrypts under the first key listed there), then "
            "re-encrypts every stored token under the newest key."
        ),
    )
    rotate.add_argument(
        "--retire-old",
        action="store_true",
        help="after re-encrypting, remove the older keys from the data folder's key file",
    )
    rotate.add_argument(
        "--reencrypt-only",
        action="store_true",
        help="do not add a key; only re-encrypt under the newest configured key",
    )
    rotate.set_defaults(handler=rotate_keys)


def rotate_keys(args: argparse.Namespace, context: Context) -> int:
    from smartsmm.lib import crypto

    from_env = crypto._configured_keys() is not None
    if from_env and not args.reencrypt_only:
        # We cannot change the environment: say what to do, then re-encrypt under its first key
        # (a no-op for tokens already under it), which is the second half of a rotation anyway.
        context.print(
            f"the keys come from {crypto.ENV_VAR}: put a new key first in it "
            f"(generate one with `python -c 'from cryptography.fernet import Fernet; "
            f"print(Fernet.generate_key().decode())'`), restart, then run `smartsmm keys rotate "
            f"--reencrypt-only`; remove the old key from the variable afterwards"
        )
    if from_env and args.retire_old:
        raise CliError(f"--retire-old: the keys come from {crypto.ENV_VAR}; remove old keys from it yourself")
    if not from_env and not args.reencrypt_only:
        path = crypto.add_key_to_data_dir()
        context.print(f"added a new key first in {path}")
    count, failed = reencrypt_credentials()
    context.print(f"re-encrypted {count} stored tokens under the newest key")
    if failed:
        raise CliError(
            f"{failed} stored tokens could not be decrypted with any configured key and were left as "
            "they are; old keys were kept (reconnect those accounts with `smartsmm accounts add`)",
            exit_code=1,
        )
    if args.retire_old:
        retired = retire_old_keys()
        context.print(f"removed {retired} older keys from {crypto.key_file_path()}")
    return 0


def reencrypt_credentials() -> tuple[int, int]:
    """Re-encrypt every stored token under the newest key; return (re-encrypted, undecryptable).

    Works on the stored ciphertext (``MultiFernet.rotate``) row by row, read and written with plain
    SQL, so tokens never exist in plain text here, and one undecryptable row does not stop the others.
    """
    from django.db import connection, transaction

    from smartsmm.collection.models import Credential
    from smartsmm.lib import crypto

    table = connection.ops.quote_name(Credential._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, token FROM {table} ORDER BY id")
        stored = list(cursor.fetchall())
    done = failed = 0
    for pk, ciphertext in stored:
        if not ciphertext:
            continue
        try:
            # A legacy plaintext value (no prefix) is encrypted for the first time.
            fresh = (
                crypto.rotate(ciphertext)
                if crypto.is_encrypted(ciphertext)
                else crypto.PREFIX + crypto.encrypt(ciphertext)
            )
        except crypto.TokenDecryptError:
            failed += 1
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET token = %s WHERE id = %s", [fresh, pk])
        done += 1
    return done, failed


def retire_old_keys() -> int:
    """Keep only the newest key in the data folder's key file; return how many were removed."""
    import os

    from smartsmm.lib import crypto

    path = crypto.key_file_path()
    keys = crypto._read_key_file(path)
    tmp = crypto._write_private(path, keys[:1])
    os.replace(tmp, path)
    return len(keys) - 1
