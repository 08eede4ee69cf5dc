"""Charts of place-based evaluations (:mod:`scrutiny.place`): the WDD test and the Poisson
E-test, for one evaluation or a 1-D set of them.  Fewer crimes are better unless ``better``
says otherwise."""
from __future__ import annotations

import numpy as np

from .. import _narrative as _n
from . import _base as _b
from . import _text as _t

# Options of points in time or of a limit chart, which these charts have no use for.
_NOT_HERE = ("label", "exclude", "trajectory")


def _one_or_row(value, what: str) -> None:
    if np.ndim(value) > 1:
        raise ValueError(f"plot() draws {what} or a 1-D set of them")


def _finish(ax, opts, names, x, y, xlabel, ylabel, title) -> None:
    """Axis labels, title, legend and notes of a place chart."""
    _b.labels(ax, opts, xlabel, ylabel)
    heading = opts.title if opts.title is not None else title
    if heading:
        _t.heading(ax, heading)
    _t.unit_notes(ax, names, x, y, opts)


def wdd_chart(result, names, measure: str, title: str | None = None, ax=None,
              better="lower", **options):
    """One :class:`~scrutiny.place.WDDResult` evaluation: before and after in the treated,
    control (and displacement) areas, with the treated areas' counterfactual (their 'before'
    plus the control change), under ``title``; ``measure`` names what is counted.  Several (a
    1-D result): each unit's WDD with its interval, the units named ``names``, coloured by
    whether the change is better (``better``, default fewer crimes) or worse.  ``options`` are
    the chart options.  Returns the Axes."""
    _one_or_row(result.estimate, "one evaluation")
    better = _b.direction(better)
    ax = _b.create_axes(ax)
    if np.ndim(result.estimate) == 1:
        opts = _b.options(None, without=_NOT_HERE + ("per",), **options)
        names = [str(v) for v in names]
        y = _b.forest(ax, result.estimate, result.lower, result.upper, names, opts,
                      reference=0.0, better=better)
        _finish(ax, opts, names, result.estimate, y,
                f"Weighted displacement difference ({measure})", None, title)
        return ax
    opts = _b.options("count", without=_NOT_HERE + ("per", "highlight"), **options)
    x = np.array([0.0, 1.0])
    lines = [("treated", [result.treated_before, result.treated_after], "o-",
              _b.PALETTE["highlight"])]
    lines.append(("control", [result.control_before, result.control_after], "o-", "0.5"))
    counterfactual = result.treated_before + result.control_after - result.control_before
    lines.append(("treated, had it followed the control trend",
                  [result.treated_before, counterfactual], ":", _b.PALETTE["highlight"]))
    if result.has_displacement:
        lines.append(("displacement", [result.displacement_before, result.displacement_after],
                      "s--", _b.PALETTE["contrast"]))
        lines.append(("displacement control", [result.control_displacement_before,
                                               result.control_displacement_after], "s--",
                      "0.75"))
    for label, values, style, colour in lines:
        ax.plot(x, _b.bounds(values, opts), style, color=colour, label=label)
    ax.set_xticks(x, ["before", "after"])
    ax.set_xlim(-0.3, 1.3)
    names = [label for label, *_ in lines]
    _finish(ax, opts, names, np.ones(len(lines)), [v[1] for _, v, *_ in lines], None,
            measure.capitalize(), title)
    return ax


def etest_chart(result, names, rate_intervals=None, ax=None, better="lower", **options):
    """One :class:`~scrutiny.place.PoissonETestResult`: the rates before and after with their
    exact intervals ``rate_intervals`` (a result with ``lower`` and ``upper``).  Several (a 1-D
    result): each unit's rate ratio with its interval, on a log scale, the units named
    ``names``, coloured by whether the change is better (``better``, default a fall) or worse.
    ``options`` are the chart options.  Returns the Axes."""
    _one_or_row(result.pvalue, "one test")
    better = _b.direction(better)
    ax = _b.create_axes(ax)
    if np.ndim(result.pvalue) == 1:
        opts = _b.options("ratio", without=_NOT_HERE + ("per",), **options)
        names = [str(v) for v in names]
        ratio = np.where(np.isfinite(result.ratio), result.ratio, np.nan)
        nulls = np.unique(np.asarray(result.null_ratio))
        ax.set_xscale("log")
        y = _b.forest(ax, ratio, result.lower, result.upper, names, opts,
                      reference=float(nulls[0]) if nulls.size == 1 else None, better=better)
        for value in nulls[1:] if nulls.size == 1 else nulls:
            ax.axvline(value, color=_b.PALETTE["reference"], linewidth=1.0)
        _b.log_axis(ax.xaxis)
        _finish(ax, opts, names, ratio, y, "Rate ratio, after / before", None, None)
        return ax
    opts = _b.options("rate", without=_NOT_HERE + ("highlight",), **options)
    rates = np.array([result.rate_before, result.rate_after])
    lo = _b.bounds(rate_intervals.lower, opts)
    ax.errorbar([0, 1], rates, yerr=[rates - lo, rate_intervals.upper - rates], fmt="o",
                color=_b.PALETTE["highlight"], capsize=4)
    ax.set_xticks([0, 1], ["before", "after"])
    ax.set_xlim(-0.5, 1.5)
    scale = float(getattr(result, "per", None) or 1.0)   # rates already per this multiplier
    if opts.per is not None:
        _b.per_axis(ax.yaxis, opts.per / scale)
    per = _n.per_text(scale) if opts.per is None else ""   # labels() names opts.per
    _finish(ax, opts, ["before", "after"], [0, 1], rates, None,
            f"Rate {per + ' ' if per else ''}({_n.level(result.conf)} exact CI)",
            f"Rate ratio {_n.ratio(result.ratio)}, "
            f"E-test {_n.p_text(result.pvalue, 1.0 - result.conf)}")
    return ax
