"""Connecting a VK community: its screen name (or id, or link) and a pasted user token.

The same form serves the web app and ``smartsmm accounts add vk``. Validation asks VK (two requests):
the token must be alive and be a user token (only those may read walls and statistics, §1.2), and its
user must administer the community (statistics are for administrators, §1.4). A token that fails
any of this is refused with the reason — VK's own words where VK gave them — instead of being
stored and failing on the first sync.

How a user gets a token (docs/connect-vk.md has it step by step): create a Standalone app of their
own at https://dev.vk.com, then open
``https://oauth.vk.com/authorize?client_id=APP_ID&display=page&redirect_uri=https://oauth.vk.com/blank.html&scope=stats,wall,groups,offline&response_type=token&v=5.199``
and, after allowing access, copy the address of the blank page VK opens: the form accepts that whole
address and takes the ``access_token`` out of it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from smartsmm.clients.models import AccountStatus, BusinessObjective, Client, SocialAccount
from smartsmm.collection.models import Credential
from smartsmm.connectors.base import AccountInfo, Connector, ConnectorError, TokenInfo
from smartsmm.lib.http import scrub

#: The OAuth address a user opens to get a token of their own Standalone app (APP_ID replaced).
TOKEN_URL_TEMPLATE = (
    "https://oauth.vk.com/authorize?client_id={app_id}&display=page"
    "&redirect_uri=https://oauth.vk.com/blank.html&scope=stats,wall,groups,offline"
    "&response_type=token&v=5.199"
)


def token_from_paste(text: str) -> str:
    """The token in what a user pasted: the token itself, or the whole blank.html redirect address.

    VK's implicit flow ends on ``https://oauth.vk.com/blank.html#access_token=…&expires_in=0&…``;
    users copy the address bar, so the fragment (or query) is searched for ``access_token``.
    """
    text = text.strip()
    if "access_token=" in text:
        parts = urlsplit(text)
        for section in (parts.fragment, parts.query, text.split("#", 1)[-1]):
            found = parse_qs(section).get("access_token")
            if found and found[0].strip():
                return found[0].strip()
    return text


class ConnectVkForm(forms.Form):
    """Connect (or reconnect) a VK community with a user token of one of its administrators.

    Args:
        connector: The connector used to validate (default: the registry's VK connector).
    """

    account = forms.CharField(
        label=_("Community"),
        max_length=200,
        help_text=_("Screen name, id or link, e.g. zerno_coffee or https://vk.com/zerno_coffee"),
    )
    token = forms.CharField(
        label=_("User token"),
        # Never rendered back: a form shown again after an error must not put the token in the page.
        widget=forms.PasswordInput(render_value=False),
        help_text=_("The token, or the whole address of the page VK shows after you allow access"),
    )

    def __init__(self, *args: Any, connector: Connector | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if connector is None:
            from smartsmm.connectors.registry import get_connector

            connector = get_connector("vk")
        self.connector = connector
        self.token_info: TokenInfo | None = None
        self.account_info: AccountInfo | None = None

    def clean_token(self) -> str:
        token = token_from_paste(self.cleaned_data["token"])
        if not token or any(c.isspace() for c in token):
            raise forms.ValidationError(_("This does not look like a VK token."), code="malformed")
        return token

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        token = data.get("token")
        ref = data.get("account")
        if not token or not ref:
            return data
        try:
            token_info = self.connector.check_token(token)
            if not token_info.can_read_stats:
                raise forms.ValidationError(
                    _("VK refused the token: %(reason)s"),
                    code="token_kind",
                    params={"reason": token_info.detail},
                )
            info = self.connector.resolve(ref, token)
        except ConnectorError as error:
            # The message is VK's reason in words (token scrubbed once more: it is about to be shown).
            raise forms.ValidationError(
                _("VK refused the token: %(reason)s"),
                code="refused",
                params={"reason": scrub(error.message, [token])},
            ) from None
        if info.is_admin is False:
            raise forms.ValidationError(
                _(
                    "The token's user does not administer %(name)s: VK shows community statistics to "
                    "its administrators only. Use a token of an administrator."
                ),
                code="not_admin",
                params={"name": info.name or info.handle},
            )
        self.token_info = token_info
        self.account_info = info
        return data

    @transaction.atomic
    def save(
        self, client: Client, *, objective: BusinessObjective | None = None, rationale: str = ""
    ) -> tuple[SocialAccount, bool]:
        """Create the account (or reconnect it) and store the token encrypted.

        An account of the agency with the same community id (or the same screen name) is
        reconnected: its token is replaced and its status set back to active.

        Returns:
            The account and whether it was created.

        Raises:
            ValueError: the form is not valid, or the community is connected for another client.
        """
        if self.account_info is None or self.token_info is None:
            raise ValueError("save() needs a valid form")
        info = self.account_info
        candidates = SocialAccount.objects.select_for_update().filter(agency=client.agency, platform="vk")
        account = (
            candidates.filter(external_id=info.external_id).first()
            or candidates.filter(ref_key=info.handle.lower()).first()
        )
        created = account is None
        if account is None:
            account = SocialAccount(agency=client.agency, client=client, platform="vk")
        elif account.client_id != client.pk:
            raise ValueError(f"{account.ref} is already connected for the client {account.client.slug}")
        account.external_id = info.external_id
        account.handle = info.handle
        account.name = info.name
        account.url = info.url
        if objective is not None:
            account.objective = objective
        if rationale:
            account.rationale = rationale
        if account.status == AccountStatus.NEEDS_ATTENTION:
            account.status = AccountStatus.ACTIVE
        account.last_error = ""
        account.save()
        Credential.objects.update_or_create(
            account=account,
            defaults={"token": self.cleaned_data["token"], "token_kind": self.token_info.kind},
        )
        return account, created


#: The name the registry looks for (``registry.connect_form_class("vk")``).
ConnectForm = ConnectVkForm
