"""Charts of results, one module per family, drawn with matplotlib.

A result's ``plot()`` imports its family's module here only when a chart is asked for, so
scrutiny computes without matplotlib.  These modules read public result fields only and import
nothing above :mod:`scrutiny._narrative` and the leaf modules.
"""
