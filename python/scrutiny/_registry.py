"""Every public function with small valid calls and the contracts it keeps.

``tests/test_contract.py`` runs each contract over this table: threads give the serial answer,
inputs are not modified, array layouts give the answer of C-ordered float64, results display
and convert, narratives keep the house vocabulary.  Each of an entry's ``examples`` is
``example(rng, size, folder) -> (args, kwargs)``, fresh inputs on every call: ``size`` units
(areas, series, intervals, respondents; at least as many as a comparison across areas needs)
drawn from ``rng`` with "high entropy" values, files written under ``folder``.  The first
example is the plain call; the others reach other options and input types (pandas, missing
values, several confidence levels).
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

# Contracts beyond those every entry keeps (inputs not modified):
THREADS = "threads"        # 8 Python threads calling at once give the serial answer
OPENMP = "openmp"          # threads=1 and threads=2 give the same answer at PARALLEL_SIZE units
                           # (the first example)
RESULT = "result"          # returns a Result: repr, summary, _repr_html_, to_dict, to_frame
NARRATIVE = "narrative"    # the result's narrative() keeps the house vocabulary
PLOT = "plot"              # the result's plot() draws on matplotlib axes
ONE_SERIES = "one series"  # at size 1 the first example is one series (what plot() draws)

PARALLEL_SIZE = 2100       # units: above the core's threshold for OpenMP threads (2048)
SIZE = 7                   # units in the ordinary examples


@dataclasses.dataclass(frozen=True)
class Entry:
    """One public function: its name, fresh example calls and the contracts that apply."""

    name: str               # the public name under ``scrutiny`` ("rates.dsr" is "dsr")
    examples: tuple         # of (rng, size, folder) -> (args, kwargs)
    arrays: tuple = ()      # numeric array arguments: given as ndarrays, the layouts vary them
    tags: frozenset = frozenset()


def call(*args, **kwargs):
    """An example's ``(args, kwargs)``."""
    return args, kwargs


# ---- shared inputs --------------------------------------------------------------------------

def _trials(rng, size, p=0.31, least=1):
    """Successes out of trials in ``size`` areas (at least ``least``: a comparison across areas)."""
    n = rng.integers(37, 913, max(size, least)).astype(float)
    return rng.binomial(n.astype(int), p).astype(float), n


def _area_table(rng, size, least=1):
    """A tidy table of ``size`` areas in two forces: arrests out of incidents against a target,
    crimes in two years and residents (the rates family's pandas form)."""
    x, n = _trials(rng, size, least=least)
    k = len(x)
    return pd.DataFrame({"force": np.where(np.arange(k) % 2, "West Mercia", "Warwickshire"),
                         "area": [f"Area {chr(65 + i % 26)}{i}" for i in range(k)],
                         "arrests": x, "incidents": n, "target": 0.2385,
                         "crimes_before": rng.poisson(27.1, k), "crimes": rng.poisson(23.7, k),
                         "residents": rng.uniform(1811.0, 52237.0, k)})


def _strata_table(rng, size):
    """A long table of ``size`` areas x 4 age bands: deaths, residents and a standard."""
    areas = np.repeat([f"Area {i}" for i in range(size)], 4)
    return pd.DataFrame({"area": areas, "age": np.tile(["0-15", "16-44", "45-64", "65+"], size),
                         "deaths": rng.poisson(17.3, 4 * size),
                         "residents": rng.uniform(1813.0, 12377.0, 4 * size),
                         "esp": np.tile([5511.0, 12487.0, 3530.0, 2113.0], size)})


def _series(rng, size, length=24, missing=0.0):
    """``size`` series of ``length`` values with a trend and noise (size 1: one 1-D series)."""
    drift = rng.normal(0.0, 0.29, (size, 1)) * np.arange(length)
    y = 41.7 + drift + rng.normal(0.0, 2.385, (size, length))
    y[:, 3:][rng.random((size, length - 3)) < missing] = np.nan
    return y[0] if size == 1 else y


def _dated(rng, size, length=24, gaps=(5, 13)):
    """``size`` monthly series with months missing: a Series with a PeriodIndex (size 1) or a
    frame with a DatetimeIndex and one column per area."""
    y = _series(rng, size, length)
    months = pd.period_range("2022-01", periods=length + len(gaps), freq="M").delete(list(gaps))
    if size == 1:
        return pd.Series(y, index=months)
    return pd.DataFrame(y.T, index=months.to_timestamp(),
                        columns=[f"Area {k:02d}" for k in range(size)])


def _counts(rng, size, length=24, missing=0.0):
    """Seasonal monthly counts and their exposure (size 1: one 1-D series)."""
    exposure = rng.uniform(913.0, 1187.0, (size, length))
    season = 1 + 0.23 * np.sin(2 * np.pi * np.arange(length) / 12)
    counts = rng.poisson(0.0523 * exposure * season).astype(float)
    counts[:, 3:][rng.random((size, length - 3)) < missing] = np.nan
    return (counts[0], exposure[0]) if size == 1 else (counts, exposure)


def _spc(chart, missing=0.0, **options):
    """An SPC example: a chart's values (and denominators, for p and u charts)."""
    def example(rng, size, folder):
        n = rng.integers(53, 397, (size, 24)).astype(float)
        if chart in ("p", "pp"):
            y = rng.binomial(n.astype(int), rng.uniform(0.1, 0.6, (size, 1))).astype(float)
        elif chart in ("u", "up", "c"):
            y = rng.poisson(n * 0.0523).astype(float)
        else:
            y = _series(rng, size, missing=missing)
        extra = {"n": n} if chart in ("p", "pp", "u", "up") else {}
        return call(y, chart=chart, **extra, **options)
    return example


def _survey(rng, size):
    """A survey frame: three driver ratings, outcomes and a design weight."""
    m = 60 + 9 * size
    parts = rng.normal(0.0, 1.0, (m, 3)) + rng.normal(0.0, 0.7, (m, 1))
    eta = parts @ np.array([0.83, 0.41, -0.27])
    return pd.DataFrame({"contact": parts[:, 0], "informed": parts[:, 1], "arrival": parts[:, 2],
                         "overall": eta + rng.normal(0.0, 1.1, m),
                         "satisfied": (rng.random(m) < 1 / (1 + np.exp(-eta))).astype(float),
                         "rating": np.digitize(eta + rng.logistic(size=m), [-1.3, 0.2, 1.6]) + 1.0,
                         "weight": rng.uniform(0.61, 1.87, m)})


def _drivers(rng, size, outcome, missing=False):
    s = _survey(rng, size)
    X = s[["contact", "informed", "arrival"]].to_numpy(copy=True)
    if missing:
        X[3, 1] = np.nan
    return X, s[outcome].to_numpy(), s["weight"].to_numpy()


def _calls(rng, size):
    volume = rng.uniform(43.0, 297.0, size)
    return volume, np.ceil(volume * 187.0 / 1800.0) + rng.integers(1, 6, size)


def _intervals(size):
    """Half-hour labels from 07:00, one per unit."""
    return [f"{7 + k // 2:02d}:{30 * (k % 2):02d}" for k in range(size)]


def _waits(rng, size):
    m = 40 + 6 * size
    return (np.round(rng.exponential(47.3, m)) + 1.0, (rng.random(m) < 0.71).astype(float),
            rng.choice(["Northmoor", "Westmoor"], m))


def _dates(rng, size):
    received = pd.Timestamp("2024-01-03") + pd.to_timedelta(rng.integers(0, 300, 12 + size), "D")
    decided = received + pd.to_timedelta(rng.integers(3, 190, 12 + size), "D")
    return pd.Series(received), pd.Series(decided.where(rng.random(12 + size) < 0.83))


_WEIGHTS = {"Burglary": 40.3, "Robbery": 365.2, "Shoplifting": 1.7, "Criminal damage": 7.45}


def _units_table(rng, size, least):
    """A tidy table of ``size`` areas (at least ``least``) in two forces: x of n each."""
    x, n = _trials(rng, size, least=least)
    areas = [f"Area {k:02d}" for k in range(x.size)]
    return pd.DataFrame({"force": ["North", "South"] * (x.size // 2) + ["North"] * (x.size % 2),
                         "area": areas, "x": x, "n": n})


def _crimes(rng, size, periods=1):
    """Counts by area, year and crime type, with each area's population."""
    areas = [f"Area {k:02d}" for k in range(size)]
    index = pd.MultiIndex.from_product([areas, range(2019, 2019 + periods), list(_WEIGHTS)],
                                       names=["area", "year", "crime_type"])
    frame = index.to_frame(index=False)
    frame["count"] = rng.poisson(np.tile([23.7, 4.1, 61.3, 17.9], size * periods))
    frame["population"] = frame["area"].map(dict(zip(areas, rng.integers(18_311, 94_577, size))))
    return frame


def _monthly(rng, size, months=24):
    """One row per area and month: incidents and arrests."""
    areas = [f"Area {k:02d}" for k in range(size)]
    month = pd.period_range("2023-01", periods=months, freq="M")
    index = pd.MultiIndex.from_product([areas, month], names=["area", "month"])
    frame = index.to_frame(index=False)
    frame["incidents"] = rng.integers(83, 161, len(frame))
    frame["arrests"] = rng.binomial(frame["incidents"], 0.27)
    return frame


def _wide(monthly, value="arrests"):
    """A column of :func:`_monthly` as a frame with one column per area (a PeriodIndex) and
    May 2023 missing."""
    wide = monthly.pivot(index="month", columns="area", values=value)
    return wide.drop(index=pd.Period("2023-05", "M"))


_STREET = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
           "LSOA name,Crime type,Last outcome category,Context\n")


def _street_file(rng, size, folder):
    rows = [f"c{k},2024-0{1 + k % 3},Northmoor Police,Northmoor Police,-2.{k:03d},52.{k:03d},"
            f"On or near High Street,E0100000{k % 4},Northmoor 00{k % 4}A,"
            f"{list(_WEIGHTS)[k % 4]},Under investigation,\n" for k in range(3 * size)]
    path = folder / "2024-01-northmoor-street.csv"
    path.write_text(_STREET + "".join(rows), encoding="utf-8")
    return path


def _population_file(rng, size, folder):
    rows = "".join(f"E0100000{k},{v}\n" for k, v in enumerate(rng.integers(1311, 2977, size)))
    path = folder / "lsoa21_population_mid2022.csv"
    path.write_text("lsoa21cd,population_mid2022\n" + rows, encoding="utf-8")
    return path


def _weights_file(rng, size, folder):
    path = folder / "weights.csv"
    path.write_text("crime_type,weight\n" + "".join(f"{k},{v}\n" for k, v in _WEIGHTS.items()),
                    encoding="utf-8")
    return path


def _screen_counts(rng, size):
    """A counts table for the screen: ``size`` LSOAs of two forces, two crime types, 14 months."""
    areas = max(size, 3)
    months = pd.period_range("2023-01", periods=14, freq="M")
    grid = pd.MultiIndex.from_product([range(2 * areas), ["Burglary", "Robbery"], months],
                                      names=["area", "crime_type", "month"]).to_frame(index=False)
    grid["falls_within"] = np.where(grid["area"] < areas, "Northmoor Police", "Southmoor Police")
    grid["lsoa_code"] = [f"E01{k:06d}" for k in grid["area"]]
    grid["lsoa_name"] = [f"Moor {k // 4 + 1:03d}{'ABCD'[k % 4]}" for k in grid["area"]]
    grid["count"] = rng.poisson(6.0, len(grid))
    return grid.drop(columns="area")


def _records(rng, size):
    months = pd.PeriodIndex(rng.choice(["2024-01", "2024-02", "2024-03"], 5 * size), freq="M")
    return pd.DataFrame({"lsoa_code": rng.choice(["E01000001", "E01000002", "E01000003"], 5 * size),
                         "month": months, "crime_type": rng.choice(list(_WEIGHTS), 5 * size)})


def _lsoa_counts(rng, size):
    counts = pd.DataFrame({"lsoa_code": ["E01000001", "E01000002", "E01000009"],
                           "count": rng.poisson(13.7, 3)})
    population = pd.DataFrame({"lsoa_code": ["E01000001", "E01000002", "E01000003"],
                               "local_authority": ["A", "A", "B"],
                               "population": rng.integers(1311, 2977, 3)})
    return counts, population


_REPORT_SPEC = {"title": "Arrests", "measure": [
    {"name": "Arrest rate", "source": "data", "kind": "proportion", "numerator": "arrests",
     "denominator": "incidents", "area": "area", "time": "month"}]}


# ---- the registry ---------------------------------------------------------------------------

_PURE = frozenset({THREADS, RESULT, NARRATIVE})           # statistics without a chart
_CHART = _PURE | {PLOT}
_BATCH = _CHART | {OPENMP, ONE_SERIES}

ENTRIES = (
    # rates
    Entry("proportion_ci", (
        lambda rng, size, folder: call(*_trials(rng, size), conf=(0.9, 0.998), method="exact"),
        lambda rng, size, folder: call(*_trials(rng, size), method="jeffreys"),
        lambda rng, size, folder: call(*map(pd.Series, _trials(rng, size))),
        lambda rng, size, folder: call(_area_table(rng, size), "arrests", "incidents",
                                       by=["force", "area"])),
        ("x", "n"), _PURE),
    Entry("rate_ci", (
        lambda rng, size, folder: call(rng.poisson(23.7, size), rng.uniform(1811.0, 52237.0, size),
                                       per=1000, method="exact"),
        lambda rng, size, folder: call(rng.poisson(23.7, size), rng.uniform(1811.0, 52237.0, size),
                                       method="phe"),
        lambda rng, size, folder: call(_area_table(rng, size), "crimes", "residents",
                                       label="area", per=1000)),
        ("count", "exposure"), _PURE),
    Entry("test_target", (
        lambda rng, size, folder: call(*_trials(rng, size), 0.2385),
        lambda rng, size, folder: call(_area_table(rng, size), "arrests", "incidents", "target",
                                       by=["force", "area"])),
        ("x", "n"), _PURE),
    Entry("compare_proportions", (
        lambda rng, size, folder: call(*_trials(rng, size), *_trials(rng, size, 0.37)),),
        ("x1", "n1", "x2", "n2"), _PURE),
    Entry("compare_rates", (
        lambda rng, size, folder: call(rng.poisson(31.3, size), rng.uniform(2.385, 9.71, size),
                                       rng.poisson(23.9, size), rng.uniform(2.385, 9.71, size)),),
        ("count1", "exposure1", "count2", "exposure2"), _PURE),
    Entry("homogeneity", (
        lambda rng, size, folder: call(*_trials(rng, size, least=2)),
        lambda rng, size, folder: call(_area_table(rng, size, least=2), "arrests", "incidents",
                                       label="area")),
        ("x", "n"), _PURE),
    Entry("multiple_testing", (
        lambda rng, size, folder: call(np.r_[np.nan, rng.uniform(0.0001, 0.31, size)],
                                       method="holm"),),
        ("pvalues",), frozenset({THREADS})),
    Entry("dsr", (
        lambda rng, size, folder: call(rng.poisson(17.3, (size, 4)),
                                       rng.uniform(1813.0, 12377.0, (size, 4)),
                                       np.array([5511.0, 12487.0, 3530.0, 2113.0])),
        lambda rng, size, folder: call(_strata_table(rng, size), "deaths", "residents", "esp",
                                       by="area", strata="age")),
        ("counts", "populations", "standard"), _PURE),
    Entry("isr", (
        lambda rng, size, folder: call(rng.poisson(41.3, size),
                                       rng.uniform(2385.0, 5013.0, (size, 3)),
                                       np.array([0.0021, 0.0032, 0.0041])),),
        ("observed", "populations", "reference_rates"), _PURE),
    # disparity
    Entry("funnel", (
        lambda rng, size, folder: call(*_trials(rng, size, least=3), overdispersion="additive"),
        lambda rng, size, folder: call(*_trials(rng, size, least=3), kind="rate", method="exact",
                                       overdispersion="multiplicative"),
        lambda rng, size, folder: call(*map(pd.Series, _trials(rng, size, least=3)), kind="rate",
                                       method="normal"),
        lambda rng, size, folder: call(_units_table(rng, size, 3), "x", "n",
                                       by=["force", "area"], per=1000)),
        ("numerator", "denominator"), _CHART),
    Entry("ratio_significance", (
        lambda rng, size, folder: call(rng.poisson(23.7, size), rng.uniform(10.3, 31.7, size)),
        lambda rng, size, folder: call(_units_table(rng, size, 1), "x", "n", label="area",
                                       conf=0.95)),
        ("observed", "expected"), _PURE),
    Entry("disparity_indices", (
        lambda rng, size, folder: call(*_trials(rng, size, least=2), bootstrap=20, seed=11,
                                       weights=rng.uniform(0.7, 3.1, max(size, 2))),),
        ("x", "n", "weights"), _PURE),
    Entry("shrink", (
        lambda rng, size, folder: call(*_trials(rng, size, least=2)),
        lambda rng, size, folder: call(*map(pd.Series, _trials(rng, size, least=2))),
        lambda rng, size, folder: call(_units_table(rng, size, 2), "x", "n", label="area")),
        ("x", "n"), _PURE),
    # trend and models
    Entry("mann_kendall", tuple(
        lambda rng, size, folder, method=method: call(
            _series(rng, size, missing=0.1), np.cumsum(rng.uniform(0.5, 2.0, 24)), method=method)
        for method in ("yue_wang", "original", "hamed_rao", "prewhiten", "tfpw")) + (
        lambda rng, size, folder: call(_counts(rng, size)[0]),
        lambda rng, size, folder: call(_dated(rng, size), method="hamed_rao", per="year")),
        ("y", "t"), _PURE | {OPENMP}),
    Entry("seasonal_mann_kendall", (
        lambda rng, size, folder: call(_series(rng, size, missing=0.1), period=4),
        lambda rng, size, folder: call(_dated(rng, size, 36), nan_policy="propagate")),
        ("y",), _PURE | {OPENMP}),
    Entry("sen_slope", (
        lambda rng, size, folder: call(_series(rng, size, missing=0.1),
                                       np.cumsum(rng.uniform(0.5, 2.0, 24)), conf=(0.9, 0.95)),
        lambda rng, size, folder: call(_dated(rng, size), conf=(0.9, 0.95), per="quarter")),
        ("y", "t"), _PURE | {OPENMP}),
    Entry("pettitt", (
        lambda rng, size, folder: call(_series(rng, size, missing=0.1)),
        lambda rng, size, folder: call(_dated(rng, size))),
        ("y",), _PURE | {OPENMP}),
    Entry("trend_table", (
        lambda rng, size, folder: call(_monthly(rng, size), "area", "month", "arrests",
                                       "incidents"),),
        (), frozenset({THREADS, OPENMP})),
    Entry("count_trend", (
        lambda rng, size, folder: call(*_counts(rng, size), period=12),
        lambda rng, size, folder: call(*_counts(rng, size, missing=0.05), t=np.arange(24) * 2.5,
                                       period=12, family="negbin"),
        lambda rng, size, folder: call(pd.Series(_counts(rng, 1)[0])),
        lambda rng, size, folder: call(_wide(_monthly(rng, size)).to_timestamp(), period=12,
                                       per="year")),
        ("counts", "exposure", "t"), _BATCH),
    Entry("its", (
        lambda rng, size, folder: call(_series(rng, size), 14, hac_lags=1),
        lambda rng, size, folder: (lambda y, e: call(y, 12, family="poisson", exposure=e,
                                                     period=4))(
            *_counts(rng, size)),
        lambda rng, size, folder: (lambda y, e: call(y, 14, family="negbin", exposure=e))(
            *_counts(rng, size)),
        lambda rng, size, folder: call(_series(rng, size), rng.integers(10, 15, size).astype(float),
                                       hac_lags=1),
        lambda rng, size, folder: (lambda m: call(_wide(m, "arrests"), "2024-01",
                                                  family="poisson",
                                                  exposure=_wide(m, "incidents")))(
            _monthly(rng, size)),
        lambda rng, size, folder: call(_wide(_monthly(rng, size)), pd.Period("2024-02", "M"),
                                       hac_lags=1, per="year")),
        ("y", "intervention", "exposure"), _BATCH),
    Entry("changepoints", (
        lambda rng, size, folder: call(_series(rng, size, 30), cost="normal-meanvar"),
        lambda rng, size, folder: call(_series(rng, size, 30, missing=0.05)),
        lambda rng, size, folder: call(_counts(rng, size)[0], cost="poisson"),
        lambda rng, size, folder: call(pd.Series(_series(rng, 1, 30)), cost="normal-meanvar"),
        lambda rng, size, folder: call(_dated(rng, size, 30), cost="normal-meanvar")),
        ("y",), _BATCH),
    # SPC
    Entry("spc", (
        _spc("xmr", missing=0.04, improvement="decrease", nan_policy="omit"),
        _spc("p", nan_policy="omit", rebase=[13], target=0.37, improvement="increase"),
        *(_spc(chart) for chart in ("i", "u", "c", "pp", "up", "run")),
        _spc("xmr", rules="western-electric", baseline=12),
        lambda rng, size, folder: call(pd.Series(_series(rng, 1), index=pd.period_range(
            "2023-04", periods=24, freq="M"))),
        lambda rng, size, folder: call(pd.DataFrame(np.atleast_2d(_series(rng, size)).T,
                                                    index=pd.date_range("2023-04-01", periods=24,
                                                                        freq="MS")),
                                       baseline="2024-03", rebase="2024-09")),
        ("y", "n"), _BATCH),
    Entry("spc_table", (
        lambda rng, size, folder: call(_monthly(rng, size), "arrests", "month", by="area",
                                       n="incidents", chart="p"),),
        (), frozenset({THREADS, OPENMP})),
    # drivers
    Entry("logistic", (
        lambda rng, size, folder: (lambda X, y, w: call(X, y, weights=w, se="robust"))(
            *_drivers(rng, size, "satisfied", missing=True)),
        lambda rng, size, folder: call(_survey(rng, size), "satisfied", ["contact", "informed"],
                                       "weight")),
        ("X", "y", "weights"), _PURE),
    Entry("ordinal_logistic", (
        lambda rng, size, folder: (lambda X, y, w: call(X, y, weights=w))(
            *_drivers(rng, size, "rating")),
        lambda rng, size, folder: call(_survey(rng, size), "rating", ["contact", "arrival"])),
        ("X", "y", "weights"), _PURE),
    Entry("relative_importance", (
        lambda rng, size, folder: call(*_drivers(rng, size, "overall")[:2], bootstrap=20, seed=5),
        lambda rng, size, folder: (lambda X, y, w: call(X, y, weights=w, model="logistic",
                                                       bootstrap=5, seed=1))(
            *_drivers(rng, size, "satisfied")),
        lambda rng, size, folder: call(_survey(rng, size), "overall", ["contact", "informed"],
                                       "relative_weights", "weight")),
        ("X", "y", "weights"), _CHART | {OPENMP}),
    Entry("key_drivers", (
        lambda rng, size, folder: call(_survey(rng, size), "overall",
                                       ["contact", "informed", "arrival"], weights="weight"),),
        (), _CHART | {OPENMP}),
    # calls
    Entry("erlang_c", (
        lambda rng, size, folder: (lambda v, a: call(v, 1800, 187.0, a, 20))(*_calls(rng, size)),
        lambda rng, size, folder: (lambda v, a: call(pd.Series(v, index=_intervals(size)), 1800,
                                                     187.0, pd.Series(a, index=_intervals(size)),
                                                     20))(*_calls(rng, size))),
        ("calls", "agents"), _CHART | {OPENMP}),
    Entry("erlang_a", (
        lambda rng, size, folder: (lambda v, a: call(v, 1800, 187.0, a, 20,
                                                     rng.uniform(23.0, 411.0, size)))(
            *_calls(rng, size)),),
        ("calls", "agents", "patience"), _CHART | {OPENMP}),
    Entry("agents_needed", (
        lambda rng, size, folder: call(_calls(rng, size)[0], 1800, 187.0, 20, 0.8, patience=121.0,
                                       shrinkage=0.31),
        lambda rng, size, folder: call(_calls(rng, size)[0], 1800, 187.0, 20, 0.8,
                                       max_occupancy=0.85)),
        ("calls",), _PURE | {OPENMP}),
    Entry("service_level", (
        lambda rng, size, folder: (lambda w, a: call(w, 10, a))(*_waits(rng, size)[:2]),
        lambda rng, size, folder: (lambda w, a, g: call(pd.Series(w), 10, pd.Series(a), by=g))(
            *_waits(rng, size)),
        lambda rng, size, folder: call(pd.DataFrame(dict(zip(("wait", "hung_up", "line"),
                                                             _waits(rng, size)))),
                                       "wait", 10, "hung_up", by="line")),
        ("wait_seconds", "abandoned"), _CHART),
    Entry("staffing", (
        lambda rng, size, folder: call(pd.Series(_calls(rng, size)[0], index=_intervals(size)),
                                       187.0, 20, 0.8),),
        (), _CHART | {OPENMP}),
    Entry("calls_per_interval", (
        lambda rng, size, folder: call(pd.Timestamp("2024-05-01") + pd.to_timedelta(
            np.sort(rng.integers(0, 14 * 86400, 40 * size)), "s"), interval=3600),),
        (), frozenset({THREADS})),
    Entry("estimate_patience", (
        lambda rng, size, folder: call(*_waits(rng, size)[:2]),),
        ("wait_seconds", "abandoned"), _PURE),
    # waits
    Entry("kaplan_meier", (
        lambda rng, size, folder: (lambda t, d, g: call(t, d, group=pd.Series(g)))(
            *_waits(rng, size)),
        lambda rng, size, folder: call(*_waits(rng, size)[:2], conf_type="log-log")),
        ("durations", "observed"), _CHART),
    Entry("share_waiting_past", (
        lambda rng, size, folder: call(*_waits(rng, size)[:2], [30.0, 90.0]),
        lambda rng, size, folder: (lambda t, d, g: call(t, d, 30.0, group=pd.Series(g)))(
            *_waits(rng, size))),
        ("durations", "observed"), _PURE),
    Entry("backlog", (
        lambda rng, size, folder: call(*_dates(rng, size), target=90),),
        (), _CHART),
    Entry("waiting_times", (
        lambda rng, size, folder: call(*_dates(rng, size), as_of="2025-03-31"),),
        (), frozenset({THREADS})),
    # place
    Entry("wdd", (
        lambda rng, size, folder: call(*(rng.poisson(m, size) for m in (207, 113, 308, 318)),
                                       weights=rng.uniform(0.7, 2.3, size)),
        lambda rng, size, folder: call(*(rng.poisson(m, size) for m in (207, 113, 308, 318, 178,
                                                                        157, 150, 140)),
                                       period_before=30, period_after=28),
        lambda rng, size, folder: call(*(pd.Series(rng.poisson(m, size)) for m in (41, 17, 63, 29)),
                                       weights=rng.uniform(0.7, 2.3, size).tolist())),
        ("treated_before", "treated_after", "control_before", "control_after",
         "displacement_before", "displacement_after", "control_displacement_before",
         "control_displacement_after", "weights"), _CHART),
    Entry("poisson_etest", (
        lambda rng, size, folder: call(rng.poisson(41.3, size), rng.poisson(35.7, size)),
        lambda rng, size, folder: call(rng.poisson(41.3, size), rng.poisson(35.7, size), 1.3, 1.1,
                                       alternative="less", method="score"),
        lambda rng, size, folder: call(pd.Series(rng.poisson(41.3, size)),
                                       pd.Series(rng.poisson(35.7, size))),
        lambda rng, size, folder: call(_area_table(rng, size), "crimes_before", "crimes",
                                       label="area")),
        ("count_before", "count_after"), _CHART),
    # harm
    Entry("harm_weights", (
        lambda rng, size, folder: call(dict(_WEIGHTS), source="illustrative"),),
        (), frozenset({THREADS, RESULT})),
    Entry("read_harm_weights", (
        lambda rng, size, folder: call(_weights_file(rng, size, folder)),),
        (), frozenset({RESULT})),
    Entry("harm_index", (
        lambda rng, size, folder: call(_crimes(rng, size), "crime_type", "count", dict(_WEIGHTS),
                                       by="area", population="population"),),
        (), _BATCH),
    Entry("harm_funnel", (
        lambda rng, size, folder: call(_crimes(rng, max(size, 3)), "crime_type", "count",
                                       dict(_WEIGHTS), "area", "population",
                                       overdispersion="additive"),),
        (), _CHART),
    Entry("harm_trend", (
        lambda rng, size, folder: call(_crimes(rng, size, periods=6), "crime_type", "count",
                                       dict(_WEIGHTS), "year", by="area" if size > 1 else None,
                                       exposure="population"),),
        (), _BATCH),
    # data and report
    Entry("data.available", (
        lambda rng, size, folder: call(),),
        (), frozenset({THREADS})),
    Entry("data.sample", (
        lambda rng, size, folder: call("firearms_licensing"),),
        (), frozenset({THREADS})),
    Entry("read_policeuk", (
        lambda rng, size, folder: call(_street_file(rng, size, folder)),),
        (), frozenset({THREADS})),
    Entry("aggregate_policeuk", (
        lambda rng, size, folder: call(_records(rng, size)),),
        (), frozenset({THREADS})),
    Entry("data.write_policeuk_archive", (
        lambda rng, size, folder: call(folder / "archive", records=500 * size, months=3,
                                       forces=["west-mercia", "btp"],
                                       seed=int(rng.integers(1000))),),
        (), frozenset()),
    Entry("screen", (
        lambda rng, size, folder: call(_screen_counts(rng, size)),
        lambda rng, size, folder: call(_screen_counts(rng, size), "local_authority",
                                       changes=False),),
        (), frozenset({THREADS, OPENMP})),
    Entry("lsoa_population", (
        lambda rng, size, folder: call(_population_file(rng, size, folder)),),
        (), frozenset({THREADS})),
    Entry("join_population", (
        lambda rng, size, folder: call(*_lsoa_counts(rng, size)),),
        (), frozenset({THREADS})),
    Entry("report.load_spec", (
        lambda rng, size, folder: call(),),
        (), frozenset({THREADS})),
    Entry("write_report", (
        lambda rng, size, folder: call(_REPORT_SPEC, out=folder / "report",
                                       frames={"data": _monthly(rng, 4)}),)),
)

REGISTRY = {entry.name: entry for entry in ENTRIES}

# Result fields that may hold NaN or infinity on valid input, with the reason (the bad-input
# matrix of tests/test_hostile.py allows them; a NaN elsewhere is allowed only when the input
# held a NaN). A field is named as the result's attribute or a returned frame's column.
_ITS_RELATIVE = dict.fromkeys(
    ("relative_effect", "relative_lower", "relative_upper"),
    "undefined when the fitted or counterfactual total after the intervention is not positive "
    "(a normal line below 0)")
NONFINITE = {
    "screen": {"previous_12m": "unknown when the data hold 12 months or fewer",
               "rate": "for an area the population does not name",
               "funnel_z": "for a series not compared in a funnel (fewer than 3 areas in its "
                           "force, or no records)",
               **dict.fromkeys(("sen_lower", "sen_upper"), "Sen's interval is undefined for a "
                               "series too short for its rank bounds (as sen_slope)"),
               "ct_upper": "unbounded for a series of zeros or nearly so (as count_trend)"},
    "compare_proportions": {"ratio": "p1 / p2 is infinite when x2 is 0 (as R)"},
    "compare_rates": {"ratio": "the rate ratio is infinite when count2 is 0 (as R poisson.test)",
                      "upper": "the rate ratio's upper limit is infinite when count2 is 0"},
    "poisson_etest": {"ratio": "the rate ratio is infinite when count_before is 0",
                      "upper": "its upper limit too", "percent_change": "from a rate of 0"},
    "wdd": {"treated_change": "a percent change from 0 before",
            "control_change": "a percent change from 0 before",
            "statistic": "no test where every weighted count is 0 (variance 0)",
            "pvalue": "no test where every weighted count is 0 (variance 0)"},
    "disparity_indices": {"ratio": "max / min is infinite when a rate is 0",
                          "mld": "the mean log deviation is infinite when a rate is 0",
                          "lower": "the limits of the ratio and MLD when a rate is 0",
                          "upper": "the limits of the ratio and MLD when a rate is 0",
                          "replicates": "the ratio and MLD of replicates with a rate of 0"},
    "service_level": {"abandonment": "no abandonment without ``abandoned``",
                      "abandonment_lower": "no abandonment without ``abandoned``",
                      "abandonment_upper": "no abandonment without ``abandoned``"},
    "multiple_testing": {"": "a missing p-value stays missing"},
    "shrink": {"prior_alpha": "no variation between areas: complete pooling, an infinite prior",
               "prior_beta": "no variation between areas: complete pooling, an infinite prior"},
    "count_trend": {"theta": "no dispersion parameter in a Poisson model"},
    "its": {"theta": "no dispersion parameter in a Poisson or normal model", **_ITS_RELATIVE},
    "spc": {"value": "a missing point stays missing", "target": "no target given"},
    "spc_table": {"target": "no target given",
                  **dict.fromkeys(("longest_run", "longest_run_max", "n_crossings",
                                   "n_crossings_min"),
                                  "no runs analysis when every point lies on the centre line")},
    "write_report": {"results": "a figure the report gives as 'not given' (too few cases, with "
                                "the reason in its note) or a median's upper limit the survival "
                                "curve never falls to"},
    "key_drivers": {"importance_lower": "no interval without a bootstrap",
                    "importance_upper": "no interval without a bootstrap",
                    "relative": "no interval of R² without a bootstrap"},
    "dsr": dict.fromkeys(("estimate", "lower", "upper"),
                         "areas with fewer events than min_count are suppressed (as PHE)"),
    "relative_importance": {"replicates": "a replicate that could not be fitted (counted in "
                                          "failed), e.g. values too spread for their squares"},
    "kaplan_meier": dict.fromkeys(("std_err", "lower", "upper"),
                                  "where the curve reaches 0, as R survfit (Inf, NA)"),
    "share_waiting_past": dict.fromkeys(("estimate", "lower", "upper", "std_err", "n_risk"),
                                        "a target beyond the longest wait observed"),
}
# a single series' runs analysis (spc_table's rows likewise)
NONFINITE["spc"].update(dict.fromkeys(
    ("longest_run", "longest_run_max", "n_crossings", "n_crossings_min"),
    "no runs analysis when every point lies on the centre line"))

# Per-unit arguments: the leading arguments of each function that take one value per unit (area,
# scenario, interval); given as pandas Series they name the result's units
# (tests/test_pandas_contract.py).
PER_UNIT = {
    "proportion_ci": ("x", "n"), "rate_ci": ("count", "exposure"), "test_target": ("x", "n"),
    "compare_proportions": ("x1", "n1", "x2", "n2"),
    "compare_rates": ("count1", "exposure1", "count2", "exposure2"),
    "funnel": ("numerator", "denominator"), "ratio_significance": ("observed", "expected"),
    "shrink": ("x", "n"), "isr": ("observed",),
    "wdd": ("treated_before", "treated_after", "control_before", "control_after"),
    "poisson_etest": ("count_before", "count_after"),
    "erlang_c": ("calls", "agents"), "erlang_a": ("calls", "agents", "patience"),
    "agents_needed": ("calls",), "staffing": ("calls",),
}

# Series arguments: the arguments of each series function that take one series per row; given
# as a frame with a time index (one column per series) they name the result's series by the
# columns (tests/test_pandas_contract.py).
SERIES = {
    "mann_kendall": ("y",), "seasonal_mann_kendall": ("y",), "sen_slope": ("y",),
    "pettitt": ("y",), "spc": ("y", "n"), "changepoints": ("y",),
    "count_trend": ("counts", "exposure"), "its": ("y", "exposure"),
}
