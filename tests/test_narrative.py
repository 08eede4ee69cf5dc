"""Plain-English narratives of every result kind (``narrative()``) and their shared wording
(``scrutiny._narrative``).

What is checked: every result kind returns non-empty text (a string for one element, a list
with one entry per element for several); a test that rejects at the stated level is reported
as "more than chance would explain" and "significant at the 5% level", one that does not as
"no evidence ..." and never as significant, the same or no change; the numbers in the words
are the result's fields (formatted here independently of the package); levels appear.  Every
module with narratives is found and held to the house vocabulary: p-values in the house format
and never rounded onto the other side of the level of the verdict beside them, plurals and
agreement right, unnamed units named "Area 0" (not "Unit 0"), no raw floats.

References: the decisions under ``adjust=`` are compared with statsmodels 0.14's
``multipletests`` (an implementation independent of ``scrutiny.multiple_testing``), and the
two-sided exact binomial decisions with SciPy's ``binomtest``.  The statistics themselves are
checked against R in each family's tests.
"""
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

import scrutiny as sc
from scrutiny import _narrative as nar
from scrutiny import calls, harm, place, waits
from scrutiny.drivers import key_drivers, logistic, ordinal_logistic, relative_importance
from scrutiny.models import count_trend, its
from scrutiny.segmentation import changepoints
from scrutiny.spc import spc
from scrutiny.report import words
from scrutiny.trend import mann_kendall, pettitt, seasonal_mann_kendall, sen_slope

# Phrases a careful report never uses: equality or no change claimed from a non-rejection,
# proof, causes.
OVERCLAIMS = (r"\b(is|are|was|were) the same\b", r"\bno change\b(?! point)", r"\bproves?\b",
              r"\bcauses\b")
PARTS = ["ease_of_contact", "time_to_arrive", "actions_taken", "kept_informed", "treatment"]


def significant(text: str) -> bool:
    """The sentence claims significance (and not merely names it in a negation)."""
    return "significant at the" in text


def assert_significant(text: str, level: str = "5%"):
    assert "more than chance" in text, text
    assert f"significant at the {level} level" in text, text
    assert "no evidence" not in text.lower(), text


def assert_null(text: str):
    assert "no evidence" in text.lower(), text
    assert "significant" not in text, text
    assert "more than chance" not in text, text


def assert_careful(text):
    for line in ([text] if isinstance(text, str) else text):
        assert isinstance(line, str) and line.strip(), text
        for phrase in OVERCLAIMS:
            assert not re.search(phrase, line.lower()), (phrase, line)


def pct(p) -> str:
    return f"{100 * p:.1f}%"


# ---- shared wording ---------------------------------------------------------------------------

def test_number_formats():
    assert nar.level(0.95) == "95%" and nar.level(0.998) == "99.8%" and nar.level(0.05) == "5%"
    assert nar.percent(0.2404) == "24.0%" and nar.percent(0.377, 0) == "38%"
    assert nar.number(71.15) == "71.2" and nar.number(1234.5) == "1,234"
    assert nar.number(999.7) == "1,000" and nar.number(0.0) == "0"
    assert nar.number(float("inf")) == "infinity" and nar.number(float("nan")) == "n/a"
    assert nar.matched(1.5)(0.30114) == "0.30" and nar.matched(250.0)(1088.6) == "1,089"
    assert nar.matched(0.0234, sign=True)(0.11094) == "+0.1109"
    assert nar.per_text(100000, "residents") == "per 100,000 residents"
    assert nar.per_text(1) == "" and nar.per_text(1, "resident") == "per resident"
    assert nar.change(4.31) == "+4.3%" and nar.points(-0.1163) == "-11.6"
    assert nar.about(0.288) == "0.3" and nar.about(4.8) == "5" and nar.about(0.012) == "0.01"
    assert nar.change(-4.31, sign=False) == "4.3%" and nar.relative(-0.4686) == "47%"
    assert nar.relative(0.0041) == "0.4%"
    assert nar.count(207.0) == "207" and nar.count(26.34) == "26" and nar.count(6.43) == "6.4"
    assert nar.count(1234.0) == "1,234" and nar.fixed(1234.5, 1) == "1,234.5"
    assert nar.fixed(float("nan"), 1) == "n/a"


def test_p_values_never_round_onto_the_other_side_of_alpha():
    assert nar.p_text(0.0004) == "p < 0.001"
    assert nar.p_text(0.41093) == "p = 0.411"
    assert nar.p_text(0.04996) == "p = 0.050"          # no level given: plain rounding
    assert nar.p_text(0.04996, alpha=0.05) == "p = 0.04996"
    assert nar.p_text(0.0496, alpha=0.05) == "p = 0.0496"
    assert nar.p_text(0.0504, alpha=0.05) == "p = 0.050"
    assert nar.p_text(0.0499999, alpha=0.05) == "p < 0.05"
    assert nar.p_text(0.0498, alpha=1 - 0.95) == "p = 0.0498"      # 1 - 0.95 > 0.05 in floats
    assert nar.p_text(float("nan")) == "p not available"


def test_words():
    assert nar.plural(1, "area") == "1 area" and nar.plural(1200, "area") == "1,200 areas"
    assert nar.plural(2, "series", "series") == "2 series"
    assert nar.plural(2, "local authority") == "2 local authorities"
    assert nar.plural(3, "day") == "3 days" and nar.plural(2, "box") == "2 boxes"
    assert nar.plural(2, "series") == "2 series" and nar.plural(2, "crime types") == "2 crime types"
    assert nar.plural_noun("class") == "classes" and nar.plural_noun("bus") == "buses"
    assert words.plural_noun is nar.plural_noun         # the report has no plural rules of its own
    assert nar.agree(1, "is", "are") == "is" and nar.agree(0, "is", "are") == "are"
    assert nar.possessive("North") == "North's"
    assert nar.possessive("Malvern Hills") == "Malvern Hills'"
    assert nar.listing(["a"]) == "a" and nar.listing("abc") == "a, b and c"
    assert nar.when(4) == "point 5"
    assert nar.when(1, pd.period_range("2023-04", periods=3, freq="M")) == "May 2023"
    assert nar.period_text(pd.Period("2024-09", freq="M"), short=True) == "Sep 2024"
    assert nar.period_text(pd.Period("2024Q3", freq="Q")) == "2024 Q3"
    assert nar.period_text(7) == "7"
    assert nar.names(None, 2, "Area", False) == ["Area 0", "Area 1"]
    assert nar.names(None, 1, "Area", True) == [None]
    with pytest.raises(ValueError, match="labels has 1 entries but there are 2"):
        nar.names(["North"], 2, "Area", False)


def test_verdict_words_take_the_statistics_before_the_level():
    assert nar.rise_or_fall(False, 0.05, "(Poisson E-test, p = 0.003)") == (
        "a fall more than chance would explain (Poisson E-test, p = 0.003), significant at the "
        "5% level")
    assert nar.ci_verdict([0.8], [0.95], (0.95,), 0.9, "above target", "below target",
                          fmt=nar.percent) == (
        "no evidence of a difference (the 95% CI includes 90.0%)")


def test_interval_verdicts_use_the_widest_level_that_excludes_the_null():
    lower, upper, levels = [1.2, 0.9], [2.0, 2.4], (0.95, 0.998)
    assert nar.excluded(lower, upper, levels, 1.0) == (0.95, 1)
    text = nar.ci_verdict(lower, upper, levels, 1.0)
    assert text == "higher by more than chance would explain (the 95% CI excludes 1)"
    assert nar.ci_verdict([0.5, 0.4], [1.3, 1.6], levels, 1.0) == (
        "no evidence of a difference (the 95% CI includes 1)")
    assert nar.excluded([0.2, 0.1], [0.8, 0.9], levels, 1.0) == (0.998, -1)


def test_adjusted_decisions_match_statsmodels():
    p = np.array([0.001, 0.012, 0.031, 0.041, 0.2, np.nan])   # no adjusted value at 0.05
    for method, sm in (("bh", "fdr_bh"), ("holm", "holm"), ("bonferroni", "bonferroni"),
                       ("by", "fdr_by"), ("hochberg", "simes-hochberg")):
        reject, q, _, _ = multipletests(p[:-1], alpha=0.05, method=sm)
        found = nar.verdicts(p, 0.05, method, "areas")
        assert [v.significant for v in found[:-1]] == list(reject)
        assert not found[-1].tested and not found[-1].significant
        for v, qi in zip(found[:-1], q):
            shown = re.search(r"adjusted p (?:= ([0-9.]+)|< 0\.001) across 5 areas", v.note)
            assert shown, v.note
            if shown.group(1):
                assert float(shown.group(1)) == pytest.approx(qi, abs=5e-4)
    plain = nar.verdicts(p, 0.05)
    assert [v.significant for v in plain] == [True, True, True, True, False, False]
    assert plain[0].note == "not adjusted for the 5 tests tested" and plain[4].note == ""
    assert nar.verdicts([0.01], 0.05)[0].note == ""      # one test: nothing to adjust for
    with pytest.raises(ValueError, match="adjust"):
        nar.verdicts(p, 0.05, "fdr")
    with pytest.raises(ValueError, match="alpha"):
        nar.verdicts(p, 1.5)


# ---- rates ------------------------------------------------------------------------------------

def test_proportion_ci():
    r = sc.proportion_ci(23, 61, method="exact")
    text = r.narrative("arrest rate")
    assert_careful(text)
    assert text.startswith(f"The arrest rate is {pct(r.estimate)} (95% CI {pct(r.lower)} to "
                           f"{pct(r.upper)}; exact (Clopper-Pearson) interval)")
    many = sc.proportion_ci([3, 40], [20, 50], conf=(0.95, 0.998))
    lines = many.narrative(labels=["Redditch", "Malvern Hills"])
    assert len(lines) == 2 and lines[1].startswith("Malvern Hills' proportion is 80.0%")
    assert f"99.8% CI {pct(many.lower[0, 1])} to {pct(many.upper[0, 1])}" in lines[0]
    assert many.narrative()[0].startswith("Area 0's proportion")
    with pytest.raises(ValueError, match="labels"):
        many.narrative(labels=["one"])


def test_rate_ci_names_its_per_and_unit():
    r = sc.rate_ci(37, 52000, per=100000, method="exact")
    text = r.narrative("violence rate", unit="residents")
    assert_careful(text)
    assert text.startswith(f"The violence rate is {r.estimate:.1f} per 100,000 residents "
                           f"(95% CI {r.lower:.1f} to {r.upper:.1f}; exact (Garwood) interval)")
    lines = sc.rate_ci([3, 40], [2000, 5000], per=[1000, 100000]).narrative()
    assert "per 1,000 (" in lines[0] and "per 100,000 (" in lines[1]


def test_target_test_register_and_numbers():
    clear = sc.test_target(3, 20, 0.5)
    text = clear.narrative("detection rate")
    assert_careful(text)
    assert_significant(text)
    assert (f"(15.0%; 95% CI {pct(clear.lower)} to {pct(clear.upper)}) is below the target of "
            "50.0%") in text
    assert f"p = {clear.pvalue:.3f}" in text
    null = sc.test_target(12, 50, 0.2385).narrative()
    assert_null(null)
    assert f"from the target of {pct(0.2385)} at the 5% level" in null and "p = 1.000" in null
    one_sided = sc.test_target(3, 20, 0.5, alternative="less", conf=0.9).narrative()
    assert_significant(one_sided, "10%")
    assert "90% upper bound" in one_sided and "one-sided" in one_sided


def test_target_decisions_agree_with_scipy_and_note_multiplicity():
    x, n, target = np.array([3, 40, 10, 19]), np.array([20, 50, 40, 50]), 0.25
    res = sc.test_target(x, n, target)
    lines = res.narrative(labels=["A", "B", "C", "D"])
    for line, xi, ni in zip(lines, x, n):
        p = stats.binomtest(int(xi), int(ni), target).pvalue
        assert significant(line) == (p < 0.05), line
        if p < 0.05:
            assert "not adjusted for the 4 areas tested" in line
    adjusted = res.narrative(adjust="bonferroni")
    reject = multipletests(res.pvalue, method="bonferroni")[0]
    assert [significant(line) for line in adjusted] == list(reject)
    assert all("Bonferroni-adjusted" in line for line in adjusted)


def test_compare_proportions():
    clear = sc.compare_proportions(150, 830, 270, 910)
    text = clear.narrative("arrest rate", groups=("this year", "last year"))
    assert_careful(text)
    assert_significant(text)
    assert text.startswith(f"The arrest rate is lower for this year ({pct(clear.p1)}) than for "
                           f"last year ({pct(clear.p2)})")
    assert (f"difference {100 * clear.difference:+.1f} percentage points, 95% CI "
            f"{100 * clear.lower:+.1f} to {100 * clear.upper:+.1f}") in text
    null = sc.compare_proportions(15, 83, 27, 91).narrative(groups=("this year", "last year"))
    assert_null(null)
    assert "18.1% for this year and 29.7% for last year" in null
    assert "no test is possible" in sc.compare_proportions(0, 10, 0, 12).narrative()
    assert "with continuity correction" in sc.compare_proportions(15, 83, 27, 91,
                                                                  correct=True).narrative()


def test_compare_rates():
    clear = sc.compare_rates(110, 23.85, 230, 31.0)
    text = clear.narrative("burglary rate", groups=("Redditch", "Bromsgrove"), per=1000,
                           unit="homes")
    assert_careful(text)
    assert_significant(text)
    assert f"rate ratio {clear.ratio:.2f}, 95% CI {clear.lower:.2f} to {clear.upper:.2f}" in text
    assert f"({1000 * clear.rate1:,.0f} per 1,000 homes)" in text
    null = sc.compare_rates(11, 2.385, 23, 3.1).narrative()
    assert_null(null)
    greater = sc.compare_rates(11, 2.385, 23, 3.1, alternative="greater").narrative()
    assert_null(greater)
    assert "95% lower bound" in greater and "a higher rate for group 1" in greater
    assert "no comparison is possible" in sc.compare_rates(0, 1.0, 0, 2.0).narrative()
    with pytest.raises(ValueError, match="per"):
        sc.compare_rates(11, 2.385, 23, 3.1).narrative(per=0)


def test_homogeneity():
    clear = sc.homogeneity([12, 45, 31, 9], [100, 180, 210, 95])
    text = clear.narrative("arrest rate")
    assert_careful(text)
    assert_significant(text)
    assert (f"chi-square = {clear.statistic:.2f} on 3 degrees of freedom, "
            f"p = {clear.pvalue:.3f}") in text
    assert "between the 4 areas (from 9.5% to 25.0%)" in text
    null = sc.homogeneity([12, 25, 31, 9], [100, 180, 210, 95]).narrative(areas="stations")
    assert_null(null)
    assert "between the 4 stations" in null
    strict = clear.narrative(conf=0.999)
    assert clear.pvalue > 0.001 and "no evidence at the 0.1% level" in strict
    with pytest.warns(DeprecationWarning, match="alpha= is renamed conf="):
        assert clear.narrative(alpha=0.001) == strict
    with pytest.raises(ValueError, match="conf"):
        clear.narrative(conf=1)


def test_dsr_and_isr():
    d = sc.dsr([[12, 30, 41], [1, 2, 3]], [[5000, 12000, 3000]] * 2, [5500, 12500, 3500])
    lines = d.narrative(labels=["Wyre Forest", "Bromsgrove"], unit="residents")
    assert_careful(lines)
    assert lines[0] == (f"Wyre Forest's directly standardised rate is {d.estimate[0]:,.0f} per "
                        f"100,000 residents (95% CI {d.lower[0]:,.0f} to {d.upper[0]:,.0f}; "
                        "Dobson's method), from 83 events.")
    assert "not calculated: too few events (6)" in lines[1]
    i = sc.isr([42, 90, 3], [[2385, 4761, 5012]] * 3, [0.0021, 0.0032, 0.0041],
               conf=(0.95, 0.998))
    lines = i.narrative()
    assert_careful(lines)
    assert_null(lines[0])
    assert "the 95% CI includes 1" in lines[0] and f"{i.estimate[0]:.2f}" in lines[0]
    assert "higher than expected by more than chance" in lines[1]
    assert "99.8% CI excludes 1" in lines[1]
    assert "lower than expected" in lines[2] and "exact (Garwood)" in lines[2]
    assert "CI excludes 100" in sc.isr(90, [2385, 4761, 5012], [0.0021, 0.0032, 0.0041],
                                       refvalue=100).narrative()


# ---- disparity --------------------------------------------------------------------------------

def test_funnel_overview_counts_and_chance():
    res = sc.funnel([240, 332, 30, 300, 280, 310], [1000, 1000, 100, 1000, 1000, 1000],
                    target=0.33, labels=["North", "South", "Herefordshire", "A", "B", "C"])
    lines = res.narrative(measure="arrest rate", reference="force rate", overview=True)
    lines = lines.splitlines()
    assert_careful(lines)
    far = sum(f == "low (99.8%)" or f == "high (99.8%)" for f in res.flag)
    near = sum(f.endswith("(95%)") for f in res.flag)
    assert lines[0] == (f"{far} of the 6 areas are outside the 99.8% limits (about 0.01 "
                        f"expected by chance alone), and {near} more outside the 95% limits "
                        "(about 0.3).")
    assert len(lines) == 7
    for line, flag in zip(lines[1:], res.flag):
        if flag == "within":
            assert "within the range expected from chance" in line and "significant" not in line
        else:
            assert "by more than expected from chance" in line
            assert ("by chance alone" in line) == flag.endswith("(95%)")
    quiet = sc.funnel([240, 332, 30], [1000, 1000, 100], levels=0.95)
    words = quiet.narrative(overview=True, areas="policing areas").splitlines()
    assert words[0] == ("2 of the 3 policing areas are outside the 95% limits (about 0.2 "
                        "expected by chance alone).")
    assert "with 3 policing areas about 0.2 would be outside" in words[1]
    everyone = sc.funnel([300, 332, 50], [1000, 1000, 100], target=0.2, levels=0.95)
    assert everyone.narrative(overview=True).startswith("All 3 areas are outside the 95% limits")
    spread = sc.funnel([300, 332, 50], [1000, 1000, 100], target=0.2, levels=0.95,
                       overdispersion="multiplicative")
    assert spread.narrative(overview=True).startswith(
        "None of the 3 areas is outside the 95% limits, allowing for overdispersion (about")


def test_ratio_significance():
    res = sc.ratio_significance([3, 25, 12], [10.0, 12.5, 12.0])
    lines = res.narrative(labels=["Redditch", "Wyre Forest", "Bromsgrove"])
    assert_careful(lines)
    assert "lower than expected by more than chance" in lines[0]
    assert lines[1].startswith(f"Wyre Forest's ratio of observed to expected is {res.ratio[1]:.2f} "
                               f"(95% CI {res.lower[1, 0]:.2f} to {res.upper[1, 0]:.2f}; 99.8% CI")
    assert_null(lines[2])
    assert isinstance(sc.ratio_significance(3, 10.0).narrative(), str)


def test_disparity_indices_say_what_they_do_not_show():
    res = sc.disparity_indices([12, 30, 18], [1000, 1500, 1200], bootstrap=200, seed=7)
    text = res.narrative(per=1000, measure="violence rate", unit="residents")
    assert_careful(text)
    assert "from 12.0 to 20.0 per 1,000 residents" in text
    assert f"{res.ratio:.2f} times the lowest" in text
    assert f"Gini coefficient {res.gini:.3f} (95% bootstrap interval" in text
    assert "do not test whether the areas differ" in text and "significant" not in text
    zero = sc.disparity_indices([0, 30, 18], [1000, 1500, 1200]).narrative()
    assert "not defined (a rate is 0)" in zero and "not a multiple" in zero
    with pytest.raises(ValueError, match="per"):
        res.narrative(per=-1)
    with pytest.raises(TypeError, match="per"):
        sc.shrink([2, 30, 65], [10, 100, 150]).narrative(per="1000")


def test_shrink():
    res = sc.shrink([2, 30, 65, 8, 60], [10, 100, 150, 40, 180])
    lines = res.narrative("detection rate", labels=list("ABCDE"))
    assert_careful(lines)
    assert len(lines) == 5
    assert lines[0].startswith(f"A's detection rate is {pct(res.raw[0])} observed and "
                               f"{pct(res.estimate[0])} after empirical-Bayes shrinkage (95% "
                               f"posterior interval {pct(res.lower[0])} to {pct(res.upper[0])})")
    assert f"{100 * res.weight[0]:.0f}% of the weight" in lines[0]
    pooled = sc.shrink([20, 21, 19, 20], [100, 100, 100, 100])
    assert pooled.pooled
    assert "understates the uncertainty" in pooled.narrative()[0]
    rates = sc.shrink([2, 30, 65, 8, 60], [10, 100, 150, 40, 180], kind="rate")
    assert "per 1,000 crimes" in rates.narrative(per=1000, unit="crimes")[0]


# ---- trend ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def series():
    rng = np.random.default_rng(4)
    return np.vstack([np.arange(24.0) + rng.normal(0, 1, 24), rng.normal(0, 1, 24),
                      np.ones(24)])


def test_mann_kendall(series):
    res = mann_kendall(series)
    lines = res.narrative(labels=["Rising", "Flat", "Constant"], measure="burglary")
    assert_careful(lines)
    assert_significant(lines[0])
    assert lines[0].startswith(f"Rising: Increasing trend in burglary (Mann-Kendall z = "
                               f"{res.z[0]:.2f}, p < 0.001, not adjusted for the 2 series tested)")
    assert f"Sen's slope +{res.slope[0]:.3g} per time step" in lines[0]
    assert_null(lines[1])
    assert f"p = {res.pvalue[1]:.3f}" in lines[1]
    assert lines[2] == "Constant: Not tested (constant)."
    one = mann_kendall(series[0]).narrative(unit="month")
    assert isinstance(one, str) and "per month" in one and "not adjusted" not in one
    bh = res.narrative(adjust="bh")
    assert "Benjamini-Hochberg-adjusted" in bh[0] and "Benjamini-Hochberg-adjusted" in bh[1]


def test_seasonal_mann_kendall(series):
    res = seasonal_mann_kendall(series[:2], period=4)
    lines = res.narrative()
    assert_careful(lines)
    assert_significant(lines[0])
    assert "seasonal Mann-Kendall" in lines[0] and "per cycle" in lines[0]
    assert significant(lines[1]) == (res.pvalue[1] < 0.05)


def test_sen_slope(series):
    res = sen_slope(series, conf=(0.9, 0.99))
    lines = res.narrative(unit="month")
    assert_careful(lines)
    assert "the series rises by more than chance would explain (the 99% CI excludes 0)" in lines[0]
    assert "90% CI" in lines[0] and "99% CI" in lines[0]
    assert_null(lines[1])
    assert "Not estimated (constant)" in lines[2]
    assert "cannot be computed" in sen_slope([1.0, 2.0]).narrative()


def test_pettitt(series):
    y = [10.2, 11.1, 9.8, 10.6, 10.9, 9.5, 14.8, 15.3, 14.1, 15.9, 14.6, 15.2]
    res = pettitt(y)
    months = pd.period_range("2023-01", periods=12, freq="M")
    text = res.narrative(time=months)
    assert_careful(text)
    assert_significant(text)
    assert text.startswith(f"A change point after June 2023 (Pettitt U* = {res.statistic:g}, "
                           f"p = {res.pvalue:.3f})")
    assert_null(pettitt(series[1]).narrative())
    strict = res.narrative(alpha=0.01)
    assert_null(strict)
    assert "at the 1% level" in strict


def test_count_trend():
    y = [52, 49, 61, 58, 66, 60, 71, 69, 75, 73, 82, 80]
    res = count_trend(y)
    text = res.narrative("month", measure="burglaries")
    assert_careful(text)
    assert_significant(text)
    assert text.startswith(f"Burglaries rose by {res.percent_change:.1f}% per month (95% CI "
                           f"+{100 * (res.lower - 1):.1f}% to +{100 * (res.upper - 1):.1f}%")
    flat = count_trend([52, 49, 55, 50, 53, 51, 49, 54, 52, 50, 51, 53])
    null = flat.narrative("month")
    assert_null(null)
    assert f"{flat.percent_change:+.1f}% per month" in null
    rng = np.random.default_rng(3)
    wild = rng.negative_binomial(2, 2 / 52, size=(2, 36))
    lines = count_trend(wild).narrative("month", labels=["North", "South"])
    for line, d in zip(lines, count_trend(wild).dispersion):
        assert ("vary more than a Poisson model allows" in line) == (d > 1.5)
    assert "vary more" not in count_trend(wild, family="negbin").narrative()[0]


def test_its():
    y = [40.1, 41.3, 39.8, 42.0, 41.7, 43.2, 35.9, 36.4, 35.1, 35.8, 34.9, 35.3]
    res = its(y, intervention=6, hac_lags=1)
    months = pd.period_range("2023-01", periods=12, freq="M")
    text = res.narrative(time=months, unit="month")
    assert_careful(text)
    assert text.startswith(f"From July 2023, the level changed by {res.level_change:.2f} ")
    assert "significant at the 5% level" in text and "per month" in text
    assert f"{abs(100 * res.relative_effect):.1f}% below the counterfactual" in text
    assert "only if nothing else changed" in text
    rng = np.random.default_rng(5)
    flat = rng.poisson(50, 24)
    counts = its(flat, 12, family="poisson")
    words = counts.narrative(measure="burglary")
    assert_careful(words)
    first, second = words.split(". The slope changed ")
    assert significant(first) == (counts.pvalues["level_change"] < 0.05)
    assert significant(second.split(". After")[0]) == (counts.pvalues["slope_change"] < 0.05)
    assert "%" in first
    assert "no evidence of a change in" in words


def test_changepoints():
    y = np.vstack([np.r_[np.zeros(10), np.full(10, 5.0), np.zeros(5)], np.arange(25.0) % 2])
    res = changepoints(y)
    lines = res.narrative(labels=["Shifted", "Steady"])
    assert_careful(lines)
    means = " and ".join(f"{m:.2f}" for m in res.segment_means[0]).replace(" and ", ", ", 1)
    assert lines[0].startswith("Shifted: 2 change points, after point 10 and point 20 (PELT, "
                               f"normal-mean cost, mbic penalty): segment means {means}.")
    assert "not a significance test" in lines[0]
    assert "No change point" in lines[1] and "no evidence of a shift" in lines[1]
    assert "significant at" not in " ".join(lines)


# ---- SPC --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def months():
    return pd.period_range("2023-01", periods=21, freq="M")


def test_spc_special_cause_words_need_a_direction(months):
    y = pd.Series(np.r_[np.tile([95.0, 105, 101, 99], 5), 130.0], index=months)
    concern = spc(y, improvement="decrease").narrative(measure="recorded crime")
    assert "special-cause variation that is a concern" in concern
    improving = spc(y, improvement="increase").narrative()
    assert "suggests improvement" in improving
    neutral = spc(y).narrative()
    assert "special-cause variation" in neutral
    assert "concern" not in neutral and "improv" not in neutral
    assert "September 2024" in neutral


def test_spc_assurance_terms(months):
    y = pd.Series(np.tile([95.0, 105, 101, 99], 5)[:20], index=months[:20])
    res = spc(y, improvement="decrease", target=150)
    assert "consistently passing the target" in res.narrative()
    assert "consistently failing the target" in spc(y, improvement="decrease",
                                                     target=60).narrative()
    assert "inconsistently passing the target (hit and miss)" in spc(
        y, improvement="decrease", target=100).narrative()
    assert "not assessed" in spc(y, target=100).narrative()
    assert_careful(res.narrative())
    assert f"({res.lower[-1]:.3g} to {res.upper[-1]:.3g})" in res.narrative()


# ---- drivers ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def survey():
    return sc.data.sample("victim_survey")


@pytest.fixture(scope="module")
def mixed():
    """A strong driver and one with no effect."""
    rng = np.random.default_rng(11)
    X = pd.DataFrame({"kept_informed": rng.normal(size=400), "noise": rng.normal(size=400)})
    eta = 1.2 * X["kept_informed"]
    y = (rng.random(400) < 1 / (1 + np.exp(-eta))).astype(int)
    rating = np.digitize(eta + rng.logistic(size=400), [-1.5, 0.0, 1.5])
    return X, y, rating


def test_logistic(mixed):
    X, y, _ = mixed
    fit = logistic(X, y)
    lines = fit.narrative("being satisfied").splitlines()
    assert_careful(lines)
    assert lines[0].startswith("Logistic regression of being satisfied on 2 drivers (400 "
                               f"respondents; McFadden's R² = {fit.pseudo_r2:.3f}")
    ci = fit.conf_int()
    for line, term in zip(lines[1:3], ["kept_informed", "noise"]):
        assert significant(line) == (fit.pvalues[term] < 0.05)
        assert f"{np.exp(fit.params[term]):.2f}" in line
        lo, hi = np.exp(ci.loc[term, ["lower", "upper"]])
        assert f"95% CI {lo:.2f} to {hi:.2f}" in line
    assert_significant(lines[1])
    assert_null(lines[2])
    assert "not proof" in lines[-1]
    robust = logistic(X, y, se="robust").narrative()
    assert "design-based (robust) standard errors" in robust


def test_ordinal_logistic(mixed):
    X, _, rating = mixed
    fit = ordinal_logistic(X, rating)
    lines = fit.narrative("overall satisfaction").splitlines()
    assert_careful(lines)
    assert "(4 ordered levels)" in lines[0]
    assert_significant(lines[1])
    assert "a higher rating of overall satisfaction" in lines[1]
    assert_null(lines[2])


def test_relative_importance_and_key_drivers(survey):
    rel = relative_importance(survey[PARTS], survey["overall"], weights=survey["weight"],
                              bootstrap=50, seed=3)
    text = rel.narrative("overall satisfaction")
    assert_careful(text)
    top = rel.share.idxmax()
    assert (f"'{top}' matters most: it explains the largest share of the explained variation in "
            f"overall satisfaction, {100 * rel.share[top]:.0f}% (95% bootstrap interval") in text
    assert f"R² = {rel.r2:.2f}; 95% bootstrap interval" in text
    assert "cause" not in text.replace("because", "")
    pratt = relative_importance(survey[PARTS], survey["overall"], method="pratt").narrative()
    assert "largest importance by Pratt" in pratt
    assert "explained variation in the outcome" not in pratt
    kd = key_drivers(survey, "overall", PARTS, weights="weight")
    words = kd.narrative()
    assert_careful(words)
    assert "explains the largest share of the explained variation in 'overall'" in words
    assert f"{100 * kd.r2:.1f}% of the variation in 'overall'" in words


# ---- every kind -------------------------------------------------------------------------------

def every_result(survey):
    """One result of each kind of the first families, single and several elements (every kind's
    vocabulary is checked over the registry of public functions in test_contract.py)."""
    y = np.arange(20.0) + np.random.default_rng(1).normal(0, 1, 20)
    X = survey[PARTS].dropna().iloc[:300]
    return {
        "ProportionCIResult": sc.proportion_ci([3, 7], [20, 30]),
        "RateCIResult": sc.rate_ci(37, 52000),
        "BinomialTestResult": sc.test_target([3, 12], [20, 50], 0.3),
        "TwoProportionTestResult": sc.compare_proportions(15, 83, 27, 91),
        "RateRatioTestResult": sc.compare_rates(11, 2.385, 23, 3.1),
        "HomogeneityTestResult": sc.homogeneity([12, 25, 31], [100, 180, 210]),
        "DSRResult": sc.dsr([12, 30, 41], [5000, 12000, 3000], [5500, 12500, 3500]),
        "ISRResult": sc.isr(42, [2385, 4761, 5012], [0.0021, 0.0032, 0.0041]),
        "FunnelResult": sc.funnel([24, 40, 61], [100, 120, 180]),
        "RatioSignificanceResult": sc.ratio_significance([3, 25], [10.0, 12.5]),
        "DisparityResult": sc.disparity_indices([12, 30, 18], [1000, 1500, 1200]),
        "ShrinkResult": sc.shrink([2, 30, 65, 8], [10, 100, 150, 40]),
        "MannKendallResult": mann_kendall(y),
        "SeasonalMannKendallResult": seasonal_mann_kendall(y, period=4),
        "SenSlopeResult": sen_slope(np.vstack([y, y[::-1]])),
        "PettittResult": pettitt(y),
        "CountTrendResult": count_trend([52, 49, 61, 58, 66, 60, 71, 69]),
        "ITSResult": its(y, 10),
        "ChangepointResult": changepoints(y),
        "SPCResult": spc(y),
        "LogisticResult": logistic(X[PARTS[:2]], (X["treatment"] > 5).astype(int)),
        "OrdinalLogisticResult": ordinal_logistic(X[PARTS[:2]], X["treatment"]),
        "RelativeImportanceResult": relative_importance(X[PARTS[:3]], X["treatment"]),
        "KeyDriversResult": key_drivers(survey.iloc[:300], "overall", PARTS[:3]),
        **operations_results(),
    }


def operations_results():
    """One result of every kind of the calls, waits, place and harm families."""
    rng = np.random.default_rng(7)
    t = np.r_[rng.exponential(60, 40), rng.exponential(120, 40)]
    decided = (rng.random(80) < 0.8).astype(int)
    fit = waits.kaplan_meier(t, decided, group=["North"] * 40 + ["South"] * 40)
    received = pd.date_range("2024-01-01", periods=60, freq="5D")
    closed = [r + pd.Timedelta(days=int(d)) if i % 3 else None
              for i, (r, d) in enumerate(zip(received, rng.integers(5, 90, 60)))]
    weights = {"A": 2.0, "B": 40.0}
    areas = pd.DataFrame({"area": ["N", "N", "S", "S", "E", "E"], "type": ["A", "B"] * 3,
                          "n": [12, 3, 8, 1, 30, 6], "pop": [1000, 1000, 2000, 2000, 1500, 1500]})
    growth = np.repeat(np.linspace(1, 1.6, 24), 2)
    monthly = pd.DataFrame({"t": np.repeat(np.arange(24), 2), "type": ["A", "B"] * 24,
                            "n": rng.poisson(np.tile([30, 4], 24) * growth)})
    return {
        "ErlangCResult": calls.erlang_c(100, 1800, 180, [14, 9], 20, unstable="nan"),
        "ErlangAResult": calls.erlang_a(10, 1800, 180, 1, 20, patience=60),
        "AgentsResult": calls.agents_needed(100, 1800, 180, 20, 0.8, shrinkage=0.3),
        "StaffingResult": calls.staffing(pd.Series([40.0, 80.0, 60.0]), handle_time=300,
                                         target_time=30, service_level=0.6),
        "ServiceLevelResult": calls.service_level(np.r_[np.zeros(850), np.full(150, 60.0)], 10),
        "PatienceResult": calls.estimate_patience(rng.exponential(50, 200),
                                                  rng.random(200) < 0.3),
        "KaplanMeierResult": fit,
        "LogRankResult": fit.logrank,
        "ShareResult": waits.share_waiting_past(t, decided, 90),
        "BacklogResult": waits.backlog(received, closed),
        "WDDResult": place.wdd([40, 25], [30, 24], [41, 22], [40, 23]),
        "PoissonETestResult": place.poisson_etest([120, 30], [98, 9]),
        "HarmIndexResult": harm.harm_index(areas, "type", "n", weights, by="area",
                                           population="pop"),
        "HarmFunnelResult": harm.harm_funnel(areas, "type", "n", weights, "area", "pop"),
        "HarmTrendResult": harm.harm_trend(monthly, "type", "n", weights, "t"),
    }



# ---- the house vocabulary ---------------------------------------------------------------------

SINGULAR_S = {"is", "was", "has", "as", "its", "this", "series", "plus", "across", "analysis"}
P_VALUE = re.compile(r"\bp ([=<]) ([0-9][0-9.]*[0-9])")
SIGNIFICANT = re.compile(r"significant at the ([0-9.]+)% level")
NULL = re.compile(r"no evidence\b[^()]*?\bat the ([0-9.]+)% level", re.IGNORECASE)


def sentences(line: str) -> list:
    return re.split(r"(?<=[.:])\s+(?=[A-Z])", line)


def p_verdicts(line: str):
    """(sign, shown p, verdict, level) for every p-value of a line that has a verdict beside it:
    the nearest one in its sentence, else the first in the next sentence."""
    parts = sentences(line)
    for i, sentence in enumerate(parts):
        for p in P_VALUE.finditer(sentence):
            if sentence[:p.start()].rstrip().endswith("adjusted"):
                continue
            found = [(abs(m.start() - p.start()), "significant", float(m.group(1)) / 100)
                     for m in SIGNIFICANT.finditer(sentence)]
            found += [(abs(m.start() - p.start()), "null", float(m.group(1)) / 100)
                      for m in NULL.finditer(sentence)]
            if not found and i + 1 < len(parts):
                after = [(m.start(), "significant", float(m.group(1)) / 100)
                         for m in SIGNIFICANT.finditer(parts[i + 1])]
                after += [(m.start(), "null", float(m.group(1)) / 100)
                          for m in NULL.finditer(parts[i + 1])]
                found = sorted(after)[:1]
            if found:
                _, verdict, level = min(found)
                yield p.group(1), float(p.group(2)), verdict, level


def assert_house_vocabulary(text, name: str = ""):
    """The wording rules every narrative keeps (see scrutiny._narrative)."""
    for line in ([text] if isinstance(text, str) else text):
        where = (name, line)
        assert not re.search(r"\bUnit \d", line), where                  # units are "Area 0"
        for word in re.findall(r"(?<![\d.,\w-])1 ([A-Za-z-]+s)\b", line):
            assert word in SINGULAR_S, (word, where)                   # "1 area", "1 Erlang"
        assert not re.search(r"(?<![\d.,\w-])1 (?:of the [\d,]+ )?(?:[a-z-]+ ){1,2}?"
                             r"(?:are|were|have)\b", line), where       # "1 case is"
        assert not re.search(r"\d\.0*[1-9]\d{5,}|\b(?:nan|inf)\b|\d[eE][-+]?\d", line), where
        assert not re.search(r"(?<![\d.,])\d{5,}", line), where          # "12,345"
        for sign, shown in P_VALUE.findall(line):
            assert sign == "<" or re.fullmatch(r"0\.\d{3,5}|1\.000", shown), where
        for sign, shown, verdict, level in p_verdicts(line):
            if verdict == "significant":
                assert float(shown) < level or (sign == "<" and float(shown) <= level), where
            else:
                assert sign == "=" and float(shown) >= level, where
        if "significant at the" in line:
            assert "more than chance would explain" in line, where


def test_the_vocabulary_check_catches_what_it_should():
    for bad in ("Unit 0: fell", "With 1 agents", "1 of the 3 areas are outside",
                "p = 0.050): a fall more than chance would explain, significant at the 5% level.",
                "no evidence of a change at the 5% level (p = 0.0496).", "rate 0.1234567",
                "p = 0.05 (test)", "a value of 123456"):
        with pytest.raises(AssertionError):
            assert_house_vocabulary(bad)
    assert_house_vocabulary("Area 0: 1 area is (p = 0.04996): a fall more than chance would "
                            "explain, significant at the 5% level. In June 2023, 1,234 more.")


def test_p_values_beside_a_verdict_are_not_rounded_across_it():
    """p = 0.0498 and 0.0497: significant at the 5% level, shown so (not as 'p = 0.050')."""
    wdd = place.wdd(25, 58, 100, 100)
    etest = place.poisson_etest(33, 51)
    assert 0.0495 < wdd.pvalue < 0.05 and 0.0495 < etest.pvalue < 0.05
    for text in (wdd.narrative(), etest.narrative()):
        assert "p = 0.050" not in text and "significant at the 5% level" in text, text
        assert_house_vocabulary(text)
    assert "p = 0.0498" in wdd.narrative() and "p = 0.0497" in etest.narrative()
def test_scalar_results_give_a_string_and_vectors_a_list(survey):
    results = every_result(survey)
    assert isinstance(results["ProportionCIResult"].narrative(), list)
    assert isinstance(results["RateCIResult"].narrative(), str)
    assert isinstance(results["BinomialTestResult"].narrative(), list)
    assert isinstance(results["SenSlopeResult"].narrative(), list)
    assert isinstance(results["MannKendallResult"].narrative(), str)
    assert isinstance(results["FunnelResult"].narrative(), str)       # a report across units
    assert isinstance(results["ShrinkResult"].narrative(), list)
