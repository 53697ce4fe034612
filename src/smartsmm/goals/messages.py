"""The sentences users read about goals, in their language.

The core returns codes with parameters (smartsmm.core.smart); this is the one place that turns them
into translatable text, for the web app and the CLI alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartsmm.core.metrics import METRICS_BY_KEY
from smartsmm.web.formatting import format_number, format_percent

CRITERIA = {
    "specific": gettext_lazy("Specific"),
    "measurable": gettext_lazy("Measurable"),
    "achievable": gettext_lazy("Achievable"),
    "relevant": gettext_lazy("Relevant"),
    "time_bound": gettext_lazy("Time-bound"),
}

STATUSES = {
    "on_track": gettext_lazy("On track"),
    "at_risk": gettext_lazy("At risk"),
    "off_track": gettext_lazy("Off track"),
    "achieved": gettext_lazy("Achieved"),
    "missed": gettext_lazy("Missed"),
    "no_data": gettext_lazy("No data"),
}

CHECK_STATUSES = {
    "pass": gettext_lazy("pass"),
    "warning": gettext_lazy("warning"),
    "fail": gettext_lazy("fail"),
}


def metric_name(key: Any, language: str) -> str:
    metric = METRICS_BY_KEY.get(str(key))
    return metric.name(language) if metric else str(key)


def _pace(value: Any) -> str:
    # Rates move by hundredths of a percentage point a day; counts by whole units.
    if not isinstance(value, int | float):
        return "—"
    return format_number(value, decimals=1 if abs(value) >= 1 else 3)


def _day(value: Any) -> str:
    """An ISO date from an evaluation in the user's short date format (25.11.2026 in Russian)."""
    try:
        return date_format(date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return str(value)


def scope_name(scope: Any) -> str:
    """A scope label from the evaluation ("vk:coffee", "vk", "client:coffee") in words."""
    text = str(scope or "")
    if text.startswith("client:"):
        return _("all the client's accounts")
    if ":" not in text and text:
        return _("all %(platform)s accounts") % {"platform": text}
    return text


def check_reason(check: Mapping[str, Any], language: str) -> str:
    """One line explaining a SMART check's result."""
    code = check["code"]
    p = check.get("params", {})
    kpi = metric_name(p.get("kpi"), language)
    if code == "specific.ok":
        return _("%(kpi)s for %(scope)s, target %(target)s.") % {
            "kpi": kpi,
            "scope": scope_name(p.get("scope")),
            "target": format_number(p.get("target")),
        }
    if code == "specific.no_kpi":
        return _("Choose a KPI.")
    if code == "specific.no_scope":
        return _("Choose which accounts the goal covers (the scope has no accounts).")
    if code == "specific.no_target":
        return _("Set a target number.")
    if code == "specific.no_improvement":
        return _("The target %(target)s is no improvement on the baseline %(baseline)s.") % {
            "target": format_number(p.get("target")),
            "baseline": format_number(p.get("baseline")),
        }
    if code == "measurable.ok":
        return _("Data is fresh: last value on %(date)s.") % {"date": _day(p.get("last_date"))}
    if code == "measurable.stale":
        return _("Data is %(days)s days old (last value on %(date)s): check the collection.") % {
            "days": p.get("days"),
            "date": _day(p.get("last_date")),
        }
    if code == "measurable.too_old":
        return _("No data for %(days)s days (last value on %(date)s): the KPI is not being measured.") % {
            "days": p.get("days"),
            "date": _day(p.get("last_date")),
        }
    if code == "measurable.no_data":
        return _("There is no data for %(kpi)s in this scope yet.") % {"kpi": kpi}
    if code == "measurable.no_kpi":
        return _("Nothing to measure without a KPI.")
    if code == "measurable.platform_lacks_kpi":
        return _("%(platforms)s do not report %(kpi)s.") % {
            "platforms": ", ".join(str(x) for x in p.get("platforms", [])),
            "kpi": kpi,
        }
    thresholds = {
        "hi": format_percent(p.get("not_ambitious"), 0),
        "mid": format_percent(p.get("realistic"), 0),
        "lo": format_percent(p.get("ambitious"), 0),
    }
    paces = {"required": _pace(p.get("required_pace")), "recent": _pace(p.get("recent_pace"))}
    if code == "achievable.unknown":
        return _(
            "Cannot estimate the chance yet (%(reason)s). Required pace %(required)s a day, recent %(recent)s."
        ) % {"reason": forecast_reason(str(p.get("reason") or "")) or _("no forecast"), **paces}
    probability = format_percent(p.get("probability"), 0)
    if code == "achievable.not_ambitious":
        return _("%(p)s likely — not ambitious (≥ %(hi)s): the target is reached at the current pace.") % {
            "p": probability,
            **thresholds,
        }
    if code == "achievable.realistic":
        return _(
            "%(p)s likely (realistic: %(mid)s–%(hi)s). Required pace %(required)s a day, recent %(recent)s."
        ) % {
            "p": probability,
            **thresholds,
            **paces,
        }
    if code == "achievable.ambitious":
        return _(
            "%(p)s likely — ambitious (%(lo)s–%(mid)s). Required pace %(required)s a day, recent %(recent)s."
        ) % {
            "p": probability,
            **thresholds,
            **paces,
        }
    if code == "achievable.unrealistic":
        return _(
            "%(p)s likely — unrealistic (below %(lo)s). Required pace %(required)s a day, recent %(recent)s."
        ) % {
            "p": probability,
            **thresholds,
            **paces,
        }
    if code == "relevant.ok":
        return _("%(kpi)s serves the objective.") % {"kpi": kpi}
    if code == "relevant.kpi_does_not_serve":
        suggested = ", ".join(metric_name(k, language) for k in p.get("suggested", []))
        if not suggested:
            return _("%(kpi)s does not measure this objective, and no KPI in the catalogue does yet.") % {
                "kpi": kpi
            }
        return _("%(kpi)s does not measure this objective; KPIs that do: %(suggested)s.") % {
            "kpi": kpi,
            "suggested": suggested,
        }
    if code == "relevant.no_objective":
        return _("Link the goal to one of the client's business objectives.")
    if code == "relevant.no_kpi":
        return _("Choose a KPI that serves the objective.")
    if code == "time_bound.ok":
        return _("Deadline %(deadline)s, in %(days)s days.") % {
            "deadline": _day(p.get("deadline")),
            "days": p.get("days"),
        }
    if code == "time_bound.no_deadline":
        return _("Set a deadline.")
    if code == "time_bound.before_start":
        return _("The deadline %(deadline)s is not after the start %(start)s.") % {
            "deadline": _day(p.get("deadline")),
            "start": _day(p.get("start")),
        }
    if code == "time_bound.past":
        return _("The deadline %(deadline)s has passed.") % {"deadline": _day(p.get("deadline"))}
    if code == "time_bound.too_close":
        return _("The deadline is only %(days)s days away: give it at least a week.") % {
            "days": p.get("days")
        }
    if code == "time_bound.too_far":
        return _("The goal spans %(span)s days: split it into goals of at most two years.") % {
            "span": p.get("span")
        }
    return code


# The core explains itself in plain English (it cannot import Django's translation); these
# patterns turn its sentences into the user's language.
_ANOMALY_LABELS = {
    "possible bot purge or mass unsubscribe": gettext_lazy("possible bot purge or mass unsubscribe"),
    "campaign, giveaway or viral post": gettext_lazy("campaign, giveaway or viral post"),
}

_FORECAST_REASONS: tuple[tuple[re.Pattern[str], Any], ...] = (
    (
        re.compile(r"need at least (?P<need>\d+) observations, got (?P<got>\d+)"),
        gettext_lazy("at least %(need)s observations are needed, there are %(got)s"),
    ),
    (
        re.compile(r"need at least (?P<need>\d+) weekly points, got (?P<got>\d+)"),
        gettext_lazy("at least %(need)s weeks of history are needed, there are %(got)s"),
    ),
    (
        re.compile(r"deadline is (?P<days>-?\d+) days ahead; forecasts stop at (?P<max>\d+) days"),
        gettext_lazy("the deadline is %(days)s days ahead; forecasts stop at %(max)s days"),
    ),
    (re.compile(r"target is not a finite number"), gettext_lazy("the target is not a number")),
    (
        re.compile(r"the model could not produce a finite forecast"),
        gettext_lazy("the model could not produce a forecast"),
    ),
)

_METHODS = {
    "calibrated-pace-ets-weekly": gettext_lazy(
        "recent pace blended with damped-trend smoothing on weekly values, spread calibrated on past errors"
    ),
    "ets-damped-weekly": gettext_lazy("damped-trend exponential smoothing on weekly values"),
    "bootstrap-weekly-increments": gettext_lazy("resampling of recent weekly changes"),
    "observed": gettext_lazy("observed value"),
    "none": gettext_lazy("no forecast"),
}


def anomaly_label(label: str | None) -> str:
    if not label:
        return ""
    return str(_ANOMALY_LABELS.get(label, label))


def forecast_reason(reason: str | None) -> str:
    if not reason:
        return ""
    for pattern, template in _FORECAST_REASONS:
        match = pattern.search(reason)
        if match:
            return str(template) % match.groupdict()
    return reason


def method_label(method: str | None) -> str:
    if not method:
        return ""
    return str(_METHODS.get(method, method))
