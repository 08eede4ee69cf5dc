"""Charts of call-centre results (:mod:`scrutiny.calls`): shares against agents (with the
agents a service-level target needs), staffing per interval against the predicted service
level, service level per group."""
from __future__ import annotations

import numpy as np

from .. import _narrative as _n
from ._base import create_axes, legend, thin_ticks, tighten

_AGENTS = "#2b6ca3"
_SCHEDULED = "#c6dbef"
_SERVICE = "#e46c0a"
_TARGET = "0.3"


def _labels(ax, title, xlabel, ylabel) -> None:
    """The caller's title and axis labels where given."""
    if title is not None:
        ax.set_title(title, fontsize=10)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)


def _percent(axis) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def _seconds(value) -> str:
    return f"{_n.number(float(value))} s"


def scenario_chart(result, fields, labels, ax=None, *, target: float | None = None,
                   title: str | None = None, xlabel: str | None = None,
                   ylabel: str | None = None):
    """The shares in ``fields`` (named ``labels``) against the number of agents, one line each,
    from the scenarios of an Erlang C or Erlang A result; with ``target`` (a share answered
    within the target time), the target line and the fewest agents that meet it marked.
    Returns the Axes."""
    ax = create_axes(ax)
    frame = result.to_frame().sort_values("agents", kind="stable")
    times = np.unique(np.asarray(result.target_time, dtype=float))
    within = f"answered within {_seconds(times[0])}" if times.size == 1 else None
    for field, label in zip(fields, labels):
        if field == "service_level" and within is not None:
            label = within
        ax.plot(frame["agents"], frame[field], marker="o", label=label)
    if target is not None:
        share = float(target)
        ax.axhline(share, color=_TARGET, linestyle="--", linewidth=1.0,
                   label=f"target: {_n.percent(share)}"
                   + (f" {within}" if within is not None else " answered within target"))
        met = frame.loc[frame["service_level"].to_numpy() >= share, "agents"]
        if len(met):
            fewest = int(met.iloc[0])
            ax.axvline(fewest, color=_TARGET, linestyle=":", linewidth=1.0,
                       label=f"fewest agents meeting it: {fewest:,}")
    ax.set_xlabel("Agents")
    ax.set_ylabel("Share of calls")
    ax.set_ylim(0, 1.02)
    _percent(ax.yaxis)
    _labels(ax, title, xlabel, ylabel)
    legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    tighten(ax.figure)
    return ax


def staffing_chart(result, ax=None, title: str = "", shrinkage: str = "", *,
                   service_level: bool = True, xlabel: str | None = None,
                   ylabel: str | None = None):
    """Bars of agents taking calls per interval of a :class:`~scrutiny.calls.StaffingResult`
    (and, with shrinkage, of agents scheduled behind them, ``shrinkage`` saying how much), and
    with ``service_level`` the service level those agents are predicted to give (right axis)
    against the target (dashed).  Returns the Axes (of the bars)."""
    ax = create_axes(ax)
    labels = [" ".join(str(v) for v in k) if isinstance(k, tuple) else str(k)
              for k in result.table.index]
    x = np.arange(len(labels))
    if np.any(np.asarray(result.shrinkage) > 0):
        ax.bar(x, result.table["scheduled"], color=_SCHEDULED, width=0.85,
               label=f"scheduled ({shrinkage} shrinkage)")
    ax.bar(x, result.table["agents"], color=_AGENTS, width=0.6, label="taking calls")
    handles, names = ax.get_legend_handles_labels()
    if service_level and "service_level" in result.table:
        right = ax.twinx()
        right.plot(x, result.table["service_level"], color=_SERVICE, marker="o", markersize=3,
                   linewidth=1.2, label="predicted service level (right axis)")
        target = np.broadcast_to(np.asarray(result.target, dtype=float), x.shape)
        right.step(x, target, where="mid", color=_SERVICE, linestyle="--", linewidth=1.0,
                   label="service-level target (right axis)")
        right.set_ylim(0, 1.02)
        _percent(right.yaxis)
        right.set_ylabel("Answered within the target time")
        more = right.get_legend_handles_labels()
        handles, names = handles + more[0], names + more[1]
    thin_ticks(ax, x, labels, rotation=90)
    ax.set_xlabel("Interval" if xlabel is None else xlabel)
    ax.set_ylabel("Agents" if ylabel is None else ylabel)
    rows = -(-len(names) // 2)
    ax.set_title(title, fontsize=10, pad=6 + 14 * rows)
    legend(ax, handles=handles, labels=names, loc="lower center", bbox_to_anchor=(0.5, 1.0),
           ncols=2, borderaxespad=0.3)
    tighten(ax.figure)
    return ax


def service_level_chart(result, labels, threshold: str, ax=None, target: float | None = None,
                        *, title: str | None = None, xlabel: str | None = None,
                        ylabel: str | None = None):
    """The service level of a :class:`~scrutiny.calls.ServiceLevelResult` with its interval,
    per group (named ``labels``), and the ``target`` line; ``threshold`` is the answer time in
    words.  Returns the Axes."""
    ax = create_axes(ax)
    frame = result.to_frame()
    x = np.arange(len(labels))
    est = frame["service_level"].to_numpy()
    err = np.vstack([est - frame["lower"].to_numpy(), frame["upper"].to_numpy() - est])
    ax.errorbar(x, est, yerr=err, fmt="o", color=_AGENTS, capsize=3,
                label=f"{_n.level(result.conf)} CI")
    if target is not None:
        ax.axhline(target, color=_TARGET, linestyle="--", label=f"target: {_n.percent(target)}")
    thin_ticks(ax, x, labels, rotation=45 if len(labels) > 6 else 0)
    ax.set_xlim(-0.6, len(labels) - 0.4)
    ax.set_ylabel(f"Answered within {threshold}")
    ax.set_ylim(0, 1.02)
    _percent(ax.yaxis)
    _labels(ax, title, xlabel, ylabel)
    legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    tighten(ax.figure)
    return ax
