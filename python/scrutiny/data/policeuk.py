"""Reading the street-level crime, outcomes and stop-and-search files of data.police.uk.

data.police.uk publishes, for every force and month, ``YYYY-MM-<force>-street.csv`` (one row
per crime or anti-social behaviour incident), ``YYYY-MM-<force>-outcomes.csv`` (one row per
outcome of a crime) and ``YYYY-MM-<force>-stop-and-search.csv`` (one row per search).  The
archive as downloaded is a zip of ``YYYY-MM/`` folders holding those files.  The kind of each
file is told by its header, not its name.

Files are read with Arrow (``pyarrow.csv``, two files at a time on disk) straight into typed
and categorical columns, and typed a batch of files at a time; a file Arrow cannot read as it
stands (a line with the wrong number of fields, a coordinate that is not a number, text that is
not UTF-8) is read by the pandas parser instead, which places and reports every such line.
``engine="pandas"`` reads every file that way.  :func:`aggregate_policeuk` given a path reads
only the columns it needs and counts each file as it is read (with Arrow when nothing in the
file is to be noted), so its memory is that of the counts plus a few files.

Malformed rows never stop a read: they are left out or blanked, and each is described in plain
English in ``frame.attrs["problems"]`` (file, line numbers, what was wrong, what was done), for
a report's "data issues" section.
"""

from __future__ import annotations

import os
from collections.abc import Hashable
from pathlib import Path

from .. import distributed
from .. import _validation as v
from ._policeuk_arrow import _typed_files
from ._policeuk_count import _aggregate, _aggregate_files, _groups, _repeated
from ._policeuk_files import _choose, COLUMNS, KINDS, _opened, _read_one
from ._policeuk_problems import _attrs, _FileProblems, _note_repeated_ids, _Problems
from ._policeuk_types import _concat, _typed, _within

ENGINES = ("pyarrow", "pandas", "dask")


def read_policeuk(path, kind: str | None = None, *, start=None, end=None, engine="pyarrow"):
    """Read data.police.uk street-level crime, outcomes or stop-and-search files.

    Parameters
    ----------
    path : str or os.PathLike
        One CSV file (``.csv`` or ``.csv.gz``), a folder (searched with its sub-folders, e.g.
        the ``YYYY-MM/`` folders of an unzipped download), or the ``.zip`` archive as
        downloaded from data.police.uk.  Files are never modified.
    kind : {"street", "outcomes", "stop-and-search"}, optional
        Which files to read when ``path`` holds more than one kind (a download usually
        holds street and outcomes files).  By default the one kind found; the kind of each
        file is told from its header.
    start, end : str or pandas.Period, optional
        First and last month to keep (``"2024-01"``), inclusive.  Files whose names start
        with a month outside the range are not opened.
    engine : {"pyarrow", "pandas", "dask"}
        How files are parsed.  ``"pyarrow"`` (the default) reads each file with Arrow into
        typed columns, and ``location``, ``lsoa_code`` and ``lsoa_name`` are categorical too
        (otherwise the frame, its rows and its ``attrs`` are those of ``"pandas"``); a file
        Arrow cannot read as it stands (a line with the wrong number of fields, text that is
        not UTF-8, a coordinate that is not a number) is read with pandas.  ``"pandas"``
        reads every file with pandas' parser, all text columns but the categorical ones as
        strings.  ``"dask"``: a Dask DataFrame with one partition per file of a folder (the
        ``scrutiny[dask]`` extra; see :func:`scrutiny.distributed.read_policeuk_dask`).

    Returns
    -------
    pandas.DataFrame
        One row per record, columns in snake_case in the published order: for street
        files ``crime_id``, ``month`` (``period[M]``), ``reported_by``, ``falls_within``,
        ``longitude``, ``latitude`` (float64, NaN where the record has no location),
        ``location``, ``lsoa_code``, ``lsoa_name``, ``crime_type``,
        ``last_outcome_category``, ``context``; outcomes files have ``outcome_type`` in
        place of the last three; stop-and-search files have ``type``, ``date``
        (``datetime64[ns, UTC]``), ``month`` (the month of the published local date),
        ``part_of_a_policing_operation`` (nullable boolean), ``policing_operation``,
        ``latitude``, ``longitude``, ``gender``, ``age_range``, ``self_defined_ethnicity``,
        ``officer_defined_ethnicity``, ``legislation``, ``object_of_search``, ``outcome``,
        ``outcome_linked_to_object_of_search``, ``removal_of_more_than_just_outer_clothing``
        and ``force`` (from the file name, e.g. ``"west-mercia"``).  Columns with few
        distinct values (crime type, outcome, force, ...) are categorical.

        ``attrs`` holds ``kind``, ``source`` (the path), ``files`` (the files read),
        ``problems`` (a list of plain-English notes on malformed rows and what was done:
        a row with the wrong number of fields, no month, or no crime type is left out; a
        coordinate that is not a number is set to missing; files that are not
        data.police.uk files are skipped), ``missing_months`` (months between the first
        and the last with no records) and ``attribution`` (the Open Government Licence
        line to quote).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If a single file is not a data.police.uk file (the message names the missing
        columns), a folder or archive holds none, it holds several kinds and ``kind`` is not
        given, ``kind`` is unknown, or ``start`` / ``end`` is not a month.

    Examples
    --------
    >>> import scrutiny as sc
    >>> crimes = sc.data.read_policeuk("police-uk-west-mercia-street/")   # doctest: +SKIP
    >>> crimes.attrs["kind"], str(crimes["month"].dtype)                 # doctest: +SKIP
    ('street', 'period[M]')
    """
    engine = v.choice(engine, "engine", ENGINES)
    if engine == "dask":       # a Dask DataFrame, one partition per file (the dask extra)
        return distributed.read_policeuk_dask(read_policeuk, path, kind, start=start, end=end)
    with _opened(path, kind, start, end) as (path, sources, kind, first, last, single):
        return _read(path, sources, kind, first, last, single, engine)


def _read(path: Path, sources, kind, first, last, single: bool, engine: str):
    import pandas as pd

    problems = _Problems()
    kind, chosen, headers = _choose(path, sources, kind, first, last, single, problems)
    files = [s.name for s in chosen]
    if engine == "pandas":
        parts = [_read_one(s, headers[s.name], i, problems) for i, s in enumerate(chosen)]
        filled = [part for part in parts if len(part)] or parts[:1]
        table = (pd.concat(filled, ignore_index=True) if filled
                 else pd.DataFrame({"_file": [], "_line": []}))
        frame = _within(_typed(table, kind, files, chosen, problems), first, last)
        notes = problems.notes
    else:
        ids, staged = [], _FileProblems(files)
        staged.notes = problems.notes
        frame = _concat(list(_typed_files(chosen, headers, kind, files, first, last,
                                          staged, ids)))
        notes = staged.ordered()
        problems.notes = []
        if ids:
            _note_repeated_ids(_repeated(ids), files, problems)
        notes += problems.notes
    forces = (frame["falls_within"].dropna().unique().tolist()
              if "falls_within" in frame else [])
    frame.attrs.update(_attrs(path, kind, files, notes, frame["month"], forces))
    return frame


@distributed.dask_aware
def aggregate_policeuk(frame, by=("lsoa_code", "month", "crime_type"), *, complete: bool = True,
                       kind: str | None = None, start=None, end=None):
    """Count records by area, month and type, with zeros where a combination has none.

    Parameters
    ----------
    frame : pandas.DataFrame, str or os.PathLike
        Records, e.g. from :func:`read_policeuk`, not modified; or the files themselves, as
        ``path`` of :func:`read_policeuk`: they are then counted as they are read, file by
        file, only the columns needed, so that memory holds the counts, a few files and 8 to
        12 bytes a record for the check of repeated crime IDs, not the records.  The counts
        equal those of the frame :func:`read_policeuk` reads.
    by : sequence of str or of tuples of str
        The columns to count by, e.g. ``("lsoa_code", "month", "crime_type")`` or
        ``("falls_within", "month", "last_outcome_category")``.  A tuple groups columns that
        go together, e.g. ``(("lsoa_code", "lsoa_name"), "month", "crime_type")``: only the
        pairs seen are combined with the other columns.
    complete : bool
        If True (the default), every combination of the values seen in each ``by`` column
        (or tuple) gets a row, with count 0 where there are no records.  Months are the months with
        records: a month missing from the data is not filled with zeros (it is listed in
        ``attrs["missing_months"]`` instead).
    kind, start, end : optional
        As for :func:`read_policeuk`, when ``frame`` is a path.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns (with their types: ``month`` stays a period, categories stay
        categorical) and ``count`` (int64), sorted by ``by``.  ``attrs`` carries over those
        of ``frame`` (``problems`` extended with the records that could not be counted
        because a ``by`` value is missing, e.g. crimes with no LSOA) and adds
        ``missing_months`` when ``by`` has ``month``.

    Raises
    ------
    TypeError
        If ``frame`` is not a DataFrame or a path, or ``by`` not a sequence of column names.
    ValueError
        If a ``by`` column is not in ``frame``; as :func:`read_policeuk` for a path; if
        ``kind``, ``start`` or ``end`` is given with a DataFrame, or ``frame`` is a path
        that does not exist.

    Examples
    --------
    >>> import pandas as pd
    >>> import scrutiny as sc
    >>> months = pd.PeriodIndex(["2024-01", "2024-02", "2024-01"], freq="M")
    >>> records = pd.DataFrame({"lsoa_code": ["E1", "E1", "E2"], "month": months,
    ...                         "crime_type": ["Burglary", "Burglary", "Robbery"]})
    >>> sc.data.aggregate_policeuk(records)["count"].tolist()
    [1, 0, 1, 0, 0, 1, 0, 0]
    """

    if isinstance(frame, (str, os.PathLike)):
        if not Path(frame).exists():
            raise ValueError(f"frame must be a pandas DataFrame or a file or folder that exists "
                             f"(got {str(frame)!r}, which does not exist)")
        return _aggregate_files(frame, by, v.boolean(complete, "complete"), kind, start, end)
    for name, value in (("kind", kind), ("start", start), ("end", end)):
        if value is not None:
            raise ValueError(f"{name} applies only when frame is a path to read")
    v.data_frame(frame, "frame")
    v.distinct_columns(frame, "frame")
    groups, keys = _groups(by, frame.columns)
    complete = v.boolean(complete, "complete")
    try:
        return _aggregate(frame, groups, keys, complete)
    except TypeError:   # values that cannot be sorted or grouped: say which column holds them
        for key in keys:
            kinds = sorted({type(x).__name__ for x in frame[key].dropna().unique()}
                           if frame[key].map(_hashable).all() else {"list or dict"})
            if len(kinds) > 1 or kinds == ["list or dict"]:
                raise TypeError(f"by column {key!r} of frame must hold values of one type to "
                                f"be counted by (it holds {', '.join(kinds)})") from None
        raise


def _hashable(value) -> bool:
    return isinstance(value, Hashable)


__all__ = ["read_policeuk", "aggregate_policeuk", "KINDS", "COLUMNS"]
