"""Clients (brands an agency serves), their business objectives, and their social accounts."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartsmm.core.objectives import Objective, Platform
from smartsmm.tenancy.models import Agency


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("%(value)s is not a known time zone (expected e.g. Europe/Moscow)"), params={"value": value}
        ) from None


class ObjectiveChoice(models.TextChoices):
    AWARENESS = Objective.AWARENESS.value, _("Awareness")
    ENGAGEMENT = Objective.ENGAGEMENT.value, _("Engagement and community")
    TRAFFIC = Objective.TRAFFIC.value, _("Traffic")
    LEADS = Objective.LEADS.value, _("Leads")
    SALES = Objective.SALES.value, _("Sales")
    LOYALTY = Objective.LOYALTY.value, _("Loyalty")
    SUPPORT = Objective.SUPPORT.value, _("Customer support")


class PlatformChoice(models.TextChoices):
    VK = Platform.VK.value, "VK"
    TELEGRAM = Platform.TELEGRAM.value, "Telegram"
    YOUTUBE = Platform.YOUTUBE.value, "YouTube"
    INSTAGRAM = Platform.INSTAGRAM.value, "Instagram"
    THREADS = Platform.THREADS.value, "Threads"
    OK = Platform.OK.value, _("Odnoklassniki")


def _choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The label of a choice, like get_FOO_display (an unknown value is shown as it is)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class Client(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="clients")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Moscow", validators=[validate_timezone]
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "slug"], name="client_slug_unique_in_agency")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class BusinessObjective(models.Model):
    """What the client wants from social media, in business terms (step 1 of the method)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="objectives")
    objective = models.CharField(_("objective"), max_length=20, choices=ObjectiveChoice.choices)
    context = models.TextField(_("context"), blank=True, help_text=_("Why it matters to the business."))
    priority = models.PositiveSmallIntegerField(_("priority"), default=1)

    class Meta:
        verbose_name = _("business objective")
        verbose_name_plural = _("business objectives")
        ordering = ["priority", "objective"]
        constraints = [
            models.UniqueConstraint(fields=["client", "objective"], name="objective_once_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.get_objective_display()}"

    def get_objective_display(self) -> str:  # type: ignore[no-redef]  # overrides Django's
        # Django's generic get_FOO_display rebuilds a dict of all the choices on every call,
        # hashing (so translating) each lazy label; the overview calls it for every objective.
        return _choice_label(ObjectiveChoice, self.objective)


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    NEEDS_ATTENTION = "needs_attention", _("Needs attention")
    PAUSED = "paused", _("Paused")


class SocialAccount(models.Model):
    """A client's account on one platform, and why the client is there."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="accounts")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="accounts")
    platform = models.CharField(_("platform"), max_length=20, choices=PlatformChoice.choices)
    external_id = models.CharField(_("external id"), max_length=100)
    handle = models.CharField(_("handle"), max_length=100, blank=True)
    ref_key = models.CharField(max_length=100, editable=False)
    name = models.CharField(_("name"), max_length=200, blank=True)
    url = models.URLField(_("URL"), blank=True)
    objective = models.ForeignKey(
        BusinessObjective,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("serves objective"),
    )
    rationale = models.TextField(_("why this platform"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    last_error = models.TextField(_("last error"), blank=True)
    last_synced_at = models.DateTimeField(_("last synced"), null=True, blank=True)
    # Moved forward by every write of metrics or posts; cached goal evaluations older than this are stale.
    data_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("social account")
        verbose_name_plural = _("social accounts")
        ordering = ["client__name", "platform", "ref_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "platform", "ref_key"], name="account_ref_unique_in_agency"
            ),
        ]

    def __str__(self) -> str:
        return self.ref

    def save(self, *args: object, **kwargs: object) -> None:
        self.ref_key = (self.handle or self.external_id).strip().lstrip("@").lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_platform_display(self) -> str:  # type: ignore[no-redef]  # overrides Django's
        # See BusinessObjective.get_objective_display.
        return _choice_label(PlatformChoice, self.platform)

    @property
    def ref(self) -> str:
        """The account's reference for the CLI: platform:handle, or platform:id without a handle."""
        return f"{self.platform}:{self.ref_key or (self.handle or self.external_id).lstrip('@').lower()}"

    @property
    def display_name(self) -> str:
        return self.name or (f"@{self.handle}" if self.handle else self.external_id)
