"""Counting data.police.uk records: counting as reading, tables by codes, crime-ID hashes."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np

from .. import _validation as v
from ._policeuk_arrow import _release, _typed_files
from ._policeuk_files import (_BOUNDS, _choose, _CODED, COLUMNS, _MONTH, _NEEDED, _opened,
                              snake_case)
from ._policeuk_problems import _attrs, _FileProblems, _note_repeated_ids, _Problems
from ._policeuk_tally import _coded_table, _dense, _Tally, absent_notes, finished
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
    return _among(hashes, _repeats(np.sort(hashes)))


def _repeats(ordered: np.ndarray) -> np.ndarray:
    """The hashes found more than once in the sorted hashes ``ordered``, once each."""
    same = ordered[1:] == ordered[:-1]
    return np.unique(ordered[1:][same])


def _repeats_among(pieces: list, parts: int = 8) -> np.ndarray:
    """The hashes found more than once among the arrays of hashes ``pieces``, sorted; found a
    ``parts``-th of the range of hashes at a time, so that the sort copies about that share."""
    shift = np.uint64(64 - int(parts - 1).bit_length())
    tops = [(piece >> shift).astype(np.uint8) for piece in pieces]     # each hash's part
    found = []
    for part in range(parts):
        chosen = [piece[top == part] for piece, top in zip(pieces, tops)]
        found.append(_repeats(np.sort(np.concatenate(chosen or [np.empty(0, np.uint64)]))))
        del chosen
    return np.concatenate(found)


def _among(hashes: np.ndarray, repeats: np.ndarray) -> np.ndarray:
    """Where ``hashes`` are among the sorted ``repeats``."""
    if not len(repeats):
        return np.zeros(len(hashes), dtype=bool)
    at = np.searchsorted(repeats, hashes)
    np.minimum(at, len(repeats) - 1, out=at)
    return repeats[at] == hashes


class _HashedIds:
    """The crime IDs of files, as 64-bit hashes: 8 bytes a record, with the file and lines of
    each run of records of one file (the first line alone when the lines follow on).  The
    hashes are copied into blocks made here: arrays made by the threads reading files would
    keep the memory those threads free around them from being handed back."""

    BLOCK = 1 << 18     # hashes a block (2 MiB)

    def __init__(self):
        self.blocks: list[np.ndarray] = []
        self.filled = 0     # hashes in the last block
        self.runs: list[tuple[int, int, int | np.ndarray]] = []

    @property
    def hashes(self) -> list[np.ndarray]:
        """The hashes kept, in order, as views of the blocks."""
        return [*self.blocks[:-1], self.blocks[-1][:self.filled]] if self.blocks else []

    def add(self, hashes: np.ndarray, files: np.ndarray, lines: np.ndarray) -> None:
        """The hashes of records, in order, with their files (positions, in order) and lines."""
        at = 0
        while at < len(hashes):
            if not self.blocks or self.filled == self.BLOCK:
                self.blocks.append(np.empty(self.BLOCK, dtype=np.uint64))
                self.filled = 0
            n = min(len(hashes) - at, self.BLOCK - self.filled)
            self.blocks[-1][self.filled:self.filled + n] = hashes[at:at + n]
            self.filled, at = self.filled + n, at + n
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

        pieces, self.blocks, self.filled = self.hashes, [], 0
        repeats = _repeats_among(pieces)
        twice = [_among(piece, repeats) for piece in pieces]
        found = np.concatenate([piece[hit] for piece, hit in zip(pieces, twice)] or
                               [np.empty(0, np.uint64)])
        del pieces
        where = np.flatnonzero(np.concatenate(twice or [np.empty(0, bool)]))
        del twice
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
        months, forces = [], set()
        coded = _coded_keys(keys, kind)
        tally = None if coded is None else _Tally(keys, coded)
        counts = []     # counts of the files typed, when not tallied
        needed = {name for name, how in COLUMNS[kind].items() if how in _CHECKED
                  or snake_case(name) in keys} | set(_NEEDED[kind]) | {"Crime ID", "Falls within"}

        def quick(position, table, lines):
            got = None if tally is None else _count_clean(table, lines, position, kind, keys,
                                                          first, last)
            if got is None:
                return None
            return lambda: (tally.add(*got[0]), months.append(got[1]),
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
            grouped = (frame.groupby(keys, observed=True, dropna=False, sort=False)
                       .size().rename("_n").reset_index())
            # keys of the records' own types (a key with no value is not made float)
            grouped = grouped.astype({key: frame[key].dtype for key in keys
                                      if grouped[key].dtype != frame[key].dtype})
            del frame
            if tally is None:
                counts.append(grouped)
            else:
                tally.add_frame(grouped, "_n")
        notes = staged.ordered()
        _release()
        if hashed.hashes:
            problems.notes = []
            _note_repeated_ids(hashed.repeated(), files, problems)
            notes += problems.notes
        _release()
        attrs = _attrs(path, kind, files, notes,
                       pd.PeriodIndex(np.concatenate(months), freq="M"), forces)
        if tally is not None:
            return tally.table(groups, complete, attrs)
        total = _concat(counts)
        counts.clear()
        total.attrs.update(attrs)
        return _aggregate(total, groups, keys, complete, weights="_n")


def _coded_keys(keys: list, kind: str):
    """The keys that are months, when every key of ``keys`` is a month or text of few values
    (counted by codes, file by file, see :class:`_Tally`); None otherwise."""
    names = {snake_case(name): name for name in COLUMNS[kind]}
    how = {key: COLUMNS[kind].get(names.get(key), "") for key in keys}
    if kind == "stop-and-search" or any(
            not (how[key] in ("month", "category") or names.get(key) in _CODED) for key in keys):
        return None
    return {key for key in keys if how[key] == "month"}


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
    months = _coded_keys(keys, kind)
    if months is None or any(names[key] not in table.column_names for key in keys):
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
    counted = []    # each key: the codes of the rows (-1: missing) into its values
    for key, name in zip(keys, columns):
        column = grouped.column(name).combine_chunks()
        if not pa.types.is_dictionary(column.type):
            column = column.dictionary_encode()
        values = column.dictionary.cast(pa.string()).to_pylist()
        if key in months:
            values = _months(np.array(values, dtype=object))[0].asi8.tolist()
        counted.append((column.indices.fill_null(-1).to_numpy(zero_copy_only=False), values))
    sizes = grouped.column("count_all").to_numpy()
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
    return (counted, sizes), periods.to_numpy(), forces, ids


def _aggregate(frame, groups, keys, complete, weights=None):
    """The counts of :func:`aggregate_policeuk`, its arguments checked; each row of ``frame``
    stands for the number of records in its column ``weights`` when given, one otherwise."""
    absent = frame[keys].isna()
    size = np.ones(len(frame), dtype=np.int64) if weights is None else frame[weights].to_numpy()
    notes = absent_notes([absent[key].to_numpy() for key in keys], size, keys)
    present = ~absent.any(axis=1).to_numpy()
    columns = keys + ([weights] if weights else [])
    counted = frame if list(frame.columns) == columns else frame[columns]
    if not present.all():
        counted = counted.loc[present]
    del absent, present
    out = _aggregate_coded(counted, groups, keys, complete, weights)
    if out is None:
        out = _aggregate_values(counted, groups, keys, complete, weights)
    return finished(out, frame.attrs, notes,
                    _seen_months(counted["month"]) if "month" in keys else None)


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


def _aggregate_coded(counted, groups, keys, complete, weights):
    """The counts of :func:`_aggregate` by integer codes (:func:`_coded_table`), without a
    sort of values, when every key is a period or a categorical of sorted text (None
    otherwise)."""
    import pandas as pd

    coded = {key: _codes(counted[key]) for key in keys}
    if not len(counted) or any(c is None for c in coded.values()):
        return None
    size = (np.ones(len(counted), dtype=np.int64) if weights is None
            else counted[weights].to_numpy(dtype=np.int64))
    ordered = {key: counted[key].cat.ordered for key in keys
               if isinstance(counted[key].dtype, pd.CategoricalDtype)}
    return _coded_table(coded, size, groups, keys, complete, ordered)


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
