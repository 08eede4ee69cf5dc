"""The shared pandas layer: time axes (true spacing, frequencies, slope units, seasons, dates as
positions), unit labels, series layouts, tidy tables and renamed spellings."""
import warnings

import numpy as np
import pandas as pd
import pytest

from scrutiny import _frames, _timeaxis


def months(start, n, drop=()):
    return pd.period_range(start, periods=n, freq="M").delete(list(drop))


# ---- time axes -------------------------------------------------------------------------------

@pytest.mark.parametrize("index, unit, t", [
    (months("2023-01", 6, drop=[2]), "month", [0, 1, 3, 4, 5]),
    (pd.DatetimeIndex(["2023-01-01", "2023-02-01", "2023-05-01"]), "month", [0, 1, 4]),
    (pd.DatetimeIndex(["2023-01-31", "2023-02-28", "2023-03-31"]), "month", [0, 1, 2]),
    (pd.DatetimeIndex(["2023-01-01", "2023-04-01", "2023-10-01"]), "quarter", [0, 1, 3]),
    (pd.DatetimeIndex(["2020-04-01", "2021-04-01", "2023-04-01"]), "year", [0, 1, 3]),
    (pd.DatetimeIndex(["2024-03-04", "2024-03-11", "2024-03-25"]), "week", [0, 1, 3]),
    (pd.DatetimeIndex(["2024-03-04", "2024-03-05", "2024-03-08"]), "day", [0, 1, 4]),
    (pd.period_range("2020Q1", periods=3, freq="Q"), "quarter", [0, 1, 2]),
])
def test_time_axis_true_spacing(index, unit, t):
    axis = _timeaxis.time_axis(index, "y's index")
    assert axis.unit == unit
    np.testing.assert_array_equal(axis.t, t)
    assert axis.times is index


def test_time_axis_units_and_words():
    axis = _timeaxis.time_axis(months("2024-01", 4), "t")
    assert axis.per("year") == (12.0, "year")
    assert axis.per("quarter") == (3.0, "quarter")
    assert axis.per(None) == (1.0, "month")
    assert axis.text(2) == "March 2024" and axis.text(2, short=True) == "Mar 2024"
    assert _timeaxis.unit_factor("week", "day") == pytest.approx(1 / 7)
    assert _timeaxis.unit_factor("day", "year") == 365.25
    with pytest.raises(ValueError, match="per must be one of"):
        axis.per("fortnight")


def test_positions_from_dates():
    axis = _timeaxis.time_axis(months("2024-01", 6, drop=[3]), "y's index")
    assert axis.position("2024-03", "intervention") == 2
    assert axis.position(pd.Period("2024-05", "M"), "intervention") == 3
    assert axis.position(pd.Timestamp("2024-06-15"), "intervention") == 4
    assert axis.position("2024-04", "intervention") == 3   # a gap: the next observation
    assert axis.position(1, "intervention") == 1
    with pytest.raises(ValueError, match="intervention July 2024 is outside the series"):
        axis.position("2024-07", "intervention")
    with pytest.raises(TypeError, match="intervention must be a position or a date"):
        axis.position("soon", "intervention")


def test_calendar_seasons_survive_gaps():
    axis = _timeaxis.time_axis(months("2023-11", 5, drop=[1]), "t")
    assert list(axis.seasons(12)) == ["Nov", "Jan", "Feb", "Mar"]
    quarters = _timeaxis.time_axis(pd.period_range("2023Q3", periods=3, freq="Q"), "t")
    assert list(quarters.seasons(4)) == ["Q3", "Q4", "Q1"]


@pytest.mark.parametrize("index, message", [
    (pd.PeriodIndex(["2020-01", "2020-03", "2020-02"], freq="M"), "unsorted time label: 2020-02"),
    (pd.PeriodIndex(["2020-01", "2020-01"], freq="M"), "duplicate time label: 2020-01"),
    (pd.DatetimeIndex(["2020-01-01", "2020-03-01", "2020-05-01"]), "2 months apart"),
    (pd.DatetimeIndex(["2020-01-01", "2020-01-04", "2020-01-07"]), "3 days apart"),
    (pd.DatetimeIndex(["2020-01-01 10:00", "2020-01-02 10:00"]), "times of day"),
    (pd.period_range("2020-01", periods=3, freq="2M"), "frequency '2M'"),
])
def test_time_axis_refusals(index, message):
    with pytest.raises(ValueError, match=message):
        _timeaxis.time_axis(index, "y's index")


def test_t_as_dates_or_numbers():
    assert _timeaxis.numeric_or_axis([0.0, 1.5, 3.0]) == [0.0, 1.5, 3.0]
    axis = _timeaxis.numeric_or_axis([pd.Period("2024-01", "M"), pd.Period("2024-03", "M")])
    np.testing.assert_array_equal(axis.t, [0, 2])
    axis = _timeaxis.numeric_or_axis(np.array(["2024-01-01", "2024-02-01"], dtype="M8[ns]"))
    assert axis.unit == "month"
    with pytest.raises(TypeError, match="one kind"):
        _timeaxis.numeric_or_axis([pd.Period("2024-01", "M"), pd.Timestamp("2024-02-01")])
    with pytest.raises(TypeError, match="different frequencies"):
        _timeaxis.numeric_or_axis([pd.Period("2024-01", "M"), pd.Period("2024Q2", "Q")])


# ---- layouts ---------------------------------------------------------------------------------

def test_series_layouts():
    index = months("2024-01", 4, drop=[1])
    wide = pd.DataFrame({"A": [1.0, 2, 3], "B": [4, 5, pd.NA]}, index=index).astype("Float64")
    got = _frames.series_input(wide)
    np.testing.assert_array_equal(got.values, [[1, 2, 3], [4, 5, np.nan]])
    assert list(got.labels) == ["A", "B"] and got.times.equals(index)
    np.testing.assert_array_equal(got.t, [0, 2, 3])
    one = _frames.series_input(pd.Series([1.0, 2, 3], index=index))
    assert one.values.shape == (3,) and one.labels is None
    plain = np.ones((2, 5))
    assert _frames.series_input(plain).values is plain
    assert _frames.series_input(pd.Series([1.0, 2])).axis is None
    with pytest.raises(TypeError, match="accepted layouts"):
        _frames.series_input(pd.DataFrame({"a": [1, 2]}))
    with pytest.raises(ValueError, match="not both"):
        _frames.series_input(wide, t=[0, 1, 2])
    with pytest.raises(TypeError, match="column 'B' must be numeric"):
        _frames.series_input(pd.DataFrame({"B": ["x", "y"]}, index=months("2024-01", 2)))


def test_second_series_in_the_same_layout():
    index = months("2024-01", 3)
    y = pd.DataFrame({"A": [1.0, 2, 3]}, index=index)
    got = _frames.series_input(y)
    same = pd.DataFrame({"A": [10.0, 20, 30]}, index=index)
    np.testing.assert_array_equal(_frames.wide_input(same, "exposure", got.axis, got.labels),
                                  [[10, 20, 30]])
    with pytest.raises(ValueError, match="exposure's columns differ"):
        _frames.wide_input(same.rename(columns={"A": "Z"}), "exposure", got.axis, got.labels)
    with pytest.raises(ValueError, match="exposure's index differs"):
        _frames.wide_input(same.iloc[::-1], "exposure", got.axis, got.labels)


def test_unit_labels_never_align_silently():
    x = pd.Series([1, 2, 3], index=list("ABC"))
    assert list(_frames.unit_index(x=x, n=x * 10, other=np.ones(3))) == list("ABC")
    assert _frames.unit_index(x=[1, 2], n=np.ones(2)) is None
    with pytest.raises(ValueError, match=r"x and n have different indexes: \['A', 'B', 'C'\]"):
        _frames.unit_index(x=x, n=pd.Series([1, 2, 3], index=list("ACB")))
    assert _frames.labels_or(pd.RangeIndex(3), None) is None
    assert list(_frames.labels_or(None, ["p", "q"])) == ["p", "q"]


# ---- tidy tables ------------------------------------------------------------------------------

def tidy_table():
    return pd.DataFrame({
        "month": np.repeat(months("2024-01", 3), 2),
        "force": ["a", "b"] * 3,
        "crimes": [1, 2, 3, 4, 5, 6],
        "population": [10.0] * 6,
    })


def test_series_frame_pivots_by_group():
    out = _frames.series_frame(tidy_table(), "crimes", "month", ["force"],
                               {"exposure": "population"})
    assert list(out["y"].columns) == ["a", "b"] and out["y"].columns.names == ["force"]
    np.testing.assert_array_equal(out["y"]["b"], [2, 4, 6])
    assert out["exposure"].shape == (3, 2)
    single = _frames.series_frame(tidy_table().query("force == 'a'"), "crimes", "month")
    assert isinstance(single["y"], pd.Series)
    with pytest.raises(ValueError, match="more than one row for time 2024-01"):
        _frames.series_frame(tidy_table(), "crimes", "month")
    with pytest.raises(ValueError, match="by='region' is not a column"):
        _frames.series_frame(tidy_table(), "crimes", "month", "region")


def test_tidy_decorator_forms():
    @_frames.tidy(roles=("x", "n"), layout="units")
    def units(x, n, conf=0.95):
        return _frames.unit_index(x=x, n=n), np.asarray(x) / np.asarray(n), conf

    table = pd.DataFrame({"area": ["p", "q"], "a": [1, 2], "b": [4, 8]})
    for call in (lambda: units(table, x="a", n="b", label="area", conf=0.9),
                 lambda: units(table, "a", "b", label="area", conf=0.9)):
        index, share, conf = call()
        assert list(index) == ["p", "q"] and list(share) == [0.25, 0.25] and conf == 0.9
    assert units([1], [2])[1][0] == 0.5

    @_frames.tidy(roles=("value", "exposure"), layout="series")
    def series(y, exposure=None):
        return y, exposure

    y, exposure = series(tidy_table(), value="crimes", time="month", by="force",
                         exposure="population")
    assert y.shape == (3, 2) and exposure.shape == (3, 2)
    with pytest.raises(TypeError, match="needs value= and time="):
        series(tidy_table(), value="crimes")


def test_renamed_and_keyword_only():
    @_frames.keyword_only
    @_frames.renamed(alpha=("conf", lambda a: 1 - a))
    def f(y, t=None, *, nan_policy="omit", conf=0.95):
        return nan_policy, conf

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert f(1, nan_policy="raise") == ("raise", 0.95)
    with pytest.warns(DeprecationWarning, match="give nan_policy= by keyword"):
        assert f(1, None, "raise") == ("raise", 0.95)
    with pytest.warns(DeprecationWarning, match="alpha= is renamed conf="):
        assert f(1, alpha=0.1)[1] == pytest.approx(0.9)
    with pytest.raises(TypeError, match="give conf= only"):
        f(1, alpha=0.1, conf=0.9)
