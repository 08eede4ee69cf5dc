"""Bundled demonstration data: schema, determinism, labelled synthetic, and the planted truth."""
import hashlib
import time

import numpy as np
import pandas as pd
import pytest

import scrutiny as sc
from scrutiny.data import _generate

COUNT_COLUMNS = ["population", "recorded_crimes", "da_incidents", "da_arrests", "action_taken"]
SAMPLES = ("lpa_monthly", "victim_survey", "calls", "firearms_licensing", "ksi")


@pytest.fixture(scope="module")
def lpa():
    return sc.data.sample("lpa_monthly")


def latest_year(frame):
    last = frame[frame["month"] > frame["month"].max() - 12]
    return last.groupby("area", sort=False)[["da_arrests", "da_incidents"]].sum()


def test_available_names_the_samples():
    assert sc.data.available() == SAMPLES


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
    assert (lpa["action_taken"] <= lpa["recorded_crimes"]).all()
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


@pytest.mark.parametrize("name", ["call", "KSI", "nope", "LPA_MONTHLY"])
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


# ---- columns that must never change -------------------------------------------------------------
# SHA-256 (first 16 hex digits) of each column of the samples as they were first published,
# so a new column or sample drawn later cannot shift an existing one.  Integers and floats are
# hashed as their int64 / float64 bytes, everything else as its str() values joined by "|".
PINNED = {
    "lpa_monthly": {
        "area": "ee9e9d334cb75374", "month": "3f2e31fea6f01a07", "population": "665aa1ec9be5a5b1",
        "recorded_crimes": "8b4eea369d06bbba", "da_incidents": "6cd72788a083a523",
        "da_arrests": "136a24bee107b20e",
    },
    "victim_survey": {
        "respondent": "263a9d4ecbd76b77", "quarter": "46e94eaae0a894ea",
        "crime_type": "027f71a301101372", "area": "577a0bc3dafda746", "weight": "750931970856840f",
        "overall": "c3ae833ce6d8f063", "ease_of_contact": "4664a6a1604e142e",
        "time_to_arrive": "79e52c1c278a1e25", "actions_taken": "8b9ad2a2968b8b6d",
        "kept_informed": "54d4fa183c1c49d8", "treatment": "bb1dc4584ad5ab07",
    },
}


def column_digest(column: pd.Series) -> str:
    if isinstance(column.dtype, pd.PeriodDtype) or column.dtype.kind not in "iuf":
        raw = "|".join(map(str, column.tolist())).encode()
    else:
        kind = np.float64 if column.dtype.kind == "f" else np.int64
        raw = np.ascontiguousarray(column.to_numpy(dtype=kind)).tobytes()
    return hashlib.sha256(raw).hexdigest()[:16]


@pytest.mark.parametrize("name", sorted(PINNED))
def test_published_columns_are_unchanged(name):
    frame = sc.data.sample(name)
    digests = {column: column_digest(frame[column]) for column in PINNED[name]}
    assert digests == PINNED[name]
    assert list(frame.columns[:len(PINNED[name])]) == list(PINNED[name])


# ---- every sample -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_is_seeded_synthetic_and_fast(name):
    first = sc.data.sample(name)
    started = time.perf_counter()
    again = sc.data.sample(name)
    elapsed = time.perf_counter() - started
    pd.testing.assert_frame_equal(first, again)
    assert elapsed < 1.0, f"{name} took {elapsed:.2f} s"
    description = first.attrs["description"]
    assert description.startswith("SYNTHETIC demonstration data, not real")
    assert "default_rng(" in description
    assert first.attrs["synthetic"] is True
    assert f'"{name}"' in sc.data.sample.__doc__
    again.iloc[0, 0] = again.iloc[1, 0]  # an edit by the caller does not leak into the next call
    pd.testing.assert_frame_equal(sc.data.sample(name), first)


def test_action_taken_share_by_area_and_over_time(lpa):
    share = lpa.groupby("area")["action_taken"].sum() / lpa.groupby("area")["recorded_crimes"].sum()
    assert 0.11 < share.min() and share.max() < 0.17
    assert share.max() - share.min() > 0.02  # varies by area
    force = lpa["action_taken"].sum() / lpa["recorded_crimes"].sum()
    assert 0.12 < force < 0.16
    year = (lpa["month"] - 3).dt.year
    by_year = lpa.groupby(year)[["action_taken", "recorded_crimes"]].sum()
    rates = by_year["action_taken"] / by_year["recorded_crimes"]
    assert rates.iloc[0] > rates.iloc[-1] > rates.iloc[0] - 0.03  # a slight fall
    planted = pd.Series(dict(zip([p[0] for p in _generate.LPA_PARAMETERS],
                                 _generate.ACTION_TAKEN_SHARE)))
    assert share.corr(planted[share.index], method="spearman") > 0.8


# ---- calls --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def calls():
    return sc.data.sample("calls")


def within(frame, seconds):
    """Share of calls answered within ``seconds``: of calls offered, and of calls answered."""
    fast = frame["answered"] & (frame["wait_seconds"] <= seconds)
    return fast.mean(), fast[frame["answered"]].mean()


def test_calls_schema(calls):
    assert list(calls.columns) == ["call_id", "line", "arrived", "half_hour", "month", "answered",
                                   "abandoned", "wait_seconds", "handle_seconds"]
    assert calls["call_id"].dtype == np.int64
    assert (calls["call_id"].diff().iloc[1:] == 1).all()
    assert set(calls["line"]) == {"999", "101"}
    assert pd.api.types.is_string_dtype(calls["line"])
    for column in ("arrived", "half_hour"):
        assert calls[column].dtype == np.dtype("datetime64[ns]"), column
    assert calls["arrived"].is_monotonic_increasing
    assert calls["arrived"].min() >= pd.Timestamp("2022-04-01")
    assert calls["arrived"].max() < pd.Timestamp("2025-04-01")
    assert (calls["half_hour"] == calls["arrived"].dt.floor("30min")).all()
    assert calls["month"].dtype == pd.PeriodDtype("M")
    assert (calls["month"] == calls["arrived"].dt.to_period("M")).all()
    assert calls["month"].nunique() == 36
    assert calls["answered"].dtype == bool and calls["abandoned"].dtype == bool
    assert (calls["abandoned"] == ~calls["answered"]).all()
    for column in ("wait_seconds", "handle_seconds"):
        assert calls[column].dtype == np.float64, column
    assert (calls["wait_seconds"] >= 0).all() and calls["wait_seconds"].notna().all()
    assert (calls["handle_seconds"].isna() == calls["abandoned"]).all()
    assert (calls.loc[calls["answered"], "handle_seconds"] > 0).all()


def test_calls_volumes_and_profiles(calls):
    days = (calls["arrived"].max().normalize() - calls["arrived"].min().normalize()).days + 1
    per_day = calls["line"].value_counts() / days
    assert 140 < per_day["999"] < 160
    assert 235 < per_day["101"] < 265
    hour = calls["arrived"].dt.hour
    by_hour = calls.groupby(["line", hour]).size().unstack()
    assert by_hour.loc["999"].idxmax() in range(17, 23)      # 999 peaks in the evening
    assert by_hour.loc["101"].idxmax() in range(9, 20)       # 101 in the day
    assert by_hour.min(axis=1).min() > 0 and (by_hour.max(axis=1) / by_hour.min(axis=1) > 3).all()
    weekday = calls.loc[calls["line"] == "999", "arrived"].dt.day_of_week.value_counts()
    assert weekday[5] > weekday[1] * 1.1                     # 999: Saturday busier than Tuesday
    month = calls.groupby("month").size()
    summer = month[month.index.month.isin([6, 7, 8])].mean()
    winter = month[month.index.month.isin([12, 1, 2])].mean()
    assert summer > winter * 1.05


def test_calls_planted_service_levels(calls):
    line999 = calls[calls["line"] == "999"]
    line101 = calls[calls["line"] == "101"]
    for share in within(line999, 10):           # target 90 %: met, just
        assert 0.88 < share < 0.92
    for share in within(line101, 30):           # target 60 %: missed
        assert 0.50 < share < 0.58
    assert 0.005 < line999["abandoned"].mean() < 0.02
    assert 0.10 < line101["abandoned"].mean() < 0.15
    # 101: worse in the evening peak than in the working day, and worse over the last year
    hour = line101["arrived"].dt.hour
    evening = within(line101[hour.isin([17, 18, 19, 20])], 30)[0]
    day = within(line101[hour.isin([9, 10, 11, 12, 13, 14])], 30)[0]
    assert evening < day - 0.1
    last_year = line101["month"] >= pd.Period("2024-04", "M")
    assert within(line101[last_year], 30)[0] < within(line101[~last_year], 30)[0] - 0.02


def test_calls_waits_and_handle_times(calls):
    for line, mean in (("999", 300.0), ("101", 420.0)):
        handle = calls.loc[(calls["line"] == line) & calls["answered"], "handle_seconds"]
        assert abs(handle.mean() / mean - 1) < 0.03, line
        logs = np.log(handle)
        assert abs(float(pd.Series(logs).skew())) < 0.2, line  # lognormal: symmetric on logs
    # a queue's waits have a long, roughly exponential tail: among 101 callers who queued
    # more than a minute, the extra wait beyond a minute and beyond three minutes has a
    # similar mean (memorylessness, up to the mixing of busier and quieter half hours)
    waits = calls.loc[(calls["line"] == "101") & calls["answered"], "wait_seconds"]
    beyond_1, beyond_3 = (waits[waits > 60] - 60).mean(), (waits[waits > 180] - 180).mean()
    assert 0.7 < beyond_3 / beyond_1 < 1.6
    assert 0.01 < (waits > 300).mean() < 0.05      # a few wait five minutes or more


# ---- firearms licensing -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def firearms():
    return sc.data.sample("firearms_licensing")


def km_median(durations, observed):
    """Kaplan-Meier median (smallest time with survival <= 0.5), events before censorings at
    tied times; None when survival never falls to 0.5."""
    t = np.asarray(durations, dtype=float)
    e = np.asarray(observed, dtype=bool)
    order = np.lexsort((~e, t))
    t, e = t[order], e[order]
    at_risk = t.size - np.arange(t.size)
    survival = np.cumprod(np.where(e, 1 - 1 / at_risk, 1.0))
    hit = np.flatnonzero(survival <= 0.5)
    return float(t[hit[0]]) if hit.size else None


def test_km_median_helper_on_a_textbook_case():
    # Kleinbaum & Klein, Survival Analysis (3rd ed.), remission data, group 1 (6-MP):
    # median remission 23 weeks.
    weeks = [6, 6, 6, 7, 10, 13, 16, 22, 23, 6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]
    relapse = [1] * 9 + [0] * 12
    assert km_median(weeks, relapse) == 23.0


def test_firearms_schema(firearms):
    assert list(firearms.columns) == ["application_id", "certificate", "kind", "area", "received",
                                      "decided", "open", "days_waited", "outcome"]
    assert 2000 <= len(firearms) <= 4000
    assert firearms["application_id"].dtype == np.int64 and firearms["application_id"].is_unique
    assert set(firearms["certificate"]) == {"firearm", "shotgun"}
    assert set(firearms["kind"]) == {"grant", "renewal"}
    assert set(firearms["area"]) == {p[0] for p in _generate.LPA_PARAMETERS}
    for column in ("received", "decided"):
        assert firearms[column].dtype == np.dtype("datetime64[ns]"), column
    assert firearms["open"].dtype == bool and firearms["days_waited"].dtype == np.float64
    assert firearms["received"].min() >= pd.Timestamp("2021-04-01")
    assert firearms["received"].max() <= pd.Timestamp("2025-03-31")
    extract = pd.Timestamp("2025-03-31")
    is_open = firearms["open"]
    assert (firearms["decided"].isna() == is_open).all()
    assert (firearms["decided"].dropna() <= extract).all()
    assert ((firearms["outcome"] == "") == is_open).all()
    assert set(firearms.loc[~is_open, "outcome"]) == {"granted", "refused", "withdrawn"}
    closed = firearms[~is_open]
    assert ((closed["decided"] - closed["received"]).dt.days == closed["days_waited"]).all()
    opened = firearms[is_open]
    assert ((extract - opened["received"]).dt.days == opened["days_waited"]).all()
    assert (firearms["days_waited"] >= 0).all()


def test_firearms_planted_waits(firearms):
    assert 300 <= firearms["open"].sum() <= 1200              # several hundred open
    year = (firearms["received"].dt.to_period("M") - 3).dt.year
    medians = {y: km_median(g["days_waited"], ~g["open"]) for y, g in firearms.groupby(year)}
    assert 170 < medians[2021] < 260                          # about 200 days at first
    assert 400 < medians[2023] < 520                          # about 450 days recently
    assert medians[2021] < medians[2022] < medians[2023]
    decided = firearms[~firearms["open"]]
    recent = decided[decided["decided"] >= pd.Timestamp("2024-04-01")]
    assert recent["days_waited"].between(300, 660).mean() > 0.5
    assert (recent["days_waited"] > 150).mean() > 0.9        # the 150-day target is missed
    grants = firearms[firearms["kind"] == "grant"]
    renewals = firearms[firearms["kind"] == "renewal"]
    assert km_median(grants["days_waited"], ~grants["open"]) > \
        1.15 * km_median(renewals["days_waited"], ~renewals["open"])


# ---- KSI ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ksi():
    return sc.data.sample("ksi")


def test_ksi_schema(ksi, lpa):
    assert list(ksi.columns) == ["area", "month", "population", "killed", "seriously_injured",
                                 "ksi", "casualties"]
    assert ksi["month"].dtype == pd.PeriodDtype("M")
    for column in ksi.columns[2:]:
        assert ksi[column].dtype == np.int64, column
        assert (ksi[column] >= 0).all(), column
    pd.testing.assert_frame_equal(ksi[["area", "month", "population"]],
                                  lpa[["area", "month", "population"]])
    assert (ksi["ksi"] == ksi["killed"] + ksi["seriously_injured"]).all()
    assert (ksi["casualties"] >= ksi["ksi"]).all()


def test_ksi_planted_truth(ksi):
    monthly = ksi.groupby("month")[["ksi", "population"]].sum()
    rate = monthly["ksi"] / monthly["population"] * 1e5
    assert 4 < rate.mean() < 6
    by_area = ksi.groupby("area")[["ksi", "population"]].sum()
    area_rate = by_area["ksi"] / by_area["population"] * 1e5
    assert area_rate.idxmax() == "Valley"                     # the rural area
    force_rate = by_area["ksi"].sum() / by_area["population"].sum() * 1e5
    assert area_rate["Valley"] > 1.8 * force_rate                 # clearly higher
    assert area_rate.drop("Valley").max() < 1.4 * force_rate
    assert sc.homogeneity(by_area["ksi"], by_area["population"]).pvalue < 1e-10
    year = (ksi["month"] - 3).dt.year
    by_year = ksi.groupby(year)[["ksi", "population"]].sum()
    yearly = by_year["ksi"] / by_year["population"]
    assert yearly.iloc[-1] < yearly.iloc[0]                   # a small fall
    assert 0.02 < ksi["killed"].sum() / ksi["ksi"].sum() < 0.06
    assert 0.15 < ksi["ksi"].sum() / ksi["casualties"].sum() < 0.35
