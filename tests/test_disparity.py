"""Tests of scrutiny.disparity: funnel, ratio_significance, disparity_indices, shrink.

References (each beside its numbers in tests/reference/, with the R version and the call):
- funnel_exact.R / .csv: R 4.2.2 qbinom/qpois/qchisq exact limits with Spiegelhalter's (2005)
  interpolation, FunnelPlotR 0.6.0's winsorised phi / tau2, and the documented adjustment of
  exact limits for overdispersion.
- funnel_funnelplotr.R / .csv: FunnelPlotR 0.6.0 transliterated (arcsine "PR", SHMI log, CQC sqrt).
- funnel_phe.R / funnel_phe_*.csv: PHEindicatormethods 2.0 sigma_adjustment (Wilson funnel),
  assign_funnel_significance (proportion, ratio), funnel_ratio_significance.
- disparity_ineq.R / .csv: ineq 0.2-13 Gini, var.coeff, Theil (parameter 0 and 1).
- disparity_shrink.R / .csv: R optim on the beta-binomial / negative binomial marginal likelihood.
SciPy (binom, poisson, chi2) is a second oracle for exact limits at other levels.
"""
from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import scrutiny as sc
from scrutiny import _core, _funnel
from scrutiny._options import FUNNEL_KIND, FUNNEL_METHOD, OVERDISPERSION, RESAMPLE
from scrutiny import disparity as dmod

REF = pathlib.Path(__file__).parent / "reference"
PHE_LABELS = {"High (0.001)": "high (99.8%)", "High (0.025)": "high (95%)",
              "Low (0.001)": "low (99.8%)", "Low (0.025)": "low (95%)",
              "Not significant": "within"}


def _ref(name: str) -> pd.DataFrame:
    return pd.read_csv(REF / name)


def _limits(frame: pd.DataFrame, prefix: str = ""):
    lower = frame[[f"{prefix}lower_95", f"{prefix}lower_998"]].to_numpy()
    upper = frame[[f"{prefix}upper_95", f"{prefix}upper_998"]].to_numpy()
    return lower, upper


# ---- funnel: exact limits and overdispersion against R ------------------------------------

EXACT = _ref("funnel_exact.csv")


@pytest.mark.parametrize("case", ["proportion", "rate", "ratio"])
@pytest.mark.parametrize("od", ["none", "multiplicative", "additive"])
def test_exact_limits_match_r(case, od):
    g = EXACT[(EXACT["case"] == case) & (EXACT["overdispersion"] == od)]
    res = sc.funnel(g["numerator"].to_numpy(), g["denominator"].to_numpy(), kind=case,
                    overdispersion=None if od == "none" else od)
    lower, upper = _limits(g)
    assert res.target == pytest.approx(g["target"].iloc[0], rel=1e-14)
    np.testing.assert_allclose(res.z, g["z"], rtol=1e-12, atol=1e-12)
    assert res.phi == pytest.approx(g["phi"].iloc[0], rel=1e-12)
    assert res.tau2 == pytest.approx(g["tau2"].iloc[0], rel=1e-10)
    np.testing.assert_allclose(res.lower, lower, rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(res.upper, upper, rtol=1e-11, atol=1e-14)
    assert res.phi > 1 and res.tau2 > 0          # the data are overdispersed: adjustments bite


def test_exact_limits_match_scipy_at_other_levels():
    # Spiegelhalter's interpolation with SciPy's binomial / Poisson / chi-square, levels 0.8, 0.99,
    # denominators up to a million.
    levels = (0.8, 0.99)
    n = np.array([7, 55, 480, 3_333, 71_000, 1_000_000], dtype=float)
    x = np.round(n * 0.231)
    for kind in ("proportion", "rate"):
        res = sc.funnel(x, n, kind=kind, target=0.2417, levels=levels)
        for j, level in enumerate(levels):
            for side, p in ((res.lower, (1 - level) / 2), (res.upper, (1 + level) / 2)):
                dist = stats.binom(n, 0.2417) if kind == "proportion" else stats.poisson(0.2417 * n)
                r = dist.ppf(p)
                want = np.maximum((r - (dist.cdf(r) - p) / dist.pmf(r)) / n, 0)
                np.testing.assert_allclose(side[:, j], want, rtol=1e-9)
    e = np.array([0.37, 4.2, 61.5, 2250.0])
    res = sc.funnel([1, 3, 70, 2300], e, kind="ratio", target=1.35, levels=levels)
    for j, level in enumerate(levels):
        a = (1 - level) / 2
        np.testing.assert_allclose(res.lower[:, j], stats.chi2.ppf(a, 2 * 1.35 * e) / (2 * e),
                                   rtol=1e-10)
        np.testing.assert_allclose(res.upper[:, j],
                                   stats.chi2.ppf(1 - a, 2 * (1.35 * e + 1)) / (2 * e), rtol=1e-10)


@pytest.mark.parametrize("kind", ["proportion", "rate"])
@pytest.mark.parametrize("od", [None, "multiplicative", "additive"])
def test_normal_limits_match_formula(kind, od):
    # y0 -+ q sqrt(phi or 1 + tau2/s^2) s as defined, not clipped (NumPy + SciPy oracle)
    rng = np.random.default_rng(31)
    n = rng.integers(8, 4000, 50).astype(float)
    x = rng.binomial(n.astype(int), rng.beta(12, 30, n.size)).astype(float)
    res = sc.funnel(x, n, kind=kind, method="normal", overdispersion=od, levels=(0.9, 0.99))
    y0 = x.sum() / n.sum()
    s = np.sqrt(y0 * (1 - y0) / n) if kind == "proportion" else np.sqrt(y0 / n)
    np.testing.assert_allclose(res.z, (x / n - y0) / s, rtol=1e-12)
    zw = np.clip(res.z, *np.quantile(res.z, [0.1, 0.9]))
    phi = np.mean(zw ** 2)
    w = 1 / s ** 2
    tau2 = max(0.0, (n.size * phi - (n.size - 1)) / (w.sum() - np.sum(w ** 2) / w.sum()))
    assert (res.phi, res.tau2) == pytest.approx((phi, tau2), rel=1e-12)
    g = {None: 1.0, "multiplicative": np.sqrt(max(phi, 1.0)),
         "additive": np.sqrt(1 + tau2 / s ** 2)}[od]
    half = stats.norm.ppf([0.95, 0.995])[None, :] * (g * s)[:, None] if od == "additive" else \
        stats.norm.ppf([0.95, 0.995])[None, :] * g * s[:, None]
    np.testing.assert_allclose(res.lower, y0 - half, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(res.upper, y0 + half, rtol=1e-12)


def test_labels_from_pandas_and_user_targets():
    frame = pd.DataFrame({"area": ["Dudley", "Walsall", "Wolverhampton", "Sandwell"],
                          "arrests": [131, 77, 240, 95], "stops": [402, 310, 598, 365]})
    res = sc.funnel(frame["arrests"], frame["stops"], labels=frame["area"], target=0.29)
    assert res.table["unit"].tolist() == frame["area"].tolist()
    assert res.target == 0.29 and not res.pooled_target
    lines = res.narrative().splitlines()
    assert lines[0] == ("Dudley's proportion (32.6%) is within the range expected from chance "
                        "(95% limits).")
    assert lines[2] == ("Wolverhampton's proportion (40.1%) is above the target (29.0%) by more "
                        "than expected from chance (99.8% limits).")


def test_limits_are_computed_once_per_denominator_but_match_unit_by_unit():
    rng = np.random.default_rng(11)
    n = rng.integers(20, 60, 4000).astype(float)          # many repeated denominators
    x = rng.binomial(n.astype(int), 0.37).astype(float)
    res = sc.funnel(x, n, overdispersion="multiplicative")
    for i in rng.choice(n.size, 25, replace=False):
        lo, hi = _core.funnel_limits(n[i:i + 1], FUNNEL_KIND.codes["proportion"],
                                     FUNNEL_METHOD.codes["exact"],
                                     OVERDISPERSION.codes["multiplicative"], res.target,
                                     np.array(res.levels), res.phi, res.tau2)
        np.testing.assert_array_equal(res.lower[i], lo[0])
        np.testing.assert_array_equal(res.upper[i], hi[0])


# ---- funnel: transformed scales against FunnelPlotR ---------------------------------------

PLOTR = _ref("funnel_funnelplotr.csv")
# FunnelPlotR rounds the normal quantiles to 1.959964 and 3.090232 (7 significant figures):
# limits agree to ~1e-7 relative, a little more where a squared lower limit nears 0.
ROUNDED_Z = 1e-6


@pytest.mark.parametrize("method", ["arcsine", "log", "sqrt"])
def test_transformed_scales_match_funnelplotr(method):
    g = PLOTR[PLOTR["case"] == method]
    kind = "proportion" if method == "arcsine" else "ratio"
    num, den = g["numerator"].to_numpy(), g["denominator"].to_numpy()
    plain = sc.funnel(num, den, kind=kind, method=method)
    adjusted = sc.funnel(num, den, kind=kind, method=method, overdispersion="additive")
    np.testing.assert_allclose(plain.z, g["z"], rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(plain.se, g["s"], rtol=1e-14)
    assert plain.target == pytest.approx(g["target"].iloc[0], rel=1e-14)
    assert plain.phi == pytest.approx(g["phi"].iloc[0], rel=1e-12)
    assert plain.tau2 == pytest.approx(g["tau2"].iloc[0], rel=1e-12)
    # Unadjusted limits on the method's scale: FunnelPlotR's adjusted formula with tau2 = 0.
    lower, upper = _limits(g, "scale_")
    od_lower, od_upper = _limits(g, "od_")
    if method == "sqrt":
        # FunnelPlotR 0.6.0 (calculate_limits.R) leaves the CQC limits on the square-root
        # scale, 1 -+ z sqrt(s^2 + tau2); scrutiny squares them back to the ratio scale where
        # the points are drawn.
        lower, upper, od_lower, od_upper = lower ** 2, upper ** 2, od_lower ** 2, od_upper ** 2
    np.testing.assert_allclose(plain.lower, lower, rtol=ROUNDED_Z)
    np.testing.assert_allclose(plain.upper, upper, rtol=ROUNDED_Z)
    np.testing.assert_allclose(adjusted.lower, od_lower, rtol=ROUNDED_Z)
    np.testing.assert_allclose(adjusted.upper, od_upper, rtol=ROUNDED_Z)


def test_log_method_truncates_instead_of_winsorising():
    g = PLOTR[PLOTR["case"] == "log"]
    kept = g["kept"].to_numpy()
    assert 0 < (~kept).sum() < kept.size                     # some units truncated
    z = g["z"].to_numpy()[kept]
    res = sc.funnel(g["numerator"], g["denominator"], kind="ratio", method="log")
    assert res.phi == pytest.approx(np.mean(z ** 2), rel=1e-12)


def test_exact_ratio_limits_match_funnelplotr_unadjusted_limits():
    # FunnelPlotR draws chi-square limits for standardised ratios when unadjusted.
    g = PLOTR[PLOTR["case"] == "log"]
    res = sc.funnel(g["numerator"], g["denominator"], kind="ratio", method="exact")
    lower, upper = _limits(g)
    np.testing.assert_allclose(res.lower, lower, rtol=1e-12)
    np.testing.assert_allclose(res.upper, upper, rtol=1e-12)


def test_multiplicative_widens_transformed_limits_by_sqrt_phi():
    g = PLOTR[PLOTR["case"] == "arcsine"]
    res = sc.funnel(g["numerator"], g["denominator"], method="arcsine",
                    overdispersion="multiplicative")
    theta0 = np.arcsin(np.sqrt(res.target))
    q = stats.norm.ppf([0.975, 0.999])
    half = np.sqrt(res.phi) * q[None, :] * res.se[:, None]
    np.testing.assert_allclose(res.lower, np.sin(theta0 - half) ** 2, rtol=1e-13)
    np.testing.assert_allclose(res.upper, np.sin(theta0 + half) ** 2, rtol=1e-13)


# ---- funnel: PHEindicatormethods ----------------------------------------------------------

def test_wilson_funnel_matches_phe_and_equals_normal():
    g = _ref("funnel_phe_proportion.csv")
    lower, upper = _limits(g)
    wilson = sc.funnel(g["numerator"], g["denominator"], method="wilson")
    normal = sc.funnel(g["numerator"], g["denominator"], method="normal")
    assert wilson.target == pytest.approx(g["average"].iloc[0], rel=1e-15)
    np.testing.assert_allclose(wilson.lower, lower, rtol=1e-12)
    np.testing.assert_allclose(wilson.upper, upper, rtol=1e-12)
    assert wilson.flag.tolist() == g["significance"].map(PHE_LABELS).tolist()
    assert {"high (99.8%)", "high (95%)", "low (99.8%)", "low (95%)", "within"} == set(wilson.flag)
    np.testing.assert_array_equal(wilson.lower, normal.lower)   # same algebra (see Notes)


def test_ratio_significance_matches_phe():
    g = _ref("funnel_phe_ratio.csv")
    res = sc.ratio_significance(g["observed"], g["expected"])
    lower, upper = _limits(g)
    np.testing.assert_allclose(res.lower, lower, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(res.upper, upper, rtol=1e-12)
    assert res.flag.tolist() == g["significance"].map(PHE_LABELS).tolist()
    np.testing.assert_allclose(res.ratio, g["observed"] / g["expected"], rtol=1e-15)
    assert res.levels == (0.95, 0.998)


def test_ratio_significance_shapes():
    one = sc.ratio_significance(12, 7.5, levels=0.95)
    assert isinstance(one.lower, float) and isinstance(one.flag, str) and one.levels == 0.95
    both = sc.ratio_significance(12, 7.5)
    assert both.lower.shape == (2,)
    grid = sc.ratio_significance([[3, 30], [9, 10]], [[4.1, 12.0], [9.2, 9.2]], levels=(0.9, 0.99))
    assert grid.lower.shape == (2, 2, 2) and grid.flag.shape == (2, 2)
    named = {"high (99%)", "high (90%)", "within", "low (90%)", "low (99%)"}
    assert set(grid.flag.ravel()) <= named
    # exact below 10 observed, Byar from 10: the interval jumps in method between 9 and 10
    g = stats.chi2
    assert grid.lower[1, 0, 0] == pytest.approx(g.ppf(0.05, 18) / 2 / 9.2, rel=1e-12)
    z = stats.norm.ppf(0.95)
    assert grid.lower[1, 1, 0] == pytest.approx(10 * (1 - 1 / 90 - z / 3 / np.sqrt(10)) ** 3 / 9.2,
                                                rel=1e-12)


# ---- funnel: flags, result object, curve, plot, narrative ---------------------------------

def test_flags_are_strict_and_named_after_levels():
    upper = np.array([[0.4, 0.5], [0.4, 0.5], [0.4, 0.5]])
    lower = np.array([[0.2, 0.1], [0.2, 0.1], [0.2, 0.1]])
    value = np.array([0.5, 0.4, 0.1])                   # on the 99.8%, 95% and 99.8% limits
    flags = _funnel.flags(value[:, None] > upper, value[:, None] < lower, np.array([0.95, 0.998]))
    assert flags.tolist() == ["high (95%)", "within", "low (95%)"]
    res = sc.funnel([5, 50, 95], [100, 100, 100], kind="proportion", levels=(0.9, 0.999))
    assert res.flag.tolist() == ["low (99.9%)", "within", "high (99.9%)"]
    value = res.value[:, None]
    outside = ((value > res.upper) | (value < res.lower)).any(axis=1)
    assert np.all((res.flag == "within") == ~outside)


def test_result_table_and_frame():
    res = sc.funnel([24, 40, 61, 5, 90], [100, 120, 180, 40, 200], labels=list("ABCDE"))
    table = res.to_frame()
    assert list(table.columns) == ["unit", "numerator", "denominator", "value", "z",
                                   "lower (95%)", "upper (95%)", "lower (99.8%)",
                                   "upper (99.8%)", "flag"]
    assert table["unit"].tolist() == list("ABCDE")
    np.testing.assert_array_equal(table["upper (99.8%)"], res.upper[:, 1])
    assert "FunnelResult" in repr(res) and "<table" in res._repr_html_()
    assert res.levels == (0.95, 0.998) and res.pooled_target
    assert res.target == pytest.approx(220 / 640)


def test_curve_matches_limits_and_narrows():
    x, e = [3, 17, 41, 150, 610], [2.5, 20.0, 33.3, 160.7, 580.2]
    res = sc.funnel(x, e, kind="rate", overdispersion="additive")
    curve = res.curve(50)
    assert list(curve.columns) == ["denominator", "level", "target", "lower", "upper"]
    assert len(curve) == 100
    ends = curve[curve["denominator"].isin([2.5, 580.2])]
    np.testing.assert_allclose(ends["lower"], res.lower[[0, 4]].ravel(), rtol=1e-14)
    assert np.all(curve["lower"] >= 0) and np.all(curve["upper"] > curve["lower"])
    # normal limits narrow steadily (exact ones may wiggle a little at small counts)
    normal = sc.funnel(x, e, kind="rate", method="normal").curve(80)
    for _, part in normal.groupby("level"):
        lower = part["lower"].to_numpy()
        assert np.all(np.diff(part["upper"]) < 0)
        assert np.all(np.diff(lower[lower > 0]) > 0)
    props = sc.funnel([3, 8, 20], [9, 30, 80]).curve(200)
    assert np.all(props["denominator"] == np.round(props["denominator"]))
    with pytest.raises(ValueError, match="n_points must be >= 2"):
        res.curve(1)
    with pytest.raises(TypeError, match="n_points"):
        res.curve(20.5)


def test_plot_draws_limits_points_and_labels():
    import matplotlib.pyplot as plt

    res = sc.funnel([24, 40, 61, 5, 90], [100, 120, 180, 40, 200], labels=list("ABCDE"))
    ax = res.plot()
    try:
        assert len(ax.lines) == 2 * len(res.levels) + 1          # lower, upper per level, target
        texts = sorted(t.get_text() for t in ax.texts)
        assert texts == sorted(lab for lab, f in zip("ABCDE", res.flag) if f != "within")
        assert ax.get_ylabel() == "Proportion"
        fig, own = plt.subplots()
        assert res.plot(ax=own) is own
        plt.close(fig)
    finally:
        plt.close(ax.figure)


def test_narrative_in_plain_english():
    res = sc.funnel([240, 332, 30], [1000, 1000, 100], target=0.33,
                    labels=["North Worcestershire", "South Worcestershire", "Herefordshire"])
    lines = res.narrative(measure="arrest rate", reference="force rate").splitlines()
    assert lines[0] == ("North Worcestershire's arrest rate (24.0%) is below the force rate "
                        "(33.0%) by more than expected from chance (99.8% limits).")
    assert lines[1] == ("South Worcestershire's arrest rate (33.2%) is within the range expected "
                        "from chance (95% limits).")
    assert len(lines) == 3
    assert res.narrative(which="flagged").splitlines() == [
        "North Worcestershire's proportion (24.0%) is below the target (33.0%) by more than "
        "expected from chance (99.8% limits)."]
    rates = sc.funnel([12, 45, 400], [1000.0, 1500.0, 9000.0], kind="rate",
                      overdispersion="multiplicative")
    text = rates.narrative(per=1000, which="all")
    assert "Area 0's rate (12 per 1,000)" in text and "allowing for overdispersion" in text
    with pytest.raises(ValueError, match="which"):
        res.narrative(which="some")


def test_narrative_names_the_units():
    # 10% and 25% of 1,000 lie outside the 95% limits around the pooled 18.5%; 19% and 20% within
    res = sc.funnel([100, 250, 190, 200], [1000, 1000, 1000, 1000], levels=0.95,
                    labels=["violent crime", "burglary", "theft", "criminal damage"])
    assert list(res.flag) == ["low (95%)", "high (95%)", "within", "within"]
    lines = res.narrative(measure="satisfaction", overview=True, unit="crime type").splitlines()
    assert lines[0] == ("2 of the 4 crime types are outside the 95% limits (about 0.2 expected "
                        "by chance alone).")
    assert lines[1] == ("Violent crime's satisfaction (10.0%) is below the overall proportion "
                        "(18.5%) by more than expected from chance (95% limits), though with 4 "
                        "crime types about 0.2 would be outside these limits by chance alone.")
    assert lines[3] == ("Theft's satisfaction (19.0%) is within the range expected from chance "
                        "(95% limits).")
    # the default unit keeps the wording of areas; an irregular plural is given with areas=
    assert res.narrative(overview=True).startswith("2 of the 4 areas are outside")
    las = res.narrative(overview=True, unit="local authority", areas="local authorities")
    assert las.startswith("2 of the 4 local authorities are outside")
    assert "with 4 local authorities about 0.2" in las
    # one unit is counted in the singular; unlabelled units are named after the unit
    one = sc.funnel([30], [100], target=0.2, levels=0.95)
    assert one.narrative(overview=True, unit="station").startswith(
        "1 of the 1 station is outside the 95% limits")
    assert "Station 0's proportion (30.0%)" in one.narrative(unit="station")


def test_overdispersion_settings():
    rng = np.random.default_rng(5)
    n = rng.integers(50, 3000, 60).astype(float)
    x = rng.binomial(n.astype(int), 0.21).astype(float)        # no overdispersion
    base = sc.funnel(x, n)
    assert 0 < base.phi < 1 and base.tau2 == 0                 # reported even when unused
    mult = sc.funnel(x, n, overdispersion="multiplicative")
    np.testing.assert_array_equal(mult.lower, base.lower)      # phi < 1 never narrows
    add = sc.funnel(x, n, overdispersion="additive")
    np.testing.assert_array_equal(add.upper, base.upper)       # tau2 = 0 adds nothing
    trimmed = sc.funnel(x, n, trim=0.0)
    assert trimmed.phi == pytest.approx(np.mean(trimmed.z ** 2), rel=1e-13)


def test_false_alarm_rate_by_simulation():
    # Units on target: about 5% outside the 95% limits.  Overdispersed units: far more, until
    # the limits allow for it; without winsorising (trim=0) the additive tau2 is close to
    # unbiased and the rate returns near 5%, while winsorising (which guards against real
    # outliers) shrinks phi and so leaves a higher rate.
    rng = np.random.default_rng(2024)
    n = rng.integers(30, 5000, 20000).astype(float)
    x = rng.binomial(n.astype(int), 0.18).astype(float)
    res = sc.funnel(x, n, target=0.18, levels=0.95)
    rate = np.mean(res.flag != "within")
    assert 0.040 < rate < 0.055
    p = rng.beta(0.18 * 300, 0.82 * 300, n.size)
    x = rng.binomial(n.astype(int), p).astype(float)
    plain = sc.funnel(x, n, target=0.18, levels=0.95)
    untrimmed = sc.funnel(x, n, target=0.18, levels=0.95, overdispersion="additive", trim=0)
    trimmed = sc.funnel(x, n, target=0.18, levels=0.95, overdispersion="additive")
    assert np.mean(plain.flag != "within") > 0.3
    assert 0.035 < np.mean(untrimmed.flag != "within") < 0.07
    assert np.mean(untrimmed.flag != "within") < np.mean(trimmed.flag != "within") < 0.2


def test_inputs_in_other_layouts_give_the_same_answer():
    rng = np.random.default_rng(8)
    n = rng.integers(10, 900, 40)
    x = rng.binomial(n, 0.4)
    want = sc.funnel(x.astype(float), n.astype(float), overdispersion="additive")
    strided_n = np.repeat(n.astype(float), 2)[::2]
    big_endian = x.astype(">f8")
    readonly = n.astype(float)
    readonly.setflags(write=False)
    for num, den in ((x, n), (big_endian, strided_n), (list(x), readonly),
                     (pd.Series(x), pd.Series(n))):
        got = sc.funnel(num, den, overdispersion="additive")
        np.testing.assert_array_equal(got.lower, want.lower)
        np.testing.assert_array_equal(got.z, want.z)
    # a scalar denominator broadcasts
    same = sc.funnel([4, 9, 13], 50)
    assert same.lower.shape == (3, 2) and np.all(same.lower == same.lower[0])


# ---- funnel: bad input --------------------------------------------------------------------

GOOD_X, GOOD_N = [4, 9, 13, 7], [50, 60, 70, 80]


@pytest.mark.parametrize("kwargs, match", [
    (dict(kind="percent"), "kind"),
    (dict(method="poisson"), "method"),
    (dict(method="log"), "method"),                        # not a proportion method
    (dict(kind="rate", method="arcsine"), "method"),
    (dict(overdispersion="both"), "overdispersion"),
    (dict(trim=0.5), "trim"),
    (dict(trim=-0.1), "trim"),
    (dict(levels=(0.95, 1.0)), "levels"),
    (dict(levels=(0.0,)), "levels"),
    (dict(levels=(0.95, 0.95)), "levels"),
    (dict(target=1.0), "target"),
    (dict(target=1.2), "target"),
    (dict(target=0.0), "target"),
    (dict(target=-0.3, kind="rate"), "target"),
    (dict(target=float("nan")), "target"),
    (dict(labels=["a", "b"]), "labels"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        sc.funnel(GOOD_X, GOOD_N, **kwargs)


@pytest.mark.parametrize("num, den, kwargs, match", [
    ([4, 90], [50, 60], {}, "denominator must be >= numerator"),
    ([-1, 9], [50, 60], {}, "numerator must be non-negative"),
    ([1.5, 9], [50, 60], {}, "numerator must be whole"),
    ([4, 9], [50, 0], {}, "denominator must be positive"),
    ([4, 9], [50, 60.5], {}, "denominator must be whole"),
    ([4, 9], [50, 0.0], dict(kind="ratio"), "denominator must be positive"),
    ([4, float("nan")], [50, 60], {}, "numerator must be finite"),
    ([4, 9, 3], [50, 60], {}, "shape mismatch"),
    ([], [], {}, "numerator is empty"),
    ([[4, 9], [3, 3]], [[50, 60], [5, 5]], {}, "one-dimensional"),
    ([0, 0, 0], [50, 60, 7], {}, "numerator must have a positive total"),
    ([0, 0, 0], [50, 60, 7], dict(kind="rate"), "numerator must have a positive total"),
    ([50, 60, 7], [50, 60, 7], {}, "numerator equals denominator in every area"),
    ([0, 9, 4], [5.5, 6.1, 3.3], dict(kind="ratio", method="log"),
     r"numerator must be positive \(area 0: 0\)"),
    ([4, 9], [50, 60], dict(overdispersion="additive"), "at least 3"),
])
def test_bad_data(num, den, kwargs, match):
    with pytest.raises(ValueError, match=match):
        sc.funnel(num, den, **kwargs)


def test_bad_types():
    with pytest.raises(TypeError, match="numerator"):
        sc.funnel("12", GOOD_N[:1])
    with pytest.raises(TypeError, match="denominator"):
        sc.funnel(GOOD_X, ["a", "b", "c", "d"])
    with pytest.raises(TypeError, match="trim"):
        sc.funnel(GOOD_X, GOOD_N, trim="0.1")
    with pytest.raises(TypeError, match="levels"):
        sc.funnel(GOOD_X, GOOD_N, levels="95%")


def test_ratio_significance_bad_input():
    with pytest.raises(ValueError, match="expected must be positive"):
        sc.ratio_significance([3, 4], [1.0, 0.0])
    with pytest.raises(ValueError, match="observed must be whole"):
        sc.ratio_significance([3.5], [1.0])
    with pytest.raises(ValueError, match="levels"):
        sc.ratio_significance([3], [1.0], levels=1.5)
    with pytest.raises(ValueError, match="shape mismatch"):
        sc.ratio_significance([3, 4, 5], [1.0, 2.0])


# ---- disparity indices --------------------------------------------------------------------

INEQ = _ref("disparity_ineq.csv")


@pytest.mark.parametrize("case", ["areas43", "ties7"])
def test_indices_match_ineq(case):
    g = INEQ[INEQ["case"] == case]
    res = sc.disparity_indices(g["x"], g["n"])
    for name in ("range", "ratio", "cv", "gini", "theil", "mld"):
        assert getattr(res, name) == pytest.approx(g[name].iloc[0], rel=1e-12), name
    assert res.lower is None and not res.weighted
    frame = res.to_frame()
    assert frame["index"].tolist() == ["range", "ratio", "cv", "gini", "theil", "mld"]
    assert frame["lower"].isna().all()


def _slow_indices(r, w):
    """Definitions written out pairwise, as a NumPy oracle."""
    W = w.sum()
    m = np.sum(w * r) / W
    pairs = np.sum(w[:, None] * w[None, :] * np.abs(r[:, None] - r[None, :]))
    with np.errstate(divide="ignore"):
        theil = np.sum(np.where(r > 0, w * (r / m) * np.log(np.where(r > 0, r / m, 1)), 0)) / W
        mld = np.sum(w * np.log(m / r)) / W
    return dict(range=r.max() - r.min(), ratio=r.max() / r.min() if r.min() > 0 else np.inf,
                cv=np.sqrt(np.sum(w * (r - m) ** 2) / W) / m, gini=pairs / (2 * W ** 2 * m),
                theil=theil, mld=mld)


def test_weighted_indices_match_pairwise_oracle():
    rng = np.random.default_rng(17)
    n = rng.integers(500, 80000, 120).astype(float)
    x = rng.poisson(n * rng.gamma(4, 0.01 / 4, n.size)).astype(float)
    w = rng.uniform(0.2, 3.7, n.size)
    for weights, wv in (("n", n), (w, w), (None, np.ones_like(n))):
        res = sc.disparity_indices(x, n, weights=weights)
        for name, want in _slow_indices(x / n, wv).items():
            assert getattr(res, name) == pytest.approx(want, rel=1e-11), name
    assert sc.disparity_indices(x, n, weights=np.ones_like(n)).gini == pytest.approx(
        sc.disparity_indices(x, n).gini, rel=1e-14)


def test_indices_with_a_zero_rate_and_equal_rates():
    x, n = np.array([0.0, 14, 33, 7]), np.array([900.0, 1100, 2600, 480])
    res = sc.disparity_indices(x, n)
    assert res.ratio == np.inf and res.mld == np.inf
    want = _slow_indices(x / n, np.ones(4))
    assert res.theil == pytest.approx(want["theil"], rel=1e-13)   # 0 log 0 = 0
    # ineq's Theil(parameter = 0) drops zero rates before taking the mean, so it differs here
    nz = (x / n)[x > 0]
    ineq_theil = np.sum(nz * np.log(nz / nz.mean())) / nz.sum()
    assert abs(res.theil - ineq_theil) > 0.01
    flat = sc.disparity_indices([10, 20, 30], [100, 200, 300])
    got = (flat.range, flat.ratio, flat.cv, flat.gini, flat.theil, flat.mld)
    assert got == pytest.approx((0, 1, 0, 0, 0, 0), abs=1e-15)


def test_bootstrap_is_seeded_and_thread_independent():
    rng = np.random.default_rng(3)
    n = rng.integers(800, 40000, 70).astype(float)
    x = rng.poisson(n * 0.012).astype(float)
    a = sc.disparity_indices(x, n, bootstrap=400, seed=99)
    b = sc.disparity_indices(x, n, bootstrap=400, seed=99)
    c = sc.disparity_indices(x, n, bootstrap=400, seed=100)
    pd.testing.assert_series_equal(a.lower, b.lower)
    assert not a.lower.equals(c.lower)
    assert a.seed == 99 and a.bootstrap == 400
    assert np.all(a.lower < a.upper)
    areas = RESAMPLE.codes["areas"]
    one, lo1, hi1 = _core.disparity_bootstrap(x, n, None, areas, 300, 7, 0.9, 1)
    two, lo2, hi2 = _core.disparity_bootstrap(x, n, None, areas, 300, 7, 0.9, 2)
    np.testing.assert_array_equal(one, two)
    np.testing.assert_array_equal(lo1, lo2)
    # the percentile interval is the type-7 quantile of the replicates
    np.testing.assert_allclose(lo1, np.quantile(one, 0.05, axis=0), rtol=1e-14)
    np.testing.assert_allclose(hi1, np.quantile(one, 0.95, axis=0), rtol=1e-14)
    fresh = sc.disparity_indices(x, n, bootstrap=10)
    assert isinstance(fresh.seed, int)


@pytest.mark.parametrize("resample", ["poisson", "binomial", "areas"])
def test_bootstrap_replicates_follow_their_scheme(resample):
    # The mean Gini over replicates agrees with a NumPy implementation of the same scheme.
    rng = np.random.default_rng(21)
    n = rng.integers(40, 400, 30).astype(float)
    x = rng.binomial(n.astype(int), rng.uniform(0.05, 0.4, n.size)).astype(float)
    res = sc.disparity_indices(x, n, bootstrap=3000, seed=5, resample=resample)
    gini = res.replicates[:, 3]

    def numpy_gini(r):
        r = np.sort(r)
        k = r.size
        return 2 * np.sum(np.arange(1, k + 1) * r) / (k * r.sum()) - (k + 1) / k

    draws = []
    for _ in range(3000):
        if resample == "poisson":
            r = rng.poisson(x) / n
        elif resample == "binomial":
            r = rng.binomial(n.astype(int), x / n) / n
        else:
            r = (x / n)[rng.integers(0, n.size, n.size)]
        draws.append(numpy_gini(r))
    draws = np.array(draws)
    se = np.sqrt(gini.var() / gini.size + draws.var() / draws.size)
    assert abs(gini.mean() - draws.mean()) < 4 * se
    assert gini.std() == pytest.approx(draws.std(), rel=0.1)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(bootstrap=-1), ValueError, "bootstrap must be >= 0"),
    (dict(bootstrap=2.5), TypeError, "bootstrap must be a whole number"),
    (dict(bootstrap=True), TypeError, "bootstrap"),
    (dict(bootstrap=10, seed=-4), ValueError, "seed must be >= 0"),
    (dict(bootstrap=10, seed="x"), TypeError, "seed"),
    (dict(resample="jackknife"), ValueError, "resample"),
    (dict(conf=1.0), ValueError, "conf"),
    (dict(conf=(0.9, 0.95)), TypeError, "conf"),
    (dict(weights="population"), ValueError, "weights"),
    (dict(weights=[1.0, 2.0]), ValueError, "weights"),
    (dict(weights=[1.0, -2.0, 1.0]), ValueError, "weights must be positive"),
])
def test_indices_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        sc.disparity_indices([3, 8, 5], [100, 200, 150], **kwargs)


def test_indices_bad_data():
    with pytest.raises(ValueError, match="at least 2"):
        sc.disparity_indices([3], [100])
    with pytest.raises(ValueError, match="n must be positive"):
        sc.disparity_indices([3, 4], [100, 0])
    with pytest.raises(ValueError, match="x must be whole"):
        sc.disparity_indices([3.2, 4], [100, 10])
    with pytest.raises(ValueError, match="n must be >= x"):
        sc.disparity_indices([30, 4], [10, 10], bootstrap=5, resample="binomial")
    with pytest.raises(ValueError, match="n must be whole"):
        sc.disparity_indices([3, 4], [10.5, 10], bootstrap=5, resample="binomial")
    with pytest.raises(ValueError, match="n must be below"):
        sc.disparity_indices([3, 4], [5e9, 10], bootstrap=5, resample="binomial")


# ---- shrink -------------------------------------------------------------------------------

SHRINK = _ref("disparity_shrink.csv")


@pytest.mark.parametrize("kind", ["proportion", "rate"])
def test_shrink_matches_r_optim(kind):
    g = SHRINK[SHRINK["case"] == kind]
    res = sc.shrink(g["x"], g["n"], kind=kind)
    # optim's stopping leaves ~1e-8 relative slack in the prior on a flat likelihood
    assert res.prior_alpha == pytest.approx(g["alpha"].iloc[0], rel=2e-6)
    assert res.prior_beta == pytest.approx(g["beta"].iloc[0], rel=2e-6)
    assert res.loglik == pytest.approx(g["loglik"].iloc[0], abs=1e-7)
    np.testing.assert_allclose(res.estimate, g["estimate"], rtol=1e-7)
    np.testing.assert_allclose(res.lower, g["lower"], rtol=1e-6)
    np.testing.assert_allclose(res.upper, g["upper"], rtol=1e-6)
    np.testing.assert_allclose(res.raw, g["x"] / g["n"], rtol=1e-15)
    strength = res.prior_alpha + res.prior_beta if kind == "proportion" else res.prior_beta
    blend = res.weight * res.raw + (1 - res.weight) * res.prior_mean
    np.testing.assert_allclose(res.estimate, blend, rtol=1e-12)
    assert not res.pooled and res.weight.max() < 1
    assert res.weight == pytest.approx(g["n"].to_numpy() / (g["n"].to_numpy() + strength))


def test_shrink_moments_match_kleinman_formula():
    g = SHRINK[SHRINK["case"] == "proportion"]
    x, n = g["x"].to_numpy(), g["n"].to_numpy()
    mu = x.sum() / n.sum()
    k = x.size
    ss = np.sum(n * (x / n - mu) ** 2)
    rho = (ss / (mu * (1 - mu)) - (k - 1)) / (n.sum() - np.sum(n ** 2) / n.sum() - (k - 1))
    res = sc.shrink(x, n, method="moments")
    m = 1 / rho - 1
    assert res.prior_alpha == pytest.approx(mu * m, rel=1e-12)
    assert res.prior_beta == pytest.approx((1 - mu) * m, rel=1e-12)
    g = SHRINK[SHRINK["case"] == "rate"]
    y, e = g["x"].to_numpy(), g["n"].to_numpy()
    lam = y.sum() / e.sum()
    var = (np.sum(e * (y / e - lam) ** 2) - lam * (k - 1)) / (e.sum() - np.sum(e ** 2) / e.sum())
    res = sc.shrink(y, e, kind="rate", method="moments")
    assert res.prior_alpha == pytest.approx(lam ** 2 / var, rel=1e-12)
    assert res.prior_beta == pytest.approx(lam / var, rel=1e-12)


@pytest.mark.parametrize("kind", ["proportion", "rate"])
def test_shrinkage_lowers_error_and_intervals_cover(kind):
    rng = np.random.default_rng(77)
    mse_raw, mse_eb, covered, total = 0.0, 0.0, 0, 0
    for _ in range(40):
        n = rng.integers(15, 400, 80).astype(float)
        if kind == "proportion":
            truth = rng.beta(6, 24, n.size)
            x = rng.binomial(n.astype(int), truth).astype(float)
        else:
            truth = rng.gamma(5, 0.04 / 5, n.size)
            x = rng.poisson(n * truth).astype(float)
        res = sc.shrink(x, n, kind=kind)
        mse_raw += np.mean((res.raw - truth) ** 2)
        mse_eb += np.mean((res.estimate - truth) ** 2)
        covered += np.sum((res.lower <= truth) & (truth <= res.upper))
        total += n.size
    assert mse_eb < 0.8 * mse_raw
    assert 0.92 < covered / total < 0.975


def test_shrink_pools_when_areas_agree():
    n = np.array([100.0, 250, 40, 660, 1200])
    res = sc.shrink(0.3 * n, n)
    assert res.pooled and res.prior_alpha == np.inf
    np.testing.assert_allclose(res.estimate, 0.3, rtol=1e-14)
    np.testing.assert_array_equal(res.lower, res.upper)
    np.testing.assert_array_equal(res.weight, 0)
    frame = res.to_frame()
    assert len(frame) == 5 and "estimate" in frame


def test_shrink_without_interior_maximum_raises():
    with pytest.raises(sc.ConvergenceError, match="shrink"):
        sc.shrink([0, 10, 0, 20, 0, 8], [10, 10, 20, 20, 5, 8])


@pytest.mark.parametrize("x, n, kwargs, match", [
    ([0, 0, 0], [10, 20, 30], {}, "x must have a positive total"),
    ([0, 0, 0], [10.5, 20, 30], dict(kind="rate"), "x must have a positive total"),
    ([10, 20], [10, 20], {}, "x equals n in every area"),
    ([3], [10], {}, "at least 2"),
    ([3, 30], [10, 20], {}, "n must be >= x"),
    ([3, 4], [10.5, 20], {}, "n must be whole"),
    ([3, 4], [10, 20], dict(kind="ratio"), "kind"),
    ([3, 4], [10, 20], dict(method="bayes"), "method"),
    ([3, 4], [10, 20], dict(conf=0), "conf"),
    ([3, -4], [10, 20], {}, "x must be non-negative"),
])
def test_shrink_bad_input(x, n, kwargs, match):
    with pytest.raises(ValueError, match=match):
        sc.shrink(x, n, **kwargs)


# ---- whole-family properties --------------------------------------------------------------


def test_functions_are_exported():
    for name in ("funnel", "ratio_significance", "disparity_indices", "shrink"):
        assert getattr(sc, name) is getattr(dmod, name)


@pytest.mark.parametrize("call, argument", [
    ('sc.funnel([1e17, 10, 20], [100., 200, 300], kind="rate")', "numerator"),
    ("sc.funnel([12., 25, 31], [1e300, 2e300, 3e300])", "denominator"),
])
def test_funnel_counts_from_2_53_are_refused_without_hanging(call, argument):
    from conftest import assert_counts_refused
    assert_counts_refused(call, argument)


def test_bootstrap_of_counts_beyond_unsigned_int_ends():
    """Poisson draws of means beyond GSL's unsigned int range take the normal approximation."""
    from conftest import run_bounded
    last = run_bounded("r = sc.disparity_indices([5e9, 25, 31], [1e10, 200, 300], bootstrap=10, "
                       "seed=1)\nprint(bool((r.lower <= r.upper).all()))")
    assert last == "True"


def test_normal_funnel_chart_clips_what_it_draws():
    """Negative normal limits stay in the numbers; the chart draws them at 0."""
    import matplotlib.pyplot as plt
    res = sc.funnel([1, 2, 30], [5, 8, 100], method="normal")
    assert (res.curve(50)["lower"] < 0).any()
    ax = res.plot(n_points=50)
    assert min(np.min(line.get_ydata()) for line in ax.get_lines()) >= 0.0
    plt.close(ax.figure)


def test_funnel_z_beyond_a_double_is_a_numerical_error():
    with pytest.raises(sc.NumericalError, match="z-score.*numerator or denominator too extreme"):
        sc.funnel([12., 25, 31], [1e300, 2e300, 3e300], kind="rate")


@pytest.mark.parametrize("e", [1e8, 1e15, 1e100])
def test_exact_ratio_limits_at_vast_expected_counts(e):
    """Gamma quantiles of vast shape (Cornish-Fisher): limits around 1, the areas far below."""
    expected = np.array([e, 2 * e, 3 * e])
    res = sc.funnel([12., 25, 31], expected, kind="ratio")
    if e < 1e20:
        np.testing.assert_allclose(res.lower[:, 0] * expected, stats.gamma.ppf(0.025, expected),
                                   rtol=1e-13)
    assert (res.lower <= 1).all() and (res.upper >= 1).all()
    assert all(f.startswith("low") for f in res.flag)


def test_shrink_every_proportion_0_or_1_has_no_interior_maximum():
    # each area's beta-binomial likelihood is at most its limit as the prior strength goes to 0
    x, n = np.array([0.0, 1909.0, 0.0]), np.array([10.0, 1909.0, 1.0])
    for order in ([0, 1, 2], [1, 0, 2], [2, 1, 0]):
        with pytest.raises(sc.ConvergenceError):
            sc.shrink(x[order], n[order])


def test_extreme_magnitudes_are_computed_or_named():
    with pytest.raises(sc.NumericalError, match="expected"):
        sc.ratio_significance([29, 26], [5e-324, 21.0])
    with pytest.raises(sc.NumericalError, match=r"\bn too extreme"):
        sc.disparity_indices([192.0, 161.0, 180.0], [5e-324, 463.0, 590.0])
    x, n, w = [192.0, 161.0, 180.0], [647.0, 463.0, 590.0], np.array([1.0, 0.7, 0.76])
    a, b = sc.disparity_indices(x, n, weights=w), sc.disparity_indices(x, n, weights=w * 2.0**1000)
    assert b.gini == pytest.approx(a.gini, rel=1e-12)


def test_indices_of_vast_rates_are_computed_not_overflowed():
    """Rates near 1e300 once gave cv = inf (their squares overflow): every index but the range
    is free of scale, and the range scales with the rates."""
    x, n = np.array([5.0, 6, 7, 12]), np.array([10.0, 11, 12, 13])
    plain = sc.disparity_indices(x, n)
    vast = sc.disparity_indices(x, n * 1e-300)
    for name in ("ratio", "cv", "gini", "theil", "mld"):
        assert getattr(vast, name) == pytest.approx(getattr(plain, name), rel=1e-12), name
    assert vast.range == pytest.approx(plain.range * 1e300, rel=1e-12)
    assert sc.disparity_indices([5, 6, 7], [1e-300, 1, 1]).cv == pytest.approx(np.sqrt(2.0))
