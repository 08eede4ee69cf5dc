"""Satisfaction drivers from pandas: the table form ``(df, outcome, drivers, weights=<column>)``
of the model functions gives exactly the numbers of ``(X, y)`` (whose own numbers are checked
against R glm, survey::svyglm, MASS::polr and relaimpo in test_drivers.py); driver names come
from the columns; ``nan_policy`` is keyword-only; bad tables are refused by name."""
import warnings

import numpy as np
import pandas as pd
import pytest

import scrutiny as sc
from test_contract import assert_same

PARTS = ["ease_of_contact", "kept_informed", "treatment"]


@pytest.fixture(scope="module")
def survey():
    df = sc.data.sample("victim_survey")
    df["satisfied"] = (df["overall"] >= 5).astype(float)
    df.loc[[4, 17], "kept_informed"] = np.nan              # two incomplete answers
    return df


def incomplete(df, outcome):
    """Rows with a missing driver or outcome."""
    return int(df[[*PARTS, outcome]].isna().any(axis=1).sum())


def test_logistic_table_form_is_the_array_form(survey):
    plain = sc.logistic(survey[PARTS], survey["satisfied"], weights=survey["weight"],
                        se="robust")
    assert_same(sc.logistic(survey, "satisfied", PARTS, weights="weight", se="robust"), plain)
    assert_same(sc.logistic(survey, outcome="satisfied", drivers=PARTS, weights="weight",
                            se="robust"), plain)
    assert_same(sc.logistic(survey, "satisfied", PARTS, "weight", "robust"), plain)
    assert list(plain.params.index) == ["intercept", *PARTS]
    assert plain.n_dropped == incomplete(survey, "satisfied") > 2


def test_weights_by_column_are_the_weights_given(survey):
    by_column = sc.logistic(survey, "satisfied", PARTS, weights="weight")
    assert_same(by_column, sc.logistic(survey, "satisfied", PARTS,
                                       weights=survey["weight"].to_numpy()))
    unweighted = sc.logistic(survey, "satisfied", PARTS)
    assert not np.allclose(unweighted.params, by_column.params)


def test_ordinal_table_form_is_the_array_form(survey):
    plain = sc.ordinal_logistic(survey[PARTS], survey["overall"], survey["weight"])
    table = sc.ordinal_logistic(survey, "overall", PARTS, weights="weight")
    assert_same(table, plain)
    assert list(table.params.index) == PARTS
    assert list(table.thresholds.index)[0] == "1|2"


@pytest.mark.parametrize("model, outcome", [("linear", "overall"), ("logistic", "satisfied")])
def test_relative_importance_table_form_is_the_array_form(survey, model, outcome):
    plain = sc.relative_importance(survey[PARTS], survey[outcome], "dominance",
                                   survey["weight"], model, bootstrap=20, seed=3)
    table = sc.relative_importance(survey, outcome, PARTS, "dominance", "weight", model,
                                   bootstrap=20, seed=3)
    assert_same(table, plain)
    assert_same(sc.relative_importance(survey, outcome=outcome, drivers=PARTS,
                                       method="dominance", weights="weight", model=model,
                                       bootstrap=20, seed=3), plain)
    assert list(table.importance.index) == PARTS
    assert list(table.to_frame()["driver"]) == list(table.importance.sort_values(
        ascending=False, kind="stable").index)


def test_driver_names_come_from_the_columns_in_every_form(survey):
    names = pd.Index(PARTS)
    assert list(sc.logistic(survey, "satisfied", names).params.index)[1:] == PARTS
    assert list(sc.relative_importance(survey, "overall", PARTS[:1]).importance.index) == \
        PARTS[:1]
    one = sc.logistic(survey["kept_informed"], survey["satisfied"])      # one driver, a Series
    assert list(one.params.index) == ["intercept", "kept_informed"]
    kd = sc.key_drivers(survey, "overall", PARTS, weights="weight")
    assert list(kd.importance.index) == PARTS
    assert set(kd.to_frame()["driver"]) == set(PARTS)


def test_nan_policy_is_keyword_only(survey):
    X, y, w = survey[PARTS], survey["satisfied"], survey["weight"]
    with pytest.warns(DeprecationWarning, match="nan_policy= by keyword"):
        old = sc.logistic(X, y, w, "model", 0.95, "omit")
    assert_same(old, sc.logistic(X, y, w))
    with pytest.warns(DeprecationWarning, match="nan_policy="):
        sc.relative_importance(X, survey["overall"], "lmg", None, "linear", 0, 0.95, None,
                               "omit")
    with pytest.warns(DeprecationWarning, match="nan_policy="):
        sc.ordinal_logistic(X, survey["overall"], None, 0.95, "omit")
    with pytest.warns(DeprecationWarning, match="nan_policy="):
        sc.key_drivers(survey, "overall", PARTS, None, None, "lmg", "mean", None, 0, 0.95,
                       None, "omit")
    with pytest.raises(ValueError, match="missing"):
        sc.logistic(survey, "satisfied", PARTS, nan_policy="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sc.relative_importance(survey, "overall", PARTS).n_dropped == \
            incomplete(survey, "overall")


def test_bad_tables_are_refused_by_name(survey):
    with pytest.raises(ValueError, match="outcome='nope' is not a column"):
        sc.logistic(survey, "nope", PARTS)
    with pytest.raises(ValueError, match="drivers='missing_part' is not a column"):
        sc.relative_importance(survey, "overall", [*PARTS, "missing_part"])
    with pytest.raises(ValueError, match="weights='wt' is not a column"):
        sc.ordinal_logistic(survey, "overall", PARTS, weights="wt")
    with pytest.raises(ValueError, match="'overall' is given for both outcome and drivers"):
        sc.relative_importance(survey, "overall", ["overall", *PARTS])
    with pytest.raises(ValueError, match="'weight' is given for both drivers and weights"):
        sc.logistic(survey, "satisfied", [*PARTS, "weight"], weights="weight")
    with pytest.raises(TypeError, match="column 'area' has dtype"):
        sc.logistic(survey, "satisfied", ["area", *PARTS])
    with pytest.raises(TypeError, match="give drivers="):
        sc.logistic(survey, "satisfied")
    with pytest.raises(ValueError, match="repeated driver names"):
        sc.logistic(survey, "satisfied", ["treatment", "treatment"])
