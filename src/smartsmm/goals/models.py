"""SMART goals: a KPI over a scope, a target and a deadline, serving a business objective."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartsmm.clients.models import BusinessObjective, Client, PlatformChoice, SocialAccount
from smartsmm.core.metrics import METRICS


class ScopeKind(models.TextChoices):
    ACCOUNT = "account", _("One account")
    PLATFORM = "platform", _("One platform")
    CLIENT = "client", _("All the client's accounts")


class Goal(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="goals")
    objective = models.ForeignKey(BusinessObjective, on_delete=models.PROTECT, related_name="goals")
    metric_key = models.CharField(_("KPI"), max_length=40, choices=[(m.key, m.name_en) for m in METRICS])
    metric_version = models.PositiveSmallIntegerField(default=1)
    scope_kind = models.CharField(_("scope"), max_length=10, choices=ScopeKind.choices)
    account = models.ForeignKey(
        SocialAccount, on_delete=models.CASCADE, null=True, blank=True, related_name="goals"
    )
    platform = models.CharField(_("platform"), max_length=20, choices=PlatformChoice.choices, blank=True)
    target = models.FloatField(_("target"))
    baseline_value = models.FloatField(_("baseline"), null=True, blank=True)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    start_date = models.DateField(_("start date"))
    deadline = models.DateField(_("deadline"))
    relevance = models.TextField(_("why this goal serves the objective"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The latest evaluation (SMART checks, forecast, progress) as computed by goals.evaluation;
    # cached because a forecast costs tens of milliseconds and lists show many goals at once.
    evaluation = models.JSONField(default=dict, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    # The evaluation's progress status and probability again, in columns of their own, written with
    # it by goals.evaluation.evaluate_goal: the overview lists hundreds of goals and shows only these
    # two, and must not load and decode every evaluation (its history alone is tens of kilobytes).
    # An empty status means "never evaluated".
    evaluation_status = models.CharField(max_length=20, blank=True, default="", editable=False)
    evaluation_probability = models.FloatField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope_kind="account", account__isnull=False)
                    | models.Q(scope_kind="platform", account__isnull=True) & ~models.Q(platform="")
                    | models.Q(scope_kind="client", account__isnull=True)
                ),
                name="goal_scope_is_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.metric_key} ≥ {self.target:g} by {self.deadline}"

    @property
    def status(self) -> str:
        """The progress status of the latest evaluation (its copy in a column: no JSON decoded)."""
        return self.evaluation_status or "no_data"

    @property
    def probability(self) -> float | None:
        return self.evaluation_probability
