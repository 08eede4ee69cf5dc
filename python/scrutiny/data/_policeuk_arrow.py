"""The Arrow reading path of data.police.uk files: typed columns, a batch of files at a time."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import zlib

import numpy as np

from ._policeuk_files import _BOUNDS, _CODED, COLUMNS, _read_one, snake_case, _Source
from ._policeuk_problems import _FileProblems
from ._policeuk_types import _typed, _within

_BATCH = 250_000    # records typed at once, at most one file more, when read with Arrow
_BLOCK = 4 << 20    # bytes of a file Arrow parses at a time
_THREADS, _AHEAD = 2, 4     # files read at once by Arrow, and read ahead of the one typed
try:    # malloc_trim: glibc's allocator hands freed memory back
    _TRIM = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
except (OSError, AttributeError, TypeError):
    _TRIM = None


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
                _release()


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
