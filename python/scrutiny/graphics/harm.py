"""Charts of harm (:mod:`scrutiny.harm`): harm per group, the harm funnel, the harm trend."""
from __future__ import annotations

import dataclasses

import numpy as np

from .. import _narrative as _n
from . import _base as _b
from . import _text as _t
from ._base import single_series
from .disparity import funnel_chart

# Options of points in time or of a limit chart, which these charts have no use for.
_NOT_HERE = ("label", "exclude", "trajectory")


def harm_chart(result, ax=None, **options):
    """Harm (or harm rate) per group with its interval, the largest at the top; for a single
    group, each crime type's share of the harm beside its share of the crimes.  ``options``
    are the chart options (``per`` rescales a harm rate).  Returns the Axes."""
    ax = _b.create_axes(ax)
    if np.ndim(result.harm) == 0:
        opts = _b.options(None, without=_NOT_HERE + ("per", "annotate", "highlight"),
                          **options)
        t = result.by_type.sort_values("harm_share")
        y = np.arange(len(t))
        ax.barh(y + 0.2, 100 * t["harm_share"], height=0.4, color=_b.PALETTE["highlight"],
                label="harm")
        ax.barh(y - 0.2, 100 * t["count_share"], height=0.4, color=_b.PALETTE["muted"],
                label="crimes")
        ax.set_yticks(y, [str(v) for v in t["crime_type"]])
        _b.labels(ax, opts, "share (%)", None)
        if opts.title is not None:
            _t.heading(ax, opts.title)
        _b.legend(ax)
        return ax
    rated = result.rate is not None
    opts = _b.options("rate" if rated else "count", without=_NOT_HERE, **options)
    per = opts.per if rated and opts.per is not None else result.per
    scale = per / result.per if rated else 1.0
    value = scale * np.asarray(result.rate if rated else result.harm, dtype=float)
    lo = np.asarray(result.rate_lower if rated else result.lower, dtype=float)
    hi = np.asarray(result.rate_upper if rated else result.upper, dtype=float)
    if lo.ndim == 2:
        lo, hi = lo[:, 0], hi[:, 0]
    names = [str(v) for v in result.labels]
    y = _b.forest(ax, value, scale * lo, scale * hi, names, opts,
                  order=np.argsort(-value, kind="stable"))
    level = result.conf[0] if isinstance(result.conf, tuple) else result.conf
    what = f"harm per {per:,g}" if rated else "harm"
    plain = dataclasses.replace(opts, per=None)
    _b.labels(ax, plain, f"{what} ({_n.level(level)} CI, {result.method})", None)
    if opts.title is not None:
        _t.heading(ax, opts.title)
    _t.unit_notes(ax, names, value, y, opts)
    return ax


def harm_funnel_chart(result, ax=None, n_points: int = 200, better=None, **options):
    """The funnel of harm rates, with harm per ``per`` (the result's unless the options give
    one) on the vertical axis; returns the Axes."""
    options.setdefault("per", result.per)
    options.setdefault("xlabel", "Population")
    options.setdefault("ylabel", f"Harm {_n.per_text(options['per'])}" if options["per"]
                       else "Harm")
    return funnel_chart(result, ax=ax, n_points=n_points, better=better, **options)


def harm_trend_chart(result, ax=None, **options):
    """Harm (or harm rate) per period and the fitted trend of a single series, with the
    periods on the axis; ``options`` are the chart options.  Returns the Axes."""
    single_series(result.rate_ratio, "give by=None, or select one series")
    opts = _b.options("rate", without=_NOT_HERE + ("highlight",), **options)
    ax = _b.create_axes(ax)
    y = result.harm.to_numpy(dtype=float)
    e = np.ones_like(y) if result.exposure is None else result.exposure.to_numpy(dtype=float)
    params = result.params.to_numpy()
    seasons = np.concatenate([[0.0], params[2:]])
    codes = np.arange(y.size) % seasons.size
    fitted = np.exp(params[0] + params[1] * result.t + seasons[codes])
    x = np.arange(y.size)
    ax.plot(x, _b.bounds(y / e, opts), "o", color=_b.PALETTE["observed"], markersize=4,
            label="observed")
    ax.plot(x, _b.bounds(fitted, opts), color=_b.PALETTE["highlight"], label="fitted")
    ticks = x[:: max(1, y.size // 8)]
    ax.set_xticks(ticks, [_b.period_label(result.harm.index[i]) for i in ticks], rotation=45,
                  ha="right")
    if opts.per is not None:
        _b.per_axis(ax.yaxis, opts.per)
    _b.labels(ax, opts, None, "harm" if result.exposure is None else
              "harm per unit of exposure")
    _t.heading(ax, opts.title if opts.title is not None else
               f"{result.percent_change:+.1f}% per {_n.step_word(result.harm.index)} "
               f"({_n.p_text(result.pvalue, 1.0 - result.conf)})")
    index = result.harm.index
    time = index if hasattr(index, "freq") or hasattr(index, "to_timestamp") else None
    idx = [_b.time_position(time, k, y.size, "annotate") for k in opts.annotate]
    _t.label_units(ax, x[idx], (y / e)[idx], list(opts.annotate.values()), 0, (x, y / e),
                   "notes", lambda: _b.legend(ax))
    return ax
