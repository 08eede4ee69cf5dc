"""The analysis of one measure: latest value against target, change on last year, trend, SPC
signals and the areas that stand out.

Every step runs on its own: a step that cannot be done (too few periods, no area column, no
data a year earlier) is reported as a data issue and the other steps go on.
"""
from __future__ import annotations

import dataclasses
import math
import time

import numpy as np

from . import aggregate, words
from .spec import Issue, Measure, window_months

CONF = 0.95
DEFAULT_CHART = {"proportion": "pp", "rate": "up", "count": "xmr", "wait": "xmr"}
FORCE = "(force)"


@dataclasses.dataclass
class MeasureResult:
    """Everything the report shows about one measure."""

    measure: Measure
    ok: bool = False
    error: str = ""
    window: str = ""
    window_short: str = ""
    previous_window: str = ""
    value: float = math.nan
    lower: float = math.nan
    upper: float = math.nan
    target_verdict: str | None = None
    change_verdict: str | None = None
    change_text: str = ""
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
            shown = ", ".join(words.period_text(p, short=True) for p in table.missing[:6])
            more = f" and {len(table.missing) - 6} more" if len(table.missing) > 6 else ""
            issues.append(Issue(m.name, f"{words.plural(len(table.missing), 'period')} missing "
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
    present = latest.isin(table.force.index).sum()
    if present < k:
        issues.append(Issue(m.name, f"the latest {'period' if k == 1 else str(k) + ' periods'} "
                            f"({words.window_text(latest)}) have data for only {present}",
                            "the latest value rests on the periods present"))
    return latest, previous


def _sum(frame, periods, cols=("x", "n", "w2", "rows")):
    part = frame.reindex(periods)
    present = int(part["x"].notna().sum())
    return {c: float(part[c].sum()) for c in cols if c in part.columns}, present


# ---- proportions, rates and counts -------------------------------------------------------------

def _analyse_totals(m: Measure, table, res: MeasureResult, levels, issues):
    latest, previous = windows(m, table, issues)
    res.window, res.previous_window = words.window_text(latest), words.window_text(previous)
    res.window_short = words.window_text(latest, short=True)
    now, k_now = _sum(table.force, latest)
    before, k_before = _sum(table.force, previous)
    step(res, issues, "latest value", _latest, m, now, k_now * aggregate.MONTHS[table.freq], res)
    if m.target is not None:
        step(res, issues, "test against the target", _against_target, m, now, res)
    else:
        res.findings.append(("Target", "No target is set for this measure."))
    if k_before == 0:
        issues.append(Issue(m.name, f"no data for {res.previous_window}, a year before the latest "
                            "period", "the change on last year is not assessed"))
    else:
        step(res, issues, "change on last year", _change, m, now, k_now, before, k_before, res)
    step(res, issues, "trend", trend_step, m, table, res)
    step(res, issues, "SPC chart", spc_step, m, table, res)
    if table.areas is not None:
        from .areas import analyse_areas

        step(res, issues, "areas", analyse_areas, m, table, latest, previous, res, levels)


def value_of(m: Measure, x, n):
    if m.kind == "proportion":
        return x / n if n > 0 else math.nan
    if m.kind == "rate":
        return x / n * m.per if n > 0 else math.nan
    return x


def _latest(m: Measure, now, months: int, res: MeasureResult):
    from .. import rates

    x, n = now["x"], now["n"]
    if m.kind == "proportion":
        xr, nr = aggregate.effective(x, n, now["w2"], bool(m.weight))
        ci = rates.proportion_ci(int(xr), int(nr), conf=CONF, method="wilson")
        est, lo, hi = x / n, ci.lower, ci.upper
        if m.weight:
            lo, hi = lo + (est - ci.estimate), hi + (est - ci.estimate)
            lo, hi = max(lo, 0.0), min(hi, 1.0)
        method = "Wilson score interval" + (" on the Kish effective sample size" if m.weight else "")
        counts = (f"weighted, {int(now['rows']):,} {m.cases}; effective sample size {int(nr):,}"
                  if m.weight else f"{int(round(x)):,} of {int(round(n)):,}")
        text = (f"In {res.window}, {words.fmt(est, m)} ({counts}; "
                f"{words.ci_text(lo, hi, m)}).")
        res.methods.add("wilson")
    else:
        exposure = n if m.kind == "rate" else 1.0
        ci = rates.rate_ci(x, exposure, conf=CONF, method="exact", per=m.per or 1.0)
        est, lo, hi = value_of(m, x, n), ci.lower, ci.upper
        method = "exact Poisson interval (Garwood)"
        res.methods.add("garwood")
        if m.kind == "rate":
            text = (f"In {res.window}, {words.fmt(est, m)} ({int(x):,} in an average population of "
                    f"{n * 12 / months:,.0f}; {words.ci_text(lo, hi, m)}).")
        else:
            text = (f"In {res.window}, {int(x):,} in total over {words.plural(months, 'month')} "
                    f"with data ({words.ci_text(lo, hi, m)}).")
    res.value, res.lower, res.upper = est, lo, hi
    res.findings.append(("Latest value", text))
    res.add(FORCE, "latest", "value", est, lo, hi, period=res.window, method=method)
    res.add(FORCE, "latest", "numerator" if m.kind == "proportion" else "count", x,
            period=res.window)
    if m.kind != "count":
        res.add(FORCE, "latest", "denominator" if m.kind == "proportion" else "person_years", n,
                period=res.window)


def _against_target(m: Measure, now, res: MeasureResult):
    from .. import rates

    if m.kind == "proportion":
        xr, nr = aggregate.effective(now["x"], now["n"], now["w2"], bool(m.weight))
        test = rates.test_target(int(xr), int(nr), m.target)
        verdict, fallback = words.target_sentence(m, res.value, res.lower, res.upper,
                                                  test.pvalue, m.target)
        text = words.narrate(test, fallback, measure=m.noun, target_name="target")
        res.add(FORCE, "target", "exact binomial test", test.statistic, test.lower, test.upper,
                test.pvalue, flag=verdict, period=res.window,
                method="exact binomial test (as R binom.test)", note=f"target {m.target:g}")
        res.methods.add("binomial")
    else:
        verdict, text = words.target_sentence(m, res.value, res.lower, res.upper, None, m.target)
        res.add(FORCE, "target", "target within the 95% CI", m.target, res.lower, res.upper,
                flag=verdict, period=res.window, method="exact Poisson interval")
    res.target_verdict = verdict
    res.findings.append(("Target", text))


def _change(m: Measure, now, k_now, before, k_before, res: MeasureResult):
    from .. import rates

    if m.kind == "proportion":
        x1, n1 = aggregate.effective(now["x"], now["n"], now["w2"], bool(m.weight))
        x0, n0 = aggregate.effective(before["x"], before["n"], before["w2"], bool(m.weight))
        test = rates.compare_proportions(int(x1), int(n1), int(x0), int(n0), conf=CONF)
        p_before = before["x"] / before["n"]
        diff = 100 * test.difference
        stat = (f"difference {diff:+.1f} points, 95% CI {100 * test.lower:+.1f} to "
                f"{100 * test.upper:+.1f}; chi-square test")
        res.change_text = f"{diff:+.1f} pts"
        res.add(FORCE, "change on last year", "difference", test.difference, test.lower,
                test.upper, test.pvalue, period=f"{res.window} vs {res.previous_window}",
                method="Pearson chi-square test of two proportions (as R prop.test)")
        res.methods.add("prop_test")
    else:
        e1 = now["n"] if m.kind == "rate" else float(k_now)
        e0 = before["n"] if m.kind == "rate" else float(k_before)
        test = rates.compare_rates(now["x"], e1, before["x"], e0, conf=CONF)
        p_before = value_of(m, before["x"], before["n"]) if m.kind == "rate" else \
            before["x"] * k_now / k_before
        stat = (f"rate ratio {test.ratio:.3f}, 95% CI {test.lower:.3f} to {test.upper:.3f}; "
                "exact Poisson test")
        res.change_text = f"{100 * (test.ratio - 1):+.1f}%"
        res.add(FORCE, "change on last year", "rate ratio", test.ratio, test.lower, test.upper,
                test.pvalue, period=f"{res.window} vs {res.previous_window}",
                method="exact conditional test of two Poisson rates (as R poisson.test)")
        res.methods.add("poisson_test")
    verdict, fallback = words.change_sentence(m, res.value, p_before, stat, test.pvalue)
    groups = (res.window, res.previous_window)
    if m.kind == "proportion":
        text = words.narrate(test, fallback, measure=m.noun, groups=groups)
    elif m.kind == "rate":
        text = words.narrate(test, fallback, measure=m.noun, groups=groups, per=m.per,
                             unit=words.per_unit(m))
    else:
        text = words.narrate(test, fallback, measure=f"{m.noun} per month", groups=groups,
                             unit="month")
    if m.kind == "count" and k_now != k_before:
        text += (f" The two periods have data for {k_now} and {k_before} months; the "
                 "comparison is per month.")
    res.change_verdict = verdict
    res.findings.append(("Change on last year", text))


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
    pos = np.arange(len(values), dtype=float)
    ok = np.isfinite(values)
    steps_per_year = 12 // aggregate.MONTHS[table.freq]
    if ok.sum() < 8:
        raise ValueError(f"only {ok.sum()} periods with data; at least 8 are needed")
    mk = trend.mann_kendall(values[ok], t=pos[ok])
    sen = trend.sen_slope(values[ok], t=pos[ok], conf=CONF)
    scale = 100.0 if m.kind == "proportion" else 1.0
    unit = {"proportion": " points", "rate": f" ({m.unit})"}.get(m.kind, "")
    slope_text = (f"{scale * sen.slope * steps_per_year:+.2f}{unit} a year (95% CI "
                  f"{scale * sen.lower * steps_per_year:+.2f} to "
                  f"{scale * sen.upper * steps_per_year:+.2f})")
    verdict, fallback = words.trend_sentence(m, mk, slope_text)
    step_name = "month" if table.freq == "M" else "quarter"
    if m.kind == "proportion":
        fallback = (words.narrate(mk, fallback, measure=m.noun, unit=step_name)
                    + f" In percentage points, Sen's slope is {slope_text}.")
    res.trend_verdict = verdict
    res.series = pd.DataFrame({"period": table.periods, "value": values,
                               "fitted": sen.intercept + sen.slope * pos})
    res.add(FORCE, "trend", "Mann-Kendall z", mk.z, pvalue=mk.pvalue, flag=mk.trend,
            period=words.window_text(table.periods), method="Mann-Kendall test")
    res.add(FORCE, "trend", "Sen slope per year", sen.slope * steps_per_year,
            sen.lower * steps_per_year, sen.upper * steps_per_year,
            period=words.window_text(table.periods), method="Sen's slope (as R trend::sens.slope)")
    res.methods.update({"mann_kendall", "sen"})
    text = fallback
    if m.kind in ("rate", "count"):
        ct = _count_trend(m, table, values, ok, pos, steps_per_year)
        if ct is not None:
            verdict, text = words.count_trend_sentence(m, ct, 1.0 / steps_per_year)
            text = words.narrate(ct, text, unit=step_name, measure=m.noun)
            res.trend_verdict = verdict
            per_year = lambda r: r ** steps_per_year  # noqa: E731
            res.add(FORCE, "trend", "rate ratio per year", per_year(ct.rate_ratio),
                    per_year(ct.lower), per_year(ct.upper), ct.pvalue, flag=verdict,
                    period=words.window_text(table.periods), method=str(ct.method))
            res.methods.add("count_trend")
            text += " " + fallback
    res.findings.append(("Trend", text))


def _count_trend(m: Measure, table, values, ok, pos, steps_per_year):
    from .. import trend

    part = table.force.reindex(table.periods)
    counts = part["x"].to_numpy(dtype=float)[ok]
    exposure = part["n"].to_numpy(dtype=float)[ok] if m.kind == "rate" else None
    season = None
    if steps_per_year > 1 and ok.sum() >= 2 * steps_per_year + 4:
        season = [str(p.month if table.freq == "M" else p.quarter) for p in table.periods[ok]]
        season = [s.zfill(2) for s in season]
    if np.any(counts != np.rint(counts)):
        return None
    for family in ("negbin", "poisson"):
        try:
            fit = trend.count_trend(counts, exposure=exposure, t=pos[ok], season=season,
                                    family=family, conf=CONF)
        except Exception:  # negative binomial may not converge on tiny or equidispersed data
            continue
        if getattr(fit, "status", "ok") == "ok" and np.isfinite(fit.rate_ratio):
            return fit
    return None


def spc_inputs(m: Measure, frame, periods):
    part = frame.reindex(periods)
    present = part["x"].notna().to_numpy()
    if m.kind == "proportion":
        x, n = aggregate.effective(part["x"], part["n"], part["w2"], bool(m.weight))
        return x, n, present
    if m.kind == "rate":
        return part["x"].to_numpy(dtype=float), part["n"].to_numpy(dtype=float), present
    return part["x"].to_numpy(dtype=float), None, present


def spc_call(m: Measure, y, n, periods, labels=None):
    from ..spc import spc

    chart = m.chart or DEFAULT_CHART[m.kind]
    target = m.target
    if chart in ("xmr", "i", "run"):
        if n is not None:  # chart the value itself
            y, n = y / n * (m.per if m.kind == "rate" else 1.0), None
    elif m.kind == "rate" and target is not None:
        target = target / m.per  # u charts work per unit of exposure
    return spc(y, chart=chart, n=n, rules="mdc", target=target,
                          improvement=m.improvement, time=periods, labels=labels,
                          nan_policy="omit")


def spc_step(m: Measure, table, res: MeasureResult):
    y, n, present = spc_inputs(m, table.force, table.periods)
    periods = table.periods[present]
    if present.sum() < 12:
        raise ValueError(f"only {present.sum()} periods with data; an SPC chart needs 12 or more")
    result = spc_call(m, y[present], None if n is None else n[present], periods)
    res.spc = result
    res.variation, res.assurance = result.variation, result.assurance
    per = m.per if m.kind == "rate" and result.chart in ("u", "up") else None
    fallback = (f"The latest point shows {result.variation}"
                + (f"; assurance against the target: {result.assurance}" if result.assurance else "")
                + ".")
    text = words.narrate(result, fallback, measure=m.noun, per=per)
    res.findings.append(("SPC", text))
    table_ = result.series_table().iloc[0]
    res.add(FORCE, "spc", "latest point", table_["latest"], table_["lower"], table_["upper"],
            flag=f"{result.variation}; assurance: {result.assurance or 'n/a'}",
            period=words.period_text(periods[-1]),
            method=f"{result.chart} chart, Making Data Count rules")
    res.methods.add("spc_" + result.chart)
