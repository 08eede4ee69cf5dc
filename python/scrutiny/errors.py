"""Exceptions raised by scrutiny beyond Python's ``ValueError`` / ``TypeError``."""


class NumericalError(ArithmeticError):
    """A computation failed numerically (a result that should be finite is not)."""


class ConvergenceError(NumericalError):
    """An iterative method did not converge (e.g. separation in a logistic model)."""


__all__ = ["NumericalError", "ConvergenceError"]
