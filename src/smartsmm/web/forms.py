"""Forms of the web app; every field error names what was expected."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from smartsmm.clients.models import Client
from smartsmm.core.metrics import METRICS
from smartsmm.goals.evaluation import GoalDraft, client_today
from smartsmm.goals.models import Goal, ScopeKind


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
