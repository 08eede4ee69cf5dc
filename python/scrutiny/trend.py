"""Trend significance: is that rise or fall real?

Rank-based tests that make no assumption about the shape of the distribution: the
Mann-Kendall test (with corrections for autocorrelation), its seasonal form (Hirsch-Slack),
Sen's slope with its confidence interval, and Pettitt's test for a single change point.
``trend_table`` runs them for every group of a long table and adds Benjamini-Hochberg q-values.

Every function takes one series or a 2-D array with one series per row (the last axis is
time) and tests every row in one call to the C core, in parallel over the machine's cores.  A
series that cannot be tested does not stop the others: its results are NaN and ``status``
says why (``"too short (n < 3)"``, ``"constant"``, ``"all missing"``, ``"missing values"``);
``errors="raise"`` raises instead.  Numbers follow pymannkendall 1.4.3 and R ``trend`` 1.1.4,
as each function says.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from . import _batch, _core
from . import _narrative as _n
from . import _options as _o
from . import _results as _r
from . import _validation as _v
from ._results import Result, TestResult
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


def _time(t, n: int):
    return None if t is None else _v.strictly_increasing(t, "t", n)


def _per_series(out: dict, names, single: bool) -> dict:
    """The kernel's outputs ``names`` per series (one value each for one series)."""
    return {name: _out(out[name], single) for name in names}


_out = _batch.single


def _mk_narrative(result, test: str, labels, measure, unit: str, adjust):
    """The Mann-Kendall finding per series: "Increasing trend (Mann-Kendall z = 3.50,
    p < 0.001): a rise more than chance would explain, significant at the 5% level; Sen's
    slope +0.433 per time step." or "No evidence of a trend at the 5% level (...)"."""
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
            sen = f"Sen's slope {_n.signed(slope[i])} per {unit}."
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

    @property
    def statistic(self):
        """The test statistic z (so that ``z, p = result``)."""
        return self.z


    def narrative(self, labels=None, measure: str | None = None, unit: str = "time step",
                  adjust=None) -> str | list[str]:
        """The finding at level ``alpha`` in words, e.g. "Increasing trend (Mann-Kendall
        z = 2.41, p = 0.016): a rise more than chance would explain, significant at the 5%
        level; Sen's slope +0.52 per time step."; for several series a list with one sentence
        each, prefixed by its name (``labels``; default "Series 0", ...).

        Parameters
        ----------
        labels : sequence, optional
            Series names.
        measure : str, optional
            What is tested, e.g. ``"recorded crime"`` ("no evidence of a trend in recorded
            crime").
        unit : str
            The unit of ``t`` for Sen's slope, e.g. ``"month"``.
        adjust : {"bh", "by", "holm", "bonferroni", "hochberg"}, optional
            Decide on p-values adjusted across the series (:func:`scrutiny.multiple_testing`);
            without it, a significant trend among several series says that its p-value is
            not adjusted.
        """
        return _mk_narrative(self, "Mann-Kendall", labels, measure, unit, adjust)


def mann_kendall(y, t=None, method="original", alpha=0.05, lag=None, nan_policy="omit", *,
                 errors="coerce", threads=None) -> MannKendallResult:
    """Mann-Kendall test for a monotonic trend, with Sen's slope, for one or many series.

    Parameters
    ----------
    y : array_like
        One series (1-D) or one series per row (2-D), in time order.  NaN marks a missing
        value (see ``nan_policy``); infinite values are refused.
    t : array_like, optional
        Time of each observation (finite, strictly increasing, shared by every series; gaps
        and unequal spacing allowed).  Used for Sen's slope and intercept (and for detrending
        in ``"hamed_rao"``, ``"yue_wang"`` and ``"tfpw"``); S depends only on the order.
        Default: the positions 0, 1, ..., n - 1.
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
    nan_policy : {"omit", "propagate", "raise"}
        ``"omit"`` drops missing values and takes the others as consecutive for S (as
        pymannkendall); Sen's slope keeps their times.  ``"propagate"`` gives a series with a
        missing value NaN results and status ``"missing values"``; ``"raise"`` refuses them.
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
        ``trend``, ``h``, ``pvalue``, ``z``, ``tau``, ``tau_b``, ``s``, ``var_s``, ``slope``,
        ``intercept``, ``method``, ``nobs``, ``status``.  Unpacks as ``z, pvalue``.

    Raises
    ------
    ValueError, TypeError
        Bad input: empty or more than 2-D ``y``, infinite values, missing values under
        ``nan_policy="raise"``, ``t`` of the wrong length or not finite and strictly
        increasing, an unknown ``method``, ``alpha`` outside (0, 1), ``lag`` out of range or
        given for a method that has none.

    Notes
    -----
    For the m values x used, S = sum_{i<j} sgn(x_j - x_i) and
    var(S) = [m(m-1)(2m+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18 over groups of t_g tied values;
    z = (S - sgn S) / sqrt(var S) and the two-sided p-value is erfc(|z| / sqrt 2).
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
    """
    method = _v.choice(method, "method", _o.MK_METHOD.names)
    alpha = _v.conf_level(alpha, "alpha")
    errors = _v.choice(errors, "errors", _batch.ERRORS)
    mat, single, omit = _series(y, nan_policy)
    n = mat.shape[1]
    if lag is not None:
        if method not in ("hamed_rao", "yue_wang"):
            raise ValueError(f"lag applies to methods 'hamed_rao' and 'yue_wang', not {method!r}")
        lag = _v.whole_number(lag, "lag", minimum=1)
        if lag > n - 1:
            raise ValueError(f"lag must be at most n - 1 = {n - 1} (got {lag})")
    tt = _time(t, n)
    out = _core.trend_mk(mat, tt, _o.MK_METHOD.codes[method], alpha, lag or 0, omit,
                         _v.threads(threads))
    minimum = "n < 4" if method in ("prewhiten", "tfpw") else "n < 3"
    labels = _batch.statuses(out["status"], _row_status(minimum, lag), "mann_kendall", errors,
                             single=single)
    return MannKendallResult(
        trend=_out(_TRENDS[out["trend"]], single),
        **_per_series(out, ("h", "pvalue", "z", "tau", "tau_b", "s", "var_s", "slope",
                            "intercept", "nobs"), single),
        method=_o.MK_METHOD.word(method), status=_out(labels, single), alpha=alpha, lag=lag)


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

    @property
    def statistic(self):
        """The test statistic z (so that ``z, p = result``)."""
        return self.z


    def narrative(self, labels=None, measure: str | None = None, unit: str = "cycle",
                  adjust=None) -> str | list[str]:
        """The finding in words, as :meth:`MannKendallResult.narrative` (the slope is per
        ``unit``, a cycle of ``period`` seasons); one sentence per series for several."""
        return _mk_narrative(self, "seasonal Mann-Kendall", labels, measure, unit, adjust)


def seasonal_mann_kendall(y, period=12, alpha=0.05, nan_policy="omit", *, errors="coerce",
                          threads=None) -> SeasonalMannKendallResult:
    """Seasonal Mann-Kendall test (Hirsch-Slack) with the seasonal Sen slope.

    Compares each season only with itself (January with January, ...), so that a seasonal
    pattern is not mistaken for a trend, as pymannkendall's ``seasonal_test``.

    Parameters
    ----------
    y : array_like
        One series (1-D) or one series per row (2-D); observation i is in season
        i mod ``period`` of cycle i // ``period`` (start the series at the first season).
    period : int
        Seasons per cycle (12 for monthly data, 4 for quarterly), 1 <= period <= n.
    alpha : float
        Significance level in (0, 1).
    nan_policy : {"omit", "propagate", "raise"}
        ``"omit"`` drops missing values within each season (the others taken as consecutive
        for S; the slope keeps their cycle).  ``"propagate"``, ``"raise"`` as
        :func:`mann_kendall`.
    errors : {"coerce", "raise"}
        As :func:`mann_kendall`; a series needs a season with two values and a season whose
        values are not all equal.
    threads : int, optional
        Threads for a batch (default: all cores).

    Returns
    -------
    SeasonalMannKendallResult
        ``trend``, ``h``, ``pvalue``, ``z``, ``tau``, ``s``, ``var_s``, ``slope`` (per cycle),
        ``intercept``, ``s_season``, ``var_s_season``, ``period``, ``method``, ``nobs``,
        ``status``.  Unpacks as ``z, pvalue``.

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
    """
    alpha = _v.conf_level(alpha, "alpha")
    errors = _v.choice(errors, "errors", _batch.ERRORS)
    mat, single, omit = _series(y, nan_policy)
    n = mat.shape[1]
    period = _v.whole_number(period, "period", minimum=1)
    if period > n:
        raise ValueError(f"period must be at most the series length {n} (got {period})")
    out = _core.trend_seasonal(mat, period, alpha, omit, _v.threads(threads))
    labels = _batch.statuses(out["status"], _row_status("no season with 2 values"),
                             "seasonal_mann_kendall", errors, single=single)
    return SeasonalMannKendallResult(
        trend=_out(_TRENDS[out["trend"]], single),
        **_per_series(out, ("h", "pvalue", "z", "tau", "s", "var_s", "slope", "intercept",
                            "nobs"), single),
        s_season=out["s_season"][0] if single else out["s_season"],
        var_s_season=out["var_s_season"][0] if single else out["var_s_season"], period=period,
        method="seasonal Mann-Kendall test (Hirsch-Slack)", status=_out(labels, single),
        alpha=alpha)


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
    """

    slope: float | np.ndarray = _r.series()
    lower: float | np.ndarray = _r.per_level("series")
    upper: float | np.ndarray = _r.per_level("series")
    intercept: float | np.ndarray = _r.series()
    conf: float | tuple = _r.levels()
    nobs: int | np.ndarray = _r.series()
    status: str | np.ndarray = _r.series()
    method: str = _r.scalar()


    def narrative(self, labels=None, measure: str | None = None, unit: str = "time step"
                  ) -> str | list[str]:
        """The slope per ``unit`` with its interval(s) and whether an interval excludes 0 (at
        the widest level that does), e.g. "Sen's slope is +0.433 per time step (95% CI +0.320
        to +0.550): the series rises by more than chance would explain (the 95% CI excludes
        0)."; for several series a list with one sentence each (named by ``labels``).

        Examples
        --------
        >>> from scrutiny.trend import sen_slope
        >>> y = [12.1, 11.4, 13.2, 12.8, 14.0, 13.1, 14.9, 15.2, 14.4, 16.0, 15.7, 17.1]
        >>> text = sen_slope(y).narrative(measure="response time", unit="month")
        >>> print(text)  # doctest: +NORMALIZE_WHITESPACE
        Sen's slope of response time is +0.433 per month (95% CI +0.320 to +0.550): the series
        rises by more than chance would explain (the 95% CI excludes 0).
        """
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
                text = (f"Sen's slope{of} is {show(slope[i])} per {unit} "
                        f"({_n.intervals(lo[i], hi[i], levels, show)}): {verdict}.")
            lines.append(_n.prefix(name, text))
        return _n.one_or_many(lines, scalar)


def sen_slope(y, t=None, conf=0.95, nan_policy="omit", *, errors="coerce",
              threads=None) -> SenSlopeResult:
    """Sen's (Theil-Sen) slope with its rank-based confidence interval, as R
    ``trend::sens.slope``, with a real time index.

    Parameters
    ----------
    y : array_like
        One series (1-D) or one series per row (2-D).  NaN marks a missing value.
    t : array_like, optional
        Time of each observation (finite, strictly increasing, shared by every series; unequal
        spacing and gaps allowed): the slope is per unit of ``t``.  Default 0, 1, ..., n - 1.
    conf : float or sequence of float
        Confidence level(s) in (0, 1); a sequence adds a trailing axis to ``lower``, ``upper``.
    nan_policy : {"omit", "propagate", "raise"}
        ``"omit"`` drops missing values (the others keep their ``t``); ``"propagate"`` gives a
        series with a missing value NaN results and status ``"missing values"``; ``"raise"``
        refuses them.
    errors : {"coerce", "raise"}
        ``"coerce"``: a series with fewer than 2 values, constant or without values gets NaN
        results and its ``status``; ``"raise"``: the first such series raises ValueError.
    threads : int, optional
        Threads for a batch (default: all cores).

    Returns
    -------
    SenSlopeResult
        ``slope``, ``lower``, ``upper``, ``intercept``, ``conf``, ``nobs``, ``status``,
        ``method``.

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
    """
    levels, several = _v.conf_levels(conf)
    errors = _v.choice(errors, "errors", _batch.ERRORS)
    mat, single, omit = _series(y, nan_policy)
    tt = _time(t, mat.shape[1])
    out = _core.trend_sen(mat, tt, levels, omit, _v.threads(threads))
    slope, icpt, lower, upper, nobs = (out[k] for k in ("slope", "intercept", "lower", "upper",
                                                        "nobs"))
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
        method="Sen's slope (rank-based interval as R trend::sens.slope)")


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
    location : int or numpy.ndarray
        The 0-based index of the last value before the change (-1 for a series that was not
        tested), per series.
    method : str
        The name of the test.
    nobs : int or numpy.ndarray
        The values used, per series.
    status : str or numpy.ndarray
        ``"ok"`` or why the series was not tested, per series.
    """

    statistic: float | np.ndarray = _r.series()
    pvalue: float | np.ndarray = _r.series()
    location: int | np.ndarray = _r.series()
    method: str = _r.scalar()
    nobs: int | np.ndarray = _r.series()
    status: str | np.ndarray = _r.series()


    def narrative(self, labels=None, alpha: float = 0.05, time=None, measure: str | None = None,
                  adjust=None) -> str | list[str]:
        """Whether there is a single change point at level ``alpha``, and where: "A change
        point after point 6 (Pettitt U* = 36, p = 0.031): a shift more than chance would
        explain, significant at the 5% level."; for several series a list with one sentence
        each (named by ``labels``).  ``time`` names the points (e.g. months), ``adjust`` as
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
        scalar = np.ndim(self.statistic) == 0
        k = np.size(self.statistic)
        u, p = (_n.flat(getattr(self, f), k).astype(float) for f in ("statistic", "pvalue"))
        where, status = _n.flat(self.location, k), _n.flat(self.status, k)
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


def pettitt(y, *, nan_policy="omit", errors="coerce", threads=None) -> PettittResult:
    """Pettitt's non-parametric test for a single change point, as R ``trend::pettitt.test``.

    Parameters
    ----------
    y : array_like
        One series (1-D) or one series per row (2-D).  NaN marks a missing value.
    nan_policy : {"omit", "propagate", "raise"}
        ``"omit"`` tests the observed values (taken as consecutive) and reports ``location``
        at its original position; ``"propagate"``, ``"raise"`` as :func:`mann_kendall`.
    errors : {"coerce", "raise"}
        ``"coerce"``: a series with fewer than 2 values, constant or without values gets NaN
        results, ``location`` -1 and its ``status``; ``"raise"``: the first such series raises.
    threads : int, optional
        Threads for a batch (default: all cores).

    Returns
    -------
    PettittResult
        ``statistic``, ``pvalue``, ``location``, ``method``, ``nobs``, ``status``.  Unpacks as
        ``statistic, pvalue``.

    Raises
    ------
    ValueError, TypeError
        Bad input: empty or more than 2-D ``y``, infinite values, missing values under
        ``nan_policy="raise"``.

    Notes
    -----
    With r_i the mid-ranks of the m values, U_k = 2 sum_{i<=k} r_i - k(m+1), U* = max_k |U_k|
    and p = min(1, 2 exp(-6 U*^2 / (m^3 + m^2))).  The change is placed after the first k at
    which |U_k| is largest.  The approximate p-value is good for p <= 0.5.

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
    """
    errors = _v.choice(errors, "errors", _batch.ERRORS)
    mat, single, omit = _series(y, nan_policy)
    out = _core.trend_pettitt(mat, omit, _v.threads(threads))
    labels = _batch.statuses(out["status"], _row_status("n < 2"), "pettitt", errors,
                             single=single)
    return PettittResult(
        **_per_series(out, ("statistic", "pvalue", "location", "nobs"), single),
        method="Pettitt's test for a single change point", status=_out(labels, single))


# ---- many groups of a long table --------------------------------------------------------------

def _rate(Y, E):
    return Y if E is None else Y / E


def _table_mk(Y, E, t, options):
    r = mann_kendall(_rate(Y, E), t, **options)
    return {"trend": r.trend, "z": r.z, "pvalue": r.pvalue, "tau": r.tau, "slope": r.slope,
            "status": r.status}


def _table_smk(Y, E, t, options):
    r = seasonal_mann_kendall(_rate(Y, E), **options)
    return {"trend": r.trend, "z": r.z, "pvalue": r.pvalue, "tau": r.tau, "slope": r.slope,
            "status": r.status}


def _table_sen(Y, E, t, options):
    r = sen_slope(_rate(Y, E), t, **options)
    return {"slope": r.slope, "lower": r.lower, "upper": r.upper, "intercept": r.intercept,
            "status": r.status}


def _table_pettitt(Y, E, t, options):
    r = pettitt(_rate(Y, E), **options)
    return {"statistic": r.statistic, "pvalue": r.pvalue, "location": r.location,
            "status": r.status}


# Tests trend_table can run: name -> (column prefix, function(values, exposure, t, options)
# returning named per-series columns), with values and exposure as (groups x time points)
# arrays (exposure None when not given).  The rank tests use value / exposure.
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


def trend_table(df, by, time, value, exposure=None, tests=("mann_kendall", "sen_slope"), *,
                options=None, threads=None):
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
        of time); other times (dates, periods, labels) are ordered and numbered 0, 1, ... over
        the time points present in the table (slopes per time point).
    value : str
        Column of values (counts, rates, scores).
    exposure : str, optional
        Column of exposures (population, calls): the rank tests use value / exposure.
    tests : sequence of str
        Any of ``"mann_kendall"``, ``"seasonal_mann_kendall"``, ``"sen_slope"``, ``"pettitt"``.
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
    """
    import pandas as pd

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
    times = wide["value"].columns
    t = np.asarray(times, dtype=float) if pd.api.types.is_numeric_dtype(times.dtype) else None
    Y = np.ascontiguousarray(wide["value"].to_numpy(dtype=float))
    E = None if exposure is None else np.ascontiguousarray(wide["exposure"].to_numpy(dtype=float))
    out = wide.index.to_frame(index=False)
    out["n_times"] = np.sum(~np.isnan(Y), axis=1)
    for test in tests:
        prefix, run = _TABLE_TESTS[test]
        opts = dict(options.get(test, {}))
        opts.setdefault("threads", threads)
        columns = run(Y, E, t, opts)
        for name, values in columns.items():
            out[f"{prefix}_{name}"] = np.asarray(values)
        if "pvalue" in columns:
            pvalues = np.asarray(columns["pvalue"], dtype=float)
            out[f"{prefix}_qvalue"] = multiple_testing(pvalues, "bh")
    return out
