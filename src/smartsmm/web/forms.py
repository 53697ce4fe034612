"""Forms of the web app; every field error names what was expected."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from smartsmm.clients.models import BusinessObjective, Client, SocialAccount
from smartsmm.clients.slugs import RESERVED_SLUGS, make_slug
from smartsmm.core.metrics import METRICS
from smartsmm.goals.evaluation import GoalDraft, client_today
from smartsmm.goals.models import Goal, ScopeKind
from smartsmm.tenancy.models import Agency


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = [
            "objective",
            "metric_key",
            "scope_kind",
            "account",
            "platform",
            "target",
            "start_date",
            "deadline",
            "relevance",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
            "relevance": forms.Textarea(attrs={"rows": 2}),
            "target": forms.NumberInput(attrs={"step": "any"}),
        }
        # The model fields have no verbose names of their own; these labels make them translatable.
        labels = {"objective": _("business objective"), "account": _("account")}

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = client
        language = get_language() or "ru"
        self.fields["objective"].queryset = client.objectives.all()  # type: ignore[attr-defined]
        self.fields["account"].queryset = client.accounts.all()  # type: ignore[attr-defined]
        self.fields["account"].required = False
        platforms = sorted({a.platform for a in client.accounts.all()})
        self.fields["platform"] = forms.ChoiceField(
            label=_("platform"), required=False, choices=[("", "—")] + [(p, p) for p in platforms]
        )
        self.fields["metric_key"].choices = [(m.key, m.name(language)) for m in METRICS]  # type: ignore[attr-defined]
        if not self.is_bound and self.instance.pk is None:
            today = client_today(client)
            self.initial.setdefault("start_date", today)
            self.initial.setdefault("deadline", today + timedelta(days=90))
            self.initial.setdefault("scope_kind", ScopeKind.CLIENT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope = data.get("scope_kind")
        if scope == ScopeKind.ACCOUNT and not data.get("account"):
            self.add_error("account", _("Choose the account this goal is about."))
        if scope == ScopeKind.PLATFORM and not data.get("platform"):
            self.add_error("platform", _("Choose the platform this goal is about."))
        if scope != ScopeKind.ACCOUNT:
            data["account"] = None
        if scope != ScopeKind.PLATFORM:
            data["platform"] = ""
        start, deadline = data.get("start_date"), data.get("deadline")
        if start and deadline and deadline <= start:
            self.add_error("deadline", _("The deadline must be after the start date."))
        return data

    def draft(self) -> GoalDraft:
        """The goal as typed so far, for the live SMART check (tolerates missing fields)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        objective = data.get("objective")
        return GoalDraft(
            client=self.client,
            metric_key=data.get("metric_key") or None,
            objective=objective.objective if objective else None,
            scope_kind=data.get("scope_kind") or ScopeKind.CLIENT,
            account=data.get("account"),
            platform=data.get("platform") or "",
            target=data.get("target"),
            start=data.get("start_date"),
            deadline=data.get("deadline"),
        )


class ClientForm(forms.ModelForm):
    """A client of the agency: its name, URL slug, time zone and what it is about."""

    class Meta:
        model = Client
        fields = ["name", "slug", "timezone", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _(
            "Latin letters, digits and hyphens; made from the name when left empty."
        )
        self.fields["timezone"].help_text = _(
            "The client's reports and days follow this time zone, e.g. Europe/Moscow."
        )

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or make_slug(self.data.get("name", "") or "")
        if not slug:
            raise forms.ValidationError(_("Enter a slug: latin letters, digits and hyphens."))
        if make_slug(slug) != slug:
            raise forms.ValidationError(
                _("Use lowercase latin letters, digits and hyphens only, e.g. coffee-chain.")
            )
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This word is reserved; choose another slug."))
        taken = Client.objects.filter(agency=self.agency, slug=slug).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another client of the agency already uses this slug."))
        return slug

    def save(self, commit: bool = True) -> Client:
        client: Client = super().save(commit=False)
        client.agency = self.agency
        if commit:
            client.save()
        return client


ObjectiveFormSet: Any = forms.inlineformset_factory(
    Client,
    BusinessObjective,
    fields=["objective", "context", "priority"],
    extra=1,
    can_delete=True,
    widgets={"context": forms.Textarea(attrs={"rows": 2})},
)


class AccountForm(forms.ModelForm):
    """A social account entered by hand: where it is and why the client is there."""

    url = forms.URLField(label=_("URL"), required=False, assume_scheme="https")

    class Meta:
        model = SocialAccount
        fields = ["platform", "external_id", "handle", "name", "url", "objective", "rationale"]
        widgets = {"rationale": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["objective"].queryset = client.objectives.all()  # type: ignore[attr-defined]
        self.fields["external_id"].help_text = _("The platform's numeric id (VK community id, channel id…).")
        self.fields["handle"].help_text = _(
            "Short name without @; the account's reference is platform:handle."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        platform = data.get("platform")
        key = (data.get("handle") or data.get("external_id") or "").strip().lstrip("@").lower()
        if platform and key:
            clash = SocialAccount.objects.filter(
                agency=self.client.agency, platform=platform, ref_key=key
            ).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "handle", _("The agency already has the account %(ref)s.") % {"ref": f"{platform}:{key}"}
                )
        return data

    def save(self, commit: bool = True) -> SocialAccount:
        account: SocialAccount = super().save(commit=False)
        account.client = self.client
        account.agency = self.client.agency
        if commit:
            account.save()
        return account


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("what the file holds"),
        choices=[("daily", _("Daily metrics")), ("posts", _("Posts"))],
    )
    file = forms.FileField(label=_("CSV or XLSX file"))


class AccountPurposeForm(forms.Form):
    """Why the client is on the platform being connected, and which objective the account serves."""

    objective = forms.ModelChoiceField(
        label=_("business objective"), queryset=BusinessObjective.objects.none(), required=False
    )
    rationale = forms.CharField(
        label=_("why this platform"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = client.objectives.all()  # type: ignore[attr-defined]
