"""data.police.uk street files as a report source: records with their local authority and,
optionally, its resident population.

The local authority of a record is its LSOA name without the last token ("Wyre Forest 004E"
is in Wyre Forest), as data.police.uk names LSOAs.  With ``populations`` (a folder of ONS
small-area population estimates laid out as ``shared/data/ons-lsoa-population``), every
record gets ``population``: the residents of its local authority, summed over all the LSOAs
of the vintage (2011 or 2021 LSOAs) that its month's LSOA codes come from.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .spec import Issue

# ONS files of the populations folder: (population file, code column, value column, year,
# lookup naming every LSOA of the vintage, its code column, its name column)
VINTAGES = (
    ("lsoa11_population_mid2019.csv", "lsoa11cd", "population_mid2019", 2019,
     "lsoa11_lsoa21_lad22_lookup.csv.gz", "LSOA11CD", "LSOA11NM"),
    ("lsoa21_population_mid2022.csv", "lsoa21cd", "population_mid2022", 2022,
     "lsoa21_to_utla23_lookup.csv.gz", "LSOA21CD", "LSOA21NM"),
)


def local_authority(names):
    """The local authority of LSOA names: the name without its last token."""
    return names.astype("string").str.replace(r"\s+\S+$", "", regex=True)


def read(path: Path, populations, resolve, issues: list, name: str):
    """Read the files with :func:`scrutiny.data.read_policeuk`, add ``local_authority`` and,
    with ``populations``, ``population``."""
    from .. import data
    from .sources import SourceError

    try:
        frame = data.read_policeuk(path)
    except (OSError, ValueError) as exc:
        raise SourceError(f"cannot read data.police.uk files at {str(path)!r} ({exc})") from None
    for note in frame.attrs.get("problems", []):
        issues.append(Issue(f"(source {name})", str(note), "noted by the reader of the files"))
    frame = frame.copy()
    if "lsoa_name" in frame.columns:
        frame["local_authority"] = local_authority(frame["lsoa_name"])
    if populations is not None:
        try:
            frame["population"] = _population(frame, resolve(populations))
        except (OSError, ValueError, KeyError) as exc:
            issues.append(Issue(f"(source {name})", f"populations could not be read ({exc})",
                                "rates per resident cannot be worked out"))
    return frame


def _population(frame, folder: Path):
    """Residents of each record's local authority, from the vintage of its month's LSOAs."""
    import pandas as pd

    tables = []
    for pop_file, code, value, year, lookup, lcode, lname in VINTAGES:
        pop = pd.read_csv(folder / pop_file, dtype={code: str})
        names = pd.read_csv(folder / lookup, usecols=[lcode, lname], dtype=str)
        joined = pop.merge(names.drop_duplicates(lcode), left_on=code, right_on=lcode, how="left")
        joined["la"] = local_authority(joined[lname])
        tables.append((set(pop[code]), joined.groupby("la")[value].sum(), year))
    out = np.full(len(frame), np.nan)
    codes = frame["lsoa_code"].astype("string")
    areas = frame["local_authority"]
    for month, rows in frame.groupby("month", observed=True).indices.items():
        seen = set(codes.iloc[rows].dropna())
        # the vintage that knows most of the month's codes; ties go to the nearer estimate
        best = max(tables, key=lambda t: (len(seen & t[0]), -abs(month.year - t[2])))
        out[rows] = areas.iloc[rows].map(best[1]).to_numpy(dtype=float, na_value=np.nan)
    return out
