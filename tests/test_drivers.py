"""Satisfaction drivers: logistic, ordinal_logistic, relative_importance, key_drivers.

References (tests/reference/):
- drivers_r.R (R 4.2.2, MASS 7.3-58.2, survey 4.1-1; exact calls in the CSVs' `call` column):
  drivers_r_models.csv: glm(family = binomial) unweighted / prior weights / whole-number
  weights, svyglm(svydesign(ids = ~1, weights = ~w)), polr unweighted and weighted;
  drivers_r_importance.csv and drivers_r_dominance.csv: relaimpo 2.2-3's lmg, first, last,
  betasq, pratt (transliterated) and brute force with base lm() over all subsets on R's swiss
  (unweighted and with relaimpo's example weights abs(-23:23)); rwa 1.0.0's calculate_rwa and
  rwa_logit (transliterated); McFadden LMG, first, last and dominance of glm and polr fits
  over all subsets; on drivers_inputs.csv (simulated there with a fixed seed).
- drivers_bruteforce.py: NumPy oracles that fit every subset from scratch (lstsq; Newton).
"""
import importlib.util
import pathlib

import numpy as np
import pandas as pd
import pytest

import scrutiny as sc
from scrutiny import drivers as dmod
from scrutiny.drivers import key_drivers, logistic, ordinal_logistic, relative_importance

REF = pathlib.Path(__file__).parent / "reference"
_spec = importlib.util.spec_from_file_location("drivers_bruteforce", REF / "drivers_bruteforce.py")
brute = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(brute)

INPUTS = pd.read_csv(REF / "drivers_inputs.csv")
SWISS = pd.read_csv(REF / "drivers_swiss.csv")
MODELS = pd.read_csv(REF / "drivers_r_models.csv", keep_default_na=False, na_values=["NaN"])
IMPORTANCE = pd.read_csv(REF / "drivers_r_importance.csv")
DOMINANCE = pd.read_csv(REF / "drivers_r_dominance.csv")
DRIVERS = ["x1", "x2", "x3", "x4"]
PARTS = ["ease_of_contact", "time_to_arrive", "actions_taken", "kept_informed", "treatment"]
SWISS_X = SWISS.drop(columns="Fertility")
SWISS_WEIGHTS = np.abs(np.arange(-23, 24)).astype(float)


def r_model(case, quantity):
    rows = MODELS[(MODELS["case"] == case) & (MODELS["quantity"] == quantity)]
    return pd.Series(rows["value"].to_numpy(), index=rows["term"].to_numpy())


def r_importance(case, method):
    rows = IMPORTANCE[(IMPORTANCE["case"] == case) & (IMPORTANCE["method"] == method)]
    return pd.Series(rows["value"].to_numpy(), index=rows["driver"].to_numpy())


def r_dominance(case, kind):
    rows = DOMINANCE[(DOMINANCE["case"] == case) & (DOMINANCE["kind"] == kind)]
    return rows.pivot(index="driver", columns="other", values="value")


@pytest.fixture(scope="module")
def survey():
    return sc.data.sample("victim_survey")


# ---- logistic regression against R ------------------------------------------------------------

@pytest.mark.parametrize("case, weights", [("unweighted", None), ("weighted", "w"),
                                           ("frequency", "wf")])
def test_logistic_matches_r_glm(case, weights):
    w = None if weights is None else INPUTS[weights]
    fit = logistic(INPUTS[DRIVERS], INPUTS["ybin"], weights=w)
    for ours, quantity, rtol in ((fit.params, "estimate", 1e-9), (fit.bse, "se", 1e-8),
                                 (fit.zvalues, "z", 1e-8), (fit.pvalues, "pvalue", 1e-7)):
        ref = r_model(case, quantity)
        np.testing.assert_allclose(ours[ref.index], ref, rtol=rtol, err_msg=quantity)
    ci = fit.conf_int(0.9)
    np.testing.assert_allclose(ci["lower"], r_model(case, "lower90")[ci.index], rtol=1e-8)
    np.testing.assert_allclose(ci["upper"], r_model(case, "upper90")[ci.index], rtol=1e-8)
    assert fit.deviance == pytest.approx(r_model(case, "deviance").iloc[0], rel=1e-11)
    assert fit.null_deviance == pytest.approx(r_model(case, "null_deviance").iloc[0], rel=1e-12)
    if case != "weighted":
        assert fit.aic == pytest.approx(r_model(case, "aic").iloc[0], rel=1e-11)
    assert fit.pseudo_r2 == pytest.approx(1 - fit.deviance / fit.null_deviance, rel=1e-12)
    assert list(fit.params.index) == ["intercept", *DRIVERS]


def test_logistic_robust_matches_svyglm():
    fit = logistic(INPUTS[DRIVERS], INPUTS["ybin"], weights=INPUTS["w"], se="robust")
    np.testing.assert_allclose(fit.params, r_model("robust", "estimate")[fit.params.index], rtol=1e-9)
    np.testing.assert_allclose(fit.bse, r_model("robust", "se")[fit.params.index], rtol=1e-8)
    np.testing.assert_allclose(fit.pvalues, r_model("robust", "pvalue")[fit.params.index], rtol=1e-7)
    assert fit.df_resid == r_model("robust", "df_resid").iloc[0]
    ci = fit.conf_int(0.9)
    np.testing.assert_allclose(ci["lower"], r_model("robust", "lower90")[ci.index], rtol=1e-8)
    np.testing.assert_allclose(ci["upper"], r_model("robust", "upper90")[ci.index], rtol=1e-8)


@pytest.mark.parametrize("case, weights", [("polr_unweighted", None), ("polr_weighted", "w")])
def test_ordinal_matches_r_polr(case, weights):
    w = None if weights is None else INPUTS[weights]
    fit = ordinal_logistic(INPUTS[DRIVERS], INPUTS["yord"], weights=w)
    # polr maximises by BFGS (here with reltol = 1e-15) and differentiates its gradient
    # numerically for the Hessian: estimates agree to about 1e-7, standard errors to 1e-5
    np.testing.assert_allclose(fit.params, r_model(case, "estimate")[DRIVERS], rtol=2e-7)
    np.testing.assert_allclose(fit.thresholds, r_model(case, "threshold")[fit.thresholds.index],
                               rtol=2e-7)
    np.testing.assert_allclose(fit.bse, r_model(case, "se")[DRIVERS], rtol=2e-5)
    np.testing.assert_allclose(fit.thresholds_bse,
                               r_model(case, "threshold_se")[fit.thresholds.index], rtol=2e-5)
    assert fit.deviance == pytest.approx(r_model(case, "deviance").iloc[0], rel=1e-10)
    assert fit.aic == pytest.approx(r_model(case, "aic").iloc[0], rel=1e-10)
    assert list(fit.thresholds.index) == ["1|2", "2|3", "3|4", "4|5"]


def test_ordinal_with_two_levels_is_logistic():
    y = INPUTS["ybin"]
    ordinal = ordinal_logistic(INPUTS[DRIVERS], y, weights=INPUTS["w"])
    binary = logistic(INPUTS[DRIVERS], y, weights=INPUTS["w"])
    np.testing.assert_allclose(ordinal.params, binary.params[DRIVERS], rtol=1e-9)
    assert ordinal.thresholds.iloc[0] == pytest.approx(-binary.params["intercept"], rel=1e-9)
    assert ordinal.loglik == pytest.approx(binary.loglik, rel=1e-12)


def test_ordinal_levels_from_categorical_and_labels():
    labels = np.array(["poor", "fair", "good", "very good", "excellent"])
    codes = INPUTS["yord"].to_numpy().astype(int) - 1
    cat = pd.Categorical(labels[codes], categories=list(labels), ordered=True)
    by_cat = ordinal_logistic(INPUTS[DRIVERS], cat)
    by_levels = ordinal_logistic(INPUTS[DRIVERS], labels[codes], levels=list(labels))
    numeric = ordinal_logistic(INPUTS[DRIVERS], INPUTS["yord"])
    np.testing.assert_allclose(by_cat.params, numeric.params, rtol=1e-12)
    np.testing.assert_allclose(by_levels.thresholds.to_numpy(), numeric.thresholds.to_numpy(), rtol=1e-12)
    assert list(by_cat.thresholds.index)[0] == "poor|fair"


# ---- relative importance: linear models against relaimpo and brute force ----------------------

@pytest.mark.parametrize("case, weights", [("swiss", None), ("swiss_weighted", SWISS_WEIGHTS)])
@pytest.mark.parametrize("method, references", [
    ("lmg", ("lmg_relaimpo", "lmg")), ("first", ("first_relaimpo", "first")),
    ("last", ("last_relaimpo", "last")), ("betasq", ("betasq_relaimpo", "betasq")),
    ("pratt", ("pratt_relaimpo", "pratt")), ("relative_weights", ("relative_weights",)),
    ("dominance", ("lmg",))])
def test_linear_importance_matches_relaimpo_on_swiss(case, weights, method, references):
    ri = relative_importance(SWISS_X, SWISS["Fertility"], method=method, weights=weights)
    for ref_method in references:
        ref = r_importance(case, ref_method)
        np.testing.assert_allclose(ri.importance[ref.index], ref, rtol=1e-10, atol=1e-14,
                                   err_msg=ref_method)
    assert ri.r2 == pytest.approx(r_importance(case, "r2").iloc[0], rel=1e-12)
    np.testing.assert_allclose(ri.share, ri.importance / ri.importance.sum(), rtol=1e-14)
    assert ri.nobs == (47 if weights is None else 46)     # the weight-0 row is left out


def test_swiss_lmg_sums_to_r2_and_matches_relaimpo_documented_order():
    ri = relative_importance(SWISS_X, SWISS["Fertility"])
    assert ri.importance.sum() == pytest.approx(ri.r2, rel=1e-13)
    assert ri.r2 == pytest.approx(0.7067350016, abs=1e-10)    # summary(lm(Fertility ~ ., swiss))
    assert list(ri.to_frame()["driver"]) == ["Education", "Examination", "Infant.Mortality",
                                             "Catholic", "Agriculture"]


@pytest.mark.parametrize("case, weights", [("swiss", None), ("swiss_weighted", SWISS_WEIGHTS)])
def test_dominance_matches_brute_force(case, weights):
    ri = relative_importance(SWISS_X, SWISS["Fertility"], method="dominance", weights=weights)
    cond = r_dominance(case, "conditional")
    cond.columns = cond.columns.astype(int)
    np.testing.assert_allclose(ri.conditional.loc[cond.index, sorted(cond.columns)],
                               cond[sorted(cond.columns)], rtol=1e-10, atol=1e-14)
    comp = r_dominance(case, "complete")
    np.testing.assert_array_equal(ri.complete.loc[comp.index, comp.index].to_numpy(),
                                  comp[comp.index].to_numpy())
    np.testing.assert_allclose(ri.conditional.mean(axis=1), ri.importance, rtol=1e-12)


def test_linear_lmg_matches_numpy_brute_force_with_weights():
    rng = np.random.default_rng(7)
    n, p = 400, 8
    X = rng.normal(size=(n, p)) + 0.6 * rng.normal(size=(n, 1))
    y = X @ rng.uniform(-1, 1.5, p) + rng.normal(scale=2.0, size=n)
    w = rng.uniform(0.2, 3.0, n)
    phi, cond = brute.shapley(brute.linear_r2(X, y, w), p)
    ri = relative_importance(X, y, weights=w, method="dominance")
    np.testing.assert_allclose(ri.importance, phi, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(ri.conditional.to_numpy(), cond, rtol=1e-9, atol=1e-14)


def test_gray_code_blocks_agree_under_permutation():
    # p = 16 runs in 16 Gray-code blocks that restart from fresh sweeps; reordering the
    # drivers moves them between the block bits and the Gray bits, and must permute the result
    rng = np.random.default_rng(8)
    n, p = 3000, 16
    X = rng.normal(size=(n, p)) + 0.8 * rng.normal(size=(n, 1))
    y = X @ rng.uniform(-1, 1, p) + rng.normal(size=n)
    base = relative_importance(X, y)
    order = rng.permutation(p)
    moved = relative_importance(X[:, order], y)
    np.testing.assert_allclose(moved.importance.to_numpy(), base.importance.to_numpy()[order],
                               rtol=1e-10, atol=1e-15)
    assert base.importance.sum() == pytest.approx(base.r2, rel=1e-11)


# ---- relative importance: logistic and ordinal models -----------------------------------------

@pytest.mark.parametrize("model, y", [("logistic", "ybin"), ("ordinal", "yord")])
@pytest.mark.parametrize("method", ["lmg", "first", "last"])
def test_mcfadden_importance_matches_r_brute_force(model, y, method):
    ri = relative_importance(INPUTS[DRIVERS], INPUTS[y], method=method, model=model,
                             weights=INPUTS["w"])
    ref = r_importance(model, method)
    # polr's BFGS optimum (reltol 1e-15) is good to about 1e-9 in the log-likelihood
    rtol = 1e-9 if model == "logistic" else 1e-6
    np.testing.assert_allclose(ri.importance[ref.index], ref, rtol=rtol, atol=1e-12)
    assert ri.r2 == pytest.approx(r_importance(model, "r2").iloc[0], rel=rtol)


@pytest.mark.parametrize("model, y", [("logistic", "ybin"), ("ordinal", "yord")])
def test_mcfadden_dominance_matches_r_brute_force(model, y):
    ri = relative_importance(INPUTS[DRIVERS], INPUTS[y], method="dominance", model=model,
                             weights=INPUTS["w"])
    cond = r_dominance(model, "conditional")
    cond.columns = cond.columns.astype(int)
    rtol = 1e-8 if model == "logistic" else 1e-5
    np.testing.assert_allclose(ri.conditional.loc[cond.index, sorted(cond.columns)],
                               cond[sorted(cond.columns)], rtol=rtol, atol=1e-10)
    comp = r_dominance(model, "complete")
    np.testing.assert_array_equal(ri.complete.loc[comp.index, comp.index].to_numpy(),
                                  comp[comp.index].to_numpy())


def test_logistic_lmg_matches_numpy_brute_force():
    rng = np.random.default_rng(9)
    n, p = 300, 5
    X = rng.normal(size=(n, p)) + 0.5 * rng.normal(size=(n, 1))
    eta = -0.4 + X @ np.array([1.1, -0.7, 0.4, 0.0, 0.25])
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    w = rng.uniform(0.3, 2.5, n)
    phi, _ = brute.shapley(brute.mcfadden_r2(X, y, w), p)
    ri = relative_importance(X, y, model="logistic", weights=w)
    np.testing.assert_allclose(ri.importance, phi, rtol=1e-9, atol=1e-14)
    assert ri.importance.sum() == pytest.approx(ri.r2, rel=1e-12)


def test_logistic_relative_weights_match_rwa_logit():
    ri = relative_importance(INPUTS[DRIVERS], INPUTS["ybin"], method="relative_weights",
                             model="logistic")
    ref = r_importance("logistic", "relative_weights")
    np.testing.assert_allclose(ri.importance[ref.index], ref, rtol=1e-8)
    assert ri.importance.sum() == pytest.approx(ri.r2, rel=1e-12)


# ---- bootstrap --------------------------------------------------------------------------------

def test_bootstrap_is_seeded_and_independent_of_threads():
    X, y, w = SWISS_X, SWISS["Fertility"], SWISS_WEIGHTS + 0.5
    one = relative_importance(X, y, weights=w, bootstrap=300, seed=11, threads=1)
    two = relative_importance(X, y, weights=w, bootstrap=300, seed=11, threads=2)
    again = relative_importance(X, y, weights=w, bootstrap=300, seed=11)
    np.testing.assert_array_equal(one.replicates, two.replicates)
    np.testing.assert_array_equal(one.replicates, again.replicates)
    other = relative_importance(X, y, weights=w, bootstrap=300, seed=12)
    assert not np.array_equal(one.replicates, other.replicates)
    assert one.seed == 11 and one.failed == 0 and one.replicates.shape == (300, 5)
    # percentile intervals: type-7 quantiles of the replicates
    np.testing.assert_allclose(one.lower, np.quantile(one.replicates, 0.025, axis=0), rtol=1e-14)
    np.testing.assert_allclose(one.upper, np.quantile(one.replicates, 0.975, axis=0), rtol=1e-14)
    shares = one.replicates / one.replicates.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(one.share_lower, np.quantile(shares, 0.025, axis=0), rtol=1e-14)
    assert (one.lower <= one.importance).all() and (one.importance <= one.upper).all()


def test_bootstrap_without_seed_records_the_seed_it_drew():
    first = relative_importance(SWISS_X, SWISS["Fertility"], bootstrap=20)
    replay = relative_importance(SWISS_X, SWISS["Fertility"], bootstrap=20, seed=first.seed)
    np.testing.assert_array_equal(first.replicates, replay.replicates)


def test_bootstrap_of_a_logistic_model_and_dominance():
    ri = relative_importance(INPUTS[DRIVERS], INPUTS["ybin"], model="logistic", bootstrap=40,
                             seed=3, method="dominance")
    assert ri.replicates.shape == (40, 4) and ri.failed == 0
    np.testing.assert_allclose(ri.replicates.sum(axis=1), np.nan_to_num(ri.replicates).sum(axis=1))
    assert ri.r2_lower <= ri.r2 <= ri.r2_upper


def test_bootstrap_interval_coverage_by_simulation():
    # population LMG of y = x1 + 0.5 x2 + e with corr(x1, x2) = 0.5, var(e) = 1:
    # R2({x1}) = (1 + 0.25)^2 / var(y), R2({x2}) = (0.5 + 0.5)^2 / var(y), var(y) = 2.75
    vy = 1 + 0.25 + 2 * 0.5 * 0.5 + 1
    r2_full = (vy - 1) / vy
    r1, r2_ = 1.25 ** 2 / vy, 1.0 / vy
    truth = np.array([(r1 + r2_full - r2_) / 2, (r2_ + r2_full - r1) / 2])
    rng = np.random.default_rng(2024)
    cov = np.array([[1, 0.5], [0.5, 1]])
    hits, reps = np.zeros(2), 120
    for k in range(reps):
        X = rng.multivariate_normal([0, 0], cov, size=150)
        y = X @ [1.0, 0.5] + rng.normal(size=150)
        ri = relative_importance(X, y, bootstrap=200, conf=0.9, seed=k)
        hits += (ri.lower.to_numpy() <= truth) & (truth <= ri.upper.to_numpy())
    coverage = hits / reps
    assert ((coverage > 0.78) & (coverage < 0.98)).all(), coverage


def test_logistic_wald_interval_coverage_and_test_size_by_simulation():
    rng = np.random.default_rng(77)
    covered, rejected, reps = 0, 0, 300
    for _ in range(reps):
        X = rng.normal(size=(250, 2))
        eta = -0.3 + 0.8 * X[:, 0]                      # x2 has no effect
        y = (rng.random(250) < 1 / (1 + np.exp(-eta))).astype(float)
        fit = logistic(X, y)
        lo, hi = fit.conf_int(0.9).loc["x1"]
        covered += lo <= 0.8 <= hi
        rejected += fit.pvalues["x2"] < 0.05
    assert 0.85 <= covered / reps <= 0.95
    assert 0.02 <= rejected / reps <= 0.09


# ---- key drivers and the bundled survey -------------------------------------------------------

def test_victim_survey_sample(survey):
    assert list(survey.columns) == ["respondent", "quarter", "crime_type", "area", "weight",
                                    "overall", *PARTS]
    assert len(survey) == 2400 and survey["quarter"].dtype == pd.PeriodDtype("Q-DEC")
    assert survey["weight"].mean() == pytest.approx(1.0, abs=1e-3)
    for column in ["overall", *PARTS]:
        values = survey[column].dropna()
        assert values.between(1, 7).all() and (values == values.round()).all()
    assert 0.05 < survey["time_to_arrive"].isna().mean() < 0.15
    assert "SYNTHETIC" in survey.attrs["description"] and survey.attrs["synthetic"] is True
    pd.testing.assert_frame_equal(survey, sc.data.sample("victim_survey"))
    assert "victim_survey" in sc.data.available()


def test_planted_truth_is_recovered(survey):
    kd = key_drivers(survey, "overall", PARTS, weights="weight")
    assert list(kd.table["driver"][:3]) == ["kept_informed", "actions_taken", "treatment"]
    assert kd.quadrant["kept_informed"] == "concentrate here"
    violent = survey[survey["crime_type"] == "violent crime"]
    by_quarter = violent.groupby("quarter")["overall"].mean()
    assert by_quarter.iloc[-2:].mean() < by_quarter.iloc[:2].mean() - 0.5
    others = survey[survey["crime_type"] != "violent crime"].groupby("quarter")["overall"].mean()
    assert abs(others.iloc[-2:].mean() - others.iloc[:2].mean()) < 0.3


def test_key_drivers_quadrants_and_performance(survey):
    kd = key_drivers(survey, "overall", PARTS, weights="weight", bootstrap=50, seed=5)
    complete = survey.dropna(subset=PARTS)
    w = complete["weight"]
    expected = (complete[PARTS].mul(w, axis=0).sum() / w.sum())
    np.testing.assert_allclose(kd.performance[PARTS], expected[PARTS], rtol=1e-12)
    assert kd.importance_cut == pytest.approx(0.2) and kd.performance_cut == pytest.approx(expected.mean())
    for name in PARTS:
        high_imp = kd.importance[name] >= kd.importance_cut
        high_perf = kd.performance[name] >= kd.performance_cut
        want = {(True, False): "concentrate here", (True, True): "keep up the good work",
                (False, False): "low priority", (False, True): "possible overkill"}
        assert kd.quadrant[name] == want[(high_imp, high_perf)]
    assert kd.nobs == len(complete) and kd.n_dropped == len(survey) - len(complete)
    top = key_drivers(survey, "overall", PARTS, performance="top_box", top_box=6)
    share6 = (complete[PARTS] >= 6).mean()
    np.testing.assert_allclose(top.performance[PARTS], share6[PARTS], rtol=1e-12)
    text = kd.narrative()
    assert "'kept_informed' matters most" in text and "interval" in text
    assert "Concentrate here" in text and "not proof" in text


def test_key_drivers_chooses_logistic_for_a_binary_outcome(survey):
    frame = survey.assign(satisfied=(survey["overall"] >= 5).astype(int))
    kd = key_drivers(frame, "satisfied", PARTS, weights="weight")
    assert kd.model == "logistic"
    assert kd.table["driver"].iloc[0] == "kept_informed"
    assert "McFadden" in kd.narrative()


# ---- results -----------------------------------------------------------------------------------

def test_results_display_and_convert(survey):
    import matplotlib.pyplot as plt

    ri = relative_importance(SWISS_X, SWISS["Fertility"], bootstrap=30, seed=1)
    frame = ri.to_frame()
    assert list(frame.columns[:4]) == ["driver", "rank", "importance", "share"]
    assert "RelativeImportanceResult" in repr(ri) and "<table" in ri._repr_html_()
    assert set(ri.to_dict()) >= {"importance", "share", "r2", "lower", "upper", "method"}
    fit = logistic(INPUTS[DRIVERS], INPUTS["ybin"])
    assert list(fit.to_frame()["term"]) == ["intercept", *DRIVERS]
    assert "<table" in fit._repr_html_() and "pseudo_r2" in fit.summary()
    ordinal = ordinal_logistic(INPUTS[DRIVERS], INPUTS["yord"])
    assert len(ordinal.to_frame()) == 4 + 4
    kd = key_drivers(survey, "overall", PARTS, weights="weight", bootstrap=20, seed=2)
    for ax in (ri.plot(), kd.plot(), kd.plot(kind="bar")):
        assert ax.figure is not None
    labels = [t.get_text() for t in kd.plot().texts]
    assert "Concentrate here" in labels
    assert len(kd.to_frame()) == 5
    plt.close("all")


def test_public_names_are_in_the_module():
    for name in ("logistic", "ordinal_logistic", "relative_importance", "key_drivers"):
        assert name in dmod.__all__ and callable(getattr(dmod, name))


# ---- inputs, threads, layouts -----------------------------------------------------------------


def test_layouts_and_dtypes_give_the_same_answer():
    X = INPUTS[DRIVERS].to_numpy()
    y = INPUTS["ylin"].to_numpy()
    base = relative_importance(X, y).importance.to_numpy()
    fortran = np.asfortranarray(X)
    big_endian = X.astype(">f8")
    strided = np.repeat(X, 2, axis=1)[:, ::2]
    readonly = X.copy()
    readonly.flags.writeable = False
    for variant in (fortran, big_endian, strided, readonly, pd.DataFrame(X), X.tolist()):
        np.testing.assert_allclose(relative_importance(variant, y).importance.to_numpy(), base,
                                   rtol=1e-13)
    nullable = pd.Series(INPUTS["ybin"].astype("Int64"))
    nullable[5] = pd.NA
    fit = logistic(X, nullable)
    assert fit.n_dropped == 1 and fit.nobs == len(X) - 1


# ---- bad input ---------------------------------------------------------------------------------

def test_missing_values_listwise_deletion_or_raise():
    X = INPUTS[DRIVERS].copy()
    X.iloc[[4, 9, 17], [0, 2, 3]] = np.nan
    y = INPUTS["ylin"].copy()
    y.iloc[30] = np.nan
    ri = relative_importance(X, y)
    assert ri.n_dropped == 4 and ri.nobs == len(X) - 4
    complete = X.notna().all(axis=1) & y.notna()
    np.testing.assert_allclose(ri.importance, relative_importance(X[complete], y[complete]).importance,
                               rtol=1e-13)
    with pytest.raises(ValueError, match=r"X has a missing value \(row 4, driver 'x1'\).*raise"):
        relative_importance(X, y, nan_policy="raise")
    with pytest.raises(ValueError, match=r"y has a missing value \(row 30\)"):
        logistic(INPUTS[DRIVERS], INPUTS["ybin"].where(INPUTS.index != 30), nan_policy="raise")
    with pytest.raises(ValueError, match="nan_policy must be one of"):
        relative_importance(X, y, nan_policy="propagate")


@pytest.mark.parametrize("func", ["logistic", "relative_importance", "ordinal"])
def test_constant_and_collinear_drivers_are_named(func):
    X = INPUTS[DRIVERS].copy()
    y = INPUTS["yord"] if func == "ordinal" else INPUTS["ybin"]
    call = {"logistic": lambda X: logistic(X, y),
            "relative_importance": lambda X: relative_importance(X, y, model="logistic"),
            "ordinal": lambda X: ordinal_logistic(X, y)}[func]
    with pytest.raises(ValueError, match=r"constant driver \('flat'"):
        call(X.assign(flat=2.5))
    with pytest.raises(ValueError, match=r"perfectly collinear drivers \('x1', 'x2', 'total'\)"):
        call(X.assign(total=X["x1"] - 2 * X["x2"]))


def test_outcome_with_one_level_or_empty_levels():
    X = INPUTS[DRIVERS]
    with pytest.raises(ValueError, match="y has only one level"):
        logistic(X, np.ones(len(X)))
    with pytest.raises(ValueError, match="y has only one level"):
        ordinal_logistic(X, np.full(len(X), 3))
    with pytest.raises(ValueError, match="y is constant"):
        relative_importance(X, np.full(len(X), 4.2))
    cat = pd.Categorical(INPUTS["yord"].astype(int), categories=[1, 2, 3, 4, 5, 6])
    with pytest.raises(ValueError, match=r"y has empty levels \(6"):
        ordinal_logistic(X, cat)
    with pytest.raises(ValueError, match=r"y has empty levels \(0"):
        relative_importance(X, INPUTS["yord"], model="ordinal", levels=[0, 1, 2, 3, 4, 5])
    with pytest.raises(ValueError, match=r"y must be 0 or 1 \(row 0: 5\)"):
        logistic(X, INPUTS["yord"])
    with pytest.raises(ValueError, match="outside levels"):
        ordinal_logistic(X, INPUTS["yord"], levels=[1, 2, 3])


def test_weights_must_be_finite_and_non_negative():
    X, y = INPUTS[DRIVERS], INPUTS["ybin"]
    w = INPUTS["w"].to_numpy().copy()
    bad = w.copy()
    bad[7] = -1.5
    with pytest.raises(ValueError, match=r"weights must be finite and non-negative \(row 7: -1.5\)"):
        logistic(X, y, weights=bad)
    bad[7] = np.nan
    with pytest.raises(ValueError, match=r"weights must be finite and non-negative \(row 7: NaN\)"):
        relative_importance(X, y, weights=bad)
    with pytest.raises(ValueError, match="weights must have a positive total"):
        relative_importance(X, y, weights=np.zeros(len(y)))
    with pytest.raises(ValueError, match="weights must hold one value per observation"):
        logistic(X, y, weights=w[:-1])


def test_separation_raises_convergence_error_naming_the_driver():
    rng = np.random.default_rng(4)
    X = pd.DataFrame({"noise": rng.normal(size=80), "signal": np.r_[rng.uniform(-3, -0.1, 40),
                                                                     rng.uniform(0.1, 3, 40)]})
    y = (X["signal"] > 0).astype(int)
    for call in (lambda: logistic(X, y), lambda: relative_importance(X, y, model="logistic"),
                 lambda: ordinal_logistic(X, y)):
        with pytest.raises(sc.ConvergenceError, match=r"separated by 'signal'"):
            call()
    quasi = pd.DataFrame({"group": np.r_[np.zeros(30), np.ones(30)], "x": rng.normal(size=60)})
    yq = np.r_[rng.integers(0, 2, 30), np.ones(30)]
    with pytest.raises(sc.ConvergenceError, match="quasi-completely separated by 'group'"):
        logistic(quasi, yq)


def test_method_limits_and_model_combinations():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(100, 16))
    y = (X[:, 0] + rng.normal(size=100) > 0).astype(float)
    with pytest.raises(ValueError, match=r"allows at most 15 drivers for model='logistic' "
                                         r"\(got 16\); use method='relative_weights'"):
        relative_importance(X, y, model="logistic")
    wide = rng.normal(size=(60, 28))
    with pytest.raises(ValueError, match=r"at most 27 drivers.*relative_weights"):
        relative_importance(wide, rng.normal(size=60))
    with pytest.raises(ValueError, match=r"at most 22 drivers"):
        relative_importance(wide[:, :23], rng.normal(size=60), method="dominance")
    assert relative_importance(wide, rng.normal(size=60), method="relative_weights").r2 > 0
    with pytest.raises(ValueError, match="linear models only"):
        relative_importance(X[:, :3], y, model="logistic", method="pratt")
    with pytest.raises(ValueError, match="not defined for ordinal models"):
        relative_importance(X[:, :3], y, model="ordinal", method="relative_weights")
    with pytest.raises(ValueError, match="method must be one of"):
        relative_importance(X[:, :3], y, method="shapley")
    with pytest.raises(ValueError, match="model must be one of"):
        relative_importance(X[:, :3], y, model="probit")


def test_argument_errors_name_the_argument(survey):
    X, y = INPUTS[DRIVERS], INPUTS["ylin"]
    cases = [
        (lambda: relative_importance(X, y, conf=1.2), ValueError, r"conf must lie in \(0, 1\)"),
        (lambda: relative_importance(X, y, bootstrap=-1), ValueError, "bootstrap must be >= 0"),
        (lambda: relative_importance(X, y, bootstrap=2.5), TypeError, "bootstrap must be a whole number"),
        (lambda: relative_importance(X, y, seed=-3, bootstrap=2), ValueError, "seed must be >= 0"),
        (lambda: relative_importance(X, y[:-1]), ValueError, r"y must hold one value per row of X \(240 values\)"),
        (lambda: relative_importance(X.iloc[:0], y.iloc[:0]), ValueError, "X is empty"),
        (lambda: relative_importance(X.iloc[:5], y.iloc[:5]), ValueError, "too few complete rows"),
        (lambda: relative_importance("abc", y), TypeError, "X must be numeric"),
        (lambda: relative_importance(X.assign(area="north"), y), TypeError, "column 'area'"),
        (lambda: relative_importance(np.zeros((3, 2, 2)), y), ValueError, "X must be 2-dimensional"),
        (lambda: relative_importance(X.replace(X.iloc[2, 1], np.inf), y), ValueError,
         r"X must be finite \(row 2, driver 'x2' is infinite\)"),
        (lambda: relative_importance(X, y, threads=0), ValueError, "threads must be >= 1"),
        (lambda: logistic(X, INPUTS["ybin"], se="sandwich"), ValueError, "se must be one of"),
        (lambda: logistic(X, INPUTS["ybin"], conf=(0.9, 0.95)), TypeError, "conf must be a single"),
        (lambda: key_drivers(survey, "overall", ["nope"]), ValueError, "df has no column 'nope'"),
        (lambda: key_drivers(survey, "overall", PARTS, performance="median"), ValueError,
         "performance must be one of"),
        (lambda: key_drivers(survey.to_numpy(), "overall", PARTS), TypeError, "df must be a pandas"),
        (lambda: key_drivers(survey, "overall", "treatment"), TypeError, "drivers must be a sequence"),
        (lambda: key_drivers(survey, "overall", PARTS).plot(kind="pie"), ValueError, "kind must be one of"),
    ]
    for call, kind, message in cases:
        with pytest.raises(kind, match=message):
            call()


@pytest.mark.parametrize("y, levels, ordinal", [
    ([0, 1, 1e12, 0], 2, False), ([0, 1, -1, 1], 2, False), ([0, 1, 2, 3], 3, True),
    ([0, 1, np.nan, 2], 3, True),
])
def test_core_fit_checks_outcome_codes(y, levels, ordinal):
    """The binding is a boundary too: an outcome outside the levels is a ValueError from C."""
    from scrutiny import _core
    with pytest.raises(ValueError, match="domain"):
        _core.logit_fit(np.ones((4, 1)), np.array(y, dtype=float), np.ones(4), levels, ordinal, False)


def test_relative_importance_of_values_beyond_the_square_root_of_the_range():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 3))
    y = X @ [1.0, 0.5, 0.2] + rng.normal(size=60)
    a = sc.relative_importance(X, y)
    b = sc.relative_importance(X, y * 2.0**700)
    np.testing.assert_allclose(b.share, a.share, rtol=1e-9)
