"""Proportions and rates: confidence intervals, exact tests, comparisons and standardised rates.

Is an area's proportion of solved burglaries really below the 25 % target, or is it small
numbers?  Every function takes scalars or arrays (one value per area), broadcasts them with
NumPy's rules and computes in the C core, the intervals over many areas in parallel.  pandas
Series name the areas by their index, and a table with column names (``proportion_ci(df,
x="arrests", n="incidents", label="area")``, ``by=[...]`` for groups; one row per area and
stratum for :func:`dsr` and :func:`isr`) does the same: the names reach the results' ``labels``,
``to_frame()`` and ``narrative()``.  The numbers are those of R's ``stats`` (``prop.test``,
``binom.test``, ``poisson.test``, ``p.adjust``), statsmodels' ``proportion_confint`` and
PHEindicatormethods, as each function says.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from . import _core
from . import _frames
from . import _options as _o
from . import _narrative as _n
from . import _results as _r
from . import _validation as _v
from ._results import Result, TestResult, scalar_or_array
from .multitest import multiple_testing

__all__ = [
    "proportion_ci", "rate_ci", "test_target", "compare_proportions", "compare_rates",
    "homogeneity", "multiple_testing", "dsr", "isr",
    "ProportionCIResult", "RateCIResult", "BinomialTestResult", "TwoProportionTestResult",
    "RateRatioTestResult", "HomogeneityTestResult", "DSRResult", "ISRResult",
]

# Codes of the C core's enums (csrc/core/sc_rates.h).
_PROPORTION_METHODS = _o.PROPORTION_METHOD.codes
_RATE_METHODS = _o.RATE_METHOD.codes
_ALTERNATIVES = _o.ALTERNATIVE.codes
_ALL_CORES = 0
# How narratives name the interval methods.
_CI_NAMES = {"wilson": "Wilson score interval", "exact": "exact (Clopper-Pearson) interval",
             "jeffreys": "Jeffreys interval", "agresti-coull": "Agresti-Coull interval",
             "wald": "Wald interval"}
_RATE_CI_NAMES = {"exact": "exact (Garwood) interval", "byar": "Byar's approximation",
                  "phe": "exact below 10 events, Byar's approximation from 10"}


# ---- results ------------------------------------------------------------------------------

def _named(result, labels):
    """The names a narrative gives the units: ``labels`` when given, else the result's own."""
    return result.labels if labels is None else labels


def _tested(result, fields, adjust, what: str):
    """What a test result's narrative starts from: alpha (1 - ``conf``), whether it holds a
    single test, the number of tests k, the named fields as k floats each, and the decisions
    on the p-values (adjusted across the k ``what`` with ``adjust``)."""
    alpha = 1.0 - result.conf
    k = np.size(result.pvalue)
    values = [_n.flat(getattr(result, f), k).astype(float) for f in fields]
    return (alpha, np.ndim(result.pvalue) == 0, k, values,
            _n.verdicts(result.pvalue, alpha, adjust, what))


@dataclasses.dataclass(frozen=True, repr=False)
class ProportionCIResult(Result):
    """Confidence interval of a proportion (see :func:`proportion_ci`).

    Attributes
    ----------
    estimate : float or numpy.ndarray
        The proportion x / n, per unit (the broadcast shape of the inputs).
    lower, upper : float or numpy.ndarray
        The interval limits per unit, with a trailing axis (one column per level) when
        ``conf`` is a sequence.
    conf : float or tuple of float
        The confidence level(s).
    method : str
        The interval method (``"wilson"``, ``"exact"``, ...).
    labels : pandas.Index or None
        The units' names: a Series' index, or the ``label`` / ``by`` columns of a table
        (None: unnamed).
    """

    estimate: float | np.ndarray = _r.unit()
    lower: float | np.ndarray = _r.per_level()
    upper: float | np.ndarray = _r.per_level()
    conf: float | tuple = _r.levels()
    method: str = _r.scalar()
    labels: pd.Index | None = _r.label(default=None)

    def narrative(self, measure: str = "proportion", labels=None) -> str | list[str]:
        """The estimate and its interval in words: a sentence, or a list with one per area
        (named by ``labels``, by default the result's, else "Area 0", ...).

        Examples
        --------
        >>> import scrutiny as sc
        >>> sc.proportion_ci(23, 61).narrative("arrest rate")
        'The arrest rate is 37.7% (95% CI 26.6% to 50.3%; Wilson score interval).'
        """
        return _n.estimates(self, measure, _named(self, labels), _n.percent, _CI_NAMES[self.method])


@dataclasses.dataclass(frozen=True, repr=False)
class RateCIResult(Result):
    """Confidence interval of a rate (see :func:`rate_ci`).

    Attributes
    ----------
    estimate : float or numpy.ndarray
        The rate x / exposure times ``per``, per unit.
    lower, upper : float or numpy.ndarray
        The interval limits per unit (times ``per``), with a trailing axis (one column per
        level) when ``conf`` is a sequence.
    conf : float or tuple of float
        The confidence level(s).
    method : str
        The interval method (``"byar"``, ``"exact"``, ``"phe"``).
    per : float or numpy.ndarray
        The multiplier (rate per ``per`` of exposure), per unit.
    labels : pandas.Index or None
        The units' names: a Series' index, or the ``label`` / ``by`` columns of a table
        (None: unnamed).
    """

    estimate: float | np.ndarray = _r.unit()
    lower: float | np.ndarray = _r.per_level()
    upper: float | np.ndarray = _r.per_level()
    conf: float | tuple = _r.levels()
    method: str = _r.scalar()
    per: float | np.ndarray = _r.unit()
    labels: pd.Index | None = _r.label(default=None)

    def narrative(self, measure: str = "rate", labels=None, unit: str | None = None
                  ) -> str | list[str]:
        """The rate and its interval in words, per ``per`` (and ``unit``, e.g.
        ``"residents"``): a sentence, or a list with one per area (named by ``labels``).

        Examples
        --------
        >>> import scrutiny as sc
        >>> sc.rate_ci(37, 52000, per=100000, method="exact").narrative(unit="residents")
        'The rate is 71.2 per 100,000 residents (95% CI 50.1 to 98.1; exact (Garwood) interval).'
        """
        per = _n.flat(self.per, np.size(self.estimate))
        return _n.estimates(self, measure, _named(self, labels), None, _RATE_CI_NAMES[self.method],
                            unit=lambda i: _n.per_text(per[i], unit))


@dataclasses.dataclass(frozen=True, repr=False)
class BinomialTestResult(TestResult):
    """Exact binomial test against a target proportion (see :func:`test_target`).

    Attributes
    ----------
    statistic : float or numpy.ndarray
        The number of successes x, per unit.
    pvalue : float or numpy.ndarray
        The exact p-value, per unit.
    estimate : float or numpy.ndarray
        The proportion x / n, per unit.
    lower, upper : float or numpy.ndarray
        The Clopper-Pearson interval per unit (one-sided for a one-sided ``alternative``).
    target : float or numpy.ndarray
        The target proportion tested against, per unit.
    alternative : str
        ``"two-sided"``, ``"less"`` or ``"greater"``.
    conf : float
        The confidence level of the interval.
    method : str
        The name of the test.
    labels : pandas.Index or None
        The units' names: a Series' index, or the ``label`` / ``by`` columns of a table
        (None: unnamed).
    """

    statistic: float | np.ndarray = _r.unit()
    pvalue: float | np.ndarray = _r.unit()
    estimate: float | np.ndarray = _r.unit()
    lower: float | np.ndarray = _r.unit()
    upper: float | np.ndarray = _r.unit()
    target: float | np.ndarray = _r.unit()
    alternative: str = _r.scalar()
    conf: float = _r.levels()
    method: str = _r.scalar(default="Exact binomial test")
    labels: pd.Index | None = _r.label(default=None)

    def narrative(self, measure: str = "proportion", labels=None, target_name: str = "target",
                  adjust=None) -> str | list[str]:
        """The comparison with the target in words, tested at the level 1 - ``conf``: a
        sentence, or a list with one per area (named by ``labels``).  ``adjust`` (a
        :func:`multiple_testing` method) decides on p-values adjusted across the areas.

        Examples
        --------
        >>> import scrutiny as sc
        >>> text = sc.test_target(3, 20, 0.5).narrative("detection rate")
        >>> print(text)  # doctest: +NORMALIZE_WHITESPACE
        The detection rate (15.0%; 95% CI 3.2% to 37.9%) is below the target of 50.0% by more than
        chance would explain (exact binomial test, p = 0.003), significant at the 5% level.
        """
        alpha, scalar, k, (est, lo, hi, tgt, p), verdicts = _tested(
            self, ("estimate", "lower", "upper", "target", "pvalue"), adjust, "areas")
        test = "exact binomial test" + ("" if self.alternative == "two-sided" else ", one-sided")
        lines = []
        for i, name in enumerate(_n.names(_named(self, labels), k, "Area", scalar)):
            if self.alternative == "two-sided":
                ci = _n.interval(lo[i], hi[i], self.conf, _n.percent)
            else:
                side = "upper" if self.alternative == "less" else "lower"
                ci = _n.bound(hi[i] if side == "upper" else lo[i], self.conf, side, _n.percent)
            head = f"{_n.capital(_n.subject(name, measure))} ({_n.percent(est[i])}; {ci})"
            ref = f"the {target_name} of {_n.percent(tgt[i])}"
            stats = _n.stats(test, _n.p_text(p[i], alpha), verdicts[i].note)
            if verdicts[i].significant:
                where = "above" if est[i] > tgt[i] else "below"
                lines.append(f"{head} is {where} {ref} by {_n.CHANCE} {stats}, "
                             f"{_n.significant_at(alpha)}.")
            else:
                of = {"two-sided": "a difference from", "less": "being below",
                      "greater": "being above"}[self.alternative]
                lines.append(f"{head} shows {_n.no_evidence(f'{of} {ref}', alpha)} {stats}.")
        return _n.one_or_many(lines, scalar)


@dataclasses.dataclass(frozen=True, repr=False)
class TwoProportionTestResult(TestResult):
    """Chi-square test of two proportions (see :func:`compare_proportions`).

    Attributes
    ----------
    statistic : float or numpy.ndarray
        The chi-square statistic, per unit (pair).
    pvalue : float or numpy.ndarray
        Its p-value, per unit (pair).
    df : float
        Degrees of freedom (1).
    estimate : tuple of float or numpy.ndarray
        The two proportions ``(p1, p2)``: a pair for one comparison, else along a last axis.
    difference : float or numpy.ndarray
        p1 - p2, per unit (pair).
    lower, upper : float or numpy.ndarray
        The interval of the difference, per unit (pair).
    ratio : float or numpy.ndarray
        p1 / p2, per unit (pair).
    p1, p2 : float or numpy.ndarray
        The two proportions, per unit (pair).
    conf : float
        The confidence level of the interval.
    correct : bool
        Whether the continuity correction was applied.
    method : str
        The name of the test.
    labels : pandas.Index or None
        The units' names: a Series' index, or the ``label`` / ``by`` columns of a table
        (None: unnamed).
    """

    statistic: float | np.ndarray = _r.unit()
    pvalue: float | np.ndarray = _r.unit()
    df: float = _r.scalar()
    estimate: tuple | np.ndarray = _r.detail()
    difference: float | np.ndarray = _r.unit()
    lower: float | np.ndarray = _r.unit()
    upper: float | np.ndarray = _r.unit()
    ratio: float | np.ndarray = _r.unit()
    p1: float | np.ndarray = _r.unit()
    p2: float | np.ndarray = _r.unit()
    conf: float = _r.levels()
    correct: bool = _r.scalar()
    method: str = _r.scalar()
    labels: pd.Index | None = _r.label(default=None)

    def narrative(self, measure: str = "proportion", groups=("group 1", "group 2"),
                  labels=None, adjust=None) -> str | list[str]:
        """The two proportions and their difference in words, tested at the level 1 -
        ``conf``: a sentence, or a list with one per pair (named by ``labels``).  ``groups``
        names the two groups, e.g. ``("this year", "last year")``; ``adjust`` as
        :meth:`BinomialTestResult.narrative`.

        Examples
        --------
        >>> import scrutiny as sc
        >>> r = sc.compare_proportions(15, 83, 27, 91)
        >>> text = r.narrative("arrest rate", groups=("this year", "last year"))
        >>> print(text)  # doctest: +NORMALIZE_WHITESPACE
        The arrest rate is 18.1% for this year and 29.7% for last year: no evidence of a difference
        at the 5% level (difference -11.6 percentage points, 95% CI -24.1 to +0.9; chi-square test,
        p = 0.074).
        """
        g1, g2 = (str(g) for g in groups)
        alpha, scalar, k, (p1, p2, d, lo, hi, p), verdicts = _tested(
            self, ("p1", "p2", "difference", "lower", "upper", "pvalue"), adjust, "pairs")
        test = "chi-square test" + (" with continuity correction" if self.correct else "")
        lines = []
        for i, name in enumerate(_n.names(_named(self, labels), k, "Pair", scalar)):
            head = _n.capital(_n.subject(name, measure))
            diff = (f"difference {_n.points(d[i])} percentage points, "
                    f"{_n.interval(lo[i], hi[i], self.conf, _n.points)}; "
                    + _n.joined(test, _n.p_text(p[i], alpha), verdicts[i].note))
            if not verdicts[i].tested:
                lines.append(f"{head} is {_n.percent(p1[i])} for {g1} and {_n.percent(p2[i])} "
                             f"for {g2}: no test is possible when both are 0% or both 100%.")
            elif verdicts[i].significant:
                where = "higher" if d[i] > 0 else "lower"
                lines.append(f"{head} is {where} for {g1} ({_n.percent(p1[i])}) than for {g2} "
                             f"({_n.percent(p2[i])}) by {_n.CHANCE} ({diff}), "
                             f"{_n.significant_at(alpha)}.")
            else:
                lines.append(f"{head} is {_n.percent(p1[i])} for {g1} and {_n.percent(p2[i])} "
                             f"for {g2}: {_n.no_evidence('a difference', alpha)} ({diff}).")
        return _n.one_or_many(lines, scalar)


@dataclasses.dataclass(frozen=True, repr=False)
class RateRatioTestResult(TestResult):
    """Exact conditional test of two Poisson rates (see :func:`compare_rates`).

    Attributes
    ----------
    statistic : float or numpy.ndarray
        The count x1 of the first group, per unit (pair).
    pvalue : float or numpy.ndarray
        The exact conditional p-value, per unit (pair).
    ratio : float or numpy.ndarray
        The rate ratio rate1 / rate2, per unit (pair).
    lower, upper : float or numpy.ndarray
        Its confidence interval, per unit (pair).
    rate1, rate2 : float or numpy.ndarray
        The two rates (count / exposure times ``per``), per unit (pair).
    expected : float or numpy.ndarray
        The count x1 expected if the two rates were equal, per unit (pair).
    alternative : str
        ``"two-sided"``, ``"less"`` or ``"greater"``.
    conf : float
        The confidence level of the interval.
    method : str
        The name of the test.
    per : float
        The multiplier of the rates (rate per ``per`` of exposure).
    labels : pandas.Index or None
        The units' names: a Series' index, or the ``label`` / ``by`` columns of a table
        (None: unnamed).
    """

    statistic: float | np.ndarray = _r.unit()
    pvalue: float | np.ndarray = _r.unit()
    ratio: float | np.ndarray = _r.unit()
    lower: float | np.ndarray = _r.unit()
    upper: float | np.ndarray = _r.unit()
    rate1: float | np.ndarray = _r.unit()
    rate2: float | np.ndarray = _r.unit()
    expected: float | np.ndarray = _r.unit()
    alternative: str = _r.scalar()
    conf: float = _r.levels()
    method: str = _r.scalar(default="Comparison of Poisson rates")
    per: float = _r.scalar(default=1.0)
    labels: pd.Index | None = _r.label(default=None)

    def narrative(self, measure: str = "rate", groups=("group 1", "group 2"), labels=None,
                  per=None, unit: str | None = None, adjust=None) -> str | list[str]:
        """The two rates (per ``per``, by default the result's, and ``unit``) and their ratio
        in words, tested at the level 1 - ``conf``: a sentence, or a list with one per pair
        (named by ``labels``, by default the result's ``labels``).

        Examples
        --------
        >>> import scrutiny as sc
        >>> r = sc.compare_rates(11, 2.385, 23, 3.1)
        >>> towns = ("Redditch", "Bromsgrove")
        >>> text = r.narrative("burglary rate", groups=towns, unit="1,000 homes")
        >>> print(text)  # doctest: +NORMALIZE_WHITESPACE
        The burglary rate is 4.61 per 1,000 homes for Redditch and 7.42 per 1,000 homes for
        Bromsgrove: no evidence of a difference at the 5% level (rate ratio 0.62, 95% CI 0.27 to
        1.33; exact conditional test, p = 0.227).
        """
        g1, g2 = (str(g) for g in groups)
        scale = self.per if per is None else _v.number(per, "per", positive=True)
        alpha, scalar, k, (r1, r2, rr, lo, hi, p), verdicts = _tested(
            self, ("rate1", "rate2", "ratio", "lower", "upper", "pvalue"), adjust, "pairs")
        one_sided = self.alternative != "two-sided"
        test = "exact conditional test" + (", one-sided" if one_sided else "")
        lines = []
        for i, name in enumerate(_n.names(_named(self, labels), k, "Pair", scalar)):
            head = _n.capital(_n.subject(name, measure))
            a, b = (_n.rate(r / self.per * scale, scale, unit) for r in (r1[i], r2[i]))
            if not np.isfinite(rr[i]):
                lines.append(f"{head} is {a} for {g1} and {b} for {g2}: with no events in "
                             "either group no comparison is possible.")
                continue
            if self.alternative == "greater":
                ci = _n.bound(lo[i], self.conf, "lower", _n.ratio)
            elif self.alternative == "less":
                ci = _n.bound(hi[i], self.conf, "upper", _n.ratio)
            else:
                ci = _n.interval(lo[i], hi[i], self.conf, _n.ratio)
            detail = (f"rate ratio {_n.ratio(rr[i])}, {ci}; "
                      + _n.joined(test, _n.p_text(p[i], alpha), verdicts[i].note))
            if verdicts[i].significant:
                where = "higher" if rr[i] > 1 else "lower"
                lines.append(f"{head} is {where} for {g1} ({a}) than for {g2} ({b}) by "
                             f"{_n.CHANCE} ({detail}), {_n.significant_at(alpha)}.")
            else:
                of = {"two-sided": "a difference", "greater": f"a higher {measure} for {g1}",
                      "less": f"a lower {measure} for {g1}"}[self.alternative]
                lines.append(f"{head} is {a} for {g1} and {b} for {g2}: "
                             f"{_n.no_evidence(of, alpha)} ({detail}).")
        return _n.one_or_many(lines, scalar)


@dataclasses.dataclass(frozen=True, repr=False)
class HomogeneityTestResult(TestResult):
    """Chi-square test that k areas share one proportion (see :func:`homogeneity`).

    Attributes
    ----------
    statistic : float
        The chi-square statistic over all areas.
    pvalue : float
        Its p-value.
    df : float
        Degrees of freedom (k - 1).
    estimate : numpy.ndarray
        The proportion of each area.
    correct : bool
        Whether the continuity correction was applied (two areas only).
    method : str
        The name of the test.
    conf : float
        The confidence level: the narrative tests at the level 1 - ``conf``.
    labels : pandas.Index or None
        The units' names: a Series' index, or the ``label`` / ``by`` columns of a table
        (None: unnamed).
    """

    statistic: float = _r.scalar()
    pvalue: float = _r.scalar()
    df: float = _r.scalar()
    estimate: np.ndarray = _r.unit()
    correct: bool = _r.scalar()
    method: str = _r.scalar()
    conf: float = _r.levels(default=0.95)
    labels: pd.Index | None = _r.label(default=None)

    @_frames.renamed(alpha=("conf", lambda alpha: 1.0 - alpha))
    def narrative(self, measure: str = "proportion", conf=None, areas: str = "areas") -> str:
        """Whether the ``areas`` (what the groups are, in the plural) differ in ``measure`` by
        more than chance would explain, at the level 1 - ``conf`` (default: the result's
        ``conf``), in one sentence; with ``labels`` it names the lowest and the highest area.
        ``alpha=`` is the old spelling of ``1 - conf``.

        Examples
        --------
        >>> import scrutiny as sc
        >>> test = sc.homogeneity([12, 25, 31, 9], [100, 180, 210, 95])
        >>> print(test.narrative("arrest rate"))  # doctest: +NORMALIZE_WHITESPACE
        There is no evidence at the 5% level that the arrest rate differs between the 4 areas (from
        9.5% to 14.8%; chi-square = 1.80 on 3 degrees of freedom, p = 0.614).
        """
        alpha = 1.0 - _v.conf_level(self.conf if conf is None else conf)
        k = int(np.size(self.estimate))
        between = f"between the {k} {areas}"
        if not np.isfinite(self.pvalue):
            return (f"No test is possible of whether the {measure} differs {between}: none (or "
                    "every one) of them has a success.")
        low, high = int(np.argmin(self.estimate)), int(np.argmax(self.estimate))
        names = (["", ""] if self.labels is None else
                 [f" in {name}" for name in _n.names(self.labels[[low, high]], 2, "", False)])
        spread = (f"from {_n.percent(self.estimate[low])}{names[0]} to "
                  f"{_n.percent(self.estimate[high])}{names[1]}")
        stats = (f"chi-square = {self.statistic:.2f} on {_n.plural(self.df, 'degree')} of freedom, "
                 f"{_n.p_text(self.pvalue, alpha)}")
        if self.pvalue < alpha:
            return (f"The {measure} differs {between} ({spread}) by {_n.CHANCE} ({stats}), "
                    f"{_n.significant_at(alpha)}.")
        return (f"There is no evidence at the {_n.level(alpha)} level that the {measure} "
                f"differs {between} ({spread}; {stats}).")


@dataclasses.dataclass(frozen=True, repr=False)
class DSRResult(Result):
    """Directly standardised rates (see :func:`dsr`).

    Attributes
    ----------
    estimate : float or numpy.ndarray
        The standardised rate (times ``per``), per area; NaN with too few events.
    lower, upper : float or numpy.ndarray
        Dobson's limits per area, with a trailing axis (one column per level) when ``conf``
        is a sequence.
    total_count : float or numpy.ndarray
        The events of each area, summed over the strata.
    total_population : float or numpy.ndarray
        The population of each area, summed over the strata.
    conf : float or tuple of float
        The confidence level(s).
    per : float
        The multiplier (rate per ``per`` population).
    method : str
        The interval method.
    labels : pandas.Index or None
        The units' names: a Series' index, or the ``label`` / ``by`` columns of a table
        (None: unnamed).
    """

    estimate: float | np.ndarray = _r.unit()
    lower: float | np.ndarray = _r.per_level()
    upper: float | np.ndarray = _r.per_level()
    total_count: float | np.ndarray = _r.unit()
    total_population: float | np.ndarray = _r.unit()
    conf: float | tuple = _r.levels()
    per: float = _r.scalar()
    method: str = _r.scalar(default="Dobson")
    labels: pd.Index | None = _r.label(default=None)

    def narrative(self, measure: str = "directly standardised rate", labels=None,
                  unit: str | None = None) -> str | list[str]:
        """Each area's standardised rate (per ``per`` ``unit``) with its interval: a sentence,
        or a list with one per area (named by ``labels``).

        Examples
        --------
        >>> import scrutiny as sc
        >>> r = sc.dsr([12, 30, 41], [5000, 12000, 3000], [5500, 12500, 3500])
        >>> r.narrative(unit="residents")  # doctest: +NORMALIZE_WHITESPACE
        "The directly standardised rate is 429 per 100,000 residents (95% CI 342 to 532; Dobson's
        method), from 83 events."
        """
        k = np.size(self.estimate)
        events = _n.flat(self.total_count, k).astype(float)
        return _n.estimates(
            self, measure, _named(self, labels), None, "Dobson's method",
            unit=_n.per_text(self.per, unit),
            extra=lambda i: f", from {_n.plural(events[i], 'event')}",
            missing=lambda i: (f"not calculated: too few events ({_n.count(events[i])}) for a "
                               "reliable rate"))


@dataclasses.dataclass(frozen=True, repr=False)
class ISRResult(Result):
    """Indirectly standardised ratios (see :func:`isr`).

    Attributes
    ----------
    estimate : float or numpy.ndarray
        Observed / expected (times ``refvalue``), per area.
    lower, upper : float or numpy.ndarray
        The limits per area, with a trailing axis (one column per level) when ``conf`` is a
        sequence.
    observed : float or numpy.ndarray
        The observed events, per area.
    expected : float or numpy.ndarray
        The events expected at the reference rates, per area.
    method : str or numpy.ndarray
        The interval method of each area (``"exact"`` or ``"byar"``).
    conf : float or tuple of float
        The confidence level(s).
    refvalue : float
        The value of the ratio when observed equals expected.
    labels : pandas.Index or None
        The units' names: a Series' index, or the ``label`` / ``by`` columns of a table
        (None: unnamed).
    """

    estimate: float | np.ndarray = _r.unit()
    lower: float | np.ndarray = _r.per_level()
    upper: float | np.ndarray = _r.per_level()
    observed: float | np.ndarray = _r.unit()
    expected: float | np.ndarray = _r.unit()
    method: str | np.ndarray = _r.unit()
    conf: float | tuple = _r.levels()
    refvalue: float = _r.scalar()
    labels: pd.Index | None = _r.label(default=None)

    def narrative(self, measure: str = "standardised ratio", labels=None) -> str | list[str]:
        """Each area's observed / expected ratio with its interval, and whether the interval
        (at the widest level that does) excludes the reference: a sentence, or a list with one
        per area (named by ``labels``).

        Examples
        --------
        >>> import scrutiny as sc
        >>> r = sc.isr(42, [2385, 4761, 5012], [0.0021, 0.0032, 0.0041])
        >>> print(r.narrative())  # doctest: +NORMALIZE_WHITESPACE
        The standardised ratio is 1.03 (95% CI 0.74 to 1.39; Byar's approximation): 42 observed
        against 40.8 expected, no evidence of a difference from expected (the 95% CI includes 1).
        """
        k = np.size(self.estimate)
        levels = self._levels() or (float(self.conf),)
        lo = _n.flat_levels(self.lower, k, len(levels))
        hi = _n.flat_levels(self.upper, k, len(levels))
        obs, exp = (_n.flat(getattr(self, f), k).astype(float) for f in ("observed", "expected"))
        how = _n.flat(self.method, k)

        def verdict(i):
            return (f": {_n.count(obs[i])} observed against {_n.number(exp[i])} expected, "
                    + _n.ci_verdict(lo[i], hi[i], levels, self.refvalue, "higher than expected",
                                    "lower than expected", "a difference from expected"))

        return _n.estimates(self, measure, _named(self, labels), _n.ratio,
                            lambda i: _RATE_CI_NAMES[str(how[i])], extra=verdict)


# ---- shared steps -------------------------------------------------------------------------

def _trials(value, name: str, labels=None) -> np.ndarray:
    """Whole, strictly positive numbers of trials."""
    return _v.counts(value, name, positive=True, labels=labels)


def _same_shape_counts(x, n):
    """``x`` and ``n`` as arrays of one shape and of one dtype, int64 or float64, that the
    one-pass kernel checks and reads as they are; None for anything else (the general path
    converts, broadcasts and checks)."""
    xa, na = (np.asarray(v.to_numpy() if _v.is_pandas(v) else v) for v in (x, n))
    if xa.shape == na.shape and xa.size and xa.dtype == na.dtype and xa.dtype in _KERNEL_DTYPES:
        return xa, na
    return None


_KERNEL_DTYPES = (np.dtype(np.int64), np.dtype(np.float64))


def _limits(flat: np.ndarray, shape: tuple, several: bool):
    """Kernel limits (units x levels) in the broadcast shape, a trailing axis for several levels."""
    if several:
        return flat.reshape(shape + flat.shape[1:])
    return scalar_or_array(flat[:, 0], shape)


def _conf_field(levels: np.ndarray, several: bool):
    return tuple(float(c) for c in levels) if several else float(levels[0])


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den with IEEE results (inf, nan) and no warning where den is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return num / den


# ---- pandas inputs ------------------------------------------------------------------------

def _index(**values):
    """The index shared by the arguments given as pandas Series (None when none is one); two
    that differ raise a ValueError naming both."""
    if not any(_v.is_pandas(v) for v in values.values()):
        return None
    return _frames.unit_index(**values)


def _own(value, index):
    """``index``, naming the elements of ``value`` in messages when it is a Series; else None."""
    return index if index is not None and _v.is_pandas(value) and np.ndim(value) == 1 else None


def _no_table(func: str, label, by) -> None:
    """``label`` and ``by`` name columns of a table given first: refused with arrays."""
    if label is not None or by is not None:
        raise TypeError(f"{func}: label= and by= name columns of a table given as the first "
                        "argument (with arrays or Series, the Series' index names the units)")


# ---- intervals ----------------------------------------------------------------------------

@_frames.tidy(roles=("x", "n"), layout="units")
def proportion_ci(x, n, conf=0.95, method="wilson", *, label=None, by=None
                  ) -> ProportionCIResult:
    """Confidence interval of a proportion x / n, for one area or many.

    Parameters
    ----------
    x : int or array_like
        Numbers of successes (whole, 0 <= x <= n).
    n : int or array_like
        Numbers of trials (whole, > 0); broadcast with `x`.
    conf : float or sequence of float, default 0.95
        Confidence level(s) in (0, 1); a sequence adds a trailing axis to `lower` and `upper`.
    method : {"wilson", "exact", "jeffreys", "agresti-coull", "wald"}
        ``"wilson"``: score interval without continuity correction, as R
        ``prop.test(x, n, correct=FALSE)`` (lower = 0 when x = 0, upper = 1 when x = n).
        ``"exact"``: Clopper-Pearson, as R ``binom.test``.  ``"jeffreys"``,
        ``"agresti-coull"`` and ``"wald"``: as statsmodels ``proportion_confint`` with
        ``"jeffreys"``, ``"agresti_coull"`` and ``"normal"`` (the last two clipped to [0, 1],
        Jeffreys not adjusted at x = 0 or x = n).
    label, by : str or list of str, optional
        With a table (a DataFrame) as the first argument and column names for the counts:
        the column naming the units, or the columns grouping them (``labels`` is then a
        MultiIndex; ``to_frame()`` has one column per ``by`` column).  Given as Series with
        one index, the arguments are named by it; Series whose indexes differ are refused.

    Returns
    -------
    ProportionCIResult
        ``estimate`` (x / n), ``lower``, ``upper``, ``conf``, ``method``, ``labels``: floats
        for scalar input, else arrays of the broadcast shape.

    Raises
    ------
    ValueError
        Negative, fractional or non-finite counts, ``n`` not positive, ``x > n``, ``conf``
        outside (0, 1), an unknown method, or shapes that do not broadcast.
    TypeError
        Non-numeric input.

    Notes
    -----
    With :math:`\\hat p = x/n` and :math:`z = \\Phi^{-1}((1 + c)/2)`, Wilson's limits are
    :math:`(\\hat p + z^2/2n \\mp z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}) / (1 + z^2/n)`;
    Clopper-Pearson's are the :math:`\\alpha/2` and :math:`1-\\alpha/2` quantiles of
    Beta(x, n - x + 1) and Beta(x + 1, n - x); Jeffreys' those of Beta(x + 1/2, n - x + 1/2).
    Agresti-Coull applies the Wald formula to :math:`\\tilde p = (x + z^2/2)/(n + z^2)` with
    :math:`\\tilde n = n + z^2`.

    References
    ----------
    Brown LD, Cai TT, DasGupta A (2001). Interval estimation for a binomial proportion.
    Statistical Science 16:101-133.

    Examples
    --------
    >>> import scrutiny as sc
    >>> r = sc.proportion_ci(23, 61)
    >>> round(r.lower, 4), round(r.upper, 4)
    (0.2661, 0.5025)
    >>> sc.proportion_ci([0, 17], [17, 17], method="exact").upper.round(4)
    array([0.1951, 1.    ])

    A table with one row per area names the areas in ``to_frame()`` and ``narrative()``:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"area": ["Telford & Wrekin", "Shropshire"],
    ...                    "arrests": [33, 41], "incidents": [100, 160]})
    >>> r = sc.proportion_ci(df, x="arrests", n="incidents", label="area")
    >>> r.to_frame()[["area", "estimate", "lower", "upper"]].round(3)
                   area  estimate  lower  upper
    0  Telford & Wrekin     0.330  0.246  0.427
    1        Shropshire     0.256  0.195  0.329
    >>> r.narrative("arrest rate")[0]
    "Telford & Wrekin's arrest rate is 33.0% (95% CI 24.6% to 42.7%; Wilson score interval)."
    """
    _no_table("proportion_ci", label, by)
    index = _index(x=x, n=n)
    code = _PROPORTION_METHODS[_v.choice(method, "method", tuple(_PROPORTION_METHODS))]
    levels, several = _v.conf_levels(conf)
    pair = _same_shape_counts(x, n)
    found = _core.rates_proportion_ci(*pair, levels, code, _ALL_CORES) if pair else None
    if found is None:  # other input forms, or an impossible count: checked here, one by one
        xs = _v.counts(x, "x", labels=_own(x, index))
        ns = _trials(n, "n", _own(n, index))
        xs, ns = _v.broadcast(x=xs, n=ns)
        _v.numerator_within(xs, ns, "x", "n", _frames.index_labels(index, xs.shape))
        pair = xs, ns
        found = _core.rates_proportion_ci(xs.ravel(), ns.ravel(), levels, code, _ALL_CORES)
    found = _r.fresh(found)   # one new block: the result holds views of it, uncopied
    k = levels.size  # found: the estimates, then k rows of lower and k of upper limits
    estimate, lower, upper = found[0], found[1:1 + k].T, found[1 + k:].T
    shape = pair[0].shape
    return ProportionCIResult(
        estimate=scalar_or_array(estimate, shape),
        lower=_limits(lower, shape, several),
        upper=_limits(upper, shape, several),
        conf=_conf_field(levels, several),
        method=method,
        labels=_frames.index_labels(index, shape),
    )


@_frames.tidy(roles=("count", "exposure"), layout="units")
def rate_ci(count, exposure=1.0, conf=0.95, method="byar", per=1.0, *, label=None, by=None
            ) -> RateCIResult:
    """Confidence interval of the rate ``count / exposure * per``, for one area or many.

    Parameters
    ----------
    count : int or array_like
        Numbers of events (whole, >= 0).
    exposure : float or array_like, default 1.0
        Person-time, population or other denominator (> 0); broadcast with `count`.
    conf : float or sequence of float, default 0.95
        Confidence level(s) in (0, 1); a sequence adds a trailing axis to `lower` and `upper`.
    method : {"byar", "exact", "phe"}
        ``"exact"``: Garwood's limits, as R ``poisson.test``.  ``"byar"``: Byar's
        approximation, as PHEindicatormethods' ``byars_lower`` / ``byars_upper``, at every
        count (the lower limit is 0 at 0 events and where the approximation falls below 0).
        ``"phe"``: exact below 10 events and Byar from 10, as PHEindicatormethods
        ``phe_rate``.
    per : float or array_like, default 1.0
        Multiplier, e.g. 1000 for a rate per 1,000 (> 0); the narrative says "per 1,000".
    label, by : str or list of str, optional
        With a table (a DataFrame) as the first argument and column names for the counts:
        the column naming the units, or the columns grouping them (``labels`` is then a
        MultiIndex; ``to_frame()`` has one column per ``by`` column).  Given as Series with
        one index, the arguments are named by it; Series whose indexes differ are refused.

    Returns
    -------
    RateCIResult
        ``estimate``, ``lower``, ``upper``, ``conf``, ``method``, ``per``, ``labels``.

    Raises
    ------
    ValueError
        Negative or fractional counts, exposure or per not positive, non-finite values,
        ``conf`` outside (0, 1), an unknown method.
    TypeError
        Non-numeric input.

    Notes
    -----
    Garwood: lower :math:`G^{-1}(\\alpha/2; x)`, upper :math:`G^{-1}(1-\\alpha/2; x+1)` with
    :math:`G` the Gamma(shape, 1) distribution function.  Byar: lower
    :math:`x(1 - 1/(9x) - z/(3\\sqrt{x}))^3`, upper
    :math:`(x+1)(1 - 1/(9(x+1)) + z/(3\\sqrt{x+1}))^3`.  Each is divided by the exposure and
    multiplied by `per`.

    References
    ----------
    Garwood F (1936). Fiducial limits for the Poisson distribution. Biometrika 28:437-442.
    Breslow NE, Day NE (1987). Statistical methods in cancer research, vol. II. IARC.

    Examples
    --------
    >>> import scrutiny as sc
    >>> r = sc.rate_ci(37, 52000, per=100000, method="exact")
    >>> round(r.estimate, 2), round(r.lower, 2), round(r.upper, 2)
    (71.15, 50.1, 98.08)

    Series name the areas:

    >>> import pandas as pd
    >>> crimes = pd.Series([37, 112], index=["Redditch", "Worcester"])
    >>> residents = pd.Series([52000, 103000], index=["Redditch", "Worcester"])
    >>> r = sc.rate_ci(crimes, residents, per=1000)
    >>> print(r.narrative("burglary rate", unit="residents")[1])  # doctest: +NORMALIZE_WHITESPACE
    Worcester's burglary rate is 1.09 per 1,000 residents (95% CI 0.90 to 1.31; Byar's
    approximation).
    """
    _no_table("rate_ci", label, by)
    index = _index(count=count, exposure=exposure, per=per)
    code = _RATE_METHODS[_v.choice(method, "method", tuple(_RATE_METHODS))]
    levels, several = _v.conf_levels(conf)
    cs = _v.counts(count, "count", labels=_own(count, index))
    es = _v.positive(exposure, "exposure", labels=_own(exposure, index))
    ps = _v.positive(per, "per")
    cs, es, ps = _v.broadcast(count=cs, exposure=es, per=ps)
    lower, upper = _core.rates_rate_ci(cs.ravel(), es.ravel(), ps.ravel(), levels, code, _ALL_CORES)
    shape = cs.shape
    with np.errstate(over="ignore"):
        estimate = cs / es * ps
    _v.representable(estimate, "the rate count / exposure x per", "exposure or per")
    _v.representable(upper, "the upper limit of count / exposure x per", "exposure or per")
    return RateCIResult(
        estimate=scalar_or_array(estimate, shape),
        lower=_limits(lower, shape, several),
        upper=_limits(upper, shape, several),
        conf=_conf_field(levels, several),
        method=method,
        per=scalar_or_array(ps, shape),
        labels=_frames.index_labels(index, shape),
    )


# ---- tests --------------------------------------------------------------------------------

@_frames.tidy(roles=("x", "n", "target"), layout="units")
def test_target(x, n, target, alternative="two-sided", conf=0.95, *, label=None, by=None
                ) -> BinomialTestResult:
    """Exact binomial test of x successes in n trials against a target proportion.

    As R ``binom.test(x, n, p=target, alternative, conf.level=conf)``, vectorised over areas.

    Parameters
    ----------
    x : int or array_like
        Numbers of successes (whole, 0 <= x <= n).
    n : int or array_like
        Numbers of trials (whole, > 0).
    target : float or array_like
        Proportion under the null hypothesis, in [0, 1].
    alternative : {"two-sided", "less", "greater"}
        ``"less"``: the true proportion is below the target.
    conf : float, default 0.95
        Level of the Clopper-Pearson interval, which is one-sided for one-sided alternatives.
    label, by : str or list of str, optional
        With a table (a DataFrame) as the first argument and column names for the counts:
        the column naming the units, or the columns grouping them (``labels`` is then a
        MultiIndex; ``to_frame()`` has one column per ``by`` column).  Given as Series with
        one index, the arguments are named by it; Series whose indexes differ are refused.

    Returns
    -------
    BinomialTestResult
        ``statistic`` (= x), ``pvalue``, ``estimate`` (x / n), ``lower``, ``upper``,
        ``target``, ``alternative``, ``conf``, ``method``, ``labels``.  Unpacks as
        ``statistic, pvalue``.

    Raises
    ------
    ValueError
        Invalid counts, ``x > n``, target outside [0, 1], ``conf`` outside (0, 1), an unknown
        alternative.
    TypeError
        Non-numeric input, or a sequence for `conf`.

    Notes
    -----
    ``"less"``: :math:`P(X \\le x)`; ``"greater"``: :math:`P(X \\ge x)`; two-sided: the sum of
    :math:`P(X = i)` over the outcomes with :math:`P(X = i) \\le (1 + 10^{-7}) P(X = x)`, the
    relative tolerance R uses so that ties are not lost to rounding.

    References
    ----------
    Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits illustrated in the
    case of the binomial. Biometrika 26:404-413.

    Examples
    --------
    >>> import scrutiny as sc
    >>> r = sc.test_target(12, 50, 0.2385)
    >>> round(r.pvalue, 4)
    1.0
    >>> statistic, pvalue = sc.test_target(3, 20, 0.5)
    >>> round(pvalue, 6)
    0.002577

    One row per area of a table, against a 40 % target:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"area": ["Telford & Wrekin", "Shropshire"],
    ...                    "arrests": [33, 41], "incidents": [100, 160]})
    >>> r = sc.test_target(df, x="arrests", n="incidents", target=0.4, label="area")
    >>> r.to_frame()[["area", "estimate", "pvalue"]].round(4)
                   area  estimate  pvalue
    0  Telford & Wrekin    0.3300  0.1842
    1        Shropshire    0.2562  0.0002
    """
    _no_table("test_target", label, by)
    index = _index(x=x, n=n, target=target)
    alt = _v.choice(alternative, "alternative", tuple(_ALTERNATIVES))
    level = _v.conf_level(conf)
    xs = _v.counts(x, "x", labels=_own(x, index))
    ns = _trials(n, "n", _own(n, index))
    ts = _v.probability(target, "target", open_interval=False)
    xs, ns, ts = _v.broadcast(x=xs, n=ns, target=ts)
    _v.numerator_within(xs, ns, "x", "n", _frames.index_labels(index, xs.shape))
    pvalue, lower, upper = _core.rates_binom_test(
        xs.ravel(), ns.ravel(), ts.ravel(), _ALTERNATIVES[alt], level, _ALL_CORES)
    shape = xs.shape
    return BinomialTestResult(
        statistic=scalar_or_array(xs, shape),
        pvalue=scalar_or_array(pvalue, shape),
        estimate=scalar_or_array(xs / ns, shape),
        lower=scalar_or_array(lower, shape),
        upper=scalar_or_array(upper, shape),
        target=scalar_or_array(ts, shape),
        alternative=alt,
        conf=level,
        labels=_frames.index_labels(index, shape),
    )


test_target.__test__ = False  # a public function, not a test for pytest to collect


@_frames.tidy(roles=("x1", "n1", "x2", "n2"), layout="units")
def compare_proportions(x1, n1, x2, n2, conf=0.95, correct=False, *, label=None, by=None
                        ) -> TwoProportionTestResult:
    """Chi-square test that two proportions are equal, with the interval of their difference.

    As R ``prop.test(c(x1, x2), c(n1, n2), correct=correct, conf.level=conf)``, vectorised
    over pairs.

    Parameters
    ----------
    x1, n1 : int or array_like
        Successes and trials of the first group (whole, 0 <= x1 <= n1, n1 > 0).
    x2, n2 : int or array_like
        The same for the second group; all four broadcast together.
    conf : float, default 0.95
        Level of the interval of the difference.
    correct : bool, default False
        Yates' continuity correction (R's default is ``True``).
    label, by : str or list of str, optional
        With a table (a DataFrame) as the first argument and column names for the counts:
        the column naming the units, or the columns grouping them (``labels`` is then a
        MultiIndex; ``to_frame()`` has one column per ``by`` column).  Given as Series with
        one index, the arguments are named by it; Series whose indexes differ are refused.

    Returns
    -------
    TwoProportionTestResult
        ``statistic`` (Pearson chi-square), ``pvalue``, ``df`` (1), ``estimate`` (p1, p2: a
        trailing axis of 2 for arrays), ``difference`` (p1 - p2), ``lower``, ``upper``
        (Wald interval of the difference), ``ratio`` (p1 / p2), ``p1``, ``p2``, ``conf``,
        ``correct``, ``method``, ``labels``.

    Raises
    ------
    ValueError
        Invalid counts, ``x > n``, ``conf`` outside (0, 1).
    TypeError
        Non-numeric input, or a sequence for `conf`.

    Notes
    -----
    With the pooled :math:`\\bar p`, expected counts :math:`E = n\\bar p` and
    :math:`n(1-\\bar p)`: :math:`X^2 = \\sum (|O - E| - Y)^2 / E` over the four cells, where
    :math:`Y = \\min(1/2, |p_1 - p_2| / (1/n_1 + 1/n_2))` with `correct` and 0 without.  The
    interval is :math:`p_1 - p_2 \\pm (z\\sqrt{p_1(1-p_1)/n_1 + p_2(1-p_2)/n_2} +
    Y(1/n_1 + 1/n_2))`, clipped to [-1, 1].  When both proportions are 0 (or both 1) the
    statistic and p-value are NaN, as in R.  R warns when an expected count is below 5; the
    chi-square approximation is then rough.

    References
    ----------
    Newcombe RG (1998). Interval estimation for the difference between independent
    proportions. Statistics in Medicine 17:873-890.

    Examples
    --------
    >>> import scrutiny as sc
    >>> r = sc.compare_proportions(15, 83, 27, 91)
    >>> round(r.statistic, 4), round(r.pvalue, 4)
    (3.1887, 0.0741)

    This year against last, one row per area:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"area": ["North", "South"], "arrests": [15, 33],
    ...                    "incidents": [83, 100], "arrests_before": [27, 30],
    ...                    "incidents_before": [91, 95]})
    >>> r = sc.compare_proportions(df, x1="arrests", n1="incidents", x2="arrests_before",
    ...                            n2="incidents_before", label="area")
    >>> r.to_frame()[["area", "difference", "pvalue"]].round(4)
        area  difference  pvalue
    0  North     -0.1160  0.0741
    1  South      0.0142  0.8320
    """
    _no_table("compare_proportions", label, by)
    index = _index(x1=x1, n1=n1, x2=x2, n2=n2)
    level = _v.conf_level(conf)
    correct = _v.boolean(correct, "correct")
    x1s, n1s = _v.counts(x1, "x1"), _trials(n1, "n1")
    x2s, n2s = _v.counts(x2, "x2"), _trials(n2, "n2")
    x1s, n1s, x2s, n2s = _v.broadcast(x1=x1s, n1=n1s, x2=x2s, n2=n2s)
    _v.numerator_within(x1s, n1s, "x1", "n1")
    _v.numerator_within(x2s, n2s, "x2", "n2")
    out = _core.rates_prop_test2(x1s.ravel(), n1s.ravel(), x2s.ravel(), n2s.ravel(), level,
                                 bool(correct), _ALL_CORES)
    statistic, pvalue, lower, upper = (out[k] for k in ("statistic", "pvalue", "lower", "upper"))
    shape = x1s.shape
    p1, p2 = x1s / n1s, x2s / n2s
    estimate = np.stack([p1, p2], axis=-1)
    return TwoProportionTestResult(
        statistic=scalar_or_array(statistic, shape),
        pvalue=scalar_or_array(pvalue, shape),
        df=1.0,
        estimate=tuple(float(e) for e in estimate) if not shape else estimate,
        difference=scalar_or_array(p1 - p2, shape),
        lower=scalar_or_array(lower, shape),
        upper=scalar_or_array(upper, shape),
        ratio=scalar_or_array(_ratio(p1, p2), shape),
        p1=scalar_or_array(p1, shape),
        p2=scalar_or_array(p2, shape),
        conf=level,
        correct=bool(correct),
        method="2-sample test for equality of proportions "
               + ("with" if correct else "without") + " continuity correction",
        labels=_frames.index_labels(index, shape),
    )


@_frames.tidy(roles=("count1", "exposure1", "count2", "exposure2"), layout="units")
def compare_rates(count1, exposure1, count2, exposure2, conf=0.95, alternative="two-sided",
                  per=1.0, *, label=None, by=None) -> RateRatioTestResult:
    """Exact conditional test and interval of the ratio of two Poisson rates.

    As R ``poisson.test(c(count1, count2), c(exposure1, exposure2))``, vectorised over
    pairs: given the total, count1 is binomial with probability
    exposure1 / (exposure1 + exposure2) when the rates are equal.

    Parameters
    ----------
    count1, exposure1 : array_like
        Events (whole, >= 0) and exposure (> 0) of the first group.
    count2, exposure2 : array_like
        The same for the second group; all four broadcast together.
    conf : float, default 0.95
        Level of the interval of the rate ratio.
    alternative : {"two-sided", "less", "greater"}
        ``"greater"``: the first rate is higher.
    per : float, default 1.0
        Multiplier of the reported rates ``rate1`` and ``rate2`` (e.g. 1000: per 1,000), used
        by the narrative; the ratio does not depend on it.
    label, by : str or list of str, optional
        With a table (a DataFrame) as the first argument and column names for the counts:
        the column naming the units, or the columns grouping them (``labels`` is then a
        MultiIndex; ``to_frame()`` has one column per ``by`` column).  Given as Series with
        one index, the arguments are named by it; Series whose indexes differ are refused.

    Returns
    -------
    RateRatioTestResult
        ``statistic`` (= count1, as R), ``pvalue``, ``ratio`` (rate 1 / rate 2), ``lower``,
        ``upper``, ``rate1``, ``rate2``, ``expected`` (count1 expected under equal rates),
        ``alternative``, ``conf``, ``method``, ``per``, ``labels``.

    Raises
    ------
    ValueError
        Invalid counts, exposures not positive, ``conf`` outside (0, 1), an unknown
        alternative.
    TypeError
        Non-numeric input, or a sequence for `conf`.

    Notes
    -----
    The Clopper-Pearson limits :math:`p_L, p_U` of count1 in count1 + count2 give the ratio
    limits :math:`p/(1-p) \\cdot t_2/t_1`.  With no events in either group R stops; here the
    p-value is 1, the interval [0, inf] and the ratio NaN.

    References
    ----------
    Fay MP (2010). Two-sided exact tests and matching confidence intervals for discrete data.
    R Journal 2(1):53-58.

    Examples
    --------
    >>> import scrutiny as sc
    >>> r = sc.compare_rates(11, 2.385, 23, 3.1)
    >>> round(r.ratio, 4), round(r.pvalue, 4)
    (0.6216, 0.2271)

    Burglaries per 1,000 homes in two towns, from a table:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"town": ["Redditch"], "burglaries": [11], "homes": [2385],
    ...                    "burglaries_force": [23], "homes_force": [3100]})
    >>> r = sc.compare_rates(df, count1="burglaries", exposure1="homes",
    ...                      count2="burglaries_force", exposure2="homes_force",
    ...                      label="town", per=1000)
    >>> r.rate1.round(2), r.labels[0]
    (array([4.61]), 'Redditch')
    """
    _no_table("compare_rates", label, by)
    index = _index(count1=count1, exposure1=exposure1, count2=count2, exposure2=exposure2)
    alt = _v.choice(alternative, "alternative", tuple(_ALTERNATIVES))
    level = _v.conf_level(conf)
    scale = _v.number(per, "per", positive=True)
    c1, t1 = _v.counts(count1, "count1"), _v.positive(exposure1, "exposure1")
    c2, t2 = _v.counts(count2, "count2"), _v.positive(exposure2, "exposure2")
    c1, t1, c2, t2 = _v.broadcast(count1=c1, exposure1=t1, count2=c2, exposure2=t2)
    pvalue, lower, upper = _core.rates_poisson_test2(
        c1.ravel(), t1.ravel(), c2.ravel(), t2.ravel(), _ALTERNATIVES[alt], level, _ALL_CORES)
    shape = c1.shape
    with np.errstate(over="ignore"):
        rate1, rate2, exposure_ratio = c1 / t1, c2 / t2, t2 / t1
        shown1, shown2 = rate1 * scale, rate2 * scale
    _v.representable(rate1, "rate1 = count1 / exposure1", "exposure1")
    _v.representable(rate2, "rate2 = count2 / exposure2", "exposure2")
    _v.representable(shown1, "rate1 = count1 / exposure1 x per", "exposure1 or per")
    _v.representable(shown2, "rate2 = count2 / exposure2 x per", "exposure2 or per")
    _v.representable(exposure_ratio, "exposure2 / exposure1", "exposure1 or exposure2")
    return RateRatioTestResult(
        statistic=scalar_or_array(c1, shape),
        pvalue=scalar_or_array(pvalue, shape),
        ratio=scalar_or_array(_ratio(rate1, rate2), shape),
        lower=scalar_or_array(lower, shape),
        upper=scalar_or_array(upper, shape),
        rate1=scalar_or_array(shown1, shape),
        rate2=scalar_or_array(shown2, shape),
        expected=scalar_or_array((c1 + c2) / (1.0 + exposure_ratio), shape),   # no overflow of c t1
        alternative=alt,
        conf=level,
        per=scale,
        labels=_frames.index_labels(index, shape),
    )


@_frames.tidy(roles=("x", "n"), layout="units")
def homogeneity(x, n, correct=False, conf=0.95, *, label=None, by=None) -> HomogeneityTestResult:
    """Pearson chi-square test that k areas share one proportion.

    As R ``prop.test(x, n, correct=correct)`` on k >= 2 groups.

    Parameters
    ----------
    x : array_like
        Successes per area (whole, 0 <= x <= n), one-dimensional.
    n : array_like
        Trials per area (whole, > 0), the same length.
    correct : bool, default False
        Yates' continuity correction; R applies it only to two groups, and so does this.
    conf : float, default 0.95
        The narrative tests at the level 1 - ``conf``.
    label, by : str or list of str, optional
        With a table (a DataFrame) as the first argument and column names for the counts:
        the column naming the units, or the columns grouping them (``labels`` is then a
        MultiIndex; ``to_frame()`` has one column per ``by`` column).  Given as Series with
        one index, the arguments are named by it; Series whose indexes differ are refused.

    Returns
    -------
    HomogeneityTestResult
        ``statistic``, ``pvalue``, ``df`` (k - 1), ``estimate`` (x / n per area),
        ``correct``, ``method``, ``conf``, ``labels``.

    Raises
    ------
    ValueError
        Fewer than 2 areas, invalid counts, ``x > n``, lengths that differ.
    TypeError
        Non-numeric input.

    Notes
    -----
    :math:`X^2 = \\sum_i \\sum_{cells} (O - E)^2 / E` with :math:`E = n_i\\bar p` and
    :math:`n_i(1-\\bar p)`, :math:`\\bar p = \\sum x / \\sum n`, on k - 1 degrees of freedom.
    NaN when no area (or every area) has a success, as in R.

    Examples
    --------
    >>> import scrutiny as sc
    >>> r = sc.homogeneity([12, 25, 31, 9], [100, 180, 210, 95])
    >>> round(r.statistic, 4), r.df
    (1.8023, 3.0)

    With a table, the narrative names the lowest and the highest area:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"area": ["Telford & Wrekin", "Shropshire"],
    ...                    "arrests": [33, 41], "incidents": [100, 160]})
    >>> print(sc.homogeneity(df, x="arrests", n="incidents", label="area").narrative(
    ...     "arrest rate"))  # doctest: +NORMALIZE_WHITESPACE
    There is no evidence at the 5% level that the arrest rate differs between the 2 areas (from
    25.6% in Shropshire to 33.0% in Telford & Wrekin; chi-square = 1.64 on 1 degree of freedom,
    p = 0.200).
    """
    _no_table("homogeneity", label, by)
    index = _index(x=x, n=n)
    correct = _v.boolean(correct, "correct")
    level = _v.conf_level(conf)
    xs = _v.counts(x, "x", labels=_own(x, index))
    ns = _trials(n, "n", _own(n, index))
    for arr, name in ((xs, "x"), (ns, "n")):
        _v.dimensions(arr, name, (1,), "one-dimensional (one value per area)")
    _v.same_length(x=xs, n=ns)
    _v.at_least(xs, "x", 2)
    _v.numerator_within(xs, ns, "x", "n", _frames.index_labels(index, xs.shape))
    statistic, pvalue = _core.rates_homogeneity(xs, ns, bool(correct))
    yates = bool(correct) and xs.size == 2
    return HomogeneityTestResult(
        statistic=statistic,
        pvalue=pvalue,
        df=float(xs.size - 1),
        estimate=xs / ns,
        correct=bool(correct),
        method=f"{xs.size}-sample test for equality of proportions "
               + ("with" if yates else "without") + " continuity correction",
        conf=level,
        labels=_frames.index_labels(index, xs.shape),
    )


# ---- standardised rates -------------------------------------------------------------------

def _nonnegative(value, name: str) -> np.ndarray:
    return _v.counts(value, name, integer=False)


def _rows(value):
    """A table's rows as a Series indexed like them (for :func:`_index`); else ``value``."""
    return value.index.to_series() if _v.is_pandas(value) and np.ndim(value) == 2 else value


def _row_values(value, name: str, rows: int) -> np.ndarray:
    """One value per row of a long table (any hashable values: names, codes, numbers)."""
    arr = np.asarray(value.to_numpy() if _v.is_pandas(value) else value)
    if arr.ndim != 1 or arr.dtype.kind == "c":
        got = ("complex numbers" if arr.dtype.kind == "c" else f"a single {type(value).__name__}"
               if arr.ndim == 0 else f"{arr.ndim} dimensions")
        raise TypeError(f"{name} must hold one name per row ({rows} rows), or be a column name "
                        f"with a table as the first argument (got {got})")
    _v.size_is(arr, name, rows, "one value per row")
    return arr


def _by_stratum(by, strata, per_area: dict, per_stratum: dict) -> dict:
    """Long-form input (one row per area and stratum) as (areas x strata) tables.

    ``by`` (one value per row, or a frame of several columns) names each row's area and
    ``strata`` its stratum (default: its position within the area).  ``per_area`` values (one
    per row) become frames indexed by the areas, one column per stratum (as given for one
    area, without ``by``); ``per_stratum`` values, one per row and the same within a stratum,
    or a Series indexed by the strata, become one value per stratum."""
    import pandas as pd

    rows = np.size(next(iter(per_area.values())))
    keys = None
    if by is not None:
        keys = (pd.MultiIndex.from_frame(by) if isinstance(by, pd.DataFrame) else
                pd.Index(_row_values(by, "by", rows), name=getattr(by, "name", None)))
        _v.size_is(np.empty(len(keys)), "by", rows, "one value per row")
    if strata is None:
        band = (np.arange(rows) if keys is None else
                pd.Series(0, index=keys).groupby(level=list(range(keys.nlevels))).cumcount()
                .to_numpy())
    else:
        band = _row_values(strata, "strata", rows)
    levels = [] if keys is None else [keys.get_level_values(i) for i in range(keys.nlevels)]
    index = pd.MultiIndex.from_arrays(levels + [band])
    if index.has_duplicates:
        raise ValueError(f"more than one row for area and stratum {index[index.duplicated()][0]!r}"
                         ": give one row per area and stratum (strata= names the stratum column)")

    def table(value, name):
        if keys is None:
            return pd.DataFrame([_v.as_float_array(value, name)], columns=band)
        wide = pd.Series(_v.as_float_array(value, name), index=index).unstack(-1)
        wide.index.names = keys.names
        return wide

    out = {}
    for name, value in per_area.items():
        wide = out[name] = table(value, name)
        missing = np.argwhere(wide.isna().to_numpy())
        if missing.size:
            area, stratum = wide.index[missing[0, 0]], wide.columns[missing[0, 1]]
            where = "" if keys is None else f"area {area!r} in "
            raise ValueError(f"{name} has no value for {where}stratum {stratum!r}")
    strata_order = next(iter(out.values())).columns
    row_index = getattr(next(iter(per_area.values())), "index", None)
    for name, value in per_stratum.items():
        series = isinstance(value, pd.Series)
        aligned = series and row_index is not None and value.index.equals(row_index)
        lacking = [b for b in strata_order if b not in value.index] if series else None
        if series and not aligned and not lacking:        # a Series indexed by the strata
            out[name] = value.reindex(strata_order).to_numpy(dtype=float)
        elif np.ndim(value) == 1 and np.size(value) == rows:
            wide = table(value, name)
            varies = wide.nunique(dropna=False) > 1
            if varies.any():
                raise ValueError(f"{name} must be the same in every area of a stratum (it "
                                 f"differs in stratum {varies.index[varies.argmax()]!r})")
            out[name] = wide.max().to_numpy()
        elif series and not isinstance(value.index, pd.RangeIndex):
            raise ValueError(f"{name}'s index lacks the strata {lacking!r}")
        else:
            out[name] = value
    if keys is None:
        out.update({name: out[name].iloc[0].to_numpy() for name in per_area})
    return out


def _bands_table(value, name: str, validate) -> np.ndarray:
    """A (bands,) or (areas, bands) table, validated by ``validate``."""
    arr = validate(value, name)
    _v.dimensions(arr, name, (1, 2), "1-D (bands) or 2-D (areas x bands)")
    return arr


@_frames.tidy(roles=("counts", "populations", "standard"), layout="records", label="strata",
              by="by")
def dsr(counts, populations, standard, conf=0.95, per=100000, min_count=10, *, by=None,
        strata=None) -> DSRResult:
    """Directly standardised rates with Dobson's confidence limits, as PHEindicatormethods.

    Parameters
    ----------
    counts : array_like
        Events per standardisation band (e.g. age band): 1-D for one area, or 2-D with one
        row per area (whole, >= 0).
    populations : array_like
        Populations in the same shape as `counts` (> 0).
    standard : array_like
        Standard population per band (>= 0, positive total), e.g. the European Standard
        Population 2013.
    conf : float or sequence of float, default 0.95
        Confidence level(s); a sequence adds a trailing axis to `lower` and `upper`.
    per : float, default 100000
        Multiplier: rates per 100,000 by default.
    min_count : float, default 10
        Areas with fewer events in total get NaN, as PHEindicatormethods (which suppresses
        totals below 10); must be >= 1.
    by, strata : array_like or str or list of str, optional
        Long form: `counts` and `populations` hold one value per row, each row one area
        (``by``: its group, or a frame of several columns) and stratum (``strata``; default:
        the row's position within its area); `standard` then holds one value per row (the same
        in every area of a stratum) or is a Series indexed by the strata.  With a table as
        the first argument, ``by``, ``strata`` and the other arguments are column names.
        The areas are named by ``by`` (a MultiIndex for several columns), else by the index
        of Series or of DataFrame rows.

    Returns
    -------
    DSRResult
        ``estimate``, ``lower``, ``upper``, ``total_count``, ``total_population``, ``conf``,
        ``per``, ``method``, ``labels`` (floats for one area, arrays for several).

    Raises
    ------
    ValueError
        Invalid counts, populations not positive, a negative or all-zero standard, shapes
        that differ, ``conf`` outside (0, 1), ``min_count`` below 1.
    TypeError
        Non-numeric input.

    Notes
    -----
    With weights :math:`w_b = s_b / n_b`, total :math:`X = \\sum x_b` and :math:`S = \\sum s_b`:
    DSR :math:`= \\sum x_b w_b / S \\cdot` per, :math:`V = \\sum x_b w_b^2 / S^2`, and each limit
    is DSR :math:`+ \\sqrt{V/X}\\,(B(X) - X) \\cdot` per with :math:`B` Byar's lower or upper
    limit for the count X (Dobson et al.).  As in PHEindicatormethods the lower limit is not
    clipped and can fall below 0 when there are few events.

    References
    ----------
    Dobson AJ, Kuulasmaa K, Eberle E, Scherer J (1991). Confidence intervals for weighted sums
    of Poisson parameters. Statistics in Medicine 10:457-462.

    Examples
    --------
    >>> import scrutiny as sc
    >>> r = sc.dsr([12, 30, 41], [5000, 12000, 3000], [5500, 12500, 3500])
    >>> round(r.estimate, 2), round(r.lower, 2), round(r.upper, 2)
    (429.22, 341.75, 532.23)

    A table with one row per area and age band gives one rate per area:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"area": ["North"] * 3 + ["South"] * 3,
    ...                    "age": ["0-15", "16-64", "65+"] * 2,
    ...                    "deaths": [12, 30, 41, 10, 25, 50],
    ...                    "residents": [5000, 12000, 3000, 6000, 11000, 4000],
    ...                    "esp": [5500, 12500, 3500] * 2})
    >>> r = sc.dsr(df, counts="deaths", populations="residents", standard="esp", by="area",
    ...            strata="age")
    >>> r.to_frame()[["area", "estimate", "lower", "upper"]].round(1)
        area  estimate  lower  upper
    0  North     429.2  341.7  532.2
    1  South     378.3  301.6  468.4
    """
    if by is not None or strata is not None:
        counts, populations, standard = _by_stratum(
            by, strata, {"counts": counts, "populations": populations},
            {"standard": standard}).values()
    index = _index(counts=_rows(counts), populations=_rows(populations))
    levels, several = _v.conf_levels(conf)
    xs = _bands_table(counts, "counts", _v.counts)
    ns = _bands_table(populations, "populations", _v.positive)
    _v.same_length(counts=xs, populations=ns)
    std = _nonnegative(standard, "standard")
    _v.size_is(std, "standard", xs.shape[-1], "one value per band")
    _v.positive_total(std, "standard")
    per_value = _v.number(per, "per", positive=True)
    least = _v.number(min_count, "min_count", minimum=1)
    table_x, table_n = np.atleast_2d(xs), np.atleast_2d(ns)
    std, _ = _v.power_of_two_scaled(std)   # the rates are free of the standard's scale
    value, lower, upper = _core.rates_dsr(table_x, table_n, std, levels, least, per_value, _ALL_CORES)
    for limits in (value, lower, upper):
        _v.representable(limits, "the standardised rate or a limit", "populations, standard or per")
    shape = xs.shape[:-1]
    return DSRResult(
        estimate=scalar_or_array(value, shape),
        lower=_limits(lower, shape, several),
        upper=_limits(upper, shape, several),
        total_count=scalar_or_array(table_x.sum(axis=1), shape),
        total_population=scalar_or_array(table_n.sum(axis=1), shape),
        conf=_conf_field(levels, several),
        per=per_value,
        labels=_frames.index_labels(index, shape),
    )


@_frames.tidy(roles=("observed", "populations", "reference_rates"), layout="records",
              label="strata", by="by")
def isr(observed, populations, reference_rates, conf=0.95, refvalue=1.0, *, by=None,
        strata=None) -> ISRResult:
    """Indirectly standardised ratios (observed / expected), as PHEindicatormethods.

    Parameters
    ----------
    observed : array_like
        Observed events: per band in the shape of `populations` (summed over bands), or one
        total per area (whole, >= 0).
    populations : array_like
        Populations per band: 1-D for one area or 2-D with one row per area (>= 0).
    reference_rates : array_like
        Reference event rate per band, e.g. national events / national population (>= 0).
    conf : float or sequence of float, default 0.95
        Confidence level(s); a sequence adds a trailing axis to `lower` and `upper`.
    refvalue : float, default 1.0
        Multiplier of the ratio and its limits (100 for an SMR-style index).
    by, strata : array_like or str or list of str, optional
        Long form: `observed` and `populations` hold one value per row, each row one area
        (``by``: its group, or a frame of several columns) and stratum (``strata``; default:
        the row's position within its area); `reference_rates` then holds one value per row (the same
        in every area of a stratum) or is a Series indexed by the strata.  With a table as
        the first argument, ``by``, ``strata`` and the other arguments are column names.
        The areas are named by ``by`` (a MultiIndex for several columns), else by the index
        of Series or of DataFrame rows.

    Returns
    -------
    ISRResult
        ``estimate``, ``lower``, ``upper``, ``observed`` (total per area), ``expected``
        (:math:`\\sum` population x reference rate), ``method`` (``"exact"`` below 10
        observed, ``"byar"`` from 10), ``conf``, ``refvalue``, ``labels``.

    Raises
    ------
    ValueError
        Invalid counts, negative populations or rates, an area with no expected events,
        shapes that do not match, ``conf`` outside (0, 1).
    TypeError
        Non-numeric input.

    Notes
    -----
    As PHEindicatormethods ``calculate_ISRatio``: with O observed and E expected, limits
    :math:`G^{-1}(\\alpha/2; O)/E` and :math:`G^{-1}(1-\\alpha/2; O+1)/E` (exact, Gamma
    quantiles) when O < 10, Byar's limits of O over E from 10, times `refvalue`.

    Examples
    --------
    >>> import scrutiny as sc
    >>> r = sc.isr(42, [2385, 4761, 5012], [0.0021, 0.0032, 0.0041])
    >>> round(r.expected, 3), round(r.estimate, 4), r.method
    (40.793, 1.0296, 'byar')

    A table with one row per area and age band (the observed events summed per area):

    >>> import pandas as pd
    >>> df = pd.DataFrame({"area": ["North"] * 3 + ["South"] * 3,
    ...                    "deaths": [12, 30, 41, 10, 25, 50],
    ...                    "residents": [5000, 12000, 3000, 6000, 11000, 4000],
    ...                    "rate": [0.0021, 0.0032, 0.0041] * 2})
    >>> r = sc.isr(df, observed="deaths", populations="residents", reference_rates="rate",
    ...            by="area")
    >>> r.to_frame()[["area", "estimate", "observed", "expected"]].round(3)
        area  estimate  observed  expected
    0  North     1.356      83.0      61.2
    1  South     1.324      85.0      64.2
    """
    if by is not None or strata is not None:
        observed, populations, reference_rates = _by_stratum(
            by, strata, {"observed": observed, "populations": populations},
            {"reference_rates": reference_rates}).values()
    index = _index(observed=_rows(observed), populations=_rows(populations))
    levels, several = _v.conf_levels(conf)
    ns = _bands_table(populations, "populations", _nonnegative)
    rates = _nonnegative(reference_rates, "reference_rates")
    _v.size_is(rates, "reference_rates", ns.shape[-1], "one value per band")
    obs = _v.counts(observed, "observed")
    if obs.shape == ns.shape:
        obs = obs.sum(axis=-1)
    shape = ns.shape[:-1]
    _v.shape_is(obs, "observed", shape, "one total per area, or one value per band as populations")
    expected = _v.positive(np.atleast_1d(np.ascontiguousarray(ns) @ rates), "expected events (populations x reference_rates)")
    ref = _v.number(refvalue, "refvalue", positive=True)
    flat_obs = np.atleast_1d(obs).ravel()
    refs = np.full(flat_obs.shape, ref)
    lower, upper = _core.rates_rate_ci(flat_obs, expected, refs, levels, _RATE_METHODS["phe"], _ALL_CORES)
    with np.errstate(over="ignore"):
        estimate = flat_obs / expected * refs
    for values in (estimate, upper):
        _v.representable(values, "observed / expected x refvalue or its upper limit",
                         "populations, reference_rates or refvalue")
    method = np.where(flat_obs < 10, "exact", "byar")
    return ISRResult(
        estimate=scalar_or_array(estimate, shape),
        lower=_limits(lower, shape, several),
        upper=_limits(upper, shape, several),
        observed=scalar_or_array(flat_obs, shape),
        expected=scalar_or_array(expected, shape),
        method=method.reshape(shape) if shape else str(method[0]),
        conf=_conf_field(levels, several),
        refvalue=ref,
        labels=_frames.index_labels(index, shape),
    )
