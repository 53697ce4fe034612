"""White label, report schedules and their delivery log, bot tokens and share links.

- :class:`AgencyBranding` — the agency's name, colours and logo on every report format.
- :class:`TelegramBot` — the agency's bot token, in its own table (like collection's Credential):
  pages that show the agency settings never load, let alone decrypt, it unless they must.
- :class:`ReportSchedule` — when a client's report goes out, in which formats, to whom.
- :class:`ReportDelivery` — one row per (schedule, period, channel): the unique constraint is what
  makes a report go out at most once, whatever the number of workers.
- :class:`ShareLink` — a read-only link to one client's report for someone without an account; only
  the SHA-256 of its random token is stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartsmm.clients.models import Client
from smartsmm.lib.fields import EncryptedTextField
from smartsmm.tenancy.models import Agency

#: Report file formats a schedule may attach (keys of smartsmm.reports.render.FORMATS).
DELIVERY_FORMATS = ("pdf", "xlsx", "pptx", "html")
LANGUAGES = (("ru", "Русский"), ("en", "English"))

DEFAULT_PRIMARY_COLOR = "#1F4E79"
DEFAULT_ACCENT_COLOR = "#F28C28"

validate_color = RegexValidator(
    r"^#[0-9A-Fa-f]{6}$", _("Enter a colour as #RRGGBB, e.g. #1F4E79."), code="invalid_color"
)


class AgencyBranding(models.Model):
    """White label: what every report of the agency's clients shows as its sender."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="branding")
    display_name = models.CharField(
        _("name on reports"), max_length=200, blank=True, help_text=_("Empty: the agency's name.")
    )
    primary_color = models.CharField(
        _("primary colour"), max_length=7, default=DEFAULT_PRIMARY_COLOR, validators=[validate_color]
    )
    accent_color = models.CharField(
        _("accent colour"), max_length=7, default=DEFAULT_ACCENT_COLOR, validators=[validate_color]
    )
    # Kept in the database, not as a file: nothing else to back up, and a report needs it as bytes.
    logo = models.BinaryField(_("logo"), null=True, blank=True)
    logo_type = models.CharField(_("logo type"), max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agency branding")
        verbose_name_plural = _("agency brandings")

    def __str__(self) -> str:
        return f"branding of {self.agency_id}"


#: A Telegram bot token as @BotFather issues it: "<bot id>:<secret>". The format is enforced because
#: smartsmm.lib.http recognises (and masks) a token in a URL path only in this shape.
BOT_TOKEN_RE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,80}$")


class TelegramBot(models.Model):
    """The agency's Telegram bot that sends the reports; the token is encrypted, never shown back."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="telegram_bot")
    token = EncryptedTextField(_("bot token"))
    username = models.CharField(_("bot username"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Telegram bot")
        verbose_name_plural = _("Telegram bots")

    def __str__(self) -> str:
        return f"telegram bot of {self.agency_id}" + (f" (@{self.username})" if self.username else "")


class ScheduleKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    WEEKLY = "weekly", _("Weekly")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


_email = EmailValidator()


def validate_recipients(value: Any) -> None:
    """A list of distinct e-mail addresses (at most 20)."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Expected a list of e-mail addresses."), code="invalid_recipients")
    if len(value) > 20:
        raise ValidationError(_("At most 20 recipients."), code="too_many_recipients")
    for item in value:
        try:
            _email(item)
        except ValidationError:
            raise ValidationError(
                _("%(value)s is not an e-mail address."), params={"value": item}, code="invalid_email"
            ) from None


def validate_formats(value: Any) -> None:
    if not isinstance(value, list) or not value or any(item not in DELIVERY_FORMATS for item in value):
        raise ValidationError(
            _("Choose at least one of: %(formats)s.") % {"formats": ", ".join(DELIVERY_FORMATS)},
            code="invalid_formats",
        )


validate_chat_id = RegexValidator(
    r"^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$",
    _("Enter a numeric chat id (e.g. -1001234567890) or a public @channelname."),
    code="invalid_chat_id",
)


class ReportSchedule(models.Model):
    """When and how a client's report is delivered: monthly on a day, or weekly on a weekday."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="report_schedules")
    kind = models.CharField(_("report"), max_length=10, choices=ScheduleKind.choices)
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("1–28, for monthly reports (every month has these days)."),
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), null=True, blank=True, choices=Weekday.choices, help_text=_("For weekly reports.")
    )
    hour = models.PositiveSmallIntegerField(
        _("hour"),
        default=9,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
        help_text=_("In the client's time zone."),
    )
    formats = models.JSONField(_("formats"), default=list, validators=[validate_formats])
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGES, default="ru")
    email_recipients = models.JSONField(
        _("e-mail recipients"), default=list, blank=True, validators=[validate_recipients]
    )
    telegram_chat_id = models.CharField(
        _("Telegram chat id"), max_length=40, blank=True, validators=[validate_chat_id]
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        ordering = ["client_id", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="monthly", day_of_month__gte=1, day_of_month__lte=28)
                    | models.Q(kind="weekly", weekday__gte=0, weekday__lte=6)
                ),
                name="schedule_has_its_day",
            ),
            models.CheckConstraint(condition=models.Q(hour__lte=23), name="schedule_hour_0_23"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} report of {self.client_id}"

    def clean(self) -> None:
        super().clean()
        if self.kind == ScheduleKind.MONTHLY and self.day_of_month is None:
            raise ValidationError({"day_of_month": _("Choose the day of the month (1–28).")})
        if self.kind == ScheduleKind.WEEKLY and self.weekday is None:
            raise ValidationError({"weekday": _("Choose the weekday.")})
        if not self.email_recipients and not self.telegram_chat_id:
            raise ValidationError(_("Give at least one e-mail recipient or a Telegram chat."))

    @property
    def channels(self) -> list[str]:
        """The channels this schedule delivers through, in sending order."""
        found: list[str] = []
        if self.email_recipients:
            found.append(Channel.EMAIL)
        if self.telegram_chat_id:
            found.append(Channel.TELEGRAM)
        return found


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    TELEGRAM = "telegram", _("Telegram")


class DeliveryStatus(models.TextChoices):
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    #: Failed, tried again on a later round (until MAX_ATTEMPTS).
    FAILED = "failed", _("Failed, will retry")
    #: Failed for good: a permanent error, attempts used up, or a worker stopped mid-send.
    GAVE_UP = "gave_up", _("Failed")


class ReportDelivery(models.Model):
    """One report (schedule + period) through one channel: the log and the once-only guarantee."""

    schedule = models.ForeignKey(ReportSchedule, on_delete=models.CASCADE, related_name="deliveries")
    period = models.CharField(_("period"), max_length=10)  # "2026-10" or "2026-W44"
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.SENDING
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("report delivery")
        verbose_name_plural = _("report deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "period", "channel"], name="one_delivery_per_period_and_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.schedule_id} {self.period} {self.channel} {self.status}"


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a share token is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


#: "latest": the last complete period at the moment the link is opened.
LATEST = "latest"


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    def active(self, now: datetime | None = None) -> ShareLinkQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ShareLink(models.Model):
    """A link to one client's report for a reader without an account; expires, can be revoked."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="share_links")
    kind = models.CharField(_("report"), max_length=10, choices=ScheduleKind.choices)
    period = models.CharField(_("period"), max_length=10, default=LATEST)
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGES, default="ru")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"share link {self.pk} of {self.client_id} ({self.kind} {self.period})"

    @staticmethod
    def new_token() -> str:
        """A fresh random token: 32 bytes (256 bits) from the OS's CSPRNG, URL-safe."""
        return secrets.token_urlsafe(32)

    def is_active(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
