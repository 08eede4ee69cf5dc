"""Tests of scrutiny.trend: mann_kendall, seasonal_mann_kendall, sen_slope, pettitt, trend_table.

References:
- pymannkendall 1.4.3 (a test dependency), called live: original_test, hamed_rao_modification_test,
  yue_wang_modification_test, pre_whitening_modification_test,
  trend_free_pre_whitening_modification_test, seasonal_test, sens_slope, on random series with
  ties, missing values and short lengths.
- trend_r.R / trend_r_*.csv: R 4.2.2 transliteration of R package trend 1.1.4's mk.test (tau_b,
  z, p), sens.slope (slope and confidence limits at four levels) and pettitt.test (U*, K, p);
  the commits and the exact code are in the script.
- SciPy: kendalltau (tau-b against time), theilslopes (slope and intercept with an unequal time
  index), rankdata (Pettitt's statistic in a NumPy oracle); a NumPy oracle that sorts every
  pairwise slope for the confidence limits with a time index.
Statistical checks by simulation: size of the Mann-Kendall and seasonal tests on white noise,
coverage of Sen's interval.
"""
from __future__ import annotations

import pathlib
import warnings

import numpy as np
import pandas as pd
import pymannkendall as pmk
import pytest
from scipy import stats

import scrutiny as sc
from scrutiny import trend as tr

REF = pathlib.Path(__file__).parent / "reference"
PMK_TESTS = {
    "original": pmk.original_test,
    "hamed_rao": pmk.hamed_rao_modification_test,
    "yue_wang": pmk.yue_wang_modification_test,
    "prewhiten": pmk.pre_whitening_modification_test,
    "tfpw": pmk.trend_free_pre_whitening_modification_test,
}


def _quiet(func, *args, **kwargs):
    """A reference call with its NumPy warnings silenced (pymannkendall divides by zero on
    some inputs on purpose)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def _batch(rng, rows: int, n: int, missing: float = 0.0) -> np.ndarray:
    """Series of several kinds: trend + noise, AR(1), Poisson counts (ties), rounded values."""
    t = np.arange(n)
    kinds = [
        lambda: rng.normal(30, 4, n) + rng.uniform(-0.3, 0.3) * t,
        lambda: 10 + np.cumsum(rng.normal(0, 1, n)) * 0.6 + rng.normal(0, 1, n),
        lambda: rng.poisson(rng.uniform(0.5, 9), n).astype(float),
        lambda: np.round(rng.normal(5, 2, n) + 0.05 * t, 1),
    ]
    y = np.array([kinds[i % len(kinds)]() for i in range(rows)])
    if missing:
        y[rng.random(y.shape) < missing] = np.nan
    return y


def _assert_matches_pmk(res, y, ref_fn, **kwargs):
    tested = 0
    for r in range(y.shape[0]):
        if res.status[r] != "ok":
            continue
        tested += 1
        ref = _quiet(ref_fn, y[r], **kwargs)
        assert res.s[r] == ref.s
        assert res.var_s[r] == pytest.approx(ref.var_s, rel=1e-10, abs=1e-10)
        assert res.tau[r] == pytest.approx(ref.Tau, rel=1e-12)
        assert res.slope[r] == pytest.approx(ref.slope, rel=1e-12, abs=1e-14)
        assert res.intercept[r] == pytest.approx(ref.intercept, rel=1e-12, abs=1e-12)
        if ref.var_s > 0:
            assert res.z[r] == pytest.approx(ref.z, rel=1e-10, abs=1e-12)
            assert res.pvalue[r] == pytest.approx(ref.p, rel=1e-9, abs=1e-14)
            assert res.h[r] == ref.h
            assert res.trend[r] == ref.trend
        else:                               # a variance correction that is not positive
            assert res.trend[r] == "undefined" and not res.h[r]
            assert np.isnan(res.z[r]) and np.isnan(res.pvalue[r])
    return tested


# ---- Mann-Kendall against pymannkendall ------------------------------------------------------

@pytest.mark.parametrize("method", list(PMK_TESTS))
@pytest.mark.parametrize("n, missing", [(5, 0.0), (13, 0.1), (40, 0.0), (61, 0.05)])
def test_mann_kendall_matches_pymannkendall(method, n, missing):
    rng = np.random.default_rng(1000 + n)
    y = _batch(rng, 24, n, missing)
    res = tr.mann_kendall(y, method=method, alpha=0.07)
    tested = _assert_matches_pmk(res, y, PMK_TESTS[method], alpha=0.07)
    assert tested >= 15


@pytest.mark.parametrize("method", ["hamed_rao", "yue_wang"])
@pytest.mark.parametrize("lag", [1, 3, 10])
def test_mann_kendall_lag_matches_pymannkendall(method, lag):
    rng = np.random.default_rng(77 + lag)
    y = _batch(rng, 16, 30, 0.05)
    res = tr.mann_kendall(y, method=method, lag=lag)
    assert _assert_matches_pmk(res, y, PMK_TESTS[method], lag=lag) >= 12


def test_hamed_rao_negative_correction_is_undefined():
    # Differenced noise (x_t = e_t - 0.95 e_(t-1)): strong negative autocorrelation at short
    # lags makes the Hamed-Rao factor n/n* negative.
    y = np.array([1.9, -2.1, 0.5, 1.3, -2.8, 2.5, -0.9, 0.7, -0.2, 0.3, 0.5, -1.4, 2.1, -0.6, 0.2,
                  0.4, -0.3, 0.1, -0.7])
    ref = _quiet(pmk.hamed_rao_modification_test, y)
    assert ref.var_s < 0
    res = tr.mann_kendall(y, method="hamed_rao")
    assert res.trend == "undefined" and res.h is False
    assert np.isnan(res.z) and np.isnan(res.pvalue)
    assert res.var_s == pytest.approx(ref.var_s, rel=1e-10)
    assert res.status == "ok"


def test_mann_kendall_long_series_and_heavy_ties_match_pymannkendall():
    # Longer series exercise the selection of the median slope over many rounds; sparse
    # counts give slopes with heavy ties at the median.
    rng = np.random.default_rng(5)
    y = np.vstack([rng.normal(0, 1, 300) + 0.002 * np.arange(300),
                   rng.poisson(0.3, 300).astype(float),
                   np.round(rng.normal(0, 1, 300), 0),
                   rng.poisson(2, 300).astype(float)])
    res = tr.mann_kendall(y)
    assert _assert_matches_pmk(res, y, pmk.original_test) == 4


def test_tau_b_matches_scipy_kendalltau():
    rng = np.random.default_rng(11)
    y = _batch(rng, 40, 25, 0.1)
    res = tr.mann_kendall(y)
    for r in range(y.shape[0]):
        x = y[r][~np.isnan(y[r])]
        want = stats.kendalltau(np.arange(x.size), x).statistic
        assert res.tau_b[r] == pytest.approx(want, rel=1e-12)


# ---- against R trend (transliterated) --------------------------------------------------------

def _r_series():
    inputs = pd.read_csv(REF / "trend_r_inputs.csv")
    return {k: g.sort_values("position")["value"].to_numpy() for k, g in inputs.groupby("series")}


R_SERIES = _r_series()


def test_mann_kendall_matches_r_trend_mk_test():
    ref = pd.read_csv(REF / "trend_r_mk.csv")
    for row in ref.itertuples():
        res = tr.mann_kendall(R_SERIES[row.series])
        assert res.s == row.S
        assert res.var_s == pytest.approx(row.varS, rel=1e-14)
        assert res.tau_b == pytest.approx(row.tau_b, rel=1e-13)
        assert res.z == pytest.approx(row.z, rel=1e-13, abs=1e-15)
        assert res.pvalue == pytest.approx(row.pvalue, rel=1e-12)


def test_sen_slope_matches_r_trend_sens_slope():
    ref = pd.read_csv(REF / "trend_r_sens.csv")
    levels = sorted(ref["conf"].unique())
    for key, g in ref.groupby("series"):
        res = tr.sen_slope(R_SERIES[key], conf=levels)
        g = g.sort_values("conf")
        assert res.slope == pytest.approx(g["slope"].iloc[0], rel=1e-14)
        np.testing.assert_allclose(res.lower, g["lower"], rtol=1e-14, equal_nan=True)
        np.testing.assert_allclose(res.upper, g["upper"], rtol=1e-14, equal_nan=True)
    assert ref["lower"].notna().sum() > 60          # most limits exist; short series give NaN


def test_pettitt_matches_r_trend_pettitt_test():
    ref = pd.read_csv(REF / "trend_r_pettitt.csv")
    keys = ref["series"].to_numpy()
    n = max(len(R_SERIES[k]) for k in keys)
    y = np.full((len(keys), n), np.nan)             # one batch, short rows padded with NaN
    for i, k in enumerate(keys):
        y[i, :len(R_SERIES[k])] = R_SERIES[k]
    res = tr.pettitt(y)
    np.testing.assert_array_equal(res.statistic, ref["U"])
    np.testing.assert_array_equal(res.location, ref["K"] - 1)
    np.testing.assert_allclose(res.pvalue, ref["pvalue"], rtol=1e-13)


# ---- Sen's slope with a time index -----------------------------------------------------------

def _sen_oracle(y, t, conf):
    """Sort every pairwise slope; R sens.slope's ranks with R's round (half to even)."""
    i, j = np.triu_indices(y.size, 1)
    d = np.sort((y[j] - y[i]) / (t[j] - t[i]))
    k = d.size
    _, counts = np.unique(y, return_counts=True)
    n = y.size
    var_s = (n * (n - 1) * (2 * n + 5) - np.sum(counts * (counts - 1) * (2 * counts + 5))) / 18
    c = stats.norm.ppf(1 - (1 - conf) / 2) * np.sqrt(var_s)
    lo, up = int(np.round((k - c) / 2)), int(np.round((k + c) / 2 + 1))
    return (np.median(d), d[lo - 1] if 1 <= lo <= k else np.nan,
            d[up - 1] if 1 <= up <= k else np.nan)


def test_sen_slope_with_unequal_time_index():
    rng = np.random.default_rng(21)
    t = np.cumsum(rng.choice([1.0, 1.0, 2.0, 3.5], size=30))
    y = _batch(rng, 12, 30, 0.1)
    res = tr.sen_slope(y, t=t, conf=[0.9, 0.95])
    for r in range(y.shape[0]):
        keep = ~np.isnan(y[r])
        theil = stats.theilslopes(y[r][keep], t[keep])
        assert res.slope[r] == pytest.approx(theil.slope, rel=1e-13, abs=1e-15)
        assert res.intercept[r] == pytest.approx(theil.intercept, rel=1e-12, abs=1e-12)
        for j, conf in enumerate((0.9, 0.95)):
            slope, lower, upper = _sen_oracle(y[r][keep], t[keep], conf)
            assert res.slope[r] == pytest.approx(slope, rel=1e-13, abs=1e-15)
            np.testing.assert_equal([res.lower[r, j], res.upper[r, j]], [lower, upper])


def test_mann_kendall_slope_uses_time_index():
    t = np.array([0.0, 1.0, 2.0, 4.0, 5.0, 7.0, 8.0, 9.0, 12.0, 13.0])
    y = np.array([3.2, 3.9, 4.1, 5.3, 5.2, 6.9, 6.6, 7.4, 9.1, 9.8])
    res = tr.mann_kendall(y, t=t)
    theil = stats.theilslopes(y, t)
    assert res.slope == pytest.approx(theil.slope, rel=1e-13)
    assert res.intercept == pytest.approx(theil.intercept, rel=1e-13)
    assert res.s == tr.mann_kendall(y).s         # S depends on the order only


def test_sen_interval_coverage():
    # Continuous i.i.d. errors: the interval is distribution-free, coverage close to 95 %.
    rng = np.random.default_rng(8)
    t = np.arange(30.0)
    y = 0.3 * t + rng.standard_t(4, size=(3000, 30))
    res = tr.sen_slope(y, conf=0.95)
    coverage = np.mean((res.lower <= 0.3) & (0.3 <= res.upper))
    assert 0.935 <= coverage <= 0.965


# ---- seasonal Mann-Kendall ---------------------------------------------------------------------

@pytest.mark.parametrize("period, n", [(12, 60), (4, 23), (7, 50), (1, 15)])
def test_seasonal_matches_pymannkendall(period, n):
    rng = np.random.default_rng(period * 100 + n)
    season = 10 * np.sin(2 * np.pi * np.arange(n) / max(period, 2))
    y = _batch(rng, 16, n, 0.08) + season
    res = tr.seasonal_mann_kendall(y, period=period, alpha=0.1)
    for r in range(y.shape[0]):
        assert res.status[r] == "ok"
        ref = _quiet(pmk.seasonal_test, y[r], period=period, alpha=0.1)
        assert res.s[r] == ref.s
        assert res.var_s[r] == pytest.approx(ref.var_s, rel=1e-12)
        assert res.z[r] == pytest.approx(ref.z, rel=1e-12, abs=1e-14)
        assert res.pvalue[r] == pytest.approx(ref.p, rel=1e-9, abs=1e-14)
        assert res.tau[r] == pytest.approx(ref.Tau, rel=1e-12)
        assert res.slope[r] == pytest.approx(ref.slope, rel=1e-12, abs=1e-14)
        assert res.intercept[r] == pytest.approx(ref.intercept, rel=1e-12, abs=1e-12)
        assert res.trend[r] == ref.trend
        for g in range(period):             # each season on its own, as the plain test
            x = y[r, g::period]
            x = x[~np.isnan(x)]
            if x.size >= 2 and np.ptp(x) > 0:
                one = _quiet(pmk.original_test, x)
                assert res.s_season[r, g] == one.s
                assert res.var_s_season[r, g] == pytest.approx(one.var_s, rel=1e-12)


# ---- Pettitt ---------------------------------------------------------------------------------

def test_pettitt_matches_numpy_oracle_with_missing_values():
    rng = np.random.default_rng(3)
    y = _batch(rng, 30, 45, 0.1)
    y[::3, 20:] += 4.0
    res = tr.pettitt(y)
    for r in range(y.shape[0]):
        keep = np.flatnonzero(~np.isnan(y[r]))
        x = y[r, keep]
        m = x.size
        u = 2 * np.cumsum(stats.rankdata(x)) - np.arange(1, m + 1) * (m + 1)
        k = int(np.argmax(np.abs(u)))       # the first maximiser
        assert res.statistic[r] == np.abs(u[k])
        assert res.location[r] == keep[k]
        want = min(1.0, 2 * np.exp(-6 * u[k] ** 2 / (m ** 3 + m ** 2)))
        assert res.pvalue[r] == pytest.approx(want, rel=1e-13)


# ---- statistical properties ----------------------------------------------------------------------

def test_mann_kendall_size_on_white_noise():
    rng = np.random.default_rng(2024)
    y = rng.normal(size=(6000, 60))
    rate = np.mean(tr.mann_kendall(y, alpha=0.05).h)
    assert 0.038 <= rate <= 0.058       # ~5 %; the continuity correction makes it conservative
    rate = np.mean(tr.seasonal_mann_kendall(y, period=12).h)
    assert 0.035 <= rate <= 0.058


def test_mann_kendall_power_on_a_trend():
    rng = np.random.default_rng(7)
    y = rng.normal(size=(2000, 36)) + 0.05 * np.arange(36)
    res = tr.mann_kendall(y)
    assert np.mean(res.trend == "increasing") > 0.6 and np.mean(res.trend == "decreasing") < 0.01


# ---- batches, threads, inputs ------------------------------------------------------------------

@pytest.mark.parametrize("func, kwargs", [
    (tr.mann_kendall, {"method": "tfpw"}),
    (tr.mann_kendall, {"method": "hamed_rao"}),
    (tr.seasonal_mann_kendall, {"period": 4}),
    (tr.sen_slope, {"conf": 0.9}),
    (tr.pettitt, {}),
])
def test_batch_equals_row_by_row(func, kwargs):
    rng = np.random.default_rng(9)
    y = _batch(rng, 20, 26, 0.1)
    y[3] = 4.0
    y[5] = np.nan
    y[7, 2:] = np.nan
    batch = func(y, **kwargs).to_frame().drop(columns="series")
    for r in range(y.shape[0]):
        one = func(y[r], **kwargs).to_frame().drop(columns="series")
        pd.testing.assert_frame_equal(one, batch.iloc[[r]].reset_index(drop=True))


# ---- per-series statuses and bad input ---------------------------------------------------------

def test_bad_rows_do_not_hide_the_others():
    y = np.array([[1.0, 2.5, 2.1, 3.7, 4.2, 3.9],
                  [2.0, 2.0, 2.0, 2.0, 2.0, 2.0],
                  [np.nan] * 6,
                  [1.0, np.nan, np.nan, np.nan, 2.0, np.nan],
                  [4.0, 3.1, np.nan, 2.2, 1.5, 0.9]])
    res = tr.mann_kendall(y)
    assert list(res.status) == ["ok", "constant", "all missing", "too short (n < 3)", "ok"]
    assert list(res.trend[1:4]) == ["undefined"] * 3
    assert np.all(np.isnan(res.pvalue[1:4])) and np.all(np.isnan(res.slope[1:4]))
    assert list(res.nobs) == [6, 6, 0, 2, 5]
    assert not np.any(np.isnan(res.pvalue[[0, 4]]))
    prop = tr.mann_kendall(y, nan_policy="propagate")
    assert list(prop.status) == ["ok", "constant"] + ["missing values"] * 3
    assert list(tr.mann_kendall(y[:, :3], method="prewhiten").status[:1]) == ["too short (n < 4)"]
    assert list(tr.sen_slope(y).status) == ["ok", "constant", "all missing", "ok", "ok"]
    pet = tr.pettitt(y)
    assert list(pet.status) == ["ok", "constant", "all missing", "ok", "ok"]
    assert list(pet.location[1:3]) == [-1, -1]
    smk = tr.seasonal_mann_kendall(y, period=3)
    assert list(smk.status) == ["ok", "constant", "all missing",
                                "too short (no season with 2 values)", "ok"]
    assert np.all(np.isnan(smk.s_season[2]))
    lag = tr.mann_kendall(y, method="yue_wang", lag=5)
    assert list(lag.status) == ["ok", "constant", "all missing", "too short (n < 3)",
                                "too short for lag (n < 6)"]


@pytest.mark.parametrize("func, row, message", [
    (tr.mann_kendall, [1.0, 2.0], "mann_kendall: too short (n < 3)"),
    (tr.mann_kendall, [3.0, 3.0, 3.0, 3.0], "mann_kendall: constant"),
    (tr.sen_slope, [np.nan, np.nan], "sen_slope: all missing"),
    (tr.pettitt, [np.nan, 2.0], "pettitt: too short (n < 2)"),
])
def test_errors_raise_names_the_reason(func, row, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        func(row, errors="raise")
    y = np.full((2, 6), np.nan)
    y[0] = np.array([0.2, 1.5, 2.1, 3.9, 4.4, 6.3])
    y[1, :len(row)] = row
    with pytest.raises(ValueError, match="series 1"):
        func(y, errors="raise")
    assert func(y).status[0] == "ok"


@pytest.mark.parametrize("call, error, match", [
    (lambda: tr.mann_kendall([1.0, 2.0, np.inf, 4.0]), ValueError, "y must be finite"),
    (lambda: tr.mann_kendall([1.0, 2.0, np.nan, 4.0], nan_policy="raise"), ValueError,
     "missing value"),
    (lambda: tr.mann_kendall([]), ValueError, "y is empty"),
    (lambda: tr.mann_kendall(np.ones((2, 2, 3))), ValueError, "y must be one series"),
    (lambda: tr.mann_kendall("abc"), TypeError, "y must be numeric"),
    (lambda: tr.mann_kendall([1.0, 2.0, 3.0], method="sen"), ValueError, "method must be one of"),
    (lambda: tr.mann_kendall([1.0, 2.0, 3.0], alpha=1.5), ValueError, "alpha must lie in"),
    (lambda: tr.mann_kendall([1.0, 2.0, 3.0], nan_policy="drop"), ValueError, "nan_policy"),
    (lambda: tr.mann_kendall([1.0, 2.0, 3.0], errors="ignore"), ValueError, "errors"),
    (lambda: tr.mann_kendall([1.0, 2.0, 3.0, 4.0], method="hamed_rao", lag=4), ValueError,
     "lag must be at most n - 1 = 3"),
    (lambda: tr.mann_kendall([1.0, 2.0, 3.0, 4.0], method="yue_wang", lag=0), ValueError,
     "lag must be >= 1"),
    (lambda: tr.mann_kendall([1.0, 2.0, 3.0, 4.0], method="yue_wang", lag=1.5), TypeError,
     "lag must be a whole number"),
    (lambda: tr.mann_kendall([1.0, 2.0, 3.0, 4.0], lag=2), ValueError, "lag applies to"),
    (lambda: tr.mann_kendall([1.0, 2.0, 3.0], t=[0.0, 2.0, 1.0]), ValueError,
     "t must be strictly increasing"),
    (lambda: tr.mann_kendall([1.0, 2.0, 3.0], t=[0.0, 1.0, 1.0]), ValueError,
     "t must be strictly increasing"),
    (lambda: tr.sen_slope([1.0, 2.0, 3.0], t=[0.0, np.nan, 1.0]), ValueError, "t must be finite"),
    (lambda: tr.sen_slope([1.0, 2.0, 3.0], t=[0.0, np.inf, 1.0]), ValueError, "t must be finite"),
    (lambda: tr.sen_slope([1.0, 2.0, 3.0], t=[0.0, 1.0]), ValueError, "t must hold"),
    (lambda: tr.sen_slope([1.0, 2.0, 3.0], conf=0.0), ValueError, "conf must lie in"),
    (lambda: tr.sen_slope([1.0, 2.0, 3.0], conf=[0.9, 1.2]), ValueError, "conf must lie in"),
    (lambda: tr.seasonal_mann_kendall(np.arange(24.0), period=0), ValueError,
     "period must be >= 1"),
    (lambda: tr.seasonal_mann_kendall(np.arange(24.0), period=2.5), TypeError,
     "period must be a whole number"),
    (lambda: tr.seasonal_mann_kendall(np.arange(24.0), period=25), ValueError,
     "period must be at most the series length 24"),
    (lambda: tr.pettitt([[1.0, 2.0], [np.inf, 1.0]]), ValueError, r"series 1, position 0"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---- results -----------------------------------------------------------------------------------

def test_single_series_gives_python_values():
    y = [12.1, 11.4, 13.2, 12.8, 14.0, 13.1, 14.9, 15.2, 14.4, 16.0, 15.7, 17.1]
    res = tr.mann_kendall(y)
    z, p = res
    assert (z, p) == (res.z, res.pvalue)
    assert isinstance(res.pvalue, float) and isinstance(res.h, bool) and isinstance(res.nobs, int)
    assert isinstance(res.trend, str) and res.status == "ok"
    assert "MannKendallResult(trend='increasing'" in repr(res)
    assert "<table" in res._repr_html_()
    assert len(res.to_frame()) == 1
    sen = tr.sen_slope(y, conf=[0.8, 0.95])
    assert sen.lower.shape == (2,) and sen.lower[0] > sen.lower[1]
    frame = sen.to_frame()
    assert list(frame["conf"]) == [0.8, 0.95] and frame["lower"].iloc[1] == sen.lower[1]
    smk = tr.seasonal_mann_kendall(np.tile(y, 3) + np.repeat([0.0, 1.1, 1.9], 12), period=12)
    assert smk.s_season.shape == (12,) and smk.s_season.sum() == smk.s
    stat, p = tr.pettitt(y)
    assert isinstance(stat, float) and 0 < p <= 1


def test_narrative():
    rng = np.random.default_rng(4)
    y = np.vstack([np.arange(20.0) + rng.normal(0, 1, 20), rng.normal(0, 1, 20), np.ones(20)])
    lines = tr.mann_kendall(y).narrative()
    assert lines[0].startswith("Series 0: Increasing trend (Mann-Kendall z = ")
    assert lines[1].startswith("Series 1: No evidence of a trend at the 5% level")
    assert lines[2] == "Series 2: Not tested (constant)."
    assert "per cycle" in tr.seasonal_mann_kendall(y[0], period=4).narrative()


# ---- trend_table -----------------------------------------------------------------------------

def _long_table(rng):
    rows = []
    for force in ("North", "South", "East"):
        for crime in ("burglary", "robbery", "violence", "drugs"):
            level = rng.uniform(40, 80)
            slope = rng.choice([0.0, 1.5, -1.2])
            for month in range(24):
                if (force, crime) == ("East", "drugs") and month % 5 == 2:
                    continue                      # months with no row: missing values
                rows.append((force, crime, month, rng.poisson(level + slope * month),
                             1000 + 10 * month))
    return pd.DataFrame(rows, columns=["force", "crime", "month", "count", "population"])


def test_trend_table_matches_direct_calls_and_bh():
    rng = np.random.default_rng(13)
    df = _long_table(rng).sample(frac=1.0, random_state=1)      # any row order
    table = tr.trend_table(df, ["force", "crime"], "month", "count", exposure="population",
                                 tests=("mann_kendall", "sen_slope", "pettitt",
                                        "seasonal_mann_kendall"),
                                 options={"mann_kendall": {"method": "hamed_rao"},
                                          "seasonal_mann_kendall": {"period": 12}})
    assert len(table) == 12 and list(table.columns[:3]) == ["force", "crime", "n_times"]
    for row in table.itertuples():
        g = df[(df.force == row.force) & (df.crime == row.crime)].sort_values("month")
        rate = np.full(24, np.nan)
        rate[g.month.to_numpy()] = g["count"].to_numpy() / g["population"].to_numpy()
        mk = tr.mann_kendall(rate, t=np.arange(24.0), method="hamed_rao")
        np.testing.assert_equal((row.mk_pvalue, row.mk_trend), (mk.pvalue, mk.trend))
        sen = tr.sen_slope(rate, t=np.arange(24.0))
        np.testing.assert_equal((row.sen_slope, row.sen_lower, row.sen_upper),
                                (sen.slope, sen.lower, sen.upper))
        assert row.pettitt_location == tr.pettitt(rate).location
        np.testing.assert_equal(row.smk_pvalue, tr.seasonal_mann_kendall(rate, period=12).pvalue)
        assert row.n_times == np.sum(~np.isnan(rate))
    for prefix in ("mk", "pettitt", "smk"):
        np.testing.assert_allclose(table[f"{prefix}_qvalue"],
                                   sc.multiple_testing(table[f"{prefix}_pvalue"].to_numpy(), "bh"))
    assert "sen_qvalue" not in table.columns


def test_trend_table_with_dates_and_bad_input():
    rng = np.random.default_rng(14)
    df = _long_table(rng)
    df["date"] = pd.Timestamp("2022-01-01") + pd.to_timedelta(df["month"] * 31, unit="D")
    by_date = tr.trend_table(df, ["force", "crime"], "date", "count", tests="mann_kendall")
    by_month = tr.trend_table(df, ["force", "crime"], "month", "count", tests="mann_kendall")
    pd.testing.assert_frame_equal(by_date, by_month)
    with pytest.raises(ValueError, match="value: column 'crimes' is not in df"):
        tr.trend_table(df, "force", "month", "crimes")
    with pytest.raises(ValueError, match="more than one row for group and time"):
        tr.trend_table(df, "force", "month", "count")
    with pytest.raises(ValueError, match="tests must be one of"):
        tr.trend_table(df, ["force", "crime"], "month", "count", tests=("mk",))
    with pytest.raises(ValueError, match="options must be one of"):
        tr.trend_table(df, ["force", "crime"], "month", "count", tests=("pettitt",),
                             options={"mann_kendall": {}})
    bad = df.assign(population=df["population"].where(df.index != 7, 0))
    with pytest.raises(ValueError, match="exposure must be positive"):
        tr.trend_table(bad, ["force", "crime"], "month", "count", exposure="population")


@pytest.mark.parametrize("method", ["hamed_rao", "yue_wang"])
def test_series_on_a_line_has_no_correction_as_pymannkendall(method):
    y = np.arange(100.0, 108.0)
    ref = _quiet(PMK_TESTS[method], y)
    res = tr.mann_kendall(y, method=method)
    assert np.isnan(ref.var_s) and np.isnan(res.var_s) and np.isnan(res.pvalue)
    assert res.trend == "undefined"


def test_yue_wang_autocorrelation_of_values_near_the_range_of_a_double():
    y = np.array([12.1, 11.4, 13.2, 12.8, 14.0, 13.1, 14.9, 15.2, 14.4, 16.0])
    res = tr.mann_kendall(y * 2.0**1000, method="yue_wang")
    assert res.var_s == tr.mann_kendall(y, method="yue_wang").var_s
