"""Row expressions of a measures specification, evaluated safely over a DataFrame.

A numerator, denominator or filter is a column name, the word ``rows`` or a small expression
over the columns of one row, e.g. ``"answered and wait_seconds <= 10"`` or
``"line == '101' and not abandoned"``.  Only names, numbers, strings, comparisons (including
``in`` a literal list), ``and``/``or``/``not``, arithmetic and ``isna(col)`` / ``notna(col)`` are
allowed; nothing is passed to ``eval``.
"""
from __future__ import annotations

import ast
import operator

import numpy as np

ROWS = "rows"

_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
            ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}
_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
          ast.Div: operator.truediv}
_FUNCTIONS = {"isna": lambda v: v.isna(), "notna": lambda v: v.notna()}


class ExpressionError(ValueError):
    """An expression that cannot be read or refers to a column the data lack."""


def parse(text: str, what: str) -> ast.expr:
    """Parse ``text`` and check that it uses only the allowed forms; ``what`` names the setting."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(f"{what} must be a column name or an expression (got {text!r})")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(f"{what}: cannot read the expression {text!r} ({exc.msg})") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS
                    and len(node.args) == 1 and not node.keywords):
                raise ExpressionError(f"{what}: only isna(column) and notna(column) may be "
                                      f"called (in {text!r})")
        elif not isinstance(node, (ast.Name, ast.Constant, ast.Compare, ast.BoolOp, ast.UnaryOp,
                                   ast.BinOp, ast.List, ast.Tuple, ast.Load, ast.And, ast.Or,
                                   ast.Not, ast.USub, ast.In, ast.NotIn, *_COMPARE, *_ARITH)):
            raise ExpressionError(f"{what}: {type(node).__name__.lower()} is not allowed in "
                                  f"{text!r}")
    return tree


def columns(text: str, what: str) -> set[str]:
    """The column names an expression reads (``rows`` reads none)."""
    if text == ROWS:
        return set()
    tree = parse(text, what)
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - calls


def evaluate(text: str, frame, what: str):
    """Evaluate ``text`` over the rows of ``frame``: a pandas Series (or a scalar)."""
    import pandas as pd

    if text == ROWS:
        return pd.Series(np.ones(len(frame), dtype=bool), index=frame.index)
    tree = parse(text, what)
    missing = sorted(columns(text, what) - set(frame.columns))
    if missing:
        raise ExpressionError(f"{what}: no column {', '.join(repr(m) for m in missing)} in the "
                              f"data (columns: {', '.join(map(str, frame.columns))})")
    return _eval(tree, frame, text, what)


def _eval(node, frame, text, what):
    if isinstance(node, ast.Name):
        return frame[node.id]
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_eval(e, frame, text, what) for e in node.elts]
    if isinstance(node, ast.Call):
        return _FUNCTIONS[node.func.id](_eval(node.args[0], frame, text, what))
    if isinstance(node, ast.BoolOp):
        values = [_truth(_eval(v, frame, text, what), text, what) for v in node.values]
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        out = values[0]
        for v in values[1:]:
            out = combine(out, v)
        return out
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, frame, text, what)
        return ~_truth(value, text, what) if isinstance(node.op, ast.Not) else -value
    if isinstance(node, ast.BinOp):
        return _ARITH[type(node.op)](_eval(node.left, frame, text, what),
                                     _eval(node.right, frame, text, what))
    if isinstance(node, ast.Compare):
        left = _eval(node.left, frame, text, what)
        out = None
        for op, comparator in zip(node.ops, node.comparators):
            right = _eval(comparator, frame, text, what)
            if isinstance(op, (ast.In, ast.NotIn)):
                if not isinstance(right, list):
                    raise ExpressionError(f"{what}: 'in' needs a list such as ['a', 'b'] "
                                          f"(in {text!r})")
                step = left.isin(right)
                step = ~step if isinstance(op, ast.NotIn) else step
            else:
                step = _COMPARE[type(op)](left, right)
            out = step if out is None else out & step
            left = right
        return out
    raise ExpressionError(f"{what}: cannot evaluate {text!r}")  # pragma: no cover (parse checks)


def _truth(value, text, what):
    """A boolean Series from a boolean column or comparison (missing values count as false)."""
    import pandas as pd

    if isinstance(value, pd.Series):
        if value.dtype == bool:
            return value
        if str(value.dtype) == "boolean":
            return value.fillna(False).astype(bool)
        raise ExpressionError(f"{what}: column {value.name!r} is not true/false, so it cannot be "
                              f"combined with and/or/not (in {text!r})")
    if isinstance(value, (bool, np.bool_)):
        return value
    raise ExpressionError(f"{what}: {text!r} does not give true/false for each row")
