"""SPC charts (scrutiny.spc) against NHSRplotthedots, qicharts2 and published worked examples.

References (tests/reference/):
* spc_nhsr.R -> spc_nhsr.csv, spc_nhsr_cases.csv: base-R transliteration of NHSRplotthedots 0.2
  (ptd_spc_standard, ptd_calculate_point_type, ptd_calculate_assurance_type; commits in the
  script), R 4.2.2.  XmR limits, per-point special-cause types, variation and assurance.
* spc_qicharts2.R -> spc_qicharts2.csv, spc_qicharts2_runs.csv, spc_anhoej_thresholds.csv:
  base-R transliteration of qicharts2 0.7 (helper.functions.R at commit 03470c09), R 4.2.2.
  I, p, u, c, p', u', run chart limits, sigma signals and the Anhoej runs analysis.
* Published worked examples: Montgomery (2009) Introduction to Statistical Quality Control, 6th
  ed., Examples 6.5, 7.1, 7.3, 7.4 (values as printed, to the printed digits); NHSRplotthedots'
  own test snapshot (tests/testthat/_snaps/ptd_spc.md: mean 0.142, limits -3.01 and 3.29 for
  R's set.seed(123); rnorm(20)); a published table of the Anhoej run-length limit
  (https://unaettie.com/en-us/faq.php, Table 1, n = 10..59).
* Western Electric (1956) Statistical Quality Control Handbook, tests 1-4: crafted series whose
  signals are known by construction.
"""
import copy
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from scrutiny.spc import CHARTS, RULE_SETS, RuleSet, SPCResult, spc, spc_table

REF = Path(__file__).parent / "reference"
RTOL = 1e-12

NHSR_LABELS = {
    "Common Cause": "", "Above UCL": "outside upper", "Below LCL": "outside lower",
    "7 Point Trend (Increasing)": "trend up", "7 Point Trend (Decreasing)": "trend down",
    "2 in 3 Above CL": "two of three above", "2 in 3 Below CL": "two of three below",
    "7 Points Above CL": "shift above", "7 Points Below CL": "shift below",
}
NHSR_VARIATION = {
    "common_cause": "common cause", "special_cause_improvement": "special cause improving",
    "special_cause_concern": "special cause concerning",
    "special_cause_neutral_high": "special cause", "special_cause_neutral_low": "special cause",
}
NHSR_ASSURANCE = {"inconsistent": "hit and miss", "consistent_pass": "pass",
                  "consistent_fail": "fail"}


def nhsr_cases():
    points = pd.read_csv(REF / "spc_nhsr.csv")
    cases = pd.read_csv(REF / "spc_nhsr_cases.csv", keep_default_na=False, na_values=["NA"])
    return [pytest.param(row, points[points["case"] == row["case"]], id=row["case"])
            for _, row in cases.iterrows()]


def qic_cases():
    points = pd.read_csv(REF / "spc_qicharts2.csv")
    runs = pd.read_csv(REF / "spc_qicharts2_runs.csv").set_index("case")
    return [pytest.param(case, p, runs.loc[case], id=case)
            for case, p in points.groupby("case", sort=False)]


# ---- NHSRplotthedots: XmR limits, rules "mdc", variation, assurance ---------------------------

@pytest.mark.parametrize("case, points", nhsr_cases())
def test_xmr_mdc_matches_nhsrplotthedots(case, points):
    rebase = [int(v) for v in case["rebase"].split(";")] if case["rebase"] else None
    improvement = None if case["improvement"] == "neutral" else case["improvement"]
    target = None if pd.isna(case["target"]) else float(case["target"])
    res = spc(points["y"].to_numpy(), chart="xmr", rules="mdc", screen=bool(case["screen"]),
              baseline=None if pd.isna(case["fix"]) else int(case["fix"]), rebase=rebase,
              improvement=improvement, target=target)
    np.testing.assert_allclose(res.centre, points["mean"], rtol=RTOL)
    np.testing.assert_allclose(res.lower, points["lpl"], rtol=RTOL)
    np.testing.assert_allclose(res.upper, points["upl"], rtol=RTOL)
    np.testing.assert_allclose(res.lower_2sigma, points["nlpl"], rtol=RTOL)
    np.testing.assert_allclose(res.upper_2sigma, points["nupl"], rtol=RTOL)
    assert res.signals.tolist() == points["special_cause_type"].map(NHSR_LABELS).tolist()
    assert res.variation == NHSR_VARIATION[case["variation"]]
    assert res.assurance == (None if pd.isna(case["assurance"])
                             else NHSR_ASSURANCE[case["assurance"]])


def test_nhsrplotthedots_published_snapshot():
    # NHSRplotthedots tests/testthat/_snaps/ptd_spc.md: y = rnorm(20) after set.seed(123)
    # (values from R, in spc_nhsr.csv); one chart, then the two halves as facets.
    y = pd.read_csv(REF / "spc_nhsr.csv").query("case == 'nhsr_snapshot'")["y"].to_numpy()
    def printed(values):  # as the tibble prints: 3 significant figures
        return [float(f"{v:.3g}") for v in np.atleast_1d(values)]

    one = spc(y)
    assert printed([one.centre[0], one.lower[0], one.upper[0]]) == [0.142, -3.01, 3.29]
    assert one.variation == "common cause" and not (one.signals != "").any()
    facets = spc(np.vstack([y[:10], y[10:]]))
    assert printed(facets.centre[:, 0]) == [0.0746, 0.209]
    assert printed(facets.lower[:, 0]) == [-2.60, -3.28]
    assert printed(facets.upper[:, 0]) == [2.75, 3.70]


# ---- qicharts2: I, p, u, c, p', u', run charts and the Anhoej runs analysis ------------------

@pytest.mark.parametrize("case, points, runs", qic_cases())
def test_charts_match_qicharts2(case, points, runs):
    chart = points["chart"].iloc[0]
    n = points["n"].to_numpy() if chart in ("p", "u", "pp", "up") else None
    freeze, part = points["freeze"].iloc[0], points["part"].iloc[0]
    res = spc(points["y"].to_numpy(), chart=chart, n=n, rules="anhoej",
              screen=bool(points["screen"].iloc[0]),
              baseline=None if pd.isna(freeze) else int(freeze),
              rebase=None if pd.isna(part) else [int(part)])
    for ours, theirs in (("value", "value"), ("centre", "cl"), ("lower", "lcl"), ("upper", "ucl"),
                         ("lower_2sigma", "lcl.95"), ("upper_2sigma", "ucl.95")):
        np.testing.assert_allclose(getattr(res, ours), points[theirs], rtol=RTOL, err_msg=ours)
    # under "anhoej" only the sigma signal is per point
    assert ((res.signals != "") == points["sigma.signal"].to_numpy()).all()
    assert set(res.signals.tolist()) <= {"", "outside upper", "outside lower"}
    assert res.longest_run == runs["longest.run"]
    assert res.longest_run_max == runs["longest.run.max"]
    assert res.n_crossings == runs["n.crossings"]
    assert res.n_crossings_min == runs["n.crossings.min"]
    assert res.runs_signal == bool(runs["runs.signal"])
    assert res.n_useful == runs["n.useful"]


def test_anhoej_thresholds_match_r_for_1_to_200_useful_points():
    ref = pd.read_csv(REF / "spc_anhoej_thresholds.csv")
    k = len(ref)
    # one row per count of useful points: a first point that sets the centre (on it, so not
    # useful), then that many alternating values, the rest missing (not useful)
    y = np.full((k, k + 1), np.nan)
    y[:, 0] = 0.5
    for r in range(k):
        y[r, 1:r + 2] = (-1.0) ** np.arange(r + 1) + 0.5
    res = spc(y, chart="run", rules="anhoej", baseline=1, nan_policy="omit")
    assert res.n_useful.tolist() == ref["n.useful"].tolist()
    assert res.longest_run_max.tolist() == ref["longest.run.max"].tolist()
    assert res.n_crossings_min.tolist() == ref["n.crossings.min"].tolist()
    # published table of the run-length limit (unaettie.com, Table 1)
    published = {10: 6, 11: 6, 12: 7, 19: 7, 20: 7, 22: 7, 23: 8, 24: 8, 30: 8, 45: 8, 46: 9,
                 59: 9}
    for n_useful, limit in published.items():
        assert res.longest_run_max[n_useful - 1] == limit


@pytest.mark.parametrize("chart, y, n, centre, lower, upper, outside", [
    # Montgomery Example 6.5 (I chart, x-bar 300.5, MR-bar 7.79)
    ("i", [310, 288, 297, 298, 307, 303, 294, 297, 308, 306, 294, 299, 297, 299, 314, 295, 293,
           306, 301, 304], None, 300.5, 279.78, 321.22, []),
    # Example 7.1 (p chart, 30 samples of 50 cans): samples 15 and 23 above the upper limit
    ("p", [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15,
           9, 12, 7, 13, 9, 6], 50, 0.2313, 0.0524, 0.4102, [14, 22]),
    # Example 7.3 (c chart, nonconformities per 100 boards): samples 6 and 20 outside
    ("c", [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16, 19, 10, 17, 13, 22, 18, 39, 30, 24,
           16, 19, 17, 15], None, 19.85, 6.48, 33.22, [5, 19]),
    # Example 7.4 (u chart, nonconformities per computer, samples of 5)
    ("u", [10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5], 5, 1.93, 0.07,
     3.79, []),
])
def test_montgomery_worked_examples(chart, y, n, centre, lower, upper, outside):
    res = spc(y, chart=chart, n=n, rules="anhoej")
    # to the printed digits (Montgomery rounds the centre before computing the limits, so a
    # limit may differ by one in the last printed digit)
    last_digit = 1e-4 if chart == "p" else 1e-2
    assert res.centre[0] == pytest.approx(centre, abs=last_digit / 2)
    assert res.lower[0] == pytest.approx(lower, abs=last_digit)
    assert res.upper[0] == pytest.approx(upper, abs=last_digit)
    assert np.flatnonzero(res.signals != "").tolist() == outside


# ---- rule sets on crafted series ---------------------------------------------------------------

ONLY = {"outside": False, "shift": None, "trend": None, "two_of_three": False}


def flagged(res, label):
    return np.flatnonzero(res.signals == label).tolist()


def test_trend_threshold_is_configurable():
    y = np.array([5.2, 4.8, 5.1, 4.9, 5.0, 5.3, 1, 2, 3, 4, 5, 6, 4.7, 5.2, 4.9, 5.1])
    seven = spc(y, rules=RuleSet(**{**ONLY, "trend": 7}))
    six = spc(y, rules=RuleSet(**{**ONLY, "trend": 6}, name="six"))
    assert flagged(seven, "trend up") == []                 # a run of 6 rising points
    assert flagged(six, "trend up") == list(range(6, 12))
    assert six.rules.name == "six" and six.rules.trend == 6
    falling = spc(-y, rules=RuleSet(**{**ONLY, "trend": 6}))
    assert flagged(falling, "trend down") == list(range(6, 12))
    # equal neighbours break a trend
    flat = y.copy()
    flat[9] = flat[8]
    assert flagged(spc(flat, rules=RuleSet(**{**ONLY, "trend": 6})), "trend up") == []


def test_shift_counts_points_strictly_on_one_side():
    base = [10.3, 9.6, 10.4, 9.7, 10.2, 9.9, 10.1, 9.8]
    y = np.array(base + [11.0] * 7 + base)
    res = spc(y, rules=RuleSet(**{**ONLY, "shift": 7}))
    assert flagged(res, "shift above") == list(range(8, 15))
    assert flagged(spc(y[:-9], rules=RuleSet(**{**ONLY, "shift": 8})), "shift above") == []
    # a point exactly on the centre line ends a run
    on = np.array([1.0, -1, 1, -1, 1, -1, 2, 2, 2, 0, 2, 2, 2, -2, -2, -2, -1, 1, -1, -5])
    res = spc(on, rules=RuleSet(**{**ONLY, "shift": 4}))
    assert res.centre[0] == pytest.approx(0.0, abs=1e-15)
    assert flagged(res, "shift above") == []
    assert flagged(res, "shift below") == [13, 14, 15, 16]


def test_two_of_three_mdc_and_western_electric_counting():
    # limits frozen on 12 points alternating +-1: mean 0, mean moving range 2, so the limits
    # are +-5.32 and the 2-sigma lines +-3.5467
    y = np.array([1.0, -1] * 6
                 + [4.0, 0.5, 4.2]        # 12, 14 beyond 2 sigma, all three above the mean
                 + [-1, 1, -1]
                 + [4.0, -0.5, 4.1]       # 18, 20 beyond 2 sigma, the middle point below
                 + [-1, 1, -1]
                 + [6.0, 4.0, 1.0]        # 24 outside the limits, 25 beyond 2 sigma
                 + [1, -1, 1])
    rules = RuleSet(**{**ONLY, "two_of_three": True})
    mdc = spc(y, rules=rules, baseline=12)
    we = spc(y, rules=RuleSet(**{**ONLY, "two_of_three": True},
                              two_of_three_style="western-electric"), baseline=12)
    assert (mdc.upper[0], mdc.upper_2sigma[0]) == pytest.approx((5.32, 2 * 2.66 / 3 * 2))
    assert flagged(mdc, "two of three above") == [12, 14]
    assert flagged(we, "two of three above") == [12, 14, 18, 20, 24, 25]
    assert flagged(mdc, "two of three below") == flagged(we, "two of three below") == []


def test_nhsr_two_close_points_on_opposite_sides_are_common_cause():
    # NHSRplotthedots tests/testthat/test-ptd_spc_standard.R
    y = np.tile([1.0, -1.0], 8)
    y[14], y[15] = 5.5, -5.5
    res = spc(y, improvement="increase")
    assert res.signals[-2:].tolist() == ["", ""]


def test_western_electric_four_tests():
    we = RULE_SETS["western-electric"]
    assert (we.shift, we.trend, we.four_of_five, we.two_of_three_style) == (8, None, True,
                                                                            "western-electric")
    rng = np.random.default_rng(7)
    calm = rng.normal(0, 0.3, 40)
    calm -= calm.mean()
    # four of five beyond 1 sigma above (but inside 2 sigma)
    y = calm.copy()
    res0 = spc(y, rules="western-electric")
    sigma = (res0.upper[0] - res0.centre[0]) / 3
    y[20:25] = [1.3, 1.4, -0.1, 1.35, 1.45]
    y[20:25] *= sigma
    res = spc(y, rules="western-electric", baseline=20)
    assert flagged(res, "four of five above") == [20, 21, 23, 24]
    # eight in a row below
    z = calm.copy()
    z[25:33] = -np.abs(z[25:33]) - 0.05
    res = spc(z, rules="western-electric", baseline=20)
    assert set(range(25, 33)) <= set(np.flatnonzero(res.signals != "").tolist())
    assert flagged(res, "shift below") != [] and not flagged(res, "trend down")
    assert not res.screen                        # the handbook does not screen moving ranges


def test_anhoej_flags_only_limits_per_point_and_runs_per_series():
    y = np.r_[np.tile([9.6, 10.4], 6), np.tile([10.3, 10.35], 5)]
    res = spc(y, chart="run", rules="anhoej", baseline=12)
    assert res.centre[0] == 10.0 and (res.signals == "").all()
    # the last point of the baseline (10.4) starts the run of 11 points above the median
    assert res.longest_run == 11 and res.longest_run_max == 7 and res.runs_signal
    mdc = spc(y, chart="run", rules="mdc", baseline=12)
    assert flagged(mdc, "shift above") == list(range(11, 22))


def test_precedence_follows_the_contract_order():
    # limits frozen on 16 points alternating +-3: mean 0, limits +-15.96; then a rise and a fall
    # sharing their peak (a point of both trends: "trend up" comes first), all above the mean
    # (a shift, which the trends outrank), then a point outside the limits inside the shift
    y = np.array([3.0, -3] * 8 + [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
                 + [2, 3, 20, 2, 3, 2, 3] + [-3, 3] * 4)
    res = spc(y, rules="mdc", baseline=16)
    assert res.upper[0] == pytest.approx(15.96)
    assert res.signals[16:23].tolist() == ["trend up"] * 7
    assert res.signals[23:29].tolist() == ["trend down"] * 6
    assert res.signals[29:36].tolist() == ["shift above"] * 2 + ["outside upper"] + (
        ["shift above"] * 4)
    assert res.signals[36:].tolist() == [""] * 8


def test_rules_none_switches_off_and_ruleset_is_recorded():
    y = np.r_[np.zeros(5), np.arange(1.0, 9.0), np.zeros(5)]
    res = spc(y, rules=RuleSet(outside=False, shift=None, trend=None, two_of_three=False,
                               name="nothing"))
    assert (res.signals == "").all()
    assert res.rules == RuleSet(False, None, None, False, "nothing")
    assert "mdc" in repr(spc(y).rules)


# ---- variation and assurance ----------------------------------------------------------------

@pytest.mark.parametrize("last, improvement, variation", [
    (30.0, "increase", "special cause improving"),
    (30.0, "decrease", "special cause concerning"),
    (30.0, None, "special cause"),
    (-10.0, "increase", "special cause concerning"),
    (10.4, "increase", "common cause"),
])
def test_variation_from_the_last_point(last, improvement, variation):
    y = np.r_[np.tile([9.5, 10.5, 10.1, 9.9], 5), last]
    assert spc(y, improvement=improvement, baseline=20).variation == variation


@pytest.mark.parametrize("target, improvement, assurance", [
    (20.0, "increase", "fail"), (20.0, "decrease", "pass"),
    (0.0, "increase", "pass"), (0.0, "decrease", "fail"),
    (10.0, "increase", "hit and miss"), (10.0, None, None),
])
def test_assurance(target, improvement, assurance):
    y = np.tile([9.5, 10.5, 10.1, 9.9], 6)
    res = spc(y, target=target, improvement=improvement)
    assert res.assurance == assurance
    assert spc(y, chart="run", target=target, improvement=improvement).assurance is None


def test_per_series_targets_and_directions():
    y = np.tile(np.tile([9.5, 10.5, 10.1, 9.9], 6), (3, 1))
    res = spc(y, target=[20, 0, None], improvement=["increase", "increase", "decrease"])
    assert res.assurance.tolist() == ["fail", "pass", None]
    assert res.improvement.tolist() == ["increase", "increase", "decrease"]


# ---- gaps, missing values, baseline, rebase -------------------------------------------------

def test_gaps_break_runs_and_moving_ranges():
    rising = np.array([1.0, 2, 3, 4, np.nan, 5, 6, 7, 8, 2, 1, 3, 2, 1, 3, 2, 1])
    res = spc(rising, rules=RuleSet(**{**ONLY, "trend": 7}), nan_policy="omit")
    assert flagged(res, "trend up") == []         # 8 rising values, but a gap in the middle
    joined = spc(rising[~np.isnan(rising)], rules=RuleSet(**{**ONLY, "trend": 7}))
    assert flagged(joined, "trend up") == list(range(8))
    # no moving range across the gap: mean of the 15 ranges between neighbours only
    ranges = np.abs(np.diff(rising))
    amr = np.nanmean(ranges)
    res = spc(rising, screen=False, nan_policy="omit")
    assert res.upper[0] == pytest.approx(np.nanmean(rising) + 2.66 * amr, rel=1e-14)
    assert res.signals[4] == "" and np.isnan(res.value[4])
    assert res.missing == (4,)


def test_missing_periods_are_found_reported_and_never_joined():
    months = pd.period_range("2023-01", periods=24, freq="M")
    keep = np.ones(24, dtype=bool)
    keep[[7, 8]] = False
    y = pd.Series(np.r_[np.tile([10.0, 11, 9.5, 10.5], 2), np.arange(12.0, 28.0)][keep],
                  index=months[keep])
    with pytest.raises(ValueError, match=r"missing values \(2023-08, 2023-09\).*nan_policy='omit'"):
        spc(y, nan_policy="raise")
    res = spc(y, nan_policy="omit")
    assert len(res.value) == 24 and list(res.time) == list(months)
    assert [str(p) for p in res.missing] == ["2023-08", "2023-09"]
    assert np.isnan(res.value[[7, 8]]).all()
    frame = res.to_frame()
    assert frame["missing"].sum() == 2 and "period" in frame
    assert "2023-08, 2023-09" in res.series_table()["missing"].iloc[0]
    assert "August 2023" in res.narrative()
    # time given separately, unsorted: put in order
    shuffled = np.random.default_rng(3).permutation(keep.sum())
    again = spc(y.to_numpy()[shuffled], time=y.index[shuffled], nan_policy="omit")
    np.testing.assert_array_equal(again.value, res.value)
    # dates with a monthly frequency, whole-number times
    dates = spc(y.to_numpy(), time=y.index.to_timestamp(), nan_policy="omit")
    assert [str(p) for p in dates.missing] == ["2023-08", "2023-09"]
    years = spc([5.0, 6, 7, 5, 6], time=[2015, 2016, 2018, 2019, 2020], nan_policy="omit")
    assert years.missing == (2017,)


def test_nan_policy_propagate_blanks_a_series():
    y = np.vstack([np.tile([9.5, 10.5, 10.1, 9.9], 5), np.tile([9.5, 10.5, 10.1, 9.9], 5)])
    y[1, 3] = np.nan
    res = spc(y, nan_policy="propagate", improvement="increase")
    assert np.isnan(res.centre[1]).all() and (res.signals[1] == "").all()
    assert res.variation[1] is None and res.variation[0] == "common cause"
    np.testing.assert_allclose(res.centre[0], spc(y[0]).centre)


def test_baseline_freezes_limits_on_the_first_points():
    rng = np.random.default_rng(11)
    y = np.r_[rng.normal(50, 3, 15), rng.normal(60, 3, 15)]
    for chart in ("xmr", "i", "c", "run"):
        yy = np.round(y) if chart == "c" else y
        frozen = spc(yy, chart=chart, baseline=15, rules="anhoej")
        first = spc(yy[:15], chart=chart, rules="anhoej")
        np.testing.assert_allclose(frozen.centre, first.centre[0], rtol=RTOL)
        np.testing.assert_allclose(frozen.upper, first.upper[0], rtol=RTOL, equal_nan=True)
    # the baseline counts observed points, as NHSRplotthedots and qicharts2 count the rows
    # (months) present
    gappy = y.copy()
    gappy[[2, 5]] = np.nan
    frozen = spc(gappy, baseline=10, nan_policy="omit")
    first = spc(gappy[:12], nan_policy="omit")
    np.testing.assert_allclose(frozen.upper, first.upper[0], rtol=RTOL)
    n = rng.integers(80, 200, 30)
    counts = rng.binomial(n, 0.3)
    frozen = spc(counts, chart="p", n=n, baseline=10)
    assert frozen.centre[0] == pytest.approx(counts[:10].sum() / n[:10].sum(), rel=1e-15)


def test_rebase_recomputes_from_given_points():
    rng = np.random.default_rng(12)
    y = np.r_[rng.normal(50, 3, 14), rng.normal(60, 3, 16)]
    res = spc(y, rebase=14)
    for a, b in ((0, 14), (14, 30)):
        part = spc(y[a:b])
        np.testing.assert_allclose(res.centre[a:b], part.centre, rtol=RTOL)
        np.testing.assert_allclose(res.lower[a:b], part.lower, rtol=RTOL)
        assert res.signals[a:b].tolist() == part.signals.tolist()
    assert res.rebase == [0, 14]
    months = pd.period_range("2022-01", periods=30, freq="M")
    by_period = spc(pd.Series(y, index=months), rebase=["2023-03"])
    np.testing.assert_array_equal(by_period.centre, res.centre)
    # one rebase per series
    two = spc(np.vstack([y, y]), rebase=[[14], None])
    np.testing.assert_array_equal(two.centre[0], res.centre)
    np.testing.assert_array_equal(two.centre[1], spc(y).centre)


# ---- many series ------------------------------------------------------------------------------

def random_inputs(chart, rows, length, seed):
    rng = np.random.default_rng(seed)
    n = rng.integers(50, 400, (rows, length)).astype(float)
    if chart in ("p", "pp"):
        y = rng.binomial(n.astype(int), rng.uniform(0.1, 0.6, (rows, 1))).astype(float)
    elif chart in ("u", "up", "c"):
        y = rng.poisson(n * 0.05).astype(float)
    else:
        y = rng.normal(100, 10, (rows, length)) + np.cumsum(rng.normal(0, 2, (rows, length)), 1)
    gaps = rng.random((rows, length)) < 0.04
    gaps[:, :3] = False
    y[gaps] = np.nan
    return y, (n if chart in ("p", "u", "pp", "up") else None)


PER_POINT = ("value", "centre", "lower", "upper", "lower_2sigma", "upper_2sigma")
PER_SERIES = ("longest_run", "longest_run_max", "n_crossings", "n_crossings_min", "runs_signal")


@pytest.mark.parametrize("chart", CHARTS)
def test_batch_equals_row_by_row(chart):
    y, n = random_inputs(chart, 25, 30, seed=CHARTS.index(chart))
    rebase = [[10] if r % 3 == 0 else None for r in range(25)]
    batch = spc(y, chart=chart, n=n, nan_policy="omit", rebase=rebase, improvement="increase")
    for r in range(25):
        one = spc(y[r], chart=chart, n=None if n is None else n[r], nan_policy="omit",
                  rebase=rebase[r], improvement="increase")
        for name in PER_POINT:
            np.testing.assert_array_equal(getattr(batch, name)[r], getattr(one, name))
        assert batch.signals[r].tolist() == one.signals.tolist()
        for name in PER_SERIES:
            np.testing.assert_array_equal(getattr(batch, name)[r], getattr(one, name))
        assert batch.variation[r] == one.variation


def test_summary_of_1000_series_in_one_call():
    rng = np.random.default_rng(2024)
    areas = [f"area {i:03d}" for i in range(500)]
    months = pd.period_range("2022-04", periods=36, freq="M")
    df = pd.DataFrame({"area": np.repeat(areas, 36), "month": np.tile(months, 500)})
    df["crimes"] = rng.poisson(200, len(df))
    df["answered"] = rng.binomial(900, 0.9, len(df))
    df["calls"] = 900
    df.loc[(df["area"] == "area 007") & (df["month"] >= months[30]), "crimes"] += 80
    df = df.drop(index=df.index[(df["area"] == "area 042") & (df["month"] == months[5])])
    start = time.perf_counter()
    table = spc_table(df, ["crimes", "answered"], "month", by="area",
                      n={"answered": "calls"}, chart={"crimes": "xmr", "answered": "p"},
                      improvement={"crimes": "decrease", "answered": "increase"},
                      target={"answered": 0.92}, nan_policy="omit")
    elapsed = time.perf_counter() - start
    assert len(table) == 1000 and elapsed < 5
    assert list(table.columns[:2]) == ["indicator", "area"]
    assert table["indicator"].tolist() == ["crimes"] * 500 + ["answered"] * 500
    assert table["area"].tolist()[:3] == areas[:3]
    row = table[(table["indicator"] == "crimes") & (table["area"] == "area 007")].iloc[0]
    assert row["variation"] == "special cause concerning"
    gap = table[(table["indicator"] == "crimes") & (table["area"] == "area 042")].iloc[0]
    assert gap["n_missing"] == 1 and gap["missing"] == "2022-09"
    answered = table[table["indicator"] == "answered"]
    assert set(answered["assurance"]) <= {"pass", "fail", "hit and miss"}
    assert (answered["chart"] == "p").all() and (table["rules"] == "mdc").all()
    # the table agrees with a single chart
    one = df[df["area"] == "area 007"].set_index("month")["crimes"]
    single = spc(one.astype(float), improvement="decrease")
    assert row["centre"] == pytest.approx(single.centre[-1], rel=1e-14)
    assert row["longest_run"] == single.longest_run
    with pytest.raises(ValueError, match=r"^crimes has missing values in series 'area 042' "
                                         r"\(2022-09\)"):
        spc_table(df, "crimes", "month", by="area", nan_policy="raise")
    bad = df.assign(answered=np.where(df["area"] == "area 003", 950, df["answered"]))
    with pytest.raises(ValueError, match=r"^calls must be >= answered \(series 'area 003'"):
        spc_table(bad, "answered", "month", by="area", n="calls", chart="p", nan_policy="omit")


def test_rule_sets_are_not_modified():
    rules = copy.deepcopy(RULE_SETS)
    spc(np.arange(12.0), rules="western-electric")
    assert rules == RULE_SETS


# ---- statistical properties by simulation ---------------------------------------------------

def test_false_alarm_rates_on_stable_processes():
    rng = np.random.default_rng(20250403)
    y = rng.normal(0, 1, (2000, 24))
    i_chart = spc(y, chart="i", rules="anhoej", screen=False)
    outside = (i_chart.signals != "").mean()
    assert 0.001 < outside < 0.008          # about 0.27 % with known limits
    runs = spc(y, chart="run", rules="anhoej").runs_signal.mean()
    assert 0.015 < runs < 0.10              # the rules aim at false alarms of about 5 %
    # Laney: without extra-binomial variation, p' limits are close to p limits
    n = rng.integers(200, 2000, (1000, 36))
    counts = rng.binomial(n, 0.3)
    ratio = ((spc(counts, chart="pp", n=n).upper - spc(counts, chart="p", n=n).centre)
             / (spc(counts, chart="p", n=n).upper - spc(counts, chart="p", n=n).centre))
    assert 0.95 < np.median(ratio) < 1.05


# ---- results, drawing and words -------------------------------------------------------------

def test_result_fields_frames_and_display():
    y = np.r_[np.tile([9.5, 10.5, 10.1, 9.9], 5), 30.0]
    res = spc(y, improvement="decrease", target=12)
    assert isinstance(res, SPCResult)
    for field in ("centre", "lower", "upper", "lower_2sigma", "upper_2sigma", "signals",
                  "variation", "assurance", "rules", "longest_run", "longest_run_max",
                  "n_crossings", "n_crossings_min", "runs_signal"):
        assert hasattr(res, field)
    assert isinstance(res.runs_signal, bool) and isinstance(res.longest_run, float)
    text = repr(res)
    assert "\n" not in text and "special cause concerning" in text
    frame = res.to_frame()
    assert len(frame) == 21 and frame["signal"].iloc[-1] == "outside upper"
    assert frame["kind"].iloc[-1] == "concerning"
    table = res.series_table()
    assert len(table) == 1 and table["latest"].iloc[0] == 30.0
    assert "<table" in res._repr_html_()
    assert res.to_dict()["variation"] == "special cause concerning"
    many = spc(np.vstack([y, y[::-1]]), labels=["North", "South"])
    assert many.series_table()["series"].tolist() == ["North", "South"]
    assert many.to_frame()["series"].iloc[-1] == "South"


def test_plot_in_the_making_data_count_style():
    y = pd.Series(np.r_[np.tile([9.5, 10.5, 10.1, 9.9], 5), 30.0, np.nan, 10.0],
                  index=pd.period_range("2023-01", periods=23, freq="M"))
    res = spc(y, improvement="decrease", target=12, nan_policy="omit", rebase=[10])
    ax = res.plot(two_sigma=True)
    colours = {tuple(np.round(c.get_facecolor()[0][:3], 3)) for c in ax.collections}
    assert tuple(np.round(plt.matplotlib.colors.to_rgb("#e46c0a"), 3)) in colours  # concerning
    labels = ax.get_legend_handles_labels()[1]
    assert {"centre", "process limits", "target", "missing", "2-sigma"} <= set(labels)
    plt.close(ax.figure)
    many = spc(np.vstack([y.to_numpy()] * 5), nan_policy="omit", labels=list("ABCDE"),
               time=y.index)
    axs = many.small_multiples(ncols=3)
    assert axs.shape == (2, 3) and not axs[1, 2].get_visible()
    assert axs[0, 0].get_title().startswith("A")
    ax = many.plot(series="C")
    assert ax.get_title(loc="left").startswith("C")
    plt.close("all")
    with pytest.raises(ValueError, match="series"):
        many.plot()


def test_narrative_is_careful_plain_english():
    y = pd.Series(np.r_[np.tile([95.0, 105, 101, 99], 5), 130.0],
                  index=pd.period_range("2023-01", periods=21, freq="M"))
    text = spc(y, improvement="decrease", target=100).narrative(measure="recorded crime")
    assert text.startswith("Recorded crime was 130 in September 2024.")
    assert "special-cause variation that is a concern" in text
    assert "above the upper process limit" in text
    assert "does not say what caused it" in text
    assert "hit and miss" in text
    calm = spc(y.iloc[:-1], improvement="decrease").narrative()
    assert "common-cause variation" in calm
    runs = spc(np.r_[np.full(12, 9.0) + np.linspace(0, 0.1, 12), np.full(12, 11.0)],
               chart="run", rules="anhoej").narrative()
    assert "non-random variation" in runs
    both = spc(np.vstack([y.to_numpy()] * 2), labels=["North", "South"]).narrative()
    assert both.count("\n\n") == 1 and both.startswith("North: the value")


# ---- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, message", [
    ({"y": [1.0]}, ValueError, r"y is too short: an XmR chart needs at least 2 consecutive"),
    ({"y": [1.0, 2, 3, 4], "rebase": [3]}, ValueError, r"segment from position 3 has 0 moving"),
    ({"y": [1.0, np.nan, 3, np.nan, 5], "nan_policy": "omit"}, ValueError, "has 0 moving ranges"),
    ({"y": [1.0, 2, 3], "chart": "pp", "n": [5, 5, 5], "rebase": [2]}, ValueError,
     "p' chart needs at least 2"),
    ({"y": [np.nan, np.nan, 3], "chart": "c", "rebase": [2], "nan_policy": "omit"}, ValueError,
     r"a c chart needs at least 1 observed point .* \(segment from position 0 has 0"),
    ({"y": [1, 2, 3], "chart": "p", "n": [4, 0, 5]}, ValueError, r"n must be positive \(position"),
    ({"y": [1, 2, 3], "chart": "u", "n": [4, -1, 5]}, ValueError, "n must be positive"),
    ({"y": [1, -2, 3], "chart": "c"}, ValueError, r"y must be non-negative \(position 1: -2\)"),
    ({"y": [1, -2, 3], "chart": "u", "n": 10}, ValueError, "y must be non-negative"),
    ({"y": [1, 2, 6], "chart": "p", "n": 5}, ValueError, r"n must be >= y \(position 2: 5 < 6\)"),
    ({"y": [1.0, np.nan, 3], "nan_policy": "raise"}, ValueError,
     r"y has missing values \(1\) and nan_policy='raise'"),
    ({"y": [1, 2, 3], "chart": "p", "n": [4, np.nan, 5], "nan_policy": "raise"}, ValueError,
     "y or n has missing"),
    ({"y": [1.0, np.inf, 3]}, ValueError, "y must be finite"),
    ({"y": [1.0, 2, 3], "baseline": 4}, ValueError, r"baseline must not exceed .*\(4 > 3"),
    ({"y": [1.0, 2, 3], "baseline": 0}, ValueError, "baseline must be >= 1"),
    ({"y": [1.0, 2, 3], "baseline": 2.5}, TypeError, "baseline must be a whole number"),
    ({"y": [1.0, 2, 3], "chart": "xbar"}, ValueError, "chart must be one of"),
    ({"y": [1.0, 2, 3], "rules": "nelson"}, ValueError, "rules must be one of"),
    ({"y": [1.0, 2, 3], "rules": {"trend": 6}}, TypeError, "rules must be a rule set name"),
    ({"y": [1, 2, 3], "chart": "p"}, ValueError, "n .* is required for a 'p' chart"),
    ({"y": [1, 2, 3], "n": [4, 4, 4]}, ValueError, "n is not used by a 'xmr' chart"),
    ({"y": [1, 2, 3], "chart": "p", "n": [4, 4]}, ValueError, "shape mismatch"),
    ({"y": [1.0, 2, 3], "improvement": "up"}, ValueError, "improvement must be one of"),
    ({"y": [1.0, 2, 3], "target": "high"}, TypeError, "target must be a single number"),
    ({"y": [1.0, 2, 3], "screen": "yes"}, TypeError, "screen must be True or False"),
    ({"y": [1.0, 2, 3], "rebase": [5]}, ValueError, "rebase must hold whole positions from 1 to 2"),
    ({"y": [1.0, 2, 3], "nan_policy": "drop"}, ValueError, "nan_policy must be one of"),
    ({"y": [[1.0, 2, 3]] * 2, "target": [1, 2, 3]}, ValueError, "target has 3 entries but there"),
    ({"y": [1.0, 2, 3], "time": ["2024-01", "2024-01", "2024-02"]}, ValueError,
     "time must not repeat a period"),
    ({"y": [1.0, 2, 3], "time": ["2024-01", "2024-02"]}, ValueError, "time must hold"),
    ({"y": [], "chart": "xmr"}, ValueError, "y is empty"),
    ({"y": np.ones((2, 2, 2))}, ValueError, "y must be one series"),
    ({"y": "12345"}, TypeError, "y must be numeric"),
    ({"y": [1.0, 2, 3], "threads": 0}, ValueError, "threads must be >= 1"),
])
def test_bad_input_names_the_argument(kwargs, error, message):
    with pytest.raises(error, match=message):
        spc(**kwargs)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"trend": 1}, ValueError, "trend must be >= 2"),
    ({"shift": 0}, ValueError, "shift must be >= 1"),
    ({"shift": 7.5}, TypeError, "shift must be a whole number"),
    ({"outside": "yes"}, TypeError, "outside must be True or False"),
    ({"two_of_three_style": "nelson"}, ValueError, "two_of_three_style must be one of"),
    ({"name": 3}, TypeError, "name must be a string"),
])
def test_bad_rule_sets(kwargs, error, message):
    with pytest.raises(error, match=message):
        RuleSet(**kwargs)


def test_bad_frame_input():
    df = pd.DataFrame({"m": ["2024-01", "2024-02", "2024-02"], "v": [1.0, 2, 3], "a": ["x"] * 3})
    with pytest.raises(ValueError, match="df has no column 'month'"):
        spc_table(df, "v", "month")
    with pytest.raises(ValueError, match=r"m repeats a period within a series \(x: 2024-02\)"):
        spc_table(df, "v", "m", by="a")
