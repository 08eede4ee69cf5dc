"""Charts of call-centre results (:mod:`scrutiny.calls`): scenarios against agents, staffing
per interval, service level per group."""
from __future__ import annotations

import numpy as np

from .. import _narrative as _n
from ._base import create_axes, legend, thin_ticks


def scenario_chart(result, fields, labels, ax=None):
    """The shares in ``fields`` (named ``labels``) against the number of agents, one line each,
    from the scenarios of an Erlang C or Erlang A result.  Returns the Axes."""
    ax = create_axes(ax)
    frame = result.to_frame().sort_values("agents")
    for field, label in zip(fields, labels):
        ax.plot(frame["agents"], frame[field], marker="o", label=label)
    ax.set_xlabel("Agents")
    ax.set_ylabel("Share of calls")
    ax.set_ylim(0, 1.02)
    ax.legend(frameon=False)
    return ax


def staffing_chart(result, ax=None, title: str = "", shrinkage: str = ""):
    """Bars of agents taking calls per interval of a :class:`~scrutiny.calls.StaffingResult`
    (and, with shrinkage, of agents scheduled behind them, ``shrinkage`` saying how much).
    Returns the Axes."""
    ax = create_axes(ax)
    labels = [" ".join(str(v) for v in k) if isinstance(k, tuple) else str(k)
              for k in result.table.index]
    x = np.arange(len(labels))
    if np.any(np.asarray(result.shrinkage) > 0):
        ax.bar(x, result.table["scheduled"], color="#c6dbef", width=0.85,
               label=f"scheduled ({shrinkage} shrinkage)")
    ax.bar(x, result.table["agents"], color="#2b6ca3", width=0.6, label="taking calls")
    thin_ticks(ax, x, labels, rotation=90)
    ax.set_xlabel("Interval")
    ax.set_ylabel("Agents")
    ax.set_title(title)
    legend(ax)
    return ax


def service_level_chart(result, labels, threshold: str, ax=None, target: float | None = None):
    """The service level of a :class:`~scrutiny.calls.ServiceLevelResult` with its interval,
    per group (named ``labels``), and the ``target`` line; ``threshold`` is the answer time in
    words.  Returns the Axes."""
    ax = create_axes(ax)
    frame = result.to_frame()
    x = np.arange(len(labels))
    est = frame["service_level"].to_numpy()
    err = np.vstack([est - frame["lower"].to_numpy(), frame["upper"].to_numpy() - est])
    ax.errorbar(x, est, yerr=err, fmt="o", color="#2b6ca3", capsize=3,
                label=f"{_n.level(result.conf)} CI")
    if target is not None:
        ax.axhline(target, color="0.3", linestyle="--", label="target")
    thin_ticks(ax, x, labels, rotation=45 if len(labels) > 6 else 0)
    ax.set_ylabel(f"Answered within {threshold}")
    ax.set_ylim(0, 1.02)
    ax.legend(frameon=False)
    return ax
