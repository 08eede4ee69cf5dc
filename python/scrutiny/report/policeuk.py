"""data.police.uk street files as a report source: the records of one force, with their local
authority, whether it is one of the force's areas and, optionally, its resident population.

The force is the one the records fall within (``Falls within``): the only one in the files, or
the one named by ``force``.  Its areas are the local authorities named by ``areas``, else those
holding at least ``area_share`` of the force's records with a location (a few records of
every force are mapped just over its border; they are not its areas).

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
from ..data.population import local_authority_of, month_vintages, records_population
from .issues import Issue, SourceError


def read(path: Path, populations, resolve, issues: list, name: str, *, force=None, areas=None,
         area_share: float = 0.02):
    """Read the files with :func:`scrutiny.data.read_policeuk`; keep the force's records; add
    ``local_authority``, ``in_force_area`` and, with ``populations``, ``population``.  The
    frame's ``attrs`` hold ``force`` and ``areas``."""
    try:
        frame = data.read_policeuk(path)
    except (OSError, ValueError) as exc:
        raise SourceError(f"cannot read data.police.uk files at {str(path)!r} ({exc})") from None
    for note in frame.attrs.get("problems", []):
        issues.append(Issue(f"(source {name})", str(note), "noted by the reader of the files"))
    frame, chosen = one_force(frame, force)
    if "lsoa_name" in frame.columns:
        frame["local_authority"] = local_authority_of(frame["lsoa_name"]).to_numpy()
        found = force_areas(frame["local_authority"], area_share) if areas is None else areas
        frame["in_force_area"] = frame["local_authority"].isin(found).to_numpy()
        frame.attrs["areas"] = tuple(found)
    frame.attrs["force"] = chosen
    if populations is not None:
        try:
            folder = resolve(populations)
            frame["population"] = records_population(frame, folder)
            frame.attrs["breaks"] = boundary_breaks(month_vintages(frame, folder))
        except (OSError, ValueError, KeyError) as exc:
            issues.append(Issue(f"(source {name})", f"populations could not be read ({exc})",
                                "rates per resident cannot be worked out"))
    return frame


def one_force(frame, force=None):
    """The records of one force (a copy) and its name: the force given (matched without regard
    to case, "West Mercia" finding "West Mercia Police"), else the only force in the files."""
    counts = frame["falls_within"].value_counts() if "falls_within" in frame.columns else None
    if counts is None or counts.empty:
        return frame.copy(), force
    names = list(counts.index)
    listed = ", ".join(f"{f} ({n:,} records)" for f, n in counts.items())
    if force is None:
        if len(names) > 1:
            raise SourceError(f"the files hold records of {len(names)} forces ({listed}): "
                              "choose one with --force (or force = in the specification)")
        return frame.copy(), names[0]
    wanted = force.casefold()
    match = [f for f in names if f.casefold() == wanted] or \
        [f for f in names if wanted in f.casefold()]
    if len(match) != 1:
        what = "matches no force" if not match else f"matches {len(match)} forces"
        raise SourceError(f"--force {force!r} {what} of the files ({listed})")
    return frame[frame["falls_within"] == match[0]].copy(), match[0]


def force_areas(local_authority, share: float) -> list:
    """The local authorities holding at least ``share`` of the records with a location, by
    number of records."""
    counts = local_authority.value_counts()
    total = counts.sum()
    return [str(a) for a, n in counts.items() if total and n >= share * total]


def boundary_breaks(vintages: dict) -> list:
    """(month, reason) for each month whose records use other LSOA boundaries than the month
    before (a new vintage of the files)."""
    months = sorted(vintages)
    return [(b, f"where the records move from {vintages[a]} to {vintages[b]} LSOA boundaries "
                "(a new vintage of the files)")
            for a, b in zip(months, months[1:]) if vintages[a] != vintages[b]]
