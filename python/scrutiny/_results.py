"""Result objects: frozen dataclasses with a one-line ``repr``, an HTML table for Jupyter,
``summary()``, ``to_dict()`` and a tidy ``to_frame()``.  Test results unpack as
``statistic, pvalue = result``.

Every field declares its role in its dataclass metadata, through one of the helpers below, and
the display and conversion methods read the roles rather than the values' shapes:

================  ============================================================================
helper            role
================  ============================================================================
``unit()``        one value per unit (area, pair, group, scenario ...): a number for one unit, an
                  array (or a pandas Series indexed by the units) for several.  ``series()``,
                  ``term()`` and ``unit(per=...)`` name the unit (``to_frame()``'s first column).
``per_level()``   one value per unit and confidence level: a trailing axis, one column per level,
                  when the levels field holds a sequence; as ``unit()`` otherwise.
``levels()``      the confidence level(s): a number, or a sequence that adds the level axis.
``label()``       the units' names (``to_frame()``'s first column(s) in place of 0, 1, ...).
``point()``       one value per point of each series (series x points).
``scalar()``      one value for the whole result (a setting, a test of all units).
``table()``       the result's table: ``to_frame()`` returns a copy of it (and the HTML display
                  shows it; repr and summary leave it out).
``detail()``      anything else shown by ``repr`` and ``to_dict()`` but not a column of
                  ``to_frame()`` (tables, nested results, coefficient frames).
``hidden()``      kept for methods (inputs, plot data): left out of repr, summary, to_dict and
                  to_frame.
================  ============================================================================

A field whose name starts with an underscore is private: whatever its role, repr, summary and
to_dict() leave it out (a private ``label()`` still names to_frame's rows).

``to_frame()`` gives one row per unit (and per level, when there are several) with the unit's
name or position first, then one column per unit, level, levels and scalar field in the order
the fields are declared (``frame=False`` keeps a field out, ``frame="name"`` renames its
column); units on a grid of several dimensions get one ``axis<k>`` column per dimension instead
of the name.  A result whose layout differs (one row per segment, per point, per index ...)
overrides ``to_frame()``.
"""
from __future__ import annotations

import dataclasses
import html
import weakref
from typing import Any

import numpy as np

# The roles (the values of a field's ``metadata["role"]``).
UNIT = "unit"
LEVEL = "level"
LEVELS = "levels"
LABEL = "label"
POINT = "point"
SCALAR = "scalar"
TABLE = "table"
DETAIL = "detail"
HIDDEN = "hidden"
ROLES = (LABEL, UNIT, LEVEL, POINT, LEVELS, SCALAR, TABLE, DETAIL, HIDDEN)

# Roles that give columns of the role-driven to_frame(), and the heading of each in summary().
_COLUMNS = (UNIT, LEVEL, LEVELS, SCALAR)
_HEADINGS = {LABEL: "names", UNIT: "per {per}", LEVEL: "per {per} and level",
             POINT: "per point", LEVELS: "levels", SCALAR: "for all", TABLE: "table",
             DETAIL: "other"}


def _role(role: str, per: str | None = None, frame: bool | str = True, **kwargs):
    return dataclasses.field(metadata={"role": role, "per": per, "frame": frame}, **kwargs)


def unit(per: str = "unit", *, frame: bool | str = True, **kwargs):
    """A field with one value per unit; ``per`` names the unit, ``frame`` the to_frame column
    (False: none; True: the field's name).  Other keywords go to :func:`dataclasses.field`."""
    return _role(UNIT, per, frame, **kwargs)


def series(*, frame: bool | str = True, **kwargs):
    """A field with one value per series."""
    return _role(UNIT, "series", frame, **kwargs)


def term(*, frame: bool | str = True, **kwargs):
    """A field with one value per model term (a pandas Series indexed by term)."""
    return _role(UNIT, "term", frame, **kwargs)


def per_level(per: str = "unit", *, frame: bool | str = True, **kwargs):
    """A field with one value per unit and confidence level (see :func:`levels`)."""
    return _role(LEVEL, per, frame, **kwargs)


def levels(*, frame: bool | str = True, **kwargs):
    """The confidence level(s) of the :func:`per_level` fields."""
    return _role(LEVELS, None, frame, **kwargs)


def label(*, frame: bool | str = True, **kwargs):
    """The units' names (None: unnamed).  A pandas Index gives its named levels as columns;
    else one column, named ``frame`` when it is a string (default: the unit's name)."""
    return _role(LABEL, None, frame, **kwargs)


def point(**kwargs):
    """A field with one value per point of each series (series x points)."""
    return _role(POINT, "point", False, **kwargs)


def scalar(*, frame: bool | str = True, **kwargs):
    """A field with one value for the whole result (repeated down to_frame's column)."""
    return _role(SCALAR, None, frame, **kwargs)


def table(**kwargs):
    """The result's table, which to_frame() returns (a copy)."""
    return _role(TABLE, None, False, **kwargs)


def detail(**kwargs):
    """A field shown by repr and to_dict() that is not a column of to_frame()."""
    return _role(DETAIL, None, False, **kwargs)


def hidden(**kwargs):
    """A field kept for the result's methods, left out of every display and conversion."""
    return _role(HIDDEN, None, False, **kwargs)


def role(f: dataclasses.Field) -> str | None:
    """The declared role of a dataclass field (None when it declares none)."""
    return f.metadata.get("role")


def unit_labels(result) -> Any:
    """The names of a result's units (its :func:`label` field: a pandas Index or a list), or
    None when it has none or they are unnamed."""
    for f in dataclasses.fields(result):
        if f.metadata.get("role") == LABEL:
            return getattr(result, f.name)
    return None


def label_columns(labels, n: int, column: str) -> dict:
    """The first column(s) of a table of ``n`` units named ``labels``: one per level of a
    named pandas Index or MultiIndex (e.g. a tidy table's ``by`` columns), else one named
    ``column`` holding the names (or the positions 0, 1, ... when ``labels`` is None)."""
    import pandas as pd

    if labels is None:
        return {column: np.arange(n)}
    named = isinstance(labels, pd.MultiIndex) or getattr(labels, "name", None) is not None
    if isinstance(labels, pd.Index) and named:
        return {k: v.array for k, v in labels.to_frame(index=False).items()}
    return {column: labels.array if isinstance(labels, pd.Index)
            else pd.Series(list(labels)).to_numpy()}


def time_index(result) -> Any:
    """The time of each observation of a result on a time axis (its ``times`` field: a pandas
    DatetimeIndex or PeriodIndex), or None for a result of plain arrays."""
    return getattr(result, "times", None)


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return _short(value.item())
        if value.size <= 4:
            inner = ", ".join(_short(v.item() if isinstance(v, np.generic) else v) for v in value.ravel())
            return f"[{inner}]" if value.ndim == 1 else f"array(shape={value.shape})[{inner}]"
        return f"array(shape={value.shape})"
    if isinstance(value, (tuple, list)) and len(value) <= 4:
        return "(" + ", ".join(_short(v) for v in value) + ")"
    if isinstance(value, np.generic):
        return _short(value.item())
    if hasattr(value, "shape") and hasattr(value, "to_numpy"):
        return f"{type(value).__name__}(shape={value.shape})"
    return repr(value)


def _column(f: dataclasses.Field) -> str:
    """The to_frame column of a field (its name unless the role names another)."""
    return f.name if f.metadata["frame"] is True else f.metadata["frame"]


def _repeat(values, reps: int):
    """Each element ``reps`` times in a row (numpy or pandas arrays)."""
    return values if reps == 1 else values.take(np.repeat(np.arange(len(values)), reps))


def _values(value) -> np.ndarray:
    """A unit or level field as an array (None as NaN; a pandas Series by its values)."""
    if value is None:
        return np.asarray(np.nan)
    if hasattr(value, "to_numpy"):
        return value.to_numpy()
    return np.asarray(value)


# Arrays the C core has just made, and pandas objects made on them alone, that no caller can
# hold (by id, held weakly): a result holds them (or views of them) uncopied.  See :func:`fresh`.
_FRESH: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def fresh(block):
    """Mark ``block`` as fresh: an array the core has just returned, whose views a result may
    hold (e.g. the estimates and limits of one output block) without the copy that every other
    view gets; or a pandas object made on such an array, which a result holds without the copy
    that every other pandas object gets.  Returns ``block``."""
    _FRESH[id(block)] = block
    return block


def _root(value: np.ndarray) -> np.ndarray:
    while isinstance(value.base, np.ndarray):
        value = value.base
    return value


@dataclasses.dataclass(frozen=True)
class _Ragged:
    """A 1-D object array of 1-D arrays of one numeric type, as one array and their lengths."""

    flat: np.ndarray
    lengths: np.ndarray
    writeable: bool

    @classmethod
    def packed(cls, value):
        """``value`` packed when it is such an array (of two or more), else ``value``."""
        if not (isinstance(value, np.ndarray) and value.dtype == object and value.ndim == 1
                and value.size > 1):
            return value
        items = value.tolist()
        kind = getattr(items[0], "dtype", None)
        if kind is None or kind == object or not all(
                type(a) is np.ndarray and a.ndim == 1 and a.dtype == kind for a in items):
            return value
        return cls(np.concatenate(items), np.fromiter(map(len, items), np.int64, len(items)),
                   bool(value.flags.writeable))

    def unpacked(self) -> np.ndarray:
        out = np.empty(self.lengths.size, dtype=object)
        for i, part in enumerate(np.split(self.flat, np.cumsum(self.lengths)[:-1])):
            out[i] = part
        out.flags.writeable = self.writeable
        return out


def _owned(value):
    """``value`` holding no memory of anything else: an array that is a view becomes a copy
    (unless it views a :func:`fresh` block), and arrays are made read-only; a pandas object is
    copied (unless it is fresh); tuples, lists and dicts of them likewise."""
    if isinstance(value, np.ndarray):
        if value.base is not None and _FRESH.get(id(root := _root(value))) is not root:
            value = value.copy()
        value.flags.writeable = False
        return value
    if hasattr(value, "to_numpy") and hasattr(value, "copy") and hasattr(value, "index"):
        return value if _FRESH.get(id(value)) is value else value.copy(deep=True)
    if isinstance(value, (tuple, list)):
        items = [_owned(v) for v in value]
        if any(a is not b for a, b in zip(items, value)):
            return type(value)(items) if type(value) in (tuple, list) else type(value)(*items)
    elif isinstance(value, dict):
        items = {k: _owned(v) for k, v in value.items()}
        if any(items[k] is not value[k] for k in value):
            return type(value)(items)
    return value


@dataclasses.dataclass(frozen=True, repr=False)
class Result:
    """Base of every result: display and conversion driven by the fields' roles.  A result
    never shares memory with its inputs: array fields are owned, read-only copies (see
    :func:`_owned`), so changing an input afterwards leaves the result as it was."""

    def __post_init__(self):
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            owned = _owned(value)
            if owned is not value:
                object.__setattr__(self, f.name, owned)

    def __getstate__(self):
        """The attributes to pickle (as for a result sent between the processes of a Dask
        cluster), a field of small arrays one per unit (change positions, segment means ...)
        packed as one array and their lengths: pickled in one piece, not one per unit."""
        return {name: _Ragged.packed(value) for name, value in self.__dict__.items()}

    def __setstate__(self, state):
        for name, value in state.items():
            if isinstance(value, _Ragged):
                value = value.unpacked()
            elif isinstance(value, np.ndarray):
                value.flags.writeable = False        # read-only, as every result's arrays
            object.__setattr__(self, name, value)

    @classmethod
    def _fields_with(cls, *roles: str) -> list[dataclasses.Field]:
        """The fields of the given roles, in declaration order."""
        return [f for f in dataclasses.fields(cls) if role(f) in roles]

    def _public_fields(self) -> list[str]:
        """The fields of to_dict(): every role but hidden, private names left out."""
        return [f.name for f in dataclasses.fields(self)
                if not f.name.startswith("_") and role(f) != HIDDEN]

    def to_dict(self) -> dict:
        """The result's fields as a dict (arrays are returned as they are held)."""
        return {name: getattr(self, name) for name in self._public_fields()}

    def _shown(self) -> list[dataclasses.Field]:
        """Fields shown by repr and summary: those of to_dict() but the table (which
        to_frame() and the HTML display give)."""
        public = set(self._public_fields())
        return [f for f in dataclasses.fields(self) if f.name in public and role(f) != TABLE]

    def __repr__(self) -> str:
        parts = [f"{f.name}={_short(getattr(self, f.name))}" for f in self._shown()]
        return f"{type(self).__name__}({', '.join(parts)})"

    def summary(self) -> str:
        """A plain-text summary: the fields grouped by role, one a line."""
        fields = self._shown()
        width = max((len(f.name) for f in fields), default=0)
        lines = [type(self).__name__]
        for r in ROLES:
            group = [f for f in fields if role(f) == r]
            if not group:
                continue
            lines.append(f"  {_HEADINGS[r].format(per=group[0].metadata['per'])}:")
            lines += [f"    {f.name:<{width}}  {_short(getattr(self, f.name))}" for f in group]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        if len(frame) > 30:
            note = f"<p>first 30 of {len(frame)} rows; use to_frame() for all</p>"
            frame = frame.head(30)
        else:
            note = ""
        title = html.escape(type(self).__name__)
        return f"<div><strong>{title}</strong>{frame.to_html(escape=True, index=False)}{note}</div>"

    def _levels(self):
        """The confidence levels as a tuple when the levels field holds a sequence (the
        :func:`per_level` fields then have a level axis), else None."""
        for f in self._fields_with(LEVELS):
            value = getattr(self, f.name)
            if isinstance(value, (tuple, list, np.ndarray)) and np.ndim(value) == 1:
                return tuple(float(c) for c in value)
        return None

    def _names(self, n: int, per: str, units: list):
        """The first columns: the units' names (a label field, or the index of a per-unit
        pandas Series) or their positions."""
        import pandas as pd

        for f in self._fields_with(LABEL):
            value = getattr(self, f.name)
            if value is None:
                continue
            if not isinstance(f.metadata["frame"], str) or isinstance(value, pd.MultiIndex):
                return label_columns(value, n, per)
            return {f.metadata["frame"]: value.array if isinstance(value, pd.Index)
                    else pd.Series(list(value)).to_numpy()}
        for value in units:
            if isinstance(value, pd.Series):
                return {per: value.index.array}
        return {per: np.arange(n)}

    def _first_columns(self, shape: tuple, per: str | None, reps: int, units: list) -> dict:
        """The columns that say which unit a row is: its name or position, or its position
        on each axis of a grid; each value ``reps`` times (once per level)."""
        if per is None:
            return {}
        if len(shape) >= 2:
            position = np.indices(shape).reshape(len(shape), -1)
            return {f"axis{k}": np.repeat(position[k], reps) for k in range(len(shape))}
        n = int(np.prod(shape))
        return {k: _repeat(v, reps) for k, v in self._names(n, per, units).items()}

    def to_frame(self):
        """A tidy DataFrame: one row per unit (and per confidence level, where there are
        several), or a copy of the result's table."""
        import pandas as pd

        for f in self._fields_with(TABLE):
            tab = getattr(self, f.name)
            plain = isinstance(tab.index, pd.RangeIndex) and tab.index.name is None
            return tab.copy() if plain else tab.reset_index()
        fields = [f for f in self._fields_with(*_COLUMNS) if f.metadata["frame"] is not False]
        per_unit = [f for f in fields if role(f) in (UNIT, LEVEL)]
        levels = self._levels()
        n_levels = len(levels) if levels is not None else 0
        reps = max(n_levels, 1)
        values = {f.name: _values(getattr(self, f.name)) for f in per_unit}
        shape = np.broadcast_shapes(*(
            values[f.name].shape[:-1] if n_levels and role(f) == LEVEL else values[f.name].shape
            for f in per_unit))
        n = int(np.prod(shape))
        cols = self._first_columns(shape, per_unit[0].metadata["per"] if per_unit else None,
                                   reps, [getattr(self, f.name) for f in per_unit])
        first = list(cols)
        for f in fields:
            if role(f) == UNIT or (role(f) == LEVEL and not n_levels):
                cols[_column(f)] = np.repeat(np.broadcast_to(values[f.name], shape).reshape(-1),
                                             reps)
            elif role(f) == LEVEL:
                cols[_column(f)] = np.broadcast_to(values[f.name],
                                                   shape + (n_levels,)).reshape(-1)
            elif role(f) == LEVELS and n_levels:
                cols[_column(f)] = np.tile(np.asarray(levels), n)
        frame = pd.DataFrame(cols, index=None if cols else pd.RangeIndex(n * reps))
        for f in fields:
            if role(f) == SCALAR or (role(f) == LEVELS and not n_levels):
                frame[_column(f)] = getattr(self, f.name)
        return frame[first + [_column(f) for f in fields]]


@dataclasses.dataclass(frozen=True, repr=False)
class TestResult(Result):
    """A hypothesis test: unpacks as ``statistic, pvalue``."""

    def __iter__(self):
        yield self.statistic
        yield self.pvalue

    def __len__(self) -> int:
        return 2


def scalar_or_array(a: np.ndarray, shape: tuple):
    """Reshape a flat kernel output to the broadcast input shape; 0-d becomes a Python float."""
    out = np.asarray(a).reshape(shape)
    return float(out) if out.ndim == 0 else out
