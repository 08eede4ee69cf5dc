"""Resident populations of LSOAs (ONS small-area estimates) and joining them to counts.

The ONS publishes mid-year population estimates for every lower layer super output area
(LSOA) of England and Wales.  data.police.uk locates each record in an LSOA: 2011 LSOAs in
files up to 2022 and 2021 LSOAs after, so the population table must be of the same vintage
as the crime files.  The local authority of an LSOA is its name without the last token
("Wyre Forest 004E" is in Wyre Forest), or comes from an ONS lookup where one is given.

:func:`join_population` joins counts with one population table; :func:`records_population`
gives records spanning both vintages the residents of their local authority, month by month
from the vintage of the month's LSOA codes (the rule the report's police.uk source uses).
"""
from __future__ import annotations

import functools

import os
import re
from pathlib import Path

import numpy as np

from .._narrative import plural as _plural
from .. import _validation as v

VINTAGES = ("2011", "2021")
# Files of the folder layout read by lsoa_population: population, lookup and its columns.
_FILES = {
    "2011": ("lsoa11_population_mid2019.csv", "mid-2019", "lsoa11_lsoa21_lad22_lookup.csv.gz",
             "LSOA11CD", "LSOA11NM", "LAD22NM"),
    "2021": ("lsoa21_population_mid2022.csv", "mid-2022", "lsoa21_to_utla23_lookup.csv.gz",
             "LSOA21CD", "LSOA21NM", None),
}
FOLDER = "ons-lsoa-population"
ONS = ("Source: Office for National Statistics licensed under the Open Government Licence "
       "v.3.0. Contains OS data (c) Crown copyright and database right.")
_CODE_COLUMN = re.compile(r"^lsoa(\d\d)cd$|^lsoa_code$", re.IGNORECASE)
_SHOW = 10


def shared_data_folder() -> Path:
    """The shared data folder: ``$SCRUTINY_SHARED_DATA``, else ``shared/data`` by the project."""
    here = Path(__file__).resolve()
    default = here.parents[3].parent / "shared" / "data" if len(here.parents) > 3 else Path()
    return Path(os.environ.get("SCRUTINY_SHARED_DATA", default))


def local_authority_of(lsoa_names):
    """Local authority names from LSOA names: the name without its last token.

    ``"Wyre Forest 004E"`` -> ``"Wyre Forest"``; missing names stay missing.
    """
    import pandas as pd

    names = pd.Series(lsoa_names, dtype=object)
    return names.str.strip().str.replace(r"\s+\S+$", "", regex=True)


def lsoa_population(path=None, vintage: str = "2021"):
    """Resident population of each LSOA, with its name and local authority.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A folder laid out as ``ons-lsoa-population`` of the shared data (population files
        ``lsoa11_population_mid2019.csv`` / ``lsoa21_population_mid2022.csv`` with the ONS
        lookups beside them), or one population CSV whose first columns are the LSOA code
        (``lsoa11cd``, ``lsoa21cd`` or ``lsoa_code``) and the population.  By default the
        ``ons-lsoa-population`` folder of the shared data (``$SCRUTINY_SHARED_DATA``, or
        ``shared/data`` beside the project).
    vintage : {"2021", "2011"}
        LSOA boundaries: as the crime files use them (2011 LSOAs in data.police.uk files up
        to 2022, 2021 LSOAs after).  Ignored when ``path`` is one CSV file whose code column
        says its vintage.

    Returns
    -------
    pandas.DataFrame
        One row per LSOA: ``lsoa_code``, ``lsoa_name``, ``local_authority`` (missing when no
        lookup is found) and ``population`` (int64, all ages).  ``attrs`` has ``vintage``,
        ``year`` (e.g. ``"mid-2022"``), ``files`` and ``attribution``.

    Raises
    ------
    FileNotFoundError
        If the folder or its population file for ``vintage`` is missing.
    ValueError
        If ``vintage`` is unknown or the file has no LSOA code or population column.

    Examples
    --------
    >>> import scrutiny as sc
    >>> population = sc.data.lsoa_population(vintage="2021")     # doctest: +SKIP
    >>> int(population["population"].sum())                      # doctest: +SKIP
    60238038
    """
    import pandas as pd

    vintage = str(vintage) if isinstance(vintage, (int, np.integer)) else vintage
    v.choice(vintage, "vintage", VINTAGES)
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file or folder name (got {type(path).__name__})")
    path = Path(path) if path is not None else shared_data_folder() / FOLDER
    if not path.exists():
        raise FileNotFoundError(f"path {str(path)!r} does not exist (give the folder of the ONS "
                                "LSOA population files, or set SCRUTINY_SHARED_DATA)")
    year = None
    if path.is_dir():
        name, year, *_ = _FILES[vintage]
        folder, population_file = path, path / name
        if not population_file.is_file():
            raise FileNotFoundError(f"path {str(path)!r} has no {name} (the {vintage} LSOA "
                                    "population file)")
    else:
        folder, population_file = path.parent, path

    table = v.read_csv(population_file, "path", dtype=str, keep_default_na=False, na_values=[""],
                     encoding="utf-8-sig")
    table.columns = [str(c).strip() for c in table.columns]
    code = next((c for c in table.columns if _CODE_COLUMN.match(c)), None)
    count = next((c for c in table.columns if c.lower().startswith("population")), None)
    if code is None or count is None:
        what = "LSOA code (lsoa11cd, lsoa21cd or lsoa_code)" if code is None else "population"
        raise ValueError(f"path {population_file.name!r} has no {what} column (its columns: "
                         f"{', '.join(map(repr, table.columns))})")
    found = _CODE_COLUMN.match(code).group(1)
    if found is not None and path.is_file():
        vintage = "20" + found
    if year is None:
        year = count.removeprefix("population").strip("_ ").replace("mid", "mid-") or None

    values = pd.to_numeric(table[count], errors="coerce")
    if values.isna().any() or (values < 0).any():
        bad = table.loc[values.isna() | (values < 0), code].head(3).tolist()
        raise ValueError(f"path {population_file.name!r}: column {count!r} must hold "
                         f"non-negative numbers (not for {', '.join(map(str, bad))})")
    out = pd.DataFrame({"lsoa_code": table[code].str.strip().to_numpy(dtype=object),
                        "population": values.to_numpy().astype(np.int64)})
    files = [population_file.name]
    _, _, lookup_name, lookup_code, lookup_name_col, lookup_la = _FILES[vintage]
    lookup_file = folder / lookup_name
    if lookup_file.is_file():
        columns = [lookup_code, lookup_name_col] + ([lookup_la] if lookup_la else [])
        lookup = v.read_csv(lookup_file, "path", usecols=columns, dtype=str, encoding="utf-8-sig")
        lookup = lookup.drop_duplicates(lookup_code)
        names = lookup.set_index(lookup_code)[lookup_name_col]
        out["lsoa_name"] = out["lsoa_code"].map(names).to_numpy(dtype=object)
        if lookup_la:
            out["local_authority"] = out["lsoa_code"].map(
                lookup.set_index(lookup_code)[lookup_la]).to_numpy(dtype=object)
        else:
            out["local_authority"] = local_authority_of(out["lsoa_name"]).to_numpy(dtype=object)
        files.append(lookup_name)
    else:
        out["lsoa_name"] = np.full(len(out), np.nan, dtype=object)
        out["local_authority"] = np.full(len(out), np.nan, dtype=object)
    out = out[["lsoa_code", "lsoa_name", "local_authority", "population"]]
    out.attrs.update({"vintage": vintage, "year": year, "files": files, "attribution": ONS})
    return out


def _n(items, one: str, many: str | None = None) -> str:
    """``"3 LSOA codes"``, ``"1 LSOA code"``."""
    return _plural(len(items), one, many)


def _codes(codes) -> str:
    codes = sorted(map(str, codes))
    more = f" and {len(codes) - _SHOW:,} more" if len(codes) > _SHOW else ""
    return ", ".join(codes[:_SHOW]) + more


def join_population(counts, population, on: str = "lsoa_code", *, level: str = "lsoa",
                    areas=None, drop_unmatched: bool = True):
    """Add resident populations to counts by LSOA, or roll both up to local authorities.

    Parameters
    ----------
    counts : pandas.DataFrame
        Counts with an LSOA code column, e.g. from :func:`aggregate_policeuk`.  Not modified.
    population : pandas.DataFrame
        From :func:`lsoa_population` (columns ``lsoa_code``, ``population`` and, for the
        roll-up, ``local_authority``).
    on : str
        The LSOA code column of ``counts``.
    level : {"lsoa", "local_authority"}
        ``"lsoa"`` adds ``local_authority`` and ``population`` to each row of ``counts``;
        ``"local_authority"`` sums the numeric columns of ``counts`` (e.g. ``count``) by
        local authority and the other columns (e.g. ``month``, ``crime_type``), with each
        authority's population summed over *all* its LSOAs in ``population``, not only
        those with records.  An LSOA missing from ``population`` is placed by its name
        (``lsoa_name`` in ``counts``) when it has one.
    areas : sequence of str, optional
        Local authorities to keep (e.g. a force's own, leaving out the neighbours its
        boundary records fall into).
    drop_unmatched : bool
        Leave out rows whose LSOA (or, rolled up, local authority) has no population (the
        default); else keep them with a missing population.

    Returns
    -------
    pandas.DataFrame
        ``attrs`` carries over those of ``counts``, with ``unmatched_lsoas`` (codes that had
        no population), and a note added to ``problems`` naming them.

    Raises
    ------
    TypeError
        If ``counts`` or ``population`` is not a DataFrame.
    ValueError
        If a needed column is missing, ``level`` is unknown, or ``areas`` names an
        authority not in ``population``.

    Examples
    --------
    >>> import pandas as pd
    >>> import scrutiny as sc
    >>> counts = pd.DataFrame({"lsoa_code": ["E1", "E2", "E9"], "count": [3, 5, 1]})
    >>> population = pd.DataFrame({"lsoa_code": ["E1", "E2", "E3"],
    ...                            "local_authority": ["A", "A", "B"],
    ...                            "population": [1500, 1700, 1600]})
    >>> sc.data.join_population(counts, population)["population"].tolist()
    [1500, 1700]
    >>> sc.data.join_population(counts, population, level="local_authority")["population"].tolist()
    [3200]
    """
    drop_unmatched = _check_join(counts, population, on, level, drop_unmatched)
    table = population.drop_duplicates("lsoa_code").set_index("lsoa_code")
    codes = counts[on]
    has_code = codes.notna().to_numpy()
    known = codes.isin(table.index).to_numpy()
    unmatched = sorted(set(codes[has_code & ~known].astype(str)))
    problems = list(counts.attrs.get("problems", []))
    hint = ""
    if len(unmatched) > 0.5 * max(codes.nunique(), 1):
        hint = (" (most codes are missing: are they LSOAs of another vintage than "
                f"{population.attrs.get('vintage', 'the population table')}'s?)")
    join = _by_lsoa if level == "lsoa" else _by_local_authority
    out = join(counts, table, on, known, unmatched, hint, drop_unmatched, problems)
    if areas is not None:
        out = _keep_areas(out, table, areas)
    out.attrs.update(counts.attrs)
    out.attrs.update({"problems": problems, "unmatched_lsoas": unmatched,
                      "population": {k: population.attrs[k] for k in ("vintage", "year",
                                                                      "attribution")
                                     if k in population.attrs}})
    return out


def _check_join(counts, population, on, level, drop_unmatched) -> bool:
    """The arguments of :func:`join_population`, checked; ``drop_unmatched`` as a bool."""
    v.data_frame(counts, "counts")
    v.data_frame(population, "population")
    v.choice(level, "level", ("lsoa", "local_authority"))
    drop_unmatched = v.boolean(drop_unmatched, "drop_unmatched")
    if not isinstance(on, str) or on not in counts.columns:
        raise ValueError(f"on must name the LSOA code column of counts (got {on!r}; its "
                         f"columns: {', '.join(map(str, counts.columns))})")
    v.distinct_columns(counts, "counts")
    v.distinct_columns(population, "population")
    v.finite_columns(counts, "counts")
    v.columns_present(population, ["lsoa_code", "population"], "population")
    if level == "local_authority":
        v.columns_present(population, ["local_authority"], "population")
    values = v.numeric_column(population, "population")
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"population: column 'population' must hold a non-negative number for "
                         f"every LSOA (LSOA {population['lsoa_code'].iloc[i]!r}: {values[i]:g})")
    return drop_unmatched


def _missing(drop_unmatched: bool) -> str:
    return "left out" if drop_unmatched else "population left missing"


def _by_lsoa(counts, table, on, known, unmatched, hint, drop_unmatched, problems):
    """Each row of ``counts`` with its LSOA's local authority and population."""
    codes = counts[on]
    if unmatched:
        rows = int((codes.notna().to_numpy() & ~known).sum())
        problems.append(f"{_n(unmatched, 'LSOA code')} ({rows:,} rows) had no population"
                        f"{hint}; {_missing(drop_unmatched)}: {_codes(unmatched)}")
    out = counts.copy()
    if "local_authority" in table.columns and "local_authority" not in out.columns:
        out["local_authority"] = codes.map(table["local_authority"]).to_numpy(dtype=object)
    out["population"] = codes.map(table["population"]).to_numpy(dtype=np.float64)
    if drop_unmatched:
        out = out.loc[known].reset_index(drop=True)
        out["population"] = out["population"].astype(np.int64)
    return out


def _by_local_authority(counts, table, on, known, unmatched, hint, drop_unmatched, problems):
    """``counts`` summed by local authority (placed by the table, else by LSOA name), each
    with the residents of all its LSOAs in the table."""
    import pandas as pd

    codes = counts[on]
    has_code = codes.notna().to_numpy()
    authority = codes.map(table["local_authority"])
    if "lsoa_name" in counts.columns:
        by_name = local_authority_of(counts["lsoa_name"]).set_axis(counts.index)
        authority = authority.where(authority.notna(), by_name)
    placed = authority.notna().to_numpy()
    named = sorted(set(codes[has_code & ~known & placed].astype(str)))
    lost = sorted(set(codes[has_code & ~placed].astype(str)))
    if named:
        problems.append(f"{_n(named, 'LSOA code')} not in the population table{hint} were "
                        f"placed in a local authority by their LSOA name: {_codes(named)}")
    if lost:
        problems.append(f"{_n(lost, 'LSOA code')} could not be placed in a local authority"
                        f"{hint}; left out: {_codes(lost)}")
    values = [c for c in counts.columns if c != on
              and pd.api.types.is_numeric_dtype(counts[c])
              and not pd.api.types.is_bool_dtype(counts[c])]
    keys = [c for c in counts.columns
            if c not in values and c not in (on, "lsoa_name", "local_authority")]
    rolled = counts.loc[placed, keys + values].assign(
        local_authority=authority[placed].astype(object).to_numpy())
    out = rolled.groupby(["local_authority", *keys], sort=True, observed=True,
                         dropna=False)[values].sum().reset_index()
    residents = table.groupby("local_authority")["population"].sum()
    out["population"] = out["local_authority"].map(residents).to_numpy(dtype=np.float64)
    homeless = sorted(set(out.loc[out["population"].isna(), "local_authority"]))
    if homeless:
        problems.append(f"{_n(homeless, 'local authority', 'local authorities')} had no "
                        f"population in the table; {_missing(drop_unmatched)}: "
                        f"{', '.join(homeless)}")
    if drop_unmatched:
        out = out.loc[out["population"].notna().to_numpy()].reset_index(drop=True)
        out["population"] = out["population"].astype(np.int64)
    return out


def _keep_areas(out, table, areas):
    """The rows of the local authorities ``areas`` (all of them known to the table)."""
    wanted = v.column_names([areas] if isinstance(areas, str) else areas, "areas")
    if "local_authority" not in out.columns:
        raise ValueError("areas needs local authorities, but population has no "
                         "local_authority column")
    every = set(table["local_authority"].dropna())
    unknown = [a for a in wanted if a not in every]
    if unknown:
        raise ValueError(f"areas names local authorities not in population: "
                         f"{', '.join(map(repr, unknown))}")
    return out.loc[out["local_authority"].isin(wanted).to_numpy()].reset_index(drop=True)


def records_population(records, path=None):
    """The resident population of each record's local authority, from the LSOA vintage of its
    month: the one join of police.uk records with populations over several vintages.

    The rule: a record's local authority is its ``local_authority`` (else its LSOA name
    without the last token, :func:`local_authority_of`); the residents of an authority are
    summed over every LSOA of one vintage whose name places it there; and each month's
    records take the vintage (2011 or 2021 LSOAs) that knows most of that month's LSOA
    codes, a tie going to the vintage whose estimate is nearer the month.  data.police.uk
    moved from 2011 to 2021 LSOAs between releases, so one table for all months would
    mismatch some of them.

    Parameters
    ----------
    records : pandas.DataFrame
        Records with ``lsoa_code``, ``month`` (monthly periods) and ``local_authority`` or
        ``lsoa_name``, e.g. from :func:`scrutiny.data.read_policeuk`.  Not modified.
    path : str or os.PathLike, optional
        The folder of both vintages' population files, as for :func:`lsoa_population`.

    Returns
    -------
    numpy.ndarray
        float64, one value per record; NaN where the local authority is not in the vintage's
        table.
    """
    tables = dict(zip(VINTAGES, (_authority_residents(path, v) for v in VINTAGES)))
    out = np.full(len(records), np.nan)
    areas = (records["local_authority"] if "local_authority" in records else
             local_authority_of(records["lsoa_name"]).set_axis(records.index))
    for rows, vintage in _month_vintages(records, tables):
        out[rows] = areas.iloc[rows].map(tables[vintage][1]).to_numpy(dtype=float,
                                                                      na_value=np.nan)
    return out


def month_vintages(records, path=None) -> dict:
    """The LSOA vintage ("2011" or "2021") of each month of police.uk records: the one that
    knows most of the month's LSOA codes, a tie going to the vintage whose population
    estimate is nearer the month (the rule of :func:`records_population`)."""
    tables = dict(zip(VINTAGES, (_authority_residents(path, v) for v in VINTAGES)))
    months = records.groupby("month", observed=True).indices
    return {month: vintage for month, (_, vintage) in
            zip(months, _month_vintages(records, tables))}


def _month_vintages(records, tables: dict):
    """(row positions, vintage) for each month of ``records``."""
    codes = records["lsoa_code"].astype("string")
    for month, rows in records.groupby("month", observed=True).indices.items():
        seen = set(codes.iloc[rows].dropna())
        yield rows, max(tables, key=lambda v: (len(seen & tables[v][0]),
                                               -abs(month.year - tables[v][2])))


@functools.lru_cache(maxsize=8)
def _authority_residents(path, vintage: str):
    """(the LSOA codes of a vintage, residents by local authority named from the LSOA names,
    the year of the estimate)."""
    lsoas = lsoa_population(path, vintage=vintage)
    residents = lsoas.groupby(local_authority_of(lsoas["lsoa_name"]).to_numpy())[
        "population"].sum()
    return set(lsoas["lsoa_code"]), residents, int(str(lsoas.attrs["year"])[-4:])


__all__ = ["lsoa_population", "join_population", "records_population", "local_authority_of",
           "shared_data_folder"]
