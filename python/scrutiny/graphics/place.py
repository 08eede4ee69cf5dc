"""Charts of place-based evaluations (:mod:`scrutiny.place`): the WDD test and the Poisson
E-test, for one evaluation or a 1-D set of them."""
from __future__ import annotations

import numpy as np

from .. import _narrative as _n
from ._base import PALETTE, create_axes, legend


def _forest(ax, estimate, lower, upper, reference, names, xlabel):
    """Horizontal intervals, one row per unit, the first at the top."""
    estimate = np.asarray(estimate, dtype=float)
    y = np.arange(estimate.size)[::-1]
    lo = np.where(np.isfinite(lower), lower, np.nan)
    hi = np.where(np.isfinite(upper), upper, np.nan)
    ax.errorbar(estimate, y, xerr=[estimate - lo, hi - estimate], fmt="o",
                color=PALETTE["highlight"], capsize=3)
    if reference is not None:
        ax.axvline(reference, color=PALETTE["reference"], linewidth=1.0)
    ax.set_yticks(y, names)
    ax.set_xlabel(xlabel)


def _one_or_row(value, what: str) -> None:
    if np.ndim(value) > 1:
        raise ValueError(f"plot() draws {what} or a 1-D set of them")


def wdd_chart(result, names, measure: str, title: str | None = None, ax=None):
    """One :class:`~scrutiny.place.WDDResult` evaluation: before and after in the treated,
    control (and displacement) areas, with the treated areas' counterfactual (their 'before'
    plus the control change), under ``title``; ``measure`` names what is counted.  Several (a
    1-D result): each unit's WDD with its interval, the units named ``names``.  Returns the
    Axes."""
    _one_or_row(result.estimate, "one evaluation")
    ax = create_axes(ax)
    if np.ndim(result.estimate) == 1:
        _forest(ax, result.estimate, result.lower, result.upper, 0.0, names,
                f"Weighted displacement difference ({measure})")
        return ax
    x = [0, 1]
    ax.plot(x, [result.treated_before, result.treated_after], "o-", color=PALETTE["highlight"],
            label="treated")
    ax.plot(x, [result.control_before, result.control_after], "o-", color="0.5",
            label="control")
    counterfactual = result.treated_before + result.control_after - result.control_before
    ax.plot(x, [result.treated_before, counterfactual], ":", color=PALETTE["highlight"],
            label="treated, had it followed the control trend")
    if result.has_displacement:
        ax.plot(x, [result.displacement_before, result.displacement_after], "s--",
                color=PALETTE["contrast"], label="displacement")
        ax.plot(x, [result.control_displacement_before, result.control_displacement_after],
                "s--", color="0.75", label="displacement control")
    ax.set_xticks(x, ["before", "after"])
    ax.set_xlim(-0.3, 1.3)
    ax.set_ylabel(measure.capitalize())
    ax.set_title(title)
    legend(ax)
    return ax


def etest_chart(result, names, rate_intervals=None, ax=None):
    """One :class:`~scrutiny.place.PoissonETestResult`: the rates before and after with their
    exact intervals ``rate_intervals`` (a result with ``lower`` and ``upper``).  Several (a 1-D
    result): each unit's rate ratio with its interval, on a log scale, the units named
    ``names``.  Returns the Axes."""
    _one_or_row(result.pvalue, "one test")
    ax = create_axes(ax)
    if np.ndim(result.pvalue) == 1:
        ratio = np.where(np.isfinite(result.ratio), result.ratio, np.nan)
        _forest(ax, ratio, result.lower, result.upper, None, names, "Rate ratio, after / before")
        for value in np.unique(np.asarray(result.null_ratio)):
            ax.axvline(value, color=PALETTE["reference"], linewidth=1.0)
        ax.set_xscale("log")
        return ax
    rates = np.array([result.rate_before, result.rate_after])
    ax.errorbar([0, 1], rates, yerr=[rates - rate_intervals.lower, rate_intervals.upper - rates],
                fmt="o", color=PALETTE["highlight"], capsize=4)
    ax.set_xticks([0, 1], ["before", "after"])
    ax.set_xlim(-0.5, 1.5)
    per = _n.per_text(result.per)
    ax.set_ylabel(f"Rate {per + ' ' if per else ''}({_n.level(result.conf)} exact CI)")
    ax.set_title(f"Rate ratio {_n.ratio(result.ratio)}, "
                 f"E-test {_n.p_text(result.pvalue, 1.0 - result.conf)}")
    return ax
