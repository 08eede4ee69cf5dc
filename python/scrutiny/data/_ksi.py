"""The ``"ksi"`` sample: seeded, synthetic road casualties killed or seriously injured (KSI).

Everything is invented.  Monthly road casualties in the local policing areas of the fictional
force of :mod:`scrutiny.data._generate`, drawn with ``numpy.random.default_rng(KSI_SEED)``:
KSI casualties are gamma-Poisson around KSI_PER_100K_MONTH per 100,000 residents a month,
times each area's ratio in KSI_RATIO (rural roads are more dangerous: Valley most of all),
with a late-summer peak and a fall of KSI_CHANGE_PER_YEAR a year.  Of the KSI casualties a
share is killed (more on rural roads); slight casualties come on top, relatively more in towns.
"""
from __future__ import annotations

import numpy as np

from ._generate import (LPA_MONTHLY_FORCE, LPA_MONTHLY_N_MONTHS, LPA_PARAMETERS, lpa_months,
                        lpa_population)

KSI_SEED = 20250408
KSI_PER_100K_MONTH = 5.3           # force-wide in the first month, before the seasonal swing
KSI_CHANGE_PER_YEAR = -0.06        # relative, a year
SEASONAL_AMPLITUDE = 0.12          # multiplicative, peak in August
COUNT_DISPERSION = 80.0            # gamma shape of month-to-month extra-Poisson variation
# Per area (order of LPA_PARAMETERS): KSI rate relative to the force before normalising, the
# share of KSI casualties killed, and slight casualties per KSI casualty.
KSI_RATIO = (0.70, 0.90, 0.95, 0.85, 1.00, 0.80, 1.35, 1.10, 2.30, 1.25)
KILLED_SHARE = (0.025, 0.035, 0.035, 0.030, 0.035, 0.030, 0.055, 0.045, 0.070, 0.050)
SLIGHT_PER_KSI = (4.6, 3.8, 3.7, 4.0, 3.6, 4.2, 2.9, 3.4, 2.6, 3.1)

COLUMNS = ("area", "month", "population", "killed", "seriously_injured", "ksi", "casualties")

KSI_DESCRIPTION = (
    "SYNTHETIC demonstration data, not real casualties: road casualties in the ten local "
    f"policing areas of the fictional {LPA_MONTHLY_FORCE}, April 2022 to March 2025. One row "
    "per area and month: area, month (pandas Period, monthly), population (as in the "
    "lpa_monthly sample), killed, seriously_injured, ksi (killed or seriously injured = killed "
    "+ seriously_injured) and casualties (all road casualties, slight ones included). Planted "
    "truth: about 5 KSI casualties per 100,000 residents a month force-wide, falling about 6% "
    "a year, with a late-summer peak; the rural Valley area has more than twice the force "
    "rate, and its casualties are more often killed. Made by scrutiny.data._ksi.ksi with "
    f"numpy.random.default_rng({KSI_SEED})."
)


def ksi():
    """The ``"ksi"`` frame (see :func:`scrutiny.data.sample`)."""
    import pandas as pd

    rng = np.random.default_rng(KSI_SEED)
    months = lpa_months()
    population = lpa_population()
    years = np.arange(LPA_MONTHLY_N_MONTHS) / 12.0
    ratio = np.asarray(KSI_RATIO)
    ratio = ratio / (ratio @ population[:, 0] / population[:, 0].sum())   # force-wide ratio 1
    season = 1 + SEASONAL_AMPLITUDE * np.cos(2 * np.pi * (months.month.to_numpy() - 8) / 12)
    mean = (population / 1e5 * KSI_PER_100K_MONTH * ratio[:, None] * season[None, :]
            * (1 + KSI_CHANGE_PER_YEAR) ** years[None, :])
    total = rng.poisson(rng.gamma(COUNT_DISPERSION, mean / COUNT_DISPERSION))
    killed = rng.binomial(total, np.asarray(KILLED_SHARE)[:, None])
    slight = rng.poisson(mean * np.asarray(SLIGHT_PER_KSI)[:, None])

    n_areas = len(LPA_PARAMETERS)
    return pd.DataFrame({
        "area": np.repeat(np.array([p[0] for p in LPA_PARAMETERS], dtype=object),
                          LPA_MONTHLY_N_MONTHS),
        "month": pd.PeriodIndex(np.tile(months, n_areas), freq="M"),
        "population": population.ravel().astype(np.int64),
        "killed": killed.ravel().astype(np.int64),
        "seriously_injured": (total - killed).ravel().astype(np.int64),
        "ksi": total.ravel().astype(np.int64),
        "casualties": (total + slight).ravel().astype(np.int64),
    })
