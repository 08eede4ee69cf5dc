"""Statistical process control (SPC) charts: what changed, and by which rule.

A control chart separates the month-to-month variation a process always produces (common
cause) from patterns unlikely to arise by chance (special cause).  ``spc`` computes the centre
line and limits of XmR (as NHS England's Making Data Count), I, p, u, c, Laney p' and u', and
run charts in the C core, in parallel over series, then applies a named rule set and reports,
for every point, the rule that fired.  ``spc_table`` does this for many indicators and areas
held in a long DataFrame and returns the one-row-per-series overview a performance pack needs.

Series come as arrays (one per row), as pandas Series or DataFrames with a PeriodIndex or
DatetimeIndex (one series per column, labelled by the columns), or as a tidy table
(``spc(df, value=..., time=..., by=...)``).  Missing months are never joined: with a time
index, absent periods are found and listed; missing values are charted as gaps that no moving
range and no run crosses.  Baselines, rebase points and signals are dated by the time index.
"""
from __future__ import annotations

import dataclasses
import numbers
import re
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

from . import _core
from . import _frames
from . import distributed
from . import _narrative as _n
from . import _options as _o
from . import _results as _r
from . import _validation as _v
from ._results import Result
from ._timeaxis import TimeAxis, period_words, time_axis
from .spc_rules import CHART_NAMES, CHARTS, RULE_SETS, SIGNALS, RuleSet
from .spc_rules import rule_set as _rule_set

__all__ = ["spc", "spc_table", "RuleSet", "SPCResult", "SPCSeries", "RULE_SETS", "SIGNALS",
           "CHARTS"]

_WITH_N = ("p", "u", "pp", "up")
_COUNTS = ("p", "u", "c", "pp", "up")
_MOVING_RANGE = ("xmr", "i", "pp", "up")
_IMPROVEMENT = ("increase", "decrease")
_NAN_POLICIES = ("raise", "omit", "propagate")
# NHSRplotthedots 0.2 warns that limits set on fewer points than this are trial limits.
PROVISIONAL_BELOW = 13


# ---- result ---------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class SPCSeries:
    """One series of an :class:`SPCResult` (see :meth:`SPCResult.series_view`): per-point
    fields as 1-D arrays, per-series fields as single values.  A view for drawing and wording
    one series, not a result of its own.

    Attributes
    ----------
    index : int
        The series' row in the result.
    label : object or None
        Its name (None when the result has no labels; several ``by`` values joined by
        " / ").
    chart : str
    rules : RuleSet
    value, centre, lower, upper, lower_2sigma, upper_2sigma : numpy.ndarray
        Per point, as in the result.
    signals : numpy.ndarray of str
        Per point: ``""`` or the rule that fired.
    codes : numpy.ndarray of int8
        Per point: the position of the signal in :data:`SIGNALS` (0, no signal).
    kinds : numpy.ndarray of str
        Per point, as :meth:`SPCResult.kinds`.
    variation, assurance, improvement, target
        As in the result, for this series.
    longest_run, longest_run_max, n_crossings, n_crossings_min, runs_signal
        The runs analysis of this series.
    missing : tuple
        Periods or positions without a value.
    provisional : bool
    rebase : list of int
        Segment starts (0 first).
    baseline : int or None
    time : index or None
        The periods (or whole-number times) of the points.
    times : index or None
        The times as given (dates stay dates).
    """

    index: int
    label: object
    chart: str
    rules: RuleSet
    value: np.ndarray
    centre: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    lower_2sigma: np.ndarray
    upper_2sigma: np.ndarray
    signals: np.ndarray
    codes: np.ndarray
    kinds: np.ndarray
    variation: str
    assurance: str | None
    improvement: str | None
    target: float | None
    longest_run: int
    longest_run_max: int
    n_crossings: int
    n_crossings_min: int
    runs_signal: bool
    missing: tuple
    provisional: bool
    rebase: list
    baseline: int | None
    time: pd.Index | None
    times: pd.Index | None = None

    def __repr__(self) -> str:
        return (f"SPCSeries(index={self.index}, label={self.label!r}, chart={self.chart!r}, "
                f"points={self.value.size}, variation={self.variation!r}, "
                f"assurance={self.assurance!r})")

    def to_frame(self):
        """One row per point: ``period`` (with a time index) or ``position``, ``date`` (when
        the times were dates), ``value``, ``centre``, ``lower``, ``upper``, ``lower_2sigma``,
        ``upper_2sigma``, ``signal``, ``kind``, ``missing``."""
        import pandas as pd

        cols = _time_columns(self.time, self.times, self.value.size, 1)
        for name in ("value", "centre", "lower", "upper", "lower_2sigma", "upper_2sigma"):
            cols[name] = getattr(self, name)
        cols["signal"], cols["kind"] = self.signals, self.kinds
        cols["missing"] = ~np.isfinite(self.value)
        return pd.DataFrame(cols)


@dataclasses.dataclass(frozen=True, repr=False)
class SPCResult(Result):
    """An SPC chart of one series, or of every row of a 2-D input (see :func:`spc`).

    Per-point fields have the shape of the input (series x points for several series);
    per-series fields are numbers or strings for one series and arrays for several.
    ``to_frame()`` gives one row per point, ``series_table()`` one row per series,
    ``series_view()`` the fields of one series; ``plot()``, ``small_multiples()`` and
    ``narrative()`` present the result.

    Attributes
    ----------
    centre : numpy.ndarray
        The centre line, per point.
    lower, upper : numpy.ndarray
        The 3-sigma process limits, per point.
    lower_2sigma, upper_2sigma : numpy.ndarray
        The 2-sigma lines, per point.
    signals : numpy.ndarray
        ``""`` or the rule that fired, per point.
    variation : str or numpy.ndarray
        The Making Data Count variation icon from the last observed point (``"common
        cause"``, ``"special cause improving"``, ...), per series.
    assurance : str, None or numpy.ndarray
        ``"pass"``, ``"fail"``, ``"hit and miss"`` against ``target``, or None, per series.
    rules : RuleSet
        The special-cause rules applied.
    longest_run, longest_run_max : int or numpy.ndarray
        The Anhoej runs analysis: the longest run on one side of the centre and its limit,
        per series.
    n_crossings, n_crossings_min : int or numpy.ndarray
        The crossings of the centre line and their lower limit, per series.  The four are NaN
        for a series with no point off the centre line (constant): no runs to analyse.
    runs_signal : bool or numpy.ndarray
        Whether the runs analysis signals, per series.
    chart : str
        The chart type (``"xmr"``, ``"p"``, ``"u"``, ...).
    value : numpy.ndarray
        The charted values (y, or y / n), per point (hidden from the displays).
    n_useful : int or numpy.ndarray
        The points the runs analysis uses, per series (hidden from the displays).
    missing : list or numpy.ndarray
        The periods or positions without a value, per series.
    provisional : bool or numpy.ndarray
        Whether the latest segment's limits rest on fewer than 13 points, per series.
    improvement : str, None or numpy.ndarray
        ``"increase"``, ``"decrease"`` or None (which direction is better), per series.
    target : float, None or numpy.ndarray
        The target of the assurance, per series.
    baseline : int, numpy.ndarray or None
        The observed points each segment's limits are set on (None: all); per series when a
        date given as ``baseline`` falls after different numbers of observed points.
    rebase : list or numpy.ndarray
        The segment starts, per series (hidden from the displays).
    screen : bool
        Whether moving ranges were screened.
    time : pandas.Index or None
        The period of each point (a PeriodIndex, or whole numbers given as ``time``), every
        period from the first to the last: absent ones included (hidden from the displays).
    labels : pandas.Index or None
        The series' names: a wide frame's columns, the ``by`` values of a tidy table (a
        MultiIndex for several ``by`` columns) or ``labels``.
    times : pandas.DatetimeIndex, pandas.PeriodIndex or None
        The time of each point as given (dates stay dates), absent periods included (hidden
        from the displays).
    """

    centre: np.ndarray = _r.point()
    lower: np.ndarray = _r.point()
    upper: np.ndarray = _r.point()
    lower_2sigma: np.ndarray = _r.point()
    upper_2sigma: np.ndarray = _r.point()
    signals: np.ndarray = _r.point()
    variation: str | np.ndarray = _r.series()
    assurance: str | None | np.ndarray = _r.series()
    rules: RuleSet = _r.detail()
    longest_run: int | np.ndarray = _r.series()
    longest_run_max: int | np.ndarray = _r.series()
    n_crossings: int | np.ndarray = _r.series()
    n_crossings_min: int | np.ndarray = _r.series()
    runs_signal: bool | np.ndarray = _r.series()
    chart: str = _r.scalar()
    value: np.ndarray = _r.hidden()
    n_useful: int | np.ndarray = _r.hidden()
    missing: list | np.ndarray = _r.series()
    provisional: bool | np.ndarray = _r.series()
    improvement: str | None | np.ndarray = _r.series()
    target: float | None | np.ndarray = _r.series()
    baseline: int | None = _r.scalar()
    rebase: list | np.ndarray = _r.hidden()
    screen: bool = _r.scalar()
    time: pd.Index | None = _r.hidden()
    labels: pd.Index | None = _r.label(default=None)
    times: pd.Index | None = _r.hidden(default=None)
    _codes: np.ndarray | None = _r.hidden(default=None)
    _y: np.ndarray | None = _r.hidden(default=None)
    _n: np.ndarray | None = _r.hidden(default=None)

    # -- shapes ------------------------------------------------------------------------------
    @property
    def n_series(self) -> int:
        return self._codes.shape[0]

    def _single(self) -> bool:
        return np.ndim(self.centre) == 1

    def _rows(self, name: str) -> np.ndarray:
        """A per-point field as series x points."""
        return np.asarray(getattr(self, name)).reshape(self._codes.shape)

    def _per_series(self, name: str) -> list:
        v = getattr(self, name)
        return [v] if self._single() else list(v)

    def _point_names(self) -> list:
        return _point_labels(self.time, self._codes.shape[1])

    def _series_names(self) -> list:
        return (list(self.labels) if self.labels is not None
                else list(range(self.n_series)))

    def _label_columns(self) -> dict:
        """The columns naming the series: the levels of named labels (a tidy table's ``by``
        columns, a frame's named columns), else ``series``."""
        import pandas as pd

        labels = self.labels
        if isinstance(labels, pd.Index) and all(name is not None for name in labels.names):
            return {name: _objects(values) for name, values
                    in labels.to_frame(index=False).items()}
        return {"series": _objects(self._series_names())}

    def _index(self, series) -> int:
        """Row of ``series`` (a label or a 0-based row number)."""
        if series is None:
            if not self._single():
                raise ValueError("series: name the series to draw or describe "
                                 f"(one of {self.n_series})")
            return 0
        names = self._series_names()
        if isinstance(series, (bool, np.bool_)):
            raise TypeError(f"series must be a series name or a row number (got {series!r})")
        if series in names:
            return names.index(series)
        if isinstance(series, numbers.Integral) and 0 <= series < self.n_series:
            return int(series)
        raise ValueError(f"series: no series {series!r}")

    def kinds(self) -> np.ndarray:
        """Per point: ``"common cause"``, ``"improving"``, ``"concerning"`` or ``"neutral"``
        (special cause with no ``improvement`` direction), shaped as ``signals``."""
        sense = np.array([_sense(d) for d in self._per_series("improvement")])[:, None]
        return _kinds(self._codes, sense).reshape(np.shape(self.signals))

    def series_view(self, series=None) -> SPCSeries:
        """One series as an :class:`SPCSeries`: its per-point arrays and per-series values.

        Parameters
        ----------
        series : label or int, optional
            Which series (a label, or a 0-based row number); may be left out for one series.
        """
        return self._view(self._index(series))

    def _view(self, r: int) -> SPCSeries:
        def each(name):
            v = getattr(self, name)
            return v if self._single() else v[r]

        codes = self._codes[r]
        label = None if self.labels is None else self.labels[r]
        return SPCSeries(
            index=r, label=_key_text(label) if isinstance(label, tuple) else label,
            chart=self.chart,
            rules=self.rules, value=self._rows("value")[r], centre=self._rows("centre")[r],
            lower=self._rows("lower")[r], upper=self._rows("upper")[r],
            lower_2sigma=self._rows("lower_2sigma")[r], upper_2sigma=self._rows("upper_2sigma")[r],
            signals=self._rows("signals")[r], codes=codes,
            kinds=_kinds(codes, _sense(each("improvement"))), variation=each("variation"),
            assurance=each("assurance"), improvement=each("improvement"), target=each("target"),
            longest_run=each("longest_run"), longest_run_max=each("longest_run_max"),
            n_crossings=each("n_crossings"), n_crossings_min=each("n_crossings_min"),
            runs_signal=each("runs_signal"), missing=each("missing"),
            provisional=each("provisional"), rebase=each("rebase"),
            baseline=(self.baseline if np.ndim(self.baseline) == 0 else int(self.baseline[r])),
            time=self.time, times=self.times)

    # -- frames ------------------------------------------------------------------------------
    def to_frame(self):
        """One row per point: ``series`` (several series; the ``by`` columns of a tidy
        table, or the name of the frame's columns, in its place), ``period`` (with a time
        index) or ``position``, ``date`` (when the times were dates), ``value``, ``centre``,
        ``lower``, ``upper``, ``lower_2sigma``, ``upper_2sigma``, ``signal``, ``kind``,
        ``missing``; ``y`` and ``n`` for charts with a denominator.  Every period from the
        first to the last has a row (absent ones ``missing``)."""
        import pandas as pd

        rows, length = self._codes.shape
        cols = {}
        if not self._single():
            for name, values in self._label_columns().items():
                cols[name] = np.repeat(values, length)
        cols.update(_time_columns(self.time, self.times, length, rows))
        if self.chart in _WITH_N:
            cols["y"] = self._y.reshape(-1)
            cols["n"] = self._n.reshape(-1)
        for name in ("value", "centre", "lower", "upper", "lower_2sigma", "upper_2sigma"):
            cols[name] = self._rows(name).reshape(-1)
        cols["signal"] = np.asarray(self.signals).reshape(-1)
        cols["kind"] = self.kinds().reshape(-1)
        cols["missing"] = ~np.isfinite(cols["value"])
        return pd.DataFrame(cols)

    def series_table(self):
        """One row per series: the overview of many charts.

        Columns: ``series`` (or the ``by`` columns, as :meth:`to_frame`), ``chart``,
        ``rules``, ``n_points``, ``n_missing``, ``missing``
        (the missing periods or positions, comma-separated), ``first``, ``last`` (periods or
        positions of the first and last observed points), ``latest`` (the last observed
        value), ``centre``, ``lower``, ``upper`` (at that point), ``signal`` (its signal),
        ``n_special`` (points with any signal), ``variation``, ``improvement``, ``target``,
        ``assurance``, ``longest_run``, ``longest_run_max``, ``n_crossings``,
        ``n_crossings_min``, ``runs_signal``, ``provisional``."""
        import pandas as pd

        value = self._rows("value")
        observed = np.isfinite(value)
        rows, length = value.shape
        any_obs = observed.any(axis=1)
        first = np.argmax(observed, axis=1)
        last = length - 1 - np.argmax(observed[:, ::-1], axis=1)
        at = np.arange(rows)
        points = self._point_names()
        codes = self._codes

        def pick(name):
            return np.where(any_obs, self._rows(name)[at, last], np.nan)

        missing = self._per_series("missing")
        return pd.DataFrame({
            **self._label_columns(),
            "chart": self.chart,
            "rules": self.rules.name,
            "n_points": observed.sum(axis=1),
            "n_missing": [len(m) for m in missing],
            "missing": [", ".join(str(p) for p in m) for m in missing],
            "first": [points[i] if ok else None for i, ok in zip(first, any_obs)],
            "last": [points[i] if ok else None for i, ok in zip(last, any_obs)],
            "latest": pick("value"),
            "centre": pick("centre"),
            "lower": pick("lower"),
            "upper": pick("upper"),
            "signal": [SIGNALS[c] for c in codes[at, last]],
            "n_special": (codes != 0).sum(axis=1),
            "variation": self._per_series("variation"),
            "improvement": self._per_series("improvement"),
            "target": self._per_series("target"),
            "assurance": self._per_series("assurance"),
            "longest_run": self._per_series("longest_run"),
            "longest_run_max": self._per_series("longest_run_max"),
            "n_crossings": self._per_series("n_crossings"),
            "n_crossings_min": self._per_series("n_crossings_min"),
            "runs_signal": self._per_series("runs_signal"),
            "provisional": self._per_series("provisional"),
        })

    def _repr_html_(self) -> str:
        import html

        table = self.series_table()
        note = ""
        if len(table) > 30:
            note = f"<p>first 30 of {len(table)} series; use series_table() for all</p>"
            table = table.head(30)
        title = html.escape(f"SPCResult: {CHART_NAMES[self.chart]} chart, rules "
                            f"{self.rules.name!r}")
        return f"<div><strong>{title}</strong>{table.to_html(escape=True, index=False)}{note}</div>"

    # -- drawing and words -------------------------------------------------------------------
    def plot(self, ax=None, series=None, two_sigma: bool = False, title: str | None = None,
             *, exclude=None, **options):
        """Draw one chart in the Making Data Count style and return the Axes.

        Points are coloured and shaped by kind (special cause improving blue, concerning
        orange, without a direction purple, common cause grey); the centre line is solid, the
        process limits dashed, the target red; missing months are shaded, every segment
        (rebase) has its own lines and a dotted line where the limits are recalculated; the
        variation and assurance icons sit above the plot area.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        series : label or int, optional
            Which series to draw when there are several.
        two_sigma : bool
            Also draw the 2-sigma lines.
        title : str, optional
        exclude : date, position or sequence of them, optional
            Points drawn hollow and left out of the limits (the chart's limits and signals are
            those of the series without them; the result is unchanged).
        **options
            The chart options: ``xlabel``, ``ylabel``, ``per``, ``label`` (``"none"`` by
            default; ``"outliers"`` names the points outside the limits by their periods),
            ``highlight`` and ``annotate`` (points by date or position: {date: note}),
            ``trajectory`` (a target changing over time: one value per point, or {date:
            value} held from that date on), ``floor``, ``ceiling`` (default 0 for counts and
            rates, 0-100% for proportions).
        """
        from .graphics._base import options as chart_options
        from .graphics._base import time_position
        from .graphics.spc import spc_chart

        view = self.series_view(series)
        excluded = None
        if exclude is not None:
            length = view.value.size
            excluded = np.zeros(length, dtype=bool)
            for when in chart_options(exclude=exclude).exclude:
                excluded[time_position(view.time, when, length, "exclude")] = True
            view = self._without(view, excluded)
        return spc_chart(view, ax=ax, two_sigma=two_sigma, title=title, excluded=excluded,
                         **options)

    def _without(self, view: SPCSeries, excluded: np.ndarray) -> SPCSeries:
        """The series view with its limits and signals set without the points ``excluded``
        (their values kept for drawing)."""
        r = view.index
        y = self._y[r].copy()
        y[excluded] = np.nan
        refit = spc(y, chart=self.chart, n=None if self._n is None else self._n[r],
                    rules=self.rules, baseline=self.baseline,
                    rebase=[p for p in view.rebase if p > 0] or None, target=view.target,
                    improvement=view.improvement, screen=self.screen, nan_policy="omit")
        return dataclasses.replace(refit.series_view(), index=r, label=view.label,
                                   value=view.value, missing=view.missing, time=view.time)

    def small_multiples(self, ncols: int = 4, series=None, sharey: bool = False,
                        height: float = 2.2, **options):
        """One small chart per series (or per name in ``series``), coloured as :meth:`plot`,
        each titled with its series name and variation; ``options``: ``title``, ``xlabel``,
        ``ylabel`` (of the figure) and ``highlight`` (series framed in bold).  Returns the
        array of Axes."""
        from .graphics.spc import small_multiples

        rows = (list(range(self.n_series)) if series is None
                else [self._index(s) for s in series])
        ncols = _v.whole_number(ncols, "ncols", minimum=1)
        height = _v.number(height, "height", positive=True)
        return small_multiples([self._view(r) for r in rows], ncols=ncols, sharey=sharey,
                               height=height, **options)

    def narrative(self, series=None, measure: str | None = None, per: float | None = None) -> str:
        """The chart in careful plain English: the latest point, what its variation means,
        which rule fired and when, assurance against the target, the runs analysis, and
        missing months.  Several series: one paragraph each (or the one named by ``series``).

        Parameters
        ----------
        series : label or int, optional
        measure : str, optional
            What is charted, e.g. ``"recorded crime"`` (default ``"the value"``).
        per : float, optional
            Show u and u' chart rates per this many units of ``n`` (e.g. 1000).
        """
        scale = None if per is None else _v.number(per, "per", positive=True)
        rows = range(self.n_series) if series is None else [self._index(series)]
        return "\n\n".join(_paragraph(self._view(r), measure or "the value", scale)
                            for r in rows)


def _objects(values) -> np.ndarray:
    """A 1-D object array (tuples stay elements)."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _time_columns(time, times, length: int, rows: int) -> dict:
    """The columns saying when each point is: ``period`` (``position`` without times) and
    ``date`` when the times were given as dates; for ``rows`` series."""
    import pandas as pd

    if time is None:
        return {"position": np.tile(np.arange(length), rows)}
    cols = {"period": list(time) * rows}
    if isinstance(times, pd.DatetimeIndex):
        cols["date"] = np.tile(times.to_numpy(), rows)
    return cols


def _sense(improvement) -> int:
    return {"increase": 1, "decrease": -1}.get(improvement, 0)


def _kinds(codes: np.ndarray, sense) -> np.ndarray:
    """Per point, the kind of variation: from the signal codes and the direction of improvement
    (1 increase, -1 decrease, 0 none; a scalar or one per row)."""
    direction = np.where(codes == 0, 0, np.where(codes % 2 == 1, 1, -1))
    return np.where(direction == 0, "common cause",
                    np.where(sense == 0, "neutral",
                             np.where(direction == sense, "improving", "concerning")))


# ---- words ----------------------------------------------------------------------------------

def _fmt(chart: str, v: float, per: float | None) -> str:
    if not np.isfinite(v):
        return "n/a"
    if chart in ("p", "pp"):
        return _n.percent(v)
    if chart in ("u", "up") and per is not None:
        return _n.rate(v * per, per)
    return _n.number(v)


def _reason(code: int, rules, centre_word: str, lo: str, hi: str) -> str:
    return {
        1: f"it is above the upper process limit ({hi})",
        2: f"it is below the lower process limit ({lo})",
        3: f"it is part of a run of {rules.trend} or more points, each higher than the one before",
        4: f"it is part of a run of {rules.trend} or more points, each lower than the one before",
        5: "it is one of two out of three points in a row beyond two thirds of the way to the "
           "upper limit",
        6: "it is one of two out of three points in a row beyond two thirds of the way to the "
           "lower limit",
        7: f"it is one of four out of five points in a row more than one sigma above the "
           f"{centre_word}",
        8: f"it is one of four out of five points in a row more than one sigma below the "
           f"{centre_word}",
        9: f"it is part of a run of {rules.shift} or more points above the {centre_word}",
        10: f"it is part of a run of {rules.shift} or more points below the {centre_word}",
    }[code]


def _paragraph(s: SPCSeries, measure: str, per: float | None) -> str:
    """One paragraph about the series view ``s``."""
    value, codes = s.value, s.codes
    observed = np.isfinite(value)
    name = "" if s.label is None else f"{s.label}: "
    subject = f"{name}{measure}"
    subject = subject[0].upper() + subject[1:]
    if not observed.any():
        return f"{subject} has no observed values."

    def when(i):
        return _period_words(s.time[i]) if s.time is not None else f"point {i + 1}"

    last = int(np.flatnonzero(observed)[-1])
    chart = s.chart
    centre_word = "median" if chart == "run" else "mean"
    c = s.centre[last]
    lo = _fmt(chart, s.lower[last], per)
    hi = _fmt(chart, s.upper[last], per)
    parts = [f"{subject} was {_fmt(chart, value[last], per)} in {when(last)}"
             if s.time is not None else
             f"{subject} was {_fmt(chart, value[last], per)} at the latest point ({when(last)})"]
    rules_text = f"the {s.rules.name!r} rules"
    code = int(codes[last])
    if code == 0:
        where = ("on a run chart, which has no process limits" if chart == "run" else
                 f"within the process limits ({lo} to {hi})")
        parts[0] += (f". This is common-cause variation: the latest point is {where}, around a "
                     f"{centre_word} of {_fmt(chart, c, per)}, and none of {rules_text} flags it, "
                     "so the change from one point to the next is in line with the usual "
                     "variation of this process.")
    else:
        tone = {"special cause improving": " that suggests improvement",
                "special cause concerning": " that is a concern"}.get(s.variation, "")
        parts[0] += (f". The latest point shows special-cause variation{tone}: "
                     f"{_reason(code, s.rules, centre_word, lo, hi)} ({rules_text}). Such a "
                     "pattern is unlikely to be chance alone, but the chart does not say what "
                     "caused it.")
    flagged = np.flatnonzero(codes != 0)
    if flagged.size:
        counts = {}
        for k in codes[flagged]:
            counts[SIGNALS[k]] = counts.get(SIGNALS[k], 0) + 1
        listed = ", ".join(f"{v} {k}" for k, v in counts.items())
        verb = _n.agree(flagged.size, "is", "are")
        parts.append(f"Across the series, {flagged.size} of {int(observed.sum())} points {verb} "
                     f"flagged ({listed}); the first is {when(int(flagged[0]))}.")
    else:
        parts.append(f"No point in the series is flagged by {rules_text}.")
    parts.append(_assurance_text(s, chart, per, lo, hi))
    if s.rules.name == "anhoej" or s.runs_signal:
        parts.append(_runs_text(s))
    missing = s.missing
    if len(missing):
        shown = ", ".join(_period_words(m) if s.time is not None else f"point {m + 1}"
                          for m in missing[:6])
        more = f" and {len(missing) - 6} more" if len(missing) > 6 else ""
        unit = "period" if s.time is not None else "point"
        count = f"{_n.capital(_n.plural(len(missing), unit))} {_n.agree(len(missing), 'has', 'have')}"
        parts.append(f"{count} no value ({shown}{more}); they are charted as gaps, and no rule "
                     "counts a run across them.")
    starts = s.rebase
    if len(starts) > 1:
        parts.append("The limits were recalculated from " +
                     ", ".join(when(i) for i in starts[1:]) + ".")
    if s.baseline:
        first = np.flatnonzero(observed[:starts[1] if len(starts) > 1 else None])
        upto = (f" (to {when(int(first[s.baseline - 1]))})"
                if s.time is not None and first.size >= s.baseline else "")
        parts.append(f"The limits are fixed on the first {s.baseline} points{upto}"
                     + (" of each segment." if len(starts) > 1 else "."))
    if s.provisional and chart != "run":
        parts.append("The current limits rest on fewer than 13 points, so treat them as "
                     "provisional.")
    return " ".join(p for p in parts if p)


def _assurance_text(s: SPCSeries, chart, per, lo, hi) -> str:
    target, improvement, assurance = s.target, s.improvement, s.assurance
    if target is None or not np.isfinite(target):
        return ""
    t = _fmt(chart, target, per)
    if improvement is None:
        return (f"A target of {t} was given but no direction of improvement, so whether the "
                "process will meet it is not assessed.")
    if assurance is None:
        return (f"A run chart has no process limits, so assurance against the target of {t} is "
                "not assessed.")
    if assurance == "hit and miss":
        return (f"The target of {t} lies between the process limits ({lo} to {hi}), so the "
                "process is inconsistently passing the target (hit and miss): as things stand it "
                "will meet it in some periods and miss it in others by chance alone.")
    if assurance == "pass":
        return (f"The process limits ({lo} to {hi}) lie on the better side of the target of {t}, "
                "so the process is consistently passing the target and, if nothing changes, "
                "will go on meeting it.")
    return (f"The process limits ({lo} to {hi}) lie on the wrong side of the target of {t}, so "
            "the process is consistently failing the target and will not meet it unless the "
            "process itself changes.")


def _runs_text(s: SPCSeries) -> str:
    longest, longest_max = s.longest_run, s.longest_run_max
    crossings, crossings_min = s.n_crossings, s.n_crossings_min
    if not np.isfinite(longest):
        return "The runs analysis has no points off the centre line to work with."
    if not s.runs_signal:
        return (f"The Anhoej runs analysis finds no sign of non-random variation (longest run "
                f"{longest:.0f}, at most {longest_max:.0f} expected; {crossings:.0f} crossings "
                f"of the centre line, at least {crossings_min:.0f} expected).")
    reasons = []
    if longest > longest_max:
        reasons.append(f"the longest run on one side of the centre line is "
                       f"{_n.plural(longest, 'point')}, more than the {longest_max:.0f} expected "
                       "at most by chance")
    if crossings < crossings_min:
        reasons.append(f"the series crosses the centre line only {_n.plural(crossings, 'time')}, "
                       f"fewer than the {crossings_min:.0f} expected at least")
    return ("The Anhoej runs analysis suggests non-random variation (a shift in the process): "
            + " and ".join(reasons) + ".")


# ---- time index and gaps ------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _Calendar:
    """Where the points go on a calendar with every period from the first to the last."""

    positions: np.ndarray          # the calendar position of each input point
    length: int                    # the calendar's periods
    time: object                   # its periods (PeriodIndex) or whole numbers
    axis: TimeAxis | None          # its time axis (None for whole numbers)

    def fill(self, mat):
        """Series x points as series x calendar periods, absent periods NaN."""
        if mat is None:
            return None
        out = np.full((mat.shape[0], self.length), np.nan)
        out[:, self.positions] = mat
        return out


def _time_index(time, freq, name: str = "time"):
    """Times given as periods, dates (or date strings) or whole numbers: a PeriodIndex (dates
    as periods of ``freq`` when it is given), a DatetimeIndex or an integer Index."""
    import pandas as pd

    if not isinstance(time, pd.Index):
        time = pd.Index(_v.flat_sequence(time.to_numpy() if hasattr(time, "to_numpy") else time,
                                         name, "time points"))
    if time.dtype.kind in "iu":
        return time
    if not isinstance(time, pd.PeriodIndex):
        try:
            time = pd.DatetimeIndex(pd.to_datetime(time))
        except (TypeError, ValueError):
            raise TypeError(f"{name} must hold periods, dates or whole numbers") from None
        if freq is not None:
            time = time.to_period(freq)
    if time.hasnans:
        raise ValueError(f"{name} has a missing time point")
    return time


def _calendar(axis, time, freq, length: int) -> _Calendar | None:
    """The calendar of the points: from y's time index (``axis``), or from ``time`` given in
    any order (whole numbers count one per step); None without times."""
    if time is not None:
        if axis is not None:
            raise ValueError("give the times either as y's index or as time, not both")
        index = _time_index(time, freq)
        _v.size_is(np.asarray(index), "time", length, "one time point per observation")
        values = index.asi8 if hasattr(index, "asi8") else index.to_numpy(dtype=np.int64)
        _v.unique_times(values, "time",
                        lambda v: _period_words(index[int(np.flatnonzero(values == v)[0])]))
        if index.dtype.kind in "iu":
            lo = int(values.min())
            size = int(values.max()) - lo + 1
            return _Calendar(values - lo, size, np.arange(lo, lo + size), None)
        order = np.argsort(values, kind="stable")
        axis = time_axis(index[order], "time")
        positions = np.empty(length, dtype=np.int64)
        positions[order] = axis.t.astype(np.int64)
    elif axis is None:
        return None
    else:
        positions = axis.t.astype(np.int64)
    full = axis.filled()
    return _Calendar(positions, len(full), full.periods, full)


def _period_words(p) -> str:
    """A period in words ("March 2024", "2024 Q1", "the week of 4 March 2024"), else as a
    string."""
    import pandas as pd

    if isinstance(p, pd.Period):
        words = period_words(p)
        return "the " + words if words.startswith("week") else words
    if isinstance(p, pd.Timestamp):
        return str(p.date())
    return str(p)


def _baseline(baseline, obs: np.ndarray, axis, labels):
    """Per series, the observed points each segment's limits are set on (0: all), and the
    baseline the result reports (a count, or one per series when a date gives different
    counts)."""
    rows, length = obs.shape
    if baseline is not None and axis is not None and not isinstance(baseline, numbers.Number):
        end = axis.position(baseline, "baseline")
        counts = obs[:, :end + 1].sum(axis=1).astype(np.int64)
        empty = np.flatnonzero(counts == 0)
        if empty.size:
            who = "" if labels is None else f" (series {_key_text(labels[int(empty[0])])!r})"
            raise ValueError(f"baseline {axis.text(end)}: no observed point up to it{who}")
        return counts, int(counts[0]) if (counts == counts[0]).all() else counts
    baseline = _v.optional_whole(baseline, "baseline", minimum=1)
    if baseline is not None and baseline > length:
        raise ValueError(f"baseline must not exceed the length of the series ({baseline} > "
                         f"{length} points)")
    return np.full(rows, baseline or 0, dtype=np.int64), baseline


def _segment_starts(rebase, rows: int, length: int, axis, single: bool):
    """Segment-start mask (series x points, position 0 always starts) and the starts per series."""
    mask = np.zeros((rows, length), dtype=np.uint8)
    mask[:, 0] = 1
    if rebase is None:
        return mask, [[0]] * rows
    per_series = (not single and isinstance(rebase, (list, tuple)) and len(rebase) == rows
                  and all(e is None or isinstance(e, (list, tuple, np.ndarray)) for e in rebase))
    entries = rebase if per_series else [rebase] * rows
    starts = []
    for r, entry in enumerate(entries):
        pos = [] if entry is None else _rebase_positions(entry, axis, length)
        mask[r, pos] = 1
        starts.append([0] + [int(p) for p in pos])
    return mask, starts


def _rebase_positions(entry, axis, length: int) -> np.ndarray:
    """Positions from 0-based positions, or (with a time axis) dates, periods and strings."""
    entry = _v.one_value(entry)
    many = (isinstance(entry, (list, tuple, np.ndarray))
            or (hasattr(entry, "to_numpy") and np.ndim(entry) == 1))
    items = list(entry) if many else [entry]
    if axis is not None:
        items = [e if isinstance(e, numbers.Number) else axis.position(e, "rebase")
                 for e in items]
    return _v.positions(items, "rebase", 1, length - 1) if items else np.array([], np.int64)


def _check_enough(obs: np.ndarray, mask: np.ndarray, baseline: np.ndarray, chart: str,
                  single: bool):
    """Each segment's baseline holds enough observed points (a moving range for xmr, i, pp,
    up); returns, per series, whether the latest limits rest on fewer than 13 points.
    ``baseline``: per series, the observed points of each segment's baseline (0: all)."""
    rows, length = obs.shape
    idx = np.arange(length)
    seg_first = np.maximum.accumulate(np.where(mask == 1, idx, 0), axis=1)
    if baseline.any():   # the first `baseline` observed values of each segment
        seen = np.cumsum(obs, axis=1)
        before = np.take_along_axis(seen, np.maximum(seg_first - 1, 0), 1)
        before[seg_first == 0] = 0
        base = (seen - before <= baseline[:, None]) | (baseline[:, None] == 0)
    else:
        base = np.ones_like(obs)
    key = np.arange(rows)[:, None] * length + seg_first
    seg_rows, seg_starts = np.nonzero(mask)
    seg_keys = seg_rows * length + seg_starts
    if chart in _MOVING_RANGE:
        pairs = np.zeros_like(obs)
        pairs[:, 1:] = obs[:, 1:] & obs[:, :-1] & (mask[:, 1:] == 0) & base[:, 1:]
        counted, unit = pairs, "moving ranges"
        what = (f"a{'n' if chart in ('xmr', 'i') else ''} {CHART_NAMES[chart]} chart needs at "
                "least 2 consecutive observed points (one moving range) in the baseline of each "
                "segment")
    else:
        counted, unit = obs & base, "observed points"
        what = (f"a {CHART_NAMES[chart]} chart needs at least 1 observed point in the baseline "
                "of each segment")
    counts = np.bincount(key.ravel(), weights=counted.ravel(), minlength=rows * length)
    _v.enough_per_segment(counts[seg_keys], seg_rows, seg_starts, 1, "y", what, unit, single)
    last_counts = np.bincount(key.ravel(), weights=(obs & base).ravel(),
                              minlength=rows * length)
    last_start = seg_first[:, -1]
    return last_counts[np.arange(rows) * length + last_start] < PROVISIONAL_BELOW


# ---- spc ------------------------------------------------------------------------------------

@_frames.tidy(roles=("value", "n"), layout="series")
def spc(y, chart="xmr", n=None, rules="mdc", baseline=None, rebase=None, target=None,
        improvement=None, screen=None, *, time=None, freq=None, labels=None,
        nan_policy="omit", threads=None) -> SPCResult:
    """SPC chart: centre line, limits and the special-cause signals of every point.

    Parameters
    ----------
    y : array_like, pandas Series or DataFrame
        One series (1-D) or one series per row (2-D), in time order.  For ``"p"``, ``"u"``,
        ``"c"``, ``"pp"``, ``"up"`` the counts (>= 0).  A Series indexed by periods or dates
        is one series on that time axis; a DataFrame with a PeriodIndex or DatetimeIndex holds
        one series per column (pandas' layout), labelled by its columns; any other DataFrame
        is refused.  A tidy table: ``spc(df, value=<column>, time=<column>, by=<column(s)>,
        n=<column>)``, one series per ``by`` group (labelled by the ``by`` values), the time
        column holding periods or dates.
    chart : {"xmr", "i", "p", "u", "c", "pp", "up", "run"}
        ``"xmr"``: Making Data Count XmR chart; ``"i"``: individuals chart (qicharts2);
        ``"p"``, ``"u"``, ``"c"``: proportion, rate and count charts; ``"pp"``, ``"up"``:
        Laney p' and u'; ``"run"``: run chart around the median.
    n : array_like, pandas Series or DataFrame, optional
        Denominators (> 0) for p, u, p', u' charts (trials for p, exposure for u); broadcast
        against ``y``, or in ``y``'s layout (the same time index, and the same columns for a
        frame).  Not used by the other charts.
    rules : {"mdc", "anhoej", "western-electric"} or RuleSet
        The special-cause rules (see Notes).
    baseline : int, date, period or str, optional
        Set the limits on the first ``baseline`` observed points (of every segment) and freeze
        them (as NHSRplotthedots' ``fix_after_n_points`` and qicharts2's ``freeze``).  With a
        time axis, a date, period or string (``"2024-03"``) sets them on the points up to and
        including that period (for each series, its observed points there; later segments
        use as many).
    rebase : int, date, sequence or list of sequences, optional
        Where the limits are recalculated from: 0-based positions or, with a time axis, dates,
        periods or strings (``"2024-04"``); for several series, one sequence per series is
        allowed.
    target : float or sequence, optional
        A target per series (or one for all), for the assurance.
    improvement : {"increase", "decrease", None} or sequence
        Which direction is better, per series or one for all.
    screen : bool, optional
        Screen moving ranges (drop those >= 3.267 x their mean and recompute).  Default True,
        except under ``"western-electric"``.
    time : array_like, optional
        Times of the points when ``y`` has no time index: periods, dates, date strings or
        whole numbers (e.g. years), in any order (the points are put in time order).  Not
        with a time-indexed ``y``.
    freq : str, optional
        Read dates in ``time`` as periods of this frequency (e.g. ``"M"``); default: inferred
        from the dates' spacing (monthly, quarterly, yearly, weekly, daily).
    labels : sequence, optional
        Series names (several series); default: a frame's columns.
    nan_policy : {"omit", "raise", "propagate"}
        Missing values (NaN in ``y`` or ``n``, or periods absent from the time index):
        ``"omit"`` (default) charts them as gaps (see Notes); ``"raise"`` refuses them;
        ``"propagate"`` gives NaN limits and no signals for a series that has any.
    threads : int, optional
        Threads for many series (default: all cores when there are thousands).

    Returns
    -------
    SPCResult
        ``centre``, ``lower``, ``upper`` (3 sigma), ``lower_2sigma``, ``upper_2sigma``,
        ``signals`` (per point: ``""`` or the rule that fired), ``variation``, ``assurance``,
        ``rules``, and the runs analysis ``longest_run``, ``longest_run_max``,
        ``n_crossings``, ``n_crossings_min``, ``runs_signal``; also ``value`` (the charted
        values: y, or y / n), ``n_useful``, ``missing`` (periods or positions without a value),
        ``provisional`` (limits of the latest segment set on fewer than 13 points),
        ``chart``, ``improvement``, ``target``, ``baseline``, ``rebase`` (segment starts),
        ``screen``, ``time`` (the periods), ``times`` (the times as given), ``labels``.
        Per-point fields run over every period from the first to the last.

    Raises
    ------
    ValueError
        An unknown ``chart``, ``rules`` or ``improvement``; ``n`` missing for a p, u, p' or u'
        chart (or given for another); zero or negative denominators; negative counts; counts
        above their denominators (p, p'); missing values under ``nan_policy="raise"``; a
        segment with fewer observed points than the chart needs (one for p, u, c and run
        charts; two consecutive, one moving range, for xmr, i, p', u'); ``baseline`` longer
        than the series; ``baseline`` or ``rebase`` outside the series; a repeated period in
        ``time`` or in y's index, or an unsorted index; ``n`` with another index or columns
        than ``y``; times given both as y's index and ``time``; a missing column of a tidy
        table.
    TypeError
        Non-numeric input, a ``rules`` that is neither a name nor a RuleSet, a DataFrame
        without a time index.

    Notes
    -----
    Limits, per segment (from its first ``baseline`` observed points, or all), with m the mean
    moving range ``|y_i - y_(i-1)|`` of consecutive observed baseline points (screened if asked):

    * ``"xmr"``: mean +- 2.66 m; 2-sigma lines +- (2/3) 2.66 m (NHSRplotthedots 0.2).
    * ``"i"``: mean +- 3 m / 1.128 (qicharts2 0.7 ``qic.i``).
    * ``"p"``: p = sum y / sum n, p +- 3 sqrt(p (1 - p) / n_i), kept in [0, 1]; ``"u"``: u = sum y
      / sum n, u +- 3 sqrt(u / n_i), kept >= 0; ``"c"``: c = mean y, c +- 3 sqrt(c), kept >= 0.
    * ``"pp"``, ``"up"`` (Laney 2002): the p (u) chart's sigma times sigma_z = m_z / 1.128, m_z
      the mean moving range of z_i = (y_i / n_i - p) / sigma_i (screened if asked).
    * ``"run"``: the median, no limits.

    Rule sets (a point strictly beyond a line counts; precedence as ``SIGNALS``):

    * ``"mdc"``, as NHSRplotthedots: outside the limits; 7 points in a row each strictly above
      (below) the one before; two of three points beyond the 2-sigma line but inside the
      limits, all three on one side of the mean; 7 points in a row on one side of the mean.
      Screening on by default.
    * ``"anhoej"``, as qicharts2: only points outside the limits are flagged per point; the
      Anhoej runs analysis (always computed, on the latest segment) gives ``runs_signal``:
      points on the centre line are skipped, longest run > round(log2 n) + 3, or crossings
      fewer than the 5 % quantile of Binomial(n - 1, 0.5), n the useful points.
    * ``"western-electric"``, the handbook's four tests: outside 3 sigma; two of three beyond
      2 sigma on one side; four of five beyond 1 sigma on one side; 8 in a row on one side.

    ``variation`` (Making Data Count icon) comes from the signal of the last observed point:
    ``"common cause"``; with ``improvement``, ``"special cause improving"`` or ``"special
    cause concerning"`` by the side of the signal (above, or a rising trend, is an increase);
    without, ``"special cause"``.  ``assurance`` (with ``target`` and ``improvement``), from
    the limits at the last observed point: both limits beyond the target on the side of
    improvement mean the process consistently ``"pass"``-es, both on the other side that it
    ``"fail"``-s, the target between them that it is ``"hit and miss"``; else None (as
    NHSRplotthedots).

    Gaps.  With a time axis (y's index or ``time``) the chart runs over every period from the
    first to the last: a period absent from the index is put in as a missing value, never
    joined to its neighbours.  Missing values (``nan_policy="omit"``) stay in place as gaps:
    they get no signal, are left out of the centre and the moving ranges (no moving range
    spans a gap), and end every run and window of the rules; in the runs analysis a gap ends
    a run and a change of side across it is not a crossing (the crossings threshold then uses
    n minus the number of stretches between gaps, in place of n - 1).  ``missing`` lists
    them, ``plot()`` shades them and ``narrative()`` names them.

    References
    ----------
    NHS England, Making Data Count (2019, 2021).  NHSRplotthedots 0.2 (NHS-R Community).
    qicharts2 0.7 (Anhoej).  Anhoej J, Olesen AV (2014) Run charts revisited, PLoS ONE
    9:e113825.  Laney DB (2002) Improved control charts for attributes, Quality Engineering
    14:531-537.  Western Electric (1956) Statistical Quality Control Handbook.  Nelson LS
    (1982) Control charts for individual measurements, J Qual Technol 14:172-173.

    Examples
    --------
    >>> from scrutiny.spc import spc
    >>> res = spc([12, 15, 11, 14, 13, 12, 16, 14, 13, 15, 12, 30], improvement="decrease")
    >>> print(res.signals[-1], "|", res.variation)
    outside upper | special cause concerning

    A monthly Series (April 2024 missing: a gap, not joined), limits frozen to the end of 2023:

    >>> import pandas as pd
    >>> months = pd.period_range("2023-01", periods=17, freq="M").delete(15)
    >>> y = pd.Series([12, 15, 11, 14, 13, 12, 16, 14, 13, 15, 12, 14, 13, 15, 14, 30],
    ...               index=months)
    >>> res = spc(y, baseline="2023-12", improvement="decrease")
    >>> [str(p) for p in res.missing], str(res.signals[-1])
    (['2024-04'], 'outside upper')
    >>> res.narrative().split(". ")[0]
    'The value was 30 in May 2024'

    A tidy table, one chart per force:

    >>> df = pd.DataFrame({"force": ["A"] * 12 + ["B"] * 12,
    ...                    "month": list(pd.period_range("2024-01", periods=12, freq="M")) * 2,
    ...                    "crimes": [12, 15, 11, 14, 13, 12, 16, 14, 13, 15, 12, 30] * 2})
    >>> spc(df, value="crimes", time="month", by="force").series_table()["force"].tolist()
    ['A', 'B']
    """
    chart = _v.choice(chart, "chart", CHARTS)
    rule_set = _rule_set(rules)
    nan_policy = _v.choice(nan_policy, "nan_policy", _NAN_POLICIES)
    screen = (rule_set.name != "western-electric" if screen is None
              else _v.boolean(screen, "screen"))
    threads = _v.threads(threads)
    data = _inputs(y, n, chart, time, freq, labels, nan_policy)
    ymat, obs = data.y, data.obs
    rows = ymat.shape[0]
    bases, baseline = _baseline(baseline, obs, data.axis, data.labels)
    mask, starts = _segment_starts(rebase, rows, ymat.shape[1], data.axis, data.single)
    improvements = [None if v is None else _v.choice(v, "improvement", _IMPROVEMENT)
                    for v in _v.per_series(improvement, "improvement", rows)]
    targets = np.array([np.nan if t is None else _v.number(t, "target")
                        for t in _v.per_series(target, "target", rows)], dtype=float)

    fit = obs.all(axis=1) if nan_policy == "propagate" else np.ones(rows, dtype=bool)
    provisional = np.zeros(rows, dtype=bool)
    if fit.any():
        provisional[fit] = _check_enough(obs[fit], mask[fit], bases[fit], chart, data.single)
    out = _fit(ymat, data.n, mask, fit, chart, bases, screen, rule_set, threads)
    return _result(out, obs, provisional, improvements, targets, starts, data.single,
                   ymat=ymat, nmat=data.n, chart=chart, rules=rule_set, baseline=baseline,
                   screen=screen, time=data.time, times=data.times, labels=data.labels)


@dataclasses.dataclass(frozen=True)
class _Input:
    """The series of a call to :func:`spc`, on their calendar."""

    y: np.ndarray                  # series x points (absent periods NaN)
    n: np.ndarray | None           # the denominators, likewise
    obs: np.ndarray                # which points are observed
    single: bool                   # one series given (1-D)
    labels: object                 # pandas Index or None
    time: object = None            # the periods (or whole numbers) of the points
    axis: TimeAxis | None = None   # their time axis

    @property
    def times(self):
        return None if self.axis is None else self.axis.times


def _inputs(y, n, chart, time, freq, labels, nan_policy) -> _Input:
    """The counts (series x points, absent periods inserted as NaN), the denominators, the
    calendar, the labels and which points are observed; missing values refused under
    ``nan_policy="raise"``."""
    import pandas as pd

    got = _frames.series_input(y, "y")
    if got.axis is None and isinstance(n, pd.DataFrame):
        raise TypeError("n: a DataFrame of denominators needs y in the same layout (a "
                        "DataFrame with the same time index and columns)")
    n = _frames.wide_input(n, "n", got.axis, got.labels)
    ymat, single = _v.series(got.values, "y", nan_policy="omit", nonneg=chart in _COUNTS,
                             whole=chart in ("p", "pp"))
    nmat = _denominators(n, chart, ymat)
    calendar = _calendar(got.axis, time, freq, ymat.shape[1])
    if calendar is not None:
        ymat, nmat = calendar.fill(ymat), calendar.fill(nmat)
    rows, length = ymat.shape
    labels = got.labels if labels is None else labels
    if single and labels is not None:
        _v.labels_for([labels] if isinstance(labels, str) or np.ndim(labels) == 0 else labels,
                      1, unit="series")
    names = None if single else _v.labels_for(labels, rows, unit="series")
    if names is not None and not isinstance(labels, pd.Index):
        labels = pd.Index(names, tupleize_cols=False)
    labels = None if names is None else labels
    obs = np.isfinite(ymat) if nmat is None else np.isfinite(ymat) & np.isfinite(nmat)
    if nan_policy == "raise":
        series_names = ([_key_text(k) if isinstance(k, tuple) else k for k in labels]
                        if labels is not None else list(range(rows)))
        _v.no_missing(~obs, "y" if nmat is None else "y or n", series_names,
                      _point_labels(None if calendar is None else calendar.time, length))
    if calendar is None:
        return _Input(ymat, nmat, obs, single, labels)
    return _Input(ymat, nmat, obs, single, labels, calendar.time, calendar.axis)


def _point_labels(time, length: int) -> list:
    """The periods of the points, or their positions without a time index."""
    return list(time) if time is not None else list(range(length))


def _result(out, obs, provisional, improvements, targets, starts, single, *, ymat, nmat,
            time, **settings) -> SPCResult:
    """The kernel's outputs (series x points, or per series) as an SPCResult: one series' fields
    unwrapped, the icons, signal names and missing points added."""
    value, centre, lower, upper, lower2, upper2, codes = out[:7]
    longest, longest_max, crossings, crossings_min, useful, runs_signal = out[7:]
    rows = value.shape[0]
    variation, assurance = _icons(value, lower, upper, codes, improvements, targets)
    signals = np.array(SIGNALS)[codes]
    point_names = _point_labels(time, value.shape[1])
    missing = [tuple(point_names[i] for i in np.flatnonzero(~row)) for row in obs]

    def point(a):
        return a[0] if single else a

    def per(a, kind=float):
        return kind(a[0]) if single else np.asarray(a).astype(kind)

    def labels_of(items):
        if single:
            return items[0]
        arr = np.empty(rows, dtype=object)
        for i, item in enumerate(items):
            arr[i] = item
        return arr

    return SPCResult(
        centre=point(centre), lower=point(lower), upper=point(upper),
        lower_2sigma=point(lower2), upper_2sigma=point(upper2), signals=point(signals),
        variation=labels_of(variation), assurance=labels_of(assurance),
        longest_run=per(longest), longest_run_max=per(longest_max), n_crossings=per(crossings),
        n_crossings_min=per(crossings_min), runs_signal=per(runs_signal, bool),
        value=point(value), n_useful=per(useful), missing=labels_of(missing),
        provisional=per(provisional, bool), improvement=labels_of(improvements),
        target=(None if np.isnan(targets[0]) else float(targets[0])) if single else targets,
        rebase=starts[0] if single else starts, time=time, _codes=codes, _y=ymat, _n=nmat,
        **settings)


def _denominators(n, chart: str, ymat: np.ndarray):
    if chart not in _WITH_N:
        if n is not None:
            raise ValueError(f"n is not used by a {chart!r} chart (only by p, u, pp and up)")
        return None
    if n is None:
        raise ValueError(f"n (the denominators) is required for a {chart!r} chart")
    narr = _v.as_float_array(n, "n")
    ymat_b, nmat = _v.broadcast(y=ymat, n=narr)
    if nmat.shape != ymat.shape:
        raise ValueError(f"n must broadcast to the shape of y ({ymat.shape}), got {narr.shape}")
    nmat, _ = _v.series(nmat, "n", nan_policy="omit", positive=True)
    if chart in ("p", "pp"):
        _v.series_not_above(ymat, nmat, "y", "n")
    return nmat


_POINT_OUTPUTS = ("value", "centre", "lower", "upper", "lower2", "upper2")
_SERIES_OUTPUTS = ("longest_run", "longest_run_max", "n_crossings", "n_crossings_min",
                   "n_useful", "runs_signal")


def _fit(ymat, nmat, mask, fit, chart, baseline, screen, rules, threads):
    """The C kernel on the rows in ``fit`` (one call per baseline length, per series in
    ``baseline``); NaN (and no signal) elsewhere."""
    rows, length = ymat.shape
    point = [np.full((rows, length), np.nan) for _ in range(6)]
    codes = np.zeros((rows, length), dtype=np.int8)
    series = [np.full(rows, np.nan) for _ in range(6)]
    series[5][:] = 0.0
    two = _o.TWO_OF_THREE.codes[rules.two_of_three_style if rules.two_of_three else "off"]
    for base in np.unique(baseline[fit]):
        sub = fit & (baseline == base)
        sub = sub if not sub.all() else slice(None)
        res = _core.spc_fit(np.ascontiguousarray(ymat[sub]),
                            None if nmat is None else np.ascontiguousarray(nmat[sub]),
                            np.ascontiguousarray(mask[sub]), _o.CHART.codes[chart], int(base),
                            screen, rules.outside, rules.trend or 0, two, rules.four_of_five,
                            rules.shift or 0, threads)
        for k, name in enumerate(_POINT_OUTPUTS):
            point[k][sub] = res[name]
        codes[sub] = res["signal"]
        for k, name in enumerate(_SERIES_OUTPUTS):
            series[k][sub] = res[name]
    return (*point, codes, *series)


def _icons(value, lower, upper, codes, improvements, targets):
    """Variation and assurance per series, from the last observed point."""
    rows, length = value.shape
    observed = np.isfinite(value)
    any_obs = observed.any(axis=1)
    last = length - 1 - np.argmax(observed[:, ::-1], axis=1)
    at = np.arange(rows)
    code = codes[at, last]
    lo, hi = lower[at, last], upper[at, last]
    variation, assurance = [], []
    for r in range(rows):
        sense = _sense(improvements[r])
        if not any_obs[r] or not np.isfinite(value[r, last[r]]):
            variation.append(None)
        elif code[r] == 0:
            variation.append("common cause")
        elif sense == 0:
            variation.append("special cause")
        else:
            side = 1 if code[r] % 2 == 1 else -1
            variation.append("special cause improving" if side == sense
                             else "special cause concerning")
        t = targets[r]
        if sense == 0 or not np.isfinite(t) or not (np.isfinite(lo[r]) and np.isfinite(hi[r])):
            assurance.append(None)
        elif t > hi[r]:
            assurance.append("fail" if sense > 0 else "pass")
        elif t < lo[r]:
            assurance.append("pass" if sense > 0 else "fail")
        else:
            assurance.append("hit and miss")
    return variation, assurance


# ---- many indicators x areas ------------------------------------------------------------------

def _lookup(option, indicator, key):
    """A per-indicator / per-series option: a plain value, or a dict keyed by the indicator
    (value column) or by the series key."""
    if isinstance(option, dict):
        if indicator in option:
            return option[indicator]
        return option.get(key, option.get(key[0] if isinstance(key, tuple) and len(key) == 1
                                          else key))
    return option


@distributed.dask_aware
def spc_table(df, value, time, by=None, n=None, chart="xmr", rules="mdc", baseline=None,
              target=None, improvement=None, screen=None, *, freq="M", nan_policy="omit",
              threads=None):
    """One row per series for many indicators x areas in a long DataFrame: the overview page.

    Parameters
    ----------
    df : pandas.DataFrame
        Long data: one row per series and period.
    value : str or list of str
        The column(s) to chart; each is an indicator (the ``indicator`` column of the result).
    time : str
        The period column (periods, dates or whole numbers; dates are read as periods of
        ``freq``, monthly by default).  Every series is charted over the same calendar, from
        the earliest to the latest period in ``df``: periods a series lacks (inside it or at
        either end) are found and reported, and charted as gaps (see ``nan_policy``).
    by : str or list of str, optional
        Columns identifying a series within an indicator (e.g. ``"area"``).
    n : str or dict, optional
        Denominator column (p, u, p', u' charts), or a dict indicator -> column.
    chart, target, improvement : value or dict
        As :func:`spc`; a dict gives one per indicator (keyed by the value column) or per
        series (keyed by the ``by`` value, or tuple of values).
    rules, baseline, screen, nan_policy, threads
        As :func:`spc`, for every series (``nan_policy="omit"`` by default: gaps are charted;
        ``"raise"`` refuses them, naming the series).
    freq : str
        The frequency of dates in the ``time`` column (default ``"M"``).

    Returns
    -------
    pandas.DataFrame
        ``indicator``, the ``by`` columns, then the columns of
        :meth:`SPCResult.series_table` (``series`` dropped), one row per series, indicator by
        indicator, in the order the series first appear.  The charts themselves are not kept
        (call :func:`spc` on one series to draw it).

    Raises
    ------
    ValueError
        Missing columns, a period repeated within a series, and everything :func:`spc` raises
        (naming the series).

    Notes
    -----
    Each indicator's series are charted in one call to the C core, in parallel over series.

    Examples
    --------
    >>> import scrutiny as sc
    >>> from scrutiny.spc import spc_table
    >>> df = sc.data.sample("lpa_monthly")
    >>> table = spc_table(df, ["recorded_crimes", "da_incidents"], "month", by="area",
    ...                   improvement="decrease")
    >>> table.shape[0]
    20
    """
    import pandas as pd

    _v.data_frame(df, "df", allow_empty=False)
    values = _v.column_arguments(value, "value")
    by = _v.column_arguments(by, "by", optional=True)
    [time] = _v.column_arguments(time, "time", several=False)
    if n is not None and not isinstance(n, (str, dict)):
        raise TypeError(f"n must be a column name or a dict of them by indicator (got {n!r})")
    n_cols = [c for col in (n.values() if isinstance(n, dict) else [n])
              for c in _v.column_arguments(col, "n", several=False, optional=True)]
    for name, cols in (("value", values), ("by", by), ("time", [time]), ("n", n_cols)):
        _v.columns_present(df, cols, "df", given=name)
    times = _time_index(df[time], freq, "time")
    keyed = df.assign(**{c: _v.numeric_column(df, c) for c in dict.fromkeys(values + n_cols)},
                      **{time: times})
    dup = keyed.duplicated(subset=[time, *by]).to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        hint = "" if by else "; by names the columns that tell its series apart"
        raise ValueError(f"{time} repeats a period within a series "
                         f"({_key_text(tuple(df[by].iloc[i]))}: {df[time].iloc[i]}){hint}")
    order = (df[by[0]].drop_duplicates() if len(by) == 1 else
             pd.MultiIndex.from_frame(df[by].drop_duplicates())) if by else None
    tables = []
    for indicator in values:
        chart_i = _v.choice(_lookup(chart, indicator, None), "chart", CHARTS)
        n_col = _lookup(n, indicator, None) if chart_i in _WITH_N else None
        wide = _frames.series_frame(keyed, indicator, time, by or None, {"n": n_col})
        if by:
            wide = {k: v.reindex(columns=order) for k, v in wide.items()}
            columns = wide["y"].columns
        else:
            wide = {k: v.to_frame() for k, v in wide.items()}
            columns = pd.Index(["overall"])
        keys = [k if isinstance(k, tuple) else (k,) for k in columns] if by else [()]
        names = [_key_text(k) for k in keys]
        mats = {k: v.to_numpy(dtype=np.float64, na_value=np.nan).T for k, v in wide.items()}
        try:
            res = spc(mats["y"], chart=chart_i, n=mats.get("n"), rules=rules,
                      baseline=baseline, screen=screen,
                      target=[_lookup(target, indicator, k) for k in keys],
                      improvement=[_lookup(improvement, indicator, k) for k in keys],
                      time=wide["y"].index, labels=columns, nan_policy=nan_policy,
                      threads=threads)
        except ValueError as error:
            raise ValueError(_table_message(str(error), indicator, n_col, names)) from None
        table = res.series_table().drop(columns="series", errors="ignore")
        table.insert(0, "indicator", indicator)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def _table_message(message: str, indicator: str, n_col, names) -> str:
    """An error of spc() in the table's terms: columns for y and n, series by their keys."""
    message = re.sub(r"series (\d+)", lambda m: f"series {names[int(m.group(1))]!r}", message)
    columns = {"y": indicator, "n": n_col or "n"}
    return re.sub(r"^(y or n|y|n)\b|(?<=>= )y\b",
                  lambda m: " or ".join(columns[v] for v in m.group(0).split(" or ")), message)


def _key_text(key) -> str:
    if not isinstance(key, tuple):
        return str(key)
    return "overall" if not key else " / ".join(str(k) for k in key)
