"""Harm weighting (scrutiny.harm) against R, epitools' published example and simulation.

References (tests/reference/, written by harm_r.R with R 4.2.2, base R and stats):
* harm_r_fleiss*.csv: epitools 0.5-10.1 ``ageadjust.direct`` (copied verbatim into the script)
  on the Fleiss (1981, p. 249) birth-order data of epitools' own example, which recreates
  Table 1 of Fay & Feuer (1997); a directly standardised rate is a harm index whose weights
  are stdwt / pop per age band.
* harm_r_index.csv: the same function on a harm index of eight areas x seven crime types
  (``ageadjust.direct(x, rep(1 / sum(w), 7), stdpop = w)``), the normal approximation, and
  Dobson limits transliterated from PHEindicatormethods 2.0 (dsr_inner, byars_*), at 95% and
  99.8%.
* harm_r_funnel.csv: the documented harm funnel (r0 -+ q sqrt(k r0 / P)) with FunnelPlotR 0.6.0's
  winsorisation, phi_func and tau_func (transliterated) for the overdispersion.
* harm_r_trend.csv: ``glm(H ~ t [+ factor(season)] + offset(log(E)), family = quasipoisson)``
  iterated to full convergence (``glm.control(epsilon = 1e-14, maxit = 100)``, refitted from its
  estimate) with ``summary(fit, dispersion = k)`` (compound) and the estimated dispersion floored at k
  (Student t; equal to ``summary(fit)`` where it exceeds k, checked in the script).
* Simulation (seeded): the compound-Poisson variance, interval coverage, funnel and trend size.
The weights in these files are illustrative, not a published table (scrutiny ships none).
"""
import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import scrutiny
from scrutiny import _core
from scrutiny._options import HARM_CI_METHOD, HARM_DISPERSION
from scrutiny.harm import (HarmFunnelResult, HarmIndexResult, HarmTrendResult, HarmWeights,
                           harm_funnel, harm_index, harm_trend, harm_weights, read_harm_weights)
from scrutiny.trend import mann_kendall, seasonal_mann_kendall, sen_slope

REF = Path(__file__).parent / "reference"
RTOL = 1e-10


def ref(name):
    return pd.read_csv(REF / f"harm_r_{name}.csv")


@pytest.fixture(scope="module")
def weights():
    return harm_weights(ref("weights"), source="illustrative weights (tests)")


@pytest.fixture(scope="module")
def areas():
    return ref("inputs")


# ---- references -----------------------------------------------------------------------------

@pytest.mark.parametrize("order", [1, 2, 3, 4, 5])
def test_gamma_interval_matches_epitools_fleiss_example(order):
    d = ref("fleiss_inputs").query("birth_order == @order")
    expected = ref("fleiss").query("birth_order == @order")
    w = dict(zip(d["band"], d["standard"] / d["standard"].sum() / d["pop"]))
    res = harm_index(d, "band", "count", w, conf=(0.95, 0.99))
    assert res.harm == pytest.approx(expected["adj_rate"].iloc[0], rel=RTOL)
    np.testing.assert_allclose(res.lower, expected["lci"], rtol=RTOL)
    np.testing.assert_allclose(res.upper, expected["uci"], rtol=RTOL)


@pytest.mark.parametrize("method", ["gamma", "normal", "dobson"])
def test_index_matches_r(method, areas, weights):
    expected = ref("index").query("method == @method")
    res = harm_index(areas, "crime_type", "count", weights, by="area", population="population",
                     conf=(0.95, 0.998), method=method)
    exp = expected.sort_values(["area", "conf"])
    table = res.to_frame()
    assert table["area"].tolist() == exp["area"].tolist()
    for col in ("count", "harm", "variance", "lower", "upper", "rate", "rate_lower",
                "rate_upper"):
        np.testing.assert_allclose(table[col], exp[col], rtol=RTOL, err_msg=col)
    np.testing.assert_allclose(res.lower, exp["lower"].to_numpy().reshape(-1, 2), rtol=RTOL)
    np.testing.assert_allclose(res.se, np.sqrt(exp["variance"].to_numpy()[::2]), rtol=RTOL)


@pytest.mark.parametrize("overdispersion", [None, "multiplicative", "additive"])
def test_funnel_matches_r(overdispersion, areas, weights):
    exp = ref("funnel")
    res = harm_funnel(areas, "crime_type", "count", weights, "area", "population",
                      overdispersion=overdispersion)
    assert res.labels == exp["area"].tolist()
    np.testing.assert_allclose(res.z, exp["z"], rtol=RTOL)
    assert res.target == pytest.approx(exp["target"][0], rel=RTOL)
    assert res.dispersion == pytest.approx(exp["dispersion"][0], rel=RTOL)
    assert res.phi == pytest.approx(exp["phi"][0], rel=RTOL)
    assert res.tau2 == pytest.approx(exp["tau2"][0], rel=1e-9)
    prefix = {None: "", "multiplicative": "mult_", "additive": "add_"}[overdispersion]
    for j, tag in enumerate(("95", "998")):
        np.testing.assert_allclose(res.lower[:, j], exp[f"{prefix}lower_{tag}"], rtol=RTOL)
        np.testing.assert_allclose(res.upper[:, j], exp[f"{prefix}upper_{tag}"], rtol=RTOL)
    value = exp["harm"] / exp["population"]
    high = value.to_numpy()[:, None] > res.upper
    low = value.to_numpy()[:, None] < res.lower
    assert [f.startswith("high") for f in res.flag] == high[:, 0].tolist()
    assert [f.startswith("low") for f in res.flag] == low[:, 0].tolist()
    assert res.table["harm per 1,000"].to_numpy() == pytest.approx(1000 * value.to_numpy())


def trend_case(series):
    d = ref("trend_inputs").query("series == @series")
    growing = series == "growing"
    return d, dict(exposure="exposure", period=12 if growing else None)


@pytest.mark.parametrize("series", ["noisy", "steady", "growing", "calm"])
@pytest.mark.parametrize("dispersion", ["compound", "estimate"])
def test_trend_matches_r_glm(series, dispersion, weights):
    d, options = trend_case(series)
    exp = ref("trend").query("series == @series and dispersion == @dispersion")
    res = harm_trend(d, "crime_type", "count", weights, "t", dispersion=dispersion, **options)
    assert res.status == "ok"
    assert res.params.index.tolist() == exp["term"].tolist()
    np.testing.assert_allclose(res.params, exp["estimate"], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(res.bse, exp["se"], rtol=1e-7)
    # far-tail p-values (1e-23) amplify the 1e-8 convergence differences of two IRLS fits
    np.testing.assert_allclose(np.log(res.pvalues), np.log(exp["pvalue"]), rtol=1e-6)
    t = exp[exp["term"] == "t"].iloc[0]
    assert res.lower == pytest.approx(math.exp(t["lower"]), rel=1e-8)
    assert res.upper == pytest.approx(math.exp(t["upper"]), rel=1e-8)
    assert res.rate_ratio == pytest.approx(math.exp(t["estimate"]), rel=1e-9)
    assert res.percent_change == pytest.approx(100 * (math.exp(t["estimate"]) - 1), rel=1e-8)
    assert res.compound_dispersion == pytest.approx(t["compound"], rel=RTOL)
    assert res.dispersion == pytest.approx(t["pearson"], rel=1e-7)
    assert res.scale == pytest.approx(t["scale"], rel=1e-7)
    assert res.nobs == t["nobs"]


def test_trend_batch_equals_series_one_by_one(weights):
    d = ref("trend_inputs").query("series != 'growing'")
    batch = harm_trend(d, "crime_type", "count", weights, "t", by="series")
    names = [str(v) for v in batch.harm.index]
    assert names == ["calm", "noisy", "steady"]
    for i, name in enumerate(names):
        one = harm_trend(d[d["series"] == name], "crime_type", "count", weights, "t")
        np.testing.assert_allclose(batch.params.iloc[i], one.params, rtol=1e-12)
        np.testing.assert_allclose(batch.bse.iloc[i], one.bse, rtol=1e-12)
        assert batch.mann_kendall.z[i] == pytest.approx(one.mann_kendall.z, rel=1e-12)
    assert list(batch.to_frame()["series"]) == names


def test_trend_rank_tests_are_the_trend_modules_on_the_harm_series(weights):
    d, options = trend_case("growing")
    res = harm_trend(d, "crime_type", "count", weights, "t", alpha=0.1, **options)
    w = weights.weights
    h = (d.assign(h=d["count"] * d["crime_type"].map(w)).groupby("t")["h"].sum()
         / d.groupby("t")["exposure"].first())
    mk = seasonal_mann_kendall(h.to_numpy(), period=12, alpha=0.1)
    sen = sen_slope(h.to_numpy(), t=h.index.to_numpy(float))
    assert res.mann_kendall.s == mk.s and res.mann_kendall.pvalue == mk.pvalue
    plain = harm_trend(d, "crime_type", "count", weights, "t", exposure="exposure")
    assert plain.mann_kendall.s == mann_kendall(h.to_numpy()).s
    assert res.mann_kendall.trend == mk.trend
    assert (res.sen.slope, res.sen.lower, res.sen.upper) == (sen.slope, sen.lower, sen.upper)
    np.testing.assert_allclose(res.harm / res.exposure, h.to_numpy(), rtol=1e-14)


# ---- closed forms ---------------------------------------------------------------------------

def test_zero_harm_limits():
    d = pd.DataFrame({"type": ["A", "B"], "n": [0, 0]})
    w = {"A": 3.5, "B": 120.0}
    res = harm_index(d, "type", "n", w, conf=(0.9, 0.95))
    assert res.harm == 0 and res.variance == 0
    np.testing.assert_array_equal(res.lower, [0, 0])
    np.testing.assert_allclose(res.upper, [-120 * math.log(0.05), -120 * math.log(0.025)],
                               rtol=1e-12)
    normal = harm_index(d, "type", "n", w, method="normal")
    assert (normal.lower, normal.upper) == (0.0, 0.0)


def test_one_weight_gives_garwood_limits_scaled():
    # With a single crime type, H = w X and the gamma interval is w times the exact Poisson
    # interval (Fay & Feuer 1997, sec. 3): R 4.2.2 poisson.test(17)$conf.int is
    # 9.90312646961 27.21864681591.
    d = pd.DataFrame({"type": ["A"], "n": [17]})
    res = harm_index(d, "type", "n", {"A": 2.5})
    assert res.lower / 2.5 == pytest.approx(9.90312646961, rel=1e-11)
    assert res.upper / 2.5 == pytest.approx(27.21864681591, rel=1e-11)
    garwood = scrutiny.rate_ci(17, method="exact")
    assert res.lower == pytest.approx(2.5 * garwood.lower, rel=1e-12)
    assert res.upper == pytest.approx(2.5 * garwood.upper, rel=1e-12)


def test_records_and_counts_agree(weights, areas):
    small = areas[areas["area"].isin(["Redditch", "Worcester"])]
    records = small.loc[small.index.repeat(small["count"])].drop(columns="count")
    a = harm_index(small, "crime_type", "count", weights, by="area")
    b = harm_index(records, "crime_type", None, weights, by="area")
    for field in ("harm", "variance", "lower", "upper", "count"):
        np.testing.assert_allclose(getattr(a, field), getattr(b, field), rtol=1e-12)


def test_several_key_columns_and_population_mapping(weights, areas):
    d = areas.assign(region=np.where(areas["area"].isin(["Shropshire", "Telford"]), "west",
                                     "south"))
    keys = d[["region", "area", "population"]].drop_duplicates()
    population = {(r, a): p for r, a, p in keys.itertuples(index=False)}
    res = harm_index(d, "crime_type", "count", weights, by=["region", "area"],
                     population=population)
    frame = res.to_frame()
    assert list(frame.columns[:2]) == ["region", "area"]
    assert frame["region"].tolist() == ["south"] * 6 + ["west"] * 2
    one = harm_index(d, "crime_type", "count", weights, by="area", population="population")
    lookup = dict(zip(one.to_frame()["area"], one.to_frame()["rate_upper"]))
    assert frame["rate_upper"].tolist() == pytest.approx([lookup[a] for a in frame["area"]],
                                                         rel=1e-14)
    assert res.labels[0] == "south, Bromsgrove"
    series = harm_index(d, "crime_type", "count", weights, by="area",
                        population=keys.set_index("area")["population"])
    np.testing.assert_array_equal(series.rate_upper, one.rate_upper)


@pytest.mark.parametrize("rows", [1, 7, 500, 20000])
def test_sums_match_a_pandas_oracle(rows, weights):
    """Sizes, shuffled rows, categorical crime types, small integer counts, string keys."""
    rng = np.random.default_rng(rows)
    types = weights.weights.index.to_numpy()
    d = pd.DataFrame({"area": rng.choice(["x", "y", "z", "w"], rows),
                      "crime_type": pd.Categorical(rng.choice(types, rows), categories=types),
                      "n": rng.poisson(3, rows).astype(np.int16)})
    res = harm_index(d, "crime_type", "n", weights, by="area")
    w = d["crime_type"].astype(object).map(dict(weights)).astype(float)
    oracle = (d.assign(h=w * d["n"], v=w**2 * d["n"]).groupby("area")[["n", "h", "v"]].sum())
    np.testing.assert_array_equal(res.to_frame()["area"], oracle.index)
    np.testing.assert_allclose(res.count, oracle["n"], rtol=0)
    np.testing.assert_allclose(res.harm, oracle["h"], rtol=1e-12)
    np.testing.assert_allclose(res.variance, oracle["v"], rtol=1e-12)


def test_by_type_shares(weights, areas):
    res = harm_index(areas, "crime_type", "count", weights)
    t = res.by_type
    assert t["harm"].is_monotonic_decreasing
    assert t["harm_share"].sum() == pytest.approx(1.0)
    assert t["count_share"].sum() == pytest.approx(1.0)
    total = areas.groupby("crime_type")["count"].sum()
    assert dict(zip(t["crime_type"], t["count"])) == total.astype(float).to_dict()
    assert res.max_weight == 5475.0


# ---- weights --------------------------------------------------------------------------------

def test_weights_mapping_behaviour(tmp_path):
    w = harm_weights(pd.DataFrame({"offence": ["Burglary", "Robbery"], "days": [40, 365.25]}),
                     crime_type="offence", weight="days", source="a published table")
    assert isinstance(w, HarmWeights)
    assert w["Robbery"] == 365.25 and len(w) == 2 and "Burglary" in w and "Arson" not in w
    assert dict(w) == {"Burglary": 40.0, "Robbery": 365.25}
    assert w == harm_weights({"Burglary": 40, "Robbery": 365.25})
    assert "2 crime types" in repr(w) and "a published table" in repr(w)
    assert "<table" in w._repr_html_()
    assert w.to_frame()["weight"].tolist() == [40.0, 365.25]
    assert harm_weights(w) is w
    assert harm_weights(pd.Series({"A": 1.5})).weights.tolist() == [1.5]
    path = tmp_path / "w.csv"
    path.write_text("type;w\nBurglary;40\nRobbery;365.25\n")
    read = read_harm_weights(path, "type", "w", sep=";")
    assert dict(read) == dict(w) and read.source == str(path)
    assert read_harm_weights(path, "type", "w", sep=";", source="ONS").source == "ONS"

    with pytest.raises(KeyError):
        w["Arson"]


@pytest.mark.parametrize("content, reason", [
    (b"", "No columns to parse from file"),                 # once pandas' EmptyDataError
    (bytes(range(256)) * 20, "Error tokenizing data"),       # once a ParserError
    ("crime_type,weight\nVol\xe9,3\n".encode("latin-1"), "codec can't decode"),  # Unicode...
])
def test_unreadable_weights_files_are_named(tmp_path, content, reason):
    path = tmp_path / "weights.csv"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=f"path: cannot read 'weights.csv' as a CSV file "
                                         f"\\(.*{reason}"):
        read_harm_weights(path)
    with pytest.raises(TypeError, match="path must be a file name"):
        read_harm_weights(3)


@pytest.mark.parametrize("table, kwargs, error, words", [
    ([("A", 1)], {}, TypeError, "table must be a DataFrame"),
    ({}, {}, ValueError, "no crime types"),
    (pd.DataFrame({"crime_type": ["A"], "w": [1]}), {}, ValueError, "no column 'weight'"),
    ({"A": -1.0}, {}, ValueError, "finite and >= 0 (crime type 'A': -1)"),
    ({"A": float("nan")}, {}, ValueError, "finite and >= 0 (crime type 'A': nan)"),
    ({"A": float("inf")}, {}, ValueError, "finite and >= 0"),
    ({"A": "heavy"}, {}, TypeError, "must be numeric (crime type 'A': 'heavy')"),
    ({"A": True}, {}, TypeError, "must be numeric"),
    ({"A": 0, "B": 0}, {}, ValueError, "all 0"),
    (pd.DataFrame({"crime_type": ["A", "B", "A"], "weight": [1, 2, 3]}), {}, ValueError,
     "each crime type once: 'A' (2 times)"),
    (pd.DataFrame({"crime_type": ["A", None], "weight": [1, 2]}), {}, ValueError,
     "missing crime type (row 1)"),
    (pd.DataFrame({"crime_type": ["A"], "weight": [-2]}), {}, ValueError,
     "table column 'weight' must be finite and >= 0"),
    ({"A": 1}, {"crime_type": 3}, TypeError, "crime_type must be a column name"),
])
def test_weights_errors(table, kwargs, error, words):
    with pytest.raises(error) as info:
        harm_weights(table, **kwargs)
    assert words in str(info.value)


# ---- bad input ------------------------------------------------------------------------------

@pytest.fixture()
def small():
    return pd.DataFrame({"area": ["N", "N", "S", "S"], "type": ["A", "B", "A", "B"],
                         "n": [12, 3, 8, 1], "pop": [1000, 1000, 2000, 2000]})


W = {"A": 2.0, "B": 40.0}


@pytest.mark.parametrize("change, kwargs, error, words", [
    (None, {"frame": [1, 2]}, TypeError, "frame must be a pandas DataFrame"),
    (lambda d: d.iloc[:0], {}, ValueError, "frame is empty"),
    (None, {"crime_type": "kind"}, ValueError, "frame has no column 'kind'"),
    (None, {"count": "m"}, ValueError, "frame has no column 'm'"),
    (None, {"count": 5}, TypeError, "count must be a column name"),
    (lambda d: d.assign(n=[1, -2, 3, 4]), {}, ValueError,
     "count column 'n' must hold whole numbers >= 0 (row 1: -2)"),
    (lambda d: d.assign(n=[1, 2.5, 3, 4]), {}, ValueError, "(row 1: 2.5)"),
    (lambda d: d.assign(n=[1, np.nan, 3, 4]), {}, ValueError, "(row 1: nan)"),
    (lambda d: d.assign(n=["1", "x", "3", "4"]), {}, TypeError, "column 'n' must be numeric"),
    (lambda d: d.assign(type=["A", None, "A", "B"]), {}, ValueError,
     "crime_type column 'type' has a missing value (row 1)"),
    (lambda d: d.assign(type=["A", "C", "D", "B"]), {}, ValueError,
     "weights has no weight for crime type(s) 'C', 'D' in column 'type'"),
    (lambda d: d.assign(type=["C"] * 4), {"missing": "drop"}, ValueError,
     "no weight for any crime type"),
    (None, {"missing": "ignore"}, ValueError, "missing must be one of"),
    (None, {"method": "exact"}, ValueError, "method must be one of"),
    (None, {"conf": 1.5}, ValueError, "conf must lie in (0, 1)"),
    (None, {"per": 0}, ValueError, "per must be positive"),
    (None, {"by": "region"}, ValueError, "frame has no column 'region'"),
    (None, {"by": 3}, TypeError, "by must be a sequence of column names"),
    (lambda d: d.assign(area=["N", None, "S", "S"]), {"by": "area"}, ValueError,
     "by column 'area' has a missing value (row 1)"),
    (lambda d: d.assign(pop=[1000, 1001, 2000, 2000]), {"by": "area", "population": "pop"},
     ValueError, "population column 'pop' must take one value per group (group 'N'"),
    (lambda d: d.assign(pop=[1000, 1000, 0, 0]), {"by": "area", "population": "pop"},
     ValueError, "population column 'pop' must be positive and finite (row 2: 0)"),
    (None, {"by": "area", "population": {"N": 1000}}, ValueError,
     "population has no value for group(s) 'S'"),
    (None, {"by": "area", "population": {"N": 1000, "S": -5}}, ValueError,
     "population must be positive and finite (group 'S': -5)"),
    (None, {"by": "area", "population": 5000}, ValueError,
     "population must be a column name or a mapping"),
    (None, {"population": -1}, ValueError, "population must be positive"),
    (None, {"population": {"N": 1}}, ValueError, "when by is None"),
    (None, {"weights": [1, 2]}, TypeError, "weights must be a DataFrame, a pandas Series or a "
                                           "mapping"),
    (None, {"weights": {"A": -1, "B": 2}}, ValueError, "weights must be finite and >= 0"),
])
def test_index_errors(small, change, kwargs, error, words):
    d = small if change is None else change(small)
    args = dict(frame=d, crime_type="type", count="n", weights=W)
    args.update(kwargs)
    with pytest.raises(error) as info:
        harm_index(**args)
    assert words in str(info.value)


def test_missing_weight_error_names_argument_and_drop_works(small):
    d = small.assign(type=["A", "B", "A", "Arson"])
    with pytest.raises(ValueError, match=r"weights has no weight for crime type\(s\) 'Arson'.*"
                                         r"missing='drop'"):
        harm_index(d, "type", "n", W)
    res = harm_index(d, "type", "n", W, missing="drop", by="area")
    assert res.dropped == ("Arson",)
    assert res.harm.tolist() == [12 * 2 + 3 * 40, 8 * 2]
    assert res.count.tolist() == [15, 8]
    assert res.dropped_count == 1
    assert harm_index(d, "type", "n", W, missing="drop").narrative().endswith(
        "1 crime of types without a weight was left out (Arson).")


@pytest.mark.parametrize("kwargs, error, words", [
    ({"by": None}, ValueError, "by must name the column(s)"),
    ({"population": None}, ValueError, "population must give each area's population"),
    ({"overdispersion": "both"}, ValueError, "overdispersion must be one of"),
    ({"overdispersion": "additive"}, ValueError, "at least 3 areas"),
    ({"trim": 0.5}, ValueError, "trim must lie in [0, 0.5)"),
    ({"levels": (0.95, 0.95)}, ValueError, "levels must be distinct"),
    ({"levels": (0.95, 1.2)}, ValueError, "levels must lie in (0, 1)"),
    ({"target": -2}, ValueError, "target must be positive"),
    ({"per": "x"}, TypeError, "per must be a single number"),
])
def test_funnel_errors(small, kwargs, error, words):
    args = dict(frame=small, crime_type="type", count="n", weights=W, by="area",
                population="pop")
    args.update(kwargs)
    with pytest.raises(error) as info:
        harm_funnel(**args)
    assert words in str(info.value)


def test_funnel_without_harm(small):
    with pytest.raises(ValueError, match="frame has no harm"):
        harm_funnel(small.assign(n=0), "type", "n", W, "area", "pop")


@pytest.mark.parametrize("change, kwargs, error, words", [
    (None, {"time": "month"}, ValueError, "frame has no column 'month'"),
    (lambda d: d.assign(t=[0, None, 2, 3, 0, 1, 2, 3]), {}, ValueError,
     "time column 't' has a missing value (row 1)"),
    (None, {"dispersion": "free"}, ValueError, "dispersion must be one of"),
    (None, {"conf": (0.9, 0.95)}, TypeError, "conf must be a single number"),
    (None, {"alpha": 0}, ValueError, "alpha must lie in (0, 1)"),
    (None, {"errors": "ignore"}, ValueError, "errors must be one of"),
    (None, {"period": 3}, ValueError, "time is too short: a trend with 4 coefficients"),
    (None, {"exposure": "e"}, ValueError, "frame has no column 'e'"),
    (lambda d: d.assign(pop=[5, 5, 5, 5, 6, 5, 5, 5]), {"exposure": "pop"}, ValueError,
     "must take one value per group (group 'all, 0' has 5 and 6)"),
    (lambda d: d.assign(pop=[5, 5, 5, -5, 5, 5, 5, 5]), {"exposure": "pop"}, ValueError,
     "exposure column 'pop' must be positive and finite (row 3: -5)"),
    (lambda d: d.assign(n=0), {"errors": "raise"}, ValueError,
     "series 'all' has no harm (every weighted count is 0)"),
])
def test_trend_errors(change, kwargs, error, words):
    d = pd.DataFrame({"t": [0, 1, 2, 3] * 2, "type": ["A"] * 4 + ["B"] * 4,
                      "n": [5, 7, 6, 9, 1, 0, 2, 1], "pop": 5})
    d = d if change is None else change(d)
    args = dict(frame=d, crime_type="type", count="n", weights=W, time="t")
    args.update(kwargs)
    with pytest.raises(error) as info:
        harm_trend(**args)
    assert words in str(info.value)


def test_trend_series_that_cannot_be_fitted_are_coerced():
    d = pd.DataFrame({"s": ["x"] * 8 + ["y"] * 8, "t": [0, 1, 2, 3] * 4,
                      "type": (["A"] * 4 + ["B"] * 4) * 2,
                      "n": [5, 7, 6, 9, 1, 0, 2, 1] + [0] * 8})
    res = harm_trend(d, "type", "n", W, "t", by="s")
    assert res.status.tolist() == ["ok", "no harm"]
    assert np.isnan(res.rate_ratio[1]) and np.isfinite(res.rate_ratio[0])
    assert res.narrative()[1] == "y: No trend estimated (no harm)."


def test_trend_time_axes():
    months = pd.PeriodIndex(["2023-01", "2023-02", "2023-04", "2023-05", "2023-06"], freq="M")
    d = pd.DataFrame({"m": list(months) * 2, "type": ["A"] * 5 + ["B"] * 5,
                      "n": [31, 29, 35, 38, 40, 2, 1, 3, 2, 4]})
    res = harm_trend(d, "type", "n", W, "m")
    assert res.t.tolist() == [0, 1, 3, 4, 5]               # the missing March is a gap
    assert list(res.harm.index) == list(months)
    assert harm_trend(d.assign(m=d["m"].astype(str)), "type", "n", W, "m").t.tolist() == \
        [0, 1, 2, 3, 4]
    years = harm_trend(d.assign(m=np.repeat([[2015, 2016, 2018, 2019, 2020]], 2, 0).ravel()),
                       "type", "n", W, "m")
    assert years.t.tolist() == [2015, 2016, 2018, 2019, 2020]
    assert years.params["t"] == pytest.approx(res.params["t"], rel=1e-9)


def test_trend_exposure_unknown_cells_are_left_out():
    d = pd.DataFrame({"s": ["x"] * 10 + ["y"] * 8, "t": [0, 1, 2, 3, 4] * 2 + [0, 1, 2, 4] * 2,
                      "type": ["A"] * 5 + ["B"] * 5 + ["A"] * 4 + ["B"] * 4,
                      "n": [31, 29, 35, 38, 40, 2, 1, 3, 2, 4, 20, 22, 25, 24, 1, 1, 0, 2],
                      "pop": [100, 100, 101, 101, 102] * 2 + [50, 50, 51, 52] * 2})
    res = harm_trend(d, "type", "n", W, "t", by="s", exposure="pop")
    assert res.nobs.tolist() == [5, 4]
    assert np.isnan(res.harm.loc["y", 3]) and np.isnan(res.exposure.loc["y", 3])
    without = harm_trend(d, "type", "n", W, "t", by="s")
    assert without.harm.loc["y", 3] == 0 and without.nobs.tolist() == [5, 5]


# ---- C-level guards -------------------------------------------------------------------------

def test_core_rejects_bad_values():
    with pytest.raises(ValueError, match="harm_index"):
        _core.harm_sums(np.array([1.0]), np.array([1.0]), np.array([3]), 2)
    with pytest.raises(ValueError, match="harm_index"):
        _core.harm_sums(np.array([1.5]), np.array([1.0]), np.array([0]), 1)
    with pytest.raises(ValueError, match="group has 2 values"):
        _core.harm_sums(np.array([1.0]), np.array([1.0]), np.array([0, 0]), 1)
    with pytest.raises(ValueError, match="groups must be >= 0 and <= 67108864"):
        _core.harm_sums(np.array([1.0]), np.array([1.0]), np.array([0]), 2**31)
    # exposure strides whose reach overflows are refused, not read
    with pytest.raises(ValueError, match="exposure strides reach outside"):
        _core.harm_trend(np.ones((1, 8)), np.ones((1, 8)), np.ones(8), 0, 2**63 - 1,
                         np.arange(8.0), None, 1, HARM_DISPERSION.codes["compound"], 0.95,
                         True)
    gamma, compound = HARM_CI_METHOD.codes["gamma"], HARM_DISPERSION.codes["compound"]
    with pytest.raises(ValueError, match="method: unknown value 7"):
        _core.harm_ci(np.array([1.0]), np.array([1.0]), np.array([1.0]), 1.0, np.array([0.95]),
                      7)
    with pytest.raises(ValueError, match="harm_index"):
        _core.harm_ci(np.array([np.nan]), np.array([1.0]), np.array([1.0]), 1.0,
                      np.array([0.95]), gamma)
    with pytest.raises(ValueError, match="harm_index"):
        _core.harm_ci(np.array([1.0]), np.array([1.0]), np.array([1.0]), 1.0, np.array([1.0]),
                      gamma)
    with pytest.raises(ValueError, match="dispersion: unknown value"):
        _core.harm_trend(np.ones((1, 5)), np.ones((1, 5)), None, 0, 0, np.arange(5.0), None, 1,
                         -1, 0.95, True)
    with pytest.raises(ValueError, match="variance must be a 2-D array"):
        _core.harm_trend(np.ones((1, 5)), np.ones((1, 4)), None, 0, 0, np.arange(5.0), None, 1,
                         compound, 0.95, True)


# ---- inputs, threads, results ---------------------------------------------------------------


def test_results_display(areas, weights):
    res = harm_index(areas, "crime_type", "count", weights, by="area", population="population")
    assert isinstance(res, HarmIndexResult)
    assert repr(res).startswith("HarmIndexResult(harm=array(shape=(8,))")
    assert "\n" not in repr(res) and "table" not in repr(res)
    assert "<table" in res._repr_html_() and "Bromsgrove" in res._repr_html_()
    assert set(res.to_dict()) >= {"harm", "lower", "rate", "method"}
    assert "HarmIndexResult" in res.summary()
    f = harm_funnel(areas, "crime_type", "count", weights, "area", "population")
    assert isinstance(f, HarmFunnelResult) and isinstance(f, scrutiny.disparity.FunnelResult)
    assert f.to_frame().columns[0] == "area" and len(f.to_frame()) == 8
    assert "<table" in f._repr_html_()
    t = harm_trend(ref("trend_inputs").query("series == 'calm'"), "crime_type", "count", weights,
                   "t")
    assert isinstance(t, HarmTrendResult) and repr(t).startswith("HarmTrendResult(rate_ratio=")
    assert t.to_frame()[["series", "mk_trend", "status"]].iloc[0].tolist()[::2] == ["all", "ok"]


def test_funnel_curve_is_the_limits(areas, weights):
    f = harm_funnel(areas, "crime_type", "count", weights, "area", "population",
                    overdispersion="additive")
    curve = f.curve(50)
    pops = np.sort(f.denominator)[[0, -1]]
    for j, level in enumerate(f.levels):
        part = curve[curve["level"] == level]
        ends = part.iloc[[0, -1]]
        np.testing.assert_allclose(ends["denominator"], pops)
        i_lo, i_hi = np.argmin(f.denominator), np.argmax(f.denominator)
        np.testing.assert_allclose(ends["lower"], [f.lower[i_lo, j], f.lower[i_hi, j]],
                                   rtol=1e-12)
        np.testing.assert_allclose(ends["upper"], [f.upper[i_lo, j], f.upper[i_hi, j]],
                                   rtol=1e-12)
    assert (curve["target"] == f.target).all()


def test_plots(areas, weights):
    res = harm_index(areas, "crime_type", "count", weights, by="area", population="population")
    ax = res.plot()
    assert len(ax.get_yticklabels()) == 8
    total = harm_index(areas, "crime_type", "count", weights)
    ax = total.plot()
    assert ax.get_xlabel() == "share (%)"
    f = harm_funnel(areas, "crime_type", "count", weights, "area", "population")
    ax = f.plot()
    assert ax.get_ylabel() == "Harm per 1,000"
    assert ax.yaxis.get_major_formatter()(0.002, 0) == "2"
    t = harm_trend(ref("trend_inputs").query("series == 'growing'"), "crime_type", "count",
                   weights, "t", exposure="exposure", period=12)
    ax = t.plot()
    assert len(ax.lines) == 2 and " per period " in ax.get_title()  # t is a plain number
    monthly = ref("trend_inputs").query("series == 'growing'").copy()
    monthly["month"] = pd.Period("2020-01", freq="M") + monthly["t"].astype(int)
    ax = harm_trend(monthly, "crime_type", "count", weights, "month", period=12).plot()
    assert " per month " in ax.get_title()
    batch = harm_trend(ref("trend_inputs"), "crime_type", "count", weights, "t", by="series")
    with pytest.raises(ValueError, match="single series"):
        batch.plot()
    plt.close("all")


def test_narratives(areas, weights):
    total = harm_index(areas, "crime_type", "count", weights, population=float(
        areas.groupby("area")["population"].first().sum()))
    text = total.narrative("residents")
    assert text.startswith("The harm index, weighted by illustrative weights (tests), is ")
    assert "(95% CI " in text and "gamma interval" in text and "per 1,000 residents" in text
    assert f"{total.by_type['crime_type'][0]} carries" in text
    several = harm_index(areas, "crime_type", "count", weights, by="area")
    assert len(several.narrative()) == 8 and several.narrative()[0].startswith("Bromsgrove: ")
    f = harm_funnel(areas, "crime_type", "count", weights, "area", "population")
    lines = f.narrative().splitlines()
    assert len(lines) == 8
    low = [line for line, flag in zip(lines, f.flag) if flag.startswith("low")]
    assert low and all("below the overall harm rate" in line and "per 1,000" in line
                       for line in low)
    d = ref("trend_inputs")
    sig = harm_trend(d.query("series == 'growing'"), "crime_type", "count", weights, "t",
                     exposure="exposure", period=12)
    assert sig.lower > 1
    lo, hi = 100 * (sig.lower - 1), 100 * (sig.upper - 1)
    assert sig.narrative("month").startswith(
        f"Harm rose by {sig.percent_change:.1f}% per month (95% CI +{lo:.1f}% to +{hi:.1f}%")
    assert "more than chance would explain" in sig.narrative()
    assert "allows for the harm weights" in sig.narrative()
    assert "The seasonal Mann-Kendall test finds" in sig.narrative()
    calm = harm_trend(d.query("series == 'calm'"), "crime_type", "count", weights, "t")
    assert calm.lower < 1 < calm.upper
    assert calm.narrative().startswith("No evidence of a trend in harm at the 5% level")


# ---- simulation -----------------------------------------------------------------------------

LAMBDA = np.array([0.4, 6.0, 55.0, 22.0, 9.0, 40.0, 70.0])


def simulate(rng, reps, lam, weights):
    counts = rng.poisson(lam, size=(reps, lam.size))
    return pd.DataFrame({"rep": np.repeat(np.arange(reps), lam.size),
                         "crime_type": np.tile(weights.weights.index, reps),
                         "n": counts.ravel()})


def coverage(rng, lam, weights, reps=5000):
    w = weights.weights.to_numpy()
    mean, var = float(w @ lam), float(w**2 @ lam)
    frame = simulate(rng, reps, lam, weights)
    res = {m: harm_index(frame, "crime_type", "n", weights, by="rep", method=m)
           for m in ("gamma", "normal")}
    cover = {m: float(np.mean((r.lower <= mean) & (mean <= r.upper))) for m, r in res.items()}
    return res["gamma"], mean, var, cover


def test_compound_poisson_variance(weights):
    """Var(sum w x) = sum w^2 lambda, and V = sum w^2 x estimates it without bias; a Poisson
    interval for the harm as if it were a count would be far too narrow."""
    rng = np.random.default_rng(20240611)
    reps = 5000
    res, mean, var, _ = coverage(rng, LAMBDA, weights, reps)
    # the sample variance of a skewed sum: its SE is sqrt((m4 - var^2) / reps)
    m4 = np.mean((res.harm - res.harm.mean())**4)
    assert abs(res.harm.var(ddof=1) - var) < 4 * math.sqrt((m4 - var**2) / reps)
    assert abs(res.variance.mean() - var) < 4 * res.variance.std() / math.sqrt(reps)
    assert abs(res.harm.mean() - mean) < 4 * math.sqrt(var / reps)
    plain = np.mean(np.abs(res.harm - mean) < 1.96 * np.sqrt(res.harm))
    assert plain < 0.2


def test_interval_coverage(weights):
    """Where one rare, heavily weighted crime type (here weight 5,475, 0.4 expected) dominates
    the variance, the gamma interval still covers at least its level while the normal one
    falls well short; with many crimes of each type both cover about their level."""
    rng = np.random.default_rng(31)
    mc = math.sqrt(0.05 * 0.95 / 5000)
    _, _, _, skewed = coverage(rng, LAMBDA, weights)
    assert skewed["gamma"] >= 0.95 - 3 * mc
    assert skewed["normal"] < 0.9
    six = harm_weights(pd.Series(weights.weights).drop("Homicide"))
    _, _, _, large = coverage(rng, 30 * LAMBDA[1:], six)
    assert abs(large["normal"] - 0.95) < 4 * mc
    assert 0.95 - 3 * mc <= large["gamma"] < 0.97


def test_funnel_size_under_the_null(weights):
    """With every area at the force-wide rate of each crime type, about 5% of areas fall
    outside the 95% limits and about 0.2% outside the 99.8% limits."""
    rng = np.random.default_rng(7)
    areas, sims = 400, 10
    rate = LAMBDA / 20000                                # per person
    flags = []
    for _ in range(sims):
        pop = rng.integers(20000, 200000, areas)
        counts = rng.poisson(np.outer(pop, rate))
        frame = pd.DataFrame({"area": np.repeat(np.arange(areas), rate.size),
                              "crime_type": np.tile(weights.weights.index, areas),
                              "n": counts.ravel(), "pop": np.repeat(pop, rate.size)})
        f = harm_funnel(frame, "crime_type", "n", weights, "area", "pop")
        flags.append(f.flag)
    flags = np.concatenate(flags)
    outside95 = np.mean(flags != "within")
    outside998 = np.mean(np.char.find(flags.astype(str), "99.8") >= 0)
    assert abs(outside95 - 0.05) < 0.012
    assert outside998 < 0.008


def test_trend_size_and_power(weights):
    """No trend: the weight-aware tests reject about 5% of series at the 5% level, where a
    plain Poisson test on the harm (variance = mean) rejects most; a 2% monthly rise is found
    in most series."""
    rng = np.random.default_rng(99)
    series, months = 300, 36
    lam = LAMBDA / 3

    def frame(growth):
        f = np.exp(growth * np.arange(months))
        counts = rng.poisson(lam[None, None, :] * f[None, :, None],
                             size=(series, months, lam.size))
        return pd.DataFrame({"s": np.repeat(np.arange(series), months * lam.size),
                             "t": np.tile(np.repeat(np.arange(months), lam.size), series),
                             "crime_type": np.tile(weights.weights.index, series * months),
                             "n": counts.ravel()})

    null = frame(0.0)
    for dispersion in ("compound", "estimate"):
        res = harm_trend(null, "crime_type", "n", weights, "t", by="s", dispersion=dispersion)
        size = np.mean(res.pvalue < 0.05)
        assert abs(size - 0.05) < 0.04, (dispersion, size)
    naive_z = res.params["t"] / (res.bse["t"] / np.sqrt(res.scale))
    assert np.mean(np.abs(naive_z) > 1.96) > 0.5
    alt = harm_trend(frame(0.02), "crime_type", "n", weights, "t", by="s")
    assert np.mean((alt.pvalue < 0.05) & (alt.rate_ratio > 1)) > 0.85
