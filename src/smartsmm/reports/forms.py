"""Forms of the agency settings (white label, Telegram bot), report schedules and share links."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from smartsmm.reports import telegram
from smartsmm.reports.branding import MAX_LOGO_BYTES, check_logo
from smartsmm.reports.models import (
    DELIVERY_FORMATS,
    LANGUAGES,
    AgencyBranding,
    ReportSchedule,
    ScheduleKind,
    validate_recipients,
)
from smartsmm.reports.scheduling import is_period_key

FORMAT_CHOICES = [
    ("pdf", "PDF"),
    ("xlsx", _("Excel (XLSX)")),
    ("pptx", _("PowerPoint (PPTX)")),
    ("html", _("Web page (HTML)")),
]
assert [key for key, _label in FORMAT_CHOICES] == list(DELIVERY_FORMATS)


class BrandingForm(forms.ModelForm):
    logo_file = forms.FileField(
        label=_("logo"),
        required=False,
        help_text=_("PNG or JPEG, at most %(limit)s KB.") % {"limit": MAX_LOGO_BYTES // 1024},
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("remove the logo"), required=False)

    class Meta:
        model = AgencyBranding
        fields = ["display_name", "primary_color", "accent_color"]
        widgets = {
            "primary_color": forms.TextInput(attrs={"type": "color"}),
            "accent_color": forms.TextInput(attrs={"type": "color"}),
        }

    def clean_logo_file(self) -> Any:
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        # Read one byte more than allowed: enough to tell "too large" without reading a huge file.
        data = upload.read(MAX_LOGO_BYTES + 1)
        if len(data) > MAX_LOGO_BYTES:
            # The message names the real size, which Django knows without reading the whole file.
            raise ValidationError(
                _("The logo is %(size)s KB; at most %(limit)s KB is accepted."),
                params={"size": (upload.size + 1023) // 1024, "limit": MAX_LOGO_BYTES // 1024},
                code="logo_too_large",
            )
        self.logo_type = check_logo(data)
        return data

    def save(self, commit: bool = True) -> AgencyBranding:
        branding: AgencyBranding = super().save(commit=False)
        data = self.cleaned_data.get("logo_file")
        if data:
            branding.logo = data
            branding.logo_type = self.logo_type
        elif self.cleaned_data.get("remove_logo"):
            branding.logo = None
            branding.logo_type = ""
        if commit:
            branding.save()
        return branding


class TelegramBotForm(forms.Form):
    """The agency's bot token: write-only (never rendered back), checked with getMe before saving."""

    token = forms.CharField(
        label=_("bot token"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("From @BotFather, like 123456789:AA…; leave empty to keep the current one."),
    )
    remove_bot = forms.BooleanField(label=_("remove the bot"), required=False)

    def clean_token(self) -> str:
        token: str = self.cleaned_data.get("token", "")
        if token and not telegram.is_valid_token(token):
            raise ValidationError(_("This does not look like a bot token (expected 123456789:AA…)."))
        return token

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        token = data.get("token")
        self.bot_username = ""
        if token and not self.errors:
            try:
                me = telegram.get_me(token)
            except telegram.TelegramError as exc:
                if exc.error_code == 401:
                    self.add_error("token", _("Telegram refused this token (revoked or mistyped)."))
                else:
                    self.add_error("token", _("Telegram could not be reached to check the token; try again."))
            else:
                self.bot_username = str(me.get("username") or "")
        return data


def _split_recipients(raw: str) -> list[str]:
    parts = [p.strip() for p in raw.replace(";", ",").replace("\n", ",").split(",")]
    seen: list[str] = []
    for part in parts:
        if part and part.lower() not in (s.lower() for s in seen):
            seen.append(part)
    return seen


class ScheduleForm(forms.ModelForm):
    formats = forms.MultipleChoiceField(
        label=_("formats"), choices=FORMAT_CHOICES, widget=forms.CheckboxSelectMultiple, initial=["pdf"]
    )
    recipients = forms.CharField(
        label=_("e-mail recipients"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Separated by commas or new lines."),
    )

    class Meta:
        model = ReportSchedule
        fields = ["kind", "day_of_month", "weekday", "hour", "language", "telegram_chat_id", "enabled"]
        help_texts = {
            "telegram_chat_id": _("Optional: the chat or channel the agency's bot sends the PDF to.")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["formats"] = list(self.instance.formats)
            self.initial["recipients"] = ", ".join(self.instance.email_recipients)
        self.fields["day_of_month"].widget.attrs.update({"min": 1, "max": 28})
        self.fields["hour"].widget.attrs.update({"min": 0, "max": 23})

    def clean_recipients(self) -> list[str]:
        recipients = _split_recipients(self.cleaned_data.get("recipients", ""))
        validate_recipients(recipients)
        return recipients

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == ScheduleKind.MONTHLY:
            data["weekday"] = None
        elif kind == ScheduleKind.WEEKLY:
            data["day_of_month"] = None
        return data

    def _post_clean(self) -> None:
        # Set the list fields before the model's own validation (clean() checks the channels).
        if "recipients" in self.cleaned_data:
            self.instance.email_recipients = self.cleaned_data["recipients"]
        if "formats" in self.cleaned_data:
            self.instance.formats = [f for f in DELIVERY_FORMATS if f in self.cleaned_data["formats"]]
        super()._post_clean()  # type: ignore[misc]


class ShareLinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("report"), choices=ScheduleKind.choices)
    period = forms.CharField(
        label=_("period"),
        required=False,
        max_length=10,
        help_text=_("YYYY-MM for a monthly report, YYYY-Www for a weekly one; empty: always the latest."),
    )
    language = forms.ChoiceField(label=_("language"), choices=LANGUAGES)
    expires_in_days = forms.IntegerField(label=_("valid for, days"), min_value=1, max_value=365, initial=30)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period = (data.get("period") or "").strip().upper()
        kind = data.get("kind")
        if period and kind and not is_period_key(kind, period):
            example = "2026-10" if kind == ScheduleKind.MONTHLY else "2026-W44"
            self.add_error(
                "period", _("Expected a period like %(example)s, or nothing.") % {"example": example}
            )
        data["period"] = period
        return data
