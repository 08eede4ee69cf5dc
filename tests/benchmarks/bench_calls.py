"""Benchmark: Erlang C and A staffing against what an analyst would otherwise use.

1. ``erlang_c`` on 1,000,000 scenarios (10 to 5,000 agents, all cores) against pyworkforce's
   ``ErlangC`` (pure Python, one scenario at a time, on a subset) and against a direct
   vectorised SciPy formula (Erlang B = Poisson pmf / cdf from ``scipy.stats.poisson``), with
   the largest differences of the probability of waiting and the service level, and for the
   scenarios where they differ most, each one's error against mpmath.
2. ``agents_needed`` (80 % in 20 s, occupancy cap 85 %, shrinkage 30 %) against pyworkforce's
   ``required_positions`` on the same scenarios, counting disagreements in agents.
3. ``erlang_a`` (callers hang up, mean patience 30 s to an hour) on 200,000 scenarios, against
   the closed form evaluated with SciPy's ``hyp1f1`` and ``poisson`` (Mandelbaum & Zeltyn's
   formulas as a user would type them), counting the scenarios where that formula overflows
   or returns NaN.

pyworkforce is imported when installed (``pip install pyworkforce``); otherwise part 1 and 2
say so and compare with SciPy only.  No timing is asserted: times are medians of repeats and
ratios are the other tool's time per scenario over scrutiny's.
Run ``python tests/benchmarks/bench_calls.py`` or ``make bench``.
"""
from __future__ import annotations

import os
import sys
import time

import numpy as np
from _timing import median_time
from scipy import special, stats

from scrutiny import calls

SEED = 20250612
N_C = 1_000_000
N_A = 200_000
N_PEER = 2_000
INTERVAL = 1800.0


def scenarios(rng, n):
    """Half-hourly volumes of 10 to 5,000 agents' work, handle times 2 to 10 minutes, targets
    10 to 60 s, and staffing from 1 to 15 % above the traffic."""
    agents = np.round(np.exp(rng.uniform(np.log(10), np.log(5000), n)))
    handle = rng.uniform(120, 600, n)
    traffic = agents * rng.uniform(0.87, 0.99, n)
    return traffic * INTERVAL / handle, handle, agents, rng.choice([10.0, 20.0, 30.0, 60.0], n)


def scipy_erlang_c(c, h, n, t):
    a = c * h / INTERVAL
    b = stats.poisson.pmf(n, a) / stats.poisson.cdf(n, a)
    pw = b / (1 - (a / n) * (1 - b))
    return pw, 1 - pw * np.exp(-(n - a) * t / h)


def mp_relative_errors(c, h, n, *p_waits):
    """Relative errors of probabilities of waiting against mpmath at 40 digits."""
    import mpmath as mp

    mp.mp.dps = 40
    a, n = mp.mpf(c) * mp.mpf(h) / INTERVAL, int(n)
    b = mp.exp(n * mp.log(a) - a - mp.loggamma(n + 1)) / mp.gammainc(n + 1, a, mp.inf,
                                                                     regularized=True)
    exact = b / (1 - (a / n) * (1 - b))
    return [abs(float(p / exact - 1)) for p in p_waits]


def pyworkforce():
    try:
        import pyworkforce as pwf
        from pyworkforce.queuing import ErlangC
    except ImportError:
        print("  pyworkforce not installed (pip install pyworkforce): skipped", flush=True)
        return None, None
    return ErlangC, pwf.__version__


def per_scenario(func, rows):
    start = time.perf_counter()
    out = [func(*row) for row in rows]
    return (time.perf_counter() - start) / len(rows), out


def bench_erlang_c(rng):
    c, h, n, t = scenarios(rng, N_C)
    seconds, res = median_time(lambda: calls.erlang_c(c, INTERVAL, h, n, t), repeats=3)
    ours = seconds / N_C
    print(f"erlang_c, {N_C:,} scenarios (10 to 5,000 agents): {seconds:.2f} s, "
          f"{ours * 1e6:.2f} us per scenario", flush=True)
    t_sp, (pw, sl) = median_time(lambda: scipy_erlang_c(c, h, n, t), repeats=3)
    print(f"  SciPy poisson pmf / cdf formula (vectorised) {t_sp / N_C * 1e6:8.2f} us   "
          f"ratio {t_sp / seconds:6.1f}x   max |diff| p_wait "
          f"{np.nanmax(np.abs(pw - res.p_wait)):.1e}, service level "
          f"{np.nanmax(np.abs(sl - res.service_level)):.1e}", flush=True)
    worst = np.argsort(-np.abs(pw - res.p_wait))[:3]
    errs = [mp_relative_errors(c[j], h[j], n[j], pw[j], res.p_wait[j]) for j in worst]
    print("    where they differ most, relative error against mpmath (40 digits): SciPy "
          + ", ".join(f"{e[0]:.0e}" for e in errs) + "; scrutiny "
          + ", ".join(f"{e[1]:.0e}" for e in errs), flush=True)
    ErlangC, version = pyworkforce()
    if ErlangC is None:
        return
    k = slice(0, N_PEER)
    rows = list(zip(c[k], h[k], n[k], t[k]))

    def one(ci, hi, ni, ti):
        e = ErlangC(transactions=ci, aht=hi / 60, asa=ti / 60, interval=INTERVAL / 60)
        return e.waiting_probability(int(ni)), e.service_level(int(ni))

    t_pw, out = per_scenario(one, rows)
    out = np.array(out)
    print(f"  pyworkforce {version} ErlangC (per scenario, {N_PEER:,})    {t_pw * 1e6:8.2f} us   "
          f"ratio {t_pw / ours:6.0f}x   max |diff| p_wait "
          f"{np.max(np.abs(out[:, 0] - res.p_wait[k])):.1e}, service level "
          f"{np.max(np.abs(out[:, 1] - res.service_level[k])):.1e}", flush=True)


def bench_sizing(rng):
    c, h, n, t = scenarios(rng, N_PEER * 50)
    args = dict(max_occupancy=0.85, shrinkage=0.3)
    seconds, res = median_time(lambda: calls.agents_needed(c, INTERVAL, h, t, 0.8, **args),
                               repeats=3)
    ours = seconds / c.size
    print(f"\nagents_needed, {c.size:,} scenarios: {seconds:.3f} s, {ours * 1e6:.2f} us per "
          f"scenario", flush=True)
    ErlangC, version = pyworkforce()
    if ErlangC is None:
        return
    k = slice(0, N_PEER)

    def one(ci, hi, ti):
        e = ErlangC(transactions=ci, aht=hi / 60, asa=ti / 60, interval=INTERVAL / 60,
                    shrinkage=0.3)
        return e.required_positions(0.8, max_occupancy=0.85)["raw_positions"]

    t_pw, out = per_scenario(one, list(zip(c[k], h[k], t[k])))
    out = np.array(out)
    differ = out != res.agents[k]
    # pyworkforce starts at round(A + 1), skipping floor(A) + 1 when A's fraction is >= 1/2
    skipped = differ & (out == res.agents[k] + 1) & (res.traffic[k] % 1 >= 0.5)
    print(f"  pyworkforce {version} required_positions ({N_PEER:,}) {t_pw * 1e6:9.1f} us   "
          f"ratio {t_pw / ours:6.0f}x   agents differ in {differ.sum()} "
          f"({skipped.sum()} where pyworkforce's start skips the smallest stable staffing)",
          flush=True)


def scipy_erlang_a(c, h, n, t, p):
    lam = c / INTERVAL
    a, s, th = lam * p, n * p / h, 1 / p
    with np.errstate(all="ignore"):
        A = lam * h
        B = stats.poisson.pmf(n, A) / stats.poisson.cdf(n, A)
        S = special.hyp1f1(1, s + 1, a)
        pw = B * S / (1 - B + B * S)
        ab = pw * ((a - s) + s / S) / a
        xt = a * np.exp(-th * t)
        late = (s / (s + 1) * np.exp(a * (1 - np.exp(-th * t)) - s * th * t) * (xt / a)
                * special.hyp1f1(1, s + 2, xt) / S)
        return ab, 1 - pw * ((a - s) / a + s / (a * S) + late)


def bench_erlang_a(rng):
    c, h, n, t = scenarios(rng, N_A)
    c = c * rng.uniform(0.9, 1.2, N_A)          # some overloaded, which Erlang A allows
    p = rng.uniform(30, 3600, N_A)
    seconds, res = median_time(lambda: calls.erlang_a(c, INTERVAL, h, n, t, p), repeats=3)
    print(f"\nerlang_a, {N_A:,} scenarios (10 to 5,000 agents, up to 20 % overloaded): "
          f"{seconds:.2f} s, {seconds / N_A * 1e6:.2f} us per scenario", flush=True)
    t_sp, (ab, sl) = median_time(lambda: scipy_erlang_a(c, h, n, t, p), repeats=1)
    bad = ~np.isfinite(ab) | ~np.isfinite(sl) | (sl < -1e-9) | (sl > 1 + 1e-9)
    ok = ~bad
    print(f"  SciPy hyp1f1 closed form (vectorised)         {t_sp / N_A * 1e6:8.2f} us   "
          f"ratio {t_sp / seconds:6.1f}x   fails (overflow / NaN / outside [0, 1]) in "
          f"{bad.mean():.2%} of scenarios; elsewhere max |diff| abandonment "
          f"{np.max(np.abs(ab[ok] - res.abandonment[ok])):.1e}, service level "
          f"{np.max(np.abs(sl[ok] - res.service_level[ok])):.1e}", flush=True)


def main() -> int:
    if hasattr(os, "getloadavg"):     # other work on the machine slows every timing here
        print(f"Load average at start: {os.getloadavg()[0]:.2f}", flush=True)
    rng = np.random.default_rng(SEED)
    bench_erlang_c(rng)
    bench_sizing(rng)
    bench_erlang_a(rng)
    return 0


if __name__ == "__main__":
    if "--no-machine" not in sys.argv[1:]:  # run.py prints it once for every benchmark
        from run import machine_summary

        print(machine_summary(), flush=True)
    sys.exit(main())
