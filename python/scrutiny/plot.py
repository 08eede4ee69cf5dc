"""Matplotlib drawings of results.  Imported only when a plot is asked for, so that scrutiny
itself does not need matplotlib to compute anything."""
from __future__ import annotations

import numpy as np

_LINESTYLES = ("--", ":", "-.", (0, (5, 1, 1, 1)))
_AXIS_LABELS = {
    "proportion": ("Denominator", "Proportion"),
    "rate": ("Exposure", "Rate"),
    "ratio": ("Expected", "Observed / expected"),
}


def axes(ax=None):
    """The given Axes, or a new figure's."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(7, 4.5))
    return ax


def funnel_plot(result, ax=None, n_points: int = 200):
    """Draw a :class:`~scrutiny.disparity.FunnelResult`: the limits at each level against the
    denominator, the target, every unit, and the labels of flagged units.  Returns the Axes."""
    from .disparity import _level_label

    ax = axes(ax)
    curve = result.curve(n_points)
    for j, level in enumerate(sorted(result.levels)):
        part = curve[curve["level"] == level]
        style = _LINESTYLES[j % len(_LINESTYLES)]
        label = f"{_level_label(level)} limits"
        if result.overdispersion:
            label += f" ({result.overdispersion} overdispersion)"
        line, = ax.plot(part["denominator"], part["lower"], linestyle=style, color="0.35",
                        linewidth=1.2, label=label)
        ax.plot(part["denominator"], part["upper"], linestyle=style, color=line.get_color(),
                linewidth=1.2)
    centre = f"overall {result.kind}" if result.pooled_target else "target"
    ax.axhline(result.target, color="0.2", linewidth=1.0, label=centre)

    flag = np.asarray(result.flag, dtype=object)
    high = np.array([f.startswith("high") for f in flag], dtype=bool)
    low = np.array([f.startswith("low") for f in flag], dtype=bool)
    within = ~(high | low)
    den, value = result.denominator, result.value
    ax.scatter(den[within], value[within], s=18, color="0.55", zorder=3, label="within limits")
    if high.any():
        ax.scatter(den[high], value[high], s=26, color="#1f77b4", zorder=4, label="above limits")
    if low.any():
        ax.scatter(den[low], value[low], s=26, color="#ff7f0e", zorder=4, label="below limits")
    for i in np.flatnonzero(high | low):
        name = str(result.labels[i]) if result.labels is not None else str(i)
        ax.annotate(name, (den[i], value[i]), xytext=(4, 4), textcoords="offset points",
                    fontsize=8)

    xlabel, ylabel = _AXIS_LABELS[result.kind]
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if den.max() > 20 * den.min():
        ax.set_xscale("log")
    ax.legend(fontsize=8, frameon=False)
    return ax
