"""The funnel pipeline shared by :func:`scrutiny.disparity.funnel` and
:func:`scrutiny.harm.harm_funnel`: z-scores, overdispersion and limits in one call to the C
core, and the flag of each unit."""
from __future__ import annotations

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
    and ``upper`` limits of a funnel (``overdispersion`` None: none)."""
    return _core.funnel_fit(numerator, denominator, _o.FUNNEL_KIND.codes[kind],
                            _o.FUNNEL_METHOD.codes[method],
                            _o.OVERDISPERSION.codes[overdispersion or "none"], target, trim,
                            levels, _ALL_CORES)


def limits(denominator, kind: str, method: str, overdispersion, target: float,
           levels: np.ndarray, phi: float, tau2: float):
    """(lower, upper) limits at the given denominators, as :func:`fit` drew them."""
    return _core.funnel_limits(denominator, _o.FUNNEL_KIND.codes[kind],
                               _o.FUNNEL_METHOD.codes[method],
                               _o.OVERDISPERSION.codes[overdispersion or "none"], target,
                               levels, phi, tau2, _ALL_CORES)


def flags(high: np.ndarray, low: np.ndarray, levels) -> np.ndarray:
    """Per-unit labels from (unit x level) masks, named after the widest level exceeded:
    ``"within"``, ``"high (99.8%)"``, ``"low (95%)"``."""
    names = ["within"]
    code = np.zeros(high.shape[0], dtype=np.intp)
    for j in np.argsort(levels):                 # narrowest first: wider levels overwrite
        label = _n.level(levels[j])
        names += [f"high ({label})", f"low ({label})"]
        code[high[:, j]] = len(names) - 2
        code[low[:, j]] = len(names) - 1
    return np.array(names, dtype=object)[code]
