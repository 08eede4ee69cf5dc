"""Call handling: how many call handlers a control room needs, and how well calls were answered.

``erlang_c`` and ``erlang_a`` predict waiting, answering within a target time, abandonment and
occupancy for a given number of agents; ``agents_needed`` finds the fewest agents that meet a
service level (with an occupancy cap and shrinkage), and ``staffing`` does so for every
interval of a day from call volumes (``calls_per_interval`` makes those volumes from call
records).  ``service_level`` measures what happened: the share of calls answered within a
threshold, with its confidence interval, and the abandonment rate, overall or per group.

Erlang C assumes callers never hang up and needs more agents than Erlangs of traffic; Erlang A
(Palm's M/M/n+M queue) lets callers hang up after an exponential patience, so it works at any
staffing and gives the abandonment rate.  Both run in the C core with bounded recurrences and
scaled series, accurate at thousands of agents, vectorised over scenarios.  Times are in
seconds throughout.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

from . import _core
from . import _frames as _f
from . import _narrative as _n
from . import _results as _r
from . import _validation as _v
from ._results import Result
from .rates import proportion_ci, rate_ci

__all__ = [
    "erlang_c", "erlang_a", "agents_needed", "staffing", "calls_per_interval", "service_level",
    "estimate_patience", "ErlangCResult", "ErlangAResult", "AgentsResult", "StaffingResult",
    "ServiceLevelResult", "PatienceResult",
]

# Limits within which the kernels' series stay short (see csrc/core/sc_calls.h).
MAX_TRAFFIC = 1e6
MAX_PATIENCE_RATIO = 1e4
_DAY = 86400
_NAN = float("nan")


# ---- checks ---------------------------------------------------------------------------------

def _optional(value, name: str, **limits):
    """None as NaN (no cap), else checked values."""
    return np.float64(_NAN) if value is None else _v.in_range(value, name, **limits)


def _traffic(calls, interval, handle) -> np.ndarray:
    traffic = calls * handle / interval
    if np.any(traffic > MAX_TRAFFIC):
        i = int(np.flatnonzero(np.reshape(traffic, -1) > MAX_TRAFFIC)[0])
        raise ValueError(f"calls give {np.reshape(traffic, -1)[i]:.4g} Erlangs of traffic "
                         f"(calls x handle_time / interval), beyond the {MAX_TRAFFIC:g} this "
                         "calculator handles")
    return traffic


def _patience_ratio(patience: np.ndarray, handle: np.ndarray) -> None:
    with np.errstate(divide="ignore", over="ignore"):
        _v.representable(1.0 / patience, "the abandonment rate 1 / patience", "patience")
    if np.any(patience > MAX_PATIENCE_RATIO * handle):
        raise ValueError(f"patience must be at most {MAX_PATIENCE_RATIO:g} x handle_time: "
                         "callers that patient never hang up in practice; use erlang_c")


def _shape_out(a, shape):
    out = np.asarray(a).reshape(shape)
    return float(out) if out.ndim == 0 else out


def _whole_out(a, shape):
    out = np.asarray(a).reshape(shape).astype(np.int64)
    return int(out) if out.ndim == 0 else out


def _per_text(interval: float) -> str:
    """An interval length as an adjective: 1800 -> 'half-hour', 900 -> '15-minute'."""
    names = {1800: "half-hour", 3600: "hour", 86400: "day"}
    if interval in names:
        return names[interval]
    return f"{interval / 60:g}-minute" if interval % 60 == 0 else f"{interval:g}-second"


def _seconds(v) -> str:
    return f"{_n.number(v)} s"


def _erlangs(traffic) -> str:
    """'1 Erlang', '10.5 Erlangs'."""
    return f"{_n.number(traffic)} {_n.agree(traffic, 'Erlang', 'Erlangs')}"


# ---- results --------------------------------------------------------------------------------

class _ScenarioFrame:
    """The narrative of the queueing-model results, one sentence per scenario (a row of
    ``to_frame()``)."""

    def narrative(self) -> str | list[str]:
        """What the result says in words, with what its model assumes: a sentence, or a list
        with one per scenario."""
        lines = [self._sentence(r) for r in self.to_frame().itertuples(index=False)]
        if self.labels is not None:
            lines = [f"{_unit_name(k)}: {line}" for k, line in zip(self.labels, lines)]
        return _n.one_or_many(lines, np.ndim(self.p_wait) == 0 and np.ndim(self.agents) == 0)

    def _sentence(self, r) -> str:
        """The narrative of one scenario (a row of ``to_frame()``)."""
        raise NotImplementedError


def _unit_name(label) -> str:
    """A label as text (a tuple of several ``by`` values joined by spaces)."""
    return " ".join(map(str, label)) if isinstance(label, tuple) else str(label)


_ASSUMES = ("calls arrive at random at a steady rate and handling times vary as an exponential "
            "distribution does")


def _staffed(r) -> str:
    """'With 14 agents for 10 Erlangs of traffic'."""
    return (f"With {_n.plural(r.agents, 'agent')} for {_erlangs(r.traffic)} of traffic")


def _predicts(r, model: str, callers: str, findings: str, assumes: str) -> str:
    """A queueing model's predictions for one scenario, with what it assumes."""
    return (f"{_staffed(r)}{callers}, the {model} model predicts that {findings} and agents are "
            f"busy {_n.percent(r.occupancy)} of the time. These are model predictions: they "
            f"assume {_ASSUMES}, and {assumes}.")


@dataclasses.dataclass(frozen=True, repr=False)
class ErlangCResult(_ScenarioFrame, Result):
    """Erlang C predictions (see :func:`erlang_c`).  Numbers for one scenario, arrays (the
    broadcast shape of the inputs) for several.

    Attributes
    ----------
    traffic : float or numpy.ndarray
        The offered traffic in Erlangs, per scenario.
    p_wait : float or numpy.ndarray
        The probability that a call waits, per scenario.
    service_level : float or numpy.ndarray
        The share of calls answered within ``target_time``, per scenario.
    asa : float or numpy.ndarray
        The average speed of answer: the mean wait over all calls, in seconds, per scenario.
    occupancy : float or numpy.ndarray
        The share of time agents are busy, per scenario.
    immediate_answer : float or numpy.ndarray
        1 - p_wait, per scenario.
    agents : int or numpy.ndarray
        The agents taking calls, per scenario.
    target_time : float or numpy.ndarray
        The service-level threshold in seconds, per scenario.
    stable : bool or numpy.ndarray
        False where the traffic reaches the agents (the other fields are then NaN), per
        scenario.
    method : str
        The queueing model.
    labels : pandas.Index or None
        The scenarios' names: the index of the arguments given as pandas Series (None for
        arrays).
    """

    traffic: float | np.ndarray = _r.unit("scenario")
    p_wait: float | np.ndarray = _r.unit("scenario")
    service_level: float | np.ndarray = _r.unit("scenario")
    asa: float | np.ndarray = _r.unit("scenario")
    occupancy: float | np.ndarray = _r.unit("scenario")
    immediate_answer: float | np.ndarray = _r.unit("scenario")
    agents: int | np.ndarray = _r.unit("scenario")
    target_time: float | np.ndarray = _r.unit("scenario")
    stable: bool | np.ndarray = _r.unit("scenario")
    method: str = _r.scalar(default="Erlang C (M/M/n)")
    labels: pd.Index | None = _r.label(default=None)

    def _sentence(self, r) -> str:
        if not r.stable:
            return (f"{_staffed(r)} the Erlang C queue is unstable: calls arrive faster than "
                    f"{_n.plural(r.agents, 'agent')} can answer them, so waits grow without "
                    "limit; more agents are needed (erlang_a allows for callers hanging up).")
        return _predicts(r, "Erlang C", "", f"{_n.percent(r.p_wait)} of calls wait, "
                         f"{_n.percent(r.service_level)} are answered within "
                         f"{_seconds(r.target_time)}, the average speed of answer is "
                         f"{_seconds(r.asa)}", "that no caller hangs up")

    def plot(self, ax=None, **options):
        """Service level and probability of waiting against the number of agents; with
        ``target`` (a share answered within the target time) the target line and the fewest
        agents that meet it.  ``options``: ``target``, ``title``, ``xlabel``, ``ylabel``."""
        from .graphics.calls import scenario_chart

        return scenario_chart(self, ("service_level", "p_wait"),
                              ("answered within target", "wait"), ax=ax, **options)


@dataclasses.dataclass(frozen=True, repr=False)
class ErlangAResult(_ScenarioFrame, Result):
    """Erlang A predictions (see :func:`erlang_a`).  Numbers for one scenario, arrays (the
    broadcast shape of the inputs) for several.

    Attributes
    ----------
    traffic : float or numpy.ndarray
        The offered traffic in Erlangs, per scenario.
    p_wait : float or numpy.ndarray
        The probability that a call waits, per scenario.
    service_level : float or numpy.ndarray
        The share of offered calls answered within ``target_time``, per scenario.
    service_level_answered : float or numpy.ndarray
        The same share of answered calls, per scenario.
    abandonment : float or numpy.ndarray
        The share of calls abandoned, per scenario.
    asa : float or numpy.ndarray
        The mean wait of answered calls (immediate answers included), in seconds, per
        scenario.
    mean_wait : float or numpy.ndarray
        The mean wait of all callers (those who hang up included), in seconds, per scenario.
    occupancy : float or numpy.ndarray
        The share of time agents are busy, per scenario.
    immediate_answer : float or numpy.ndarray
        1 - p_wait, per scenario.
    agents : int or numpy.ndarray
        The agents taking calls, per scenario.
    target_time : float or numpy.ndarray
        The service-level threshold in seconds, per scenario.
    patience : float or numpy.ndarray
        The callers' mean patience in seconds, per scenario.
    method : str
        The queueing model.
    labels : pandas.Index or None
        The scenarios' names (as :class:`ErlangCResult`).
    """

    traffic: float | np.ndarray = _r.unit("scenario")
    p_wait: float | np.ndarray = _r.unit("scenario")
    service_level: float | np.ndarray = _r.unit("scenario")
    service_level_answered: float | np.ndarray = _r.unit("scenario")
    abandonment: float | np.ndarray = _r.unit("scenario")
    asa: float | np.ndarray = _r.unit("scenario")
    mean_wait: float | np.ndarray = _r.unit("scenario")
    occupancy: float | np.ndarray = _r.unit("scenario")
    immediate_answer: float | np.ndarray = _r.unit("scenario")
    agents: int | np.ndarray = _r.unit("scenario")
    target_time: float | np.ndarray = _r.unit("scenario")
    patience: float | np.ndarray = _r.unit("scenario")
    method: str = _r.scalar(default="Erlang A (M/M/n+M)")
    labels: pd.Index | None = _r.label(default=None)

    def _sentence(self, r) -> str:
        return _predicts(r, "Erlang A",
                         f" and callers who hang up after {_seconds(r.patience)} on average",
                         f"{_n.percent(r.p_wait)} of calls wait and {_n.percent(r.abandonment)} "
                         f"are abandoned; {_n.percent(r.service_level)} of all calls "
                         f"({_n.percent(r.service_level_answered)} of answered calls) are "
                         f"answered within {_seconds(r.target_time)}, answered calls wait "
                         f"{_seconds(r.asa)} on average", "that patience does too")

    def plot(self, ax=None, **options):
        """Service level and abandonment against the number of agents (``options`` as
        :meth:`ErlangCResult.plot`)."""
        from .graphics.calls import scenario_chart

        return scenario_chart(self, ("service_level", "abandonment"),
                              ("answered within target", "abandoned"), ax=ax, **options)


@dataclasses.dataclass(frozen=True, repr=False)
class AgentsResult(_ScenarioFrame, Result):
    """Agents needed (see :func:`agents_needed`).  Numbers for one scenario, arrays (the
    broadcast shape of the inputs) for several.

    Attributes
    ----------
    agents : int or numpy.ndarray
        The fewest agents on the phones that meet the targets, per scenario.
    scheduled : int or numpy.ndarray
        agents / (1 - shrinkage), rounded up, per scenario.
    p_wait, service_level, occupancy : float or numpy.ndarray
        At that staffing: the probability of waiting, the share answered within
        ``target_time`` and the agents' occupancy, per scenario.
    traffic : float or numpy.ndarray
        The offered traffic in Erlangs, per scenario.
    asa : float or numpy.ndarray
        The average speed of answer in seconds at that staffing, per scenario.
    abandonment : float or numpy.ndarray
        The share abandoned at that staffing (0 for Erlang C), per scenario.
    service_level_answered : float or numpy.ndarray
        The share of answered calls answered within ``target_time``, per scenario.
    target : float or numpy.ndarray
        The service-level target, per scenario.
    target_time : float or numpy.ndarray
        The service-level threshold in seconds, per scenario.
    max_occupancy : float, numpy.ndarray or None
        The occupancy cap, per scenario (None: no cap).
    shrinkage : float or numpy.ndarray
        The share of paid time off the phones, per scenario.
    patience : float, numpy.ndarray or None
        The callers' mean patience in seconds, per scenario (None: Erlang C).
    method : str
        The queueing model.
    labels : pandas.Index or None
        The scenarios' names (as :class:`ErlangCResult`).
    """

    agents: int | np.ndarray = _r.unit("scenario")
    scheduled: int | np.ndarray = _r.unit("scenario")
    p_wait: float | np.ndarray = _r.unit("scenario")
    service_level: float | np.ndarray = _r.unit("scenario")
    occupancy: float | np.ndarray = _r.unit("scenario")
    traffic: float | np.ndarray = _r.unit("scenario")
    asa: float | np.ndarray = _r.unit("scenario")
    abandonment: float | np.ndarray = _r.unit("scenario")
    service_level_answered: float | np.ndarray = _r.unit("scenario")
    target: float | np.ndarray = _r.unit("scenario")
    target_time: float | np.ndarray = _r.unit("scenario")
    max_occupancy: float | np.ndarray | None = _r.unit("scenario")
    shrinkage: float | np.ndarray = _r.unit("scenario")
    patience: float | np.ndarray | None = _r.unit("scenario")
    method: str = _r.scalar()
    labels: pd.Index | None = _r.label(default=None)

    def _sentence(self, r) -> str:
        model = "Erlang C" if self.patience is None else "Erlang A"
        cap = (f" and keep occupancy at or below {_n.percent(r.max_occupancy)}"
               if np.isfinite(r.max_occupancy) else "")
        text = (f"To answer {_n.percent(r.target)} of calls within {_seconds(r.target_time)}"
                f"{cap} with {_erlangs(r.traffic)} of traffic, the {model} model "
                f"needs {_n.plural(r.agents, 'agent')} taking calls (predicted service level "
                f"{_n.percent(r.service_level)}, occupancy {_n.percent(r.occupancy)}")
        if self.patience is not None:
            text += f", abandonment {_n.percent(r.abandonment)}"
        text += ")"
        if r.shrinkage > 0:
            text += (f", or {r.scheduled:,} scheduled to allow for {_n.percent(r.shrinkage)} "
                     "shrinkage")
        return text + (". This assumes calls arrive at random at the average rate; busier "
                       "periods need more.")


# ---- models ---------------------------------------------------------------------------------

def _scenarios(calls, interval, handle_time, target_time):
    return (_v.in_range(calls, "calls"), _v.in_range(interval, "interval", low_open=True),
            _v.in_range(handle_time, "handle_time", low_open=True),
            _v.in_range(target_time, "target_time"))


_SCENARIO = ("calls", "interval", "handle_time", "agents", "target_time")


@_f.tidy(roles=_SCENARIO, layout="units")
def erlang_c(calls, interval, handle_time, agents, target_time, *, unstable="raise",
             threads=None) -> ErlangCResult:
    """Erlang C: waiting, service level, speed of answer and occupancy for a number of agents.

    Scenarios given as pandas Series keep their index as ``labels``; a table of scenarios
    takes column names: ``erlang_c(df, calls="calls", interval=1800, handle_time="aht",
    agents="agents", target_time=20, label="interval")`` (``label``: the column naming the
    scenarios; default the table's index).

    Parameters
    ----------
    calls : float or array_like
        Calls offered per interval (average; >= 0, need not be whole).
    interval : float or array_like
        Length of the interval in seconds (> 0), e.g. 1800 for half-hourly volumes.
    handle_time : float or array_like
        Average handle time in seconds (talk plus wrap-up, > 0).
    agents : int or array_like
        Agents taking calls (whole, >= 1).
    target_time : float or array_like
        Answer within this many seconds (>= 0), e.g. 10 for 999.
    unstable : {"raise", "nan"}
        When the traffic reaches the agents (calls x handle_time / interval >= agents) calls
        arrive faster than they can be answered and the queue has no steady state.
        ``"raise"``: a ValueError naming ``agents``.  ``"nan"``: NaN in those scenarios'
        predictions and ``stable`` False, for tables over many staffing levels.
    threads : int, optional
        Threads for many scenarios (default: all cores).

    Returns
    -------
    ErlangCResult
        ``traffic``, ``p_wait``, ``service_level``, ``asa``, ``occupancy``,
        ``immediate_answer``, ``agents``, ``stable``: floats for scalar input, else arrays of
        the broadcast shape; ``labels`` from Series arguments.

    Raises
    ------
    ValueError
        Negative or non-finite values, interval or handle time not positive, agents not a
        whole number >= 1, an unstable queue with ``unstable="raise"``, shapes that do not
        broadcast, Series arguments with different indexes (both named), a column not in the
        table.
    TypeError
        Non-numeric input.

    Notes
    -----
    With arrival rate :math:`\\lambda` = calls / interval, handle time :math:`h`, traffic
    :math:`A = \\lambda h` and :math:`n` agents, the probability of waiting is
    :math:`C = B / (1 - (A/n)(1 - B))` where :math:`B` is Erlang B, computed by the recurrence
    :math:`B_k = A B_{k-1} / (k + A B_{k-1})` (no factorials, so no overflow at thousands of
    agents).  Service level :math:`1 - C e^{-(n - A) t / h}` (calls answered within
    :math:`t`, all of them offered), average speed of answer :math:`C h / (n - A)` (over all
    calls, those answered at once included), occupancy :math:`A / n`.

    References
    ----------
    Gans N, Koole G, Mandelbaum A (2003). Telephone call centers: tutorial, review, and
    research prospects. Manufacturing & Service Operations Management 5:79-141.

    Examples
    --------
    >>> from scrutiny import calls
    >>> r = calls.erlang_c(100, 1800, 180, 14, 20)   # 100 calls per half hour, 3-minute calls
    >>> round(r.traffic, 2), round(r.p_wait, 4), round(r.service_level, 4)
    (10.0, 0.1741, 0.8884)
    >>> import pandas as pd
    >>> r = calls.erlang_c(pd.Series([80, 100], index=["08:00", "08:30"]), 1800, 180, 14, 20)
    >>> r.to_frame()[["scenario", "agents", "p_wait"]].round(4)
      scenario  agents  p_wait
    0    08:00      14  0.0393
    1    08:30      14  0.1741
    """
    labels = _f.unit_index(calls=calls, interval=interval, handle_time=handle_time,
                           agents=agents, target_time=target_time)
    mode = _v.choice(unstable, "unstable", ("raise", "nan"))
    c, iv, h, t = _scenarios(calls, interval, handle_time, target_time)
    n = _v.in_range(agents, "agents", low=1, whole=True)
    c, iv, h, n, t = _v.broadcast(calls=c, interval=iv, handle_time=h, agents=n, target_time=t)
    traffic = _traffic(c, iv, h)
    stable = traffic < n
    if mode == "raise" and not stable.all():
        i = int(np.flatnonzero(~stable.reshape(-1))[0])
        raise ValueError(
            f"agents must exceed the traffic for an Erlang C queue ({_v.element(n, i)}"
            f"{n.reshape(-1)[i]:g} agents for {traffic.reshape(-1)[i]:.4g} Erlangs = calls x "
            "handle_time / interval): calls arrive faster than they can be answered and the "
            "queue grows without limit. Add agents, pass unstable='nan', or use erlang_a, which "
            "allows for callers hanging up")
    out = _core.calls_evaluate(c.ravel(), iv.ravel(), h.ravel(), n.ravel(), t.ravel(), None,
                               _v.threads(threads))
    shape = c.shape
    p_wait = out["p_wait"].reshape(shape)
    return ErlangCResult(
        traffic=_shape_out(out["traffic"], shape), p_wait=_shape_out(p_wait, shape),
        service_level=_shape_out(out["service_level"], shape),
        asa=_shape_out(out["asa"], shape), occupancy=_shape_out(out["occupancy"], shape),
        immediate_answer=_shape_out(1.0 - p_wait, shape),
        agents=_whole_out(n, shape), target_time=_shape_out(t, shape),
        stable=bool(stable) if stable.ndim == 0 else stable,
        labels=_f.index_labels(labels, shape))


@_f.tidy(roles=(*_SCENARIO, "patience"), layout="units")
def erlang_a(calls, interval, handle_time, agents, target_time, patience, *,
             threads=None) -> ErlangAResult:
    """Erlang A: waiting, abandonment, service level and occupancy when callers hang up.

    Series arguments and tables of scenarios as :func:`erlang_c`.

    Parameters
    ----------
    calls, interval, handle_time, agents, target_time
        As :func:`erlang_c`.
    patience : float or array_like
        Mean time in seconds a caller waits before hanging up (> 0, at most 10,000 handle
        times).  Estimate it from call records as (time abandoned callers waited + time
        answered callers waited) / number abandoned, the maximum-likelihood estimate for
        exponential patience.
    threads : int, optional
        Threads for many scenarios (default: all cores).

    Returns
    -------
    ErlangAResult
        ``traffic``, ``p_wait`` (all agents busy on arrival), ``service_level`` (share of
        *offered* calls answered within ``target_time``: abandoned calls count against it),
        ``service_level_answered`` (share of *answered* calls answered within it),
        ``abandonment`` (share of callers who hang up), ``asa`` (mean wait of answered calls),
        ``mean_wait`` (of all callers), ``occupancy`` (answered traffic / agents),
        ``immediate_answer``, ``agents``, ``patience``.

    Raises
    ------
    ValueError, TypeError
        As :func:`erlang_c` (there is no stability condition), and patience not positive.
    scrutiny.NumericalError
        A patience so short (below about 1e-308) that its rate 1 / patience overflows.

    Notes
    -----
    Palm's M/M/n+M queue: Poisson arrivals at rate :math:`\\lambda`, exponential handling
    (mean :math:`h`) and exponential patience (mean :math:`1/\\theta`).  With
    :math:`a = \\lambda/\\theta`, :math:`s = n/(h\\theta)` and
    :math:`S(s, x) = \\sum_j x^j / ((s+1)\\cdots(s+j)) = P(s, x)\\,\\Gamma(s+1) e^x x^{-s}`
    (:math:`P` the regularised incomplete gamma function), Mandelbaum & Zeltyn's (2007)
    formulas become :math:`P(\\text{wait}) = BS / (1 - B + BS)` (:math:`B` Erlang B at
    :math:`A = \\lambda h`), :math:`P(\\text{abandon} \\mid \\text{wait}) = m / a` with
    :math:`m = (a - s) + s / S` the mean queue length seen by a waiting caller, and
    :math:`P(\\text{answered after } t \\mid \\text{wait}) = \\frac{s}{s+1} e^{a(1 -
    e^{-\\theta t}) - (s + 1)\\theta t} S(s+1, a e^{-\\theta t}) / S(s, a)`.  The series is
    summed from its largest term, or taken from the incomplete gamma function when
    :math:`x > s + 1`, in logarithms, so that nothing overflows at any staffing.  The mean
    wait of all callers is abandonment x mean patience.

    References
    ----------
    Mandelbaum A, Zeltyn S (2007). The M/M/n+G queue: summary of performance measures.
    Technion, Haifa.  Garnett O, Mandelbaum A, Reiman M (2002). Designing a call center with
    impatient customers. Manufacturing & Service Operations Management 4:208-227.

    Examples
    --------
    >>> from scrutiny import calls
    >>> r = calls.erlang_a(100, 1800, 180, 11, 20, patience=120)
    >>> round(r.abandonment, 4), round(r.service_level, 4)
    (0.0942, 0.7422)
    """
    labels = _f.unit_index(calls=calls, interval=interval, handle_time=handle_time,
                           agents=agents, target_time=target_time, patience=patience)
    c, iv, h, t = _scenarios(calls, interval, handle_time, target_time)
    n = _v.in_range(agents, "agents", low=1, whole=True)
    p = _v.in_range(patience, "patience", low_open=True)
    c, iv, h, n, t, p = _v.broadcast(calls=c, interval=iv, handle_time=h, agents=n,
                                     target_time=t, patience=p)
    _patience_ratio(p, h)
    _traffic(c, iv, h)
    out = _core.calls_evaluate(c.ravel(), iv.ravel(), h.ravel(), n.ravel(), t.ravel(),
                               p.ravel(), _v.threads(threads))
    shape = c.shape
    return ErlangAResult(
        traffic=_shape_out(out["traffic"], shape), p_wait=_shape_out(out["p_wait"], shape),
        service_level=_shape_out(out["service_level"], shape),
        service_level_answered=_shape_out(out["service_level_answered"], shape),
        abandonment=_shape_out(out["abandonment"], shape), asa=_shape_out(out["asa"], shape),
        mean_wait=_shape_out(out["mean_wait"], shape),
        occupancy=_shape_out(out["occupancy"], shape),
        immediate_answer=_shape_out(1.0 - out["p_wait"], shape), agents=_whole_out(n, shape),
        target_time=_shape_out(t, shape), patience=_shape_out(p, shape),
        labels=_f.index_labels(labels, shape))


def _scheduled(agents: np.ndarray, shrinkage: np.ndarray) -> np.ndarray:
    """ceil(agents / (1 - shrinkage)), ignoring floating-point noise below 1e-9."""
    raw = agents / (1.0 - shrinkage)
    return np.ceil(raw * (1.0 - 1e-12) - 1e-9)


_SIZING = ("calls", "interval", "handle_time", "target_time", "service_level", "max_occupancy",
           "shrinkage")
_SIZING_MORE = ("patience", "max_abandonment", "min_agents")


@_f.tidy(roles=_SIZING, layout="units", columns=_SIZING_MORE)
def agents_needed(calls, interval, handle_time, target_time, service_level, max_occupancy=None,
                  shrinkage=0.0, *, patience=None, max_abandonment=None, min_agents=1,
                  threads=None) -> AgentsResult:
    """The fewest agents that answer a share of calls within a target time (Erlang C or A).

    Series arguments and tables of scenarios as :func:`erlang_c`.

    Parameters
    ----------
    calls, interval, handle_time, target_time
        As :func:`erlang_c`.
    service_level : float or array_like
        Share of calls to answer within ``target_time``, in (0, 1), e.g. 0.9.
    max_occupancy : float or array_like, optional
        Cap on occupancy (share of time agents spend handling calls), in (0, 1], e.g. 0.85.
    shrinkage : float or array_like, default 0
        Share of paid time agents are not available to take calls (breaks, training,
        absence), in [0, 1): ``scheduled = ceil(agents / (1 - shrinkage))``.
    patience : float or array_like, optional
        Mean caller patience in seconds: size with Erlang A (callers hang up; the service level
        is then the share of *offered* calls answered within the target time).  None: Erlang C.
    max_abandonment : float or array_like, optional
        With ``patience``: a cap on the share of callers who hang up, in (0, 1).
    min_agents : int, default 1
        Never fewer agents than this.
    threads : int, optional
        Threads for many scenarios (default: all cores).

    Returns
    -------
    AgentsResult
        ``agents``, ``scheduled``, and at that staffing ``p_wait``, ``service_level``,
        ``occupancy``, ``asa``, ``abandonment``, ``service_level_answered``, ``traffic``.

    Raises
    ------
    ValueError, TypeError
        As :func:`erlang_c`; service_level outside (0, 1), max_occupancy outside (0, 1],
        shrinkage outside [0, 1), max_abandonment without patience or outside (0, 1).

    Notes
    -----
    Erlang C starts the search at the smallest stable staffing, ``floor(A) + 1`` (and
    ``ceil(A / max_occupancy)``); Erlang A at ``floor(service_level x A)``, since no more than
    ``n / A`` of calls can be answered by ``n`` agents.  Each step adds one agent and updates
    Erlang B by its recurrence, so the search costs a few operations per agent.

    Examples
    --------
    >>> from scrutiny import calls
    >>> r = calls.agents_needed(100, 1800, 180, 20, 0.8, max_occupancy=0.85, shrinkage=0.3)
    >>> r.agents, r.scheduled, round(r.service_level, 3)
    (14, 20, 0.888)
    """
    labels = _f.unit_index(calls=calls, interval=interval, handle_time=handle_time,
                           target_time=target_time, service_level=service_level,
                           max_occupancy=max_occupancy, shrinkage=shrinkage, patience=patience,
                           max_abandonment=max_abandonment, min_agents=min_agents)
    c, iv, h, t = _scenarios(calls, interval, handle_time, target_time)
    level = _v.in_range(service_level, "service_level", low_open=True, high=1.0,
                        high_open=True)
    occ = _optional(max_occupancy, "max_occupancy", low_open=True, high=1.0)
    shrink = _v.in_range(shrinkage, "shrinkage", high=1.0, high_open=True)
    if max_abandonment is not None and patience is None:
        raise ValueError("max_abandonment needs patience (abandonment is 0 under Erlang C)")
    ab = _optional(max_abandonment, "max_abandonment", low_open=True, high=1.0, high_open=True)
    nmin = _v.in_range(min_agents, "min_agents", low=1, whole=True)
    p = (np.float64(np.inf) if patience is None
         else _v.in_range(patience, "patience", low_open=True))
    c, iv, h, t, level, occ, ab, nmin, shrink, p = _v.broadcast(
        calls=c, interval=iv, handle_time=h, target_time=t, service_level=level,
        max_occupancy=occ, max_abandonment=ab, min_agents=nmin, shrinkage=shrink, patience=p)
    if patience is not None:
        _patience_ratio(p, h)
    _traffic(c, iv, h)
    unmet = ("service_level, max_abandonment and max_occupancy cannot be met together at any "
             "staffing the search tries (up to the traffic + 64 + 64 x its square root); check "
             "them and patience")
    with _v.core_domain("calls, interval, handle_time and max_occupancy", unmet):
        out = _core.calls_size(c.ravel(), iv.ravel(), h.ravel(), t.ravel(), level.ravel(),
                               occ.ravel(), ab.ravel(), None if patience is None else p.ravel(),
                               nmin.ravel(), _v.threads(threads))
    shape = c.shape
    agents = out["agents"].reshape(shape)
    return AgentsResult(
        agents=_whole_out(agents, shape),
        scheduled=_whole_out(_scheduled(agents, shrink), shape),
        p_wait=_shape_out(out["p_wait"], shape),
        service_level=_shape_out(out["service_level"], shape),
        occupancy=_shape_out(out["occupancy"], shape), traffic=_shape_out(out["traffic"], shape),
        asa=_shape_out(out["asa"], shape), abandonment=_shape_out(out["abandonment"], shape),
        service_level_answered=_shape_out(out["service_level_answered"], shape),
        target=_shape_out(level, shape),
        target_time=_shape_out(t, shape),
        max_occupancy=None if max_occupancy is None else _shape_out(occ, shape),
        shrinkage=_shape_out(shrink, shape),
        patience=None if patience is None else _shape_out(p, shape),
        method="Erlang C (M/M/n)" if patience is None else "Erlang A (M/M/n+M)",
        labels=_f.index_labels(labels, shape))


# ---- staffing over a day --------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class StaffingResult(Result):
    """Staffing per interval (see :func:`staffing`); ``to_frame()`` is ``table`` with the
    interval labels as columns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per interval (indexed by its label): calls, traffic, agents, scheduled,
        p_wait, service_level, occupancy, asa, and abandonment with patience.
    agent_hours, scheduled_hours : float
        Agents taking calls and agents scheduled, summed over the intervals, in hours.
    peak : str
        The label of the interval that first needs the most agents.
    peak_agents : int
        The agents that interval needs.
    interval : float
        The length of an interval in seconds.
    target, target_time, shrinkage : float or numpy.ndarray
        The service-level target, its threshold in seconds and the shrinkage: one value, or
        one per interval where they vary.
    patience : float, numpy.ndarray or None
        The callers' mean patience in seconds (None: Erlang C).
    method : str
        The queueing model.
    labels : pandas.Index or None
        The intervals' names: the index of the arguments given as pandas Series (None for
        arrays, whose intervals are numbered).
    """

    table: pd.DataFrame = _r.table()
    agent_hours: float = _r.scalar()
    scheduled_hours: float = _r.scalar()
    peak: str = _r.scalar()
    peak_agents: int = _r.scalar()
    interval: float = _r.scalar()
    target: float | np.ndarray = _r.detail()
    target_time: float | np.ndarray = _r.detail()
    shrinkage: float | np.ndarray = _r.detail()
    patience: float | np.ndarray | None = _r.detail()
    method: str = _r.scalar()
    labels: pd.Index | None = _r.label(default=None)

    def _goal(self) -> str:
        """'80.0% of calls within 20 s', or the per-interval wording when they vary."""
        share = (_n.percent(self.target) if np.ndim(self.target) == 0
                 else "each interval's target share")
        time = (_seconds(self.target_time) if np.ndim(self.target_time) == 0
                else "its target time")
        return f"{share} of calls within {time}"

    def _shrinkage_text(self) -> str:
        return (_n.percent(self.shrinkage) if np.ndim(self.shrinkage) == 0
                else "each interval's")

    def plot(self, ax=None, title: str | None = None, **options):
        """Bars of agents taking calls per interval (and, with shrinkage, of agents
        scheduled behind them), and the service level they are predicted to give against the
        target.  ``options``: ``service_level`` (False: the bars alone), ``xlabel``,
        ``ylabel``.  Returns the Axes."""
        from .graphics.calls import staffing_chart

        return staffing_chart(self, ax=ax, title=title or f"Agents to answer {self._goal()}",
                              shrinkage=self._shrinkage_text(), **options)

    def narrative(self) -> str:
        """The staffing over the intervals in words."""
        agents = self.table["agents"]
        model = "Erlang C" if self.patience is None else "Erlang A"
        text = (f"Across {_n.plural(len(agents), _per_text(self.interval) + ' interval')}, "
                f"answering {self._goal()} needs between {int(agents.min()):,} and "
                f"{int(agents.max()):,} agents taking calls (the peak first reached at "
                f"{self.peak}), {_n.number(self.agent_hours)} agent-hours over these intervals")
        if np.any(np.asarray(self.shrinkage) > 0):
            text += (f", or {_n.number(self.scheduled_hours)} scheduled hours allowing for "
                     f"{self._shrinkage_text()} shrinkage")
        return text + (f". The {model} model takes each interval's average volume as a steady "
                       "random arrival rate, so intervals busier than their average will fall "
                       "short.")


@_f.tidy(roles=("calls", "handle_time", "target_time", "service_level"), layout="units",
         columns=("max_occupancy", "shrinkage", *_SIZING_MORE))
def staffing(calls, handle_time, target_time, service_level, *, interval=1800,
             max_occupancy=None, shrinkage=0.0, patience=None, max_abandonment=None,
             min_agents=1, threads=None) -> StaffingResult:
    """Agents needed in every interval of a day (or week) from the calls expected in each.

    Also ``staffing(df, calls="calls", handle_time="aht", target_time=20,
    service_level=0.8, label="interval")``: a table with one row per interval, any
    per-interval argument given as a column name (``label``: the column naming the intervals;
    default the table's index).

    Parameters
    ----------
    calls : pandas.Series or array_like
        Calls expected per interval, e.g. from :func:`calls_per_interval` (its index, such as
        "08:30", labels the intervals; an array gets 0, 1, ...).
    handle_time : float or array_like
        Average handle time in seconds (one value, or one per interval; a Series must have the
        index of ``calls``, as every per-interval argument).
    target_time, service_level, max_occupancy, shrinkage, patience, max_abandonment,
    min_agents, threads
        As :func:`agents_needed` (one value each, or one per interval).
    interval : float, default 1800
        Length of each interval in seconds.

    Returns
    -------
    StaffingResult
        ``table`` (per interval), ``agent_hours``, ``scheduled_hours``, ``peak``,
        ``peak_agents``, ``labels``; ``plot()`` draws bars of agents per interval,
        ``narrative()`` says what they mean.

    Raises
    ------
    ValueError, TypeError
        As :func:`agents_needed`; Series arguments with different indexes (both named), a
        column not in the table.

    Examples
    --------
    >>> import pandas as pd
    >>> from scrutiny import calls
    >>> volumes = pd.Series([12.0, 30.5, 61.2, 44.0], index=["07:00", "07:30", "08:00", "08:30"])
    >>> calls.staffing(volumes, 240, 20, 0.8).table["agents"].tolist()
    [4, 7, 12, 9]
    """
    import pandas as pd

    index = _f.unit_index(calls=calls, handle_time=handle_time, target_time=target_time,
                          service_level=service_level, max_occupancy=max_occupancy,
                          shrinkage=shrinkage, patience=patience,
                          max_abandonment=max_abandonment, min_agents=min_agents)
    volumes = _v.in_range(calls, "calls")
    _v.dimensions(volumes, "calls", (1,), "one value per interval")
    iv = _v.number(interval, "interval", positive=True)
    res = agents_needed(volumes, iv, handle_time, target_time, service_level, max_occupancy,
                        shrinkage, patience=patience, max_abandonment=max_abandonment,
                        min_agents=min_agents, threads=threads)
    if index is None:
        index = pd.RangeIndex(len(volumes), name="interval")
    columns = {"calls": volumes, "traffic": res.traffic, "agents": res.agents,
               "scheduled": res.scheduled, "p_wait": res.p_wait,
               "service_level": res.service_level, "occupancy": res.occupancy, "asa": res.asa}
    if patience is not None:
        columns.update(abandonment=res.abandonment,
                       service_level_answered=res.service_level_answered)
    table = pd.DataFrame({k: np.broadcast_to(v, volumes.shape) for k, v in columns.items()},
                         index=index)
    if table.index.name is None and not isinstance(table.index, pd.MultiIndex):
        table = table.rename_axis("interval")       # a new index: the caller's keeps its name
    hours = iv / 3600.0
    peak = int(np.argmax(table["agents"].to_numpy()))
    label = table.index[peak]
    return StaffingResult(
        table=table, agent_hours=float(table["agents"].sum() * hours),
        scheduled_hours=float(table["scheduled"].sum() * hours),
        peak=" ".join(map(str, label)) if isinstance(label, tuple) else label,
        peak_agents=int(table["agents"].iloc[peak]), interval=iv,
        target=_one_or_each(res.target), target_time=_one_or_each(res.target_time),
        shrinkage=_one_or_each(res.shrinkage),
        patience=None if patience is None else _one_or_each(res.patience),
        method=res.method, labels=_f.index_labels(index, volumes.shape))


def _one_or_each(value):
    """A setting as one float when it is the same in every interval, else the array."""
    arr = np.asarray(value, dtype=float)
    return float(arr.reshape(-1)[0]) if np.all(arr == arr.reshape(-1)[0]) else arr


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@_f.tidy(roles=("timestamps",), layout="records")
def calls_per_interval(timestamps, interval=1800, *, by_weekday=False, start=None, end=None):
    """Average calls per interval of the day (optionally per weekday) from call records.

    Also ``calls_per_interval(df, timestamps="received")``: a table of call records and the
    column of arrival times.

    Every calendar day from ``start`` to ``end`` (default: the first and last day in the
    records) counts, including days without calls, so the averages are calls per day's
    interval.  Records outside that range are left out.

    Parameters
    ----------
    timestamps : array_like of datetimes
        When each call arrived (pandas Series, DatetimeIndex, NumPy datetime64 or strings);
        times of day are read on the clock the timestamps carry.
    interval : int, default 1800
        Interval length in seconds: a whole number of minutes that divides a day.
    by_weekday : bool, default False
        Average separately for each day of the week.
    start, end : date-like, optional
        First and last day to count.

    Returns
    -------
    pandas.Series
        ``calls``: average calls, indexed by the interval's start time ("08:30"), or by
        (weekday, interval) with ``by_weekday``, every interval present.  Pass it to
        :func:`staffing`.

    Examples
    --------
    >>> import pandas as pd
    >>> from scrutiny import calls
    >>> t = pd.to_datetime(["2024-05-01 08:10", "2024-05-01 08:40", "2024-05-02 08:20"])
    >>> float(calls.calls_per_interval(t, 3600).loc["08:00"])
    1.5
    """
    import pandas as pd

    step = _v.number(interval, "interval", positive=True)
    if step % 60 or _DAY % step:
        raise ValueError(f"interval must be one whole number of minutes (in seconds) that "
                         f"divides a day, e.g. 900, 1800 or 3600 (got {step})")
    step = int(step)
    by_weekday = _v.boolean(by_weekday, "by_weekday")
    if isinstance(timestamps, (str, bytes)) or np.ndim(timestamps) != 1:
        raise TypeError("timestamps must be a one-dimensional sequence of dates and times")
    try:
        ts = pd.Series(pd.to_datetime(timestamps)).reset_index(drop=True)
    except (TypeError, ValueError) as err:
        raise TypeError(f"timestamps must be dates and times ({err})") from None
    if ts.empty:
        raise ValueError("timestamps is empty")
    if ts.isna().any():
        row = int(np.flatnonzero(ts.isna())[0])
        raise ValueError(f"timestamps has a missing value (row {row})")
    day = ts.dt.normalize()
    first = day.min() if start is None else _v.date(start, "start").normalize()
    last = day.max() if end is None else _v.date(end, "end").normalize()
    if getattr(first, "tz", None) is None and day.dt.tz is not None:
        first, last = first.tz_localize(day.dt.tz), last.tz_localize(day.dt.tz)
    if last < first:
        raise ValueError(f"end must not be before start (got {first.date()} to {last.date()})")
    keep = (day >= first) & (day <= last)
    ts, day = ts[keep], day[keep]
    slots = _DAY // step
    clock = ts.dt.hour * 3600 + ts.dt.minute * 60 + ts.dt.second   # local clock time
    slot = (clock // step).astype(np.int64)
    labels = [f"{(k * step) // 3600:02d}:{(k * step) % 3600 // 60:02d}" for k in range(slots)]
    days = pd.date_range(first, last, freq="D")
    if not by_weekday:
        counts = np.bincount(slot.to_numpy(), minlength=slots)
        return pd.Series(counts / len(days), index=pd.Index(labels, name="interval"),
                         name="calls")
    weekday = day.dt.day_of_week.to_numpy()
    counts = np.bincount(weekday * slots + slot.to_numpy(), minlength=7 * slots).reshape(7, slots)
    n_days = np.bincount(days.day_of_week, minlength=7)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = counts / n_days[:, None]
    index = pd.MultiIndex.from_product([_WEEKDAYS, labels], names=["weekday", "interval"])
    out = pd.Series(mean.reshape(-1), index=index, name="calls")
    return out[np.repeat(n_days > 0, slots)]


# ---- service level from call records ---------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class ServiceLevelResult(Result):
    """Service level measured from call records (see :func:`service_level`).  Numbers
    without ``by``, arrays with one entry per group otherwise.

    Attributes
    ----------
    service_level : float or numpy.ndarray
        Answered within ``threshold`` over the denominator ``definition`` names, per group.
    lower, upper : float or numpy.ndarray
        Its interval at ``conf``, per group.
    abandonment : float or numpy.ndarray
        Abandoned over offered (NaN without abandonment flags), per group.
    abandonment_lower, abandonment_upper : float or numpy.ndarray
        Its interval, per group.
    offered, answered, answered_within, abandoned : int or numpy.ndarray
        The call counts, per group.
    short_abandoned : int or numpy.ndarray
        Calls abandoned within the short-abandon time, left out of everything, per group.
    threshold : float
        The service-level threshold in seconds.
    conf : float
        The confidence level of the intervals.
    definition : str
        The service level in words, e.g. ``"answered within 10 s / offered"``.
    denominator : str
        ``"offered"`` or ``"answered"``.
    groups : pandas.Index or None
        The groups (``by`` values; several ``by`` give a MultiIndex); None without ``by``.
    method : str
        The interval method.
    """

    service_level: float | np.ndarray = _r.unit("group")
    lower: float | np.ndarray = _r.unit("group")
    upper: float | np.ndarray = _r.unit("group")
    abandonment: float | np.ndarray = _r.unit("group")
    abandonment_lower: float | np.ndarray = _r.unit("group")
    abandonment_upper: float | np.ndarray = _r.unit("group")
    offered: int | np.ndarray = _r.unit("group")
    answered: int | np.ndarray = _r.unit("group")
    answered_within: int | np.ndarray = _r.unit("group")
    abandoned: int | np.ndarray = _r.unit("group")
    short_abandoned: int | np.ndarray = _r.unit("group")
    threshold: float = _r.scalar()
    conf: float = _r.levels()
    definition: str = _r.scalar()
    denominator: str = _r.scalar(default="offered")
    groups: pd.Index | None = _r.label(default=None)
    method: str = _r.scalar(default="wilson")

    def _labels(self):
        if self.groups is None:
            return [None]
        return [" ".join(map(str, g)) if isinstance(g, tuple) else str(g) for g in self.groups]

    def narrative(self, target: float | None = None) -> str | list[str]:
        """The service level (and abandonment) in words, against ``target`` when given: e.g.
        "Of 1,204 calls offered, 87.9% were answered within 10 s (95% CI 86.0% to 89.6%),
        below the 90.0% target by more than chance would explain (the 95% CI excludes 90.0%);
        1.2% of calls offered were abandoned (...)", or "..., so there is no evidence of a
        difference from the 90.0% target (the 95% CI includes 90.0%)".  One sentence per group
        when there are groups (a list)."""
        if target is not None:
            target = _v.conf_level(target, "target")
        base = self.denominator
        lines = []
        for name, r in zip(self._labels(), self.to_frame().itertuples(index=False)):
            den = r.answered if base == "answered" else r.offered
            head = "Of" if name is None else f"{name}: of"
            if den == 0:
                lines.append(f"{head} {_n.plural(r.offered, 'call')} offered, none were "
                             "answered.")
                continue
            ci = _n.interval(r.lower, r.upper, self.conf, _n.percent)
            text = (f"{head} {_n.plural(den, 'call')} {base}, {_n.percent(r.service_level)} "
                    f"were answered within {_seconds(self.threshold)} ({ci})")
            if target is not None:
                goal = f"the {_n.percent(target)} target"
                at, _ = _n.excluded(r.lower, r.upper, (self.conf,), target)
                text += (", " + ("" if at else "so there is ")
                         + _n.ci_verdict(r.lower, r.upper, (self.conf,), target, f"above {goal}",
                                         f"below {goal}", f"a difference from {goal}",
                                         _n.percent))
            if np.isfinite(r.abandonment):
                ab = _n.interval(r.abandonment_lower, r.abandonment_upper, self.conf, _n.percent)
                text += f"; {_n.percent(r.abandonment)} of calls offered were abandoned ({ab})"
            lines.append(text + ".")
        return lines[0] if self.groups is None else lines

    def plot(self, ax=None, target: float | None = None, **options):
        """The service level with its interval, per group, and the target line;
        ``options``: ``title``, ``xlabel``, ``ylabel``."""
        from .graphics.calls import service_level_chart

        return service_level_chart(self, [lab or "all calls" for lab in self._labels()],
                                   _seconds(self.threshold), ax=ax, target=target, **options)


def _wait_seconds(value) -> np.ndarray:
    """Waits in seconds from numbers or timedeltas: finite and >= 0."""
    import pandas as pd

    kind = getattr(getattr(value, "dtype", None), "kind", None)
    if kind == "m":
        value = pd.to_timedelta(pd.Series(np.asarray(value).ravel())).dt.total_seconds()
    arr = _v.as_float_array(value, "wait_seconds")
    _v.dimensions(arr, "wait_seconds", (1,), "one value per call")
    return _v.in_range(arr, "wait_seconds", where="row")


def _flags(value, n: int) -> np.ndarray:
    """Abandonment flags: True/False or 0/1, one per call."""
    import pandas as pd

    if hasattr(value, "isna") and bool(np.any(value.isna())):
        i = int(np.flatnonzero(np.asarray(value.isna()))[0])
        raise ValueError(f"abandoned has a missing value (row {i})")
    if isinstance(value, pd.Series):
        value = value.to_numpy()
    arr = np.asarray(value)
    if arr.dtype == object:
        if not all(isinstance(v, (bool, np.bool_, int, np.integer, float, np.floating))
                   for v in arr.ravel()):
            raise TypeError("abandoned must hold True/False or 0/1")
        arr = arr.astype(float)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"abandoned must hold True/False or 0/1 (got dtype {arr.dtype})")
    if arr.shape != (n,):
        raise ValueError(f"abandoned must hold one value per call ({n}), got shape {arr.shape}")
    if arr.dtype.kind != "b":
        bad = ~((arr == 0) | (arr == 1))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"abandoned must be 0/1 or True/False (row {i}: {arr[i]!r})")
    return arr.astype(bool)


def _group_keys(by, n: int):
    """The grouping keys as a list of Series of length n: ``by`` is one sequence of labels,
    or a list of such sequences (several keys)."""
    import pandas as pd

    if isinstance(by, pd.DataFrame):   # several key columns of a table
        by = [by[c] for c in by.columns]
    several = isinstance(by, (list, tuple)) and len(by) > 0 and \
        all(isinstance(k, (pd.Series, pd.Index, np.ndarray, list, tuple)) for k in by)
    out = []
    for k in (list(by) if several else [by]):
        col = k if isinstance(k, pd.Series) else pd.Series(np.asarray(k, dtype=object).ravel())
        if len(col) != n:
            raise ValueError(f"by must hold one label per call ({n}), got {len(col)}")
        if col.isna().any():
            raise ValueError(f"by has a missing label (row {int(np.flatnonzero(col.isna())[0])})")
        out.append(col.reset_index(drop=True))
    return out


def _share_ci(x: np.ndarray, n: np.ndarray, conf: float, method: str):
    """x / n with its interval (scrutiny.proportion_ci); NaN where n is 0."""
    est, lo, hi = (np.full(n.shape, _NAN) for _ in range(3))
    ok = n > 0
    if ok.any():
        r = proportion_ci(x[ok], n[ok], conf, method)
        est[ok], lo[ok], hi[ok] = r.estimate, r.lower, r.upper
    return est, lo, hi


_RECORDS = _f.tidy(roles=("wait", "abandoned"), layout="records", to={"wait": "wait_seconds"},
                   by="by")


@_RECORDS
def service_level(wait_seconds, threshold, abandoned=None, conf=0.95, *,
                  exclude_abandoned=False, short_abandon=None, by=None,
                  method="wilson") -> ServiceLevelResult:
    """Share of calls answered within a threshold, with its confidence interval, from call
    records; and the abandonment rate.

    Also ``service_level(df, wait="wait_s", threshold=10, abandoned="hung_up",
    by="month")``: a table of call records with the columns named (``by`` one column or a
    list of them; the groups are labelled by their values and ``to_frame()`` has a column per
    ``by`` column).

    Parameters
    ----------
    wait_seconds : array_like or pandas.Series
        Per call, seconds until it was answered or, for an abandoned call, until the caller
        hung up (numbers >= 0, or timedeltas).
    threshold : float
        Answered within this many seconds counts (a wait equal to it included), e.g. 10.
    abandoned : array_like of bool or 0/1, optional
        Per call, whether the caller hung up before an answer.  None: every call was answered.
    conf : float, default 0.95
        Confidence level of the intervals.
    exclude_abandoned : bool, default False
        Denominator: False, all calls offered (answered within the threshold / offered, the
        usual definition for UK police 999 and 101 targets: an abandoned call counts as not
        answered in time); True, answered calls only.
    short_abandon : float, optional
        Leave out calls abandoned within this many seconds (a wait below it) from every count,
        as many control rooms do for callers who hang up at once.
    by : array_like or list of array_like, optional
        Group labels per call (e.g. month, line): one result row per group (a Series' name
        names the group column of ``to_frame()``).
    method : str, default "wilson"
        Interval method of :func:`scrutiny.proportion_ci` (Wilson's score interval).

    Returns
    -------
    ServiceLevelResult
        ``service_level``, ``lower``, ``upper``, ``abandonment`` (abandoned / offered),
        ``abandonment_lower``, ``abandonment_upper``, counts ``offered``, ``answered``,
        ``answered_within``, ``abandoned``, ``short_abandoned``, ``definition``; per group
        (arrays, with ``groups``) when ``by`` is given.  ``to_frame()`` is one row per group.

    Raises
    ------
    ValueError
        Negative or missing waits, abandoned flags not 0/1, lengths that differ, threshold or
        short_abandon negative, short_abandon without abandoned, conf outside (0, 1); a
        column not in the table, or named for two roles.
    TypeError
        Non-numeric waits or flags.

    Examples
    --------
    >>> from scrutiny import calls
    >>> r = calls.service_level([3, 8, 12, 40, 5, 9], 10, abandoned=[0, 0, 0, 1, 0, 0])
    >>> r.answered_within, r.offered, round(r.service_level, 3)
    (4, 6, 0.667)
    >>> import pandas as pd
    >>> records = pd.DataFrame({"wait_s": [3, 8, 12, 40, 5, 9], "line": ["999"] * 3 + ["101"] * 3})
    >>> calls.service_level(records, wait="wait_s", threshold=10, by="line").to_frame()[
    ...     ["line", "offered", "answered_within"]]
      line  offered  answered_within
    0  101        3                2
    1  999        3                2
    """
    import pandas as pd

    wait = _wait_seconds(wait_seconds)
    n = wait.size
    if n == 0:
        raise ValueError("wait_seconds is empty")
    limit = _v.number(threshold, "threshold", minimum=0)
    level = _v.conf_level(conf)
    exclude = _v.boolean(exclude_abandoned, "exclude_abandoned")
    ab = np.zeros(n, dtype=bool) if abandoned is None else _flags(abandoned, n)
    short = np.zeros(n, dtype=bool)
    if short_abandon is not None:
        if abandoned is None:
            raise ValueError("short_abandon needs abandoned (which calls were abandoned)")
        short = ab & (wait < _v.number(short_abandon, "short_abandon", minimum=0))
    within = ~ab & (wait <= limit)
    flags = {"offered": ~short, "answered": ~ab, "answered_within": within,
             "abandoned": ab & ~short, "short_abandoned": short}
    groups = None
    if by is None:
        counts = {k: np.array([np.count_nonzero(v)]) for k, v in flags.items()}
    else:
        table = pd.DataFrame(flags).groupby(_group_keys(by, n), sort=True).sum()
        counts = {k: table[k].to_numpy(np.int64) for k in flags}
        groups = table.index
    den = counts["answered" if exclude else "offered"]
    sl, lo, hi = _share_ci(counts["answered_within"], den, level, method)
    off = counts["offered"]
    if abandoned is None:
        abr = alo = ahi = np.full(off.shape, _NAN)
    else:
        abr, alo, ahi = _share_ci(counts["abandoned"], off, level, method)
    definition = (f"answered within {limit:g} s / "
                  + ("answered calls" if exclude else "all calls offered"))
    if short_abandon is not None:
        definition += f" (calls abandoned within {float(short_abandon):g} s left out)"

    def pick(a):
        return a if groups is not None else a[0].item()

    return ServiceLevelResult(
        service_level=pick(sl), lower=pick(lo), upper=pick(hi), abandonment=pick(abr),
        abandonment_lower=pick(alo), abandonment_upper=pick(ahi), offered=pick(off),
        answered=pick(counts["answered"]), answered_within=pick(counts["answered_within"]),
        abandoned=pick(counts["abandoned"]), short_abandoned=pick(counts["short_abandoned"]),
        threshold=limit, conf=level, definition=definition,
        denominator="answered" if exclude else "offered", groups=groups, method=method)


# ---- caller patience from call records --------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class PatienceResult(Result):
    """Mean caller patience estimated from call records (see :func:`estimate_patience`).

    Attributes
    ----------
    estimate : float
        The mean patience in seconds (infinite when nobody hung up).
    lower, upper : float
        Its exact interval at ``conf``, in seconds.
    abandoned : int
        The hang-ups observed.
    waiting_time : float
        The seconds all callers spent waiting.
    conf : float
        The confidence level of the interval.
    method : str
        The model and the interval.
    """

    estimate: float = _r.scalar()
    lower: float = _r.scalar()
    upper: float = _r.scalar()
    abandoned: int = _r.scalar()
    waiting_time: float = _r.scalar()
    conf: float = _r.scalar()
    method: str = _r.scalar(default="exponential, answered calls censored (exact Poisson limits)")

    def narrative(self) -> str:
        """The mean patience in words, with its interval and the model it assumes."""
        ci = _n.interval(self.lower, self.upper, self.conf, _seconds)
        return (f"Callers hung up after {_seconds(self.estimate)} of waiting on average ({ci}), "
                f"from {_n.plural(self.abandoned, 'abandoned call')} over "
                f"{_n.number(self.waiting_time / 3600)} hours of waiting, assuming patience "
                "follows an exponential distribution.")


@_RECORDS
def estimate_patience(wait_seconds, abandoned, conf=0.95) -> PatienceResult:
    """Mean caller patience for :func:`erlang_a`, from waits and abandonment flags.

    Also ``estimate_patience(df, wait="wait_s", abandoned="hung_up")``, as
    :func:`service_level`.

    A caller who hung up shows their patience; an answered caller shows only that their
    patience exceeded their wait.  For exponential patience the maximum-likelihood estimate of
    its mean is the total time callers spent waiting over the number who hung up, and the
    number of hang-ups is Poisson given that time, so the exact (Garwood) limits of the rate
    (:func:`scrutiny.rate_ci`, ``method="exact"``) give the interval.

    Parameters
    ----------
    wait_seconds, abandoned
        As :func:`service_level`: per call, seconds waited (to answer or to hanging up) and
        whether the caller hung up.
    conf : float, default 0.95
        Confidence level.

    Returns
    -------
    PatienceResult
        ``estimate``, ``lower``, ``upper`` in seconds (``estimate`` and ``upper`` infinite
        when nobody hung up), ``abandoned``, ``waiting_time``.

    Examples
    --------
    >>> from scrutiny import calls
    >>> r = calls.estimate_patience([12, 40, 3, 95, 60, 20], [0, 1, 0, 1, 0, 0])
    >>> round(r.estimate, 1)
    115.0
    """
    wait = _wait_seconds(wait_seconds)
    flags = _flags(abandoned, wait.size)
    level = _v.conf_level(conf)
    total = float(wait.sum())
    if total <= 0:
        raise ValueError("wait_seconds must include some waiting (every wait is 0)")
    d = int(flags.sum())
    r = rate_ci(d, total, level, method="exact")
    with np.errstate(divide="ignore"):
        est, lo, hi = (float(np.divide(1.0, v)) for v in (r.estimate, r.upper, r.lower))
    return PatienceResult(estimate=est, lower=lo, upper=hi, abandoned=d, waiting_time=total,
                          conf=level)
