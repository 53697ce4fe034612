"""The connect form: a dead or unfit token is refused with the reason; a good one is stored encrypted."""

from __future__ import annotations

import pytest
from django.db import connection

from smartsmm.clients.models import AccountStatus, Client, SocialAccount
from smartsmm.collection.models import Credential, TokenKind
from smartsmm.connectors.vk.forms import ConnectVkForm, token_from_paste
from tests.vk_world import ADMIN, GROUP_TOKEN, OUTSIDER, REVOKED, SERVICE_TOKEN

pytestmark = pytest.mark.django_db


def form(vk, account: str = "coffee", token: str = ADMIN) -> ConnectVkForm:
    return ConnectVkForm(data={"account": account, "token": token}, connector=vk.connector())


def test_it_connects_a_community_and_stores_the_token_encrypted(vk, client_obj):
    connect = form(vk, "https://vk.com/coffee")

    assert connect.is_valid(), connect.errors
    account, created = connect.save(client_obj, rationale="Guests are here")

    assert created
    assert (account.platform, account.external_id, account.handle) == ("vk", "123456", "coffee")
    assert account.ref == "vk:coffee" and account.url == "https://vk.com/coffee"
    assert account.rationale == "Guests are here"
    credential = Credential.objects.get(account=account)
    assert credential.token == ADMIN and credential.token_kind == TokenKind.USER
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM collection_credential")
        ((raw,),) = cursor.fetchall()
    assert raw.startswith("fernet1:") and ADMIN not in raw


def test_it_takes_the_token_out_of_a_pasted_redirect_address():
    pasted = f"https://oauth.vk.com/blank.html#access_token={ADMIN}&expires_in=0&user_id=1"

    assert token_from_paste(pasted) == ADMIN
    assert token_from_paste(f"  {ADMIN}\n") == ADMIN


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (REVOKED, "VK error 5 in execute: User authorization failed"),
        (GROUP_TOKEN, "this is a community token"),
        (SERVICE_TOKEN, "this is an application (service) token"),
        (OUTSIDER, "does not administer Coffee"),
    ],
)
def test_it_refuses_a_token_that_cannot_collect_with_the_reason(vk, client_obj, token, reason):
    connect = form(vk, token=token)

    assert not connect.is_valid()
    assert reason in " ".join(connect.non_field_errors())
    assert token not in str(connect.errors) and token not in connect.as_p()
    assert not SocialAccount.objects.exists()


def test_it_refuses_an_unknown_community(vk):
    connect = form(vk, "nobody_here")

    assert not connect.is_valid()
    assert "VK has no community 'nobody_here'" in " ".join(connect.non_field_errors())


def test_it_reconnects_an_account_with_a_new_token(vk, client_obj, account):
    account.status = AccountStatus.NEEDS_ATTENTION
    account.last_error = "VK error 5"
    account.save()
    Credential.objects.create(account=account, token=REVOKED)

    connect = form(vk)
    assert connect.is_valid(), connect.errors
    again, created = connect.save(client_obj)

    assert not created and again.pk == account.pk
    assert (again.status, again.last_error) == (AccountStatus.ACTIVE, "")
    assert Credential.objects.get(account=account).token == ADMIN
    assert again.rationale == "Most of our guests are on VK"  # kept when none is given


def test_it_refuses_a_community_connected_for_another_client(vk, client_obj, account):
    gym = Client.objects.create(agency=client_obj.agency, name="Gym", slug="gym")
    connect = form(vk)
    assert connect.is_valid()

    with pytest.raises(ValueError, match="already connected for the client coffee"):
        connect.save(gym)
