"""The ``"calls"`` sample: seeded, synthetic call records of a force control room.

Everything is invented.  Calls to the fictional force of :mod:`scrutiny.data._generate`
arrive on two lines, 999 (emergency) and 101 (non-emergency), as a Poisson process whose rate
per half hour follows a daily profile, a weekly profile and a summer peak, drawn with
``numpy.random.default_rng(CALLS_SEED)``.  Waiting follows an Erlang-A-like queue, without
simulating one call after another:

* each half hour has a *pressure*, its demand over the staffing planned for it (the rota
  follows the daytime profile, so the evening peak is short-staffed), rising for 101 over
  the last year;
* a caller finds every call handler busy with a probability that grows with the pressure, and
  then waits an exponential time whose mean grows with it too (a queue's waits have a roughly
  exponential tail); otherwise the call is answered after ringing for a few seconds;
* each caller has an exponential patience: a caller whose wait would exceed it hangs up, and
  ``wait_seconds`` is then the time to abandonment;
* handle times (talk and wrap-up) are lognormal, mean HANDLE_MEAN seconds.

Planted truth: 999 answered within 10 s about 90 % of the time (target 90 %), about 1 %
abandoned; 101 answered within 30 s for about 50 % of calls offered (57 % of calls answered;
target 60 %), worse in the evening peak and in the last year, about 11 % abandoned.
"""
from __future__ import annotations

import numpy as np

from ._generate import LPA_MONTHLY_FORCE

CALLS_SEED = 20250406
FIRST_DAY = "2022-04-01"
N_DAYS = 1096                      # 1 April 2022 to 31 March 2025
LINES = ("999", "101")
CALLS_PER_DAY = {"999": 150.0, "101": 250.0}
# Weekly profile, Monday first: 999 busier at the weekend, 101 on weekdays.
WEEKDAY = {"999": (0.93, 0.92, 0.93, 0.96, 1.06, 1.14, 1.06),
           "101": (1.12, 1.06, 1.03, 1.02, 1.02, 0.88, 0.87)}
SUMMER_PEAK = {"999": 0.10, "101": 0.06}   # seasonal amplitude (multiplicative), peak in July
# Daily profile: relative demand at each hour 00-23 (interpolated to half hours).
HOURLY = {
    "999": (1.05, 0.85, 0.65, 0.50, 0.40, 0.35, 0.40, 0.55, 0.75, 0.90, 1.00, 1.05,
            1.10, 1.10, 1.15, 1.20, 1.30, 1.40, 1.50, 1.55, 1.55, 1.50, 1.40, 1.25),
    "101": (0.35, 0.25, 0.18, 0.14, 0.12, 0.14, 0.25, 0.55, 1.05, 1.45, 1.60, 1.60,
            1.55, 1.55, 1.50, 1.50, 1.55, 1.65, 1.75, 1.70, 1.50, 1.20, 0.85, 0.55),
}
# Staffing planned per hour, relative (the rota): it follows demand by day, not the evening peak.
ROTA = {
    "999": (1.10, 0.90, 0.70, 0.55, 0.45, 0.40, 0.45, 0.60, 0.80, 0.95, 1.05, 1.10,
            1.15, 1.15, 1.20, 1.25, 1.30, 1.35, 1.40, 1.45, 1.45, 1.45, 1.40, 1.30),
    "101": (0.50, 0.40, 0.30, 0.25, 0.22, 0.24, 0.35, 0.65, 1.20, 1.55, 1.65, 1.65,
            1.60, 1.60, 1.55, 1.55, 1.45, 1.35, 1.30, 1.25, 1.15, 0.95, 0.75, 0.60),
}
LAST_YEAR_PRESSURE = {"999": 0.0, "101": 0.12}  # pressure added over the last 12 months (ramp)
RING_SECONDS = (2.0, 6.0)                        # uniform ringing time when a handler is free
P_BUSY = {"999": 0.13, "101": 0.61}              # chance all handlers are busy at pressure 1
MEAN_QUEUE_SECONDS = {"999": 22.0, "101": 88.0}  # mean wait in the queue at pressure 1
PRESSURE_POWER = 2.0                             # the queue's wait grows as pressure ** 2
MEAN_PATIENCE_SECONDS = {"999": 750.0, "101": 540.0}
HANDLE_MEAN = {"999": 300.0, "101": 420.0}
HANDLE_SIGMA = 0.55                              # log-scale SD of handle times

COLUMNS = ("call_id", "line", "arrived", "half_hour", "month", "answered", "abandoned",
           "wait_seconds", "handle_seconds")

CALLS_DESCRIPTION = (
    "SYNTHETIC demonstration data, not real calls: one row per call to the control room of the "
    f"fictional {LPA_MONTHLY_FORCE}, April 2022 to March 2025, about 150 999-calls and 250 "
    "101-calls a day with daily, weekly and seasonal profiles. Columns: call_id, line ('999' or "
    "'101'), arrived (time the call arrived), half_hour (arrived floored to 30 minutes), month "
    "(pandas Period, monthly), answered, abandoned (the caller hung up before an answer; the "
    "opposite of answered), wait_seconds (seconds to answer, or to abandonment when abandoned), "
    "handle_seconds (talk and wrap-up time, missing when abandoned). Waits follow an "
    "Erlang-A-like queue (exponential tails, exponential patience) driven by demand over the "
    "staffing planned for each half hour; handle times are lognormal with means 300 s (999) "
    "and 420 s (101). Planted truth: 999 answered within 10 s about 90% of the time (target "
    "90%), about 1% abandoned; 101 answered within 30 s for about 50% of calls offered, 57% of "
    "calls answered (target 60%, missed), worse in the evening peak and worsening over the "
    "last year, about 11% abandoned. Made by scrutiny.data._calls.calls with "
    f"numpy.random.default_rng({CALLS_SEED})."
)


def _half_hourly(hourly) -> np.ndarray:
    """An hourly profile (24 values, each for the hour's midpoint) at the 48 half hours."""
    hours = np.arange(48) / 2 + 0.25
    return np.interp(hours, np.arange(24) + 0.5, hourly, period=24)


def _line(rng, line: str, day_of_week: np.ndarray, day_month: np.ndarray, elapsed: np.ndarray):
    """One line's calls: (interval index, second in the interval, answered, wait, handle)."""
    demand = _half_hourly(HOURLY[line])
    demand = demand / demand.mean()
    rota = _half_hourly(ROTA[line])
    rota = rota / rota.mean()
    season = 1 + SUMMER_PEAK[line] * np.cos(2 * np.pi * (day_month - 7) / 12)
    per_interval = CALLS_PER_DAY[line] / 48 * np.asarray(WEEKDAY[line])[day_of_week] * season
    rate = per_interval[:, None] * demand[None, :]                           # days x 48
    last_year = np.clip((elapsed - (N_DAYS - 365)) / 365, 0, 1)
    pressure = (demand / rota)[None, :] * (1 + LAST_YEAR_PRESSURE[line] * last_year)[:, None]
    pressure = pressure * (season / season.mean())[:, None] ** 0.5

    counts = rng.poisson(rate).ravel()
    interval = np.repeat(np.arange(counts.size), counts)
    n = interval.size
    second = rng.integers(0, 1800, size=n)
    p = np.clip(P_BUSY[line] * pressure.ravel()[interval], 0, 0.97)
    busy = rng.random(n) < p
    queue = rng.exponential(MEAN_QUEUE_SECONDS[line] * pressure.ravel()[interval] ** PRESSURE_POWER)
    ring = rng.uniform(*RING_SECONDS, size=n)
    wait = ring + busy * queue
    patience = rng.exponential(MEAN_PATIENCE_SECONDS[line], size=n)
    answered = wait <= patience
    wait = np.round(np.where(answered, wait, patience))
    sigma = HANDLE_SIGMA
    handle = rng.lognormal(np.log(HANDLE_MEAN[line]) - sigma ** 2 / 2, sigma, size=n)
    handle = np.where(answered, np.round(handle), np.nan)
    return interval, second, answered, wait, handle


def calls():
    """The ``"calls"`` frame (see :func:`scrutiny.data.sample`)."""
    import pandas as pd

    rng = np.random.default_rng(CALLS_SEED)
    days = pd.date_range(FIRST_DAY, periods=N_DAYS, freq="D")
    elapsed = np.arange(N_DAYS)
    parts = [(line, *_line(rng, line, days.day_of_week.to_numpy(), days.month.to_numpy(), elapsed))
             for line in LINES]

    interval = np.concatenate([p[1] for p in parts])
    second = np.concatenate([p[2] for p in parts])
    start = np.datetime64(FIRST_DAY, "s")
    arrived = start + (interval * 1800 + second).astype("timedelta64[s]")
    order = np.argsort(arrived, kind="stable")
    line = np.repeat(np.arange(len(LINES)), [p[1].size for p in parts])[order]
    interval = interval[order]
    day = interval // 48
    month_index = (days.year.to_numpy() - days.year[0]) * 12 + days.month.to_numpy() - days.month[0]
    months = pd.period_range(days[0], days[-1], freq="M")
    answered = np.concatenate([p[3] for p in parts])[order]

    return pd.DataFrame({
        "call_id": np.arange(1, interval.size + 1, dtype=np.int64),
        "line": np.array(LINES, dtype=object)[line],
        "arrived": arrived[order].astype("datetime64[ns]"),
        "half_hour": (start + (interval * 1800).astype("timedelta64[s]")).astype("datetime64[ns]"),
        "month": months[month_index[day]],
        "answered": answered,
        "abandoned": ~answered,
        "wait_seconds": np.concatenate([p[4] for p in parts])[order],
        "handle_seconds": np.concatenate([p[5] for p in parts])[order],
    })
