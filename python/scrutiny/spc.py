"""Statistical process control (SPC) charts: what changed, and by which rule.

A control chart separates the month-to-month variation a process always produces (common
cause) from patterns unlikely to arise by chance (special cause).  ``spc`` computes the centre
line and limits of XmR (as NHS England's Making Data Count), I, p, u, c, Laney p' and u', and
run charts in the C core, in parallel over series, then applies a named rule set and reports,
for every point, the rule that fired.  ``spc_table`` does this for many indicators and areas
held in a long DataFrame and returns the one-row-per-series overview a performance pack needs.

Missing months are never joined: with a time index, absent periods are found and listed;
missing values are charted as gaps that no moving range and no run crosses.
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
from . import distributed
from . import _narrative as _n
from . import _options as _o
from . import _results as _r
from . import _validation as _v
from ._results import Result
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
        Its name (None when the result has no labels).
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

    def __repr__(self) -> str:
        return (f"SPCSeries(index={self.index}, label={self.label!r}, chart={self.chart!r}, "
                f"points={self.value.size}, variation={self.variation!r}, "
                f"assurance={self.assurance!r})")

    def to_frame(self):
        """One row per point: ``period`` (with a time index) or ``position``, ``value``,
        ``centre``, ``lower``, ``upper``, ``lower_2sigma``, ``upper_2sigma``, ``signal``,
        ``kind``, ``missing``."""
        import pandas as pd

        cols = {"period": list(self.time)} if self.time is not None else {
            "position": np.arange(self.value.size)}
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
    baseline : int or None
        The points each segment's limits are set on (None: all).
    rebase : list or numpy.ndarray
        The segment starts, per series (hidden from the displays).
    screen : bool
        Whether moving ranges were screened.
    time : pandas.Index or None
        The period of each point (hidden from the displays).
    labels : list or None
        The series' names (hidden from the displays).
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
    labels: list | None = _r.hidden()
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
        return SPCSeries(
            index=r, label=None if self.labels is None else self.labels[r], chart=self.chart,
            rules=self.rules, value=self._rows("value")[r], centre=self._rows("centre")[r],
            lower=self._rows("lower")[r], upper=self._rows("upper")[r],
            lower_2sigma=self._rows("lower_2sigma")[r], upper_2sigma=self._rows("upper_2sigma")[r],
            signals=self._rows("signals")[r], codes=codes,
            kinds=_kinds(codes, _sense(each("improvement"))), variation=each("variation"),
            assurance=each("assurance"), improvement=each("improvement"), target=each("target"),
            longest_run=each("longest_run"), longest_run_max=each("longest_run_max"),
            n_crossings=each("n_crossings"), n_crossings_min=each("n_crossings_min"),
            runs_signal=each("runs_signal"), missing=each("missing"),
            provisional=each("provisional"), rebase=each("rebase"), baseline=self.baseline,
            time=self.time)

    # -- frames ------------------------------------------------------------------------------
    def to_frame(self):
        """One row per point: ``series`` (several series), ``period`` (with a time index) or
        ``position``, ``value``, ``centre``, ``lower``, ``upper``, ``lower_2sigma``,
        ``upper_2sigma``, ``signal``, ``kind``, ``missing``; ``y`` and ``n`` for charts with
        a denominator."""
        import pandas as pd

        rows, length = self._codes.shape
        cols = {}
        if not self._single():
            cols["series"] = np.repeat(np.asarray(self._series_names(), dtype=object), length)
        points = self._point_names()
        cols["period" if self.time is not None else "position"] = points * rows
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

        Columns: ``series``, ``chart``, ``rules``, ``n_points``, ``n_missing``, ``missing``
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
            "series": self._series_names(),
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
    def plot(self, ax=None, series=None, two_sigma: bool = False, title: str | None = None):
        """Draw one chart in the Making Data Count style and return the Axes.

        Points are coloured by kind (special cause improving blue, concerning orange, neutral
        purple, common cause grey); the centre line is solid, the process limits dashed, the
        target red; missing months are shaded and every segment (rebase) has its own lines.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        series : label or int, optional
            Which series to draw when there are several.
        two_sigma : bool
            Also draw the 2-sigma lines.
        title : str, optional
        """
        from .graphics.spc import spc_chart

        return spc_chart(self.series_view(series), ax=ax, two_sigma=two_sigma, title=title)

    def small_multiples(self, ncols: int = 4, series=None, sharey: bool = False,
                        height: float = 2.2):
        """One small chart per series (or per name in ``series``), coloured as :meth:`plot`,
        each titled with its series name and variation.  Returns the array of Axes."""
        from .graphics.spc import small_multiples

        rows = (list(range(self.n_series)) if series is None
                else [self._index(s) for s in series])
        ncols = _v.whole_number(ncols, "ncols", minimum=1)
        height = _v.number(height, "height", positive=True)
        return small_multiples([self._view(r) for r in rows], ncols=ncols, sharey=sharey,
                               height=height)

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
        return _n.period_text(s.time[i]) if s.time is not None else f"point {i + 1}"

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
        shown = ", ".join(str(_n.period_text(m)) if s.time is not None else f"point {m + 1}"
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
        parts.append(f"The limits are fixed on the first {s.baseline} points"
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

def _ordinals(time, freq, name: str = "time"):
    """Time points as whole-number ordinals and a maker of labels for a range of ordinals."""
    import pandas as pd

    if not isinstance(time, pd.Index):
        time = _v.flat_sequence(time.to_numpy() if hasattr(time, "to_numpy") else time, name,
                                "time points")
        time = pd.Index(time)
    if isinstance(time, pd.PeriodIndex):
        periods = time
    elif time.dtype.kind in "iu":
        values = time.to_numpy().astype(np.int64)
        return values, lambda lo, k: np.arange(lo, lo + k)
    else:
        try:
            periods = pd.DatetimeIndex(pd.to_datetime(time)).to_period(freq)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must hold periods, dates or whole numbers") from None
    if periods.hasnans:
        raise ValueError(f"{name} has a missing time point")
    first = periods.freq
    return periods.asi8.astype(np.int64), lambda lo, k: pd.period_range(
        pd.Period(ordinal=int(lo), freq=first), periods=int(k), freq=first)


def _fill_gaps(mats, time, freq):
    """Columns put in time order with absent periods inserted as NaN columns.  Returns the
    filled matrices and the complete time index."""
    ords, make = _ordinals(time, freq)
    _v.size_is(ords, "time", mats[0].shape[1], "one time point per observation")
    _v.unique_times(ords, "time", lambda o: make(o, 1)[0])
    lo, hi = int(ords.min()), int(ords.max())
    grid = make(lo, hi - lo + 1)
    filled = []
    for m in mats:
        if m is None:
            filled.append(None)
            continue
        out = np.full((m.shape[0], hi - lo + 1), np.nan)
        out[:, ords - lo] = m
        filled.append(out)
    return filled, grid


def _segment_starts(rebase, rows: int, length: int, grid, freq, single: bool):
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
        pos = ([] if entry is None else
               _rebase_positions(entry, grid, freq, length))
        mask[r, pos] = 1
        starts.append([0] + [int(p) for p in pos])
    return mask, starts


def _rebase_positions(entry, grid, freq, length: int) -> np.ndarray:
    entry = _v.one_value(entry)
    items = list(entry) if isinstance(entry, (list, tuple, np.ndarray)) else [entry]
    if grid is not None and not all(isinstance(e, (numbers.Integral, np.integer)) for e in items):
        import pandas as pd

        try:
            ords, _ = _ordinals(pd.Index(items), freq, "rebase")
        except TypeError:
            raise TypeError("rebase must hold positions or periods of the time index") from None
        items = (ords - _ordinals(grid[:1], freq)[0][0]).tolist()
    return _v.positions(items, "rebase", 1, length - 1) if items else np.array([], np.int64)


def _check_enough(obs: np.ndarray, mask: np.ndarray, baseline: int, chart: str, single: bool):
    """Each segment's baseline holds enough observed points (a moving range for xmr, i, pp,
    up); returns, per series, whether the latest limits rest on fewer than 13 points."""
    rows, length = obs.shape
    idx = np.arange(length)
    seg_first = np.maximum.accumulate(np.where(mask == 1, idx, 0), axis=1)
    if baseline:   # the first `baseline` observed values of each segment
        seen = np.cumsum(obs, axis=1)
        before = np.take_along_axis(seen, np.maximum(seg_first - 1, 0), 1)
        before[seg_first == 0] = 0
        base = seen - before <= baseline
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

def _from_pandas(y, time, labels):
    """Time from a Series' period or date index, labels and time from a DataFrame."""
    import pandas as pd

    def is_time(index):
        return isinstance(index, (pd.PeriodIndex, pd.DatetimeIndex))

    if isinstance(y, pd.DataFrame):
        if labels is None:
            labels = list(y.index)
        if time is None and is_time(y.columns):
            time = y.columns
    elif isinstance(y, pd.Series) and time is None and is_time(y.index):
        time = y.index
    return time, labels


def spc(y, chart="xmr", n=None, rules="mdc", baseline=None, rebase=None, target=None,
        improvement=None, screen=None, *, time=None, freq="M", labels=None,
        nan_policy="raise", threads=None) -> SPCResult:
    """SPC chart: centre line, limits and the special-cause signals of every point.

    Parameters
    ----------
    y : array_like
        One series (1-D) or one series per row (2-D), in time order.  For ``"p"``, ``"u"``,
        ``"c"``, ``"pp"``, ``"up"`` the counts (>= 0).  A pandas Series indexed by periods or
        dates gives ``time``; a DataFrame gives ``labels`` (its index) and ``time`` (its
        columns, when they are periods or dates).
    chart : {"xmr", "i", "p", "u", "c", "pp", "up", "run"}
        ``"xmr"``: Making Data Count XmR chart; ``"i"``: individuals chart (qicharts2);
        ``"p"``, ``"u"``, ``"c"``: proportion, rate and count charts; ``"pp"``, ``"up"``:
        Laney p' and u'; ``"run"``: run chart around the median.
    n : array_like, optional
        Denominators (> 0) for p, u, p', u' charts (trials for p, exposure for u); broadcast
        against ``y``.  Not used by the other charts.
    rules : {"mdc", "anhoej", "western-electric"} or RuleSet
        The special-cause rules (see Notes).
    baseline : int, optional
        Set the limits on the first ``baseline`` observed points (of every segment) and freeze
        them (as NHSRplotthedots' ``fix_after_n_points`` and qicharts2's ``freeze``).
    rebase : int, sequence or list of sequences, optional
        Positions (0-based; or periods, with ``time``) from which the limits are recalculated;
        for several series, one sequence per series is allowed.
    target : float or sequence, optional
        A target per series (or one for all), for the assurance.
    improvement : {"increase", "decrease", None} or sequence
        Which direction is better, per series or one for all.
    screen : bool, optional
        Screen moving ranges (drop those >= 3.267 x their mean and recompute).  Default True,
        except under ``"western-electric"``.
    time : array_like, optional
        Periods (or dates, or whole numbers) of the points; absent periods are inserted as
        missing values, so that no rule joins the points either side of a gap.
    freq : str
        Frequency for dates in ``time`` (default monthly).
    labels : sequence, optional
        Series names (several series).
    nan_policy : {"raise", "omit", "propagate"}
        Missing values (NaN in ``y`` or ``n``, or absent periods): ``"raise"`` refuses them;
        ``"omit"`` charts them as gaps (see Notes); ``"propagate"`` gives NaN limits and no
        signals for a series that has any.
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
        ``screen``, ``time``, ``labels``.

    Raises
    ------
    ValueError
        An unknown ``chart``, ``rules`` or ``improvement``; ``n`` missing for a p, u, p' or u'
        chart (or given for another); zero or negative denominators; negative counts; counts
        above their denominators (p, p'); missing values under ``nan_policy="raise"``; a
        segment with fewer observed points than the chart needs (one for p, u, c and run
        charts; two consecutive, one moving range, for xmr, i, p', u'); ``baseline`` longer
        than the series; ``rebase`` outside the series; a repeated period in ``time``.
    TypeError
        Non-numeric input, a ``rules`` that is neither a name nor a RuleSet.

    Notes
    -----
    Limits, per segment (from its first ``baseline`` observed points, or all), with m the mean
    moving range |y_i - y_(i-1)| of consecutive observed baseline points (screened if asked):

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
    the limits at the last observed point: the target beyond the limits on the side of
    improvement means the process consistently ``"pass"``-es, on the other side ``"fail"``-s,
    between them it is ``"hit and miss"``; else None (as NHSRplotthedots).

    Missing values (``nan_policy="omit"``) stay in place as gaps: they get no signal, are left
    out of the centre and the moving ranges (no moving range spans a gap), and end every run
    and window of the rules; in the runs analysis a gap ends a run and a change of side across
    it is not a crossing (the crossings threshold then uses n minus the number of stretches
    between gaps, in place of n - 1).  ``missing`` lists them.

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
    """
    chart = _v.choice(chart, "chart", CHARTS)
    rule_set = _rule_set(rules)
    nan_policy = _v.choice(nan_policy, "nan_policy", _NAN_POLICIES)
    screen = (rule_set.name != "western-electric" if screen is None
              else _v.boolean(screen, "screen"))
    threads = _v.threads(threads)
    ymat, nmat, time, labels, single, obs = _inputs(y, n, chart, time, freq, labels, nan_policy)
    rows = ymat.shape[0]
    baseline, mask, starts, improvements, targets = _settings(
        baseline, rebase, improvement, target, ymat.shape, time, freq, single)

    fit = obs.all(axis=1) if nan_policy == "propagate" else np.ones(rows, dtype=bool)
    provisional = np.zeros(rows, dtype=bool)
    if fit.any():
        provisional[fit] = _check_enough(obs[fit], mask[fit], baseline or 0, chart, single)
    out = _fit(ymat, nmat, mask, fit, chart, baseline or 0, screen, rule_set, threads)
    return _result(out, obs, provisional, improvements, targets, starts, single,
                   ymat=ymat, nmat=nmat, chart=chart, rules=rule_set, baseline=baseline,
                   screen=screen, time=time, labels=labels)


def _inputs(y, n, chart, time, freq, labels, nan_policy):
    """The counts (series x points, absent periods inserted as NaN), the denominators, the time
    index, the labels, whether there is one series, and which points are observed; missing
    values refused under ``nan_policy="raise"``."""
    if hasattr(y, "to_numpy") or hasattr(y, "columns"):
        time, labels = _from_pandas(y, time, labels)
    ymat, single = _v.series(y, "y", nan_policy="omit", nonneg=chart in _COUNTS,
                             whole=chart in ("p", "pp"))
    nmat = _denominators(n, chart, ymat)
    if time is not None:
        (ymat, nmat), time = _fill_gaps([ymat, nmat], time, freq)
    rows, length = ymat.shape
    if single and labels is not None:
        _v.labels_for([labels] if isinstance(labels, str) or np.ndim(labels) == 0 else labels,
                      1, unit="series")
    labels = None if single else _v.labels_for(labels, rows, unit="series")
    obs = np.isfinite(ymat) if nmat is None else np.isfinite(ymat) & np.isfinite(nmat)
    if nan_policy == "raise":
        series_names = labels if labels is not None else list(range(rows))
        _v.no_missing(~obs, "y" if nmat is None else "y or n", series_names,
                      _point_labels(time, length))
    return ymat, nmat, time, labels, single, obs


def _settings(baseline, rebase, improvement, target, shape, time, freq, single):
    """The baseline, the segment-start mask and starts, and the improvement direction and target
    of every series, checked against the series' shape (series x points)."""
    rows, length = shape
    baseline = _v.optional_whole(baseline, "baseline", minimum=1)
    if baseline is not None and baseline > length:
        raise ValueError(f"baseline must not exceed the length of the series ({baseline} > "
                         f"{length} points)")
    mask, starts = _segment_starts(rebase, rows, length, time, freq, single)
    improvements = [None if v is None else _v.choice(v, "improvement", _IMPROVEMENT)
                    for v in _v.per_series(improvement, "improvement", rows)]
    targets = np.array([np.nan if t is None else _v.number(t, "target")
                        for t in _v.per_series(target, "target", rows)], dtype=float)
    return baseline, mask, starts, improvements, targets


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
    """The C kernel on the rows in ``fit``; NaN (and no signal) elsewhere."""
    rows, length = ymat.shape
    point = [np.full((rows, length), np.nan) for _ in range(6)]
    codes = np.zeros((rows, length), dtype=np.int8)
    series = [np.full(rows, np.nan) for _ in range(6)]
    series[5][:] = 0.0
    if fit.any():
        sub = fit if not fit.all() else slice(None)
        two = _o.TWO_OF_THREE.codes[rules.two_of_three_style if rules.two_of_three else "off"]
        res = _core.spc_fit(np.ascontiguousarray(ymat[sub]),
                            None if nmat is None else np.ascontiguousarray(nmat[sub]),
                            np.ascontiguousarray(mask[sub]), _o.CHART.codes[chart], baseline,
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
              target=None, improvement=None, screen=None, *, freq="M", nan_policy="raise",
              threads=None):
    """One row per series for many indicators x areas in a long DataFrame: the overview page.

    Parameters
    ----------
    df : pandas.DataFrame
        Long data: one row per series and period.
    value : str or list of str
        The column(s) to chart; each is an indicator (the ``indicator`` column of the result).
    time : str
        The period column (periods, dates or whole numbers).  Every series is charted over the
        same calendar, from the earliest to the latest period in ``df``: periods a series lacks
        (inside it or at either end) are found and reported (see ``nan_policy``).
    by : str or list of str, optional
        Columns identifying a series within an indicator (e.g. ``"area"``).
    n : str or dict, optional
        Denominator column (p, u, p', u' charts), or a dict indicator -> column.
    chart, target, improvement : value or dict
        As :func:`spc`; a dict gives one per indicator (keyed by the value column) or per
        series (keyed by the ``by`` value, or tuple of values).
    rules, baseline, screen, freq, nan_policy, threads
        As :func:`spc`, for every series.

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
    ords, make = _ordinals(df[time], freq, "time")
    codes = (df.groupby(by, sort=False, dropna=False).ngroup().to_numpy() if by
             else np.zeros(len(df), dtype=np.int64))
    keys = (list(df[by].drop_duplicates().itertuples(index=False, name=None)) if by else [()])
    frame = pd.DataFrame({"code": codes, "t": ords})
    dup = frame.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        hint = "" if by else "; by names the columns that tell its series apart"
        raise ValueError(f"{time} repeats a period within a series "
                         f"({_key_text(keys[codes[i]])}: {df[time].iloc[i]}){hint}")
    lo, length = int(ords.min()), int(ords.max() - ords.min() + 1)
    grid = make(lo, length)
    names = [_key_text(k) for k in keys]
    tables = []
    for indicator in values:
        chart_i = _v.choice(_lookup(chart, indicator, None), "chart", CHARTS)
        n_col = _lookup(n, indicator, None) if chart_i in _WITH_N else None
        mats = []
        for col in [indicator] + ([n_col] if n_col is not None else []):
            mat = np.full((len(keys), length), np.nan)
            mat[codes, ords - lo] = _v.numeric_column(df, col)
            mats.append(mat)
        try:
            res = spc(mats[0], chart=chart_i, n=mats[1] if n_col is not None else None,
                      rules=rules, baseline=baseline, screen=screen,
                      target=[_lookup(target, indicator, k) for k in keys],
                      improvement=[_lookup(improvement, indicator, k) for k in keys],
                      time=grid, labels=names, nan_policy=nan_policy, threads=threads)
        except ValueError as error:
            raise ValueError(_table_message(str(error), indicator, n_col, names)) from None
        table = res.series_table().drop(columns="series")
        for j, col in enumerate(by):
            table.insert(j, col, [k[j] for k in keys])
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
