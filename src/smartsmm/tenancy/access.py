"""Who may see and change what: every query of the web app starts here.

An agency's members see only their agency's clients; a client viewer sees only the one client it
is bound to and can change nothing. Object look-ups outside the user's reach answer 404 (never
403), so that ids of other tenants cannot be probed; a write by a read-only user answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from smartsmm.clients.models import Client, SocialAccount
from smartsmm.goals.models import Goal
from smartsmm.tenancy.models import Agency, Membership, Role


@dataclass(frozen=True)
class Access:
    membership: Membership

    @property
    def agency(self) -> Agency:
        return self.membership.agency

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def can_write(self) -> bool:
        return self.membership.can_write

    @property
    def is_client_viewer(self) -> bool:
        return self.membership.role == Role.CLIENT_VIEWER

    def require_write(self) -> None:
        if not self.can_write:
            raise PermissionDenied("read-only access")

    def clients(self) -> QuerySet[Client]:
        qs = Client.objects.filter(agency=self.membership.agency)
        if self.is_client_viewer:
            qs = qs.filter(pk=self.membership.client_id or 0)
        return qs

    def accounts(self) -> QuerySet[SocialAccount]:
        return SocialAccount.objects.filter(client__in=self.clients())

    def goals(self) -> QuerySet[Goal]:
        return Goal.objects.filter(client__in=self.clients())

    def client(self, slug: str) -> Client:
        found = self.clients().filter(slug=slug).first()
        if found is None:
            raise Http404("no such client")
        return found

    def account(self, pk: int) -> SocialAccount:
        found = self.accounts().select_related("client").filter(pk=pk).first()
        if found is None:
            raise Http404("no such account")
        return found

    def goal(self, pk: int) -> Goal:
        found = self.goals().select_related("client", "objective", "account").filter(pk=pk).first()
        if found is None:
            raise Http404("no such goal")
        return found


def access_for(user: AbstractBaseUser | AnonymousUser, agency_id: int | None = None) -> Access:
    """The user's access in one agency (the session's choice, else their first membership)."""
    if not user.is_authenticated:
        raise PermissionDenied("login required")
    memberships = Membership.objects.select_related("agency", "client").filter(user_id=user.pk)
    if agency_id is not None:
        chosen = memberships.filter(agency_id=agency_id).first()
        if chosen is not None:
            return Access(chosen)
    first = memberships.order_by("agency__name").first()
    if first is None:
        raise PermissionDenied("not a member of any agency")
    return Access(first)
