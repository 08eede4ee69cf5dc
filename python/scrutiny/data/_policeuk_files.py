"""Finding and opening data.police.uk files: kinds, columns, CSV sources, a file read by pandas."""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import os
import re
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .. import _narrative as _n
from ._policeuk_problems import _Problems

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
_BOUNDS = {"longitude": (-180.0, 180.0), "latitude": (-90.0, 90.0)}
_SUFFIXES = (".csv", ".csv.gz")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_NAME_MONTH = re.compile(r"^(\d{4}-\d{2})")
_SEARCH_FORCE = re.compile(r"^\d{4}-\d{2}-(.+)-stop-and-search\.csv(\.gz)?$", re.IGNORECASE)
_BAD_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")
_SPARE = 4      # spare columns read beyond the header, to catch rows with extra fields
_HEADER_SEARCH = 1000   # blank lines looked through for the header
# Text columns with few distinct values, categorical when read with Arrow (besides "category").
_CODED = {"Location", "LSOA code", "LSOA name"}


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
