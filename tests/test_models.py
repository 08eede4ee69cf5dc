"""Tests of scrutiny.models: count_trend and its.

References (each beside its numbers in tests/reference/, with the tool versions and the calls):
- glm_r.R -> glm_inputs.csv (the data), glm_r_params.csv, glm_r_fit.csv: R 4.2.2 glm(family =
  poisson), MASS 7.3-58.2 glm.nb (both iterated to full convergence), lm + sandwich 3.0-2 NeweyWest(prewhite = FALSE) / bwNeweyWest
  + lmtest 0.9-40 coeftest / coefci.
- statsmodels 0.15 (GLM Poisson, discrete NegativeBinomial, OLS with HAC covariance) as a
  second, independent implementation, in this file.
- NumPy oracles for the counterfactual and the delta-method relative effect, in this file.
"""
from __future__ import annotations

import pathlib
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from scrutiny import ConvergenceError, NumericalError
from scrutiny.models import count_trend, its

REF = pathlib.Path(__file__).parent / "reference"
INPUTS = pd.read_csv(REF / "glm_inputs.csv")
PARAMS = pd.read_csv(REF / "glm_r_params.csv")
FITS = pd.read_csv(REF / "glm_r_fit.csv")


def _case(name: str) -> pd.DataFrame:
    return INPUTS[INPUTS["case"] == name]


def _fit(args):
    """The scrutiny fit of each reference case and model (the same data and model as R)."""
    case, model = args
    d = _case(case)
    if case == "monthly48":
        return count_trend(d.y, d.exposure, period=12 if model == "poisson" else None)
    if case == "overdispersed60":
        family = "poisson" if model == "poisson" else "negbin"
        return count_trend(d.y, d.exposure, period=None if model.endswith("noseason") else 12,
                           family=family)
    if case == "quarters":
        return count_trend(d.y, t=d.t, season=d.season)
    if case == "sparse24":
        return count_trend(d.y, period=12)
    if case == "its36":
        lag, adjust = model.split("_")[1][3:], model.endswith("TRUE")
        return its(d.y, 20, hac_lags=None if lag == "auto" else int(lag), hac_adjust=adjust)
    if case == "its48s":
        return its(d.y, 30, hac_lags=2, period=12, conf=0.9)
    return its(d.y, 30, family=model, exposure=d.exposure, period=12)


CASES = list(FITS[["case", "model"]].itertuples(index=False, name=None))


# ---- agreement with R -----------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=[f"{c}-{m}" for c, m in CASES])
def test_matches_r(case):
    res = _fit(case)
    ref = PARAMS[(PARAMS["case"] == case[0]) & (PARAMS["model"] == case[1])].set_index("term")
    fit = FITS[(FITS["case"] == case[0]) & (FITS["model"] == case[1])].iloc[0]
    assert res.status == "ok"
    assert list(res.params.index) == list(ref.index)          # term names and their order
    np.testing.assert_allclose(res.params, ref["estimate"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(res.bse, ref["std_error"], rtol=1e-9)
    np.testing.assert_allclose(res.pvalues, ref["pvalue"], rtol=1e-8, atol=1e-300)
    assert res.deviance == pytest.approx(fit["deviance"], rel=1e-10)
    assert res.dispersion == pytest.approx(fit["dispersion"], rel=1e-10)
    if np.isfinite(fit["theta"]):
        assert res.theta == pytest.approx(fit["theta"], rel=1e-9)
    else:
        assert np.isnan(res.theta)
    if np.isfinite(fit["hac_lags"]):
        assert res.hac_lags == fit["hac_lags"]
    if ref["lower"].notna().all():                            # coefci with the HAC covariance
        ci = res.conf_int()
        np.testing.assert_allclose(ci["lower"], ref["lower"], rtol=1e-10, atol=1e-11)
        np.testing.assert_allclose(ci["upper"], ref["upper"], rtol=1e-10, atol=1e-11)


@pytest.mark.parametrize("case", [c for c in CASES if c[0] in ("monthly48", "overdispersed60",
                                                                "quarters", "sparse24")],
                         ids=lambda c: f"{c[0]}-{c[1]}")
def test_rate_ratio_from_r_coefficients(case):
    # rate ratio = exp(b_t), Wald limits exp(b_t -+ z se), z = qnorm(0.975) (SciPy)
    res = _fit(case)
    ref = PARAMS[(PARAMS["case"] == case[0]) & (PARAMS["model"] == case[1])].set_index("term")
    b, se, z = ref.loc["t", "estimate"], ref.loc["t", "std_error"], stats.norm.ppf(0.975)
    assert res.rate_ratio == pytest.approx(np.exp(b), rel=1e-10)
    assert res.lower == pytest.approx(np.exp(b - z * se), rel=1e-10)
    assert res.upper == pytest.approx(np.exp(b + z * se), rel=1e-10)
    assert res.percent_change == pytest.approx(100 * np.expm1(b), rel=1e-8)
    assert res.pvalue == pytest.approx(ref.loc["t", "pvalue"], rel=1e-8, abs=1e-300)


def test_its_level_and_slope_fields_match_r_coefci():
    res = _fit(("its36", "gaussian_lag3_adjustTRUE"))
    ref = PARAMS[(PARAMS["case"] == "its36") & (PARAMS["model"] == "gaussian_lag3_adjustTRUE")]
    ref = ref.set_index("term")
    for term in ("level_change", "slope_change"):
        assert getattr(res, term) == pytest.approx(ref.loc[term, "estimate"], rel=1e-10)
        assert getattr(res, f"{term}_lower") == pytest.approx(ref.loc[term, "lower"], rel=1e-10)
        assert getattr(res, f"{term}_upper") == pytest.approx(ref.loc[term, "upper"], rel=1e-10)


# ---- agreement with statsmodels -------------------------------------------------------------

def _seasonal_counts(rng, rows, n, period=12, rr=1.006, theta=None, amplitude=0.25):
    i = np.arange(n)
    expo = rng.uniform(8_000, 30_000, size=(rows, 1)) * (1 + 0.002 * i)
    mu = expo * np.exp(-6.3 + np.log(rr) * i + amplitude * np.sin(2 * np.pi * i / period))
    if theta is None:
        return rng.poisson(mu).astype(float), expo
    return rng.negative_binomial(theta, theta / (theta + mu)).astype(float), expo


def _design(n, period=12, t=None):
    t = np.arange(n, dtype=float) if t is None else t
    dummies = (np.arange(n)[:, None] % period == np.arange(1, period)).astype(float)
    return np.column_stack([np.ones(n), t, dummies])


def test_poisson_matches_statsmodels():
    rng = np.random.default_rng(11)
    y, expo = _seasonal_counts(rng, 20, 48)
    res = count_trend(y, expo, period=12)
    X = _design(48)
    for r in range(20):
        sm_fit = sm.GLM(y[r], X, family=sm.families.Poisson(), offset=np.log(expo[r])).fit(
            tol=1e-13)
        np.testing.assert_allclose(res.params.iloc[r], sm_fit.params, rtol=1e-7, atol=1e-9)
        # R (and scrutiny) take the SEs from the last iteration's weights, statsmodels from
        # the final means: they differ by the last step (~1e-5 relative)
        np.testing.assert_allclose(res.bse.iloc[r], sm_fit.bse, rtol=1e-4)
        assert res.deviance[r] == pytest.approx(sm_fit.deviance, rel=1e-9)
        assert res.dispersion[r] == pytest.approx(sm_fit.pearson_chi2 / sm_fit.df_resid, rel=1e-7)


def test_negbin_matches_statsmodels_mle():
    rng = np.random.default_rng(12)
    y, expo = _seasonal_counts(rng, 4, 60, theta=4.0)
    res = count_trend(y, expo, period=12, family="negbin")
    X = _design(60)
    for r in range(4):
        nb = sm.NegativeBinomial(y[r], X, exposure=expo[r]).fit(
            method="newton", maxiter=200, tol=1e-12, disp=0)
        np.testing.assert_allclose(res.params.iloc[r], nb.params[:-1], rtol=1e-5, atol=1e-6)
        assert res.theta[r] == pytest.approx(1 / nb.params[-1], rel=1e-4)


@pytest.mark.parametrize("adjust", [False, True])
def test_its_gaussian_matches_statsmodels_hac(adjust):
    rng = np.random.default_rng(13)
    n, k = 40, 22
    time = np.arange(1, n + 1)
    y = 30 + 0.2 * time - 3 * (time > k) + rng.normal(0, 1, n).cumsum() * 0.3
    res = its(y, k, hac_lags=3, hac_adjust=adjust)
    X = np.column_stack([np.ones(n), time, (time - 1 >= k), np.maximum(0, time - k)]).astype(float)
    ols = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": 3, "use_correction": adjust})
    np.testing.assert_allclose(res.params, ols.params, rtol=1e-10)
    np.testing.assert_allclose(res.bse, ols.bse, rtol=1e-10)
    # p-values from Student's t with n - k df (coeftest), not statsmodels' normal default
    np.testing.assert_allclose(res.pvalues, 2 * stats.t.sf(np.abs(ols.params / ols.bse), n - 4),
                               rtol=1e-9)


# ---- counterfactual and relative effect (NumPy oracle) ----------------------------------------

def _its_design(n, k):
    time = np.arange(1, n + 1, dtype=float)
    post = (np.arange(n) >= k).astype(float)
    return np.column_stack([np.ones(n), time, post, post * (time - k)])


def test_its_counterfactual_and_relative_effect_gaussian():
    rng = np.random.default_rng(14)
    n, k = 30, 17
    X = _its_design(n, k)
    y = X @ [20.0, 0.4, -2.5, -0.15] + rng.normal(0, 0.8, n)
    res = its(y, k, hac_lags=2)
    b = res.params.to_numpy()
    Xcf = X.copy()
    Xcf[:, 2:] = 0
    np.testing.assert_allclose(res.fitted, X @ b, rtol=1e-12)
    np.testing.assert_allclose(res.counterfactual, Xcf @ b, rtol=1e-12)
    A, C = (X @ b)[k:].sum(), (Xcf @ b)[k:].sum()
    assert res.relative_effect == pytest.approx(A / C - 1, rel=1e-12)
    # delta method on log A - log C with the Newey-West covariance (statsmodels, lag 2)
    V = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": 2}).cov_params()
    g = X[k:].sum(0) / A - Xcf[k:].sum(0) / C
    se = np.sqrt(g @ V @ g)
    q = stats.t.ppf(0.975, n - 4)
    assert res.relative_lower == pytest.approx(np.expm1(np.log(A / C) - q * se), rel=1e-9)
    assert res.relative_upper == pytest.approx(np.expm1(np.log(A / C) + q * se), rel=1e-9)


def test_its_counterfactual_and_relative_effect_poisson():
    rng = np.random.default_rng(15)
    n, k = 36, 24
    X = _its_design(n, k)
    expo = rng.uniform(4000, 6000, n)
    y = rng.poisson(expo * np.exp(X @ [-5.0, 0.01, -0.3, -0.02])).astype(float)
    res = its(y, k, family="poisson", exposure=expo)
    glm = sm.GLM(y, X, family=sm.families.Poisson(), offset=np.log(expo)).fit(tol=1e-13)
    b = res.params.to_numpy()
    np.testing.assert_allclose(b, glm.params, rtol=1e-7)
    Xcf = X.copy()
    Xcf[:, 2:] = 0
    mu, cf = expo * np.exp(X @ b), expo * np.exp(Xcf @ b)
    np.testing.assert_allclose(res.fitted, mu, rtol=1e-12)
    np.testing.assert_allclose(res.counterfactual, cf, rtol=1e-12)
    A, C = mu[k:].sum(), cf[k:].sum()
    assert res.relative_effect == pytest.approx(A / C - 1, rel=1e-12)
    g = (mu[k:, None] * X[k:]).sum(0) / A - (cf[k:, None] * Xcf[k:]).sum(0) / C
    se = np.sqrt(g @ glm.cov_params() @ g)
    z = stats.norm.ppf(0.975)
    assert res.relative_lower == pytest.approx(np.expm1(np.log(A / C) - z * se), rel=1e-4)
    assert res.relative_upper == pytest.approx(np.expm1(np.log(A / C) + z * se), rel=1e-4)


# ---- statistical properties by simulation ------------------------------------------------------

@pytest.mark.parametrize("family", ["poisson", "negbin"])
def test_rate_ratio_interval_coverage(family):
    # 2,000 series with a known rate ratio: the 95% interval covers it in 95% of series
    # (binomial SE 0.5 points; accept 3 SE).  Poisson: 48 months with 11 season dummies.
    # Negative binomial: 120 months without seasons, since the ML theta is biased upwards in
    # short series with many terms (48 months, 13 terms: theta ~9 for a true 6, coverage ~89%,
    # as MASS::glm.nb, whose SEs treat theta as known).
    rng = np.random.default_rng(16 if family == "poisson" else 17)
    rr = 1.006
    if family == "poisson":
        y, expo = _seasonal_counts(rng, 2000, 48, rr=rr)
        res = count_trend(y, expo, period=12)
    else:
        y, expo = _seasonal_counts(rng, 2000, 120, rr=rr, theta=6.0, amplitude=0.0)
        res = count_trend(y, expo, family="negbin")
    ok = res.status == "ok"
    assert ok.mean() > 0.99
    cover = np.mean((res.lower[ok] <= rr) & (rr <= res.upper[ok]))
    assert abs(cover - 0.95) < 3 * np.sqrt(0.95 * 0.05 / ok.sum())


def test_wald_test_size_under_no_trend():
    rng = np.random.default_rng(18)
    y, expo = _seasonal_counts(rng, 3000, 36, rr=1.0)
    res = count_trend(y, expo, period=12)
    size = np.mean(res.pvalue < 0.05)
    assert abs(size - 0.05) < 3 * np.sqrt(0.05 * 0.95 / 3000)


# ---- batches, threads, inputs -------------------------------------------------------------------

def _assert_same(a, b):
    np.testing.assert_array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float))


def test_batch_equals_row_by_row():
    rng = np.random.default_rng(19)
    y, expo = _seasonal_counts(rng, 12, 36)
    y[3, [4, 9]] = np.nan
    y[7, :30] = np.nan                      # too short after omitting
    batch = count_trend(y, expo, period=12, family="negbin")
    for r in range(12):
        one = count_trend(y[r], expo[r], period=12, family="negbin")
        assert one.status == batch.status[r]
        _assert_same(batch.params.iloc[r], one.params)
        _assert_same(batch.bse.iloc[r], one.bse)
        for f in ("rate_ratio", "lower", "upper", "pvalue", "deviance", "dispersion", "theta"):
            _assert_same(getattr(batch, f)[r], getattr(one, f))
    assert batch.status[7] == "too short" and np.isnan(batch.rate_ratio[7])
    its_batch = its(y[:, :30], [10, 12, 14, 16, 18, 20, 22, 24, 10, 12, 14, 16], family="poisson",
                    exposure=expo[:, :30])
    for r in range(12):
        one = its(y[r, :30], 10 + 2 * (r % 8), family="poisson", exposure=expo[r, :30])
        _assert_same(its_batch.params.iloc[r], one.params)
        _assert_same(its_batch.counterfactual[r], one.counterfactual)
        _assert_same(its_batch.relative_effect[r], one.relative_effect)


def test_one_bad_row_does_not_hide_the_others():
    rng = np.random.default_rng(20)
    y, _ = _seasonal_counts(rng, 4, 36)
    y[1] = np.nan                           # nothing observed
    y[2, np.arange(36) % 12 == 5] = np.nan  # one season never observed: rank deficient
    res = count_trend(y, period=12)
    assert list(res.status) == ["ok", "too short", "rank deficient", "ok"]
    assert np.isnan(res.params.iloc[2]).all() and np.isfinite(res.params.iloc[3]).all()
    _assert_same(res.params.iloc[3], count_trend(y[3], period=12).params)
    with pytest.raises(ValueError, match="series 1"):
        count_trend(y, period=12, errors="raise")
    with pytest.raises(NumericalError, match="series 1: the design is rank deficient"):
        count_trend(y[[0, 2]], period=12, errors="raise")


# ---- design options ---------------------------------------------------------------------------

def test_exposure_broadcasts_like_numpy():
    rng = np.random.default_rng(23)
    y, _ = _seasonal_counts(rng, 3, 24)
    full = np.broadcast_to(rng.uniform(900, 1100, 24), (3, 24)).copy()
    want = count_trend(y, full, period=12).params
    _assert_same(count_trend(y, full[0], period=12).params, want)           # per observation
    col = np.array([[1500.0], [2500.0], [3500.0]])
    _assert_same(count_trend(y, col, period=12).params,
                 count_trend(y, np.broadcast_to(col, (3, 24)).copy(), period=12).params)
    scalar = count_trend(y, 2385.0, period=12)
    plain = count_trend(y, period=12)
    np.testing.assert_allclose(scalar.params["t"], plain.params["t"], rtol=1e-12)
    np.testing.assert_allclose(scalar.params["intercept"], plain.params["intercept"] - np.log(2385),
                               rtol=1e-12)


def test_season_labels_first_is_reference_and_time_origin():
    rng = np.random.default_rng(24)
    labels = ["Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug"] * 3
    y = rng.poisson(40, 36).astype(float)
    res = count_trend(y, season=labels)
    assert list(res.params.index) == ["intercept", "t"] + [f"season_{m}" for m in labels[1:12]]
    by_period = count_trend(y, period=12)
    np.testing.assert_allclose(res.params.to_numpy(), by_period.params.to_numpy(), rtol=1e-12)
    shifted = count_trend(y, t=np.arange(1, 37), period=12)        # t = 1..n: the same trend
    assert shifted.rate_ratio == pytest.approx(by_period.rate_ratio, rel=1e-12)
    assert shifted.params["intercept"] == pytest.approx(
        by_period.params["intercept"] - by_period.params["t"], rel=1e-10)


def test_missing_counts_are_omitted_keeping_time_and_season():
    rng = np.random.default_rng(25)
    y = rng.poisson(25, 36).astype(float)
    y[[5, 17, 30]] = np.nan
    keep = ~np.isnan(y)
    t = np.arange(36, dtype=float)
    res = count_trend(y, period=12)
    manual = count_trend(y[keep], t=t[keep], season=(np.arange(36) % 12)[keep])
    np.testing.assert_allclose(res.params, manual.params[res.params.index], rtol=1e-12)
    assert res.nobs == 33
    prop = count_trend(y, period=12, nan_policy="propagate")
    assert prop.status == "missing values" and np.isnan(prop.rate_ratio)
    with pytest.raises(ValueError, match="missing value"):
        count_trend(y, nan_policy="raise")


def test_negbin_without_overdispersion_returns_the_fit_as_mass():
    # Under-dispersed counts drive theta towards infinity; MASS::glm.nb warns ("algorithm did
    # not converge") and returns the fit, and so do we.  R 4.2.2, MASS 7.3-58.2:
    #   y <- c(7, 7, 8, 7, 8, 8, 8, 9, 8, 9, 9, 9, 10, 9, 10); t <- 0:14
    #   f <- glm.nb(y ~ t, control = glm.control(epsilon = 1e-14, maxit = 100)), theta.ml with
    #   eps = 1e-12 (as tests/reference/glm_r.R)
    #   coef(f) = 1.95589993689, 0.0238605361672; sqrt(diag(vcov(f))) = 0.177907619387,
    #   0.0206859622849; f$theta = 4.506e+15 (flat likelihood: only its size is comparable)
    y = np.array([7, 7, 8, 7, 8, 8, 8, 9, 8, 9, 9, 9, 10, 9, 10], dtype=float)
    res = count_trend(y, family="negbin")
    assert res.status == "ok" and res.theta > 1e6
    np.testing.assert_allclose(res.params.to_numpy(), [1.95589993689, 0.0238605361672], rtol=1e-8)
    np.testing.assert_allclose(res.bse.to_numpy(), [0.177907619387, 0.0206859622849], rtol=1e-7)


def test_all_zero_series_as_r():
    # R: glm(y ~ t, family = poisson) with y all 0 converges (deviance -> 0) to a very
    # negative intercept and a zero trend with an enormous SE
    res = count_trend(np.zeros(12))
    assert res.status == "ok" and res.params["intercept"] < -20
    assert res.pvalue > 0.99


# ---- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("call, exc, match", [
    (lambda: count_trend([3, 4, 5, 4, 6, 5, 7, 8, 6, 7, 9, 8, 10], period=12), ValueError,
     "counts is too short"),
    (lambda: count_trend([1, 2]), ValueError, "counts is too short"),
    (lambda: count_trend([3, -1, 4, 5]), ValueError, r"counts must be non-negative \(position 1"),
    (lambda: count_trend([3, 1.5, 4, 5]), ValueError, r"counts must be whole counts \(position 1"),
    (lambda: count_trend([[3, 1, 4, 5], [3, 1, 4, 2.5]]), ValueError, "series 1, position 3"),
    (lambda: count_trend([3, 1, np.inf, 5]), ValueError, "counts must be finite"),
    (lambda: count_trend([3, 1, 4, 5], exposure=[10, 0, 10, 10]), ValueError,
     r"exposure must be positive \(position 1"),
    (lambda: count_trend([3, 1, 4, 5], exposure=[10, np.nan, 10, 10]), ValueError,
     r"exposure must be finite \(position 1 is NaN\)"),
    (lambda: count_trend([3, 1, 4, 5], exposure=[10, 10, 10]), ValueError, "does not broadcast"),
    (lambda: count_trend([3, 1, 4, 5], t=[0, 1, 1, 2]), ValueError, "t must be strictly increasing"),
    (lambda: count_trend([3, 1, 4, 5], t=[0, 1, np.nan, 2]), ValueError, "t must be finite"),
    (lambda: count_trend([3, 1, 4, 5], t=[0, 1, 2]), ValueError, "t must hold"),
    (lambda: count_trend([3, 1, 4, 5], period=2, season=[0, 1, 0, 1]), ValueError, "not both"),
    (lambda: count_trend([3, 1, 4, 5], period=1), ValueError, "period must be >= 2"),
    (lambda: count_trend([3, 1, 4, 5], family="binomial"), ValueError, "family must be one of"),
    (lambda: count_trend([3, 1, 4, 5], conf=1.2), ValueError, r"conf must lie in \(0, 1\)"),
    (lambda: count_trend([3, 1, 4, 5], errors="ignore"), ValueError, "errors must be one of"),
    (lambda: count_trend([3, 1, 4, 5], nan_policy="drop"), ValueError, "nan_policy must be"),
    (lambda: count_trend("3 1 4 5"), TypeError, "counts must be numeric"),
    (lambda: count_trend(np.ones((2, 2, 4))), ValueError, "counts must be one series"),
    (lambda: count_trend([]), ValueError, "counts is empty"),
    (lambda: count_trend([3, 1, 4, 5], threads=0), ValueError, "threads must be >= 1"),
    (lambda: its(np.arange(12.0), 1), ValueError, "intervention must be a whole index from 2 to 10"),
    (lambda: its(np.arange(12.0), 11), ValueError, "intervention must be a whole index"),
    (lambda: its(np.arange(12.0), -3), ValueError, "intervention must be a whole index"),
    (lambda: its(np.arange(12.0), 5.5), ValueError, "intervention must be a whole index"),
    (lambda: its(np.ones((2, 12)), [4, 5, 6]), ValueError, "intervention has 3 values"),
    (lambda: its(np.ones((2, 12)), [4, 12]), ValueError, r"series 1: got 12"),
    (lambda: its(np.arange(12.0), 6, family="gaussian", exposure=3.0), ValueError,
     "exposure applies only"),
    (lambda: its(np.arange(12.0), 6, family="poisson", hac_lags=2), ValueError,
     "hac_lags and hac_adjust apply only"),
    (lambda: its(np.arange(12.0), 6, hac_lags=-1), ValueError, "hac_lags must be >= 0"),
    (lambda: its(np.arange(12.0), 6, hac_adjust="yes"), TypeError, "hac_adjust"),
    (lambda: its(np.arange(12.0), 6, family="logit"), ValueError, "family must be one of"),
    (lambda: its([1.0, 2.0, 3.0], 1), ValueError, "y is too short"),
    (lambda: its(np.arange(12.0) + 0.5, 6, family="poisson"), ValueError, "y must be whole"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_singular_design_raises_numerical_error_when_asked():
    # one post-intervention count left: its level and slope columns coincide
    y = np.array([5.0, 6, 4, 7, 5, 6, 9, np.nan, np.nan, np.nan])
    res = its(y, 6, family="poisson")
    assert res.status == "rank deficient" and np.isnan(res.level_change)
    with pytest.raises(NumericalError, match="its: series 0: the design is rank deficient"):
        its(y, 6, family="poisson", errors="raise")
    with pytest.raises(NumericalError, match="rank deficient"):
        its(y, 6, errors="raise")                                   # gaussian too


# ---- results ------------------------------------------------------------------------------------

def test_result_objects():
    rng = np.random.default_rng(26)
    y, expo = _seasonal_counts(rng, 3, 36)
    one = count_trend(y[0], expo[0], period=12)
    assert repr(one).startswith("CountTrendResult(rate_ratio=")
    assert "<table" in one._repr_html_()
    assert "rate_ratio" in one.summary()
    frame = one.to_frame()
    assert list(frame.columns[:4]) == ["series", "rate_ratio", "lower", "upper"]
    ci = one.conf_int()
    assert np.exp(ci.loc["t", "lower"]) == pytest.approx(one.lower, rel=1e-12)
    assert "per month" in one.narrative("month")
    batch = count_trend(y, expo, period=12)
    assert len(batch.to_frame()) == 3 and len(batch.narrative()) == 3
    assert isinstance(batch.params, pd.DataFrame) and batch.params.shape == (3, 13)
    assert batch.conf_int()["lower"].shape == (3, 13)
    assert one.plot().get_title().startswith("rate ratio")
    with pytest.raises(ValueError, match="single series"):
        batch.plot()
    fit = its(y[0], 24, family="poisson", exposure=expo[0], period=12)
    assert fit.to_frame()["relative_effect"].iloc[0] == fit.relative_effect
    assert "counterfactual" not in repr(fit)
    assert fit.plot().get_xlabel() == "time"


def test_failed_rows_raise_the_exception_of_their_status():
    # The kernel's row statuses (sc_glm_row_status) become these exceptions under errors="raise";
    # non-convergence is hard to provoke on real counts since glm.nb-style fits return at
    # large theta, so the mapping is checked directly.
    from scrutiny._batch import GLM_STATUS, statuses

    with pytest.raises(ConvergenceError, match="count_trend: series 2: the fit did not converge"):
        statuses(np.array([0, 0, 4, 3]), GLM_STATUS, "count_trend", "raise")
    with pytest.raises(NumericalError, match="its: series 0: the design is rank deficient"):
        statuses(np.array([3, 4]), GLM_STATUS, "its", "raise")
    statuses(np.array([0, 4]), GLM_STATUS, "count_trend", "coerce")          # coerce: statuses only


# ---- a negative binomial fit that collapsed to Poisson on overdispersed counts ----------------

# 24 months drawn from a negative binomial (mean 60 with a summer peak, theta 60: variance about
# twice the mean).  With month effects the model has 13 coefficients, and theta by maximum
# likelihood (which ignores the degrees of freedom they use) runs beyond 1e8 while the
# Pearson dispersion on the 11 residual degrees of freedom is 2.1.
COLLAPSING = [66, 62, 82, 71, 87, 75, 59, 72, 65, 30, 46, 50, 62, 74, 76, 92, 56, 62, 60, 45,
              55, 48, 36, 53]
# 36 months of the same kind for its() (15 coefficients): theta beyond 1e8, dispersion 1.68.
COLLAPSING_ITS = [52, 79, 88, 78, 78, 72, 57, 47, 37, 28, 47, 42, 45, 74, 101, 80, 96, 72, 63,
                  48, 36, 30, 56, 44, 64, 64, 92, 62, 74, 100, 50, 29, 34, 43, 39, 61]


def test_negbin_collapsed_to_poisson_warns_and_says_so():
    # Theta's likelihood is flat: fully converged it runs on to a size set by rounding (R 4.2.2
    # glm.nb with the control of tests/reference/glm_r.R: 3.6e8); only its size is comparable.
    with pytest.warns(UserWarning, match=r"count_trend: theta ran to [\d,]{9,} \(the negative "
                      r"binomial fit is effectively Poisson\) but the Pearson dispersion is "
                      r"2\.1: .* the 13 coefficients use"):
        r = count_trend(COLLAPSING, family="negbin", period=12)
    assert r.theta > 1e5 and r.dispersion == pytest.approx(2.109, abs=1e-3)
    text = r.narrative("month")
    assert re.search(r"Theta ran to [\d,]{9,} \(the negative binomial fit is effectively "
                     r"Poisson\)", text)
    assert "the 13 coefficients use" in text and "too narrow (by about 1.45 times)" in text
    with pytest.warns(UserWarning, match=r"its: theta ran to .* Pearson dispersion is 1\.7.* the "
                      r"15 coefficients use"):
        i = its(COLLAPSING_ITS, 24, family="negbin", period=12)
    assert "effectively Poisson" in i.narrative() and "the 15 coefficients use" in i.narrative()
    # In a batch the warning counts the series and names the first; the narratives say it of
    # that series only.
    with pytest.warns(UserWarning, match=r"count_trend: 1 of 2 series, first 0: theta ran"):
        both = count_trend([COLLAPSING, np.array(COLLAPSING) // 2 + 20], family="negbin",
                           period=12)
    lines = both.narrative("month")
    assert "effectively Poisson" in lines[0] and "effectively Poisson" not in lines[1]


def test_negbin_no_collapse_warning_when_theta_fits_or_poisson_is_asked():
    # Without the season terms theta is finite (29) and the dispersion 1.05: no warning (the
    # test configuration turns any warning into an error).
    r = count_trend(COLLAPSING, family="negbin")
    assert 10 < r.theta < 100 and "effectively Poisson" not in r.narrative()
    # Poisson counts: theta runs high but the dispersion is near 1.
    p = count_trend([52, 49, 61, 58, 66, 60, 71, 69, 75, 73, 82, 80], family="negbin")
    assert "effectively Poisson" not in p.narrative()
    # The Poisson family says its own overdispersion sentence, not this one.
    q = count_trend(COLLAPSING, period=12)
    assert "effectively Poisson" not in q.narrative() and "family='negbin'" in q.narrative()
