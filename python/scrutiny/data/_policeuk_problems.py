"""The problems and notes of a data.police.uk read: bad lines, repeated IDs, missing months."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import _narrative as _n

_SHOW_LINES = 5
OGL = "Contains public sector information licensed under the Open Government Licence v3.0."


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
