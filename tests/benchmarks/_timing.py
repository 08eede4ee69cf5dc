"""Timing helpers shared by the benchmarks."""
from __future__ import annotations

import statistics
import time


def median_time(func, repeats=5):
    """Median wall time of ``func()`` over ``repeats`` runs (after one warm-up), and its result."""
    result = func()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def once(func):
    """Wall time of one call of ``func()``, and its result."""
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result
