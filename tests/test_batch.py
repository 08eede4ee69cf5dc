"""Row statuses, single-series values and replicate seeds shared by the batch families."""
from __future__ import annotations

import numpy as np
import pytest

from scrutiny import _batch
from scrutiny.errors import ConvergenceError

TABLE = _batch.RowStatus(("ok", "too short", "did not converge"),
                         {2: (ConvergenceError, "the fit did not converge")})


def test_labels_and_counts():
    status = np.array([0, 1, 2, 1, 0])
    assert _batch.statuses(status, TABLE, "f", "coerce").tolist() == [
        "ok", "too short", "did not converge", "too short", "ok"]
    assert (_batch.failure_counts(["too short"] * 2 + ["did not converge"], 1200) ==
            "3 of 1,200 series could not be fitted: 2 too short, 1 did not converge")


def test_raise_names_the_first_failure_and_counts_all():
    with pytest.raises(ValueError, match=r"^f: series 1: too short; 3 of 5 series could not "
                                         r"be fitted: 2 too short, 1 did not converge$"):
        _batch.statuses(np.array([0, 1, 2, 1, 0]), TABLE, "f", "raise")
    with pytest.raises(ConvergenceError, match=r"^f: series 'b': the fit did not converge$"):
        _batch.statuses(np.array([0, 2]), TABLE, "f", "raise", names=["a", "b"])
    with pytest.raises(ValueError, match=r"^f: too short$"):
        _batch.statuses(np.array([1]), TABLE, "f", "raise", single=True)


def test_warn_counts_the_failures():
    with pytest.warns(RuntimeWarning, match="1 of 2 series could not be fitted: 1 too short"):
        labels = _batch.statuses(np.array([1, 0]), TABLE, "f", "warn")
    assert labels.tolist() == ["too short", "ok"]


def test_single_and_seed():
    assert _batch.single(np.array([2.5]), True) == 2.5 and isinstance(
        _batch.single(np.array([2.5]), True), float)
    assert _batch.single(np.array([1, 2]), False).tolist() == [1, 2]
    assert _batch.seed(7) == 7 and _batch.seed(2**64 + 3) == 3
    assert 0 <= _batch.seed(None) < 2**63
    with pytest.raises(ValueError, match="seed must be >= 0"):
        _batch.seed(-1)
