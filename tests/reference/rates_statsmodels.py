"""Reference values for scrutiny.rates.proportion_ci methods "jeffreys", "agresti-coull" and
"wald", from statsmodels.

Tool: statsmodels 0.15.0 (with SciPy 1.17.1), ``statsmodels.stats.proportion.proportion_confint``
with ``method="jeffreys"``, ``"agresti_coull"`` and ``"normal"`` and ``alpha = 1 - conf``.
In that version "normal" and "agresti_coull" are clipped to [0, 1]; "jeffreys" is not adjusted
at x = 0 or x = n.  Run from the repository root:

    .venv/bin/python tests/reference/rates_statsmodels.py

Writes tests/reference/rates_statsmodels_proportion_ci.csv (17 significant digits).
"""
import csv

import statsmodels
from statsmodels.stats.proportion import proportion_confint

CASES = [(0, 17), (1, 17), (3, 29), (17, 17), (23, 61), (137, 1023), (4999, 10007),
         (1, 100000), (99999, 100000), (2385, 4761), (0, 1), (1, 1), (12, 2385), (2, 3)]
METHODS = {"jeffreys": "jeffreys", "agresti-coull": "agresti_coull", "wald": "normal"}


def main():
    rows = []
    for conf in (0.95, 0.998, 0.8):
        for x, n in CASES:
            for ours, theirs in METHODS.items():
                lo, hi = proportion_confint(x, n, alpha=1 - conf, method=theirs)
                rows.append({
                    "x": x, "n": n, "conf": repr(conf), "method": ours,
                    "lower": f"{lo:.17g}", "upper": f"{hi:.17g}",
                    "call": f"proportion_confint({x}, {n}, alpha=1 - {conf}, method='{theirs}')"
                            f"  # statsmodels {statsmodels.__version__}",
                })
    with open("tests/reference/rates_statsmodels_proportion_ci.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
