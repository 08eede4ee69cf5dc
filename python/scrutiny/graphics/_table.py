"""The numbers-at-risk table drawn under a Kaplan-Meier chart's time axis."""
from __future__ import annotations

import numpy as np

FONTSIZE = 8
ROW_HEIGHT = 11.0     # points between rows of the table
HEADER_GAP = 4.0      # points between the tick labels and the table's first row


def at_risk(time, n_risk, at) -> np.ndarray:
    """Cases still waiting (and followed) at each time in ``at``, from a full Kaplan-Meier
    curve (every distinct ``time`` with its ``n_risk``): the count at the first curve time at
    or after it, as R ``summary(fit, times =)$n.risk``; 0 beyond the last time."""
    time = np.asarray(time, dtype=float)
    n_risk = np.asarray(n_risk, dtype=float)
    k = np.searchsorted(time, np.asarray(at, dtype=float), side="left")
    return np.where(k < time.size, n_risk[np.minimum(k, time.size - 1)], 0.0).astype(int)


def _below_ticks(ax) -> float:
    """Points from the bottom of the Axes to the bottom of its x tick labels (tick length,
    padding and a line of the labels' font), fixed once so the table costs no layout work
    when drawn."""
    ticks = ax.xaxis.get_major_ticks()
    if not ticks:
        return 0.0
    tick = ticks[0]
    return tick.get_tick_padding() + 1.25 * tick.label1.get_fontsize()


def draw_at_risk(ax, times, rows, labels, colours, header: str = "Number at risk"):
    """Under the x tick labels of ``ax`` (as they are when it is called): a header and one row
    of counts per entry of ``rows`` (arrays over ``times``), each named by its label at the
    left in its colour (the counts of row i carry the gid ``"at risk i"``).  The axis label is
    moved below the table.  Returns the Text artists of the table."""
    top = -(_below_ticks(ax) + HEADER_GAP)
    texts = [ax.annotate(header, (0.0, 0.0), xycoords="axes fraction",
                         xytext=(0, top), textcoords="offset points", ha="left",
                         va="top", fontsize=FONTSIZE, fontweight="bold", annotation_clip=False)]
    # the row names end clear of the widest count centred on the first tick (about 0.6 em a
    # digit)
    first = max((len(f"{int(row[0]):,}") for row in rows if len(row)), default=1)
    left = -(0.3 * FONTSIZE * first + 6)
    for r, (row, label, colour) in enumerate(zip(rows, labels, colours), start=1):
        y = top - r * ROW_HEIGHT
        for t, n in zip(times, row):
            texts.append(ax.annotate(f"{int(n):,}", (t, 0.0), xycoords=("data", "axes fraction"),
                                     xytext=(0, y), textcoords="offset points", ha="center",
                                     va="top", fontsize=FONTSIZE, color=colour,
                                     annotation_clip=False, gid=f"at risk {r - 1}"))
        if label:
            texts.append(ax.annotate(label, (0.0, 0.0), xycoords="axes fraction",
                                     xytext=(left, y), textcoords="offset points", ha="right",
                                     va="top", fontsize=FONTSIZE, color=colour,
                                     annotation_clip=False))
    ax.xaxis.labelpad = HEADER_GAP + (len(rows) + 1) * ROW_HEIGHT + 2
    return texts
