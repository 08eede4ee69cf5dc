"""count_trend and its on pandas inputs: time-indexed Series and frames, tidy tables with ``by``,
gaps in the months, interventions given as dates.

References on the true spacing (months missing stay missing), computed with R 4.2.2 Patched
(2022-11-10 r83330), MASS 7.3-58.2, sandwich 3.0-2, lmtest 0.9-40 on the data below (``d``: one
row per observed month, ``t`` the months since January 2021, ``m`` the calendar month,
``pop = 50000 + 250 t``), with ``d$month <- factor(month.abb[d$m], levels = month.abb)``,
``ctl <- glm.control(epsilon = 1e-14, maxit = 100)``, ``d$time <- d$t + 1``,
``d$level <- as.numeric(d$time >= 25)``, ``d$slope <- pmax(0, d$time - 25 + 1) * d$level``
(January 2023 is month 25):

- R_TREND: ``glm(y1 ~ t + month + offset(log(pop)), family = poisson, data = d, control = ctl)``
- R_NEGBIN: ``glm.nb(y2 ~ t + month + offset(log(pop)), data = d, control = ctl)``
- R_ITS: ``coeftest(f <- lm(g ~ time + level + slope, data = d), vcov. = NeweyWest(f, lag = 2,
  prewhite = FALSE))``
- R_ITS_POISSON: ``glm(y1 ~ time + level + slope + month + offset(log(pop)), family = poisson,
  data = d, control = ctl)`` (the first four coefficients)
"""
from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from scrutiny._results import time_index, unit_labels
from scrutiny.models import count_trend, its

# ---- the data: 48 months from January 2021 with March, April 2022 and November 2023 missing -----

GAPS = [14, 15, 34]
KEEP = np.setdiff1d(np.arange(48), GAPS)
MONTHS = pd.period_range("2021-01", periods=48, freq="M")[KEEP]
T = KEEP.astype(float)                               # the true spacing, in months
POP = 50000 + 250 * T
Y1 = [143, 140, 129, 141, 138, 106, 113, 92, 92, 92, 119, 112, 131, 158, 140, 116, 121, 90, 110,
      94, 100, 106, 133, 130, 130, 129, 114, 115, 99, 72, 92, 69, 88, 115, 144, 140, 132, 130,
      105, 90, 78, 73, 81, 97, 113]
Y2 = [89, 266, 49, 244, 180, 221, 221, 101, 200, 108, 194, 372, 236, 134, 318, 611, 270, 245, 235,
      268, 102, 166, 152, 173, 133, 193, 259, 403, 182, 356, 272, 219, 133, 304, 637, 364, 192,
      265, 306, 172, 182, 195, 334, 248, 224]
G = [40.21, 40.64, 40.75, 40.72, 40.91, 40.85, 41.24, 41.54, 41.89, 42.2, 42.2, 41.73, 42.34,
     42.88, 43.06, 43.53, 43.74, 43.86, 44.01, 43.86, 43.97, 44.13, 40.16, 39.88, 39.97, 39.71,
     39.48, 39.46, 39.24, 38.82, 38.58, 38.27, 38.22, 38.41, 38.57, 38.28, 38.1, 38.14, 37.5,
     37.76, 38.15, 38.34, 37.5, 37.55, 36.82]
SEASON_TERMS = [f"season_{m}" for m in ("Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
                                        "Oct", "Nov", "Dec")]
POST = 22                                            # January 2023's position among the months

# ---- R's numbers (see the module docstring for the calls) ---------------------------------------

R_TREND = {
    "params": [-5.894713624753958214, -0.007713538242009624, 0.094579077914499488,
               0.031830986376667411, 0.042504974906556046, 0.012556629855423974,
               -0.150610080522163930, -0.191336426783217439, -0.430342101319429404,
               -0.326863687841135175, -0.411843020522420833, -0.188675017133414141,
               -0.184481785495516748],
    "bse": [0.0472565405251295367, 0.0010216668512249094, 0.0605392142731490668,
            0.0666142395336618565, 0.0665416350781093818, 0.0620321997754874344,
            0.0648386722314233666, 0.0657044438109444934, 0.0705586754592795046,
            0.0686062537501245656, 0.0705395646658172060, 0.0717224936620546732,
            0.0665411902025697388],
    "deviance": 29.074827550349763,
}
R_NEGBIN = {
    "params": [-5.7772401915171904818, 0.0061926175446934467, 0.4160173525722948296,
               -0.1715422567429026046, 0.0839240120576594945, 0.2584319095020605195,
               0.6668833493426031822, 0.0762985865074555791, 0.0661808835066678147,
               0.1012785187487075800, 0.0796848871826440347, -0.1361833792841706248,
               0.0990813234724475661],
    "bse": [0.204219081902168725, 0.004115642465277224, 0.268137598119817300,
            0.291429564323945789, 0.290869028367553406, 0.268824869524636689,
            0.268470151597230144, 0.269775464170455004, 0.270181341451753765,
            0.270552977458335731, 0.271106634638904498, 0.292557806116843622,
            0.272267966033712894],
    "theta": 7.1770465690748928,
}
R_ITS = {
    "params": [40.11132075471701341, 0.17773584905660311, -4.35746226558054417,
               -0.29378752355273896],
    "bse": [0.0840757408943610951, 0.0070223000743879866, 0.1962037310441352433,
            0.0124587740670006990],
    "pvalues": [2.1426755113725305e-78, 1.2032499255236077e-26, 1.7905296534612937e-24,
                1.8256350415367863e-25],
}
R_ITS_POISSON = {
    "params": [-5.9185270044032893821, -0.0012941015970639200, -0.1683884398365908808,
               -0.0019500021669194073],
    "bse": [0.0534886923002027073, 0.0030808152230189451, 0.0664505895780603539,
            0.0039551857705243283],
}


def _series(values, index=MONTHS, name=None):
    return pd.Series(values, index=index, name=name)


def _labels():
    """The calendar month of each observation ("Jan", ...)."""
    return np.asarray(MONTHS.strftime("%b"), dtype=object)


def _tidy(drop=()):
    """A tidy table of two forces (North = Y1, South = Y2) with their populations, less the rows
    ``drop`` (their positions in the table)."""
    rows = []
    for force, y in (("North", Y1), ("South", Y2)):
        rows.append(pd.DataFrame({"month": MONTHS, "force": force, "crimes": y,
                                  "population": POP}))
    table = pd.concat(rows, ignore_index=True)
    return table.drop(index=list(drop)).sample(frac=1.0, random_state=3)     # any row order


# ---- count_trend: R on the true spacing ----------------------------------------------------------

def test_count_trend_matches_r_on_the_true_spacing():
    res = count_trend(_series(Y1), _series(POP), period=12)
    assert list(res.params.index) == ["intercept", "t", *SEASON_TERMS]
    np.testing.assert_allclose(res.params, R_TREND["params"], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(res.bse, R_TREND["bse"], rtol=1e-6)
    assert res.deviance == pytest.approx(R_TREND["deviance"], rel=1e-8)
    assert res.per == "month" and res.nobs == 45
    assert res.rate_ratio == pytest.approx(np.exp(R_TREND["params"][1]), rel=1e-8)


def test_count_trend_negbin_matches_r_glm_nb_on_the_true_spacing():
    res = count_trend(_series(Y2), _series(POP), period=12, family="negbin")
    np.testing.assert_allclose(res.params, R_NEGBIN["params"], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(res.bse, R_NEGBIN["bse"], rtol=1e-5)
    assert res.theta == pytest.approx(R_NEGBIN["theta"], rel=1e-6)


@pytest.mark.parametrize("per, factor", [(None, 1), ("month", 1), ("quarter", 3),
                                         ("year", 12)])
def test_count_trend_per_unit_of_time(per, factor):
    # rate ratio per unit = exp(factor b), Wald limits exp(factor (b -+ z se)) from R's b, se
    res = count_trend(_series(Y1), _series(POP), period=12, per=per)
    b, se, z = R_TREND["params"][1], R_TREND["bse"][1], stats.norm.ppf(0.975)
    assert res.per == (per or "month")
    assert res.rate_ratio == pytest.approx(np.exp(factor * b), rel=1e-7)
    assert res.lower == pytest.approx(np.exp(factor * (b - z * se)), rel=1e-6)
    assert res.upper == pytest.approx(np.exp(factor * (b + z * se)), rel=1e-6)
    assert res.percent_change == pytest.approx(100 * np.expm1(factor * b), rel=1e-6)
    assert res.params["t"] == pytest.approx(b, rel=1e-7)      # the coefficient stays per month
    assert res.to_frame()["per"].tolist() == [per or "month"]


def test_count_trend_equals_the_array_path_given_the_true_spacing():
    res = count_trend(_series(Y1), _series(POP), period=12, family="negbin")
    ref = count_trend(np.asarray(Y1, float), POP, t=T, season=_labels(), family="negbin")
    pd.testing.assert_series_equal(res.params, ref.params)
    pd.testing.assert_series_equal(res.bse, ref.bse)
    assert (res.rate_ratio, res.lower, res.upper, res.theta) == (ref.rate_ratio, ref.lower,
                                                                 ref.upper, ref.theta)
    assert ref.per is None and ref.labels is None and ref.times is None


@pytest.mark.parametrize("index", [MONTHS, MONTHS.to_timestamp(),
                                   MONTHS.to_timestamp(how="end").normalize()],
                         ids=["period", "month-start", "month-end"])
def test_count_trend_any_time_index_and_t_as_dates(index):
    ref = count_trend(_series(Y1), _series(POP), period=12)
    res = count_trend(_series(Y1, index), _series(POP, index), period=12)
    pd.testing.assert_series_equal(res.params, ref.params)
    assert time_index(res).equals(index)
    by_t = count_trend(Y1, POP, t=index, period=12)
    pd.testing.assert_series_equal(by_t.params, ref.params)
    assert by_t.per == "month"


def test_count_trend_gap_misses_seasons_without_shifting_them():
    # without a time axis period=12 counts positions (the gap shifts later months' seasons);
    # with one, March 2022 missing leaves January 2023 a January
    res = count_trend(_series(Y1), period=12)
    shifted = count_trend(np.asarray(Y1, float), period=12)
    assert list(shifted.params.index)[2:] == [f"season_{j}" for j in range(1, 12)]
    assert not np.allclose(res.params["t"], shifted.params["t"])
    calendar = count_trend(np.asarray(Y1, float), t=T, season=_labels())
    pd.testing.assert_series_equal(res.params, calendar.params)


def test_count_trend_season_reference_is_the_first_month_present():
    later = slice(5, None)                               # from June 2021
    res = count_trend(_series(Y1).iloc[later], period=12)
    assert list(res.params.index)[2:] == [f"season_{m}" for m in (
        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May")]
    # labels in order of first appearance put March and April (missing in 2022) last
    ref = count_trend(np.asarray(Y1, float)[later], t=T[later] - 5, season=_labels()[later])
    assert list(ref.params.index)[-2:] == ["season_Mar", "season_Apr"]
    np.testing.assert_allclose(res.params, ref.params[res.params.index], rtol=1e-9)


@pytest.mark.parametrize("to_times", [lambda m: m, lambda m: m.to_timestamp()],
                         ids=["PeriodIndex", "DatetimeIndex"])
def test_count_trend_wide_frame_one_series_per_column(to_times):
    index = to_times(MONTHS)
    frame = pd.DataFrame({"North": Y1, "South": Y2}, index=index)
    pop = pd.DataFrame({"North": POP, "South": 2 * POP}, index=index)
    res = count_trend(frame, pop, period=12, per="year")
    assert list(unit_labels(res)) == ["North", "South"]
    assert list(res.params.index) == ["North", "South"]
    assert list(res.conf_int()["lower"].index) == ["North", "South"]
    for row, (name, y, e) in enumerate((("North", Y1, POP), ("South", Y2, 2 * POP))):
        one = count_trend(_series(y, index), _series(e, index), period=12, per="year")
        np.testing.assert_array_equal(res.params.iloc[row], one.params)
        assert res.rate_ratio[row] == one.rate_ratio
    table = res.to_frame()
    assert table["series"].tolist() == ["North", "South"]
    assert table["per"].tolist() == ["year", "year"]
    lines = res.narrative(measure="crimes")
    assert lines[0].startswith("North: Crimes fell by ") and "% a year (95% CI" in lines[0]
    assert lines[1].startswith("South: ")
    # one exposure Series for every column
    shared = count_trend(frame, _series(POP, index), period=12)
    np.testing.assert_array_equal(shared.params.iloc[0], count_trend(
        _series(Y1, index), _series(POP, index), period=12).params)


def test_count_trend_tidy_table_with_by_and_gaps():
    # South lacks May 2021 in the table: its count is missing there, the month stays on the axis
    table = _tidy(drop=[len(Y1) + 4])
    res = count_trend(table, value="crimes", time="month", by="force", exposure="population",
                      period=12, per="year")
    assert list(res.labels) == ["North", "South"] and res.labels.name == "force"
    north = count_trend(_series(Y1), _series(POP), period=12, per="year")
    south_y = np.asarray(Y2, float)
    south_y[4] = np.nan
    south = count_trend(_series(south_y), _series(POP), period=12, per="year")
    np.testing.assert_array_equal(res.params.iloc[0], north.params)
    np.testing.assert_array_equal(res.params.iloc[1], south.params)
    assert res.nobs.tolist() == [45, 44]
    frame = res.to_frame()
    assert frame.columns[0] == "force" and frame["force"].tolist() == ["North", "South"]
    np.testing.assert_array_equal(frame["rate_ratio"], [north.rate_ratio, south.rate_ratio])
    # no by: one series
    one = count_trend(table[table.force == "North"], value="crimes", time="month",
                      exposure="population", period=12)
    np.testing.assert_allclose(one.params.to_numpy(), R_TREND["params"], rtol=1e-7, atol=1e-9)


def test_count_trend_tidy_table_with_two_by_columns():
    table = _tidy()
    table["region"] = np.where(table.force == "North", "N", "S")
    res = count_trend(table, value="crimes", time="month", by=["region", "force"])
    frame = res.to_frame()
    assert list(frame.columns[:2]) == ["region", "force"]
    pairs = frame[["region", "force"]].values.tolist()
    assert sorted(pairs) == [["N", "North"], ["S", "South"]]
    north = pairs.index(["N", "North"])
    assert res.narrative()[north].startswith("N / North: ")
    assert res.rate_ratio[north] == count_trend(_series(Y1)).rate_ratio


def test_count_trend_missing_count_keeps_its_month():
    y = np.asarray(Y1, float)
    y[7] = np.nan
    res = count_trend(_series(y), period=12)
    ref = count_trend(_series(np.delete(y, 7), MONTHS.delete(7)), period=12)
    np.testing.assert_allclose(res.params.to_numpy(), ref.params.to_numpy(), rtol=1e-12)


# ---- its: R on the true spacing ------------------------------------------------------------------

@pytest.mark.parametrize("when", ["2023-01", pd.Period("2023-01", "M"),
                                  pd.Timestamp("2023-01-01"), POST, "2023-01-15"],
                         ids=["string", "Period", "Timestamp", "position", "day"])
def test_its_gaussian_matches_r_on_the_true_spacing(when):
    res = its(_series(G, MONTHS.to_timestamp()), when, hac_lags=2)
    np.testing.assert_allclose(res.params, R_ITS["params"], rtol=1e-10)
    np.testing.assert_allclose(res.bse, R_ITS["bse"], rtol=1e-9)
    np.testing.assert_allclose(res.pvalues, R_ITS["pvalues"], rtol=1e-7)
    assert res.intervention == POST and res.hac_lags == 2 and res.per == "month"


def test_its_equals_the_array_path_given_the_true_spacing():
    res = its(_series(G), "2023-01", hac_lags=None)
    ref = its(np.asarray(G), POST, t=T)
    pd.testing.assert_series_equal(res.params, ref.params)
    pd.testing.assert_series_equal(res.bse, ref.bse)
    np.testing.assert_array_equal(res.counterfactual, ref.counterfactual)
    assert (res.relative_effect, res.hac_lags) == (ref.relative_effect, ref.hac_lags)
    # numeric t from any origin: time is 1 at the first observation
    shifted = its(np.asarray(G), POST, t=T + 2020.5)
    np.testing.assert_allclose(shifted.params, ref.params, rtol=1e-12)


def test_its_regular_spacing_gives_the_array_numbers():
    y = np.asarray(G)
    months = pd.period_range("2021-01", periods=y.size, freq="M")
    for family, data, extra in (("gaussian", y, {"hac_lags": 1}),
                                ("poisson", np.asarray(Y1, float), {"period": 12})):
        res = its(_series(data, months), months[20], family=family, **extra)
        ref = its(data, 20, family=family, **extra)
        np.testing.assert_array_equal(res.params.to_numpy()[:4], ref.params.to_numpy()[:4])
        np.testing.assert_array_equal(res.fitted, ref.fitted)
        assert res.relative_effect == ref.relative_effect


def test_its_poisson_with_calendar_seasons_and_exposure_matches_r():
    res = its(_series(Y1), "2023-01", family="poisson", exposure=_series(POP), period=12)
    assert list(res.params.index) == ["intercept", "time", "level_change", "slope_change",
                                      *SEASON_TERMS]
    np.testing.assert_allclose(res.params.iloc[:4], R_ITS_POISSON["params"], rtol=1e-7,
                               atol=1e-9)
    np.testing.assert_allclose(res.bse.iloc[:4], R_ITS_POISSON["bse"], rtol=1e-6)
    b = np.asarray(R_ITS_POISSON["params"])
    cf = POP * np.exp(b[0] + b[1] * (T + 1) + res.params.iloc[4:].reindex(
        [f"season_{m}" for m in _labels()]).fillna(0.0).to_numpy())
    np.testing.assert_allclose(res.counterfactual, cf, rtol=1e-6)


def test_its_per_year_scales_the_slope_change():
    month = its(_series(G), "2023-01", hac_lags=2)
    year = its(_series(G), "2023-01", hac_lags=2, per="year")
    assert year.per == "year"
    assert year.slope_change == pytest.approx(12 * R_ITS["params"][3], rel=1e-10)
    assert year.slope_change_lower == pytest.approx(12 * month.slope_change_lower, rel=1e-12)
    assert year.level_change == month.level_change
    pd.testing.assert_series_equal(year.params, month.params)
    assert "per year" in year.narrative()


def test_its_narrative_names_the_month():
    res = its(_series(G), "2023-01", hac_lags=2)
    text = res.narrative()
    assert text.startswith("From January 2023, the level changed by -4.36 ")
    assert "per month" in text and "Since January 2023 the fitted values" in text
    days = its(_series(G, MONTHS.to_timestamp()), "2023-01", hac_lags=2).narrative()
    assert days == text
    plain = its(np.asarray(G), POST, hac_lags=2).narrative()
    assert plain.startswith("From point 23,") and "After the intervention" in plain


def test_its_wide_frame_and_tidy_table_with_by():
    frame = pd.DataFrame({"North": Y1, "South": Y2}, index=MONTHS.to_timestamp())
    wide = its(frame, "2023-01", family="negbin", exposure=_series(POP, frame.index))
    table = _tidy()
    res = its(table, value="crimes", time="month", by="force", intervention="2023-01",
              family="negbin", exposure="population")
    assert list(res.labels) == ["North", "South"]
    np.testing.assert_allclose(res.params.to_numpy(), wide.params.to_numpy(), rtol=1e-12)
    out = res.to_frame()
    assert out["force"].tolist() == ["North", "South"] and out["intervention"].tolist() == [22,
                                                                                           22]
    lines = res.narrative()
    assert lines[0].startswith("North: From January 2023, the expected count changed by ")
    one = its(_series(Y2), "2023-01", family="negbin", exposure=_series(POP))
    np.testing.assert_allclose(res.params.iloc[1].to_numpy(), one.params.to_numpy(), rtol=1e-12)


def test_its_interventions_per_series_as_dates():
    frame = pd.DataFrame({"North": Y1, "South": Y2}, index=MONTHS)
    res = its(frame, ["2022-06", pd.Period("2023-01", "M")], family="poisson")
    assert res.intervention.tolist() == [15, 22]
    assert res.narrative()[0].startswith("North: From June 2022,")


def test_plots_of_pandas_fits():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for res in (count_trend(_series(Y1), _series(POP), period=12),
                its(_series(G), "2023-01", hac_lags=2)):
        ax = res.plot()
        assert ax is not None
        plt.close(ax.figure)


# ---- bad input ----------------------------------------------------------------------------------

def test_misaligned_exposure_is_refused():
    with pytest.raises(ValueError, match="counts and exposure have different indexes"):
        count_trend(_series(Y1), _series(POP, MONTHS + 1))
    frame = pd.DataFrame({"North": Y1, "South": Y2}, index=MONTHS)
    with pytest.raises(ValueError, match="exposure's index differs"):
        count_trend(frame, pd.DataFrame({"North": POP, "South": POP}, index=MONTHS + 1))
    with pytest.raises(ValueError, match="exposure's columns differ"):
        count_trend(frame, pd.DataFrame({"South": POP, "North": POP}, index=MONTHS))
    with pytest.raises(ValueError, match="different indexes"):
        its(_series(Y1), "2023-01", family="poisson", exposure=_series(POP).iloc[::-1])


@pytest.mark.parametrize("when, message", [
    ("2025-01", "intervention January 2025 is outside the series (January 2021 to December "
                "2024)"),
    (pd.Timestamp("2020-12-01"), "intervention December 2020 is outside the series"),
    ("2021-02", "intervention February 2021 is too near the start of the series"),
    ("2024-12", "intervention December 2024 is too near the end of the series"),
])
def test_intervention_outside_the_series_is_refused(when, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        its(_series(G), when)


def test_intervention_date_without_a_time_axis_is_refused():
    with pytest.raises(TypeError, match="intervention '2023-01' is a date but y has no time axis"):
        its(np.asarray(G), "2023-01")
    with pytest.raises(TypeError, match="intervention must be a position or a date"):
        its(pd.DataFrame({"North": G, "South": G}, index=MONTHS), ["2023-01", "soon"])


def test_bad_time_axes_are_refused():
    dup = MONTHS.insert(5, MONTHS[4])
    with pytest.raises(ValueError, match=r"duplicate time label: 2021-05"):
        count_trend(_series([*Y1, 100], dup))
    with pytest.raises(ValueError, match="unsorted time label"):
        its(_series(G, MONTHS[::-1]), 20)
    with pytest.raises(ValueError, match="either as counts's index or as t, not both"):
        count_trend(_series(Y1), t=T)
    with pytest.raises(ValueError, match="either as y's index or as t, not both"):
        its(_series(G), "2023-01", t=MONTHS)
    with pytest.raises(TypeError, match="DatetimeIndex or PeriodIndex"):
        count_trend(pd.DataFrame({"North": Y1, "South": Y2}))
    with pytest.raises(ValueError, match=r"per='year' needs a time axis"):
        count_trend(Y1, per="year")
    with pytest.raises(ValueError, match=r"per='year' needs a time axis"):
        its(np.asarray(G), POST, per="year")
    with pytest.raises(ValueError, match="per must be one of"):
        count_trend(_series(Y1), per="fortnight")
    with pytest.raises(ValueError, match="give period or season, not both"):
        count_trend(_series(Y1), period=12, season=_labels())


def test_tidy_table_errors_name_the_column_or_row():
    table = _tidy()
    with pytest.raises(ValueError, match="by='region' is not a column"):
        count_trend(table, value="crimes", time="month", by="region")
    with pytest.raises(ValueError, match="more than one row for time 20"):
        count_trend(pd.concat([table, table.head(1)]), value="crimes", time="month",
                    by="force")
    with pytest.raises(TypeError, match="needs value= and time="):
        its(table, value="crimes", intervention="2023-01")


def test_nan_policy_is_keyword_only_with_omit_by_default():
    y = np.asarray(G)
    y[3] = np.nan
    res = its(_series(y), "2023-01", hac_lags=2)
    assert res.nobs == 44 and res.status == "ok"
    with pytest.raises(ValueError, match="nan_policy='raise'"):
        its(_series(y), "2023-01", nan_policy="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError):
            count_trend(Y1, None, None, None, None, "poisson", 0.95, "omit")


def test_quarters_per_year_and_calendar_quarters():
    quarters = pd.period_range("2019Q3", periods=20, freq="Q").delete([6])
    y = np.asarray(Y1[:19], float)
    res = count_trend(_series(y, quarters), period=4, per="year")
    assert list(res.params.index)[2:] == ["season_Q4", "season_Q1", "season_Q2"]
    t = (quarters.asi8 - quarters.asi8[0]).astype(float)
    ref = count_trend(y, t=t, season=[f"Q{q}" for q in quarters.quarter])
    pd.testing.assert_series_equal(res.params, ref.params)
    assert res.rate_ratio == pytest.approx(ref.rate_ratio ** 4, rel=1e-12)
    assert res.per == "year"


def test_its_with_t_as_dates():
    ref = its(_series(G), "2023-01", hac_lags=2)
    res = its(np.asarray(G), "2023-01", hac_lags=2, t=MONTHS.to_timestamp())
    pd.testing.assert_series_equal(res.params, ref.params)
    assert res.narrative() == ref.narrative()
    assert time_index(res).equals(MONTHS.to_timestamp())


def test_narrative_never_relabels_a_trend_per_another_unit():
    months = pd.period_range("2022-01", periods=30, freq="M")
    y = pd.Series(np.random.default_rng(5).poisson(50, 30).astype(float), index=months)
    yearly = count_trend(y, period=12, per="year")
    assert " a year" in yearly.narrative()
    assert yearly.narrative(unit="year") == yearly.narrative().replace(" a year", " per year")
    with pytest.raises(ValueError, match="unit='month' would relabel a trend that is per year"):
        yearly.narrative(unit="month")
