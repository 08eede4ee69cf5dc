"""Bundled demonstration data: schema, determinism, labelled synthetic, and the planted truth."""
import numpy as np
import pandas as pd
import pytest

import scrutiny as sc
from scrutiny.data import _generate

COUNT_COLUMNS = ["population", "recorded_crimes", "da_incidents", "da_arrests"]


@pytest.fixture(scope="module")
def lpa():
    return sc.data.sample("lpa_monthly")


def latest_year(frame):
    last = frame[frame["month"] > frame["month"].max() - 12]
    return last.groupby("area", sort=False)[["da_arrests", "da_incidents"]].sum()


def test_available_names_the_samples():
    assert sc.data.available() == ("lpa_monthly", "victim_survey")


def test_lpa_monthly_schema(lpa):
    assert list(lpa.columns) == ["area", "month", *COUNT_COLUMNS]
    assert lpa["month"].dtype == pd.PeriodDtype("M")
    for column in COUNT_COLUMNS:
        assert lpa[column].dtype == np.int64, column
        assert (lpa[column] >= 0).all(), column
    areas = lpa["area"].unique()
    months = lpa["month"].unique()
    assert 8 <= len(areas) <= 12
    assert 24 <= len(months) <= 36
    assert len(lpa) == len(areas) * len(months)
    assert not lpa.duplicated(["area", "month"]).any()
    # consecutive months, no gap
    ordered = pd.PeriodIndex(sorted(months), freq="M")
    assert (ordered[1:] - ordered[:-1] == ordered.freq).all()
    assert (lpa["da_arrests"] <= lpa["da_incidents"]).all()
    assert lpa.isna().sum().sum() == 0


def test_population_is_a_yearly_figure(lpa):
    year = (lpa["month"] - 3).dt.year  # April-March years, named by the year they start
    per_year = lpa.groupby(["area", year])["population"].nunique()
    assert (per_year == 1).all()
    assert 1_000_000 < lpa.groupby("month")["population"].sum().iloc[0] < 2_000_000


def test_same_frame_every_call(lpa):
    again = sc.data.sample("lpa_monthly")
    pd.testing.assert_frame_equal(lpa, again)
    assert again is not lpa
    again.loc[0, "da_arrests"] = -1  # a caller's edit must not leak into the next call
    pd.testing.assert_frame_equal(sc.data.sample("lpa_monthly"), lpa)


def test_documented_as_synthetic(lpa):
    description = lpa.attrs["description"]
    assert "SYNTHETIC" in description
    assert str(_generate.LPA_MONTHLY_SEED) in description
    assert lpa.attrs["synthetic"] is True
    assert "synthetic" in sc.data.sample.__doc__.lower()
    assert "seed" in _generate.__doc__


@pytest.mark.parametrize("name", ["calls", "ksi", "nope", "LPA_MONTHLY"])
def test_unknown_sample_names_the_available_ones(name):
    with pytest.raises(ValueError, match=r"name must be one of .*'lpa_monthly'.*" + name):
        sc.data.sample(name)


def test_sample_name_must_be_a_string():
    with pytest.raises(TypeError, match="name must be a string"):
        sc.data.sample(3)


def test_planted_arrest_rates_are_recovered(lpa):
    year = latest_year(lpa)
    rates = year["da_arrests"] / year["da_incidents"]
    force = year["da_arrests"].sum() / year["da_incidents"].sum()
    assert 0.31 < force < 0.35
    assert 0.20 < rates.min() < 0.27
    assert 0.41 < rates.max() < 0.47
    # the data rank the areas as the generator's arrest probabilities do, up to noise
    planted = pd.Series({p[0]: p[4] for p in _generate.LPA_PARAMETERS})
    assert rates.corr(planted[rates.index], method="spearman") > 0.9
    assert rates.idxmin() == planted.idxmin()


def test_between_area_spread_is_real(lpa):
    year = latest_year(lpa)
    test = sc.homogeneity(year["da_arrests"], year["da_incidents"])
    assert test.df == len(year) - 1
    assert test.pvalue < 1e-20
    funnel = sc.funnel(year["da_arrests"], year["da_incidents"])
    assert funnel.phi > 5  # overdispersed: far more spread than binomial chance


def test_counts_vary_more_than_poisson(lpa):
    # Month-to-month variance of recorded crimes within an area, against its mean (Poisson: 1),
    # on the last 12 months where population is fixed; the summer peak adds to it too.
    last = lpa[lpa["month"] > lpa["month"].max() - 12]
    stats = last.groupby("area")["recorded_crimes"].agg(["mean", "var"])
    assert (stats["var"] / stats["mean"]).median() > 5
