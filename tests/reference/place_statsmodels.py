"""Reference values for scrutiny.place.poisson_etest from statsmodels and SciPy.

Run: python tests/reference/place_statsmodels.py  (writes place_statsmodels_etest.csv here)

Calls, with count1 = the count after, count2 = the count before:
- statsmodels 0.15.0 ``statsmodels.stats.rates.test_poisson_2indep(count_after,
  exposure_after, count_before, exposure_before, value=ratio, method=m, compare="ratio",
  alternative=a)`` with m in {"etest-wald", "etest-score"} and a in {"two-sided", "smaller",
  "larger"} (scrutiny's "less", "greater") -> columns sm_statistic, sm_pvalue;
- SciPy 1.17.1 ``scipy.stats.poisson_means_test(count_after, exposure_after, count_before,
  exposure_before, diff=0, alternative=a)`` (Krishnamoorthy & Thomson's own statistic, so only
  where ratio = 1 and m = "etest-wald") -> columns scipy_statistic, scipy_pvalue (else empty).
Cases: a fixed list (the K&T examples 0 vs 3 and 2 vs 6, typical before/after counts, unequal
exposures, null ratios other than 1) and seeded random draws with high-entropy exposures.
"""
from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.rates import test_poisson_2indep

HERE = pathlib.Path(__file__).parent
SM_ALTERNATIVE = {"two-sided": "two-sided", "less": "smaller", "greater": "larger"}

FIXED = [  # count_before, count_after, exposure_before, exposure_after, ratio
    (3, 0, 1.0, 1.0, 1.0), (6, 2, 1.0, 1.0, 1.0), (120, 98, 1.0, 1.0, 1.0),
    (207, 110, 1.0, 1.0, 1.0), (41, 28, 2.385, 1.0, 1.0), (15, 41, 19017.0, 28010.0, 1.0),
    (30, 60, 54308.7, 51477.5, 1.0), (12, 19, 1.0, 1.0, 0.83), (88, 61, 12.0, 9.0, 0.9),
    (5, 5, 1.0, 1.0, 1.0), (0, 7, 1.0, 2.0, 1.0), (9, 0, 3.1, 1.7, 1.25), (1, 1, 1.0, 1.0, 1.0),
    (250, 260, 1.0, 1.0, 1.0), (40, 20, 1.0, 0.5, 1.0), (12, 19, 1.0, 1.0, 1.0),
    (7, 15, 1.0, 1.0, 1.0), (33, 47, 2.5, 2.5, 1.0), (2, 9, 1.0, 1.0, 1.0),
    (58, 81, 1.0, 1.0, 1.0), (44, 31, 3.0, 3.0, 1.0),
]


def cases() -> list[tuple]:
    rng = np.random.default_rng(20240611)
    out = list(FIXED)
    for _ in range(45):
        mean = rng.gamma(2.0, 25.0)
        tb, ta = np.round(rng.uniform(0.4, 3.0, 2), 3)
        ratio = float(rng.choice([1.0, 1.0, 0.7, 1.3]))
        cb = int(rng.poisson(mean * tb))
        ca = int(rng.poisson(mean * ta * rng.uniform(0.6, 1.3)))
        out.append((cb, ca, float(tb), float(ta), ratio))
    return out


def main() -> None:
    rows = []
    for cb, ca, tb, ta, ratio in cases():
        for method in ("wald", "score"):
            for alt, sm_alt in SM_ALTERNATIVE.items():
                res = test_poisson_2indep(ca, ta, cb, tb, value=ratio, method=f"etest-{method}",
                                          compare="ratio", alternative=sm_alt)
                row = dict(count_before=cb, count_after=ca, exposure_before=tb,
                           exposure_after=ta, ratio=ratio, method=method, alternative=alt,
                           sm_statistic=float(res.statistic), sm_pvalue=float(res.pvalue),
                           scipy_statistic=np.nan, scipy_pvalue=np.nan)
                if method == "wald" and ratio == 1.0:
                    sp = stats.poisson_means_test(ca, ta, cb, tb, diff=0, alternative=alt)
                    row.update(scipy_statistic=float(sp.statistic), scipy_pvalue=float(sp.pvalue))
                rows.append(row)
    pd.DataFrame(rows).to_csv(HERE / "place_statsmodels_etest.csv", index=False,
                              float_format="%.17g")
    print(f"statsmodels {statsmodels.__version__}, SciPy {scipy.__version__}")


if __name__ == "__main__":
    main()
