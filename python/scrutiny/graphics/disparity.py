"""Funnel charts (:class:`scrutiny.disparity.FunnelResult`)."""
from __future__ import annotations

import dataclasses

import numpy as np

from .. import _narrative as _n
from .._narrative import level as _level
from . import _base as _b
from . import _text as _t

_AXIS_LABELS = {
    "proportion": ("Denominator", "Proportion"),
    "rate": ("Exposure", "Rate"),
    "ratio": ("Expected", "Observed / expected"),
}
# Band shades of successive limit levels, narrowest (darkest) first.
_BANDS = ("0.80", "0.90", "0.95", "0.97")


def _words(better) -> dict:
    """The legend's words for each meaning of a point."""
    above, below = ("above", "below") if better != "lower" else ("below", "above")
    return {"improvement": f"{above} limits (better)", "concern": f"{below} limits (worse)",
            "neutral": "outside limits", "common": "within limits"}


def funnel_chart(result, ax=None, n_points: int = 200, better=None, **options):
    """Draw a funnel: the limits at each level as bands against the denominator, the target
    (named with its value), every unit coloured by what its position means (``better``, else
    the result's), and the names of flagged units placed clear of each other.  ``options``
    are the chart options (:func:`scrutiny.graphics._base.options`).  Returns the Axes."""
    better = _b.direction(better if better is not None else getattr(result, "better", None))
    opts = _b.options(result.kind, without=("exclude", "trajectory"), **options)
    scale = float(result._scaled())    # the multiplier the values already carry
    if scale != 1.0:
        opts = dataclasses.replace(opts, ceiling=opts.ceiling * scale)
    ax = _b.create_axes(ax)
    curve = result.curve(n_points)
    levels = sorted(result.levels)
    for j in range(len(levels) - 1, -1, -1):            # widest band first, under the rest
        part = curve[curve["level"] == levels[j]]
        den = part["denominator"].to_numpy()
        lower, upper = _b.bounds(part["lower"], opts), _b.bounds(part["upper"], opts)
        style = _b.LINESTYLES[j % len(_b.LINESTYLES)]
        name = f"{_level(levels[j])} limits"
        ax.fill_between(den, lower, upper, color=_BANDS[j % len(_BANDS)], linewidth=0,
                        zorder=0, label=name)
        for edge in (lower, upper):
            ax.plot(den, edge, linestyle=style, color=_b.PALETTE["reference"], linewidth=0.8,
                    zorder=1)
    shown = (_n.percent(result.target) if result.kind == "proportion" and opts.per is None
             and scale == 1.0 else _n.number(result.target * (opts.per or scale) / scale))
    centre = f"overall {result.kind}" if result.pooled_target else "target"
    ax.axhline(result.target, color="0.15", linewidth=1.1, zorder=1,
               label=f"{centre} ({shown})")

    flag = np.asarray(result.flag, dtype=object)
    high = np.array([f.startswith("high") for f in flag], dtype=bool)
    low = np.array([f.startswith("low") for f in flag], dtype=bool)
    den, value = np.asarray(result.denominator, float), np.asarray(result.value, float)
    names = _b.unit_names(result, value.size)
    emphasis = np.zeros(value.size, bool)
    emphasis[_b.unit_positions(names, opts.highlight, "highlight")] = True
    drawn = _b.bounds(value, opts)
    _b.draw_points(ax, den, drawn, _b.meaning(high, low, better), _words(better),
                   emphasis=emphasis)

    xlabel, ylabel = _AXIS_LABELS[result.kind]
    _b.labels(ax, opts if opts.per is not None or scale == 1.0 else
              dataclasses.replace(opts, per=scale), xlabel, ylabel)
    if opts.per is not None:
        _b.per_axis(ax.yaxis, opts.per / scale)
    elif result.kind == "proportion" and scale == 1.0:
        _b.percent_axis(ax.yaxis)
    if den.max() > 20 * den.min():
        ax.set_xscale("log")
        _b.log_axis(ax.xaxis)
    over = (f"limits with {result.overdispersion}\noverdispersion" if result.overdispersion
            else None)
    finish_labels(ax, names, den, drawn, high | low, result.z, emphasis, opts, legend_title=over)
    return ax


def finish_labels(ax, names, x, y, flagged, extremeness, emphasis, opts,
                  noun: str = "units", legend_title: str | None = None) -> None:
    """The legend (right of the data, under ``legend_title``) and the options' title, then the
    names of the chosen and emphasised units and the notes of ``annotate`` (keyed by unit)
    placed clear of each other."""
    mode = opts.label if isinstance(opts.label, str) else \
        _b.unit_positions(names, opts.label, "label")
    idx, more = _b.chosen(mode, flagged, extremeness)
    notes = {int(_b.unit_positions(names, k, "annotate")[0]): v for k, v in opts.annotate.items()}
    idx = list(dict.fromkeys(list(notes) + list(np.flatnonzero(emphasis)) + list(idx)))
    texts = [f"{names[i]}: {notes[i]}" if i in notes else names[i] for i in idx]
    _t.label_units(ax, x[idx], y[idx], texts, more, (x, y), noun,
                   lambda: _b.legend(ax, title=legend_title, title_fontsize=_b.FONT["legend"]),
                   opts.title)
