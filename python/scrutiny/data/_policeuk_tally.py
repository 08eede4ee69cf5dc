"""Counting data.police.uk records by integer codes: the tally of files counted as they are
read (a few bytes a combination of keys seen in a file) and the table of counts built from
codes, every combination of the groups a cell of one array."""

from __future__ import annotations

import numpy as np

from .. import _narrative as _n
from ._policeuk_arrow import _release
from ._policeuk_problems import missing_months


def _signed(size: int):
    """The smallest signed integer type holding the codes ``-1`` to ``size - 1``."""
    for dtype in (np.int8, np.int16, np.int32):
        if size <= np.iinfo(dtype).max:
            return dtype
    return np.int64


class _Tally:
    """Counts of records by ``keys`` gathered file by file.  Each key's values (text, or months
    as period ordinals for the keys in ``months``) are numbered as they are first met; each
    file's combinations are kept as codes of the smallest integer type (-1: missing) beside
    their counts, so that the tally grows with the combinations seen, not the records."""

    def __init__(self, keys: list, months: set):
        self.keys, self.months = keys, months
        self.numbers = {key: {} for key in keys}
        self.codes = {key: [] for key in keys}
        self.sizes = []

    def add(self, columns: list, sizes: np.ndarray) -> None:
        """One file's counts: for each key, the codes of the rows (-1: missing) into the
        file's values of the key; ``sizes``: the records of each row."""
        for key, (codes, values) in zip(self.keys, columns):
            numbers = self.numbers[key]
            ids = np.fromiter((numbers.setdefault(value, len(numbers)) for value in values),
                              dtype=np.int64, count=len(values))
            self.codes[key].append(np.append(ids, -1)[codes].astype(_signed(len(numbers))))
        top = int(sizes.max()) if len(sizes) else 0
        self.sizes.append(sizes.astype(np.min_scalar_type(top)))

    def add_frame(self, grouped, weights: str) -> None:
        """The counts of a file typed by pandas: a frame of the keys (categoricals, periods)
        and the column ``weights``."""
        import pandas as pd

        columns = []
        for key in self.keys:
            codes, uniques = pd.factorize(grouped[key])
            values = uniques.asi8 if key in self.months else np.asarray(uniques, dtype=object)
            columns.append((codes, values.tolist()))
        self.add(columns, grouped[weights].to_numpy())

    def table(self, groups: list, complete: bool, attrs: dict):
        """The table of counts (see :func:`_coded_table`), with ``attrs``, the notes of the
        records not counted for a missing key, and the months missing between those counted;
        the tally is let go."""
        import pandas as pd

        sizes = np.concatenate(self.sizes) if self.sizes else np.empty(0, np.uint8)
        codes = {key: (np.concatenate(self.codes[key]) if self.sizes
                       else np.empty(0, np.int8)) for key in self.keys}
        self.codes, self.sizes = {}, []
        notes = absent_notes([codes[key] < 0 for key in self.keys], sizes, self.keys)
        present = np.logical_and.reduce([codes[key] >= 0 for key in self.keys])
        if not present.all():
            codes = {key: c[present] for key, c in codes.items()}
            sizes = sizes[present]
        _release()
        coded = {}
        for key in self.keys:       # codes into the values seen, sorted
            values = list(self.numbers[key])
            order = sorted(range(len(values)), key=values.__getitem__)
            rank = np.empty(len(values), dtype=np.min_scalar_type(max(len(values) - 1, 0)))
            rank[order] = np.arange(len(values))
            seen, dense = _dense(rank[codes.pop(key)], len(values))
            chosen = [values[order[i]] for i in seen]
            coded[key] = (dense, pd.PeriodIndex.from_ordinals(np.array(chosen, dtype=np.int64),
                                                              freq="M")
                          if key in self.months else pd.Index(chosen, dtype=object))
        out = _coded_table(coded, sizes, groups, self.keys, complete, {})
        return finished(out, attrs, notes, coded.get("month"))


def absent_notes(absent: list, sizes: np.ndarray, keys: list) -> list[str]:
    """Notes of the records not counted: each once, for its first key missing (``absent``:
    a mask of the rows missing each key; ``sizes``: the records of each row)."""
    notes, noted = [], np.zeros(len(sizes), dtype=bool)
    for key, missing in zip(keys, absent):
        n = int(sizes[missing & ~noted].sum())
        noted |= missing
        if n:
            notes.append(f"{_n.plural(n, 'record')} with no {key} not counted")
    return notes


def finished(out, attrs: dict, notes: list[str], months):
    """The table of counts with ``attrs``, the ``notes`` added to its problems, and the months
    missing between those of ``months`` (periods, or None when not counted by month)."""
    out.attrs.update(attrs)
    out.attrs["problems"] = list(attrs.get("problems", [])) + notes
    if months is not None:
        out.attrs["missing_months"] = missing_months(months)
    return out


def _dense(codes: np.ndarray, span: int):
    """The distinct values of ``codes`` (integers from 0 to ``span - 1``) in order, and the
    position of each code among them, as ``np.unique(codes, return_inverse=True)`` gives them
    (positions of the smallest unsigned type that holds them); by a count of each value when ``span`` is not much
    more than the codes, without a sort."""
    if span > 4 * len(codes) + (1 << 16):
        seen, inverse = np.unique(codes, return_inverse=True)
        return seen, inverse.reshape(-1)
    used = np.bincount(codes, minlength=span) > 0
    rank = np.cumsum(used, dtype=np.int64) - 1
    rank = rank.astype(np.min_scalar_type(max(int(rank[-1]), 0)) if span else np.int32)
    return np.flatnonzero(used), rank[codes]


def _coded_table(coded: dict, sizes: np.ndarray, groups: list, keys: list, complete: bool,
                 ordered: dict):
    """The counts of rows of codes: ``coded`` gives each key's codes (positions in its values,
    each value seen) and its values (text in order, or periods); each row stands for ``sizes``
    records.  Every combination of the groups seen is a cell of one array (every combination
    of the groups' value tuples when ``complete``); text keys become categoricals (``ordered``
    by key).  The codes are let go once the cells are made: ``coded`` is left holding the
    values."""
    import pandas as pd

    cell, parts = np.zeros(len(sizes), dtype=np.int64), []
    for group in groups:    # each group: the value tuples seen, in order, and each row's
        if len(group) == 1:     # codes of one key: dense already
            seen, code = np.arange(len(coded[group[0]][1])), coded[group[0]][0]
        else:
            code, span = np.zeros(len(sizes), dtype=np.int64), 1
            for key in group:
                code = code * len(coded[key][1]) + coded[key][0]
                span *= len(coded[key][1])
            seen, code = _dense(code, span)
        parts.append((group, seen))
        cell *= len(seen)
        cell += code
        del code
    for key in keys:    # the codes let go before the counts are made
        coded[key] = coded[key][1]
    sizes_of = [len(seen) for _, seen in parts]
    if complete:    # every cell, the groups' codes laid out by repeats, not from the cells
        counts = np.bincount(cell, weights=sizes, minlength=int(np.prod(sizes_of)))
        within = [np.arange(n) for n in sizes_of]
        lay = [(int(np.prod(sizes_of[j + 1:])), int(np.prod(sizes_of[:j])))
               for j in range(len(parts))]
    else:
        cells, cell = _dense(cell, int(np.prod(sizes_of)))
        counts = np.bincount(cell, weights=sizes, minlength=len(cells))
        within = []
        for n in reversed(sizes_of):
            within.insert(0, cells % n)
            cells = cells // n
        lay = [(1, 1)] * len(parts)
    del cell
    _release()      # the temporaries of the cells handed back before the table is made
    # sums of integers, exact in float64, made int64 in place (the same 8 bytes, read and
    # written at the same place)
    whole = counts.view(np.int64)
    np.copyto(whole, counts, casting="unsafe")
    out = {}
    for (group, seen), which, (repeat, tile) in zip(parts, within, lay):
        code = seen[which]      # each key's code, of the group's value tuple
        for key in reversed(group):     # months as ordinals, text as small codes
            values = coded[key]
            at = code % len(values)
            code = code // len(values)
            period = isinstance(values, pd.PeriodIndex)
            column = values.asi8[at] if period else \
                at.astype(np.min_scalar_type(max(len(values), 1)))
            if repeat > 1 or tile > 1:
                column = np.tile(np.repeat(column, repeat), tile)
            if period:
                out[key] = pd.PeriodIndex.from_ordinals(column, freq=values.freq)
            else:
                dtype = pd.CategoricalDtype(values.tolist(), ordered.get(key, False))
                out[key] = pd.Categorical.from_codes(column, dtype=dtype)
    out["count"] = whole
    del counts, whole
    return pd.DataFrame({key: out[key] for key in [*keys, "count"]}, copy=False)
