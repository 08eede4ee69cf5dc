"""Waiting times with cases still open: how long do applicants really wait?

A firearms-licence application still open at the extract date has waited *at least* as long
as it has so far; leaving it out, or counting its wait so far as if it were decided, makes the
waits look shorter than they are.  The Kaplan-Meier estimate counts open cases correctly
(they are right-censored): ``kaplan_meier`` gives the share still waiting after each wait,
the median and other quantiles with their confidence intervals, and, for groups, the
log-rank test of whether the groups wait alike.  ``share_waiting_past`` answers "what share
of applicants wait longer than the 150-day target?", and ``backlog`` counts the open cases at
the end of each month (or week, quarter, year).

The numbers are R's: ``survival::survfit(Surv(time, status) ~ group, conf.type = "log")``
(and the other ``conf.type``), ``quantile()``, ``summary(fit, times =)`` and ``survdiff``
(survival 3.5-3), with R's handling of ties and of near-equal times (``timefix``).
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

from . import _core
from . import _frames
from . import _narrative as _n
from . import _options as _o
from . import _results as _r
from . import _validation as _v
from ._results import Result, TestResult

__all__ = [
    "kaplan_meier", "share_waiting_past", "backlog", "waiting_times",
    "KaplanMeierResult", "LogRankResult", "ShareResult", "BacklogResult", "Quantile",
]

CONF_TYPES = _o.CONF_TYPE.names
# R's tolerance for ties of times (aeqSurv) and for reading quantiles off a flat curve.
TOL = float(np.sqrt(np.finfo(float).eps))
MAX_TEST_GROUPS = 1000
# A median wait resting on fewer cases still waiting when it is reached is not put in words.
MIN_AT_RISK = 10
_COLUMNS = ("time", "n_risk", "n_event", "n_censor", "survival", "std_err")


class Quantile(NamedTuple):
    """A quantile of the wait with its confidence interval (None / NaN where not reached)."""

    estimate: Any
    lower: Any
    upper: Any


# ---- input checks -----------------------------------------------------------------------------

def _durations(value) -> np.ndarray:
    """Waits as float64 (timedeltas in days); 1-D, not empty."""
    if isinstance(value, (str, bytes)):
        raise TypeError("durations must be numeric, not a string")
    arr = value
    if hasattr(value, "to_numpy") and not isinstance(value, np.ndarray):
        arr = value.to_numpy()
    arr = np.asarray(arr)
    if arr.dtype.kind == "m":
        days = arr.astype("timedelta64[ns]").astype(np.int64) / 86_400e9
        days[np.isnat(arr)] = np.nan
        arr = days
    arr = _v.as_float_array(arr, "durations", allow_empty=True)
    _v.dimensions(arr, "durations", (1,), "one wait per case (1-D)")
    if arr.size == 0:
        raise ValueError("durations is empty")
    return arr


def _observed(value, n: int) -> np.ndarray:
    arr = _v.as_float_array(value, "observed", allow_empty=True)
    _v.dimensions(arr, "observed", (1,), "one flag per case (1-D)")
    if arr.size != n:
        raise ValueError(f"observed has {arr.size} values but durations has {n}")
    return arr


def _groups(value, n: int):
    """Group codes 0..k-1 (-1: missing) and the labels: a Categorical's categories in order
    (unused ones dropped), else the sorted distinct values (R's factor levels); tuples for
    several ``by`` columns (a MultiIndex), missing where any of them is."""
    import pandas as pd

    if isinstance(value, (str, bytes)) or np.ndim(value) == 0:
        raise TypeError("group must hold one label per case (got a single value)")
    if isinstance(value, pd.MultiIndex):
        present = ~(np.asarray(value.codes) < 0).any(axis=0)
        found, uniques = pd.factorize(pd.Series(value[present].to_numpy()), sort=True)
        codes, labels = np.full(len(value), -1, dtype=np.int64), list(uniques)
        codes[present] = found
    elif isinstance(getattr(value, "dtype", None), pd.CategoricalDtype):
        cat = pd.Categorical(value).remove_unused_categories()
        codes, labels = np.asarray(cat.codes, dtype=np.int64), list(cat.categories)
    else:
        series = pd.Series(np.asarray(value, dtype=object).ravel() if not hasattr(value, "to_numpy")
                           else value.to_numpy())
        try:
            codes, uniques = pd.factorize(series, sort=True)
        except TypeError:
            codes, uniques = pd.factorize(series, sort=False)
        codes, labels = np.asarray(codes, dtype=np.int64), list(uniques)
    if codes.size != n:
        raise ValueError(f"group has {codes.size} labels but durations has {n}")
    labels = [v.item() if isinstance(v, np.generic) else v for v in labels]
    return codes, labels


def _prepare(durations, observed, group, nan_policy: str):
    """Checked waits, flags and group codes (rows with a missing value dropped under
    ``nan_policy="omit"``), and the group labels (None without groups).  Series arguments
    must share one index (the cases)."""
    policy = _v.choice(nan_policy, "nan_policy", ("omit", "raise"))
    _frames.unit_index(durations=durations, observed=observed, group=group)
    t = _durations(durations)
    d = _observed(observed, t.size)
    codes, labels = (None, None) if group is None else _groups(group, t.size)
    missing = np.isnan(t) | np.isnan(d)
    if codes is not None:
        missing |= codes < 0
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        if policy == "raise":
            name = "durations" if np.isnan(t[i]) else "observed" if np.isnan(d[i]) else "group"
            raise ValueError(f"{name} has a missing value (position {i}) and nan_policy='raise'; "
                             f"nan_policy='omit' leaves such cases out")
        keep = ~missing
        t, d = t[keep], d[keep]
        if codes is not None:
            codes = codes[keep]
        if t.size == 0:
            raise ValueError("durations has no case without a missing value")
    bad = np.flatnonzero(~np.isfinite(t) | (t < 0))
    if bad.size:
        i = int(bad[0])
        what = "finite" if not np.isfinite(t[i]) else "non-negative"
        raise ValueError(f"durations must be {what} (position {i}: {t[i]:g})")
    bad = np.flatnonzero((d != 0) & (d != 1))
    if bad.size:
        i = int(bad[0])
        hint = "; for R's 1/2 coding subtract 1" if np.isin(d, (1, 2)).all() else ""
        raise ValueError(f"observed must be 0 / 1 or False / True: 1 for a decided case, 0 for "
                         f"one still open (position {i}: {d[i]:g}){hint}")
    if not d.any():
        raise ValueError("observed has no decided case (every wait is still open): the share "
                         "still waiting stays at 100% and no median or quantile can be "
                         "estimated")
    if codes is not None:
        codes, labels = _drop_empty(codes, labels)
    return t, d, codes, labels


def _drop_empty(codes, labels):
    """Renumber the codes over the labels that remain after dropping cases."""
    present = np.bincount(codes, minlength=len(labels)) > 0
    if present.all():
        return codes, labels
    new = np.cumsum(present) - 1
    return new[codes], [lab for lab, p in zip(labels, present) if p]


def _options(conf, conf_type):
    return _v.conf_level(conf), _v.choice(conf_type, "conf_type", CONF_TYPES)


def _group_index(group, labels: list):
    """The groups as a pandas Index named as ``group`` (a MultiIndex with the ``by`` columns'
    names for several)."""
    import pandas as pd

    if isinstance(group, pd.MultiIndex):
        return pd.MultiIndex.from_tuples(labels, names=group.names)
    return pd.Index(labels, name=getattr(group, "name", None), tupleize_cols=False)


def _group_columns(index, counts=1) -> dict:
    """The columns naming each row's group: ``group``, or one per ``by`` column for several;
    each group's name ``counts`` times (one count per group, or one for all)."""
    import pandas as pd

    if isinstance(index, pd.MultiIndex) and all(name is not None for name in index.names):
        return {name: np.repeat(np.asarray(index.get_level_values(name), dtype=object), counts)
                for name in index.names}
    names = np.empty(len(index), dtype=object)
    names[:] = list(index)
    return {"group": np.repeat(names, counts)}


def _group_text(group) -> str:
    """A group's name in words (several ``by`` values joined by " / ")."""
    return " / ".join(map(str, group)) if isinstance(group, tuple) else str(group)


# ---- results ------------------------------------------------------------------------------------

def _none(v):
    """NaN as None (a bound never reached), else a float."""
    return None if v is None or not np.isfinite(v) else float(v)


@dataclasses.dataclass(frozen=True, repr=False)
class LogRankResult(TestResult):
    """The G-rho test that the groups wait alike (``rho = 0``: the log-rank test), as R
    ``survdiff``.  Unpacks as ``statistic, pvalue``; ``to_frame()`` has one row per group with
    (O-E)^2/E and (O-E)^2/V as R prints them.

    Attributes
    ----------
    statistic : float
        The chi-square statistic (NaN with ``pvalue`` when its variance matrix is singular,
        where R stops).
    pvalue : float
        Its p-value.
    df : int
        Degrees of freedom: the groups with expected decisions, less one.
    observed, expected : pandas.Series
        Decisions observed and expected if all groups waited alike, per group (weighted when
        ``rho > 0``).
    variance : pandas.DataFrame
        The covariance matrix of observed - expected (groups x groups).
    n : pandas.Series
        The cases of each group.
    rho : float
        The G-rho weight exponent (0: log-rank).
    method : str
        The name of the test.
    """

    statistic: float = _r.scalar()
    pvalue: float = _r.scalar()
    df: int = _r.scalar()
    observed: pd.Series = _r.unit("group")
    expected: pd.Series = _r.unit("group")
    variance: pd.DataFrame = _r.detail()
    n: pd.Series = _r.unit("group")
    rho: float = _r.scalar()
    method: str = _r.scalar()

    def __repr__(self) -> str:
        return (f"LogRankResult(statistic={self.statistic:.6g}, pvalue={self.pvalue:.6g}, "
                f"df={self.df}, groups={list(self.observed.index)}, rho={self.rho:g})")

    def to_frame(self):
        """One row per group: n, observed, expected, (O-E)^2/E and (O-E)^2/V as R prints."""
        import pandas as pd

        o, e = self.observed.to_numpy(), self.expected.to_numpy()
        v = np.diag(self.variance.to_numpy())
        with np.errstate(divide="ignore", invalid="ignore"):
            frame = pd.DataFrame({**_group_columns(self.observed.index), "n": self.n.to_numpy(),
                                  "observed": o, "expected": e, "oe2_e": (o - e) ** 2 / e,
                                  "oe2_v": (o - e) ** 2 / v})
        frame["statistic"], frame["df"], frame["pvalue"] = self.statistic, self.df, self.pvalue
        return frame

    def narrative(self, alpha: float = 0.05, noun: str = "cases") -> str:
        """The test in words, e.g. "The groups' waits differ by more than chance would explain
        (log-rank chi-square = 12.3 on 2 df, p = 0.002), significant at the 5% level. ..."."""
        alpha = _v.conf_level(alpha, "alpha")
        name = "log-rank" if self.rho == 0 else f"G-rho (rho = {self.rho:g})"
        stats = (f"{name} chi-square = {self.statistic:.2f} on {self.df} df, "
                 f"{_n.p_text(self.pvalue, alpha)}")
        if self.df == 0:
            return "No test: fewer than two groups have anyone waiting at a decision time."
        if not np.isfinite(self.statistic):
            return ("No test: the log-rank variance is singular (at each decision time every "
                    "case still waiting was decided), so the groups cannot be compared.")
        if not self.pvalue < alpha:
            of = "a difference between the groups' waits"
            return f"{_n.capital(_n.no_evidence(of, alpha))} ({stats})."
        text = f"The groups' waits differ by {_n.CHANCE} ({stats}), {_n.significant_at(alpha)}."
        parts = []
        for g in self.observed.index:
            o, e = self.observed[g], self.expected[g]
            if o == e:
                continue
            counts = f" ({_n.number(o)} against {_n.number(e)})" if self.rho == 0 else ""
            side = ("fewer", "longer") if o < e else ("more", "shorter")
            parts.append(f"in {_group_text(g)}, {side[0]} decisions than expected if all "
                         f"groups waited alike{counts}: {side[1]} waits")
        if parts:
            text += " " + _n.capital("; ".join(parts)) + "."
        return text


@dataclasses.dataclass(frozen=True, repr=False)
class ShareResult(Result):
    """The estimated share of cases waiting longer than ``target`` (the Kaplan-Meier S(target)),
    with its confidence interval, as R ``summary(fit, times = target)``.  One value each for
    one target and no groups; else arrays, one entry per (group, target).  NaN where the target
    lies beyond the longest wait observed (in that group).  ``to_frame()`` has one row per
    (group, target).

    Attributes
    ----------
    estimate : float or numpy.ndarray
        The share still waiting after ``target``.
    lower, upper : float or numpy.ndarray
        Its interval at ``conf``.
    std_err : float or numpy.ndarray
        The standard error of the share (R's summary ``std.err``).
    n_risk : float or numpy.ndarray
        The cases still waiting and followed at ``target``.
    target : float or numpy.ndarray
        The wait, in ``unit``.
    group : pandas.Index or None
        The group of each entry, named as the groups (None without groups).
    conf : float
        The confidence level.
    conf_type : str
        The scale of the interval (``"log"``, ``"log-log"``, ``"plain"``, ``"logit"``,
        ``"arcsin"``).
    unit : str
        The unit of the waits, e.g. ``"days"``.
    """

    estimate: float | np.ndarray = _r.unit("group and target")
    lower: float | np.ndarray = _r.unit("group and target")
    upper: float | np.ndarray = _r.unit("group and target")
    std_err: float | np.ndarray = _r.unit("group and target")
    n_risk: float | np.ndarray = _r.unit("group and target")
    target: float | np.ndarray = _r.unit("group and target")
    group: pd.Index | None = _r.label()
    conf: float = _r.levels()
    conf_type: str = _r.scalar()
    unit: str = _r.scalar()

    def to_frame(self):
        """One row per (group, target)."""
        import pandas as pd

        data = {k: np.atleast_1d(getattr(self, k)) for k in
                ("target", "estimate", "lower", "upper", "std_err", "n_risk")}
        frame = pd.DataFrame(data)
        if self.group is not None:
            for k, (name, values) in enumerate(_group_columns(self.group).items()):
                frame.insert(k, name, values)
        frame["conf"], frame["conf_type"] = self.conf, self.conf_type
        return frame

    def narrative(self, noun: str = "cases") -> str | list[str]:
        """E.g. "An estimated 64.2% of cases wait longer than 150 days (95% CI 58.0% to
        70.9%)."; a list for several groups or targets."""
        lines = []
        for r in self.to_frame().itertuples():
            who = noun
            target = f"{_n.number(r.target)} {self.unit}"
            if not np.isfinite(r.estimate):
                lines.append(f"The share of {who} waiting longer than {target} cannot be "
                             f"estimated: no case has been followed that long.")
                continue
            ci = (_n.interval(r.lower, r.upper, self.conf, _n.percent)
                  if np.isfinite(r.lower) else f"no {_n.level(self.conf)} CI: none left waiting")
            lines.append(f"An estimated {_n.percent(r.estimate)} of {who} wait longer than "
                         f"{target} ({ci}; Kaplan-Meier, open cases counted as still waiting).")
        if self.group is not None:
            lines = [_n.prefix(_group_text(g), line) for g, line in zip(self.group, lines)]
        return lines[0] if len(lines) == 1 else lines


@dataclasses.dataclass(frozen=True, repr=False)
class KaplanMeierResult(Result):
    """A Kaplan-Meier estimate of the share still waiting (see :func:`kaplan_meier`).
    ``to_frame()`` is a copy of ``table``; methods ``quantile(q)``, ``share_past(target)``,
    ``curve()``, ``plot()``, ``narrative()``; ``median_at_risk`` says how many cases the median
    rests on.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per distinct decision time: ``time``, ``n_risk``, ``n_event``, ``n_censor``
        (open cases since the previous decision time, as R's summary), ``survival`` (the
        share still waiting after ``time``), ``std_err`` (Greenwood's standard error of the
        cumulative hazard -log S, R's ``std.err``), ``lower``, ``upper`` (the band at
        ``conf``); with groups, a ``group`` column first (one column per ``by`` column for
        several).  Where the curve reaches 0 (every case left decided) ``std_err`` is infinite
        and ``lower``, ``upper`` NaN, as R's ``survfit`` (Inf, NA).
    median, median_lower, median_upper : float, None or pandas.Series
        The median wait and its interval as R prints them (``summary(fit)$table``): None
        where never reached; with groups, Series indexed by group, NaN where never reached.
    n, n_events, n_open : int or pandas.Series
        Cases, decided cases and open cases (per group with groups).
    conf : float
        The confidence level of the band.
    conf_type : str
        The scale of the band (as ``conf_type`` of :func:`kaplan_meier`).
    unit : str
        The unit of the waits, e.g. ``"days"``.
    groups : dict or None
        The result of each group, by group (None without groups).
    logrank : LogRankResult or None
        The test that the groups wait alike (None without groups or test).
    labels : pandas.Index or None
        The groups, named as ``group`` (the ``by`` column; a MultiIndex for several), in the
        order of ``groups`` (None without groups).
    """

    table: pd.DataFrame = _r.table()
    median: float | pd.Series | None = _r.unit("group")
    median_lower: float | pd.Series | None = _r.unit("group")
    median_upper: float | pd.Series | None = _r.unit("group")
    n: int | pd.Series = _r.unit("group")
    n_events: int | pd.Series = _r.unit("group")
    n_open: int | pd.Series = _r.unit("group")
    conf: float = _r.scalar()
    conf_type: str = _r.scalar()
    unit: str = _r.scalar()
    groups: dict | None = _r.detail(default=None)
    logrank: LogRankResult | None = _r.detail(default=None)
    labels: pd.Index | None = _r.label(default=None)
    _curve: dict | None = _r.hidden(default=None, compare=False)

    @property
    def grouped(self) -> bool:
        return self.groups is not None

    def __repr__(self) -> str:
        if self.grouped:
            inner = f"groups={list(self.groups)}, logrank={self.logrank!r}"
        else:
            inner = (f"median={self.median!r}, median_lower={self.median_lower!r}, "
                     f"median_upper={self.median_upper!r}")
        return (f"KaplanMeierResult(n={self.n if not self.grouped else int(self.n.sum())}, "
                f"rows={len(self.table)}, {inner}, conf={self.conf:g}, "
                f"conf_type={self.conf_type!r})")

    def summary(self) -> str:
        lines = [repr(self), self.table.to_string(index=False, max_rows=40)]
        if self.grouped and self.logrank is not None:
            lines.append(self.logrank.to_frame().to_string(index=False))
        return "\n".join(lines)

    def curve(self):
        """Every distinct time (decisions and open cases), with the band: the full step curve
        as a DataFrame (with groups, a ``group`` column first)."""
        import pandas as pd

        return pd.DataFrame({k: np.array(v) for k, v in self._curve.items()})

    # -- reading the curve

    @property
    def median_at_risk(self):
        """Cases still waiting at the decision time where the median is reached: how many
        the median rests on (None where it is not reached; with groups, a Series indexed by
        group, NaN where not reached)."""
        import pandas as pd

        def one(r):
            if r.median is None or not np.isfinite(r.median):
                return None
            return int(r.table.loc[r.table["survival"] <= 0.5, "n_risk"].iloc[0])

        got = self._each(one)
        if not self.grouped:
            return got
        return pd.Series({g: np.nan if v is None else v for g, v in got.items()}, dtype=float)

    def _each(self, fn):
        """fn(result of one group) for every group, as a dict; or fn(self) without groups."""
        if not self.grouped:
            return fn(self)
        return {g: fn(r) for g, r in self.groups.items()}

    def quantile(self, q) -> Quantile:
        """The wait by which a share ``q`` of cases is decided, with its confidence interval,
        as R ``quantile(fit, probs = q)``: ``(estimate, lower, upper)``.

        Where the curve is flat at exactly 1 - q, the estimate is the midpoint of the flat
        stretch (to the last time when it stays flat); the limits are read the same way off
        the band.  Not reached: None (one group, one q), else NaN.  ``q`` may be a sequence
        (arrays); with groups the results are Series indexed by group (DataFrames for several
        q)."""
        import pandas as pd

        scalar = np.ndim(q) == 0
        probs = _v.probability(np.atleast_1d(q), "q", open_interval=False)
        _v.dimensions(probs, "q", (1,), "a probability or a flat sequence of them")

        def one(r):
            c = r._curve
            return [_core.waits_quantile(c["time"], c[col], probs, 0.0, TOL)
                    for col in ("survival", "lower", "upper")]

        got = self._each(one)
        if not self.grouped:
            if scalar:
                return Quantile(*(_none(a[0]) for a in got))
            return Quantile(*got)
        parts = []
        for j in range(3):
            if scalar:
                parts.append(pd.Series({g: v[j][0] for g, v in got.items()}, dtype=float))
            else:
                parts.append(pd.DataFrame({g: v[j] for g, v in got.items()}, index=probs).T)
        return Quantile(*parts)

    def share_past(self, target) -> ShareResult:
        """The estimated share of cases waiting longer than ``target`` (same unit as the
        durations) with its confidence interval, as R ``summary(fit, times = target)``.
        ``target`` may be a sequence."""
        targets = _v.as_float_array(np.atleast_1d(target), "target")
        _v.dimensions(targets, "target", (1,), "a wait or a flat sequence of waits")
        bad = np.flatnonzero(~np.isfinite(targets) | (targets < 0))
        if bad.size:
            raise ValueError(f"target must be finite and non-negative (got {targets[bad[0]]:g})")
        results = self.groups if self.grouped else {None: self}
        rows = {k: [] for k in ("estimate", "lower", "upper", "std_err", "n_risk", "target",
                                "group")}
        for g, r in results.items():
            est = _at_times(r._curve, targets)
            for k, v in est.items():
                rows[k].extend(v)
            rows["target"].extend(targets)
            rows["group"].extend([g] * targets.size)
        one = not self.grouped and np.ndim(target) == 0
        vals = {k: (float(v[0]) if one else np.asarray(v, dtype=float))
                for k, v in rows.items() if k != "group"}
        labels = self.labels.repeat(targets.size) if self.grouped else None
        return ShareResult(**vals, group=labels, conf=self.conf, conf_type=self.conf_type,
                           unit=self.unit)

    # -- words and pictures

    def narrative(self, target=None, noun: str = "cases", alpha: float = 0.05,
                  min_at_risk: int | None = None) -> str:
        """The waits in words: cases decided and still open, the median wait with its CI
        (or that it is not yet reached) and the share waiting longer than ``target`` if given;
        with groups, a line per group and a line on the log-rank test.

        A median resting on fewer than ``min_at_risk`` cases still waiting when it is reached
        (see :attr:`median_at_risk`; default :data:`MIN_AT_RISK`, 10) is not given: the
        sentence says so instead (0 gives every median)."""
        min_at_risk = MIN_AT_RISK if min_at_risk is None else min_at_risk
        min_at_risk = _v.whole_number(min_at_risk, "min_at_risk", minimum=0)
        results = self.groups if self.grouped else {None: self}
        lines = []
        for g, r in results.items():
            line = _median_sentence(r, noun, min_at_risk)
            if target is not None:
                share = r.share_past(target).narrative(noun=noun)
                line += " " + (" ".join(share) if isinstance(share, list) else share)
            lines.append(line if g is None else f"{_group_text(g)}: {line}")
        if self.grouped and self.logrank is not None:
            lines.append(self.logrank.narrative(alpha=alpha, noun=noun))
        return "\n".join(lines)

    def plot(self, ax=None, ci: bool = True, censored: bool = True, target=None, **options):
        """Step curve(s) of the share still waiting, with the confidence band, a '+' at each
        time a case was still open, the numbers at risk under the axis, the curve dashed where
        fewer than ``min_at_risk`` (default 10) cases are still waiting, and an optional
        vertical line at ``target``.  ``options``: ``min_at_risk``, ``table`` (False: no
        numbers at risk), ``panels`` (with groups: one chart per group on shared scales,
        returning their array of Axes) and ``ncols``, ``title``, ``xlabel``, ``ylabel``.
        Returns the Axes."""
        from .graphics.waits import survival_chart

        return survival_chart(self, ax=ax, ci=ci, censored=censored, target=target, **options)


def _at_times(curve, targets: np.ndarray) -> dict:
    """S, its band, its standard error (S x the hazard-scale one) and the number at risk at
    each target: the step function at the last time <= target (1 before the first time), as R
    summary(fit, times =); NaN beyond the last time."""
    time = curve["time"]
    j = np.searchsorted(time, targets, side="right") - 1
    k = np.minimum(np.searchsorted(time, targets, side="left"), time.size - 1)
    before = j < 0
    jj = np.maximum(j, 0)
    surv = np.where(before, 1.0, curve["survival"][jj])
    with np.errstate(invalid="ignore"):
        se = np.where(before, 0.0, surv * curve["std_err"][jj])
    lower = np.where(before, 1.0, curve["lower"][jj])
    upper = np.where(before, 1.0, curve["upper"][jj])
    n_risk = curve["n_risk"][k].astype(float)
    beyond = targets > time[-1]
    out = {"estimate": surv, "lower": lower, "upper": upper, "std_err": se, "n_risk": n_risk}
    return {key: np.where(beyond, np.nan, v).tolist() for key, v in out.items()}


def _median_sentence(r: KaplanMeierResult, noun: str, min_at_risk: int) -> str:
    unit = r.unit
    head = (f"Of {r.n:,} {noun}, {r.n_events:,} {_n.agree(r.n_events, 'has', 'have')} been "
            f"decided and {r.n_open:,} {_n.agree(r.n_open, 'is', 'are')} still open (counted "
            "as waiting at least as long as they have so far).")
    if r.median is None:
        last = r._curve["time"][-1]
        share = r._curve["survival"][-1]
        return (head + f" The median wait is not yet reached: an estimated "
                f"{_n.percent(share)} are still waiting at {_n.number(last)} {unit}, the "
                f"longest wait observed.")
    at_risk = r.median_at_risk
    if at_risk < min_at_risk:
        return (head + f" The median wait is not given: when half are estimated to have been "
                f"decided, only {at_risk:,} of the {noun} {_n.agree(at_risk, 'is', 'are')} "
                f"still waiting (fewer than {min_at_risk:,}), too few for a reliable estimate.")
    lower = np.nan if r.median_lower is None else r.median_lower
    if r.median_upper is None:
        ci = (f"{_n.level(r.conf)} CI from {_n.number(lower)} {unit}; its upper limit is not "
              "yet reached")
    else:
        ci = f"{_n.interval(lower, r.median_upper, r.conf)} {unit}"
    return head + f" Half wait longer than {_n.number(r.median)} {unit} (median; {ci})."


# ---- the fit ----------------------------------------------------------------------------------

def _table_rows(curve: dict) -> dict:
    """The event rows of a curve, with R's summary count of open cases: those since the
    previous decision time, reported at the next one."""
    rows = np.flatnonzero(curve["n_event"] > 0)
    cum = np.cumsum(curve["n_censor"])
    table = {k: v[rows] for k, v in curve.items()}
    table["n_censor"] = cum[rows] - np.r_[0.0, cum[rows[:-1]]] if rows.size else cum[rows]
    return table


def _one(curve: dict, n: int, conf, conf_type, unit) -> KaplanMeierResult:
    """The result of one group from its full curve (arrays over every distinct time)."""
    import pandas as pd

    medians = [_core.waits_median(curve["time"], curve[c], TOL)
               for c in ("survival", "lower", "upper")]
    n_events = int(curve["n_event"].sum())
    return KaplanMeierResult(
        table=pd.DataFrame(_table_rows(curve)), median=_none(medians[0]),
        median_lower=_none(medians[1]), median_upper=_none(medians[2]), n=int(n),
        n_events=n_events, n_open=int(n) - n_events, conf=conf, conf_type=conf_type, unit=unit,
        _curve=curve)


# The tidy form of the case-level functions: one row per case, its wait, whether it has been
# decided and its group (one column, or several).
_CASES = _frames.tidy(roles=("time", "event", "by"), layout="records",
                      to={"time": "durations", "event": "observed", "by": "group"})


@_CASES
def kaplan_meier(durations, observed, group=None, conf=0.95, *, conf_type="log", rho=0.0,
                 test=True, timefix=True, nan_policy="omit", unit="days") -> KaplanMeierResult:
    """Kaplan-Meier estimate of the share of cases still waiting, counting open cases
    correctly; with groups, one curve per group and the log-rank test.

    Parameters
    ----------
    durations : array_like or pandas Series
        The wait of each case: to its decision, or, for a case still open, to the extract
        date (finite, >= 0; timedeltas are read in days).  Or a tidy table, one row per case:
        ``kaplan_meier(df, time=<wait column>, event=<decided column>, by=<group column(s)>)``.
    observed : array_like or pandas Series
        1 (or True) for a decided case, 0 (or False) for one still open.  Series given for
        ``durations``, ``observed`` and ``group`` must have the same index (the cases).
    group : array_like, pandas Series or DataFrame, optional
        A label per case (area, certificate type, ...): one curve per group, in the order of
        a Categorical's categories or of the sorted labels (as R's factor levels), and the
        G-rho test of whether the groups wait alike.  The groups are named as the Series
        (``labels``); several columns (a DataFrame, or several ``by`` columns of a table) give
        one group per combination, named by a MultiIndex.
    conf : float
        Confidence level of the band and of the intervals of quantiles, in (0, 1).
    conf_type : {"log", "log-log", "plain", "logit", "arcsin"}
        The scale of the band (R's ``conf.type``); "log" is R's default.
    rho : float
        The G-rho test's weight S(t-)^rho: 0 (default) the log-rank test, 1 Peto-Peto.
    test : bool
        With groups, run the test (False: the curves alone, for more than 1,000 groups).
    timefix : bool
        Treat times that differ only by rounding error as tied (R's default ``timefix =
        TRUE``); False keeps every distinct value.
    nan_policy : {"omit", "raise"}
        A case with a missing duration, flag or group is left out (``"omit"``, the default, as
        R's ``na.omit``) or raises (``"raise"``).
    unit : str
        The unit of the durations, for the narrative and the plot.

    Returns
    -------
    KaplanMeierResult
        ``table``, ``median``, ``median_lower``, ``median_upper``, ``n``, ``n_events``,
        ``n_open``, and with groups ``groups``, ``labels`` and ``logrank``; ``quantile(q)``,
        ``share_past(target)``, ``curve()``, ``plot()``, ``narrative()``.

    Raises
    ------
    ValueError
        Durations negative, infinite or missing (under "raise"); flags not 0 / 1; lengths that
        differ; Series with different indexes; no case; no decided case at all; a group with a
        single level; ``conf`` outside (0, 1); an unknown ``conf_type``; a column of a tidy
        table that is not in it.
    TypeError
        Durations or flags that are not numbers; ``conf`` not a number.

    Notes
    -----
    With d_j decisions among the n_j cases still waiting at the j-th decision time,
    S(t) = prod_{t_j <= t} (1 - d_j / n_j) and Greenwood's variance of log S is
    sum_{t_j <= t} d_j / (n_j (n_j - d_j)); the "log" band is S exp(-+ z se), capped at 1.
    Open cases at a decision time count as waiting at it.  The median and its limits are read
    off the curve and the band as R prints them (``summary(fit)$table``): the first time the
    curve is at or below one half, or, where it is flat at exactly one half, the midpoint to
    the next drop.  ``quantile()`` follows R's ``quantile.survfit``, which differs in one case:
    a curve flat at exactly 1 - q up to the last time gives the midpoint with the last time.

    The log-rank statistic is (O - E)' V^-1 (O - E) over the groups with expected decisions,
    one left out, with V the hypergeometric covariance (survdiff); chi-square on k - 1 df.

    References
    ----------
    Kaplan & Meier (1958) JASA 53:457-481.  Therneau, survival 3.5-3 for R (survfit,
    quantile.survfit, survdiff).  Brookmeyer & Crowley (1982) Biometrics 38:29-41 (CI of the
    median from the band).

    Examples
    --------
    >>> from scrutiny import waits
    >>> res = waits.kaplan_meier([120, 200, 200, 310, 400, 450], [1, 1, 0, 1, 0, 1])
    >>> res.median
    310.0
    >>> round(res.share_past(150).estimate, 3)
    0.833

    A table with one row per application, by force:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"force": ["North"] * 6 + ["South"] * 6,
    ...                    "days": [120, 200, 200, 310, 400, 450, 60, 90, 95, 150, 170, 210],
    ...                    "decided": [1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1]})
    >>> res = waits.kaplan_meier(df, time="days", event="decided", by="force")
    >>> res.median.to_dict()
    {'North': 310.0, 'South': 132.5}
    >>> print(res.narrative(min_at_risk=0).splitlines()[1])  # doctest: +ELLIPSIS
    South: Of 6 cases, 5 have been decided and 1 is still open ...
    """
    conf, conf_type = _options(conf, conf_type)
    if hasattr(group, "columns"):          # several group columns: a group per combination
        import pandas as pd

        group = pd.MultiIndex.from_frame(group)
    t, d, codes, labels = _prepare(durations, observed, group, nan_policy)
    rho = _v.number(rho, "rho", minimum=0.0)
    test = _v.boolean(test, "test")
    timefix = _v.boolean(timefix, "timefix")
    unit = str(unit)
    k = 1 if codes is None else len(labels)
    if codes is not None and k < 2:
        raise ValueError(f"group has only one level ({labels[0]!r}): comparing groups needs at "
                         f"least two; leave group out for a single curve")
    if codes is not None and test and k > MAX_TEST_GROUPS:
        raise ValueError(f"group has {k:,} levels; the log-rank test allows at most "
                         f"{MAX_TEST_GROUPS:,} (pass test=False for the curves alone)")
    run_test = codes is not None and test
    fit = _core.waits_fit(t, d, codes, k, TOL if timefix else 0.0, rho if run_test else -1.0)
    time, n_risk, n_event, n_censor, surv, se, rows, counts, tested = (
        fit[c] for c in ("time", "n_risk", "n_event", "n_censor", "surv", "std_err", "rows",
                         "counts", "test"))
    lower, upper = _core.waits_band(surv, se, _o.CONF_TYPE.codes[conf_type], conf)
    import pandas as pd

    full = dict(zip((*_COLUMNS, "lower", "upper"),
                    (time, n_risk, n_event, n_censor, surv, se, lower, upper)))
    bounds = np.r_[0, np.cumsum(rows)]
    parts = [_one({c: v[bounds[g]:bounds[g + 1]] for c, v in full.items()}, counts[g], conf,
                  conf_type, unit) for g in range(k)]
    if codes is None:
        return parts[0]
    groups = dict(zip(labels, parts))
    index = _group_index(group, labels)
    curve = {**_group_columns(index, rows), **full}
    tables = [_table_rows(r._curve) for r in parts]
    table = pd.DataFrame({**_group_columns(index, [len(t["time"]) for t in tables]),
                          **{c: np.concatenate([t[c] for t in tables]) for c in full}})

    def series(field, dtype=float):
        values = [getattr(r, field) for r in parts]
        return pd.Series(np.array([np.nan if v is None else v for v in values], dtype=dtype),
                         index=index)

    logrank = None
    if tested is not None:
        obs, exp, var, chisq, df, pvalue = (
            tested[c] for c in ("observed", "expected", "var", "chisq", "df", "pvalue"))
        method = ("Log-rank test" if rho == 0 else "Peto-Peto test (G-rho, rho = 1)" if rho == 1
                  else f"G-rho test (rho = {rho:g})")
        logrank = LogRankResult(
            statistic=float(chisq), pvalue=float(pvalue), df=int(df),
            observed=pd.Series(obs, index=index), expected=pd.Series(exp, index=index),
            variance=pd.DataFrame(var, index=index, columns=index),
            n=pd.Series(counts.astype(np.int64), index=index), rho=rho, method=method)
    return KaplanMeierResult(
        table=table, median=series("median"), median_lower=series("median_lower"),
        median_upper=series("median_upper"), n=series("n", np.int64),
        n_events=series("n_events", np.int64), n_open=series("n_open", np.int64), conf=conf,
        conf_type=conf_type, unit=unit, groups=groups, logrank=logrank, labels=index,
        _curve=curve)


@_CASES
def share_waiting_past(durations, observed, target, conf=0.95, *, group=None, conf_type="log",
                       timefix=True, nan_policy="omit", unit="days") -> ShareResult:
    """The estimated share of cases that wait longer than ``target``, counting open cases
    correctly, with its confidence interval: the Kaplan-Meier S(target), as R
    ``summary(survfit(...), times = target)``.

    "What share of applicants wait longer than 150 days?"  A case still open counts as waiting
    at least as long as it has so far; a naive share of decided cases over 150 days (or of all
    cases, open ones at their wait so far) understates it while open cases are many.

    Parameters
    ----------
    durations, observed, group, conf, conf_type, timefix, nan_policy, unit
        As :func:`kaplan_meier`; a tidy table likewise: ``share_waiting_past(df,
        time=<wait column>, event=<decided column>, target=150, by=<group column>)``.
    target : float or sequence of float
        The wait (in the unit of ``durations``) to compare against, >= 0.

    Returns
    -------
    ShareResult
        ``estimate``, ``lower``, ``upper``, ``std_err``, ``n_risk`` (cases still waiting and
        followed at the target), per group and target; NaN beyond the longest wait observed.

    Examples
    --------
    >>> from scrutiny import waits
    >>> res = waits.share_waiting_past([90, 160, 200, 240, 120, 300], [1, 1, 0, 1, 1, 0], 150)
    >>> round(res.estimate, 3)
    0.667
    """
    fit = kaplan_meier(durations, observed, group=group, conf=conf, conf_type=conf_type,
                       test=False, timefix=timefix, nan_policy=nan_policy, unit=unit)
    return fit.share_past(target)


# ---- dates ------------------------------------------------------------------------------------

def _dates(value, name: str):
    """Dates as a pandas DatetimeIndex (naive; time zones converted to UTC)."""
    idx = _v.dates(value, name)
    if idx.tz is not None:
        idx = idx.tz_convert("UTC").tz_localize(None)
    return idx


def _days(idx) -> np.ndarray:
    """Days since 1970-01-01 as float (NaT: NaN)."""
    ns = idx.as_unit("ns").asi8.astype(np.float64)
    out = ns / 86_400e9
    out[idx.isna()] = np.nan
    return out


def _received_decided(received, decided):
    _frames.unit_index(received=received, decided=decided)
    rec = _dates(received, "received")
    dec = _dates(decided, "decided")
    if len(dec) != len(rec):
        raise ValueError(f"decided has {len(dec)} dates but received has {len(rec)}")
    if len(rec) == 0:
        raise ValueError("received is empty")
    if rec.isna().any():
        i = int(np.flatnonzero(rec.isna())[0])
        raise ValueError(f"received has a missing date (position {i}); every case needs one")
    r, d = _days(rec), _days(dec)
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(d < r)
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"decided must not be before received (position {i}: "
                         f"{dec[i].date()} < {rec[i].date()})")
    return rec, dec, r, d


@_frames.tidy(roles=("received", "decided"), layout="records")
def waiting_times(received, decided, as_of=None):
    """Waits in days from dates, with open cases censored at ``as_of``: the ``durations`` and
    ``observed`` for :func:`kaplan_meier`.

    Parameters
    ----------
    received, decided : array_like of dates
        When each case arrived and was decided (missing, NaT or None: still open).  Series
        must have the same index; a table: ``waiting_times(df, received=<column>,
        decided=<column>)``.
    as_of : date, optional
        The extract date: cases not decided by then are open and have waited to it (a case
        decided after ``as_of`` counts as open, which re-creates an earlier snapshot).
        Default: the latest date in the data.

    Returns
    -------
    (durations, observed) : (ndarray of float, ndarray of bool)
        pandas Series named ``durations`` and ``observed``, indexed as ``received``, when it
        is a Series (the cases keep their index).

    Examples
    --------
    >>> from scrutiny import waits
    >>> d, o = waits.waiting_times(["2024-01-01", "2024-02-01"], ["2024-03-01", None],
    ...                            as_of="2024-06-30")
    >>> d.tolist(), o.tolist()
    ([60.0, 150.0], [True, False])
    """

    rec, dec, _, _ = _received_decided(received, decided)
    # in whole nanoseconds, so that a wait is exact before it becomes days
    r = rec.as_unit("ns").asi8
    d = dec.as_unit("ns").asi8
    open_ = dec.isna()
    if as_of is None:
        end = max(r.max(), d[~open_].max()) if (~open_).any() else r.max()
    else:
        stamp = _v.date(as_of, "as_of")
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        end = stamp.as_unit("ns").value
    late = np.flatnonzero(r > end)
    if late.size:
        raise ValueError(f"received must not be after as_of (position {int(late[0])}: "
                         f"{rec[int(late[0])].date()})")
    observed = ~open_ & (d <= end)
    durations = (np.where(observed, d, end) - r) / 86_400e9
    if hasattr(received, "index") and hasattr(received, "to_numpy"):
        import pandas as pd

        return (pd.Series(durations, index=received.index, name="durations"),
                pd.Series(observed, index=received.index, name="observed"))
    return durations, observed


# ---- backlog ----------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class BacklogResult(Result):
    """Cases open at the end of each period (see :func:`backlog`); ``to_frame()`` has one row
    per period.

    Attributes
    ----------
    period : pandas.PeriodIndex
        The periods.
    arrivals, completions : numpy.ndarray
        The cases received and decided in each period.
    open : numpy.ndarray
        The cases open at the end of each period.
    over_target : numpy.ndarray or None
        The cases open at the end of each period and waiting longer than ``target`` days
        (None without a target).
    freq : str
        The pandas frequency of the periods, e.g. ``"M"``.
    target : float or None
        The target wait in days.
    """

    period: pd.PeriodIndex = _r.label(frame="period")
    arrivals: np.ndarray = _r.unit("period")
    completions: np.ndarray = _r.unit("period")
    open: np.ndarray = _r.unit("period")
    over_target: np.ndarray | None = _r.unit("period")
    freq: str = _r.scalar()
    target: float | None = _r.scalar()

    def __repr__(self) -> str:
        last = self.period[-1]
        extra = "" if self.over_target is None else f", over_target={int(self.over_target[-1])}"
        return (f"BacklogResult(periods={len(self.period)}, from={self.period[0]}, to={last}, "
                f"open_at_end={int(self.open[-1])}{extra}, freq={self.freq!r})")

    def plot(self, ax=None, **options):
        """Arrivals and completions per period (bars) and open cases at each period's end
        (line).  ``options``: ``title``, ``xlabel``, ``ylabel``.  Returns the Axes."""
        from .graphics.waits import backlog_chart

        return backlog_chart(self, ax=ax, **options)

    def narrative(self, noun: str = "cases", lookback: int = 12) -> str:
        """The backlog at the last period's end, its change over ``lookback`` periods, and
        arrivals against completions over them (counts only: no test)."""
        lookback = _v.whole_number(lookback, "lookback", minimum=1)
        n = len(self.period)
        now = int(self.open[-1])
        one = noun[:-1] if noun.endswith("s") else noun
        text = (f"At the end of {_n.period_text(self.period[-1])}, {_n.plural(now, one, noun)} "
                f"{_n.agree(now, 'was', 'were')} open")
        if self.over_target is not None:
            text += (f", {int(self.over_target[-1]):,} of them waiting longer than "
                     f"{_n.number(self.target)} days")
        text += "."
        if n > 1:
            k = min(lookback, n - 1)
            then = int(self.open[-1 - k])
            arrived = int(np.sum(self.arrivals[-k:]))
            done = int(np.sum(self.completions[-k:]))
            move = "up from" if now > then else "down from" if now < then else "unchanged at"
            word = _n.step_word(self.period)
            text += (f" That is {move} {then:,} at the end of "
                     f"{_n.period_text(self.period[-1 - k])}: over the "
                     f"{_n.plural(k, word)} since, {arrived:,} arrived and {done:,} "
                     f"{_n.agree(done, 'was', 'were')} decided.")
        return text


@_frames.tidy(roles=("received", "decided"), layout="records")
def backlog(received, decided, freq="M", *, start=None, end=None, target=None) -> BacklogResult:
    """Open cases (the backlog) at the end of each period, with arrivals and completions.

    Parameters
    ----------
    received, decided : array_like of dates
        When each case arrived and was decided (missing, NaT or None: still open).  Series
        must have the same index; a table: ``backlog(df, received=<column>,
        decided=<column>)``.
    freq : str
        A pandas period frequency: "M" (default), "W", "Q", "Y", "D".
    start, end : period or date, optional
        The first and last periods (default: those of the earliest date and of the latest).
        Cases received before ``start`` still count in the backlog while open.
    target : float, optional
        Days: also count the open cases that have waited longer than this at each period's
        end (``over_target``).

    Returns
    -------
    BacklogResult
        ``period``, ``arrivals``, ``completions``, ``open``, ``over_target``; ``to_frame()``,
        ``plot()``, ``narrative()``.

    Notes
    -----
    A case is open at the end of a period when it was received before the period's end and
    not decided before it (a case decided on the first day of the next period was open).  So
    open[p] = open[p - 1] + arrivals[p] - completions[p].  Its wait at the period's end is
    counted from the received date to the start of the next period.

    Examples
    --------
    >>> from scrutiny import waits
    >>> res = waits.backlog(["2024-01-05", "2024-01-20", "2024-02-03"],
    ...                     ["2024-02-10", None, "2024-02-25"])
    >>> res.open.tolist()
    [2, 1]
    """
    import pandas as pd

    rec, dec, r, d = _received_decided(received, decided)
    if not isinstance(freq, str):
        raise TypeError(f"freq must be a pandas period frequency such as 'M' (got {freq!r})")
    try:
        pd.Period("2024-01-01", freq=freq)
    except (TypeError, ValueError):
        raise ValueError(f"freq must be a pandas period frequency such as 'M', 'W', 'Q' or "
                         f"'Y' (got {freq!r})") from None

    def period(value, name, default):
        if value is None:
            return pd.Period(default, freq=freq)
        try:
            return pd.Period(value, freq=freq)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a date or period (got {value!r})") from None

    latest = max(rec.max(), dec.max()) if dec.notna().any() else rec.max()
    first = period(start, "start", rec.min())
    last = period(end, "end", latest)
    if last < first:
        raise ValueError(f"end ({last}) must not be before start ({first})")
    periods = pd.period_range(first, last, freq=freq)
    edges = pd.period_range(first, last + 1, freq=freq).to_timestamp(how="start")
    over = None if target is None else _v.number(target, "target", minimum=0.0)
    out = _core.waits_backlog(r, np.where(np.isnan(d), np.nan, d),
                              _days(pd.DatetimeIndex(edges)), -1.0 if over is None else over)
    arrivals, completions, open_, over_target = (
        out[c] for c in ("arrivals", "completions", "open", "over"))
    ints = [a.astype(np.int64) for a in (arrivals, completions, open_)]
    return BacklogResult(period=periods, arrivals=ints[0], completions=ints[1], open=ints[2],
                         over_target=None if over is None else over_target.astype(np.int64),
                         freq=freq, target=over)
