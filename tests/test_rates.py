"""Tests of scrutiny.rates.

References (tests/reference/, each with the script that wrote it and the exact calls):
- rates_r_*.csv: R 4.2.2 stats (prop.test, binom.test, poisson.test, p.adjust), from rates_r.R;
- rates_statsmodels_proportion_ci.csv: statsmodels 0.15.0 proportion_confint, from
  rates_statsmodels.py;
- rates_phe_*.csv: base-R transliteration of PHEindicatormethods (byars_*, phe_rate,
  calculate_dsr, calculate_ISRatio), from rates_phe.R;
- SciPy's binomtest (an independent implementation of R's two-sided rule) as a slow oracle.
Statistical properties: exact coverage and size by enumeration, and by simulation.
"""
from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import scrutiny as sc
from scrutiny import rates

REF = pathlib.Path(__file__).parent / "reference"
QUANTILE_RTOL = 1e-10   # limits from beta / gamma quantiles (solver accuracy at n = 1e5)
CLOSED_RTOL = 1e-12     # closed-form statistics and p-values


def ref(name: str) -> pd.DataFrame:
    return pd.read_csv(REF / name)


def r_alternative(alt: str) -> str:
    return alt.replace(".", "-")


# ---- proportion_ci ------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["wilson", "exact"])
def test_proportion_ci_matches_r(method):
    table = ref("rates_r_proportion_ci.csv")
    for conf, g in table.groupby("conf"):
        r = sc.proportion_ci(g.x.to_numpy(), g.n.to_numpy(), conf=conf, method=method)
        np.testing.assert_allclose(r.lower, g[f"{method}_lower"], rtol=QUANTILE_RTOL, atol=1e-300)
        np.testing.assert_allclose(r.upper, g[f"{method}_upper"], rtol=QUANTILE_RTOL)
        np.testing.assert_array_equal(r.estimate, g.x / g.n)


@pytest.mark.parametrize("method", ["jeffreys", "agresti-coull", "wald"])
def test_proportion_ci_matches_statsmodels(method):
    table = ref("rates_statsmodels_proportion_ci.csv")
    for conf, g in table[table.method == method].groupby("conf"):
        r = sc.proportion_ci(g.x.to_numpy(), g.n.to_numpy(), conf=conf, method=method)
        np.testing.assert_allclose(r.lower, g.lower, rtol=QUANTILE_RTOL, atol=1e-15)
        np.testing.assert_allclose(r.upper, g.upper, rtol=QUANTILE_RTOL, atol=1e-15)


def test_wilson_and_exact_endpoints_are_exact():
    for method in ("wilson", "exact"):
        r = sc.proportion_ci([0, 0, 7, 7], [1, 9, 7, 19], method=method)
        assert r.lower[0] == 0.0 and r.lower[1] == 0.0
        assert r.upper[2] == 1.0
        assert 0.0 < r.lower[3] < 7 / 19 < r.upper[3] < 1.0


def test_proportion_ci_scalar_in_float_out():
    r = sc.proportion_ci(23, 61)
    assert type(r.estimate) is float and type(r.lower) is float and type(r.upper) is float
    assert r.conf == 0.95 and r.method == "wilson"


def test_proportion_ci_several_levels_add_trailing_axis():
    x, n = np.array([[3, 17], [0, 40]]), np.array([[29, 61], [12, 40]])
    r = sc.proportion_ci(x, n, conf=(0.95, 0.998), method="exact")
    assert r.lower.shape == (2, 2, 2) and r.conf == (0.95, 0.998)
    for j, conf in enumerate((0.95, 0.998)):
        one = sc.proportion_ci(x, n, conf=conf, method="exact")
        np.testing.assert_array_equal(r.lower[..., j], one.lower)
        np.testing.assert_array_equal(r.upper[..., j], one.upper)


def test_proportion_ci_broadcasts_and_to_frame():
    r = sc.proportion_ci(np.array([1, 5, 9]), 20, conf=[0.9, 0.95])
    assert r.lower.shape == (3, 2)
    frame = r.to_frame()
    assert list(frame.conf) == [0.9, 0.95] * 3
    np.testing.assert_array_equal(frame.lower.to_numpy(), r.lower.ravel())
    np.testing.assert_array_equal(frame.estimate.to_numpy(), np.repeat(r.estimate, 2))
    assert "ProportionCIResult" in repr(r) and "<table" in r._repr_html_()


# ---- rate_ci -------------------------------------------------------------------------------

def test_rate_ci_exact_matches_r_poisson_test():
    table = ref("rates_r_rate_ci.csv")
    for conf, g in table.groupby("conf"):
        r = sc.rate_ci(g["count"].to_numpy(), g.exposure.to_numpy(), conf=conf, method="exact")
        np.testing.assert_allclose(r.lower, g.lower, rtol=QUANTILE_RTOL)
        np.testing.assert_allclose(r.upper, g.upper, rtol=QUANTILE_RTOL)


def test_rate_ci_byar_and_phe_match_phe_transliteration():
    table = ref("rates_phe_rate_ci.csv")
    for conf, g in table.groupby("conf"):
        counts, expo = g["count"].to_numpy(), g.exposure.to_numpy()
        phe = sc.rate_ci(counts, expo, conf=conf, method="phe", per=1000)
        np.testing.assert_allclose(phe.lower, g.phe_lower, rtol=QUANTILE_RTOL)
        np.testing.assert_allclose(phe.upper, g.phe_upper, rtol=QUANTILE_RTOL)
        byar = sc.rate_ci(counts, expo, conf=conf, method="byar", per=1000)
        np.testing.assert_allclose(byar.upper, g.byar_upper, rtol=CLOSED_RTOL)
        # byars_lower is NaN at 0 events (0 * -Inf) and negative for tiny counts at high
        # levels; scrutiny reports 0 there and PHE's value elsewhere.
        expected = np.where(np.isnan(g.byar_lower), 0.0, np.maximum(g.byar_lower, 0.0))
        np.testing.assert_allclose(byar.lower, expected, rtol=CLOSED_RTOL)
        np.testing.assert_array_equal(byar.estimate, counts / expo * 1000)


def test_rate_ci_phe_switches_to_byar_at_ten():
    exact = sc.rate_ci([9, 10], 13.7, method="exact")
    byar = sc.rate_ci([9, 10], 13.7, method="byar")
    phe = sc.rate_ci([9, 10], 13.7, method="phe")
    assert phe.lower[0] == exact.lower[0] and phe.upper[0] == exact.upper[0]
    assert phe.lower[1] == byar.lower[1] and phe.upper[1] == byar.upper[1]


# ---- test_target ---------------------------------------------------------------------------

def test_test_target_matches_r_binom_test():
    table = ref("rates_r_binom_test.csv")
    for (alt, conf), g in table.groupby(["alternative", "conf"]):
        r = sc.test_target(g.x.to_numpy(), g.n.to_numpy(), g.target.to_numpy(),
                           alternative=r_alternative(alt), conf=conf)
        np.testing.assert_allclose(r.pvalue, g.pvalue, rtol=1e-11, atol=1e-300)
        np.testing.assert_allclose(r.lower, g.lower, rtol=QUANTILE_RTOL)
        np.testing.assert_allclose(r.upper, g.upper, rtol=QUANTILE_RTOL)
        np.testing.assert_array_equal(r.statistic, g.x)


def test_test_target_two_sided_matches_scipy_oracle():
    """Binary search over the unimodal pmf gives R's count (SciPy implements the same rule)."""
    rng = np.random.default_rng(2385)
    n = np.concatenate([rng.integers(1, 60, 300), rng.integers(60, 5000, 200), [10**6, 123457]])
    p = np.concatenate([rng.uniform(0.001, 0.999, 500), [0.0013, 0.5]])
    x = rng.binomial(n, np.clip(p + rng.normal(0, 0.05, n.size), 0, 1))
    ours = sc.test_target(x, n, p).pvalue
    oracle = np.array([stats.binomtest(int(k), int(m), q).pvalue for k, m, q in zip(x, n, p)])
    np.testing.assert_allclose(ours, oracle, rtol=1e-9, atol=1e-300)


def test_test_target_ties_and_degenerate_targets():
    # x == n p exactly: p-value 1; symmetric ties at p = 0.5 are counted on both sides
    assert sc.test_target(5, 10, 0.5).pvalue == 1.0
    assert sc.test_target(2, 10, 0.5).pvalue == pytest.approx(2 * stats.binom.cdf(2, 10, 0.5), rel=1e-13)
    assert sc.test_target(0, 7, 0.0).pvalue == 1.0 and sc.test_target(1, 7, 0.0).pvalue == 0.0
    assert sc.test_target(7, 7, 1.0).pvalue == 1.0 and sc.test_target(6, 7, 1.0).pvalue == 0.0


def test_test_target_result_unpacks_and_is_not_collected():
    statistic, pvalue = sc.test_target(3, 20, 0.5)
    assert statistic == 3.0 and pvalue == pytest.approx(0.0025768280029296901, rel=1e-12)
    assert rates.test_target.__test__ is False


# ---- compare_proportions, compare_rates, homogeneity ---------------------------------------

def test_compare_proportions_matches_r_prop_test():
    table = ref("rates_r_prop_test2.csv")
    for (correct, conf), g in table.groupby(["correct", "conf"]):
        r = sc.compare_proportions(g.x1.to_numpy(), g.n1.to_numpy(), g.x2.to_numpy(),
                                   g.n2.to_numpy(), conf=conf, correct=bool(correct))
        np.testing.assert_allclose(r.statistic, g.statistic, rtol=CLOSED_RTOL, atol=1e-300)
        np.testing.assert_allclose(r.pvalue, g.pvalue, rtol=CLOSED_RTOL)
        np.testing.assert_allclose(r.lower, g.lower, rtol=CLOSED_RTOL, atol=1e-15)
        np.testing.assert_allclose(r.upper, g.upper, rtol=CLOSED_RTOL, atol=1e-15)
        np.testing.assert_allclose(r.estimate, np.column_stack([g.p1, g.p2]), rtol=1e-15)
        assert r.df == 1.0 and r.correct == bool(correct)
    np.testing.assert_array_equal(r.difference, r.p1 - r.p2)


def test_compare_proportions_ratio_and_degenerate_cases():
    r = sc.compare_proportions([3, 0, 5], [250, 20, 10], [0, 0, 5], [198, 30, 10])
    assert r.ratio[0] == np.inf and np.isnan(r.ratio[1]) and r.ratio[2] == 1.0
    # no successes anywhere: R's statistic is NaN (0/0), and so is the p-value
    assert np.isnan(r.statistic[1]) and np.isnan(r.pvalue[1])
    assert r.statistic[2] == 0.0 and r.pvalue[2] == 1.0
    one = sc.compare_proportions(15, 83, 27, 91)
    assert one.estimate == pytest.approx((15 / 83, 27 / 91)) and type(one.pvalue) is float


def test_compare_rates_matches_r_poisson_test():
    table = ref("rates_r_poisson_test2.csv")
    for (alt, conf), g in table.groupby(["alternative", "conf"]):
        r = sc.compare_rates(g.count1.to_numpy(), g.exposure1.to_numpy(), g.count2.to_numpy(),
                             g.exposure2.to_numpy(), conf=conf, alternative=r_alternative(alt))
        np.testing.assert_allclose(r.pvalue, g.pvalue, rtol=1e-11, atol=1e-300)
        np.testing.assert_allclose(r.lower, g.lower, rtol=QUANTILE_RTOL)
        np.testing.assert_allclose(r.upper, g.upper, rtol=QUANTILE_RTOL)
        np.testing.assert_allclose(r.ratio, g.ratio, rtol=1e-15)
        np.testing.assert_array_equal(r.statistic, g.statistic)


def test_compare_rates_without_events():
    r = sc.compare_rates(0, 10.0, 0, 12.5)
    assert r.pvalue == 1.0 and r.lower == 0.0 and r.upper == np.inf and np.isnan(r.ratio)


def test_homogeneity_matches_r_prop_test():
    for _, row in ref("rates_r_homogeneity.csv").iterrows():
        x = [float(v) for v in row.x.split()]
        n = [float(v) for v in row.n.split()]
        r = sc.homogeneity(x, n, correct=bool(row.correct))
        assert r.statistic == pytest.approx(row.statistic, rel=CLOSED_RTOL)
        assert r.pvalue == pytest.approx(row.pvalue, rel=CLOSED_RTOL)
        assert r.df == row.df
        np.testing.assert_array_equal(r.estimate, np.array(x) / np.array(n))


def test_homogeneity_of_two_equals_compare_proportions():
    for correct in (False, True):
        h = sc.homogeneity([15, 27], [83, 91], correct=correct)
        c = sc.compare_proportions(15, 83, 27, 91, correct=correct)
        assert (h.statistic, h.pvalue) == (c.statistic, c.pvalue)
    assert "with continuity" in sc.homogeneity([15, 27], [83, 91], correct=True).method
    assert "without" in sc.homogeneity([1, 2, 3], [9, 9, 9], correct=True).method


# ---- multiple_testing ----------------------------------------------------------------------

@pytest.mark.parametrize("r_name,method", [("BH", "bh"), ("BY", "by"), ("holm", "holm"),
                                           ("bonferroni", "bonferroni"), ("hochberg", "hochberg")])
def test_multiple_testing_matches_r_p_adjust(r_name, method):
    g = ref("rates_r_p_adjust.csv").query("method == @r_name")
    got = sc.multiple_testing(g.p.to_numpy(), method)
    np.testing.assert_allclose(got, g.adjusted, rtol=1e-15)
    assert np.isnan(got[np.isnan(g.p.to_numpy())]).all()


def test_multiple_testing_shapes_and_series():
    p = pd.Series([0.01, 0.2, np.nan], index=["north", "south", "east"], name="p")
    out = sc.multiple_testing(p, "holm")
    assert isinstance(out, pd.Series) and list(out.index) == list(p.index) and out.name == "p"
    assert out["north"] == pytest.approx(0.02) and np.isnan(out["east"])
    grid = np.array([[0.01, 0.04], [0.03, 0.2]])
    np.testing.assert_array_equal(sc.multiple_testing(grid), sc.multiple_testing(grid.ravel()).reshape(2, 2))
    assert sc.multiple_testing(0.3) == 0.3


# ---- dsr and isr ---------------------------------------------------------------------------

def dsr_inputs():
    inp = ref("rates_phe_dsr_inputs.csv")
    areas = inp.area.max() + 1
    counts = inp["count"].to_numpy().reshape(areas, -1)
    pops = inp.population.to_numpy().reshape(areas, -1)
    return counts, pops, inp.standard.to_numpy()[: counts.shape[1]]


def test_dsr_matches_phe_transliteration():
    counts, pops, standard = dsr_inputs()
    out = ref("rates_phe_dsr.csv")
    levels = (0.95, 0.998)
    r = sc.dsr(counts, pops, standard, conf=levels)
    for j, conf in enumerate(levels):
        g = out[out.conf == conf]
        np.testing.assert_allclose(r.estimate, g.value, rtol=CLOSED_RTOL)
        np.testing.assert_allclose(r.lower[:, j], g.lowercl, rtol=1e-11)
        np.testing.assert_allclose(r.upper[:, j], g.uppercl, rtol=CLOSED_RTOL)
        np.testing.assert_array_equal(r.total_count, g.total_count)
        np.testing.assert_array_equal(r.total_population, g.total_pop)
    assert np.isnan(r.estimate[4]) and np.isnan(r.lower[4]).all()      # 7 events: suppressed
    assert r.lower[2, 1] < 0                                            # unclipped, as PHE


def test_dsr_one_area_and_min_count():
    counts, pops, standard = dsr_inputs()
    one = sc.dsr(counts[0], pops[0], standard)
    full = sc.dsr(counts, pops, standard)
    assert type(one.estimate) is float and one.estimate == full.estimate[0]
    assert one.lower == full.lower[0] and one.method == "Dobson"
    shown = sc.dsr(counts[4], pops[4], standard, min_count=1)
    assert np.isfinite(shown.estimate) and shown.lower < shown.estimate < shown.upper
    per_thousand = sc.dsr(counts[0], pops[0], standard, per=1000)
    assert per_thousand.estimate == pytest.approx(one.estimate / 100, rel=1e-14)


def isr_inputs():
    inp = ref("rates_phe_isr_inputs.csv")
    areas = inp.area.max() + 1
    observed = inp.observed.to_numpy().reshape(areas, -1)
    pops = inp.population.to_numpy().reshape(areas, -1)
    ref_rates = (inp.x_ref / inp.n_ref).to_numpy()[: pops.shape[1]]
    return observed, pops, ref_rates


def test_isr_matches_phe_transliteration():
    observed, pops, ref_rates = isr_inputs()
    out = ref("rates_phe_isr.csv")
    levels = (0.95, 0.998)
    by_band = sc.isr(observed, pops, ref_rates, conf=levels)
    totals = sc.isr(observed.sum(axis=1), pops, ref_rates, conf=levels)
    for r in (by_band, totals):
        for j, conf in enumerate(levels):
            g = out[out.conf == conf]
            np.testing.assert_allclose(r.estimate, g.value, rtol=CLOSED_RTOL)
            np.testing.assert_allclose(r.expected, g.expected, rtol=CLOSED_RTOL)
            np.testing.assert_allclose(r.lower[:, j], g.lowercl, rtol=QUANTILE_RTOL)
            np.testing.assert_allclose(r.upper[:, j], g.uppercl, rtol=QUANTILE_RTOL)
        assert list(r.method) == ["byar", "exact", "byar", "exact", "exact"]
    scaled = sc.isr(observed[0], pops[0], ref_rates, refvalue=100)
    assert scaled.estimate == pytest.approx(100 * by_band.estimate[0], rel=1e-14)
    assert scaled.method == "byar" and type(scaled.lower) is float


# ---- statistical properties ----------------------------------------------------------------

def exact_coverage(method, n, p, conf=0.95):
    """P(lower <= p <= upper) summed over every outcome x of Binomial(n, p)."""
    x = np.arange(n + 1)
    r = sc.proportion_ci(x, n, conf=conf, method=method)
    covered = (r.lower[:, None] <= p) & (p <= r.upper[:, None])
    return (stats.binom.pmf(x[:, None], n, p) * covered).sum(axis=0)


def test_exact_interval_coverage_at_least_nominal():
    p = np.linspace(0.01, 0.99, 197)
    for n in (5, 17, 60, 250):
        for conf in (0.9, 0.95):
            assert exact_coverage("exact", n, p, conf).min() >= conf - 1e-12


def test_wilson_coverage_close_to_nominal():
    p = np.linspace(0.05, 0.95, 181)
    for n in (20, 60, 250):
        cov = exact_coverage("wilson", n, p)
        assert abs(cov.mean() - 0.95) < 0.01 and cov.min() > 0.88


def test_coverage_by_simulation():
    rng = np.random.default_rng(61)
    draws = 20000
    for n, p in ((30, 0.1), (100, 0.35), (400, 0.5)):
        x = rng.binomial(n, p, draws)
        for method, low, high in (("exact", 0.95 - 0.005, 1.0), ("wilson", 0.93, 0.98)):
            r = sc.proportion_ci(x, n, method=method)
            cover = np.mean((r.lower <= p) & (p <= r.upper))
            assert low <= cover <= high, (method, n, p, cover)
            truth = exact_coverage(method, n, np.array([p]))[0]
            assert abs(cover - truth) < 4 * np.sqrt(truth * (1 - truth) / draws)
    mu, expo = 7.5, 2.0
    counts = rng.poisson(mu * expo, 20000)
    r = sc.rate_ci(counts, expo, method="exact")
    assert np.mean((r.lower <= mu) & (mu <= r.upper)) >= 0.945


def test_test_target_size_by_enumeration_and_simulation():
    for n, p0 in ((10, 0.5), (37, 0.2385), (120, 0.05), (500, 0.7)):
        x = np.arange(n + 1)
        pmf = stats.binom.pmf(x, n, p0)
        for alt in ("two-sided", "less", "greater"):
            pv = sc.test_target(x, n, p0, alternative=alt).pvalue
            for alpha in (0.01, 0.05, 0.1):
                assert pmf[pv <= alpha].sum() <= alpha + 1e-12
    rng = np.random.default_rng(7)
    x = rng.binomial(80, 0.3, 50000)
    size = np.mean(sc.test_target(x, 80, 0.3).pvalue <= 0.05)
    assert 0.03 <= size <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / 50000)


# ---- input handling ------------------------------------------------------------------------


def test_parallel_kernels_match_small_batches():
    """Above the OpenMP threshold the answers equal those computed in small serial slices."""
    rng = np.random.default_rng(11)
    n = rng.integers(1, 3000, 6000)
    x = rng.binomial(n, 0.3)
    whole = sc.test_target(x, n, 0.3)
    ci = sc.proportion_ci(x, n, method="jeffreys")
    for start in range(0, 6000, 1000):
        part = slice(start, start + 1000)
        np.testing.assert_array_equal(sc.test_target(x[part], n[part], 0.3).pvalue, whole.pvalue[part])
        np.testing.assert_array_equal(sc.proportion_ci(x[part], n[part], method="jeffreys").lower, ci.lower[part])


BAD_CALLS = [
    (lambda: sc.proportion_ci(-1, 10), ValueError, "x must be non-negative"),
    (lambda: sc.proportion_ci(1.5, 10), ValueError, "x must be whole"),
    (lambda: sc.proportion_ci(np.nan, 10), ValueError, "x must be finite"),
    (lambda: sc.proportion_ci(3, 0), ValueError, "n must be positive"),
    (lambda: sc.proportion_ci([3, 12], [20, 10]), ValueError, r"n must be >= x \(area 1: 10 < 12\)"),
    (lambda: sc.proportion_ci([1, 2], [3, 4, 5]), ValueError, "shape mismatch"),
    (lambda: sc.proportion_ci([], []), ValueError, "x is empty"),
    (lambda: sc.proportion_ci(1, 10, conf=1.0), ValueError, "conf must lie in"),
    (lambda: sc.proportion_ci(1, 10, conf=(0.9, 0)), ValueError, "conf must lie in"),
    (lambda: sc.proportion_ci(1, 10, method="clopper"), ValueError, "method must be one of"),
    (lambda: sc.proportion_ci("3", 10), TypeError, "x must be numeric"),
    (lambda: sc.rate_ci(3, 0.0), ValueError, "exposure must be positive"),
    (lambda: sc.rate_ci(3, 1.0, per=-5), ValueError, "per must be positive"),
    (lambda: sc.rate_ci(2.5, 1.0), ValueError, "count must be whole"),
    (lambda: sc.rate_ci(3, 1.0, method="wilson"), ValueError, "method must be one of"),
    (lambda: sc.test_target(3, 10, 1.2), ValueError, "target must lie in"),
    (lambda: sc.test_target(11, 10, 0.5), ValueError, "n must be >= x"),
    (lambda: sc.test_target(3, 10, 0.5, alternative="two.sided"), ValueError, "alternative must be one of"),
    (lambda: sc.test_target(3, 10, 0.5, conf=(0.9, 0.95)), TypeError, "conf must be a single number"),
    (lambda: sc.compare_proportions(5, 4, 1, 10), ValueError, "n1 must be >= x1"),
    (lambda: sc.compare_proportions(1, 4, -1, 10), ValueError, "x2 must be non-negative"),
    (lambda: sc.compare_rates(3, 1.0, 4, -2.0), ValueError, "exposure2 must be positive"),
    (lambda: sc.compare_rates(3, 1.0, 4, 2.0, alternative="lesser"), ValueError, "alternative"),
    (lambda: sc.homogeneity([3], [10]), ValueError, "x must hold at least 2 areas"),
    (lambda: sc.homogeneity([3, 4], [10, 10, 10]), ValueError, "n has shape"),
    (lambda: sc.homogeneity([[3, 4]], [[10, 10]]), ValueError, "x must be one-dimensional"),
    (lambda: sc.multiple_testing([0.2, 1.3]), ValueError, r"pvalues must lie in \[0, 1\] \(position 1"),
    (lambda: sc.multiple_testing([0.2, np.inf]), ValueError, "pvalues must lie in"),
    (lambda: sc.multiple_testing([0.2], method="fdr"), ValueError, "method must be one of"),
    (lambda: sc.multiple_testing([]), ValueError, "pvalues is empty"),
    (lambda: sc.dsr([1, 2], [10, 0], [5, 5]), ValueError, "populations must be positive"),
    (lambda: sc.dsr([1, 2], [10, 20], [5, 5, 5]), ValueError, "standard must hold one value per band"),
    (lambda: sc.dsr([1, 2], [10, 20], [0, 0]), ValueError, "standard must have a positive total"),
    (lambda: sc.dsr([1, 2], [10, 20, 30], [5, 5]), ValueError, "populations has shape"),
    (lambda: sc.dsr([[[1]]], [[[10]]], [5]), ValueError, "counts must be 1-D"),
    (lambda: sc.dsr([1, 2], [10, 20], [5, 5], min_count=0), ValueError, "min_count must be >= 1"),
    (lambda: sc.dsr([1, 2], [10, 20], [5, 5], per=[1, 2]), TypeError, "per must be a single number"),
    (lambda: sc.isr(3, [10, 20], [0.1, -0.2]), ValueError, "reference_rates must be non-negative"),
    (lambda: sc.isr(3, [10, 20], [0.0, 0.0]), ValueError, "expected events"),
    (lambda: sc.isr([1, 2, 3], [10, 20], [0.1, 0.2]), ValueError, "observed must have shape"),
    (lambda: sc.isr(3, [10, 20], [0.1, 0.2], refvalue=0), ValueError, "refvalue must be positive"),
]


@pytest.mark.parametrize("call,exc,message", BAD_CALLS)
def test_bad_input_raises_naming_the_argument(call, exc, message):
    with pytest.raises(exc, match=message):
        call()


def test_kernels_refuse_bad_input_directly():
    """The core checks its own preconditions: a status, mapped to ValueError, never a crash."""
    core = sc._core
    # An impossible count gives None: proportion_ci then runs its detailed checks for the message.
    assert core.rates_proportion_ci(np.array([5.0]), np.array([3.0]), np.array([0.95]), 0, 0) is None
    assert core.rates_proportion_ci(np.array([5]), np.array([3]), np.array([0.95]), 1, 0) is None
    with pytest.raises(ValueError, match="x and n must have one length"):
        core.rates_proportion_ci(np.array([1]), np.array([3, 4]), np.array([0.95]), 0, 0)
    with pytest.raises(ValueError, match="proportion_ci"):
        core.rates_proportion_ci(np.array([1.0]), np.array([3.0]), np.array([0.95]), 9, 0)
    with pytest.raises(ValueError, match="test_target"):
        core.rates_binom_test(np.array([1.0]), np.array([3.0]), np.array([1.5]), 0, 0.95, 0)
    with pytest.raises(ValueError, match="n has 2 values but x has 1"):
        core.rates_proportion_ci(np.array([1.0]), np.array([3.0, 4.0]), np.array([0.95]), 0, 0)
    with pytest.raises(ValueError, match="dsr"):
        core.rates_dsr(np.ones((2, 3)), np.ones((2, 3)), np.ones(2), np.array([0.95]), 10.0, 1e5, 0)
    with pytest.raises(ValueError, match="homogeneity"):
        core.rates_homogeneity(np.array([1.0]), np.array([3.0]), False)


@pytest.mark.parametrize("method", ["wilson", "exact", "jeffreys", "agresti-coull", "wald"])
def test_one_pass_kernel_matches_the_general_path(method):
    """int64 and float64 arrays of one shape go straight to the one-pass kernel; lists, mixed
    dtypes and broadcasting take the general path.  Every form gives the same numbers."""
    rng = np.random.default_rng(11)
    n = rng.integers(1, 5000, size=9000)
    x = rng.binomial(n, 0.3)
    direct = sc.proportion_ci(x, n, conf=(0.9, 0.95), method=method)
    as_float = sc.proportion_ci(x.astype(float), n.astype(float), conf=(0.9, 0.95), method=method)
    general = sc.proportion_ci(x.astype(np.int32), n.tolist(), conf=(0.9, 0.95), method=method)
    for r in (as_float, general):
        np.testing.assert_array_equal(r.estimate, direct.estimate)
        np.testing.assert_array_equal(r.lower, direct.lower)
        np.testing.assert_array_equal(r.upper, direct.upper)
    np.testing.assert_array_equal(direct.estimate, x / n)


def test_one_pass_kernel_reads_int64_counts_beyond_2_to_52():
    """int64 counts at or above 2^52 take the exact conversion, not the fast exponent trick."""
    x = np.array([2**52 + 1, 3, 2**62 - 1], dtype=np.int64)
    n = np.array([2**53, 4, 2**62], dtype=np.int64)
    r = sc.proportion_ci(x, n)
    np.testing.assert_array_equal(r.estimate, x.astype(float) / n.astype(float))
    np.testing.assert_array_equal(r.lower, sc.proportion_ci(x.astype(float), n.astype(float)).lower)


@pytest.mark.parametrize("dtype", [np.int64, np.float64])
def test_one_pass_kernel_errors_name_argument_and_area(dtype):
    n = np.full(10_000, 50, dtype=dtype)
    x = np.full(10_000, 20, dtype=dtype)
    x[7_321] = 60
    with pytest.raises(ValueError, match=r"n must be >= x \(area 7321: 50 < 60\)"):
        sc.proportion_ci(x, n)
    x[7_321] = -1
    with pytest.raises(ValueError, match="x.*negative.*7321"):
        sc.proportion_ci(x, n)
    x[7_321] = 20
    n[9_999] = 0
    with pytest.raises(ValueError, match="n.*9999"):
        sc.proportion_ci(x, n, method="wald")
    if dtype is np.float64:
        n[9_999] = 50.5
        with pytest.raises(ValueError, match="n.*whole.*9999"):
            sc.proportion_ci(x, n)
        n[9_999] = np.inf
        with pytest.raises(ValueError, match="n.*9999"):
            sc.proportion_ci(x, n)


@pytest.mark.parametrize("call, argument", [
    ("sc.test_target(5, 10**17, 0.3)", "n"),
    ("sc.compare_rates(10**17, 1.0, 5, 1.0)", "count1"),
    ("sc.proportion_ci(10, 1e308)", "n"),
    ("sc.proportion_ci(10, 1e300)", "n"),
    ("sc.proportion_ci(np.array([10, 2**62]), np.array([2**62, 2**62]), method='exact')", "x"),
])
def test_counts_from_2_53_are_refused_without_hanging(call, argument):
    from conftest import assert_counts_refused
    assert_counts_refused(call, argument)


def test_exact_test_just_below_2_53_ends_and_is_never_silently_wrong():
    """Where a binomial tail cannot be computed the p-value is a NumericalError, never 1."""
    from conftest import run_bounded
    last = run_bounded("print(sc.test_target(5, 2**53 - 1, 0.3).pvalue < 1e-300)")
    assert last == "True" or last.startswith("scrutiny.errors.NumericalError")


@pytest.mark.parametrize("x", [0, 1, 5])
@pytest.mark.parametrize("n", [1.3e9, 2e9, 1e12, 2.0**53 - 1])
@pytest.mark.parametrize("method", ["exact", "jeffreys"])
def test_quantile_limits_at_very_large_n(x, n, method):
    """The gamma limit of the beta quantile where the continued fraction is infeasible: as
    qbeta (R binom.test's upper limit at x = 0, n = 2e9 is 1.844e-9)."""
    r = sc.proportion_ci(x, n, method=method)
    a, b = (x, n - x + 1.0) if method == "exact" else (x + 0.5, n - x + 0.5)
    want_lo = stats.beta.ppf(0.025, a, b) if a > 0 else 0.0
    want_hi = stats.beta.ppf(0.975, a + (method == "exact"), b - (method == "exact"))
    assert r.upper == pytest.approx(want_hi, rel=2e-8)
    assert r.lower == pytest.approx(want_lo, rel=2e-8, abs=0.0)
    if (x, n, method) == (0, 2e9, "exact"):
        assert r.upper == pytest.approx(1.8444397e-9, rel=1e-7)


def test_wald_at_x_equal_n_is_exactly_one():
    n = np.arange(1.0, 20_001.0)
    r = sc.proportion_ci(n, n, method="wald")
    assert (r.lower == 1.0).all() and (r.upper == 1.0).all()


@pytest.mark.parametrize("call, names", [
    (lambda: sc.rate_ci(10, 1e-308), "exposure or per too extreme"),
    (lambda: sc.rate_ci(10, 1.0, per=1e308), "exposure or per too extreme"),
    (lambda: sc.compare_rates(10, 5e-324, 5, 1.0), "exposure1 too extreme"),
    (lambda: sc.compare_rates(10, 1.0, 5, 1e-320), "exposure2 too extreme"),
])
def test_rates_beyond_a_double_are_a_numerical_error(call, names):
    with pytest.raises(sc.NumericalError, match=names):
        call()


@pytest.mark.parametrize("call, names", [
    (lambda: sc.dsr([[20, 30]], [[1e-300, 1e-300]], [1, 1]), "populations, standard or per too extreme"),
    (lambda: sc.isr([20, 30], [[1000, 1000], [1000, 1000]], [1e-320, 1e-320]),
     "populations, reference_rates or refvalue too extreme"),
])
def test_standardised_rates_beyond_a_double_are_a_numerical_error(call, names):
    with pytest.raises(sc.NumericalError, match=names):
        call()


def test_extreme_magnitudes_are_computed():
    # the standard's scale does not matter; the expected count does not overflow
    counts, pops = [[12, 30, 41]], [[5000, 12000, 3000]]
    a = sc.dsr(counts, pops, [5500, 12500, 3500])
    b = sc.dsr(counts, pops, [5500e300, 12500e300, 3500e300])
    np.testing.assert_allclose(b.lower, a.lower, rtol=1e-12)
    np.testing.assert_allclose(b.upper, a.upper, rtol=1e-12)
    r = sc.compare_rates(11, 1e308, 23, 3.1)
    assert r.expected == pytest.approx(34.0)
