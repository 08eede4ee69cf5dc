"""Benchmark: the screen's series work on a Dask LocalCluster against the in-memory path.

The work: Mann-Kendall + Sen (``mann_kendall``), a seasonal Poisson count trend
(``count_trend(period=12)``) and Benjamini-Hochberg q-values of the Mann-Kendall p-values,
on N series x 36 months of counts.

1. In memory (all cores) against a ``distributed.LocalCluster`` of 2 worker processes (one
   thread each), the same N and the same answer (checked equal): target within 1.5x.  The
   Dask time includes sending the counts to the workers once (``persist``).
2. The Dask screen from 50,000 to 500,000 series (``--sizes``): linear scaling expected.
3. For comparison, Dask's threaded scheduler in this process (the kernels release the GIL).

Run ``python tests/benchmarks/bench_dask.py [--sizes 50000,100000,200000,500000]`` (needs the
``dask`` extra).  Times are one run each after a warm-up on a small input.
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings

import numpy as np

import scrutiny as sc

SEED = 20261207
MONTHS = 36
BLOCK = 25_000          # series per Dask block


def counts(n: int) -> np.ndarray:
    rng = np.random.default_rng(SEED)
    level = rng.gamma(3.0, 4.0, (n, 1))
    season = 1.0 + 0.2 * np.sin(2 * np.pi * np.arange(MONTHS) / 12)
    trend = np.exp(rng.normal(0.0, 0.01, (n, 1)) * np.arange(MONTHS))
    return rng.poisson(level * season * trend).astype(float)


def screen(y):
    """The series work of the screen; the same call on a NumPy or a Dask array."""
    mk = sc.mann_kendall(y)
    fit = sc.count_trend(y, period=12)
    q = sc.multiple_testing(mk.pvalue, "bh")
    return mk, fit, q


def timed(func):
    start = time.perf_counter()
    out = func()
    return time.perf_counter() - start, out


def main() -> int:
    import dask
    import dask.array as da
    import distributed

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50000,100000,200000,500000")
    parser.add_argument("--no-machine", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    warnings.simplefilter("ignore")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        screen(da.from_array(counts(2_000), chunks=(1_000, MONTHS)))        # warm-up
        screen(counts(2_000))
        print(f"{'series':>9} {'in memory s':>12} {'dask s':>9} {'dask/mem':>9} "
              f"{'dask us/series':>15} {'threads s':>10} {'thr/mem':>10}")
        for n in sizes:
            y = counts(n)
            t_mem, (mk, fit, q) = timed(lambda: screen(y))
            t_dask, (mk2, fit2, q2) = timed(
                lambda: screen(da.from_array(y, chunks=(BLOCK, MONTHS)).persist()))
            with dask.config.set(scheduler="threads"):
                t_thr, (mk3, _, _) = timed(lambda: screen(da.from_array(y, chunks=(BLOCK,
                                                                                  MONTHS))))
            assert np.array_equal(mk.slope, mk3.slope, equal_nan=True)
            assert np.array_equal(mk.slope, mk2.slope, equal_nan=True)
            assert np.array_equal(fit.rate_ratio, fit2.rate_ratio, equal_nan=True)
            assert np.array_equal(q, q2, equal_nan=True)
            print(f"{n:>9,} {t_mem:>12.2f} {t_dask:>9.2f} {t_dask / t_mem:>9.2f} "
                  f"{1e6 * t_dask / n:>15.2f} {t_thr:>10.2f} {t_thr / t_mem:>10.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
