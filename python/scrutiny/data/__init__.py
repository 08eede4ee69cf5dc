"""Data for scrutiny: bundled demonstration samples, and readers for public police data.

The samples are made by the package itself from documented, seeded generators
(:mod:`scrutiny.data._generate` and its siblings); no data file is shipped.  They are
synthetic: the force, its areas and every count are invented, with known differences planted
in them so that an analysis has something real to find.

:func:`read_policeuk` reads the files of data.police.uk, :func:`aggregate_policeuk` counts
their records by area, month and crime type, and :func:`lsoa_population` and
:func:`join_population` bring in the ONS resident populations of LSOAs and local authorities.
:func:`write_policeuk_archive` writes a synthetic national archive of street files in the
data.police.uk layout, with planted trends, for tests and benchmarks.
"""
from __future__ import annotations

from . import _calls, _firearms, _generate, _ksi, _victim_survey
from .archive import write_policeuk_archive
from .policeuk import aggregate_policeuk, read_policeuk
from .population import join_population, lsoa_population

_LPA_MONTHLY_DESCRIPTION = (
    "SYNTHETIC demonstration data, not real figures: monthly counts for the ten local policing "
    f"areas (LPAs) of a fictional force, {_generate.LPA_MONTHLY_FORCE}, April 2022 to March 2025. "
    "One row per area and month: area, month (pandas Period, monthly), population (mid-year "
    "resident estimate, the same for every month of an April-March year), recorded_crimes, "
    "da_incidents (domestic-abuse incidents), da_arrests (arrests made in those incidents) and "
    "action_taken (recorded crimes of the month with an action-taken outcome: charge or "
    "summons, caution, community resolution). Made by scrutiny.data._generate.lpa_monthly "
    f"with numpy.random.default_rng({_generate.LPA_MONTHLY_SEED}), and action_taken from its "
    f"own stream, numpy.random.default_rng({_generate.ACTION_TAKEN_SEED}); the areas' "
    "domestic-abuse arrest probabilities were set between 0.24 and 0.44 (about 0.33 "
    "force-wide), with extra month-to-month variation; the action-taken share between 12% "
    "and 16% by area, falling 4% (relative) a year."
)

_SAMPLES = {
    "lpa_monthly": (_generate.lpa_monthly, _LPA_MONTHLY_DESCRIPTION),
    "victim_survey": (_victim_survey.victim_survey, _victim_survey.VICTIM_SURVEY_DESCRIPTION),
    "calls": (_calls.calls, _calls.CALLS_DESCRIPTION),
    "firearms_licensing": (_firearms.firearms_licensing, _firearms.FIREARMS_DESCRIPTION),
    "ksi": (_ksi.ksi, _ksi.KSI_DESCRIPTION),
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
    ('lpa_monthly', 'victim_survey', 'calls', 'firearms_licensing', 'ksi')
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
            incidents), ``da_arrests`` (arrests in those incidents), ``action_taken``
            (recorded crimes with an action-taken outcome: charge or summons, caution,
            community resolution), all counts int64.  Planted truth: arrest probabilities
            per area from 0.24 to 0.44 (about 0.33 force-wide, far more spread than chance
            gives), month-to-month gamma-Poisson variation in the counts, a summer peak,
            domestic abuse rising 3 % a year; action taken for 12-16 % of recorded crimes
            by area, falling slightly (4 % relative) each year.  A yearly rate per resident
            is ``count.sum() / (population.sum() / 12)``.

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

        ``"calls"``
            About 438,000 rows, one per call to the force control room, April 2022 to March
            2025: about 150 999-calls and 250 101-calls a day, with daily, weekly and
            seasonal profiles.  Columns: ``call_id`` (int64), ``line`` (``"999"`` or
            ``"101"``), ``arrived`` and ``half_hour`` (``arrived`` floored to 30 minutes;
            datetime64[ns]), ``month`` (``period[M]``), ``answered``, ``abandoned`` (bool,
            one the opposite of the other), ``wait_seconds`` (to answer, or to abandonment),
            ``handle_seconds`` (NaN when abandoned).  Planted truth: 999 answered within 10 s
            about 90 % of the time (target 90 %), about 1 % abandoned; 101 answered within
            30 s for about 50 % of calls offered, 57 % of calls answered (target 60 %,
            missed), worse in the evening peak and in the last year, about 11 % abandoned;
            waits from an Erlang-A-like queue; handle times lognormal, mean 300 s (999) and
            420 s (101).  See :mod:`scrutiny.data._calls`.

        ``"firearms_licensing"``
            About 2,600 rows, one per firearm or shotgun certificate application received
            April 2021 to March 2025, extracted on 31 March 2025.  Columns:
            ``application_id``, ``certificate`` (``"firearm"``, ``"shotgun"``), ``kind``
            (``"grant"``, ``"renewal"``), ``area``, ``received``, ``decided`` (NaT while
            open), ``open`` (bool), ``days_waited`` (to the decision, or to the extract date
            while open: censored), ``outcome`` (``"granted"``, ``"refused"``,
            ``"withdrawn"``; ``""`` while open).  Planted truth: the median wait grows from
            about 200 to about 450 days (target 150 days), grants slower than renewals,
            several hundred applications still open.  See :mod:`scrutiny.data._firearms`.

        ``"ksi"``
            360 rows, one per local policing area and month as ``"lpa_monthly"``: ``area``,
            ``month``, ``population`` (as ``"lpa_monthly"``), ``killed``,
            ``seriously_injured``, ``ksi`` (their sum) and ``casualties`` (all road
            casualties, slight ones included), counts int64.  Planted truth: about 5 KSI
            per 100,000 residents a month force-wide, falling slowly; the rural Valley area
            more than twice the force rate.  See :mod:`scrutiny.data._ksi`.

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
    (360, 7)
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


__all__ = ["available", "sample", "read_policeuk", "aggregate_policeuk", "lsoa_population",
           "join_population", "write_policeuk_archive"]
