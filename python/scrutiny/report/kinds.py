"""The kinds of measure of the report, one class each, in one registry (:data:`KINDS`).

A kind says everything that differs between measures of different kinds: the settings and
columns it needs, how its rows are totalled, its value and interval, its tests against the
target and on last year, its trend, the inputs of its SPC chart, its funnel plot and how its
numbers are written.  The steps of the analysis (:mod:`.steps`, :mod:`.areas`) and the pages
(:mod:`.overview`, :mod:`.html`) ask the measure's kind (``measure.measure_kind``) and never
test its name, so a new kind of measure is one new class registered here.

==============  ====================================  ================================
kind            value                                 counts of its tests
==============  ====================================  ================================
``proportion``  numerator / denominator               binomial (Kish effective counts)
``rate``        count / person-years × ``per``        Poisson, exposure person-years
``count``       count                                 Poisson, exposure periods
``wait``        Kaplan-Meier median wait (days)       log-rank; series: share in time
==============  ====================================  ================================
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from .. import _narrative as _n
from .. import rates
from . import aggregate, expr, waits, words
from .issues import Issue
from .result import Change, Latest
from .steps import CONF, FORCE, count_trend

__all__ = ["MeasureKind", "Proportion", "Rate", "Count", "Wait", "KINDS"]


class MeasureKind:
    """The protocol of a kind of measure, with the defaults most kinds share.

    A subclass sets ``name``, ``default_chart`` (the SPC chart used when the measure names
    none) and ``funnel_kind`` (the ``kind`` of :func:`scrutiny.funnel`, None for no funnel
    plot), implements the methods that raise NotImplementedError here, and overrides the
    defaults that do not fit it.
    """

    name = ""
    default_chart = "xmr"
    funnel_kind: str | None = None
    default_per: float | None = None     # the ``per`` of a measure that gives none
    uses_population = False              # whether ``population_by`` applies
    positive_settings: tuple = ()        # further settings read as positive numbers
    x_name = "count"                     # the numerator, in messages and the tidy rows
    n_name: str | None = None            # the denominator in the tidy rows (None: none)
    trend_scale = 1.0                    # the Mann-Kendall test's values are scaled by this
    value_axis = "count"                 # charts' value axis: "count", "percent" or "rate"

    # ---- the specification --------------------------------------------------------------

    def inputs(self, entry: dict) -> dict:
        """The settings of what is counted (``numerator``, ``denominator``...), read from a
        measure's entry; raises ValueError saying what is missing."""
        numerator = entry.get("numerator", entry.get("count"))
        if not isinstance(numerator, str):
            raise ValueError(f"a {self.name} needs count (a column name or an expression)")
        return {"numerator": numerator, "denominator": None}

    def expressions(self, fields: dict) -> list:
        """(text, what) of the expressions to check beyond the numerator and the filter."""
        return []

    def columns(self, m) -> set:
        """The columns read by the measure's numerator and denominator."""
        return expr.columns(m.numerator, "numerator") if m.numerator is not None else set()

    def default_unit(self, per, days) -> str:
        return ""

    def target_problem(self, value: float, days) -> str | None:
        """Why ``value`` cannot be the target, or None."""
        if value < 0:
            return (f"target = {value:g} is outside the range of a {self.name} (0 or more)")
        return None

    # ---- the rows -----------------------------------------------------------------------

    def table(self, rows, m, prepared, issues):
        """The totals of the measure's rows (an :class:`~.aggregate.Table`)."""
        return aggregate.totals_table(rows, m, self, prepared, issues)

    def read(self, rows, m, read):
        """Per row: the numerator and the denominator (arrays); ``read(text, what)`` reads a
        column or an expression."""
        raise NotImplementedError

    def screen(self, rows, m, x, n, ok, issues):
        """The rows kept after the kind's own checks."""
        return ok

    def population(self, rows, m, period, freq, n, ok):
        """Which rows share one population (a code per row, or None) and how it was told."""
        return None, ""

    def weighted(self, x, n, w, ok) -> dict:
        """The columns ``x``, ``n`` and ``w2`` of the kept rows, with the weights ``w``."""
        return {"x": (x * w)[ok], "n": n[ok], "w2": 0.0}

    def totals(self, data, keys, freq):
        """Totals of the rows by ``keys`` (a DataFrame: ``x``, ``n``, ``rows``...)."""
        return aggregate.sum_totals(data, keys)

    def nonempty(self, totals):
        """The totals that can be analysed."""
        return totals

    # ---- values and their tests ---------------------------------------------------------

    def per(self, m) -> float | None:
        """The rate multiplier of the narratives (None but for a rate)."""
        return None

    def scale(self, m) -> float:
        """The multiplier from x / n to the measure's value."""
        return self.per(m) or 1.0

    def value(self, m, x, n):
        """The value of totals ``x`` and ``n``."""
        raise NotImplementedError

    def series(self, m, frame, periods) -> np.ndarray:
        """Per-period values over ``periods`` (NaN where a period is missing)."""
        raise NotImplementedError

    def counts(self, m, x, n, w2):
        """The counts of the binomial or Poisson methods: (events, trials or exposure, or
        None)."""
        raise NotImplementedError

    def latest(self, m, table, span, out, issues) -> Latest:
        """The value of the latest window with its 95% CI (the finding and the tidy rows)."""
        now, k_now = aggregate.window_totals(table.force, span.latest)
        months = k_now * aggregate.MONTHS[table.freq]
        ci, method, counts, text = self.interval(m, now, months, out)
        est, lo, hi = float(ci.estimate), float(ci.lower), float(ci.upper)
        out.finding("Latest value", f"{span.lead()}, {words.lower_first(text[:-1])}, {counts}.")
        note = span.note()
        out.add(FORCE, "latest", "value", est, lo, hi, period=span.text, method=method,
                note=note)
        out.add(FORCE, "latest", self.x_name, now["x"], period=span.text, note=note)
        if self.n_name:
            out.add(FORCE, "latest", self.n_name, now["n"], period=span.text,
                    note="; ".join(t for t in (note, table.population) if t))
        return Latest(value=est, lower=lo, upper=hi)

    def interval(self, m, now, months, out):
        """(CI result, method, the counts in words, its narrative) of the latest totals
        ``now`` over ``months`` months with data."""
        raise NotImplementedError

    def target_test(self, m, table, span, latest, out):
        """The latest value against the target by its 95% CI: the verdict."""
        verdict, text = words.against_target(m, self.the(m), latest.value, latest.lower,
                                             latest.upper, m.target,
                                             lambda v: self.format(v, m), self.bare(m))
        out.add(FORCE, "target", "target within the 95% CI", m.target, latest.lower,
                latest.upper, flag=verdict, period=span.text, method="exact Poisson interval")
        out.finding("Target", text)
        return verdict

    def change_test(self, m, table, comparison, span, out) -> Change:
        """The change on last year over the periods compared (a :class:`~.steps.Comparison`)."""
        raise NotImplementedError

    def area_change(self, m, now, before, both):
        """Per area with data in both years (``both``): (positions, change for the table,
        p-values, table column, (tidy-row quantity, estimate, lower, upper) in the unit of the
        force's row))."""
        raise NotImplementedError

    def area_interval(self, m, x, n, w2):
        """The 95% CI of each area's latest value from its totals: (lower, upper) arrays."""
        raise NotImplementedError

    def count_trend(self, m, table, ok, years):
        """The log-linear trend of the counts and whether it allows for the season, or
        (None, False) for a kind without one."""
        return None, False

    def slope_text(self, sen) -> str:
        """What the trend's sentence adds about Sen's slope."""
        return ""

    def series_view(self, m, table):
        """(measure, table) the trend, SPC chart and areas are analysed on, or None."""
        return m, table

    # ---- words --------------------------------------------------------------------------

    def the(self, m) -> str:
        """The measure inside a sentence, with its article ("the arrest rate")."""
        return f"the {m.noun}"

    def format(self, value, m) -> str:
        """A value of the measure in its unit ('n/a' when missing)."""
        if value is None or not np.isfinite(value):
            return "n/a"
        return self._format(value, m)

    def _format(self, value, m) -> str:
        raise NotImplementedError

    def bare(self, m):
        """The formatter of the measure's numbers without their unit (for intervals)."""
        return lambda v: _n.fixed(v, 0)

    def headline(self, m, latest) -> str:
        """The latest value in words and units."""
        return self.format(math.nan if latest is None else latest.value, m)

    def target_text(self, m) -> str:
        """The target in the measure's units."""
        return self.format(m.target, m)

    def area_value_name(self, m) -> str:
        """The heading of the value column of the area table."""
        return "value"

    def area_value(self, value, m) -> str:
        return self.bare(m)(value)


class Count(MeasureKind):
    """A total of rows (e.g. recorded crimes): exact Poisson interval; changes per period."""

    name = "count"

    def read(self, rows, m, read):
        return read(m.numerator, self.x_name), np.zeros(len(rows))

    def totals(self, data, keys, freq):
        """``n`` is 1 a period: a count's exposure is its periods."""
        totals = aggregate.sum_totals(data, keys)
        totals["n"] = 1.0
        return totals

    def value(self, m, x, n):
        return x

    def series(self, m, frame, periods) -> np.ndarray:
        return frame.reindex(periods)["x"].to_numpy(dtype=float)

    def counts(self, m, x, n, w2):
        return x, None

    def area_interval(self, m, x, n, w2):
        ci = rates.rate_ci(x, np.ones_like(x), conf=CONF, method="exact", per=m.per or 1.0)
        return np.atleast_1d(ci.lower), np.atleast_1d(ci.upper)

    def interval(self, m, now, months, out):
        x = now["x"]
        ci = rates.rate_ci(x, 1.0, conf=CONF, method="exact", per=m.per or 1.0)
        out.method("garwood")
        text = (f"{_n.capital(m.noun)} totals {int(x):,} "
                f"({_n.interval(ci.lower, ci.upper, CONF, _n.number)}; exact (Garwood) "
                "interval).")
        return (ci, "exact Poisson interval (Garwood)",
                f"over {_n.plural(months, 'month')} with data", text)

    def change_test(self, m, table, comparison, span, out) -> Change:
        """Exact test of two Poisson rates (rates per person-year; counts per period)."""
        (now, k_now), (before, k_before) = (aggregate.window_totals(table.force, p)
                                            for p in (comparison.now, comparison.before))
        groups = comparison.groups(span)
        test = rates.compare_rates(now["x"], self.exposure(now, k_now), before["x"],
                                   self.exposure(before, k_before), conf=CONF)
        text = self.change_text(m, test, groups, span)
        out.add(FORCE, "change on last year", "rate ratio", test.ratio, test.lower, test.upper,
                test.pvalue, period=f"{groups[0]} vs {groups[1]}",
                method="exact conditional test of two Poisson rates (as R poisson.test)")
        out.method("poisson_test")
        verdict = words.change_verdict(m, test.pvalue < words.ALPHA, test.ratio > 1)
        out.finding("Change on last year", f"{comparison.note} {text}".strip())
        return Change(verdict=verdict, size=f"{100 * (test.ratio - 1):+.1f}%",
                      note=comparison.note)

    def exposure(self, totals: dict, periods: int) -> float:
        """The exposure of window totals with ``periods`` periods of data."""
        return float(periods)

    def change_text(self, m, test, groups, span) -> str:
        return test.narrative(measure=f"{span.unit}ly average of {m.noun}", groups=groups)

    def area_change(self, m, now, before, both):
        test = rates.compare_rates(now["x"][both], now["n"][both], before["x"][both],
                                   before["n"][both], conf=CONF)
        ratio = np.atleast_1d(test.ratio)
        return (np.flatnonzero(both), 100 * (ratio - 1), np.atleast_1d(test.pvalue),
                "change on last year (%)",
                ("rate ratio", ratio, np.atleast_1d(test.lower), np.atleast_1d(test.upper)))

    def count_trend(self, m, table, ok, years):
        return count_trend(table, ok, years, exposure=False)

    def the(self, m) -> str:
        """A count names what is counted ("recorded crime") and goes without an article."""
        return m.noun

    def _format(self, value, m) -> str:
        return _n.fixed(value, 0) + (f" {m.unit}" if m.unit else "")

    def area_value_name(self, m):
        return "count"


class Proportion(MeasureKind):
    """Numerator over denominator (survey weights allowed): Wilson interval, exact binomial
    test against the target, chi-square test of the change, Laney p' chart, funnel plot."""

    name = "proportion"
    default_chart = "pp"
    value_axis = "percent"
    funnel_kind = "proportion"
    x_name = "numerator"
    n_name = "denominator"
    trend_scale = 100.0   # percentage points, so that Sen's slope reads as points a year

    def inputs(self, entry):
        numerator = entry.get("numerator", entry.get("count"))
        denominator = entry.get("denominator", entry.get("population"))
        if not isinstance(numerator, str):
            raise ValueError("a proportion needs numerator (a column name or an expression)")
        if not isinstance(denominator, str):
            raise ValueError("a proportion needs denominator (a column name, an expression or "
                             "'rows')")
        return {"numerator": numerator, "denominator": denominator}

    def expressions(self, fields):
        return [(fields["denominator"], "denominator")]

    def columns(self, m):
        return super().columns(m) | expr.columns(m.denominator, "denominator")

    def default_unit(self, per, days):
        return "%"

    def target_problem(self, value, days):
        if 0 < value < 1:
            return None
        hint = f" (for {value:g} % write {value / 100:g})" if 1 < value <= 100 else ""
        return (f"target = {value:g} is outside the range of a proportion (strictly between 0 "
                f"and 1){hint}")

    def read(self, rows, m, read):
        return read(m.numerator, "numerator"), read(m.denominator, "denominator")

    def screen(self, rows, m, x, n, ok, issues):
        above = ok & (x > n * (1 + 1e-12))
        if above.any():
            where = ", ".join(str(i) for i in rows.index[above][:3])
            issues.append(Issue(m.name, f"{aggregate.rows_have(above.sum())} a numerator above "
                                f"the denominator (row {where})", "those rows are left out"))
        return ok & ~above

    def weighted(self, x, n, w, ok):
        return {"x": (x * w)[ok], "n": (n * w)[ok], "w2": ((n * w) ** 2)[ok]}

    def nonempty(self, totals):
        return totals[totals["n"] > 0]

    def value(self, m, x, n):
        return x / n if n > 0 else math.nan

    def series(self, m, frame, periods):
        part = frame.reindex(periods)
        return (part["x"] / part["n"]).to_numpy(dtype=float)

    def counts(self, m, x, n, w2):
        return aggregate.effective(x, n, w2, bool(m.weight))

    def area_interval(self, m, x, n, w2):
        xr, nr = self.counts(m, x, n, w2)
        ci = rates.proportion_ci(np.round(xr), np.round(nr), conf=CONF, method="wilson")
        lower, upper = np.atleast_1d(ci.lower), np.atleast_1d(ci.upper)
        if m.weight:  # moved to the weighted estimates, as the force's
            shift = x / n - np.atleast_1d(ci.estimate)
            lower, upper = np.maximum(lower + shift, 0.0), np.minimum(upper + shift, 1.0)
        return lower, upper

    def interval(self, m, now, months, out):
        x, n = now["x"], now["n"]
        xr, nr = self.counts(m, x, n, now["w2"])
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
        out.method("wilson")
        return ci, method, counts, ci.narrative(measure=m.noun)

    def target_test(self, m, table, span, latest, out):
        now, _ = aggregate.window_totals(table.force, span.latest)
        xr, nr = self.counts(m, now["x"], now["n"], now["w2"])
        test = rates.test_target(int(xr), int(nr), m.target, conf=CONF)
        verdict = words.SAME
        if test.pvalue < words.ALPHA:
            verdict = words.side(m, latest.value > m.target, words.TARGET_WORDS)
        out.add(FORCE, "target", "exact binomial test", test.estimate, test.lower, test.upper,
                test.pvalue, flag=verdict, period=span.text,
                method="exact binomial test (as R binom.test)", note=f"target {m.target:g}")
        out.method("binomial")
        out.finding("Target", test.narrative(measure=m.noun))
        return verdict

    def change_test(self, m, table, comparison, span, out):
        (now, _), (before, _) = (aggregate.window_totals(table.force, p)
                                 for p in (comparison.now, comparison.before))
        groups = comparison.groups(span)
        x1, n1 = self.counts(m, now["x"], now["n"], now["w2"])
        x0, n0 = self.counts(m, before["x"], before["n"], before["w2"])
        test = rates.compare_proportions(int(x1), int(n1), int(x0), int(n0), conf=CONF)
        text = test.narrative(measure=m.noun, groups=groups)
        out.add(FORCE, "change on last year", "difference", test.difference, test.lower,
                test.upper, test.pvalue, period=f"{groups[0]} vs {groups[1]}",
                method="Pearson chi-square test of two proportions (as R prop.test)")
        out.method("prop_test")
        verdict = words.change_verdict(m, test.pvalue < words.ALPHA, test.difference > 0)
        out.finding("Change on last year", f"{comparison.note} {text}".strip())
        return Change(verdict=verdict, size=f"{100 * test.difference:+.1f} pts",
                      note=comparison.note)

    def area_change(self, m, now, before, both):
        (x1, n1), (x0, n0) = (self.counts(m, v["x"][both], v["n"][both], v["w2"][both])
                              for v in (now, before))
        ok = (n1 > 0) & (n0 > 0)
        test = rates.compare_proportions(x1[ok], n1[ok], x0[ok], n0[ok], conf=CONF)
        diff = np.atleast_1d(test.difference)
        return (np.flatnonzero(both)[ok], 100 * diff, np.atleast_1d(test.pvalue),
                "change on last year (points)",
                ("difference", diff, np.atleast_1d(test.lower), np.atleast_1d(test.upper)))

    def slope_text(self, sen):
        s = self.trend_scale
        ci = _n.interval(s * sen.lower, s * sen.upper, CONF, _n.matched(s * sen.slope, sign=True))
        return f" The slope is in percentage points a year ({ci})."

    def _format(self, value, m):
        return _n.percent(value, m.decimals)

    def bare(self, m):
        return lambda v: _n.percent(v, m.decimals)


class Rate(Count):
    """A count per population (person-years × ``per``): exact Poisson interval and tests,
    Laney u' chart, funnel plot; the population counted once a period (``population_by``)."""

    name = "rate"
    default_chart = "up"
    value_axis = "rate"
    funnel_kind = "rate"
    default_per = 1000.0
    uses_population = True
    n_name = "person_years"

    def inputs(self, entry):
        fields = super().inputs(entry)
        denominator = entry.get("denominator", entry.get("population"))
        if not isinstance(denominator, str):
            raise ValueError("a rate needs population (the column of residents, or other "
                             "exposure)")
        return {**fields, "denominator": denominator}

    def columns(self, m):
        return super().columns(m) | {m.denominator}

    def default_unit(self, per, days):
        return f"per {per:,g} a year"

    def read(self, rows, m, read):
        return read(m.numerator, "count"), read(m.denominator, "population")

    def population(self, rows, m, period, freq, n, ok):
        return aggregate.population_units(rows, m, period, freq, n, ok)

    def totals(self, data, keys, freq):
        return aggregate.population_totals(data, keys, freq)

    def per(self, m):
        return m.per

    def value(self, m, x, n):
        return x / n * m.per if n > 0 else math.nan

    def series(self, m, frame, periods):
        part = frame.reindex(periods)
        return (part["x"] / part["n"] * m.per).to_numpy(dtype=float)

    def counts(self, m, x, n, w2):
        return x, n

    def area_interval(self, m, x, n, w2):
        ci = rates.rate_ci(x, n, conf=CONF, method="exact", per=m.per or 1.0)
        return np.atleast_1d(ci.lower), np.atleast_1d(ci.upper)

    def interval(self, m, now, months, out):
        x, n = now["x"], now["n"]
        ci = rates.rate_ci(x, n, conf=CONF, method="exact", per=m.per or 1.0)
        out.method("garwood")
        counts = (f"from {int(x):,} {m.cases} in an average population of "
                  f"{n * 12 / months:,.0f}")
        return (ci, "exact Poisson interval (Garwood)", counts,
                ci.narrative(measure=m.noun, unit=words.per_unit(m)))

    def exposure(self, totals, periods):
        return totals["n"]

    def change_text(self, m, test, groups, span):
        return test.narrative(measure=m.noun, groups=groups, per=m.per, unit=words.per_unit(m))

    def count_trend(self, m, table, ok, years):
        return count_trend(table, ok, years, exposure=True)

    def the(self, m):
        return f"the {m.noun}"

    def _format(self, value, m):
        return f"{_n.fixed(value, m.decimals)} {m.unit}".strip()

    def bare(self, m):
        return lambda v: _n.fixed(v, m.decimals)

    def area_value_name(self, m):
        return f"value ({m.unit})"


class Wait(MeasureKind):
    """Waiting times with open cases (:mod:`.waits`): Kaplan-Meier median and share decided
    within ``target_days``, log-rank test of the change; trend, SPC chart and areas on the
    monthly share decided within ``target_days``."""

    name = "wait"
    positive_settings = ("target_days",)
    value_axis = "percent"              # the monthly share decided in time

    def inputs(self, entry):
        for key in ("duration", "open"):
            if not isinstance(entry.get(key), str):
                raise ValueError(f"a wait needs {key} (a column name)")
        return {"duration": entry["duration"], "open": entry["open"], "numerator": None,
                "denominator": None}

    def columns(self, m):
        return set()

    def default_unit(self, per, days):
        return "days"

    def target_problem(self, value, days):
        if 0 < value < 1:
            return None if days is not None else (
                "a wait target needs target_days (the share decided within that many days "
                "is tested)")
        return Proportion().target_problem(value, days)

    def table(self, rows, m, prepared, issues):
        return aggregate.wait_table(rows, m, prepared, issues)

    def latest(self, m, table, span, out, issues):
        return waits.latest(m, table, span, out, issues)

    def target_test(self, m, table, span, latest, out):
        return waits.against_target(m, span, latest, out)

    def change_test(self, m, table, comparison, span, out):
        return waits.change(m, table, comparison, span, out)

    def series_view(self, m, table):
        share = waits.share_table(m, table) if m.target_days else None
        return None if share is None else (waits.share_measure(m), share)

    def _format(self, value, m):
        return _n.plural(round(value), "day")

    def headline(self, m, latest):
        value = math.nan if latest is None else latest.value
        parts = [f"median {self.format(value, m)}" if np.isfinite(value)
                 else f"median {(latest.note if latest else '') or 'n/a'}"]
        share = None if latest is None or latest.share is None else latest.share[0]
        if share is not None and math.isfinite(share):
            parts.append(f"{words.share(share)} within {m.target_days:g} days")
        return "; ".join(parts)

    def target_text(self, m):
        return f"{words.share(m.target, 0)} within {m.target_days:g} days"

    def area_value_name(self, m):
        return f"share decided within {m.target_days or 0:g} days"

    def area_value(self, value, m):
        return words.share(value)


KINDS: dict = {kind.name: kind for kind in (Proportion(), Rate(), Count(), Wait())}
