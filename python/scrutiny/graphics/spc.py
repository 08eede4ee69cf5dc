"""SPC charts (:class:`scrutiny.spc.SPCResult`), drawn one series at a time from its
:meth:`~scrutiny.spc.SPCResult.series_view`.

Charts follow the Making Data Count style, with NHSRplotthedots 0.2's colours
(``ptd_spc_colours``): special cause improving blue, concerning orange, neutral purple, common
cause grey; a solid centre line, grey process limits, a red target.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _validation as _v
from ..spc_rules import CHART_NAMES
from ._base import create_axes, percent_axis, period_ticks

COLOURS = {
    "common cause": "#a6a6a6",
    "improving": "#00b0f0",
    "concerning": "#e46c0a",
    "neutral": "#490092",
    "line": "#a6a6a6",
    "centre": "#000000",
    "limits": "#7f7f7f",
    "target": "#de1b1b",
    "missing": "#ededed",
}
_KIND_LABELS = {"common cause": "common cause", "improving": "special cause improving",
                "concerning": "special cause concerning", "neutral": "special cause"}
_VARIATION_KIND = {"common cause": "common cause", "special cause improving": "improving",
                   "special cause concerning": "concerning", "special cause": "neutral"}


def _draw(ax, s, two_sigma: bool, compact: bool) -> None:
    """Points, lines and gaps of the series view ``s`` on ``ax``."""
    value = s.value
    length = value.size
    x = np.arange(length)
    gaps = np.flatnonzero(~np.isfinite(value))
    for i in gaps:
        ax.axvspan(i - 0.5, i + 0.5, color=COLOURS["missing"], zorder=0,
                   label="missing" if i == gaps[0] else None)
    ax.plot(x, value, color=COLOURS["line"], linewidth=1.0, zorder=2)
    for kind in ("common cause", "improving", "concerning", "neutral"):
        mask = s.kinds == kind
        if mask.any():
            ax.scatter(x[mask], value[mask], s=10 if compact else 22, color=COLOURS[kind],
                       zorder=3, label=_KIND_LABELS[kind])
    lines = [("centre", "-", COLOURS["centre"], "centre"),
             ("lower", "--", COLOURS["limits"], "process limits"),
             ("upper", "--", COLOURS["limits"], None)]
    if two_sigma:
        lines += [("lower_2sigma", ":", COLOURS["limits"], "2-sigma"),
                  ("upper_2sigma", ":", COLOURS["limits"], None)]
    bounds = list(s.rebase) + [length]
    for k, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
        for field, style, colour, label in lines:
            line = getattr(s, field)[a:b]
            if np.isfinite(line).any():
                ax.plot(x[a:b], line, linestyle=style, color=colour, linewidth=1.0,
                        drawstyle="steps-mid", zorder=1, label=label if k == 0 else None)
    if s.target is not None and np.isfinite(s.target):
        ax.axhline(s.target, color=COLOURS["target"], linestyle="--", linewidth=1.0,
                   label="target")
    if s.chart in ("p", "pp"):
        percent_axis(ax.yaxis)
    if s.time is not None:
        period_ticks(ax, s.time, length, 4 if compact else 8, 7 if compact else 8)
    ax.set_xlim(-0.5, length - 0.5)


def _badge(s) -> tuple[str, str]:
    """The variation (and assurance) of the series in words, and the colour of its kind."""
    text = s.variation or "no data"
    if s.assurance is not None:
        text += f"; assurance: {s.assurance}"
    return text, COLOURS[_VARIATION_KIND.get(s.variation, "common cause")]


def spc_chart(s, ax=None, two_sigma: bool = False, title: str | None = None):
    """Draw the series view ``s`` (:class:`~scrutiny.spc.SPCSeries`) on ``ax`` (a new figure's
    when None); returns the Axes."""
    two_sigma = _v.boolean(two_sigma, "two_sigma")
    ax = create_axes(ax)
    _draw(ax, s, two_sigma, compact=False)
    text, colour = _badge(s)
    ax.text(1.0, 1.02, text, transform=ax.transAxes, ha="right", va="bottom", fontsize=8,
            bbox={"boxstyle": "round", "facecolor": colour, "alpha": 0.2, "edgecolor": colour})
    if title is None:
        name = "" if s.label is None else f"{s.label}: "
        title = f"{name}{CHART_NAMES[s.chart]} chart (rules: {s.rules.name})"
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_xlabel("period" if s.time is not None else "position")
    ax.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.14),
              ncols=4)
    return ax


def small_multiples(views, ncols: int = 4, sharey: bool = False, height: float = 2.2):
    """One compact chart per series view in ``views``; returns the 2-D array of Axes."""
    import matplotlib.pyplot as plt

    sharey = _v.boolean(sharey, "sharey")
    k = len(views)
    ncols = max(1, min(ncols, k))
    nrows = math.ceil(k / ncols)
    fig, axs = plt.subplots(nrows, ncols, figsize=(3.3 * ncols, height * nrows), sharey=sharey,
                            squeeze=False, layout="constrained")
    for ax, s in zip(axs.flat, views):
        _draw(ax, s, two_sigma=False, compact=True)
        text, colour = _badge(s)
        name = str(s.label) if s.label is not None else f"series {s.index}"
        ax.set_title(f"{name}\n{text}", fontsize=8,
                     color="0.3" if colour == COLOURS["common cause"] else colour)
        ax.tick_params(labelsize=7)
    for ax in list(axs.flat)[k:]:
        ax.set_visible(False)
    handles, names = {}, []
    for ax in axs.flat[:k]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in handles:
                handles[lab] = h
                names.append(lab)
    fig.legend([handles[n] for n in names], names, loc="outside lower center",
               ncols=min(6, len(names)), fontsize=8, frameon=False)
    return axs
