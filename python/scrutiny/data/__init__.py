"""Data for scrutiny: bundled demonstration samples.

The samples are made by the package itself from a documented, seeded generator
(:mod:`scrutiny.data._generate`); no data file is shipped.  They are synthetic: the force,
its areas and every count are invented, with known differences planted in them so that an
analysis has something real to find.
"""
from __future__ import annotations

from . import _generate, _victim_survey

_LPA_MONTHLY_DESCRIPTION = (
    "SYNTHETIC demonstration data, not real figures: monthly counts for the ten local policing "
    f"areas (LPAs) of a fictional force, {_generate.LPA_MONTHLY_FORCE}, April 2022 to March 2025. "
    "One row per area and month: area, month (pandas Period, monthly), population (mid-year "
    "resident estimate, the same for every month of an April-March year), recorded_crimes, "
    "da_incidents (domestic-abuse incidents) and da_arrests (arrests made in those incidents). "
    "Made by scrutiny.data._generate.lpa_monthly with numpy.random.default_rng"
    f"({_generate.LPA_MONTHLY_SEED}); the areas' domestic-abuse arrest probabilities were set "
    "between 0.24 and 0.44 (about 0.33 force-wide), with extra month-to-month variation."
)

_SAMPLES = {
    "lpa_monthly": (_generate.lpa_monthly, _LPA_MONTHLY_DESCRIPTION),
    "victim_survey": (_victim_survey.victim_survey, _victim_survey.VICTIM_SURVEY_DESCRIPTION),
}


def available() -> tuple[str, ...]:
    """Names of the bundled samples, for :func:`sample`.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> import scrutiny as sc
    >>> sc.data.available()
    ('lpa_monthly', 'victim_survey')
    """
    return tuple(_SAMPLES)


def sample(name: str):
    """Bundled demonstration data, made by the package from a fixed seed.

    Every sample is **synthetic**: invented areas and counts drawn by a documented generator
    (``numpy.random.default_rng`` with a fixed seed, see :mod:`scrutiny.data._generate`), so
    each call returns an identical, new DataFrame (identical for a given NumPy version: NumPy
    may change a distribution's sampling algorithm between releases).  The frame's
    ``attrs["description"]`` says what it holds and how it was made.

    Parameters
    ----------
    name : str
        One of :func:`available`:

        ``"lpa_monthly"``
            360 rows, one per local policing area and month, for the ten LPAs of a fictional
            force, April 2022 to March 2025.  Columns: ``area`` (str), ``month``
            (``period[M]``), ``population`` (mid-year residents, constant within an
            April-March year), ``recorded_crimes``, ``da_incidents`` (domestic-abuse
            incidents), ``da_arrests`` (arrests in those incidents), all counts int64.
            Planted truth: arrest probabilities per area from 0.24 to 0.44 (about 0.33
            force-wide, far more spread than chance gives), month-to-month gamma-Poisson
            variation in the counts, a summer peak, domestic abuse rising 3 % a year.
            A yearly rate per resident is ``count.sum() / (population.sum() / 12)``.

        ``"victim_survey"``
            2,400 rows, one per respondent of a victim satisfaction survey of the same force,
            eight quarters from 2023Q1.  Columns: ``respondent``, ``quarter``
            (``period[Q-DEC]``), ``crime_type``, ``area``, ``weight`` (design weight, mean 1),
            ``overall`` (overall satisfaction, 1-7, int64) and five parts of the service rated
            1-7 (float64, NaN when not answered): ``ease_of_contact``, ``time_to_arrive``
            (missing when the police did not attend), ``actions_taken``, ``kept_informed``,
            ``treatment``.  Planted truth: ``kept_informed`` drives overall satisfaction most,
            then ``actions_taken`` and ``treatment``; for violent crime it falls every quarter,
            and overall satisfaction with it.  See :mod:`scrutiny.data._victim_survey`.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ValueError
        If ``name`` is not a bundled sample (the message lists those that are).

    Examples
    --------
    >>> import scrutiny as sc
    >>> df = sc.data.sample("lpa_monthly")
    >>> df.shape
    (360, 6)
    >>> str(df["month"].dtype)
    'period[M]'
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string (got {type(name).__name__})")
    if name not in _SAMPLES:
        names = ", ".join(repr(n) for n in _SAMPLES)
        raise ValueError(f"name must be one of the bundled samples ({names}); got {name!r}")
    make, description = _SAMPLES[name]
    frame = make()
    frame.attrs["description"] = description
    frame.attrs["synthetic"] = True
    return frame


__all__ = ["available", "sample"]
