"""The steps of a measure's analysis that every kind shares: the latest window, the periods
compared a year apart, the trend and the SPC chart of the force.

Each step returns its own typed part of the result (:mod:`.result`) and writes its findings,
tidy rows and methods to the measure's :class:`~.result.Journal`; what differs between kinds
of measure is asked of the measure's kind (:mod:`.kinds`).  Missing months are never compared
with other months: the latest value says how many of its window's months have data, and the
change on last year compares only the calendar months (or quarters) with data in both years.
When fewer than half the window's months have data in both, the change is "not assessed"
(:data:`NOT_ASSESSED`).
"""
from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np

from .. import _narrative as _n
from .. import trend as _trend
from ..spc import spc as _spc_chart
from . import aggregate, words
from .issues import Issue, MeasureDataError, TooLittleData
from .result import Control, Glance, Trend, Window

CONF = words.CONF
FORCE = "(force)"
NOT_ASSESSED = "not assessed"


def run(issues: list, name: str, what: str, func, *args):
    """Run one step of measure ``name``; a failure becomes an issue and the step is left out
    (None)."""
    try:
        return func(*args)
    except Exception as exc:  # the other steps go on
        issues.append(Issue(name, f"{what}: {exc}", f"{what} left out",
                            note=isinstance(exc, TooLittleData)))
        return None


# ---- windows ---------------------------------------------------------------------------------

def window(m, table, issues: list) -> Window:
    """The latest window of ``m`` on ``table`` and the same window a year earlier."""
    import pandas as pd

    size = aggregate.MONTHS[table.freq]
    months = m.latest_months
    k = max(1, math.ceil(months / size))
    if k * size != months:
        issues.append(Issue(m.name, f"latest = {m.latest!r} is not a whole number of "
                            f"{'quarters' if size == 3 else 'months'}",
                            f"the latest {k * size} months are used"))
    end = table.periods[-1] if m.as_at is None else m.as_at.asfreq(table.freq)
    if m.aligned and table.freq == "M":   # the last whole quarter or year
        end = end - (end.month - m.year_start + 1) % m.aligned
    latest = pd.period_range(end=end, periods=k, freq=table.freq)
    previous = latest - 12 // size
    present = latest[latest.isin(table.force.index)]
    unit = "month" if size == 1 else "quarter"
    if len(present) < m.min_months * k:
        raise MeasureDataError(
            f"the latest {_n.plural(k, unit)} ({words.window_text(latest)}) have data for "
            f"only {len(present)} ({words.periods_text(present) or 'none'}); a figure needs "
            f"at least {_n.percent(m.min_months, 0)} of them")
    if len(present) < k:
        issues.append(Issue(m.name, f"the latest {_n.plural(k, unit)} "
                            f"({words.window_text(latest)}) have data for only {len(present)} "
                            f"({words.periods_text(present)})",
                            f"the latest value rests on those {_n.plural(len(present), unit)} "
                            "and says so"))
    named = (lambda p, short=False: words.aligned_text(p, m.aligned, m.year_start, short)) \
        if m.aligned and table.freq == "M" else words.window_text
    return Window(latest=latest, previous=previous, text=named(latest),
                  previous_text=named(previous), short=named(latest, short=True),
                  size=len(latest),
                  present=len(present), unit=unit, with_data=tuple(present))


@dataclasses.dataclass(frozen=True)
class Comparison:
    """The periods compared for the change on last year, and the sentence saying so when
    they are not the full windows."""

    now: list
    before: list
    note: str = ""

    def groups(self, span: Window) -> tuple:
        """The names of the two groups compared: the windows, or the periods compared."""
        if self.note:
            return words.periods_text(self.now), words.periods_text(self.before)
        return span.text, span.previous_text


def compare_years(m, present, span: Window, out, issues: list) -> Comparison | None:
    """The periods of the latest window with data whose period a year earlier has data too,
    and those a year earlier.  None when fewer than half the window's periods have data in
    both years (the change is then not assessed, and the finding and the data issue say
    why)."""
    unit = span.unit
    have = set(present)
    pairs = [(p, q) for p, q in zip(span.latest, span.previous) if p in have and q in have]
    now = [p for p in span.latest if p in have]
    before = [q for q in span.previous if q in have]
    need = math.ceil(len(span.latest) / 2)
    held = (f"{span.text} has data for {words.periods_text(now) or f'no {unit}'}; "
            f"{span.previous_text} for {words.periods_text(before) or f'no {unit}'}")
    if len(pairs) < need:
        both = (f"of the {_n.plural(len(span.latest), unit)} of the latest window, "
                + ("none has" if not pairs else f"only {len(pairs)} "
                   f"{'has' if len(pairs) == 1 else 'have'}")
                + " data both then and a year earlier")
        out.finding(
            "Change on last year",
            f"Not assessed: {both} ({held}), and comparing different {unit}s of the year "
            f"would mix seasons. At least {_n.plural(need, unit)} with data in both years are "
            "needed.")
        issues.append(Issue(m.name, f"the change on last year: {both} ({held})",
                            "the change on last year is not assessed"))
        return None
    now_m, before_m = [p for p, _ in pairs], [q for _, q in pairs]
    if len(pairs) == len(span.latest):
        return Comparison(now_m, before_m)
    compared = f"{words.periods_text(now_m)} with {words.periods_text(before_m)}"
    note = (f"Only the {_n.plural(len(pairs), unit)} with data in both years are "
            f"compared ({compared}).")
    left = [p for p in now if p not in now_m] + [q for q in before if q not in before_m]
    if left:  # months with data that the comparison leaves out
        issues.append(Issue(m.name, f"the change on last year compares only the "
                            f"{_n.plural(len(pairs), unit)} with data in both years "
                            f"({compared}; {held})",
                            f"{words.periods_text(left)} left out of the comparison"))
    return Comparison(now_m, before_m, note)


# ---- trend -----------------------------------------------------------------------------------

def trend(m, table, out) -> Trend:
    """Mann-Kendall and Sen's slope of the series; for counts and rates, the log-linear count
    trend (:meth:`~.kinds.MeasureKind.count_trend`) gives the verdict."""
    import pandas as pd

    kind = m.measure_kind
    values = kind.series(m, table.force, table.periods)
    steps_per_year = 12 // aggregate.MONTHS[table.freq]
    years = np.arange(len(values), dtype=float) / steps_per_year
    ok = np.isfinite(values)
    if ok.sum() < 8:
        raise ValueError(f"only {ok.sum()} periods with data; at least 8 are needed")
    scale = kind.trend_scale
    mk = _trend.mann_kendall(scale * values[ok], t=years[ok])
    sen = _trend.sen_slope(values[ok], t=years[ok], conf=CONF)
    text = mk.narrative(measure=kind.the(m), unit="year")
    tested = mk.status == "ok" and mk.trend != "undefined"
    if tested:
        text += kind.slope_text(sen)
    verdict = (words.trend_verdict(m, mk.pvalue < words.ALPHA, mk.z > 0) if tested
               else NOT_ASSESSED)
    series = pd.DataFrame({"period": table.periods, "value": values,
                           "fitted": sen.intercept + sen.slope * years})
    span = words.window_text(table.periods)
    out.add(FORCE, "trend", "Mann-Kendall z", mk.z, pvalue=mk.pvalue, flag=verdict,
            period=span, method="Mann-Kendall test")
    out.add(FORCE, "trend", "Sen slope per year", sen.slope, sen.lower, sen.upper,
            period=span, method="Sen's slope (as R trend::sens.slope)")
    out.method("mann_kendall", "sen")
    ct, seasonal, cautions = cautioned(kind.count_trend, m, table, ok, years)
    if ct is not None:
        verdict = words.trend_verdict(m, ct.pvalue < words.ALPHA, ct.rate_ratio > 1)
        out.add(FORCE, "trend", "rate ratio per year", ct.rate_ratio, ct.lower, ct.upper,
                ct.pvalue, flag=verdict, period=span, method=str(ct.method), note=cautions)
        out.method("count_trend")
        check = "Rank-based check, without allowing for the season" if seasonal else \
            "Rank-based check"
        text = (ct.narrative(unit="year", measure=kind.the(m))
                + f" {check}: {words.lower_first(text)} "
                + fitted(ct, seasonal, span, int(ok.sum()), table.freq))
    out.finding("Trend", text)
    return Trend(verdict=verdict, series=series)


def fitted(ct, seasonal: bool, span: str, k: int, freq: str) -> str:
    """What the trend model was fitted to, and whether (and why not) it allows for the
    season: "Fitted: negative binomial ... over January 2023 to May 2025 (29 months with data),
    with month-of-year effects."."""
    unit = "month" if freq == "M" else "quarter"
    need = 2 * (12 // aggregate.MONTHS[freq]) + 4
    season = (f"with {unit}-of-year effects" if seasonal else
              f"without {unit}-of-year effects (they need {need} {unit}s with data)")
    return f"Fitted: {ct.method} over {span} ({_n.plural(k, unit)} with data), {season}."


def cautioned(call, *args):
    """``call(*args)`` (a tuple) and, as one more item, the caveats it warned of
    (``UserWarning``: e.g. a negative binomial fit that collapsed to Poisson), joined as one
    note; the finding's narrative states them too.  Other warnings pass on."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        out = call(*args)
    notes = []
    for w in caught:
        if issubclass(w.category, UserWarning):
            notes.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return (*out, "; ".join(dict.fromkeys(notes)))


def count_trend(table, ok, years, exposure: bool):
    """The log-linear trend of the counts (per year, with month or quarter effects when
    there are enough periods): negative binomial, or Poisson where it does not converge;
    (result or None, whether the season is allowed for)."""
    part = table.force.reindex(table.periods)
    counts = part["x"].to_numpy(dtype=float)[ok]
    exposure = part["n"].to_numpy(dtype=float)[ok] if exposure else None
    steps_per_year = 12 // aggregate.MONTHS[table.freq]
    season = None
    if steps_per_year > 1 and ok.sum() >= 2 * steps_per_year + 4:
        season = [str(p.month if table.freq == "M" else p.quarter).zfill(2)
                  for p in table.periods[ok]]
    if np.any(counts != np.rint(counts)):
        return None, False
    for family in ("negbin", "poisson"):
        try:
            fit = _trend.count_trend(counts, exposure=exposure, t=years[ok], season=season,
                                     family=family, conf=CONF)
        except Exception:  # negative binomial may not converge on tiny or equidispersed data
            continue
        if getattr(fit, "status", "ok") == "ok" and np.isfinite(fit.rate_ratio):
            return fit, season is not None
    return None, False


# ---- SPC -------------------------------------------------------------------------------------

def spc_inputs(m, frame, periods):
    """Per period: the counts the SPC chart of ``m`` rests on (``n`` None for a count) and
    whether the period has data."""
    part = frame.reindex(periods)
    present = part["x"].notna().to_numpy()
    x, n = m.measure_kind.counts(m, part["x"].to_numpy(dtype=float),
                                 part["n"].to_numpy(dtype=float),
                                 part["w2"].to_numpy(dtype=float) if "w2" in part else None)
    return x, n, present


def rebase_periods(m, periods):
    """The ``rebase`` periods of ``m`` at the frequency of ``periods`` (a quarter's first month
    for a monthly series, a month's quarter for a quarterly one): (those strictly after the
    first period and up to the last, the others)."""
    freq = periods.freqstr[:1]
    inside, outside = [], []
    for p in m.rebase:
        q = p.asfreq("M", how="start") if freq == "M" and p.freqstr[:1] == "Q" else p.asfreq(freq)
        (inside if periods[0] < q <= periods[-1] else outside).append(q)
    return sorted(set(inside)), outside


def spc_call(m, y, n, periods, labels=None, rebase=None):
    """The SPC chart of ``m``: its own chart or its kind's; the value itself on an XmR, I or
    run chart; the target per unit of exposure on a u chart."""
    kind = m.measure_kind
    chart = m.chart or kind.default_chart
    target = m.target
    if chart in ("xmr", "i", "run"):
        if n is not None:  # chart the value itself
            y, n = y / n * kind.scale(m), None
    elif target is not None:
        target = target / kind.scale(m)  # u charts work per unit of exposure
    return _spc_chart(y, chart=chart, n=n, rules="mdc", target=target, improvement=m.improvement,
                    time=periods, labels=labels, nan_policy="omit", rebase=rebase or None)


def control(m, table, out, issues: list) -> Control:
    """The SPC chart of the force, Making Data Count rules, with its variation and
    assurance."""
    y, n, present = spc_inputs(m, table.force, table.periods)
    periods = table.periods[present]
    if present.sum() < 12:
        raise TooLittleData(f"only {present.sum()} periods with data; an SPC chart needs 12 or "
                            "more")
    rebase, outside = rebase_periods(m, table.periods)
    if outside:
        issues.append(Issue(m.name, f"rebase: {_n.listing(map(_n.period_text, outside))} "
                            f"{'is' if len(outside) == 1 else 'are'} not within the series "
                            f"after its first period ({words.window_text(table.periods)})",
                            "left out: the limits are recalculated only within the series"))
    result = spc_call(m, y[present], None if n is None else n[present], periods, rebase=rebase)
    per = m.measure_kind.per(m) if result.chart in ("u", "up") else None
    text = result.narrative(measure=m.measure_kind.the(m), per=per)
    if rebase:
        text += (" The recalculation is at a break in the series named in the specification "
                 "(rebase); the latest point is judged against the limits of its own segment.")
    out.finding("SPC", text)
    for p in rebase:
        out.add(FORCE, "spc", "limits recalculated from", math.nan, period=_n.period_text(p),
                method=f"{result.chart} chart, rebase in the specification")
    latest = result.series_table().iloc[0]
    out.add(FORCE, "spc", "latest point", latest["latest"], latest["lower"], latest["upper"],
            flag=f"{result.variation}; assurance: {result.assurance or 'n/a'}",
            period=_n.period_text(periods[-1]),
            method=f"{result.chart} chart, Making Data Count rules")
    out.method("spc_" + result.chart)
    return Control(chart=result, variation=result.variation, assurance=result.assurance)


# ---- the latest month and quarter ---------------------------------------------------------

def glance(m, table) -> Glance:
    """The latest month and whole quarter (calendar or financial, by ``m.year_start``) of a
    monthly series beside the same period a year earlier, and the sparkline's values."""
    import pandas as pd

    kind = m.measure_kind

    def value(periods):
        totals, present = aggregate.window_totals(table.force, periods)
        return kind.value(m, totals["x"], totals["n"]) if present == len(periods) else math.nan

    spark = tuple(float(v) for v in kind.series(m, table.force, table.periods))
    end = table.periods[-1] if m.as_at is None else m.as_at.asfreq(table.freq)
    if table.freq == "M":
        quarter_end = end - (end.month - m.year_start + 1) % 3
        quarter = pd.period_range(end=quarter_end, periods=3, freq="M")
    else:   # quarterly data: the latest quarter is the last period
        quarter_end, quarter = end.asfreq("M", how="end"), pd.PeriodIndex([end])
    name = words.quarter_name(quarter_end, m.year_start)
    if table.freq != "M":
        return Glance(quarter=name, quarter_value=value(quarter),
                      quarter_before=value(quarter - 4), spark=spark,
                      quarter_text=_glance_text(kind.bare(m), (value(quarter),
                                                                 value(quarter - 4)),
                                                "a year earlier"))
    fmt = kind.bare(m)
    month, year = (value([end]), value([end - 12])), (value(quarter), value(quarter - 12))
    return Glance(month=_n.period_text(end, short=True), month_value=month[0],
                  month_before=month[1], quarter=name, quarter_value=year[0],
                  quarter_before=year[1], spark=spark,
                  month_text=_glance_text(fmt, month, _n.period_text(end - 12, short=True)),
                  quarter_text=_glance_text(fmt, year, "a year earlier"))


def _glance_text(fmt, pair, earlier: str) -> str:
    """'91.6% (Mar 2024: 90.5%)'."""
    shown = [fmt(v) if np.isfinite(v) else "no data" for v in pair]
    return f"{shown[0]} ({earlier}: {shown[1]})"
