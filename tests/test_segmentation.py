"""Tests of scrutiny.segmentation.

References (tests/reference/):
- changepoint_pelt.py: R changepoint 2.2.4's PELT (src/PELT_one_func_minseglen.c,
  src/cost_general_functions.c, R/penalty_decision.R, R/sumstat.R) transliterated line by line
  into Python, since the R package is not in Debian; changepoint_pelt.csv holds its answers for
  the seeded series of cases().  The same module gives a brute-force optimal partitioning
  (every segmentation enumerated) for small series.
- ruptures 1.1 Pelt(model="l2", min_size=1, jump=1) with penalty 2 log n: the same
  segmentation as the normal-mean cost with the BIC penalty.
"""
from __future__ import annotations

import importlib.util
import math
import pathlib

import numpy as np
import pandas as pd
import pytest

from scrutiny.segmentation import changepoints

REF = pathlib.Path(__file__).parent / "reference"
_spec = importlib.util.spec_from_file_location("changepoint_pelt", REF / "changepoint_pelt.py")
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)
TABLE = pd.read_csv(REF / "changepoint_pelt.csv", comment="#", keep_default_na=False)


def _penalty(value: str):
    return value if value in ("mbic", "bic", "aic") else float(value)


# ---- agreement with R changepoint ---------------------------------------------------------------

@pytest.mark.parametrize("row", range(len(TABLE)))
def test_matches_r_changepoint_table(row):
    case = TABLE.iloc[row]
    data = {name: d for name, _, _, _, d in ref.cases()}[case["series"]]
    res = changepoints(data, cost=case["cost"], penalty=_penalty(case["penalty"]),
                       min_size=int(case["min_size"]))
    want = [int(v) for v in str(case["locations"]).split()]
    assert res.locations.tolist() == want
    assert res.objective == pytest.approx(float(case["objective"]), rel=1e-13)
    assert res.penalty == pytest.approx(float(case["pen_value"]), rel=1e-15)
    assert res.n_changes == len(want)


@pytest.mark.parametrize("cost", ["normal-mean", "normal-meanvar", "poisson"])
@pytest.mark.parametrize("penalty", ["mbic", "bic", "aic", 3.7])
def test_matches_transliteration_on_random_series(cost, penalty):
    rng = np.random.default_rng(abs(hash((cost, str(penalty)))) % 2**32)
    for _ in range(6):
        n = int(rng.integers(10, 150))
        if cost == "poisson":
            y = rng.poisson(rng.choice([0.3, 2.0, 9.0], size=n)).astype(float)
        else:
            y = rng.normal(rng.choice([0.0, 1.5, -2.0]), rng.choice([0.5, 1.0, 3.0]), size=n)
        size = int(rng.integers(2 if cost == "normal-meanvar" else 1, 4))
        cpts, objective = ref.pelt(y, cost, penalty, size)
        res = changepoints(y, cost=cost, penalty=penalty, min_size=size)
        assert res.locations.tolist() == [c - 1 for c in cpts]
        assert res.objective == pytest.approx(objective, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("cost", ["normal-mean", "poisson"])
@pytest.mark.parametrize("penalty", ["mbic", "bic", "aic", 1.3])
def test_exact_optimum_against_brute_force(cost, penalty):
    # with min_size = 1 PELT finds the minimum of sum(cost) + penalty x changes over every
    # segmentation (enumerated here)
    rng = np.random.default_rng(len(cost) * 100 + len(str(penalty)))
    for _ in range(8):
        n = int(rng.integers(4, 11))
        y = (rng.poisson(rng.choice([0.5, 4.0]), n).astype(float) if cost == "poisson"
             else np.round(rng.normal(0, 1, n) * rng.choice([1, 4]), 3))
        ends, best = ref.brute_force(y, cost, penalty, 1)
        res = changepoints(y, cost=cost, penalty=penalty)
        assert res.objective == pytest.approx(best, rel=1e-12, abs=1e-12)
        assert res.locations.tolist() == [e - 1 for e in ends]


def test_min_size_above_one_keeps_r_pruning():
    # R's pruning assumes any point may end a segment; with min_size = 2 it can drop the
    # optimum.  Here brute force finds no change (17.666) and R's PELT a change after 5
    # (17.799): scrutiny gives R's answer.
    y = np.array([0.35, 0.78, -0.75, 2.06, 0.42, -2.43, -1.86, 1.61])
    ends, best = ref.brute_force(y, "normal-mean", "bic", 2)
    cpts, r_objective = ref.pelt(y, "normal-mean", "bic", 2)
    assert ends == [] and cpts == [5] and r_objective > best + 0.1
    res = changepoints(y, penalty="bic", min_size=2)
    assert res.locations.tolist() == [4]
    assert res.objective == pytest.approx(r_objective, rel=1e-14)


def test_agrees_with_ruptures_l2_bic():
    import ruptures as rpt                 # a test dependency (pyproject.toml, extra "test")

    rng = np.random.default_rng(31)
    for _ in range(3):
        y = np.concatenate([rng.normal(rng.normal(0, 2), 1, L) for L in rng.integers(20, 70, 5)])
        bkps = rpt.Pelt(model="l2", min_size=1, jump=1).fit(y).predict(pen=2 * math.log(y.size))
        res = changepoints(y, penalty="bic")
        assert res.locations.tolist() == [b - 1 for b in bkps[:-1]]


def test_penalty_decision_as_r():
    y = np.random.default_rng(32).normal(size=150)
    for cost, d in (("normal-mean", 1), ("normal-meanvar", 2)):
        assert changepoints(y, cost=cost).penalty == pytest.approx((d + 2) * math.log(150))
        assert changepoints(y, cost=cost, penalty="bic").penalty == pytest.approx((d + 1) * math.log(150))
        assert changepoints(y, cost=cost, penalty="aic").penalty == 2 * (d + 1)
    assert changepoints(np.round(np.abs(y) * 3), cost="poisson", penalty="bic").penalty == \
        pytest.approx(2 * math.log(150))
    assert changepoints(y, penalty=7.25).penalty == 7.25


def test_segment_means_and_meanvar_minimum_size():
    rng = np.random.default_rng(33)
    y = np.concatenate([rng.normal(1, 0.3, 40), rng.normal(4, 2.0, 40)])
    res = changepoints(y, cost="normal-meanvar")
    ends = np.append(res.locations, y.size - 1)
    starts = np.append(0, ends[:-1] + 1)
    np.testing.assert_allclose(res.segment_means, [y[a:b + 1].mean() for a, b in zip(starts, ends)],
                               rtol=1e-12)
    assert res.min_size == 2                               # raised from 1, as cpt.meanvar
    two = changepoints(y, cost="normal-meanvar", min_size=2)
    assert two.locations.tolist() == res.locations.tolist() and two.objective == res.objective


# ---- batches, missing values, threads, inputs ---------------------------------------------------

def _batch(rng, rows, n):
    levels = rng.normal(0, 2, size=(rows, 4)).repeat(n // 4, axis=1)
    return levels + rng.normal(0, 1, size=(rows, n))


def test_batch_equals_row_by_row():
    rng = np.random.default_rng(34)
    y = _batch(rng, 20, 80)
    y[4, [3, 50]] = np.nan
    y[9, 1:] = np.nan                                       # too short after omitting
    for cost in ("normal-mean", "normal-meanvar"):
        batch = changepoints(y, cost=cost)
        for r in range(20):
            one = changepoints(y[r], cost=cost)
            assert one.status == batch.status[r]
            assert batch.locations[r].tolist() == one.locations.tolist()
            np.testing.assert_array_equal(batch.segment_means[r], one.segment_means)
            np.testing.assert_array_equal(batch.objective[r], one.objective)
        assert batch.status[9] == "too short" and np.isnan(batch.objective[9])


def test_missing_values_keep_original_positions():
    rng = np.random.default_rng(35)
    y = np.concatenate([rng.normal(0, 1, 30), rng.normal(3, 1, 30)])
    y[[4, 29, 33]] = np.nan
    keep = np.flatnonzero(~np.isnan(y))
    res = changepoints(y, penalty="bic")
    compact = changepoints(y[keep], penalty="bic")
    assert res.locations.tolist() == keep[compact.locations].tolist()
    np.testing.assert_allclose(res.segment_means, compact.segment_means, rtol=1e-12)
    assert res.objective == compact.objective
    prop = changepoints(y, nan_policy="propagate")
    assert prop.status == "missing values" and np.isnan(prop.objective) and prop.locations.size == 0
    with pytest.raises(ValueError, match="missing value"):
        changepoints(y, nan_policy="raise")
    with pytest.raises(ValueError, match="series 0: missing values"):
        changepoints(y[None, :], nan_policy="propagate", errors="raise")


# ---- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("call, exc, match", [
    (lambda: changepoints([1.0, 2.0, 3.0], cost="exponential"), ValueError, "cost must be one of"),
    (lambda: changepoints([1.0, 2.0, 3.0], penalty="sic"), ValueError, "penalty must be one of"),
    (lambda: changepoints([1.0, 2.0, 3.0], penalty=-1.0), ValueError, "penalty must be >= 0"),
    (lambda: changepoints([1.0, 2.0, 3.0], penalty=None), TypeError, "penalty must be"),
    (lambda: changepoints([1.0, 2.0, 3.0], penalty=True), TypeError, "penalty must be"),
    (lambda: changepoints([1.0, 2.0, 3.0], min_size=0), ValueError, "min_size must be >= 1"),
    (lambda: changepoints([1.0, 2.0, 3.0], min_size=1.5), TypeError, "min_size must be a whole"),
    (lambda: changepoints([1.0, 2.0, 3.0], min_size=2), ValueError, "y is too short"),
    (lambda: changepoints([1.0]), ValueError, "y is too short"),
    (lambda: changepoints([1.0, 2.0, 3.0, 2.0], cost="normal-meanvar", min_size=3), ValueError,
     "two segments of min_size 3"),
    (lambda: changepoints([1, 2, -1, 3], cost="poisson"), ValueError,
     r"y must be non-negative \(position 2"),
    (lambda: changepoints([1, 2, 1.5, 3], cost="poisson"), ValueError, "y must be whole counts"),
    (lambda: changepoints([1.0, np.inf, 3.0]), ValueError, "y must be finite"),
    (lambda: changepoints(np.ones((2, 2, 3))), ValueError, "y must be one series"),
    (lambda: changepoints([]), ValueError, "y is empty"),
    (lambda: changepoints(["a", "b"]), TypeError, "y must be numeric"),
    (lambda: changepoints([1.0, 2.0, 3.0], nan_policy="ignore"), ValueError, "nan_policy"),
    (lambda: changepoints([1.0, 2.0, 3.0], errors="warn"), ValueError, "errors must be one of"),
    (lambda: changepoints([1.0, 2.0, 3.0], threads=-2), ValueError, "threads must be >= 1"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_too_short_row_raises_when_asked():
    y = np.ones((2, 10))
    y[1, 1:] = np.nan
    res = changepoints(y)
    assert list(res.status) == ["ok", "too short"]
    with pytest.raises(ValueError, match="series 1: too short"):
        changepoints(y, errors="raise")


# ---- results ----------------------------------------------------------------------------------

def test_result_objects():
    rng = np.random.default_rng(38)
    y = _batch(rng, 2, 60)
    one = changepoints(y[0])
    assert repr(one).startswith("ChangepointResult(locations=")
    assert "<table" in one._repr_html_()
    frame = one.to_frame()
    assert list(frame.columns) == ["series", "segment", "start", "end", "mean"]
    assert frame["end"].iloc[-1] == 59 and len(frame) == one.n_changes + 1
    np.testing.assert_allclose(frame["mean"], one.segment_means)
    batch = changepoints(y)
    assert set(batch.to_frame()["series"]) == {0, 1}
    assert batch.locations.dtype == object and batch.locations.shape == (2,)
    assert one.plot().get_xlabel() == "position"
    with pytest.raises(ValueError, match="single series"):
        batch.plot()


# ---- counts with the unit-variance normal cost -------------------------------------------------

MONTHLY_COUNTS = [48, 58, 51, 56, 46, 57, 42, 55, 51, 49, 52, 58, 58, 58, 50, 52, 41, 54, 43, 60,
                  47, 51, 53, 47]


def test_counts_with_the_normal_mean_cost_warn_and_say_so():
    with pytest.warns(UserWarning, match=r"changepoints: cost='normal-mean' on counts \(whole "
                      r"numbers >= 0\): these counts vary with a noise variance of about \d+"):
        r = changepoints(MONTHLY_COUNTS)
    assert r.cost == "normal-mean" and r.n_changes > 5        # the default, as R, unchanged
    text = r.narrative()
    assert "not the 1 that the normal-mean cost assumes" in text
    assert "cost='poisson', or y divided by its noise standard deviation, suits them" in text
    gappy = np.array(MONTHLY_COUNTS, dtype=float)
    gappy[[3, 10]] = np.nan                                  # omitted, still counts
    with pytest.warns(UserWarning, match="cost='normal-mean' on counts"):
        changepoints(gappy)
    with pytest.warns(UserWarning, match=r"1 of 2 series, first 1\)"):
        both = changepoints([np.linspace(0.1, 2.4, 24), MONTHLY_COUNTS])
    lines = both.narrative()
    assert "noise variance" not in lines[0] and "noise variance" in lines[1]


def test_no_count_warning_for_poisson_cost_standardised_or_unit_scale_data():
    y = np.array(MONTHLY_COUNTS, dtype=float)
    assert changepoints(y, cost="poisson").n_changes == 0
    z = (y - y.mean()) / y.std()
    assert "noise variance" not in changepoints(z).narrative()
    assert "noise variance" not in changepoints(y, cost="normal-meanvar").narrative()
    small = [0, 1, 0, 2, 1, 0, 1, 1, 3, 4, 3, 2, 4, 3, 5, 3]     # counts of variance about 1
    assert "noise variance" not in changepoints(small).narrative()


def test_objective_beyond_a_double_is_named():
    from scrutiny.errors import NumericalError
    y = np.r_[1e308, np.arange(29.0)]
    with pytest.raises(NumericalError, match="y too extreme"):
        changepoints(y, cost="normal-meanvar")
