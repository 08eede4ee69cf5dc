"""Charts of driver analyses (:mod:`scrutiny.drivers`): ranked importance and the quadrant
chart of key drivers, with drivers named in words."""
from __future__ import annotations

import math

import numpy as np

from ._base import create_axes, tighten

# Colours of the quadrants (the values of ``KeyDriversResult.quadrant``) and the corner each is
# named in.
_QUADRANTS = {
    "concentrate here": ("#c44e52", (0.02, 0.98, "left")),
    "keep up the good work": ("#55a868", (0.98, 0.98, "right")),
    "low priority": ("0.45", (0.02, 0.02, "left")),
    "possible overkill": ("#8172b2", (0.98, 0.02, "right")),
}
# Where a driver's name may go beside its point (points), tried in turn until one is clear.
_OFFSETS = [(6, 4), (6, -12), (-6, 4), (-6, -12), (6, 14), (-6, 14), (6, -22), (-6, -22),
            (0, 24), (0, -30)]


def humanise(name) -> str:
    """A column name in words: underscores to spaces, the first letter a capital
    (``"kept_informed"`` -> ``"Kept informed"``)."""
    text = " ".join(str(name).replace("_", " ").split())
    return text[:1].upper() + text[1:]


def driver_names(drivers, names=None) -> list[str]:
    """The display names of ``drivers``: from ``names`` (a mapping from driver to name, drivers
    it lacks humanised; or a sequence, one per driver in the order of the result's drivers,
    given as ``order``) or humanised column names."""
    drivers = list(drivers)
    if names is None:
        return [humanise(d) for d in drivers]
    if hasattr(names, "get"):
        return [str(names.get(d, humanise(d))) for d in drivers]
    return [str(n) for n in names]


def _names_for(index, order, names):
    """Display names for the drivers ``order`` (a subset order of ``index``)."""
    if names is not None and not hasattr(names, "get"):
        names = list(names)
        if len(names) != len(index):
            raise ValueError(f"names must have one name per driver ({len(index)}), "
                             f"got {len(names)}")
        names = dict(zip(index, names))
    return driver_names(order, names)


def percent_ticks(axis, nbins: int = 6) -> None:
    """Shares (0 to 1) on ``axis`` as percentages at whole steps of 1, 2 or 5 (times a power
    of ten), with as many decimals as the step needs: never 2.5% steps rounded to
    '25, 23, 20, 18'."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 5, 10]))

    def text(value, _pos=None):
        locs = axis.get_majorticklocs()
        step = float(np.min(np.diff(locs))) if len(locs) > 1 else 0.01
        decimals = max(0, -math.floor(math.log10(100 * step) + 1e-9)) if step > 0 else 0
        return f"{100 * value:.{decimals}f}%"

    axis.set_major_formatter(FuncFormatter(text))


def importance_chart(rel, ax=None, method_title: str = "", r2_label: str = "R²", *,
                     names=None, title: str | None = None, xlabel: str | None = None,
                     ylabel: str | None = None):
    """Ranked horizontal bars of each driver's share of a
    :class:`~scrutiny.drivers.RelativeImportanceResult`, with the bootstrap intervals when there
    are any; ``method_title`` and ``r2_label`` name the method and the fit in the axis label;
    drivers named by ``names`` (see :func:`driver_names`) or humanised.  Returns the Axes."""
    ax = create_axes(ax)
    order = rel.share.sort_values(kind="stable")
    positions = np.arange(len(order))
    share = order.to_numpy()
    ax.barh(positions, share, color="#4c72b0", height=0.6, label="share")
    right = float(np.nanmax(share)) if share.size else 1.0
    if rel.share_lower is not None:
        lo = rel.share_lower[order.index].to_numpy()
        hi = rel.share_upper[order.index].to_numpy()
        err = np.vstack([share - lo, hi - share]).clip(min=0)
        ax.errorbar(share, positions, xerr=err, fmt="none", ecolor="0.15", capsize=3,
                    linewidth=1.2, label=f"{rel.conf:.0%} bootstrap interval")
        right = max(right, float(np.nanmax(hi)))
        ax.legend(loc="lower right", frameon=False, fontsize=8)
    ax.set_yticks(positions, _names_for(list(rel.share.index), list(order.index), names))
    ax.set_xlim(0.0, right * 1.08 if right > 0 else 1.0)
    percent_ticks(ax.xaxis)
    ax.set_xlabel(f"Share of {r2_label} ({rel.r2:.3g}), {method_title}" if xlabel is None
                  else xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    ax.set_title("Relative importance of drivers" if title is None else title)
    tighten(ax.figure)
    return ax


def _overlaps(box, boxes) -> bool:
    return any(box.overlaps(b) for b in boxes)


def _place_labels(ax, labels, xs, ys, obstacles) -> list:
    """Driver names beside their points, each at the first offset of :data:`_OFFSETS` that
    overlaps neither a name already placed nor ``obstacles`` (Text artists) and stays inside
    the Axes; the first offset when none does.  Returns the Text artists."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    taken = [t.get_window_extent(renderer) for t in obstacles]
    texts = []
    for label, x, y in zip(labels, xs, ys):
        text = None
        for dx, dy in _OFFSETS:
            if text is not None:
                text.remove()
            text = ax.annotate(label, (x, y), xytext=(dx, dy), textcoords="offset points",
                               ha="left" if dx >= 0 else "right", fontsize=9)
            box = text.get_window_extent(renderer)
            if (not _overlaps(box, taken) and inside.x0 <= box.x0 and box.x1 <= inside.x1
                    and inside.y0 <= box.y0 and box.y1 <= inside.y1):
                break
        else:
            text.remove()
            dx, dy = _OFFSETS[0]
            text = ax.annotate(label, (x, y), xytext=(dx, dy), textcoords="offset points",
                               fontsize=9)
        taken.append(text.get_window_extent(renderer))
        texts.append(text)
    return texts


def quadrant_chart(kd, ax=None, *, names=None, title: str | None = None,
                   xlabel: str | None = None, ylabel: str | None = None):
    """Performance (x) against importance (y) of a :class:`~scrutiny.drivers.KeyDriversResult`,
    with the cut lines, the quadrant names in the corners and each driver named (by ``names``,
    see :func:`driver_names`, or humanised) clear of the others.  Returns the Axes."""
    ax = create_axes(ax)
    x, y = kd.performance.to_numpy(), kd.importance.to_numpy()
    ax.scatter(x, y, c=[_QUADRANTS[q][0] for q in kd.quadrant], s=60, zorder=3)
    ax.axvline(kd.performance_cut, color="0.6", linestyle="--", linewidth=1)
    ax.axhline(kd.importance_cut, color="0.6", linestyle="--", linewidth=1)
    percent_ticks(ax.yaxis)
    if kd.performance_kind == "top_box":
        percent_ticks(ax.xaxis)
    pad_x = max(np.ptp(x), 1e-9) * 0.3
    pad_y = max(np.ptp(y), 1e-9) * 0.3
    ax.set_xlim(x.min() - pad_x, x.max() + pad_x)
    ax.set_ylim(max(0.0, y.min() - pad_y), y.max() + pad_y)
    corners = []
    for quadrant, (colour, (cx, cy, align)) in _QUADRANTS.items():
        corners.append(ax.text(cx, cy, quadrant.capitalize(), transform=ax.transAxes,
                               ha=align, va="top" if cy > 0.5 else "bottom", fontsize=9,
                               color=colour))
    ax.set_xlabel(("Performance (" + ("mean rating" if kd.performance_kind == "mean"
                                      else f"share rating {kd.top_box:g} or more") + ")")
                  if xlabel is None else xlabel)
    ax.set_ylabel("Importance (share of explained variation)" if ylabel is None else ylabel)
    ax.set_title(f"Key drivers of '{kd.outcome}'" if title is None else title)
    tighten(ax.figure)
    ax.figure.canvas.draw()
    labels = _names_for(list(kd.performance.index), list(kd.performance.index), names)
    _place_labels(ax, labels, x, y, corners)
    return ax
