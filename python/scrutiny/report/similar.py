"""The force beside its most similar group of forces (the Home Office's Most Similar Groups).

The groups come from a CSV file supplied by the user (none is shipped): one row per force, with
a column ``force`` and a column ``group`` (or just two columns, force first), named by
``similar_groups`` in the specification or ``--similar-groups`` on the command line.  Force
names are matched without regard to case, punctuation or the words "police",
"constabulary" and "service" ("West Mercia" finds "West Mercia Police" and "west-mercia").

A measure is compared across forces when its source holds several forces: its ``similar``
setting names the column of each row's force, or the source has a ``Falls within`` column
naming more than one force.  Its own analysis then uses the rows of the report's force only
(``force``, ``--force``), and this comparison the rows of every force of its group, over the
latest window of the force's own analysis, totalled as the measure's areas are
(:func:`scrutiny.report.aggregate.tabulate`, the force column as the area):

* each member's value with its 95% interval (the measure kind's: Wilson for proportions, exact
  Poisson for rates);
* a funnel plot of the group (:func:`scrutiny.funnel`, as the areas' funnel, overall value of
  the group as the centre) with the force marked;
* the force's rank with a 95% interval, from 10,000 seeded draws of every member's value from
  its sampling distribution (Jeffreys posteriors: Beta(x + 1/2, n - x + 1/2) for a proportion
  on its (effective) counts, Gamma(x + 1/2) / exposure for a rate), ranking the members in
  each draw (Marshall & Spiegelhalter 1998; Goldstein & Spiegelhalter 1996).  Rank 1 is the
  best value when the measure has a direction, else the highest.

Problems (no groups file, the force not in it, a member absent from the data, a kind without a
denominator) are data issues or notes; the comparison is then left out.
"""
from __future__ import annotations

import dataclasses
import re

import numpy as np

from .. import _narrative as _n
from .. import disparity
from . import aggregate, words
from .issues import Issue, MeasureDataError, SourceError

__all__ = ["Groups", "Similar", "read_groups", "force_column", "own_rows", "analyse",
           "rank_interval", "ordinal"]

DRAWS = 10_000
SEED = 20240401
WHERE = "(most similar groups)"
AUTO_COLUMNS = ("Falls within", "falls_within")   # a force column found without ``similar``
ANALYSIS = "most similar group"
_NOISE = re.compile(r"\b(police|constabulary|service|force)\b")


def key(name) -> str:
    """A force's name for matching: "West Mercia Police", "west-mercia" -> "west mercia";
    "Devon & Cornwall" -> "devon and cornwall"."""
    text = str(name).casefold().replace("&", " and ")
    text = re.sub(r"[^\w]+|_", " ", text)
    return " ".join(_NOISE.sub(" ", text).split())


@dataclasses.dataclass(frozen=True)
class Groups:
    """The most similar groups read from ``path``: ``group`` maps a force's :func:`key` to its
    group, ``names`` the key to the force's name as the file writes it."""

    path: str
    group: dict
    names: dict

    def group_of(self, force) -> str | None:
        return self.group.get(key(force))

    def members(self, group: str) -> list:
        """The forces of ``group`` as the file names them, in its order."""
        return [self.names[k] for k, g in self.group.items() if g == group]


def read_groups(path, issues: list) -> Groups | None:
    """Read the CSV of force -> group; a problem is a data issue and gives None."""
    import pandas as pd

    def fail(problem):
        issues.append(Issue(WHERE, problem, "no comparison with the most similar group"))

    if path is None:
        return None
    try:
        frame = pd.read_csv(path, dtype=str, skipinitialspace=True)
    except FileNotFoundError:
        return fail(f"no file {str(path)!r} of most similar groups")
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        return fail(f"cannot read {str(path)!r} as a CSV of force and group ({exc})")
    cols = {str(c).strip().casefold(): c for c in frame.columns}
    if "force" in cols and "group" in cols:
        force, group = frame[cols["force"]], frame[cols["group"]]
    elif frame.shape[1] == 2:
        force, group = frame.iloc[:, 0], frame.iloc[:, 1]
    else:
        return fail(f"{str(path)!r} needs a column 'force' and a column 'group' (columns: "
                    f"{', '.join(map(str, frame.columns))})")
    ok = force.notna() & group.notna() & (force.str.strip() != "") & (group.str.strip() != "")
    if not ok.any():
        return fail(f"{str(path)!r} names no force with a group")
    out, names = {}, {}
    for f, g in zip(force[ok].str.strip(), group[ok].str.strip()):
        k = key(f)
        if k in out and out[k] != g:
            issues.append(Issue(WHERE, f"{f} is in two groups in {str(path)!r} ({out[k]} and "
                                f"{g})", f"group {out[k]} used"))
            continue
        out.setdefault(k, g)
        names.setdefault(k, f)
    return Groups(path=str(path), group=out, names=names)


def find(values, wanted) -> list:
    """The values naming force ``wanted``: by :func:`key`, else those whose key holds it."""
    k = key(wanted)
    exact = [v for v in values if key(v) == k]
    return exact or [v for v in values if k and k in key(v)]


def force_column(m, frame) -> str | None:
    """The column naming each row's force: the measure's ``similar`` setting, else a ``Falls
    within`` column naming several forces, else None (a source of one force)."""
    if m.similar is not None:
        return m.similar
    for column in AUTO_COLUMNS:
        if column in frame.columns and frame[column].nunique() > 1:
            return column
    return None


def own_rows(frame, column: str, force):
    """The rows of ``force`` (a copy) and its name as the data write it; raises SourceError
    when the force is not given or matches no force, or several, of the data."""
    if column not in frame.columns:
        raise MeasureDataError(f"no column {column!r} (similar) in the data (columns: "
                               f"{', '.join(map(str, frame.columns))})")
    counts = frame[column].value_counts()
    listed = ", ".join(f"{f} ({n:,} rows)" for f, n in counts.head(8).items()) + (
        f" and {len(counts) - 8} more" if len(counts) > 8 else "")
    if force is None:
        raise SourceError(f"the data hold {len(counts)} forces in {column!r} ({listed}): "
                          "choose one with --force (or force = in the specification)")
    match = find(list(counts.index), force)
    if len(match) != 1:
        what = "matches no force" if not match else f"matches {len(match)} forces"
        raise SourceError(f"force {force!r} {what} of {column!r} ({listed})")
    return frame[(frame[column] == match[0]).to_numpy()], str(match[0])


@dataclasses.dataclass(frozen=True)
class Similar:
    """The force beside its most similar group over the latest window.

    Attributes
    ----------
    force, group, window : str
        The force as the data name it, its group and the window compared.
    table : pandas.DataFrame
        One row per member with data (index: the member as the data name it): ``value``,
        ``lower``, ``upper`` (the 95% CI), ``x`` and ``n`` (the totals), ``months`` (periods
        of the window with data), ``funnel`` (its flag, when a funnel was drawn).
    funnel : FunnelResult or None
        The funnel plot of the group (3 members with data or more).
    rank, rank_lower, rank_upper : int
        The force's rank (1 = best, or highest without a direction) and its 95% interval.
    best : str
        What rank 1 is, in words ("the lowest").
    text : str
        The finding in plain words.
    figure : tuple or None
        (title, data URI, alternative text) of the funnel chart, once drawn.
    """

    force: str
    group: str
    window: str
    table: object
    funnel: object
    rank: int
    rank_lower: int
    rank_upper: int
    best: str
    text: str
    figure: tuple | None = None


def ordinal(k: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    k = int(k)
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _order(m) -> tuple[float, str]:
    """+1 when rank 1 is the highest value, -1 when the lowest; and rank 1 in words."""
    return (-1.0, "the lowest") if m.direction == "lower" else (1.0, "the highest")


def ranks(values, sign: float) -> np.ndarray:
    """Ranks along the last axis, 1 = the highest of ``sign * values`` (ties: the best rank
    they share)."""
    v = sign * np.asarray(values, dtype=float)
    return 1 + (v[..., None, :] > v[..., :, None]).sum(axis=-1)


def draws(kind: str, x, n, size: int = DRAWS, seed: int = SEED) -> np.ndarray:
    """``size`` draws of each unit's value (columns) from its Jeffreys posterior: Beta(x +
    1/2, n - x + 1/2) for proportions, Gamma(x + 1/2) / n for rates (per unit of ``n``)."""
    rng = np.random.default_rng(seed)
    x, n = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    if kind == "proportion":
        return rng.beta(x + 0.5, n - x + 0.5, size=(size, x.size))
    return rng.gamma(x + 0.5, size=(size, x.size)) / n


def rank_interval(kind: str, x, n, i: int, sign: float = 1.0, conf: float = words.CONF,
                  size: int = DRAWS, seed: int = SEED) -> tuple[int, int, int]:
    """The rank of unit ``i`` by its estimate x / n (1 = highest of ``sign`` times the value)
    and the central ``conf`` interval of its rank over ``size`` draws of every unit's value
    (:func:`draws`); the interval always holds the rank of the estimates."""
    x, n = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    rank = int(ranks(x / n, sign)[i])
    sim = draws(kind, x, n, size, seed)
    s = sign * sim
    r = 1 + (s > s[:, [i]]).sum(axis=1)
    tail = (1 - conf) / 2
    lower = int(np.quantile(r, tail, method="lower"))
    upper = int(np.quantile(r, 1 - tail, method="higher"))
    return rank, min(lower, rank), max(upper, rank)


METHOD = {"proportion": "Wilson score interval (as R prop.test(correct = FALSE))",
          "rate": "exact Poisson interval (Garwood)"}


def _once(issues: list, issue: Issue) -> None:
    if issue not in issues:
        issues.append(issue)


def _members(m, values, force: str, group: str, groups: Groups, issues: list) -> list:
    """The values of the force column naming the members of ``group``, the force first; a
    member without rows is a data issue."""
    found = [force]
    for name in groups.members(group):
        match = find(values, name)
        if not match:
            issues.append(Issue(m.name, f"{name}, of the most similar group {group!r} of "
                                f"{force}, has no rows in the data", "left out of the "
                                "comparison with the most similar group"))
        elif len(match) > 1:
            issues.append(Issue(m.name, f"{name}, of the most similar group {group!r} of "
                                f"{force}, matches {len(match)} forces of the data "
                                f"({_n.listing(match)})", "left out of the comparison"))
        elif match[0] not in found:
            found.append(match[0])
    return found


def analyse(m, frame, column: str, force: str, groups: Groups | None, span, out, levels,
            issues: list) -> Similar | None:
    """Compare ``force`` with its most similar group on measure ``m`` over the latest window
    ``span`` of the force's analysis (see the module docstring); None when it cannot be (the
    issue says why).  ``frame`` holds the rows of every force, named in ``column``."""
    kind = m.measure_kind
    if groups is None:
        _once(issues, Issue(WHERE, "measures can be compared across forces, but no file of "
                            "most similar groups was given (similar_groups = in the "
                            "specification, or --similar-groups)", "no comparison with the "
                            "most similar group", note=True))
        return None
    if span is None:
        return None
    if kind.funnel_kind is None:
        issues.append(Issue(m.name, f"a {kind.name} has no denominator, so forces of "
                            "different sizes cannot be compared", "not compared with the most "
                            "similar group", note=True))
        return None
    group = groups.group_of(force)
    if group is None:
        _once(issues, Issue(WHERE, f"{force} is not in {groups.path!r}",
                            "no comparison with the most similar group"))
        return None
    values = [str(v) for v in frame[column].dropna().unique()]
    members = _members(m, values, force, group, groups, issues)
    rows = frame[frame[column].astype(str).isin(members).to_numpy()]
    group_m = dataclasses.replace(m, area=column, area_label="force", rebase=())
    # the problems of the rows are those of the force's own analysis, reported there
    table = aggregate.tabulate(rows, group_m, [])
    latest = table.areas[table.areas.index.get_level_values("period").isin(span.latest)]
    totals = latest.groupby(level="area").sum()
    months = latest.groupby(level="area").size()
    have = [a for a in members if a in totals.index and totals.loc[a, "n"] > 0]
    for a in members:
        if a not in have:
            issues.append(Issue(m.name, f"{a}, of the most similar group {group!r}, has no "
                                f"data in {span.text}", "left out of the comparison"))
        elif months[a] < span.present:
            issues.append(Issue(m.name, f"{a}, of the most similar group {group!r}, has data "
                                f"for {months[a]} of the {span.present} {span.unit}s of "
                                f"{span.text} with data for {force}",
                                "compared over the months it has", note=True))
    if force not in have or len(have) < 2:
        issues.append(Issue(m.name, f"fewer than two forces of the most similar group "
                            f"{group!r} have data in {span.text}", "not compared", note=True))
        return None
    totals = totals.loc[have]
    x, n = totals["x"].to_numpy(dtype=float), totals["n"].to_numpy(dtype=float)
    w2 = totals["w2"].to_numpy(dtype=float) if "w2" in totals else np.zeros(len(have))
    table_out = _table(m, kind, have, x, n, w2, months)
    xr, nr = kind.counts(m, x, n, w2)
    funnel = None
    if len(have) >= 3:
        over = None if m.overdispersion == "none" else m.overdispersion
        funnel = disparity.funnel(xr, nr, kind=kind.funnel_kind,
                                  target=x.sum() / n.sum() if m.weight else None,
                                  levels=levels, overdispersion=over, labels=list(have))
        table_out["funnel"] = list(funnel.flag)
        out.method("funnel")
    sign, best = _order(m)
    rank, low, high = rank_interval(kind.funnel_kind, xr, nr, 0, sign)
    overall = kind.value(m, x.sum(), n.sum())
    text = _text(m, kind, force, group, span, table_out, funnel, (rank, low, high), best,
                 overall)
    _rows(m, out, force, group, span, table_out, (rank, low, high), best)
    out.method("similar")
    return Similar(force=force, group=group, window=span.text, table=table_out, funnel=funnel,
                   rank=rank, rank_lower=low, rank_upper=high, best=best, text=text)


def _table(m, kind, have, x, n, w2, months):
    import pandas as pd

    lower, upper = kind.area_interval(m, x, n, w2)
    return pd.DataFrame({"value": [kind.value(m, a, b) for a, b in zip(x, n)],
                         "lower": lower, "upper": upper, "x": x, "n": n,
                         "months": months.reindex(have).to_numpy()},
                        index=pd.Index(have, name="force"))


def _text(m, kind, force, group, span, table, funnel, rank, best, overall) -> str:
    """The finding: the rank with its interval, the value beside the group's, the funnel."""
    k = len(table)
    fmt = kind.bare(m)
    own = table.iloc[0]
    ci = _n.interval(own["lower"], own["upper"], words.CONF, fmt)
    spread = (f"only {ordinal(rank[1])}" if rank[1] == rank[2] else
              f"{ordinal(rank[1])} to {ordinal(rank[2])}")
    lines = [f"{force} ranks {ordinal(rank[0])} of {k} in its most similar group ({group}) "
             f"for {kind.the(m)} in {span.text} (95% interval {spread}; 1st is {best}): "
             f"{kind.format(own['value'], m)} ({ci}), against "
             f"{kind.format(overall, m)} for the group as a whole."]
    if funnel is not None:
        flag = str(funnel.flag[0])
        where = ("within the limits of the group's funnel" if flag == "within" else
                 f"{'above' if flag.startswith('high') else 'below'} the "
                 f"{flag.split('(')[-1].rstrip(')')} limit of the group's funnel")
        others = [a for a, f in zip(table.index[1:], funnel.flag[1:]) if f != "within"]
        lines.append(f"It lies {where}" + (f"; outside the limits too: {_n.listing(others)}."
                                            if others else "."))
    return " ".join(lines)


def _rows(m, out, force, group, span, table, rank, best) -> None:
    method = METHOD[m.measure_kind.funnel_kind] + (
        " on the Kish effective sample size" if m.weight else "")
    for name, row in table.iterrows():
        note = [f"group {group}"] + (["the force"] if name == force else []) + (
            [f"{int(row['months'])} of {span.present} {span.unit}s with data"]
            if row["months"] < span.present else [])
        out.add(name, ANALYSIS, "value", row["value"], row["lower"], row["upper"],
                flag=str(row.get("funnel", "")), period=span.text, method=method,
                note="; ".join(note))
    out.add(force, ANALYSIS, "rank", rank[0], rank[1], rank[2], period=span.text,
            unit=f"rank of {len(table)} (1 = {best} value)",
            method=f"95% interval from {DRAWS:,} draws of every member's value (Jeffreys "
                   f"posterior), seed {SEED}", note=f"group {group}")


def chart(sim: Similar, m) -> tuple:
    """The funnel plot of the group with the force marked: (title, data URI, alternative
    text)."""
    from . import charts

    fig = charts._figure()
    ax = fig.subplots()
    f = sim.funnel
    f.plot(ax=ax)
    i = list(sim.table.index).index(sim.force)
    ax.scatter([f.denominator[i]], [f.value[i]], s=110, facecolors="none",
               edgecolors="#c0392b", linewidths=2.0, zorder=6, label=sim.force)
    ax.annotate(sim.force, (f.denominator[i], f.value[i]), xytext=(6, -12),
                textcoords="offset points", fontsize=8, color="#c0392b")
    handles, labels = ax.get_legend_handles_labels()
    fig.subplots_adjust(right=0.74)
    ax.legend(handles, [label.split(" (")[0] for label in labels], fontsize=7, frameon=False,
              loc="upper left", bbox_to_anchor=(1.01, 1.0))
    charts._value_axis(ax, m, scale_rate=f.kind == "rate", proportion=f.kind == "proportion")
    ax.set_xlabel("denominator (latest window)" if f.kind == "proportion" else
                  "person-years (latest window)")
    ax.set_title(f"{m.name}: most similar group {sim.group}, {sim.window}", fontsize=10,
                 loc="left")
    title = f"Funnel plot of the most similar group ({sim.group})"
    return (title, charts._png(fig),
            f"Funnel plot of {m.noun} in the most similar group {sim.group}, "
            f"{sim.force} marked: ranked {ordinal(sim.rank)} of {len(sim.table)}")
