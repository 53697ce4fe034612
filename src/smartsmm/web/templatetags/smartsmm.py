"""Template filters for numbers, KPI values and statuses."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy

from smartsmm.core.metrics import METRICS_BY_KEY, Metric, Unit
from smartsmm.goals import messages
from smartsmm.goals.messages import CHECK_STATUSES, CRITERIA, STATUSES
from smartsmm.web.formatting import format_number, format_pace, format_percent, format_signed

register = template.Library()


@register.filter
def num(value: Any, decimals: int = 0) -> str:
    return format_number(value, int(decimals))


@register.filter
def pct(fraction: Any, decimals: int = 0) -> str:
    return format_percent(fraction, int(decimals))


@register.filter
def signed(value: Any, decimals: int = 0) -> str:
    return format_signed(value, int(decimals))


@register.filter
def pace(value: Any) -> str:
    return format_pace(value)


def _metric(metric: Metric | str) -> Metric | None:
    return metric if isinstance(metric, Metric) else METRICS_BY_KEY.get(str(metric))


@register.filter
def kpi(value: Any, metric: Metric | str) -> str:
    """A KPI value in its unit: counts grouped, percentages with their decimals and a % sign."""
    m = _metric(metric)
    if m is None:
        return format_number(value)
    text = format_number(value, m.decimals)
    if value is None:
        return text
    return f"{text} %" if m.unit is Unit.PERCENT else text


@register.filter
def kpi_change(value: Any, metric: Metric | str) -> str:
    m = _metric(metric)
    decimals = m.decimals if m else 0
    text = format_signed(value, decimals)
    if value is not None and m is not None and m.unit is Unit.PERCENT:
        return f"{text} п.п." if (get_language() or "ru").startswith("ru") else f"{text} pp"
    return text


@register.filter
def metric_name(metric: Metric | str) -> str:
    m = _metric(metric)
    return m.name(get_language() or "ru") if m else str(metric)


@register.filter
def metric_formula(metric: Metric | str) -> str:
    m = _metric(metric)
    return m.formula(get_language() or "ru") if m else ""


@register.filter
def metric_definition(metric: Metric | str) -> str:
    m = _metric(metric)
    return m.definition(get_language() or "ru") if m else ""


@register.filter
def status_label(status: str) -> str:
    return str(STATUSES.get(status, status))


@register.filter
def check_label(status: str) -> str:
    return str(CHECK_STATUSES.get(status, status))


@register.filter
def criterion_label(criterion: str) -> str:
    return str(CRITERIA.get(criterion, criterion))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def anomaly_label(label: str | None) -> str:
    return messages.anomaly_label(label)


@register.filter
def method_label(method: str | None) -> str:
    return messages.method_label(method)


_WEEKDAYS = (
    gettext_lazy("Mon"),
    gettext_lazy("Tue"),
    gettext_lazy("Wed"),
    gettext_lazy("Thu"),
    gettext_lazy("Fri"),
    gettext_lazy("Sat"),
    gettext_lazy("Sun"),
)


@register.filter
def weekday_name(index: int) -> str:
    """0 = Monday, as in the audit."""
    try:
        return str(_WEEKDAYS[int(index)])
    except (IndexError, TypeError, ValueError):
        return str(index)


@register.filter
def iso_date(value: Any) -> str:
    """An ISO date string (as cached in evaluations) in the user's short date format."""
    if not value:
        return "—"
    try:
        return date_format(date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return str(value)
