"""Funnel charts (:class:`scrutiny.disparity.FunnelResult`)."""
from __future__ import annotations

import numpy as np

from .._narrative import level as _level
from .._narrative import names as _names
from ._base import LINESTYLES, PALETTE, create_axes, legend

_AXIS_LABELS = {
    "proportion": ("Denominator", "Proportion"),
    "rate": ("Exposure", "Rate"),
    "ratio": ("Expected", "Observed / expected"),
}


def funnel_chart(result, ax=None, n_points: int = 200):
    """Draw a funnel: the limits at each level against the denominator, the target, every unit,
    and the labels of flagged units.  Returns the Axes."""
    ax = create_axes(ax)
    curve = result.curve(n_points)
    # limits are drawn inside the measure's range (the normal method's numbers are not clipped)
    top = 1.0 if result.kind == "proportion" else np.inf
    for j, level in enumerate(sorted(result.levels)):
        part = curve[curve["level"] == level]
        part = part.assign(lower=part["lower"].clip(0.0, top), upper=part["upper"].clip(0.0, top))
        style = LINESTYLES[j % len(LINESTYLES)]
        label = f"{_level(level)} limits"
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
    ax.scatter(den[within], value[within], s=18, color=PALETTE["within"], zorder=3,
               label="within limits")
    if high.any():
        ax.scatter(den[high], value[high], s=26, color=PALETTE["highlight"], zorder=4,
                   label="above limits")
    if low.any():
        ax.scatter(den[low], value[low], s=26, color=PALETTE["contrast"], zorder=4,
                   label="below limits")
    names = (_names(result.labels, den.size, "", False) if result.labels is not None
             else [str(i) for i in range(den.size)])
    for i in np.flatnonzero(high | low):
        ax.annotate(names[i], (den[i], value[i]), xytext=(4, 4), textcoords="offset points",
                    fontsize=8)

    xlabel, ylabel = _AXIS_LABELS[result.kind]
    if result.per != 1:
        ylabel += f" per {result.per:,g}"
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if den.max() > 20 * den.min():
        ax.set_xscale("log")
    legend(ax)
    return ax
