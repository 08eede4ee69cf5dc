"""Charts of change points (:mod:`scrutiny.segmentation`)."""
from __future__ import annotations

import numpy as np

from .. import _results as _r
from . import _base as _b
from . import _text as _t
from ._base import single_series


def changepoint_chart(result, y, ax=None, **options):
    """The series ``y`` and its segment means of a single-series
    :class:`~scrutiny.segmentation.ChangepointResult`, a dotted line at each change, dates on
    the axis when the result has them; ``options`` are the chart options.  Returns the Axes."""
    single_series(result.objective, "segment one row to plot it")
    opts = _b.options(None, without=("label", "highlight", "exclude", "trajectory"),
                      **options)
    ax = _b.create_axes(ax)
    x = np.arange(y.size)
    ax.plot(x, y, "o-", color=_b.PALETTE["within"], markersize=3, linewidth=0.8,
            label="series")
    ends = np.append(result.positions, y.size - 1)
    start = 0
    for k, (end, mean) in enumerate(zip(ends, result.segment_means)):
        ax.hlines(mean, start - 0.5, end + 0.5, color=_b.PALETTE["alert"], linewidth=2,
                  label="segment mean" if k == 0 else None)
        start = end + 1
    for k, loc in enumerate(result.positions):
        ax.axvline(loc + 0.5, color=_b.PALETTE["reference"], linewidth=0.8, linestyle=":",
                   label="change" if k == 0 else None)
    time = _r.time_index(result)
    if time is not None and len(time) == y.size:
        _b.period_ticks(ax, time, y.size, 8)
        xlabel = None
    else:
        time, xlabel = None, "position"
    if opts.per is not None:
        _b.per_axis(ax.yaxis, opts.per)
    _b.labels(ax, opts, xlabel, None)
    _t.heading(ax, opts.title if opts.title is not None else
               f"{len(result.positions)} change(s), {result.cost} cost")
    idx = [_b.time_position(time, k, y.size, "annotate") for k in opts.annotate]
    _t.label_units(ax, x[idx], y[idx], list(opts.annotate.values()), 0, (x, y), "notes",
                   lambda: _b.legend(ax))
    return ax
