"""The measures specification: reading (TOML, or YAML when PyYAML is installed) and checking.

A specification lists the measures of a performance report.  Problems in one measure (an
unknown kind, a target outside the measure's range, a misspelt setting) never stop the others:
each becomes an :class:`Issue` listed in the report's "data issues" section, and the measure
is left out or analysed without the faulty setting.  See ``specs/default.toml`` for a full
example.
"""
from __future__ import annotations

import dataclasses
import math
import os
import re
import sys
from importlib import resources
from pathlib import Path

from ..spc_rules import CHARTS
from . import expr
from .issues import Issue
from .kinds import KINDS

DIRECTIONS = {"higher": "increase", "lower": "decrease"}
OVERDISPERSION = ("multiplicative", "additive", "none")
BUNDLED = {"default": "default.toml", "policeuk": "policeuk.toml"}
MAX_BYTES = 10 * 2**20   # the size of a specification file
MAX_WINDOW = 1200        # months of the latest window (100 years)

# Settings a measure may have; any other name is reported and ignored.
MEASURE_KEYS = {"name", "source", "kind", "numerator", "denominator", "count", "population",
                "per", "filter", "period", "freq", "area", "area_label", "target", "direction",
                "unit", "weight", "latest", "chart", "overdispersion", "duration", "open",
                "target_days", "description", "decimals", "label", "cases", "population_by",
                "rebase", "area_filter", "similar"}
TOP_KEYS = {"title", "subtitle", "latest", "levels", "sources", "measure", "measures", "note",
            "force", "areas", "as_at", "area_share", "min_area_kept", "min_months", "max_gap",
            "quarters", "similar_groups"}
QUARTERS = {"calendar": 1, "financial": 4}   # the month each year of quarters starts
SOURCE_KEYS = {"sample", "path", "policeuk", "populations", "note"}
# Defaults of the soundness thresholds (settings of the same names).
AREA_SHARE = 0.02     # a local authority is the force's when it holds this share of its records
MIN_AREA_KEPT = 0.5   # an area filter keeping less of a measure's records leaves it unreported
MIN_MONTHS = 0.5      # a latest value resting on less of its window's months is not reported
MAX_GAP = 2           # more periods without data in a row break the series


@dataclasses.dataclass(frozen=True)
class Measure:
    """One measure of the report, checked.  See the module docstring of the default spec."""

    name: str
    source: str
    kind: str
    numerator: str | None = None
    denominator: str | None = None
    filter: str | None = None
    period: str = "month"
    freq: str | None = None
    area: str | None = None
    area_label: str = "area"
    target: float | None = None
    direction: str | None = None
    unit: str = ""
    per: float | None = None
    weight: str | None = None
    latest: str = "12 months"
    chart: str | None = None
    overdispersion: str = "multiplicative"
    duration: str | None = None
    open: str | None = None
    target_days: float | None = None
    description: str = ""
    decimals: int = 1
    label: str = ""
    cases: str = "cases"
    population_by: tuple | None = None   # rates: the columns whose values each have one population
    rebase: tuple = ()                   # periods from which the SPC limits are recalculated
    area_filter: str | None = None       # the rows in the force's areas (see min_area_kept)
    as_at: object = None                 # the last month reported (a monthly Period), or None
    min_area_kept: float = MIN_AREA_KEPT
    min_months: float = MIN_MONTHS
    max_gap: int = MAX_GAP
    year_start: int = 1                  # 1: calendar quarters and years; 4: UK financial
    similar: str | None = None           # the column naming each row's force (see .similar)

    @property
    def noun(self) -> str:
        """The measure as it is named inside a sentence (``label``, else the name)."""
        text = self.label or self.name
        return text if text[:2].isupper() or text[:1].isdigit() else text[:1].lower() + text[1:]

    @property
    def measure_kind(self):
        """The kind of the measure (:data:`scrutiny.report.kinds.KINDS`): what differs between
        proportions, rates, counts and waits."""
        return KINDS[self.kind]

    @property
    def latest_months(self) -> int:
        """The months of the latest window ("12 months" -> 12, "quarter" -> 3)."""
        return _window_months(self.latest)

    @property
    def aligned(self) -> int:
        """The months a latest window of whole quarters or years is aligned to (3 or 12, by
        ``year_start``), or 0 for a rolling window of months ("12 months")."""
        match = re.fullmatch(r"\s*(?:\d+\s+)?(quarter|year)s?\s*", str(self.latest).lower())
        return 0 if not match else (3 if match.group(1) == "quarter" else 12)

    @property
    def improvement(self) -> str | None:
        """The SPC ``improvement`` argument: "increase", "decrease" or None."""
        return DIRECTIONS.get(self.direction) if self.direction else None

    def columns(self) -> set[str]:
        """Every column the measure reads."""
        used = {self.period} | ({self.area} if self.area else set())
        used |= {self.weight, self.duration, self.open, self.similar} - {None}
        used |= set(self.population_by or ())
        for text, what in ((self.filter, "filter"), (self.area_filter, "area_filter")):
            if text is not None:
                used |= expr.columns(text, what)
        return used | self.measure_kind.columns(self)


@dataclasses.dataclass(frozen=True)
class Spec:
    """A checked specification: report settings, data sources, measures and the issues found."""

    title: str
    subtitle: str
    measures: tuple
    sources: dict
    levels: tuple
    base: Path
    issues: tuple
    origin: str
    note: str = ""
    force: str | None = None        # the force of data.police.uk sources (None: from the files)
    areas: tuple | None = None      # its local authorities (None: from the files)
    area_share: float = AREA_SHARE
    similar_groups: str | None = None   # the CSV of force -> most similar group (.similar)

    def for_force(self, force: str | None) -> "Spec":
        """The title, subtitle and note with ``{force}`` replaced by the force's name (as the
        data name it; "the force" when unknown)."""
        name = force or self.force or "the force"
        return dataclasses.replace(
            self, **{k: getattr(self, k).replace("{force}", name)
                     for k in ("title", "subtitle", "note")})

    def with_settings(self, **settings) -> "Spec":
        """This specification with top-level settings given on the command line (``force``,
        ``areas``, ``title``, ``as_at``, ``quarters``, ``similar_groups``; None leaves one as it
        is), checked as in a file."""
        given = {k: v for k, v in settings.items() if v is not None}
        if not given:
            return self
        issues: list = []
        top = _top_settings(given, issues)
        if issues:
            raise ValueError("; ".join(x.problem for x in issues))
        measures = tuple(dataclasses.replace(m, **{k: top[k] for k in ("as_at", "year_start")
                                                   if k in top})
                         for m in self.measures)
        fields = {k: top[k] for k in ("force", "areas", "similar_groups") if k in top}
        if "title" in given:
            fields["title"] = str(given["title"])
        return dataclasses.replace(self, measures=measures, **fields)


def _read_text_spec(text: str, suffix: str, origin: str) -> dict:
    if suffix in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise ValueError(f"spec: {origin} is YAML, which needs PyYAML (pip install pyyaml); "
                             "or write the specification in TOML") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            where = " ".join(str(exc).split())     # PyYAML's message spans several lines
            raise ValueError(f"spec: {origin} is not valid YAML ({where})") from None
    else:
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover (Python 3.10)
            import tomli as tomllib
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"spec: {origin} is not valid TOML ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"spec: {origin} must hold a table of settings with a list of measures")
    return data


def load_spec(spec=None) -> Spec:
    """Read and check a measures specification.

    Parameters
    ----------
    spec : str, path or dict, optional
        A TOML (``.toml``) or YAML (``.yaml``, ``.yml``; needs PyYAML) file, the name of a
        specification shipped with scrutiny (``"default"``: every priority measure on the
        bundled synthetic data; ``"policeuk"``: recorded crime from data.police.uk street
        files), or the settings as a dict.  Default ``"default"``.

    Returns
    -------
    Spec
        The checked measures; ``issues`` lists every problem found (the measure concerned is
        left out or analysed without the faulty setting).

    Raises
    ------
    ValueError
        If the file cannot be read as a specification at all (the message says why).

    Examples
    --------
    >>> from scrutiny.report import load_spec
    >>> spec = load_spec()
    >>> spec.measures[0].kind
    'proportion'
    """
    if spec is None:
        spec = "default"
    if isinstance(spec, dict):
        return check(spec, base=Path.cwd(), origin="the settings given")
    if not isinstance(spec, (str, os.PathLike)):
        raise TypeError(f"spec must be a file path, a bundled name or a dict (got {type(spec).__name__})")
    if isinstance(spec, str) and spec in BUNDLED:
        text = resources.files("scrutiny.report").joinpath("specs", BUNDLED[spec]).read_text("utf-8")
        data = _read_text_spec(text, ".toml", f"the bundled {spec!r} specification")
        return check(data, base=Path.cwd(), origin=f"bundled:{spec}")
    path = Path(spec).expanduser()
    if not path.is_file():
        names = ", ".join(repr(n) for n in BUNDLED)
        raise ValueError(f"spec: no file {str(path)!r} (or give a bundled specification: {names})")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ValueError(f"spec: {str(path)!r} has {path.stat().st_size:,} bytes; a "
                             f"specification has at most {MAX_BYTES:,}")
        text = path.read_text(encoding="utf-8-sig")   # a byte-order mark is allowed
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"spec: cannot read {str(path)!r} ({exc})") from None
    data = _read_text_spec(text, path.suffix.lower(), repr(str(path)))
    return check(data, base=path.resolve().parent, origin=str(path))


def check(data: dict, base: Path, origin: str) -> Spec:
    """Check the settings of a specification; every problem becomes an Issue."""
    issues: list[Issue] = []
    for key in sorted(set(data) - TOP_KEYS):
        issues.append(Issue("(specification)", f"unknown setting {key!r}", "ignored"))
    latest = data.get("latest", "12 months")
    if _window_months(latest) is None:
        issues.append(Issue("(specification)", f"latest = {latest!r} is not a period such as "
                            "'12 months', 'quarter' or 'month' (up to 100 years)",
                            "the latest 12 months are used"))
        latest = "12 months"
    levels = _levels(data.get("levels", (0.95, 0.998)), issues)
    sources = _sources(data.get("sources", {}), issues)
    top = _top_settings(data, issues)
    shared = {k: top[k] for k in ("as_at", "min_area_kept", "min_months", "max_gap",
                                  "year_start") if k in top}
    raw = data.get("measure", data.get("measures", []))
    if isinstance(raw, dict):
        raw = [dict(raw[name], name=raw[name].get("name", name)) if isinstance(raw[name], dict)
               else raw[name] for name in raw]
    if not isinstance(raw, list):
        issues.append(Issue("(specification)", "measures must be a list of tables ([[measure]])",
                            "no measure could be read"))
        raw = []
    measures, seen = [], set()
    for i, entry in enumerate(raw):
        m = _measure(entry, i, latest, issues)
        if m is None:
            continue
        m = dataclasses.replace(m, **shared)
        if m.name in seen:
            issues.append(Issue(m.name, "two measures have this name", "the second is left out"))
            continue
        seen.add(m.name)
        measures.append(m)
    if not raw:
        issues.append(Issue("(specification)", f"{origin} lists no measures", "nothing to analyse"))
    return Spec(title=str(data.get("title", "Performance report")),
                subtitle=str(data.get("subtitle", "")), measures=tuple(measures),
                sources=sources, levels=levels, base=base, issues=tuple(issues), origin=origin,
                note=str(data.get("note", "")), force=top.get("force"), areas=top.get("areas"),
                area_share=top.get("area_share", AREA_SHARE),
                similar_groups=top.get("similar_groups"))


def _top_settings(data: dict, issues: list) -> dict:
    """The force, its areas, the as-at month and the soundness thresholds, checked (a faulty
    one is reported and left at its default)."""
    import pandas as pd

    out: dict = {}
    if data.get("force") is not None:
        out["force"] = str(data["force"]).strip()
    groups = data.get("similar_groups")
    if groups is not None:
        if isinstance(groups, (str, os.PathLike)) and str(groups).strip():
            out["similar_groups"] = str(groups).strip()
        else:
            issues.append(Issue("(specification)", f"similar_groups = {groups!r} must name a "
                                "CSV file of force and group", "no most similar group compared"))
    areas = data.get("areas")
    if areas is not None:
        items = areas.split(",") if isinstance(areas, str) else areas
        if isinstance(items, (list, tuple)) and all(isinstance(a, str) for a in items) \
                and any(a.strip() for a in items):
            out["areas"] = tuple(a.strip() for a in items if a.strip())
        else:
            issues.append(Issue("(specification)", f"areas = {areas!r} must list local "
                                "authorities (names separated by commas)",
                                "the areas are found from the files"))
    if data.get("as_at") is not None:
        try:
            out["as_at"] = pd.Period(str(data["as_at"]), freq="M")
        except (TypeError, ValueError):
            issues.append(Issue("(specification)", f"as_at = {data['as_at']!r} is not a month "
                                "such as '2024-04'", "every month of the data is used"))
    quarters = data.get("quarters")
    if quarters is not None:
        if quarters in QUARTERS:
            out["year_start"] = QUARTERS[quarters]
        else:
            issues.append(Issue("(specification)", f"quarters = {quarters!r} must be "
                                "'calendar' or 'financial' (April to March)",
                                "calendar quarters used"))
    gap = data.get("max_gap")
    if gap is not None:
        if isinstance(gap, int) and not isinstance(gap, bool) and 0 <= gap <= MAX_WINDOW:
            out["max_gap"] = gap
        else:
            issues.append(Issue("(specification)", f"max_gap = {gap!r} must be a whole number "
                                "of periods", f"{MAX_GAP} used"))
    for key, default in (("area_share", AREA_SHARE), ("min_area_kept", MIN_AREA_KEPT),
                         ("min_months", MIN_MONTHS)):
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
            out[key] = float(value)
        else:
            issues.append(Issue("(specification)", f"{key} = {value!r} must be a share "
                                "between 0 and 1", f"{default} used"))
    return out


def _levels(value, issues) -> tuple:
    try:
        levels = tuple(sorted(float(v) for v in value))
        if len(levels) == 2 and all(0 < v < 1 for v in levels) and levels[0] < levels[1]:
            return levels
    except (TypeError, ValueError):
        pass
    issues.append(Issue("(specification)", f"levels = {value!r} must be two confidence levels "
                        "between 0 and 1", "the usual 95 % and 99.8 % limits are used"))
    return (0.95, 0.998)


def _sources(value, issues) -> dict:
    if not isinstance(value, dict):
        issues.append(Issue("(specification)", "sources must be a table of named sources",
                            "ignored"))
        return {}
    out = {}
    for name, entry in value.items():
        if isinstance(entry, str):
            entry = {"path": entry}
        if not isinstance(entry, dict):
            issues.append(Issue("(specification)", f"source {name!r} must be a table such as "
                                "{path = 'file.csv'}", "left out"))
            continue
        for key in sorted(set(entry) - SOURCE_KEYS):
            issues.append(Issue("(specification)", f"source {name!r}: unknown setting {key!r}",
                                "ignored"))
        given = [k for k in ("sample", "path", "policeuk") if k in entry]
        if len(given) != 1:
            issues.append(Issue("(specification)", f"source {name!r} needs exactly one of "
                                "sample, path or policeuk", "left out"))
            continue
        out[str(name)] = {k: entry[k] for k in entry if k in SOURCE_KEYS}
    return out


def _window_months(text) -> int | None:
    """'12 months' -> 12, 'quarter' -> 3, 'month' -> 1, '2 quarters' -> 6, 'year' -> 12; None
    for anything else, or more than :data:`MAX_WINDOW` months."""
    if not isinstance(text, str):
        return None
    match = re.fullmatch(r"\s*(?:(\d{1,9})\s+)?(month|quarter|year)s?\s*", text.lower())
    if not match or (match.group(1) is not None and not 1 <= int(match.group(1)) <= MAX_WINDOW):
        return None
    size = {"month": 1, "quarter": 3, "year": 12}[match.group(2)]
    months = size * int(match.group(1) or 1)
    return months if months <= MAX_WINDOW else None


def _measure(entry, i: int, latest: str, issues) -> Measure | None:
    """One measure of the specification, checked; None (and the issue) when it cannot be
    analysed."""
    if not isinstance(entry, dict):
        issues.append(Issue(f"measure {i + 1}", "not a table of settings", "left out"))
        return None
    name = str(entry.get("name") or f"measure {i + 1}")
    for key in sorted(set(entry) - MEASURE_KEYS):
        issues.append(Issue(name, f"unknown setting {key!r}", "ignored"))
    try:
        fields = _essentials(entry, name, latest)
    except ValueError as exc:
        issues.append(Issue(name, str(exc), "measure not analysed"))
        return None
    kind = KINDS[fields["kind"]]
    fields.update(_optional(entry, name, latest, issues))
    per = _positive(entry.get("per"), "per", name, issues)
    fields["per"] = per if per is not None else kind.default_per
    fields["decimals"] = _decimals(entry.get("decimals"), name, issues)
    for key in kind.positive_settings:
        fields[key] = _positive(entry.get(key), key, name, issues)
    fields["unit"] = str(entry.get("unit", kind.default_unit(fields["per"],
                                                              fields.get("target_days"))))
    fields["population_by"] = _population_by(entry.get("population_by"), kind, name, issues)
    fields["rebase"] = _rebase(entry.get("rebase"), name, issues)
    fields["target"] = _target(entry.get("target"), kind, name, fields.get("target_days"), issues)
    return Measure(**fields)


def _essentials(entry, name: str, latest: str) -> dict:
    """What a measure cannot go without: its kind, source, what it counts (the kind's
    inputs) and valid expressions.  Raises ValueError saying what is wrong."""
    kind = entry.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    if not entry.get("source"):
        raise ValueError("no source: name a bundled sample, a CSV or Parquet file, or a source "
                         "of [sources]")
    fields = {"name": name, "source": str(entry["source"]), "kind": kind, "latest": latest}
    # texts (the others keep the defaults of Measure)
    for key in ("description", "area_label", "label", "cases", "period"):
        if entry.get(key) is not None:
            fields[key] = str(entry[key])
    fields.update(KINDS[kind].inputs(entry))
    for key in ("filter", "area", "weight", "area_filter", "similar"):
        if entry.get(key) is not None:
            fields[key] = str(entry[key])
    for text, what in ((fields["numerator"], "numerator"), (fields.get("filter"), "filter"),
                       (fields.get("area_filter"), "area_filter"),
                       *KINDS[kind].expressions(fields)):
        if text is not None:
            expr.columns(text, what)
    return fields


def _optional(entry, name: str, latest: str, issues) -> dict:
    """The settings with a default: freq, latest, direction, chart and overdispersion (a
    faulty one is reported and the default used)."""
    fields = {}
    freq = entry.get("freq")
    if freq is not None and str(freq).upper()[:1] not in ("M", "Q"):
        issues.append(Issue(name, f"freq = {freq!r} must be 'M' (monthly) or 'Q' (quarterly)",
                            "the frequency is taken from the data"))
        freq = None
    fields["freq"] = None if freq is None else str(freq).upper()[:1]
    if "latest" in entry:
        if _window_months(entry["latest"]) is None:
            issues.append(Issue(name, f"latest = {entry['latest']!r} is not a period such as "
                                "'12 months' or 'quarter' (up to 100 years)", f"{latest} used"))
        else:
            fields["latest"] = str(entry["latest"])
    for key, allowed, consequence in (
            ("direction", tuple(DIRECTIONS), "no direction of improvement used"),
            ("chart", CHARTS, "the usual chart for the kind is used"),
            ("overdispersion", OVERDISPERSION, f"{Measure.overdispersion} used")):
        value = entry.get(key)
        if value is None:
            continue
        if value in allowed:
            fields[key] = value
        else:
            issues.append(Issue(name, f"{key} = {value!r} is not one of "
                                f"{', '.join(map(repr, allowed))}", consequence))
    return fields


def _decimals(value, name: str, issues) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 4:
        return value
    if value is not None:
        issues.append(Issue(name, f"decimals = {value!r} must be a whole number from 0 to 4",
                            f"{Measure.decimals} used"))
    return Measure.decimals


def _population_by(value, kind, name: str, issues) -> tuple | None:
    """``population_by``: a column name or a list of them (rates only)."""
    if value is None:
        return None
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, (list, tuple)) or not names or \
            not all(isinstance(v, str) and v for v in names):
        issues.append(Issue(name, f"population_by = {value!r} must be a column name or a list of "
                            "column names", "ignored"))
        return None
    if not kind.uses_population:
        issues.append(Issue(name, f"population_by applies to rates only (this is a {kind.name})",
                            "ignored"))
        return None
    return tuple(dict.fromkeys(names))


def _rebase(value, name: str, issues) -> tuple:
    """``rebase``: the months or quarters (``"2023-04"``, ``"2023 Q2"``, or TOML dates) from
    which the SPC limits are recalculated, after a known break in the series."""
    import datetime

    import pandas as pd

    if value is None:
        return ()
    items = [value] if isinstance(value, (str, datetime.date)) else value
    if not isinstance(items, (list, tuple)):
        issues.append(Issue(name, f"rebase = {value!r} must be a list of periods such as "
                            "['2023-04']", "the SPC limits are not recalculated"))
        return ()
    periods = set()
    for item in items:
        period = None
        if isinstance(item, datetime.date):
            period = pd.Period(item, freq="M")
        elif isinstance(item, str):
            text = re.sub(r"\s+", "", item).upper()
            quarter = re.fullmatch(r"(\d{4})-?Q([1-4])", text)
            month = re.fullmatch(r"\d{4}-\d{1,2}(-\d{1,2})?", text)
            try:
                period = (pd.Period(f"{quarter[1]}Q{quarter[2]}", freq="Q") if quarter else
                          pd.Period(text, freq="M") if month else None)
            except ValueError:  # e.g. month 13
                period = None
        if period is None:
            issues.append(Issue(name, f"rebase: {item!r} is not a month or quarter (such as "
                                "'2023-04' or '2023 Q2')", "this break is left out"))
        else:
            periods.add(period)
    return tuple(sorted(periods, key=lambda p: p.start_time))


def _positive(value, key, name, issues):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value <= 0:
        issues.append(Issue(name, f"{key} = {value!r} must be a positive number", "ignored"))
        return None
    return float(value)


def _target(value, kind, name: str, days, issues) -> float | None:
    """The target, checked against the range of the measure's kind."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        issues.append(Issue(name, f"target = {value!r} is not a number",
                            "analysed without a target"))
        return None
    problem = kind.target_problem(float(value), days)
    if problem is not None:
        issues.append(Issue(name, problem, "analysed without a target"))
        return None
    return float(value)
