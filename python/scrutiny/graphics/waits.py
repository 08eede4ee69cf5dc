"""Charts of waiting times (:mod:`scrutiny.waits`): Kaplan-Meier curves and the backlog."""
from __future__ import annotations

import numpy as np

from .. import _narrative as _n
from .. import _validation as _v
from ._base import create_axes, legend


def survival_chart(result, ax=None, ci: bool = True, censored: bool = True, target=None):
    """Step curve(s) of the share still waiting of a
    :class:`~scrutiny.waits.KaplanMeierResult`, with the confidence band, a '+' at each time a
    case was still open, and an optional vertical line at ``target``.  Returns the Axes."""
    ci, censored = _v.boolean(ci, "ci"), _v.boolean(censored, "censored")
    ax = create_axes(ax)
    results = result.groups if result.grouped else {None: result}
    for i, (g, r) in enumerate(results.items()):
        c = r.curve()
        time, survival = c["time"].to_numpy(), c["survival"].to_numpy()
        x = np.r_[0.0, time]
        y = np.r_[1.0, survival]
        line, = ax.step(x, y, where="post", color=f"C{i}", linewidth=1.6,
                        label=None if g is None else str(g))
        if ci:
            lo = np.r_[1.0, c["lower"].to_numpy()]
            hi = np.r_[1.0, c["upper"].to_numpy()]
            ax.fill_between(x, np.nan_to_num(lo, nan=0.0), np.nan_to_num(hi, nan=0.0),
                            step="post", color=line.get_color(), alpha=0.15, linewidth=0)
        if censored:
            cens = c["n_censor"].to_numpy() > 0
            ax.plot(time[cens], survival[cens], "+", color=line.get_color(), markersize=7)
    if target is not None:
        t = _v.number(target, "target", minimum=0.0)
        ax.axvline(t, color="0.3", linestyle="--", linewidth=1.0,
                   label=f"target ({_n.number(t)} {result.unit})")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.set_xlabel(f"Wait ({result.unit})")
    ax.set_ylabel("Share still waiting")
    note = f"shaded: {_n.level(result.conf)} CI ({result.conf_type}); + still open"
    ax.set_title(f"Kaplan-Meier estimate; {note}", fontsize=9)
    if result.grouped or target is not None:
        legend(ax)
    return ax


def backlog_chart(result, ax=None):
    """Arrivals and completions per period (bars) and open cases at each period's end (line) of
    a :class:`~scrutiny.waits.BacklogResult`.  Returns the Axes."""
    ax = create_axes(ax)
    x = np.arange(len(result.period))
    ax.bar(x - 0.2, result.arrivals, width=0.4, color="0.7", label="arrivals")
    ax.bar(x + 0.2, result.completions, width=0.4, color="C0", alpha=0.7, label="completions")
    ax.plot(x, result.open, color="C3", linewidth=2, label="open at period end")
    if result.over_target is not None:
        ax.plot(x, result.over_target, color="C3", linestyle="--", linewidth=1.5,
                label=f"open over {_n.number(result.target)} days")
    step = max(1, len(x) // 12)
    ax.set_xticks(x[::step])
    ax.set_xticklabels([_n.period_text(p, short=True) for p in result.period[::step]],
                       rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("Cases")
    legend(ax)
    return ax
