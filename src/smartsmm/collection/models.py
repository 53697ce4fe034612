"""Collecting statistics from the platforms: credentials, schedule state and the sync log.

Credentials live in their own table, not on the account: pages list accounts all the time and must
never load (let alone decrypt) a token; only the collector reads this table.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartsmm.clients.models import SocialAccount
from smartsmm.lib.fields import EncryptedTextField


class TokenKind(models.TextChoices):
    USER = "user", _("User token")
    GROUP = "group", _("Community token")
    SERVICE = "service", _("Service token")


class Credential(models.Model):
    """The token the collector uses for one account, encrypted at rest, never shown back."""

    account = models.OneToOneField(SocialAccount, on_delete=models.CASCADE, related_name="credential")
    token = EncryptedTextField(_("token"))
    token_kind = models.CharField(
        _("token kind"), max_length=10, choices=TokenKind.choices, default=TokenKind.USER
    )
    added_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")

    def __str__(self) -> str:
        return f"credential of {self.account_id} ({self.token_kind})"


class SyncState(models.Model):
    """When each kind of collection is next due for an account, and how far back history reaches."""

    account = models.OneToOneField(SocialAccount, on_delete=models.CASCADE, related_name="sync_state")
    next_counters_at = models.DateTimeField(null=True, blank=True)
    next_daily_at = models.DateTimeField(null=True, blank=True)
    # Set when the platform says the daily quota is spent (VK error 29): nothing is tried before it.
    blocked_until = models.DateTimeField(null=True, blank=True)
    backfilled_at = models.DateTimeField(null=True, blank=True)
    history_starts = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("sync state")
        verbose_name_plural = _("sync states")

    def __str__(self) -> str:
        return f"sync state of {self.account_id}"


class SyncStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    OK = "ok", _("OK")
    FAILED = "failed", _("Failed")
    NEEDS_ATTENTION = "needs_attention", _("Needs attention")


class SyncRun(models.Model):
    """One collection run for an account: the sync log shown in the web app."""

    account = models.ForeignKey(SocialAccount, on_delete=models.CASCADE, related_name="sync_runs")
    kind = models.CharField(_("kind"), max_length=20)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SyncStatus.choices, default=SyncStatus.RUNNING
    )
    requests = models.PositiveIntegerField(_("requests"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("sync run")
        verbose_name_plural = _("sync runs")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["account", "-started_at"], name="syncrun_account_recent")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind} {self.started_at:%Y-%m-%d %H:%M} {self.status}"
