"""Slow NumPy oracles for scrutiny.drivers: every subset fitted from scratch.

Independent of scrutiny's C core: weighted least squares by ``numpy.linalg.lstsq`` for the R²
of linear models, and a plain Newton-Raphson in NumPy for the log-likelihood of logistic models
(McFadden's R²).  The Shapley value (LMG) is summed over subsets with the weights
|S|! (p - |S| - 1)! / p!.  Used by tests/test_drivers.py and tests/benchmarks/bench_drivers.py.
Tools: NumPy (the version in the project's .venv).
"""
from __future__ import annotations

import itertools
from math import factorial

import numpy as np


def linear_r2(X, y, w=None):
    """A function giving the weighted R² of least squares of y on the columns S of X."""
    n = len(y)
    w = np.ones(n) if w is None else np.asarray(w, dtype=float)
    sw = np.sqrt(w)
    ybar = np.average(y, weights=w)
    tss = np.sum(w * (y - ybar) ** 2)

    def r2(S):
        if not S:
            return 0.0
        A = np.column_stack([np.ones(n), X[:, list(S)]])
        beta = np.linalg.lstsq(A * sw[:, None], y * sw, rcond=None)[0]
        return 1.0 - np.sum(w * (y - A @ beta) ** 2) / tss

    return r2


def logistic_loglik(A, y, w, tol=1e-13, maxit=100):
    """Weighted log-likelihood at the maximum of a logistic regression of y on A (with its
    intercept column), by Newton-Raphson with step halving."""
    beta = np.zeros(A.shape[1])
    ybar = np.average(y, weights=w)
    beta[0] = np.log(ybar / (1 - ybar))

    def loglik(b):
        eta = A @ b
        return np.sum(w * (y * eta - np.logaddexp(0.0, eta)))

    ll = loglik(beta)
    for _ in range(maxit):
        mu = 1.0 / (1.0 + np.exp(-(A @ beta)))
        grad = A.T @ (w * (y - mu))
        info = (A * (w * mu * (1 - mu))[:, None]).T @ A
        step = np.linalg.solve(info, grad)
        t = 1.0
        while loglik(beta + t * step) < ll - 1e-12 * abs(ll) and t > 1e-10:
            t /= 2
        beta = beta + t * step
        new = loglik(beta)
        if abs(new - ll) <= tol * (abs(ll) + 0.1) and np.max(np.abs(t * step)) < 1e-9:
            return new
        ll = new
    return ll


def mcfadden_r2(X, y, w=None):
    """A function giving McFadden's R², 1 - logL(S) / logL(empty), of logistic regressions."""
    n = len(y)
    w = np.ones(n) if w is None else np.asarray(w, dtype=float)
    ones = np.ones((n, 1))
    ll0 = logistic_loglik(ones, y, w)

    def r2(S):
        if not S:
            return 0.0
        return 1.0 - logistic_loglik(np.column_stack([ones, X[:, list(S)]]), y, w) / ll0

    return r2


def shapley(r2, p):
    """LMG / Shapley value of each of p drivers, and conditional dominance (p x p: mean gain
    over subsets of s other drivers), from a function r2 of a tuple of driver indices."""
    cache = {}

    def value(S):
        key = tuple(sorted(S))
        if key not in cache:
            cache[key] = r2(key)
        return cache[key]

    phi = np.zeros(p)
    cond = np.zeros((p, p))
    for j in range(p):
        others = [k for k in range(p) if k != j]
        for s in range(p):
            subsets = list(itertools.combinations(others, s))
            gains = [value(S + (j,)) - value(S) for S in subsets]
            cond[j, s] = np.mean(gains)
            phi[j] += factorial(s) * factorial(p - s - 1) / factorial(p) * np.sum(gains)
    return phi, cond
