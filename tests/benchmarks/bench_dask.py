"""Benchmark: the screen's series work on a Dask LocalCluster against the in-memory path.

The work: Mann-Kendall + Sen (``mann_kendall``), a seasonal Poisson count trend
(``count_trend(period=12)``) and Benjamini-Hochberg q-values of the Mann-Kendall p-values,
on N series x 36 months of counts.

1. In memory (all cores) against a ``distributed.LocalCluster`` of 2 worker processes (one
   thread each), the same N and the same answer (checked equal): target within 1.5x.  The
   Dask time is shown two ways: with sending the counts to the workers once (``from_array``
   and ``persist``, timed apart: ``send s``), and on counts already held by the workers
   (``held s``, as when the counts were made on the cluster).  Blocks of series: a quarter of
   the series of a worker each (5,000 to 50,000), so that a slow worker is caught up.  The
   workers' own sampling (the statistical profiler and the GIL monitor, which wake every few
   milliseconds) is switched off: it costs CPU while the kernels run.
2. The Dask screen from 50,000 to 500,000 series (``--sizes``): linear scaling expected
   (microseconds a series stay level).
3. For comparison, Dask's threaded scheduler in this process (the kernels release the GIL);
   with ``--in-process`` the cluster's two workers are threads of this process too (the
   counts and the results then pass between them without being copied).

Wall times are medians of ``--repeat`` runs after a warm-up; CPU times (of this process and
the workers) are shown too, as the wall time on a shared machine depends on its load (the
load average is printed).

Run ``python tests/benchmarks/bench_dask.py [--sizes 50000,100000,200000,500000]`` (needs the
``dask`` extra).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings

import numpy as np

import scrutiny as sc

SEED = 20261207
MONTHS = 36
WORKERS = 2


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


def block(n: int) -> int:
    """Series per Dask block: a quarter of a worker's share, 5,000 to 50,000."""
    return min(50_000, max(5_000, -(-n // (4 * WORKERS))))


def sent(y: np.ndarray):
    """The counts as a Dask Array held by the cluster's workers (sent once)."""
    import dask.array as da
    import distributed
    held = da.from_array(y, chunks=(block(len(y)), MONTHS)).persist()
    distributed.wait(held)
    return held


def cpu_seconds(processes) -> float:
    total = 0.0
    for p in processes:
        times = p.cpu_times()
        total += times.user + times.system
    return total


def timed(func, processes):
    cpu = cpu_seconds(processes)
    start = time.perf_counter()
    out = func()
    return time.perf_counter() - start, cpu_seconds(processes) - cpu, out


def main() -> int:
    import dask
    import dask.array as da
    import distributed
    import psutil

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50000,100000,200000,500000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--in-process", action="store_true",
                        help="workers as threads of this process (no copies between processes)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    warnings.simplefilter("ignore")
    quiet = {"distributed.worker.profile.enabled": False,
             "distributed.admin.system-monitor.gil.enabled": False}
    with dask.config.set(quiet), \
            distributed.LocalCluster(n_workers=WORKERS, processes=not args.in_process,
                                     threads_per_worker=1, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        here = psutil.Process()
        processes = [here] + here.children(recursive=True)
        screen(da.from_array(counts(2_000), chunks=(1_000, MONTHS)))        # warm-up
        screen(counts(2_000))
        print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        print(f"{'series':>9} {'mem s':>7} {'send s':>7} {'held s':>7} {'dask/mem':>9} "
              f"{'held/mem':>9} {'cpu d/m':>8} {'dask us/series':>15} {'threads s':>10} "
              f"{'thr/mem':>8}")
        for n in sizes:
            y = counts(n)
            runs = []
            for _ in range(args.repeat):
                t_mem, c_mem, (mk, fit, q) = timed(lambda: screen(y), processes)
                t_send, c_send, held = timed(lambda: sent(y), processes)
                t_held, c_held, (mk2, fit2, q2) = timed(lambda: screen(held), processes)
                del held
                with dask.config.set(scheduler="threads"):
                    t_thr, _, (mk3, _, _) = timed(
                        lambda: screen(da.from_array(y, chunks=(block(n), MONTHS))), processes)
                assert np.array_equal(mk.slope, mk3.slope, equal_nan=True)
                assert np.array_equal(mk.slope, mk2.slope, equal_nan=True)
                assert np.array_equal(fit.rate_ratio, fit2.rate_ratio, equal_nan=True)
                assert np.array_equal(q, q2, equal_nan=True)
                t_dask = t_send + t_held
                runs.append((t_mem, t_send, t_held, t_dask / t_mem, t_held / t_mem,
                             (c_send + c_held) / c_mem, t_dask, t_thr, t_thr / t_mem))
            (t_mem, t_send, t_held, ratio, ratio_held, cpu, t_dask, t_thr,
             thr) = (statistics.median(r[i] for r in runs) for i in range(9))
            print(f"{n:>9,} {t_mem:>7.2f} {t_send:>7.2f} {t_held:>7.2f} {ratio:>9.2f} "
                  f"{ratio_held:>9.2f} {cpu:>8.2f} {1e6 * t_dask / n:>15.2f} {t_thr:>10.2f} "
                  f"{thr:>8.2f}", flush=True)
        print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
