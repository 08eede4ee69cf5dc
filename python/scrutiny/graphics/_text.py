"""Room for text: unit labels placed clear of one another and of the points (with a leader line
when pushed away), the count of units left unnamed, notes at dates or units, and a title beside
badges that never overlap."""
from __future__ import annotations

import textwrap

import numpy as np

from ._base import FONT, PALETTE

# Offsets tried for a label, in points: nearest first, in eight directions.
_RADII = (4, 9, 16, 26, 38, 52)
_DIRECTIONS = ((1, 1), (-1, 1), (1, -1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1))
_LEADER = 14            # labels further than this from their point get a leader line


def renderer(fig):
    """The figure's renderer (its layout settled first when it has a layout engine)."""
    if fig.get_layout_engine() is not None:
        fig.draw_without_rendering()
    get = getattr(fig.canvas, "get_renderer", None)
    return get() if get is not None else fig._get_renderer()


def _overlaps(box, boxes) -> bool:
    return any(box.overlaps(b) for b in boxes)


def place_labels(ax, x, y, texts, points=None, avoid=(), fontsize=FONT["note"]) -> list:
    """Name the points (``x``, ``y``) with ``texts``, each at the nearest offset where it lies
    inside the Axes, clear of the labels already placed, of the boxes ``avoid`` and of the
    points (``points``: (xs, ys) of every point drawn, default the labelled ones).  A label
    with no room is left out.  Returns the annotations placed."""
    from matplotlib.transforms import Bbox

    if not len(texts):
        return []
    r = renderer(ax.figure)
    ax.get_xlim(), ax.get_ylim()           # the limits brought up to date with what is drawn
    frame = ax.get_window_extent(r)
    px, py = (x, y) if points is None else points
    dots = ax.transData.transform(np.column_stack([np.asarray(px, float), np.asarray(py, float)]))
    dots = dots[np.isfinite(dots).all(axis=1)]
    scale = ax.figure.dpi / 72.0                # pixels per point
    reach = 4.0 * scale                         # a marker's radius, in pixels
    placed, out = list(avoid), []
    if ax.get_legend() is not None:             # a legend inside the Axes is kept clear
        placed.append(ax.get_legend().get_window_extent(r))
    for xi, yi, text in zip(x, y, texts):
        if not (np.isfinite(xi) and np.isfinite(yi)):
            continue
        ann = ax.annotate(str(text), (xi, yi), xytext=(0, 0), textcoords="offset points",
                          fontsize=fontsize, zorder=5, ha="left", va="bottom")
        size = ann.get_window_extent(r)         # measured once: only the offset changes
        w, h = size.width, size.height
        own = ax.transData.transform((xi, yi))
        others = dots[np.hypot(*(dots - own).T) > 0.5]
        spot = None
        for radius in _RADII:
            for dx, dy in _DIRECTIONS:
                x0 = own[0] + dx * radius * scale - (0.0 if dx > 0 else w if dx < 0 else w / 2)
                y0 = own[1] + dy * radius * scale - (0.0 if dy > 0 else h if dy < 0 else h / 2)
                box = Bbox.from_bounds(x0, y0, w, h)
                if not (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0
                        and box.y1 <= frame.y1):
                    continue
                inside = ((others[:, 0] > x0 - reach) & (others[:, 0] < x0 + w + reach)
                          & (others[:, 1] > y0 - reach) & (others[:, 1] < y0 + h + reach))
                if inside.any() or _overlaps(box.expanded(1.04, 1.1), placed):
                    continue
                spot = (dx * radius, dy * radius, box, radius)
                break
            if spot is not None:
                break
        ann.remove()
        if spot is None:
            continue
        ox, oy, box, radius = spot
        leader = ({"arrowstyle": "-", "color": PALETTE["observed"], "linewidth": 0.6,
                   "shrinkA": 0, "shrinkB": 3} if radius >= _LEADER else None)
        final = ax.annotate(str(text), (xi, yi), xytext=(ox, oy), textcoords="offset points",
                            fontsize=fontsize, zorder=5, arrowprops=leader,
                            ha="left" if ox > 0 else "right" if ox < 0 else "center",
                            va="bottom" if oy > 0 else "top" if oy < 0 else "center")
        placed.append(box)
        out.append(final)
    return out


def more_note(ax, k: int, noun: str = "units") -> None:
    """An entry of the legend saying how many units are not named ("and 5 more units")."""
    if k > 0:
        ax.plot([], [], linestyle="none", label=f"and {k} more {noun} not named")


def heading(ax, title: str | None, badges=()) -> list:
    """The title above the Axes (at the left when there are badges) and ``badges`` ((text,
    colour) pairs, e.g. the SPC variation and assurance) at the right above it, outside the data
    area; the title is wrapped so that the two never meet.  Returns the badge texts."""
    r = renderer(ax.figure)
    width = ax.get_window_extent(r).width
    drawn, right = [], 0.0
    for text, colour in reversed(badges):
        b = ax.annotate(text, (1.0, 1.0), xycoords="axes fraction", xytext=(-right, 5),
                        textcoords="offset pixels", ha="right", va="bottom",
                        fontsize=FONT["note"], color="0.1",
                        bbox={"boxstyle": "round,pad=0.3", "facecolor": colour, "alpha": 0.25,
                              "edgecolor": colour})
        right += b.get_window_extent(r).width + 8
        drawn.insert(0, b)
    if title:
        room = width - right - 12
        t = ax.set_title(title, loc="left" if badges else "center", fontsize=FONT["title"],
                         pad=8 if badges else 6)
        chars = len(title)
        while chars > 12 and t.get_window_extent(r).width > room:
            chars = int(chars * 0.85)
            t.set_text(textwrap.fill(title, chars))
    return drawn


def label_units(ax, x, y, texts, more: int, points, noun: str, draw_legend,
                title: str | None = None) -> list:
    """Name units (see :func:`place_labels`) after the legend (``draw_legend()``) and the
    ``title`` (when given) are drawn, so that the layout is settled; the units left out,
    ``more`` plus those with no room, are counted in the legend.  Returns the annotations
    placed."""
    def frame():
        draw_legend()
        if title is not None:
            heading(ax, title)

    if more:
        more_note(ax, more, noun)
    frame()
    placed = place_labels(ax, x, y, texts, points)
    dropped = len(texts) - len(placed)
    if not dropped:
        return placed
    if not more:                 # a new legend entry: the layout changes, so place again
        for a in placed:
            a.remove()
        more_note(ax, dropped, noun)
        frame()
        placed = place_labels(ax, x, y, texts, points)
    for t in ax.get_legend().get_texts():
        if t.get_text().startswith("and "):
            t.set_text(f"and {more + len(texts) - len(placed)} more {noun} not named")
    return placed


def unit_notes(ax, names, x, y, opts, where: str = "right") -> list:
    """The legend, then the notes of the options' ``annotate`` ({unit: text}) beside the units
    (``names``, at ``x``, ``y``).  Returns the annotations placed."""
    from ._base import legend, unit_positions

    idx = [int(unit_positions(names, k, "annotate")[0]) for k in opts.annotate]
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return label_units(ax, x[idx], y[idx], list(opts.annotate.values()), 0, (x, y), "notes",
                       lambda: legend(ax, where))
