"""The funnel pipeline shared by :func:`scrutiny.disparity.funnel` and
:func:`scrutiny.harm.harm_funnel`: z-scores, overdispersion and limits in one call to the C
core, and the flag of each unit."""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import _core
from . import _narrative as _n
from . import _options as _o
from . import _validation as _v

_ALL_CORES = 0
LEVELS = (0.95, 0.998)      # the funnels' default levels; ``conf=`` may stand for ``levels=``


def levels(levels, conf=None) -> tuple[np.ndarray, bool]:
    """The limit levels from ``levels`` or ``conf`` (the same argument under the house's name;
    one of them), checked: (levels as a 1-D array, given as a sequence)."""
    name = "levels"
    if conf is not None:
        if levels is not LEVELS:
            raise TypeError("give levels= or conf= (the same confidence levels), not both")
        levels, name = conf, "conf"
    arr, several = _v.conf_levels(levels, name)
    _v.distinct(arr, name)
    return arr, several


def fit(numerator, denominator, kind: str, method: str, overdispersion, target: float,
        trim: float, levels: np.ndarray) -> dict:
    """z-scores ``z``, their scale ``s``, ``phi``, ``tau2`` and the (unit x level) ``lower``
    and ``upper`` limits of a funnel (``overdispersion`` None: none): :func:`scores`, then
    :func:`dispersion`, then :func:`limits`."""
    z, s = scores(numerator, denominator, kind, method, target)
    phi, tau2 = dispersion(z, s, method, trim)
    lower, upper = limits(denominator, kind, method, overdispersion, target, levels, phi, tau2)
    return {"z": z, "s": s, "phi": phi, "tau2": tau2, "lower": lower, "upper": upper}


def scores(numerator, denominator, kind: str, method: str, target: float):
    """(z, s): each unit's z-score and its standard error at the target (unit by unit)."""
    return _core.funnel_scores(numerator, denominator, _o.FUNNEL_KIND.codes[kind],
                               _o.FUNNEL_METHOD.codes[method], target)


def dispersion(z: np.ndarray, s: np.ndarray, method: str, trim: float) -> tuple[float, float]:
    """(phi, tau2) from every unit's z-score and standard error, in the units' order."""
    return _core.funnel_dispersion(z, s, _o.FUNNEL_METHOD.codes[method], trim)


def limits(denominator, kind: str, method: str, overdispersion, target: float,
           levels: np.ndarray, phi: float, tau2: float, threads: int = _ALL_CORES):
    """(lower, upper) limits at the given denominators, as :func:`fit` drew them (on
    ``threads`` threads; 0: every core)."""
    return _core.funnel_limits(denominator, _o.FUNNEL_KIND.codes[kind],
                               _o.FUNNEL_METHOD.codes[method],
                               _o.OVERDISPERSION.codes[overdispersion or "none"], target,
                               levels, phi, tau2, threads)


def flags(high: np.ndarray, low: np.ndarray, levels) -> np.ndarray:
    """Per-unit labels from (unit x level) masks, named after the widest level exceeded:
    ``"within"``, ``"high (99.8%)"``, ``"low (95%)"``."""
    return flag_names(levels)[flag_codes(high, low, levels)]


def flag_names(levels) -> np.ndarray:
    """The labels :func:`flag_codes` number: ``"within"``, then high and low at each level,
    narrowest first."""
    names = ["within"]
    for j in np.argsort(levels):
        label = _n.level(levels[j])
        names += [f"high ({label})", f"low ({label})"]
    return np.array(names, dtype=object)


def flag_codes(high: np.ndarray, low: np.ndarray, levels) -> np.ndarray:
    """Per-unit positions in :func:`flag_names` (int8)."""
    code = np.zeros(high.shape[0], dtype=np.int8)
    for i, j in enumerate(np.argsort(levels)):   # narrowest first: wider levels overwrite
        code[high[:, j]] = 2 * i + 1
        code[low[:, j]] = 2 * i + 2
    return code


# ---- exact totals: the pooled target is the same float however the units are split ----------

def _exact_sum(values: np.ndarray) -> float | None:
    """NumPy's sum of these non-negative values when it is exact (whole values, total below
    2**53: every partial sum is then a float), else None."""
    whole = float(np.sum(values))
    return whole if whole < 2.0 ** 53 and np.all(values == np.trunc(values)) else None


def total(values: np.ndarray) -> float:
    """The sum of non-negative values correctly rounded (so independent of their order and
    of how they are split: :func:`sum_parts`)."""
    exact = _exact_sum(values)
    return math.fsum(values) if exact is None else exact


def sum_parts(values: np.ndarray) -> list[float]:
    """A few floats whose exact sum is the exact sum of ``values`` (non-negative): the total
    of a block of units, so that ``math.fsum`` of every block's parts equals :func:`total`
    of all the units.  One part when NumPy's sum is exact; else ``math.fsum``'s rounded sum
    and then the rounded remainders until none is left."""
    exact = _exact_sum(values)
    if exact is not None:
        return [exact]
    parts: list[float] = []
    while True:
        rest = math.fsum(np.concatenate([values, -np.asarray(parts, dtype=float)]))
        if rest == 0.0:
            return parts
        parts.append(rest)


class Options(NamedTuple):
    """A funnel's checked options (see :func:`scrutiny.funnel`)."""

    kind: str
    method: str
    overdispersion: str | None
    trim: float
    better: str | None
    levels: np.ndarray
    scale: float
