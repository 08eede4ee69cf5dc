"""Row expressions of a measures specification, evaluated safely over a DataFrame.

A numerator, denominator or filter is a column name, the word ``rows`` or a small expression
over the columns of one row, e.g. ``"answered and wait_seconds <= 10"`` or
``"line == '101' and not abandoned"``.  Only names, numbers, strings, comparisons (including
``in`` a literal list), ``and``/``or``/``not``, arithmetic and ``isna(col)`` / ``notna(col)`` are
allowed; nothing is passed to ``eval``.  Sizes are bounded: an expression has at most
:data:`MAX_LENGTH` characters and :data:`MAX_DEPTH` levels of nesting, and no text or list it
makes (``'A' * 9`` or ``['A'] * 9``) holds more than :data:`MAX_ITEMS` characters or items.
"""
from __future__ import annotations

import ast
import operator

import numpy as np

ROWS = "rows"
MAX_LENGTH = 10_000     # characters of an expression
MAX_DEPTH = 100         # levels of nesting
MAX_ITEMS = 100_000     # characters of a text, items of a list, made by an expression
MAX_TOTAL = 100_000_000  # characters of the texts of a column made by an expression

_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
            ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}
_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
          ast.Div: operator.truediv}
_CONSTANTS = (str, int, float, bool, type(None))
# why an expression could not be evaluated, by the kind of error
_REASONS = {TypeError: "it compares or combines values of different types, such as text and "
                       "numbers",
            ArithmeticError: "a number is too large",
            MemoryError: "not enough memory",
            RecursionError: "nested too deeply"}
_FUNCTIONS = {"isna": lambda v: v.isna(), "notna": lambda v: v.notna()}


class ExpressionError(ValueError):
    """An expression that cannot be read or refers to a column the data lack."""


def parse(text: str, what: str) -> ast.expr:
    """Parse ``text`` and check that it uses only the allowed forms; ``what`` names the setting."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(f"{what} must be a column name or an expression (got "
                              f"{_shown(text)})")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"{what}: the expression has {len(text):,} characters; at most "
                              f"{MAX_LENGTH:,} are allowed ({_shown(text)})")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(f"{what}: cannot read the expression {_shown(text)} "
                              f"({exc.msg})") from None
    except (MemoryError, RecursionError):
        raise ExpressionError(f"{what}: the expression {_shown(text)} is nested too deeply "
                              f"(at most {MAX_DEPTH} levels)") from None
    if _depth(tree) > MAX_DEPTH:
        raise ExpressionError(f"{what}: the expression {_shown(text)} is nested too deeply "
                              f"(at most {MAX_DEPTH} levels)")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS
                    and len(node.args) == 1 and not node.keywords):
                raise ExpressionError(f"{what}: only isna(column) and notna(column) may be "
                                      f"called (in {_shown(text)})")
        elif isinstance(node, ast.Constant) and not isinstance(node.value, _CONSTANTS):
            raise ExpressionError(f"{what}: the value {node.value!r} is not allowed in "
                                  f"{_shown(text)} (only numbers, texts, True, False and None)")
        elif not isinstance(node, (ast.Name, ast.Constant, ast.Compare, ast.BoolOp, ast.UnaryOp,
                                   ast.BinOp, ast.List, ast.Tuple, ast.Load, ast.And, ast.Or,
                                   ast.Not, ast.USub, ast.In, ast.NotIn, *_COMPARE, *_ARITH)):
            raise ExpressionError(f"{what}: {type(node).__name__.lower()} is not allowed in "
                                  f"{_shown(text)}")
    return tree


def _shown(text, limit: int = 80) -> str:
    """``repr(text)``, cut short when long."""
    shown = repr(text)
    return shown if len(shown) <= limit else f"{shown[:limit - 20]}...{shown[-12:]}"


def _depth(tree: ast.AST) -> int:
    """The nesting depth of a tree, found without recursion."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    return deepest


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
    try:
        value = _eval(tree, frame, text, what)
    except (TypeError, ValueError, ArithmeticError, AttributeError, KeyError, MemoryError,
            RecursionError) as exc:
        if isinstance(exc, ExpressionError):
            raise
        reason = next((r for t, r in _REASONS.items() if isinstance(exc, t)),
                      f"{type(exc).__name__}: {exc}")
        raise ExpressionError(f"{what}: cannot evaluate {_shown(text)} over the data "
                              f"({reason})") from None
    if isinstance(value, (list, str, bytes)):
        raise ExpressionError(f"{what}: {_shown(text)} gives {type(value).__name__}, not a "
                              "value for each row")
    return value


def _eval(node, frame, text, what):
    if isinstance(node, ast.Name):
        return frame[node.id]
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        return _capped([_eval(e, frame, text, what) for e in node.elts], text, what)
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
        left, right = _eval(node.left, frame, text, what), _eval(node.right, frame, text, what)
        _check_size(node.op, left, right, text, what)
        return _capped(_ARITH[type(node.op)](left, right), text, what)
    if isinstance(node, ast.Compare):
        left = _eval(node.left, frame, text, what)
        out = None
        for op, comparator in zip(node.ops, node.comparators):
            right = _eval(comparator, frame, text, what)
            if isinstance(op, (ast.In, ast.NotIn)):
                if not isinstance(right, list):
                    raise ExpressionError(f"{what}: 'in' needs a list such as ['a', 'b'] "
                                          f"(in {_shown(text)})")
                step = left.isin(right)
                step = ~step if isinstance(op, ast.NotIn) else step
            else:
                step = _COMPARE[type(op)](left, right)
            out = step if out is None else out & step
            left = right
        return out
    raise ExpressionError(f"{what}: cannot evaluate {_shown(text)}")  # pragma: no cover (parse checks)


def _capped(value, text, what):
    """``value``, refused when it is a text or list longer than :data:`MAX_ITEMS`."""
    if isinstance(value, (str, bytes, list, tuple)) and len(value) > MAX_ITEMS:
        raise ExpressionError(f"{what}: {_shown(text)} makes a {type(value).__name__} of "
                              f"{len(value):,} items; at most {MAX_ITEMS:,} are allowed")
    return value


def _text_size(value):
    """(longest text or list, how many of them) for a text, a list or a text column; None
    for numbers and numeric columns."""
    import pandas as pd

    if isinstance(value, (str, bytes, list, tuple)):
        return len(value), 1
    if isinstance(value, pd.Series) and not (pd.api.types.is_numeric_dtype(value)
                                             or pd.api.types.is_bool_dtype(value)):
        longest = value.astype(str).str.len().max() if len(value) else 0
        return int(0 if pd.isna(longest) else longest), len(value)
    return None


def _largest(value) -> float:
    """The largest number of a number or a numeric column (0 for anything else)."""
    import pandas as pd

    if isinstance(value, (bool, np.bool_)):
        return 0
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, pd.Series) and pd.api.types.is_numeric_dtype(value) and len(value):
        largest = value.max()
        return 0 if pd.isna(largest) else float(largest)
    return 0


def _check_size(op, left, right, text, what) -> None:
    """Refuse, before it is made, a text or list that would be too large: a repetition
    (``'A' * n``, ``['A'] * n``, a text column times ``n``) or a concatenation whose longest
    text or list would exceed :data:`MAX_ITEMS`, or whose texts would hold more than
    :data:`MAX_TOTAL` characters in all."""
    sizes = _text_size(left), _text_size(right)
    if isinstance(op, ast.Mult):
        if (sizes[0] is None) == (sizes[1] is None):
            return
        (longest, count), times = ((sizes[0], right) if sizes[0] is not None else
                                   (sizes[1], left))
        longest *= max(_largest(times), 0)
    elif isinstance(op, ast.Add) and None not in sizes:
        longest = sizes[0][0] + sizes[1][0]
        count = max(sizes[0][1], sizes[1][1])
    else:
        return
    if longest > MAX_ITEMS:
        raise ExpressionError(f"{what}: {_shown(text)} would make a text or list of "
                              f"{longest:,.0f} items; at most {MAX_ITEMS:,} are allowed")
    if longest * count > MAX_TOTAL:
        raise ExpressionError(f"{what}: {_shown(text)} would make texts of {longest * count:,.0f} "
                              f"characters in all; at most {MAX_TOTAL:,} are allowed")


def _truth(value, text, what):
    """A boolean Series from a boolean column or comparison (missing values count as false)."""
    import pandas as pd

    if isinstance(value, pd.Series):
        if value.dtype == bool:
            return value
        if str(value.dtype) == "boolean":
            return value.fillna(False).astype(bool)
        raise ExpressionError(f"{what}: column {value.name!r} is not true/false, so it cannot be "
                              f"combined with and/or/not (in {_shown(text)})")
    if isinstance(value, (bool, np.bool_)):
        return value
    raise ExpressionError(f"{what}: {_shown(text)} does not give true/false for each row")
