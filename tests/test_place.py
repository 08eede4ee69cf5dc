"""Tests of scrutiny.place: the weighted displacement difference (WDD) test and the Poisson
E-test.

References (tests/reference/, each with the script that wrote it and the exact calls):
- place_ptools_*.csv: base-R transliteration of ptools 1.0.0 (``wdd``, ``wdd_harm``,
  ``e_test``; commits named in place_ptools.R), run in R 4.2.2 -- with the worked example of
  Wheeler & Ratcliffe (2018) and Wheeler's blog examples among the cases;
- place_statsmodels_etest.csv: statsmodels 0.15.0 ``test_poisson_2indep(method="etest-wald" /
  "etest-score", compare="ratio")`` and SciPy 1.17.1 ``poisson_means_test``, from
  place_statsmodels.py;
- published numbers: Wheeler & Ratcliffe (2018), Crime Science 7:11 (WDD -118, variance 1568,
  z -2.98, 95 % CI -196 to -40); Krishnamoorthy & Thomson (2004), J Stat Plan Inference
  119:23-35, examples 0 vs 3 events (p = 0.0884) and 6 vs 2 (p = 0.1749);
- a slow NumPy double-sum oracle of the E-test with SciPy's Poisson pmf, and SciPy's normal
  distribution for the WDD's p-values.
Statistical properties: size and power of both tests, and the WDD interval's coverage, by
seeded simulation.
"""
from __future__ import annotations

import pathlib
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import scrutiny as sc
from scrutiny import place

REF = pathlib.Path(__file__).parent / "reference"
RTOL = 1e-12            # closed-form WDD quantities
ETEST_ATOL = 1e-12      # E-test p-values: statsmodels truncates its sums at 1e-13
ETEST_RTOL = 1e-10


def ref(name: str) -> pd.DataFrame:
    return pd.read_csv(REF / name)


def unbalanced():
    """The warning of wdd on treated and control areas of very different counts."""
    return pytest.warns(UserWarning, match="control_before and treated_before differ more than")


# ---- WDD: references -----------------------------------------------------------------------

def test_wdd_matches_ptools():
    table = ref("place_ptools_wdd.csv")
    for alpha, g in table.groupby("alpha"):
        with unbalanced():           # the reference cases include unbalanced areas
            r = place.wdd(g.treated_before, g.treated_after, g.control_before, g.control_after,
                          g.displacement_before, g.displacement_after,
                          g.control_displacement_before, g.control_displacement_after,
                          period_before=g.period_before, period_after=g.period_after,
                          area_sizes=(g.area_treated, g.area_control, g.area_displacement,
                                      g.area_control_displacement),
                          conf=1 - alpha)
        for ours, theirs in (("local", "Est_Local"), ("local_se", "SE_Local"),
                             ("displacement", "Est_Displace"), ("displacement_se", "SE_Displace"),
                             ("estimate", "Est_Total"), ("se", "SE_Total"), ("statistic", "Z"),
                             ("lower", "LowCI"), ("upper", "HighCI")):
            np.testing.assert_allclose(getattr(r, ours), g[theirs], rtol=RTOL, atol=1e-12,
                                       err_msg=ours)


def test_wdd_published_worked_example():
    """Wheeler & Ratcliffe (2018): treated 207 -> 110, control 308 -> 318, displacement
    178 -> 157, its control 150 -> 140 (as reproduced in ptools' test "Est & Variance Paper")."""
    r = place.wdd(207, 110, 308, 318, 178, 157, 150, 140)
    assert r.estimate == -118.0
    assert r.se ** 2 == pytest.approx(1568.0, rel=1e-14)
    assert round(r.statistic, 2) == -2.98
    assert (round(r.lower), round(r.upper)) == (-196, -40)
    assert r.local == -107.0 and r.displacement == -11.0
    assert r.has_displacement and not r.weighted


def test_wdd_blog_examples():
    """Wheeler's blog: different period lengths (2 years before, 1 after: -20, variance 115)
    and harm weights (-1721, SE 304.1036; ptools test "Cumulative Harm")."""
    r = place.wdd(80, 20, 100, 50, period_before=2, period_after=1)
    assert r.estimate == -20.0 and r.se ** 2 == pytest.approx(115.0, rel=1e-14)
    assert r.weighted
    treated = np.array([[130, 74], [327, 202], [398, 190], [144, 92], [183, 96]])
    control = np.array([[133, 91], [388, 305], [148, 97], [86, 64], [94, 67]])
    h = place.wdd(treated[:, 0], treated[:, 1], control[:, 0], control[:, 1],
                  weights=[3, 2, 5, 7, 10], combine=True)
    assert h.estimate == -1721.0
    assert h.se == pytest.approx(304.10360077, abs=5e-9)


def test_wdd_harm_matches_ptools_wdd_harm():
    table = ref("place_ptools_harm.csv")
    for case, g in table.groupby("case"):
        r = place.wdd(g.treated_before, g.treated_after, g.control_before, g.control_after,
                      weights=g.weight, combine=True, conf=1 - g.alpha.iloc[0])
        first = g.iloc[0]
        np.testing.assert_allclose([r.estimate, r.se, r.statistic, r.lower, r.upper],
                                   first[["HarmEst", "SE_HarmEst", "Z", "LowCI", "HighCI"]]
                                   .to_numpy(float), rtol=RTOL, err_msg=case)


def test_wdd_pvalues_and_one_sided_bounds_follow_the_normal():
    rng = np.random.default_rng(3)
    tb, ta, cb, ca = (rng.poisson(rng.uniform(5, 200, 50)) for _ in range(4))
    with unbalanced():
        two = place.wdd(tb, ta, cb, ca)
    z = (ta - tb - ca + cb) / np.sqrt(tb + ta + cb + ca)
    np.testing.assert_allclose(two.statistic, z, rtol=RTOL)
    np.testing.assert_allclose(two.pvalue, 2 * stats.norm.sf(np.abs(z)), rtol=1e-13)
    with unbalanced():
        less = place.wdd(tb, ta, cb, ca, alternative="less", conf=0.9)
    np.testing.assert_allclose(less.pvalue, stats.norm.cdf(z), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(less.upper, less.estimate + stats.norm.ppf(0.9) * less.se, rtol=RTOL)
    assert np.all(np.isneginf(less.lower))
    with unbalanced():
        greater = place.wdd(tb, ta, cb, ca, alternative="greater")
    np.testing.assert_allclose(greater.pvalue, stats.norm.sf(z), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(greater.lower, greater.estimate - stats.norm.ppf(0.95) * greater.se,
                               rtol=RTOL)
    assert np.all(np.isposinf(greater.upper))


# ---- WDD: shapes, combining, weights ---------------------------------------------------------

def test_wdd_combine_sums_counts_like_the_paper():
    tb, ta = np.array([41, 17, 63]), np.array([29, 20, 44])
    cb, ca = np.array([38, 22, 57]), np.array([40, 19, 61])
    total = place.wdd(tb, ta, cb, ca, combine=True)
    pooled = place.wdd(tb.sum(), ta.sum(), cb.sum(), ca.sum())
    for field in ("estimate", "se", "statistic", "pvalue", "lower", "upper", "treated_change"):
        assert getattr(total, field) == pytest.approx(getattr(pooled, field), rel=1e-14)
    assert type(total.estimate) is float


def test_wdd_combine_over_an_axis_gives_one_test_per_area():
    rng = np.random.default_rng(8)
    tb, ta, cb, ca = (rng.poisson(30, (4, 3)) for _ in range(4))
    w = np.array([9.7, 2.385, 1.0])          # harm weight per crime type (last axis)
    per_area = place.wdd(tb, ta, cb, ca, weights=w, combine=-1)
    assert per_area.estimate.shape == (4,)
    for i in range(4):
        one = place.wdd(tb[i], ta[i], cb[i], ca[i], weights=w, combine=True)
        assert per_area.estimate[i] == pytest.approx(one.estimate, rel=1e-14)
        assert per_area.se[i] == pytest.approx(one.se, rel=1e-14)
    per_type = place.wdd(tb, ta, cb, ca, weights=w, combine=(0,))
    assert per_type.estimate.shape == (3,)
    every = place.wdd(tb, ta, cb, ca, weights=w)
    assert every.estimate.shape == (4, 3)
    np.testing.assert_allclose(every.estimate.sum(axis=0), per_type.estimate, rtol=1e-13)
    np.testing.assert_allclose((every.se ** 2).sum(axis=0), per_type.se ** 2, rtol=1e-13)


def test_wdd_weight_scales_estimate_and_se():
    base = place.wdd(57, 41, 62, 60, 33, 35, 30, 29)
    w = place.wdd(57, 41, 62, 60, 33, 35, 30, 29, weights=2.385)
    assert w.estimate == pytest.approx(2.385 * base.estimate, rel=1e-14)
    assert w.se == pytest.approx(2.385 * base.se, rel=1e-14)
    assert w.statistic == pytest.approx(base.statistic, rel=1e-14)


def test_wdd_without_displacement_equals_zero_displacement_counts():
    a = place.wdd([20, 31], [10, 25], [20, 28], [20, 30])
    b = place.wdd([20, 31], [10, 25], [20, 28], [20, 30], 0, 0, 0, 0)
    np.testing.assert_array_equal(a.estimate, b.estimate)
    np.testing.assert_array_equal(a.pvalue, b.pvalue)
    assert not a.has_displacement and b.has_displacement
    np.testing.assert_array_equal(a.displacement_se, [0.0, 0.0])
    only = place.wdd(20, 10, 20, 20, displacement_before=30, displacement_after=20)
    assert only.displacement == -10.0 and only.has_displacement


def test_wdd_changes_and_totals():
    r = place.wdd(200, 164, 150, 147)
    assert r.treated_change == pytest.approx(-0.18)
    assert r.control_change == pytest.approx(-0.02)
    assert (r.treated_before, r.treated_after, r.control_before, r.control_after) == (200, 164, 150, 147)
    with unbalanced():
        zero = place.wdd(0, 4, 5, 5)
    assert np.isinf(zero.treated_change)


def test_wdd_no_crimes_has_nothing_to_test():
    r = place.wdd(0, 0, 0, 0)
    assert r.estimate == 0.0 and r.se == 0.0
    assert np.isnan(r.statistic) and np.isnan(r.pvalue)
    assert "nothing to test" in r.narrative()


# ---- WDD: size, power and coverage by simulation -------------------------------------------

def test_wdd_size_power_and_coverage_by_simulation():
    rng = np.random.default_rng(20240611)
    n = 20000
    # parallel trends on the count scale: both areas lose 8 crimes a period on average
    tb, cb = rng.poisson(60, n), rng.poisson(60, n)
    cb_after = rng.poisson(52, n)
    db, cdb, da, cda = (rng.poisson(40, n) for _ in range(4))
    se_rate = np.sqrt(0.05 * 0.95 / n)
    power = []
    for effect in (0, 10, 20, 30, 45):
        ta = rng.poisson(52 - effect, n)
        r = place.wdd(tb, ta, cb, cb_after, db, da, cdb, cda)
        rejected = np.mean(r.pvalue <= 0.05)
        power.append(rejected)
        covered = np.mean((r.lower <= -effect) & (-effect <= r.upper))
        assert abs(covered - 0.95) < 4 * se_rate + 0.005, (effect, covered)
        if effect == 0:
            assert abs(rejected - 0.05) < 4 * se_rate + 0.005
            one_sided = np.mean(place.wdd(tb, ta, cb, cb_after, db, da, cdb, cda,
                                          alternative="less").pvalue <= 0.05)
            assert abs(one_sided - 0.05) < 4 * se_rate + 0.005
    assert np.all(np.diff(power) > 0.02), power
    assert power[-1] > 0.6


# ---- Poisson E-test: references --------------------------------------------------------------

def test_etest_matches_statsmodels():
    table = ref("place_statsmodels_etest.csv")
    for (method, alt), g in table.groupby(["method", "alternative"]):
        r = place.poisson_etest(g.count_before, g.count_after, g.exposure_before,
                                g.exposure_after, alternative=alt, ratio=g.ratio, method=method)
        np.testing.assert_allclose(r.statistic, g.sm_statistic, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(r.pvalue, g.sm_pvalue, rtol=ETEST_RTOL, atol=ETEST_ATOL,
                                   err_msg=f"{method} {alt}")


def test_etest_matches_scipy_poisson_means_test():
    """SciPy truncates its sums at probability 1e-10 and leaves out of the region both the
    (0, 0) outcome (statsmodels and scrutiny give it the statistic 0) and, with unequal
    exposures, often the observed outcome itself (its statistic is rounded differently from its
    grid's).  So compare, to 1e-9, with equal exposures where (0, 0) is not in the region."""
    table = ref("place_statsmodels_etest.csv").dropna(subset=["scipy_pvalue"])
    table = table[table.exposure_before == table.exposure_after]
    for alt, g in table.groupby("alternative"):
        t = g.scipy_statistic
        g = g[{"two-sided": t != 0, "less": t < 0, "greater": t > 0}[alt]]
        r = place.poisson_etest(g.count_before, g.count_after, g.exposure_before,
                                g.exposure_after, alternative=alt)
        np.testing.assert_allclose(r.statistic, g.scipy_statistic, rtol=1e-12)
        np.testing.assert_allclose(r.pvalue, g.scipy_pvalue, atol=1e-9, err_msg=alt)
        assert len(g) >= 5


def test_etest_matches_ptools_e_test():
    """ptools e_test is the score (pooled-variance) E-test; it sums to probabilities of 1e-20."""
    table = ref("place_ptools_etest.csv")
    r = place.poisson_etest(table.k2, table.k1, table.n2, table.n1, method="score")
    np.testing.assert_allclose(r.pvalue, table.pvalue, rtol=1e-11, atol=1e-15)


def test_etest_published_examples():
    """Krishnamoorthy & Thomson (2004): Przyborowski & Wilenski's 0 vs 3 dodder seeds,
    p = 0.0884, and the 6 vs 2 example, p = 0.1749 (equal exposures: both statistics)."""
    for method in ("wald", "score"):
        assert round(place.poisson_etest(0, 3, method=method).pvalue, 4) == 0.0884
        assert round(place.poisson_etest(3, 0, method=method).pvalue, 4) == 0.0884
        assert round(place.poisson_etest(6, 2, method=method).pvalue, 4) == 0.1749


def etest_oracle(cb, ca, tb, ta, ratio, method, alternative):
    """The E-test as a plain double sum over a wide square grid (SciPy's Poisson pmf)."""
    r = ratio * ta / tb
    n = ca + cb
    top = int(n + 40 * np.sqrt(n + 1) + 200)
    x1 = np.arange(top + 1.0)[:, None]
    x2 = np.arange(top + 1.0)[None, :]

    def stat(a, b):
        var = a + b * r * r if method == "wald" else (a + b) * r
        return np.divide(a - b * r, np.sqrt(var), out=np.zeros(np.broadcast(a, b).shape),
                         where=var > 0)

    t_obs = float(stat(np.array(ca, float), np.array(cb, float)))
    t = stat(x1, x2)
    tol = 1e-12 * max(1.0, abs(t_obs))
    mask = {"two-sided": np.abs(t) >= abs(t_obs) - tol, "less": t <= t_obs + tol,
            "greater": t >= t_obs - tol}[alternative]
    if alternative == "two-sided" and abs(t_obs) <= tol:
        return t_obs, 1.0
    prob = stats.poisson.pmf(x1, n * r / (1 + r)) * stats.poisson.pmf(x2, n / (1 + r))
    return t_obs, prob[mask].sum()


@pytest.mark.parametrize("method", ["wald", "score"])
def test_etest_matches_double_sum_oracle(method):
    rng = np.random.default_rng(17)
    cases = [(5, 5, 1, 1, 1), (7, 3, 1, 1, 1), (0, 60, 1, 1, 1), (4, 0, 2.5, 1.0, 1),
             (90, 30, 1, 1, 1), (12, 12, 1, 2, 0.5), (1, 0, 1, 1, 1)]
    cases += [(int(rng.integers(0, 80)), int(rng.integers(0, 80)), *np.round(rng.uniform(0.3, 3, 2), 3),
               float(rng.choice([1.0, 0.75, 1.6]))) for _ in range(12)]
    for cb, ca, tb, ta, ratio in cases:
        for alt in ("two-sided", "less", "greater"):
            t_obs, p = etest_oracle(cb, ca, tb, ta, ratio, method, alt)
            r = place.poisson_etest(cb, ca, tb, ta, alternative=alt, ratio=ratio, method=method)
            assert r.statistic == pytest.approx(t_obs, rel=1e-13, abs=1e-15)
            assert r.pvalue == pytest.approx(p, rel=1e-11, abs=1e-300), (cb, ca, tb, ta, ratio, alt)


def test_etest_large_counts_approach_the_normal_test():
    """At large counts the E-test p-value approaches the normal one of its statistic."""
    r = place.poisson_etest(50000, 49000)
    assert r.pvalue == pytest.approx(2 * stats.norm.sf(abs(r.statistic)), rel=2e-3)
    tiny = place.poisson_etest(900, 400)
    assert 0 < tiny.pvalue < 1e-40


def test_etest_ratio_interval_is_compare_rates():
    r = place.poisson_etest([120, 37], [98, 52], [12, 2.385], [12, 3.1], alternative="less")
    c = sc.compare_rates([98, 52], [12, 3.1], [120, 37], [12, 2.385], alternative="less")
    np.testing.assert_array_equal(r.ratio, c.ratio)
    np.testing.assert_array_equal(r.lower, c.lower)
    np.testing.assert_array_equal(r.upper, c.upper)
    np.testing.assert_allclose(r.percent_change, 100 * (c.ratio - 1))
    np.testing.assert_array_equal(r.rate_after, c.rate1)


def test_etest_no_crimes_at_all():
    r = place.poisson_etest(0, 0)
    assert r.statistic == 0.0 and r.pvalue == 1.0
    assert "nothing to test" in r.narrative()


def test_etest_statistics_agree_with_equal_exposures_and_symmetry():
    rng = np.random.default_rng(4)
    cb, ca = rng.poisson(25, 200), rng.poisson(20, 200)
    w = place.poisson_etest(cb, ca).pvalue
    s = place.poisson_etest(cb, ca, method="score").pvalue
    np.testing.assert_allclose(w, s, rtol=1e-13)
    np.testing.assert_allclose(place.poisson_etest(ca, cb).pvalue, w, rtol=1e-13)


# ---- Poisson E-test: size and power by simulation --------------------------------------------

def unique_pvalues(before, after, **kwargs):
    """E-test p-values of many simulated pairs, each distinct pair computed once."""
    pairs, inverse = np.unique(np.stack([before, after], axis=1), axis=0, return_inverse=True)
    return place.poisson_etest(pairs[:, 0], pairs[:, 1], **kwargs).pvalue[inverse.ravel()]


def test_etest_size_and_power_by_simulation():
    rng = np.random.default_rng(20240612)
    n = 40000
    before = rng.poisson(30.0, n)
    se_rate = np.sqrt(0.05 * 0.95 / n)
    power, c_power = [], []
    for ratio in (1.0, 0.8, 0.65, 0.5):
        after = rng.poisson(30.0 * ratio, n)
        p = unique_pvalues(before, after)
        power.append(np.mean(p <= 0.05))
        c_power.append(np.mean(sc.compare_rates(after, 1, before, 1).pvalue <= 0.05))
        if ratio == 1.0:
            # Krishnamoorthy & Thomson: the size seldom exceeds the nominal level
            assert 0.03 < power[0] < 0.05 + 4 * se_rate
            one = np.mean(unique_pvalues(before, after, alternative="less") <= 0.05)
            assert 0.03 < one < 0.05 + 4 * se_rate
    assert np.all(np.diff(power) > 0.03), power
    assert power[-1] > 0.6
    # and it is more powerful than the conditional test
    assert all(e >= c - 2 * se_rate for e, c in zip(power[1:], c_power[1:])), (power, c_power)


# ---- results -------------------------------------------------------------------------------

def test_results_unpack_display_and_frame():
    r = place.wdd(207, 110, 308, 318, 178, 157, 150, 140)
    statistic, pvalue = r
    assert (statistic, pvalue) == (r.statistic, r.pvalue)
    assert repr(r).startswith("WDDResult(statistic=-2.97995")
    assert "<table" in r._repr_html_() and "estimate" in r.summary()
    frame = r.to_frame()
    assert len(frame) == 1 and frame.loc[0, "estimate"] == -118.0
    assert set(r.to_dict()) >= {"estimate", "se", "local", "displacement", "treated_change"}
    e = place.poisson_etest([120, 31], [98, 40])
    statistic, pvalue = e
    assert statistic.shape == (2,)
    assert list(e.to_frame()["count_after"]) == [98.0, 40.0]
    assert "PoissonETestResult" in repr(e) and "<table" in e._repr_html_()
    with unbalanced():
        grid = place.wdd(np.arange(6).reshape(2, 3), 4, 5, 6)
    frame = grid.to_frame()
    assert list(frame.columns[:2]) == ["axis0", "axis1"] and len(frame) == 6
    np.testing.assert_array_equal(frame["estimate"], grid.estimate.ravel())
    assert (frame["conf"] == 0.95).all()
    assert len(place.poisson_etest(np.ones((2, 2)), 3).to_frame()) == 4


def test_wdd_labels_from_series_and_argument():
    tb = pd.Series([40, 25], index=["Hot spot A", "Hot spot B"])
    r = place.wdd(tb, [30, 24], [41, 22], [40, 23])
    assert list(r.to_frame()["label"]) == ["Hot spot A", "Hot spot B"]
    assert r.narrative()[1].startswith("Hot spot B: ")
    named = place.wdd([40, 25], [30, 24], [41, 22], [40, 23], labels=["North", "South"])
    assert named.narrative()[0].startswith("North: ")


def test_wdd_narratives():
    r = place.wdd(207, 110, 308, 318, 178, 157, 150, 140)
    text = r.narrative(treated="the hot spots")
    assert "in the hot spots fell by 47% (from 207 to 110)" in text
    assert "118 fewer recorded crimes (95% CI 40 to 196 fewer; z = -2.98, p = 0.003)" in text
    assert ("The fall of 97 recorded crimes in the hot spots is larger than the change in the "
            "control areas (10 more) by more than chance would explain, significant at the 5% "
            "level.") in text
    assert "percentages" not in text and "-fold" not in text        # balanced, consistent
    assert "no clear sign of displacement" in text
    assert "would have followed the trend" in text
    chance = place.wdd(20, 10, 20, 20).narrative()
    assert ("no evidence of a difference from the trend in the control areas at the 5% level"
            in chance and "26 fewer to 6.4 more" in chance)
    assert "more than chance" not in chance
    displaced = place.wdd(200, 120, 200, 200, 100, 180, 100, 100).narrative()
    assert "a sign of displacement" in displaced
    worse = place.wdd(100, 160, 100, 100).narrative()
    assert "fared worse than the trend in the control areas by more than chance" in worse
    harm = place.wdd([130, 327], [74, 202], [133, 388], [91, 305], weights=[3, 2],
                     combine=True).narrative(measure="units of harm")
    assert "units of harm" in harm
    one_sided = place.wdd(20, 10, 20, 20, alternative="less").narrative()
    assert "at most 3.8 more with 95% confidence" in one_sided


def test_etest_narratives():
    fall = place.poisson_etest(207, 110).narrative(measure="robberies")
    assert fall.startswith("The rate of robberies fell by 47% (from 207 to 110; rate ratio 0.53")
    assert "more than chance would explain (Poisson E-test, p < 0.001)" in fall
    chance = place.poisson_etest(120, 98, alternative="less").narrative()
    assert "95% upper bound 1.03" in chance
    assert "no evidence of a fall at the 5% level (Poisson E-test, one-sided, p = 0.068)" in chance
    against = place.poisson_etest(120, 98, ratio=0.9).narrative()
    assert against.count("Against an expected rate ratio of 0.9") == 1
    rates = place.poisson_etest(120, 70, exposure_after=0.5).narrative()
    assert "rose by 17%" in rates and "rates 120 and 140 per unit of exposure" in rates
    many = place.poisson_etest([10, 30], [12, 9]).narrative()
    assert len(many) == 2 and many[1].startswith("Area 1: ")


def test_plots_return_axes():
    for result in (place.wdd(207, 110, 308, 318, 178, 157, 150, 140),
                   place.wdd([40, 25, 61], [30, 24, 40], [41, 22, 60], [40, 23, 66]),
                   place.poisson_etest(120, 98), place.poisson_etest([120, 30], [98, 41])):
        ax = result.plot()
        assert ax.has_data()
        plt.close(ax.figure)
    fig, ax = plt.subplots()
    assert place.wdd(20, 10, 20, 20).plot(ax=ax) is ax
    plt.close(fig)
    with pytest.raises(ValueError, match="plot"):
        place.wdd(np.ones((2, 2)), 1, 1, 1).plot()


# ---- input handling ------------------------------------------------------------------------


def test_parallel_kernels_match_small_batches():
    rng = np.random.default_rng(12)
    cb, ca = rng.poisson(30, 3000), rng.poisson(25, 3000)
    whole = place.poisson_etest(cb, ca, alternative="less")
    with unbalanced():
        wdd = place.wdd(cb, ca, ca[::-1], cb[::-1])
    for start in range(0, 3000, 500):
        part = slice(start, start + 500)
        np.testing.assert_array_equal(place.poisson_etest(cb[part], ca[part], alternative="less").pvalue,
                                      whole.pvalue[part])
        with warnings.catch_warnings():   # unit 2357's unbalanced areas fall in one part only
            warnings.simplefilter("ignore", UserWarning)
            part_wdd = place.wdd(cb[part], ca[part], ca[::-1][part], cb[::-1][part])
        np.testing.assert_array_equal(part_wdd.pvalue, wdd.pvalue[part])


BAD_CALLS = [
    (lambda: place.wdd(-1, 10, 5, 5), ValueError, "treated_before must be non-negative"),
    (lambda: place.wdd(10, 2.5, 5, 5), ValueError, "treated_after must be whole"),
    (lambda: place.wdd(10, 5, np.nan, 5), ValueError, "control_before must be finite"),
    (lambda: place.wdd(10, 5, 5, [5, np.inf]), ValueError, "control_after must be finite"),
    (lambda: place.wdd(10, 5, 5, 5, displacement_before=3), ValueError,
     "displacement_after must be given with displacement_before"),
    (lambda: place.wdd(10, 5, 5, 5, control_displacement_after=3), ValueError,
     "control_displacement_before must be given with control_displacement_after"),
    (lambda: place.wdd(10, 5, 5, 5, 3, -1), ValueError, "displacement_after must be non-negative"),
    (lambda: place.wdd(10, 5, 5, 5, weights=-2), ValueError, "weights must be non-negative"),
    (lambda: place.wdd(10, 5, 5, 5, weights=np.nan), ValueError, "weights must be finite"),
    (lambda: place.wdd(10, 5, 5, 5, period_before=0), ValueError, "period_before must be positive"),
    (lambda: place.wdd(10, 5, 5, 5, period_after=-1), ValueError, "period_after must be positive"),
    (lambda: place.wdd(10, 5, 5, 5, area_sizes=(1, 1, 1)), ValueError, "area_sizes must be a sequence of 4"),
    (lambda: place.wdd(10, 5, 5, 5, area_sizes=(1, 0, 1, 1)), ValueError,
     r"area_sizes \(control\) must be positive"),
    (lambda: place.wdd([10, 5], [5, 4, 3], 5, 5), ValueError, "shape mismatch: treated_before"),
    (lambda: place.wdd([], [], [], []), ValueError, "treated_before is empty"),
    (lambda: place.wdd(10, 5, 5, 5, conf=1.2), ValueError, "conf must lie in"),
    (lambda: place.wdd(10, 5, 5, 5, conf=(0.9, 0.95)), TypeError, "conf must be a single number"),
    (lambda: place.wdd(10, 5, 5, 5, alternative="lower"), ValueError, "alternative must be one of"),
    (lambda: place.wdd([1, 2], [1, 2], 1, 1, combine=1), ValueError, "combine: axis 1 is out of range"),
    (lambda: place.wdd([1, 2], [1, 2], 1, 1, combine="all"), TypeError, "combine must be True"),
    (lambda: place.wdd([1, 2], [1, 2], 1, 1, combine=(0, 0)), ValueError, "combine repeats an axis"),
    (lambda: place.wdd([1, 2], [1, 2], 1, 1, labels=["a"]), ValueError, "labels has 1 entries"),
    (lambda: place.wdd(np.ones((2, 2)), 1, 1, 1, labels=["a", "b"]), ValueError, "labels name the units"),
    (lambda: place.wdd("10", 5, 5, 5), TypeError, "treated_before must be numeric"),
    (lambda: place.poisson_etest(-3, 4), ValueError, "count_before must be non-negative"),
    (lambda: place.poisson_etest(3, 4.5), ValueError, "count_after must be whole"),
    (lambda: place.poisson_etest(np.nan, 4), ValueError, "count_before must be finite"),
    (lambda: place.poisson_etest(3, 4, exposure_before=0), ValueError, "exposure_before must be positive"),
    (lambda: place.poisson_etest(3, 4, exposure_after=-2), ValueError, "exposure_after must be positive"),
    (lambda: place.poisson_etest(3, 4, ratio=0), ValueError, "ratio must be positive"),
    (lambda: place.poisson_etest([3, 4], [4, 5, 6]), ValueError, "shape mismatch: count_before"),
    (lambda: place.poisson_etest(3, 4, alternative="smaller"), ValueError, "alternative must be one of"),
    (lambda: place.poisson_etest(3, 4, method="etest"), ValueError, "method must be one of"),
    (lambda: place.poisson_etest(3, 4, conf=0), ValueError, "conf must lie in"),
    (lambda: place.poisson_etest(3, 4, conf="high"), TypeError, "conf must be a number"),
    (lambda: place.poisson_etest([3, None], 4), ValueError, "count_before must be finite"),
    (lambda: place.poisson_etest(["a"], 4), TypeError, "count_before must be numeric"),
    (lambda: place.poisson_etest(6e11, 5e11), ValueError,
     "count_before \\+ count_after must be at most 1e\\+12"),
]


@pytest.mark.parametrize("call, error, message", BAD_CALLS)
def test_bad_input_names_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---- treated and control areas of very different counts --------------------------------------

def test_wdd_says_it_compares_counts_and_warns_on_unbalanced_areas():
    # The treated areas fell 20 % (842 -> 677), the 12 times smaller control areas 50 %
    # (68 -> 34): the WDD (-131) is significant, in numbers of crimes, not percentages.
    with pytest.warns(UserWarning, match=r"wdd: control_before and treated_before differ more "
                      r"than 4-fold \(68 against 842\): the WDD subtracts counts, so it mostly "
                      r"reflects the change in the treated areas"):
        r = place.wdd(842, 677, 68, 34)
    text = r.narrative()
    assert ("The fall of 165 recorded crimes in the treated areas is larger than the change in "
            "the control areas (34 fewer) by more than chance would explain") in text
    assert ("in percentages the treated areas did no better (a 20% fall against a 50% fall): "
            "the test compares numbers of recorded crimes, not percentages.") in text
    assert "20% fall in the treated areas is larger" not in text
    assert ("The control areas had 68 recorded crimes before against 842 in the treated areas "
            "(12 times fewer): the WDD subtracts counts, so it mostly reflects the change in the "
            "treated areas, and the trend it takes from the control areas is a change of 34 "
            "fewer, not of the same proportion (421 fewer). Wheeler & Ratcliffe (2018)") in text
    # A control much larger than the treated areas: its change dominates.
    with pytest.warns(UserWarning, match="mostly reflects the change in the control areas"):
        big = place.wdd(20, 10, 100, 90)
    assert "(5 times more): the WDD subtracts counts" in big.narrative()
    # Several units: the warning counts them and names the first; each narrative speaks for
    # its own unit.
    with pytest.warns(UserWarning, match=r"in 1 of 2 units \(the first, unit 1: 68 against "
                                          r"842\)"):
        many = place.wdd([207, 842], [110, 677], [308, 68], [318, 34])
    lines = many.narrative()
    assert "-fold" not in lines[0] and "4-fold apart" in lines[1]


def test_wdd_balanced_areas_do_not_warn():
    # 4-fold exactly is balanced enough; the test configuration turns any warning into an error.
    for args in ((207, 110, 308, 318), (200, 120, 50, 45), (0, 0, 0, 0), (40, 30, 41, 40)):
        text = place.wdd(*args).narrative()
        assert "-fold" not in text and "percentages" not in text
    # Combined units are judged on their totals.
    place.wdd([40, 2], [30, 2], [3, 40], [3, 38], combine=True)


def test_wdd_multipliers_beyond_a_double_are_named():
    from scrutiny.errors import NumericalError
    parts = ([206, 204], [111, 110], [311, 305], [307, 329])
    with pytest.raises(NumericalError, match="weights"):
        sc.wdd(*parts, weights=[5e-324, 1.5])
    with pytest.raises(NumericalError, match="weights"):
        sc.wdd(*parts, weights=[1e308, 1.5])
    r = sc.wdd(*parts, weights=[0.0, 1.5])
    assert np.isnan(r.statistic[0]) and np.isfinite(r.statistic[1])


def test_etest_exposures_too_far_apart_are_named():
    with pytest.raises(ValueError, match="exposure_after"):
        sc.poisson_etest(20, 30, exposure_after=1e308)
    with pytest.raises(ValueError, match="ratio"):
        sc.poisson_etest(20, 30, ratio=1e308)
