"""data.police.uk street files as a report source: records with their local authority and,
optionally, its resident population.

The local authority of a record is its LSOA name without the last token, as
:func:`scrutiny.data.population.local_authority_of` reads it.  With ``populations`` (a folder
of ONS small-area population estimates laid out as ``shared/data/ons-lsoa-population``, read
by :func:`scrutiny.data.lsoa_population`), every record gets ``population``: the residents of
its local authority, summed over all the LSOAs of the vintage (2011 or 2021 LSOAs) that its
month's LSOA codes come from.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .spec import Issue


def read(path: Path, populations, resolve, issues: list, name: str):
    """Read the files with :func:`scrutiny.data.read_policeuk`, add ``local_authority`` and,
    with ``populations``, ``population``."""
    from .. import data
    from ..data.population import local_authority_of
    from .sources import SourceError

    try:
        frame = data.read_policeuk(path)
    except (OSError, ValueError) as exc:
        raise SourceError(f"cannot read data.police.uk files at {str(path)!r} ({exc})") from None
    for note in frame.attrs.get("problems", []):
        issues.append(Issue(f"(source {name})", str(note), "noted by the reader of the files"))
    frame = frame.copy()
    if "lsoa_name" in frame.columns:
        frame["local_authority"] = local_authority_of(frame["lsoa_name"]).to_numpy()
    if populations is not None:
        try:
            frame["population"] = _population(frame, resolve(populations))
        except (OSError, ValueError, KeyError) as exc:
            issues.append(Issue(f"(source {name})", f"populations could not be read ({exc})",
                                "rates per resident cannot be worked out"))
    return frame


def _population(frame, folder: Path):
    """Residents of each record's local authority, from the vintage of its month's LSOAs."""
    from ..data.population import VINTAGES, local_authority_of, lsoa_population

    tables = []
    for vintage in VINTAGES:
        lsoas = lsoa_population(folder, vintage=vintage)
        # authorities named as the records name them: by LSOA name
        residents = lsoas.groupby(local_authority_of(lsoas["lsoa_name"]).to_numpy())[
            "population"].sum()
        year = int(str(lsoas.attrs["year"])[-4:])
        tables.append((set(lsoas["lsoa_code"]), residents, year))
    out = np.full(len(frame), np.nan)
    codes = frame["lsoa_code"].astype("string")
    areas = frame["local_authority"]
    for month, rows in frame.groupby("month", observed=True).indices.items():
        seen = set(codes.iloc[rows].dropna())
        # the vintage that knows most of the month's codes; ties go to the nearer estimate
        best = max(tables, key=lambda t: (len(seen & t[0]), -abs(month.year - t[2])))
        out[rows] = areas.iloc[rows].map(best[1]).to_numpy(dtype=float, na_value=np.nan)
    return out
