"""The overview table of a report: one row per measure, as data.

:func:`frame` is the one source of the overview: :meth:`Report.overview` returns it and the
HTML page draws its overview table (badges and icons) from it.
"""
from __future__ import annotations

import numpy as np

from .steps import NOT_ASSESSED

COLUMNS = ["measure", "kind", "latest period", "periods with data", "periods in window",
           "latest value", "value", "lower", "upper", "latest month", "month value",
           "latest quarter", "quarter value", "target", "against target",
           "change on last year", "change", "trend", "variation", "variation side",
           "assurance", "areas outside limits", "areas compared"]


def headline(res) -> str | None:
    """The latest value in words and units ('81.2%', 'median 96 days; 58.1% within 150
    days'); 'not analysed' for a measure that could not be."""
    if not res.ok:
        return "not analysed"
    return res.measure.measure_kind.headline(res.measure, res.latest)


def target_text(m) -> str | None:
    """The target in the measure's units, None without one."""
    if m.target is None:
        return None
    return m.measure_kind.target_text(m)


def latest_period(res) -> str | None:
    """'Apr 2024 – Mar 2025', with '(4 of 12 months with data)' when the window is not full."""
    if not res.window_short:
        return None
    note = res.span.note()
    return f"{res.window_short} ({note})" if note else res.window_short


def variation_side(res) -> str | None:
    """'high' or 'low' for a special-cause latest point (the letter of the icon), else None."""
    if not res.variation or res.variation == "common cause" or res.spc is None:
        return None
    last = str(np.atleast_1d(res.spc.signals)[-1])
    return "high" if ("above" in last or "up" in last) else "low"


def _verdict(value, ok: bool):
    return value if value else (NOT_ASSESSED if ok else None)


def frame(results):
    """The overview as a DataFrame, one row per measure (see :meth:`Report.overview`)."""
    import pandas as pd

    rows = []
    for res in results:
        m = res.measure
        ok = res.ok
        g = res.glance
        rows.append({
            "measure": m.name, "kind": m.kind,
            "latest period": latest_period(res),
            "periods in window": res.window_size or None,
            "periods with data": res.window_present if res.window_size else None,
            "latest value": headline(res),
            "value": res.value, "lower": res.lower, "upper": res.upper,
            "latest month": f"{g.month}: {g.month_text}" if g and g.month else None,
            "month value": g.month_value if g else None,
            "latest quarter": f"{g.quarter}: {g.quarter_text}" if g and g.quarter else None,
            "quarter value": g.quarter_value if g else None,
            "target": target_text(m),
            "against target": (res.target_verdict or NOT_ASSESSED) if ok and m.target
            is not None else None,
            "change on last year": _verdict(res.change_verdict, ok),
            "change": res.change_text or None,
            "trend": _verdict(res.trend_verdict, ok),
            "variation": res.variation or None,
            "variation side": variation_side(res),
            "assurance": res.assurance or None,
            "areas outside limits": len(res.flagged) if res.funnel is not None else None,
            "areas compared": len(res.funnel.flag) if res.funnel is not None else None,
        })
    out = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("periods in window", "periods with data", "areas outside limits",
                "areas compared"):
        out[col] = out[col].astype("Int64")
    for col in ("value", "lower", "upper", "month value", "quarter value"):
        out[col] = out[col].astype(float)
    return out
