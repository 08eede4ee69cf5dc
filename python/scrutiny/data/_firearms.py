"""The ``"firearms_licensing"`` sample: seeded, synthetic firearms-licence applications.

Everything is invented.  Applications for firearm and shotgun certificates to the fictional
force of :mod:`scrutiny.data._generate` arrive on working days from April 2021 to March 2025,
more from rural areas, drawn with ``numpy.random.default_rng(FIREARMS_SEED)``.  The time to a
decision is lognormal: for renewals its median grows geometrically from MEDIAN_WAIT_START
days for applications received in April 2021 to MEDIAN_WAIT_END days for those received two
years later and after (a growing backlog; about 200 to 450 days over all applications), and
grants (new certificates, which need a home visit and references) take longer than renewals.
An application not yet decided at the extract date (31 March 2025) is open: its
``days_waited`` runs to the extract date (a censored wait).  Most decisions are grants; a few
are refusals, and some applicants withdraw, sooner on average.
"""
from __future__ import annotations

import numpy as np

from ._generate import LPA_MONTHLY_FORCE, LPA_PARAMETERS

FIREARMS_SEED = 20250407
FIRST_DAY = "2021-04-01"
LAST_DAY = "2025-03-31"
EXTRACT_DATE = "2025-03-31"
APPLICATIONS_PER_WORKING_DAY = 2.6
SHOTGUN_SHARE = 0.60
GRANT_SHARE = 0.30                     # new certificates; the rest are renewals
# Applications per resident, relative, by area (order of LPA_PARAMETERS): rural areas apply more.
AREA_RATIO = (0.3, 0.9, 1.1, 0.8, 1.0, 0.7, 1.8, 1.3, 2.2, 1.6)
MEDIAN_WAIT_START = 180.0              # days, renewals received at FIRST_DAY
MEDIAN_WAIT_END = 410.0                # days, renewals received RISE_YEARS later, and after
RISE_YEARS = 2.0                       # the median wait grows geometrically over these years
GRANT_FACTOR = 1.30                    # grants take this much longer than renewals
WAIT_SIGMA = 0.35                      # log-scale SD of the wait
OUTCOMES = ("granted", "refused", "withdrawn")
OUTCOME_SHARES = (0.93, 0.02, 0.05)
WITHDRAWN_FACTOR = 0.6                 # withdrawals come sooner than decisions

COLUMNS = ("application_id", "certificate", "kind", "area", "received", "decided", "open",
           "days_waited", "outcome")

FIREARMS_DESCRIPTION = (
    "SYNTHETIC demonstration data, not real applications: one row per firearm or shotgun "
    f"certificate application to the fictional {LPA_MONTHLY_FORCE}, received April 2021 to "
    f"March 2025, extracted on {EXTRACT_DATE}. Columns: application_id, certificate ('firearm' "
    "or 'shotgun'), kind ('grant' for a new certificate or 'renewal'), area (local policing "
    "area), received, decided (missing while the application is open), open (not decided at "
    "the extract date), days_waited (received to decided, or to the extract date while open: "
    "a censored wait), outcome ('granted', 'refused', 'withdrawn'; '' while open). Planted "
    "truth: the median wait grows from about 200 days for applications received in spring "
    "2021 to about 450 days for those received from spring 2023 on (waits of 300-660 days are "
    "common recently, against a 150-day target); grants take about 30% longer than "
    "renewals; several hundred applications are still open at the extract date. Made by "
    "scrutiny.data._firearms.firearms_licensing with "
    f"numpy.random.default_rng({FIREARMS_SEED})."
)


def firearms_licensing():
    """The ``"firearms_licensing"`` frame (see :func:`scrutiny.data.sample`)."""
    import pandas as pd

    rng = np.random.default_rng(FIREARMS_SEED)
    days = pd.bdate_range(FIRST_DAY, LAST_DAY).to_numpy().astype("datetime64[D]")
    per_day = rng.poisson(APPLICATIONS_PER_WORKING_DAY, size=days.size)
    received = np.repeat(days, per_day)
    n = received.size

    population = np.array([p[1] for p in LPA_PARAMETERS], dtype=float)
    weight = population * np.asarray(AREA_RATIO)
    area = rng.choice(len(LPA_PARAMETERS), size=n, p=weight / weight.sum())
    shotgun = rng.random(n) < SHOTGUN_SHARE
    grant = rng.random(n) < GRANT_SHARE

    start = np.datetime64(FIRST_DAY, "D")
    progress = np.minimum((received - start).astype(float) / (365.25 * RISE_YEARS), 1.0)
    median = MEDIAN_WAIT_START * (MEDIAN_WAIT_END / MEDIAN_WAIT_START) ** progress
    median = median * np.where(grant, GRANT_FACTOR, 1.0)
    outcome = rng.choice(len(OUTCOMES), size=n, p=OUTCOME_SHARES)
    median = median * np.where(outcome == OUTCOMES.index("withdrawn"), WITHDRAWN_FACTOR, 1.0)
    wait = np.maximum(1, np.rint(median * np.exp(rng.normal(0.0, WAIT_SIGMA, size=n))))

    decided = received + wait.astype("timedelta64[D]")
    extract = np.datetime64(EXTRACT_DATE, "D")
    is_open = decided > extract
    days_waited = np.where(is_open, (extract - received).astype(float), wait)

    return pd.DataFrame({
        "application_id": np.arange(1, n + 1, dtype=np.int64),
        "certificate": np.where(shotgun, "shotgun", "firearm").astype(object),
        "kind": np.where(grant, "grant", "renewal").astype(object),
        "area": np.array([p[0] for p in LPA_PARAMETERS], dtype=object)[area],
        "received": received.astype("datetime64[ns]"),
        "decided": np.where(is_open, np.datetime64("NaT"), decided).astype("datetime64[ns]"),
        "open": is_open,
        "days_waited": days_waited.astype(np.float64),
        "outcome": np.where(is_open, "", np.array(OUTCOMES, dtype=object)[outcome]).astype(object),
    })
