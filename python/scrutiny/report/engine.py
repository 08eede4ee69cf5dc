"""The analysis of one measure: latest value against target, change on last year, trend, SPC
signals and the areas that stand out.

Every step runs on its own: a step that cannot be done (too few periods, no area column, no
data a year earlier) is reported as a data issue and the other steps go on.

Missing months are never compared with other months: the latest value says how many of its
window's months have data, and the change on last year compares only the calendar months (or
quarters) with data in both years.  When fewer than half the window's months have data in
both, the change is "not assessed" (:data:`NOT_ASSESSED`).
"""
from __future__ import annotations

import dataclasses
import math
import time

import numpy as np

from .. import _narrative as _n
from . import aggregate, words
from .spec import Issue, Measure, window_months

CONF = words.CONF
DEFAULT_CHART = {"proportion": "pp", "rate": "up", "count": "xmr", "wait": "xmr"}
FORCE = "(force)"
NOT_ASSESSED = "not assessed"


@dataclasses.dataclass
class MeasureResult:
    """Everything the report shows about one measure."""

    measure: Measure
    ok: bool = False
    error: str = ""
    window: str = ""
    window_short: str = ""
    previous_window: str = ""
    window_size: int = 0        # periods the latest window should hold
    window_present: int = 0     # periods of it with data
    period_unit: str = "month"  # "month" or "quarter"
    value: float = math.nan
    lower: float = math.nan
    upper: float = math.nan
    value_note: str = ""        # why the value is missing, for the overview
    target_verdict: str | None = None
    change_verdict: str | None = None
    change_text: str = ""
    change_note: str = ""       # which periods the change compares, when not the full windows
    trend_verdict: str | None = None
    variation: str | None = None
    assurance: str | None = None
    flagged: list = dataclasses.field(default_factory=list)
    n_areas: int = 0
    findings: list = dataclasses.field(default_factory=list)   # (heading, text)
    rows: list = dataclasses.field(default_factory=list)       # tidy CSV rows
    area_table: object = None
    series: object = None       # DataFrame: period, value, fitted (Sen line)
    spc: object = None
    funnel: object = None
    funnel_window: str = ""
    survival: object = None     # wait measures: {label: KM table}
    methods: set = dataclasses.field(default_factory=set)
    figures: list = dataclasses.field(default_factory=list)  # (title, data URI, alt text)
    seconds: float = 0.0

    def add(self, area, analysis, quantity, value, lower=None, upper=None, pvalue=None,
            flag="", period="", method="", note=""):
        self.rows.append({"measure": self.measure.name, "kind": self.measure.kind,
                          "area": area, "analysis": analysis, "quantity": quantity,
                          "period": period, "value": _num(value), "lower": _num(lower),
                          "upper": _num(upper), "pvalue": _num(pvalue), "flag": flag,
                          "method": method, "note": note})


def _num(v):
    if v is None:
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def analyse(m: Measure, sources, levels, issues: list) -> MeasureResult:
    """Run every analysis of measure ``m``; problems go to ``issues``."""
    from .sources import SourceError

    res = MeasureResult(measure=m)
    start = time.perf_counter()
    try:
        frame = sources.get(m.source)
        table = aggregate.tabulate(frame, m, issues)
        if table.missing:
            shown = ", ".join(_n.period_text(p, short=True) for p in table.missing[:6])
            more = f" and {len(table.missing) - 6} more" if len(table.missing) > 6 else ""
            issues.append(Issue(m.name, f"{_n.plural(len(table.missing), 'period')} missing "
                                f"from the series ({shown}{more})",
                                "charted as gaps; no run or trend joins across them"))
        if m.kind == "wait":
            from .waits import analyse_wait

            analyse_wait(m, table, res, levels, issues)
        else:
            _analyse_totals(m, table, res, levels, issues)
        res.ok = True
    except (SourceError, aggregate.MeasureDataError) as exc:
        res.error = str(exc)
        issues.append(Issue(m.name, str(exc), "measure not analysed"))
    except Exception as exc:  # one measure's failure must not stop the report
        res.error = f"{type(exc).__name__}: {exc}"
        issues.append(Issue(m.name, f"the analysis failed ({res.error})", "measure not analysed"))
    res.seconds = time.perf_counter() - start
    return res


def step(res: MeasureResult, issues: list, what: str, func, *args):
    """Run one analysis step; a failure becomes an issue and the step is left out."""
    try:
        return func(*args)
    except Exception as exc:  # the other steps go on
        issues.append(Issue(res.measure.name, f"{what}: {exc}", f"{what} left out"))
        return None


# ---- windows ---------------------------------------------------------------------------------

def windows(m: Measure, table, issues):
    """The latest window and the same window a year earlier (PeriodIndex each)."""
    import pandas as pd

    size = aggregate.MONTHS[table.freq]
    months = window_months(m)
    k = max(1, math.ceil(months / size))
    if k * size != months:
        issues.append(Issue(m.name, f"latest = {m.latest!r} is not a whole number of "
                            f"{'quarters' if size == 3 else 'months'}",
                            f"the latest {k * size} months are used"))
    latest = pd.period_range(end=table.periods[-1], periods=k, freq=table.freq)
    previous = latest - 12 // size
    present = latest[latest.isin(table.force.index)]
    if len(present) < k:
        unit = "month" if size == 1 else "quarter"
        issues.append(Issue(m.name, f"the latest {_n.plural(k, unit)} "
                            f"({words.window_text(latest)}) have data for only {len(present)} "
                            f"({words.periods_text(present)})",
                            f"the latest value rests on those {_n.plural(len(present), unit)} "
                            "and says so"))
    return latest, previous


def set_window(res: MeasureResult, table, latest, previous) -> None:
    """The window texts of a result, and how many of its periods have data."""
    res.window, res.previous_window = words.window_text(latest), words.window_text(previous)
    res.window_short = words.window_text(latest, short=True)
    res.window_size = len(latest)
    res.window_present = int(latest.isin(table.force.index).sum())
    res.period_unit = "month" if table.freq == "M" else "quarter"


def window_note(res: MeasureResult) -> str:
    """'' when the latest window is full, else e.g. '4 of 12 months with data'."""
    if res.window_present >= res.window_size:
        return ""
    return f"{res.window_present} of {_n.plural(res.window_size, res.period_unit)} with data"


def year_apart(m: Measure, present, latest, previous, res: MeasureResult, issues: list):
    """The periods compared for the change on last year: those of the latest window with
    data whose period a year earlier has data too, and those a year earlier.  None when
    fewer than half the window's periods have data in both years (the change is then not
    assessed, and the finding and the data issue say why)."""
    unit = res.period_unit
    have = set(present)
    pairs = [(p, q) for p, q in zip(latest, previous) if p in have and q in have]
    now = [p for p in latest if p in have]
    before = [q for q in previous if q in have]
    need = math.ceil(len(latest) / 2)
    held = (f"{res.window} has data for {words.periods_text(now) or f'no {unit}'}; "
            f"{res.previous_window} for {words.periods_text(before) or f'no {unit}'}")
    if len(pairs) < need:
        res.change_verdict = NOT_ASSESSED
        both = (f"of the {_n.plural(len(latest), unit)} of the latest window, "
                + ("none has" if not pairs else f"only {len(pairs)} "
                   f"{'has' if len(pairs) == 1 else 'have'}")
                + " data both then and a year earlier")
        res.findings.append((
            "Change on last year",
            f"Not assessed: {both} ({held}), and comparing different {unit}s of the year "
            f"would mix seasons. At least {_n.plural(need, unit)} with data in both years are "
            "needed."))
        issues.append(Issue(m.name, f"the change on last year: {both} ({held})",
                            "the change on last year is not assessed"))
        return None
    now_m, before_m = [p for p, _ in pairs], [q for _, q in pairs]
    if len(pairs) == len(latest):
        return now_m, before_m
    compared = f"{words.periods_text(now_m)} with {words.periods_text(before_m)}"
    res.change_note = (f"Only the {_n.plural(len(pairs), unit)} with data in both years are "
                       f"compared ({compared}).")
    left = [p for p in now if p not in now_m] + [q for q in before if q not in before_m]
    if left:  # months with data that the comparison leaves out
        issues.append(Issue(m.name, f"the change on last year compares only the "
                            f"{_n.plural(len(pairs), unit)} with data in both years "
                            f"({compared}; {held})",
                            f"{words.periods_text(left)} left out of the comparison"))
    return now_m, before_m


def _sum(frame, periods, cols=("x", "n", "w2", "rows")):
    part = frame.reindex(periods)
    present = int(part["x"].notna().sum())
    return {c: float(part[c].sum()) for c in cols if c in part.columns}, present


# ---- proportions, rates and counts -------------------------------------------------------------

def _analyse_totals(m: Measure, table, res: MeasureResult, levels, issues):
    latest, previous = windows(m, table, issues)
    set_window(res, table, latest, previous)
    now, k_now = _sum(table.force, latest)
    step(res, issues, "latest value", _latest, m, now, k_now * aggregate.MONTHS[table.freq], res,
         table)
    if m.target is not None:
        step(res, issues, "test against the target", _against_target, m, now, res)
    else:
        res.findings.append(("Target", "No target is set for this measure."))
    compared = year_apart(m, table.force.index, latest, previous, res, issues)
    if compared is not None:
        step(res, issues, "change on last year", _change, m, _sum(table.force, compared[0]),
             _sum(table.force, compared[1]), compared, res)
    step(res, issues, "trend", trend_step, m, table, res)
    step(res, issues, "SPC chart", spc_step, m, table, res, issues)
    if table.areas is not None:
        from .areas import analyse_areas

        step(res, issues, "areas", analyse_areas, m, table, latest, previous, res, levels,
             issues)


def value_of(m: Measure, x, n):
    if m.kind == "proportion":
        return x / n if n > 0 else math.nan
    if m.kind == "rate":
        return x / n * m.per if n > 0 else math.nan
    return x


def _latest(m: Measure, now, months: int, res: MeasureResult, table):
    from .. import rates

    x, n = now["x"], now["n"]
    if m.kind == "proportion":
        xr, nr = aggregate.effective(x, n, now["w2"], bool(m.weight))
        ci = rates.proportion_ci(int(xr), int(nr), conf=CONF, method="wilson")
        method = "Wilson score interval"
        counts = f"from {int(round(x)):,} of {int(round(n)):,} {m.cases}"
        if m.weight:  # the interval of the effective counts, moved to the weighted estimate
            shift = x / n - ci.estimate
            ci = dataclasses.replace(ci, estimate=x / n, lower=max(ci.lower + shift, 0.0),
                                     upper=min(ci.upper + shift, 1.0))
            method += " on the Kish effective sample size"
            counts = (f"from {int(now['rows']):,} {m.cases}, weighted (effective sample "
                      f"size {int(nr):,}, on which the interval rests)")
        text = ci.narrative(measure=m.noun)
        res.methods.add("wilson")
    else:
        exposure = n if m.kind == "rate" else 1.0
        ci = rates.rate_ci(x, exposure, conf=CONF, method="exact", per=m.per or 1.0)
        method = "exact Poisson interval (Garwood)"
        res.methods.add("garwood")
        if m.kind == "rate":
            text = ci.narrative(measure=m.noun, unit=words.per_unit(m))
            counts = (f"from {int(x):,} {m.cases} in an average population of "
                      f"{n * 12 / months:,.0f}")
        else:
            text = (f"{_n.capital(m.noun)} totals {int(x):,} "
                    f"({_n.interval(ci.lower, ci.upper, CONF, _n.number)}; exact (Garwood) "
                    "interval).")
            counts = f"over {_n.plural(months, 'month')} with data"
    est, lo, hi = float(ci.estimate), float(ci.lower), float(ci.upper)
    res.value, res.lower, res.upper = est, lo, hi
    res.findings.append(("Latest value", f"{latest_lead(res, table)}, "
                                         f"{words.lower_first(text[:-1])}, {counts}."))
    note = window_note(res)
    res.add(FORCE, "latest", "value", est, lo, hi, period=res.window, method=method, note=note)
    res.add(FORCE, "latest", "numerator" if m.kind == "proportion" else "count", x,
            period=res.window, note=note)
    if m.kind != "count":
        res.add(FORCE, "latest", "denominator" if m.kind == "proportion" else "person_years", n,
                period=res.window, note="; ".join(t for t in (note, table.population) if t))


def latest_lead(res: MeasureResult, table) -> str:
    """'In April 2024 to March 2025', or, when the window has periods without data, 'In May
    2023 to April 2024 (only 4 of its 12 months have data: January 2024 to April 2024)'."""
    if res.window_present >= res.window_size:
        return f"In {res.window}"
    latest = table.periods[-res.window_size:] if len(table.periods) >= res.window_size else \
        table.periods
    present = [p for p in latest if p in table.force.index]
    return (f"In {res.window} (only {res.window_present} of its "
            f"{_n.plural(res.window_size, res.period_unit)} "
            f"{'has' if res.window_present == 1 else 'have'} data: "
            f"{words.periods_text(present)})")


def _against_target(m: Measure, now, res: MeasureResult):
    from .. import rates

    if m.kind == "proportion":
        xr, nr = aggregate.effective(now["x"], now["n"], now["w2"], bool(m.weight))
        test = rates.test_target(int(xr), int(nr), m.target, conf=CONF)
        verdict = words.SAME
        if test.pvalue < words.ALPHA:
            verdict = words.side(m, res.value > m.target, words.TARGET_WORDS)
        text = test.narrative(measure=m.noun)
        res.add(FORCE, "target", "exact binomial test", test.statistic, test.lower, test.upper,
                test.pvalue, flag=verdict, period=res.window,
                method="exact binomial test (as R binom.test)", note=f"target {m.target:g}")
        res.methods.add("binomial")
    else:
        verdict, text = words.against_target(m, words.the(m), res.value, res.lower, res.upper,
                                             m.target, lambda v: words.fmt(v, m),
                                             words.bare(m))
        res.add(FORCE, "target", "target within the 95% CI", m.target, res.lower, res.upper,
                flag=verdict, period=res.window, method="exact Poisson interval")
    res.target_verdict = verdict
    res.findings.append(("Target", text))


def _change(m: Measure, now, before, compared, res: MeasureResult):
    from .. import rates

    (now, k_now), (before, k_before) = now, before
    groups = (res.window, res.previous_window)
    if res.change_note:  # only the months with data in both years
        groups = tuple(words.periods_text(p) for p in compared)
    period = f"{groups[0]} vs {groups[1]}"
    if m.kind == "proportion":
        x1, n1 = aggregate.effective(now["x"], now["n"], now["w2"], bool(m.weight))
        x0, n0 = aggregate.effective(before["x"], before["n"], before["w2"], bool(m.weight))
        test = rates.compare_proportions(int(x1), int(n1), int(x0), int(n0), conf=CONF)
        up = test.difference > 0
        text = test.narrative(measure=m.noun, groups=groups)
        res.change_text = f"{100 * test.difference:+.1f} pts"
        res.add(FORCE, "change on last year", "difference", test.difference, test.lower,
                test.upper, test.pvalue, period=period,
                method="Pearson chi-square test of two proportions (as R prop.test)")
        res.methods.add("prop_test")
    else:
        e1 = now["n"] if m.kind == "rate" else float(k_now)
        e0 = before["n"] if m.kind == "rate" else float(k_before)
        test = rates.compare_rates(now["x"], e1, before["x"], e0, conf=CONF)
        up = test.ratio > 1
        if m.kind == "rate":
            text = test.narrative(measure=m.noun, groups=groups, per=m.per,
                                  unit=words.per_unit(m))
        else:
            text = test.narrative(measure=f"{res.period_unit}ly average of {m.noun}",
                                  groups=groups)
        res.change_text = f"{100 * (test.ratio - 1):+.1f}%"
        res.add(FORCE, "change on last year", "rate ratio", test.ratio, test.lower, test.upper,
                test.pvalue, period=period,
                method="exact conditional test of two Poisson rates (as R poisson.test)")
        res.methods.add("poisson_test")
    res.change_verdict = words.change_verdict(m, test.pvalue < words.ALPHA, up)
    res.findings.append(("Change on last year", f"{res.change_note} {text}".strip()))


def series_values(m: Measure, frame, periods):
    """Per-period values of the measure over the full range (NaN where a period is missing)."""
    part = frame.reindex(periods)
    if m.kind == "proportion":
        return (part["x"] / part["n"]).to_numpy(dtype=float)
    if m.kind == "rate":
        return (part["x"] / part["n"] * m.per).to_numpy(dtype=float)
    return part["x"].to_numpy(dtype=float)


def trend_step(m: Measure, table, res: MeasureResult):
    import pandas as pd

    from .. import trend

    values = series_values(m, table.force, table.periods)
    steps_per_year = 12 // aggregate.MONTHS[table.freq]
    years = np.arange(len(values), dtype=float) / steps_per_year
    ok = np.isfinite(values)
    if ok.sum() < 8:
        raise ValueError(f"only {ok.sum()} periods with data; at least 8 are needed")
    # proportions in percentage points, so that Sen's slope reads as points a year
    scale = 100.0 if m.kind == "proportion" else 1.0
    mk = trend.mann_kendall(scale * values[ok], t=years[ok])
    sen = trend.sen_slope(values[ok], t=years[ok], conf=CONF)
    text = mk.narrative(measure=words.the(m), unit="year")
    tested = mk.status == "ok" and mk.trend != "undefined"
    if m.kind == "proportion" and tested:
        ci = _n.interval(scale * sen.lower, scale * sen.upper, CONF,
                         _n.matched(scale * sen.slope, sign=True))
        text += f" The slope is in percentage points a year ({ci})."
    res.trend_verdict = (words.trend_verdict(m, mk.pvalue < words.ALPHA, mk.z > 0) if tested
                         else "not assessed")
    res.series = pd.DataFrame({"period": table.periods, "value": values,
                               "fitted": sen.intercept + sen.slope * years})
    span = words.window_text(table.periods)
    res.add(FORCE, "trend", "Mann-Kendall z", mk.z, pvalue=mk.pvalue, flag=res.trend_verdict,
            period=span, method="Mann-Kendall test")
    res.add(FORCE, "trend", "Sen slope per year", sen.slope, sen.lower, sen.upper,
            period=span, method="Sen's slope (as R trend::sens.slope)")
    res.methods.update({"mann_kendall", "sen"})
    if m.kind in ("rate", "count"):
        ct, seasonal = _count_trend(m, table, ok, years)
        if ct is not None:
            res.trend_verdict = words.trend_verdict(m, ct.pvalue < words.ALPHA,
                                                    ct.rate_ratio > 1)
            res.add(FORCE, "trend", "rate ratio per year", ct.rate_ratio, ct.lower, ct.upper,
                    ct.pvalue, flag=res.trend_verdict, period=span, method=str(ct.method))
            res.methods.add("count_trend")
            check = "Rank-based check, without allowing for the season" if seasonal else \
                "Rank-based check"
            text = (ct.narrative(unit="year", measure=words.the(m))
                    + f" {check}: {words.lower_first(text)}")
    res.findings.append(("Trend", text))


def _count_trend(m: Measure, table, ok, years):
    """The log-linear trend of the counts (per year, with month or quarter effects when
    there are enough periods): negative binomial, or Poisson where it does not converge;
    (result or None, whether the season is allowed for)."""
    from .. import trend

    part = table.force.reindex(table.periods)
    counts = part["x"].to_numpy(dtype=float)[ok]
    exposure = part["n"].to_numpy(dtype=float)[ok] if m.kind == "rate" else None
    steps_per_year = 12 // aggregate.MONTHS[table.freq]
    season = None
    if steps_per_year > 1 and ok.sum() >= 2 * steps_per_year + 4:
        season = [str(p.month if table.freq == "M" else p.quarter).zfill(2)
                  for p in table.periods[ok]]
    if np.any(counts != np.rint(counts)):
        return None, False
    for family in ("negbin", "poisson"):
        try:
            fit = trend.count_trend(counts, exposure=exposure, t=years[ok], season=season,
                                    family=family, conf=CONF)
        except Exception:  # negative binomial may not converge on tiny or equidispersed data
            continue
        if getattr(fit, "status", "ok") == "ok" and np.isfinite(fit.rate_ratio):
            return fit, season is not None
    return None, False


def spc_inputs(m: Measure, frame, periods):
    part = frame.reindex(periods)
    present = part["x"].notna().to_numpy()
    if m.kind == "proportion":
        x, n = aggregate.effective(part["x"], part["n"], part["w2"], bool(m.weight))
        return x, n, present
    if m.kind == "rate":
        return part["x"].to_numpy(dtype=float), part["n"].to_numpy(dtype=float), present
    return part["x"].to_numpy(dtype=float), None, present


def rebase_periods(m: Measure, periods):
    """The ``rebase`` periods of ``m`` at the frequency of ``periods`` (a quarter's first month
    for a monthly series, a month's quarter for a quarterly one): (those strictly after the
    first period and up to the last, the others)."""
    freq = periods.freqstr[:1]
    inside, outside = [], []
    for p in m.rebase:
        q = p.asfreq("M", how="start") if freq == "M" and p.freqstr[:1] == "Q" else p.asfreq(freq)
        (inside if periods[0] < q <= periods[-1] else outside).append(q)
    return sorted(set(inside)), outside


def spc_call(m: Measure, y, n, periods, labels=None, rebase=None):
    from ..spc import spc

    chart = m.chart or DEFAULT_CHART[m.kind]
    target = m.target
    if chart in ("xmr", "i", "run"):
        if n is not None:  # chart the value itself
            y, n = y / n * (m.per if m.kind == "rate" else 1.0), None
    elif m.kind == "rate" and target is not None:
        target = target / m.per  # u charts work per unit of exposure
    return spc(y, chart=chart, n=n, rules="mdc", target=target, improvement=m.improvement,
               time=periods, labels=labels, nan_policy="omit", rebase=rebase or None)


def spc_step(m: Measure, table, res: MeasureResult, issues: list):
    y, n, present = spc_inputs(m, table.force, table.periods)
    periods = table.periods[present]
    if present.sum() < 12:
        raise ValueError(f"only {present.sum()} periods with data; an SPC chart needs 12 or more")
    rebase, outside = rebase_periods(m, table.periods)
    if outside:
        issues.append(Issue(m.name, f"rebase: {_n.listing(map(_n.period_text, outside))} "
                            f"{'is' if len(outside) == 1 else 'are'} not within the series "
                            f"after its first period ({words.window_text(table.periods)})",
                            "left out: the limits are recalculated only within the series"))
    result = spc_call(m, y[present], None if n is None else n[present], periods, rebase=rebase)
    res.spc = result
    res.variation, res.assurance = result.variation, result.assurance
    per = m.per if m.kind == "rate" and result.chart in ("u", "up") else None
    text = result.narrative(measure=words.the(m), per=per)
    if rebase:
        text += (" The recalculation is at a break in the series named in the specification "
                 "(rebase); the latest point is judged against the limits of its own segment.")
    res.findings.append(("SPC", text))
    for p in rebase:
        res.add(FORCE, "spc", "limits recalculated from", math.nan, period=_n.period_text(p),
                method=f"{result.chart} chart, rebase in the specification")
    table_ = result.series_table().iloc[0]
    res.add(FORCE, "spc", "latest point", table_["latest"], table_["lower"], table_["upper"],
            flag=f"{result.variation}; assurance: {result.assurance or 'n/a'}",
            period=_n.period_text(periods[-1]),
            method=f"{result.chart} chart, Making Data Count rules")
    res.methods.add("spc_" + result.chart)
