"""Benchmark: the Poisson E-test for many areas, against statsmodels.

1. Per test, side by side in this process: ``scrutiny.place.poisson_etest`` (one vectorised
   call) against statsmodels ``test_poisson_2indep(method="etest-wald")`` and
   ``method="etest-score"`` (one call per area) on 300 areas at each of three count sizes
   (about 20, 200 and 2,000 crimes a period), with the largest absolute difference of the
   p-values.  statsmodels sums over a square grid of counts; scrutiny sweeps the boundary of
   the rejection region, so the ratio grows with the counts.
2. ``poisson_etest`` and ``wdd`` on 100,000 areas (counts about 200), for scale.

Run ``python tests/benchmarks/bench_place.py`` or ``make bench``.  Times are medians of
repeats; ratios are statsmodels' time per test over scrutiny's.
"""
from __future__ import annotations

import sys
import warnings

import numpy as np
from _timing import median_time

from scrutiny import place

SEED = 20240611
N_SUBSET = 300
N_BIG = 100_000
AGREEMENT = 1e-10   # statsmodels truncates its sums at probability 1e-13


def areas(rng, mean, n):
    before = rng.poisson(mean, n)
    after = rng.poisson(mean * rng.uniform(0.7, 1.1, n))
    return before, after


def statsmodels_etest(before, after, method):
    from statsmodels.stats.rates import test_poisson_2indep

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.array([test_poisson_2indep(a, 1.0, b, 1.0, method=method).pvalue
                         for b, a in zip(before, after)])


def bench_subset(rng):
    agree = True
    for mean in (20, 200, 2000):
        before, after = areas(rng, mean, N_SUBSET)
        print(f"E-test, {N_SUBSET} areas, about {mean:,} crimes a period", flush=True)
        for method in ("wald", "score"):
            t_sc, res = median_time(lambda: place.poisson_etest(before, after, method=method))
            t_sm, pv = median_time(lambda: statsmodels_etest(before, after, f"etest-{method}"),
                                   repeats=1)
            diff = float(np.max(np.abs(res.pvalue - pv)))
            ok = diff <= AGREEMENT
            agree &= ok
            print(f"  poisson_etest(method={method!r}) {t_sc / N_SUBSET * 1e6:9.1f} us per test   "
                  f"statsmodels etest-{method}: {t_sm / N_SUBSET * 1e6:10.1f} us per test   "
                  f"ratio {t_sm / t_sc:8.1f}x   max |diff| {diff:.1e}{'' if ok else '  DISAGREE'}",
                  flush=True)
    return agree


def bench_big(rng):
    before, after = areas(rng, 200, N_BIG)
    control_before, control_after = areas(rng, 200, N_BIG)
    print(f"{N_BIG:,} areas, about 200 crimes a period (all cores)", flush=True)
    t, _ = median_time(lambda: place.poisson_etest(before, after), repeats=3)
    print(f"  poisson_etest                  {t:8.3f} s   {t / N_BIG * 1e6:6.1f} us per area",
          flush=True)
    t, _ = median_time(lambda: place.wdd(before, after, control_before, control_after), repeats=3)
    print(f"  wdd                            {t:8.3f} s   {t / N_BIG * 1e6:6.2f} us per area",
          flush=True)


def main() -> int:
    rng = np.random.default_rng(SEED)
    agree = bench_subset(rng)
    bench_big(rng)
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
