"""Adjusting p-values for multiple testing, as R ``p.adjust``.

A leaf of the package: the narratives (:mod:`scrutiny._narrative`) decide on adjusted
p-values with it, and :mod:`scrutiny.rates` re-exports it as part of the public API.
"""
from __future__ import annotations

import numpy as np

from . import _validation as _v
from . import distributed
from ._results import scalar_or_array

__all__ = ["multiple_testing", "METHODS"]

METHODS = ("bh", "by", "holm", "bonferroni", "hochberg")


@distributed.dask_aware
def multiple_testing(pvalues, method="bh"):
    """Adjust p-values for multiple testing, as R ``p.adjust``.

    Parameters
    ----------
    pvalues : array_like
        P-values in [0, 1], any shape; all of them form one family.  NaN entries stay NaN and
        do not count towards the number of tests, as in R.
    method : {"bh", "by", "holm", "bonferroni", "hochberg"}
        Benjamini-Hochberg and Benjamini-Yekutieli (false discovery rate), Holm, Bonferroni,
        Hochberg (family-wise error rate).

    Returns
    -------
    float, numpy.ndarray, pandas.Series or pandas.DataFrame
        Adjusted p-values in the input's shape (a Series keeps its index and name, a
        DataFrame its index and columns).

    Raises
    ------
    ValueError
        P-values outside [0, 1] or infinite, an unknown method, empty input.
    TypeError
        Non-numeric input.

    Notes
    -----
    For m tests with sorted p-values :math:`p_{(i)}`: Bonferroni :math:`\\min(1, m p)`; Holm
    :math:`\\max_{j \\le i} \\min(1, (m - j + 1) p_{(j)})`; Hochberg
    :math:`\\min_{j \\ge i} (m - j + 1) p_{(j)}`; BH :math:`\\min_{j \\ge i} m p_{(j)} / j`;
    BY multiplies BH's by :math:`\\sum_{k=1}^m 1/k`; all capped at 1.

    References
    ----------
    Benjamini Y, Hochberg Y (1995). JRSS B 57:289-300.  Benjamini Y, Yekutieli D (2001).
    Annals of Statistics 29:1165-1188.  Holm S (1979). Scand J Stat 6:65-70.  Hochberg Y
    (1988). Biometrika 75:800-802.

    Examples
    --------
    >>> import scrutiny as sc
    >>> sc.multiple_testing([0.01, 0.04, 0.03, 0.2])
    array([0.04      , 0.05333333, 0.05333333, 0.2       ])

    A Series keeps the areas' names:

    >>> import pandas as pd
    >>> p = pd.Series([0.01, 0.04, 0.03], index=["Redditch", "Worcester", "Malvern"])
    >>> sc.multiple_testing(p, method="holm")
    Redditch     0.03
    Worcester    0.06
    Malvern      0.06
    dtype: float64
    """
    name = _v.choice(method, "method", METHODS)
    labelled = _v.is_pandas(pvalues) and hasattr(pvalues, "index") and np.ndim(pvalues) in (1, 2)
    p = _v.pvalues(pvalues)
    flat = p.ravel()
    known = ~np.isnan(flat)
    out = flat.copy()
    out[known] = _adjust(flat[known], name)
    if labelled:
        names = ({"name": pvalues.name} if np.ndim(pvalues) == 1 else
                 {"columns": pvalues.columns})
        return type(pvalues)(out.reshape(p.shape), index=pvalues.index, **names)
    return scalar_or_array(out, p.shape)


def _adjust(p: np.ndarray, method: str) -> np.ndarray:
    """R p.adjust on p-values without NaN (n = their number)."""
    m = p.size
    if m <= 1:
        return p.copy()
    if method == "bonferroni":
        return np.minimum(1.0, m * p)
    if method == "holm":
        order = np.argsort(p, kind="stable")
        i = np.arange(1, m + 1)
        adjusted = np.minimum(1.0, np.maximum.accumulate((m + 1 - i) * p[order]))
    else:
        order = np.argsort(-p, kind="stable")
        i = np.arange(m, 0, -1)
        if method == "hochberg":
            scaled = (m + 1 - i) * p[order]
        elif method == "bh":
            scaled = m / i * p[order]
        else:
            scaled = np.sum(1.0 / np.arange(1, m + 1)) * m / i * p[order]
        adjusted = np.minimum(1.0, np.minimum.accumulate(scaled))
    out = np.empty(m)
    out[order] = adjusted
    return out
