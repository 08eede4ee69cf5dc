"""The ``"victim_survey"`` sample: a seeded, synthetic victim satisfaction survey.

Everything is invented: respondents of the fictional force of :mod:`scrutiny.data._generate`
rate overall satisfaction and five parts of the service on a 1-7 scale (1 = completely
dissatisfied, 7 = completely satisfied).  The ratings come from latent scores with planted
effects, drawn with ``numpy.random.default_rng(VICTIM_SURVEY_SEED)``:

* overall satisfaction depends on the parts with the weights in ``DRIVER_WEIGHTS`` (being kept
  informed matters most, then actions taken and treatment; ease of contact and time to
  arrive matter least), plus a general disposition shared by every rating;
* for violent crime, "kept informed" (and a little "actions taken") falls each quarter, so
  overall satisfaction with violent crime falls while the other crime types hold steady;
* hate crime and burglary victims are over-sampled, so ``weight`` (the design weight,
  population share / sample share, times a small non-response adjustment by area; mean 1)
  matters for force-wide figures;
* "time to arrive" is missing when the police did not attend (about 1 in 10), and each other
  part is skipped by about 1 in 100 respondents.
"""
from __future__ import annotations

import numpy as np

from ._generate import LPA_MONTHLY_FORCE, LPA_PARAMETERS

VICTIM_SURVEY_SEED = 20250405
FIRST_QUARTER = "2023Q1"
N_QUARTERS = 8
RESPONDENTS_PER_QUARTER = 300

DRIVERS = ("ease_of_contact", "time_to_arrive", "actions_taken", "kept_informed", "treatment")
# Planted effect of each part's latent score on the latent overall score.
DRIVER_WEIGHTS = (0.12, 0.10, 0.38, 0.50, 0.30)
# Loading of each part on the respondent's general disposition (shared by all ratings).
DISPOSITION = (0.45, 0.40, 0.55, 0.55, 0.50)
NOISE_SD = (0.80, 0.85, 0.70, 0.75, 0.70)

# Crime types: share of victims in the force, share of the sample, chance the police attended,
# and the mean latent score of each part (order of DRIVERS).
CRIME_TYPES = (
    # crime type,       population, sample, attended, part means
    ("burglary",        0.20, 0.30, 0.97, (0.80, 0.70, 0.50, 0.45, 0.95)),
    ("domestic abuse",  0.25, 0.20, 0.95, (0.70, 0.60, 0.55, 0.65, 0.95)),
    ("hate crime",      0.10, 0.20, 0.80, (0.65, 0.50, 0.45, 0.60, 1.00)),
    ("violent crime",   0.45, 0.30, 0.86, (0.60, 0.45, 0.35, 0.55, 0.80)),
)
# Violent crime: change per quarter of the "kept informed" and "actions taken" latent means.
VIOLENT_KEPT_INFORMED_TREND = -0.11
VIOLENT_ACTIONS_TREND = -0.03
ITEM_NONRESPONSE = 0.01
# Latent cut points of the 1-7 scale.
CUTS = (-1.6, -1.0, -0.5, -0.1, 0.45, 1.2)
OVERALL_NOISE_SD = 0.45

COLUMNS = ("respondent", "quarter", "crime_type", "area", "weight", "overall", *DRIVERS)

VICTIM_SURVEY_DESCRIPTION = (
    "SYNTHETIC demonstration data, not real survey responses: a victim satisfaction survey of "
    f"the fictional {LPA_MONTHLY_FORCE}, {N_QUARTERS * RESPONDENTS_PER_QUARTER:,} respondents "
    f"over {N_QUARTERS} quarters from {FIRST_QUARTER}. One row per respondent: respondent (id), "
    "quarter (pandas Period, quarterly), crime_type (burglary, domestic abuse, hate crime, "
    "violent crime), area (local policing area), weight (design weight: population share / "
    "sample share of the crime type, with a non-response adjustment by area; mean 1), overall "
    "(overall satisfaction, 1 = completely dissatisfied to 7 = completely satisfied) and the "
    "ratings of five parts of the service on the same scale: ease_of_contact, time_to_arrive "
    "(missing when the police did not attend), actions_taken, kept_informed, treatment (each "
    "skipped by about 1% of respondents). Planted truth: overall satisfaction is driven most "
    "by kept_informed, then actions_taken and treatment; for violent crime kept_informed "
    "falls every quarter, and overall satisfaction with it. Made by "
    "scrutiny.data._victim_survey.victim_survey with numpy.random.default_rng"
    f"({VICTIM_SURVEY_SEED})."
)


def _ratings(latent: np.ndarray) -> np.ndarray:
    """Latent scores to the 1-7 scale."""
    return 1.0 + np.searchsorted(np.asarray(CUTS), latent).astype(np.float64)


def victim_survey():
    """The ``"victim_survey"`` frame (see :func:`scrutiny.data.sample`)."""
    import pandas as pd

    rng = np.random.default_rng(VICTIM_SURVEY_SEED)
    n = N_QUARTERS * RESPONDENTS_PER_QUARTER
    quarter_index = np.repeat(np.arange(N_QUARTERS), RESPONDENTS_PER_QUARTER)
    quarters = pd.period_range(FIRST_QUARTER, periods=N_QUARTERS, freq="Q")

    sample_share = np.array([c[2] for c in CRIME_TYPES])
    crime = rng.choice(len(CRIME_TYPES), size=n, p=sample_share)
    areas = [a[0] for a in LPA_PARAMETERS]
    population = np.array([a[1] for a in LPA_PARAMETERS], dtype=float)
    area = rng.choice(len(areas), size=n, p=population / population.sum())

    # design weight by crime type, times a non-response adjustment by area
    design = np.array([c[1] / c[2] for c in CRIME_TYPES])[crime]
    adjustment = rng.uniform(0.85, 1.15, size=len(areas))[area]
    weight = design * adjustment
    weight = np.round(weight / weight.mean(), 4)

    means = np.array([c[4] for c in CRIME_TYPES])[crime]                  # (n, parts)
    violent = np.array([c[0] == "violent crime" for c in CRIME_TYPES])[crime]
    elapsed = violent * quarter_index                                   # quarters, violent crime
    means[:, DRIVERS.index("kept_informed")] += VIOLENT_KEPT_INFORMED_TREND * elapsed
    means[:, DRIVERS.index("actions_taken")] += VIOLENT_ACTIONS_TREND * elapsed
    disposition = rng.normal(size=n)
    latent = (means + disposition[:, None] * np.array(DISPOSITION)
              + rng.normal(size=(n, len(DRIVERS))) * np.array(NOISE_SD))
    overall_latent = (latent @ np.array(DRIVER_WEIGHTS) + 0.15 * disposition - 0.45
                      + rng.normal(scale=OVERALL_NOISE_SD, size=n))

    parts = _ratings(latent)
    attended = rng.random(n) < np.array([c[3] for c in CRIME_TYPES])[crime]
    parts[~attended, DRIVERS.index("time_to_arrive")] = np.nan
    skipped = rng.random(parts.shape) < ITEM_NONRESPONSE
    skipped[:, DRIVERS.index("time_to_arrive")] = False
    parts[skipped] = np.nan

    frame = pd.DataFrame({
        "respondent": np.arange(1, n + 1, dtype=np.int64),
        "quarter": quarters[quarter_index],
        "crime_type": np.array([c[0] for c in CRIME_TYPES], dtype=object)[crime],
        "area": np.array(areas, dtype=object)[area],
        "weight": weight,
        "overall": _ratings(overall_latent).astype(np.int64),
    })
    for j, name in enumerate(DRIVERS):
        frame[name] = parts[:, j]
    return frame
