"""Argument checks shared by every family (``scrutiny._validation``): flags are booleans, whole
numbers are bounded, a bool is never a number, a 0-d array is a scalar, dates and frames are
checked, and every message names the argument."""
import matplotlib
import numpy as np
import pandas as pd
import pytest

import scrutiny as sc
from scrutiny import calls, drivers, waits
from scrutiny.spc import spc_table
from scrutiny.spc_rules import RuleSet
from scrutiny.trend import trend_table

matplotlib.use("Agg")

NOT_BOOLEANS = ["False", 2, 0, float("nan"), [True], None, np.float64(1.0)]


# ---- flags ----------------------------------------------------------------------------------

@pytest.mark.parametrize("value", NOT_BOOLEANS)
@pytest.mark.parametrize("name, call", [
    ("correct", lambda v: sc.compare_proportions(15, 40, 8, 45, correct=v)),
    ("correct", lambda v: sc.homogeneity([15, 8, 11], [40, 45, 50], correct=v)),
    ("hac_adjust", lambda v: sc.its(np.arange(24.0), 12, hac_adjust=v)),
    ("timefix", lambda v: sc.kaplan_meier([1.0, 2, 3], [1, 1, 0], timefix=v)),
    ("timefix", lambda v: sc.share_waiting_past([1.0, 2, 3], [1, 1, 0], 2.0, timefix=v)),
    ("by_weekday", lambda v: sc.calls_per_interval(["2024-01-01 10:00"], by_weekday=v)),
    ("exclude_abandoned", lambda v: sc.service_level([10.0, 30], 20, [0, 1],
                                                     exclude_abandoned=v)),
    ("outside", lambda v: RuleSet(outside=v)),
    ("two_sigma", lambda v: sc.spc(np.arange(12.0)).plot(two_sigma=v)),
    ("sharey", lambda v: sc.spc(np.arange(24.0).reshape(2, 12)).small_multiples(sharey=v)),
    ("ci", lambda v: sc.kaplan_meier([1.0, 2, 3], [1, 1, 0]).plot(ci=v)),
    ("censored", lambda v: sc.kaplan_meier([1.0, 2, 3], [1, 1, 0]).plot(censored=v)),
    ("overview", lambda v: sc.funnel([12.0, 25, 31], [100.0, 200, 300]).narrative(overview=v)),
])
def test_flags_must_be_booleans(name, call, value):
    """A flag given anything but True / False is refused, never taken by its truth value
    (``correct="False"`` applied Yates' correction)."""
    if value is None and name == "outside":
        return  # None switches a rule off (below)
    with pytest.raises(TypeError, match=f"{name} must be True or False"):
        call(value)


def test_numpy_bools_and_0d_bools_are_flags():
    plain = sc.compare_proportions(15, 40, 8, 45, correct=True)
    assert sc.compare_proportions(15, 40, 8, 45, correct=np.bool_(True)).pvalue == plain.pvalue
    assert sc.compare_proportions(15, 40, 8, 45, correct=np.array(True)).pvalue == plain.pvalue


def test_none_switches_a_rule_off():
    rules = RuleSet(outside=None, two_of_three=None, four_of_five=None)
    assert (rules.outside, rules.two_of_three, rules.four_of_five) == (False, False, False)


# ---- numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize("name, call", [
    ("min_agents", lambda v: sc.agents_needed(100, 1800, 180, 20, 0.8, min_agents=v)),
    ("max_occupancy", lambda v: sc.agents_needed(100, 1800, 180, 20, 0.8, max_occupancy=v)),
    ("per", lambda v: sc.rate_ci(3, 100.0, per=v)),
    ("conf", lambda v: sc.proportion_ci(3, 10, conf=v)),
    ("agents", lambda v: sc.erlang_c(100, 1800, 180, v, 20)),
])
def test_a_bool_is_never_a_number(name, call):
    with pytest.raises(TypeError, match=f"{name} must be a"):
        call(True)


@pytest.mark.parametrize("name, call", [
    ("min_agents", lambda v: sc.agents_needed(100, 1800, 180, 20, 0.8, min_agents=v)),
    ("agents", lambda v: sc.erlang_c(100.0, 1800.0, 180.0, float(v), 20.0)),
    ("threads", lambda v: sc.mann_kendall(np.arange(12.0), threads=v)),
    ("hac_lags", lambda v: sc.its(np.arange(24.0), 12, hac_lags=v)),
    ("period", lambda v: sc.count_trend(np.arange(24.0), period=v)),
    ("bootstrap", lambda v: sc.disparity_indices([5, 25, 31], [100, 200, 300], bootstrap=v)),
    ("bootstrap", lambda v: sc.relative_importance(*_drivers(), bootstrap=v)),
    ("trend", lambda v: RuleSet(trend=v)),
    ("shift", lambda v: RuleSet(shift=v)),
    ("n_points", lambda v: sc.funnel([12.0, 25, 31], [100.0, 200, 300]).curve(n_points=v)),
])
@pytest.mark.parametrize("value", [2**31, 2**63, 10**19])
def test_whole_numbers_are_bounded(name, call, value):
    """Whole-number arguments beyond the core's int give a ValueError naming the argument
    (they gave OverflowError, or agents = -2^63)."""
    with pytest.raises(ValueError, match=f"{name} must be"):
        call(value)


def test_a_seed_may_be_any_whole_number_but_must_be_one():
    x, n = [5, 25, 31], [100, 200, 300]
    assert sc.disparity_indices(x, n, bootstrap=5, seed=2**70).seed == 2**70 % 2**64
    with pytest.raises(TypeError, match="seed must be a whole number"):
        sc.disparity_indices(x, n, seed="abc")           # checked without a bootstrap too
    with pytest.raises(TypeError, match="seed must be a whole number"):
        sc.relative_importance(*_drivers(), seed="abc")


@pytest.mark.parametrize("call, plain", [
    (lambda: sc.proportion_ci(np.array(3), np.array(10), conf=np.array(0.9)),
     lambda: sc.proportion_ci(3, 10, conf=0.9)),
    (lambda: sc.disparity_indices([5, 25, 31], [100, 200, 300], bootstrap=np.array(5), seed=1),
     lambda: sc.disparity_indices([5, 25, 31], [100, 200, 300], bootstrap=5, seed=1)),
    (lambda: sc.rate_ci(3, 100.0, per=np.array(1000.0)),
     lambda: sc.rate_ci(3, 100.0, per=1000.0)),
])
def test_a_0d_array_is_a_scalar(call, plain):
    assert repr(call()) == repr(plain())


def test_none_is_not_numeric():
    with pytest.raises(TypeError, match="pvalues must be numeric"):
        sc.multiple_testing(None)


# ---- drivers --------------------------------------------------------------------------------

def _drivers(names=("a", "b"), n=60):
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.normal(size=(n, len(names))), columns=list(names))
    y = np.clip(np.round(2 + X.iloc[:, 0] + rng.normal(size=n)), 1, 4)
    return X, y


@pytest.mark.parametrize("call", [
    lambda X, y: sc.logistic(X, (y > 2).astype(float)),
    lambda X, y: sc.ordinal_logistic(X, y),
    lambda X, y: sc.relative_importance(X, y),
])
def test_repeated_driver_names(call):
    X, y = _drivers(("a", "a"))
    with pytest.raises(ValueError, match=r"X has repeated driver names \('a' twice\)"):
        call(X, y)


def test_key_drivers_names_the_columns():
    X, y = _drivers()
    df = X.assign(overall=y)
    with pytest.raises(ValueError, match=r"drivers has repeated column names \('a' twice\)"):
        drivers.key_drivers(df, "overall", ["a", "a"])
    with pytest.raises(ValueError, match="drivers has repeated driver names"):
        drivers.key_drivers(pd.concat([df, X[["a"]]], axis=1), "overall", ["a"])
    with pytest.raises(ValueError, match="outcome 'overall' is constant"):
        drivers.key_drivers(df.assign(overall=3.0), "overall", ["a", "b"])
    with pytest.raises(TypeError, match="top_box must be a single number"):
        drivers.key_drivers(df, "overall", ["a", "b"], top_box="high")
    with pytest.raises(ValueError, match="top_box must be finite"):
        drivers.key_drivers(df, "overall", ["a", "b"], top_box=np.nan)


def test_ordinal_outcome_is_finite_and_one_dimensional():
    X, y = _drivers()
    y = y.to_numpy().copy()
    y[3] = np.inf
    with pytest.raises(ValueError, match=r"y must be finite \(row 3 is infinite\)"):
        sc.ordinal_logistic(X, y)
    with pytest.raises(ValueError, match="y must be one-dimensional"):
        sc.ordinal_logistic(X, np.ones((60, 1, 1)))


def test_huge_case_weights_are_refused():
    X, y = _drivers()
    w = np.ones(60)
    w[0] = 1e308
    with pytest.raises(ValueError, match=r"weights must be at most 1e\+100 \(row 0"):
        sc.relative_importance(X, y, weights=w)


# ---- levels, sequences and the core's statuses ----------------------------------------------

@pytest.mark.parametrize("bad", [np.array(["abc"]), np.array([0.9, "abc"], dtype=object),
                                 ["abc"]])
@pytest.mark.parametrize("name, call", [
    ("conf", lambda v: sc.proportion_ci(3, 10, conf=v)),
    ("conf", lambda v: sc.logistic(_drivers()[0], (_drivers()[1] > 2).astype(float), conf=v)),
    ("levels", lambda v: sc.funnel([12.0, 25, 31], [100.0, 200, 300], levels=v)),
    ("alpha", lambda v: sc.mann_kendall(np.arange(12.0), alpha=v)),
])
def test_levels_of_strings_are_named(name, call, bad):
    """Confidence levels that are not numbers: a TypeError naming the argument (a bare
    'could not convert string to float' leaked)."""
    with pytest.raises(TypeError, match=rf"^{name} must be numeric"):
        call(bad)


def test_core_statuses_name_the_arguments():
    from scrutiny import _validation as v

    with pytest.raises(ValueError, match="^a and b are too extreme in magnitude"):
        with v.core_domain("a and b"):
            raise ValueError("f: input domain error")
    with pytest.raises(sc.ConvergenceError, match="^a or b cannot be met; see c$"):
        with v.core_domain("a and b", "a or b cannot be met", note="; see c"):
            raise sc.ConvergenceError("f: exceeded max number of iterations")
    with pytest.raises(sc.NumericalError, match="^x and y are too extreme .* singular system"):
        with v.core_domain("x and y"):
            raise sc.NumericalError("f: singular or rank-deficient system")
    with pytest.raises(ValueError, match="^f: something else$"):   # not a bare status
        with v.core_domain("a and b"):
            raise ValueError("f: something else")
    with pytest.raises(ValueError, match="max_occupancy are too extreme"):
        calls.agents_needed(100, 1800, 180, 20, 0.8, max_occupancy=5e-324)
    with pytest.raises(sc.ConvergenceError, match="max_abandonment .* patience"):
        calls.agents_needed(100, 1800, 180, 20, 0.8, patience=60, max_abandonment=5e-324)
    with pytest.raises(sc.NumericalError, match="1 / patience is beyond the range of a double"):
        calls.agents_needed(100, 1800, 180, 20, 0.8, patience=5e-324)
    with pytest.raises(ValueError, match="exposure_after and ratio are too extreme"):
        sc.poisson_etest(41, 37, ratio=1e308)
    with pytest.raises(ValueError, match="period_before, period_after and area_sizes are too"):
        sc.wdd(207, 110, 308, 318, period_before=5e-324)
    with pytest.raises(ValueError, match="area_sizes must be a sequence of 4 sizes"):
        sc.wdd(207, 110, 308, 318, area_sizes=np.asarray(2.0))
    with pytest.raises(sc.NumericalError, match="numerator, denominator or target too extreme"):
        sc.funnel([12.0, 25, 31], [100.0, 200, 300], target=5e-324)


def test_extreme_drivers_and_weights_are_named():
    X, y = _drivers()
    binary = (y > 2).astype(float)
    with pytest.raises(sc.NumericalError, match=r"^X is too extreme in magnitude .*'a'"):
        sc.logistic(X.assign(a=np.r_[1e308, X["a"].to_numpy()[1:]]), binary)
    with pytest.raises(sc.ConvergenceError, match=r"separated by 'a' in X"):
        sc.logistic(X.assign(a=np.r_[2.0**63, X["a"].to_numpy()[1:]]), binary)
    w = np.ones(60)
    w[0] = 2.0**63
    with pytest.raises(sc.NumericalError, match=r"weights leave an effective sample of 1 rows"):
        sc.ordinal_logistic(X, y, weights=w)


@pytest.mark.parametrize("levels, error", [(3.0, TypeError), (np.asarray(2.0), TypeError),
                                           (True, TypeError), (np.ones((1, 1, 3)), ValueError),
                                           ([[1], [2]], ValueError)])
def test_ordinal_levels_are_a_flat_sequence(levels, error):
    X, y = _drivers()
    with pytest.raises(error, match="^levels must be a (flat )?sequence of outcome levels"):
        sc.ordinal_logistic(X, y, levels=levels)


def test_time_and_rebase_of_spc():
    y = np.arange(24.0) + 1
    with pytest.raises(TypeError, match="^time must be a sequence of time points"):
        sc.spc(y, time=5.0)
    with pytest.raises(ValueError, match="^time must be a flat sequence"):
        sc.spc(y, time=np.ones((2, 3, 4)))
    with pytest.raises(TypeError, match="^rebase must hold whole positions, not True"):
        sc.spc(y, rebase=True)
    assert sc.spc(y, rebase=np.asarray(12)).rebase == sc.spc(y, rebase=12).rebase


def test_column_names_name_their_argument():
    X, y = _drivers()
    df = X.assign(overall=y)
    with pytest.raises(ValueError, match=r"df has no column 'nope' \(named by outcome\)"):
        drivers.key_drivers(df, "nope", ["a"])
    with pytest.raises(ValueError, match=r"df has no column 'c' \(named by drivers\)"):
        drivers.key_drivers(df, "overall", ["a", "c"])
    with pytest.raises(TypeError, match="^drivers must be a sequence of column names"):
        drivers.key_drivers(df, "overall", np.asarray("a"))
    with pytest.raises(ValueError, match="^df is empty"):
        drivers.key_drivers(df.iloc[:0], "overall", ["a"])
    frame = pd.DataFrame({"type": ["a", "b", "a", "b"], "n": [3, 4, 5, 6],
                          "area": ["N", "N", "S", "S"], "pop": [100, 100, 200, 300]})
    weights = {"a": 40.3, "b": 365.2}
    with pytest.raises(ValueError, match=r"frame has no column 'kind' \(named by crime_type\)"):
        sc.harm_index(frame, "kind", "n", weights)
    with pytest.raises(ValueError, match=r"'S' has 200 and 300\); the groups are those of by"):
        sc.harm_index(frame, "type", "n", weights, by="area", population="pop")
    with pytest.raises(ValueError, match="^population must be a column name or a mapping"):
        sc.harm_index(frame, "type", "n", weights, by="area", population=[100, 200])
    with pytest.raises(ValueError, match="target, per and population are too extreme"):
        sc.harm_funnel(frame.assign(area=list("NSTU")), "type", "n", weights, "area",
                       {"N": 1, "S": 2, "T": 3, "U": 4}, target=5e-324)


def test_dates_missing_or_of_more_dimensions():
    stamps = ["2024-01-01 10:00", "2024-01-01 11:00"]
    with pytest.raises(ValueError, match="^start must be a date, not missing"):
        calls.calls_per_interval(stamps, start=np.nan)
    with pytest.raises(ValueError, match=r"^received must hold one date per case \(got 3 dim"):
        waits.backlog(np.full((2, 2, 2), "2024-01-01"), [None] * 8)


# ---- frames, dates, series ------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda df: trend_table(df, "area", "month", "crimes"),
    lambda df: spc_table(df, "crimes", "month", by="area"),
])
def test_tables_need_a_frame_with_rows(call):
    with pytest.raises(TypeError, match="df must be a pandas DataFrame"):
        call(None)
    with pytest.raises(TypeError, match="df must be a pandas DataFrame"):
        call({"area": ["A"], "month": [1], "crimes": [3]})
    with pytest.raises(ValueError, match="df is empty"):
        call(pd.DataFrame({"area": [], "month": [], "crimes": []}))


def test_trend_table_names_a_missing_time():
    df = pd.DataFrame({"area": ["A"] * 6 + ["B"] * 6, "month": [0.0, 1, 2, 3, 4, 5] * 2,
                       "crimes": [3, 5, 4, 6, 8, 9, 7, 6, 7, 5, 6, 6]})
    df.loc[8, "month"] = np.nan
    with pytest.raises(ValueError, match=r"time column 'month' has a missing value \(row 8\)"):
        trend_table(df, "area", "month", "crimes")


def test_spc_table_n_must_be_a_column():
    df = pd.DataFrame({"month": pd.period_range("2024-01", periods=12, freq="M"),
                       "crimes": np.arange(12.0)})
    with pytest.raises(TypeError, match="n must be a column name"):
        spc_table(df, "crimes", "month", n=123)


@pytest.mark.parametrize("call, match", [
    (lambda: waits.backlog(["2024-01-01", "2024-01-05"], ["2024-01-20", "2924-01-20"]),
     r"decided must hold dates between 1677 and 2262 \(row 1: got '2924-01-20'\)"),
    (lambda: waits.waiting_times(["2024-01-01", "2924-01-05"], [None, None]),
     r"received must hold dates between 1677 and 2262 \(row 1"),
    (lambda: waits.waiting_times(["2024-01-01"], [None], as_of="2924-01-01"),
     "as_of must be a date between 1677 and 2262"),
])
def test_a_mistyped_year_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_calls_per_interval_start_and_end_are_dates():
    stamps = ["2024-01-01 10:00", "2024-01-01 11:00"]
    with pytest.raises(TypeError, match="start must be a date"):
        calls.calls_per_interval(stamps, start="not-a-date")
    with pytest.raises(ValueError, match="end must be a date between 1677 and 2262"):
        calls.calls_per_interval(stamps, end="2924-01-01")


def test_spc_checks_what_it_was_given():
    y = np.arange(10.0) + 1
    with pytest.raises(ValueError, match="labels has 2 entries but there is 1 series"):
        sc.spc(y, labels=["a", "b"])
    with pytest.raises(ValueError, match=r"y must be whole counts \(position 3: 2.5\)"):
        sc.spc([1.0, 2, 3, 2.5, 5, 6, 7, 8, 9, 10], n=[10] * 10, chart="p")


def test_messages_name_the_argument():
    with pytest.raises(ValueError, match="period must be at most the number of observations"):
        sc.count_trend(np.arange(24.0), period=10**6)
    with pytest.raises(ValueError, match="denominator must be one-dimensional"):
        sc.funnel([1.0, 2, 3], np.ones((1, 1, 3)) * 10)
    frame = pd.DataFrame({"type": ["a", "b"], "n": [1e308, 4]})
    with pytest.raises(ValueError, match="count and weights are too extreme"):
        sc.harm_index(frame, "type", "n", {"a": 40.3, "b": 365.2})
    with pytest.raises(ValueError, match=r"weights must be finite and >= 0 and at most 1e\+100"):
        sc.harm_index(frame, "type", "n", {"a": 1e308, "b": 1.0})
    with pytest.raises(ValueError, match="count_before, count_after, exposure_before"):
        sc.poisson_etest(5, 6, 5e-324, 1.0)


# ---- charts ---------------------------------------------------------------------------------

def test_chart_helpers_check_their_arguments():
    funnel = sc.funnel([12.0, 25, 31], [100.0, 200, 300])
    with pytest.raises(ValueError, match="n_points must be at most 100,000"):
        funnel.plot(n_points=2**31)
    chart = sc.spc(np.arange(24.0).reshape(2, 12))
    with pytest.raises(ValueError, match="series: no series -1"):
        chart.plot(series=-1)
    with pytest.raises(TypeError, match="series must be a series name or a row number"):
        chart.plot(series=True)
    with pytest.raises(ValueError, match="ncols must be >= 1"):
        chart.small_multiples(ncols=0)


@pytest.mark.parametrize("call, match", [
    (lambda df: trend_table(df, [["area"]], "month", "crimes"), "by must be a column name or a"),
    (lambda df: trend_table(df, "area", ["month"], "crimes"), r"time must be a column name \("),
    (lambda df: spc_table(df, [["crimes"]], "month", by="area"), "value must be a column name"),
    (lambda df: spc_table(df, "crimes", ["month"], by="area"), r"time must be a column name \("),
    (lambda df: drivers.key_drivers(df, ["crimes"], ["month"]), "outcome must be a column name"),
])
def test_a_list_is_not_a_column_name(call, match):
    """A list where a column name belongs is named ('unhashable type: list' leaked)."""
    df = pd.DataFrame({"area": ["A"] * 6 + ["B"] * 6, "month": list(range(6)) * 2,
                       "crimes": [3, 5, 4, 6, 8, 9, 7, 6, 7, 5, 6, 6]})
    with pytest.raises(TypeError, match=match):
        call(df)


# ---- column, option and name arguments of the table and data functions --------------------

def _table():
    return pd.DataFrame({"area": ["A"] * 6 + ["B"] * 6, "month": list(range(6)) * 2,
                         "crimes": [3, 5, 4, 6, 8, 9, 7, 6, 7, 5, 6, 6]})


@pytest.mark.parametrize("bad", [float("nan"), None, 7, True, np.asarray(2.5), 1 + 1j])
@pytest.mark.parametrize("call, name", [
    (lambda df, v: trend_table(df, v, "month", "crimes"), "by"),
    (lambda df, v: trend_table(df, "area", "month", "crimes", tests=v), "tests"),
    (lambda df, v: trend_table(df, "area", "month", "crimes", options=v), "options"),
    (lambda df, v: spc_table(df, v, "month", by="area"), "value"),
    (lambda df, v: spc_table(df, "crimes", v, by="area"), "time"),
    (lambda df, v: spc_table(df, "crimes", "month", by=v), "by"),
    (lambda df, v: sc.data.aggregate_policeuk(df, by=v), "by"),
])
def test_a_scalar_where_columns_or_options_belong_is_named(call, name, bad):
    """A number, None, a 0-d array or a flag where column names or options belong is named
    ("'float' object is not iterable" leaked)."""
    if bad is None and name == "options":
        return  # no options
    with pytest.raises((TypeError, ValueError), match=rf"(?<!\w){name}(?!\w)"):
        call(_table(), bad)


@pytest.mark.parametrize("bad", [np.array([]), np.zeros((2, 2, 2)), np.array([2.5, "abc"],
                                                                              dtype=object)])
@pytest.mark.parametrize("call, name", [
    (lambda v: spc_table(_table(), "crimes", "month", by="area", chart=v), "chart"),
    (lambda v: sc.data.lsoa_population(vintage=v), "vintage"),
    (lambda v: sc.data.read_policeuk("x.csv", kind=v), "kind"),
    (lambda v: trend_table(_table(), "area", "month", "crimes", options=v), "options"),
])
def test_an_array_where_an_option_belongs_is_named(call, name, bad):
    """An array given for an enumerated option is named ("the truth value of an array is
    ambiguous" leaked)."""
    with pytest.raises((TypeError, ValueError), match=name):
        call(bad)


def test_table_columns_and_options_are_named():
    df = _table()
    with pytest.raises(ValueError, match="by must name at least one column"):
        trend_table(df, [], "month", "crimes")
    with pytest.raises(ValueError, match=r"tests must be one of .* \(got nan\)"):
        trend_table(df, "area", "month", "crimes", tests=float("nan"))
    with pytest.raises(TypeError, match="options must be a dict"):
        trend_table(df, "area", "month", "crimes", options=[("mann_kendall", {})])
    with pytest.raises(TypeError, match=r"options\['sen_slope'\] must be a dict"):
        trend_table(df, "area", "month", "crimes", options={"sen_slope": 0.9})
    with pytest.raises(ValueError, match=r"df has no column 'abc' \(named by time\)"):
        spc_table(df, "crimes", "abc", by="area")
    with pytest.raises(ValueError, match=r"df has no column 'abc' \(named by n\)"):
        spc_table(df, "crimes", "month", by="area", n="abc", chart="p")
    with pytest.raises(ValueError, match=r"df has no column 'abc' \(named by n\)"):
        spc_table(df, "crimes", "month", by="area", n={"crimes": "abc"}, chart="p")
    with pytest.raises(ValueError, match="month repeats a period .*; by names the columns"):
        spc_table(df, "crimes", "month")
    with pytest.raises(TypeError, match=r"only must be a list of measure names \(got 2.5\)"):
        sc.write_report(only=2.5)
    with pytest.raises(TypeError, match="areas must be a sequence of column names"):
        sc.data.join_population(pd.DataFrame({"lsoa_code": ["E1"], "count": [3]}),
                                pd.DataFrame({"lsoa_code": ["E1"], "local_authority": ["A"],
                                              "population": [1500]}), areas=np.asarray(2.5))


def test_data_functions_name_their_arguments(tmp_path):
    with pytest.raises(FileNotFoundError, match="path: no file '.*missing.csv'"):
        sc.read_harm_weights(tmp_path / "missing.csv")
    path = tmp_path / "weights.csv"
    path.write_text("crime_type,weight\nBurglary,40\n")
    with pytest.raises(ValueError, match=r"table has no column 'abc' \(named by weight\)"):
        sc.read_harm_weights(path, weight="abc")
    with pytest.raises(TypeError, match="source must be a string or None"):
        sc.read_harm_weights(path, source=float("inf"))
    counts = pd.DataFrame({"lsoa_code": ["E1", "E2"], "count": [np.inf, 5.0]})
    population = pd.DataFrame({"lsoa_code": ["E1", "E2"], "population": [1500, 1700]})
    with pytest.raises(ValueError, match=r"counts column 'count' must be finite \(row 0"):
        sc.data.join_population(counts, population)


@pytest.mark.parametrize("name", ["start", "end"])
def test_calls_per_interval_refuses_a_missing_start_or_end(name):
    with pytest.raises(ValueError, match=f"{name} must be a date, not missing"):
        calls.calls_per_interval(["2024-01-01 10:00"], **{name: float("nan")})
