"""The sentences users read about goals, in their language.

The core returns codes with parameters (smartsmm.core.smart); this is the one place that turns them
into translatable text, for the web app and the CLI alike.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, npgettext

from smartsmm.core.metrics import METRICS_BY_KEY, Metric
from smartsmm.web.formatting import format_number, format_percent, format_signed, significant_decimals

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


# What drives the probability ---------------------------------------------------------------------
#
# The forecast reports drivers (smartsmm.core.forecast.Driver: a code and params, paces per day in
# the KPI's units) and, with enough history, its own backtest (ForecastQuality). The cached
# evaluation has already turned both to the KPI's own direction (a falling unsubscribe rate has a
# negative pace); "towards the target" below is up for higher-is-better KPIs and down otherwise.

#: The p10–p90 range should hold about 80 % of outcomes; with 6–26 past forecasts the share
#: measured wobbles by ±10 points, so only a clear miss is called out.
_COVERAGE_NARROW = 0.65
_COVERAGE_WIDE = 0.95
#: Own-past spread factors this far from 1 are worth a sentence.
_FACTOR_WIDER = 1.2
_FACTOR_NARROWER = 0.83
#: Weekly swing as a share of a week's typical change: below "steady", above "volatile".
_SWING_STEADY = 0.5
_SWING_VOLATILE = 1.5


def _fixed(value: float, decimals: int, *, signed: bool = False) -> str:
    """Rounded, not cut: Django's number_format drops the digits after ``decimals`` (2.96 → "2.9")."""
    rounded = round(float(value), decimals)
    return format_signed(rounded, decimals) if signed else format_number(rounded, decimals)


def _share(fraction: float, decimals: int = 0) -> str:
    return format_percent(round(float(fraction), decimals + 2), decimals)


def _number(value: float) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def _amount(value: float, metric: Metric | None, *, signed: bool = False) -> str:
    """A change of the KPI in its units: "+12.5" for counts, "−0.04 pp" for percentages."""
    digits = significant_decimals(value)
    text = _fixed(value, digits, signed=True) if signed else _fixed(abs(value), digits)
    return _("%(value)s pp") % {"value": text} if metric is not None and metric.is_percent else text


def _rate(value: float, metric: Metric | None) -> str:
    """A pace per day in the KPI's units: "+12.5 a day", "−0.04 pp a day"."""
    return _("%(amount)s a day") % {"amount": _amount(value, metric, signed=True)}


def _kpi_value(value: float, metric: Metric | None) -> str:
    """A KPI value as the goal page shows it (the `kpi` template filter)."""
    text = _fixed(value, metric.decimals if metric is not None else 0)
    return f"{text} %" if metric is not None and metric.is_percent else text


def _towards(metric: Metric | None) -> int:
    """+1 when the target lies above (higher is better), −1 when below."""
    return 1 if metric is None or metric.higher_is_better else -1


def driver_text(driver: Mapping[str, Any], metric: Metric | None, *, forecast_ok: bool = True) -> str:
    """One driver of the probability in words; "" for a code this version does not know.

    ``forecast_ok`` is False when there is no probability (too little history): the short-history
    sentence then says so instead of explaining how the forecast leans on other accounts.
    """
    code = driver.get("code")
    p = {k: v for k, v in driver.get("params", {}).items() if _number(v) is not None or k == "date"}
    towards = _towards(metric)
    if code == "already_reached" and {"current", "target"} <= p.keys():
        return _(
            "The current value %(current)s already meets the target %(target)s: "
            "the goal is reached if it holds until the deadline."
        ) % {"current": _kpi_value(p["current"], metric), "target": _kpi_value(p["target"], metric)}
    if code == "pace_gap" and {"required", "recent"} <= p.keys():
        return _pace_gap_text(float(p["required"]), float(p["recent"]), metric)
    if code == "volatility" and "weekly_sd" in p:
        return _volatility_text(p, metric)
    if code == "short_history" and "weeks" in p:
        weeks = round(float(p["weeks"]))
        if not forecast_ok:
            return ngettext(
                "Only %(weeks)s week of history: too little for a forecast yet.",
                "Only %(weeks)s weeks of history: too little for a forecast yet.",
                weeks,
            ) % {"weeks": weeks}
        return ngettext(
            "Only %(weeks)s week of history: the forecast relies mostly on how accounts behave in "
            "general, not on this history's own past (that takes about %(recommended)s weeks).",
            "Only %(weeks)s weeks of history: the forecast relies mostly on how accounts behave in "
            "general, not on this history's own past (that takes about %(recommended)s weeks).",
            weeks,
        ) % {"weeks": weeks, "recommended": round(float(p.get("recommended", 52)))}
    if code == "pace_change" and {"recent", "earlier"} <= p.keys():
        recent, earlier = float(p["recent"]), float(p["earlier"])
        if towards * (recent - earlier) > 0:
            template = _(
                "The pace has changed in the goal's favour: %(recent)s over the last 8 weeks against "
                "%(earlier)s in the 18 weeks before; the forecast follows the recent pace."
            )
        else:
            template = _(
                "The pace has changed against the goal: %(recent)s over the last 8 weeks against "
                "%(earlier)s in the 18 weeks before; the forecast follows the recent pace."
            )
        return template % {"recent": _rate(recent, metric), "earlier": _rate(earlier, metric)}
    if code == "rounded" and "unit" in p:
        return _(
            "The platform publishes this count rounded (to %(unit)s), so it stands still for weeks and "
            "then jumps by a whole step; the forecast reads it where it moved, not as stalls and jumps."
        ) % {"unit": _kpi_value(float(p["unit"]), metric)}
    if code == "level" and {"weeks", "keep"} <= p.keys():
        return _level_text(p, metric)
    if code == "step_change" and {"date", "size"} <= p.keys():
        size = float(p["size"])
        amount = _amount(size, metric)
        if "share" in p:
            share = abs(float(p["share"]))
            amount = _("%(size)s (%(share)s of the level before it)") % {
                "size": amount,
                "share": _share(share, 1 if share < 0.1 else 0),
            }
        if size > 0:
            template = _(
                "On %(date)s the value jumped by %(size)s: a campaign, a giveaway, a viral post? "
                "A one-off step like this is not taken for the pace."
            )
        else:
            template = _(
                "On %(date)s the value dropped by %(size)s: a bot purge, a mass unsubscribe? "
                "A one-off step like this is not taken for the pace."
            )
        return template % {"date": _day(p["date"]), "size": amount}
    return ""


def _level_text(p: Mapping[str, Any], metric: Metric | None) -> str:
    weeks = round(float(p["weeks"]))
    share = _share(min(max(float(p["keep"]), 0.0), 1.0), 0)
    if weeks > 1 and "start" in p:
        return ngettext(
            "This KPI moves up and down around a level rather than adding up, so it is forecast as a "
            "level: it starts from %(start)s, drawn towards its average of the last %(weeks)s week "
            "rather than the last value, keeps %(share)s of the recent pace, and its range is as wide as "
            "the level's own past swings over as long a time.",
            "This KPI moves up and down around a level rather than adding up, so it is forecast as a "
            "level: it starts from %(start)s, drawn towards its average of the last %(weeks)s weeks "
            "rather than the last value, keeps %(share)s of the recent pace, and its range is as wide as "
            "the level's own past swings over as long a time.",
            weeks,
        ) % {"start": _kpi_value(float(p["start"]), metric), "weeks": weeks, "share": share}
    return _(
        "This KPI moves up and down around a level rather than adding up, so it is forecast as a level: "
        "it keeps %(share)s of the recent pace, and its range is as wide as the level's own past swings "
        "over as long a time."
    ) % {"share": share}


def _pace_gap_text(required: float, recent: float, metric: Metric | None) -> str:
    text = _(
        "Pace needed from now to the deadline: %(required)s; recent pace (typical of the last 8 weeks): "
        "%(recent)s."
    ) % {"required": _rate(required, metric), "recent": _rate(recent, metric)}
    towards = _towards(metric)
    needed, moving = towards * required, towards * recent
    if needed <= 0:  # the target is already met: "already_reached" says so
        return text
    if moving <= 0:
        verdict = _(
            "The recent pace does not move the value towards the target, so reaching it takes a change "
            "of pace."
        )
    elif needed <= moving:
        verdict = _("The recent pace is enough: the target needs %(share)s of it.") % {
            "share": _share(needed / moving, 0)
        }
    else:
        verdict = _("The target needs %(ratio)s times the recent pace.") % {
            "ratio": _fixed(needed / moving, 1)
        }
    return f"{text} {verdict}"


def _volatility_text(p: Mapping[str, Any], metric: Metric | None) -> str:
    swing = "±" + _amount(float(p["weekly_sd"]), metric)
    relative = p.get("relative")
    if relative is None:
        text = _("Week-to-week swings around the trend are about %(swing)s.") % {"swing": swing}
    elif relative < _SWING_STEADY:
        text = _(
            "Week-to-week swings around the trend are about %(swing)s, small next to a week's typical "
            "change (%(share)s of it): the path is steady."
        ) % {"swing": swing, "share": _share(relative, 0)}
    elif relative <= _SWING_VOLATILE:
        text = _(
            "Week-to-week swings around the trend are about %(swing)s, comparable to a week's typical "
            "change (%(share)s of it)."
        ) % {"swing": swing, "share": _share(relative, 0)}
    else:
        text = _(
            "Week-to-week swings around the trend are about %(swing)s, %(ratio)s times a week's typical "
            "change: the outcome is uncertain and the forecast range wide."
        ) % {"swing": swing, "ratio": _fixed(relative, 1)}
    factor = p.get("factor")
    if factor is not None and factor >= _FACTOR_WIDER:
        text += " " + _(
            "Forecasts at this history's own past dates missed by more than usual, so its range is "
            "%(factor)s times as wide as for a typical account."
        ) % {"factor": _fixed(factor, 1)}
    elif factor is not None and factor <= _FACTOR_NARROWER:
        text += " " + _(
            "This history has been more predictable than a typical account's, so its range is "
            "narrower (×%(factor)s)."
        ) % {"factor": _fixed(factor, 2)}
    return text


def history_text(weeks: int) -> str:
    """History length when it is long enough (a short one is the ``short_history`` driver)."""
    return ngettext(
        "%(weeks)s week of history: enough to calibrate the forecast on this history's own past.",
        "%(weeks)s weeks of history: enough to calibrate the forecast on this history's own past.",
        weeks,
    ) % {"weeks": weeks}


def quality_text(quality: Mapping[str, Any] | None) -> str:
    """How the forecast did on the goal's own past, or that the history is too short to tell."""
    fields = {k: _number(v) for k, v in (quality or {}).items()}
    if any(fields.get(k) is None for k in ("horizon_weeks", "cases", "coverage", "brier", "brier_pace")):
        return _("The history is too short to check how the method would have done on its own past.")
    cases, weeks = round(fields["cases"] or 0), round(fields["horizon_weeks"] or 0)
    coverage, brier = fields["coverage"] or 0.0, fields["brier"] or 0.0
    brier_pace = fields["brier_pace"] or 0.0
    horizon = npgettext("forecast horizon", "%(weeks)s week", "%(weeks)s weeks", weeks) % {"weeks": weeks}
    text = ngettext(
        "Checked on this history's own past: of %(cases)s forecast made %(horizon)s ahead, %(hits)s "
        "ended inside its p10–p90 range (%(coverage)s; about 80 %% is right).",
        "Checked on this history's own past: of %(cases)s forecasts made %(horizon)s ahead, %(hits)s "
        "ended inside their p10–p90 range (%(coverage)s; about 80 %% is right).",
        cases,
    ) % {
        "cases": cases,
        "horizon": horizon,
        "hits": round(coverage * cases),
        "coverage": _share(coverage, 0),
    }
    if coverage < _COVERAGE_NARROW:
        text += " " + _("The range has been too narrow for this history: read the probability with caution.")
    elif coverage > _COVERAGE_WIDE:
        text += " " + _("The range has been wider than this history needed.")
    if brier < brier_pace:
        scored = _(
            "The forecast's probabilities came closer to what happened than simply extending the recent "
            "pace (Brier score %(brier)s against %(pace)s; 0 is perfect, 0.25 is a coin toss)."
        )
    else:
        scored = _(
            "The forecast's probabilities did no better than simply extending the recent pace (Brier "
            "score %(brier)s against %(pace)s; 0 is perfect, 0.25 is a coin toss)."
        )
    scores = {"brier": _fixed(brier, 3), "pace": _fixed(brier_pace, 3)}
    return f"{text} {scored % scores}"


def explain_forecast(forecast: Mapping[str, Any], metric: Metric | None) -> list[dict[str, str]]:
    """What drives the probability, in words: ``[{"code", "text"}]``, the backtest quality last.

    Empty when there is no forecast, or the deadline has passed (the answer is then observed).
    """
    if not forecast or forecast.get("method") == "observed":
        return []
    ok = forecast.get("status") == "ok"
    items = []
    for driver in forecast.get("drivers") or []:
        text = driver_text(driver, metric, forecast_ok=ok)
        if text:
            items.append({"code": str(driver.get("code")), "text": text})
    codes = {item["code"] for item in items}
    points = forecast.get("weekly_points")
    if ok and "short_history" not in codes and isinstance(points, int) and points > 1:
        at = next((i for i, item in enumerate(items) if item["code"] in {"pace_change", "step_change"}), None)
        items.insert(len(items) if at is None else at, {"code": "history", "text": history_text(points - 1)})
    if forecast.get("method") != "bootstrap-weekly-increments":  # the fallback has no backtest
        items.append({"code": "quality", "text": quality_text(forecast.get("quality"))})
    return items
