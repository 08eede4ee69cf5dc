"""Trend significance: is that rise or fall real?

Rank-based tests that make no assumption about the shape of the distribution: the
Mann-Kendall test (with corrections for autocorrelation), its seasonal form (Hirsch-Slack),
Sen's slope with its confidence interval, and Pettitt's test for a single change point.
``trend_table`` runs them for every group of a long table and adds Benjamini-Hochberg q-values.

Every function takes one series or a 2-D array with one series per row (the last axis is
time) and tests every row in one call to the C core, in parallel over the machine's cores.
pandas inputs carry their names and dates: a Series or DataFrame with a DatetimeIndex or
PeriodIndex (one series per column) is a time axis, slopes then use its true spacing (a missing
month is missing) and are reported per month, quarter or year (``per=``), Pettitt's location
is a date, and a tidy table takes ``(df, value=..., time=..., by=[...])``.  A
series that cannot be tested does not stop the others: its results are NaN and ``status``
says why (``"too short (n < 3)"``, ``"constant"``, ``"all missing"``, ``"missing values"``);
``errors="raise"`` raises instead.  Numbers follow pymannkendall 1.4.3 and R ``trend`` 1.1.4,
as each function says.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from . import _batch, _core, _frames
from . import distributed
from . import _narrative as _n
from . import _options as _o
from . import _results as _r
from . import _validation as _v
from ._results import Result, TestResult
from ._timeaxis import slope_unit, time_axis
# The model-based trend tests are the same family, kept in their own modules.
from .models import count_trend, its  # noqa: F401
from .multitest import multiple_testing
from .segmentation import changepoints  # noqa: F401

__all__ = [
    "mann_kendall", "seasonal_mann_kendall", "sen_slope", "pettitt", "trend_table",
    "count_trend", "its", "changepoints",
    "MannKendallResult", "SeasonalMannKendallResult", "SenSlopeResult", "PettittResult",
]

# Directions and row statuses of the C core, in the order of sc_trend_direction and
# sc_trend_row_status (csrc/core/sc_trend.h).
_TRENDS = np.array(["no trend", "increasing", "decreasing", "undefined"], dtype=object)


def _row_status(minimum: str, lag: int | None = None) -> _batch.RowStatus:
    return _batch.RowStatus(("ok", f"too short ({minimum})", "constant", "all missing",
                             "missing values", f"too short for lag (n < {(lag or 0) + 1})"),
                            failed="tested")


# ---- shared plumbing --------------------------------------------------------------------------

def _series(y, nan_policy):
    """y as a 2-D float64 array (rows = series), whether it was one series, and omit."""
    policy = _v.nan_policy(nan_policy)
    mat, single = _v.series(y, "y", nan_policy=policy)
    return mat, single, policy == "omit"


def _input(y, t, nan_policy, dates_only: bool = False):
    """``y`` (and ``t``) in any layout :func:`scrutiny._frames.series_input` reads: the input
    read (labels, time axis, true-spacing ``t``), its values as a 2-D float64 array, whether
    it was one series, and omit.  ``dates_only``: ``t`` only names the times (numbers are
    refused)."""
    src = (_frames.dated_series_input if dates_only else _frames.series_input)(y, "y", t)
    mat, single, omit = _series(src.values, nan_policy)
    return src, mat, single, omit


def _alpha(alpha, conf) -> float:
    """The significance level from ``alpha`` or from a confidence level ``conf`` (1 - conf)."""
    if conf is None:
        return _v.conf_level(alpha, "alpha")
    level = float(f"{1.0 - _v.conf_level(conf, 'conf'):.12g}")     # 1 - 0.95 is 0.05
    if not 0.0 < level < 1.0:
        raise ValueError(f"conf must leave a significance level 1 - conf in (0, 1) (got {conf!r})")
    if alpha != 0.05 and not np.isclose(alpha, level, rtol=1e-9, atol=0.0):
        raise TypeError(f"give alpha= or conf= (alpha = 1 - conf), not both (got alpha={alpha!r}, "
                        f"conf={conf!r})")
    return level


def _axis_of(result):
    """The time axis of a result's ``times`` (None without)."""
    return None if result.times is None else time_axis(result.times, "times")


def _time(t, n: int):
    return None if t is None else _v.strictly_increasing(t, "t", n)


def _per_series(out: dict, names, single: bool) -> dict:
    """The kernel's outputs ``names`` per series (one value each for one series)."""
    return {name: _out(out[name], single) for name in names}


_out = _batch.single


def _slope_text(slope: float, unit: str, measure, dated: bool) -> str:
    """"Sen's slope +8.13 per month" (with a time axis and a measure: "(8.1 more crimes a
    month)")."""
    text = f"Sen's slope {_n.signed(slope)} per {unit}"
    if dated and measure and np.isfinite(slope):
        text += f" ({_n.more_or_fewer(slope, measure, unit)})"
    return text


def _mk_narrative(result, test: str, labels, measure, unit, adjust, default_unit: str):
    """The Mann-Kendall finding per series: "Increasing trend (Mann-Kendall z = 3.50,
    p < 0.001): a rise more than chance would explain, significant at the 5% level; Sen's
    slope +0.433 per time step." or "No evidence of a trend at the 5% level (...)"; series
    named by ``labels`` (default: the result's), the slope per ``unit`` (default: the result's
    ``per``)."""
    labels = result.labels if labels is None else labels
    dated = unit is None and result.per is not None
    unit = unit or result.per or default_unit
    scalar = np.ndim(result.z) == 0
    k = np.size(result.z)
    trend, status = _n.flat(result.trend, k), _n.flat(result.status, k)
    z, p, slope = (_n.flat(getattr(result, f), k).astype(float) for f in ("z", "pvalue", "slope"))
    verdicts = _n.verdicts(p, result.alpha, adjust, "series")
    of = f" in {measure}" if measure else ""
    lines = []
    for i, name in enumerate(_n.names(labels, k, "Series", scalar)):
        if status[i] != "ok":
            text = f"not tested ({status[i]})."
        elif trend[i] == "undefined":
            text = "no test: the variance correction is not positive."
        else:
            stats = _n.stats(f"{test} z = {z[i]:.2f}", _n.p_text(p[i], result.alpha),
                             verdicts[i].note)
            sen = _slope_text(slope[i], unit, measure, dated) + "."
            if verdicts[i].significant:
                up = z[i] > 0
                text = (f"{'increasing' if up else 'decreasing'} trend{of} {stats}: "
                        f"{_n.rise_or_fall(up, result.alpha)}; {sen}")
            else:
                text = f"{_n.no_evidence(f'a trend{of}', result.alpha)} {stats}; {sen}"
        lines.append(_n.prefix(name, text))
    return _n.one_or_many(lines, scalar)


# ---- Mann-Kendall ---------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class MannKendallResult(TestResult):
    """A Mann-Kendall trend test (see :func:`mann_kendall`).  Python values for one series,
    arrays for several.

    Attributes
    ----------
    trend : str or numpy.ndarray
        ``"increasing"``, ``"decreasing"``, ``"no trend"`` or ``"undefined"`` (not tested),
        per series.
    h : bool or numpy.ndarray
        Whether the trend is significant at ``alpha``, per series.
    pvalue : float or numpy.ndarray
        The p-value, per series.
    z : float or numpy.ndarray
        The test statistic (also ``statistic``), per series.
    tau : float or numpy.ndarray
        Kendall's tau, per series.
    tau_b : float or numpy.ndarray
        Kendall's tau-b (corrected for ties), per series.
    s : float or numpy.ndarray
        The Mann-Kendall score S, per series.
    var_s : float or numpy.ndarray
        Its variance, per series.
    slope : float or numpy.ndarray
        Sen's slope per unit of ``t``, per series.
    intercept : float or numpy.ndarray
        The intercept of the Sen line, per series.
    method : str
        The variant of the test.
    nobs : int or numpy.ndarray
        The values used, per series.
    status : str or numpy.ndarray
        ``"ok"`` or why the series was not tested, per series.
    alpha : float
        The significance level of ``h`` and ``trend``.
    lag : int or None
        The number of autocorrelation lags used by the Hamed-Rao and Yue-Wang variants.
    per : str or None
        The unit of ``slope`` with a time axis (``"month"``, ``"year"``, ...); None without.
    labels : pandas.Index or None
        The series' names (a DataFrame's columns; the ``by`` groups of a tidy table).
    times : pandas.Index or None
        The observations' times as given (hidden: for charts and narratives).
    """

    trend: str | np.ndarray = _r.series()
    h: bool | np.ndarray = _r.series()
    pvalue: float | np.ndarray = _r.series()
    z: float | np.ndarray = _r.series()
    tau: float | np.ndarray = _r.series()
    tau_b: float | np.ndarray = _r.series()
    s: float | np.ndarray = _r.series()
    var_s: float | np.ndarray = _r.series()
    slope: float | np.ndarray = _r.series()
    intercept: float | np.ndarray = _r.series()
    method: str = _r.scalar()
    nobs: int | np.ndarray = _r.series()
    status: str | np.ndarray = _r.series()
    alpha: float = _r.scalar()
    lag: int | None = _r.scalar(default=None)
    per: str | None = _r.scalar(default=None)
    labels: object = _r.label(default=None)
    times: object = _r.hidden(default=None)

    @property
    def statistic(self):
        """The test statistic z (so that ``z, p = result``)."""
        return self.z


    def narrative(self, labels=None, measure: str | None = None, unit: str | None = None,
                  adjust=None) -> str | list[str]:
        """The finding at level ``alpha`` in words, e.g. "Increasing trend (Mann-Kendall
        z = 2.41, p = 0.016): a rise more than chance would explain, significant at the 5%
        level; Sen's slope +0.52 per time step."; for several series a list with one sentence
        each, prefixed by its name (``labels``; default the result's, else "Series 0", ...).
        With a time axis the slope is per ``per`` ("Sen's slope +8.13 per month (8.1 more
        crimes a month)" with ``measure="crimes"``).

        Parameters
        ----------
        labels : sequence, optional
            Series names (default: the result's ``labels``).
        measure : str, optional
            What is tested, e.g. ``"recorded crime"`` ("no evidence of a trend in recorded
            crime").
        unit : str, optional
            The unit of ``t`` for Sen's slope, e.g. ``"month"`` (default: the result's
            ``per``, else ``"time step"``).
        adjust : {"bh", "by", "holm", "bonferroni", "hochberg"}, optional
            Decide on p-values adjusted across the series (:func:`scrutiny.multiple_testing`);
            without it, a significant trend among several series says that its p-value is
            not adjusted.
        """
        return _mk_narrative(self, "Mann-Kendall", labels, measure, unit, adjust, "time step")


@distributed.dask_aware
@_frames.tidy(roles=("value",), layout="series")
@_frames.keyword_only
def mann_kendall(y, t=None, method="original", alpha=0.05, lag=None, *, nan_policy="omit",
                 conf=None, per=None, errors="coerce", threads=None) -> MannKendallResult:
    """Mann-Kendall test for a monotonic trend, with Sen's slope, for one or many series.

    Parameters
    ----------
    y : array_like, pandas.Series or pandas.DataFrame
        One series (1-D) or one series per row (2-D), in time order; or a Series or
        DataFrame with a DatetimeIndex or PeriodIndex (one series per column, results
        labelled by the columns): a time axis, whose true spacing is ``t``; or a tidy table
        ``mann_kendall(df, value="crimes", time="month", by=["force"])``.  NaN marks a
        missing value (see ``nan_policy``); infinite values are refused.
    t : array_like, optional
        Time of each observation (finite, strictly increasing, shared by every series; gaps
        and unequal spacing allowed), as numbers or as dates or periods (a time axis).  Used
        for Sen's slope and intercept (and for detrending in ``"hamed_rao"``, ``"yue_wang"``
        and ``"tfpw"``); S depends only on the order.  Default: the positions 0, 1, ...,
        n - 1, or the whole periods since the first observation of a time axis.
    method : {"original", "hamed_rao", "yue_wang", "prewhiten", "tfpw"}
        ``"original"``: tie-corrected variance.  ``"hamed_rao"`` / ``"yue_wang"``: the variance
        multiplied by the Hamed-Rao (1998) or Yue-Wang (2004) factor n/n* for autocorrelation.
        ``"prewhiten"``: the test on the series with its lag-1 autocorrelation removed
        (Yue & Wang 2002); ``"tfpw"``: trend-free prewhitening (Yue et al. 2002).
    alpha : float
        Significance level in (0, 1) for ``h`` and ``trend`` (and Hamed-Rao's choice of
        significant autocorrelations).
    lag : int, optional
        ``"hamed_rao"`` and ``"yue_wang"`` only: use the autocorrelations at lags 1..lag
        (1 <= lag <= n - 1).  Default: every lag, as pymannkendall's ``lag=None``.
    nan_policy : {"omit", "propagate", "raise"}, keyword-only
        ``"omit"`` drops missing values and takes the others as consecutive for S (as
        pymannkendall); Sen's slope keeps their times (on a time axis, their dates).
        ``"propagate"`` gives a series with a missing value NaN results and status
        ``"missing values"``; ``"raise"`` refuses them.
    conf : float, optional
        A confidence level instead of ``alpha`` (alpha = 1 - conf).
    per : {"month", "quarter", "year", "week", "day"}, optional
        With a time axis: the unit of ``slope`` (default the axis' own, e.g. ``"month"``;
        ``per="year"`` multiplies a monthly slope by 12).  Refused without a time axis.
    errors : {"coerce", "raise"}
        ``"coerce"``: a series that cannot be tested (fewer than 3 values, 4 for the
        prewhitening methods; constant; no values; fewer than ``lag`` + 1 values) gets NaN
        results, trend ``"undefined"`` and its ``status``.  ``"raise"``: the first such
        series raises ValueError naming it.
    threads : int, optional
        Threads for a batch (default: all cores).

    Returns
    -------
    MannKendallResult
        ``trend``, ``h``, ``pvalue``, ``z``, ``tau``, ``tau_b``, ``s``, ``var_s``, ``slope``
        (per ``per`` with a time axis), ``intercept`` (the line's value at t = 0: the first
        observation's time on a time axis), ``method``, ``nobs``, ``status``, ``per``,
        ``labels``.  Unpacks as ``z, pvalue``.

    Raises
    ------
    ValueError, TypeError
        Bad input: empty or more than 2-D ``y``, infinite values, missing values under
        ``nan_policy="raise"``, ``t`` of the wrong length or not finite and strictly
        increasing, an unknown ``method``, ``alpha`` outside (0, 1), ``lag`` out of range or
        given for a method that has none; a DataFrame without a time index, duplicate or
        unsorted times, a frequency that cannot be inferred, times given both as ``y``'s
        index and ``t``, ``per`` without a time axis.

    Notes
    -----
    For the m values x used, S = sum_{i<j} sgn(x_j - x_i) and
    var(S) = [m(m-1)(2m+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18 over groups of t_g tied values;
    z = (S - sgn S) / sqrt(var S) and the two-sided p-value is ``erfc(|z| / sqrt 2)``.
    ``tau`` = S / (m(m-1)/2) (as pymannkendall) and ``tau_b`` = S / sqrt((m(m-1)/2 - sum_g
    t_g(t_g-1)/2) m(m-1)/2) (as R ``trend::mk.test``).  ``slope`` is the median of the
    pairwise slopes (x_j - x_i) / (t_j - t_i) of the original series and ``intercept`` =
    median(x) - median(t) slope.  Hamed-Rao: var(S) times 1 + 2 / (m(m-1)(m-2)) sum_k
    (m-k)(m-k-1)(m-k-2) rho_k over the lags whose autocorrelation rho_k of the ranks of the
    detrended series x_i - slope (i + 1) lies outside +-z_{1-alpha/2} / sqrt m.  Yue-Wang:
    times 1 + 2 sum_k (1 - k/m) rho_k, rho of the detrended series.  Where the factor is not
    positive, or undefined (``var_s`` NaN: a series exactly on a line detrends to a constant,
    which has no autocorrelation), ``trend`` is ``"undefined"``, ``h`` is False and ``z``,
    ``pvalue`` are NaN, as pymannkendall.
    With prewhitening S, ``var_s``, ``tau`` and ``tau_b`` are those of the m - 1 prewhitened
    values; ``slope`` and ``intercept`` stay those of the original series.

    References
    ----------
    Mann HB (1945) Econometrica 13:245-259.  Kendall MG (1975) Rank Correlation Methods.
    Hamed KH, Rao AR (1998) J Hydrol 204:182-196.  Yue S, Wang CY (2002) Water Resour Res
    38:1068; (2004) Water Resour Manag 18:201-218.  Yue S, Pilon P, Phinney B, Cavadias G (2002)
    Hydrol Process 16:1807-1829.  Sen PK (1968) JASA 63:1379-1389.  Hussain M, Mahmud I (2019)
    pyMannKendall, JOSS 4:1556.

    Examples
    --------
    >>> from scrutiny.trend import mann_kendall
    >>> y = [12.1, 11.4, 13.2, 12.8, 14.0, 13.1, 14.9, 15.2, 14.4, 16.0, 15.7, 17.1]
    >>> res = mann_kendall(y)
    >>> res.trend, res.s, round(res.pvalue, 5), round(res.slope, 4)
    ('increasing', 52.0, 0.00047, 0.4333)
    >>> res.narrative()  # doctest: +NORMALIZE_WHITESPACE
    "Increasing trend (Mann-Kendall z = 3.50, p < 0.001): a rise more than chance would explain,
    significant at the 5% level; Sen's slope +0.433 per time step."

    A monthly series with October 2023 missing: the slope uses the true spacing, per month.

    >>> import pandas as pd
    >>> months = pd.period_range("2023-01", periods=13, freq="M").delete(9)
    >>> s = pd.Series(y, index=months)
    >>> res = mann_kendall(s)
    >>> round(res.slope, 4), res.per
    (0.4083, 'month')
    >>> round(mann_kendall(s, per="year").slope, 3)
    4.9
    """
    method = _v.choice(method, "method", _o.MK_METHOD.names)
    alpha = _alpha(alpha, conf)
    errors = _v.choice(errors, "errors", _batch.ERRORS)
    src, mat, single, omit = _input(y, t, nan_policy)
    factor, unit = slope_unit(src.axis, per)
    n = mat.shape[1]
    if lag is not None:
        if method not in ("hamed_rao", "yue_wang"):
            raise ValueError(f"lag applies to methods 'hamed_rao' and 'yue_wang', not {method!r}")
        lag = _v.whole_number(lag, "lag", minimum=1)
        if lag > n - 1:
            raise ValueError(f"lag must be at most n - 1 = {n - 1} (got {lag})")
    tt = _time(src.t, n)
    out = _core.trend_mk(mat, tt, _o.MK_METHOD.codes[method], alpha, lag or 0, omit,
                         _v.threads(threads))
    if factor != 1.0:
        out["slope"] = out["slope"] * factor
    minimum = "n < 4" if method in ("prewhiten", "tfpw") else "n < 3"
    labels = _batch.statuses(out["status"], _row_status(minimum, lag), "mann_kendall", errors,
                             single=single)
    return MannKendallResult(
        trend=_out(_TRENDS[out["trend"]], single),
        **_per_series(out, ("h", "pvalue", "z", "tau", "tau_b", "s", "var_s", "slope",
                            "intercept", "nobs"), single),
        method=_o.MK_METHOD.word(method), status=_out(labels, single), alpha=alpha, lag=lag,
        per=unit, labels=src.labels, times=src.times)


# ---- seasonal Mann-Kendall ------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class SeasonalMannKendallResult(TestResult):
    """A seasonal Mann-Kendall test (see :func:`seasonal_mann_kendall`).  Python values for
    one series, arrays for several.

    Attributes
    ----------
    trend : str or numpy.ndarray
        ``"increasing"``, ``"decreasing"``, ``"no trend"`` or ``"undefined"`` (not tested),
        per series.
    h : bool or numpy.ndarray
        Whether the trend is significant at ``alpha``, per series.
    pvalue : float or numpy.ndarray
        The p-value, per series.
    z : float or numpy.ndarray
        The test statistic (also ``statistic``), per series.
    tau : float or numpy.ndarray
        Kendall's tau, per series.
    s : float or numpy.ndarray
        The Mann-Kendall score S, per series.
    var_s : float or numpy.ndarray
        Its variance, per series.
    slope : float or numpy.ndarray
        Sen's slope per unit of ``t``, per series.
    intercept : float or numpy.ndarray
        The intercept of the Sen line, per series.
    s_season, var_s_season : numpy.ndarray
        S and its variance within each season: ``period`` values (series x period for
        several series).
    period : int
        Seasons per cycle.
    method : str
        The name of the test.
    nobs : int or numpy.ndarray
        The values used, per series.
    status : str or numpy.ndarray
        ``"ok"`` or why the series was not tested, per series.
    alpha : float
        The significance level of ``h`` and ``trend``.
    per : str or None
        The unit of ``slope`` with a time axis (``"month"``, ``"year"``, ...); None without.
    labels : pandas.Index or None
        The series' names (a DataFrame's columns; the ``by`` groups of a tidy table).
    times : pandas.Index or None
        The observations' times as given (hidden: for charts and narratives).
    """

    trend: str | np.ndarray = _r.series()
    h: bool | np.ndarray = _r.series()
    pvalue: float | np.ndarray = _r.series()
    z: float | np.ndarray = _r.series()
    tau: float | np.ndarray = _r.series()
    s: float | np.ndarray = _r.series()
    var_s: float | np.ndarray = _r.series()
    slope: float | np.ndarray = _r.series()
    intercept: float | np.ndarray = _r.series()
    s_season: np.ndarray = _r.detail()
    var_s_season: np.ndarray = _r.detail()
    period: int = _r.scalar()
    method: str = _r.scalar()
    nobs: int | np.ndarray = _r.series()
    status: str | np.ndarray = _r.series()
    alpha: float = _r.scalar()
    per: str | None = _r.scalar(default=None)
    labels: object = _r.label(default=None)
    times: object = _r.hidden(default=None)

    @property
    def statistic(self):
        """The test statistic z (so that ``z, p = result``)."""
        return self.z


    def narrative(self, labels=None, measure: str | None = None, unit: str | None = None,
                  adjust=None) -> str | list[str]:
        """The finding in words, as :meth:`MannKendallResult.narrative` (the slope is per
        ``unit``: default the result's ``per``, else a cycle of ``period`` seasons); one
        sentence per series for several."""
        return _mk_narrative(self, "seasonal Mann-Kendall", labels, measure, unit, adjust,
                             "cycle")


def _calendar_grid(src, mat: np.ndarray, period: int):
    """The series on a time axis placed on the full grid of its periods from the start of the
    first observation's cycle (missing periods NaN), so that seasons come from the calendar;
    and the grid position of the first observation."""
    offset = int(src.axis.periods.asi8[0]) % period
    at = offset + src.axis.t.astype(np.intp)
    grid = np.full((mat.shape[0], int(at[-1]) + 1), np.nan)
    grid[:, at] = mat
    return grid, offset


@_frames.tidy(roles=("value",), layout="series")
@_frames.keyword_only
def seasonal_mann_kendall(y, period=12, alpha=0.05, *, nan_policy="omit", t=None, conf=None,
                          per=None, errors="coerce", threads=None) -> SeasonalMannKendallResult:
    """Seasonal Mann-Kendall test (Hirsch-Slack) with the seasonal Sen slope.

    Compares each season only with itself (January with January, ...), so that a seasonal
    pattern is not mistaken for a trend, as pymannkendall's ``seasonal_test``.

    Parameters
    ----------
    y : array_like, pandas.Series or pandas.DataFrame
        One series (1-D) or one series per row (2-D); observation i is in season
        i mod ``period`` of cycle i // ``period`` (start the series at the first season).
        With a time axis (a Series or DataFrame with a DatetimeIndex or PeriodIndex, one
        series per column, or ``t`` as dates), seasons come from the calendar: with monthly
        data and ``period=12`` every January is compared with the Januaries, whichever month
        the series starts in and whichever months are missing.  A tidy table:
        ``seasonal_mann_kendall(df, value="crimes", time="month", by=["force"])``.
    period : int
        Seasons per cycle (12 for monthly data, 4 for quarterly), 1 <= period <= n.
    alpha : float
        Significance level in (0, 1).
    nan_policy : {"omit", "propagate", "raise"}, keyword-only
        ``"omit"`` drops missing values within each season (the others taken as consecutive
        for S; the slope keeps their cycle).  ``"propagate"``, ``"raise"`` as
        :func:`mann_kendall` (a period absent from a time axis is not a missing value).
    t : array_like of dates or periods, optional
        The observations' times (a time axis), when ``y`` has no time index.
    conf : float, optional
        A confidence level instead of ``alpha`` (alpha = 1 - conf).
    per : {"month", "quarter", "year", "week", "day"}, optional
        With a time axis: the unit of ``slope`` (default the axis' own: a monthly series'
        slope is per month, the slope per cycle divided by ``period``).  Refused without.
    errors : {"coerce", "raise"}
        As :func:`mann_kendall`; a series needs a season with two values and a season whose
        values are not all equal.
    threads : int, optional
        Threads for a batch (default: all cores).

    Returns
    -------
    SeasonalMannKendallResult
        ``trend``, ``h``, ``pvalue``, ``z``, ``tau``, ``s``, ``var_s``, ``slope`` (per cycle;
        per ``per`` with a time axis), ``intercept`` (the line's value at the first
        observation), ``s_season``, ``var_s_season`` (from January, or Q1, with a monthly or
        quarterly time axis), ``period``, ``method``, ``nobs``, ``status``, ``per``,
        ``labels``.  Unpacks as ``z, pvalue``.

    Raises
    ------
    ValueError, TypeError
        Bad input as :func:`mann_kendall`; ``period`` not a whole number in [1, n].

    Notes
    -----
    S = sum_g S_g and var(S) = sum_g var(S_g) over seasons g, each from the season's values
    as in :func:`mann_kendall` (tie-corrected); ``tau`` = S / sum_g n_g(n_g-1)/2.  ``slope`` is
    the median of the within-season slopes (x_j - x_i) / (c_j - c_i), c the cycle, and
    ``intercept`` = median(x) - median(position) / period slope, as pymannkendall.

    References
    ----------
    Hirsch RM, Slack JR, Smith RA (1982) Water Resour Res 18:107-121.  Hirsch RM, Slack JR
    (1984) Water Resour Res 20:727-732.

    Examples
    --------
    >>> import numpy as np
    >>> from scrutiny.trend import seasonal_mann_kendall
    >>> month = np.arange(48)
    >>> y = 100 + 20 * np.sin(2 * np.pi * month / 12) + 0.8 * month + (month * 7 % 5)
    >>> res = seasonal_mann_kendall(y, period=12)
    >>> res.trend, res.s, round(res.slope, 4)
    ('increasing', 72.0, 8.6)

    The same months as a monthly Series: the slope per month (or ``per="year"``).

    >>> import pandas as pd
    >>> s = pd.Series(y, index=pd.period_range("2021-01", periods=48, freq="M"))
    >>> per_month, per_year = seasonal_mann_kendall(s), seasonal_mann_kendall(s, per="year")
    >>> round(per_month.slope, 4), round(per_year.slope, 4)
    (0.7167, 8.6)
    """
    alpha = _alpha(alpha, conf)
    errors = _v.choice(errors, "errors", _batch.ERRORS)
    src, mat, single, omit = _input(y, t, nan_policy, dates_only=True)
    period = _v.whole_number(period, "period", minimum=1)
    factor, unit = slope_unit(src.axis, per)
    grid, offset = (mat, 0) if src.axis is None else _calendar_grid(src, mat, period)
    n = grid.shape[1]
    if period > n:
        raise ValueError(f"period must be at most the series length {n} (got {period})")
    out = _core.trend_seasonal(grid, period, alpha, omit or grid is not mat,
                               _v.threads(threads))
    if grid is not mat and not omit:
        # a missing value propagates; a period absent from the axis does not
        rows = np.flatnonzero(np.isnan(mat).any(axis=1))
        if rows.size:
            missing = _core.trend_seasonal(np.ascontiguousarray(grid[rows]), period, alpha,
                                           False, _v.threads(threads))
            for key, value in missing.items():
                out[key][rows] = value
    if src.axis is not None:
        out["intercept"] = out["intercept"] + offset / period * out["slope"]
        out["slope"] = out["slope"] * (factor / period)
    labels = _batch.statuses(out["status"], _row_status("no season with 2 values"),
                             "seasonal_mann_kendall", errors, single=single)
    return SeasonalMannKendallResult(
        trend=_out(_TRENDS[out["trend"]], single),
        **_per_series(out, ("h", "pvalue", "z", "tau", "s", "var_s", "slope", "intercept",
                            "nobs"), single),
        s_season=out["s_season"][0] if single else out["s_season"],
        var_s_season=out["var_s_season"][0] if single else out["var_s_season"], period=period,
        method="seasonal Mann-Kendall test (Hirsch-Slack)", status=_out(labels, single),
        alpha=alpha, per=unit, labels=src.labels, times=src.times)


# ---- Sen's slope ----------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class SenSlopeResult(Result):
    """Sen's slope with its rank-based confidence interval (see :func:`sen_slope`).

    Attributes
    ----------
    slope : float or numpy.ndarray
        Sen's slope per unit of ``t``, per series.
    lower, upper : float or numpy.ndarray
        Its interval per series, with a trailing axis (one column per level) when ``conf`` is
        a sequence.
    intercept : float or numpy.ndarray
        The intercept of the Sen line, per series.
    conf : float or tuple of float
        The confidence level(s).
    nobs : int or numpy.ndarray
        The values used, per series.
    status : str or numpy.ndarray
        ``"ok"`` or why the series was not tested, per series.
    method : str
        How the slope and its interval are computed.
    per : str or None
        The unit of ``slope`` with a time axis (``"month"``, ``"year"``, ...); None without.
    labels : pandas.Index or None
        The series' names (a DataFrame's columns; the ``by`` groups of a tidy table).
    times : pandas.Index or None
        The observations' times as given (hidden: for charts and narratives).
    """

    slope: float | np.ndarray = _r.series()
    lower: float | np.ndarray = _r.per_level("series")
    upper: float | np.ndarray = _r.per_level("series")
    intercept: float | np.ndarray = _r.series()
    conf: float | tuple = _r.levels()
    nobs: int | np.ndarray = _r.series()
    status: str | np.ndarray = _r.series()
    method: str = _r.scalar()
    per: str | None = _r.scalar(default=None)
    labels: object = _r.label(default=None)
    times: object = _r.hidden(default=None)


    def narrative(self, labels=None, measure: str | None = None, unit: str | None = None
                  ) -> str | list[str]:
        """The slope per ``unit`` with its interval(s) and whether an interval excludes 0 (at
        the widest level that does), e.g. "Sen's slope is +0.433 per time step (95% CI +0.320
        to +0.550): the series rises by more than chance would explain (the 95% CI excludes
        0)."; for several series a list with one sentence each (named by ``labels``, default
        the result's).  ``unit`` defaults to the result's ``per`` (with a time axis and a
        ``measure``: "... per month (8.1 more crimes a month) ..."), else "time step".

        Examples
        --------
        >>> from scrutiny.trend import sen_slope
        >>> y = [12.1, 11.4, 13.2, 12.8, 14.0, 13.1, 14.9, 15.2, 14.4, 16.0, 15.7, 17.1]
        >>> text = sen_slope(y).narrative(measure="response time", unit="month")
        >>> print(text)  # doctest: +NORMALIZE_WHITESPACE
        Sen's slope of response time is +0.433 per month (95% CI +0.320 to +0.550): the series
        rises by more than chance would explain (the 95% CI excludes 0).
        """
        labels = self.labels if labels is None else labels
        dated = unit is None and self.per is not None and measure
        unit = unit or self.per or "time step"
        scalar = np.ndim(self.slope) == 0
        k = np.size(self.slope)
        levels = self._levels() or (float(self.conf),)
        slope = _n.flat(self.slope, k).astype(float)
        status = _n.flat(self.status, k)
        lo = _n.flat_levels(self.lower, k, len(levels))
        hi = _n.flat_levels(self.upper, k, len(levels))
        of = f" of {measure}" if measure else ""
        lines = []
        for i, name in enumerate(_n.names(labels, k, "Series", scalar)):
            if status[i] != "ok":
                text = f"not estimated ({status[i]})."
            elif not np.all(np.isfinite(lo[i]) & np.isfinite(hi[i])):
                text = (f"Sen's slope{of} is {_n.signed(slope[i])} per {unit}; its interval "
                        "cannot be computed from so few values.")
            else:
                fmt = _n.matched(slope[i])

                def show(v, fmt=fmt):
                    return ("+" if v > 0 else "") + fmt(v)

                verdict = _n.ci_verdict(lo[i], hi[i], levels, 0.0, "the series rises",
                                        "the series falls", "a trend")
                more = f", {_n.more_or_fewer(slope[i], measure, unit)}" if dated else ""
                text = (f"Sen's slope{of} is {show(slope[i])} per {unit} "
                        f"({_n.intervals(lo[i], hi[i], levels, show)}{more}): {verdict}.")
            lines.append(_n.prefix(name, text))
        return _n.one_or_many(lines, scalar)


@distributed.dask_aware
@_frames.tidy(roles=("value",), layout="series")
@_frames.keyword_only
def sen_slope(y, t=None, conf=0.95, *, nan_policy="omit", per=None, errors="coerce",
              threads=None) -> SenSlopeResult:
    """Sen's (Theil-Sen) slope with its rank-based confidence interval, as R
    ``trend::sens.slope``, with a real time index.

    Parameters
    ----------
    y : array_like, pandas.Series or pandas.DataFrame
        One series (1-D) or one series per row (2-D); or a Series or DataFrame with a
        DatetimeIndex or PeriodIndex (one series per column, results labelled by the columns):
        a time axis, whose true spacing is ``t``; or a tidy table ``sen_slope(df,
        value="crimes", time="month", by=["force"])``.  NaN marks a missing value.
    t : array_like, optional
        Time of each observation (finite, strictly increasing, shared by every series; unequal
        spacing and gaps allowed), as numbers or as dates or periods (a time axis): the slope
        is per unit of ``t``.  Default 0, 1, ..., n - 1, or the whole periods since the first
        observation of a time axis.
    conf : float or sequence of float
        Confidence level(s) in (0, 1); a sequence adds a trailing axis to ``lower``, ``upper``.
    nan_policy : {"omit", "propagate", "raise"}, keyword-only
        ``"omit"`` drops missing values (the others keep their ``t``); ``"propagate"`` gives a
        series with a missing value NaN results and status ``"missing values"``; ``"raise"``
        refuses them.
    per : {"month", "quarter", "year", "week", "day"}, optional
        With a time axis: the unit of ``slope``, ``lower`` and ``upper`` (default the axis'
        own, e.g. ``"month"``).  Refused without a time axis.
    errors : {"coerce", "raise"}
        ``"coerce"``: a series with fewer than 2 values, constant or without values gets NaN
        results and its ``status``; ``"raise"``: the first such series raises ValueError.
    threads : int, optional
        Threads for a batch (default: all cores).

    Returns
    -------
    SenSlopeResult
        ``slope``, ``lower``, ``upper`` (per ``per`` with a time axis), ``intercept`` (the
        line's value at t = 0: the first observation's time on a time axis), ``conf``,
        ``nobs``, ``status``, ``method``, ``per``, ``labels``.

    Raises
    ------
    ValueError, TypeError
        Bad input: empty or more than 2-D ``y``, infinite values, missing values under
        ``nan_policy="raise"``, ``t`` of the wrong length or not finite and strictly
        increasing, ``conf`` outside (0, 1).

    Notes
    -----
    The slope is the median of the k = m(m-1)/2 pairwise slopes (y_j - y_i) / (t_j - t_i)
    of the m values used; ``intercept`` = median(y) - slope median(t).  With C =
    z_{(1+conf)/2} sqrt(var S) (var S the tie-corrected Mann-Kendall variance of y), the
    limits are the pairwise slopes of ranks round((k - C)/2) and round((k + C)/2 + 1)
    (from 1, rounding half to even as R's ``round``); a rank outside 1..k gives NaN.

    References
    ----------
    Sen PK (1968) JASA 63:1379-1389.  Hollander M, Wolfe DA (1973) Nonparametric Statistical
    Methods, sec. 9.2.  Pohlert T (2020) trend: Non-Parametric Trend Tests and Change-Point
    Detection, R package 1.1.4.

    Examples
    --------
    >>> from scrutiny.trend import sen_slope
    >>> y = [12.1, 11.4, 13.2, 12.8, 14.0, 13.1, 14.9, 15.2, 14.4, 16.0, 15.7, 17.1]
    >>> res = sen_slope(y)
    >>> round(res.slope, 4), round(res.lower, 4), round(res.upper, 4)
    (0.4333, 0.32, 0.55)
    >>> round(sen_slope(y, t=[0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12]).slope, 4)
    0.4083

    Monthly counts per force in a tidy table, with a month missing: slopes per month.

    >>> import pandas as pd
    >>> months = pd.period_range("2024-01", periods=7, freq="M").delete(3)
    >>> df = pd.DataFrame({"force": ["North"] * 6 + ["South"] * 6,
    ...                    "month": list(months) * 2,
    ...                    "crimes": [40, 42, 45, 51, 52, 55, 30, 29, 31, 27, 26, 25]})
    >>> res = sen_slope(df, value="crimes", time="month", by="force")
    >>> res.to_frame()[["force", "slope", "lower", "upper", "per"]]
       force     slope     lower  upper    per
    0  North  2.500000  2.000000    3.0  month
    1  South -0.833333 -1.666667    0.5  month
    """
    levels, several = _v.conf_levels(conf)
    errors = _v.choice(errors, "errors", _batch.ERRORS)
    src, mat, single, omit = _input(y, t, nan_policy)
    factor, unit = slope_unit(src.axis, per)
    tt = _time(src.t, mat.shape[1])
    out = _core.trend_sen(mat, tt, levels, omit, _v.threads(threads))
    slope, icpt, lower, upper, nobs = (out[k] for k in ("slope", "intercept", "lower", "upper",
                                                        "nobs"))
    if factor != 1.0:
        slope, lower, upper = slope * factor, lower * factor, upper * factor
    labels = _batch.statuses(out["status"], _row_status("n < 2"), "sen_slope", errors,
                             single=single)
    if not several:
        lower, upper = lower[:, 0], upper[:, 0]
    if single:
        lower = _out(lower, True) if not several else lower[0]
        upper = _out(upper, True) if not several else upper[0]
    return SenSlopeResult(
        slope=_out(slope, single), lower=lower, upper=upper, intercept=_out(icpt, single),
        conf=tuple(float(c) for c in levels) if several else float(levels[0]),
        nobs=_out(nobs, single), status=_out(labels, single),
        method="Sen's slope (rank-based interval as R trend::sens.slope)", per=unit,
        labels=src.labels, times=src.times)


# ---- Pettitt --------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class PettittResult(TestResult):
    """Pettitt's change-point test (see :func:`pettitt`).  Python values for one series,
    arrays for several.

    Attributes
    ----------
    statistic : float or numpy.ndarray
        Pettitt's U*, per series.
    pvalue : float or numpy.ndarray
        Its approximate p-value, per series.
    location : int, pandas.Timestamp, pandas.Period or numpy.ndarray
        The 0-based index of the last value before the change (-1 for a series that was not
        tested), per series; with a time axis its time as given (None when not tested).
    position : int or numpy.ndarray
        The 0-based index of the last value before the change (-1 when not tested), per
        series, with or without a time axis.
    method : str
        The name of the test.
    nobs : int or numpy.ndarray
        The values used, per series.
    status : str or numpy.ndarray
        ``"ok"`` or why the series was not tested, per series.
    labels : pandas.Index or None
        The series' names (a DataFrame's columns; the ``by`` groups of a tidy table).
    times : pandas.Index or None
        The observations' times as given (hidden: for charts and narratives).
    """

    statistic: float | np.ndarray = _r.series()
    pvalue: float | np.ndarray = _r.series()
    location: object = _r.series()
    position: int | np.ndarray = _r.series()
    method: str = _r.scalar()
    nobs: int | np.ndarray = _r.series()
    status: str | np.ndarray = _r.series()
    labels: object = _r.label(default=None)
    times: object = _r.hidden(default=None)

    def narrative(self, labels=None, alpha: float = 0.05, time=None, measure: str | None = None,
                  adjust=None) -> str | list[str]:
        """Whether there is a single change point at level ``alpha``, and where: "A change
        point after point 6 (Pettitt U* = 36, p = 0.031): a shift more than chance would
        explain, significant at the 5% level." ("after March 2024" with a time axis); for
        several series a list with one sentence each (named by ``labels``, default the
        result's).  ``time`` names the points (default: the result's times), ``adjust`` as
        :meth:`MannKendallResult.narrative`.

        Examples
        --------
        >>> from scrutiny.trend import pettitt
        >>> y = [10.2, 11.1, 9.8, 10.6, 10.9, 9.5, 14.8, 15.3, 14.1, 15.9, 14.6, 15.2]
        >>> print(pettitt(y).narrative())  # doctest: +NORMALIZE_WHITESPACE
        A change point after point 6 (Pettitt U* = 36, p = 0.031): a shift more than chance would
        explain, significant at the 5% level.
        """
        alpha = _v.conf_level(alpha, "alpha")
        labels = self.labels if labels is None else labels
        time = _axis_of(self) if time is None else time
        scalar = np.ndim(self.statistic) == 0
        k = np.size(self.statistic)
        u, p = (_n.flat(getattr(self, f), k).astype(float) for f in ("statistic", "pvalue"))
        where, status = _n.flat(self.position, k), _n.flat(self.status, k)
        verdicts = _n.verdicts(p, alpha, adjust, "series")
        of = f" in {measure}" if measure else ""
        lines = []
        for i, name in enumerate(_n.names(labels, k, "Series", scalar)):
            stats = _n.stats(f"Pettitt U* = {u[i]:g}", _n.p_text(p[i], alpha), verdicts[i].note)
            if status[i] != "ok":
                text = f"not tested ({status[i]})."
            elif verdicts[i].significant:
                text = (f"a change point{of} after {_n.when(where[i], time)} {stats}: "
                        f"{_n.beyond_chance('a shift', alpha)}.")
            else:
                text = f"{_n.no_evidence(f'a change point{of}', alpha)} {stats}."
            lines.append(_n.prefix(name, text))
        return _n.one_or_many(lines, scalar)


@_frames.tidy(roles=("value",), layout="series")
def pettitt(y, *, nan_policy="omit", t=None, errors="coerce", threads=None) -> PettittResult:
    """Pettitt's non-parametric test for a single change point, as R ``trend::pettitt.test``.

    Parameters
    ----------
    y : array_like, pandas.Series or pandas.DataFrame
        One series (1-D) or one series per row (2-D); or a Series or DataFrame with a
        DatetimeIndex or PeriodIndex (one series per column, results labelled by the
        columns), whose times name the change; or a tidy table ``pettitt(df,
        value="crimes", time="month", by=["force"])``.  NaN marks a missing value.
    nan_policy : {"omit", "propagate", "raise"}
        ``"omit"`` tests the observed values (taken as consecutive) and reports ``location``
        at its original position; ``"propagate"``, ``"raise"`` as :func:`mann_kendall`.
    t : array_like of dates or periods, optional
        The observations' times, when ``y`` has no time index.
    errors : {"coerce", "raise"}
        ``"coerce"``: a series with fewer than 2 values, constant or without values gets NaN
        results, ``location`` -1 and its ``status``; ``"raise"``: the first such series raises.
    threads : int, optional
        Threads for a batch (default: all cores).

    Returns
    -------
    PettittResult
        ``statistic``, ``pvalue``, ``location`` (the time of the last value before the change
        with a time axis, else its position), ``position``, ``method``, ``nobs``, ``status``,
        ``labels``.  Unpacks as ``statistic, pvalue``.

    Raises
    ------
    ValueError, TypeError
        Bad input: empty or more than 2-D ``y``, infinite values, missing values under
        ``nan_policy="raise"``.

    Notes
    -----
    With r_i the mid-ranks of the m values, U_k = 2 sum_{i<=k} r_i - k(m+1), ``U* = max_k |U_k|``
    and p = min(1, 2 exp(-6 U*^2 / (m^3 + m^2))).  The change is placed after the first k at
    which ``|U_k|`` is largest.  The approximate p-value is good for p <= 0.5.

    References
    ----------
    Pettitt AN (1979) Appl Stat 28:126-135.  Verstraeten G et al. (2006) J Geophys Res
    111:D22109.

    Examples
    --------
    >>> from scrutiny.trend import pettitt
    >>> y = [10.2, 11.1, 9.8, 10.6, 10.9, 9.5, 14.8, 15.3, 14.1, 15.9, 14.6, 15.2]
    >>> res = pettitt(y)
    >>> res.statistic, round(res.pvalue, 5), res.location
    (36.0, 0.03141, 5)

    With a time axis the change is dated:

    >>> import pandas as pd
    >>> s = pd.Series(y, index=pd.period_range("2023-10", periods=12, freq="M"))
    >>> res = pettitt(s)
    >>> res.location, res.position
    (Period('2024-03', 'M'), 5)
    >>> print(res.narrative())  # doctest: +NORMALIZE_WHITESPACE
    A change point after March 2024 (Pettitt U* = 36, p = 0.031): a shift more than chance
    would explain, significant at the 5% level.
    """
    errors = _v.choice(errors, "errors", _batch.ERRORS)
    src, mat, single, omit = _input(y, t, nan_policy, dates_only=True)
    out = _core.trend_pettitt(mat, omit, _v.threads(threads))
    labels = _batch.statuses(out["status"], _row_status("n < 2"), "pettitt", errors,
                             single=single)
    fields = _per_series(out, ("statistic", "pvalue", "nobs"), single)
    position = _out(out["location"], single)
    return PettittResult(
        **fields, location=src.times_at(position), position=position,
        method="Pettitt's test for a single change point", status=_out(labels, single),
        labels=src.labels, times=src.times)


# ---- many groups of a long table --------------------------------------------------------------

def _rate(Y, E):
    return Y if E is None else Y / E


def _table_mk(Y, E, when, options):
    r = mann_kendall(_rate(Y, E), **{**when["slopes"], **options})
    return {"trend": r.trend, "z": r.z, "pvalue": r.pvalue, "tau": r.tau, "slope": r.slope,
            "status": r.status}


def _table_smk(Y, E, when, options):
    r = seasonal_mann_kendall(_rate(Y, E), **{**when["dates"], **options})
    return {"trend": r.trend, "z": r.z, "pvalue": r.pvalue, "tau": r.tau, "slope": r.slope,
            "status": r.status}


def _table_sen(Y, E, when, options):
    r = sen_slope(_rate(Y, E), **{**when["slopes"], **options})
    return {"slope": r.slope, "lower": r.lower, "upper": r.upper, "intercept": r.intercept,
            "status": r.status}


def _table_pettitt(Y, E, when, options):
    r = pettitt(_rate(Y, E), **{**when["times"], **options})
    out = {"statistic": r.statistic, "pvalue": r.pvalue, "location": r.location}
    if r.times is not None:
        out["position"] = r.position
    return {**out, "status": r.status}


# Tests trend_table can run: name -> (column prefix, function(values, exposure, when, options)
# returning named per-series columns), with values and exposure as (groups x time points)
# arrays (exposure None when not given) and ``when`` the keywords giving the times (see
# _table_times).  The rank tests use value / exposure.
_TABLE_TESTS = {
    "mann_kendall": ("mk", _table_mk),
    "seasonal_mann_kendall": ("smk", _table_smk),
    "sen_slope": ("sen", _table_sen),
    "pettitt": ("pettitt", _table_pettitt),
}


def _wide(frame, keys, time):
    """The frame's other columns as (groups x time points) tables, groups and times sorted."""
    long = frame.set_index(keys + [time])
    if long.index.duplicated().any():
        dup = long.index[long.index.duplicated()][0]
        raise ValueError(f"df has more than one row for group and time {dup!r}")
    return long.unstack(time).sort_index(axis=1)


def _table_times(times, per) -> tuple[dict, str | None]:
    """The keywords that give the tests the table's time points, and the slopes' unit:
    numbers are ``t``; dates and periods of a known frequency a time axis (its true spacing,
    slopes per ``per``, seasons from the calendar, Pettitt's location a date); other times
    (labels, irregular dates) are numbered 0, 1, ... in order."""
    import pandas as pd

    if pd.api.types.is_numeric_dtype(times.dtype):
        slope_unit(None, per)
        t = np.asarray(times, dtype=float)
        return {"slopes": {"t": t}, "dates": {}, "times": {}}, None
    try:
        axis = time_axis(times, "time")
    except (TypeError, ValueError):
        axis = None
    factor, unit = slope_unit(axis, per)
    if axis is None:
        return {"slopes": {}, "dates": {}, "times": {}}, None
    dated = {"t": axis.times, "per": unit}
    return {"slopes": dated, "dates": dated, "times": {"t": axis.times}}, unit


@distributed.dask_aware
def trend_table(df, by, time, value, exposure=None, tests=("mann_kendall", "sen_slope"), *,
                per=None, options=None, threads=None):
    """Trend tests for every group of a long table, with Benjamini-Hochberg q-values.

    Screens every area x crime type (say) at once: each group's values are put in time order
    and every requested test runs on all groups in one call.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per group and time point.
    by : str or list of str
        Column(s) naming the group of each row.
    time : str
        Column of time points.  Numeric times are used as the time index ``t`` (slopes per unit
        of time).  Periods, and dates of a frequency that can be inferred (month starts,
        quarter ends, ...), are a time axis: its true spacing (a month missing from the table
        is a gap, not collapsed), slopes per ``per``, seasons from the calendar, Pettitt's
        location a date (and ``pettitt_position`` its position).  Other times (labels,
        irregular dates) are ordered and numbered 0, 1, ... over the time points present in
        the table (slopes per time point).
    value : str
        Column of values (counts, rates, scores).
    exposure : str, optional
        Column of exposures (population, calls): the rank tests use value / exposure.
    tests : sequence of str
        Any of ``"mann_kendall"``, ``"seasonal_mann_kendall"``, ``"sen_slope"``, ``"pettitt"``.
    per : {"month", "quarter", "year", "week", "day"}, optional
        With a time axis: the unit of the slopes (default the axis' own, e.g. ``"month"``);
        the table then has a ``per`` column.  Refused for other times.
    options : dict, optional
        Keyword arguments per test, e.g. ``{"mann_kendall": {"method": "hamed_rao"},
        "seasonal_mann_kendall": {"period": 12}}``.
    threads : int, optional
        Threads (default: all cores).

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``n_times`` (time points with a value), then per
        test its columns prefixed ``mk_``, ``smk_``, ``sen_`` or ``pettitt_``, and for tests
        with a p-value a ``<prefix>_qvalue`` column: Benjamini-Hochberg adjusted across the
        groups that were tested (:func:`scrutiny.multiple_testing`).  A time point missing for
        a group is a missing value (``nan_policy="omit"``); groups that cannot be tested have
        NaN results and their status.

    Raises
    ------
    ValueError, TypeError
        A column that is not in ``df``, duplicate rows for a group and time, an unknown test,
        non-numeric values, non-positive exposures.

    Examples
    --------
    >>> import pandas as pd
    >>> from scrutiny.trend import trend_table
    >>> df = pd.DataFrame({"area": ["A"] * 6 + ["B"] * 6, "month": list(range(6)) * 2,
    ...                    "crimes": [3, 5, 4, 6, 8, 9, 7, 6, 7, 5, 6, 6]})
    >>> table = trend_table(df, "area", "month", "crimes")
    >>> table[["area", "mk_trend", "mk_pvalue", "mk_qvalue", "sen_slope"]].round(4)
      area    mk_trend  mk_pvalue  mk_qvalue  sen_slope
    0    A  increasing     0.0242     0.0483        1.2
    1    B    no trend     0.4109     0.4109       -0.2

    Monthly periods with a month missing for every area use the true spacing, here per year:

    >>> df["month"] = list(pd.period_range("2024-01", periods=7, freq="M").delete(3)) * 2
    >>> table = trend_table(df, by="area", time="month", value="crimes", per="year")
    >>> table[["area", "per", "mk_trend", "sen_slope"]]
      area   per    mk_trend  sen_slope
    0    A  year  increasing       12.0
    1    B  year    no trend       -2.0
    """
    _v.data_frame(df, "df", allow_empty=False)
    keys = _v.columns(df, by, "by")
    [time] = _v.columns(df, time, "time", several=False)
    [value] = _v.columns(df, value, "value", several=False)
    [exposure] = _v.columns(df, exposure, "exposure", several=False, optional=True) or [None]
    tests = _v.choices(tests, "tests", tuple(_TABLE_TESTS))
    options = _v.keyword_options(options, "options", tuple(tests))
    _v.column_complete(df, time, "time")
    frame = df[keys + [time]].copy()
    frame["value"] = _v.as_float_array(df[value], "value", allow_empty=True)
    if exposure is not None:
        frame["exposure"] = _v.positive(df[exposure], "exposure")
    wide = _wide(frame, keys, time)
    when, unit = _table_times(wide["value"].columns, per)
    Y = np.ascontiguousarray(wide["value"].to_numpy(dtype=float))
    E = None if exposure is None else np.ascontiguousarray(wide["exposure"].to_numpy(dtype=float))
    out = wide.index.to_frame(index=False)
    out["n_times"] = np.sum(~np.isnan(Y), axis=1)
    if unit is not None:
        out["per"] = unit
    for test in tests:
        prefix, run = _TABLE_TESTS[test]
        opts = dict(options.get(test, {}))
        opts.setdefault("threads", threads)
        columns = run(Y, E, when, opts)
        for name, values in columns.items():
            out[f"{prefix}_{name}"] = np.asarray(values)
        if "pvalue" in columns:
            pvalues = np.asarray(columns["pvalue"], dtype=float)
            out[f"{prefix}_qvalue"] = multiple_testing(pvalues, "bh")
    return out
