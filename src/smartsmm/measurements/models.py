"""What is measured: daily account metrics and posts with their counters."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartsmm.clients.models import SocialAccount
from smartsmm.core.metrics import DAILY_METRICS


class DailyMetric(models.Model):
    """One account's value of one metric on one local day.

    Writing the same (account, metric, day) again replaces the value: imports and collectors upsert
    on the unique constraint, so repeating a write never duplicates a row.
    """

    account = models.ForeignKey(SocialAccount, on_delete=models.CASCADE, related_name="daily_metrics")
    metric = models.CharField(max_length=32, choices=[(m, m) for m in DAILY_METRICS])
    day = models.DateField()
    value = models.FloatField()

    class Meta:
        verbose_name = _("daily metric")
        verbose_name_plural = _("daily metrics")
        constraints = [models.UniqueConstraint(fields=["account", "metric", "day"], name="daily_metric_once")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.metric} {self.day}: {self.value}"


class Post(models.Model):
    account = models.ForeignKey(SocialAccount, on_delete=models.CASCADE, related_name="posts")
    external_id = models.CharField(max_length=100)
    published_at = models.DateTimeField()
    post_type = models.CharField(max_length=20, default="post")
    url = models.URLField(max_length=500, blank=True)
    text = models.TextField(blank=True)
    likes = models.BigIntegerField(null=True, blank=True)
    comments = models.BigIntegerField(null=True, blank=True)
    shares = models.BigIntegerField(null=True, blank=True)
    saves = models.BigIntegerField(null=True, blank=True)
    views = models.BigIntegerField(null=True, blank=True)
    reach = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(fields=["account", "external_id"], name="post_once_per_account")
        ]
        indexes = [models.Index(fields=["account", "published_at"], name="post_account_time")]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.external_id}"
