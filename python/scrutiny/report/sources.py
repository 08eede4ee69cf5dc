"""Data for the report: bundled samples, CSV and Parquet files, data.police.uk files.

Every source is read once per report.  A row that cannot be read (wrong number of fields) is
skipped and reported; a source that cannot be read at all leaves its measures unanalysed, and
the report goes on with the others.
"""
from __future__ import annotations

import os
import re
import warnings
import zipfile
import zlib
from pathlib import Path

from .. import _narrative as _n
from .. import data
from ..data.population import shared_data_folder
from . import policeuk
from .issues import Issue, SourceError


class Sources:
    """Resolve measure sources to DataFrames, reading each once.

    Parameters
    ----------
    spec : Spec
        Named sources (``[sources.NAME]``) and the folder relative paths start from.
    overrides : dict, optional
        ``{name: path}``: read this file or folder for the named source instead.
    frames : dict, optional
        ``{name: DataFrame}``: data already in memory (used as they are, never modified).
    """

    def __init__(self, spec, overrides=None, frames=None):
        self.spec = spec
        self.overrides = dict(overrides or {})
        self.frames = dict(frames or {})
        self.issues: list[Issue] = []
        self._cache: dict = {}
        self.described: dict = {}  # source name -> what it is, for the report
        self.forces: dict = {}     # data.police.uk source name -> the force of its records

    def force(self) -> str | None:
        """The force of the data.police.uk sources read (None if none, or several)."""
        found = {f for f in self.forces.values() if f}
        return found.pop() if len(found) == 1 else None

    def get(self, name: str):
        """The DataFrame of source ``name`` (raises SourceError when it cannot be had)."""
        if name not in self._cache:
            try:
                self._cache[name] = self._load(name)
            except SourceError as exc:
                self._cache[name] = exc
        value = self._cache[name]
        if isinstance(value, SourceError):
            raise value
        return value

    def _load(self, name: str):
        if name in self.frames:
            frame = self.frames[name]
            self.described[name] = frame.attrs.get("description", "data given in memory")
            return frame
        entry = dict(self.spec.sources.get(name, {}))
        if name in self.overrides:
            entry = {"policeuk" if "policeuk" in entry else "path": self.overrides[name],
                     **({"populations": entry["populations"]} if "populations" in entry else {})}
        if not entry:
            if name in data.available():
                entry = {"sample": name}
            elif _looks_like_path(name):
                entry = {"path": name}
            else:
                raise SourceError(f"unknown source {name!r}: not a source of the specification, "
                                  f"nor a bundled sample ({', '.join(data.available())}), nor a "
                                  "file")
        if "sample" in entry:
            sample = entry["sample"]
            if sample not in data.available():
                raise SourceError(f"no bundled sample {sample!r} (available: "
                                  f"{', '.join(data.available())})")
            frame = data.sample(sample)
            self.described[name] = frame.attrs.get("description", f"bundled sample {sample!r}")
            return frame
        if "policeuk" in entry:
            path = self._path(entry["policeuk"])
            frame = policeuk.read(path, entry.get("populations"), self._path, self.issues, name,
                                  force=self.spec.force, areas=self.spec.areas,
                                  area_share=self.spec.area_share)
            self.forces[name] = frame.attrs.get("force")
            areas = frame.attrs.get("areas")
            self.described[name] = (f"data.police.uk files read from {path}: the records of "
                                    f"{frame.attrs.get('force') or 'the force'}"
                                    + (f", whose areas are {_n.listing(areas)}" if areas
                                       else ""))
            return frame
        path = self._path(entry["path"])
        frame = read_table(path, name, self.issues)
        self.described[name] = f"read from {path}"
        return frame

    def file_of(self, name: str) -> Path | None:
        """The file or folder source ``name`` is read from (None for bundled samples, data in
        memory and names that are not sources)."""
        if name in self.frames:
            return None
        entry = self.spec.sources.get(name, {})
        text = self.overrides.get(name) or entry.get("policeuk") or entry.get("path")
        if text is None and _looks_like_path(name) and "sample" not in entry:
            text = name
        if text is None:
            return None
        try:
            return self._path(text)
        except SourceError:
            return None

    def _path(self, text) -> Path:
        """A path of the specification: ``${SCRUTINY_SHARED_DATA}`` is the shared data folder
        (:func:`scrutiny.data.population.shared_data_folder`: the variable when set, else
        ``shared/data`` beside the project, wherever the report is run from); other
        variables and ``~`` expanded; relative to the specification's folder."""
        # $SCRUTINY_SHARED_DATA is the shared data folder, set or not (one definition of it)
        shared = str(shared_data_folder())
        text = re.sub(r"\$(?:\{SCRUTINY_SHARED_DATA\}|SCRUTINY_SHARED_DATA\b)",
                      lambda _: shared, str(text))
        text = os.path.expandvars(os.path.expanduser(text))
        if "$" in text:
            raise SourceError(f"the path {text!r} names an environment variable that is not set")
        path = Path(text)
        return path if path.is_absolute() else (self.spec.base / path)


def _looks_like_path(name: str) -> bool:
    return "/" in name or os.sep in name or bool(re.search(r"\.(csv|parquet|pq|gz|zip)$", name,
                                                           re.I))


def read_table(path: Path, name: str, issues: list):
    """Read a CSV (optionally gzip-compressed) or Parquet file; unreadable rows are skipped and
    reported."""
    import pandas as pd

    if not path.exists():
        raise SourceError(f"no file {str(path)!r}")
    if path.suffix.lower() in (".parquet", ".pq"):
        try:
            return pd.read_parquet(path)
        except ImportError:
            raise SourceError(f"reading Parquet ({path.name}) needs pyarrow or fastparquet "
                              "(pip install pyarrow)") from None
        except Exception as exc:  # any reader failure: report it, go on with other sources
            raise SourceError(f"cannot read {path.name} as Parquet ({exc})") from None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = pd.read_csv(path, on_bad_lines="warn", skipinitialspace=True)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OSError, EOFError,
                zlib.error, zipfile.BadZipFile) as exc:   # damaged .gz or .zip files too
            raise SourceError(f"cannot read {path.name} as CSV ({exc})") from None
    bad = [str(w.message).strip() for w in caught if issubclass(w.category, pd.errors.ParserWarning)]
    lines = [line for text in bad for line in text.splitlines() if line.strip()]
    if lines:
        shown = "; ".join(lines[:3]) + (f"; and {len(lines) - 3} more" if len(lines) > 3 else "")
        issues.append(Issue(f"(source {name})", f"{_n.plural(len(lines), 'malformed row')} "
                            f"in {path.name} ({shown})",
                            "those rows are skipped"))
    return frame
