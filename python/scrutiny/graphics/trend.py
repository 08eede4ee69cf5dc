"""Trend charts: a series with its fitted trend line in data units, the interval of the trend as
a band, dates on the axis and the measure's floor and ceiling (count trends of
:mod:`scrutiny.models`; the Sen line of the report)."""
from __future__ import annotations

import numpy as np

from . import _base as _b
from . import _text as _t

# Options of units or of a limit chart, which a trend chart has no use for.
_NOT_HERE = ("label", "highlight", "exclude", "trajectory")


def slope_band(x, centre_x, centre_y, low, high, log: bool = False):
    """The band between the lines of slopes ``low`` and ``high`` through (``centre_x``,
    ``centre_y``): the interval of a trend line's slope (on the log scale with ``log``, the
    slopes then rate ratios)."""
    x = np.asarray(x, dtype=float)
    d = x - centre_x
    if log:
        a = centre_y * np.power(low, d)
        b = centre_y * np.power(high, d)
    else:
        a = centre_y + low * d
        b = centre_y + high * d
    return np.minimum(a, b), np.maximum(a, b)


def trend_chart(value, fitted, time=None, x=None, band=None, ax=None, measure=None,
                words=("observed", "trend", "95% interval of the slope"), extra=None,
                where: str = "right", **options):
    """The observed ``value`` (points), the trend line ``fitted`` and its ``band`` ((lower,
    upper) or None), all in data units, at positions ``x`` (default 0..n-1) named by the
    periods or dates ``time`` when given; ``extra`` an optional (values, name) line drawn
    thin (e.g. the fit with season effects).  ``measure`` (``"count"``, ``"rate"``,
    ``"proportion"``) sets the floor, the ceiling and a percent axis; ``options`` are the chart
    options (:func:`scrutiny.graphics._base.options`); ``where`` places the legend.  Returns
    the Axes."""
    opts = _b.options(measure, without=_NOT_HERE, **options)
    value = np.asarray(value, dtype=float)
    ax = _b.create_axes(ax)
    x = np.arange(value.size, dtype=float) if x is None else np.asarray(x, dtype=float)
    observed, line, interval = words
    if band is not None:
        ax.fill_between(x, _b.bounds(band[0], opts), _b.bounds(band[1], opts),
                        color=_b.PALETTE["highlight"], alpha=0.15, linewidth=0,
                        label=interval)
    ax.plot(x, value, "o-", color=_b.PALETTE["observed"], markersize=3.5, linewidth=0.8,
            label=observed)
    if extra is not None:
        ax.plot(x, _b.bounds(extra[0], opts), color=_b.PALETTE["highlight"], linewidth=0.8,
                alpha=0.7, label=extra[1])
    ax.plot(x, _b.bounds(fitted, opts), color=_b.PALETTE["highlight"], linewidth=1.8,
            label=line)
    if opts.per is not None:
        _b.per_axis(ax.yaxis, opts.per)
    elif measure == "proportion":
        _b.percent_axis(ax.yaxis)
    if time is not None and len(time) == value.size:
        _b.period_ticks(ax, list(time), value.size, 8)
        positions = ax.get_xticks()
        ax.set_xticks(x[positions.astype(int)], [t.get_text() for t in ax.get_xticklabels()])
        xlabel = None
    else:
        xlabel = "time"
    _b.labels(ax, opts, xlabel, None)
    if opts.title is not None:
        _t.heading(ax, opts.title)
    idx = [_b.time_position(time, k, value.size, "annotate") for k in opts.annotate]
    _t.label_units(ax, x[idx], value[idx], list(opts.annotate.values()), 0, (x, value),
                   "notes", lambda: _b.legend(ax, where))
    return ax
