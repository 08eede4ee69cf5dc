"""SPC charts with pandas inputs: labelled Series, wide frames with a PeriodIndex or a
DatetimeIndex (one series per column), tidy tables with ``by``, gaps on the true calendar,
baselines and rebase points given as dates; checked against the array path and against the
limits computed directly (numpy) on the points as they fall on the calendar."""
import numpy as np
import pandas as pd
import pytest

from scrutiny.spc import spc, spc_table

MONTHS = pd.period_range("2023-01", periods=24, freq="M", name="month")
AREAS = pd.Index(["North", "South", "West"], name="area")
WIDE = pd.DataFrame(np.round(np.random.default_rng(13).normal(100, 8, (24, 3)), 1),
                    index=MONTHS, columns=AREAS)
POINT = ("value", "centre", "lower", "upper", "lower_2sigma", "upper_2sigma", "signals")
SERIES = ("longest_run", "longest_run_max", "n_crossings", "n_crossings_min", "runs_signal",
          "variation")


def same(a, b):
    """Two results with the same numbers and signals."""
    for name in POINT + SERIES:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


def tidy(frame=WIDE, name="crimes"):
    return frame.stack().rename(name).reset_index()


def xmr_limits(y):
    """XmR limits on a calendar row (NaN: no value): the mean of the observed points +- 2.66 x
    the mean moving range of neighbouring observed points (none across a gap)."""
    ranges = np.abs(np.diff(y))          # NaN next to a gap: left out
    centre = np.nanmean(y)
    return centre, centre - 2.66 * np.nanmean(ranges), centre + 2.66 * np.nanmean(ranges)


# ---- layouts --------------------------------------------------------------------------------

def test_a_labelled_series_is_one_chart_on_its_dates():
    y = WIDE["North"]
    res = spc(y, improvement="decrease")
    same(res, spc(y.to_numpy(), improvement="decrease"))
    assert res.times.equals(MONTHS) and res.time.equals(MONTHS) and res.labels is None
    frame = res.to_frame()
    assert frame["period"].tolist() == list(MONTHS) and "date" not in frame
    assert res.narrative().startswith("The value was 91.4 in December 2024")


@pytest.mark.parametrize("index", [
    MONTHS,
    MONTHS.to_timestamp(how="start"),
    MONTHS.to_timestamp(how="end").normalize(),
], ids=["periods", "month starts", "month ends"])
def test_a_wide_frame_is_one_chart_per_column(index):
    frame = WIDE.set_axis(index)
    res = spc(frame, improvement="increase", target=110)
    same(res, spc(WIDE.to_numpy().T, improvement="increase", target=110))
    assert res.labels.equals(AREAS) and res.times.equals(index)
    table = res.series_table()
    assert table.columns[0] == "area" and table["area"].tolist() == list(AREAS)
    points = res.to_frame()
    assert points.columns[:2].tolist() == ["area", "period"] and len(points) == 72
    assert points["period"].tolist()[:24] == list(MONTHS)
    if isinstance(index, pd.DatetimeIndex):
        assert points["date"].tolist()[:24] == list(index)
    assert res.narrative(series="South").startswith("South: the value was")
    view = res.series_view("West")
    assert view.label == "West" and view.times.equals(index)
    assert view.to_frame()["period"].tolist() == list(MONTHS)


def test_a_tidy_table_is_one_chart_per_group():
    long = tidy()
    res = spc(long, value="crimes", time="month", by="area")
    same(res, spc(WIDE))
    assert res.labels.equals(AREAS) and res.times.equals(MONTHS)
    # dates in the time column, several by columns
    two = pd.concat([long.assign(kind="burglary"), long.assign(kind="robbery",
                                                                 crimes=long["crimes"] / 2)])
    two["month"] = two["month"].dt.to_timestamp()
    res2 = spc(two, value="crimes", time="month", by=["area", "kind"])
    assert isinstance(res2.labels, pd.MultiIndex) and res2.labels.names == ["area", "kind"]
    assert res2.series_table().columns[:2].tolist() == ["area", "kind"]
    assert res2.to_frame().columns[:3].tolist() == ["area", "kind", "period"]
    burglary = [res2.labels.get_loc((area, "burglary")) for area in AREAS]
    np.testing.assert_array_equal(res2.centre[burglary], res.centre)
    assert res2.narrative(series=("North", "robbery")).startswith("North / robbery: the value")
    assert res2.series_view(("North", "robbery")).label == "North / robbery"
    # spc_table gives the same charts, one row each
    table = spc_table(long, "crimes", "month", by="area")
    np.testing.assert_array_equal(table["centre"], res.series_table()["centre"])
    assert table.columns[:2].tolist() == ["indicator", "area"]


def test_denominators_in_the_same_layout():
    rng = np.random.default_rng(7)
    n = pd.DataFrame(rng.integers(200, 400, (24, 3)), index=MONTHS, columns=AREAS)
    y = pd.DataFrame(rng.binomial(n.to_numpy(), 0.3), index=MONTHS, columns=AREAS)
    res = spc(y, chart="p", n=n)
    same(res, spc(y.to_numpy().T, chart="p", n=n.to_numpy().T))
    long = tidy(y, "arrests").merge(tidy(n, "incidents"), on=["month", "area"])
    same(spc(long, value="arrests", time="month", by="area", n="incidents", chart="p"), res)
    # one Series of denominators for every column
    one = spc(y, chart="u", n=n["North"])
    same(one, spc(y.to_numpy().T, chart="u", n=n["North"].to_numpy()))


def test_times_given_apart_in_any_order():
    y = WIDE["West"]
    order = np.random.default_rng(2).permutation(24)
    mid = (MONTHS.to_timestamp() + pd.Timedelta(days=14)).strftime("%Y-%m-%d")
    res = spc(y.to_numpy()[order], time=np.asarray(mid)[order], freq="M")
    same(res, spc(y))
    assert res.time.equals(MONTHS)
    inferred = spc(y.to_numpy()[order], time=MONTHS.to_timestamp()[order])
    same(inferred, spc(y))


# ---- gaps -------------------------------------------------------------------------------------

@pytest.mark.parametrize("dates", [False, True], ids=["periods", "dates"])
def test_a_missing_month_is_a_gap_never_joined(dates):
    gappy = WIDE.drop(MONTHS[[6, 7]])
    if dates:
        gappy.index = gappy.index.to_timestamp()
    res = spc(gappy, screen=False)
    assert res.time.equals(MONTHS) and len(res.times) == 24
    assert [str(p) for p in res.missing[0]] == ["2023-07", "2023-08"]
    calendar = WIDE.to_numpy().T.copy()
    calendar[:, [6, 7]] = np.nan
    same(res, spc(calendar, screen=False))
    for r in range(3):
        centre, lower, upper = xmr_limits(calendar[r])
        assert res.centre[r][0] == pytest.approx(centre, rel=1e-14)
        assert res.lower[r][0] == pytest.approx(lower, rel=1e-14)
        assert res.upper[r][0] == pytest.approx(upper, rel=1e-14)
    # joining the months either side of the gap would count a moving range June -> September
    joined = spc(gappy["North"].to_numpy(), screen=False)
    assert joined.upper[0] != pytest.approx(res.upper[0][0], rel=1e-6)
    text = res.narrative(series="North")
    assert "2 periods have no value (July 2023, August 2023); they are charted as gaps" in text
    frame = res.to_frame()
    assert frame["missing"].sum() == 6 and np.isnan(frame["value"][frame["missing"]]).all()
    with pytest.raises(ValueError, match=r"y has missing values in series 'North' \(2023-07, "
                                         r"2023-08\)"):
        spc(gappy, nan_policy="raise")


def test_a_missing_value_in_one_column_is_that_series_gap():
    frame = WIDE.copy()
    frame.iloc[10, 1] = np.nan
    res = spc(frame)
    assert res.missing[0] == () and [str(p) for p in res.missing[1]] == ["2023-11"]
    same(res, spc(frame.to_numpy().T))
    assert np.isnan(res.value[1][10]) and res.signals[1][10] == ""


def test_weeks_and_quarters_are_named_by_the_calendar():
    weeks = pd.date_range("2024-01-01", periods=20, freq="W-MON").delete(5)
    y = pd.Series(np.arange(19.0) % 5 + 10, index=weeks)
    res = spc(y)
    assert [str(p.start_time.date()) for p in res.missing] == ["2024-02-05"]
    assert res.times[5] == pd.Timestamp("2024-02-05")
    assert res.narrative().startswith("The value was 13 in the week of 13 May 2024.")
    assert "1 period has no value (the week of 5 February 2024)" in res.narrative()
    quarters = pd.Series(np.r_[np.tile([20.0, 22, 21, 19], 4), 40.0],
                         index=pd.period_range("2020Q1", periods=17, freq="Q"))
    text = spc(quarters).narrative()
    assert text.startswith("The value was 40 in 2024 Q1") and "the first is 2024 Q1" in text


# ---- dates for baselines, rebase points and signals ---------------------------------------------

def test_signals_are_reported_with_their_dates():
    y = WIDE["South"].copy()
    y.iloc[20] = 160.0
    res = spc(y, improvement="decrease")
    assert "the first is September 2024" in res.narrative()
    frame = res.to_frame()
    flagged = frame[frame["signal"] != ""]
    assert flagged["period"].tolist() == [pd.Period("2024-09", "M")]
    assert flagged["kind"].tolist() == ["concerning"]


@pytest.mark.parametrize("when", ["2023-12", pd.Period("2023-12", "M"), pd.Timestamp("2023-12-20"),
                                  pd.Period("2023Q4", "Q")])
def test_baseline_by_date(when):
    y = WIDE["North"]
    res = spc(y, baseline=when)
    same(res, spc(y, baseline=12))
    assert res.baseline == 12
    assert "The limits are fixed on the first 12 points (to December 2023)." in res.narrative()


def test_baseline_by_date_counts_the_observed_points_of_each_series():
    frame = WIDE.drop(MONTHS[[3]])
    frame.iloc[5, 2] = np.nan                   # West lacks July 2023 too
    res = spc(frame, baseline="2023-12")
    np.testing.assert_array_equal(res.baseline, [11, 11, 10])
    rows = frame.reindex(MONTHS).to_numpy().T
    for r, k in enumerate((11, 11, 10)):
        one = spc(rows[r], baseline=k)
        np.testing.assert_array_equal(res.upper[r], one.upper)
    assert "fixed on the first 10 points (to December 2023)" in res.narrative(series="West")


@pytest.mark.parametrize("when", ["2024-04", pd.Period("2024-04", "M"), pd.Timestamp("2024-04-01"),
                                  [pd.Timestamp("2024-04-30")],
                                  pd.PeriodIndex(["2024-04"], freq="M")])
def test_rebase_by_date(when):
    y = WIDE["West"]
    res = spc(y, rebase=when)
    same(res, spc(y, rebase=15))
    assert res.rebase == [0, 15]
    assert "The limits were recalculated from April 2024." in res.narrative()
    dated = spc(y.set_axis(MONTHS.to_timestamp(how="end").normalize()), rebase=when)
    same(dated, res)


# ---- bad input ----------------------------------------------------------------------------------

def _dup_index():
    return WIDE.set_axis(MONTHS.insert(3, MONTHS[2])[:24])


@pytest.mark.parametrize("call, error, match", [
    (lambda: spc(WIDE, chart="u", n=WIDE.iloc[1:].reindex(MONTHS[1:].append(
        pd.period_range("2025-01", periods=1, freq="M")))), ValueError,
     "n's index differs from y's"),
    (lambda: spc(WIDE, chart="u", n=WIDE[["West", "North", "South"]]), ValueError,
     "n's columns differ from y's"),
    (lambda: spc(WIDE["North"], chart="u", n=WIDE["North"].reset_index(drop=True)), ValueError,
     "n's index differs from y's"),
    (lambda: spc(_dup_index()), ValueError,
     r"y's index has a duplicate time label: 2023-03 \(position 3\)"),
    (lambda: spc(WIDE.iloc[::-1]), ValueError, "y's index has an unsorted time label"),
    (lambda: spc(WIDE, baseline="2030-01"), ValueError,
     r"baseline January 2030 is outside the series \(January 2023 to December 2024\)"),
    (lambda: spc(WIDE, rebase=["2024-01", "2019-05"]), ValueError,
     "rebase May 2019 is outside the series"),
    (lambda: spc(WIDE, rebase="2023-01"), ValueError, "rebase must hold whole positions from 1"),
    (lambda: spc(WIDE, baseline="soon"), TypeError, "baseline must be a position or a date"),
    (lambda: spc(WIDE["North"].to_numpy(), baseline="2023-12"), TypeError,
     "baseline must be a whole number"),
    (lambda: spc(WIDE.reset_index(drop=True)), TypeError,
     "y: a DataFrame must have a DatetimeIndex or PeriodIndex .* the accepted layouts are"),
    (lambda: spc(WIDE["North"], time=MONTHS), ValueError,
     "give the times either as y's index or as time, not both"),
    (lambda: spc(WIDE.to_numpy().T, chart="u", n=WIDE), TypeError,
     "n: a DataFrame of denominators needs y in the same layout"),
    (lambda: spc(tidy(), value="crimes", time="month", by="force"), ValueError,
     r"by='force' is not a column of the table"),
    (lambda: spc(tidy(), value="arrests", time="month", by="area"), ValueError,
     r"'arrests' is not a column of the table"),
    (lambda: spc(tidy(), value="crimes", by="area"), TypeError, "needs value= and time="),
    (lambda: spc(pd.concat([tidy(), tidy().iloc[:1]]), value="crimes", time="month",
                 by="area"), ValueError, "more than one row for time 2023-01 and group 'North'"),
    (lambda: spc(WIDE.set_axis(MONTHS.to_timestamp() + pd.Timedelta(hours=6))), ValueError,
     "times of day"),
    (lambda: spc([1.0, 2, 3], time=["2024-01-03", "2024-01-19", "2024-02-02"]), ValueError,
     "cannot infer the frequency of time"),
])
def test_bad_input_names_the_argument_and_label(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_p_chart_limits_on_the_calendar_with_a_gap():
    rng = np.random.default_rng(31)
    n = pd.DataFrame(rng.integers(150, 450, (24, 3)), index=MONTHS, columns=AREAS)
    y = pd.DataFrame(rng.binomial(n.to_numpy(), 0.2), index=MONTHS, columns=AREAS)
    keep = MONTHS.delete([9, 10])
    res = spc(y.loc[keep], chart="p", n=n.loc[keep], rules="anhoej")
    assert res.time.equals(MONTHS)
    for r, area in enumerate(AREAS):
        counts, trials = y.loc[keep, area].to_numpy(), n.loc[keep, area].to_numpy()
        p = counts.sum() / trials.sum()
        sigma = np.sqrt(p * (1 - p) / n[area].to_numpy())
        observed = np.isin(np.arange(24), [9, 10], invert=True)
        np.testing.assert_allclose(res.centre[r][observed], p, rtol=1e-14)
        np.testing.assert_allclose(res.upper[r][observed], (p + 3 * sigma)[observed], rtol=1e-13)
        np.testing.assert_allclose(res.lower[r][observed], np.maximum(p - 3 * sigma, 0)[observed],
                                   rtol=1e-13)
        assert np.isnan(res.value[r][[9, 10]]).all()


def test_a_tidy_table_without_by_is_one_series():
    long = tidy()
    north = long[long["area"] == "North"]
    same(spc(north, value="crimes", time="month"), spc(WIDE["North"]))
    table = spc_table(north, "crimes", "month")
    assert table.columns[:2].tolist() == ["indicator", "chart"]
    assert table["centre"].iloc[0] == spc(WIDE["North"]).centre[-1]


def test_labels_and_times_for_charts_and_the_omit_default():
    import inspect

    from scrutiny._results import time_index, unit_labels

    res = spc(WIDE.set_axis(MONTHS.to_timestamp()))
    assert unit_labels(res).equals(AREAS)
    assert time_index(res).equals(MONTHS.to_timestamp())
    plain = spc(WIDE.to_numpy().T)
    assert unit_labels(plain) is None and time_index(plain) is None
    for func in (spc, spc_table):
        param = inspect.signature(func).parameters["nan_policy"]
        assert param.default == "omit" and param.kind is param.KEYWORD_ONLY
