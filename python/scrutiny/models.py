"""Count trends and interrupted time series: is that rise real, and did the intervention work?

``count_trend`` fits a log-linear trend to counts (Poisson, or negative binomial when the
counts vary more than Poisson allows), with a population or exposure offset and season
dummies, and reports the rate ratio per unit of time.  ``its`` fits a segmented regression
around an intervention and reports the change in level and slope, the counterfactual and the
relative effect.  Both take one series or a 2-D array with one series per row, and fit every
row in one call to the C core (iteratively reweighted least squares with GSL linear algebra),
in parallel over the machine's cores.  Numbers follow R's ``glm``, ``MASS::glm.nb`` and
``sandwich::NeweyWest`` + ``lmtest::coeftest``, as each function says.

Both also take pandas series: a Series or DataFrame with a DatetimeIndex or PeriodIndex (one
series per column) or a tidy table (``value=``, ``time=``, ``by=``).  Their dates are the time:
a missing month is a gap in time, seasons come from the calendar, slopes are per month,
quarter or year (``per=``), an intervention may be a date ("2025-01"), and the results carry
the series' ``labels`` and ``times``.

A series that cannot be fitted does not stop the others: its results are NaN and ``status``
says why (``"too short"``, ``"missing values"``, ``"rank deficient"``, ``"did not
converge"``, ``"numerical failure"``); ``errors="raise"`` raises instead.
"""
from __future__ import annotations

import dataclasses
import numbers
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from ._timeaxis import TimeAxis

from . import _batch, _core, _frames
from . import distributed
from . import _narrative as _n
from . import _options as _o
from . import _results as _r
from . import _timeaxis
from . import _validation as _v
from ._results import Result

__all__ = ["count_trend", "its", "CountTrendResult", "ITSResult"]

_TREND_FAMILIES = _o.GLM_FAMILY.names[1:]     # a count trend is not gaussian
_ITS_FAMILIES = _o.GLM_FAMILY.names
_ITS_TERMS = ["intercept", "time", "level_change", "slope_change"]
# A Poisson fit whose Pearson dispersion exceeds this gets a warning in its narrative.
_OVERDISPERSED = 1.5
# A negative binomial theta above this multiple of the mean count adds under 1% to the Poisson
# variance at that mean (mu^2 / theta < 0.01 mu): the fit is effectively Poisson.
_THETA_POISSON = 100.0
_PEARSON_ALPHA = 0.05   # the Pearson chi-square's level for "more variation than Poisson"

# ---- shared plumbing --------------------------------------------------------------------------


def _exposure(exposure, shape):
    """The exposure as a small C-contiguous 2-D array that broadcasts to the counts' ``shape``
    (rows x n), with the element strides (row, column) that read it so, without copying it to
    that shape; (None, 0, 0) without an exposure."""
    if exposure is None:
        return None, 0, 0
    arr = _v.as_float_array(exposure, "exposure")
    _v.dimensions(arr, "exposure", (0, 1, 2),
                  "a number, one value per observation, or one per series and observation")
    base = np.ascontiguousarray(arr.reshape((1,) * (2 - arr.ndim) + arr.shape))
    rows, n = shape
    if base.shape[0] not in (1, rows) or base.shape[1] not in (1, n):
        raise ValueError(f"exposure of shape {arr.shape} does not broadcast to the shape of "
                         f"the series {tuple(shape)}")
    _v.series(base, "exposure", nan_policy=None, positive=True)
    row = base.shape[1] if base.shape[0] == rows and rows > 1 else 0
    col = 1 if base.shape[1] == n and n > 1 else 0
    return base, row, col


def _read(y, name: str, t, exposure):
    """The series ``y`` (see :func:`scrutiny._frames.series_input`) and its exposure in the
    same layout: (SeriesInput, exposure).  With a time axis an exposure missing where the count
    is missing too (a gap of a tidy table) is set to 1 (never read)."""
    import pandas as pd

    _frames.unit_index(**{name: y, "exposure": exposure})
    si = _frames.series_input(y, name, t)
    pandas_exposure = isinstance(exposure, (pd.Series, pd.DataFrame))
    exposure = _frames.wide_input(exposure, "exposure", si.axis, si.labels)
    if si.axis is not None and pandas_exposure and isinstance(exposure, np.ndarray):
        values = np.asarray(si.values, dtype=float)
        if exposure.shape == values.shape:
            exposure = np.where(np.isnan(exposure) & np.isnan(values), 1.0, exposure)
    return si, exposure


def _seasons(axis: TimeAxis | None, n: int, period, season):
    """Season codes, their count and the dummies' names (see
    :func:`scrutiny._validation.seasons`).  On a time axis ``period`` gives calendar seasons
    (:meth:`TimeAxis.seasons`: "season_Feb", ...), so a gap does not shift them: the first
    observation's season is the reference and the others follow it round the calendar."""
    if axis is None or period is None or season is not None:
        return _v.seasons(n, period, season)
    period = _v.whole_number(period, "period", minimum=2)
    labels = axis.seasons(period)
    place = axis.periods.asi8 % period          # the calendar: Jan (1970-01) = 0, Q1 = 0
    place = (place - place[0]) % period         # round the calendar from the reference
    present = np.unique(place)
    codes = np.searchsorted(present, place).astype(np.int32)
    names = [f"season_{labels[np.flatnonzero(place == c)[0]]}" for c in present[1:]]
    return codes, present.size, names


def _per(axis: TimeAxis | None, per) -> tuple[float, str | None]:
    """(factor, unit): a slope per period of the time axis times factor is a slope per ``per``
    (the axis' own unit by default); (1, None) without a time axis, which refuses ``per``."""
    if axis is None:
        if per is not None:
            raise ValueError(f"per={per!r} needs a time axis (a Series or DataFrame with a "
                             "DatetimeIndex or PeriodIndex, or t= given as dates); without "
                             "one the slope is per unit of t")
        return 1.0, None
    return axis.per(per)


def _label_texts(labels):
    """Unit labels for sentences: a MultiIndex's tuples joined by ' / '."""
    if labels is None:
        return None
    return [" / ".join(map(str, v)) if isinstance(v, tuple) else v for v in labels]


def _collapsed(fit: dict, y: np.ndarray, p: int) -> np.ndarray:
    """Per series, whether a negative binomial fit ran theta so high that it is effectively
    Poisson (over ``_THETA_POISSON`` times the mean count) while the Pearson dispersion says the
    counts vary more than Poisson (over ``_OVERDISPERSED``, and the Pearson chi-square on
    nobs - p degrees of freedom significant at ``_PEARSON_ALPHA``)."""
    theta, disp = fit["theta"], fit["dispersion"]
    seen = ~np.isnan(y)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(seen, y, 0.0).sum(axis=1) / seen.sum(axis=1)
        out = (theta > _THETA_POISSON * mean) & (disp > _OVERDISPERSED)
    if out.any():
        df = fit["nobs"][out] - p
        chisq = disp[out] * df
        out[out] = _core.dist_gamma_inc(0.5 * df, 0.5 * chisq)[1] < _PEARSON_ALPHA
    return out


def _collapse_text(theta: float, dispersion: float, p: int) -> str:
    """The caveat on a negative binomial fit that collapsed to Poisson on overdispersed
    counts."""
    return (f"theta ran to {_n.number(theta)} (the negative binomial fit is effectively "
            f"Poisson) but the Pearson dispersion is {dispersion:.1f}: a negative binomial on "
            f"these terms does not explain the variation, so the intervals are too narrow (by "
            f"about {np.sqrt(dispersion):.2f} times). Theta by maximum likelihood ignores the "
            f"degrees of freedom the {p} coefficients use, which matters in a short series with "
            f"season terms; consider fewer terms (no period or season), a longer series, or "
            f"intervals widened by the square root of the dispersion")


def _warn_collapsed(func: str, fit: dict, collapsed: np.ndarray, p: int, single: bool) -> None:
    """The warning of a call with fits that collapsed (see :func:`_collapsed`)."""
    if collapsed.any():
        i = int(np.flatnonzero(collapsed)[0])
        which = "" if single else (f"{collapsed.sum():,} of {collapsed.size:,} series, "
                                   f"first {i}: ")
        _n.caution(func, which + _collapse_text(fit["theta"][i], fit["dispersion"][i], p), 4)


def _frame_or_series(values: np.ndarray, names, single: bool, labels=None):
    """One series' coefficients as a Series by term; several as a DataFrame (series, indexed
    by their ``labels`` when they have them, x terms) on ``values``, a block the core has just
    returned, which the result holds uncopied."""
    import pandas as pd

    if single:
        return pd.Series(values[0], index=names)
    return _r.fresh(pd.DataFrame(values, columns=names, index=labels, copy=False))


_out = _batch.single


def _fit_summary(fit: dict, labels, single: bool) -> dict:
    """The fields every fitted count model reports about its fit, per series or one."""
    return dict(deviance=_out(fit["deviance"], single),
                dispersion=_out(fit["dispersion"], single), theta=_out(fit["theta"], single),
                nobs=_out(fit["nobs"].astype(np.int64), single), status=_out(labels, single))


# ---- count trends ----------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class LogLinearTrend:
    """The fields and narrative every log-linear trend result shares (a base placed before
    ``Result``: :class:`CountTrendResult`, :class:`scrutiny.harm.HarmTrendResult`): per series
    the ``rate_ratio`` per unit of time with its interval ``lower``, ``upper``, its ``pvalue``
    and ``percent_change``, and the coefficients ``params``, ``bse``, ``pvalues``.  The results
    add ``dispersion``, ``status``, ``method`` and ``conf``, which :meth:`narrative` reads.
    """

    rate_ratio: float | np.ndarray = _r.series()
    lower: float | np.ndarray = _r.series()
    upper: float | np.ndarray = _r.series()
    pvalue: float | np.ndarray = _r.series()
    percent_change: float | np.ndarray = _r.series()
    params: pd.Series | pd.DataFrame = _r.detail()
    bse: pd.Series | pd.DataFrame = _r.detail()
    pvalues: pd.Series | pd.DataFrame = _r.detail()

    def narrative(self, unit: str | None = None, labels=None, measure: str = "counts",
                  adjust=None) -> str | list[str]:
        """The trend per ``unit`` of ``t``, tested at the level 1 - ``conf``, e.g. "Counts
        rose by 3.1% per month (95% CI +1.2% to +5.0%; p = 0.002): a rise more than chance
        would explain, significant at the 5% level."; for several series a list with one
        sentence each (named by ``labels``, by default the result's own).  Without ``unit``
        a trend on a time axis is "a month" (its ``per``; another ``unit`` is refused rather
        than relabel it), else "per period".  A Poisson fit
        whose counts vary more than Poisson allows says so.  ``measure`` names what is counted;
        ``adjust`` (a :func:`scrutiny.multiple_testing` method) decides on p-values adjusted
        across series.
        """
        own = getattr(self, "per", None)
        if unit is not None and own in _timeaxis.UNITS and unit != own:
            raise ValueError(f"unit={unit!r} would relabel a trend that is per {own}; fit it "
                             f"with per={unit!r} to report it per {unit}")
        step = f"per {unit}" if unit is not None else (f"a {own}" if own else "per period")
        labels = _label_texts(_r.unit_labels(self) if labels is None else labels)
        scalar = np.ndim(self.rate_ratio) == 0
        k = np.size(self.rate_ratio)
        alpha = 1.0 - self.conf
        pct, lo, hi, p, disp = (_n.flat(getattr(self, f), k).astype(float) for f in
                                ("percent_change", "lower", "upper", "pvalue", "dispersion"))
        status = _n.flat(self.status, k)
        verdicts = _n.verdicts(p, alpha, adjust, "series")
        poisson = self.method.startswith("Poisson")
        lines = []
        for i, name in enumerate(_n.names(labels, k, "Series", scalar)):
            if status[i] != "ok":
                lines.append(_n.prefix(name, f"no trend estimated ({status[i]})."))
                continue
            ci = _n.interval(100 * (lo[i] - 1), 100 * (hi[i] - 1), self.conf, _n.change)
            stats = f"({ci}; {_n.joined(_n.p_text(p[i], alpha), verdicts[i].note)})"
            if verdicts[i].significant:
                up = pct[i] > 0
                text = (f"{measure} {'rose' if up else 'fell'} by "
                        f"{_n.change(pct[i], sign=False)} {step} "
                        f"{stats}: {_n.rise_or_fall(up, alpha)}.")
            else:
                text = (f"{_n.no_evidence(f'a trend in {measure}', alpha)}: the estimated "
                        f"change is {_n.change(pct[i])} {step} {stats}.")
            if poisson and disp[i] > _OVERDISPERSED:
                text += (f" The counts vary more than a Poisson model allows (dispersion "
                         f"{disp[i]:.1f}), so this interval is too narrow; family='negbin' "
                         "allows for the extra variation.")
            text += self._fit_caveat(i)
            lines.append(_n.prefix(name, text))
        return _n.one_or_many(lines, scalar)

    def _fit_caveat(self, i: int) -> str:
        """A sentence on series i's fit beyond its trend (none here)."""
        return ""


def _caveat(result, i: int) -> str:
    """' Theta ran to ...' for series i of a count result whose negative binomial fit
    collapsed to Poisson on overdispersed counts, else ''."""
    if result._collapsed is None or not np.asarray(result._collapsed).reshape(-1)[i]:
        return ""
    k = np.asarray(result._collapsed).size
    theta, disp = (_n.flat(getattr(result, f), k).astype(float)[i] for f in ("theta",
                                                                              "dispersion"))
    p = np.shape(result.params)[-1]
    return f" {_n.capital(_collapse_text(theta, disp, p))}."


@dataclasses.dataclass(frozen=True, repr=False)
class CountTrendResult(LogLinearTrend, Result):
    """A log-linear trend in counts (see :func:`count_trend`).  Python values for one series,
    arrays for several.

    Attributes
    ----------
    rate_ratio : float or numpy.ndarray
        The rate ratio per unit of time, exp of the time coefficient, per series.
    lower, upper : float or numpy.ndarray
        Its Wald interval at ``conf``, per series.
    pvalue : float or numpy.ndarray
        The p-value of the time coefficient, per series.
    percent_change : float or numpy.ndarray
        100 (rate_ratio - 1), per series.
    params, bse, pvalues : pandas.Series or pandas.DataFrame
        The coefficients on the log scale, their standard errors and p-values: a Series
        indexed by term for one series, a DataFrame (series x terms) for several.
    deviance : float or numpy.ndarray
        The residual deviance, per series.
    dispersion : float or numpy.ndarray
        Pearson chi-square / residual degrees of freedom, per series.
    theta : float or numpy.ndarray
        The negative binomial shape (NaN for other families), per series.
    nobs : int or numpy.ndarray
        The observations used, per series.
    status : str or numpy.ndarray
        ``"ok"`` or why the series could not be fitted, per series.
    method : str
        The family and how the standard errors are computed.
    conf : float
        The confidence level of the intervals.
    per : str or None
        The unit of time of ``rate_ratio`` and ``percent_change`` ("month", "year", ...) on a
        time axis; None when they are per unit of ``t``.
    labels : pandas.Index or None
        The series' names (a DataFrame's columns, or the ``by`` groups of a tidy table).
    times : pandas.DatetimeIndex or pandas.PeriodIndex or None
        The observations' times as given (hidden from the displays).
    """

    deviance: float | np.ndarray = _r.series()
    dispersion: float | np.ndarray = _r.series()
    theta: float | np.ndarray = _r.series()
    nobs: int | np.ndarray = _r.series()
    status: str | np.ndarray = _r.series()
    method: str = _r.scalar()
    conf: float = _r.levels()
    _crit: np.ndarray | None = _r.hidden(default=None)
    _data: tuple | None = _r.hidden(default=None)
    _collapsed: np.ndarray | None = _r.hidden(default=None)
    per: str | None = _r.scalar(default=None)
    labels: pd.Index | None = _r.label(default=None)
    times: pd.Index | None = _r.hidden(default=None)

    def _fit_caveat(self, i: int) -> str:
        return _caveat(self, i)

    def conf_int(self):
        """Wald intervals of every coefficient: a DataFrame (terms x lower, upper) for one
        series; for several, a dict of two DataFrames (series x terms)."""
        import pandas as pd

        crit = np.asarray(self._crit)
        if isinstance(self.params, pd.Series):
            half = float(crit[0]) * self.bse
            return pd.DataFrame({"lower": self.params - half, "upper": self.params + half})
        half = self.bse.mul(crit, axis=0)
        return {"lower": self.params - half, "upper": self.params + half}


    def plot(self, ax=None, **options):
        """Observed rates and the fitted trend of a single series, in data units with the
        interval of the rate ratio as a band; ``options`` are the chart options (``title``,
        ``xlabel``, ``ylabel``, ``per``, ``annotate``, ``floor``, ``ceiling``).  Returns the
        Axes."""
        from .graphics.models import count_trend_chart

        return count_trend_chart(self, self._data, ax=ax, **options)


@distributed.dask_aware
@_frames.tidy(roles=("value", "exposure"), layout="series")
def count_trend(counts, exposure=None, t=None, period=None, season=None, family="poisson",
                conf=0.95, *, per=None, nan_policy="omit", errors="coerce",
                threads=None) -> CountTrendResult:
    """Log-linear trend in counts, with an exposure offset and season dummies.

    Fits log E[y_i] = log(exposure_i) + b0 + b1 t_i + season effects, for one series or for
    every row of a 2-D array (every column of a time-indexed DataFrame) in one call, and
    reports the rate ratio per unit of ``t`` (per ``per`` on a time axis).

    Also ``count_trend(df, value=<column>, time=<column>, by=<column(s)>,
    exposure=<column>, ...)`` for a tidy table with one row per series and time: one series per
    ``by`` group (a group's missing times are missing counts), labelled by the groups, whose
    columns ``to_frame()`` carries back.

    Parameters
    ----------
    counts : array_like, pandas.Series or pandas.DataFrame
        Whole, non-negative counts: one series (1-D, or a Series) or one series per row (2-D),
        or a DataFrame with a DatetimeIndex or PeriodIndex and one series per column (its
        columns name the series).  A Series or DataFrame with a time index is a time axis:
        ``t`` is the true spacing (whole months, quarters ... since the first observation; a
        missing month is missing, not closed up).  NaN marks a missing count (see
        ``nan_policy``).  Any other DataFrame is refused.
    exposure : array_like, pandas.Series or pandas.DataFrame, optional
        Population or other exposure (> 0), broadcast to the counts: a number, one value per
        observation, or one per series and observation; as pandas, with the counts' index (and
        columns).  Enters as the offset log(exposure).
    t : array_like, optional
        Time of each observation (finite, strictly increasing; gaps allowed): numbers, or
        datetimes or periods (a time axis, as a time index).  Default 0, 1, ..., n - 1, so the
        intercept is the log rate at the first observation.  Not with a time-indexed
        ``counts``.
    period : int, optional
        Season length (e.g. 12 for monthly data): season = position modulo ``period``, the first
        observation's season the reference.  Terms ``season_1`` ... ``season_{period-1}``.  On
        a time axis the seasons come from the calendar (``period=12`` on months: terms
        ``season_Feb`` ...; 4 on quarters: ``season_Q2`` ...), so a gap does not shift them; the
        first observation's season is the reference, the others follow round the calendar.
    season : array_like, optional
        Season labels, one per observation (e.g. month names); the first label is the
        reference and the others get dummies ``season_<label>`` in order of first appearance.
    family : {"poisson", "negbin"}
        Poisson (as R ``glm(family = poisson)``) or negative binomial with theta by maximum
        likelihood (as ``MASS::glm.nb``; coefficient SEs at that theta, dispersion 1).
    conf : float
        Confidence level of the Wald intervals, in (0, 1).
    per : {"month", "quarter", "year", "week", "day"}, optional
        On a time axis, the unit of time of ``rate_ratio``, its interval and
        ``percent_change``: exp(factor b1) with factor the periods of the axis in one ``per``
        (12 months in a year); default the axis' own unit.  ``params`` stay per period of the
        axis.  Refused without a time axis.
    nan_policy : {"omit", "propagate", "raise"}
        Keyword only.  ``"omit"`` (default) fits each series on its observed counts (keeping
        their ``t`` and season); ``"propagate"`` gives a series with a missing count NaN
        results and status ``"missing values"``; ``"raise"`` refuses missing counts.
    errors : {"coerce", "raise"}
        ``"coerce"``: a series that cannot be fitted gets NaN results and its ``status``;
        ``"raise"``: the first such series raises (``NumericalError`` for a rank-deficient
        design, ``ConvergenceError`` when the fit does not converge, ``ValueError`` for a
        series too short after missing counts are dropped).
    threads : int, optional
        Threads for a batch (default: all cores).

    Returns
    -------
    CountTrendResult
        ``rate_ratio`` = exp(b1), ``lower``, ``upper`` = exp(b1 -+ z se(b1)), ``pvalue`` (Wald z),
        ``percent_change`` = 100 (rate_ratio - 1), ``params``, ``bse``, ``pvalues`` named
        ``"intercept"``, ``"t"``, ``"season_<label>"``, ``deviance``, ``dispersion`` (Pearson
        chi-square / residual df), ``theta`` (negative binomial, else NaN), ``nobs``,
        ``status``, ``method``; ``per`` (the unit of time on a time axis, else None),
        ``labels`` (the series' names: a DataFrame's columns, the ``by`` groups) and ``times``
        (the observations' times as given).  Floats and Series for one series; arrays and
        DataFrames (a row per series) for several.

    Raises
    ------
    ValueError, TypeError
        Bad input: negative or non-integer counts, non-positive exposure, a non-increasing or
        non-finite ``t``, ``period`` with ``season``, fewer observations than coefficients + 1,
        unknown ``family``, ``conf`` outside (0, 1); an exposure whose index or columns differ
        from the counts', duplicate or unsorted times, a frequency that cannot be inferred,
        times given both as the index and as ``t``, a DataFrame without a time index, ``per``
        without a time axis, a tidy table's missing column or repeated (time, group) row.
    NumericalError, ConvergenceError
        With ``errors="raise"``, naming the series.

    Warns
    -----
    UserWarning
        A negative binomial fit that is effectively Poisson (theta over 100 times the mean
        count) although its Pearson dispersion shows more variation (over 1.5, and the Pearson
        chi-square significant at 5%); the narrative says so too.  It happens in short series
        with season terms: theta by maximum likelihood ignores the degrees of freedom the
        coefficients use (24 months with 13 coefficients: theta can run to 10^5 while the
        dispersion is 2).

    Notes
    -----
    Iteratively reweighted least squares as R's ``glm.fit``: start mu = y + 0.1, stop when
    ``|dev - dev_old| / (|dev| + 0.1) < 1e-8`` (at most 25 iterations), step halving on a
    non-finite deviance.  The negative binomial alternates IRLS with the Newton
    maximum-likelihood theta (``theta.ml``) until the log-likelihood and theta settle, as
    ``glm.nb``.  Standard errors come from the last weighted normal equations, as R's
    ``summary.glm``.  A season (or any term) without usable observations makes the design rank
    deficient: that series' status is ``"rank deficient"``.

    References
    ----------
    McCullagh P, Nelder JA (1989) Generalized Linear Models, 2nd ed., ch. 2 and 6.
    Venables WN, Ripley BD (2002) Modern Applied Statistics with S, 4th ed., sec. 7.4.

    Examples
    --------
    >>> from scrutiny.models import count_trend
    >>> y = [52, 49, 61, 58, 66, 60, 71, 69, 75, 73, 82, 80]
    >>> res = count_trend(y)
    >>> round(res.rate_ratio, 4), round(res.lower, 4), round(res.upper, 4), res.status
    (1.0429, 1.022, 1.0643, 'ok')
    >>> res.narrative("month")  # doctest: +NORMALIZE_WHITESPACE
    'Counts rose by 4.3% per month (95% CI +2.2% to +6.4%; p < 0.001): a rise more than chance
    would explain, significant at the 5% level.'

    The same counts over 14 months with May and June missing, per year:

    >>> import pandas as pd
    >>> months = pd.period_range("2024-01", periods=14, freq="M").delete([4, 5])
    >>> res = count_trend(pd.Series(y, index=months), per="year")
    >>> round(res.rate_ratio, 3), res.per
    (1.512, 'year')
    >>> res.narrative(measure="burglaries")  # doctest: +NORMALIZE_WHITESPACE
    'Burglaries rose by 51.2% a year (95% CI +23.8% to +84.8%; p < 0.001): a rise more than
    chance would explain, significant at the 5% level.'

    A tidy table, one series per force:

    >>> crimes = pd.DataFrame({"month": list(months) * 2, "force": ["North"] * 12 + ["South"] * 12,
    ...                        "crimes": y + y[::-1]})
    >>> res = count_trend(crimes, value="crimes", time="month", by="force")
    >>> res.to_frame()[["force", "rate_ratio", "per"]].round(3)
       force  rate_ratio    per
    0  North       1.035  month
    1  South       0.967  month
    """
    family = _v.choice(family, "family", _TREND_FAMILIES)
    conf = _v.conf_level(conf)
    policy = _v.nan_policy(nan_policy)
    errors = _v.choice(errors, "errors", _batch.ERRORS)
    nthreads = _v.threads(threads)
    si, exposure = _read(counts, "counts", t, exposure)
    factor, unit = _per(si.axis, per)
    y, single = _v.series(si.values, "counts", nan_policy=policy, nonneg=True, whole=True)
    n = y.shape[1]
    tt = np.arange(n, dtype=float) if si.t is None else _v.strictly_increasing(si.t, "t", n)
    codes, n_seasons, season_names = _seasons(si.axis, n, period, season)
    p = 1 + n_seasons
    _v.series_length(n, "counts", p + 1, f"a trend with {p} coefficients")
    expo, er, ec = _exposure(exposure, y.shape)
    fit = _core.glm_trend(
        y, None if expo is None else expo.reshape(-1), er, ec, tt, codes, n_seasons,
        _o.GLM_FAMILY.codes[family], conf, policy == "omit", nthreads)
    params, bse, pvals, crit = fit["params"], fit["bse"], fit["pvalues"], fit["crit"]
    labels = _batch.statuses(fit["status"], _batch.GLM_STATUS, "count_trend", errors)
    names = ["intercept", "t", *season_names]
    collapsed = _collapsed(fit, y, len(names)) if family == "negbin" else None
    if collapsed is not None:
        _warn_collapsed("count_trend", fit, collapsed, len(names), single)
    b, se = params[:, 1] * factor, bse[:, 1] * factor
    with np.errstate(over="ignore"):          # an enormous SE gives an infinite upper limit
        rate_ratio, lower, upper = np.exp(b), np.exp(b - crit * se), np.exp(b + crit * se)
    data = None
    if single:
        e = np.ones(n) if expo is None else np.broadcast_to(expo, y.shape)[0].copy()
        data = (y[0].copy(), e, tt, codes)
    method = ("Poisson log-linear trend (IRLS, as R glm)" if family == "poisson" else
              "negative binomial log-linear trend (theta by ML, as MASS::glm.nb)")
    return CountTrendResult(
        rate_ratio=_out(rate_ratio, single),
        lower=_out(lower, single),
        upper=_out(upper, single),
        pvalue=_out(pvals[:, 1], single),
        percent_change=_out(100 * (rate_ratio - 1), single),
        params=_frame_or_series(params, names, single, si.labels),
        bse=_frame_or_series(bse, names, single, si.labels),
        pvalues=_frame_or_series(pvals, names, single, si.labels),
        **_fit_summary(fit, labels, single),
        method=method,
        conf=conf,
        _crit=crit,
        _data=data,
        _collapsed=collapsed,
        per=unit,
        labels=si.labels,
        times=si.times,
    )


# ---- interrupted time series ------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class ITSResult(Result):
    """An interrupted time series (segmented regression; see :func:`its`).  Python values
    for one series, arrays for several.

    Attributes
    ----------
    params, bse, pvalues : pandas.Series or pandas.DataFrame
        The coefficients (on the log scale for count families), their standard errors and
        p-values: a Series indexed by term for one series, a DataFrame (series x terms) for
        several.
    level_change : float or numpy.ndarray
        The step at the intervention, per series.
    level_change_lower, level_change_upper : float or numpy.ndarray
        Its Wald interval, per series.
    slope_change : float or numpy.ndarray
        The change in slope at the intervention, per series.
    slope_change_lower, slope_change_upper : float or numpy.ndarray
        Its Wald interval, per series.
    relative_effect : float or numpy.ndarray
        The post-intervention total of ``fitted`` over that of ``counterfactual``, minus 1,
        per series.
    relative_lower, relative_upper : float or numpy.ndarray
        Its interval, per series.
    counterfactual, fitted : numpy.ndarray
        The means without and with the intervention terms at every observation (series x
        points; hidden from the displays).
    intervention : int or numpy.ndarray
        The index of the first point after the intervention, per series.
    family : str
        ``"gaussian"``, ``"poisson"`` or ``"negbin"``.
    hac_lags : int or numpy.ndarray
        The Newey-West lags of the standard errors (0: none), per series.
    deviance : float or numpy.ndarray
        The residual deviance, per series.
    dispersion : float or numpy.ndarray
        Pearson chi-square / residual degrees of freedom, per series.
    theta : float or numpy.ndarray
        The negative binomial shape (NaN for other families), per series.
    nobs : int or numpy.ndarray
        The observations used, per series.
    status : str or numpy.ndarray
        ``"ok"`` or why the series could not be fitted, per series.
    method : str
        The model and how the standard errors are computed.
    conf : float
        The confidence level of the intervals.
    per : str or None
        The unit of time of ``slope_change`` ("month", "year", ...) on a time axis; None when
        it is per time step.
    labels : pandas.Index or None
        The series' names (a DataFrame's columns, or the ``by`` groups of a tidy table).
    times : pandas.DatetimeIndex or pandas.PeriodIndex or None
        The observations' times as given (hidden from the displays).
    """

    params: pd.Series | pd.DataFrame = _r.detail()
    bse: pd.Series | pd.DataFrame = _r.detail()
    pvalues: pd.Series | pd.DataFrame = _r.detail()
    level_change: float | np.ndarray = _r.series()
    level_change_lower: float | np.ndarray = _r.series()
    level_change_upper: float | np.ndarray = _r.series()
    slope_change: float | np.ndarray = _r.series()
    slope_change_lower: float | np.ndarray = _r.series()
    slope_change_upper: float | np.ndarray = _r.series()
    relative_effect: float | np.ndarray = _r.series()
    relative_lower: float | np.ndarray = _r.series()
    relative_upper: float | np.ndarray = _r.series()
    counterfactual: np.ndarray = _r.hidden()
    fitted: np.ndarray = _r.hidden()
    intervention: int | np.ndarray = _r.series()
    family: str = _r.scalar()
    hac_lags: int | np.ndarray = _r.series()
    deviance: float | np.ndarray = _r.series()
    dispersion: float | np.ndarray = _r.series()
    theta: float | np.ndarray = _r.series()
    nobs: int | np.ndarray = _r.series()
    status: str | np.ndarray = _r.series()
    method: str = _r.scalar()
    conf: float = _r.levels()
    _crit: np.ndarray | None = _r.hidden(default=None)
    _y: np.ndarray | None = _r.hidden(default=None)
    _collapsed: np.ndarray | None = _r.hidden(default=None)
    per: str | None = _r.scalar(default=None)
    labels: pd.Index | None = _r.label(default=None)
    times: pd.Index | None = _r.hidden(default=None)
    _axis: TimeAxis | None = _r.hidden(default=None)

    def conf_int(self):
        """Intervals of every coefficient (as :meth:`CountTrendResult.conf_int`)."""
        return CountTrendResult.conf_int(self)


    def narrative(self, labels=None, measure: str | None = None, unit: str | None = None,
                  time=None) -> str | list[str]:
        """The change in level and in slope at the intervention, each tested at the level
        1 - ``conf``, and the relative effect against the counterfactual: a paragraph, or a
        list with one per series (named by ``labels``, by default the result's own).  Count
        families give the changes as percentages; ``time`` names the points (e.g. months;
        by default the result's times, so "From January 2025"), ``unit`` the time step (by
        default the result's ``per``, else "time step").

        Examples
        --------
        >>> from scrutiny.models import its
        >>> y = [40.1, 41.3, 39.8, 42.0, 41.7, 43.2, 35.9, 36.4, 35.1, 35.8, 34.9, 35.3]
        >>> res = its(y, intervention=6, hac_lags=1)
        >>> print(res.narrative(measure="the level"))  # doctest: +NORMALIZE_WHITESPACE
        From point 7, the level changed by -6.45 (95% CI -7.25 to -5.66; p < 0.001): a fall more
        than chance would explain, significant at the 5% level. The slope changed by -0.734 per
        time step (95% CI -0.950 to -0.518; p < 0.001): a fall more than chance would explain,
        significant at the 5% level. After the intervention the fitted values are on average 20.2%
        below the counterfactual (95% CI -22.4% to -18.0%), the values expected had the earlier
        level and trend continued; that difference is the intervention's effect only if nothing
        else changed at the same time.
        """
        scalar = np.ndim(self.level_change) == 0
        k = np.size(self.level_change)
        alpha = 1.0 - self.conf
        counts = self.family != "gaussian"
        get = {f: _n.flat(getattr(self, f), k).astype(float) for f in (
            "level_change", "level_change_lower", "level_change_upper", "slope_change",
            "slope_change_lower", "slope_change_upper", "relative_effect", "relative_lower",
            "relative_upper")}
        pvals = {t: _n.flat(self.pvalues[t], k).astype(float) for t in ("level_change",
                                                                          "slope_change")}
        start, status = _n.flat(self.intervention, k), _n.flat(self.status, k)
        subject = measure or ("the expected count" if counts else "the level")
        labels = _label_texts(self.labels if labels is None else labels)
        unit = unit or self.per or "time step"
        dated = time is not None or self._axis is not None

        def when(i):
            """Point i's time in words ("point i+1" without times)."""
            if time is None and self._axis is not None:
                return self._axis.text(i)
            return _n.when(i, time)

        def term(i, key, what, per):
            est, lo, hi = (get[key + s][i] for s in ("", "_lower", "_upper"))
            if counts:
                est, lo, hi = (100 * (np.exp(v) - 1) for v in (est, lo, hi))
                fmt, shown = _n.change, f"by {_n.change(est)}"
            else:
                fmt = _n.matched(est, sign=True)
                shown = f"by {fmt(est)}"
            p = pvals[key][i]
            detail = f"({_n.interval(lo, hi, self.conf, fmt)}; {_n.p_text(p, alpha)})"
            if np.isfinite(p) and p < alpha:
                verdict = _n.rise_or_fall(est > 0, alpha)
            else:
                verdict = _n.no_evidence(f"a change in {what}", alpha)
            return f"{shown}{per} {detail}: {verdict}."

        lines = []
        for i, name in enumerate(_n.names(labels, k, "Series", scalar)):
            if status[i] != "ok":
                lines.append(_n.prefix(name, f"not estimated ({status[i]})."))
                continue
            text = (f"from {when(start[i])}, {subject} changed "
                    f"{term(i, 'level_change', 'level', '')} The slope changed "
                    f"{term(i, 'slope_change', 'trend', f' per {unit}')}")
            rel = get["relative_effect"][i]
            if np.isfinite(rel):
                lo, hi = 100 * get["relative_lower"][i], 100 * get["relative_upper"][i]
                ci = _n.interval(lo, hi, self.conf, _n.change)
                if lo <= 0 <= hi:
                    ci += ", which includes no difference"
                since = f"Since {when(start[i])}" if dated else "After the intervention"
                text += (f" {since} the fitted values are on average "
                         f"{_n.change(100 * rel, sign=False)} "
                         f"{'above' if rel > 0 else 'below'} the "
                         f"counterfactual ({ci}), the values expected had the earlier level and "
                         "trend continued; that difference is the intervention's effect only if "
                         "nothing else changed at the same time.")
            lines.append(_n.prefix(name, text + _caveat(self, i)))
        return _n.one_or_many(lines, scalar)

    def plot(self, ax=None, **options):
        """Observed values, the fitted segments and the counterfactual (dashed) of a single
        series, the intervention marked; ``options``: ``title``, ``xlabel``, ``ylabel``."""
        from .graphics.models import its_chart

        return its_chart(self, self._y, ax=ax, **options)


@_frames.tidy(roles=("value", "exposure"), layout="series")
def its(y, intervention, family="gaussian", exposure=None, period=None, hac_lags=None,
        hac_adjust=False, conf=0.95, *, season=None, t=None, per=None, nan_policy="omit",
        errors="coerce", threads=None) -> ITSResult:
    """Interrupted time series: level and slope change at an intervention.

    Segmented regression with terms ``intercept``, ``time`` (1..n), ``level_change`` (1 from
    the 0-based index ``intervention`` on) and ``slope_change`` (max(0, time -
    intervention)), plus season dummies, for one series or every row of a 2-D array (every
    column of a time-indexed DataFrame).  On a time axis (or with ``t``) time is the true
    spacing, t + 1 with t the periods since the first observation, and the slope term
    max(0, time - time_k + 1) with time_k the intervention's time: a missing month is
    missing, and regular spacing gives the terms above.

    Also ``its(df, value=<column>, time=<column>, by=<column(s)>, intervention=<date>,
    exposure=<column>, ...)`` for a tidy table, as :func:`count_trend`.

    Parameters
    ----------
    y : array_like, pandas.Series or pandas.DataFrame
        One series (1-D, or a Series) or one series per row (2-D), or a DataFrame with a
        DatetimeIndex or PeriodIndex and one series per column (as :func:`count_trend`);
        whole counts for the count families.
    intervention : int, date, period, str or a sequence of them
        The first observation after the intervention (one for every series, or one per
        series): its 0-based index, or on a time axis its time as a Timestamp, Period or
        string ("2025-01"; a time between observations means the first observation after it).
        It must leave at least 2 observations before and after it; a time outside the series
        is refused, naming it.
    family : {"gaussian", "poisson", "negbin"}
        ``"gaussian"``: ordinary least squares with the Newey-West covariance, p-values and
        intervals from Student's t with n - k df, as R ``lm`` + ``sandwich::NeweyWest(lag =
        hac_lags, prewhite = FALSE, adjust = hac_adjust)`` + ``lmtest::coeftest``.
        ``"poisson"`` / ``"negbin"``: log-linear models as :func:`count_trend` (R ``glm`` /
        ``MASS::glm.nb``), with the exposure offset.
    exposure : array_like, pandas.Series or pandas.DataFrame, optional
        Exposure (> 0) for the count families, broadcast as in :func:`count_trend`.
    period : int, optional
        Season length: dummies for position modulo ``period``, or calendar seasons on a time
        axis (see :func:`count_trend`).
    hac_lags : int, optional
        Newey-West lags (gaussian).  None: R's automatic choice ``floor(bwNeweyWest(fit,
        prewhite = FALSE))``, reported in ``hac_lags``.
    hac_adjust : bool
        Multiply the Newey-West covariance by n / (n - k) (gaussian).
    conf : float
        Confidence level, in (0, 1).
    season : array_like, optional
        Season labels instead of ``period`` (see :func:`count_trend`).
    t : array_like, optional
        Time of each observation (strictly increasing): numbers (time = t - t[0] + 1), or
        datetimes or periods (a time axis).  Not with a time-indexed ``y``.
    per : {"month", "quarter", "year", "week", "day"}, optional
        On a time axis, the unit of time of ``slope_change`` and its interval (default the
        axis' own; ``params`` stay per period of the axis).  Refused without a time axis.
    nan_policy, errors, threads
        As :func:`count_trend` (``nan_policy`` keyword only, default ``"omit"``).  Omitted
        observations are skipped; for the gaussian family
        the Newey-West lags count the remaining observations as consecutive, as R with
        ``na.omit``.

    Returns
    -------
    ITSResult
        ``params``, ``bse``, ``pvalues`` (terms above), ``level_change``, ``slope_change`` with
        ``*_lower``, ``*_upper``; ``fitted`` and ``counterfactual`` (the fitted means with
        level_change = slope_change = 0) at every observation; ``relative_effect``,
        ``relative_lower``, ``relative_upper``; ``hac_lags``, ``deviance``, ``dispersion``,
        ``theta``, ``nobs``, ``status``, ``method``; ``per``, ``labels``, ``times`` as
        :func:`count_trend`.  ``intervention`` stays the 0-based position.

    Raises
    ------
    ValueError, TypeError
        As :func:`count_trend`; an intervention outside the series or too near either end,
        or given as a date without a time axis.

    Notes
    -----
    ``relative_effect`` R = sum(post fitted) / sum(post counterfactual) - 1 over the
    observations from ``intervention`` on: the average relative change in the level (the
    expected count for count families) that the intervention terms explain.  Its interval is
    exp(log(1 + R) -+ c se) - 1, with se from the delta method on log(sum fitted) -
    log(sum counterfactual) (gradient sum(w x) / sum(w) for each total, w = the fitted means for
    count families, 1 for gaussian) and the coefficients' covariance (Newey-West for
    gaussian), c the z or t critical value; NaN when either total is not positive.

    Warns
    -----
    UserWarning
        A negative binomial fit that collapsed to Poisson on overdispersed counts, as
        :func:`count_trend`.

    References
    ----------
    Wagner AK et al. (2002) J Clin Pharm Ther 27:299-309.
    Bernal JL, Cummins S, Gasparrini A (2017) Int J Epidemiol 46:348-355.
    Newey WK, West KD (1987) Econometrica 55:703-708; (1994) Rev Econ Stud 61:631-653.
    Zeileis A (2004) J Stat Softw 11(10).

    Examples
    --------
    >>> from scrutiny.models import its
    >>> y = [40.1, 41.3, 39.8, 42.0, 41.7, 43.2, 35.9, 36.4, 35.1, 35.8, 34.9, 35.3]
    >>> res = its(y, intervention=6, hac_lags=1)
    >>> round(res.level_change, 2), round(res.slope_change, 3), res.status
    (-6.45, -0.734, 'ok')
    >>> round(res.relative_effect, 3)
    -0.202

    The same series as months, the intervention a month:

    >>> import pandas as pd
    >>> s = pd.Series(y, index=pd.period_range("2024-03", periods=12, freq="M"))
    >>> res = its(s, intervention="2024-09", hac_lags=1)
    >>> round(res.level_change, 2), res.intervention, res.per
    (-6.45, 6, 'month')
    >>> print(res.narrative())  # doctest: +ELLIPSIS
    From September 2024, the level changed by -6.45 ... The slope changed by -0.734 per month ...
    """
    family = _v.choice(family, "family", _ITS_FAMILIES)
    conf = _v.conf_level(conf)
    policy = _v.nan_policy(nan_policy)
    errors = _v.choice(errors, "errors", _batch.ERRORS)
    nthreads = _v.threads(threads)
    hac_adjust = _v.boolean(hac_adjust, "hac_adjust")
    gaussian = family == "gaussian"
    if gaussian and exposure is not None:
        raise ValueError("exposure applies only to the count families ('poisson', 'negbin')")
    if not gaussian and (hac_lags is not None or hac_adjust):
        raise ValueError("hac_lags and hac_adjust apply only to family='gaussian'")
    lags = -1 if hac_lags is None else _v.whole_number(hac_lags, "hac_lags", minimum=0)
    si, exposure = _read(y, "y", t, exposure)
    factor, unit = _per(si.axis, per)
    y2, single = _v.series(si.values, "y", nan_policy=policy, nonneg=not gaussian,
                           whole=not gaussian)
    rows, n = y2.shape
    time = None if si.t is None else _v.strictly_increasing(si.t, "t", n)
    if time is not None:
        time = time - time[0] + 1.0             # 1 at the first observation, as without t
    codes, n_seasons, season_names = _seasons(si.axis, n, period, season)
    p = len(_ITS_TERMS) + n_seasons - 1
    _v.series_length(n, "y", max(p + 1, 4), f"an interrupted series with {p} coefficients")
    k = _v.index_within(_intervention_positions(intervention, si.axis, n), "intervention", 2,
                        n - 2, "leaving at least 2 observations before and after it")
    if k.ndim == 1 and k.size != rows:
        raise ValueError(f"intervention has {k.size} values but there are {rows} series")
    expo, er, ec = _exposure(exposure, y2.shape)
    fit = _core.glm_its(
        y2, None if expo is None else expo.reshape(-1), er, ec, k.reshape(-1), time, codes,
        n_seasons, _o.GLM_FAMILY.codes[family], lags, bool(hac_adjust), conf, policy == "omit",
        nthreads)
    params, bse, pvals, crit = fit["params"], fit["bse"], fit["pvalues"], fit["crit"]
    fitted, cf = fit["fitted"], fit["counterfactual"]
    labels = _batch.statuses(fit["status"], _batch.GLM_STATUS, "its", errors)
    names = [*_ITS_TERMS, *season_names]
    collapsed = _collapsed(fit, y2, len(names)) if family == "negbin" else None
    if collapsed is not None:
        _warn_collapsed("its", fit, collapsed, len(names), single)
    lvl, slp = 2, 3
    slope, slope_se = params[:, slp] * factor, bse[:, slp] * factor
    if gaussian:
        method = ("segmented regression: OLS with Newey-West covariance (as sandwich::NeweyWest"
                  " + lmtest::coeftest)")
    elif family == "poisson":
        method = "segmented Poisson regression (IRLS, as R glm)"
    else:
        method = "segmented negative binomial regression (as MASS::glm.nb)"
    return ITSResult(
        params=_frame_or_series(params, names, single, si.labels),
        bse=_frame_or_series(bse, names, single, si.labels),
        pvalues=_frame_or_series(pvals, names, single, si.labels),
        level_change=_out(params[:, lvl], single),
        level_change_lower=_out(params[:, lvl] - crit * bse[:, lvl], single),
        level_change_upper=_out(params[:, lvl] + crit * bse[:, lvl], single),
        slope_change=_out(slope, single),
        slope_change_lower=_out(slope - crit * slope_se, single),
        slope_change_upper=_out(slope + crit * slope_se, single),
        relative_effect=_out(fit["relative_effect"], single),
        relative_lower=_out(fit["relative_lower"], single),
        relative_upper=_out(fit["relative_upper"], single),
        counterfactual=cf[0] if single else cf,
        fitted=fitted[0] if single else fitted,
        intervention=(int(k.reshape(-1)[0]) if single else
                      np.broadcast_to(k.reshape(-1), (rows,)).astype(np.int64)),
        family=family,
        hac_lags=_out(fit["hac_lags"], single),
        **_fit_summary(fit, labels, single),
        method=method,
        conf=conf,
        _crit=crit,
        _y=y2[0].copy() if single else None,
        _collapsed=collapsed,
        per=unit,
        labels=si.labels,
        times=si.times,
        _axis=si.axis,
    )


def _intervention_positions(intervention, axis: TimeAxis | None, n: int):
    """``intervention`` with its dates (Timestamps, Periods, strings such as "2025-01") made
    0-based positions on ``axis``; a date outside the series, or too near either end of it, is
    refused naming it.  Numbers pass on as given."""
    def position(value):
        if isinstance(value, (numbers.Number, np.number, np.bool_)):
            return value                # index_within checks it
        if axis is None:
            raise TypeError(f"intervention {value!r} is a date but y has no time axis: give y "
                            "a DatetimeIndex or PeriodIndex (or t= as dates), or a position")
        i = axis.position(value, "intervention")
        if not 2 <= i <= n - 2:
            raise ValueError(f"intervention {axis.text(i)} is too near the "
                             f"{'start' if i < 2 else 'end'} of the series ({axis.text(0)} to "
                             f"{axis.text(n - 1)}): an interrupted series needs at least 2 "
                             "observations before the intervention and 2 from it on")
        return i

    if isinstance(intervention, str) or np.ndim(intervention) == 0:
        return position(intervention)
    if isinstance(intervention, np.ndarray) and intervention.dtype.kind in "biuf":
        return intervention
    return np.asarray([position(v) for v in intervention])
