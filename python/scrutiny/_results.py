"""Result objects: frozen dataclasses with a one-line ``repr``, an HTML table for Jupyter,
``summary()``, ``to_dict()`` and a tidy ``to_frame()``.  Test results unpack as
``statistic, pvalue = result``.

Array fields hold one value per unit (area, series); when several confidence levels are
requested, interval fields gain a trailing axis, one column per level, and ``to_frame()``
returns one row per unit and level.
"""
from __future__ import annotations

import dataclasses
import html
from typing import Any

import numpy as np


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


@dataclasses.dataclass(frozen=True, repr=False)
class Result:
    """Base of every result: generic display and conversion."""

    # Fields listed here are left out of repr, summary and to_frame (e.g. inputs kept for plots).
    _hidden: tuple = dataclasses.field(default=(), init=False, repr=False, compare=False)

    def _public_fields(self) -> list[str]:
        hidden = set(self._hidden)
        return [f.name for f in dataclasses.fields(self) if not f.name.startswith("_") and f.name not in hidden]

    def to_dict(self) -> dict:
        """The result's fields as a dict (arrays are returned as they are held)."""
        return {name: getattr(self, name) for name in self._public_fields()}

    def __repr__(self) -> str:
        parts = [f"{k}={_short(v)}" for k, v in self.to_dict().items()]
        return f"{type(self).__name__}({', '.join(parts)})"

    def summary(self) -> str:
        """A plain-text summary, one field a line."""
        width = max((len(k) for k in self._public_fields()), default=0)
        lines = [type(self).__name__]
        for k, v in self.to_dict().items():
            lines.append(f"  {k:<{width}}  {_short(v)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        if len(frame) > 30:
            frame = frame.head(30)
            note = f"<p>first 30 of {len(self.to_frame())} rows; use to_frame() for all</p>"
        else:
            note = ""
        title = html.escape(type(self).__name__)
        return f"<div><strong>{title}</strong>{frame.to_html(escape=True, index=False)}{note}</div>"

    def _levels(self):
        conf = getattr(self, "conf", None)
        if conf is None:
            conf = getattr(self, "levels", None)
        if isinstance(conf, (tuple, list, np.ndarray)) and np.ndim(conf) == 1:
            return tuple(float(c) for c in conf)
        return None

    def to_frame(self):
        """A tidy DataFrame: one row per unit (and per confidence level, where there are several)."""
        import pandas as pd

        data = {k: v for k, v in self.to_dict().items() if not isinstance(v, (pd.DataFrame, dict))}
        arrays = {k: np.asarray(v) for k, v in data.items() if isinstance(v, (np.ndarray, pd.Series)) and np.ndim(v) >= 1}
        levels = self._levels()
        level_key = "conf" if hasattr(self, "conf") else "levels"
        if not arrays:
            row = {k: (v if np.ndim(v) == 0 else str(v)) for k, v in data.items()}
            return pd.DataFrame([row])
        n = max(a.shape[0] for a in arrays.values())
        per_level = {k: a for k, a in arrays.items() if levels and a.ndim == 2 and a.shape[1] == len(levels)}
        per_unit = {k: a for k, a in arrays.items() if a.ndim == 1 and a.shape[0] == n}
        scalars = {k: v for k, v in data.items() if k not in arrays and k != level_key and np.ndim(v) == 0}
        if per_level:
            rows = {"unit": np.repeat(np.arange(n), len(levels)), level_key[:-1] if level_key == "levels" else "conf": np.tile(levels, n)}
            for k, a in per_unit.items():
                rows[k] = np.repeat(a, len(levels))
            for k, a in per_level.items():
                rows[k] = a.reshape(-1)
        else:
            rows = {"unit": np.arange(n), **per_unit}
        frame = pd.DataFrame(rows)
        for k, v in scalars.items():
            frame[k] = v
        return frame


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
