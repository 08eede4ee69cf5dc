"""Disparity across areas: funnel plots, per-unit significance of ratios, inequality indices
and empirical-Bayes shrinkage.

Is North Worcestershire's arrest rate really low, or is it small numbers?  A funnel plot
compares every area with a target using limits that narrow as the denominator grows, so that
an area is flagged only when it differs by more than chance allows.  The limits, z-scores and
overdispersion are computed in the C core, over many areas in parallel.  Numbers follow
Spiegelhalter (2005), FunnelPlotR and PHEindicatormethods, as each function says.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

from . import _batch, _core, _frames, _funnel
from . import distributed
from . import _narrative as _n
from . import _options as _o
from . import _results as _r
from . import _validation as _v
from ._results import Result

__all__ = [
    "funnel", "ratio_significance", "disparity_indices", "shrink",
    "FunnelResult", "RatioSignificanceResult", "DisparityResult", "ShrinkResult",
]

_METHODS = {
    "proportion": ("exact", "normal", "arcsine", "wilson"),
    "rate": ("exact", "normal"),
    "ratio": ("exact", "log", "sqrt"),
}
_OVERDISPERSION = _o.OVERDISPERSION.names[1:]
_INDICES = ("range", "ratio", "cv", "gini", "theil", "mld")
_ALL_CORES = 0


# ---- shared helpers -----------------------------------------------------------------------

_level_label = _n.level     # 0.95 -> '95%', 0.998 -> '99.8%'


def _per(per) -> float:
    """The rate multiplier: 1 when None."""
    return 1.0 if per is None else _v.number(per, "per", positive=True)


def _no_labels(labels, shape: tuple) -> None:
    """Labels name the units of a one-dimensional result only."""
    if labels is not None:
        raise ValueError(f"labels name the units of a one-dimensional result; this result has "
                         f"shape {shape}")


def _one_dimensional(**arrays) -> list[np.ndarray]:
    """Broadcast, then require at most one dimension (one value per unit); returns 1-D arrays."""
    for name, arr in arrays.items():
        _v.dimensions(arr, name, (0, 1), "one-dimensional (one value per unit)")
    return [np.atleast_1d(a) for a in _v.broadcast(**arrays)]


# ---- funnel -------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class FunnelResult(Result):
    """A funnel plot: limits around a target and the units outside them (see :func:`funnel`).

    ``curve()`` gives the limits over a grid of denominators, ``plot()`` draws the funnel and
    ``narrative()`` reports each unit in words; ``to_frame()`` is a copy of ``table``.

    Attributes
    ----------
    target : float
        The centre line (the pooled value unless a target was given), times ``per``.
    z : numpy.ndarray
        Each unit's z-score (adjusted for overdispersion when it is allowed for).
    phi : float
        The multiplicative overdispersion factor (1 without).
    tau2 : float
        The additive between-unit variance (0 without).
    levels : tuple of float
        The control-limit levels, e.g. ``(0.95, 0.998)``.
    lower, upper : numpy.ndarray
        The limits at each unit's denominator, units x levels in the order of ``levels``,
        times ``per``.
    flag : numpy.ndarray
        Per unit ``"within"``, or the side and widest level crossed, e.g. ``"high (99.8%)"``.
    table : pandas.DataFrame
        One row per unit: its name (``unit``, or the columns of named labels such as the ``by``
        columns of a tidy table), numerator, denominator, value, z, the limits at each level,
        flag.
    value : numpy.ndarray
        Each unit's value, numerator / denominator, times ``per``.
    se : numpy.ndarray
        The standard error of each unit's value around the target (on the method's scale, per
        unit of denominator).
    kind : str
        ``"proportion"``, ``"rate"`` or ``"ratio"``.
    method : str
        How the limits are computed (``"exact"``, ``"normal"``, ...).
    overdispersion : str or None
        ``"multiplicative"``, ``"additive"`` or None.
    trim : float
        The share of extreme z-scores trimmed (winsorised) in estimating overdispersion.
    pooled_target : bool
        Whether the target is the pooled value.
    per : float
        The multiplier of ``target``, ``value``, the limits, ``curve()`` and ``table``
        (1: per unit of denominator).
    numerator, denominator : numpy.ndarray
        The inputs, per unit (hidden from the displays).
    labels : pandas.Index or None
        The units' names (from ``labels=``, the index of Series arguments, or a tidy table's
        ``label`` / ``by`` columns; the first column(s) of ``table``).
    better : str or None
        The direction of improvement, ``"higher"`` or ``"lower"``, for the chart (hidden from
        the displays).
    """

    target: float = _r.scalar()
    z: np.ndarray = _r.unit()
    phi: float = _r.scalar()
    tau2: float = _r.scalar()
    levels: tuple = _r.levels(frame="level")
    lower: np.ndarray = _r.per_level()
    upper: np.ndarray = _r.per_level()
    flag: np.ndarray = _r.unit()
    table: pd.DataFrame = _r.table()
    value: np.ndarray = _r.unit()
    se: np.ndarray = _r.hidden()
    kind: str = _r.scalar()
    method: str = _r.scalar()
    overdispersion: str | None = _r.scalar()
    trim: float = _r.scalar()
    pooled_target: bool = _r.scalar()
    per: float = _r.scalar()
    numerator: np.ndarray = _r.hidden()
    denominator: np.ndarray = _r.hidden()
    labels: pd.Index | None = _r.label()
    better: str | None = _r.hidden()

    def _scaled(self) -> float:
        """The factor ``target``, ``value`` and the limits carry (``per``)."""
        return self.per

    def curve(self, n_points: int = 200):
        """Limits over a grid of denominators spanning the data, for drawing.

        Parameters
        ----------
        n_points : int
            Grid size (geometric spacing; whole numbers for proportions, so fewer points may
            remain where the denominators are small).

        Returns
        -------
        pandas.DataFrame
            One row per grid denominator and level: ``denominator``, ``level``, ``target``,
            ``lower``, ``upper`` (times ``per``, as the fields).
        """
        import pandas as pd

        n_points = _v.whole_number(n_points, "n_points", minimum=2, maximum=_v.MAX_POINTS)
        lo, hi = float(self.denominator.min()), float(self.denominator.max())
        grid = np.geomspace(lo, hi, n_points) if hi > lo else np.array([lo])
        if self.kind == "proportion":
            grid = np.unique(np.round(grid))
        grid = np.ascontiguousarray(grid, dtype=float)
        factor = self._scaled()
        lower, upper = _funnel.limits(
            grid, self.kind, self.method, self.overdispersion, self.target / factor,
            np.asarray(self.levels, dtype=float), self.phi, self.tau2)
        m = len(self.levels)
        return pd.DataFrame({
            "denominator": np.repeat(grid, m),
            "level": np.tile(np.asarray(self.levels, dtype=float), grid.size),
            "target": self.target,
            "lower": lower.reshape(-1) * factor,
            "upper": upper.reshape(-1) * factor,
        })

    def plot(self, ax=None, n_points: int = 200, *, better=None, **options):
        """Draw the funnel: limits as bands, the target, the units coloured by what they mean
        (with ``better``: improvement blue, concern orange; without: outside the limits
        purple) and the names of flagged units.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        n_points : int
            Grid size of the limits.
        better : {"higher", "lower"}, optional
            The direction of improvement (default: the result's ``better``).
        **options
            The chart options: ``title``, ``xlabel``, ``ylabel``, ``per`` (values per this
            many), ``label`` (``"outliers"``, ``"all"``, ``"none"`` or units to name),
            ``highlight`` (units emphasised), ``annotate`` ({unit: note}), ``floor``,
            ``ceiling`` (default 0 and, for proportions, 100%).

        Returns the matplotlib Axes (a new figure's when ``ax`` is None)."""
        from .graphics.disparity import funnel_chart

        return funnel_chart(self, ax=ax, n_points=n_points, better=better, **options)

    def narrative(self, measure: str | None = None, reference: str | None = None,
                  per: float | None = None, which: str = "all", overview: bool = False,
                  areas: str | None = None, unit: str = "area") -> str:
        """Each unit's position in careful plain English, one sentence per line.

        The line of a unit outside only the narrowest limits adds how many units would be
        outside those limits by chance alone: with many units, some are.

        Parameters
        ----------
        measure : str, optional
            What the value is, e.g. ``"arrest rate"`` (default: proportion, rate, or ratio of
            observed to expected).
        reference : str, optional
            What the target is, e.g. ``"force rate"`` (default: ``"overall proportion"`` /
            ``"overall rate"`` for a pooled target, ``"target"`` otherwise, ``"benchmark"`` for
            ratios).
        per : float, optional
            Values are shown per this many units of the denominator (e.g. 1000: "per
            1,000"); default the result's ``per``.  Proportions at ``per`` 1 are shown as
            percentages.
        which : {"all", "flagged"}
            Report every unit or only those outside a limit.
        overview : bool
            Begin with a line counting the units outside each limit against the number
            expected there by chance alone (the allowance for testing many units).
        areas : str, optional
            The plural of ``unit`` when it is not ``unit`` + "s" (e.g. ``"local
            authorities"``).
        unit : str
            What one unit is, e.g. ``"crime type"`` or ``"local authority"`` (default
            ``"area"``); it counts the units ("4 crime types") and names unlabelled ones
            ("Crime type 0").

        Examples
        --------
        >>> import scrutiny as sc
        >>> res = sc.funnel([240, 332, 30], [1000, 1000, 100], target=0.33,
        ...                 labels=["North Worcestershire", "South Worcestershire",
        ...                         "Herefordshire"])
        >>> text = res.narrative(measure="arrest rate", reference="force rate", which="flagged")
        >>> print(text)  # doctest: +NORMALIZE_WHITESPACE
        North Worcestershire's arrest rate (24.0%) is below the force rate (33.0%) by more than
        expected from chance (99.8% limits).

        Units named by a Series' index, rates per 1,000:

        >>> import pandas as pd
        >>> res = sc.funnel(pd.Series([30, 52, 9], index=["Bromsgrove", "Redditch", "Wyre"]),
        ...                 pd.Series([9800, 8400, 6100], index=["Bromsgrove", "Redditch",
        ...                                                      "Wyre"]),
        ...                 kind="rate", per=1000)
        >>> print(res.narrative(which="flagged"))  # doctest: +NORMALIZE_WHITESPACE
        Redditch's rate (6.19 per 1,000) is above the overall rate (3.74 per 1,000) by more
        than expected from chance (99.8% limits).
        Wyre's rate (1.48 per 1,000) is below the overall rate (3.74 per 1,000) by more than
        expected from chance (99.8% limits).
        """
        which = _v.choice(which, "which", ("all", "flagged"))
        scale = self.per if per is None else _v.number(per, "per", positive=True)
        measure = measure or {"proportion": "proportion", "rate": "rate",
                              "ratio": "ratio of observed to expected"}[self.kind]
        if reference is None:
            reference = ("benchmark" if self.kind == "ratio" else
                         f"overall {self.kind}" if self.pooled_target else "target")
        adjusted = ", allowing for overdispersion" if self.overdispersion else ""
        narrowest = _level_label(min(self.levels))
        k = len(self.flag)

        def units(n):  # "4 crime types"
            return _n.plural(n, unit, areas)

        chance = (f", though with {units(k)} about "
                  f"{_n.about(_n.expected_by_chance(k, min(self.levels)))} would be outside "
                  "these limits by chance alone") if k > 1 else ""
        lines = [self._overview(units, adjusted)] if _v.boolean(overview, "overview") else []
        names = _n.names(self.labels, k, _n.capital(unit), False)
        for i, flag in enumerate(self.flag):
            if which == "flagged" and flag == "within":
                continue
            owner = _n.capital(_n.possessive(names[i]))
            shown = self._format(self.value[i], scale)
            if flag == "within":
                lines.append(f"{owner} {measure} ({shown}) is within the range expected from "
                             f"chance ({narrowest} limits{adjusted}).")
            else:
                side, level = flag.split(" ", 1)
                direction = "above" if side == "high" else "below"
                level = level.strip("()")
                lines.append(f"{owner} {measure} ({shown}) is {direction} the {reference} "
                             f"({self._format(self.target, scale)}) by more than expected from "
                             f"chance ({level} limits{adjusted})"
                             f"{chance if level == narrowest else ''}.")
        return "\n".join(lines)

    def _overview(self, units, adjusted: str) -> str:
        """'2 of the 10 areas are outside the 99.8% limits (about 0.02 expected by chance
        alone), and 1 more outside the 95% limits (about 0.48).'  ``units(n)`` counts the
        units in words."""
        k = len(self.flag)
        parts, wider = [], 1.0
        for level in sorted(self.levels, reverse=True):
            label = _level_label(level)
            count = sum(str(f).endswith(f"({label})") for f in self.flag)
            chance = _n.about(_n.expected_by_chance(k, level) - _n.expected_by_chance(k, wider))
            if not parts:
                who = (f"none of the {units(k)} is" if count == 0 else
                       f"all {units(k)} are" if count == k > 1 else
                       f"{count:,} of the {units(k)} {_n.agree(count, 'is', 'are')}")
                parts.append(f"{who} outside the {label} limits{adjusted} (about {chance} "
                             "expected by chance alone)")
            else:
                more = "none" if count == 0 else f"{count:,}"
                parts.append(f"{more} more outside the {label} limits (about {chance})")
            wider = level
        return _n.capital(", and ".join(parts)) + "."

    def _format(self, v: float, per: float) -> str:
        """A value of the fields (times ``self.per``) shown times ``per``."""
        natural = v / self._scaled()
        if self.kind == "ratio":
            return _n.ratio(natural) if per == 1.0 else _n.number(natural * per)
        if self.kind == "proportion" and per == 1.0:
            return _n.percent(natural)
        return _n.rate(natural * per, per)


def _funnel_inputs(numerator, denominator, kind: str):
    num = _v.counts(numerator, "numerator")
    if kind == "proportion":
        den = _v.counts(denominator, "denominator", positive=True)
    else:
        den = _v.positive(denominator, "denominator")
    num, den = _one_dimensional(numerator=num, denominator=den)
    if kind == "proportion":
        _v.numerator_within(num, den, "numerator", "denominator")
    return num, den


def _funnel_target(target, kind: str, num_total: float, den_total: float, below: bool
                   ) -> tuple[float, bool]:
    """The centre line and whether it is pooled, from the totals of the numerators and the
    denominators (:func:`_funnel.total`) and whether any numerator is below its
    denominator."""
    if target is None:
        if kind == "ratio":
            return 1.0, False
        _v.positive_total(num_total, "numerator")
        if kind == "proportion":
            _v.some_below(below, "numerator", "denominator")
        return num_total / den_total, True
    t = _v.number(target, "target", positive=True)
    if kind == "proportion":
        _v.probability(t, "target")
    return t, False


def _funnel_options(kind, method, overdispersion, trim, better, levels, conf,
                    per) -> _funnel.Options:
    scale = _per(per)
    kind = _v.choice(kind, "kind", tuple(_METHODS))
    method = _v.choice("exact" if method is None else method, f"method (for kind={kind!r})",
                       _METHODS[kind])
    if overdispersion is not None:
        overdispersion = _v.choice(overdispersion, "overdispersion", _OVERDISPERSION)
    trim = _v.number_in(trim, "trim", 0.0, 0.5)
    better = _v.better(better)
    level_arr, _ = _funnel.levels(levels, conf)
    return _funnel.Options(kind, method, overdispersion, trim, better, level_arr, scale)


def _funnel_units(numerator, denominator, o: _funnel.Options):
    """The checked numerators and denominators of some units (1-D arrays)."""
    num, den = _funnel_inputs(numerator, denominator, o.kind)
    if o.method == "log":
        _v.positive(num, "numerator")          # log(0) is undefined: use "sqrt" or "exact"
    return num, den


def _funnel_limits(num, den, z, t: float, pooled: bool, phi: float, tau2: float,
                   o: _funnel.Options, labels=None, threads=_ALL_CORES):
    """(value, lower, upper, flag codes) of some units, times ``per``, once the target and the
    dispersion are known."""
    lower, upper = _funnel.limits(den, o.kind, o.method, o.overdispersion, t, o.levels, phi,
                                  tau2, threads)
    with np.errstate(over="ignore"):
        value = num / den
    _v.representable(value, "numerator / denominator", "denominator", labels)
    _v.representable(z, "the z-score", "numerator or denominator" if pooled else
                     "numerator, denominator or target", labels)
    code = _funnel.flag_codes(value[:, None] > upper, value[:, None] < lower, o.levels)
    if o.scale != 1.0:
        with np.errstate(over="ignore"):
            value, lower, upper = value * o.scale, lower * o.scale, upper * o.scale
            scaled = t * o.scale
        _v.representable(np.concatenate([value, lower.ravel(), upper.ravel(), [scaled]]),
                         "a value or limit times per", "per")
    return value, lower, upper, code


def _funnel_result(o: _funnel.Options, t, pooled, phi, tau2, num, den, z, s, value, lower,
                   upper, code, labels) -> FunnelResult:
    flag = _funnel.flag_names(o.levels)[code]
    levels_out = tuple(float(v) for v in o.levels)
    return FunnelResult(
        target=t * o.scale if o.scale != 1.0 else t, z=z, phi=float(phi), tau2=float(tau2),
        levels=levels_out, lower=lower, upper=upper, flag=flag,
        table=_funnel_table(labels, num, den, value, z, lower, upper, flag, levels_out),
        value=value, se=s, kind=o.kind, method=o.method, overdispersion=o.overdispersion,
        trim=o.trim, pooled_target=pooled, per=o.scale, numerator=num, denominator=den,
        labels=labels, better=o.better)


@distributed.dask_aware
@_frames.tidy(roles=("numerator", "denominator"), layout="units")
def funnel(numerator, denominator, kind="proportion", target=None, levels=_funnel.LEVELS,
           method=None, overdispersion=None, trim=0.1, labels=None, better=None, *, per=None,
           conf=None) -> FunnelResult:
    """Funnel plot limits, z-scores and flags for units compared with a target.

    Also ``funnel(df, numerator=<column>, denominator=<column>, label=<column>)`` (or
    ``by=[<columns>]``): a tidy table with one row per unit.

    Parameters
    ----------
    numerator : array_like
        Counts per unit (events, arrests, deaths): whole numbers >= 0.  pandas Series name
        the units by their index (two Series must have the same index).
    denominator : array_like
        Trials (``kind="proportion"``, whole numbers >= numerator), exposure (``"rate"``) or
        expected counts (``"ratio"``), all > 0.  Broadcast against ``numerator``.
    kind : {"proportion", "rate", "ratio"}
        x of n, count per exposure, or observed / expected.
    target : float, optional
        The centre line.  Default: the pooled value sum(numerator) / sum(denominator), or 1 for
        ratios.  Must lie in (0, 1) for proportions and be positive otherwise; given per unit
        of denominator (not times ``per``).
    levels : sequence of float
        Two-sided limit levels in (0, 1), distinct; default (0.95, 0.998).  ``conf=`` is the
        same argument under the house's name.
    method : str, optional
        The scale of z-scores and limits.  Proportions: ``"exact"`` (default), ``"normal"``,
        ``"arcsine"``, ``"wilson"``; rates: ``"exact"`` (default), ``"normal"``; ratios:
        ``"exact"`` (default), ``"log"``, ``"sqrt"``.
    overdispersion : {None, "multiplicative", "additive"}
        None: unadjusted limits.  ``phi`` and ``tau2`` are reported either way.
    trim : float
        Fraction winsorised (truncated for ``"log"``) at each end before estimating
        overdispersion, in [0, 0.5).
    labels : sequence, optional
        Unit names (one per unit), used in the table, the plot and the narrative; they win over
        the index of Series arguments.
    per : float, optional
        Multiplier of the target, values, limits, ``curve()`` and table (e.g. 1000 for rates
        per 1,000; the narrative and plot say "per 1,000").  Default 1: rates and ratios per
        unit of denominator, proportions as shares.
    conf : sequence of float, optional
        The same as ``levels`` (give one of them).
    better : {"higher", "lower"}, optional
        The direction of improvement, kept on the result for its chart (units on the better
        side blue, on the worse side orange; without a direction, outliers purple).

    Returns
    -------
    FunnelResult
        ``target``, ``z``, ``phi``, ``tau2``, ``levels``, ``lower``, ``upper`` (units x levels),
        ``flag`` (``"high (99.8%)"``, ``"high (95%)"``, ``"within"``, ``"low (95%)"``,
        ``"low (99.8%)"``, named after the levels), ``table``; also ``value`` (the unit's
        proportion, rate or ratio) and ``se`` (standard error at the target on the method's
        scale).  Methods ``curve()``, ``plot()``, ``narrative()``.

    Raises
    ------
    ValueError
        Bad counts or denominators, a numerator above its denominator (proportions), an unknown
        ``kind`` / ``method`` / ``overdispersion``, ``trim`` outside [0, 0.5), ``levels``
        outside (0, 1) or repeated, a ``target`` outside its range, ``labels`` of the wrong
        length, zero numerators with ``method="log"``, or overdispersion with fewer than three
        units.
    TypeError
        Non-numeric input.

    Notes
    -----
    For unit i with value y_i (proportion x/n, rate x/n, or ratio O/E) and the target y0,
    z_i = (g(y_i) - g(y0)) / s_i on the method's scale g:

    * ``"exact"``, ``"normal"``, ``"wilson"``: the natural scale, s = sqrt(p0 (1 - p0) / n)
      (proportions), sqrt(r0 / n) (rates), sqrt(t / E) (ratios);
    * ``"arcsine"``: g = asin(sqrt(p)), s = 1 / (2 sqrt(n)) (FunnelPlotR ``data_type="PR"``);
    * ``"log"``: g = log, s = 1 / sqrt(E), so z = sqrt(E) log(O/E) (SHMI);
    * ``"sqrt"``: g = sqrt, s = 1 / (2 sqrt(E)), so z = 2 (sqrt(O) - sqrt(E)) (CQC).

    Limits at level L, with a = (1 - L) / 2 and q = Phi^-1(1 - a):

    * exact proportions / rates: r_p = F^-1(p) of Binomial(n, p0) / Poisson(r0 n) at p = a and
      1 - a, interpolated as (r_p - alpha) / n with alpha = (F(r_p) - p) / (F(r_p) - F(r_p - 1))
      (Spiegelhalter 2005, appendix), kept >= 0;
    * exact ratios: chi2inv(a; 2tE) / (2E) and chi2inv(1 - a; 2(tE + 1)) / (2E) (E continuous);
    * other methods: g^-1(g(y0) -+ q s), kept inside the natural range (the arcsine angle inside
      [0, pi/2], the square root >= 0).
    * ``"wilson"`` gives PHEindicatormethods' proportion funnel: the observed proportion whose
      Wilson score bound equals p0.  That bound inverts the score test, whose standard error is
      taken at p0, so these limits coincide algebraically with ``"normal"``'s p0 -+ q s.

    Overdispersion (Spiegelhalter 2005, Qual Saf Health Care): the z-scores are winsorised at
    their ``trim`` and 1 - ``trim`` quantiles (R type 7); for ``"log"`` the units in the outer
    rank groups are dropped instead (FunnelPlotR's SHMI truncation: group
    floor(rank k' / (k + 1)), k' = 1 / trim, kept when strictly between 0 and k' - 1).  With k
    units used, phi = sum(z_w^2) / k and tau2 = max(0, (k phi - (k - 1)) / (sum w - sum w^2 /
    sum w)), w = 1 / s^2 (0 when k phi < k - 1).
    ``"multiplicative"`` widens by sqrt(phi) when phi > 1 (no narrowing when phi <= 1);
    ``"additive"`` uses sqrt(s^2 + tau2) in place of s.  Exact limits are adjusted the same
    way on the natural scale: each limit's distance from the target is multiplied by sqrt(phi)
    or by sqrt((s^2 + tau2) / s^2), s the natural-scale standard error at the target.

    Flags: a unit strictly above (below) a level's upper (lower) limit is ``"high"``
    (``"low"``), named after the widest level it exceeds.

    References
    ----------
    Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance. Statistics
    in Medicine 24:1185-1202.  Spiegelhalter DJ (2005). Handling over-dispersion of performance
    indicators. Quality and Safety in Health Care 14:347-351.  FunnelPlotR 0.6.0;
    PHEindicatormethods 2.0 (``calculate_funnel_limits``).

    Examples
    --------
    >>> import scrutiny as sc
    >>> res = sc.funnel([24, 40, 61], [100, 120, 180])
    >>> res.flag.tolist()
    ['within', 'within', 'within']

    From a tidy table, the units named by its ``area`` column:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"area": ["A", "B", "C"], "arrests": [24, 40, 61],
    ...                    "incidents": [100, 120, 180]})
    >>> sc.funnel(df, numerator="arrests", denominator="incidents", label="area"
    ...           ).to_frame()[["area", "value", "flag"]]
      area     value    flag
    0    A  0.240000  within
    1    B  0.333333  within
    2    C  0.338889  within
    """
    o = _funnel_options(kind, method, overdispersion, trim, better, levels, conf, per)
    num, den = _funnel_units(numerator, denominator, o)
    labels = _frames.result_labels(num.size, labels, numerator=numerator,
                                   denominator=denominator)
    if o.overdispersion is not None:
        _v.at_least(num, "numerator", 3, "units to estimate overdispersion")
    t, pooled = _funnel_target(target, o.kind, _funnel.total(num), _funnel.total(den),
                               bool(np.any(num < den)))
    z, se = _funnel.scores(num, den, o.kind, o.method, t)
    phi, tau2 = _funnel.dispersion(z, se, o.method, o.trim)
    value, lower, upper, code = _funnel_limits(num, den, z, t, pooled, phi, tau2, o, labels)
    return _funnel_result(o, t, pooled, phi, tau2, num, den, z, se, value, lower, upper, code,
                          labels)


def _funnel_table(labels, num, den, value, z, lower, upper, flag, levels):
    import pandas as pd

    cols = {**_r.label_columns(labels, num.size, "unit"),
            "numerator": num, "denominator": den, "value": value, "z": z}
    for j, level in enumerate(levels):
        cols[f"lower ({_level_label(level)})"] = lower[:, j]
        cols[f"upper ({_level_label(level)})"] = upper[:, j]
    cols["flag"] = flag
    return pd.DataFrame(cols)


# ---- ratio significance -------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class RatioSignificanceResult(Result):
    """Per-unit confidence limits of observed / expected compared with 1 (see
    :func:`ratio_significance`).

    Attributes
    ----------
    ratio : float or numpy.ndarray
        Observed / expected, per unit.
    lower, upper : float or numpy.ndarray
        The exact limits of the ratio per unit, with a trailing axis (one column per level)
        when ``levels`` is a sequence.
    flag : str or numpy.ndarray
        Per unit ``"within"``, or the side and widest level whose interval excludes 1, e.g.
        ``"high (95%)"``.
    levels : float or tuple of float
        The confidence level(s).
    labels : pandas.Index or None
        The units' names (of a one-dimensional result: ``labels=``, the index of Series
        arguments or a tidy table's ``label`` / ``by`` columns).
    """

    ratio: float | np.ndarray = _r.unit()
    lower: float | np.ndarray = _r.per_level()
    upper: float | np.ndarray = _r.per_level()
    flag: str | np.ndarray = _r.unit()
    levels: float | tuple = _r.levels(frame="level")
    labels: pd.Index | None = _r.label(default=None)

    def narrative(self, measure: str = "ratio of observed to expected", labels=None
                  ) -> str | list[str]:
        """Each unit's ratio with its interval, and whether the interval excludes 1 (at the
        widest level that does): a sentence, or a list with one per unit (named by
        ``labels``, default the result's).

        Examples
        --------
        >>> import scrutiny as sc
        >>> res = sc.ratio_significance([3, 25], [10.0, 12.5], levels=0.95)
        >>> res.narrative(labels=["Redditch", "Wyre Forest"])[1]  # doctest: +NORMALIZE_WHITESPACE
        "Wyre Forest's ratio of observed to expected is 2.00 (95% CI 1.29 to 2.95): higher than
        expected by more than chance would explain (the 95% CI excludes 1)."
        """
        scalar = np.ndim(self.ratio) == 0
        k = np.size(self.ratio)
        levels = self._levels() or (float(self.levels),)
        ratio = _n.flat(self.ratio, k).astype(float)
        lo = _n.flat_levels(self.lower, k, len(levels))
        hi = _n.flat_levels(self.upper, k, len(levels))
        lines = []
        labels = self.labels if labels is None else labels
        for i, name in enumerate(_n.names(labels, k, "Area", scalar)):
            verdict = _n.ci_verdict(lo[i], hi[i], levels, 1.0, "higher than expected",
                                    "lower than expected", "a difference from expected")
            lines.append(f"{_n.capital(_n.subject(name, measure))} is {_n.ratio(ratio[i])} "
                         f"({_n.intervals(lo[i], hi[i], levels, _n.ratio)}): {verdict}.")
        return _n.one_or_many(lines, scalar)


@_frames.tidy(roles=("observed", "expected"), layout="units")
def ratio_significance(observed, expected, levels=_funnel.LEVELS, *, conf=None,
                       labels=None) -> RatioSignificanceResult:
    """Whether each unit's observed / expected ratio differs from 1, as PHEindicatormethods.

    Also ``ratio_significance(df, observed=<column>, expected=<column>, label=<column>)`` (or
    ``by=[<columns>]``): a tidy table with one row per unit.

    Parameters
    ----------
    observed : array_like
        Observed counts, whole numbers >= 0.  pandas Series name the units by their index (two
        Series must have the same index).
    expected : array_like
        Expected counts, > 0 (broadcast against ``observed``).
    levels : float or sequence of float
        Confidence level(s) in (0, 1), distinct; a sequence adds a trailing axis.
    conf : float or sequence of float, optional
        The same as ``levels`` (give one of them).
    labels : sequence, optional
        Names of the units of a one-dimensional result (they win over a Series' index).

    Returns
    -------
    RatioSignificanceResult
        ``ratio`` (O/E), ``lower``, ``upper`` (per unit, x level for a sequence), ``flag`` (per
        unit: ``"high (99.8%)"``, ``"high (95%)"``, ``"within"``, ``"low (95%)"``,
        ``"low (99.8%)"``, named after the levels), ``levels``.

    Raises
    ------
    ValueError, TypeError
        Negative or non-whole counts, non-positive expected counts, levels outside (0, 1).

    Notes
    -----
    The interval of the count O is exact (Garwood) below 10 observed,
    [chi2inv(a; 2O) / 2, chi2inv(1 - a; 2O + 2) / 2] with a = (1 - L) / 2 (0 when O = 0), and
    Byar's approximation from 10 on: O (1 - 1/(9O) - q/(3 sqrt O))^3 and
    (O + 1)(1 - 1/(9(O + 1)) + q/(3 sqrt(O + 1)))^3, q = Phi^-1(1 - a).  Both ends are divided by
    E.  A unit is ``"high"`` when its lower limit is above 1 and ``"low"`` when its upper limit
    is below 1, at the widest level where that holds (as ``assign_funnel_significance(statistic
    = "ratio")``).

    References
    ----------
    PHEindicatormethods 2.0, ``assign_funnel_significance``; Breslow NE, Day NE (1987)
    Statistical Methods in Cancer Research II.

    Examples
    --------
    >>> import scrutiny as sc
    >>> sc.ratio_significance([3, 25], [10.0, 12.5]).flag.tolist()
    ['low (95%)', 'high (95%)']
    >>> import pandas as pd
    >>> df = pd.DataFrame({"area": ["Redditch", "Wyre Forest"], "o": [3, 25],
    ...                    "e": [10.0, 12.5]})
    >>> sc.ratio_significance(df, observed="o", expected="e", label="area", conf=0.95
    ...                       ).to_frame()[["area", "ratio", "flag"]]
              area  ratio        flag
    0     Redditch    0.3   low (95%)
    1  Wyre Forest    2.0  high (95%)
    """
    level_arr, several = _funnel.levels(levels, conf)
    obs = _v.counts(observed, "observed")
    exp = _v.positive(expected, "expected")
    obs, exp = _v.broadcast(observed=obs, expected=exp)
    shape = obs.shape
    names = (_frames.result_labels(obs.size, labels, observed=observed, expected=expected)
             if len(shape) == 1 else _no_labels(labels, shape))
    o, e = obs.reshape(-1), exp.reshape(-1)
    with np.errstate(over="ignore"):
        ratio = o / e
    _v.representable(ratio, "the ratio observed / expected", "expected")
    lower, upper = _core.funnel_ratio_ci(o, e, level_arr, _ALL_CORES)
    flag = _funnel.flags(lower > 1.0, upper < 1.0, level_arr)
    out_shape = shape + ((level_arr.size,) if several else ())
    lower, upper = lower.reshape(out_shape), upper.reshape(out_shape)
    ratio = ratio.reshape(shape)
    flag = flag.reshape(shape)
    if not shape:
        ratio, flag = float(ratio), str(flag)
        if not several:
            lower, upper = float(lower), float(upper)
    levels_out = tuple(float(v) for v in level_arr) if several else float(level_arr[0])
    return RatioSignificanceResult(ratio=ratio, lower=lower, upper=upper, flag=flag,
                                   levels=levels_out, labels=names)


# ---- inequality indices -------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class DisparityResult(Result):
    """Inequality of area rates (see :func:`disparity_indices`).

    ``to_frame()`` has one row per index: ``index``, ``estimate``, ``lower``, ``upper``.

    Attributes
    ----------
    range : float
        Highest rate minus lowest.
    ratio : float
        Highest rate over lowest (infinite when the lowest is 0).
    cv : float
        Coefficient of variation of the rates.
    gini : float
        Gini coefficient.
    theil : float
        Theil index.
    mld : float
        Mean log deviation.
    lower, upper : pandas.Series or None
        Bootstrap limits of each index (indexed by index name); None without ``bootstrap``.
    conf : float
        The level of the bootstrap intervals.
    bootstrap : int
        The number of bootstrap replicates (0: none).
    resample : str
        What the bootstrap resamples: ``"poisson"`` or ``"binomial"`` counts, or
        ``"areas"``.
    seed : int or None
        The seed the bootstrap used (None without a bootstrap).
    weighted : bool
        Whether the indices weight each area by its denominator.
    rates : numpy.ndarray
        The area rates, per area.
    replicates : numpy.ndarray or None
        The bootstrap replicates of the indices (hidden from the displays).
    labels : pandas.Index or None
        The areas' names (from the index of Series arguments or a tidy table's ``label`` /
        ``by`` columns); the narrative names the highest and lowest.
    """

    range: float = _r.scalar()
    ratio: float = _r.scalar()
    cv: float = _r.scalar()
    gini: float = _r.scalar()
    theil: float = _r.scalar()
    mld: float = _r.scalar()
    lower: pd.Series | None = _r.detail()
    upper: pd.Series | None = _r.detail()
    conf: float = _r.scalar()
    bootstrap: int = _r.scalar()
    resample: str = _r.scalar()
    seed: int | None = _r.scalar()
    weighted: bool = _r.scalar()
    rates: np.ndarray = _r.unit("area", frame=False)
    replicates: np.ndarray | None = _r.hidden()
    labels: pd.Index | None = _r.label(default=None)

    def to_frame(self):
        """One row per index: ``index``, ``estimate``, ``lower``, ``upper``."""
        import pandas as pd

        nan = np.full(len(_INDICES), np.nan)
        return pd.DataFrame({
            "index": list(_INDICES),
            "estimate": [getattr(self, k) for k in _INDICES],
            "lower": nan if self.lower is None else self.lower.to_numpy(),
            "upper": nan if self.upper is None else self.upper.to_numpy(),
        })

    def narrative(self, measure: str = "rate", per: float = 1.0, unit: str | None = None,
                  areas: str = "areas") -> str:
        """The spread of the area rates in words (rates times ``per``, per ``unit``), with
        the bootstrap intervals when there are any, and what the indices do not show.

        Examples
        --------
        >>> import scrutiny as sc
        >>> res = sc.disparity_indices([12, 30, 18], [1000, 1500, 1200])
        >>> print(res.narrative(per=1000))  # doctest: +NORMALIZE_WHITESPACE
        Across the 3 areas the rate ranges from 12.0 to 20.0 per 1,000; the highest is 1.67 times
        the lowest. Gini coefficient 0.113, coefficient of variation 0.211, Theil index 0.022, mean
        log deviation 0.022. These indices describe the spread of the observed rates, which
        includes chance variation from small numbers; they do not test whether the areas differ
        (homogeneity() and funnel() do).
        """
        scale = _v.number(per, "per", positive=True)
        k = self.rates.size
        low, high = float(np.min(self.rates)) * scale, float(np.max(self.rates)) * scale
        fmt = _n.matched(high)
        who = None if self.labels is None else _n.names(self.labels, k, "Area", False)

        def named(v, i):   # '12.0 (Redditch)' when the areas are named
            return fmt(v) if who is None else f"{fmt(v)} ({who[i]})"

        ratio = (f"the highest is {_n.ratio(self.ratio)} times the lowest" if
                 np.isfinite(self.ratio) else "the lowest is 0, so the highest is not a "
                 "multiple of it")
        weighted = ", weighting each area by its denominator" if self.weighted else ""
        names = {"gini": "Gini coefficient", "cv": "coefficient of variation",
                 "theil": "Theil index", "mld": "mean log deviation"}
        shown = []
        for key, name in names.items():
            value = getattr(self, key)
            if not np.isfinite(value):
                shown.append(f"{name} not defined (a rate is 0)")
                continue
            text = f"{name} {_n.number(value)}"
            if self.lower is not None:
                ci = _n.interval(self.lower[key], self.upper[key], self.conf,
                                 _n.matched(value), "bootstrap interval")
                text += f" ({ci})"
            shown.append(text)
        per_unit = _n.per_text(scale, unit)
        lowest = named(low, int(np.argmin(self.rates)))
        highest = named(high, int(np.argmax(self.rates)))
        return (f"Across the {k} {areas} the {measure} ranges from {lowest} to {highest}"
                f"{' ' + per_unit if per_unit else ''}; {ratio}. {_n.capital(', '.join(shown))}"
                f"{weighted}. These indices describe the spread of the observed rates, which "
                "includes chance variation from small numbers; they do not test whether the "
                f"{areas} differ (homogeneity() and funnel() do).")


@_frames.tidy(roles=("x", "n"), layout="units")
def disparity_indices(x, n, bootstrap=0, conf=0.95, seed=None, weights=None,
                      resample="poisson") -> DisparityResult:
    """Range, ratio, coefficient of variation, Gini, Theil and mean log deviation of area rates.

    Also ``disparity_indices(df, x=<column>, n=<column>, label=<column>)`` (or
    ``by=[<columns>]``): a tidy table with one row per area.

    Parameters
    ----------
    x : array_like
        Counts per area (whole numbers >= 0).  pandas Series name the areas by their index (two
        Series must have the same index).
    n : array_like
        Denominators per area (population, exposure), > 0.
    bootstrap : int
        Number of bootstrap replicates for percentile intervals (0: none).
    conf : float
        Level of the bootstrap intervals, in (0, 1).
    seed : int, optional
        Seed of the bootstrap (the same seed gives the same intervals on any number of cores).
        None draws one from the operating system; it is reported in the result.
    weights : None, "n" or array_like
        None: every area counts once (indices of the areas, as ineq).  ``"n"``: areas weighted
        by their denominator, i.e. the indices of the population's exposure to its area's rate.
        An array gives other positive weights.
    resample : {"poisson", "binomial", "areas"}
        Bootstrap scheme: redraw each area's count from Poisson(x) or Binomial(n, x/n) keeping
        the areas, or draw areas with replacement (each keeps its rate and weight).

    Returns
    -------
    DisparityResult
        ``range``, ``ratio`` (highest / lowest; inf when the lowest rate is 0), ``cv``,
        ``gini``, ``theil``, ``mld`` (inf when a rate is 0), ``lower`` / ``upper`` (pandas
        Series indexed by index name, None without bootstrap), ``rates``, ``seed``.

    Raises
    ------
    ValueError, TypeError
        Bad counts or denominators, fewer than two areas, ``conf`` outside (0, 1), an unknown
        ``resample``, non-whole ``n`` or ``x > n`` for binomial resampling, bad weights, a
        negative ``bootstrap`` or ``seed``.

    Notes
    -----
    With rates r_i = x_i / n_i, weights w_i, W = sum w and mean m = sum w r / W:
    CV = sqrt(sum w (r - m)^2 / W) / m (population SD, as ineq's ``var.coeff``);
    Gini = ``sum_ij w_i w_j |r_i - r_j| / (2 W^2 m)`` (ineq's ``Gini``, uncorrected);
    Theil = sum w (r/m) log(r/m) / W, with 0 log 0 = 0 (ineq's ``Theil(parameter = 0)`` drops
    zero rates before taking the mean, so differs when a rate is 0);
    MLD = sum w log(m / r) / W (ineq's ``Theil(parameter = 1)``).
    The bootstrap intervals are percentile intervals (type-7 quantiles of the replicates that
    are defined); each replicate has its own seeded Mersenne Twister stream.

    References
    ----------
    Cowell FA (2011) Measuring Inequality, 3rd ed.; Zeileis A, ineq 0.2-13 (R package).

    Examples
    --------
    >>> import scrutiny as sc
    >>> round(sc.disparity_indices([12, 30, 18], [1000, 1500, 1200]).gini, 4)
    0.1135
    >>> import pandas as pd
    >>> df = pd.DataFrame({"area": ["Malvern", "Redditch", "Wyre"], "crimes": [12, 30, 18],
    ...                    "residents": [1000, 1500, 1200]})
    >>> res = sc.disparity_indices(df, x="crimes", n="residents", label="area")
    >>> print(res.narrative(per=1000).split(";")[0])
    Across the 3 areas the rate ranges from 12.0 (Malvern) to 20.0 (Redditch) per 1,000
    """
    conf = _v.conf_level(conf)
    how = _v.choice(resample, "resample", _o.RESAMPLE.names)
    reps = _v.whole_number(bootstrap, "bootstrap")
    _v.seed(seed)
    xs = _v.counts(x, "x")
    ns = _v.positive(n, "n")
    xs, ns = _one_dimensional(x=xs, n=ns)
    _v.at_least(xs, "x", 2)
    labels = _frames.result_labels(xs.size, None, x=x, n=n, weights=weights)
    if how == "binomial":
        _v.counts(ns, "n")
        _v.numerator_within(xs, ns, "x", "n")
        _v.below(ns, "n", 2.0**32, "for binomial resampling")
    if weights is None:
        w = None
    elif isinstance(weights, str):
        _v.choice(weights, "weights", ("n",))
        w = ns
    else:
        w = _v.positive(weights, "weights")
        _v.dimensions(w, "weights", (1,), "one weight per area")
        _v.same_length(x=xs, weights=w)
    if w is not None:   # the indices are free of the weights' scale
        w, _ = _v.power_of_two_scaled(w)
    with np.errstate(over="ignore"):
        rates = xs / ns
    _v.representable(rates, "the rate x / n", "n")
    # every index but the range is free of the rates' scale (the squares of vast rates would
    # overflow): computed on the rescaled rates, the range scaled back
    scaled, exponent = _v.power_of_two_scaled(rates)
    est = dict(_core.disparity_indices(scaled, w))
    est["range"] = float(np.ldexp(est["range"], exponent))
    lower = upper = replicates = None
    used_seed = None
    if reps:
        used_seed = _batch.seed(seed)
        replicates, lo, hi = _core.disparity_bootstrap(xs, ns, w, _o.RESAMPLE.codes[how], reps,
                                                       used_seed, conf, _ALL_CORES)
        import pandas as pd

        lower, upper = pd.Series(lo, index=_INDICES), pd.Series(hi, index=_INDICES)
    return DisparityResult(
        **{k: est[k] for k in _INDICES}, lower=lower, upper=upper, conf=conf,
        bootstrap=reps, resample=how, seed=used_seed, weighted=w is not None, rates=rates,
        replicates=replicates, labels=labels)


# ---- empirical Bayes ----------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class ShrinkResult(Result):
    """Empirical-Bayes area estimates (see :func:`shrink`).

    Attributes
    ----------
    estimate : numpy.ndarray
        The posterior mean of each area's proportion or rate.
    raw : numpy.ndarray
        The observed value of each area, x / n.
    lower, upper : numpy.ndarray
        The posterior interval of each area at ``conf``.
    weight : numpy.ndarray
        The weight of each area's own data in its estimate (0 to 1).
    conf : float
        The level of the posterior intervals.
    prior_alpha, prior_beta : float
        The parameters of the beta (proportions) or gamma (rates) prior fitted to all areas.
    prior_mean : float
        The prior mean (the average the estimates shrink towards).
    pooled : bool
        Whether the prior collapsed to the pooled value (no spread between areas).
    loglik : float
        The marginal log-likelihood at the fitted prior.
    iterations : int
        Iterations of the prior fit.
    kind : str
        ``"proportion"`` or ``"rate"``.
    method : str
        How the prior is fitted: ``"mle"`` (marginal maximum likelihood) or ``"moments"``.
    labels : pandas.Index or None
        The areas' names (``labels=``, the index of Series arguments or a tidy table's
        ``label`` / ``by`` columns): ``to_frame()``'s first column(s) and the narrative's.
    """

    estimate: np.ndarray = _r.unit()
    raw: np.ndarray = _r.unit()
    lower: np.ndarray = _r.unit()
    upper: np.ndarray = _r.unit()
    weight: np.ndarray = _r.unit()
    conf: float = _r.levels()
    prior_alpha: float = _r.scalar()
    prior_beta: float = _r.scalar()
    prior_mean: float = _r.scalar()
    pooled: bool = _r.scalar()
    loglik: float = _r.scalar()
    iterations: int = _r.scalar()
    kind: str = _r.scalar()
    method: str = _r.scalar()
    labels: pd.Index | None = _r.label(default=None)

    def narrative(self, measure: str | None = None, labels=None, per: float = 1.0,
                  unit: str | None = None) -> list[str]:
        """Each area's observed value against its empirical-Bayes estimate and posterior
        interval, and how much of the estimate rests on the area's own data: a list with one
        sentence per area (named by ``labels``, default the result's).  Rates are shown times
        ``per``, per ``unit``.

        Examples
        --------
        >>> import scrutiny as sc
        >>> res = sc.shrink([2, 30, 65, 8, 60], [10, 100, 150, 40, 180])
        >>> lines = res.narrative("detection rate", labels=list("ABCDE"))
        >>> lines[0]  # doctest: +NORMALIZE_WHITESPACE
        "A's detection rate is 20.0% observed and 31.0% after empirical-Bayes shrinkage (95%
        posterior interval 21.3% to 41.6%): its own data carry 13% of the weight and the average
        of all areas (32.6%) the rest."
        """
        measure = measure or self.kind
        scale = _v.number(per, "per", positive=True)
        suffix = "" if self.kind == "proportion" else " " + _n.per_text(scale, unit)
        lines = []
        labels = self.labels if labels is None else labels
        for i, name in enumerate(_n.names(labels, self.estimate.size, "Area", False)):
            head = _n.capital(_n.subject(name, measure))
            num = (_n.percent if self.kind == "proportion" else
                   lambda v, f=_n.matched(self.estimate[i] * scale): f(v * scale))

            def show(v, num=num):
                return num(v) + suffix.rstrip()

            if self.pooled:
                lines.append(f"{head} is {show(self.raw[i])} observed; the areas show no "
                             "evidence of varying by more than chance, so its estimate is the "
                             f"average of all areas, {show(self.estimate[i])} (with no spread "
                             "between areas in the fitted model its interval is that single "
                             "value, which understates the uncertainty).")
                continue
            ci = _n.interval(self.lower[i], self.upper[i], self.conf, num, "posterior interval")
            lines.append(f"{head} is {show(self.raw[i])} observed and {show(self.estimate[i])} "
                         f"after empirical-Bayes shrinkage ({ci}): its own data carry "
                         f"{_n.percent(self.weight[i], 0)} of the weight and the average of all "
                         f"areas ({show(self.prior_mean)}) the rest.")
        return lines


@distributed.dask_aware
@_frames.tidy(roles=("x", "n"), layout="units")
def shrink(x, n, kind="proportion", method="mle", conf=0.95, *, labels=None) -> ShrinkResult:
    """Empirical-Bayes estimates of area proportions or rates, so small areas are not over-read.

    Also ``shrink(df, x=<column>, n=<column>, label=<column>)`` (or ``by=[<columns>]``): a
    tidy table with one row per area.

    Parameters
    ----------
    x : array_like
        Counts per area (whole numbers >= 0).  pandas Series name the areas by their index (two
        Series must have the same index).
    n : array_like
        Trials (``kind="proportion"``: whole numbers >= x) or exposure (``"rate"``), > 0.
    kind : {"proportion", "rate"}
        Beta-binomial or gamma-Poisson model.
    method : {"mle", "moments"}
        Prior fitted by maximum marginal likelihood or by the method of moments.
    conf : float
        Level of the equal-tailed posterior intervals, in (0, 1).
    labels : sequence, optional
        Names of the areas (they win over a Series' index).

    Returns
    -------
    ShrinkResult
        ``estimate`` (posterior mean), ``raw`` (x / n), ``lower``, ``upper`` (posterior
        interval), ``weight`` (the share of the area's own data in its estimate),
        ``prior_alpha``, ``prior_beta``, ``prior_mean``, ``pooled``, ``loglik`` (marginal).

    Raises
    ------
    ValueError, TypeError
        Bad counts or denominators, fewer than two areas, every count 0 (or every count equal
        to its denominator for proportions), unknown ``kind`` or ``method``.
    scrutiny.ConvergenceError
        When the marginal likelihood has no interior maximum (for proportions, e.g. when every
        x is 0 or n: no prior beats treating each area alone).

    Notes
    -----
    Proportions: x_i ~ Binomial(n_i, p_i), p_i ~ Beta(alpha, beta); estimate
    (alpha + x) / (alpha + beta + n) = w raw + (1 - w) alpha / (alpha + beta) with
    w = n / (n + alpha + beta); interval from Beta(alpha + x, beta + n - x).
    Rates: x_i ~ Poisson(n_i l_i), l_i ~ Gamma(alpha, rate beta); estimate
    (alpha + x) / (beta + n), w = n / (n + beta); interval from Gamma(alpha + x, beta + n).
    Maximum likelihood maximises the marginal (beta-binomial / negative binomial) likelihood by
    damped Newton steps from the moment estimates (Kleinman 1973 weighting of the between-area
    sum of squares).  When the fitted prior is worth more than 10^4 times the largest
    denominator, or the moments show no variation beyond chance, the prior is a point mass at
    the pooled rate (``pooled=True``; every estimate and interval end equals it).

    References
    ----------
    Kleinman JC (1973) JASA 68:46-54.  Clayton D, Kaldor J (1987) Biometrics 43:671-681.

    Examples
    --------
    >>> import scrutiny as sc
    >>> res = sc.shrink([2, 30, 45, 8, 60], [10, 100, 150, 40, 180])
    >>> bool(res.estimate[0] > res.raw[0])
    True
    >>> import pandas as pd
    >>> x = pd.Series([2, 30, 45], index=pd.Index(["Malvern", "Redditch", "Wyre"], name="area"))
    >>> n = pd.Series([10, 100, 150], index=x.index)
    >>> sc.shrink(x, n).to_frame()["area"].tolist()
    ['Malvern', 'Redditch', 'Wyre']
    """
    kind, method, conf = _shrink_options(kind, method, conf)
    xs, ns = _shrink_units(x, n, kind)
    _v.at_least(xs, "x", 2)
    labels = _frames.result_labels(xs.size, labels, x=x, n=n)
    prior = _shrink_prior(xs, ns, kind, method)
    est, lower, upper, weight = _shrink_posterior(xs, ns, kind, prior, conf)
    return _shrink_result(prior, conf, kind, method, xs, ns, est, lower, upper, weight, labels)


def _shrink_options(kind, method, conf) -> tuple[str, str, float]:
    """The checked ``kind``, ``method`` and ``conf`` of :func:`shrink`."""
    return (_v.choice(kind, "kind", _o.SHRINK_KIND.names),
            _v.choice(method, "method", _o.SHRINK_METHOD.names), _v.conf_level(conf))


def _shrink_units(x, n, kind: str):
    """The checked counts and denominators of some areas (1-D arrays)."""
    xs = _v.counts(x, "x")
    if kind == "proportion":
        ns = _v.counts(n, "n", positive=True)
    else:
        ns = _v.positive(n, "n")
    xs, ns = _one_dimensional(x=xs, n=ns)
    if kind == "proportion":
        _v.numerator_within(xs, ns, "x", "n")
    return xs, ns


def _shrink_prior(xs, ns, kind: str, method: str) -> tuple:
    """The prior fitted to every area: (alpha, beta, mean, loglik, iterations, pooled); the
    areas checked first (a positive total; proportions not all full)."""
    if kind == "proportion":
        _v.not_all_full(xs, ns, "x", "n")
    _v.positive_total(xs, "x")
    return _core.disparity_shrink_fit(xs, ns, _o.SHRINK_KIND.codes[kind],
                                      _o.SHRINK_METHOD.codes[method])


def _shrink_posterior(xs, ns, kind: str, prior: tuple, conf: float, threads=_ALL_CORES):
    """(estimate, lower, upper, weight) of some areas under the fitted prior."""
    est, lower, upper = _core.disparity_shrink_posterior(
        xs, ns, _o.SHRINK_KIND.codes[kind], prior, conf, threads)
    alpha, beta, pooled = prior[0], prior[1], prior[5]
    strength = alpha + beta if kind == "proportion" else beta
    weight = np.zeros_like(ns) if pooled else ns / (ns + strength)
    return est, lower, upper, weight


def _shrink_result(prior, conf, kind, method, xs, ns, est, lower, upper, weight,
                   labels) -> ShrinkResult:
    alpha, beta, mean, loglik, iters, pooled = prior
    return ShrinkResult(
        estimate=est, raw=xs / ns, lower=lower, upper=upper, weight=weight, conf=conf,
        prior_alpha=float(alpha), prior_beta=float(beta), prior_mean=float(mean),
        pooled=bool(pooled), loglik=float(loglik), iterations=int(iters), kind=kind,
        method=method, labels=labels)
