"""High-precision reference values for scrutiny.calls.erlang_c and erlang_a, from 1 to
10,000 agents, computed from the definitions with mpmath at 60 significant digits.

Tool: mpmath 1.4.1.  Erlang B as the ratio of the last term to the sum of the Poisson terms
A^k / k!, k = 0..n (summed exactly, no recurrence); Erlang C from it.  Erlang A (M/M/n+M,
Mandelbaum & Zeltyn 2007): with a = lambda / theta, s = n / (h theta),
S(s, x) = mpmath.hyp1f1(1, s + 1, x) (Kummer's function, evaluated by mpmath's own
hypergeometric series), P(wait) = B S / (1 - B + B S), P(abandon | wait) = ((a - s) + s / S) / a,
P(answered after t | wait) = s/(s+1) exp(a (1 - e^-theta t) - s theta t) (x_t / a)
S(s + 1, x_t) / S(s, a) with x_t = a e^-theta t, service level
1 - P(wait) (P(abandon | wait) + P(answered after t | wait)).  At 60 digits the cancellations
in these closed forms are harmless.

Run: python tests/reference/calls_mpmath.py  (writes calls_mpmath.csv here)
"""
from pathlib import Path

import mpmath as mp
import pandas as pd

mp.mp.dps = 60
HERE = Path(__file__).parent


def erlang_b(A, n):
    term, total = mp.mpf(1), mp.mpf(1)
    for k in range(1, n + 1):
        term = term * A / k
        total += term
    return term / total


def erlang_c(lam, h, n, t):
    A = lam * h
    B = erlang_b(A, n)
    C = B / (1 - (A / n) * (1 - B))
    return {"p_wait": C, "service_level": 1 - C * mp.exp(-(n - A) * t / h),
            "asa": C * h / (n - A), "abandonment": mp.mpf(0)}


def erlang_a(lam, h, n, t, p):
    A, theta = lam * h, 1 / p
    a, s = lam * p, n * p / h
    B = erlang_b(A, n)
    S = mp.hyp1f1(1, s + 1, a)
    pw = B * S / (1 - B + B * S)
    ab_w = ((a - s) + s / S) / a
    xt = a * mp.exp(-theta * t)
    late_w = (s / (s + 1) * mp.exp(a * (1 - mp.exp(-theta * t)) - s * theta * t) * (xt / a)
              * mp.hyp1f1(1, s + 2, xt) / S)
    return {"p_wait": pw, "service_level": 1 - pw * (ab_w + late_w), "abandonment": pw * ab_w}


CASES = [  # calls, interval, handle, agents, target, patience (None: Erlang C)
    (100, 1800, 180, 11, 20, None), (100, 1800, 180, 14, 20, None),
    (0.37, 1800, 240, 1, 10, None), (2.9, 1800, 600, 1, 10, None),
    (18000, 1800, 96.125, 1000, 20, None), (5400, 1800, 300, 910, 15, None),
    (29583, 1800, 300, 5000, 20, None), (29583, 1800, 300, 5000, 0, None),
    (59407.8, 1800, 300, 10000, 10, None), (57000, 1800, 300, 10000, 10, None),
    (100, 1800, 180, 11, 20, 120.0), (100, 1800, 180, 6, 20, 45.0),
    (0.37, 1800, 240, 1, 10, 30.0), (50, 1800, 600, 3, 60, 45.0),
    (18000, 1800, 96.125, 1000, 20, 600.0), (18000, 1800, 96.125, 940, 20, 90.0),
    (29583, 1800, 300, 5000, 20, 180.0), (31204.2, 1800, 300, 5000, 20, 60.0),
    (29583, 1800, 300, 5000, 0, 180.0), (59703, 1800, 300, 10000, 10, 90.0),
    (66000, 1800, 300, 10000, 30, 240.0), (5400, 1800, 300, 600, 30, 400.0),
]

rows = []
for calls, interval, h, n, t, p in CASES:
    lam = mp.mpf(calls) / interval
    r = erlang_c(lam, mp.mpf(h), n, mp.mpf(t)) if p is None else \
        erlang_a(lam, mp.mpf(h), n, mp.mpf(t), mp.mpf(p))
    rows.append({"calls": calls, "interval": interval, "handle_time": h, "agents": n,
                 "target_time": t, "patience": "" if p is None else p,
                 **{k: mp.nstr(v, 20, min_fixed=-1, max_fixed=-1) if v else "0"
                    for k, v in r.items()}})
pd.DataFrame(rows).to_csv(HERE / "calls_mpmath.csv", index=False)
