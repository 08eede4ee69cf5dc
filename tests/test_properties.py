"""Properties every family keeps on any valid input, checked with Hypothesis.

Interval order (lower <= estimate <= upper), limits in range ([0, 1] for proportions and
probabilities, >= 0 for rates), symmetry (x -> n - x mirrors a proportion interval),
permutation of areas (results permute with their areas), scale invariance (rates and exposures
times c), sign and shift rules of the trend tests and SPC limits, and monotone queues.  The
examples are few and derandomized, so a run is short and every run tries the same inputs.
"""
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import scrutiny as sc

settings.register_profile("scrutiny", max_examples=50, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow], database=None)
settings.load_profile("scrutiny")

RTOL = 1e-9


def close(a, b, rtol=RTOL, atol=1e-12):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=rtol, atol=atol)


@st.composite
def trials(draw, least=1, most=12):
    """Successes x out of n in several areas."""
    n = np.array(draw(st.lists(st.integers(1, 5000), min_size=least, max_size=most)), float)
    x = np.array([draw(st.integers(0, int(k))) for k in n], float)
    return x, n


@st.composite
def varied_trials(draw, least=3):
    """Trials whose proportions are not all equal (a comparison across areas needs variation)."""
    x, n = draw(trials(least=least))
    x[0], n[0] = 0.0, max(n[0], 10.0)
    x[1], n[1] = n[1], n[1]
    return x, n


@st.composite
def series(draw, length=(8, 30)):
    """A series of distinct-ish reals with a trend."""
    m = draw(st.integers(*length))
    noise = draw(st.lists(st.floats(-50, 50, allow_nan=False), min_size=m, max_size=m))
    slope = draw(st.floats(-3, 3, allow_nan=False))
    y = 100.0 + slope * np.arange(m) + np.array(noise)
    assume(len(np.unique(y)) > m // 2)     # not constant: a constant series has no trend test
    return y


positive = st.floats(0.01, 1000.0, allow_nan=False, allow_infinity=False)
permutation_seed = st.integers(0, 2**32 - 1)


def permutation(seed, size):
    return np.random.default_rng(seed).permutation(size)


# ---- rates ----------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["wilson", "exact", "jeffreys", "agresti-coull", "wald"])
@given(data=trials(), conf=st.floats(0.5, 0.999))
def test_proportion_interval_in_order_and_range(method, data, conf):
    x, n = data
    r = sc.proportion_ci(x, n, conf=conf, method=method)
    assert np.all((0 <= r.lower) & (r.lower <= r.upper) & (r.upper <= 1))
    inside = (0 < x) & (x < n) if method == "jeffreys" else True   # not adjusted at 0 and n
    assert np.all(((r.lower <= r.estimate) & (r.estimate <= r.upper)) | ~inside)


@pytest.mark.parametrize("method", ["wilson", "exact", "jeffreys", "agresti-coull", "wald"])
@given(data=trials())
def test_proportion_interval_mirrors(method, data):
    x, n = data
    r, m = sc.proportion_ci(x, n, method=method), sc.proportion_ci(n - x, n, method=method)
    close(m.lower, 1 - r.upper, atol=1e-12)
    close(m.upper, 1 - r.lower, atol=1e-12)


@pytest.mark.parametrize("method", ["exact", "byar", "phe"])
@given(count=st.lists(st.integers(0, 10_000), min_size=1, max_size=10), c=positive)
def test_rate_interval_scales_with_exposure(method, count, c):
    count = np.array(count, float)
    exposure = np.linspace(100.0, 5000.0, len(count))
    r = sc.rate_ci(count, exposure, method=method)
    s = sc.rate_ci(count, exposure * c, method=method)
    assert np.all((0 <= r.lower) & (r.lower <= r.estimate) & (r.estimate <= r.upper))
    close(s.estimate * c, r.estimate)
    close(s.lower * c, r.lower)
    close(s.upper * c, r.upper)


@given(data=trials(), target=st.floats(0.01, 0.99))
def test_target_test_pvalue_and_interval(data, target):
    x, n = data
    r = sc.test_target(x, n, target)
    assert np.all((0 <= r.pvalue) & (r.pvalue <= 1))
    assert np.all((0 <= r.lower) & (r.lower <= r.estimate) & (r.estimate <= r.upper)
                  & (r.upper <= 1))


@given(counts=st.tuples(st.integers(0, 5000), st.integers(0, 5000)).filter(lambda c: sum(c) > 0),
       e1=positive, e2=positive, c=positive)
def test_rate_comparison_scale_invariant(counts, e1, e2, c):
    r = sc.compare_rates(counts[0], e1, counts[1], e2)
    s = sc.compare_rates(counts[0], e1 * c, counts[1], e2 * c)
    assert 0 <= r.pvalue <= 1
    close(s.pvalue, r.pvalue, rtol=1e-7)


@given(data=varied_trials(), seed=permutation_seed)
def test_homogeneity_permutes(data, seed):
    x, n = data
    p = permutation(seed, len(x))
    r, s = sc.homogeneity(x, n), sc.homogeneity(x[p], n[p])
    assert 0 <= r.pvalue <= 1
    close(s.statistic, r.statistic, rtol=1e-9)
    close(s.estimate, r.estimate[p])


@given(data=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=20), seed=permutation_seed,
       method=st.sampled_from(["bh", "holm", "bonferroni", "by", "hochberg"]))
def test_multiple_testing_permutes_and_bounds(data, seed, method):
    p = np.array(data)
    q = sc.multiple_testing(p, method=method)
    assert np.all((p <= q + 1e-15) & (q <= 1))
    k = permutation(seed, len(p))
    close(sc.multiple_testing(p[k], method=method), q[k])


# ---- disparity ------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["proportion", "rate"])
@given(data=varied_trials(), seed=permutation_seed)
def test_funnel_permutes(kind, data, seed):
    x, n = data
    p = permutation(seed, len(x))
    r, s = sc.funnel(x, n, kind=kind), sc.funnel(x[p], n[p], kind=kind)
    close(s.target, r.target)
    close(s.z, r.z[p])
    close(s.lower, r.lower[p])
    np.testing.assert_array_equal(s.flag, r.flag[p])
    assert np.all(r.lower <= r.upper)


@given(data=varied_trials(), seed=permutation_seed, c=st.integers(2, 9))
def test_disparity_indices_permute_and_scale(data, seed, c):
    x, n = data
    p = permutation(seed, len(x))
    r = sc.disparity_indices(x, n)
    for s in (sc.disparity_indices(x[p], n[p]), sc.disparity_indices(x * c, n * c)):
        for field in ("range", "ratio", "cv", "gini", "theil", "mld"):
            close(getattr(s, field), getattr(r, field), rtol=1e-9)
    assert 0 <= r.gini <= 1


@given(data=varied_trials(), seed=permutation_seed)
@example(data=(np.array([0.0, 1909.0, 0.0]), np.array([10.0, 1909.0, 1.0])), seed=0)
def test_shrink_permutes_and_orders(data, seed):
    x, n = data
    p = permutation(seed, len(x))
    try:
        r = sc.shrink(x, n)
    except sc.ConvergenceError:     # allowed on valid input; then the permuted data fail too
        with pytest.raises(sc.ConvergenceError):
            sc.shrink(x[p], n[p])
        return
    s = sc.shrink(x[p], n[p])
    close(s.estimate, r.estimate[p], rtol=1e-7, atol=1e-10)
    assert np.all((0 <= r.lower) & (r.lower <= r.estimate) & (r.estimate <= r.upper)
                  & (r.upper <= 1))


# ---- trend ----------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["original", "hamed_rao", "yue_wang"])
@given(y=series())
@example(y=np.arange(100.0, 108.0))
def test_mann_kendall_flips_with_the_sign(method, y):
    r, s = sc.mann_kendall(y, method=method), sc.mann_kendall(-y, method=method)
    close(s.s, -r.s)
    close(s.z, -r.z, atol=1e-9)
    close(s.pvalue, r.pvalue, rtol=1e-9)
    if method != "original" and not r.var_s > 0:
        # the correction factor is not positive, or undefined for a series exactly on a line
        # (its detrended values are constant): no test, as pymannkendall
        assert np.isnan(r.pvalue) and np.isnan(s.pvalue) and r.trend == s.trend == "undefined"
    else:
        assert 0 <= r.pvalue <= 1


@given(y=series(), c=st.floats(0.01, 100.0), shift=st.floats(-1000, 1000))
def test_sen_slope_scales_with_y(y, c, shift):
    r, s = sc.sen_slope(y), sc.sen_slope(y * c + shift)
    close(s.slope, r.slope * c, rtol=1e-9, atol=1e-9)
    close(s.lower, r.lower * c, rtol=1e-9, atol=1e-9)
    assert np.all(r.lower <= r.slope) and np.all(r.slope <= r.upper)


@given(y=series())
def test_pettitt_same_for_minus_y(y):
    r, s = sc.pettitt(y), sc.pettitt(-y)
    close(s.statistic, r.statistic)
    assert s.location == r.location and 0 <= r.pvalue <= 1


@given(counts=st.lists(st.integers(5, 400), min_size=24, max_size=24),
       c=st.floats(0.1, 10.0))
def test_count_trend_rate_ratio_ignores_exposure_scale(counts, c):
    counts = np.array(counts, float)
    exposure = np.linspace(900.0, 1100.0, 24)
    r = sc.count_trend(counts, exposure)
    s = sc.count_trend(counts, exposure * c)
    close(s.rate_ratio, r.rate_ratio, rtol=1e-6)
    assert np.all((r.lower <= r.rate_ratio) & (r.rate_ratio <= r.upper) & (r.lower >= 0))


# ---- SPC ------------------------------------------------------------------------------------

@pytest.mark.parametrize("chart", ["xmr", "i", "run"])
@given(y=series(length=(12, 30)), shift=st.floats(-1e4, 1e4))
def test_spc_limits_shift_with_y(chart, y, shift):
    r, s = sc.spc(y, chart=chart), sc.spc(y + shift, chart=chart)
    close(s.centre, r.centre + shift, rtol=1e-9, atol=1e-6)
    if chart != "run":
        close(s.lower, r.lower + shift, rtol=1e-9, atol=1e-6)
        close(s.upper, r.upper + shift, rtol=1e-9, atol=1e-6)
        assert np.all(r.lower <= r.centre) and np.all(r.centre <= r.upper)
    np.testing.assert_array_equal(s.signals, r.signals)


@given(data=trials(least=12, most=24))
def test_p_chart_limits_in_range(data):
    x, n = data
    r = sc.spc(x, chart="p", n=n)
    assert np.all((0 <= r.lower) & (r.lower <= r.centre) & (r.centre <= r.upper) & (r.upper <= 1))


# ---- drivers --------------------------------------------------------------------------------

def _survey(seed, m=120):
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 1.0, (m, 3))
    y = (rng.random(m) < 1 / (1 + np.exp(-(X @ [0.8, 0.4, -0.3])))).astype(float)
    return X, y


@given(seed=permutation_seed, c=st.floats(0.1, 10.0))
def test_logistic_permutes_rows_and_scales_columns(seed, c):
    X, y = _survey(seed)
    p = permutation(seed, len(y))
    r = sc.logistic(X, y)
    close(sc.logistic(X[p], y[p]).params, r.params, rtol=1e-6, atol=1e-9)
    scaled = sc.logistic(X * c, y).params.to_numpy()
    close(scaled[1:] * c, r.params.to_numpy()[1:], rtol=1e-6, atol=1e-9)


@given(seed=permutation_seed, c=st.floats(0.1, 10.0))
def test_relative_importance_ignores_scale_and_order(seed, c):
    X, _ = _survey(seed)
    y = X @ [0.8, 0.4, -0.3] + np.random.default_rng(seed).normal(0, 1, len(X))
    p = permutation(seed, len(y))
    r = sc.relative_importance(X, y)
    close(sc.relative_importance(X[p] * c, y[p] * c).importance, r.importance, rtol=1e-7)
    close(np.sum(r.share), 1.0)
    assert np.all(r.importance >= -1e-12)


# ---- calls and waits ------------------------------------------------------------------------

@given(calls=st.floats(1.0, 400.0), handle=st.floats(10.0, 600.0), extra=st.integers(1, 20))
def test_erlang_c_probabilities_fall_with_agents(calls, handle, extra):
    agents = np.floor(calls * handle / 1800.0) + extra
    r = sc.erlang_c(calls, 1800, handle, [agents, agents + 1], 20)
    assert np.all((0 <= r.p_wait) & (r.p_wait <= 1) & (0 <= r.service_level)
                  & (r.service_level <= 1))
    assert r.p_wait[1] <= r.p_wait[0] + 1e-12 and r.service_level[1] >= r.service_level[0] - 1e-12


@given(calls=st.floats(1.0, 400.0), level=st.floats(0.5, 0.95))
def test_agents_needed_meets_the_level(calls, level):
    r = sc.agents_needed(calls, 1800, 187.0, 20, level)
    assert np.all(r.service_level >= level - 1e-12)


@given(durations=st.lists(st.integers(1, 300), min_size=5, max_size=40),
       c=st.integers(2, 60), seed=permutation_seed)
def test_kaplan_meier_survival_falls_and_scales(durations, c, seed):
    t = np.array(durations, float)
    observed = (np.random.default_rng(seed).random(len(t)) < 0.7).astype(float)
    r = sc.kaplan_meier(t, observed)
    s = r.table["survival"].to_numpy()
    assert np.all((0 <= s) & (s <= 1)) and np.all(np.diff(s) <= 0)
    close(sc.kaplan_meier(t * c, observed).table["survival"], s)


# ---- place and harm -------------------------------------------------------------------------

@given(before=st.integers(0, 5000), after=st.integers(0, 5000), c=positive,
       method=st.sampled_from(["wald", "score"]))
def test_poisson_etest_scale_invariant(before, after, c, method):
    r = sc.poisson_etest(before, after, method=method)
    s = sc.poisson_etest(before, after, c, c, method=method)
    assert 0 <= r.pvalue <= 1
    close(s.pvalue, r.pvalue, rtol=1e-7)


@given(counts=st.lists(st.integers(0, 500), min_size=4, max_size=4), seed=permutation_seed)
def test_wdd_areas_permute(counts, seed):
    rng = np.random.default_rng(seed)
    arrays = [rng.poisson(m, 6).astype(float) + 1 for m in np.array(counts) + 20]
    p = permutation(seed, 6)
    with warnings.catch_warnings():   # unbalanced areas warn by design; the property is the order
        warnings.simplefilter("ignore", UserWarning)
        r = sc.wdd(*arrays)
        s = sc.wdd(*(a[p] for a in arrays))
    close(s.estimate, r.estimate[p])
    close(s.pvalue, r.pvalue[p])
    assert np.all(r.lower <= r.estimate) and np.all(r.estimate <= r.upper)


@given(c=st.floats(0.1, 100.0), seed=permutation_seed)
def test_harm_index_scales_with_weights(c, seed):
    rng = np.random.default_rng(seed)
    weights = {"Burglary": 40.3, "Robbery": 365.2, "Shoplifting": 1.7}
    frame = pd.DataFrame({"area": np.repeat(["A", "B", "C"], 3),
                          "crime_type": list(weights) * 3, "count": rng.poisson(20.0, 9)})
    r = sc.harm_index(frame, "crime_type", "count", weights, by="area")
    s = sc.harm_index(frame, "crime_type", "count", {k: v * c for k, v in weights.items()},
                      by="area")
    close(s.harm, r.harm * c)
    assert np.all(r.lower <= r.harm) and np.all(r.harm <= r.upper)
