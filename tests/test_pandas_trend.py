"""pandas inputs of the trend family (scrutiny.trend, scrutiny.segmentation): labelled series,
wide frames with a PeriodIndex or DatetimeIndex, tidy tables with ``by``, months missing.

Each answer is checked against the array path with ``t`` = the true spacing, and against R on
the real month numbers.  R 4.2.2 Patched (2022-11-10 r83330) without the trend and changepoint
packages, so in base R, with ``t``, ``a``, ``b`` as MONTH, A, B below (NA for NaN)::

    varS <- function(y) { n <- length(y); tt <- table(y)
      n*(n-1)*(2*n+5)/18 - sum(tt*(tt-1)*(2*tt+5))/18 }
    sen <- function(y, t, conf=0.95) {                       # as trend::sens.slope
      ok <- !is.na(y); y <- y[ok]; t <- t[ok]; n <- length(y)
      i <- combn(n, 2); d <- sort((y[i[2,]] - y[i[1,]]) / (t[i[2,]] - t[i[1,]])); k <- length(d)
      C <- qnorm(1 - (1 - conf)/2) * sqrt(varS(y))
      c(median(d), d[round((k - C)/2)], d[round((k + C)/2 + 1)],
        median(y) - median(t) * median(d)) }
    mk <- function(y, t) { ok <- !is.na(y); y <- y[ok]; t <- t[ok]; i <- combn(length(y), 2)
      S <- sum(sign(y[i[2,]] - y[i[1,]])); v <- varS(y); z <- (S - sign(S)) / sqrt(v)
      c(S, v, z, 2 * pnorm(-abs(z)), cor(t, y, method = "kendall")) }
    smk <- function(y, t) {      # seasons = calendar months, t = months since January 2022
      ok <- !is.na(y); y <- y[ok]; t <- t[ok]; season <- t %% 12; year <- t %/% 12
      S <- 0; V <- 0; d <- c()
      for (g in 0:11) { x <- y[season == g]; c <- year[season == g]; n <- length(x)
        if (n < 2) next; i <- combn(n, 2); S <- S + sum(sign(x[i[2,]] - x[i[1,]]))
        V <- V + varS(x); d <- c(d, (x[i[2,]] - x[i[1,]]) / (c[i[2,]] - c[i[1,]])) }
      z <- (S - sign(S)) / sqrt(V); c(S, V, z, 2 * pnorm(-abs(z)), median(d)) }
    pettitt <- function(y) { pos <- which(!is.na(y)); x <- y[pos]; n <- length(x); r <- rank(x)
      U <- sapply(1:(n - 1), function(k) 2 * sum(r[1:k]) - k * (n + 1)); K <- which.max(abs(U))
      c(abs(U[K]), min(1, 2 * exp(-6 * U[K]^2 / (n^3 + n^2))), pos[K] - 1) }
    pelt_bic <- function(y) {        # optimal partitioning: residual sum of squares + 2 log n
      n <- length(y); pen <- 2 * log(n); cs <- c(0, cumsum(y)); cs2 <- c(0, cumsum(y^2))
      cost <- function(s, e) cs2[e + 1] - cs2[s + 1] - (cs[e + 1] - cs[s + 1])^2 / (e - s)
      F <- c(-pen, rep(Inf, n)); last <- rep(0, n + 1)
      for (e in 1:n) for (s in 0:(e - 1)) { v <- F[s + 1] + cost(s, e) + pen
        if (v < F[e + 1]) { F[e + 1] <- v; last[e + 1] <- s } }
      cp <- c(); e <- n; while (e > 0) { s <- last[e + 1]; if (s > 0) cp <- c(s, cp); e <- s }
      cp - 1 }
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scrutiny as sc
from scrutiny import trend as tr

# Monthly counts January 2022 to December 2024 with May 2022, February and March 2023 and
# September 2024 missing (no row): MONTH is the true spacing, months since January 2022.
MONTH = np.array([0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
                  25, 26, 27, 28, 29, 30, 31, 33, 34, 35], dtype=float)
A = np.array([125, 134, 137, 129, 133, 135, 130, 135, 130, 132, 131, 135, 159, 148, 151, 144,
              144, 151, 139, 147, 155, 157, 166, 171, 177, 173, 175, 171, 170, 175, 167, 181],
             dtype=float)
B = np.array([82, 79, 86, 76, 68, 64, 75, np.nan, 78, 83, 76, 72, 70, 68, 72, 70, 68, 63, 67, 71,
              np.nan, 67, 65, 64, 61, 59, 64, 55, 61, 61, 58, 61])
PERIODS = pd.period_range("2022-01", periods=36, freq="M")[MONTH.astype(int)]
DATES = PERIODS.to_timestamp()

# R 4.2.2, the functions of the module docstring on (MONTH, A) and (MONTH, B).
R_SEN = {"A": (1.5, 1.2352941176470589, 1.8095238095238095, 119.75),           # sen(a, t)
         "B": (-0.62962962962962965, -0.77777777777777779, -0.5, 79.648148148148152)}
R_SEN_90 = (1.5, 1.2941176470588236, 1.7692307692307692)                      # sen(a, t, 0.9)
R_MK = {"A": (356, 3794, 5.7634123099886612, 8.2430090046443885e-09, 0.72360115054227403),
        "B": (-305, 3121.6666666666665, -5.4410199728452779, 5.2976373686175382e-08,
              -0.71441110937918673)}                                            # mk(y, t)
R_SMK = {"A": (28, 33.333333333333336, 4.6765371804359681, 2.9175972110290659e-06, 20.0),
         "B": (-21, 29.666666666666668, -3.6719403681726273, 0.0002407158573833231, -7.5)}
R_PETTITT = {"A": (240, 7.2340563149382285e-05, 11, "2023-01"),                # pettitt(y)
             "B": (204, 0.00025955803498676241, 16, "2023-08")}
R_CPT_A5 = (11, 21)                     # pelt_bic(a / 5): after January 2023, January 2024


def _wide(index):
    return pd.DataFrame({"North": A, "South": B}, index=index)


def _tidy():
    """One row per force, crime type and month (no row for a missing month)."""
    rows = []
    for force, values in (("North", A), ("South", B)):
        for crime, scale in (("burglary", 1.0), ("theft", 2.0)):
            for p, v in zip(PERIODS, values):
                rows.append((force, crime, p, v * scale))
    return pd.DataFrame(rows, columns=["force", "crime_type", "month", "crimes"])


# ---- Sen's slope ---------------------------------------------------------------------------------

@pytest.mark.parametrize("index", [PERIODS, DATES], ids=["periods", "dates"])
def test_sen_slope_on_a_wide_frame_matches_r_on_the_true_spacing(index):
    res = tr.sen_slope(_wide(index))
    for i, key in enumerate(("A", "B")):
        np.testing.assert_allclose((res.slope[i], res.lower[i], res.upper[i], res.intercept[i]),
                                   R_SEN[key], rtol=1e-14)
    assert res.per == "month" and list(res.labels) == ["North", "South"]
    assert res.times.equals(index)
    frame = res.to_frame()
    assert list(frame["series"]) == ["North", "South"] and set(frame["per"]) == {"month"}
    np.testing.assert_allclose(tr.sen_slope(_wide(index), conf=0.9).upper[0], R_SEN_90[2],
                               rtol=1e-14)


def test_sen_slope_equals_the_array_path_with_the_true_spacing():
    res = tr.sen_slope(_wide(PERIODS), conf=(0.9, 0.95))
    ref = tr.sen_slope(np.vstack([A, B]), t=MONTH, conf=(0.9, 0.95))
    for field in ("slope", "lower", "upper", "intercept", "nobs"):
        np.testing.assert_array_equal(getattr(res, field), getattr(ref, field))
    # positions 0, 1, 2, ... (the gaps collapsed) give another answer
    assert tr.sen_slope(A).slope != res.slope[0]


def test_sen_slope_per_year_scales_the_slope_and_its_limits():
    month, year = tr.sen_slope(_wide(PERIODS)), tr.sen_slope(_wide(PERIODS), per="year")
    for field in ("slope", "lower", "upper"):
        np.testing.assert_allclose(getattr(year, field), 12 * getattr(month, field), rtol=1e-15)
    np.testing.assert_array_equal(year.intercept, month.intercept)
    assert year.per == "year"
    quarterly = pd.Series(A[:12], index=pd.period_range("2020Q1", periods=12, freq="Q"))
    assert tr.sen_slope(quarterly).per == "quarter"
    assert tr.sen_slope(quarterly, per="year").slope == 4 * tr.sen_slope(quarterly).slope


def test_t_given_as_dates_or_periods_is_a_time_axis():
    for t in (PERIODS, DATES, list(PERIODS), pd.Series(DATES)):
        res = tr.sen_slope(A, t=t)
        assert res.slope == R_SEN["A"][0] and res.per == "month"


def test_sen_narrative_says_per_month_and_names_the_series():
    lines = tr.sen_slope(_wide(PERIODS)).narrative(measure="crimes")
    assert lines[0].startswith("North: Sen's slope of crimes is +1.50 per month (95% CI ")
    assert "1.5 more crimes a month" in lines[0]
    assert lines[1].startswith("South: ") and "0.63 fewer crimes a month" in lines[1]


# ---- Mann-Kendall --------------------------------------------------------------------------------

@pytest.mark.parametrize("index", [PERIODS, DATES], ids=["periods", "dates"])
def test_mann_kendall_on_a_wide_frame_matches_r(index):
    res = tr.mann_kendall(_wide(index))
    for i, key in enumerate(("A", "B")):
        s, var_s, z, p, tau_b = R_MK[key]
        assert (res.s[i], res.var_s[i]) == (s, pytest.approx(var_s, rel=1e-15))
        np.testing.assert_allclose((res.z[i], res.pvalue[i], res.tau_b[i]), (z, p, tau_b),
                                   rtol=1e-12)
        np.testing.assert_allclose((res.slope[i], res.intercept[i]),
                                   (R_SEN[key][0], R_SEN[key][3]), rtol=1e-14)
    assert list(res.trend) == ["increasing", "decreasing"]


@pytest.mark.parametrize("method", ["original", "hamed_rao", "yue_wang", "prewhiten", "tfpw"])
def test_mann_kendall_equals_the_array_path_with_the_true_spacing(method):
    res = tr.mann_kendall(_wide(DATES), method=method)
    ref = tr.mann_kendall(np.vstack([A, B]), t=MONTH, method=method)
    for field in ("trend", "h", "pvalue", "z", "s", "var_s", "slope", "intercept", "nobs"):
        np.testing.assert_array_equal(getattr(res, field), getattr(ref, field))


def test_missing_values_on_a_time_axis_keep_their_dates():
    series = pd.Series(B, index=PERIODS, name="South")
    kept = series.dropna()
    res, ref = tr.mann_kendall(series), tr.mann_kendall(kept)
    assert (res.slope, res.intercept, res.s, res.nobs) == (ref.slope, ref.intercept, ref.s,
                                                           ref.nobs)
    assert res.slope == pytest.approx(R_SEN["B"][0], rel=1e-14)
    assert tr.sen_slope(series).lower == tr.sen_slope(kept).lower


def test_mann_kendall_single_series_narrative_and_per_year():
    s = pd.Series(A, index=PERIODS, name="crimes")
    res = tr.mann_kendall(s)
    assert res.labels is None and res.per == "month" and isinstance(res.slope, float)
    text = res.narrative(measure="crimes")
    assert text.startswith("Increasing trend in crimes (Mann-Kendall z = 5.76, p < 0.001)")
    assert text.endswith("Sen's slope +1.5 per month (1.5 more crimes a month).")
    assert "per year" in tr.mann_kendall(s, per="year").narrative()
    assert tr.mann_kendall(s, per="year").slope == 12 * res.slope


def test_conf_is_one_minus_alpha():
    s = pd.Series(B, index=PERIODS)
    a, c = tr.mann_kendall(s, alpha=0.1), tr.mann_kendall(s, conf=0.9)
    assert (a.alpha, a.pvalue, a.h) == (c.alpha, c.pvalue, c.h)
    assert tr.seasonal_mann_kendall(s, conf=0.9).alpha == 0.1
    with pytest.raises(TypeError, match="give alpha= or conf="):
        tr.mann_kendall(s, alpha=0.01, conf=0.9)


def test_nan_policy_by_position_is_deprecated():
    with pytest.warns(DeprecationWarning, match="nan_policy= by keyword"):
        old = tr.mann_kendall(B, None, "original", 0.05, None, "omit")
    assert old.s == tr.mann_kendall(B).s
    with pytest.warns(DeprecationWarning, match="nan_policy= by keyword"):
        assert tr.sen_slope(B, None, 0.95, "omit").slope == tr.sen_slope(B).slope
    with pytest.warns(DeprecationWarning, match="nan_policy= by keyword"):
        assert tr.seasonal_mann_kendall(B, 12, 0.05, "omit").s == tr.seasonal_mann_kendall(B).s


# ---- seasonal Mann-Kendall ----------------------------------------------------------------------

@pytest.mark.parametrize("index", [PERIODS, DATES], ids=["periods", "dates"])
def test_seasonal_mann_kendall_uses_calendar_seasons_as_r(index):
    res = tr.seasonal_mann_kendall(_wide(index), per="year")
    for i, key in enumerate(("A", "B")):
        s, var_s, z, p, slope = R_SMK[key]
        assert res.s[i] == s
        np.testing.assert_allclose((res.var_s[i], res.z[i], res.pvalue[i], res.slope[i]),
                                   (var_s, z, p, slope), rtol=1e-13)
    assert res.per == "year"
    np.testing.assert_allclose(tr.seasonal_mann_kendall(_wide(index)).slope, res.slope / 12)


def test_seasonal_mann_kendall_equals_the_array_path_on_the_full_calendar():
    grid = np.full((2, 36), np.nan)
    grid[:, MONTH.astype(int)] = [A, B]
    ref = tr.seasonal_mann_kendall(grid, period=12)
    res = tr.seasonal_mann_kendall(_wide(PERIODS), per="year")
    for field in ("s", "var_s", "z", "pvalue", "slope", "intercept", "s_season", "nobs"):
        np.testing.assert_array_equal(getattr(res, field), getattr(ref, field))
    # starting in April: the seasons stay the calendar's (s_season[0] is January)
    late = tr.seasonal_mann_kendall(_wide(PERIODS).iloc[3:], per="year")
    ref = tr.seasonal_mann_kendall(grid[:, 3:], period=12)
    np.testing.assert_array_equal(late.s, ref.s)
    np.testing.assert_array_equal(late.s_season[:, 3:], ref.s_season[:, :9])
    np.testing.assert_allclose(late.intercept, ref.intercept, rtol=1e-14)


def test_seasonal_mann_kendall_propagate_on_a_time_axis():
    res = tr.seasonal_mann_kendall(_wide(PERIODS), nan_policy="propagate")
    assert list(res.status) == ["ok", "missing values"]          # a gap is not a missing value
    assert res.s[0] == R_SMK["A"][0] and np.isnan(res.s[1])


# ---- Pettitt and change points ------------------------------------------------------------------

def test_pettitt_location_is_a_date():
    res = tr.pettitt(_wide(PERIODS))
    for i, key in enumerate(("A", "B")):
        u, p, position, month = R_PETTITT[key]
        assert (res.statistic[i], res.position[i]) == (u, position)
        assert res.pvalue[i] == pytest.approx(p, rel=1e-13)
        assert res.location[i] == pd.Period(month, "M")
    lines = res.narrative()
    assert lines[0].startswith("North: A change point after January 2023 (Pettitt U* = 240")
    assert "after August 2023" in lines[1]
    dated = tr.pettitt(pd.Series(A, index=DATES))
    assert dated.location == pd.Timestamp("2023-01-01") and dated.position == 11
    assert tr.pettitt(A, t=PERIODS).location == pd.Period("2023-01", "M")
    assert tr.pettitt(A).location == 11                          # arrays: positions


def test_changepoints_are_dated():
    s = pd.Series(A / 5, index=PERIODS)
    res = sc.changepoints(s, penalty="bic")
    assert res.positions.tolist() == list(R_CPT_A5)
    assert res.locations.tolist() == [pd.Period("2023-01", "M"), pd.Period("2024-01", "M")]
    np.testing.assert_array_equal(res.segment_means,
                                  sc.changepoints(A / 5, penalty="bic").segment_means)
    text = res.narrative()
    assert text.startswith("2 change points, after January 2023 and January 2024 (PELT")
    assert "(January 2022 to January 2023)" in text and "(April 2023 to January 2024)" in text
    frame = res.to_frame()
    assert list(frame.columns) == ["series", "segment", "start", "end", "start_time",
                                   "end_time", "mean"]
    assert frame["start_time"].tolist()[1] == pd.Period("2023-04", "M")
    wide = sc.changepoints(_wide(DATES) / 5, penalty="bic", nan_policy="omit")
    assert wide.locations[0].tolist() == [pd.Timestamp("2023-01-01"), pd.Timestamp("2024-01-01")]
    assert list(wide.to_frame()["series"].unique()) == ["North", "South"]
    assert wide.narrative()[0].startswith("North: 2 change points, after January 2023")
    assert sc.changepoints(s, penalty="bic").plot() is not None


# ---- tidy tables --------------------------------------------------------------------------------

@pytest.mark.parametrize("func, fields", [
    (tr.mann_kendall, ("s", "z", "pvalue", "slope", "intercept")),
    (tr.sen_slope, ("slope", "lower", "upper", "intercept")),
    (tr.seasonal_mann_kendall, ("s", "pvalue", "slope")),
    (tr.pettitt, ("statistic", "pvalue", "position")),
])
def test_tidy_table_with_by_equals_the_wide_frame(func, fields):
    df = _tidy()
    res = func(df, value="crimes", time="month", by=["force", "crime_type"])
    assert list(res.labels) == [("North", "burglary"), ("North", "theft"),
                                ("South", "burglary"), ("South", "theft")]
    wide = pd.DataFrame({"nb": A, "nt": 2 * A, "sb": B, "st": 2 * B}, index=PERIODS)
    ref = func(wide)
    for field in fields:
        np.testing.assert_array_equal(getattr(res, field), getattr(ref, field))
    frame = res.to_frame()
    assert list(frame.columns[:2]) == ["force", "crime_type"]
    assert list(frame["force"]) == ["North", "North", "South", "South"]


def test_tidy_table_with_a_month_missing_for_one_group_only():
    df = _tidy()
    df = df[~((df.force == "South") & (df.month == pd.Period("2024-02", "M")))]
    res = tr.sen_slope(df[df.crime_type == "burglary"], value="crimes", time="month", by="force")
    south = pd.Series(B, index=PERIODS).drop(pd.Period("2024-02", "M"))
    assert res.slope[1] == tr.sen_slope(south).slope
    assert res.slope[0] == pytest.approx(R_SEN["A"][0], rel=1e-14)
    assert res.nobs.tolist() == [32, 29]


def test_tidy_table_for_change_points_and_without_by():
    df = _tidy().assign(crimes=lambda d: d["crimes"] / 5)
    burglary = df[df.crime_type == "burglary"]
    res = sc.changepoints(burglary, value="crimes", time="month", by="force", penalty="bic")
    frame = res.to_frame()
    assert list(frame.columns[:2]) == ["force", "segment"]
    assert res.positions[0].tolist() == list(R_CPT_A5)
    north = burglary[burglary.force == "North"]
    one = tr.sen_slope(north, value="crimes", time="month")
    assert one.labels is None and one.slope == pytest.approx(R_SEN["A"][0] / 5, rel=1e-14)


def test_trend_table_uses_the_true_spacing_of_periods():
    df = _tidy()
    table = tr.trend_table(df, by=["force", "crime_type"], time="month", value="crimes",
                           tests=("mann_kendall", "sen_slope", "pettitt",
                                  "seasonal_mann_kendall"))
    assert list(table.columns[:4]) == ["force", "crime_type", "n_times", "per"]
    assert set(table["per"]) == {"month"}
    np.testing.assert_allclose(table["sen_slope"], np.array([1, 2, 1, 2]) *
                               np.repeat([R_SEN["A"][0], R_SEN["B"][0]], 2), rtol=1e-14)
    np.testing.assert_allclose(table["mk_pvalue"][[0, 2]], [R_MK["A"][3], R_MK["B"][3]],
                               rtol=1e-12)
    assert list(table["pettitt_location"][[0, 2]]) == [pd.Period("2023-01", "M"),
                                                        pd.Period("2023-08", "M")]
    assert list(table["pettitt_position"][[0, 2]]) == [11, 16]
    np.testing.assert_allclose(table["smk_slope"][[0, 2]], np.array([20.0, -7.5]) / 12,
                               rtol=1e-14)
    by_year = tr.trend_table(df.assign(month=df["month"].dt.to_timestamp()),
                             ["force", "crime_type"], "month", "crimes", per="year")
    np.testing.assert_allclose(by_year["sen_slope"], 12 * table["sen_slope"], rtol=1e-15)
    assert set(by_year["per"]) == {"year"}


# ---- bad input ----------------------------------------------------------------------------------

def test_bad_time_axes_are_refused_naming_the_label():
    dup = pd.Series(A[:4], index=pd.PeriodIndex(["2024-01", "2024-02", "2024-02", "2024-03"],
                                                freq="M"))
    with pytest.raises(ValueError, match="duplicate time label: 2024-02"):
        tr.mann_kendall(dup)
    unsorted = pd.Series(A[:3], index=pd.PeriodIndex(["2024-01", "2024-03", "2024-02"],
                                                     freq="M"))
    with pytest.raises(ValueError, match="unsorted time label: 2024-02"):
        tr.sen_slope(unsorted)
    odd = pd.Series(A[:4], index=pd.DatetimeIndex(["2024-01-01", "2024-01-04", "2024-01-10",
                                                   "2024-01-13"]))
    with pytest.raises(ValueError, match="cannot infer the frequency"):
        tr.pettitt(odd)
    with pytest.raises(TypeError, match="one kind"):
        tr.sen_slope(A[:2], t=[pd.Period("2024-01", "M"), pd.Timestamp("2024-02-01")])
    with pytest.raises(ValueError, match="not both"):
        tr.mann_kendall(pd.Series(A, index=PERIODS), t=MONTH)
    with pytest.raises(TypeError, match="DatetimeIndex or PeriodIndex"):
        tr.mann_kendall(pd.DataFrame({"North": A}))
    with pytest.raises(ValueError, match="per='year' needs a time axis"):
        tr.sen_slope(A, per="year")
    with pytest.raises(ValueError, match="per must be one of"):
        tr.sen_slope(pd.Series(A, index=PERIODS), per="fortnight")
    with pytest.raises(TypeError, match="t must hold dates or periods"):
        tr.pettitt(A, t=MONTH)
    with pytest.raises(TypeError, match="t must hold dates or periods"):
        sc.changepoints(A / 5, t=MONTH)


def test_bad_tidy_tables_are_refused():
    df = _tidy()
    with pytest.raises(ValueError, match="by='region' is not a column"):
        tr.mann_kendall(df, value="crimes", time="month", by="region")
    with pytest.raises(ValueError, match="'count' is not a column"):
        tr.sen_slope(df, value="count", time="month", by="force")
    with pytest.raises(ValueError, match="more than one row for time 2022-01"):
        tr.pettitt(df, value="crimes", time="month", by="force")
    with pytest.raises(ValueError, match="per='year' needs a time axis"):
        tr.trend_table(df.assign(month=MONTH.tolist() * 4), ["force", "crime_type"], "month",
                       "crimes", per="year")
