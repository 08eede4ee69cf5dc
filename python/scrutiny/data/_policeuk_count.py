"""Counting data.police.uk records: counting as reading, tables by codes, crime-ID hashes."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np

from .. import _narrative as _n
from .. import _validation as v
from ._policeuk_arrow import _categorical, _release, _typed_files
from ._policeuk_files import (_BOUNDS, _choose, _CODED, COLUMNS, _MONTH, _NEEDED, _opened,
                              snake_case)
from ._policeuk_problems import (_attrs, _FileProblems, missing_months, _note_repeated_ids,
                                 _Problems)
from ._policeuk_types import _concat, _months, _typed

# Types whose values are checked (and bad ones noted) as they are read; the crime ID too.
_CHECKED = ("month", "date", "longitude", "latitude", "bool")
_ID_SIZE = 64       # characters of a published crime ID


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
