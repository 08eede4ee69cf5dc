"""Charts of change points (:mod:`scrutiny.segmentation`)."""
from __future__ import annotations

import numpy as np

from ._base import PALETTE, create_axes, legend, single_series


def changepoint_chart(result, y, ax=None):
    """The series ``y`` and its segment means of a single-series
    :class:`~scrutiny.segmentation.ChangepointResult`.  Returns the Axes."""
    single_series(result.objective, "segment one row to plot it")
    ax = create_axes(ax)
    x = np.arange(y.size)
    ax.plot(x, y, "o-", color=PALETTE["within"], markersize=3, linewidth=0.8, label="series")
    ends = np.append(result.positions, y.size - 1)
    start = 0
    for k, (end, mean) in enumerate(zip(ends, result.segment_means)):
        ax.hlines(mean, start - 0.5, end + 0.5, color=PALETTE["alert"], linewidth=2,
                  label="segment mean" if k == 0 else None)
        start = end + 1
    for loc in result.positions:
        ax.axvline(loc + 0.5, color=PALETTE["reference"], linewidth=0.8, linestyle=":")
    ax.set_xlabel("position")
    ax.set_title(f"{len(result.positions)} change(s), {result.cost} cost", fontsize=10)
    legend(ax)
    return ax
