"""Agencies (the tenants) and who belongs to them with which role."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    """An SMM agency or an in-house team: the tenant every other object belongs to."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    ANALYST = "analyst", _("Analyst")
    CLIENT_VIEWER = "client_viewer", _("Client viewer")


# Roles that may change data; a client viewer only reads its own client's pages.
WRITE_ROLES = frozenset({Role.OWNER, Role.MANAGER, Role.ANALYST})


class Membership(models.Model):
    """A user's one role in one agency; a client viewer is bound to exactly one client."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="viewers",
        help_text=_("Only for client viewers: the one client they may see."),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="one_role_per_agency"),
            models.CheckConstraint(
                condition=(
                    models.Q(role="client_viewer", client__isnull=False) | ~models.Q(role="client_viewer")
                ),
                name="client_viewer_has_client",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency} ({self.role})"

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES
