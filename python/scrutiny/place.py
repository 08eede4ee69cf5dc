"""Place-based evaluation for hot-spot policing: did crime fall where the patrols went?

Two tests used in policing research, each over many areas in one call, computed in the C core:

- :func:`wdd`, the weighted displacement difference test of Wheeler & Ratcliffe (2018): the
  change in the treated areas net of the change in their control areas and of any change in
  the surrounding (displacement) areas, with its standard error from the Poisson counts; with
  harm weights, period lengths and area sizes as in Wheeler's R package ptools.
- :func:`poisson_etest`, the E-test of Krishnamoorthy & Thomson (2004) for a change in a
  Poisson rate between two periods, more powerful than the conditional (binomial) test; its
  rate ratio comes with the exact conditional interval of :func:`scrutiny.compare_rates`.
"""
from __future__ import annotations

import dataclasses
import numbers
from typing import TYPE_CHECKING

import numpy as np

from . import _core
from . import _frames
from . import _narrative as _n
from . import _options as _o
from . import _results as _r
from . import _validation as _v
from ._results import TestResult, scalar_or_array
from .rates import _index, _no_table, compare_rates, rate_ci

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["wdd", "poisson_etest", "WDDResult", "PoissonETestResult"]

# Codes of the C core's enums (csrc/core/sc_rates.h, sc_place.h).
_ALTERNATIVES = _o.ALTERNATIVE.codes
_STATISTICS = _o.ETEST_STATISTIC.codes
_WDD_OUTPUTS = ("totals", "local", "local_se", "displacement", "displacement_se", "estimate",
                "se", "statistic", "pvalue", "lower", "upper")
_ALL_CORES = 0
_ETEST_MAX_TOTAL = 1e12   # beyond this the core's sums would need more than 1e8 counts
# The eight counts of a WDD evaluation, in the core's order.
_PARTS = ("treated_before", "treated_after", "control_before", "control_after",
          "displacement_before", "displacement_after", "control_displacement_before",
          "control_displacement_after")
_AREAS = ("treated", "control", "displacement", "control_displacement")
# Treated and control areas whose counts before differ more than this factor are unbalanced:
# the WDD subtracts counts, so the larger area's change dominates it, and its counterfactual
# (the treated areas change by as many crimes as the control areas) departs far from a
# proportional one.  Wheeler & Ratcliffe (2018) match control areas of similar crime counts.
_UNBALANCED = 4.0


# ---- wording of the narratives (numbers, p-values and verdicts from _narrative) ----------

def _change(before: float, after: float) -> str:
    """'fell by 47% (from 207 to 110)', 'rose by ...', 'stayed at 12', 'went from 0 to 5'."""
    if after == before:
        return f"stayed at {_n.count(before)}"
    if before == 0:
        return f"went from 0 to {_n.count(after)}"
    word = "fell" if after < before else "rose"
    return (f"{word} by {_n.relative(after / before - 1.0)} (from {_n.count(before)} to "
            f"{_n.count(after)})")


def _count_change(before: float, after: float) -> str:
    """A change in numbers: '34 fewer', '10 more', 'unchanged'."""
    d = after - before
    return "unchanged" if d == 0 else f"{_n.count(abs(d))} {'fewer' if d < 0 else 'more'}"


def _relative_change(before: float, after: float) -> str:
    """A change in percent: 'a 20% fall', 'a 3% rise', 'no change', 'a rise from 0'."""
    if after == before:
        return "no change"
    if before == 0:
        return "a rise from 0"
    return f"a {_n.relative(after / before - 1.0)} {'fall' if after < before else 'rise'}"


def _balance(treated_before, control_before):
    """How many times larger the larger of the two areas' counts before is (inf when the
    smaller is 0, NaN when both are)."""
    t0, c0 = np.asarray(treated_before, dtype=float), np.asarray(control_before, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.maximum(t0, c0) / np.minimum(t0, c0)


def _dominated(t0: float, c0: float, treated: str = "the treated areas",
               control: str = "the control areas") -> str:
    """Why unbalanced areas matter: 'the WDD subtracts counts, so it mostly reflects the change
    in the treated areas'."""
    return (f"the WDD subtracts counts, so it mostly reflects the change in "
            f"{treated if t0 > c0 else control}")


def _unbalanced_sentence(u: dict, measure: str, treated: str, control: str) -> str:
    """The narrative's caveat on treated and control areas of very different counts."""
    t0, c0, c1 = u["treated_before"], u["control_before"], u["control_after"]
    ratio = float(_balance(t0, c0))
    times = (f" ({_n.number(ratio, 2)} times {'fewer' if c0 < t0 else 'more'})"
             if np.isfinite(ratio) else "")
    text = (f"{_n.capital(control)} had {_n.count(c0)} {measure} before against "
            f"{_n.count(t0)} in {treated}{times}: {_dominated(t0, c0, treated, control)}, "
            f"and the trend it takes from {control} is a change of "
            f"{_count_change(c0, c1)}")
    if c0 > 0:
        text += f", not of the same proportion ({_count_change(t0, t0 * c1 / c0)})"
    return (text + ". Wheeler & Ratcliffe (2018) choose control areas with counts like the "
            f"treated areas' (here more than {_UNBALANCED:g}-fold apart).")


def _unbalanced_warning(t0, c0, unbalanced) -> str:
    """The warning of :func:`wdd` for units whose treated and control counts before differ more
    than ``_UNBALANCED``-fold."""
    t0, c0, bad = (np.asarray(a).reshape(-1) for a in (t0, c0, unbalanced))
    i = int(np.flatnonzero(bad)[0])
    pair = f"{_n.count(c0[i])} against {_n.count(t0[i])}"
    where = (f"({pair})" if bad.size == 1 else
             f"in {bad.sum():,} of {_n.plural(bad.size, 'unit')} (the first, unit {i}: {pair})")
    return (f"control_before and treated_before differ more than {_UNBALANCED:g}-fold {where}: "
            f"{_dominated(t0[i], c0[i])}; choose control areas with counts like the treated "
            f"areas' (Wheeler & Ratcliffe 2018) or compare rates (poisson_etest)")


def _difference_interval(lo: float, hi: float, conf: float) -> str:
    """A WDD interval in words: '95% CI 40 to 196 fewer', '... 12 fewer to 30 more', or a
    one-sided limit."""
    level = _n.level(conf)

    def size(v):
        return _n.count(abs(v))

    if np.isinf(lo):
        return (f"at least {size(hi)} fewer with {level} confidence" if hi < 0 else
                f"at most {size(hi)} more with {level} confidence")
    if np.isinf(hi):
        return (f"at least {size(lo)} more with {level} confidence" if lo > 0 else
                f"at most {size(lo)} fewer with {level} confidence")
    if hi <= 0:
        return f"{level} CI {size(hi)} to {size(lo)} fewer"
    if lo >= 0:
        return f"{level} CI {size(lo)} to {size(hi)} more"
    return f"{level} CI {size(lo)} fewer to {size(hi)} more"


def _ratio_interval(lo: float, hi: float, conf: float, alternative: str) -> str:
    """The rate ratio's interval (a bound for one-sided tests), as compare_rates words it."""
    if alternative == "less":
        return _n.bound(hi, conf, "upper", _n.ratio)
    if alternative == "greater":
        return _n.bound(lo, conf, "lower", _n.ratio)
    return _n.interval(lo, hi, conf, _n.ratio)


def _pick(result, i: int | None) -> dict:
    """The fields of unit i of a 1-D result (all of them for i = None)."""
    return {k: (np.asarray(v).reshape(-1)[i] if i is not None and np.ndim(v) else v)
            for k, v in result.to_dict().items()}




# ---- results -------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class WDDResult(TestResult):
    """Weighted displacement difference test (see :func:`wdd`).  Numbers for one unit,
    arrays (the broadcast shape of the inputs) for several.

    Attributes
    ----------
    statistic : float or numpy.ndarray
        The z statistic, estimate / se, per unit.
    pvalue : float or numpy.ndarray
        Its p-value, per unit.
    estimate : float or numpy.ndarray
        The weighted displacement difference, local + displacement (negative: crime fell in
        the treated and displacement areas against their controls), per unit.
    se : float or numpy.ndarray
        Its standard error, per unit.
    lower, upper : float or numpy.ndarray
        Its confidence interval (one-sided for a one-sided ``alternative``), per unit.
    local, local_se : float or numpy.ndarray
        The change in the treated areas minus that in the control areas, and its standard
        error, per unit.
    displacement, displacement_se : float or numpy.ndarray
        The change in the displacement areas minus that in their controls (0 without them),
        and its standard error, per unit.
    treated_before, treated_after, control_before, control_after : float or numpy.ndarray
        The counts as they enter the test: summed over combined units and multiplied by the
        weights, divided by the period lengths and area sizes when those are given, per unit.
    displacement_before, displacement_after : float or numpy.ndarray
        The same for the displacement areas, per unit.
    control_displacement_before, control_displacement_after : float or numpy.ndarray
        The same for the displacement areas' controls, per unit.
    treated_change, control_change : float or numpy.ndarray
        after / before - 1 in the treated and control areas, per unit.
    conf : float
        The confidence level of the interval.
    alternative : str
        ``"two-sided"``, ``"less"`` or ``"greater"``.
    has_displacement : bool
        Whether displacement areas were given.
    weighted : bool
        Whether the counts were weighted (e.g. by harm).
    method : str
        The name of the test.
    labels : pandas.Index or None
        The names of the units of a one-dimensional result (``labels=``, the index of Series
        arguments or a tidy table's ``label`` / ``by`` columns): ``to_frame()``'s ``label``
        column (one column per ``by`` column) and the narrative's.
    """

    statistic: float | np.ndarray = _r.unit()
    pvalue: float | np.ndarray = _r.unit()
    estimate: float | np.ndarray = _r.unit()
    se: float | np.ndarray = _r.unit()
    lower: float | np.ndarray = _r.unit()
    upper: float | np.ndarray = _r.unit()
    local: float | np.ndarray = _r.unit()
    local_se: float | np.ndarray = _r.unit()
    displacement: float | np.ndarray = _r.unit()
    displacement_se: float | np.ndarray = _r.unit()
    treated_before: float | np.ndarray = _r.unit()
    treated_after: float | np.ndarray = _r.unit()
    control_before: float | np.ndarray = _r.unit()
    control_after: float | np.ndarray = _r.unit()
    displacement_before: float | np.ndarray = _r.unit()
    displacement_after: float | np.ndarray = _r.unit()
    control_displacement_before: float | np.ndarray = _r.unit()
    control_displacement_after: float | np.ndarray = _r.unit()
    treated_change: float | np.ndarray = _r.unit()
    control_change: float | np.ndarray = _r.unit()
    conf: float = _r.levels()
    alternative: str = _r.scalar()
    has_displacement: bool = _r.scalar()
    weighted: bool = _r.scalar()
    method: str = _r.scalar(default="Weighted displacement difference test")
    _measure: str = _r.hidden(default="recorded crimes")
    labels: pd.Index | None = _r.label(frame="label", default=None, compare=False)

    def narrative(self, measure: str | None = None, treated: str = "the treated areas",
                  control: str = "the control areas") -> str | list[str]:
        """The finding in plain English; a list with one paragraph per unit for several.

        Parameters
        ----------
        measure : str, optional
            What is counted, e.g. ``"burglaries"`` (default ``"recorded crimes"``, or
            ``"harm-weighted crimes"`` with weights; "per unit of time" / "of area" added when
            periods or area sizes are given).
        treated, control : str
            How to name the treated and control areas, e.g. ``"the hot spots"``.

        Examples
        --------
        >>> from scrutiny import place
        >>> r = place.wdd(207, 110, 308, 318)
        >>> print(r.narrative(treated="the hot spots"))  # doctest: +NORMALIZE_WHITESPACE
        Recorded crimes in the hot spots fell by 47% (from 207 to 110); in the control areas
        they rose by 3% (from 308 to 318). Net of the trend in the control areas, the weighted
        displacement difference is 107 fewer recorded crimes (95% CI 47 to 167 fewer; z =
        -3.48, p < 0.001). The fall of 97 recorded crimes in the hot spots is larger than the
        change in the control areas (10 more) by more than chance would explain, significant at
        the 5% level. This assumes that without the intervention the hot spots would have
        followed the trend in the control areas.

        The test compares numbers of crimes, not percentages: where percentages point the other
        way, the narrative says so.  Treated and control areas whose counts before differ more
        than 4-fold get a sentence (and :func:`wdd` a warning) on what that does to the test.
        """
        measure = measure or self._measure
        k = np.size(self.estimate)
        scalar = np.ndim(self.estimate) == 0
        lines = [_n.prefix(name, self._paragraph(_pick(self, None if scalar else i), measure,
                                                 treated, control))
                 for i, name in enumerate(_n.names(self.labels, k, "Area", scalar))]
        return _n.one_or_many(lines, scalar)

    def _paragraph(self, u: dict, measure: str, treated: str, control: str) -> str:
        if not u["se"] > 0:
            return (f"No {measure} were recorded (with positive weight) in any of the areas, so "
                    f"there is nothing to test.")
        alpha = 1.0 - self.conf
        text = [f"{_n.capital(measure)} in {treated} "
                f"{_change(u['treated_before'], u['treated_after'])}"
                f"; in {control} they {_change(u['control_before'], u['control_after'])}."]
        est = u["estimate"]
        size = f"{_n.count(abs(est))} {'fewer' if est < 0 else 'more'} {measure}"
        net = (f"the trend in {control} and of the change in the displacement areas"
               if self.has_displacement else f"the trend in {control}")
        stats = _n.joined(f"z = {u['statistic']:.2f}", _n.p_text(u["pvalue"], alpha))
        text.append(f"Net of {net}, the weighted displacement difference is {size} "
                    f"({self._interval(u)}; {stats}).")
        text.append(self._verdict(u, measure, treated, control, alpha))
        if _balance(u["treated_before"], u["control_before"]) > _UNBALANCED:
            text.append(_unbalanced_sentence(u, measure, treated, control))
        if self.has_displacement:
            text.append(self._displacement_sentence(u, measure, alpha))
        text.append(f"This assumes that without the intervention {treated} would have followed "
                    f"the trend in {control}.")
        return " ".join(text)

    def _verdict(self, u: dict, measure: str, treated: str, control: str, alpha: float) -> str:
        """The test's decision at level 1 - conf, worded as compare_rates words its own."""
        est = u["estimate"]
        t0, t1, c0, c1 = (u[k] for k in ("treated_before", "treated_after", "control_before",
                                          "control_after"))
        if u["pvalue"] < alpha:
            better = est < 0
            if better and t1 < t0:
                finding = (f"The fall of {_n.count(t0 - t1)} {measure} in {treated} is larger "
                           f"than the change in {control} ({_count_change(c0, c1)})")
            else:
                finding = (f"{_n.capital(treated)} fared {'better' if better else 'worse'} "
                           f"than the trend in {control}")
            text = f"{finding} by {_n.CHANCE}, {_n.significant_at(alpha)}"
            # The test compares counts; say so where percentages point the other way.
            pt, pc = u["treated_change"], u["control_change"]
            if np.isfinite(pt) and np.isfinite(pc) and (pt >= pc if better else pt <= pc):
                text += (f"; in percentages {treated} did no {'better' if better else 'worse'} "
                         f"({_relative_change(t0, t1)} against {_relative_change(c0, c1)}): "
                         f"the test compares numbers of {measure}, not percentages")
            return text + "."
        of = {"two-sided": f"a difference from the trend in {control}",
              "less": f"fewer {measure} than the trend in {control} would give",
              "greater": f"more {measure} than the trend in {control} would give"}
        return f"There is {_n.no_evidence(of[self.alternative], alpha)}."

    def _interval(self, u: dict) -> str:
        return _difference_interval(u["lower"], u["upper"], self.conf)

    def _displacement_sentence(self, u: dict, measure: str, alpha: float) -> str:
        """Displacement (or a diffusion of benefits): the displacement areas' change net of
        their controls, tested two-sided at level 1 - conf."""
        d, se = u["displacement"], u["displacement_se"]
        crit = float(_core.dist_norm_quantile(np.array([0.5 * (1.0 + self.conf)]))[0])
        if se > 0 and abs(d) > crit * se:
            more = d > 0
            return (f"Relative to their controls, the displacement areas saw "
                    f"{_n.count(abs(d))} {'more' if more else 'fewer'} {measure}, "
                    f"{_n.beyond_chance('a difference', alpha)}: a sign of "
                    f"{'displacement' if more else 'a diffusion of benefits'}.")
        return (f"The change in the displacement areas relative to their controls "
                f"({'+' if d > 0 else ''}{_n.count(d)}) shows "
                f"{_n.no_evidence('a difference', alpha)}: no clear sign of displacement or of "
                f"a diffusion of benefits.")

    def plot(self, ax=None):
        """One evaluation: before and after in the treated, control (and displacement) areas,
        with the treated areas' counterfactual (their 'before' plus the control change).
        Several (a 1-D result): each unit's WDD with its interval.  Returns the Axes."""
        from .graphics.place import wdd_chart

        title = (None if np.ndim(self.estimate) else
                 f"WDD = {_n.count(round(self.estimate, 1))} ({self._interval(_pick(self, None))})")
        return wdd_chart(self, _n.names(self.labels, np.size(self.estimate), "Area", False),
                         self._measure, title, ax=ax)


@dataclasses.dataclass(frozen=True, repr=False)
class PoissonETestResult(TestResult):
    """Poisson E-test of a change in rate between two periods (see :func:`poisson_etest`).
    Numbers for one unit, arrays (the broadcast shape of the inputs) for several.

    Attributes
    ----------
    statistic : float or numpy.ndarray
        The E-test statistic, per unit.
    pvalue : float or numpy.ndarray
        Its p-value, per unit.
    ratio : float or numpy.ndarray
        The rate ratio after / before, per unit.
    lower, upper : float or numpy.ndarray
        Its exact conditional confidence interval, per unit.
    percent_change : float or numpy.ndarray
        100 (ratio - 1), per unit.
    rate_before, rate_after : float or numpy.ndarray
        Count / exposure in each period (times ``per``), per unit.
    count_before, count_after : float or numpy.ndarray
        The counts of each period, per unit.
    exposure_before, exposure_after : float or numpy.ndarray
        The exposure (e.g. days) of each period, per unit.
    null_ratio : float or numpy.ndarray
        The rate ratio under the null hypothesis, per unit.
    alternative : str
        ``"two-sided"``, ``"less"`` or ``"greater"``.
    conf : float
        The confidence level of the interval.
    method : str
        The name of the test.
    per : float
        The multiplier of the rates (rate per ``per`` of exposure).
    labels : pandas.Index or None
        The units' names: a Series' index, or the ``label`` / ``by`` columns of a table.
    """

    statistic: float | np.ndarray = _r.unit()
    pvalue: float | np.ndarray = _r.unit()
    ratio: float | np.ndarray = _r.unit()
    lower: float | np.ndarray = _r.unit()
    upper: float | np.ndarray = _r.unit()
    percent_change: float | np.ndarray = _r.unit()
    rate_before: float | np.ndarray = _r.unit()
    rate_after: float | np.ndarray = _r.unit()
    count_before: float | np.ndarray = _r.unit()
    count_after: float | np.ndarray = _r.unit()
    exposure_before: float | np.ndarray = _r.unit()
    exposure_after: float | np.ndarray = _r.unit()
    null_ratio: float | np.ndarray = _r.unit()
    alternative: str = _r.scalar()
    conf: float = _r.levels()
    method: str = _r.scalar()
    per: float = _r.scalar(default=1.0)
    labels: pd.Index | None = _r.label(default=None)

    def narrative(self, measure: str = "recorded crimes") -> str | list[str]:
        """The change in plain English; a list with one sentence group per unit (named by its
        label) for several.

        Parameters
        ----------
        measure : str, default "recorded crimes"
            What is counted, e.g. ``"burglaries"``.

        Examples
        --------
        >>> from scrutiny import place
        >>> print(place.poisson_etest(120, 98).narrative())  # doctest: +NORMALIZE_WHITESPACE
        The rate of recorded crimes fell by 18% (from 120 to 98; rate ratio 0.82, 95% CI 0.62
        to 1.08). There is no evidence of a change at the 5% level (Poisson E-test,
        p = 0.137).
        """
        k = np.size(self.pvalue)
        scalar = np.ndim(self.pvalue) == 0
        lines = [_n.prefix(name, self._paragraph(None if scalar else i, measure))
                 for i, name in enumerate(_n.names(self.labels, k, "Area", scalar))]
        return _n.one_or_many(lines, scalar)

    def _paragraph(self, i, measure: str) -> str:
        u = _pick(self, i)
        before, after = u["count_before"], u["count_after"]
        if before + after == 0:
            return f"No {measure} were recorded in either period, so there is nothing to test."
        alpha = 1.0 - self.conf
        shown = f"from {_n.count(before)} to {_n.count(after)}"
        if u["exposure_before"] != u["exposure_after"]:
            shown += (f"; rates {_n.number(u['rate_before'])} and {_n.number(u['rate_after'])} "
                      + (_n.per_text(self.per) if self.per != 1 else "per unit of exposure"))
        if before == 0:
            text = f"{_n.capital(measure)} went {shown}"
        else:
            ratio = u["ratio"]
            word = "did not change" if ratio == 1 else (
                f"{'fell' if ratio < 1 else 'rose'} by {_n.relative(ratio - 1.0)}")
            text = (f"The rate of {measure} {word} ({shown}; rate ratio {_n.ratio(ratio)}, "
                    f"{_ratio_interval(u['lower'], u['upper'], self.conf, self.alternative)})")
        stats = _n.stats("Poisson E-test" + ("" if self.alternative == "two-sided"
                                              else ", one-sided"), _n.p_text(u["pvalue"], alpha))
        null = u["null_ratio"]
        head = "" if null == 1 else f"Against an expected rate ratio of {_n.number(null)}, "
        if u["pvalue"] < alpha:
            verdict = f"{head}this is {_n.rise_or_fall(u['ratio'] > null, alpha, stats)}"
        else:
            of = {"two-sided": "a change", "less": "a fall", "greater": "a rise"}[self.alternative]
            verdict = f"{head}there is {_n.no_evidence(of, alpha)} {stats}"
        return f"{text}. {_n.capital(verdict)}."

    def plot(self, ax=None):
        """One test: the rates before and after with their exact (Garwood) intervals.  Several
        (a 1-D result): each unit's rate ratio with its interval, on a log scale.  Returns the
        Axes."""
        from .graphics.place import etest_chart

        ci = None if np.ndim(self.pvalue) else rate_ci(
            np.array([self.count_before, self.count_after]),
            np.array([self.exposure_before, self.exposure_after]), conf=self.conf, method="exact",
            per=self.per)
        return etest_chart(self, _n.names(self.labels, np.size(self.pvalue), "Area", False), ci,
                           ax=ax)


# ---- the WDD test --------------------------------------------------------------------------

def _pair(before, after, name: str, labels=None):
    """Both counts of an optional pair, or neither (None, None)."""
    if (before is None) != (after is None):
        given, missing = (f"{name}_before", f"{name}_after") if after is None else (
            f"{name}_after", f"{name}_before")
        raise ValueError(f"{missing} must be given with {given}")
    if before is None:
        return None, None
    return (_v.counts(before, f"{name}_before", labels=labels),
            _v.counts(after, f"{name}_after", labels=labels))


def _combine_axes(combine, ndim: int) -> tuple[int, ...]:
    """Axes to sum over: () for False, all for True, else the given axis or axes."""
    if isinstance(combine, (bool, np.bool_)):
        return tuple(range(ndim)) if combine else ()
    items = combine if isinstance(combine, (tuple, list)) else (combine,)
    axes = []
    for a in items:
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, numbers.Integral):
            raise TypeError(f"combine must be True, False, an axis or a tuple of axes (got "
                            f"{combine!r})")
        if not -ndim <= a < ndim:
            raise ValueError(f"combine: axis {a} is out of range for inputs of {ndim} dimension(s)")
        axes.append(int(a) % ndim)
    if len(set(axes)) != len(axes):
        raise ValueError(f"combine repeats an axis ({combine!r})")
    return tuple(axes)


@_frames.tidy(roles=(*_PARTS, "weights", "period_before", "period_after"), layout="units")
def wdd(treated_before, treated_after, control_before, control_after,
        displacement_before=None, displacement_after=None,
        control_displacement_before=None, control_displacement_after=None,
        weights=None, period_before=1.0, period_after=1.0, area_sizes=None,
        combine=False, conf=0.95, alternative="two-sided", labels=None) -> WDDResult:
    """Weighted displacement difference (WDD) test of a place-based intervention.

    Did crime fall in the hot spots by more than in comparable areas, without simply moving
    next door?  The WDD is the change in the treated area, minus the change in its control
    area, plus the change in the displacement (catchment) area minus the change in that area's
    control: a negative WDD is crime prevented.  Its standard error treats every count as
    Poisson.  Every count argument broadcasts (NumPy rules): pass arrays for many hot spots
    (or crime types) at once.

    Also ``wdd(df, treated_before=<column>, ..., label=<column>)`` (or ``by=[<columns>]``): a
    tidy table with one row per hot spot (one test per row); ``weights``, ``period_before``
    and ``period_after`` may name columns too.

    Parameters
    ----------
    treated_before, treated_after : int or array_like
        Crimes in the treated area (hot spot) before and after the intervention (whole, >= 0).
        pandas Series name the units by their index (Series arguments must share it).
    control_before, control_after : int or array_like
        Crimes in the control area, chosen to follow the treated area's trend.
    displacement_before, displacement_after : int or array_like, optional
        Crimes in the displacement area around the treated area; give both or neither.
    control_displacement_before, control_displacement_after : int or array_like, optional
        Crimes in the displacement area's control; give both or neither.  A pair left out
        counts as zero crimes.
    weights : float or array_like, optional
        Harm weights per crime (e.g. per crime type along the last axis, >= 0): each count x
        adds w x to the WDD and w² x to its variance (Wheeler 2020).
    period_before, period_after : float or array_like, default 1.0
        Lengths of the two periods (> 0), e.g. 24 and 12 months: the WDD is then per unit of
        time, as ptools ``time_weights``.
    area_sizes : sequence of 4 floats or arrays, optional
        Sizes of the treated, control, displacement and displacement-control areas (> 0): the
        WDD is then per unit of area, as ptools ``area_weights`` (whose order is control,
        treated, displacement control, displacement).
    combine : bool, int or tuple of int, default False
        ``False``: one test per element of the broadcast inputs.  ``True``: sum everything into
        one test (several hot spots evaluated together, as the paper does).  An axis or tuple
        of axes: sum over those axes only (e.g. ``-1`` for crime types, giving one
        harm-weighted test per area).
    conf : float, default 0.95
        Confidence level of the interval, in (0, 1).
    alternative : {"two-sided", "less", "greater"}
        ``"less"``: the intervention reduced crime (WDD < 0).  One-sided alternatives give
        one-sided intervals.
    labels : sequence, optional
        Names of the units of a 1-D result (default: the index of a pandas Series input).

    Returns
    -------
    WDDResult
        ``statistic`` (z = WDD / SE), ``pvalue``, ``estimate`` (the WDD), ``se``, ``lower``,
        ``upper``, the parts ``local`` (treated minus control) and ``displacement``
        (displacement minus its control) with their SEs, the eight totals as they enter the
        test, ``treated_change`` and ``control_change`` (after / before - 1), ``conf``,
        ``alternative``, ``has_displacement``, ``weighted``.  Unpacks as
        ``statistic, pvalue``; ``narrative()``, ``plot()``, ``to_frame()``.  Where no count has
        positive weight, the SE is 0 and z and the p-value are NaN.

    Raises
    ------
    ValueError
        Negative, fractional or missing (NaN) counts; weights, periods or area sizes that are
        negative or not positive; one of a pair without the other; shapes that do not
        broadcast; ``conf`` outside (0, 1); an unknown alternative; a bad ``combine`` axis.
    TypeError
        Non-numeric input, a sequence for ``conf``.

    Warns
    -----
    UserWarning
        When, in any unit, the treated and control areas' counts before (as they enter the
        test) differ more than 4-fold: the test then mostly reflects the larger area's change.

    Notes
    -----
    With multipliers :math:`m = w / (\\text{period} \\times \\text{area size})` per count,
    :math:`\\mathrm{WDD} = \\Delta T - \\Delta C + \\Delta D - \\Delta C_d`, each
    :math:`\\Delta = \\sum m x_{after} - \\sum m x_{before}`, and
    :math:`\\mathrm{Var} = \\sum m^2 x` over all eight counts (Poisson variances);
    :math:`z = \\mathrm{WDD}/\\sqrt{\\mathrm{Var}}` with normal p-value and interval
    :math:`\\mathrm{WDD} \\pm \\Phi^{-1}((1 + c)/2)\\sqrt{\\mathrm{Var}}`; z and the
    p-value are NaN where Var is 0 (every weighted count 0, e.g. a weight of 0): nothing to
    test.  Identical to ptools
    ``wdd`` (and, with weights summed over crime types, ``wdd_harm``).  The normal
    approximation needs counts that are not tiny; it assumes that the treated areas would have
    followed the control areas' trend and that the counts are not overdispersed.

    That trend is taken in numbers of crimes: the counterfactual is that the treated areas
    change by as many crimes as the control areas, not by the same proportion (Wheeler 2021).
    The two agree only when the areas have similar counts, as Wheeler & Ratcliffe (2018) match
    them; where the counts before differ more than 4-fold the WDD mostly reflects the larger
    area's own change (a 20 % fall from 842 against a 50 % fall from 68 is still 131 crimes
    "prevented"), and the narrative and a warning say so.  A rate ratio
    (:func:`poisson_etest` per area, :func:`scrutiny.compare_rates`) compares proportions.

    References
    ----------
    Wheeler AP, Ratcliffe JH (2018). A simple weighted displacement difference test to evaluate
    place based crime interventions. Crime Science 7:11. doi:10.1186/s40163-018-0085-5.
    Wheeler AP (2020). Amending the WDD test to incorporate harm weights (andrewpwheeler.com,
    19 November 2020); ptools 1.0.0 ``wdd``, ``wdd_harm``.
    Wheeler AP (2021). Comparing the WDD vs the Wilson log IRR estimator (andrewpwheeler.com,
    18 March 2021).

    Examples
    --------
    The worked example of Wheeler & Ratcliffe (2018):

    >>> from scrutiny import place
    >>> r = place.wdd(207, 110, 308, 318, 178, 157, 150, 140)
    >>> r.estimate, round(r.se ** 2), round(r.statistic, 2)
    (-118.0, 1568, -2.98)
    >>> round(r.lower), round(r.upper)
    (-196, -40)

    Two hot spots from a tidy table:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"spot": ["High St", "Station"], "tb": [40, 25], "ta": [30, 24],
    ...                    "cb": [41, 22], "ca": [40, 23]})
    >>> place.wdd(df, treated_before="tb", treated_after="ta", control_before="cb",
    ...           control_after="ca", label="spot").to_frame()[["label", "estimate"]]
         label  estimate
    0  High St      -9.0
    1  Station      -2.0
    """
    alt = _v.choice(alternative, "alternative", tuple(_ALTERNATIVES))
    level = _v.conf_level(conf)
    arrays, has_displacement = _wdd_inputs(
        (treated_before, treated_after, control_before, control_after, displacement_before,
         displacement_after, control_displacement_before, control_displacement_after),
        weights, period_before, period_after, area_sizes)
    shape = arrays["treated_before"].shape
    counts, scale = _wdd_multiplied(arrays)
    _v.not_underflowing(scale, _MULTIPLIER, _SCALES)
    axes = _combine_axes(combine, len(shape))
    out_shape = tuple(shape[a] for a in range(len(shape)) if a not in axes)
    counts, scale, members = _grouped(counts, scale, axes, out_shape)
    with _v.core_domain("the counts, weights, period_before, period_after and area_sizes"):
        out = _core.place_wdd(counts, scale, members, _ALTERNATIVES[alt], level, _ALL_CORES)
    (totals, local, local_se, displacement, displacement_se, estimate, se, statistic, pvalue,
     lower, upper) = (out[k] for k in _WDD_OUTPUTS)

    _v.representable(se, "the standard error of the WDD", _SCALES)
    _v.representable(totals, "a weighted count", _SCALES)

    def field(a):
        return scalar_or_array(a, out_shape)

    with np.errstate(divide="ignore", invalid="ignore"):
        treated_change = totals[:, 1] / totals[:, 0] - 1.0
        control_change = totals[:, 3] / totals[:, 2] - 1.0
    unbalanced = _balance(totals[:, 0], totals[:, 2]) > _UNBALANCED
    if unbalanced.any():
        _n.caution("wdd", _unbalanced_warning(totals[:, 0], totals[:, 2], unbalanced))
    weighted = weights is not None or area_sizes is not None or not (
        np.all(arrays["period_before"] == 1) and np.all(arrays["period_after"] == 1))
    return WDDResult(
        statistic=field(statistic), pvalue=field(pvalue), estimate=field(estimate), se=field(se),
        lower=field(lower), upper=field(upper), local=field(local), local_se=field(local_se),
        displacement=field(displacement), displacement_se=field(displacement_se),
        **{p: field(totals[:, k]) for k, p in enumerate(_PARTS)},
        treated_change=field(treated_change), control_change=field(control_change),
        conf=level, alternative=alt, has_displacement=has_displacement, weighted=weighted,
        _measure=_wdd_measure(arrays, weights is not None, area_sizes is not None),
        labels=_frames.result_labels(out_shape, labels, **dict(zip(_PARTS, (
            treated_before, treated_after, control_before, control_after, displacement_before,
            displacement_after, control_displacement_before, control_displacement_after)))),
    )


_MULTIPLIER = "the multiplier weight / (period x area size)"
_SCALES = "weights, period_before, period_after or area_sizes"


def _wdd_inputs(parts, weights, period_before, period_after, area_sizes):
    """The counts (by their names in ``_PARTS``; an optional pair left out is absent), the
    weights, period lengths and area sizes (``area_<area>``), validated and broadcast
    together; and whether any displacement pair was given."""
    named = {p: _v.counts(v, p) for p, v in zip(_PARTS[:4], parts[:4])}
    disp = _pair(parts[4], parts[5], "displacement")
    cdisp = _pair(parts[6], parts[7], "control_displacement")
    for name, (b, a) in (("displacement", disp), ("control_displacement", cdisp)):
        if b is not None:
            named[f"{name}_before"], named[f"{name}_after"] = b, a
    scales = {"weights": _v.counts(1.0 if weights is None else weights, "weights", integer=False),
              "period_before": _v.positive(period_before, "period_before"),
              "period_after": _v.positive(period_after, "period_after")}
    if area_sizes is not None:
        if (isinstance(area_sizes, (str, bytes)) or not hasattr(area_sizes, "__len__")
                or np.ndim(area_sizes) == 0 or len(area_sizes) != 4):
            raise ValueError("area_sizes must be a sequence of 4 sizes (treated, control, "
                             "displacement, control_displacement)")
        for area, size in zip(_AREAS, area_sizes):
            scales[f"area_{area}"] = _v.positive(size, f"area_sizes ({area})")
    arrays = dict(zip(list(named) + list(scales), _v.broadcast(**named, **scales)))
    return arrays, disp[0] is not None or cdisp[0] is not None


def _wdd_multiplied(arrays: dict):
    """The eight counts and their multipliers (weight / (period length x area size)), each
    stacked as (8, *shape); a part not given counts zero."""
    zeros = np.zeros(arrays["treated_before"].shape)
    counts = np.stack([arrays.get(p, zeros) for p in _PARTS])
    with np.errstate(over="ignore"):   # an overflow is the core's domain error, named
        scale = np.stack([
            (arrays["weights"] / arrays[f"period_{p.rsplit('_', 1)[1]}"]
             / arrays.get(f"area_{p.rsplit('_', 1)[0]}", 1.0)) if p in arrays else zeros
            for p in _PARTS])
    return counts, scale


def _grouped(counts, scale, axes: tuple, out_shape: tuple):
    """Counts and multipliers as (8, groups x members), each group's members (the elements
    summed over ``axes``) contiguous, in the order of the result's elements."""
    ndim = counts.ndim - 1
    keep = [a for a in range(ndim) if a not in axes]
    groups = int(np.prod(out_shape, dtype=np.int64))
    order = [0] + [a + 1 for a in keep] + [a + 1 for a in axes]
    counts = np.ascontiguousarray(counts.transpose(order)).reshape(8, -1)
    scale = np.ascontiguousarray(scale.transpose(order)).reshape(8, -1)
    if counts.shape[1] == 0:
        raise ValueError("treated_before is empty")
    return counts, scale, (counts.shape[1] // groups if groups else 1)


def _wdd_measure(arrays: dict, weighted: bool, sized: bool) -> str:
    """What the WDD counts: 'recorded crimes' or 'harm-weighted crimes', per unit of time
    and/or area when periods or area sizes are given."""
    per = [w for w, on in (("time", np.any(arrays["period_before"] != 1)
                                or np.any(arrays["period_after"] != 1)),
                               ("area", sized)) if on]
    return ("harm-weighted crimes" if weighted else "recorded crimes") + (
        f" per unit of {' and '.join(per)}" if per else "")


# ---- the Poisson E-test --------------------------------------------------------------------

@_frames.tidy(roles=("count_before", "count_after", "exposure_before", "exposure_after"),
              layout="units")
def poisson_etest(count_before, count_after, exposure_before=1.0, exposure_after=1.0,
                  alternative="two-sided", ratio=1.0, method="wald",
                  conf=0.95, per=1.0, *, label=None, by=None) -> PoissonETestResult:
    """Poisson E-test of a change in a crime rate between two periods.

    Is the fall from 120 burglaries last year to 98 this year more than chance?  The E-test of
    Krishnamoorthy & Thomson (2004) estimates the p-value under the null hypothesis by summing
    Poisson probabilities of every pair of counts at least as extreme as the observed one; it
    holds its size and is more powerful than the conditional (binomial) test of
    :func:`scrutiny.compare_rates`, whose exact interval of the rate ratio it reports.  All
    arguments broadcast (NumPy rules), so many areas are tested in one call.

    Also ``poisson_etest(df, count_before=<column>, count_after=<column>, label=<column>)``
    (exposures too, or ``by=[<columns>]``): a tidy table with one row per area.

    Parameters
    ----------
    count_before, count_after : int or array_like
        Crimes in the two periods (whole, >= 0).  pandas Series name the areas by their index
        (Series arguments must share it).
    exposure_before, exposure_after : float or array_like, default 1.0
        Lengths of the periods (or populations, or area sizes; > 0): the rates compared are
        count / exposure.
    alternative : {"two-sided", "less", "greater"}
        ``"less"``: the rate fell (rate ratio after / before below `ratio`); ``"greater"``: it
        rose.
    ratio : float or array_like, default 1.0
        Rate ratio (after / before) under the null hypothesis (> 0), e.g. the force-wide
        change, to ask whether an area did better than the force.
    method : {"wald", "score"}
        Statistic that orders the outcomes: ``"wald"`` (Krishnamoorthy & Thomson's
        :math:`T`, unpooled variance; statsmodels ``method="etest-wald"``; SciPy
        ``poisson_means_test`` when `ratio` is 1) or ``"score"`` (pooled variance; statsmodels
        ``"etest"`` / ``"etest-score"``; ptools ``e_test``).  With equal exposures and
        ``ratio=1`` the two agree.
    conf : float, default 0.95
        Level of the interval of the rate ratio (one-sided for one-sided alternatives).
    per : float, default 1.0
        Multiplier of the reported rates (``rate_before``, ``rate_after``), e.g. 1000.
    label, by : str or list of str, optional
        With a table as the first argument and column names for the counts (and exposures):
        the column naming the areas, or the columns grouping them (a MultiIndex of labels).
        A Series' index names the areas too.

    Returns
    -------
    PoissonETestResult
        ``statistic``, ``pvalue``, ``ratio`` (rate after / rate before), ``lower``, ``upper``
        (exact conditional interval, as R ``poisson.test``), ``percent_change``,
        ``rate_before``, ``rate_after``, ``count_before``, ``count_after``, ``null_ratio``,
        ``alternative``, ``conf``, ``method``.  Unpacks as ``statistic, pvalue``;
        ``narrative()``, ``plot()``, ``to_frame()``.

    Raises
    ------
    ValueError
        Negative, fractional or missing counts; more than 1e12 crimes in an area's two
        periods; exposures or ratio not positive; ratio x exposure_after / exposure_before
        outside (1e-100, 1e100); shapes that do not broadcast; ``conf`` outside (0, 1); an
        unknown alternative or method.
    TypeError
        Non-numeric input, a sequence for ``conf``.

    Notes
    -----
    With :math:`x_1` the count after, :math:`x_2` before, exposures :math:`t_1, t_2`, null
    ratio :math:`\\rho` and :math:`r = \\rho t_1/t_2`: Wald
    :math:`T = (x_1 - r x_2)/\\sqrt{x_1 + r^2 x_2}`, score
    :math:`T = (x_1 - r x_2)/\\sqrt{r(x_1 + x_2)}` (0 where the variance is 0).  Under the null
    the means fitted to the observed total :math:`N` are :math:`\\mu_1 = N r/(1 + r)` and
    :math:`\\mu_2 = N/(1 + r)`, and the p-value is
    :math:`\\sum_{x_1, x_2} P(x_1; \\mu_1) P(x_2; \\mu_2) [T(x_1, x_2) \\text{ at least as extreme
    as } T_{obs}]` (two-sided: :math:`|T| \\ge |T_{obs}|`; ties within a relative
    :math:`10^{-12}` included).  Since :math:`T` decreases in :math:`x_2` and increases in
    :math:`x_1`, the C core finds the region's boundary in one sweep and sums cumulative
    probabilities instead of a double sum.  Each Poisson margin is summed over the counts
    whose probability is at least :math:`10^{-300}`, so p-values are exact to rounding (about
    :math:`10^{-13}`) unless astronomically small.  With no crimes in either period the
    statistic is 0 and the p-value 1.  The interval comes from a different (conditional) test,
    so near the significance boundary the two can disagree.

    References
    ----------
    Krishnamoorthy K, Thomson J (2004). A more powerful test for comparing two Poisson means.
    Journal of Statistical Planning and Inference 119:23-35.
    Gu K, Ng HKT, Tang ML, Schucany WR (2008). Testing the ratio of two Poisson rates.
    Biometrical Journal 50:283-298.

    Examples
    --------
    Przyborowski & Wilenski's example in Krishnamoorthy & Thomson (2004): 0 and 3 events.

    >>> from scrutiny import place
    >>> round(place.poisson_etest(0, 3).pvalue, 4)
    0.0884
    >>> r = place.poisson_etest(120, 98, alternative="less")
    >>> round(r.ratio, 3), round(r.pvalue, 4)
    (0.817, 0.0683)
    >>> import pandas as pd
    >>> r = place.poisson_etest(pd.Series([120, 40], index=["Malvern", "Wyre"]),
    ...                         pd.Series([98, 41], index=["Malvern", "Wyre"]))
    >>> r.to_frame()["unit"].tolist()
    ['Malvern', 'Wyre']
    """
    _no_table("poisson_etest", label, by)
    index = _index(count_before=count_before, count_after=count_after,
                   exposure_before=exposure_before, exposure_after=exposure_after, ratio=ratio)
    alt = _v.choice(alternative, "alternative", tuple(_ALTERNATIVES))
    stat_code = _STATISTICS[_v.choice(method, "method", tuple(_STATISTICS))]
    level = _v.conf_level(conf)
    cb, ca = _v.counts(count_before, "count_before"), _v.counts(count_after, "count_after")
    tb = _v.positive(exposure_before, "exposure_before")
    ta = _v.positive(exposure_after, "exposure_after")
    rho = _v.positive(ratio, "ratio")
    cb, ca, tb, ta, rho = _v.broadcast(count_before=cb, count_after=ca, exposure_before=tb,
                                       exposure_after=ta, ratio=rho)
    total = cb + ca
    if total.size and total.max() > _ETEST_MAX_TOTAL:
        i = int(np.argmax(total))
        raise ValueError(f"count_before + count_after must be at most {_ETEST_MAX_TOTAL:g} for the "
                         f"E-test (area {i}: {total.ravel()[i]:g}); at such counts the normal "
                         f"approximation (compare_rates or wdd) is exact enough")
    with _v.core_domain("count_before, count_after, exposure_before, exposure_after and ratio"):
        statistic, pvalue = _core.place_etest(ca.ravel(), ta.ravel(), cb.ravel(), tb.ravel(),
                                              rho.ravel(), stat_code, _ALTERNATIVES[alt],
                                              _ALL_CORES)
    shape = cb.shape
    exact = compare_rates(ca, ta, cb, tb, conf=level, alternative=alt, per=per)
    return PoissonETestResult(
        statistic=scalar_or_array(statistic, shape),
        pvalue=scalar_or_array(pvalue, shape),
        ratio=exact.ratio,
        lower=exact.lower,
        upper=exact.upper,
        percent_change=scalar_or_array(100.0 * (np.asarray(exact.ratio) - 1.0), shape),
        rate_before=exact.rate2,
        rate_after=exact.rate1,
        count_before=scalar_or_array(cb, shape),
        count_after=scalar_or_array(ca, shape),
        exposure_before=scalar_or_array(tb, shape),
        exposure_after=scalar_or_array(ta, shape),
        null_ratio=scalar_or_array(rho, shape),
        alternative=alt,
        conf=level,
        method=method,
        per=exact.per,
        labels=_frames.index_labels(index, shape),
    )
