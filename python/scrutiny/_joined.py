"""The results of consecutive blocks of series joined into the result of every series, fields
by their roles: per-series arrays and frames one below the other, the series' names appended,
every other field from the first block.

Blocks may come in any order (as the tasks of a cluster end).  When the blocks' numbers of
series are known beforehand, each block is copied into its place in the joined arrays as it
comes and then let go of, so that joining holds the joined result and one or two blocks, not
every block and the joined result; the copying also runs while the other blocks are still being
computed, not after the last.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from . import _results


class Joined:
    """The result of every series, joined from the results of its blocks (see the module).

    ``sizes``: the number of series of each block, in order, or None when unknown (the blocks
    are then kept until :meth:`result`, and placed there)."""

    def __init__(self, sizes=None):
        self._blocks = None if sizes is None else len(sizes)
        self._at = None if sizes is None else np.concatenate([[0], np.cumsum(sizes)])
        self._kept: dict = {}       # blocks waiting for their place (sizes unknown)
        self._first = None          # block 0: the fields that are not joined are its own
        self._arrays: dict = {}     # field -> the joined array (a frame's: its values)
        self._frames: dict = {}     # field -> a frame's columns, whether its index is a range,
                                    # and each placed block's index
        self._parts: dict = {}      # field -> {block: value} joined at the end

    def add(self, i: int, result) -> None:
        """The result of block ``i``, placed (or kept until its place is known)."""
        if i == 0:
            self._first = result
        if self._at is None or self._blocks == 1:
            self._kept[i] = result
            return
        self._place(i, result)

    def result(self):
        """The joined result (the one block's result itself when there is one block)."""
        if self._blocks == 1 or (self._at is None and len(self._kept) == 1):
            return next(iter(self._kept.values()))
        if self._at is None:
            order = sorted(self._kept)
            self._at = np.concatenate([[0], np.cumsum([_size(self._kept[i]) for i in order])])
            for i in order:
                self._place(i, self._kept.pop(i))
        import pandas as pd
        fields, frames = {}, {}
        for name, value in self._arrays.items():
            if name in self._frames:
                columns, ranged, index = self._frames[name]
                labels = [index[i] for i in sorted(index)]
                index = pd.RangeIndex(len(value)) if ranged else labels[0].append(labels[1:])
                frames[name] = pd.DataFrame(value, index=index, columns=columns, copy=False)
            else:
                fields[name] = value
        for name, parts in self._parts.items():
            values = [parts[i] for i in sorted(parts)]
            if isinstance(values[0], pd.DataFrame):
                joined = pd.concat(values)
                ranged = isinstance(values[0].index, pd.RangeIndex)
                frames[name] = joined.reset_index(drop=True) if ranged else joined
            else:
                fields[name] = values[0].append(values[1:])
        result = dataclasses.replace(self._first, **fields, **dict.fromkeys(frames))
        for name, frame in frames.items():     # the joined frames are the result's own
            object.__setattr__(result, name, frame)
        return result

    def _place(self, i: int, result) -> None:
        import pandas as pd
        lo, hi = int(self._at[i]), int(self._at[i + 1])
        for f in (f for f in dataclasses.fields(result) if f.init):
            value = getattr(result, f.name)
            if isinstance(value, np.ndarray) and _results.role(f) != _results.SCALAR:
                self._copy(f.name, value, lo, hi)
            elif isinstance(value, pd.DataFrame):
                self._frame(f.name, value, i, lo, hi)
            elif isinstance(value, pd.Index) and _results.role(f) == _results.LABEL:
                self._parts.setdefault(f.name, {})[i] = value

    def _copy(self, name: str, value: np.ndarray, lo: int, hi: int, order: str = "C") -> None:
        """``value`` into rows lo:hi of the joined array, whose type widens as concatenating
        would (to the common type of the blocks)."""
        if value.shape[0] != hi - lo:
            raise ValueError(f"{name}: a block of {hi - lo} series gave {value.shape[0]} rows")
        out = self._arrays.get(name)
        if out is None:
            out = self._arrays[name] = np.empty((int(self._at[-1]),) + value.shape[1:],
                                                 dtype=value.dtype, order=order)
        elif not np.can_cast(value.dtype, out.dtype, "no"):
            wider = np.result_type(out.dtype, value.dtype)
            if wider != out.dtype:
                out = self._arrays[name] = out.astype(wider, order=order)
        out[lo:hi] = value

    def _frame(self, name: str, frame, i: int, lo: int, hi: int) -> None:
        """A block's frame: its values copied into place when its columns have one type (and
        one level), as the joined frame's blocks have; otherwise kept for pandas to join."""
        import pandas as pd
        uniform = frame.columns.nlevels == 1 and len(set(frame.dtypes)) == 1
        ranged = isinstance(frame.index, pd.RangeIndex)
        if name in self._frames and (not uniform or ranged != self._frames[name][1] or
                                     not frame.columns.equals(self._frames[name][0])):
            self._unplace(name)
        if name in self._parts or not uniform:
            self._parts.setdefault(name, {})[i] = frame
            return
        index = self._frames.setdefault(name, (frame.columns, ranged, {}))[2]
        index[i] = frame.index
        self._copy(name, frame.to_numpy(), lo, hi, order="F")

    def _unplace(self, name: str) -> None:
        """A field's frames taken back out of its joined values (a later block's frame is not
        like the first ones): each block placed so far again as its own frame, for pandas to
        join."""
        import pandas as pd
        columns, _, index = self._frames.pop(name)
        values = self._arrays.pop(name)
        parts = self._parts.setdefault(name, {})
        for i, labels in index.items():
            lo, hi = int(self._at[i]), int(self._at[i + 1])
            parts[i] = pd.DataFrame(values[lo:hi], index=labels, columns=columns)


def join(results: list):
    """One result from the results of consecutive blocks of series, in order."""
    joined = Joined()
    for i, result in enumerate(results):
        joined.add(i, result)
    return joined.result()


def _size(result) -> int:
    """The number of series of a block's result (the rows of its first per-series field)."""
    for f in (f for f in dataclasses.fields(result) if f.init):
        value = getattr(result, f.name)
        if isinstance(value, np.ndarray) and _results.role(f) != _results.SCALAR or \
                hasattr(value, "columns") and hasattr(value, "index"):
            return len(value)
    return 0
