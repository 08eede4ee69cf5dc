"""pandas inputs of scrutiny.rates (and place.poisson_etest): unit labels from Series indexes
and tidy tables (``label=``, ``by=``), long-form tables for dsr and isr, one ``conf`` and one
``per``.

Every pandas form is checked against the array path; the numbers are checked against R 4.2.2
(R version 4.2.2 Patched (2022-11-10 r83330)), with the exact call beside each:
- binom.test(33, 100, p=0.4), binom.test(41, 160, p=0.4): p-value and conf.int;
- prop.test(33, 100, correct=FALSE)$conf.int (Wilson), likewise (41, 160);
- poisson.test(37, 52000)$conf.int * 1000, poisson.test(112, 103000)$conf.int * 1000;
- prop.test(c(33, 41, 12), c(100, 160, 75), correct=FALSE): X-squared and p-value;
- prop.test(c(15, 27), c(83, 91), correct=FALSE), prop.test(c(33, 30), c(100, 95),
  correct=FALSE): X-squared, p-value, conf.int;
- poisson.test(c(11, 23), c(2385, 3100)): p-value, rate ratio, conf.int;
- dsr and isr: a base-R transliteration of PHEindicatormethods' Dobson and Byar limits,
  dobson <- function(x, n, s, conf=0.95) {w <- s/n; X <- sum(x); S <- sum(s);
  d <- sum(x*w)/S; v <- sum(x*w^2)/S^2; z <- qnorm((1+conf)/2);
  lo <- X*(1-1/(9*X)-z/(3*sqrt(X)))^3; hi <- (X+1)*(1-1/(9*(X+1))+z/(3*sqrt(X+1)))^3;
  c(d, d+sqrt(v/X)*(lo-X), d+sqrt(v/X)*(hi-X))*1e5}
  byar <- function(O, E, conf=0.95) {z <- qnorm((1+conf)/2); c(O/E,
  O*(1-1/(9*O)-z/(3*sqrt(O)))^3/E, (O+1)*(1-1/(9*(O+1))+z/(3*sqrt(O+1)))^3/E)}.
"""
from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

import scrutiny as sc
from scrutiny import rates

RTOL = 1e-10
AREAS = ["Telford & Wrekin", "Shropshire"]


def close(a, b, rtol=RTOL):
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol)


@pytest.fixture
def areas():
    """Arrests out of incidents in two areas of two forces (and a third for homogeneity)."""
    return pd.DataFrame({"force": ["West Mercia", "West Mercia"], "area": AREAS,
                         "arrests": [33, 41], "incidents": [100, 160]})


@pytest.fixture
def strata():
    """Deaths and residents of two areas in three age bands, with a standard population."""
    return pd.DataFrame({"area": ["North"] * 3 + ["South"] * 3,
                         "age": ["0-15", "16-64", "65+"] * 2,
                         "deaths": [12, 30, 41, 10, 25, 50],
                         "residents": [5000, 12000, 3000, 6000, 11000, 4000],
                         "esp": [5500, 12500, 3500] * 2,
                         "rate": [0.0021, 0.0032, 0.0041] * 2})


# ---- labels from Series ------------------------------------------------------------------------

def test_proportion_ci_series_keep_their_labels():
    x = pd.Series([33, 41], index=pd.Index(AREAS, name="area"))
    n = pd.Series([100, 160], index=x.index)
    r = sc.proportion_ci(x, n)
    assert list(r.labels) == AREAS
    # R 4.2.2: prop.test(33, 100, correct=FALSE)$conf.int; prop.test(41, 160, correct=FALSE)
    close(r.lower, [0.245631227341280, 0.194874202746682])
    close(r.upper, [0.426946562049095, 0.329055817399427])
    plain = sc.proportion_ci(x.to_numpy(), n.to_numpy())
    assert plain.labels is None
    close(r.estimate, plain.estimate, 0)
    close(r.lower, plain.lower, 0)
    frame = r.to_frame()
    assert list(frame["area"]) == AREAS
    assert frame.columns[0] == "area"
    text = r.narrative("arrest rate")
    assert text[0] == ("Telford & Wrekin's arrest rate is 33.0% (95% CI 24.6% to 42.7%; Wilson "
                       "score interval).")
    assert text[1].startswith("Shropshire's arrest rate is 25.6%")
    # labels given to the narrative still win
    assert sc.proportion_ci(x, n).narrative(labels=["A", "B"])[0].startswith("A's")


def test_unnamed_index_gives_a_unit_column_and_a_default_index_no_labels():
    x = pd.Series([33, 41], index=["a", "b"])
    r = sc.proportion_ci(x, 100)
    assert list(r.to_frame()["unit"]) == ["a", "b"]      # broadcast with a scalar: still named
    plain = sc.proportion_ci(pd.Series([33, 41]), pd.Series([100, 160]))
    assert plain.labels is None
    assert list(plain.to_frame()["unit"]) == [0, 1]
    assert plain.narrative()[0].startswith("Area 0's proportion")


def test_a_result_broadcast_to_another_shape_is_not_labelled():
    x = pd.Series([33, 41], index=["a", "b"])
    r = sc.proportion_ci(x, np.array([[100], [200]]))
    assert r.estimate.shape == (2, 2) and r.labels is None


def test_several_levels_repeat_the_labels():
    x = pd.Series([33, 41], index=pd.Index(AREAS, name="area"))
    r = sc.proportion_ci(x, pd.Series([100, 160], index=x.index), conf=(0.9, 0.95))
    frame = r.to_frame()
    assert list(frame["area"]) == [AREAS[0]] * 2 + [AREAS[1]] * 2
    assert list(frame["conf"]) == [0.9, 0.95, 0.9, 0.95]


@pytest.mark.parametrize("call, names", [
    (lambda a, b: sc.proportion_ci(a, b), ("x", "n")),
    (lambda a, b: sc.rate_ci(a, b), ("count", "exposure")),
    (lambda a, b: sc.test_target(a, b, 0.3), ("x", "n")),
    (lambda a, b: sc.compare_proportions(a, b, a, b), ("x1", "n1")),
    (lambda a, b: sc.compare_rates(a, b, a, b), ("count1", "exposure1")),
    (lambda a, b: sc.homogeneity(a, b), ("x", "n")),
    (lambda a, b: sc.poisson_etest(a, b), ("count_before", "count_after")),
    (lambda a, b: sc.isr(a, pd.DataFrame(np.full((2, 3), 1000.0), index=b.index),
                         [0.01, 0.02, 0.03]), ("observed", "populations")),
])
def test_series_with_different_indexes_are_refused_naming_both(call, names):
    a = pd.Series([33, 41], index=["Redditch", "Bromsgrove"])
    b = pd.Series([100, 160], index=["Bromsgrove", "Redditch"])
    with pytest.raises(ValueError, match=f"{names[0]} and {names[1]} have different indexes"):
        call(a, b)


def test_label_and_by_need_a_table():
    with pytest.raises(TypeError, match="label= and by= name columns of a table"):
        sc.proportion_ci([3, 4], [10, 10], label="area")
    with pytest.raises(TypeError, match="label= and by= name columns of a table"):
        sc.rate_ci([3, 4], [10, 10], by=["force"])


# ---- tidy tables ---------------------------------------------------------------------------

def test_tidy_table_with_label_matches_the_array_path(areas):
    r = sc.proportion_ci(areas, x="arrests", n="incidents", label="area")
    plain = sc.proportion_ci(areas["arrests"].to_numpy(), areas["incidents"].to_numpy())
    close(r.lower, plain.lower, 0)
    close(r.upper, plain.upper, 0)
    assert list(r.labels) == AREAS and r.labels.name == "area"
    # the column names may follow the table positionally, in the order of the arguments
    same = sc.proportion_ci(areas, "arrests", "incidents", label="area")
    assert same.to_frame().equals(r.to_frame())


def test_tidy_table_with_by_carries_the_columns_back(areas):
    r = sc.proportion_ci(areas, x="arrests", n="incidents", by=["force", "area"])
    assert isinstance(r.labels, pd.MultiIndex)
    frame = r.to_frame()
    assert list(frame.columns[:2]) == ["force", "area"]
    assert list(frame["area"]) == AREAS and set(frame["force"]) == {"West Mercia"}
    assert r.narrative()[0].startswith("West Mercia / Telford & Wrekin's proportion is 33.0%")


def test_tidy_table_refuses_missing_columns_and_repeated_units(areas):
    with pytest.raises(ValueError, match="n='arrested' is not a column"):
        sc.proportion_ci(areas, x="arrests", n="arrested", label="area")
    with pytest.raises(ValueError, match="by='division' is not a column"):
        sc.proportion_ci(areas, x="arrests", n="incidents", by="division")
    with pytest.raises(ValueError, match="more than one row for 'West Mercia'"):
        sc.proportion_ci(areas, x="arrests", n="incidents", label="force")


def test_test_target_from_a_table_matches_r(areas):
    r = sc.test_target(areas, x="arrests", n="incidents", target=0.4, label="area")
    # R 4.2.2: binom.test(33, 100, p=0.4); binom.test(41, 160, p=0.4)
    close(r.pvalue, [0.184233692660652, 0.000185932520849892], 1e-9)
    close(r.lower, [0.239198534622602, 0.190590585389426720], 1e-9)
    close(r.upper, [0.431172750777563, 0.331167920083557887], 1e-9)
    plain = sc.test_target([33, 41], [100, 160], 0.4)
    close(r.pvalue, plain.pvalue, 0)
    assert list(r.to_frame()["area"]) == AREAS
    text = r.narrative("arrest rate")
    assert text[1].startswith("Shropshire's arrest rate (25.6%; 95% CI 19.1% to 33.1%) is below")
    # a target per area from a column
    areas["target"] = [0.4, 0.4]
    close(sc.test_target(areas, x="arrests", n="incidents", target="target").pvalue, r.pvalue, 0)


def test_compare_proportions_from_a_table_matches_r():
    df = pd.DataFrame({"area": ["North", "South"], "arrests": [15, 33], "incidents": [83, 100],
                       "arrests_before": [27, 30], "incidents_before": [91, 95]})
    r = sc.compare_proportions(df, x1="arrests", n1="incidents", x2="arrests_before",
                               n2="incidents_before", label="area")
    # R 4.2.2: prop.test(c(15, 27), c(83, 91), correct=FALSE);
    #          prop.test(c(33, 30), c(100, 95), correct=FALSE)
    close(r.statistic, [3.1887080217544934, 0.0449846206425155])
    close(r.pvalue, [0.0741485923936010, 0.8320323105100048])
    close(r.lower, [-0.2411262609307211, -0.1170541605259086])
    close(r.upper, [0.0091654506566578, 0.1454752131574877])
    assert list(r.to_frame()["area"]) == ["North", "South"]
    assert r.narrative("arrest rate")[1].startswith("South's arrest rate is 33.0% for group 1")


def test_homogeneity_from_series_and_tables_matches_r():
    x = pd.Series([33, 41, 12], index=pd.Index(["Telford", "Shropshire", "Hereford"],
                                               name="area"))
    n = pd.Series([100, 160, 75], index=x.index)
    r = sc.homogeneity(x, n)
    # R 4.2.2: prop.test(c(33, 41, 12), c(100, 160, 75), correct=FALSE)
    close(r.statistic, 6.4913680886336040)
    close(r.pvalue, 0.0389419172472439)
    frame = r.to_frame()
    assert list(frame["area"]) == ["Telford", "Shropshire", "Hereford"]
    close(frame["estimate"], [0.33, 41 / 160, 0.16], 1e-15)
    assert "(from 16.0% in Hereford to 33.0% in Telford)" in r.narrative("arrest rate")
    tidy = sc.homogeneity(x.rename("arrests").reset_index().assign(incidents=n.to_numpy()),
                          x="arrests", n="incidents", label="area")
    assert tidy.statistic == r.statistic and tidy.to_frame().equals(frame)


def test_homogeneity_speaks_of_conf_and_keeps_alpha_as_the_old_name():
    r = sc.homogeneity([33, 41, 12], [100, 160, 75], conf=0.99)
    assert r.conf == 0.99
    assert "no evidence at the 1% level" in r.narrative()
    assert "significant at the 5% level" in r.narrative(conf=0.95)
    with pytest.warns(DeprecationWarning, match="alpha= is renamed conf="):
        assert r.narrative(alpha=0.05) == r.narrative(conf=0.95)


# ---- per ----------------------------------------------------------------------------------------

def test_rate_ci_per_scales_labels_and_words():
    crimes = pd.Series([37, 112], index=pd.Index(["Redditch", "Worcester"], name="town"))
    homes = pd.Series([52000, 103000], index=crimes.index)
    r = sc.rate_ci(crimes, homes, per=1000, method="exact")
    # R 4.2.2: poisson.test(37, 52000)$conf.int * 1000; poisson.test(112, 103000)$conf.int * 1000
    close(r.lower, [0.500988741675116, 0.895344209053965], 1e-9)
    close(r.upper, [0.980762041190977, 1.308399061088693], 1e-9)
    once = sc.rate_ci(crimes, homes, method="exact")
    close(r.estimate, once.estimate * 1000, 1e-15)
    close(r.lower, once.lower * 1000, 1e-12)
    frame = r.to_frame()
    assert list(frame["town"]) == ["Redditch", "Worcester"] and set(frame["per"]) == {1000.0}
    assert r.narrative("burglary rate", unit="homes")[0] == (
        "Redditch's burglary rate is 0.712 per 1,000 homes (95% CI 0.501 to 0.981; exact "
        "(Garwood) interval).")
    df = crimes.rename("crimes").reset_index().assign(homes=homes.to_numpy())
    tidy = sc.rate_ci(df, count="crimes", exposure="homes", label="town", per=1000,
                      method="exact")
    assert tidy.to_frame().equals(frame)


def test_compare_rates_per_scales_the_rates_not_the_ratio():
    r = sc.compare_rates(11, 2385, 23, 3100, per=1000)
    # R 4.2.2: poisson.test(c(11, 23), c(2385, 3100))
    close(r.pvalue, 0.227114858070760, 1e-9)
    close(r.ratio, 0.621638866101541, 1e-12)
    close([r.lower, r.upper], [0.273583668110827, 1.327456850552792], 1e-9)
    once = sc.compare_rates(11, 2385, 23, 3100)
    close([r.rate1, r.rate2], [once.rate1 * 1000, once.rate2 * 1000], 1e-15)
    assert r.per == 1000.0 and once.per == 1.0
    text = r.narrative("burglary rate", unit="homes")
    assert "4.61 per 1,000 homes for group 1 and 7.42 per 1,000 homes for group 2" in text
    # per given to the narrative rescales as before
    assert once.narrative(per=1000, unit="homes") == r.narrative(unit="homes")
    assert r.narrative(per=100, unit="homes").count("per 100 homes") == 2


def test_compare_rates_from_a_table_names_the_towns():
    df = pd.DataFrame({"town": ["Redditch", "Bromsgrove"], "burglaries": [11, 40],
                       "homes": [2385, 3000], "force_burglaries": [23, 23],
                       "force_homes": [3100, 3100]})
    r = sc.compare_rates(df, count1="burglaries", exposure1="homes", count2="force_burglaries",
                         exposure2="force_homes", label="town", per=1000)
    plain = sc.compare_rates([11, 40], [2385, 3000], 23, 3100, per=1000)
    close(r.pvalue, plain.pvalue, 0)
    assert list(r.to_frame()["town"]) == ["Redditch", "Bromsgrove"]
    assert r.narrative()[0].startswith("Redditch's rate is 4.61 per 1,000 for group 1")


def test_poisson_etest_names_its_areas_and_reports_per():
    before = pd.Series([120, 40], index=pd.Index(["Redditch", "Bromsgrove"], name="area"))
    after = pd.Series([98, 61], index=before.index)
    r = sc.poisson_etest(before, after)
    plain = sc.poisson_etest([120, 40], [98, 61])
    close(r.pvalue, plain.pvalue, 0)
    assert list(r.to_frame()["area"]) == ["Redditch", "Bromsgrove"]
    assert r.narrative("burglaries")[1].startswith("Bromsgrove: The rate of burglaries rose")
    df = pd.DataFrame({"area": before.index, "b": before.to_numpy(), "a": after.to_numpy()})
    tidy = sc.poisson_etest(df, count_before="b", count_after="a", label="area")
    assert tidy.to_frame().equals(r.to_frame())
    yearly = sc.poisson_etest(120, 98, 365, 366, per=1000)
    close([yearly.rate_before, yearly.rate_after], [120 / 365 * 1000, 98 / 366 * 1000], 1e-15)
    assert "rates 329 and 268 per 1,000" in yearly.narrative()
    assert yearly.plot().get_ylabel().startswith("Rate per 1,000")


# ---- standardised rates -------------------------------------------------------------------

DOBSON = {  # R 4.2.2: dobson(x, n, c(5500, 12500, 3500)) of the module docstring
    "North": (429.224806201550, 341.748272683056, 532.231592769998),
    "South": (378.259337561663, 301.567098184612, 468.391474430058)}
BYAR = {  # R 4.2.2: byar(83, sum(c(5000, 12000, 3000) * r)), byar(85, ...) of the docstring
    "North": (1.35620915032680, 1.08017859797908, 1.68124512338625),
    "South": (1.32398753894081, 1.05752187264782, 1.63714986279694)}


def test_dsr_from_a_long_table_gives_one_rate_per_area(strata):
    r = sc.dsr(strata, counts="deaths", populations="residents", standard="esp", by="area",
               strata="age")
    assert list(r.labels) == ["North", "South"] and r.labels.name == "area"
    close(np.c_[r.estimate, r.lower, r.upper], [DOBSON["North"], DOBSON["South"]], 1e-12)
    wide = sc.dsr(strata["deaths"].to_numpy().reshape(2, 3),
                  strata["residents"].to_numpy().reshape(2, 3), [5500, 12500, 3500])
    close(r.estimate, wide.estimate, 0)
    close(r.upper, wide.upper, 0)
    frame = r.to_frame()
    assert list(frame["area"]) == ["North", "South"]
    assert r.narrative(unit="residents")[1].startswith(
        "South's directly standardised rate is 378 per 100,000 residents")
    # rows in any order, the standard as a Series indexed by the strata, per 1,000
    shuffled = strata.sample(frac=1.0, random_state=3)
    esp = pd.Series([3500, 5500, 12500], index=["65+", "0-15", "16-64"])
    again = sc.dsr(shuffled, counts="deaths", populations="residents", standard=esp,
                   by="area", strata="age", per=1000)
    close(again.estimate, r.estimate / 100, 1e-12)
    assert list(again.labels) == ["North", "South"]
    assert "per 1,000" in again.narrative()[0]


def test_dsr_long_form_from_arrays_and_one_area(strata):
    r = sc.dsr(strata["deaths"], strata["residents"], strata["esp"], by=strata["area"])
    close(r.estimate, [DOBSON["North"][0], DOBSON["South"][0]], 1e-12)
    north = strata[strata["area"] == "North"]
    one = sc.dsr(north, counts="deaths", populations="residents", standard="esp")
    assert np.ndim(one.estimate) == 0 and one.labels is None
    close([one.estimate, one.lower, one.upper], DOBSON["North"], 1e-12)


def test_dsr_with_several_by_columns_and_frames_of_bands(strata):
    strata["force"] = "West Mercia"
    r = sc.dsr(strata, counts="deaths", populations="residents", standard="esp",
               by=["force", "area"], strata="age")
    assert list(r.to_frame().columns[:2]) == ["force", "area"]
    counts = pd.DataFrame(strata["deaths"].to_numpy().reshape(2, 3), index=["North", "South"])
    pops = pd.DataFrame(strata["residents"].to_numpy().reshape(2, 3), index=counts.index)
    framed = sc.dsr(counts, pops, [5500, 12500, 3500])
    assert list(framed.labels) == ["North", "South"]
    close(framed.estimate, r.estimate, 0)
    with pytest.raises(ValueError, match="counts and populations have different indexes"):
        sc.dsr(counts, pops.iloc[::-1], [5500, 12500, 3500])


def test_dsr_long_form_refuses_what_it_cannot_read(strata):
    twice = strata.assign(age=["0-15", "0-15", "65+"] * 2)
    with pytest.raises(ValueError, match="more than one row for area and stratum "
                                         "\\('North', '0-15'\\)"):
        sc.dsr(twice, counts="deaths", populations="residents", standard="esp", by="area",
               strata="age")
    with pytest.raises(ValueError, match="no value for area 'South' in stratum '65\\+'"):
        sc.dsr(strata.iloc[:5], counts="deaths", populations="residents", standard="esp",
               by="area", strata="age")
    varying = strata.assign(esp=[5500, 12500, 3500, 5500, 12500, 3600])
    with pytest.raises(ValueError, match="standard must be the same in every area of a stratum"
                                         " \\(it differs in stratum '65\\+'\\)"):
        sc.dsr(varying, counts="deaths", populations="residents", standard="esp", by="area",
               strata="age")
    with pytest.raises(ValueError, match="strata='band' is not a column"):
        sc.dsr(strata, counts="deaths", populations="residents", standard="esp", by="area",
               strata="band")
    with pytest.raises(ValueError, match="standard's index lacks the strata \\['65\\+'\\]"):
        sc.dsr(strata, counts="deaths", populations="residents",
               standard=pd.Series([1.0, 2.0], index=["0-15", "16-64"]), by="area", strata="age")


def test_isr_from_a_long_table_matches_r(strata):
    r = sc.isr(strata, observed="deaths", populations="residents", reference_rates="rate",
               by="area", strata="age")
    close(np.c_[r.estimate, r.lower, r.upper], [BYAR["North"], BYAR["South"]], 1e-12)
    assert list(r.to_frame()["area"]) == ["North", "South"]
    totals = pd.Series([83, 85], index=["North", "South"])
    by_total = sc.isr(totals, strata["residents"].to_numpy().reshape(2, 3),
                      [0.0021, 0.0032, 0.0041])
    close(by_total.estimate, r.estimate, 1e-15)
    assert list(by_total.labels) == ["North", "South"]
    assert by_total.narrative()[0].startswith("North's standardised ratio is 1.36")


# ---- one vocabulary -----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["proportion_ci", "rate_ci", "test_target",
                                  "compare_proportions", "compare_rates", "homogeneity", "dsr",
                                  "isr"])
def test_every_rates_function_speaks_of_conf_and_takes_tables(name):
    params = inspect.signature(getattr(rates, name)).parameters
    assert "conf" in params and params["conf"].default == 0.95
    assert params["by"].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize("name, per", [("rate_ci", 1.0), ("compare_rates", 1.0),
                                       ("dsr", 100000)])
def test_rates_keep_the_contract_default_per(name, per):
    assert inspect.signature(getattr(rates, name)).parameters["per"].default == per


def test_bad_values_are_named_by_their_label():
    x = pd.Series([33, 41], index=AREAS)
    with pytest.raises(ValueError, match="n must be >= x \\(area 'Shropshire': 40 < 41\\)"):
        sc.proportion_ci(x, pd.Series([100, 40], index=AREAS))
    with pytest.raises(ValueError, match="n must be >= x \\(area 'Shropshire'"):
        sc.test_target(x, pd.Series([100, 40], index=AREAS), 0.3)
    with pytest.raises(ValueError, match="count must be whole counts \\(area 'Telford & Wrekin'"):
        sc.rate_ci(pd.Series([1.5, 2.0], index=AREAS), 3.0)
    with pytest.raises(ValueError, match="n must be positive \\(area 'Shropshire': 0\\)"):
        sc.homogeneity(x, pd.Series([100, 0], index=AREAS))


def test_multiple_testing_keeps_series_and_frames():
    p = pd.Series([0.01, 0.04, 0.03], index=["Redditch", "Worcester", "Malvern"], name="p")
    adjusted = sc.multiple_testing(p, method="holm")
    # R 4.2.2: p.adjust(c(0.01, 0.04, 0.03), "holm")
    assert adjusted.index.equals(p.index) and adjusted.name == "p"
    close(adjusted, [0.03, 0.06, 0.06], 1e-15)
    frame = pd.DataFrame({"burglary": [0.01, 0.04], "robbery": [0.03, 0.2]},
                         index=["Redditch", "Worcester"])
    out = sc.multiple_testing(frame)
    # R 4.2.2: p.adjust(c(0.01, 0.03, 0.04, 0.2), "BH"): one family, row by row
    assert out.index.equals(frame.index) and out.columns.equals(frame.columns)
    close(out.to_numpy().ravel(), [0.04, 0.05333333333333334, 0.05333333333333334, 0.2], 1e-15)


def test_dsr_long_form_reads_filtered_and_shuffled_tables(strata):
    """A table's columns are read row by row whatever its index (filtered, shuffled)."""
    wider = pd.concat([strata, strata.assign(area="East")]).reset_index(drop=True)
    kept = wider[wider["area"] != "East"].sample(frac=1.0, random_state=7)
    assert not isinstance(kept.index, pd.RangeIndex)
    r = sc.dsr(kept, counts="deaths", populations="residents", standard="esp", by="area",
               strata="age")
    close(np.c_[r.estimate, r.lower, r.upper], [DOBSON["North"], DOBSON["South"]], 1e-12)
    i = sc.isr(kept, observed="deaths", populations="residents", reference_rates="rate",
               by="area", strata="age")
    close(np.c_[i.estimate, i.lower, i.upper], [BYAR["North"], BYAR["South"]], 1e-12)


def test_long_form_by_and_strata_must_name_each_row():
    counts, pops, std = [12, 30, 41], [5000, 12000, 3000], [5500, 12500, 3500]
    with pytest.raises(TypeError, match="by must hold one name per row \\(3 rows\\), or be a "
                                        "column name with a table .* \\(got a single str\\)"):
        sc.dsr(counts, pops, std, by="area")
    with pytest.raises(TypeError, match="strata must hold one name per row .*2 dimensions"):
        sc.isr(counts, pops, [0.01, 0.02, 0.03], strata=[[1, 2, 3]])
    with pytest.raises(ValueError, match="by must hold one value per row"):
        sc.dsr(counts, pops, std, by=["North", "North"])
    one = sc.dsr(counts, pops, std, by=["North"] * 3)
    assert list(one.labels) == ["North"]
    close(one.estimate, [DOBSON["North"][0]], 1e-12)
