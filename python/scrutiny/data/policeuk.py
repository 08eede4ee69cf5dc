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

import contextlib
import csv
import ctypes
import ctypes.util
import gzip
import io
import os
import re
import warnings
import zipfile
import zlib
from collections.abc import Hashable
from pathlib import Path

import numpy as np

from .. import _narrative as _n
from .. import distributed
from .. import _validation as v

KINDS = ("street", "outcomes", "stop-and-search")

# Columns of each kind as published, with the type each is read as.
_COMMON = {"Crime ID": "str", "Month": "month", "Reported by": "category",
           "Falls within": "category", "Longitude": "longitude", "Latitude": "latitude",
           "Location": "str", "LSOA code": "str", "LSOA name": "str"}
COLUMNS = {
    "street": {**_COMMON, "Crime type": "category", "Last outcome category": "category",
               "Context": "str"},
    "outcomes": {**_COMMON, "Outcome type": "category"},
    "stop-and-search": {
        "Type": "category", "Date": "date", "Part of a policing operation": "bool",
        "Policing operation": "str", "Latitude": "latitude", "Longitude": "longitude",
        "Gender": "category", "Age range": "category", "Self-defined ethnicity": "category",
        "Officer-defined ethnicity": "category", "Legislation": "category",
        "Object of search": "category", "Outcome": "category",
        "Outcome linked to object of search": "bool",
        "Removal of more than just outer clothing": "bool"},
}
# Columns absent from some older files: added, empty, when missing.
OPTIONAL = {"street": {"Context"}, "outcomes": set(),
            "stop-and-search": {"Part of a policing operation", "Policing operation",
                                "Outcome linked to object of search",
                                "Removal of more than just outer clothing"}}
# Columns found in one kind only.
_MARKERS = {"street": {"Crime type", "Last outcome category"}, "outcomes": {"Outcome type"},
            "stop-and-search": {"Object of search", "Officer-defined ethnicity", "Legislation"}}
# A row without one of these cannot be counted: it is left out (and reported).
_NEEDED = {"street": ("Crime type",), "outcomes": ("Outcome type",), "stop-and-search": ()}
# Types whose values are checked (and bad ones noted) as they are read; the crime ID too.
_CHECKED = ("month", "date", "longitude", "latitude", "bool")
_BOUNDS = {"longitude": (-180.0, 180.0), "latitude": (-90.0, 90.0)}
_SUFFIXES = (".csv", ".csv.gz")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_NAME_MONTH = re.compile(r"^(\d{4}-\d{2})")
_SEARCH_FORCE = re.compile(r"^\d{4}-\d{2}-(.+)-stop-and-search\.csv(\.gz)?$", re.IGNORECASE)
_BAD_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")
_SPARE = 4      # spare columns read beyond the header, to catch rows with extra fields
_SHOW_LINES = 5
_HEADER_SEARCH = 1000   # blank lines looked through for the header
ENGINES = ("pyarrow", "pandas", "dask")
_ID_SIZE = 64       # characters of a published crime ID
_BATCH = 250_000    # records typed at once, at most one file more, when read with Arrow
_BLOCK = 4 << 20    # bytes of a file Arrow parses at a time
_THREADS, _AHEAD = 2, 4     # files read at once by Arrow, and read ahead of the one typed
# Text columns with few distinct values, categorical when read with Arrow (besides "category").
_CODED = {"Location", "LSOA code", "LSOA name"}
try:    # malloc_trim: glibc's allocator hands freed memory back
    _TRIM = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
except (OSError, AttributeError, TypeError):
    _TRIM = None
OGL = "Contains public sector information licensed under the Open Government Licence v3.0."


def snake_case(name: str) -> str:
    """A published column name in snake_case: ``"LSOA code"`` -> ``"lsoa_code"``."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


class _Source:
    """One CSV file: on disk (maybe gzipped) or a member of a zip archive."""

    def __init__(self, name: str, path: Path | None = None, archive: zipfile.ZipFile | None = None):
        self.name, self.path, self.archive = name, path, archive
        self.header_line = 1
        base = name.rsplit("/", 1)[-1]
        found = _NAME_MONTH.match(base)
        self.month = found.group(1) if found else None
        found = _SEARCH_FORCE.match(base)
        self.force = found.group(1) if found else None

    @contextlib.contextmanager
    def open(self):
        """The file's bytes, unzipped; closed on leaving the ``with`` block."""
        with (self.archive.open(self.name) if self.archive is not None
              else open(self.path, "rb")) as raw:
            if self.name.lower().endswith(".gz"):
                with gzip.GzipFile(fileobj=raw) as unzipped:
                    yield unzipped
            else:
                yield raw

    def header(self) -> list[str] | None:
        """The column names of the first line that is not blank, whose number is kept as
        ``header_line`` (None for a file that is empty or starts with many blank lines)."""
        with self.open() as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
            try:
                for number in range(1, _HEADER_SEARCH + 1):
                    line = text.readline()
                    if not line or line.strip():
                        break
            finally:
                text.detach()
        self.header_line = number
        if not line.strip():
            return None
        return [c.strip() for c in next(csv.reader([line]))]


def _detect(header: list[str], where: str) -> str:
    """The kind of a file from its header; ValueError naming the missing columns otherwise."""
    present = set(header)
    marked = [k for k in KINDS if _MARKERS[k] & present]
    scores = {k: len(present & set(COLUMNS[k])) for k in KINDS}
    kind = marked[0] if len(marked) == 1 else max(KINDS, key=scores.get)
    missing = [c for c in COLUMNS[kind] if c not in present and c not in OPTIONAL[kind]]
    if not missing:
        return kind
    shown = ", ".join(repr(c) for c in header[:8]) + (", ..." if len(header) > 8 else "")
    names = ", ".join(repr(c) for c in missing)
    if scores[kind] < 3:
        raise ValueError(
            f"path {where!r} is not a data.police.uk street, outcomes or stop-and-search file: "
            f"its columns are {shown}; a {kind} file would also need {names}")
    raise ValueError(f"path {where!r} looks like a data.police.uk {kind} file but has no "
                     f"column {names}")


def _sources(path: Path, archive: zipfile.ZipFile | None) -> list[_Source]:
    """Every CSV (or gzipped CSV) in a folder tree or a zip archive, in name order."""
    def wanted(name: str) -> bool:
        parts = name.replace("\\", "/").split("/")
        return (name.lower().endswith(_SUFFIXES) and parts[0] != "__MACOSX"
                and not any(p.startswith(".") for p in parts))

    if archive is not None:
        names = [i.filename for i in archive.infolist() if not i.is_dir()]
        return [_Source(n, archive=archive) for n in sorted(names) if wanted(n)]
    files = sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
    return [_Source(n, path=path / n) for n in files if wanted(n)]


def _month_bound(value, name: str):
    """``start`` / ``end`` (None, ``"YYYY-MM"``, a date or a Period) as a monthly Period."""
    import pandas as pd

    if value is None:
        return None
    try:
        return pd.Period(value, freq="M")
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a month such as '2024-03' (got {value!r})") from None


def _lines(numbers) -> str:
    numbers = [int(n) for n in numbers]
    word = "line" if len(numbers) == 1 else "lines"
    shown = ", ".join(map(str, numbers[:_SHOW_LINES]))
    more = f" and {len(numbers) - _SHOW_LINES:,} more" if len(numbers) > _SHOW_LINES else ""
    return f"{word} {shown}{more}"


class _Problems:
    """Plain-English notes on what was wrong in the files and what was done about it."""

    def __init__(self):
        self.notes: list[str] = []

    def add(self, file: str, lines, what: str, done: str) -> None:
        lines = list(lines)
        if lines:
            rows = _n.plural(len(lines), "row")
            self.notes.append(f"{file}: {rows} {what} ({_lines(lines)}); {done}")

    def by_file(self, table, mask: np.ndarray, files: list[str], what: str, done: str) -> None:
        """One note per file for the rows of ``table`` where ``mask`` holds."""
        if not mask.any():
            return
        hit = table.loc[mask, ["_file", "_line"]]
        for f, group in hit.groupby("_file", sort=True):
            self.add(files[int(f)], group["_line"], what, done)


class _FileProblems(_Problems):
    """The notes of files typed a few at a time, put back in the order a read of all of them
    at once gives: every note of the parse first, then those of each check in turn, each file
    in order within a check."""

    def __init__(self, files: list[str]):
        super().__init__()
        self.staged: list[tuple[int, int, str]] = []
        self.position = {name: i for i, name in enumerate(files)}
        self.stage = 0

    def start(self) -> None:
        """Notes of the next files to be typed follow."""
        self.stage = 0

    def by_file(self, *args) -> None:
        self.stage += 1
        super().by_file(*args)

    def add(self, file: str, lines, what: str, done: str) -> None:
        before = len(self.notes)
        super().add(file, lines, what, done)
        self.staged += [(self.stage, self.position[file], note) for note in self.notes[before:]]
        del self.notes[before:]

    def ordered(self) -> list[str]:
        return self.notes + [n for _, _, n in sorted(self.staged, key=lambda s: s[:2])]


class _BlankLines(io.RawIOBase):
    """A binary stream passed through unchanged, noting its runs of blank lines (nothing but
    spaces, tabs and carriage returns, as the CSV parser skips them): ``runs`` holds the
    first line number and the length of each run, found a block at a time without a step per
    line."""

    _RUN = re.compile(rb"\n(?:[ \t\r]*\n)+")

    def __init__(self, raw):
        super().__init__()
        self.raw = raw
        self.line = 1           # the line the next block starts in
        self.blank = False      # the line the next block starts in is blank so far
        self.runs: list[tuple[int, int]] = []

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        block = self.raw.read(len(buffer))
        n = len(block)
        buffer[:n] = block
        if n:
            self._scan(block)
        return n

    def _scan(self, block: bytes) -> None:
        # the block behind a virtual line end when its first line is blank so far
        text = (b"\n" if self.blank else b"x") + block
        base = self.line - 1 if self.blank else self.line
        seen, at = 0, 0
        for run in self._RUN.finditer(text):
            seen += text.count(b"\n", at, run.start())
            count = text.count(b"\n", run.start(), run.end())
            self.runs.append((base + seen + 1, count - 1))
            seen, at = seen + count, run.end()
        last = block.rfind(b"\n")
        tail = block[last + 1:] if last >= 0 else block
        self.blank = (self.blank or last >= 0) and not tail.strip(b" \t\r")
        self.line += block.count(b"\n")

    def row_lines(self, rows: int, start: int = 2) -> np.ndarray:
        """The line numbers of the first ``rows`` lines from line ``start`` on that are not
        blank."""
        lines = np.arange(start, start + rows)
        runs = [run for run in self.runs if run[0] >= start]
        if not runs:
            return lines
        first, count = np.array(runs, dtype=np.int64).T
        before = np.cumsum(count) - count       # blank lines before each run
        rank = first - start - before           # lines kept before each run
        skipped = np.concatenate([[0], np.cumsum(count)])
        return lines + skipped[np.searchsorted(rank, lines - start, side="right")]


def _read_one(source: _Source, header: list[str], index: int, problems: _Problems):
    """One file as strings (missing where empty), with the line of each row in the file.

    Rows with more fields than the header are left out and reported (the file is read with a
    few spare columns to catch them; rows longer still are caught by the parser); blank lines
    are skipped as the file is parsed, and the line numbers of the rows after them kept.
    """
    import pandas as pd

    spare = [f"_spare{i}" for i in range(_SPARE)]
    with source.open() as raw, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        stream = _BlankLines(raw)
        table = pd.read_csv(io.BufferedReader(stream), header=None,
                            skiprows=source.header_line,
                            names=[*header, *spare], dtype=str, keep_default_na=False,
                            na_values=[""], on_bad_lines="warn", skip_blank_lines=True,
                            encoding="utf-8-sig", encoding_errors="replace")
    skipped = []
    for w in caught:
        parser_note = issubclass(w.category, pd.errors.ParserWarning)
        found = _BAD_LINE.findall(str(w.message)) if parser_note else []
        if not found:  # not a note on a bad line: pass it on
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        for line, _, saw in found:
            skipped.append(int(line))
            problems.add(source.name, [line], f"had {saw} fields where {len(header)} were "
                         "expected", "left out")
    lines = stream.row_lines(len(table) + len(skipped), source.header_line + 1)
    table["_line"] = np.setdiff1d(lines, skipped) if skipped else lines
    table["_file"] = index
    extra = table[spare].notna().to_numpy()
    long = extra.any(axis=1)
    if long.any():
        fields = len(header) + extra.shape[1] - np.argmax(extra[:, ::-1], axis=1)
        for count in np.unique(fields[long]):
            problems.add(source.name, table.loc[long & (fields == count), "_line"],
                         f"had {count} fields where {len(header)} were expected", "left out")
    blank = table[header].isna().all(axis=1).to_numpy()
    return table.loc[~long & ~blank].drop(columns=spare)


def _arrow_types(header: list[str], kind: str) -> dict:
    """The Arrow type each column of a file is read as."""
    import pyarrow as pa

    coded = pa.dictionary(pa.int32(), pa.string())
    types = {}
    for name in header:
        how = COLUMNS[kind].get(name, "str")
        types[name] = (pa.float64() if how in _BOUNDS else
                       coded if how in ("category", "month") or name in _CODED else pa.string())
    return types


@contextlib.contextmanager
def _arrow_stream(source: _Source):
    """The file's bytes for Arrow: unzipped by Arrow when on disk, by Python in an archive."""
    import pyarrow as pa

    if source.archive is not None:
        with source.open() as raw:
            yield raw
    else:
        gz = source.name.lower().endswith(".gz")
        with pa.input_stream(str(source.path), compression="gzip" if gz else None) as raw:
            yield raw


def _categorical(array):
    """An Arrow dictionary column as a pandas Categorical with its categories sorted (as
    ``astype("category")`` gives them, once those not in use are removed)."""
    import pandas as pd
    import pyarrow.compute as pc

    order = pc.array_sort_indices(array.dictionary).to_numpy()
    rank = np.empty(len(order) + 1, dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    rank[-1] = -1                                # missing values: code -1
    codes = array.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    categories = pd.Index(array.dictionary.take(order).to_pandas(), dtype="str")
    return pd.Categorical.from_codes(rank[codes], categories, validate=False)


def _in_use(values):
    """A Categorical without its categories not in use (found without a sort)."""
    import pandas as pd

    codes = values.codes
    used = np.bincount(codes + 1, minlength=len(values.categories) + 1)[1:] > 0
    if used.all():
        return values
    rank = np.full(len(used) + 1, -1, dtype=codes.dtype)
    rank[np.flatnonzero(used)] = np.arange(used.sum(), dtype=codes.dtype)
    return pd.Categorical.from_codes(rank[codes], values.categories[used], validate=False)


def _arrow_one(source: _Source, header: list[str], kind: str, columns=None,
               threads: bool = True):
    """One file read by Arrow: its table of typed columns (text of few values dictionary
    encoded, coordinates float64) and the line of each row; None when Arrow cannot read it as
    it stands (a line with the wrong number of fields or of spaces only, text that is not
    UTF-8, a coordinate that is not a number, the header after blank lines), to be read by
    :func:`_read_one`, which places and reports each such line.

    ``columns``, when given, are the only columns read (those of them in the file).  Empty
    lines are read as rows of nothing and left out, so that the position of each row is its
    line in the file; a row empty in ``columns`` alone may not be, and the file is then read
    whole.  ``threads``: Arrow parses the file's blocks in parallel.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    if source.header_line != 1 or len(set(header)) != len(header):
        return None
    if columns is not None:
        columns = [name for name in header if name in columns]
    options = dict(
        read_options=pcsv.ReadOptions(column_names=header, skip_rows=1, use_threads=threads,
                                      block_size=_BLOCK),
        parse_options=pcsv.ParseOptions(ignore_empty_lines=False),
        convert_options=pcsv.ConvertOptions(column_types=_arrow_types(header, kind),
                                            null_values=[""], strings_can_be_null=True,
                                            include_columns=columns))
    try:
        with _arrow_stream(source) as raw:
            table = pcsv.read_csv(raw, **options)
    except (pa.ArrowException, OSError, EOFError, zlib.error):
        return None
    lines = np.arange(2, 2 + table.num_rows)
    if table.num_columns and all(column.null_count for column in table.columns):
        filled = pc.is_valid(table.column(0))       # maybe empty lines
        for column in table.columns[1:]:
            filled = pc.or_(filled, pc.is_valid(column))
        kept = np.flatnonzero(filled.to_numpy(zero_copy_only=False))
        if len(kept) < table.num_rows:
            if columns is not None:
                return _arrow_one(source, header, kind, threads=threads)
            table, lines = table.take(kept), lines[kept]
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_floating(column.type) and pc.any(pc.is_nan(column)).as_py():
            return None         # "nan" in the file: a number for Arrow, text for pandas
    return table, lines


def _arrow_all(chosen: list[_Source], headers: dict, kind: str, columns=None, quick=None):
    """:func:`_arrow_one` of each file in turn, and ``quick`` (see :func:`_typed_files`) of
    what it read; files on disk read two at a time (Arrow works without the GIL), a few ahead
    of the one yielded."""
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa

    def one(position: int, threads: bool = True):
        source = chosen[position]
        got = _arrow_one(source, headers[source.name], kind, columns, threads)
        done = quick(position, *got) if got is not None and quick is not None else None
        if done is not None:
            del got     # the file's memory handed back by the thread that read it
            pa.default_memory_pool().release_unused()
            return None, done
        return got, done

    if any(source.archive is not None for source in chosen) or len(chosen) < 2:
        for i in range(len(chosen)):
            yield one(i)
        return
    with ThreadPoolExecutor(_THREADS) as pool:
        ahead = [pool.submit(one, i, False) for i in range(min(_AHEAD, len(chosen)))]
        for i in range(len(chosen)):
            got = ahead[i].result()
            ahead[i] = None
            if i + _AHEAD < len(chosen):
                ahead.append(pool.submit(one, i + _AHEAD, False))
            yield got
            if i % _AHEAD == 0:     # memory of the files read handed back to the system
                pa.default_memory_pool().release_unused()


def _release() -> None:
    """Memory freed but kept by Arrow's pool, and by the C library's allocator where it is
    glibc's, handed back to the system."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    if _TRIM is not None:
        _TRIM(0)


def _arrow_frame(read: list):
    """Files read by :func:`_arrow_one`, as ``(position, (table, lines))`` with one header,
    as one frame laid out as :func:`_read_one` gives it (dictionary columns categorical)."""
    import pandas as pd
    import pyarrow as pa

    table = pa.concat_tables([t for _, (t, _) in read]).unify_dictionaries()
    if table.num_rows == 0:     # typed as the pandas reader types a file of no rows
        return pd.DataFrame({name: np.empty(0, dtype=object)
                             for name in [*table.column_names, "_line", "_file"]})
    part = {}
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_dictionary(column.type):
            part[name] = _categorical(column.combine_chunks())
        elif pa.types.is_floating(column.type):
            part[name] = column.to_numpy()
        else:
            part[name] = column.to_pandas()
    part = pd.DataFrame(part, index=pd.RangeIndex(table.num_rows))
    part["_line"] = np.concatenate([lines for _, (_, lines) in read])
    part["_file"] = np.repeat([i for i, _ in read], [len(lines) for _, (_, lines) in read])
    part.attrs["arrow"] = True
    return part


def _typed_files(chosen: list[_Source], headers: dict, kind: str, files: list[str], first, last,
                 problems: _FileProblems, ids: list, columns=None, quick=None):
    """The typed records of the files, within ``first`` to ``last``, a few files (about
    ``_BATCH`` records) at a time; their crime IDs are put in ``ids``.  ``columns``: the
    published columns needed, when not all (files read by Arrow hold those alone).
    ``quick(position, table, lines)``, when given, is offered each file Arrow reads (in the
    thread that read it), and returns None or a function that deals with the file (which is
    then not typed), called in order, when the files before it have been."""
    import pandas as pd

    coded = {snake_case(name) for name in _CODED}

    def typed(table):
        frame = _within(_typed(table, kind, files, chosen, problems, ids=ids), first, last)
        for name in frame.columns:
            if isinstance(frame[name].dtype, pd.CategoricalDtype):
                frame[name] = _in_use(frame[name].array)
            elif name in coded:     # a file read by pandas, or of no rows
                frame[name] = frame[name].astype("category")
        problems.start()
        return frame

    read, rows = [], 0
    for i, (source, (got, done)) in enumerate(zip(chosen, _arrow_all(chosen, headers, kind,
                                                                      columns, quick))):
        header = headers[source.name]
        if done is not None:
            if read:    # the files before it first, so that crime IDs stay in file order
                yield typed(_arrow_frame(read))
                read, rows = [], 0
            done()
            continue
        if read and (got is None or header != headers[chosen[read[0][0]].name]):
            yield typed(_arrow_frame(read))
            read, rows = [], 0
        if got is None:
            yield typed(_read_one(source, header, i, problems))
            continue
        read.append((i, got))
        rows += got[0].num_rows
        if rows >= _BATCH:
            yield typed(_arrow_frame(read))
            read, rows = [], 0
    if read:
        yield typed(_arrow_frame(read))
    if not chosen:
        yield typed(pd.DataFrame({"_file": [], "_line": []}))


def _within(frame, first, last):
    """The records from month ``first`` to month ``last`` (either None: no bound)."""
    if first is None and last is None:
        return frame
    months = frame["month"]
    inside = np.ones(len(frame), dtype=bool)
    if first is not None:
        inside &= (months >= first).to_numpy()
    if last is not None:
        inside &= (months <= last).to_numpy()
    return frame.loc[inside].reset_index(drop=True)


def _concat(frames: list):
    """Typed records of several files as one frame, each categorical column over the sorted
    union of the files' categories."""
    import pandas as pd

    filled = [f for f in frames if len(f)] or frames[:1]
    if len(filled) == 1:
        return filled[0]
    columns = filled[0].columns
    coded = {}
    for name in columns:
        if isinstance(filled[0][name].dtype, pd.CategoricalDtype):
            text = [f[name].array.rename_categories(f[name].cat.categories.astype("str"))
                    for f in filled]
            union = pd.api.types.union_categoricals(text, sort_categories=True)
            # no value in any file: categories of no type, as pandas gives them
            coded[name] = (union if len(union.categories) else
                           pd.Categorical(union, categories=pd.Index([], dtype=object)))
    frame = pd.concat([f.drop(columns=list(coded)) for f in filled], ignore_index=True)
    for name, values in coded.items():
        frame[name] = values
    for name in frame.columns:  # text in some files, nothing in others: text, as pandas has it
        if frame[name].dtype == object and any(f[name].dtype == "str" for f in filled):
            frame[name] = frame[name].astype("str")
    return frame[columns]


def _months(values):
    """``"YYYY-MM"`` strings as monthly periods, and a mask of the rows that are months."""
    import pandas as pd

    codes, uniques = pd.factorize(values)
    uniques = [str(u).strip() for u in uniques]
    ok = np.array([bool(_MONTH.match(u)) for u in uniques], dtype=bool)
    ordinals = np.array([pd.Period(u, freq="M").ordinal if k else 0
                         for u, k in zip(uniques, ok)] or [0], dtype=np.int64)  # [0]: no month
    valid = (codes >= 0) & (ok[np.maximum(codes, 0)] if uniques else False)
    return pd.PeriodIndex.from_ordinals(ordinals[np.maximum(codes, 0)], freq="M"), valid


def _number(column, table, files, problems: _Problems, kind: str):
    """Coordinates as float64; text that is not a number, or out of range, becomes NaN."""
    import pandas as pd

    name = column.name
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, copy=True)
    low, high = _BOUNDS[kind]
    text = column.notna().to_numpy() & np.isnan(values)
    problems.by_file(table, text, files, f"had a {snake_case(name)} that is not a number",
                     "set to missing")
    out = (values < low) | (values > high)
    problems.by_file(table, out, files, f"had a {snake_case(name)} outside {low:g} to {high:g}",
                     "set to missing")
    values[text | out] = np.nan
    return values


def _boolean(column, table, files, problems: _Problems):
    import pandas as pd

    lower = column.str.strip().str.lower()
    values = lower.map({"true": True, "false": False})
    odd = (column.notna() & values.isna()).to_numpy()
    problems.by_file(table, odd, files, f"had a {snake_case(column.name)} that is not True or "
                     "False", "set to missing")
    return pd.array(values.to_numpy(dtype=object), dtype="boolean")


def _typed(table, kind: str, files: list[str], sources: list[_Source], problems: _Problems,
           ids: list | None = None):
    """The raw string table of one kind as the typed frame ``read_policeuk`` returns (columns
    already categorical are kept so).  The crime IDs of the rows kept are noted when repeated,
    or put in ``ids`` when given (to be checked with those of other files)."""
    import pandas as pd

    arrow = table.attrs.get("arrow", False)
    for name in COLUMNS[kind]:
        if name not in table.columns:
            table[name] = pd.Series(np.nan, index=table.index, dtype=object)
    keep = np.ones(len(table), dtype=bool)
    if kind == "stop-and-search":
        raw_date = table["Date"].str.strip()
        date = pd.to_datetime(raw_date, utc=True, format="ISO8601", errors="coerce")
        bad_date = date.isna().to_numpy()
        problems.by_file(table, bad_date, files, "had no date, or one that is not a date and "
                         "time", "left out")
        keep &= ~bad_date
        month, valid = _months(raw_date.str[:7].where(~bad_date))   # the published month
    else:
        month, valid = _months(table["Month"])
        problems.by_file(table, ~valid, files, "had a month that is not YYYY-MM", "left out")
    keep &= valid
    for name in _NEEDED[kind]:
        absent = table[name].isna().to_numpy() & keep
        problems.by_file(table, absent, files, f"had no {snake_case(name)}", "left out")
        keep &= ~absent

    out = {}
    for name, how in COLUMNS[kind].items():
        column = table[name]
        if how == "month":
            out["month"] = month
        elif how in ("longitude", "latitude"):
            out[snake_case(name)] = _number(column, table, files, problems, how)
        elif how == "bool":
            out[snake_case(name)] = _boolean(column, table, files, problems)
        elif how == "date":
            out["date"] = date.dt.as_unit("ns").array
            out["month"] = month
        elif isinstance(column.dtype, pd.CategoricalDtype) or (arrow and column.notna().any()):
            out[snake_case(name)] = column.array
        else:
            out[snake_case(name)] = column.to_numpy()
    frame = pd.DataFrame(out, index=pd.RangeIndex(len(table)))
    if kind == "stop-and-search":
        forces = np.array([s.force for s in sources] + [None], dtype=object)
        frame["force"] = forces[table["_file"].to_numpy(dtype=np.int64)]
    if not keep.all():
        frame = frame.loc[keep].reset_index(drop=True)
    for name, how in COLUMNS[kind].items():
        if how == "category":
            frame[snake_case(name)] = frame[snake_case(name)].astype("category")
    if kind == "stop-and-search":
        frame["force"] = frame["force"].astype("category")
    if kind == "street":
        kept = table[["Crime ID", "_file", "_line"]]
        kept = kept if keep.all() else kept.loc[keep]
        if ids is None:
            _note_repeated_ids(kept, files, problems)
        else:
            ids.append(kept)
    return frame


def _id_hashes(values) -> np.ndarray:
    """64-bit hashes of the crime IDs (text) present in ``values``: a 64-character ID (as
    published, a SHA-256 in hex) hashed from its bytes in bulk, any other by pandas."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    text = (values if isinstance(values, (pa.Array, pa.ChunkedArray))
            else pa.array(values, from_pandas=True))
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
        text = text.cast(pa.large_string())
    if text.null_count:
        text = pc.drop_null(text)
    out = np.empty(len(text), dtype=np.uint64)
    if not len(text):
        return out
    sized = np.diff(_offsets(text)) == _ID_SIZE
    if sized.any():
        ids = text if sized.all() else text.filter(pa.array(sized))
        offsets = _offsets(ids)
        words = np.frombuffer(ids.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
        words = words.view("<u8").reshape(len(ids), _ID_SIZE // 8)
        mixed = np.full(len(ids), 0x9E3779B97F4A7C15, dtype=np.uint64)
        for k in range(_ID_SIZE // 8):
            mixed = (mixed ^ words[:, k]) * np.uint64(0xFF51AFD7ED558CCD)
            mixed ^= mixed >> np.uint64(31)
        out[sized] = mixed
    if not sized.all():
        rest = text.filter(pa.array(~sized)).to_numpy(zero_copy_only=False)
        out[~sized] = pd.util.hash_array(rest.astype(object))
    return out


def _offsets(text) -> np.ndarray:
    """Where each string of an Arrow string array starts in its data, and where the last ends."""
    import pyarrow as pa

    wide = pa.types.is_large_string(text.type)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64 if wide else np.int32)
    return offsets[text.offset:text.offset + len(text) + 1]


def _twice(hashes: np.ndarray) -> np.ndarray:
    """Where a hash is found more than once (found by a sort, lighter than a hash table)."""
    ordered = np.sort(hashes)
    same = ordered[1:] == ordered[:-1]
    repeats = np.unique(ordered[1:][same])
    del ordered, same
    if not len(repeats):
        return np.zeros(len(hashes), dtype=bool)
    at = np.searchsorted(repeats, hashes)
    np.minimum(at, len(repeats) - 1, out=at)
    return repeats[at] == hashes


class _HashedIds:
    """The crime IDs of files, as 64-bit hashes: 8 bytes a record, with the file and lines of
    each run of records of one file (the first line alone when the lines follow on)."""

    def __init__(self):
        self.hashes: list[np.ndarray] = []
        self.runs: list[tuple[int, int, int | np.ndarray]] = []

    def add(self, hashes: np.ndarray, files: np.ndarray, lines: np.ndarray) -> None:
        """The hashes of records, in order, with their files (positions, in order) and lines."""
        self.hashes.append(hashes)
        cut = np.flatnonzero(np.diff(files)) + 1
        for file, run in zip(files[np.concatenate([[0], cut])] if len(files) else [],
                             np.split(lines, cut)):
            follow = int(run[-1]) - int(run[0]) == len(run) - 1
            self.runs.append((int(file), len(run), int(run[0]) if follow
                              else run.astype(np.int32)))

    def repeated(self):
        """The records whose hash is found more than once, as a table of ``Crime ID`` (the
        hash), ``_file`` and ``_line``, in order; the hashes are let go."""
        import pandas as pd

        hashes = np.concatenate(self.hashes) if self.hashes else np.empty(0, np.uint64)
        self.hashes = []
        where = np.flatnonzero(_twice(hashes))
        found = hashes[where]
        del hashes
        sizes = np.array([n for _, n, _ in self.runs] or [0], dtype=np.int64)
        ends = np.cumsum(sizes)
        run = np.searchsorted(ends, where, side="right")
        within = where - (ends - sizes)[run]
        files = np.empty(len(where), dtype=np.int32)
        lines = np.empty(len(where), dtype=np.int32)
        for r in np.unique(run):
            hit = run == r
            file, _, first = self.runs[r]
            files[hit] = file
            lines[hit] = (first + within[hit] if isinstance(first, int)
                          else first[within[hit]])
        return pd.DataFrame({"Crime ID": found, "_file": files, "_line": lines})


def _repeated(ids: list):
    """The rows of the tables of crime IDs ``ids`` whose ID is found more than once."""
    import pandas as pd

    present = [np.flatnonzero(t["Crime ID"].notna().to_numpy()) for t in ids]
    twice = _twice(np.concatenate([_id_hashes(t["Crime ID"]) for t in ids]))
    ends = np.cumsum([len(rows) for rows in present])[:-1]
    maybe = pd.concat([t.iloc[rows[hit]] for t, rows, hit in zip(ids, present,
                                                                   np.split(twice, ends))],
                      ignore_index=True)
    return maybe.loc[maybe["Crime ID"].duplicated(keep=False).to_numpy()]


def _note_repeated_ids(ids, files: list[str], problems: _Problems) -> None:
    """One note on crime IDs found on more than one row (they are kept), with an example
    (the IDs may be given as their hashes)."""
    ids = ids.dropna(subset=["Crime ID"])
    twice = ids.loc[ids["Crime ID"].duplicated(keep=False).to_numpy()]
    if len(twice):
        first = twice.loc[twice["Crime ID"] == twice["Crime ID"].iloc[0]]
        where = "; ".join(f"{files[int(f)]} {_lines(g['_line'])}"
                          for f, g in first.groupby("_file", sort=True))
        n = twice["Crime ID"].nunique()
        problems.notes.append(f"{n:,} crime_id value{'s appear' if n > 1 else ' appears'} on "
                              f"more than one row ({len(twice):,} rows, e.g. {where}); kept")


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


@contextlib.contextmanager
def _opened(path, kind, start, end):
    """The arguments of a read checked, and the CSV files under ``path``: yields the path,
    the files, ``kind``, the first and last months, and whether ``path`` is one CSV file.
    Damaged compressed files met inside the ``with`` block are named in a ValueError."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file or folder name (got {type(path).__name__})")
    if kind is not None and (not isinstance(kind, str) or kind not in KINDS):
        options = ", ".join(repr(k) for k in KINDS)
        raise ValueError(f"kind must be one of {options} or None (got {kind!r})")
    first, last = _month_bound(start, "start"), _month_bound(end, "end")
    if first is not None and last is not None and first > last:
        raise ValueError(f"start must not be after end (got {first} > {last})")
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"path {str(path)!r} does not exist")
    archive = zipfile.ZipFile(path) if path.is_file() and zipfile.is_zipfile(path) else None
    if path.is_file() and archive is None:
        with open(path, "rb") as raw:
            if raw.read(4) == b"PK\x03\x04":
                raise ValueError(f"path {str(path)!r} is a zip archive that cannot be opened "
                                 "(damaged or cut short)")
    try:
        single = path.is_file() and archive is None
        sources = [_Source(path.name, path=path)] if single else _sources(path, archive)
        yield path, sources, kind, first, last, single
    except (EOFError, zlib.error, gzip.BadGzipFile, zipfile.BadZipFile) as exc:
        raise ValueError(f"path {str(path)!r}: a compressed file is damaged or cut short "
                         f"({exc})") from None
    finally:
        if archive is not None:
            archive.close()


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


def _choose(path: Path, sources, kind, first, last, single: bool, problems: _Problems):
    """The kind to read, the files of that kind within ``first`` to ``last`` (by their names'
    months) and the header of every file; files that are not data.police.uk files noted."""
    import pandas as pd

    where = "folder" if path.is_dir() else "archive"
    if not sources:
        raise ValueError(f"path {str(path)!r}: no CSV files (.csv or .csv.gz) in the {where}")
    found: dict[str, list[_Source]] = {k: [] for k in KINDS}
    refused, headers = [], {}
    for source in sources:
        header = headers[source.name] = source.header()
        try:
            if header is None:
                raise ValueError(f"path {source.name!r} is empty")
            found[_detect(header, source.name)].append(source)
        except ValueError as error:
            if single:
                raise
            refused.append(str(error).removeprefix("path "))
    kinds = [k for k in KINDS if found[k]]
    if not kinds:
        raise ValueError(f"path {str(path)!r}: none of its {len(sources)} CSV files is a "
                         f"data.police.uk file ({refused[0]}"
                         + (f"; and {len(refused) - 1} more)" if len(refused) > 1 else ")"))
    if kind is None:
        if len(kinds) > 1:
            held = ", ".join(f"{k} ({len(found[k])} files)" for k in kinds)
            raise ValueError(f"path {str(path)!r} holds several kinds of file: {held}; choose "
                             f"one with kind={kinds[0]!r}")
        kind = kinds[0]
    elif not found[kind]:
        held = ", ".join(f"{k} ({_n.plural(len(found[k]), 'file')})"
                         for k in kinds)
        raise ValueError(f"kind={kind!r} but path {str(path)!r} holds no {kind} file, only {held}")
    for note in refused:
        problems.notes.append(note + "; skipped")
    chosen = [s for s in found[kind] if s.month is None
              or ((first is None or pd.Period(s.month, freq="M") >= first)
                  and (last is None or pd.Period(s.month, freq="M") <= last))]
    return kind, chosen, headers


def _attrs(path: Path, kind: str, files: list[str], notes: list[str], months, forces) -> dict:
    """The ``attrs`` of a read: the notes extended with the months missing from ``months``."""
    missing = missing_months(months)
    if missing:
        count = _n.plural(len(missing), "month")
        notes = [*notes, f"no records for {count} between the first and the last: "
                         f"{_month_list(missing)}"]
    forces = sorted(set(forces))
    source = "data.police.uk" + (f" ({', '.join(forces)})" if forces else "")
    return {"kind": kind, "source": str(path), "files": files, "problems": notes,
            "missing_months": missing, "attribution": f"{OGL} Source: {source}."}


def missing_months(months) -> list[str]:
    """Months between the first and the last of ``months`` (periods) that do not occur."""
    import pandas as pd

    present = pd.PeriodIndex(pd.unique(pd.Series(months).dropna()), freq="M")
    if present.size == 0:
        return []
    every = pd.period_range(present.min(), present.max(), freq="M")
    return [str(m) for m in every.difference(present)]


def _month_list(months: list[str]) -> str:
    """Months as runs: ``"2022-12 to 2023-12, 2024-03"``."""
    import pandas as pd

    ordinals = [pd.Period(m, freq="M").ordinal for m in months]
    runs, begin = [], 0
    for i in range(1, len(ordinals) + 1):
        if i == len(ordinals) or ordinals[i] != ordinals[i - 1] + 1:
            a, b = months[begin], months[i - 1]
            runs.append(a if a == b else f"{a} to {b}")
            begin = i
    return ", ".join(runs)


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


def _groups(by, columns):
    """``by`` checked against the names ``columns``: its groups of columns (tuples) and all
    their columns."""
    groups = [tuple(v.column_names(g, "by")) if isinstance(g, (tuple, list)) else (g,)
              for g in v.column_names(by, "by")]
    keys = [key for group in groups for key in group]
    for key in keys:
        if not isinstance(key, Hashable) or isinstance(key, (tuple, list)):
            raise TypeError(f"by must hold column names, or tuples of column names (got "
                            f"{key!r})")
        if key not in columns:
            raise ValueError(f"by names column {key!r}, which frame does not have "
                             f"(its columns: {', '.join(map(str, columns))})")
    if len(set(keys)) != len(keys):
        raise ValueError(f"by names a column twice ({', '.join(map(str, keys))})")
    return groups, keys


def _aggregate_files(path, by, complete: bool, kind, start, end):
    """The counts of :func:`aggregate_policeuk` of the files under ``path``, counted a batch of
    files at a time; the ``attrs`` those of the frame :func:`read_policeuk` would read."""
    import pandas as pd

    with _opened(path, kind, start, end) as (path, sources, kind, first, last, single):
        problems = _Problems()
        kind, chosen, headers = _choose(path, sources, kind, first, last, single, problems)
        files = [s.name for s in chosen]
        empty = _typed(pd.DataFrame({"_file": [], "_line": []}), kind, [], [], _Problems())
        groups, keys = _groups(by, empty.columns)
        staged, ids, hashed = _FileProblems(files), [], _HashedIds()
        staged.notes = problems.notes
        counts, arrow, months, forces = [], [], [], set()
        needed = {name for name, how in COLUMNS[kind].items() if how in _CHECKED
                  or snake_case(name) in keys} | set(_NEEDED[kind]) | {"Crime ID", "Falls within"}

        def quick(position, table, lines):
            got = _count_clean(table, lines, position, kind, keys, first, last)
            if got is None:
                return None
            return lambda: (arrow.append(got[0]), months.append(got[1]),
                            forces.update(got[2]), got[3] is not None and hashed.add(*got[3]))

        for frame in _typed_files(chosen, headers, kind, files, first, last, staged, ids,
                                  needed, quick):
            if ids:     # the crime IDs of the records typed, as 64-bit hashes
                kept = ids.pop()
                has = kept["Crime ID"].notna().to_numpy()
                hashed.add(_id_hashes(kept["Crime ID"]),
                           kept["_file"].to_numpy(dtype=np.int32)[has],
                           kept["_line"].to_numpy(dtype=np.int32)[has])
                del kept
            months.append(frame["month"].unique())
            if "falls_within" in frame:
                forces.update(frame["falls_within"].dropna().unique().tolist())
            counts.append(frame.groupby(keys, observed=True, dropna=False, sort=False)
                          .size().rename("_n").reset_index())
        notes = staged.ordered()
        _release()
        if hashed.hashes:
            problems.notes = []
            _note_repeated_ids(hashed.repeated(), files, problems)
            notes += problems.notes
        _release()
        if arrow:
            counts.append(_counts_frame(arrow, keys, kind))
            arrow.clear()
        total = _concat(counts)
        counts.clear()
        _release()
        total.attrs.update(_attrs(path, kind, files, notes,
                                  pd.PeriodIndex(np.concatenate(months), freq="M"), forces))
        return _aggregate(total, groups, keys, complete, weights="_n")


def _count_clean(table, lines, position: int, kind: str, keys: list, first, last):
    """The counts by ``keys`` of a file read by Arrow, counted by Arrow when none of its
    records would be left out or noted (a month that is not YYYY-MM or outside ``first`` to
    ``last``, no crime type, a coordinate out of range) and every key is a month or text of
    few values; with its months, its forces and its crime IDs (hashed, with their lines).
    None otherwise: the file is then typed as :func:`read_policeuk` types it."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    names = {snake_case(name): name for name in COLUMNS[kind]}
    how = {key: COLUMNS[kind].get(names.get(key), "") for key in keys}
    if kind == "stop-and-search" or any(
            names.get(key) not in table.column_names
            or not (how[key] in ("month", "category") or names[key] in _CODED) for key in keys):
        return None
    month = table.column("Month")
    seen = pc.unique(month).cast(pa.string()).to_pylist()
    if month.null_count or not all(_MONTH.fullmatch(m) for m in seen):
        return None
    periods = pd.PeriodIndex(seen, freq="M")
    if ((first is not None and (periods < first).any())
            or (last is not None and (periods > last).any())):
        return None
    for name in _NEEDED[kind]:
        if table.column(name).null_count:
            return None
    for name in table.column_names:
        if COLUMNS[kind].get(name) in _BOUNDS:
            low, high = _BOUNDS[COLUMNS[kind][name]]
            span = pc.min_max(table.column(name))
            if span["min"].is_valid and (span["min"].as_py() < low
                                         or span["max"].as_py() > high):
                return None
    columns = [names[key] for key in keys]
    grouped = (table.select(columns).unify_dictionaries().combine_chunks()
               .group_by(columns, use_threads=False).aggregate([([], "count_all")]))
    for i, name in enumerate(columns):  # keys rebuilt: Arrow's own crash when concatenated
        column = grouped.column(name).combine_chunks()
        if pa.types.is_dictionary(column.type):
            codes = column.indices.fill_null(-1).to_numpy(zero_copy_only=False)
            grouped = grouped.set_column(i, name, pa.DictionaryArray.from_arrays(
                pa.array(codes, mask=codes < 0), column.dictionary))
    forces = set()
    if "Falls within" in table.column_names:
        forces = set(pc.drop_null(pc.unique(table.column("Falls within")).cast(pa.string()))
                     .to_pylist())
    ids = None
    if kind == "street" and "Crime ID" in table.column_names:
        crime = table.column("Crime ID")
        has = pc.is_valid(crime).to_numpy(zero_copy_only=False)
        ids = (_id_hashes(pc.drop_null(crime)), np.full(int(has.sum()), position,
                                                        dtype=np.int32), lines[has])
    return grouped, periods.to_numpy(), forces, ids


def _counts_frame(tables: list, keys: list, kind: str):
    """Counts of files counted by Arrow (:func:`_count_clean`) as one frame, typed as those of
    files typed by pandas: months as periods, text as categoricals."""
    import pandas as pd
    import pyarrow as pa

    names = {snake_case(name): name for name in COLUMNS[kind]}
    table = pa.concat_tables(tables)
    tables.clear()      # the files' tables let go as they are combined
    table = table.unify_dictionaries()
    table = table.combine_chunks()
    rows, out = table.num_rows, {}
    for key in keys:
        column = table.column(names[key])
        table = table.drop_columns([names[key]])
        column = column.chunk(0) if column.num_chunks else pa.array([], column.type)
        if not pa.types.is_dictionary(column.type):
            column = column.dictionary_encode()
        if COLUMNS[kind][names[key]] == "month":
            periods = _months(column.dictionary.to_numpy(zero_copy_only=False))[0]
            out[key] = periods[column.indices.to_numpy(zero_copy_only=False)]
        else:
            out[key] = _categorical(column)
        del column
    out["_n"] = table.column("count_all").to_numpy().astype(np.int64)
    del table
    return pd.DataFrame(out, index=pd.RangeIndex(rows))


def _hashable(value) -> bool:
    return isinstance(value, Hashable)


def _aggregate(frame, groups, keys, complete, weights=None):
    """The counts of :func:`aggregate_policeuk`, its arguments checked; each row of ``frame``
    stands for the number of records in its column ``weights`` when given, one otherwise."""
    import pandas as pd

    problems = list(frame.attrs.get("problems", []))
    absent = frame[keys].isna()
    noted = np.zeros(len(frame), dtype=bool)
    size = np.ones(len(frame), dtype=np.int64) if weights is None else frame[weights].to_numpy()
    for key in keys:  # each record not counted is noted once, for its first missing key
        n = int(size[absent[key].to_numpy() & ~noted].sum())
        noted |= absent[key].to_numpy()
        if n:
            problems.append(f"{_n.plural(n, 'record')} with no {key} not counted")
    present = ~absent.any(axis=1).to_numpy()
    columns = keys + ([weights] if weights else [])
    counted = frame if list(frame.columns) == columns else frame[columns]
    if not present.all():
        counted = counted.loc[present]
    del absent, present
    out = _aggregate_coded(counted, groups, keys, complete, weights)
    if out is None:
        out = _aggregate_values(counted, groups, keys, complete, weights)
    out.attrs.update(frame.attrs)
    out.attrs["problems"] = problems
    if "month" in keys:
        out.attrs["missing_months"] = missing_months(_seen_months(counted["month"]))
    return out


def _seen_months(months):
    """The distinct months of ``months`` (periods), found by a count of each when they span
    few months; ``months`` as they are otherwise."""
    import pandas as pd

    if not isinstance(months.dtype, pd.PeriodDtype) or not len(months) or months.isna().any():
        return months
    ordinals = months.array.asi8
    low = int(ordinals.min())
    if int(ordinals.max()) - low > 4 * len(ordinals) + (1 << 16):
        return months
    seen = np.flatnonzero(np.bincount(ordinals - low)) + low
    return pd.PeriodIndex.from_ordinals(seen, freq=months.dtype.freq)


def _codes(values):
    """Sorted values as codes ``0..n-1`` over those seen, and the values seen: for a
    categorical of text categories in order, or periods; None for other values."""
    import pandas as pd

    dtype = values.dtype
    if isinstance(dtype, pd.PeriodDtype):
        ordinals = values.array.asi8
        low = ordinals.min() if len(ordinals) else 0
        seen, codes = _dense(ordinals - low, int(ordinals.max() - low + 1) if len(ordinals) else 0)
        return codes, pd.PeriodIndex.from_ordinals(seen + low, freq=dtype.freq)
    if not isinstance(dtype, pd.CategoricalDtype):
        return None
    categories = dtype.categories
    if (categories.inferred_type != "string" if len(categories) else dtype.ordered) or \
            not categories.is_monotonic_increasing:
        return None
    seen, codes = _dense(values.cat.codes.to_numpy(), len(categories))
    return codes, categories[seen]


def _dense(codes: np.ndarray, span: int):
    """The distinct values of ``codes`` (integers from 0 to ``span - 1``) in order, and the
    position of each code among them, as ``np.unique(codes, return_inverse=True)`` gives them
    (positions as int32 when they fit); by a count of each value when ``span`` is not much
    more than the codes, without a sort."""
    if span > 4 * len(codes) + (1 << 16):
        seen, inverse = np.unique(codes, return_inverse=True)
        return seen, inverse.reshape(-1)
    used = np.bincount(codes, minlength=span) > 0
    rank = np.cumsum(used, dtype=np.int64) - 1
    if span < 2 ** 31:
        rank = rank.astype(np.int32)
    return np.flatnonzero(used), rank[codes]


def _aggregate_coded(counted, groups, keys, complete, weights):
    """The counts of :func:`_aggregate` by integer codes, without a sort of values, when every
    key is a period or a categorical of sorted text (None otherwise); every combination of
    the groups is a cell of one array, in the order of the keys."""
    import pandas as pd

    coded = {key: _codes(counted[key]) for key in keys}
    if not len(counted) or any(c is None for c in coded.values()):
        return None
    size = (np.ones(len(counted), dtype=np.int64) if weights is None
            else counted[weights].to_numpy(dtype=np.int64))
    cell, parts = np.zeros(len(counted), dtype=np.int64), []
    for group in groups:    # each group: the value tuples seen, in order, and each row's
        code, span = np.zeros(len(counted), dtype=np.int64), 1
        for key in group:
            code = code * len(coded[key][1]) + coded[key][0]
            span *= len(coded[key][1])
        seen, code = _dense(code, span)
        parts.append((group, seen))
        cell = cell * len(seen) + code
        del code
    sizes = [len(seen) for _, seen in parts]
    if complete:    # every cell, the groups' codes laid out by repeats, not from the cells
        counts = np.bincount(cell, weights=size, minlength=int(np.prod(sizes)))
        within = [np.arange(n) for n in sizes]
        lay = [(int(np.prod(sizes[j + 1:])), int(np.prod(sizes[:j]))) for j in range(len(parts))]
    else:
        cells, cell = _dense(cell, int(np.prod(sizes)))
        counts = np.bincount(cell, weights=size, minlength=len(cells))
        within = []
        for n in reversed(sizes):
            within.insert(0, cells % n)
            cells = cells // n
        lay = [(1, 1)] * len(parts)
    del cell, size
    counts = counts.astype(np.int64)    # sums of integers, exact in float64
    coded = {key: values for key, (_, values) in coded.items()}     # the codes let go
    out = {}
    for (group, seen), which, (repeat, tile) in zip(parts, within, lay):
        code = seen[which]      # each key's code, of the group's value tuple
        for key in reversed(group):
            values = coded[key]
            small = (code % len(values)).astype(np.min_scalar_type(max(len(values), 1)))
            code = code // len(values)
            if repeat > 1 or tile > 1:
                small = np.tile(np.repeat(small, repeat), tile)
            if isinstance(values, pd.PeriodIndex):
                out[key] = values[small]
            else:
                dtype = pd.CategoricalDtype(values.tolist(), counted[key].cat.ordered)
                out[key] = pd.Categorical.from_codes(small, dtype=dtype)
    out["count"] = counts
    del counts
    return pd.DataFrame({key: out[key] for key in [*keys, "count"]}, copy=False)


def _aggregate_values(counted, groups, keys, complete, weights):
    """The counts of :func:`_aggregate` by the values of the keys."""
    import pandas as pd

    full = None
    if complete:  # every combination of the values (or value tuples) seen in each group
        for group in groups:
            part = counted[list(group)].drop_duplicates().sort_values(list(group))
            part = part.reset_index(drop=True)
            full = part if full is None else full.merge(part, how="cross")
    categories = {}
    for key in keys:  # count categoricals by their values; restored, in category order, below
        if isinstance(counted[key].dtype, pd.CategoricalDtype):
            observed = set(counted[key].unique().tolist())
            categories[key] = ([c for c in counted[key].cat.categories if c in observed],
                               counted[key].cat.ordered)
            counted = counted.assign(**{key: counted[key].astype(object)})
            if full is not None:
                full = full.assign(**{key: full[key].astype(object)})
    sizes = (counted.groupby(keys, sort=True).size() if weights is None
             else counted.groupby(keys, sort=True)[weights].sum())
    if full is not None:
        sizes = sizes.reindex(pd.MultiIndex.from_frame(full), fill_value=0)
    out = sizes.rename("count").astype(np.int64).reset_index()
    for key, (used, ordered) in categories.items():
        out[key] = pd.Categorical(out[key], categories=used, ordered=ordered)
    return out


__all__ = ["read_policeuk", "aggregate_policeuk", "KINDS", "COLUMNS"]
