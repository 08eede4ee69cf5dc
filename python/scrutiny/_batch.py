"""What every batch family shares: row statuses, single-series results, replicate seeds.

A kernel that fits many series at once gives each row a status code (0: ok) instead of
stopping.  :func:`statuses` turns those codes into labels and, as ``errors=`` asks, into an
exception or a warning that counts the failures ("3 of 1,200 series could not be fitted: 2 too
short, 1 did not converge"), as pyerfa's ``check_errwarn`` does for its status codes.
"""
from __future__ import annotations

import dataclasses
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from . import _validation as _v
from .errors import ConvergenceError, NumericalError

#: The values of the families' ``errors=``: labels only, or an exception.  :func:`statuses`
#: also takes ``"warn"`` (labels and one warning that counts the failures).
ERRORS = ("coerce", "raise")


@dataclasses.dataclass(frozen=True)
class RowStatus:
    """The row statuses of one kernel.

    Attributes
    ----------
    labels : sequence of str
        The label of each code, in the order of the core's row-status enum (code 0: ``"ok"``).
    raises : Mapping[int, tuple[type, str]]
        Code -> (exception, reason) under ``errors="raise"``; a code not listed raises
        ``ValueError`` with its label.  A reason holding ``{series}`` names the series itself;
        otherwise the message is ``"<func>: series <r>: <reason>"``.
    failed : str
        What a failed series could not be, for the counts: ``"fitted"``, ``"tested"`` ...
    """

    labels: Sequence[str]
    raises: Mapping[int, tuple[type, str]] = dataclasses.field(default_factory=dict)
    failed: str = "fitted"


#: The row statuses of the GLM kernels (sc_glm_row_status in csrc/core/sc_glm.h), shared by the
#: count models and the harm trend.
GLM_STATUS = RowStatus(
    ("ok", "too short", "missing values", "rank deficient", "did not converge",
     "numerical failure"),
    {1: (ValueError, "fewer usable observations than coefficients + 1"),
     2: (ValueError, "missing values (nan_policy='propagate')"),
     3: (NumericalError, "the design is rank deficient (a term or season has no usable "
                         "observations, or terms are collinear)"),
     4: (ConvergenceError, "the fit did not converge in 25 iterations"),
     5: (NumericalError, "numerical failure (a result that should be finite is not)")})


def statuses(status: np.ndarray, table: RowStatus, func: str, errors: str, *,
             single: bool = False, names=None) -> np.ndarray:
    """The label of every row; under ``errors="raise"`` the first failed row raises, under
    ``"warn"`` one ``RuntimeWarning`` counts the failures.

    Parameters
    ----------
    status : numpy.ndarray
        Row-status codes (0: ok).
    table : RowStatus
        The labels and exceptions of the codes.
    func : str
        The public function, which starts every message.
    errors : {"coerce", "warn", "raise"}
        What a failed row does beyond its label.
    single : bool
        One series was given: messages do not number it.
    names : sequence, optional
        The series' labels, to name a series by (default: its position).

    Returns
    -------
    numpy.ndarray
        The labels (object array of the shape of ``status``).
    """
    labels = np.asarray(table.labels, dtype=object)[status]
    if errors == "coerce":
        return labels
    bad = np.flatnonzero(np.asarray(status).reshape(-1) != 0)
    if not bad.size:
        return labels
    counts = failure_counts(labels.reshape(-1)[bad], status.size, table.failed)
    if errors == "warn":
        warnings.warn(f"{func}: {counts}", RuntimeWarning, stacklevel=3)
        return labels
    r = int(bad[0])
    code = int(np.asarray(status).reshape(-1)[r])
    kind, reason = table.raises.get(code, (ValueError, table.labels[code]))
    series = "" if single else f"series {r if names is None else repr(names[r])}"
    if "{series}" in reason:
        text = reason.format(series=series)
    else:
        text = f"{series}: {reason}" if series else reason
    more = f"; {counts}" if bad.size > 1 else ""
    raise kind(f"{func}: {text}{more}")


def failure_counts(failed_labels, total: int, failed: str = "fitted") -> str:
    """``"3 of 1,200 series could not be fitted: 2 too short, 1 did not converge"``."""
    tally = Counter(failed_labels).most_common()
    parts = ", ".join(f"{k:,} {label}" for label, k in tally)
    return f"{len(failed_labels):,} of {total:,} series could not be {failed}: {parts}"


def single(values, one: bool):
    """A per-series vector as a Python value when one series was given, else the array."""
    if not one:
        return values
    v = values[0]
    return v.item() if isinstance(v, np.generic) else v


def seed(value) -> int:
    """The replicate seed: the one given (a whole number >= 0, taken modulo 2**64), or one
    drawn from the operating system's entropy (below 2**63)."""
    if value is None:
        return int(np.random.SeedSequence().entropy % (1 << 63))
    return _v.whole_number(value, "seed", maximum=None) % (1 << 64)
