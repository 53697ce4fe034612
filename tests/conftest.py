"""Shared fixtures: two agencies and the fixed personas of every permission test.

- owner, manager, analyst: members of "Agency A" (the one under test);
- viewer: a client viewer of Agency A bound to `client`;
- other_viewer: a client viewer of Agency A bound to `other_client`;
- outsider: the owner of "Agency B", who must never see Agency A's data.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from smartsmm.clients.models import BusinessObjective, Client, SocialAccount
from smartsmm.tenancy.models import Agency, Membership, Role

# The fake VK world (fixture `vk`) for the connector, sync and CLI tests; a local SMTP server and the
# fake Telegram Bot API (fixtures `smtp_server`, `telegram_fake`) for report delivery.
pytest_plugins = ["tests.vk_world", "tests.reports.delivery_support"]

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "en"


def _user(username: str) -> User:
    return User.objects.create_user(username=username, password=PASSWORD)


@pytest.fixture
def agency(db) -> Agency:
    return Agency.objects.create(name="Agency A", slug="agency-a")


@pytest.fixture
def other_agency(db) -> Agency:
    return Agency.objects.create(name="Agency B", slug="agency-b")


@pytest.fixture
def client_obj(agency) -> Client:
    return Client.objects.create(agency=agency, name="Coffee", slug="coffee", timezone="Europe/Moscow")


@pytest.fixture
def other_client(agency) -> Client:
    return Client.objects.create(agency=agency, name="Gym", slug="gym", timezone="Asia/Vladivostok")


@pytest.fixture
def foreign_client(other_agency) -> Client:
    return Client.objects.create(agency=other_agency, name="Foreign", slug="foreign", timezone="UTC")


@pytest.fixture
def awareness(client_obj) -> BusinessObjective:
    return BusinessObjective.objects.create(client=client_obj, objective="awareness", context="Be known")


@pytest.fixture
def account(client_obj, awareness) -> SocialAccount:
    return SocialAccount.objects.create(
        agency=client_obj.agency,
        client=client_obj,
        platform="vk",
        external_id="123456",
        handle="coffee",
        objective=awareness,
        rationale="Most of our guests are on VK",
    )


def _member(agency: Agency, username: str, role: Role, client: Client | None = None) -> User:
    user = _user(username)
    Membership.objects.create(user=user, agency=agency, role=role, client=client)
    return user


@pytest.fixture
def owner(agency) -> User:
    return _member(agency, "owner", Role.OWNER)


@pytest.fixture
def manager(agency) -> User:
    return _member(agency, "manager", Role.MANAGER)


@pytest.fixture
def analyst(agency) -> User:
    return _member(agency, "analyst", Role.ANALYST)


@pytest.fixture
def viewer(agency, client_obj) -> User:
    return _member(agency, "viewer", Role.CLIENT_VIEWER, client_obj)


@pytest.fixture
def other_viewer(agency, other_client) -> User:
    return _member(agency, "other-viewer", Role.CLIENT_VIEWER, other_client)


@pytest.fixture
def outsider(other_agency) -> User:
    return _member(other_agency, "outsider", Role.OWNER)
