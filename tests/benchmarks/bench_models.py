"""Benchmark: count trends, interrupted time series and change points, against the packages an
analyst would otherwise use, in the same process.

1. Poisson trend with 11 season dummies and a population offset on 100,000 series x 60 months
   (LSOA-sized populations, about 6 crimes a month, seeded): ``count_trend`` in one call
   (target <= 2 s) against statsmodels ``GLM(..., family=Poisson(), offset=log(pop)).fit()``
   per series on a subset (target >= 100x per series), the largest relative difference of the
   rate ratios, and the call's peak memory above the input (target <= 1.5x the input).
2. PELT, normal-mean cost with the MBIC penalty, on one series of 1,000,000 points with a mean
   shift every 50 to 500 points (target <= 0.5 s), and on 1,000 series x 1,000 points in one
   call; against ruptures ``Pelt`` on 10,000 points (target >= 10x): with ruptures' defaults
   (model "l2", min_size 2, jump 5) and on the same problem (min_size 1, jump 1, penalty
   2 log n, i.e. ``penalty="bic"``), whose change points must agree.
3. Interrupted time series (gaussian with Newey-West, Poisson with offset) on 10,000 series x
   48 months, against statsmodels per series (reported, no target).

Run ``python tests/benchmarks/bench_models.py`` or ``make bench``.  Times are medians of
several repeats (one run for the slow reference packages); ratios are the other package's time
over scrutiny's, per series where the other package is timed on a subset.  Peak memory is the
rise of the resident set's high-water mark during one call in a fresh interpreter (Linux: the
mark is reset through /proc/self/clear_refs before the call).
"""
from __future__ import annotations

import gc
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
from _timing import median_time, once

from scrutiny.segmentation import changepoints
from scrutiny.models import count_trend, its

SEED = 20240611
REPEATS = 5
TREND_SERIES, MONTHS, SUBSET = 100_000, 60, 300
TREND_TARGET_SECONDS, TREND_TARGET_RATIO, MEMORY_TARGET = 2.0, 100.0, 1.5
PELT_POINTS, PELT_TARGET_SECONDS, PELT_TARGET_RATIO, RUPTURES_POINTS = 1_000_000, 0.5, 10.0, 10_000






def _vm(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


def peak_extra_bytes(func):
    """Bytes by which the resident high-water mark rises above the resident size during
    ``func()`` (None where /proc/self/clear_refs cannot reset the mark)."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
        before = _vm("VmRSS:")
    except OSError:
        func()
        return None
    func()
    return _vm("VmHWM:") - before


def memory_in_fresh_process(kind: str):
    """(extra peak bytes, input bytes) of one call measured in a new interpreter, where no
    earlier call has left freed memory resident; None when it cannot be measured."""
    out = subprocess.run([sys.executable, __file__, "--memory", kind], capture_output=True,
                         text=True, check=False).stdout.split()
    return (int(out[0]), int(out[1])) if len(out) == 2 and out[0] != "None" else None


def memory_child(kind: str) -> None:
    import pandas  # noqa: F401  (imported by the first call; not part of the call's memory)

    rng = np.random.default_rng(SEED)
    if kind == "trend":
        y, pop = trend_data(rng)
        count_trend(y[:10], pop[:10], period=12)
        print(peak_extra_bytes(lambda: count_trend(y, pop, period=12)), y.nbytes + pop.nbytes)
    else:
        y, _ = shifting_mean(rng, PELT_POINTS)
        changepoints(y[:100])
        print(peak_extra_bytes(lambda: changepoints(y)), y.nbytes)


def verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


# ---- 1. Poisson trends -------------------------------------------------------------------------

def trend_data(rng):
    i = np.arange(MONTHS)
    pop = rng.uniform(1_000, 3_000, size=(TREND_SERIES, 1)) * (1 + 0.001 * i)
    trend = rng.normal(0, 0.004, size=(TREND_SERIES, 1))
    mu = pop * np.exp(-5.6 + trend * i + 0.2 * np.sin(2 * np.pi * i / 12))
    return rng.poisson(mu).astype(float), pop


def bench_trend(rng):
    import statsmodels.api as sm

    y, pop = trend_data(rng)
    print(f"Poisson trend, 11 season dummies, population offset: {TREND_SERIES:,} series x "
          f"{MONTHS} months (mean count {y.mean():.1f})", flush=True)
    t_sc, res = median_time(lambda: count_trend(y, pop, period=12), repeats=3)
    t_one, _ = median_time(lambda: count_trend(y, pop, period=12, threads=1), repeats=1)
    i = np.arange(MONTHS)
    X = np.column_stack([np.ones(MONTHS), i, (i[:, None] % 12 == np.arange(1, 12)).astype(float)])
    subset = np.arange(SUBSET)

    def statsmodels_fits():
        return np.array([sm.GLM(y[r], X, family=sm.families.Poisson(),
                                offset=np.log(pop[r])).fit().params[1] for r in subset])

    t_sm, slopes = once(statsmodels_fits)
    per_sc, per_sm = t_sc / TREND_SERIES, t_sm / SUBSET
    diff = np.max(np.abs(res.rate_ratio[subset] / np.exp(slopes) - 1))
    memory = memory_in_fresh_process("trend")
    print(f"  count_trend, all cores               {t_sc:8.3f} s   ({per_sc * 1e6:.1f} us/series; "
          f"one thread {t_one:.3f} s)   {verdict(t_sc <= TREND_TARGET_SECONDS)} the "
          f"{TREND_TARGET_SECONDS:g} s target", flush=True)
    print(f"  statsmodels GLM, {SUBSET} series         {t_sm:8.3f} s   ({per_sm * 1e3:.2f} ms/series)"
          f"   ratio per series {per_sm / per_sc:7.0f}x   "
          f"{verdict(per_sm / per_sc >= TREND_TARGET_RATIO)} the {TREND_TARGET_RATIO:g}x target",
          flush=True)
    print(f"  rate ratios: max relative difference from statsmodels {diff:.1e}; "
          f"statuses {dict(zip(*np.unique(res.status, return_counts=True)))}", flush=True)
    if memory is not None:
        extra, input_bytes = memory
        print(f"  peak memory above the input: {extra / 1e6:.1f} MB = {extra / input_bytes:.2f}x the "
              f"input ({input_bytes / 1e6:.0f} MB: counts + populations)   "
              f"{verdict(extra <= MEMORY_TARGET * input_bytes)} the {MEMORY_TARGET:g}x target",
              flush=True)
    return diff < 1e-6


# ---- 2. change points ----------------------------------------------------------------------------

def shifting_mean(rng, n):
    lengths = rng.integers(50, 501, size=n // 50 + 1)
    levels = rng.normal(0, 2, size=lengths.size)
    mean = np.repeat(levels, lengths)[:n]
    return mean + rng.normal(0, 1, n), int(np.searchsorted(np.cumsum(lengths), n))


def bench_pelt(rng):
    import ruptures as rpt

    y, true_changes = shifting_mean(rng, PELT_POINTS)
    print(f"\nPELT, normal-mean cost: one series of {PELT_POINTS:,} points ({true_changes:,} mean "
          "shifts)", flush=True)
    t_mbic, res = median_time(lambda: changepoints(y))
    t_bic, res_bic = median_time(lambda: changepoints(y, penalty="bic"), repeats=3)
    memory = memory_in_fresh_process("pelt")
    print(f"  changepoints(penalty='mbic')          {t_mbic:8.3f} s   {res.n_changes:,} changes   "
          f"{verdict(t_mbic <= PELT_TARGET_SECONDS)} the {PELT_TARGET_SECONDS:g} s target", flush=True)
    print(f"  changepoints(penalty='bic')           {t_bic:8.3f} s   {res_bic.n_changes:,} changes "
          "(weaker pruning: every point since the last change stays a candidate)", flush=True)
    if memory is not None:
        extra, input_bytes = memory
        print(f"  peak memory above the input: {extra / 1e6:.1f} MB = {extra / input_bytes:.2f}x the "
              f"input ({input_bytes / 1e6:.0f} MB)   {verdict(extra <= MEMORY_TARGET * input_bytes)} "
              f"the {MEMORY_TARGET:g}x target", flush=True)
    batch = np.stack([shifting_mean(rng, 1_000)[0] for _ in range(1_000)])
    t_batch, _ = median_time(lambda: changepoints(batch))
    print(f"  changepoints, 1,000 series x 1,000     {t_batch:8.3f} s   (one call, all cores)",
          flush=True)

    small = y[:RUPTURES_POINTS]
    t_ours, ours = median_time(lambda: changepoints(small, penalty="bic"))
    t_rd, _ = once(lambda: rpt.Pelt(model="l2").fit(small).predict(pen=2 * math.log(small.size)))
    t_rs, bkps = once(lambda: rpt.Pelt(model="l2", min_size=1, jump=1).fit(small).predict(
        pen=2 * math.log(small.size)))
    agree = ours.locations.tolist() == [b - 1 for b in bkps[:-1]]
    print(f"  {RUPTURES_POINTS:,} points: changepoints(penalty='bic') {t_ours * 1e3:8.2f} ms", flush=True)
    print(f"    ruptures Pelt(l2), defaults (min_size 2, jump 5)   {t_rd:8.2f} s   ratio "
          f"{t_rd / t_ours:9.0f}x   {verdict(t_rd / t_ours >= PELT_TARGET_RATIO)} the "
          f"{PELT_TARGET_RATIO:g}x target", flush=True)
    print(f"    ruptures Pelt(l2, min_size 1, jump 1), same problem {t_rs:8.2f} s   ratio "
          f"{t_rs / t_ours:9.0f}x   change points {'agree' if agree else 'DISAGREE'}", flush=True)
    return agree


# ---- 3. interrupted time series -------------------------------------------------------------------

def bench_its(rng):
    import statsmodels.api as sm

    rows, n, k = 10_000, 48, 30
    time_ = np.arange(1, n + 1)
    X = np.column_stack([np.ones(n), time_, time_ - 1 >= k, np.maximum(0, time_ - k)]).astype(float)
    y = X @ [50.0, 0.2, -4.0, -0.1] + rng.normal(0, 2, size=(rows, n))
    pop = rng.uniform(5_000, 9_000, size=(rows, 1))
    counts = rng.poisson(pop * np.exp(X @ [-6.0, 0.003, -0.2, -0.01])).astype(float)
    print(f"\nInterrupted time series: {rows:,} series x {n} months", flush=True)
    for label, call, ref in (
        ("gaussian, Newey-West lag 3", lambda: its(y, k, hac_lags=3),
         lambda r: sm.OLS(y[r], X).fit(cov_type="HAC", cov_kwds={"maxlags": 3})),
        ("poisson, population offset", lambda: its(counts, k, family="poisson", exposure=pop),
         lambda r: sm.GLM(counts[r], X, family=sm.families.Poisson(),
                          offset=np.full(n, np.log(pop[r, 0]))).fit()),
    ):
        t_sc, _ = median_time(call, repeats=3)
        t_sm, _ = once(lambda: [ref(r) for r in range(200)])
        ratio = (t_sm / 200) / (t_sc / rows)
        print(f"  its({label:<28}) {t_sc:7.3f} s   statsmodels {t_sm / 200 * 1e3:.2f} ms/series   "
              f"ratio per series {ratio:6.0f}x", flush=True)


def main() -> int:
    rng = np.random.default_rng(SEED)
    agree = bench_trend(rng)
    agree &= bench_pelt(rng)
    bench_its(rng)
    return 0 if agree else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--memory"]:
        memory_child(sys.argv[2])
        sys.exit(0)
    if "--no-machine" not in sys.argv[1:]:  # run.py prints it once for every benchmark
        from run import machine_summary

        print(machine_summary(), flush=True)
    sys.exit(main())
