"""Charts of waiting times (:mod:`scrutiny.waits`): Kaplan-Meier curves with the numbers at
risk, and the backlog."""
from __future__ import annotations

import math

import numpy as np

from .. import _narrative as _n
from .. import _validation as _v
from ._base import FIGSIZE, legend, tighten
from ._table import at_risk, draw_at_risk

# Below this many cases still waiting, the curve is drawn dashed (and its band left out).
MIN_AT_RISK = 10


def _axes(ax, figsize=FIGSIZE):
    """The given Axes, or a new figure's with the constrained layout (room for the table and
    a legend outside the plot)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, layout="constrained")[1]


def _tail_start(n_risk: np.ndarray, min_at_risk: int) -> int:
    """The first row of a full curve resting on fewer than ``min_at_risk`` cases (its length
    when none does)."""
    few = np.flatnonzero(n_risk < min_at_risk)
    return int(few[0]) if few.size else n_risk.size


def _curve(ax, c, colour, label, ci: bool, censored: bool, min_at_risk: int):
    """One group's step curve: solid while at least ``min_at_risk`` cases remain, dashed after,
    the band over the solid part, '+' at open cases.  Returns the solid line."""
    time, survival = c["time"].to_numpy(), c["survival"].to_numpy()
    j = _tail_start(c["n_risk"].to_numpy(), min_at_risk)
    before = 1.0 if j == 0 else survival[j - 1]
    end = time[j] if j < time.size else time[-1]
    x, y = np.r_[0.0, time[:j], end], np.r_[1.0, survival[:j], before]
    line, = ax.step(x, y, where="post", color=colour, linewidth=1.8, label=label)
    if j < time.size:
        ax.step(np.r_[time[j], time[j:]], np.r_[before, survival[j:]], where="post",
                color=colour, linewidth=1.4, linestyle=(0, (4, 2)), gid="few at risk")
    if ci and j > 0:
        lo = np.nan_to_num(np.r_[1.0, c["lower"].to_numpy()[:j], c["lower"].to_numpy()[j - 1]],
                           nan=0.0)
        hi = np.nan_to_num(np.r_[1.0, c["upper"].to_numpy()[:j], c["upper"].to_numpy()[j - 1]],
                           nan=0.0)
        ax.fill_between(x, lo, hi, step="post", color=colour, alpha=0.15, linewidth=0)
    if censored:
        cens = c["n_censor"].to_numpy() > 0
        ax.plot(time[cens], survival[cens], "+", color=colour, markersize=7, linestyle="none")
    return line


def survival_chart(result, ax=None, ci: bool = True, censored: bool = True, target=None, *,
                   min_at_risk: int = MIN_AT_RISK, table: bool = True, panels: bool = False,
                   ncols: int = 3, title: str | None = None, xlabel: str | None = None,
                   ylabel: str | None = None):
    """Step curve(s) of the share still waiting of a
    :class:`~scrutiny.waits.KaplanMeierResult`: the confidence band, a '+' at each time a case
    was still open, the curve dashed (and its band left out) where fewer than ``min_at_risk``
    cases are still waiting, the numbers at risk under the time axis (``table``), and at
    ``target`` a vertical line with each curve's share still waiting past it in the legend.
    Returns the Axes; with groups and ``panels``, one chart per group in ``ncols`` columns on
    shared scales, and the 2-D array of their Axes."""
    ci, censored = _v.boolean(ci, "ci"), _v.boolean(censored, "censored")
    table, panels = _v.boolean(table, "table"), _v.boolean(panels, "panels")
    min_at_risk = _v.whole_number(min_at_risk, "min_at_risk", minimum=0)
    t = None if target is None else _v.number(target, "target", minimum=0.0)
    every = result.groups.values() if result.grouped else [result]
    last = max(float(r.curve()["time"].iloc[-1]) for r in every)
    right = max(last, 0.0 if t is None else t) * 1.02 or 1.0
    options = dict(ci=ci, censored=censored, t=t, min_at_risk=min_at_risk, table=table,
                   xlabel=xlabel, ylabel=ylabel, right=right)
    if panels and result.grouped:
        if ax is not None:
            raise ValueError("ax cannot be given with panels=True: the panels make their own "
                             "figure")
        return _panels(result, _v.whole_number(ncols, "ncols", minimum=1), title, options)
    ax = _axes(ax)
    items = ([(f"C{i % 10}", g, r, i) for i, (g, r) in enumerate(result.groups.items())]
             if result.grouped else [("C0", None, result, 0)])
    _draw(ax, result, items, nbins=8, **options)
    ax.set_title("Share still waiting (Kaplan-Meier)" if title is None else title,
                 fontsize=10)
    _notes_legend(ax, result, ci, censored, min_at_risk)
    tighten(ax.figure)
    return ax


def _panels(result, ncols: int, title, options):
    """One chart per group on shared scales, the notes in one legend under them."""
    import matplotlib.pyplot as plt

    k = len(result.groups)
    ncols = min(ncols, k)
    nrows = math.ceil(k / ncols)
    fig, axs = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 3.3 * nrows), sharex=True,
                            sharey=True, squeeze=False, layout="constrained")
    for ax, (i, (g, r)) in zip(axs.flat, enumerate(result.groups.items())):
        label = _draw(ax, result, [("C0", g, r, i)], nbins=4, **options)[0]
        ax.set_title(label, fontsize=8, loc="left")
        ax.tick_params(labelleft=True, labelbottom=True)
    for ax in list(axs.flat)[k:]:
        ax.set_visible(False)
    fig.suptitle("Share still waiting (Kaplan-Meier)" if title is None else title,
                 fontsize=10, x=0.01, ha="left")
    _notes_legend(axs.flat[0], result, options["ci"], options["censored"],
                  options["min_at_risk"], figure=fig)
    return axs


def _draw(ax, result, items: list, ci, censored, t, min_at_risk, table, xlabel, ylabel,
          right: float, nbins: int) -> list:
    """The curves of ``items`` ((colour, group or None, result of the group, its position))
    with the numbers at risk at about ``nbins`` ticks and the target on ``ax``, the time axis
    from 0 to ``right``; a single curve in a panel of its own is left out of the legend.
    Returns the curves' labels."""
    share = None if t is None else result.share_past(t)
    curves, colours, labels = [], [], []
    alone = len(items) == 1 and items[0][1] is not None
    for colour, g, r, i in items:
        c = r.curve()
        label = None if g is None else str(g)
        if share is not None:
            past = float(np.atleast_1d(share.estimate)[i])
            what = (f"{_n.percent(past)} still waiting at {_n.number(t)} {result.unit}"
                    if np.isfinite(past) else "not followed to the target")
            label = what if g is None else f"{g}: {what}"
        _curve(ax, c, colour, None if alone else label, ci, censored, min_at_risk)
        curves.append(c)
        colours.append(colour)
        labels.append(label)
    ax.set_xlim(0.0, right)
    ax.set_ylim(0.0, 1.02)
    if t is not None:
        ax.axvline(t, color="0.3", linestyle=":", linewidth=1.2,
                   label=f"target: {_n.number(t)} {result.unit}")
    from matplotlib.ticker import MaxNLocator

    inches = ax.get_position().width * ax.figure.get_figwidth()
    nbins = max(3, min(nbins, int(1.2 * inches)))      # room for the counts under each tick
    ax.xaxis.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 3, 5, 10]))
    ticks = [v for v in ax.get_xticks() if 0.0 <= v <= right]
    ax.set_xticks(ticks)
    _percent_shares(ax)
    if table:
        rows = [at_risk(c["time"], c["n_risk"], ticks) for c in curves]
        names = [None] if len(items) == 1 else [str(item[1]) for item in items]
        draw_at_risk(ax, ticks, rows, names, colours)
    ax.set_xlabel(f"Wait ({result.unit})" if xlabel is None else xlabel)
    ax.set_ylabel("Share still waiting" if ylabel is None else ylabel)
    return labels


def _percent_shares(ax) -> None:
    from matplotlib.ticker import PercentFormatter

    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def _notes_legend(ax, result, ci: bool, censored: bool, min_at_risk: int,
                  figure=None) -> None:
    """The legend outside the plot on the right (with ``figure``, under the figure's panels):
    the curves (and target) drawn, then what the band, the '+' and the dashed tail mean."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles, labels = ax.get_legend_handles_labels()
    if ci:
        handles.append(Patch(color="0.5", alpha=0.3, linewidth=0))
        labels.append(f"{_n.level(result.conf)} CI ({result.conf_type})")
    if censored:
        handles.append(Line2D([], [], marker="+", color="0.3", linestyle="none", markersize=7))
        labels.append("+ case still open")
    axes = ax.figure.axes if figure is not None else [ax]
    if any(line.get_gid() == "few at risk" for a in axes for line in a.lines):
        handles.append(Line2D([], [], color="0.3", linestyle=(0, (4, 2))))
        labels.append(f"dashed: fewer than {min_at_risk:,}\nstill waiting (unreliable)")
    if figure is not None:
        if any(a.get_legend_handles_labels()[1] for a in axes[1:]):
            handles, labels = _panel_handles(axes, handles, labels)
        figure.legend(handles, labels, loc="outside lower center", ncols=min(4, len(labels)),
                      fontsize=8, frameon=False)
        return
    legend(ax, handles=handles, labels=labels, loc="upper left", bbox_to_anchor=(1.01, 1.0),
           borderaxespad=0.0)


def _panel_handles(axes, handles, labels):
    """The legend entries of every panel, each label once, before the notes."""
    seen = dict(zip(labels, handles))
    for a in axes[1:]:
        for h, lab in zip(*a.get_legend_handles_labels()):
            seen.setdefault(lab, h)
    return list(seen.values()), list(seen)


def backlog_chart(result, ax=None, *, title: str | None = None, xlabel: str | None = None,
                  ylabel: str | None = None):
    """Arrivals and completions per period (bars) and open cases at each period's end (line) of
    a :class:`~scrutiny.waits.BacklogResult`, with those open past the target wait (dashed)
    when there is one; the periods by name on the time axis.  Returns the Axes."""
    ax = _axes(ax, figsize=(8, 4.5))
    n = len(result.period)
    x = np.arange(n)
    ax.bar(x - 0.2, result.arrivals, width=0.4, color="0.72", label="received")
    ax.bar(x + 0.2, result.completions, width=0.4, color="#6baed6", label="decided")
    ax.plot(x, result.open, color="#08306b", linewidth=2, label="open at period end")
    if result.over_target is not None:
        ax.plot(x, result.over_target, color="#e46c0a", linestyle="--", linewidth=1.8,
                label=f"open longer than {_n.number(result.target)} days (target)")
    step = max(1, math.ceil(n / 7))
    ax.set_xticks(x[::step], [_n.period_text(p, short=True) for p in result.period[::step]],
                  fontsize=8)
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylim(bottom=0)
    word = _n.step_word(result.period)
    ax.set_xlabel(word.capitalize() if xlabel is None else xlabel)
    ax.set_ylabel("Cases" if ylabel is None else ylabel)
    ax.set_title(f"Cases received, decided and open, by {word}" if title is None else title,
                 fontsize=10)
    legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    tighten(ax.figure)
    return ax
