"""What every chart shares: the Axes to draw on, the house palette and styles, tick and legend
helpers, and the single-series check."""
from __future__ import annotations

import math

import numpy as np

from .._narrative import period_text

# The house palette: one highlight colour for the estimate, one contrasting colour, greys for
# what is observed or only there for reference.
PALETTE = {
    "highlight": "#1f77b4",
    "contrast": "#ff7f0e",
    "alert": "#d62728",
    "observed": "0.45",
    "within": "0.55",
    "reference": "0.3",
    "muted": "0.7",
}
# Line styles of successive limit levels (funnels).
LINESTYLES = ("--", ":", "-.", (0, (5, 1, 1, 1)))
FIGSIZE = (7, 4.5)


def create_axes(ax=None, figsize=FIGSIZE):
    """The given Axes, or a new figure's (matplotlib is imported only then)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def tighten(fig) -> None:
    """Fit a figure that has no layout engine (or only the mark of an earlier tight_layout)
    so labels, tables and legends outside the plot stay on it; a layout engine the caller
    chose is left alone."""
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    engine = fig.get_layout_engine()
    if engine is None or isinstance(engine, PlaceHolderLayoutEngine):
        fig.tight_layout()


def legend(ax, **options):
    """The house legend: small, no frame."""
    return ax.legend(**{"fontsize": 8, "frameon": False, **options})


def percent_axis(axis, decimals=None) -> None:
    """Show shares (0 to 1) on ``axis`` (``ax.xaxis`` or ``ax.yaxis``) as percentages."""
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(1.0, decimals=decimals))


def thin_ticks(ax, x, labels, rotation) -> None:
    """At most about 24 tick labels, evenly spaced; a figure without a layout engine is tightened
    (a layout the caller chose is left alone)."""
    step = max(1, len(labels) // 24)
    ax.set_xticks(x[::step])
    ax.set_xticklabels(labels[::step], rotation=rotation, fontsize=8,
                       ha="right" if 0 < rotation < 90 else "center")
    if ax.figure.get_layout_engine() is None:
        ax.figure.tight_layout()


def period_ticks(ax, time, length: int, n_ticks: int, fontsize: float) -> None:
    """About ``n_ticks`` evenly spaced ticks over positions 0..length-1, labelled with the short
    names of the periods in ``time``."""
    step = max(1, math.ceil(length / n_ticks))
    ticks = list(range(0, length, step))
    ax.set_xticks(ticks, [period_text(time[i], short=True) for i in ticks], fontsize=fontsize)


def single_series(value, hint: str) -> None:
    """Refuse to draw a result of several series (``value`` one of its per-series fields)."""
    if np.ndim(value) != 0:
        raise ValueError(f"plot() draws a single series; {hint}")
