"""Model fields backed by :mod:`smartsmm.lib.crypto`.

:class:`EncryptedTextField` keeps plaintext in Python and Fernet ciphertext in the database::

    token = EncryptedTextField(blank=True)

- Saving encrypts with the newest key; the column holds ``fernet1:<Fernet token>``. The prefix
  lets plaintext legacy values (from before encryption) be recognised and migrated.
- Loading decrypts and raises :class:`~smartsmm.lib.crypto.TokenDecryptError` when no configured
  key can: the ciphertext is never handed back as if it were the token.
- The loaded value is a :class:`SecretStr`: a real ``str`` for code that uses it, whose ``repr``
  (debug pages, ``%r`` in logs, tracebacks with locals) shows ``***``.
- Serialisation (``dumpdata``) writes fresh ciphertext, never plaintext; loading it back decrypts.
- Forms render a password input that never shows the stored value back.
- Only ``isnull`` lookups are allowed: Fernet is randomised, so ``filter(token="x")`` could never
  match and would silently return nothing; it raises instead.
- Re-saving a row re-encrypts it under the newest key, which is all a key rotation needs.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext_lazy as _

from smartsmm.lib import crypto


class SecretStr(str):
    """A ``str`` whose ``repr`` hides its value, so secrets do not leak through debug output."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "SecretStr('***')"


class EncryptedTextField(models.TextField):
    """A ``TextField`` stored encrypted with Fernet (see the module docstring)."""

    description = _("Text encrypted at rest (Fernet)")

    # -- database → Python ------------------------------------------------------------------------

    def from_db_value(
        self, value: str | None, expression: Any, connection: BaseDatabaseWrapper
    ) -> str | None:
        """Decrypt a value read from the database.

        Raises:
            TokenDecryptError: the value carries the prefix but no configured key decrypts it.
        """
        if value is None:
            return None
        if crypto.is_encrypted(value):
            return SecretStr(crypto.decrypt(value))
        # No prefix: a plaintext legacy value (or empty). Returned as is so it can be migrated.
        return SecretStr(value)

    def to_python(self, value: Any) -> str | None:
        """Normalise a value from a form or a fixture; prefixed ciphertext (from dumpdata) is decrypted.

        Raises:
            ValidationError: prefixed ciphertext that no configured key decrypts.
        """
        if value is None:
            return None
        if isinstance(value, SecretStr):
            return value
        text = str(value)
        if crypto.is_encrypted(text):
            try:
                return SecretStr(crypto.decrypt(text))
            except crypto.TokenDecryptError:
                raise ValidationError(
                    _("This encrypted value cannot be decrypted with the configured keys."),
                    code="undecryptable",
                ) from None
        return SecretStr(text)

    # -- Python → database ------------------------------------------------------------------------

    def get_prep_value(self, value: Any) -> str | None:
        """Encrypt a value for saving; None and the empty string are stored as they are.

        The empty string stays empty so "no token" remains cheap to store and to see; it reveals
        nothing a Fernet token's length would not.
        """
        # Field.get_prep_value resolves lazy strings; TextField's would also call to_python, which
        # decrypts prefixed input — not wanted here, where every value is plaintext to encrypt.
        value = models.Field.get_prep_value(self, value)
        if value is None:
            return None
        text = str(value)
        if text == "":
            return ""
        return crypto.PREFIX + crypto.encrypt(text)

    def value_to_string(self, obj: models.Model) -> str:
        """Serialised form (dumpdata): fresh ciphertext, never the plaintext."""
        value = self.value_from_object(obj)
        if value is None or value == "":
            return "" if value is None else value
        return crypto.PREFIX + crypto.encrypt(str(value))

    # -- queries, forms, checks -------------------------------------------------------------------

    def get_lookup(self, lookup_name: str) -> Any:
        """Only ``isnull``: any other lookup would compare against randomised ciphertext."""
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def get_transform(self, lookup_name: str) -> Any:
        """No transforms (``lower``, ``length``…): they would operate on ciphertext."""
        return None

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        """A password input that never renders the stored value back.

        The widget is forced, not defaulted: the admin passes its own textarea widget for text
        fields, which would print the decrypted token into the page.
        """
        kwargs["widget"] = forms.PasswordInput(render_value=False)
        return super().formfield(form_class=form_class, choices_form_class=choices_form_class, **kwargs)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        """Django's checks plus a check that the encryption keys load (fail at start-up, not later)."""
        return [*super().check(**kwargs), *self._check_encryption_keys()]

    def _check_encryption_keys(self) -> list[checks.CheckMessage]:
        try:
            crypto.load_keys()
        except ImproperlyConfigured as exc:
            return [checks.Error(str(exc), obj=self, id="smartsmm.E001")]
        return []
