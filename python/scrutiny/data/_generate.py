"""Seeded generators of the bundled demonstration data.

Everything here is synthetic: the areas, the force and every count are invented, drawn with
``numpy.random.default_rng`` from a fixed seed, so each call returns the same frame.  The
parameters below are the "truth" planted in the data; the tests check that the analyses find it.
"""
from __future__ import annotations

import numpy as np

LPA_MONTHLY_SEED = 20250331
LPA_MONTHLY_FORCE = "Northmoor Constabulary"
LPA_MONTHLY_FIRST_MONTH = "2022-04"
LPA_MONTHLY_N_MONTHS = 36

# Local policing areas of the fictional force: resident population in the first year,
# recorded-crime and domestic-abuse incident rates relative to the force, and the planted
# probability that a domestic-abuse incident leads to an arrest.
LPA_PARAMETERS = (
    # area,            population, crime, domestic abuse, arrest probability
    ("City Centre",       96_000,   2.40,   1.35,           0.41),
    ("North",            182_000,   0.95,   1.05,           0.33),
    ("South",            164_000,   0.90,   0.95,           0.29),
    ("East",             141_000,   1.10,   1.20,           0.37),
    ("West",             120_000,   0.85,   0.90,           0.31),
    ("Riverside",        210_000,   1.05,   1.10,           0.27),
    ("Hillside",          74_000,   0.70,   0.80,           0.44),
    ("Coast",             88_000,   0.90,   1.00,           0.35),
    ("Valley",            57_000,   0.60,   0.75,           0.24),
    ("Market Towns",     133_000,   0.75,   0.85,           0.33),
)

CRIMES_PER_1000_YEAR = 80.0        # force-wide recorded crime, per 1,000 residents a year
DA_PER_1000_YEAR = 24.0            # force-wide domestic-abuse incidents, per 1,000 residents a year
DA_GROWTH_PER_YEAR = 0.03          # domestic-abuse incidents rise 3 % a year
POPULATION_GROWTH_PER_YEAR = 0.006
SEASONAL_AMPLITUDE = 0.10          # summer peak, winter trough (multiplicative, on the count rate)
COUNT_DISPERSION = 60.0            # gamma shape of month-to-month extra-Poisson variation
ARREST_CONCENTRATION = 150.0       # beta concentration of an area's month-to-month arrest rate

# Action-taken outcomes (charge/summons, caution, community resolution) among recorded crimes:
# drawn from their own stream so that adding them left every other column unchanged.
ACTION_TAKEN_SEED = 20250402
# Planted share of recorded crimes with an action-taken outcome in the first year, by area
# (order of LPA_PARAMETERS), falling by ACTION_TAKEN_CHANGE_PER_YEAR (relative) each year.
ACTION_TAKEN_SHARE = (0.128, 0.142, 0.150, 0.136, 0.158, 0.124, 0.162, 0.146, 0.155, 0.140)
ACTION_TAKEN_CHANGE_PER_YEAR = -0.04
ACTION_TAKEN_CONCENTRATION = 400.0  # beta concentration of an area's month-to-month share

LPA_MONTHLY_COLUMNS = ("area", "month", "population", "recorded_crimes", "da_incidents",
                       "da_arrests", "action_taken")


def lpa_months():
    """The months of ``"lpa_monthly"`` (and of ``"ksi"``), a monthly PeriodIndex."""
    import pandas as pd

    return pd.period_range(LPA_MONTHLY_FIRST_MONTH, periods=LPA_MONTHLY_N_MONTHS, freq="M")


def lpa_population() -> np.ndarray:
    """Mid-year residents per area (rows, order of LPA_PARAMETERS) and month (columns).

    A mid-year figure: it steps once a year, every April, by POPULATION_GROWTH_PER_YEAR.
    """
    base = np.array([p[1] for p in LPA_PARAMETERS], dtype=float)
    years = np.arange(LPA_MONTHLY_N_MONTHS) / 12.0
    return np.rint(base[:, None] * (1 + POPULATION_GROWTH_PER_YEAR) ** np.floor(years)[None, :])


def lpa_monthly():
    """The ``"lpa_monthly"`` frame (see :func:`scrutiny.data.sample` for its description)."""
    import pandas as pd

    rng = np.random.default_rng(LPA_MONTHLY_SEED)
    areas = [p[0] for p in LPA_PARAMETERS]
    crime_ratio = np.array([p[2] for p in LPA_PARAMETERS])
    da_ratio = np.array([p[3] for p in LPA_PARAMETERS])
    arrest_prob = np.array([p[4] for p in LPA_PARAMETERS])

    months = lpa_months()
    years = np.arange(LPA_MONTHLY_N_MONTHS) / 12.0
    population = lpa_population()
    season = 1 + SEASONAL_AMPLITUDE * np.cos(2 * np.pi * (months.month.to_numpy() - 7) / 12)

    def monthly_counts(per_1000_year, ratio, growth):
        mean = population * per_1000_year / 1000 / 12 * ratio[:, None] * season[None, :]
        mean = mean * (1 + growth) ** years[None, :]
        # Gamma-Poisson: counts vary more than Poisson from month to month, as real counts do.
        return rng.poisson(rng.gamma(COUNT_DISPERSION, mean / COUNT_DISPERSION))

    crimes = monthly_counts(CRIMES_PER_1000_YEAR, crime_ratio, 0.0)
    incidents = monthly_counts(DA_PER_1000_YEAR, da_ratio, DA_GROWTH_PER_YEAR)
    a = arrest_prob[:, None] * ARREST_CONCENTRATION
    month_prob = rng.beta(a, ARREST_CONCENTRATION - a, size=incidents.shape)
    arrests = rng.binomial(incidents, month_prob)

    frame = pd.DataFrame({
        "area": np.repeat(areas, LPA_MONTHLY_N_MONTHS),
        "month": pd.PeriodIndex(np.tile(months, len(areas)), freq="M"),
        "population": population.ravel().astype(np.int64),
        "recorded_crimes": crimes.ravel().astype(np.int64),
        "da_incidents": incidents.ravel().astype(np.int64),
        "da_arrests": arrests.ravel().astype(np.int64),
        "action_taken": _action_taken(crimes, years).ravel(),
    })
    return frame


def _action_taken(crimes: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Recorded crimes (areas x months) that got an action-taken outcome, from their own stream."""
    rng = np.random.default_rng(ACTION_TAKEN_SEED)
    trend = (1 + ACTION_TAKEN_CHANGE_PER_YEAR) ** years
    share = np.array(ACTION_TAKEN_SHARE)[:, None] * trend[None, :]
    a = share * ACTION_TAKEN_CONCENTRATION
    month_share = rng.beta(a, ACTION_TAKEN_CONCENTRATION - a)
    return rng.binomial(crimes, month_share).astype(np.int64)
