"""Benchmark: interval kernels and the exact funnel, against the packages an analyst would use.

1. Clopper-Pearson and Wilson intervals for 1,000,000 areas: ``scrutiny.proportion_ci`` against
   ``statsmodels.stats.proportion.proportion_confint`` (methods ``'beta'`` and ``'wilson'``),
   in the same process, with the largest absolute difference of the limits.
2. An exact funnel with multiplicative overdispersion over every LSOA of England and Wales
   (about 35,000 units), target 100 ms.  Populations come from the ONS file in the shared data
   folder when it is there (``SCRUTINY_SHARED_DATA``, default ``../shared/data`` beside the
   repository), else simulated sizes; the counts are simulated, seeded.  The unadjusted exact
   limits are compared with a SciPy implementation of Spiegelhalter's interpolated binomial
   limits.

Run ``python tests/benchmarks/bench_disparity.py`` or ``make bench``.  Times are medians of
several repeats; ratios are the other package's time over scrutiny's.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
from _timing import median_time

import scrutiny as sc

REPEATS = 7
N_AREAS = 1_000_000
FUNNEL_TARGET_SECONDS = 0.100
SEED = 20250331
AGREEMENT = 1e-9  # largest absolute difference of limits accepted as "the same numbers"
REPO = Path(__file__).resolve().parents[2]


def shared_data() -> Path:
    return Path(os.environ.get("SCRUTINY_SHARED_DATA", REPO.parent / "shared" / "data"))




def report(label, seconds, reference=None, reference_seconds=None, max_diff=None):
    """Print one timing line; returns False when the numbers disagree with the reference."""
    line = f"  {label:<44} {seconds * 1e3:9.1f} ms"
    if reference is not None:
        line += f"   {reference}: {reference_seconds * 1e3:9.1f} ms   ratio {reference_seconds / seconds:6.1f}x"
    if max_diff is not None:
        line += f"   max |diff| {max_diff:.1e}" + ("" if max_diff <= AGREEMENT else "  DISAGREE")
    print(line, flush=True)
    return max_diff is None or max_diff <= AGREEMENT


def bench_intervals(rng):
    from statsmodels.stats.proportion import proportion_confint

    n = rng.integers(1, 5_000, size=N_AREAS)
    x = rng.binomial(n, rng.beta(2.0, 5.0, size=N_AREAS))
    print(f"Proportion intervals, {N_AREAS:,} areas (n from 1 to 4,999, 95 %)")
    agree = True
    # (ours, statsmodels' name, repeats of ours, of statsmodels): the fast closed form is timed
    # over more runs, since a few milliseconds move with the machine's memory traffic.
    for ours, theirs, k_sc, k_sm in (("exact", "beta", REPEATS, 3), ("wilson", "wilson", 31, 31)):
        t_sc, res = median_time(lambda: sc.proportion_ci(x, n, conf=0.95, method=ours), k_sc)
        t_sm, (lo, hi) = median_time(lambda: proportion_confint(x, n, alpha=0.05, method=theirs), k_sm)
        diff = max(np.max(np.abs(res.lower - lo)), np.max(np.abs(res.upper - hi)))
        agree &= report(f"proportion_ci(method={ours!r})", t_sc, f"statsmodels {theirs!r}", t_sm, diff)
    return agree


def lsoa_populations(rng):
    path = shared_data() / "ons-lsoa-population" / "lsoa11_population_mid2019.csv"
    if path.exists():
        import pandas as pd

        pop = pd.read_csv(path)["population_mid2019"].to_numpy(np.int64)
        return pop, f"{len(pop):,} LSOAs, ONS mid-2019 populations ({path.name})"
    pop = rng.integers(1_000, 3_000, size=35_000)
    return pop, f"{len(pop):,} simulated LSOA sizes (shared data folder not found: {path.parent})"


def scipy_exact_limits(n, p0, levels):
    """Spiegelhalter's (2005) interpolated binomial limits, with SciPy's binomial distribution."""
    from scipy.stats import binom

    lower, upper = [], []
    for level in levels:
        limits = []
        for prob in ((1 - level) / 2, (1 + level) / 2):
            r = binom.ppf(prob, n, p0)
            f_r, f_below = binom.cdf(r, n, p0), binom.cdf(r - 1, n, p0)
            alpha = (f_r - prob) / (f_r - f_below)
            limits.append((r - alpha) / n)
        lower.append(limits[0])
        upper.append(limits[1])
    return np.column_stack(lower), np.column_stack(upper)


def bench_funnel(rng):
    population, source = lsoa_populations(rng)
    # About 30 victims (or crimes) a year per 1,000 residents, with real spread between LSOAs.
    count = rng.poisson(population * rng.gamma(8.0, 0.030 / 8.0, size=population.size))
    count = np.minimum(count, population)
    levels = (0.95, 0.998)
    print(f"Exact funnel with multiplicative overdispersion, {source}")
    for kind in ("proportion", "rate"):
        t_sc, res = median_time(lambda: sc.funnel(count, population, kind=kind, method="exact",
                                                  levels=levels, overdispersion="multiplicative"))
        verdict = "meets" if t_sc <= FUNNEL_TARGET_SECONDS else "MISSES"
        report(f"funnel(kind={kind!r}), phi = {res.phi:.2f}", t_sc)
        print(f"    {verdict} the {FUNNEL_TARGET_SECONDS * 1e3:.0f} ms target", flush=True)
    t_sc, plain = median_time(lambda: sc.funnel(count, population, kind="proportion", method="exact",
                                                levels=levels))
    t_sp, (lo, hi) = median_time(lambda: scipy_exact_limits(population, plain.target, levels), repeats=3)
    diff = max(np.max(np.abs(plain.lower - lo)), np.max(np.abs(plain.upper - hi)))
    return report("funnel(kind='proportion'), unadjusted", t_sc, "SciPy binom limits", t_sp, diff)


def main() -> int:
    rng = np.random.default_rng(SEED)
    agree = bench_intervals(rng)
    agree &= bench_funnel(rng)
    return 0 if agree else 1


if __name__ == "__main__":
    if "--no-machine" not in sys.argv[1:]:  # run.py prints it once for every benchmark
        from run import machine_summary

        print(machine_summary(), flush=True)
    sys.exit(main())
