"""pandas inputs across areas: units named by Series indexes and tidy tables (``label``, ``by``),
misaligned indexes refused, one ``per`` multiplier, ``conf`` beside ``levels``; for the
disparity, place and harm families.  Every pandas form is checked against the array path."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import scrutiny as sc  # noqa: E402
from scrutiny import place  # noqa: E402
from scrutiny._results import unit_labels  # noqa: E402
from scrutiny.harm import harm_funnel, harm_index, harm_trend  # noqa: E402

ABC = list("ABC")
X, N = [24, 40, 61], [100, 120, 180]


@pytest.fixture
def table():
    """Six areas in two forces, one row each."""
    return pd.DataFrame({
        "force": ["West Mercia"] * 3 + ["Warwickshire"] * 3,
        "area": ["Redditch", "Wyre Forest", "Malvern", "Rugby", "Stratford", "Warwick"],
        "arrests": [131, 77, 240, 95, 52, 88],
        "incidents": [402, 310, 598, 365, 240, 301],
        "expected": [120.5, 81.0, 210.2, 99.3, 60.1, 80.7]})


def _same(res, ref, fields):
    for name in fields:
        np.testing.assert_array_equal(np.asarray(getattr(res, name)),
                                      np.asarray(getattr(ref, name)), err_msg=name)


# ---- labels from Series ----------------------------------------------------------------------

def test_funnel_names_units_by_the_series_index():
    res = sc.funnel(pd.Series(X, index=ABC), pd.Series(N, index=ABC))
    frame = res.to_frame()
    assert frame["unit"].tolist() == ABC
    assert list(unit_labels(res)) == ABC and isinstance(res.labels, pd.Index)
    _same(res, sc.funnel(X, N), ["z", "lower", "upper", "value", "flag", "target"])
    assert res.narrative().splitlines()[0].startswith("A's proportion (24.0%)")


def test_labels_argument_wins_over_the_index():
    res = sc.funnel(pd.Series(X, index=ABC), pd.Series(N, index=ABC), labels=["x", "y", "z"])
    assert res.to_frame()["unit"].tolist() == ["x", "y", "z"]
    with pytest.raises(ValueError, match="labels has 2 entries"):
        sc.funnel(pd.Series(X, index=ABC), N, labels=["x", "y"])


def test_a_named_index_names_the_column():
    index = pd.Index(ABC, name="area")
    res = sc.funnel(pd.Series(X, index=index), np.array(N))
    assert list(res.to_frame().columns[:2]) == ["area", "numerator"]


def test_plain_arrays_and_default_index_stay_unnamed():
    assert sc.funnel(X, N).labels is None
    assert sc.funnel(pd.Series(X), pd.Series(N)).to_frame()["unit"].tolist() == [0, 1, 2]
    assert sc.shrink(pd.Series(X), pd.Series(N)).labels is None


@pytest.mark.parametrize("call", [
    lambda x, n: sc.funnel(x, n),
    lambda x, n: sc.ratio_significance(x, n),
    lambda x, n: sc.disparity_indices(x, n),
    lambda x, n: sc.shrink(x, n),
    lambda x, n: place.poisson_etest(x, n),
    lambda x, n: place.wdd(x, n, [41, 22, 30], [40, 23, 31]),
])
def test_misaligned_indexes_are_refused(call):
    x = pd.Series(X, index=ABC)
    n = pd.Series(N, index=list("ABD"))
    both = r"different indexes: \['A', 'B', 'C'\].*\['A', 'B', 'D'\]"
    with pytest.raises(ValueError, match=both):
        call(x, n)
    with pytest.raises(ValueError, match="different indexes"):
        call(x, pd.Series(N, index=list("CBA")))      # same labels, another order


def test_ratio_significance_shrink_and_indices_keep_labels():
    o, e = pd.Series([3, 25, 12], index=ABC), pd.Series([10.0, 12.5, 11.0], index=ABC)
    rs = sc.ratio_significance(o, e)
    assert rs.to_frame()["unit"].tolist() == [a for a in ABC for _ in range(2)]
    assert rs.narrative()[1].startswith("B's ratio of observed to expected is 2.00")
    _same(rs, sc.ratio_significance(o.to_numpy(), e.to_numpy()), ["ratio", "lower", "upper",
                                                                   "flag"])
    one = sc.ratio_significance(o, e, conf=0.95)
    assert one.to_frame()["unit"].tolist() == ABC
    x, n = pd.Series([2, 30, 45], index=ABC), pd.Series([10, 100, 150], index=ABC)
    sh = sc.shrink(x, n)
    assert sh.to_frame()["unit"].tolist() == ABC
    assert sh.narrative()[0].startswith("A's proportion is 20.0% observed")
    _same(sh, sc.shrink(x.to_numpy(), n.to_numpy()), ["estimate", "lower", "upper", "weight"])
    di = sc.disparity_indices(x, n)
    assert list(di.labels) == ABC
    assert "ranges from 20.0% " not in di.narrative()
    assert "(A)" in di.narrative() and "(B)" in di.narrative()
    assert di.gini == sc.disparity_indices(x.to_numpy(), n.to_numpy()).gini


def test_misaligned_weights_are_refused():
    x, n = pd.Series([2, 30, 45], index=ABC), pd.Series([10, 100, 150], index=ABC)
    with pytest.raises(ValueError, match="x and weights have different indexes"):
        sc.disparity_indices(x, n, weights=pd.Series([1.0, 2.0, 3.0], index=list("CBA")))


def test_ratio_significance_on_a_grid_has_no_labels():
    res = sc.ratio_significance(np.array([[3, 25], [4, 9]]), 10.0)
    assert res.labels is None
    with pytest.raises(ValueError, match="one-dimensional"):
        sc.ratio_significance(np.array([[3, 25], [4, 9]]), 10.0, labels=["a", "b"])


# ---- tidy tables -------------------------------------------------------------------------------

def test_funnel_tidy_with_label_equals_the_array_path(table):
    res = sc.funnel(table, numerator="arrests", denominator="incidents", label="area")
    ref = sc.funnel(table["arrests"].to_numpy(), table["incidents"].to_numpy())
    _same(res, ref, ["z", "lower", "upper", "value", "flag", "target", "phi", "tau2"])
    frame = res.to_frame()
    assert frame["area"].tolist() == table["area"].tolist()
    assert res.narrative().splitlines()[2].startswith("Malvern's proportion")
    positional = sc.funnel(table, "arrests", "incidents", label="area")
    _same(positional, res, ["z", "flag"])


def test_funnel_tidy_with_by_carries_the_columns_back(table):
    res = sc.funnel(table, numerator="arrests", denominator="incidents",
                    by=["force", "area"], kind="rate", overdispersion="additive")
    frame = res.to_frame()
    assert list(frame.columns[:3]) == ["force", "area", "numerator"]
    assert frame["force"].tolist() == table["force"].tolist()
    assert isinstance(res.labels, pd.MultiIndex)
    assert res.narrative().splitlines()[0].startswith("West Mercia / Redditch's rate")


def test_tidy_forms_of_the_other_functions(table):
    rs = sc.ratio_significance(table, observed="arrests", expected="expected", label="area")
    assert rs.to_frame()["area"].tolist()[::2] == table["area"].tolist()
    _same(rs, sc.ratio_significance(table["arrests"].to_numpy(), table["expected"].to_numpy()),
          ["ratio", "lower", "upper", "flag"])
    sh = sc.shrink(table, x="arrests", n="incidents", by=["force", "area"])
    assert sh.to_frame()[["force", "area"]].equals(table[["force", "area"]])
    _same(sh, sc.shrink(table["arrests"].to_numpy(), table["incidents"].to_numpy()),
          ["estimate", "lower", "upper"])
    di = sc.disparity_indices(table, x="arrests", n="incidents", label="area")
    assert list(di.labels) == table["area"].tolist()
    assert di.theil == sc.disparity_indices(table["arrests"], table["incidents"]).theil


def test_tidy_errors_name_the_column(table):
    with pytest.raises(ValueError, match="'nope' is not a column"):
        sc.funnel(table, numerator="nope", denominator="incidents")
    with pytest.raises(ValueError, match="'region' is not a column"):
        sc.shrink(table, x="arrests", n="incidents", by=["region"])
    with pytest.raises(ValueError, match="label= .* or by="):
        sc.funnel(table, numerator="arrests", denominator="incidents", label="area",
                  by=["force"])
    with pytest.raises(ValueError, match="more than one row for 'West Mercia'"):
        sc.funnel(table, numerator="arrests", denominator="incidents", label="force")


# ---- one per -----------------------------------------------------------------------------------

def test_per_scales_target_values_limits_curve_and_table():
    x, n = [30, 52, 9, 40], [9800, 8400, 6100, 11000]
    one = sc.funnel(x, n, kind="rate")
    res = sc.funnel(x, n, kind="rate", per=1000)
    assert res.per == 1000 and one.per == 1
    np.testing.assert_allclose(res.target, 1000 * one.target, rtol=1e-15)
    for name in ("value", "lower", "upper"):
        np.testing.assert_allclose(getattr(res, name), 1000 * getattr(one, name), rtol=1e-14)
    _same(res, one, ["z", "flag", "phi", "tau2"])
    np.testing.assert_allclose(res.table["value"], 1000 * one.table["value"], rtol=1e-14)
    c1, c2 = one.curve(50), res.curve(50)
    np.testing.assert_array_equal(c1["denominator"], c2["denominator"])
    for col in ("target", "lower", "upper"):
        np.testing.assert_allclose(c2[col], 1000 * c1[col], rtol=1e-13)
    assert "(6.19 per 1,000)" in res.narrative()
    assert res.narrative() == one.narrative(per=1000)
    assert res.narrative(per=1) == one.narrative()


def test_per_for_ratios_and_proportions():
    o, e = [30, 52, 9], [28.0, 40.1, 12.2]
    res = sc.funnel(o, e, kind="ratio", per=100)
    np.testing.assert_allclose(res.value, 100 * np.divide(o, e), rtol=1e-15)
    assert "(130)" in res.narrative()                       # 52 / 40.1 per 100
    prop = sc.funnel(X, N, per=1000)
    assert "(240 per 1,000)" in prop.narrative()
    assert "(24.0%)" in sc.funnel(X, N).narrative()
    with pytest.raises(ValueError, match="per"):
        sc.funnel(X, N, per=0)


def test_per_in_the_plot():
    res = sc.funnel([30, 52, 9, 40], [9800, 8400, 6100, 11000], kind="rate", per=1000,
                    labels=["a", "b", "c", "d"])
    ax = res.plot()
    ys = np.concatenate([c.get_offsets()[:, 1] for c in ax.collections])
    np.testing.assert_allclose(np.sort(ys), np.sort(res.value))
    assert {t.get_text() for t in ax.texts} == {"b", "c"}      # the flagged units, by name
    assert ax.get_ylabel() == "Rate per 1,000"
    plt.close("all")


def test_harm_per_flows_into_narrative_and_plot():
    crimes = pd.DataFrame({"area": ["A"] * 2 + ["B"] * 2 + ["C"] * 2,
                           "type": ["Burglary", "Shoplifting"] * 3,
                           "n": [52, 130, 31, 95, 88, 171], "pop": [41200] * 2 + [35800] * 2
                           + [52100] * 2})
    w = {"Burglary": 40, "Shoplifting": 1}
    f1 = harm_funnel(crimes, "type", "n", w, "area", "pop")
    f2 = harm_funnel(crimes, "type", "n", w, "area", "pop", per=100000)
    _same(f1, f2, ["z", "flag", "value", "lower", "upper", "target"])     # per unit of population
    assert "per 100,000" in f2.narrative() and "per 1,000" in f1.narrative()
    assert f2.table.columns[5] == "harm per 100,000"
    ax = f2.plot()
    assert ax.get_ylabel() == "Harm per 100,000"
    plt.close("all")
    assert list(unit_labels(f1)) == ["A", "B", "C"]
    i2 = harm_index(crimes, "type", "n", w, by="area", population="pop", per=100000)
    assert "per 100,000" in i2.narrative()[0]
    assert unit_labels(i2) == ["A", "B", "C"]


# ---- conf beside levels ------------------------------------------------------------------------

def test_conf_is_levels_under_the_house_name():
    a = sc.funnel(X, N, levels=(0.9, 0.99))
    b = sc.funnel(X, N, conf=(0.9, 0.99))
    _same(a, b, ["lower", "upper", "levels", "flag"])
    with pytest.raises(TypeError, match="levels= or conf="):
        sc.funnel(X, N, levels=(0.9, 0.99), conf=(0.9, 0.99))
    r = sc.ratio_significance([3, 25], [10.0, 12.5], conf=0.9)
    assert r.levels == 0.9
    crimes = pd.DataFrame({"area": list("AABBCC"), "type": ["x", "y"] * 3,
                           "n": [52, 130, 31, 95, 88, 171], "pop": [412, 412, 358, 358, 521,
                                                                    521]})
    h = harm_funnel(crimes, "type", "n", {"x": 4, "y": 1}, "area", "pop", conf=(0.9,))
    assert h.levels == (0.9,)


# ---- place -------------------------------------------------------------------------------------

def test_wdd_tidy_with_by_equals_the_array_path():
    df = pd.DataFrame({"force": ["W", "W", "E"], "spot": ["High St", "Station", "Market"],
                       "tb": [40, 25, 61], "ta": [30, 24, 50], "cb": [41, 22, 58],
                       "ca": [40, 23, 60]})
    res = place.wdd(df, treated_before="tb", treated_after="ta", control_before="cb",
                    control_after="ca", by=["force", "spot"])
    ref = place.wdd(df["tb"].to_numpy(), df["ta"].to_numpy(), df["cb"].to_numpy(),
                    df["ca"].to_numpy())
    _same(res, ref, ["estimate", "se", "statistic", "pvalue"])
    frame = res.to_frame()
    assert list(frame.columns[:2]) == ["force", "spot"]
    assert res.narrative()[2].startswith("E / Market: ")
    labelled = place.wdd(df, "tb", "ta", "cb", "ca", label="spot")
    assert labelled.to_frame()["label"].tolist() == df["spot"].tolist()


def test_poisson_etest_tidy_and_labels():
    df = pd.DataFrame({"area": ["Malvern", "Wyre"], "before": [120, 40], "after": [98, 41]})
    res = place.poisson_etest(df, count_before="before", count_after="after", label="area")
    ref = place.poisson_etest([120, 40], [98, 41])
    _same(res, ref, ["statistic", "pvalue", "ratio"])
    assert res.narrative()[1].startswith("Wyre: ")
    assert res.to_frame()["area"].tolist() == ["Malvern", "Wyre"]


# ---- harm trend on a time axis -------------------------------------------------------------------

def test_harm_trend_uses_the_true_spacing_of_months_with_gaps():
    months = pd.to_datetime(["2023-01-01", "2023-02-01", "2023-04-01", "2023-05-01",
                             "2023-06-01", "2023-08-01", "2023-09-01", "2023-10-01"])
    b = [12, 9, 14, 11, 16, 13, 18, 15]
    s = [130, 141, 128, 150, 139, 160, 152, 171]
    d = pd.DataFrame({"month": np.repeat(months, 2), "type": ["Burglary", "Shoplifting"] * 8,
                      "n": np.ravel(np.column_stack([b, s]))})
    res = harm_trend(d, "type", "n", {"Burglary": 40, "Shoplifting": 1}, "month")
    assert res.t.tolist() == [0, 1, 3, 4, 5, 7, 8, 9]
    # R 4.2.2: H <- 40*b + s; t <- c(0, 1, 3, 4, 5, 7, 8, 9)
    #          f <- glm(H ~ t, family = quasipoisson); coef(f); summary(f)$dispersion
    assert res.params["t"] == pytest.approx(0.041722627197911463, rel=1e-9)
    assert res.params["intercept"] == pytest.approx(6.330456645540664340, rel=1e-9)
    assert res.dispersion == pytest.approx(9.8504296626081267, rel=1e-9)
    assert res.per == "month" and res.times.equals(pd.DatetimeIndex(months))
    assert " per month " in res.narrative()
    periods = harm_trend(d.assign(month=d["month"].dt.to_period("M")), "type", "n",
                         {"Burglary": 40, "Shoplifting": 1}, "month")
    assert periods.params["t"] == pytest.approx(res.params["t"], rel=1e-12)
    # consecutive positions would give R's glm(H ~ seq_along(H)) slope 0.0548: not this one
    assert abs(res.params["t"] - 0.054759904116054213) > 0.01


def test_harm_trend_seasons_come_from_the_calendar():
    rng = np.random.default_rng(3)
    months = pd.period_range("2021-01", periods=36, freq="M").delete([5, 17])   # two gaps
    d = pd.DataFrame({"month": np.repeat(months, 2), "type": ["a", "b"] * len(months),
                      "n": rng.poisson(40, 2 * len(months))})
    res = harm_trend(d, "type", "n", {"a": 3, "b": 1}, "month", period=12)
    # January is the reference; June 2021 is missing, so June appears after December
    assert list(res.params.index[2:]) == [f"season_{m}" for m in
                                          ["Feb", "Mar", "Apr", "May", "Jul", "Aug", "Sep",
                                           "Oct", "Nov", "Dec", "Jun"]]


def test_harm_trend_calendar_seasons_with_gaps_match_r():
    months = pd.period_range("2021-01", periods=36, freq="M").delete([5, 17])
    h = [48, 51, 50, 47, 45, 41, 37, 34, 33, 37, 46, 54, 58, 57, 54, 50, 46, 44, 41, 40, 43, 50,
         58, 64, 65, 61, 56, 52, 50, 50, 49, 48, 49, 55]
    d = pd.DataFrame({"month": months, "type": "a", "n": h})
    res = harm_trend(d, "type", "n", {"a": 1}, "month", period=12)
    # R 4.2.2: t <- whole months since January 2021 (June 2021 and June 2022 missing),
    #          m <- calendar month; f <- glm(H ~ t + factor(m), family = quasipoisson)
    #          coef(f)[["t"]]; summary(f)$dispersion; summary(f, dispersion = 1)$coefficients
    assert res.params["t"] == pytest.approx(0.010580782146102412, rel=1e-10)
    assert res.dispersion == pytest.approx(0.049371957396650026, rel=1e-6)
    assert res.bse["t"] == pytest.approx(0.0025530763294326184, rel=1e-6)   # scale max(k, .) = 1


def test_harm_trend_refuses_dates_of_unknown_frequency():
    d = pd.DataFrame({"day": pd.to_datetime(["2023-01-01 10:00", "2023-01-04 10:00",
                                             "2023-01-09 10:00"]),
                      "type": ["a"] * 3, "n": [3, 4, 5]})
    with pytest.raises(ValueError, match="time column 'day' has times of day"):
        harm_trend(d, "type", "n", {"a": 1}, "day")


def test_labels_given_as_an_index_keep_its_names(table):
    keys = pd.MultiIndex.from_frame(table[["force", "area"]])
    res = sc.funnel(table["arrests"].to_numpy(), table["incidents"].to_numpy(), labels=keys)
    assert list(res.to_frame().columns[:2]) == ["force", "area"]
    w = place.wdd([40, 25], [30, 24], [41, 22], [40, 23],
                  labels=pd.Index(["North", "South"], name="beat"))
    assert w.to_frame()["label"].tolist() == ["North", "South"]
    with pytest.raises(ValueError, match="labels has 1 entries"):
        sc.shrink([2, 30], [10, 100], labels="A")


def test_harm_trend_carries_the_by_columns_back():
    d = pd.DataFrame({"force": ["North"] * 20, "area": ["x"] * 10 + ["y"] * 10,
                      "month": list(pd.period_range("2024-01", periods=5, freq="M")) * 4,
                      "type": (["A"] * 5 + ["B"] * 5) * 2, "n": np.arange(20) + 3})
    res = harm_trend(d, "type", "n", {"A": 2, "B": 1}, "month", by=["force", "area"])
    frame = res.to_frame()
    assert list(frame.columns[:3]) == ["force", "area", "series"]
    assert frame["area"].tolist() == ["x", "y"] and isinstance(unit_labels(res), pd.MultiIndex)
    assert res.narrative()[1].startswith("North, y: ")
    one = harm_trend(d[d["area"] == "y"], "type", "n", {"A": 2, "B": 1}, "month")
    assert res.rate_ratio[1] == pytest.approx(one.rate_ratio, rel=1e-12)


def test_wdd_weights_and_periods_from_columns():
    df = pd.DataFrame({"spot": ["a", "b"], "tb": [40, 25], "ta": [30, 24], "cb": [41, 22],
                       "ca": [40, 23], "w": [1.5, 2.0], "months": [24.0, 12.0]})
    res = place.wdd(df, "tb", "ta", "cb", "ca", weights="w", period_before="months",
                    label="spot")
    ref = place.wdd([40, 25], [30, 24], [41, 22], [40, 23], weights=[1.5, 2.0],
                    period_before=[24.0, 12.0])
    _same(res, ref, ["estimate", "se", "pvalue"])


def test_plot_names_flagged_units_by_their_by_keys(table):
    res = sc.funnel(table, "arrests", "incidents", by=["force", "area"], target=0.2)
    ax = res.plot()
    shown = {t.get_text() for t in ax.texts}
    assert shown and shown <= {f"{f} / {a}" for f, a in zip(table["force"], table["area"])}
    plt.close("all")


def _monthly_gaps():
    months = pd.period_range("2021-01", periods=36, freq="M").delete([5, 17])
    h = [48, 51, 50, 47, 45, 41, 37, 34, 33, 37, 46, 54, 58, 57, 54, 50, 46, 44, 41, 40, 43, 50,
         58, 64, 65, 61, 56, 52, 50, 50, 49, 48, 49, 55]
    return months, np.array(h, dtype=float)


def test_harm_trend_per_year():
    months, h = _monthly_gaps()
    d = pd.DataFrame({"month": months, "type": "a", "n": h})
    month = harm_trend(d, "type", "n", {"a": 1}, "month")
    year = harm_trend(d, "type", "n", {"a": 1}, "month", per="year")
    assert year.per == "year" and month.per == "month"
    assert year.params["t"] == pytest.approx(12 * month.params["t"], rel=1e-12)
    assert year.rate_ratio == pytest.approx(month.rate_ratio ** 12, rel=1e-12)
    assert year.upper == pytest.approx(month.upper ** 12, rel=1e-12)
    assert year.sen.slope == pytest.approx(12 * month.sen.slope, rel=1e-12)
    assert " per year " in year.narrative()
    with pytest.raises(ValueError, match="per needs dates or periods"):
        harm_trend(d.assign(month=np.arange(len(h))), "type", "n", {"a": 1}, "month",
                   per="year")
    with pytest.raises(ValueError, match="per must be one of"):
        harm_trend(d, "type", "n", {"a": 1}, "month", per="fortnight")


def test_harm_trend_seasonal_mann_kendall_compares_calendar_months():
    months, h = _monthly_gaps()
    d = pd.DataFrame({"month": months, "type": "a", "n": h})
    res = harm_trend(d, "type", "n", {"a": 1}, "month", period=12)
    # Hirsch-Slack by hand: S and var(S) summed over the calendar months (no ties within one)
    s = var = 0.0
    for m in range(1, 13):
        x = h[months.month == m]
        s += sum(np.sign(x[j] - x[i]) for i in range(len(x)) for j in range(i + 1, len(x)))
        var += len(x) * (len(x) - 1) * (2 * len(x) + 5) / 18
    assert res.mann_kendall.s == s and res.mann_kendall.var_s == pytest.approx(var, rel=1e-14)
