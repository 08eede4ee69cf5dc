"""Tests of scrutiny.calls.

References (tests/reference/, each with the script or source that produced it):
- calls_worked_examples.csv: the published Erlang C worked example (Call Centre Helper's
  scenario, with the figures pyworkforce 0.5.1 publishes in its tests for it);
- calls_pyworkforce_*.csv: pyworkforce 0.5.1 ``ErlangC`` (waiting probability, service level,
  occupancy, required positions), from calls_pyworkforce.py;
- calls_mpmath.csv: Erlang C and Erlang A from their definitions at 60 digits (mpmath 1.4.1,
  exact Poisson sums and ``hyp1f1``), 1 to 10,000 agents, from calls_mpmath.py;
- here: the birth-death chain of M/M/n and M/M/n+M solved with NumPy on a truncated state
  space, the tagged caller's absorbing Markov chain (SciPy ``expm`` and matrix inverses) for
  answering within t and the speed of answer, seeded discrete-event simulations, and
  statsmodels' Wilson interval (``proportion_confint(method="wilson")``).
"""
from __future__ import annotations

import heapq
import pathlib

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg
from statsmodels.stats.proportion import proportion_confint

from scrutiny import calls

REF = pathlib.Path(__file__).parent / "reference"


def ref(name: str) -> pd.DataFrame:
    return pd.read_csv(REF / name, comment="#")


# ---- independent models -----------------------------------------------------------------

def chain(calls_, interval, handle, agents, target, patience=None):
    """M/M/n (patience None) or M/M/n+M by brute force: the stationary distribution of the
    birth-death chain on a truncated state space, and for a caller who finds j callers queued
    ahead, the absorbing chain of their position (moves up at n mu + k theta with k ahead,
    answered from the head at n mu, hangs up at theta).  Returns p_wait, abandonment,
    service_level (offered), asa (answered calls), occupancy."""
    lam, mu = calls_ / interval, 1.0 / handle
    th = 0.0 if patience is None else 1.0 / patience
    n = int(agents)
    if th:   # the queue length has mean about max(0, (lam - n mu) / th), spread sqrt(lam / th)
        K = n + int(max(0.0, (lam - n * mu) / th) + 40 * np.sqrt(lam / th + 1) + 60)
    else:    # geometric tail with ratio rho
        K = n + int(45 / (1 - lam / (n * mu))) + 60
    k = np.arange(K + 1)
    death = np.minimum(k, n) * mu + np.maximum(k - n, 0) * th
    logp = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(death[1:]))])
    pi = np.exp(logp - logp.max())
    pi /= pi.sum()
    pw = pi[n:].sum()
    J = K - n
    # position i = callers ahead: leaves at n mu + i theta (up one, or answered from i = 0),
    # hangs up at theta; states 0..J, then answered (J + 1) and gone (J + 2)
    i = np.arange(J + 1)
    out = n * mu + i * th + th
    gen = scipy.sparse.lil_matrix((J + 3, J + 3))
    gen.setdiag(np.r_[-out, 0.0, 0.0])
    gen[i[1:], i[:-1]] = n * mu + i[1:] * th
    gen[0, J + 1] = n * mu
    gen[i, J + 2] = th
    answered_col = np.zeros(J + 3)
    answered_col[J + 1] = 1.0
    answered_by_t = scipy.sparse.linalg.expm_multiply(gen.tocsc() * target, answered_col)[:J + 1]
    # P(answered) = n mu (-T)^-1 e_0 and E[wait; answered] = n mu (-T)^-2 e_0 (T bidiagonal)
    bands = np.vstack([out, np.r_[-(n * mu + i[1:] * th), 0.0]])
    e0 = np.zeros(J + 1)
    e0[0] = 1.0
    first = scipy.linalg.solve_banded((1, 0), bands, e0)
    answered = n * mu * first
    wait_if_answered = n * mu * scipy.linalg.solve_banded((1, 0), bands, first)
    q = pi[n:]
    abandonment = (q * (1 - answered)).sum()
    return {"p_wait": pw, "abandonment": abandonment,
            "service_level": 1 - pw + (q * answered_by_t).sum(),
            "asa": (q * wait_if_answered).sum() / (1 - abandonment),
            "occupancy": lam * handle * (1 - abandonment) / n}


def simulate(calls_, interval, handle, agents, patience, n_calls, seed):
    """First-come-first-served queue with exponential arrivals, handling and patience
    (patience None: nobody hangs up): waits (to answer or to hanging up) and abandonment
    flags, the first tenth dropped as warm-up."""
    rng = np.random.default_rng(seed)
    arrive = np.cumsum(rng.exponential(interval / calls_, n_calls))
    handle_times = rng.exponential(handle, n_calls)
    patience_times = (np.full(n_calls, np.inf) if patience is None
                      else rng.exponential(patience, n_calls))
    free = [0.0] * agents
    wait = np.empty(n_calls)
    gone = np.zeros(n_calls, dtype=bool)
    for i in range(n_calls):
        v = max(0.0, free[0] - arrive[i])
        if v <= patience_times[i]:
            heapq.heapreplace(free, arrive[i] + v + handle_times[i])
            wait[i] = v
        else:
            wait[i] = patience_times[i]
            gone[i] = True
    keep = slice(n_calls // 10, None)
    return wait[keep], gone[keep]


def batch_mean_se(x, batches=20):
    """Mean and its standard error from batch means (waits are correlated in time)."""
    m = x[: len(x) // batches * batches].reshape(batches, -1).mean(axis=1)
    return x.mean(), m.std(ddof=1) / np.sqrt(batches)


# ---- published and peer values ------------------------------------------------------------

def test_published_worked_example():
    for r in ref("calls_worked_examples.csv").itertuples():
        got = calls.agents_needed(r.calls, r.interval, r.handle_time, r.target_time, r.level,
                                  max_occupancy=r.max_occupancy, shrinkage=r.shrinkage)
        assert got.traffic == r.traffic
        assert (got.agents, got.scheduled) == (r.agents, r.scheduled)
        for field in ("service_level", "p_wait", "occupancy"):
            assert round(getattr(got, field), r.decimals) == getattr(r, field), field


def test_erlang_c_matches_pyworkforce():
    t = ref("calls_pyworkforce_erlang_c.csv")
    r = calls.erlang_c(t.calls, t.interval, t.handle_time, t.agents, t.target_time)
    np.testing.assert_allclose(r.traffic, t.traffic, rtol=1e-14)
    np.testing.assert_allclose(r.p_wait, t.p_wait, rtol=1e-12)
    np.testing.assert_allclose(r.service_level, t.service_level, rtol=1e-12)
    np.testing.assert_allclose(r.occupancy, t.occupancy, rtol=1e-14)


def test_agents_needed_matches_pyworkforce():
    t = ref("calls_pyworkforce_sizing.csv")
    occ = t.max_occupancy.where(t.max_occupancy < 1)   # 1.0: no cap in pyworkforce's sense
    r = calls.agents_needed(t.calls, t.interval, t.handle_time, t.target_time, t.level,
                            max_occupancy=occ.fillna(1.0), shrinkage=t.shrinkage)
    np.testing.assert_array_equal(r.agents, t.raw_positions)
    np.testing.assert_array_equal(r.scheduled, t.positions)
    np.testing.assert_allclose(r.service_level, t.service_level, rtol=1e-12)
    np.testing.assert_allclose(r.occupancy, t.occupancy, rtol=1e-14)
    np.testing.assert_allclose(r.p_wait, t.waiting_probability, rtol=1e-12)


@pytest.mark.parametrize("kind", ["erlang_c", "erlang_a"])
def test_matches_mpmath_up_to_ten_thousand_agents(kind):
    t = ref("calls_mpmath.csv")
    t = t[t.patience.isna()] if kind == "erlang_c" else t[t.patience.notna()]
    args = (t.calls, t.interval, t.handle_time, t.agents, t.target_time)
    r = calls.erlang_c(*args) if kind == "erlang_c" else calls.erlang_a(*args, t.patience)
    assert t.agents.max() == 10000
    np.testing.assert_allclose(r.p_wait, t.p_wait, rtol=1e-12)
    # (a service level near 0 is 1 minus a probability near 1: accurate to ~1e-14 absolute)
    np.testing.assert_allclose(r.service_level, t.service_level, rtol=1e-12, atol=5e-14)
    if kind == "erlang_c":
        np.testing.assert_allclose(r.asa, t.asa, rtol=1e-12)
    else:
        np.testing.assert_allclose(r.abandonment, t.abandonment, rtol=1e-12)


def test_huge_staffing_has_no_overflow():
    r = calls.erlang_c(5.9e6 / 10, 1800, 300, [99000, 99500, 120000], 20)
    assert np.all(np.isfinite(r.p_wait)) and r.p_wait[2] < 1e-300 and r.service_level[2] == 1.0
    a = calls.erlang_a(5.9e6 / 10, 1800, 300, [90000, 99500, 120000], 20, 300)
    assert np.all(np.isfinite(a.p_wait)) and np.all((a.p_wait >= 0) & (a.p_wait <= 1))
    assert a.abandonment[0] > a.abandonment[1] > a.abandonment[2] >= 0


# ---- against the Markov chains ------------------------------------------------------------

@pytest.mark.parametrize("case", [(100, 1800, 180, 11, 20), (100, 1800, 180, 14, 0),
                                  (37.5, 1800, 423, 10, 10), (412, 3600, 275, 36, 30)])
def test_erlang_c_matches_birth_death_chain(case):
    want = chain(*case)
    r = calls.erlang_c(*case)
    for field in ("p_wait", "service_level", "asa", "occupancy"):
        assert getattr(r, field) == pytest.approx(want[field], rel=1e-9), field
    assert r.immediate_answer == pytest.approx(1 - want["p_wait"], rel=1e-12)


@pytest.mark.parametrize("case", [(100, 1800, 180, 11, 20, 120.0), (100, 1800, 180, 8, 20, 120.0),
                                  (100, 1800, 180, 14, 20, 30.0), (500, 1800, 300, 60, 10, 200.0),
                                  (50, 1800, 600, 3, 60, 45.0), (2000, 3600, 240, 150, 20, 90.0),
                                  (3.25, 1800, 300, 1, 15, 600.0), (100, 1800, 180, 14, 0, 75.0)])
def test_erlang_a_matches_birth_death_chain(case):
    want = chain(*case)
    r = calls.erlang_a(*case)
    for field in ("p_wait", "abandonment", "service_level", "asa", "occupancy"):
        assert getattr(r, field) == pytest.approx(want[field], rel=1e-9, abs=1e-15), field
    assert r.service_level_answered == pytest.approx(r.service_level / (1 - r.abandonment))
    assert r.mean_wait == pytest.approx(r.abandonment * case[-1], rel=1e-12)


def test_erlang_a_tends_to_erlang_c_as_callers_grow_patient():
    c = calls.erlang_c(100, 1800, 180, 14, 20)
    a = calls.erlang_a(100, 1800, 180, 14, 20, 180 * 1e4)
    for field in ("p_wait", "service_level", "asa", "occupancy"):
        assert getattr(a, field) == pytest.approx(getattr(c, field), rel=1e-3), field
    assert a.abandonment < 1e-5


# ---- against simulation -------------------------------------------------------------------

def test_erlang_c_waiting_time_distribution_by_simulation():
    wait, _ = simulate(100, 1800, 180, 12, None, 120_000, seed=20240611)
    for t in (0.0, 10.0, 30.0, 90.0):
        r = calls.erlang_c(100, 1800, 180, 12, t)
        est, se = batch_mean_se((wait <= t).astype(float))
        assert abs(est - r.service_level) < 4 * se, t
    est, se = batch_mean_se(wait)
    assert abs(est - r.asa) < 4 * se


def test_erlang_a_by_simulation():
    r = calls.erlang_a(100, 1800, 180, 10, 20, 90)
    wait, gone = simulate(100, 1800, 180, 10, 90, 120_000, seed=7)
    checks = {"service_level": (~gone & (wait <= 20)).astype(float),
              "abandonment": gone.astype(float), "mean_wait": wait}
    for field, x in checks.items():
        est, se = batch_mean_se(x)
        assert abs(est - getattr(r, field)) < 4 * se, field
    est, se = batch_mean_se(np.where(gone, np.nan, wait)[~gone])
    assert abs(est - r.asa) < 4 * se


# ---- sizing -------------------------------------------------------------------------------

def test_agents_needed_is_the_smallest_that_meets_the_targets():
    grid = calls.agents_needed([3.7, 100, 412, 980.5], [900, 1800, 3600, 1800], [95, 180, 275, 300],
                               [15, 20, 30, 20], 0.9)
    for i, n in enumerate(grid.agents):
        args = ([3.7, 100, 412, 980.5][i], [900, 1800, 3600, 1800][i], [95, 180, 275, 300][i])
        t = [15, 20, 30, 20][i]
        below = calls.erlang_c(*args, n - 1, t, unstable="nan").service_level
        assert not below >= 0.9
        assert calls.erlang_c(*args, n, t).service_level >= 0.9


def test_agents_needed_with_patience_scans_erlang_a():
    for level, cap in [(0.6, None), (0.8, None), (0.9, 0.02)]:
        r = calls.agents_needed(100, 1800, 180, 20, level, patience=120, max_abandonment=cap)
        scan = calls.erlang_a(100, 1800, 180, np.arange(1, 40), 20, 120)
        ok = scan.service_level >= level
        if cap is not None:
            ok &= scan.abandonment <= cap
        assert r.agents == int(np.arange(1, 40)[ok][0])
        assert r.abandonment == pytest.approx(scan.abandonment[r.agents - 1])
        assert r.asa == pytest.approx(scan.asa[r.agents - 1])
    # with abandonment fewer agents than Erlang C can meet the same level
    assert calls.agents_needed(100, 1800, 180, 20, 0.6, patience=60).agents < \
        calls.agents_needed(100, 1800, 180, 20, 0.6).agents


def test_agents_needed_occupancy_cap_and_minimum():
    capped = calls.agents_needed(100, 1800, 180, 20, 0.5, max_occupancy=0.6)
    assert capped.agents == 17 and capped.occupancy <= 0.6 < 10 / 16
    assert calls.agents_needed(100, 1800, 180, 20, 0.5, min_agents=25).agents == 25
    zero = calls.agents_needed(0, 1800, 180, 20, 0.9)
    assert (zero.agents, zero.p_wait, zero.service_level, zero.occupancy) == (1, 0.0, 1.0, 0.0)


def test_scheduled_rounds_up_without_floating_noise():
    r = calls.agents_needed([100, 100, 100], 1800, 180, 20, 0.8, shrinkage=[0.3, 0.35, 0.0])
    np.testing.assert_array_equal(r.scheduled, [20, 22, 14])


def test_agents_needed_is_fast_and_bounded_for_large_centres():
    r = calls.agents_needed(np.linspace(5e4, 6e4, 50), 1800, 300, 20, 0.95, patience=180)
    assert np.all(r.service_level >= 0.95) and np.all(np.diff(r.agents) >= 0)


# ---- staffing over a day ------------------------------------------------------------------

def test_staffing_is_agents_needed_per_interval():
    volumes = pd.Series([12.0, 30.5, 61.2, 44.0, 0.0],
                        index=pd.Index(["07:00", "07:30", "08:00", "08:30", "09:00"],
                                       name="interval"))
    s = calls.staffing(volumes, 240, 20, 0.8, shrinkage=0.3, max_occupancy=0.9)
    each = calls.agents_needed(volumes.to_numpy(), 1800, 240, 20, 0.8, max_occupancy=0.9,
                               shrinkage=0.3)
    np.testing.assert_array_equal(s.table["agents"], each.agents)
    np.testing.assert_array_equal(s.table["scheduled"], each.scheduled)
    assert list(s.table.index) == list(volumes.index)
    assert s.agent_hours == pytest.approx(each.agents.sum() / 2)
    assert s.scheduled_hours == pytest.approx(each.scheduled.sum() / 2)
    assert (s.peak, s.peak_agents) == ("08:00", each.agents.max())
    frame = s.to_frame()
    assert list(frame.columns[:3]) == ["interval", "calls", "traffic"]
    text = s.narrative()
    assert "08:00" in text and f"{each.agents.max()} agents" in text and "30.0% shrinkage" in text
    ax = s.plot()
    assert len(ax.patches) == 2 * len(volumes)
    plt.close("all")


def test_staffing_with_patience_reports_abandonment():
    s = calls.staffing(np.array([20.0, 80.0]), 300, 30, 0.6, patience=240)
    assert {"abandonment", "service_level_answered"} <= set(s.table.columns)
    assert s.patience == 240.0 and "Erlang A" in s.narrative()


def test_calls_per_interval_counts_days_without_calls():
    t = pd.to_datetime(["2024-05-01 08:10:00", "2024-05-01 08:40:00", "2024-05-03 08:20:00",
                        "2024-05-03 23:59:59"])
    v = calls.calls_per_interval(t, 3600)
    assert len(v) == 24 and v.index[8] == "08:00"
    assert v.loc["08:00"] == pytest.approx(3 / 3) and v.loc["23:00"] == pytest.approx(1 / 3)
    assert v.sum() == pytest.approx(4 / 3)
    half = calls.calls_per_interval(pd.Series(t), 1800, start="2024-05-01", end="2024-05-04")
    assert half.loc["08:00"] == pytest.approx(2 / 4) and half.loc["08:30"] == pytest.approx(1 / 4)
    week = calls.calls_per_interval(t, 3600, by_weekday=True)
    assert week.loc[("Wednesday", "08:00")] == 2 and week.loc[("Friday", "23:00")] == 1
    assert week.loc[("Thursday", "08:00")] == 0 and "Monday" not in week.index.get_level_values(0)


def test_calls_per_interval_feeds_staffing():
    rng = np.random.default_rng(3)
    t = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.uniform(0, 14 * 86400, 5000), unit="s")
    s = calls.staffing(calls.calls_per_interval(pd.Series(t), by_weekday=True), 300, 20, 0.8)
    assert len(s.table) == 7 * 48 and s.table.index.names == ["weekday", "interval"]
    assert isinstance(s.peak, str) and " " in s.peak


# ---- service level from records -----------------------------------------------------------

def test_service_level_counts_and_wilson_interval():
    rng = np.random.default_rng(11)
    wait = rng.exponential(12, 2000).round()
    gone = rng.random(2000) < 0.07
    r = calls.service_level(wait, 10, gone)
    within = int((~gone & (wait <= 10)).sum())
    assert (r.offered, r.answered, r.answered_within, r.abandoned) == \
        (2000, int((~gone).sum()), within, int(gone.sum()))
    lo, hi = proportion_confint(within, 2000, alpha=0.05, method="wilson")
    assert (r.lower, r.upper) == (pytest.approx(lo, rel=1e-12), pytest.approx(hi, rel=1e-12))
    lo, hi = proportion_confint(gone.sum(), 2000, alpha=0.05, method="wilson")
    assert r.abandonment == gone.mean()
    assert (r.abandonment_lower, r.abandonment_upper) == (pytest.approx(lo, rel=1e-12),
                                                          pytest.approx(hi, rel=1e-12))
    answered = calls.service_level(wait, 10, gone, conf=0.9, exclude_abandoned=True)
    lo, hi = proportion_confint(within, (~gone).sum(), alpha=0.1, method="wilson")
    assert answered.service_level == within / (~gone).sum()
    assert answered.lower == pytest.approx(lo, rel=1e-12) and answered.denominator == "answered"


def test_service_level_short_abandons_and_threshold_edge():
    wait = np.array([10.0, 10.5, 2.0, 3.0, 40.0, 0.0])
    gone = np.array([0, 0, 1, 1, 1, 0])
    r = calls.service_level(wait, 10, gone, short_abandon=5)
    assert (r.offered, r.short_abandoned, r.abandoned, r.answered_within) == (4, 2, 1, 2)
    assert r.service_level == 0.5 and "left out" in r.definition
    everything = calls.service_level(wait, 10, gone)
    assert everything.offered == 6 and everything.service_level == pytest.approx(2 / 6)


def test_service_level_by_groups_and_pandas():
    df = pd.DataFrame({"wait": [3.0, 12, 8, 30, 5, 9, 50, 1],
                       "gone": [False, False, False, True, False, False, True, False],
                       "line": ["999", "999", "101", "101", "999", "101", "101", "999"],
                       "month": pd.PeriodIndex(["2024-01"] * 4 + ["2024-02"] * 4, freq="M")})
    r = calls.service_level(df["wait"], 10, df["gone"], by=df["line"])
    frame = r.to_frame()
    assert list(frame["line"]) == ["101", "999"]
    assert list(frame["offered"]) == [4, 4] and list(frame["answered_within"]) == [2, 3]
    both = calls.service_level(df["wait"], 10, df["gone"], by=[df["line"], df["month"]])
    assert len(both.to_frame()) == 4 and {"line", "month"} <= set(both.to_frame().columns)
    td = calls.service_level(pd.to_timedelta(df["wait"], unit="s"), 10, df["gone"])
    assert td.answered_within == 5
    text = r.narrative(target=0.9)
    assert text[0].startswith("101: of 4 calls offered, 50.0%") and "target" in text[0]
    ax = both.plot(target=0.9)
    assert len(ax.get_xticklabels()) == 4
    plt.close("all")


def test_service_level_narrative_against_target():
    big = calls.service_level(np.r_[np.zeros(850), np.full(150, 60.0)], 10)
    assert "below the 90.0% target by more than chance would explain" in big.narrative(0.9)
    assert "above the 80.0% target" in big.narrative(0.8)
    assert "no evidence of a difference from the 85.0% target (the 95% CI includes 85.0%)" \
        in big.narrative(0.85)
    assert "abandoned" not in big.narrative() and np.isnan(big.abandonment)


def test_service_level_interval_coverage_by_simulation():
    rng = np.random.default_rng(2024)
    p, n, reps = 0.83, 400, 2000
    hits = 0
    for _ in range(reps):
        ok = rng.random(n) < p
        r = calls.service_level(np.where(ok, 5.0, 20.0), 10)
        hits += r.lower <= p <= r.upper
    assert abs(hits / reps - 0.95) < 0.015


# ---- caller patience ----------------------------------------------------------------------

def test_estimate_patience_is_the_censored_exponential_mle_with_exact_limits():
    from scipy import stats

    wait = np.array([12.0, 40, 3, 95, 60, 20, 7.5, 180])
    gone = np.array([0, 1, 0, 1, 0, 0, 0, 1])
    r = calls.estimate_patience(wait, gone, conf=0.9)
    total, d = wait.sum(), 3
    assert r.estimate == pytest.approx(total / d, rel=1e-14) and r.abandoned == d
    # Garwood limits of the hang-up rate d / total, inverted
    assert r.lower == pytest.approx(2 * total / stats.chi2.ppf(0.95, 2 * d + 2), rel=1e-9)
    assert r.upper == pytest.approx(2 * total / stats.chi2.ppf(0.05, 2 * d), rel=1e-9)
    assert "on average" in r.narrative()
    none = calls.estimate_patience([12.0, 40.0], [0, 0])
    assert none.estimate == np.inf and none.upper == np.inf and np.isfinite(none.lower)


def test_estimate_patience_recovers_the_simulated_patience():
    wait, gone = simulate(100, 1800, 180, 10, 90, 60_000, seed=13)
    r = calls.estimate_patience(wait, gone)
    assert r.lower < 90 < r.upper and r.estimate == pytest.approx(90, rel=0.1)


def test_estimate_patience_bad_input():
    with pytest.raises(ValueError, match="abandoned must be 0/1"):
        calls.estimate_patience([1.0, 2.0], [0, 3])
    with pytest.raises(ValueError, match="some waiting"):
        calls.estimate_patience([0.0, 0.0], [0, 1])
    with pytest.raises(ValueError, match="wait_seconds must be finite and >= 0"):
        calls.estimate_patience([-1.0, 2.0], [0, 1])


# ---- results ------------------------------------------------------------------------------

def test_results_print_and_convert():
    c = calls.erlang_c(100, 1800, 180, [12, 13, 14], 20)
    assert repr(c).startswith("ErlangCResult(traffic=[10, 10, 10]")
    assert "<table" in c._repr_html_() and len(c.to_frame()) == 3
    assert c.narrative()[2].startswith("With 14 agents for 10 Erlangs of traffic, the Erlang C")
    assert "17.4% of calls wait, 88.8% are answered within 20 s" in c.narrative()[2]
    a = calls.erlang_a(100, 1800, 180, 11, 20, 120)
    assert type(a.p_wait) is float and type(a.agents) is int
    assert "9.4% are abandoned" in a.narrative() and "74.2% of all calls" in a.narrative()
    n = calls.agents_needed(100, 1800, 180, 20, 0.8, 0.85, 0.3)
    assert "needs 14 agents" in n.narrative() and "20 scheduled" in n.narrative()
    assert n.summary().startswith("AgentsResult")
    grid = calls.erlang_c(100, 1800, 180, np.array([[11, 12], [13, 14]]), [[20], [30]])
    assert grid.p_wait.shape == (2, 2) and len(grid.to_frame()) == 4
    for result in (c, a):
        assert result.plot().get_xlabel() == "Agents"
    plt.close("all")


def test_unstable_queue_raises_or_marks_nan():
    with pytest.raises(ValueError, match="agents must exceed the traffic"):
        calls.erlang_c(100, 1800, 180, 10, 20)
    with pytest.raises(ValueError, match=r"agents .*position 1: 9 agents"):
        calls.erlang_c(100, 1800, 180, [12, 9], 20)
    r = calls.erlang_c(100, 1800, 180, [9, 10, 11], 20, unstable="nan")
    np.testing.assert_array_equal(r.stable, [False, False, True])
    assert np.isnan(r.p_wait[:2]).all() and np.isfinite(r.p_wait[2])
    assert "unstable" in r.narrative()[0]
    assert calls.erlang_a(100, 1800, 180, 9, 20, 60).p_wait < 1   # Erlang A has no such limit


def test_vectorised_equals_one_at_a_time():
    rng = np.random.default_rng(5)
    c = rng.uniform(1, 300, 40)
    n = np.ceil(c * 200 / 1800) + rng.integers(1, 6, 40)
    p = rng.uniform(20, 400, 40)
    many = calls.erlang_a(c, 1800, 200, n, 20, p)
    for i in range(0, 40, 7):
        one = calls.erlang_a(c[i], 1800, 200, n[i], 20, p[i])
        assert one.service_level == many.service_level[i] and one.asa == many.asa[i]


# ---- bad input ----------------------------------------------------------------------------

BASE = dict(calls=100, interval=1800, handle_time=180, agents=14, target_time=20)


@pytest.mark.parametrize("field, value, message", [
    ("calls", -5, "calls must be finite and >= 0"),
    ("calls", np.nan, r"calls must be finite and >= 0 \(got NaN\)"),
    ("calls", [100, np.inf], r"calls must be finite and >= 0 \(position 1: got inf\)"),
    ("interval", 0, "interval must be finite and > 0"),
    ("handle_time", -180, "handle_time must be finite and > 0"),
    ("agents", 12.5, "agents must be a whole number"),
    ("agents", 0, "agents must be finite and >= 1"),
    ("target_time", -1, "target_time must be finite and >= 0"),
    ("calls", 1e9, "Erlangs of traffic"),
])
def test_erlang_bad_input(field, value, message):
    for func, extra in ((calls.erlang_c, {}), (calls.erlang_a, {"patience": 60})):
        with pytest.raises(ValueError, match=message):
            func(**{**BASE, field: value, **extra})


def test_erlang_bad_types_and_options():
    with pytest.raises(TypeError, match="agents must be numeric"):
        calls.erlang_c(100, 1800, 180, "14", 20)
    with pytest.raises(TypeError, match="calls must be numeric"):
        calls.erlang_c(["a"], 1800, 180, 14, 20)
    with pytest.raises(ValueError, match="unstable must be one of"):
        calls.erlang_c(100, 1800, 180, 14, 20, unstable="ignore")
    with pytest.raises(ValueError, match="patience must be finite and > 0"):
        calls.erlang_a(100, 1800, 180, 14, 20, 0)
    with pytest.raises(ValueError, match="patience must be at most"):
        calls.erlang_a(100, 1800, 180, 14, 20, 1e7)
    with pytest.raises(ValueError, match="shape mismatch"):
        calls.erlang_c([100, 200], 1800, 180, [14, 15, 16], 20)
    with pytest.raises(ValueError, match="threads"):
        calls.erlang_c(100, 1800, 180, 14, 20, threads=0)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"service_level": 1.0}, ValueError, r"service_level must be in \(0, 1\)"),
    ({"service_level": 0}, ValueError, r"service_level must be in \(0, 1\)"),
    ({"service_level": np.nan}, ValueError, "service_level must be in"),
    ({"max_occupancy": 0}, ValueError, r"max_occupancy must be in \(0, 1\]"),
    ({"max_occupancy": 1.2}, ValueError, "max_occupancy must be in"),
    ({"shrinkage": 1.0}, ValueError, r"shrinkage must be in \[0, 1\)"),
    ({"shrinkage": -0.1}, ValueError, "shrinkage must be in"),
    ({"max_abandonment": 0.05}, ValueError, "max_abandonment needs patience"),
    ({"patience": 60, "max_abandonment": 0}, ValueError, "max_abandonment must be in"),
    ({"patience": -60}, ValueError, "patience must be finite and > 0"),
    ({"min_agents": 0}, ValueError, "min_agents must be finite and >= 1"),
    ({"min_agents": 2.5}, ValueError, "min_agents must be a whole number"),
    ({"service_level": "high"}, TypeError, "service_level must be numeric"),
])
def test_agents_needed_bad_input(kwargs, error, message):
    args = dict(calls=100, interval=1800, handle_time=180, target_time=20, service_level=0.8)
    with pytest.raises(error, match=message):
        calls.agents_needed(**{**args, **kwargs})


def test_staffing_and_calls_per_interval_bad_input():
    with pytest.raises(ValueError, match="calls must be one value per interval"):
        calls.staffing(np.ones((2, 3)), 180, 20, 0.8)
    with pytest.raises(ValueError, match="calls must be finite and >= 0"):
        calls.staffing(pd.Series([3.0, -1.0]), 180, 20, 0.8)
    with pytest.raises(ValueError, match="interval must be positive"):
        calls.staffing(pd.Series([3.0]), 180, 20, 0.8, interval=0)
    t = pd.to_datetime(["2024-05-01 08:10"])
    with pytest.raises(ValueError, match="interval must be one whole number of minutes"):
        calls.calls_per_interval(t, 1000)
    with pytest.raises(ValueError, match="timestamps has a missing value"):
        calls.calls_per_interval(pd.Series([pd.Timestamp("2024-05-01"), pd.NaT]))
    with pytest.raises(TypeError, match="timestamps must be dates and times"):
        calls.calls_per_interval(["not a time"])
    with pytest.raises(ValueError, match="timestamps is empty"):
        calls.calls_per_interval(pd.Series([], dtype="datetime64[ns]"))
    with pytest.raises(ValueError, match="end must not be before start"):
        calls.calls_per_interval(t, start="2024-05-02", end="2024-05-01")
    with pytest.raises(TypeError, match="by_weekday must be True or False"):
        calls.calls_per_interval(t, by_weekday="yes")


@pytest.mark.parametrize("kwargs, error, message", [
    ({"wait_seconds": [3.0, -1.0]}, ValueError, r"wait_seconds must be finite and >= 0 \(row 1"),
    ({"wait_seconds": [3.0, np.nan]}, ValueError, "wait_seconds must be finite and >= 0"),
    ({"wait_seconds": ["a", "b"]}, TypeError, "wait_seconds must be numeric"),
    ({"wait_seconds": []}, ValueError, "wait_seconds is empty"),
    ({"threshold": -1}, ValueError, "threshold must be >= 0"),
    ({"threshold": [10, 20]}, TypeError, "threshold must be a single number"),
    ({"abandoned": [0, 2]}, ValueError, r"abandoned must be 0/1 or True/False \(row 1"),
    ({"abandoned": [0.0, np.nan]}, ValueError, "abandoned must be 0/1"),
    ({"abandoned": pd.Series([True, None], dtype="boolean")}, ValueError,
     "abandoned has a missing value"),
    ({"abandoned": ["no", "yes"]}, TypeError, "abandoned must hold True/False or 0/1"),
    ({"abandoned": [0, 1, 0]}, ValueError, "abandoned must hold one value per call"),
    ({"conf": 1.5}, ValueError, "conf must lie in"),
    ({"short_abandon": 5}, ValueError, "short_abandon needs abandoned"),
    ({"abandoned": [0, 1], "short_abandon": -2}, ValueError, "short_abandon must be >= 0"),
    ({"by": ["a"]}, ValueError, "by must hold one label per call"),
    ({"by": ["a", None]}, ValueError, "by has a missing label"),
    ({"exclude_abandoned": 1}, TypeError, "exclude_abandoned must be True or False"),
])
def test_service_level_bad_input(kwargs, error, message):
    args = dict(wait_seconds=[3.0, 20.0], threshold=10)
    with pytest.raises(error, match=message):
        calls.service_level(**{**args, **kwargs})


def test_narrative_counts_agents_and_erlangs_in_words():
    one = calls.erlang_a(10, 1800, 180, 1, 20, patience=60).narrative()
    assert one.startswith("With 1 agent for 1 Erlang of traffic")


def test_staffing_plot_keeps_the_callers_layout():
    """A figure with constrained layout is left alone (no tight_layout warning, which pytest
    turns into an error here)."""
    fig, ax = plt.subplots(layout="constrained")
    s = calls.staffing(pd.Series([40.0, 80.0, 60.0]), handle_time=300, target_time=30,
                       service_level=0.6)
    s.plot(ax=ax)
    assert fig.get_layout_engine() is not None
    plt.close(fig)


@pytest.mark.parametrize("call, message", [
    (lambda: calls.erlang_c(100., 1800., 180., 1e19, 20.), "agents must be at most 2,147,483,647"),
    (lambda: calls.erlang_a(100., 1800., 180., 2.0**63, 20., 100.),
     "agents must be at most 2,147,483,647"),
    (lambda: calls.agents_needed(100., 1800., 180., 20., 0.8, min_agents=2**63),
     "min_agents must be at most 2,147,483,647"),
])
def test_agents_beyond_a_whole_number_bound_are_refused_not_wrapped(call, message):
    """Once wrapped to -9223372036854775808 agents with p_wait = 0 (issue 12, item 7)."""
    with pytest.raises(ValueError, match=message):
        call()


def test_erlang_a_patience_whose_rate_overflows_is_named():
    from scrutiny.errors import NumericalError
    with pytest.raises(NumericalError, match="patience too extreme"):
        calls.erlang_a(100, 1800, 180, 11, 20, patience=5e-324)
