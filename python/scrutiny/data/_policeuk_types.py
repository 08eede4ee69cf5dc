"""Typing the columns of data.police.uk records: months, numbers, booleans, uncountable rows."""

from __future__ import annotations

import numpy as np

from ._policeuk_files import _BOUNDS, COLUMNS, _MONTH, _NEEDED, snake_case, _Source
from ._policeuk_problems import _note_repeated_ids, _Problems


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
