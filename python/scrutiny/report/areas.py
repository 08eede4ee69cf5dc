"""The areas (or groups) of a measure: which stand out, which changed, which are trending.

Each area gets the same analyses as the force: its value over the latest window, its change on
the same window a year earlier (over the months with data in both years, as for the force; with
Benjamini-Hochberg q-values, since many areas are tested at once), its Mann-Kendall trend and
SPC variation; and all areas together go into a funnel plot with overdispersion, so that an
area is said to stand out only beyond the usual spread.  The tidy rows of the funnel give each
area's z-score before and after the allowance for overdispersion (the flag rests on the
latter), and the estimated phi and tau2.
"""
from __future__ import annotations

import math

import numpy as np

from .. import disparity, rates
from .. import trend as _trend
from . import steps, words
from .result import Areas
from .steps import FORCE


def analyse(m, table, span, out, levels, issues: list) -> Areas:
    """Per area: the latest value, the change on last year (with Benjamini-Hochberg q-values
    across areas), the trend, the SPC variation, and the funnel plot (over the latest window
    ``span`` of ``table``)."""
    import pandas as pd

    kind = m.measure_kind
    A = table.areas
    names = sorted(A.index.get_level_values("area").unique())
    in_latest = A[A.index.get_level_values("period").isin(span.latest)]
    cur = in_latest.groupby(level="area").sum().reindex(names)
    rows = pd.DataFrame(index=pd.Index(names, name=m.area_label))
    x, n = cur["x"].to_numpy(dtype=float), cur["n"].to_numpy(dtype=float)
    rows["value"] = [kind.value(m, xi, ni) for xi, ni in zip(x, n)]
    have = np.isfinite(x) & np.isfinite(n) & (n > 0)
    _area_changes(m, A, span, names, rows, out)
    _area_trends(m, table, names, rows, out)
    steps.run(issues, m.name, f"SPC charts of the {words.plural_noun(m.area_label)}", _area_spc,
              m, table, names, rows, out)
    funnel, flagged = None, ()
    if kind.funnel_kind is not None and have.sum() >= 3:
        funnel, flagged = _funnel(m, cur, names, have, rows, span, out, levels)
    elif kind.funnel_kind is None:
        out.finding("Areas", f"A {kind.name} has no denominator, so the "
                    f"{words.plural_noun(m.area_label)} are not compared in a funnel "
                    "plot; their changes and trends are in the table.")
    lower, upper = np.full(len(names), np.nan), np.full(len(names), np.nan)
    if have.any():
        w2 = cur["w2"].to_numpy(dtype=float) if "w2" in cur else np.zeros(len(names))
        lower[have], upper[have] = kind.area_interval(m, x[have], n[have], w2[have])
    for i, name in enumerate(names):
        out.add(name, "latest", "value", rows["value"].iloc[i], lower[i], upper[i],
                period=span.text)
    return Areas(count=len(names), table=rows, funnel=funnel, flagged=flagged,
                 funnel_window=span.text if funnel is not None else "")


def _area_changes(m, A, span, names, rows, out) -> None:
    """The change on last year, per area over its months with data in both years, with
    Benjamini-Hochberg q-values across areas."""
    now, before, months = _year_apart(A, span.latest, span.previous, names)
    both = (now["n"] > 0) & (before["n"] > 0)
    if not both.any():
        return
    change = np.full(len(names), np.nan)
    pval = np.full(len(names), np.nan)
    idx, values, pvalues, column, tidy = m.measure_kind.area_change(m, now, before, both)
    quantity, estimate = tidy[0], np.full((3, len(names)), np.nan)
    estimate[:, idx] = tidy[1:]
    change[idx] = values
    pval[idx] = pvalues
    rows[column] = change
    q = np.full(len(names), np.nan)
    finite = np.isfinite(pval)
    if finite.sum() >= 1:
        q[finite] = rates.multiple_testing(pval[finite], method="bh")
    rows["p (change)"] = pval
    rows["q (change, BH)"] = q
    out.method("bh")
    for i, name in enumerate(names):
        if np.isfinite(change[i]):
            out.add(name, "change on last year", quantity, *estimate[:, i], pvalue=pval[i],
                    period=f"{span.text} vs {span.previous_text}",
                    note=f"BH q = {q[i]:.3g}" + (
                        f"; over the {months[i]} {span.unit}s with data in both years"
                        if months[i] < len(span.latest) else ""))


def _year_apart(A, latest, previous, names):
    """Per area, the totals of the periods of the latest window with data whose period a
    year earlier has data too, and of those a year earlier (for a count, ``n`` is 1 a
    period, so its total is the number of periods); with fewer than half the window's
    periods in both years, ``n`` is 0 (not compared).  Returns (now, before, periods
    compared)."""
    period = A.index.get_level_values("period")
    now = A[period.isin(latest)]
    before = A[period.isin(previous)]
    year = latest[0].ordinal - previous[0].ordinal
    before.index = before.index.set_levels(before.index.levels[1] + year, level="period")
    common = now.index.intersection(before.index)
    months = now.loc[common].groupby(level="area").size().reindex(names, fill_value=0)
    enough = (months >= np.ceil(len(latest) / 2)).to_numpy()
    out = []
    for part in (now.loc[common], before.loc[common]):
        sums = part.groupby(level="area").sum().reindex(names)
        cols = {c: sums[c].fillna(0).to_numpy(dtype=float) if c in sums else
                np.zeros(len(names)) for c in ("x", "n", "w2")}
        cols["n"] = np.where(enough, cols["n"], 0.0)
        out.append(cols)
    return out[0], out[1], months.to_numpy()


Z_RAW = "z-score (no allowance for overdispersion)"
Z_ADJUSTED = "z-score (allowing for overdispersion)"
PHI = "overdispersion factor phi"
TAU2 = "between-area variance tau2"


def adjusted_z(f) -> np.ndarray:
    """The z-scores of a funnel on the scale of its widened limits: z / sqrt(phi) with
    multiplicative overdispersion (phi > 1 only, as the limits), z·s / sqrt(s² + tau2) with
    additive (s the unit's standard error at the target), z itself without."""
    z = np.asarray(f.z, dtype=float)
    if f.overdispersion == "multiplicative":
        return z / np.sqrt(max(f.phi, 1.0))
    if f.overdispersion == "additive":
        se = np.asarray(f.se, dtype=float)
        return z * se / np.sqrt(se ** 2 + f.tau2)
    return z


def _area_trends(m, table, names, rows, out):
    mat = np.vstack([m.measure_kind.series(m, table.areas.xs(a, level="area"), table.periods)
                     for a in names])
    if np.isfinite(mat).sum(axis=1).min() < 8:
        return
    mk = _trend.mann_kendall(mat, nan_policy="omit")
    # the test's own labels, but a non-rejection is no evidence of a trend, not "no trend"
    labels = [{"no trend": words.NO_TREND, "undefined": "not tested"}.get(str(t), str(t))
              for t in np.atleast_1d(mk.trend)]
    rows["trend"] = labels
    rows["p (trend)"] = np.atleast_1d(mk.pvalue)
    for i, name in enumerate(names):
        out.add(name, "trend", "Mann-Kendall z", np.atleast_1d(mk.z)[i],
                pvalue=np.atleast_1d(mk.pvalue)[i], flag=labels[i], method="Mann-Kendall test")


def _area_spc(m, table, names, rows, out):
    ys, ns = [], []
    for a in names:
        y, n, present = steps.spc_inputs(m, table.areas.xs(a, level="area"), table.periods)
        ys.append(np.where(present, y, np.nan))
        ns.append(None if n is None else np.where(present, n, np.nan))
    Y = np.vstack(ys)
    N = None if ns[0] is None else np.vstack(ns)
    keep = np.isfinite(Y).any(axis=0)
    if keep.sum() < 12:
        return
    periods = table.periods[keep]
    result = steps.spc_call(m, Y[:, keep], None if N is None else N[:, keep], periods,
                             labels=names, rebase=steps.rebase_periods(m, periods)[0])
    rows["SPC variation"] = list(np.atleast_1d(result.variation))
    if m.target is not None:
        rows["SPC assurance"] = [str(a) if a is not None else "" for a in
                                 np.atleast_1d(np.asarray(result.assurance, dtype=object))]
    for i, name in enumerate(names):
        out.add(name, "spc", "variation of the latest point", math.nan,
                flag=str(np.atleast_1d(result.variation)[i]),
                method=f"{result.chart} chart, Making Data Count rules")


def _funnel(m, cur, names, have, rows, span, out, levels):
    """The funnel plot of the areas over the latest window: (result, areas outside)."""
    kind = m.measure_kind
    x, n = cur["x"].to_numpy(dtype=float)[have], cur["n"].to_numpy(dtype=float)[have]
    labels = [nm for nm, h in zip(names, have) if h]
    over = None if m.overdispersion == "none" else m.overdispersion
    w2 = cur["w2"].to_numpy(dtype=float)[have] if "w2" in cur else np.zeros(len(x))
    # weighted: the design-weighted overall value, the one the report quotes everywhere
    overall = x.sum() / n.sum() if m.weight else None
    x, n = kind.counts(m, x, n, w2)
    f = disparity.funnel(x, n, kind=kind.funnel_kind, target=overall, levels=levels,
                         overdispersion=over, labels=labels)
    flagged = tuple(lab for lab, fl in zip(labels, f.flag) if fl != "within")
    flags = dict(zip(labels, f.flag))
    rows["funnel"] = [flags.get(nm, "") for nm in names]
    # compared with the pooled value of the units in the funnel ("overall proportion")
    lines = f.narrative(measure=m.noun, per=kind.per(m), which="flagged", overview=True,
                        unit=m.area_label, areas=words.plural_noun(m.area_label)).split("\n")
    lines[0] = " ".join(t for t in (lines[0], words.widening(m, f)) if t)
    out.finding("Areas", "\n".join(lines))
    out.method("funnel")
    method = f"funnel plot, {f.method} limits" + (f", {over} overdispersion" if over else "")
    for lab, z, za, fl in zip(labels, f.z, adjusted_z(f), f.flag):
        out.add(lab, "funnel", Z_RAW, z, period=span.text, method=method,
                note="before any allowance for overdispersion; the flag is on the z-score "
                     "allowing for it")
        out.add(lab, "funnel", Z_ADJUSTED, za, flag=fl, period=span.text, method=method,
                note={"multiplicative": "z / sqrt(phi) (phi > 1 only)",
                      "additive": "z * s / sqrt(s^2 + tau2), s its standard error",
                      None: "no allowance made (overdispersion = 'none'): equal to z"}[over])
    for quantity, value, which in ((PHI, f.phi, "multiplicative"), (TAU2, f.tau2, "additive")):
        widens = f.phi > 1 if which == "multiplicative" else f.tau2 > 0
        note = ("estimated, not used (no allowance for overdispersion)" if over is None else
                f"estimated, not used ({over} overdispersion)" if which != over else
                "widens the limits" if widens else
                "at most 1: the limits are not narrowed" if which == "multiplicative" else
                "0: the limits are not widened")
        out.add(FORCE, "funnel", quantity, value, period=span.text, method=method, note=note)
    return f, flagged
