"""Benchmark: Kaplan-Meier with open cases, the log-rank test and the backlog, against the
tools an analyst would otherwise use.

1. ``kaplan_meier`` on 1,000,000 waits (whole days, about 30 % open), one curve and ten groups
   with the log-rank test, against lifelines (``KaplanMeierFitter``,
   ``multivariate_logrank_test``) in this process when it is installed, and R survival
   (``survfit``, ``survdiff``, timed inside R with ``system.time``) when ``Rscript`` is on the
   path.  Agreement with lifelines: the largest difference of S(t) at the event times and of
   the chi-square.
2. Many small fits: one area-month of 200 waits at a time (per-call overhead), against
   lifelines.
3. ``backlog`` (monthly, ten years, 1,000,000 cases) against the pandas loop an analyst would
   write (one comparison over all cases per month).

Ratios are the other tool's time over scrutiny's; no timing is asserted.  Run
``python tests/benchmarks/bench_waits.py`` or ``make bench``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import pandas as pd
from _timing import median_time, once

from scrutiny import waits

SEED = 20250612
N_BIG = 1_000_000
N_GROUPS = 10
N_SMALL, SMALL_SIZE = 2_000, 200
N_LIFELINES_SMALL = 200


def firearms_like(rng, n):
    """Whole-day waits (gamma, median about 300 days) received over four years, open at the
    extract date, in N_GROUPS areas with slightly different waits."""
    group = rng.integers(0, N_GROUPS, n)
    wait = np.round(rng.gamma(4.0, 80.0 * (1 + 0.03 * group)))
    received = rng.integers(0, 4 * 365, n)
    observed = received + wait <= 4 * 365
    durations = np.where(observed, wait, 4 * 365 - received).astype(float)
    return durations, observed, group


def lifelines_or_none():
    try:
        import lifelines  # noqa: F401
    except ImportError:
        print("  lifelines is not installed: `pip install lifelines` to compare", flush=True)
        return None
    return lifelines


def bench_big(rng, ll):
    t, d, g = firearms_like(rng, N_BIG)
    print(f"Kaplan-Meier on {N_BIG:,} waits ({1 - d.mean():.0%} open)", flush=True)
    one, res = median_time(lambda: waits.kaplan_meier(t, d), repeats=3)
    grp, gres = median_time(lambda: waits.kaplan_meier(t, d, group=g), repeats=3)
    print(f"  scrutiny  one curve {one:7.3f} s    {N_GROUPS} groups + log-rank {grp:7.3f} s",
          flush=True)
    if ll is not None:
        from lifelines import KaplanMeierFitter
        from lifelines.statistics import multivariate_logrank_test

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_one, kmf = once(lambda: KaplanMeierFitter().fit(t, d))
            t_lr, lr = once(lambda: multivariate_logrank_test(t, g, d))
            t_grp = t_lr + sum(once(lambda: KaplanMeierFitter().fit(t[g == k], d[g == k]))[0]
                               for k in range(N_GROUPS))
        theirs = kmf.survival_function_.iloc[:, 0].reindex(res.table["time"]).to_numpy()
        diff_s = float(np.max(np.abs(theirs - res.table["survival"].to_numpy())))
        diff_chi = abs(lr.test_statistic - gres.logrank.statistic)
        print(f"  lifelines {ll.__version__}: one curve {t_one:7.3f} s ({t_one / one:5.1f}x)   "
              f"{N_GROUPS} groups + log-rank {t_grp:7.3f} s ({t_grp / grp:5.1f}x)", flush=True)
        print(f"    max |S diff| {diff_s:.1e}, |chi-square diff| {diff_chi:.1e}; medians "
              f"{res.median:g} (scrutiny, R's rule) vs {kmf.median_survival_time_:g} "
              f"(lifelines)", flush=True)
    bench_r(t, d, g, one, grp)


def bench_r(t, d, g, one, grp):
    if shutil.which("Rscript") is None:
        print("  Rscript not found: R survival not timed", flush=True)
        return
    script = """
suppressPackageStartupMessages(library(survival))
x <- read.csv(commandArgs(TRUE)[1])
a <- system.time(f1 <- survfit(Surv(t, d) ~ 1, data = x))[["elapsed"]]
b <- system.time({f2 <- survfit(Surv(t, d) ~ g, data = x);
                  s <- survdiff(Surv(t, d) ~ g, data = x)})[["elapsed"]]
cat(a, b, unname(summary(f1)$table["median"]), s$chisq,
    as.character(packageVersion("survival")), "\\n")
"""
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "waits.csv")
        code = os.path.join(tmp, "bench.R")
        pd.DataFrame({"t": t, "d": d.astype(int), "g": g}).to_csv(data, index=False)
        with open(code, "w") as fh:
            fh.write(script)
        out = subprocess.run(["Rscript", code, data], capture_output=True, text=True,
                             check=False)
    if out.returncode != 0:
        print(f"  R survival failed: {out.stderr.strip()[:200]}", flush=True)
        return
    a, b, median, chisq, version = out.stdout.split()
    a, b = float(a), float(b)
    print(f"  R survival {version}: one curve {a:7.3f} s ({a / one:5.1f}x)   {N_GROUPS} groups "
          f"+ survdiff {b:7.3f} s ({b / grp:5.1f}x)   (median {median}, chi-square "
          f"{float(chisq):.6f}; R's timing excludes reading the data)", flush=True)


def bench_small(rng, ll):
    sets = [firearms_like(rng, SMALL_SIZE)[:2] for _ in range(N_SMALL)]
    ours, _ = median_time(lambda: [waits.kaplan_meier(t, d) for t, d in sets], repeats=3)
    per = ours / N_SMALL
    print(f"\nMany small fits: {N_SMALL:,} curves of {SMALL_SIZE} waits", flush=True)
    print(f"  scrutiny  {per * 1e3:7.3f} ms per curve", flush=True)
    if ll is not None:
        from lifelines import KaplanMeierFitter

        sub = sets[:N_LIFELINES_SMALL]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs, _ = once(lambda: [KaplanMeierFitter().fit(t, d) for t, d in sub])
        theirs /= len(sub)
        print(f"  lifelines {theirs * 1e3:7.3f} ms per curve ({theirs / per:5.1f}x)", flush=True)


def bench_backlog(rng):
    n = N_BIG
    start = np.datetime64("2015-01-01")
    received = start + rng.integers(0, 3650, n).astype("timedelta64[D]")
    decided = received + np.round(rng.gamma(4.0, 60.0, n)).astype("timedelta64[D]")
    decided[decided > np.datetime64("2024-12-31")] = np.datetime64("NaT")
    rec, dec = pd.Series(received), pd.Series(decided)
    ours, res = median_time(lambda: waits.backlog(rec, dec, target=150), repeats=3)

    def pandas_loop():
        ends = (res.period + 1).to_timestamp(how="start")
        return [int(((rec < e) & ~(dec < e)).sum()) for e in ends]

    theirs, counts = once(pandas_loop)
    same = counts == res.open.tolist()
    print(f"\nBacklog of {n:,} cases, monthly over {len(res.period)} months (with the count over "
          f"150 days)", flush=True)
    print(f"  scrutiny {ours:7.3f} s   pandas loop (open counts only) {theirs:7.3f} s "
          f"({theirs / ours:5.1f}x)   same open counts: {same}", flush=True)
    return same


def main() -> int:
    if hasattr(os, "getloadavg"):
        print(f"Load average at start: {os.getloadavg()[0]:.2f}", flush=True)
    rng = np.random.default_rng(SEED)
    ll = lifelines_or_none()
    bench_big(rng, ll)
    bench_small(rng, ll)
    return 0 if bench_backlog(rng) else 1


if __name__ == "__main__":
    if "--no-machine" not in sys.argv[1:]:  # run.py prints it once for every benchmark
        from run import machine_summary

        print(machine_summary(), flush=True)
    sys.exit(main())
