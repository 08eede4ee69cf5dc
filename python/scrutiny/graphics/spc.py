"""SPC charts (:class:`scrutiny.spc.SPCResult`), drawn one series at a time from its
:meth:`~scrutiny.spc.SPCResult.series_view`.

Charts follow the Making Data Count style, in the house palette of meaning (special cause
improving blue, concerning orange, without a direction purple, common cause grey; each with its
own shape): a solid centre line, grey process limits, a red target (or trajectory), the
variation and assurance icons above the plot area, a dotted line where the limits are
recalculated.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _validation as _v
from ..spc_rules import CHART_TITLES
from . import _base as _b
from . import _text as _t

# The view's kinds of point -> the house meanings.
_MEANING = {"common cause": "common", "improving": "improvement", "concerning": "concern",
            "neutral": "neutral"}
_WORDS = {"common": "common cause", "improvement": "special cause improving",
          "concern": "special cause concerning", "neutral": "special cause"}
_VARIATION = {"common cause": "common", "special cause improving": "improvement",
              "special cause concerning": "concern", "special cause": "neutral"}
_ASSURANCE = {"pass": "improvement", "fail": "concern", "hit and miss": "common"}
# The measure of each chart (its default floor and ceiling); XmR, I and run charts of whole
# numbers >= 0 are counts.
_MEASURE = {"p": "proportion", "pp": "proportion", "u": "rate", "up": "rate", "c": "count"}
# Kept for callers of the former SPC palette.
COLOURS = {"common cause": _b.PALETTE["common"], "improving": _b.PALETTE["improvement"],
           "concerning": _b.PALETTE["concern"], "neutral": _b.PALETTE["neutral"],
           "line": _b.PALETTE["common"], "centre": "#000000", "limits": "#7f7f7f",
           "target": _b.PALETTE["target"], "missing": _b.PALETTE["missing"]}


def measure(s) -> str | None:
    """The measure of the series view ``s``, which sets its default floor and ceiling."""
    if s.chart in _MEASURE:
        return _MEASURE[s.chart]
    v = s.value[np.isfinite(s.value)]
    return "count" if v.size and (v >= 0).all() and (v == np.round(v)).all() else None


def _trajectory(s, trajectory) -> np.ndarray | None:
    """The trajectory as one value per point: given so, or {date or position: value} held from
    that point on (NaN before the first)."""
    length = s.value.size
    if trajectory is None:
        return None
    if isinstance(trajectory, dict):
        out = np.full(length, np.nan)
        steps = sorted((_b.time_position(s.time, k, length, "trajectory"),
                        _v.number(v, "trajectory")) for k, v in trajectory.items())
        for pos, value in steps:
            out[pos:] = value
        return out
    out = _v.flat_sequence(trajectory, "trajectory").astype(float)
    _v.size_is(out, "trajectory", length, "one value per point")
    return out


def _draw(ax, s, two_sigma: bool, compact: bool, opts=None, excluded=None) -> None:
    """Points, lines, gaps and rebase markers of the series view ``s`` on ``ax``; points in
    the mask ``excluded`` drawn hollow."""
    opts = opts or _b.options(measure(s))
    value = s.value
    length = value.size
    x = np.arange(length)
    gaps = np.flatnonzero(~np.isfinite(value))
    if excluded is not None:
        gaps = gaps[~excluded[gaps]]
    for i in gaps:
        ax.axvspan(i - 0.5, i + 0.5, color=_b.PALETTE["missing"], zorder=0,
                   label="missing" if i == gaps[0] else None)
    ax.plot(x, value, color=_b.PALETTE["common"], linewidth=1.0, zorder=2)
    emphasis = np.zeros(length, bool)
    times = [_b.time_position(s.time, h, length, "highlight") for h in opts.highlight]
    emphasis[times] = True
    kinds = np.array([_MEANING[k] for k in s.kinds], dtype=object)
    words = dict(_WORDS)
    if excluded is not None and excluded.any():
        words["common"] = "common cause (open: excluded from the limits)"
    _b.draw_points(ax, x, value, kinds, words, size=10 if compact else 20, hollow=excluded,
                   emphasis=emphasis)
    lines = [("centre", "-", COLOURS["centre"], "centre"),
             ("lower", "--", COLOURS["limits"], "process limits"),
             ("upper", "--", COLOURS["limits"], None)]
    if two_sigma:
        lines += [("lower_2sigma", ":", COLOURS["limits"], "2-sigma"),
                  ("upper_2sigma", ":", COLOURS["limits"], None)]
    bounds = list(s.rebase) + [length]
    for k, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
        for field, style, colour, label in lines:
            line = _b.bounds(getattr(s, field)[a:b], opts)
            if np.isfinite(line).any():
                ax.plot(x[a:b], line, linestyle=style, color=colour, linewidth=1.0,
                        drawstyle="steps-mid", zorder=1, label=label if k == 0 else None)
    for k, start in enumerate(s.rebase[1:] if len(s.rebase) and s.rebase[0] == 0 else s.rebase):
        ax.axvline(start - 0.5, color=_b.PALETTE["reference"], linestyle=":", linewidth=1.0,
                   zorder=1, label="limits recalculated" if k == 0 else None)
    path = _trajectory(s, opts.trajectory)
    if path is not None:
        ax.plot(x, path, color=COLOURS["target"], linestyle="--", linewidth=1.0,
                drawstyle="steps-mid", label="trajectory")
    elif s.target is not None and np.isfinite(s.target):
        ax.axhline(s.target, color=COLOURS["target"], linestyle="--", linewidth=1.0,
                   label="target")
    if opts.per is not None:
        _b.per_axis(ax.yaxis, opts.per)
    elif s.chart in ("p", "pp"):
        _b.percent_axis(ax.yaxis)
    if s.time is not None:
        _b.period_ticks(ax, s.time, length, 4 if compact else 8,
                        7 if compact else _b.FONT["tick"])
    ax.set_xlim(-0.5, length - 0.5)


def badges(s) -> list:
    """The Making Data Count icons of the series view ``s`` in words, with their colours: the
    variation, and the assurance when there is a target."""
    out = [(f"variation: {s.variation or 'no data'}",
            _b.PALETTE[_VARIATION.get(s.variation, "common")])]
    if s.assurance is not None:
        out.append((f"assurance: {s.assurance}", _b.PALETTE[_ASSURANCE.get(s.assurance,
                                                                           "common")]))
    return out


def spc_chart(s, ax=None, two_sigma: bool = False, title: str | None = None, excluded=None,
              **options):
    """Draw the series view ``s`` (:class:`~scrutiny.spc.SPCSeries`) on ``ax`` (a new figure's
    when None), the points in the mask ``excluded`` hollow; ``options`` are the chart options
    (:func:`scrutiny.graphics._base.options`), points named by date or position.  Returns the
    Axes."""
    two_sigma = _v.boolean(two_sigma, "two_sigma")
    options.setdefault("label", "none")
    opts = _b.options(measure(s), title=title, **options)
    ax = _b.create_axes(ax)
    _draw(ax, s, two_sigma, compact=False, opts=opts, excluded=excluded)
    if opts.title is None:
        name = "" if s.label is None else f"{s.label}: "
        heading = f"{name}{CHART_TITLES[s.chart]} (rules: {s.rules.name})"
    else:
        heading = opts.title
    _b.labels(ax, opts, "period" if s.time is not None else "position", None)
    _t.heading(ax, heading, badges(s))
    _name_points(ax, s, opts)
    return ax


def _name_points(ax, s, opts) -> None:
    """The legend below the chart, then the points named by ``label`` (their periods) and the
    notes of ``annotate``, placed clear of each other."""
    length = s.value.size
    names = ([_b.period_label(p) for p in s.time] if s.time is not None
             else [str(i) for i in range(length)])
    outside = np.isin(s.signals, ("outside upper", "outside lower"))
    centre = np.where(np.isfinite(s.centre), s.centre, np.nanmean(s.value))
    mode = opts.label if isinstance(opts.label, str) else \
        [_b.time_position(s.time, w, length, "label") for w in opts.label]
    idx, more = _b.chosen(mode, outside, s.value - centre)
    notes = {_b.time_position(s.time, k, length, "annotate"): v
             for k, v in opts.annotate.items()}
    idx = list(dict.fromkeys(list(notes) + list(idx)))
    texts = [f"{names[i]}: {notes[i]}" if i in notes else names[i] for i in idx]
    x = np.arange(length, dtype=float)
    _t.label_units(ax, x[idx], s.value[idx], texts, more, (x, s.value), "points",
                   lambda: _b.legend(ax, "below"))


def small_multiples(views, ncols: int = 4, sharey: bool = False, height: float = 2.2, *,
                    title=None, xlabel=None, ylabel=None, highlight=None):
    """One compact chart per series view in ``views``, on shared scales with ``sharey``: the
    figure's ``title`` and axis labels, the series named in ``highlight`` (names or positions)
    framed and titled in bold; returns the 2-D array of Axes."""
    import matplotlib.pyplot as plt

    sharey = _v.boolean(sharey, "sharey")
    k = len(views)
    ncols = max(1, min(ncols, k))
    nrows = math.ceil(k / ncols)
    fig, axs = plt.subplots(nrows, ncols, figsize=(3.3 * ncols, height * nrows), sharey=sharey,
                            squeeze=False, layout="constrained")
    for ax, s in zip(axs.flat, views):
        _draw(ax, s, two_sigma=False, compact=True)
        (text, colour), = badges(s)[:1]
        name = str(s.label) if s.label is not None else f"series {s.index}"
        ax.set_title(f"{name}\n{text.removeprefix('variation: ')}", fontsize=8,
                     color="0.3" if colour == _b.PALETTE["common"] else colour)
        ax.tick_params(labelsize=7)
    names_all = [str(s.label) if s.label is not None else str(s.index) for s in views]
    for i in _b.unit_positions(names_all, highlight, "highlight") if highlight is not None else ():
        ax = axs.flat[int(i)]
        ax.title.set_fontweight("bold")
        for spine in ax.spines.values():
            spine.set_linewidth(1.6)
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
    if title is not None:
        fig.suptitle(str(title), fontsize=_b.FONT["title"])
    if xlabel is not None:
        fig.supxlabel(str(xlabel), fontsize=_b.FONT["label"])
    if ylabel is not None:
        fig.supylabel(str(ylabel), fontsize=_b.FONT["label"])
    return axs
