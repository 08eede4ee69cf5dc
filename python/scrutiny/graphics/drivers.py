"""Charts of driver analyses (:mod:`scrutiny.drivers`): ranked importance and the quadrant
chart of key drivers."""
from __future__ import annotations

import numpy as np

from ._base import create_axes, percent_axis

# Colours of the quadrants (the values of ``KeyDriversResult.quadrant``) and the corner each is
# named in.
_QUADRANTS = {
    "concentrate here": ("#c44e52", (0.02, 0.97, "left")),
    "keep up the good work": ("#55a868", (0.98, 0.97, "right")),
    "low priority": ("0.55", (0.02, 0.03, "left")),
    "possible overkill": ("#8172b2", (0.98, 0.03, "right")),
}


def importance_chart(rel, ax=None, method_title: str = "", r2_label: str = "R²"):
    """Ranked horizontal bars of each driver's share of a
    :class:`~scrutiny.drivers.RelativeImportanceResult`, with the bootstrap intervals when there
    are any; ``method_title`` and ``r2_label`` name the method and the fit in the axis label.
    Returns the Axes."""
    ax = create_axes(ax)
    order = rel.share.sort_values(kind="stable")
    positions = np.arange(len(order))
    ax.barh(positions, order.to_numpy(), color="#4c72b0", height=0.6)
    if rel.share_lower is not None:
        lo = rel.share_lower[order.index].to_numpy()
        hi = rel.share_upper[order.index].to_numpy()
        err = np.vstack([order.to_numpy() - lo, hi - order.to_numpy()]).clip(min=0)
        ax.errorbar(order.to_numpy(), positions, xerr=err, fmt="none", ecolor="0.2", capsize=3,
                    label=f"{rel.conf:.0%} bootstrap interval")
        ax.legend(loc="lower right", frameon=False)
    ax.set_yticks(positions, [str(v) for v in order.index])
    percent_axis(ax.xaxis, decimals=0)
    ax.set_xlabel(f"Share of {r2_label} ({rel.r2:.3g}), {method_title}")
    ax.set_title("Relative importance of drivers")
    return ax


def quadrant_chart(kd, ax=None):
    """Performance (x) against importance (y) of a :class:`~scrutiny.drivers.KeyDriversResult`,
    with the cut lines and the quadrant names.  Returns the Axes."""
    ax = create_axes(ax)
    x, y = kd.performance.to_numpy(), kd.importance.to_numpy()
    ax.scatter(x, y, c=[_QUADRANTS[q][0] for q in kd.quadrant], s=60, zorder=3)
    for name, xi, yi in zip(kd.performance.index, x, y):
        ax.annotate(str(name), (xi, yi), xytext=(5, 4), textcoords="offset points", fontsize=9)
    ax.axvline(kd.performance_cut, color="0.6", linestyle="--", linewidth=1)
    ax.axhline(kd.importance_cut, color="0.6", linestyle="--", linewidth=1)
    percent_axis(ax.yaxis, decimals=0)
    if kd.performance_kind == "top_box":
        percent_axis(ax.xaxis, decimals=0)
    pad_x = max(np.ptp(x), 1e-9) * 0.25
    pad_y = max(np.ptp(y), 1e-9) * 0.25
    ax.set_xlim(x.min() - pad_x, x.max() + pad_x)
    ax.set_ylim(max(0.0, y.min() - pad_y), y.max() + pad_y)
    for quadrant, (colour, (cx, cy, align)) in _QUADRANTS.items():
        ax.text(cx, cy, quadrant.capitalize(), transform=ax.transAxes, ha=align,
                va="top" if cy > 0.5 else "bottom", fontsize=9, color=colour)
    ax.set_xlabel("Performance (" + ("mean rating" if kd.performance_kind == "mean"
                                     else f"share rating {kd.top_box:g} or more") + ")")
    ax.set_ylabel("Importance (share of explained variation)")
    ax.set_title(f"Key drivers of '{kd.outcome}'")
    return ax
