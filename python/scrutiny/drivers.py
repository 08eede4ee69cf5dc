"""Satisfaction drivers: which parts of the service drive victims' overall satisfaction?

A victim survey asks about overall satisfaction and about each part of the service (ease of
contact, time to arrive, actions taken, being kept informed, treatment).  The parts are
correlated with each other, so a regression coefficient alone does not say how much each one
matters.  ``relative_importance`` shares the model's explained variation out among the drivers:
exactly, as the Shapley value over every subset of drivers (LMG), by Johnson's relative weights,
by dominance analysis, or by the simpler first / last / betasq / pratt measures; for linear
models (R²) and for logistic and ordinal models (McFadden's pseudo-R²), with case (survey)
weights and seeded bootstrap intervals.  ``key_drivers`` sets importance against performance
(importance-performance analysis).  ``logistic`` and ``ordinal_logistic`` fit the models
themselves.  All fits and every subset and bootstrap replicate run in the C core, in parallel.
Numbers follow R ``glm``, ``survey::svyglm``, ``MASS::polr`` and ``relaimpo``, as each
function says.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

from . import _batch, _core
from . import _frames as _f
from . import _narrative as _n
from . import _options as _o
from . import _results as _r
from . import _validation as _v
from ._results import Result
from .errors import ConvergenceError

__all__ = [
    "logistic", "ordinal_logistic", "relative_importance", "key_drivers",
    "LogisticResult", "OrdinalLogisticResult", "RelativeImportanceResult", "KeyDriversResult",
]

_NAN_POLICIES = ("omit", "raise")
_SE = ("model", "robust")
_PERFORMANCE = ("mean", "top_box")
# Fit outcomes of the C core (sc_logit_outcome, csrc/core/sc_logit.h).
_FIT_OK, _FIT_SEPARATION = 0, 1
_QUADRANTS = ("concentrate here", "keep up the good work", "low priority", "possible overkill")
# The table form of the model functions: (df, outcome, drivers, weights=<column>).
_TABLE = _f.tidy(roles=("outcome", "drivers"), layout="records", to={"outcome": "y",
                                                                      "drivers": "X"},
                 columns=("weights",))
_METHOD_TITLES = {
    "lmg": "LMG (Shapley value)", "relative_weights": "relative weights",
    "dominance": "general dominance", "first": "first", "last": "last",
    "betasq": "squared standardised coefficient", "pratt": "Pratt",
}


# ---- shared data preparation -----------------------------------------------------------------

@dataclasses.dataclass
class _Data:
    x: np.ndarray               # (n, p) complete rows of positive weight
    y: np.ndarray               # outcome (0/1, level codes, or values)
    w: Any                      # weights or None
    names: list
    n_dropped: int              # rows left out for missing values
    levels: list | None = None  # ordinal level labels
    called: tuple = ("X", "y")  # the drivers' and the outcome's names in messages


def _tamed(a: np.ndarray) -> np.ndarray:
    """Columns (or a vector) with values beyond 2^400 scaled by an exact power of 2 to a
    largest magnitude near 2^400, so that sums of squares stay finite and small values normal;
    others unchanged.  For statistics that do not depend on the scale of each variable (R² and
    its shares)."""
    top = np.max(np.abs(a), axis=0)
    if not np.any(top > 2.0**400):
        return a
    return np.ldexp(a, np.where(top > 2.0**400, 400 - np.frexp(top)[1], 0))


def _pandas_numbers(values):
    """A pandas Series of numbers (nullable integers and booleans included) as float64 with NaN
    for missing values; other Series unchanged."""
    kind = getattr(values.dtype, "kind", "O")
    return values.to_numpy(dtype=np.float64, na_value=np.nan) if kind in "biuf" else values


def _prepare(X, y, weights, nan_policy: str, outcome: str, levels=None,
             called=("X", "y")) -> _Data:
    """Validated drivers, outcome and weights: complete rows (listwise deletion, or an error
    under nan_policy="raise"), rows of weight 0 left out, full-rank drivers.  ``called``
    are the drivers' and the outcome's names in messages."""
    xn, yn = called
    nan_policy = _v.choice(nan_policy, "nan_policy", _NAN_POLICIES)
    x, names = _v.design(X, xn)
    n = x.shape[0]
    labels = None
    if hasattr(y, "to_numpy") and not isinstance(y, np.ndarray):
        y = _pandas_numbers(y)
    if outcome == "ordinal":
        yv, labels = _v.ordinal_outcome(y, yn, levels)
    else:
        yv = np.array(_v.as_float_array(y, yn), dtype=np.float64)
    _v.size_is(yv, yn, n, f"one value per row of {xn}")
    if hasattr(weights, "to_numpy") and not isinstance(weights, np.ndarray):
        weights = _pandas_numbers(weights)
    w = None if weights is None else _v.case_weights(weights, n)
    keep = _v.complete_rows({xn: x, yn: yv}, nan_policy, columns={xn: names})
    n_dropped = int(n - keep.sum())
    if w is not None:
        keep &= w > 0
    if not keep.all():
        x, yv = np.ascontiguousarray(x[keep]), np.ascontiguousarray(yv[keep])
        w = None if w is None else np.ascontiguousarray(w[keep], dtype=np.float64)
    _v.enough_rows(x, n_dropped, xn)
    if outcome == "binary":
        _v.binary_outcome(yv, yn)
    elif outcome == "ordinal":
        _v.levels_present(yv, labels, w, yn)
    else:
        _v.varies(yv, yn)
    _v.full_rank(x, yv, names, w, xn)
    return _Data(x, yv, w, names, n_dropped, labels, called)


def _series(values, names, name=None):
    import pandas as pd

    return pd.Series(np.asarray(values, dtype=np.float64), index=list(names), name=name)


def _separated(func: str, data: _Data, slopes: np.ndarray) -> ConvergenceError:
    """The error for separation, naming the drivers along which the fit runs away (those
    whose coefficient times standard deviation is at least half the largest)."""
    sd = data.x.std(axis=0)
    size = np.abs(slopes) * sd
    named = [data.names[j] for j in np.flatnonzero(size >= 0.5 * size.max())] if size.size else []
    which = f" by {', '.join(repr(v) for v in named)} in {data.called[0]}" if named else ""
    return ConvergenceError(
        f"{func}: the outcome is completely or quasi-completely separated{which}: some "
        f"combination of drivers predicts it perfectly, so the likelihood has no maximum "
        f"(fitted probabilities go to 0 or 1 and the coefficients to infinity). Leave out or "
        f"merge the driver(s), or merge sparse outcome levels"
        f"{_v.few_effective_rows(data.w, data.x.shape[1])}")


def _fit(func: str, data: _Data, levels: int, ordinal: bool, robust: bool = False):
    """One C fit (binary, or ordinal with ``levels`` levels); separation and non-convergence
    raise ConvergenceError."""
    xn, yn = data.called
    with _v.core_domain(f"{func}: {xn}, {yn} or weights",
                        note=_v.few_effective_rows(data.w, data.x.shape[1])):
        out = _core.logit_fit(data.x, data.y, data.w, levels, ordinal, robust)
    outcome, coef, cov, rcov, loglik, loglik0, iterations = (
        out[k] for k in ("outcome", "coef", "cov", "robust_cov", "loglik", "loglik_null",
                         "iterations"))
    if outcome != _FIT_OK:
        p = data.x.shape[1]
        slopes = coef[:p] if ordinal else coef[1:]
        if outcome == _FIT_SEPARATION:
            raise _separated(func, data, slopes)
        raise ConvergenceError(f"{func}: Newton-Raphson did not converge in {iterations} "
                               f"iterations")
    return coef, cov, rcov, loglik, loglik0, iterations


def _wald(coef, se, df, conf):
    return _core.logit_wald(np.ascontiguousarray(coef), np.ascontiguousarray(se), df, conf)


def _conf_int(params, bse, crit):
    import pandas as pd

    return pd.DataFrame({"lower": params - crit * bse, "upper": params + crit * bse})


# ---- words ------------------------------------------------------------------------------------

_CAVEAT = ("These are associations in these data, not proof that changing a driver would "
           "change {outcome}.")


def _respondents(nobs: int, n_dropped: int) -> str:
    dropped = f"; {n_dropped:,} with missing answers left out" if n_dropped else ""
    return f"{_n.plural(nobs, 'respondent')}{dropped}"


def _odds_lines(fit, outcome: str, odds_of: str, adjust) -> list[str]:
    """One sentence per driver: its odds ratio per unit with the interval and the test at the
    level 1 - conf."""
    alpha = 1.0 - fit.conf
    terms = [t for t in fit.params.index if t != "intercept"]
    ci = fit.conf_int().loc[terms]
    pvalues = fit.pvalues[terms].to_numpy(dtype=float)
    verdicts = _n.verdicts(pvalues, alpha, adjust, "drivers")
    lines = []
    for term, p, verdict, lo, hi in zip(terms, pvalues, verdicts, ci["lower"], ci["upper"]):
        ratio = _n.ratio(np.exp(fit.params[term]))
        interval = _n.interval(np.exp(lo), np.exp(hi), fit.conf, _n.ratio)
        stats = _n.joined(_n.p_text(p, alpha), verdict.note)
        if verdict.significant:
            lines.append(f"Each one-unit increase in '{term}' goes with {ratio} times the odds "
                         f"of {odds_of} ({interval}; {stats}), other drivers held fixed: "
                         f"{_n.beyond_chance('an association', alpha)}.")
        else:
            lines.append(f"'{term}': {_n.no_evidence(f'an association with {outcome}', alpha)} "
                         f"(odds ratio {ratio} per unit, {interval}; {stats}).")
    return lines


_SHARE_METHODS = ("lmg", "dominance", "relative_weights")


def _ranking(names, shares, lower, upper, conf, method: str, model: str, outcome: str) -> list:
    """The most important driver (with its interval), the next two, and whether the top two's
    intervals overlap; ``names`` etc. sorted by importance, most important first."""
    if method in _SHARE_METHODS:
        whole = ("the explained variation in " if model == "linear"
                 else "McFadden's R² for ") + outcome
        lead = f"explains the largest share of {whole}"
    else:
        lead = f"has the largest importance by {_METHOD_TITLES[method]}, as a share of the total"
    sentence = f"'{names[0]}' matters most: it {lead}, {_n.percent(shares[0], 0)}"
    if lower is not None:
        shown = _n.interval(lower[0], upper[0], conf, lambda v: _n.percent(v, 0),
                            "bootstrap interval")
        sentence += f" ({shown})"
    rest = ", ".join(f"'{d}' ({_n.percent(v, 0)})" for d, v in zip(names[1:3], shares[1:3]))
    lines = [sentence + (f", then {rest}." if rest else ".")]
    if lower is not None and len(names) > 1 and upper[1] >= lower[0]:
        lines.append(f"The intervals of '{names[0]}' and '{names[1]}' overlap, so their order "
                     "is not certain.")
    return lines


def _fit_sentence(p: int, r2: float, model: str, outcome: str, nobs: int, n_dropped: int,
                  method: str, r2_interval: str = "") -> str:
    """What the drivers together explain, and how importance is measured."""
    if model == "linear":
        head = f"explain {_n.percent(r2)} of the variation in {outcome}"
        parts = [f"R² = {r2:.2f}"]
    else:
        head = f"give McFadden's R² = {r2:.3f} for {outcome}"
        parts = []
    parts += [r2_interval, f"{model} model", _respondents(nobs, n_dropped)]
    how = (f"Importance is each driver's share of that, by {_METHOD_TITLES[method]}."
           if method in _SHARE_METHODS else
           f"Importance is by {_METHOD_TITLES[method]}, shown as shares of the total.")
    return f"The {p} drivers together {head} ({'; '.join(t for t in parts if t)}). {how}"


# ---- logistic regression ---------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class LogisticResult(Result):
    """A binary logistic regression (see :func:`logistic`); ``to_frame()`` has one row per
    term with its interval and odds ratio.

    Attributes
    ----------
    params : pandas.Series
        The coefficients (log odds ratios), indexed by term, ``"intercept"`` first.
    bse : pandas.Series
        Their standard errors.
    zvalues : pandas.Series
        params / bse.
    pvalues : pandas.Series
        The Wald p-values.
    loglik : float
        The log-likelihood.
    deviance, null_deviance : float
        -2 loglik of the model and of the intercept-only model.
    aic : float
        Akaike's information criterion.
    pseudo_r2 : float
        McFadden's R², 1 - loglik / loglik of the null model.
    se : str
        ``"model"`` or ``"robust"`` (design-based) standard errors.
    conf : float
        The confidence level of :meth:`conf_int`.
    df_resid : float
        Residual degrees of freedom, n - k - 1.
    nobs : int
        The respondents used.
    n_dropped : int
        The rows left out for missing values.
    iterations : int
        Newton-Raphson iterations.
    cov : pandas.DataFrame
        The covariance matrix of the coefficients (hidden from the displays).
    method : str
        The model and how it is fitted.
    """

    params: pd.Series = _r.term(frame="estimate")
    bse: pd.Series = _r.term(frame="se")
    zvalues: pd.Series = _r.term(frame="z")
    pvalues: pd.Series = _r.term(frame="pvalue")
    loglik: float = _r.scalar(frame=False)
    deviance: float = _r.scalar(frame=False)
    null_deviance: float = _r.scalar(frame=False)
    aic: float = _r.scalar(frame=False)
    pseudo_r2: float = _r.scalar(frame=False)
    se: str = _r.scalar(frame=False)
    conf: float = _r.scalar(frame=False)
    df_resid: float = _r.scalar(frame=False)
    nobs: int = _r.scalar(frame=False)
    n_dropped: int = _r.scalar(frame=False)
    iterations: int = _r.scalar(frame=False)
    cov: pd.DataFrame = _r.hidden()
    method: str = _r.scalar(frame=False, default="logistic regression (Newton-Raphson)")
    _crit: float = _r.hidden(default=np.nan)
    _df: float = _r.hidden(default=0.0)

    def conf_int(self, conf: float | None = None):
        """Wald intervals of every coefficient (a DataFrame with ``lower`` and ``upper``),
        at ``conf`` (default: the level of the fit): normal quantiles for model-based standard
        errors (R ``confint.default``), Student t with ``df_resid`` degrees of freedom for
        ``se="robust"`` (``survey``'s ``confint.svyglm``)."""
        crit = self._crit if conf is None else _wald([0.0], [1.0], self._df, _v.conf_level(conf))[2]
        return _conf_int(self.params, self.bse, crit)

    def to_frame(self):
        """One row per term: estimate, se, z, p-value, interval and odds ratio."""
        frame = super().to_frame()
        ci = self.conf_int()
        frame["lower"], frame["upper"] = ci["lower"].to_numpy(), ci["upper"].to_numpy()
        frame["odds_ratio"] = np.exp(frame["estimate"].to_numpy())
        return frame

    def narrative(self, outcome: str = "the outcome", adjust=None) -> str:
        """The fit and each driver's odds ratio per unit, tested at the level 1 - ``conf``, in
        plain English, one sentence per line.  ``outcome`` names what y = 1 means (e.g.
        ``"being satisfied"``); ``adjust`` (a :func:`scrutiny.multiple_testing` method) decides
        on p-values adjusted across the drivers.

        Examples
        --------
        >>> import numpy as np
        >>> from scrutiny.drivers import logistic
        >>> x = np.array([0.5, 1.2, 2.3, 2.9, 3.4, 4.1, 4.8, 5.5])
        >>> y = np.array([0, 0, 1, 0, 1, 0, 1, 1])
        >>> lines = logistic(x, y).narrative("an arrest").splitlines()
        >>> print(lines[1])  # doctest: +NORMALIZE_WHITESPACE
        'x1': no evidence of an association with an arrest at the 5% level (odds ratio 2.51 per
        unit, 95% CI 0.68 to 9.18; p = 0.166).
        """
        errors = "design-based (robust)" if self.se == "robust" else "model-based"
        head = (f"Logistic regression of {outcome} on {_n.plural(len(self.params) - 1, 'driver')}"
                f" ({_respondents(self.nobs, self.n_dropped)}; McFadden's R² = "
                f"{self.pseudo_r2:.3f}; {errors} standard errors).")
        return "\n".join([head, *_odds_lines(self, outcome, outcome, adjust),
                          _CAVEAT.format(outcome=outcome)])


@_TABLE
@_f.keyword_only
def logistic(X, y, weights=None, se="model", conf=0.95, *,
             nan_policy="omit") -> LogisticResult:
    """Binary logistic regression with case or survey weights, as R ``glm(family=binomial)``.

    Also ``logistic(df, outcome, drivers, weights=None, ...)``: a table with one row per
    respondent and the columns named (``weights`` a column name too); the same numbers as
    ``logistic(df[drivers], df[outcome], df[weights])``.

    Parameters
    ----------
    X : DataFrame or array_like
        Drivers, one column each (a DataFrame's column names become the term names; an
        array's columns are ``x1``, ``x2``, ...).  An intercept is added first, named
        ``"intercept"``.
    y : array_like
        The outcome, 0 or 1 (or booleans), one per row of ``X``.
    weights : array_like or str, optional
        Case or survey weights, finite and >= 0 (R's prior weights; a column name in the table
        form).  Rows of weight 0 are left out.
    se : {"model", "robust"}
        ``"model"``: the inverse information matrix (as ``summary(glm(...))``), with normal
        p-values.  ``"robust"``: the design-based sandwich of ``survey::svyglm`` with
        ``svydesign(ids=~1, weights=~w)``, with Student t p-values on n - k - 1 degrees of
        freedom (as ``summary.svyglm``).
    conf : float
        Level of the intervals of :meth:`LogisticResult.conf_int`.
    nan_policy : {"omit", "raise"}, keyword-only
        Rows with a missing value (NaN) in ``X`` or ``y`` are left out (their number is
        ``n_dropped``; the default), or raise ``ValueError``.

    Returns
    -------
    LogisticResult
        ``params``, ``bse``, ``zvalues``, ``pvalues`` (Series by term), ``conf_int()``,
        ``loglik``, ``deviance``, ``null_deviance``, ``aic``, ``pseudo_r2`` (McFadden),
        ``nobs``, ``n_dropped``, ``df_resid``, ``cov``.

    Raises
    ------
    ValueError
        Outcome not 0/1 or with one level, negative or NaN weights, constant or perfectly
        collinear drivers (named), too few rows, mismatched lengths; in the table form a
        column that is not in the table, or one named for two roles (the outcome among the
        drivers).
    TypeError
        Drivers that are not numbers (the column is named).
    scrutiny.ConvergenceError
        Complete or quasi-complete separation (the message names the drivers), or no
        convergence.

    Notes
    -----
    The log-likelihood is the weighted one, logL = sum_i w_i [y_i log p_i + (1 - y_i)
    log(1 - p_i)]; deviance = -2 logL (R's residual deviance with prior weights), AIC =
    deviance + 2 (k + 1) (R's AIC when the weights are whole numbers; R rounds fractional
    weights there), McFadden's pseudo-R² = 1 - logL / logL(intercept only).  Estimates come
    from Newton-Raphson iterated to a relative change of 1e-10 in logL, closer to the maximum
    than R's default ``glm.control(epsilon=1e-8)``.

    References
    ----------
    McCullagh P, Nelder JA (1989) Generalized Linear Models, 2nd ed., ch. 4.
    Lumley T (2010) Complex Surveys: A Guide to Analysis Using R, ch. 5.
    Albert A, Anderson JA (1984) On the existence of maximum likelihood estimates in logistic
    regression models. Biometrika 71:1-10.

    Examples
    --------
    >>> import numpy as np
    >>> from scrutiny.drivers import logistic
    >>> x = np.array([0.5, 1.2, 2.3, 2.9, 3.4, 4.1, 4.8, 5.5])
    >>> y = np.array([0, 0, 1, 0, 1, 0, 1, 1])
    >>> fit = logistic(x, y)
    >>> round(float(fit.params["x1"]), 4), round(float(fit.pvalues["x1"]), 4)
    (0.9187, 0.1656)
    >>> import scrutiny as sc
    >>> survey = sc.data.sample("victim_survey")
    >>> survey["satisfied"] = (survey["overall"] >= 4).astype(float)
    >>> fit = logistic(survey, "satisfied", ["kept_informed", "treatment"], weights="weight")
    >>> list(fit.params.index)
    ['intercept', 'kept_informed', 'treatment']
    """
    se = _v.choice(se, "se", _SE)
    conf = _v.conf_level(conf)
    data = _prepare(X, y, weights, nan_policy, "binary")
    coef, cov, rcov, loglik, loglik0, iterations = _fit("logistic", data, 2, False, se == "robust")
    n, k = data.x.shape
    vcov = rcov if se == "robust" else cov
    bse = np.sqrt(np.diag(vcov))
    df = float(n - k - 1) if se == "robust" else 0.0
    z, pvalues, crit = _wald(coef, bse, df, conf)
    import pandas as pd

    terms = ["intercept", *data.names]
    return LogisticResult(
        params=_series(coef, terms), bse=_series(bse, terms), zvalues=_series(z, terms),
        pvalues=_series(pvalues, terms), loglik=float(loglik), deviance=float(-2 * loglik),
        null_deviance=float(-2 * loglik0), aic=float(-2 * loglik + 2 * (k + 1)),
        pseudo_r2=float(1 - loglik / loglik0), se=se, conf=conf, df_resid=float(n - k - 1),
        nobs=int(n), n_dropped=data.n_dropped, iterations=int(iterations),
        cov=pd.DataFrame(vcov, index=terms, columns=terms), _crit=float(crit), _df=df)


# ---- ordinal logistic regression -------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class OrdinalLogisticResult(Result):
    """A proportional-odds model (see :func:`ordinal_logistic`); ``to_frame()`` has one row
    per coefficient and threshold (``kind``), thresholds untested.

    Attributes
    ----------
    params : pandas.Series
        The coefficients β (log odds ratios of a higher rating), indexed by driver.
    bse, zvalues, pvalues : pandas.Series
        Their standard errors, z statistics and Wald p-values.
    thresholds : pandas.Series
        The cut points ζ, indexed by the boundary between levels (``"1|2"``, as
        ``MASS::polr``).
    thresholds_bse : pandas.Series
        Their standard errors.
    loglik : float
        The log-likelihood.
    deviance, null_deviance : float
        -2 loglik of the model and of the intercept-only model.
    aic : float
        Akaike's information criterion.
    pseudo_r2 : float
        McFadden's R², 1 - loglik / loglik of the null model.
    levels : list
        The ordered levels of the outcome.
    conf : float
        The confidence level of :meth:`conf_int`.
    nobs : int
        The respondents used.
    n_dropped : int
        The rows left out for missing values.
    iterations : int
        Newton-Raphson iterations.
    cov : pandas.DataFrame
        The covariance matrix of the coefficients (hidden from the displays).
    method : str
        The model and how it is fitted.
    """

    params: pd.Series = _r.term(frame="estimate")
    bse: pd.Series = _r.term(frame="se")
    zvalues: pd.Series = _r.term(frame="z")
    pvalues: pd.Series = _r.term(frame="pvalue")
    thresholds: pd.Series = _r.unit("threshold", frame=False)
    thresholds_bse: pd.Series = _r.unit("threshold", frame=False)
    loglik: float = _r.scalar(frame=False)
    deviance: float = _r.scalar(frame=False)
    null_deviance: float = _r.scalar(frame=False)
    aic: float = _r.scalar(frame=False)
    pseudo_r2: float = _r.scalar(frame=False)
    levels: list = _r.detail()
    conf: float = _r.scalar(frame=False)
    nobs: int = _r.scalar(frame=False)
    n_dropped: int = _r.scalar(frame=False)
    iterations: int = _r.scalar(frame=False)
    cov: pd.DataFrame = _r.hidden()
    method: str = _r.scalar(frame=False,
                            default="proportional-odds logistic regression (Newton-Raphson)")
    _crit: float = _r.hidden(default=np.nan)

    def conf_int(self, conf: float | None = None):
        """Wald intervals of the driver coefficients (normal quantiles; a DataFrame)."""
        crit = self._crit if conf is None else _wald([0.0], [1.0], 0.0, _v.conf_level(conf))[2]
        return _conf_int(self.params, self.bse, crit)

    def to_frame(self):
        """One row per coefficient and threshold: estimate, se, z, p-value (thresholds: no test)."""
        import pandas as pd

        rows = super().to_frame()
        rows.insert(1, "kind", "coefficient")
        ci = self.conf_int()
        rows["lower"], rows["upper"] = ci["lower"].to_numpy(), ci["upper"].to_numpy()
        cuts = pd.DataFrame({"term": self.thresholds.index, "kind": "threshold",
                             "estimate": self.thresholds.to_numpy(),
                             "se": self.thresholds_bse.to_numpy()})
        return pd.concat([rows, cuts], ignore_index=True)

    def narrative(self, outcome: str = "the outcome", adjust=None) -> str:
        """The fit and each driver's odds ratio of a higher rating per unit, tested at the
        level 1 - ``conf``, one sentence per line (``outcome`` names the rating, ``adjust`` as
        :meth:`LogisticResult.narrative`)."""
        head = (f"Proportional-odds regression of {outcome} ({len(self.levels)} ordered levels) "
                f"on {_n.plural(len(self.params), 'driver')} "
                f"({_respondents(self.nobs, self.n_dropped)}; McFadden's R² = "
                f"{self.pseudo_r2:.3f}).")
        odds = _odds_lines(self, outcome, f"a higher rating of {outcome}", adjust)
        return "\n".join([head, *odds, _CAVEAT.format(outcome=outcome)])


@_TABLE
@_f.keyword_only
def ordinal_logistic(X, y, weights=None, conf=0.95, *, nan_policy="omit",
                     levels=None) -> OrdinalLogisticResult:
    """Proportional-odds (ordinal) logistic regression, as ``MASS::polr``.

    Also ``ordinal_logistic(df, outcome, drivers, weights=None, ...)``, as :func:`logistic`.

    Parameters
    ----------
    X : DataFrame or array_like
        Drivers, one column each (no intercept: the thresholds play its part).
    y : array_like
        The ordered outcome (e.g. satisfaction 1-7): numbers, whose sorted distinct values are
        the levels; or a pandas Categorical, whose categories (in order) are the levels.
    weights : array_like or str, optional
        Case or survey weights (finite, >= 0; a column name in the table form); rows of
        weight 0 are left out.
    conf : float
        Level of the intervals of :meth:`OrdinalLogisticResult.conf_int`.
    nan_policy : {"omit", "raise"}, keyword-only
        Listwise deletion of rows with a missing value (counted in ``n_dropped``; the
        default), or an error.
    levels : sequence, optional, keyword-only
        The levels in order, when ``y`` holds labels or some levels might be missing.

    Returns
    -------
    OrdinalLogisticResult
        ``params`` (β), ``bse``, ``zvalues``, ``pvalues``, ``thresholds`` (ζ),
        ``thresholds_bse``, ``loglik``, ``deviance`` (-2 logL), ``null_deviance``, ``aic``,
        ``pseudo_r2`` (McFadden), ``levels``, ``nobs``, ``n_dropped``, ``cov`` (β then ζ).

    Raises
    ------
    ValueError
        An outcome with one level or with empty levels (named), bad weights, constant or
        collinear drivers (named); in the table form, as :func:`logistic`.
    scrutiny.ConvergenceError
        Separation (named drivers) or no convergence.

    Notes
    -----
    MASS::polr's parameterisation: logit P(Y <= k) = ζ_k - x'β, so a positive β moves
    respondents towards the higher levels.  logL = sum_i w_i log P(Y = y_i); the standard
    errors are the square roots of the diagonal of the inverse observed information in
    (β, ζ), as ``vcov(polr(..., Hess = TRUE))`` (which differentiates numerically).

    References
    ----------
    McCullagh P (1980) Regression models for ordinal data. JRSS B 42:109-142.
    Venables WN, Ripley BD (2002) Modern Applied Statistics with S, 4th ed., sec. 7.3.

    Examples
    --------
    >>> from scrutiny.drivers import ordinal_logistic
    >>> x = [0.3, 1.1, 1.9, 2.2, 2.8, 3.5, 3.9, 4.6, 5.2, 5.8]
    >>> y = [1, 1, 2, 1, 3, 2, 2, 3, 3, 3]
    >>> fit = ordinal_logistic(x, y)
    >>> round(float(fit.params["x1"]), 4), list(fit.thresholds.round(4))
    (1.8133, [3.6595, 6.8096])
    >>> list(fit.thresholds.index)
    ['1|2', '2|3']
    """
    conf = _v.conf_level(conf)
    data = _prepare(X, y, weights, nan_policy, "ordinal", levels)
    K = len(data.levels)
    coef, cov, _, loglik, loglik0, iterations = _fit("ordinal_logistic", data, K, True)
    n, k = data.x.shape
    bse_all = np.sqrt(np.diag(cov))
    z, pvalues, crit = _wald(coef[:k], bse_all[:k], 0.0, conf)
    import pandas as pd

    cuts = [f"{a}|{b}" for a, b in zip(data.levels[:-1], data.levels[1:])]
    names = [*data.names, *cuts]
    return OrdinalLogisticResult(
        params=_series(coef[:k], data.names), bse=_series(bse_all[:k], data.names),
        zvalues=_series(z, data.names), pvalues=_series(pvalues, data.names),
        thresholds=_series(coef[k:], cuts), thresholds_bse=_series(bse_all[k:], cuts),
        loglik=float(loglik), deviance=float(-2 * loglik), null_deviance=float(-2 * loglik0),
        aic=float(-2 * loglik + 2 * (k + K - 1)), pseudo_r2=float(1 - loglik / loglik0),
        levels=list(data.levels), conf=conf, nobs=int(n), n_dropped=data.n_dropped,
        iterations=int(iterations), cov=pd.DataFrame(cov, index=names, columns=names),
        _crit=float(crit))


# ---- relative importance -----------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class RelativeImportanceResult(Result):
    """Relative importance of drivers (see :func:`relative_importance`); ``to_frame()`` has
    one row per driver, most important first, with its ``rank``.  ``plot()`` draws the ranked
    bar chart of shares with their intervals.

    Attributes
    ----------
    importance : pandas.Series
        Each driver's share of R² (or McFadden's R²) in the units of R², indexed by driver.
    share : pandas.Series
        importance / r2: each driver's share of the explained variation.
    r2 : float
        R² of the full model (McFadden's for logistic and ordinal models).
    lower, upper : pandas.Series or None
        Bootstrap percentile limits of ``importance`` (None without ``bootstrap``).
    method : str
        ``"lmg"`` (Shapley), ``"relative_weights"``, ``"dominance"``, ``"first"``, ``"last"``,
        ``"betasq"`` or ``"pratt"``.
    model : str
        ``"linear"``, ``"logistic"`` or ``"ordinal"``.
    share_lower, share_upper : pandas.Series or None
        Bootstrap limits of ``share`` (None without ``bootstrap``).
    r2_lower, r2_upper : float
        Bootstrap limits of ``r2`` (NaN without ``bootstrap``).
    conf : float
        The level of the bootstrap intervals.
    bootstrap : int
        The bootstrap replicates (0: none).
    seed : int or None
        The seed the bootstrap used.
    failed : int
        Replicates that could not be fitted.
    nobs : int
        The respondents used.
    n_dropped : int
        The rows left out for missing values.
    conditional, complete : pandas.DataFrame or None
        Dominance analysis: each driver's average gain in R² by the number of other drivers,
        and the pairwise complete dominance (``method="dominance"``, else None; hidden from
        the displays).
    replicates : numpy.ndarray or None
        The bootstrap replicates of ``importance`` (hidden from the displays); NaN in a
        replicate that could not be fitted (counted in ``failed``).
    """

    importance: pd.Series = _r.unit("driver")
    share: pd.Series = _r.unit("driver")
    r2: float = _r.scalar(frame=False)
    lower: pd.Series | None = _r.unit("driver")
    upper: pd.Series | None = _r.unit("driver")
    method: str = _r.scalar(frame=False)
    model: str = _r.scalar(frame=False)
    share_lower: pd.Series | None = _r.unit("driver")
    share_upper: pd.Series | None = _r.unit("driver")
    r2_lower: float = _r.scalar(frame=False)
    r2_upper: float = _r.scalar(frame=False)
    conf: float = _r.scalar(frame=False)
    bootstrap: int = _r.scalar(frame=False)
    seed: int | None = _r.scalar(frame=False)
    failed: int = _r.scalar(frame=False)
    nobs: int = _r.scalar(frame=False)
    n_dropped: int = _r.scalar(frame=False)
    conditional: pd.DataFrame | None = _r.hidden()
    complete: pd.DataFrame | None = _r.hidden()
    replicates: np.ndarray | None = _r.hidden()

    def to_frame(self):
        """One row per driver, most important first: importance, share, rank and intervals."""
        frame = super().to_frame().sort_values("importance", ascending=False, kind="stable")
        frame.insert(1, "rank", np.arange(1, len(frame) + 1))
        return frame.reset_index(drop=True)

    def plot(self, ax=None, **options):
        """Ranked horizontal bar chart of each driver's share, with the bootstrap intervals
        when there are any; drivers named in words from their column names, or by ``names``
        (a mapping from driver to name, or one name per driver).  ``options``: ``names``,
        ``title``, ``xlabel``, ``ylabel``.  Returns the matplotlib Axes."""
        from .graphics.drivers import importance_chart

        return importance_chart(self, ax=ax, method_title=_METHOD_TITLES[self.method],
                                r2_label=_model_label(self.model), **options)

    def narrative(self, outcome: str = "the outcome") -> str:
        """What the drivers together explain, the drivers in order of their share (with the
        bootstrap intervals when there are any) and what importance does not show, one
        sentence per line.

        Examples
        --------
        >>> import numpy as np
        >>> from scrutiny.drivers import relative_importance
        >>> rng = np.random.default_rng(1)
        >>> X = rng.normal(size=(200, 3))
        >>> y = X @ [0.9, 0.4, 0.1] + rng.normal(size=200)
        >>> lines = relative_importance(X, y).narrative("satisfaction").splitlines()
        >>> print(lines[1])  # doctest: +NORMALIZE_WHITESPACE
        'x1' matters most: it explains the largest share of the explained variation in
        satisfaction, 87%, then 'x2' (13%), 'x3' (0%).
        """
        t = self.to_frame()
        boot = self.share_lower is not None
        r2_ci = (_n.interval(self.r2_lower, self.r2_upper, self.conf, lambda v: f"{v:.2f}",
                             "bootstrap interval") if boot else "")
        lines = [_fit_sentence(len(t), self.r2, self.model, outcome, self.nobs, self.n_dropped,
                               self.method, r2_ci)]
        lines += _ranking(list(t["driver"]), t["share"].to_numpy(),
                          t["share_lower"].to_numpy() if boot else None,
                          t["share_upper"].to_numpy() if boot else None,
                          self.conf, self.method, self.model, outcome)
        lines.append(_CAVEAT.format(outcome=outcome))
        return "\n".join(lines)


def _model_label(model: str) -> str:
    return "R²" if model == "linear" else "McFadden's R²"


@_TABLE
@_f.keyword_only
def relative_importance(X, y, method="lmg", weights=None, model="linear", bootstrap=0,
                        conf=0.95, seed=None, *, nan_policy="omit", threads=None,
                        levels=None) -> RelativeImportanceResult:
    """How much of a model's fit each driver accounts for.

    Also ``relative_importance(df, outcome, drivers, method="lmg", weights=None, ...)``, as
    :func:`logistic`.

    Parameters
    ----------
    X : DataFrame or array_like
        Drivers, one column each (column names become driver names; ``x1``, ``x2``, ...
        for arrays).
    y : array_like
        The outcome: a number (``model="linear"``), 0/1 (``"logistic"``) or ordered levels
        (``"ordinal"``: numbers, or a pandas Categorical).
    method : {"lmg", "relative_weights", "dominance", "first", "last", "betasq", "pratt"}
        ``"lmg"``: the Shapley value, the gain in R² from adding the driver averaged over all
        orders of entry (exact, over all 2^p subsets); ``"dominance"``: general dominance
        (equal to LMG), with ``conditional`` (mean gain by number of other drivers) and
        ``complete`` dominance; ``"relative_weights"``: Johnson (2000), raw weights summing
        to R² (logistic: Tonidandel & LeBreton 2010, summing to the squared correlation of
        fitted probabilities and outcome); ``"first"``: R² of the driver alone; ``"last"``:
        R² lost when it is dropped from the full model; ``"betasq"``: squared standardised
        coefficient; ``"pratt"``: standardised coefficient times correlation (these two for
        linear models only).
    weights : array_like or str, optional
        Case or survey weights (finite, >= 0; a column name in the table form).
    model : {"linear", "logistic", "ordinal"}
        Decompose R² of least squares, or McFadden's pseudo-R², 1 - logL(S) / logL(∅), of a
        logistic or proportional-odds regression.
    bootstrap : int
        Number of bootstrap replicates for percentile intervals (0: none).  Rows are drawn
        with replacement (each keeps its weight); replicate b uses its own random stream
        seeded from (seed, b), so results do not depend on the number of threads.
    conf : float
        Level of the bootstrap intervals.
    seed : int, optional
        Seed of the bootstrap (default: a fresh one, kept in the result's ``seed``).
    nan_policy : {"omit", "raise"}, keyword-only
        Listwise deletion of rows with a missing value (their number is ``n_dropped``; the
        default), or an error.
    threads : int, optional, keyword-only
        Threads for the subsets and replicates (default: all cores).
    levels : sequence, optional, keyword-only
        Ordinal levels in order (``model="ordinal"``).

    Returns
    -------
    RelativeImportanceResult
        ``importance`` (raw; for linear models as relaimpo ``calc.relimp(rela=FALSE)``, and
        LMG sums to R²), ``share`` (normalised to sum to 1, relaimpo's ``rela=TRUE``),
        ``r2``, ``lower``, ``upper`` (bootstrap, of ``importance``), ``share_lower``,
        ``share_upper``, ``r2_lower``, ``r2_upper``, ``method``, ``model``, ``nobs``,
        ``n_dropped``, ``failed`` (replicates that could not be fitted, left out),
        ``conditional``, ``complete``, ``seed``, ``replicates`` (bootstrap importance,
        replicates x drivers).

    Raises
    ------
    ValueError
        Bad input: constant or perfectly collinear drivers (named), an outcome with one level
        or empty levels, negative or NaN weights, a method not defined for the model, more
        drivers than an exact method allows (the limit is given, with an alternative),
        missing values under ``nan_policy="raise"``; in the table form, as :func:`logistic`.
    scrutiny.ConvergenceError
        Separation in a logistic or ordinal model (the drivers are named).

    Notes
    -----
    For linear models every subset's R² comes from the weighted correlation matrix, swept in
    Gray-code order (one sweep per subset) rather than 2^p regressions, so the exact LMG of 25
    drivers takes seconds.  For logistic and ordinal models each subset is a weighted fit,
    started from the previous subset's.  The limits are 27 drivers for linear LMG, 22 for
    dominance (it keeps every subset's R²) and 15 for logistic and ordinal models.

    References
    ----------
    Lindeman RH, Merenda PF, Gold RZ (1980) Introduction to Bivariate and Multivariate
    Analysis, p. 119ff.
    Grömping U (2006) Relative importance for linear regression in R: the package relaimpo.
    J Stat Softw 17(1).
    Budescu DV (1993) Dominance analysis. Psychol Bull 114:542-551; Azen R, Budescu DV (2003)
    Psychol Methods 8:129-148.
    Johnson JW (2000) A heuristic method for estimating the relative weight of predictor
    variables in multiple regression. Multivar Behav Res 35:1-19.
    Tonidandel S, LeBreton JM (2010) Determining the relative importance of predictors in
    logistic regression. J Bus Psychol 25:767-781.

    Examples
    --------
    >>> import numpy as np
    >>> from scrutiny.drivers import relative_importance
    >>> rng = np.random.default_rng(1)
    >>> X = rng.normal(size=(200, 3))
    >>> y = X @ [0.9, 0.4, 0.1] + rng.normal(size=200)
    >>> ri = relative_importance(X, y)
    >>> bool(np.isclose(ri.importance.sum(), ri.r2))
    True
    >>> list(ri.share.round(2))
    [0.87, 0.13, 0.0]
    """
    method = _v.choice(method, "method", _o.DRIVERS_METHOD.names)
    model = _v.choice(model, "model", _o.DRIVERS_MODEL.names)
    bootstrap = _v.whole_number(bootstrap, "bootstrap", minimum=0)
    _v.seed(seed)
    conf = _v.conf_level(conf)
    n_threads = _v.threads(threads)
    outcome = {"linear": "linear", "logistic": "binary", "ordinal": "ordinal"}[model]
    data = _prepare(X, y, weights, nan_policy, outcome, levels)
    p = data.x.shape[1]
    _v.importance_method(model, method, p)
    n_levels = {"linear": 0, "logistic": 2, "ordinal": len(data.levels or ())}[model]
    if model != "linear":
        _fit("relative_importance", data, n_levels, model == "ordinal")   # separation, by name
    else:
        data.x, data.y = _tamed(data.x), _tamed(data.y)
    codes = _o.DRIVERS_MODEL.codes[model], _o.DRIVERS_METHOD.codes[method]
    out = _core.drivers_importance(data.x, data.y, data.w, n_levels, *codes, n_threads)
    imp, r2, conditional, complete = (out[k] for k in ("importance", "r2", "conditional",
                                                       "complete"))
    names = data.names
    importance = _series(imp, names, "importance")
    share = importance / importance.sum()
    share.name = "share"
    if conditional is not None:
        import pandas as pd

        conditional = pd.DataFrame(conditional, index=names, columns=list(range(p)))
        conditional.columns.name = "other drivers"
        complete = pd.DataFrame(complete, index=names, columns=names)
    fields = dict(lower=None, upper=None, share_lower=None, share_upper=None, r2_lower=np.nan,
                  r2_upper=np.nan, seed=None, failed=0, replicates=None)
    if bootstrap:
        used_seed = _batch.seed(seed)
        reps, r2_reps, failed = _core.drivers_bootstrap(
            data.x, data.y, data.w, n_levels, *codes, bootstrap, used_seed, n_threads)
        lower, upper = _core.drivers_percentiles(reps, conf)
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = reps / reps.sum(axis=1, keepdims=True)
        share_lower, share_upper = _core.drivers_percentiles(np.ascontiguousarray(shares), conf)
        r2_lower, r2_upper = _core.drivers_percentiles(r2_reps.reshape(-1, 1), conf)
        fields = dict(lower=_series(lower, names, "lower"), upper=_series(upper, names, "upper"),
                      share_lower=_series(share_lower, names, "share_lower"),
                      share_upper=_series(share_upper, names, "share_upper"),
                      r2_lower=float(r2_lower[0]), r2_upper=float(r2_upper[0]), seed=used_seed,
                      failed=int(failed), replicates=reps)
    return RelativeImportanceResult(
        importance=importance, share=share, r2=float(r2), method=method, model=model, conf=conf,
        bootstrap=bootstrap, nobs=int(data.x.shape[0]), n_dropped=data.n_dropped,
        conditional=conditional, complete=complete, **fields)


# ---- key drivers: importance against performance ---------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class KeyDriversResult(Result):
    """Importance-performance analysis of drivers (see :func:`key_drivers`); ``to_frame()`` is
    a copy of ``table``.

    Attributes
    ----------
    importance : pandas.Series
        Each driver's share of the explained variation, indexed by driver.
    performance : pandas.Series
        Each driver's mean rating, or top-box share.
    quadrant : pandas.Series
        ``"concentrate here"``, ``"keep up the good work"``, ``"possible overkill"`` or
        ``"low priority"``, per driver.
    importance_cut : float
        1 / number of drivers (the average share).
    performance_cut : float
        The mean performance over the drivers.
    outcome : str
        The outcome's name.
    model : str
        ``"linear"``, ``"logistic"`` or ``"ordinal"``.
    method : str
        The importance method.
    performance_kind : str
        ``"mean"`` or ``"top_box"``.
    top_box : float or None
        The rating from which a response is in the top box (None for ``"mean"``).
    r2 : float
        R² of the full model (McFadden's for logistic and ordinal models).
    nobs : int
        The respondents used.
    n_dropped : int
        The rows left out for missing values.
    table : pandas.DataFrame
        One row per driver, most important first: importance with its intervals,
        performance, quadrant.
    relative : RelativeImportanceResult
        The underlying relative importance (hidden from the displays).
    """

    importance: pd.Series = _r.unit("driver")
    performance: pd.Series = _r.unit("driver")
    quadrant: pd.Series = _r.unit("driver")
    importance_cut: float = _r.scalar()
    performance_cut: float = _r.scalar()
    outcome: str = _r.scalar()
    model: str = _r.scalar()
    method: str = _r.scalar()
    performance_kind: str = _r.scalar()
    top_box: float | None = _r.scalar()
    r2: float = _r.scalar()
    nobs: int = _r.scalar()
    n_dropped: int = _r.scalar()
    table: pd.DataFrame = _r.table()
    relative: RelativeImportanceResult = _r.hidden()

    def plot(self, ax=None, kind: str = "quadrant", **options):
        """``kind="quadrant"``: performance (x) against importance (y), with the cut lines and
        the quadrant names; ``kind="bar"``: ranked bar chart of importance with intervals.
        ``options``: ``names`` (a mapping from driver to name, or one name per driver; default
        the column names in words), ``title``, ``xlabel``, ``ylabel``.  Returns the matplotlib
        Axes."""
        kind = _v.choice(kind, "kind", ("quadrant", "bar"))
        if kind == "bar":
            return self.relative.plot(ax, **options)
        from .graphics.drivers import quadrant_chart

        return quadrant_chart(self, ax=ax, **options)

    def narrative(self) -> str:
        """The findings in plain English: what the model explains, the drivers in order of
        importance (with intervals when bootstrapped) and the quadrants."""
        rel, t = self.relative, self.table
        outcome = f"'{self.outcome}'"
        lines = [_fit_sentence(len(t), self.r2, self.model, outcome, self.nobs, self.n_dropped,
                               self.method)]
        boot = rel.share_lower is not None
        lines += _ranking(list(t["driver"]), t["importance"].to_numpy(),
                          t["importance_lower"].to_numpy() if boot else None,
                          t["importance_upper"].to_numpy() if boot else None,
                          rel.conf, self.method, self.model, outcome)
        measure = "mean rating" if self.performance_kind == "mean" else "top-box share"
        for quadrant, meaning in (
                ("concentrate here", "important but rated below average: improve these first"),
                ("keep up the good work", "important and rated above average"),
                ("possible overkill", "rated above average but matter less"),
                ("low priority", "rated below average but matter less")):
            rows = t[t["quadrant"] == quadrant]
            if len(rows):
                listed = ", ".join(f"'{r.driver}' ({measure} {self._show(r.performance)})"
                                   for r in rows.itertuples())
                lines.append(f"{quadrant.capitalize()} ({meaning}): {listed}.")
        lines.append("Importance here is association in this survey, not proof that improving "
                     "a driver will raise overall satisfaction.")
        return "\n".join(lines)

    def _show(self, v: float) -> str:
        return f"{v:.2f}" if self.performance_kind == "mean" else _n.percent(v, 0)


@_f.keyword_only
def key_drivers(df, outcome, drivers, weights=None, model=None, method="lmg",
                performance="mean", top_box=None, bootstrap=0, conf=0.95, seed=None, *,
                nan_policy="omit", threads=None) -> KeyDriversResult:
    """Key drivers: each driver's importance against its performance, in quadrants.

    Parameters
    ----------
    df : DataFrame
        One row per respondent.
    outcome : str
        Column of the overall rating (or of 0/1 "satisfied").
    drivers : sequence of str
        Columns of the component ratings.
    weights : str or array_like, optional
        Column (or values) of survey weights.
    model : {"linear", "logistic", "ordinal"}, optional
        Default: ``"logistic"`` when the outcome has two values (0/1), else ``"linear"``.
    method : str
        Importance method (see :func:`relative_importance`; default LMG).
    performance : {"mean", "top_box"}
        Each driver's weighted mean rating, or the weighted share of respondents rating it at
        least ``top_box``.
    top_box : float, optional
        Threshold of the top box (default: the highest rating given to any driver).
    bootstrap, conf, seed
        As :func:`relative_importance` (intervals of the shares).
    nan_policy, threads : keyword-only
        As :func:`relative_importance` (default ``"omit"``: listwise deletion).

    Returns
    -------
    KeyDriversResult
        ``importance`` (share of the explained variation), ``performance``, ``quadrant``
        (importance-performance analysis: "concentrate here" (important, below-average
        performance), "keep up the good work", "low priority", "possible overkill"), the cut
        lines ``importance_cut`` (1 / number of drivers, the average share) and
        ``performance_cut`` (the mean performance over drivers), ``table``, ``plot()``,
        ``narrative()``.

    Notes
    -----
    Importance and performance are computed on the same complete rows (listwise deletion).

    References
    ----------
    Martilla JA, James JC (1977) Importance-performance analysis. J Marketing 41(1):77-79.

    Examples
    --------
    >>> import scrutiny as sc
    >>> from scrutiny.drivers import key_drivers
    >>> survey = sc.data.sample("victim_survey")
    >>> parts = ["ease_of_contact", "time_to_arrive", "actions_taken", "kept_informed",
    ...          "treatment"]
    >>> kd = key_drivers(survey, "overall", parts, weights="weight")
    >>> kd.importance.idxmax()
    'kept_informed'
    """
    import pandas as pd

    _v.data_frame(df, "df", allow_empty=False)
    drivers = _v.column_names(drivers, "drivers")
    _v.column_labels([outcome], "outcome", several=False)
    named = [outcome, *drivers] + ([weights] if isinstance(weights, str) else [])
    _v.columns_present(df, named, "df", ["outcome", *["drivers"] * len(drivers), "weights"])
    y = df[outcome]
    X = df[drivers]
    w = df[weights] if isinstance(weights, str) else weights
    performance = _v.choice(performance, "performance", _PERFORMANCE)
    box = None if top_box is None else _v.number(top_box, "top_box")
    if model is None:
        values = pd.unique(y.dropna())
        model = "logistic" if len(values) == 2 and set(values) <= {0, 1, True, False} else "linear"
    model = _v.choice(model, "model", _o.DRIVERS_MODEL.names)
    data = _prepare(X, y, w, nan_policy, {"linear": "linear", "logistic": "binary",
                                          "ordinal": "ordinal"}[model],
                    called=("drivers", f"outcome {outcome!r}"))
    rel = relative_importance(X, y, method=method, weights=w, model=model, bootstrap=bootstrap,
                              conf=conf, seed=seed, nan_policy=nan_policy, threads=threads)
    wts = np.ones(data.x.shape[0]) if data.w is None else data.w
    if performance == "mean":
        box, rated = None, data.x
    else:
        box = float(np.nanmax(data.x)) if box is None else box
        rated = (data.x >= box).astype(np.float64)
    perf = np.einsum("i,ij->j", wts, rated) / wts.sum()
    perf = _series(perf, data.names, "performance")
    share = rel.share
    imp_cut, perf_cut = 1.0 / len(drivers), float(perf.mean())
    important, good = share.to_numpy() >= imp_cut, perf.to_numpy() >= perf_cut
    quadrant = np.where(important, np.where(good, _QUADRANTS[1], _QUADRANTS[0]),
                        np.where(good, _QUADRANTS[3], _QUADRANTS[2]))
    quadrant = pd.Series(quadrant, index=data.names, name="quadrant")
    table = pd.DataFrame({
        "driver": data.names, "importance": share.to_numpy(),
        "importance_lower": np.nan if rel.share_lower is None else rel.share_lower.to_numpy(),
        "importance_upper": np.nan if rel.share_upper is None else rel.share_upper.to_numpy(),
        "performance": perf.to_numpy(), "quadrant": quadrant.to_numpy(),
    }).sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)
    return KeyDriversResult(
        importance=share.rename("importance"), performance=perf, quadrant=quadrant,
        importance_cut=imp_cut, performance_cut=perf_cut, outcome=str(outcome), model=model,
        method=rel.method, performance_kind=performance, top_box=box, r2=rel.r2,
        nobs=rel.nobs, n_dropped=rel.n_dropped, table=table, relative=rel)

