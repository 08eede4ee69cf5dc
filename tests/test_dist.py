"""The C core's distribution functions (csrc/core/sc_dist.c) against SciPy and mpmath.

References: SciPy 1.17.1 (scipy.stats.beta/gamma/binom/poisson, scipy.special.betainc/gammainc),
and mpmath 1.3 at 40 digits for the residual F(quantile) - p, which judges the two when they
differ (SciPy's beta.ppf is off by up to ~1e-11 relative for counts in the thousands).
"""
import mpmath
import numpy as np
import pytest
from scipy import special, stats

from scrutiny import _core

RNG = np.random.default_rng(20261122)


def count_grid(size, top=6.5):
    n = np.floor(10 ** RNG.uniform(0, top, size))
    x = np.minimum(np.floor(RNG.uniform(0, 1, size) * (n + 1)), n)
    return x, n


@pytest.mark.parametrize("p", [0.001, 0.025, 0.5, 0.975, 0.999])
def test_beta_quantile_matches_scipy_on_clopper_pearson_parameters(p):
    x, n = count_grid(20000)
    a, b = np.maximum(x, 1.0), n - x + 1.0
    ours = _core.dist_beta_quantile(np.full(x.size, p), a, b)
    ref = stats.beta.ppf(p, a, b)
    assert not np.isnan(ours).any()
    np.testing.assert_allclose(ours, ref, rtol=5e-10, atol=1e-300)


def test_beta_quantile_finite_where_gsl_fails():
    # counts up to 5,100 (where GSL 2.7's gsl_cdf_beta_Pinv returns NaN for ~0.6 % of cases)
    n = np.arange(1.0, 5101.0, 7.0)
    x = np.floor(n * 0.37)
    for p in (0.001, 0.025, 0.975, 0.999):
        q = _core.dist_beta_quantile(np.full(n.size, p), x + 1.0, n - x)
        assert np.isfinite(q).all()
        np.testing.assert_allclose(q, stats.beta.ppf(p, x + 1.0, n - x), rtol=5e-10)


@pytest.mark.parametrize("a,b,p", [
    (1000.0, 22374.0, 0.975), (39902.0, 1000.0, 0.025), (3.0, 8.0, 0.025),
    (0.5, 0.5, 0.3), (25000.0, 7500.0, 0.001), (1.0, 15236.0, 0.001), (12.0, 1e7, 0.999),
])
def test_beta_quantile_residual_by_mpmath(a, b, p):
    mpmath.mp.dps = 40
    q = float(_core.dist_beta_quantile([p], [a], [b])[0])
    cdf = mpmath.betainc(a, b, 0, q, regularized=True)
    pdf = mpmath.exp(mpmath.log(q) * (a - 1) + mpmath.log(1 - q) * (b - 1) - mpmath.log(mpmath.beta(a, b)))
    # the error in q implied by the residual, relative to q
    assert abs(float((cdf - p) / pdf)) <= 1e-11 * q


@pytest.mark.parametrize("p", [0.001, 0.025, 0.975, 0.999])
def test_gamma_quantile_matches_scipy(p):
    shape = np.concatenate([RNG.uniform(0.01, 1, 500), np.floor(10 ** RNG.uniform(0, 7, 5000)) + 0.5])
    ours = _core.dist_gamma_quantile(np.full(shape.size, p), shape)
    np.testing.assert_allclose(ours, stats.gamma.ppf(p, shape), rtol=1e-11)


@pytest.mark.parametrize("a,p", [(1e5, 0.001), (3.25, 0.999), (0.05, 0.5), (25000.5, 0.975)])
def test_gamma_quantile_residual_by_mpmath(a, p):
    mpmath.mp.dps = 40
    q = float(_core.dist_gamma_quantile([p], [a])[0])
    cdf = mpmath.gammainc(a, 0, q, regularized=True)
    pdf = mpmath.exp((a - 1) * mpmath.log(q) - q - mpmath.loggamma(a))
    assert abs(float((cdf - p) / pdf)) <= 1e-12 * q


def test_incomplete_functions_match_scipy():
    a = 10 ** RNG.uniform(-1, 5, 5000)
    b = 10 ** RNG.uniform(-1, 5, 5000)
    x = RNG.uniform(0, 1, 5000)
    P, Q = _core.dist_beta_inc(x, a, b)
    np.testing.assert_allclose(P, special.betainc(a, b, x), rtol=1e-10, atol=1e-250)
    np.testing.assert_allclose(Q, special.betaincc(a, b, x), rtol=1e-10, atol=1e-250)
    g = x * 3 * a
    P, Q = _core.dist_gamma_inc(a, g)
    np.testing.assert_allclose(P, special.gammainc(a, g), rtol=1e-10, atol=1e-250)
    np.testing.assert_allclose(Q, special.gammaincc(a, g), rtol=1e-10, atol=1e-250)


@pytest.mark.parametrize("p", [0.001, 0.025, 0.5, 0.975, 0.999])
def test_discrete_quantiles_match_scipy(p):
    _, n = count_grid(20000)
    prob = RNG.uniform(0.001, 0.999, n.size)
    r, cdf, pmf = _core.dist_binom_quantile(np.full(n.size, p), n, prob)
    np.testing.assert_array_equal(r, stats.binom.ppf(p, n, prob))
    np.testing.assert_allclose(cdf, stats.binom.cdf(r, n, prob), rtol=1e-11, atol=1e-15)
    np.testing.assert_allclose(pmf, stats.binom.pmf(r, n, prob), rtol=1e-9)
    mu = n * prob
    r, cdf, pmf = _core.dist_pois_quantile(np.full(n.size, p), mu)
    np.testing.assert_array_equal(r, stats.poisson.ppf(p, mu))
    np.testing.assert_allclose(cdf, stats.poisson.cdf(r, mu), rtol=1e-11, atol=1e-15)
    # SciPy's Poisson pmf is off by up to ~1e-8 relative for means in the millions (mpmath below)
    np.testing.assert_allclose(pmf, stats.poisson.pmf(r, mu), rtol=1e-7)


def test_poisson_pmf_by_mpmath():
    mpmath.mp.dps = 30
    for r, mu in [(2558126.0, 2556186.0528143924), (7.0, 3.25), (150.0, 180.5)]:
        exact = mpmath.exp(-mpmath.mpf(mu) + r * mpmath.log(mu) - mpmath.loggamma(r + 1))
        _, pmf = _core.dist_pois_cdf([r], [mu])
        assert abs(float((pmf[0] - exact) / exact)) < 1e-13


def test_boundaries_and_domain():
    assert _core.dist_beta_quantile([0.0, 1.0], [2.0, 2.0], [3.0, 3.0]).tolist() == [0.0, 1.0]
    assert _core.dist_gamma_quantile([0.0], [2.0]).tolist() == [0.0]
    assert np.isnan(_core.dist_beta_quantile([0.5, 1.5, 0.5], [-1.0, 1.0, 1.0], [1.0, 1.0, 0.0])).all()
    assert np.isnan(_core.dist_gamma_quantile([0.5, np.nan], [0.0, 1.0])).all()
    r, cdf, pmf = _core.dist_binom_quantile([0.3], [0.0], [0.4])
    assert (r[0], cdf[0], pmf[0]) == (0.0, 1.0, 1.0)


def test_normal_quantile_exact():
    assert _core.dist_norm_quantile([0.975])[0] == pytest.approx(1.959963984540054, rel=1e-15)


def test_binding_rejects_mismatched_and_non_numeric_input():
    with pytest.raises(ValueError, match="a has 2 values but p has 1"):
        _core.dist_beta_quantile([0.5], [1.0, 2.0], [1.0])
    with pytest.raises(TypeError, match="p must be numeric"):
        _core.dist_beta_quantile(["x"], [1.0], [1.0])
