"""data.police.uk street files as a report source: records with their local authority and,
optionally, its resident population.

The local authority of a record is its LSOA name without the last token, as
:func:`scrutiny.data.population.local_authority_of` reads it.  With ``populations`` (a folder
of ONS small-area population estimates laid out as ``shared/data/ons-lsoa-population``, read
by :func:`scrutiny.data.lsoa_population`), every record gets ``population``: the residents of
its local authority, by the rule of :func:`scrutiny.data.population.records_population`
(summed over all the LSOAs of the vintage, 2011 or 2021 LSOAs, that its month's LSOA codes
come from).
"""
from __future__ import annotations

from pathlib import Path


from .. import data
from ..data.population import local_authority_of, records_population
from .issues import Issue, SourceError


def read(path: Path, populations, resolve, issues: list, name: str):
    """Read the files with :func:`scrutiny.data.read_policeuk`, add ``local_authority`` and,
    with ``populations``, ``population``."""
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
            frame["population"] = records_population(frame, resolve(populations))
        except (OSError, ValueError, KeyError) as exc:
            issues.append(Issue(f"(source {name})", f"populations could not be read ({exc})",
                                "rates per resident cannot be worked out"))
    return frame
