"""Oracles for scrutiny.segmentation: R changepoint's PELT transliterated, and brute force.

R changepoint is not packaged for Debian, so its PELT is transliterated here line by line from
the source of changepoint 2.2.4 (CRAN, 2022-10-31; github.com/rkillick/changepoint at commit
04c67b43bab165bd0c0004d15dad02e6d9fe2f07):

- src/PELT_one_func_minseglen.c  (PELT: lastchangelike[0] = -pen; the segments (0, j] for
  minseglen <= j < 2 minseglen; then for tstar = 2 minseglen..n the first minimum over the
  checklist of lastchangelike[tau] + cost + pen; pruning keeps tau with value <= F(tstar) + pen;
  tstar - minseglen + 1 joins the checklist; back-tracking from n);
- src/cost_general_functions.c   (mll_mean, mll_meanvar, mll_meanvar_poisson and their mbic_*
  variants, which add log(segment length); min_which);
- R/penalty_decision.R            (MBIC (d + 2) log n, BIC (d + 1) log n, AIC 2 (d + 1));
- R/sumstat.R                     (cumulative sums with a leading 0; R's cumsum accumulates in
  long double, reproduced with numpy.longdouble on x86-64);
- R/cpt.R, R/multiple.norm.R, R/poisson.R (cpt.mean: diffparam 1, minseglen >= 1; cpt.meanvar
  Normal: diffparam 2, minseglen >= 2; Poisson: diffparam 1, minseglen >= 1).

Run as a script it writes changepoint_pelt.csv (the cases used by tests/test_changepoints.py);
the tests also call these functions directly.  Python 3.11, NumPy 2.
"""
from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np

DIFFPARAM = {"normal-mean": 1, "normal-meanvar": 2, "poisson": 1}


def penalty_decision(penalty, n: int, cost: str) -> float:
    """R/penalty_decision.R for the penalties scrutiny offers (a number is 'Manual')."""
    d = DIFFPARAM[cost]
    if penalty == "mbic":
        return (d + 2) * math.log(n)
    if penalty == "bic":
        return (d + 1) * math.log(n)
    if penalty == "aic":
        return 2.0 * (d + 1)
    return float(penalty)


def sumstat(data: np.ndarray):
    """R/sumstat.R: cumsum(data), cumsum(data^2) with a leading 0 (long-double accumulation)."""
    y = np.concatenate([[0.0], np.cumsum(data.astype(np.longdouble)).astype(np.float64)])
    sq = data * data
    y2 = np.concatenate([[0.0], np.cumsum(sq.astype(np.longdouble)).astype(np.float64)])
    return y, y2


def cost_function(cost: str, mbic: bool):
    """src/cost_general_functions.c: cost of a segment of length n with sums x, x2."""
    if cost == "normal-mean":
        def f(x, x2, n):
            c = x2 - (x * x) / n
            return c + math.log(n) if mbic else c
    elif cost == "normal-meanvar":
        def f(x, x2, n):
            sigsq = (x2 - ((x * x) / n)) / n
            if sigsq <= 0:
                sigsq = 0.00000000001
            c = n * (math.log(2 * math.pi) + math.log(sigsq) + 1)
            return c + math.log(n) if mbic else c
    elif cost == "poisson":
        def f(x, x2, n):
            if x == 0:
                return 0.0
            c = 2 * x * (math.log(n) - math.log(x))
            return c + math.log(n) if mbic else c
    else:
        raise ValueError(cost)
    return f


def min_which(values):
    """src/cost_general_functions.c min_which: the first minimum."""
    best, which = values[0], 0
    for i in range(1, len(values)):
        if values[i] < best:
            best, which = values[i], i
    return best, which


def pelt(data, cost="normal-mean", penalty="mbic", minseglen=1):
    """PELTC of src/PELT_one_func_minseglen.c.  Returns (cpts as R gives them: 1-based segment
    ends without n, lastchangelike[n])."""
    data = np.asarray(data, dtype=float)
    n = data.size
    pen = penalty_decision(penalty, n, cost)
    f = cost_function(cost, penalty == "mbic")
    y, y2 = sumstat(data)
    lastchangelike = [0.0] * (n + 1)
    lastchangecpts = [0] * (n + 1)
    lastchangelike[0] = -pen
    for j in range(minseglen, 2 * minseglen):
        lastchangelike[j] = f(y[j], y2[j], j)
    checklist = [0, minseglen]
    for tstar in range(2 * minseglen, n + 1):
        if lastchangelike[tstar] == 0:
            tmplike = [lastchangelike[c] + f(y[tstar] - y[c], y2[tstar] - y2[c], tstar - c) + pen
                       for c in checklist]
            minout, whichout = min_which(tmplike)
            lastchangelike[tstar] = minout
            lastchangecpts[tstar] = checklist[whichout]
            checklist = [c for c, v in zip(checklist, tmplike) if v <= lastchangelike[tstar] + pen]
        checklist.append(tstar - (minseglen - 1))
    cpts, last = [], n
    while last != 0:
        cpts.append(last)
        last = lastchangecpts[last]
    return sorted(c for c in cpts if c != n), lastchangelike[n]


def brute_force(data, cost="normal-mean", penalty="mbic", minseglen=1):
    """Optimal partitioning by enumeration of every segmentation with segments >= minseglen:
    minimises sum of segment costs + penalty x changes.  Returns (ends, objective)."""
    data = np.asarray(data, dtype=float)
    n = data.size
    pen = penalty_decision(penalty, n, cost)
    f = cost_function(cost, penalty == "mbic")
    y, y2 = sumstat(data)
    best = (math.inf, None)
    for k in range(n):
        for ends in itertools.combinations(range(minseglen, n - minseglen + 1), k):
            bounds = (0, *ends, n)
            if any(b - a < minseglen for a, b in zip(bounds, bounds[1:])):
                continue
            total = sum(f(y[b] - y[a], y2[b] - y2[a], b - a) for a, b in zip(bounds, bounds[1:]))
            total += pen * k
            if total < best[0]:
                best = (total, list(ends))
    return best[1], best[0]


def cases():
    """Series (seeded) for the reference table: (name, cost, penalty, minseglen, data)."""
    rng = np.random.default_rng(20240611)
    mean_shift = np.concatenate([rng.normal(0.0, 1.0, 60), rng.normal(2.3, 1.0, 45),
                                 rng.normal(-0.7, 1.0, 70), rng.normal(1.1, 1.0, 25)])
    var_shift = np.concatenate([rng.normal(10.0, 1.0, 80), rng.normal(10.0, 3.1, 60),
                                rng.normal(14.0, 0.5, 60)])
    counts = np.concatenate([rng.poisson(3.2, 50), rng.poisson(7.5, 40), rng.poisson(1.4, 60),
                             np.zeros(8), rng.poisson(4.0, 30)]).astype(float)
    out = []
    for pen in ("mbic", "bic", "aic", 12.5):
        out.append(("mean_shift", "normal-mean", pen, 1, mean_shift))
        out.append(("var_shift", "normal-meanvar", pen, 2, var_shift))
        out.append(("counts", "poisson", pen, 1, counts))
    out.append(("mean_shift", "normal-mean", "mbic", 10, mean_shift))
    out.append(("var_shift", "normal-meanvar", "bic", 7, var_shift))
    out.append(("counts", "poisson", "mbic", 5, counts))
    return out


def main() -> None:
    rows = []
    for name, cost, pen, minseglen, data in cases():
        cpts, objective = pelt(data, cost, pen, minseglen)
        rows.append({"series": name, "cost": cost, "penalty": pen, "min_size": minseglen,
                     "n": data.size, "pen_value": penalty_decision(pen, data.size, cost),
                     "objective": repr(float(objective)),
                     "locations": " ".join(str(c - 1) for c in cpts)})  # 0-based last index
    import csv

    path = Path(__file__).with_suffix(".csv")
    with path.open("w", newline="") as fh:
        fh.write("# changepoint 2.2.4 PELT transliterated (tests/reference/changepoint_pelt.py);"
                 " series from cases(), seed 20240611\n")
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
