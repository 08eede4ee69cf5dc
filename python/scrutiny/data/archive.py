"""A SYNTHETIC national archive of data.police.uk street files, for tests and benchmarks.

:func:`write_policeuk_archive` writes the folder layout of a data.police.uk download,
``YYYY-MM/YYYY-MM-<force>-street.csv``, for every force of England and Wales (the 43
territorial forces and British Transport Police, named as their records name them in ``Falls
within``).  Every record is invented: the LSOA codes are well-formed (``E01...``, ``W01...``)
but not the real ones, the LSOA names follow the published pattern ("Leeds 012C") over a few
real local authority names per force, and every count is drawn from a seeded model:

- volumes proportional to each force's size (about 7 million records a year at full scale);
- LSOAs in proportion to those volumes (35,672 at full scale, as in England and Wales);
- the 14 crime types of data.police.uk in their national shares, each with its own
  seasonality and national trend; anti-social behaviour has no crime ID and no outcome;
- outcomes in published categories, more often "Under investigation" in the latest months
  (outcomes are censored when the files are published); none for British Transport Police;
- planted trends (a steady rise or fall) and change points (a step up or down) in a share of
  the LSOA x crime type series, listed in the returned truth table;
- the quirks of the real files: records with no location and no LSOA, months missing for a
  force, crime IDs on more than one row, LSOA names holding commas (quoted).

Each file is drawn from its own random stream (seeded by ``seed``, the force and the month)
and written before the next is drawn, so memory is bounded by one file and the same seed
gives the same bytes.
"""
from __future__ import annotations

import binascii
import os
from pathlib import Path

import numpy as np

from .. import _validation as v

# slug, "Falls within", monthly records at full scale (about), local authorities
FORCES = (
    ("avon-and-somerset", "Avon and Somerset Constabulary", 14100,
     ("Bristol", "North Somerset", "Bath and North East Somerset", "South Gloucestershire",
      "Somerset")),
    ("bedfordshire", "Bedfordshire Police", 5100, ("Bedford", "Central Bedfordshire", "Luton")),
    ("cambridgeshire", "Cambridgeshire Constabulary", 6900,
     ("Cambridge", "Peterborough", "Huntingdonshire", "Fenland", "South Cambridgeshire")),
    ("cheshire", "Cheshire Constabulary", 7200,
     ("Cheshire East", "Cheshire West and Chester", "Halton", "Warrington")),
    ("city-of-london", "City of London Police", 730, ("City of London",)),
    ("cleveland", "Cleveland Police", 8000,
     ("Middlesbrough", "Hartlepool", "Redcar and Cleveland", "Stockton-on-Tees")),
    ("cumbria", "Cumbria Constabulary", 3600,
     ("Carlisle", "Allerdale", "Barrow-in-Furness", "South Lakeland")),
    ("derbyshire", "Derbyshire Constabulary", 9200,
     ("Derby", "Chesterfield", "Amber Valley", "Erewash", "High Peak")),
    ("devon-and-cornwall", "Devon & Cornwall Police", 10900,
     ("Plymouth", "Cornwall", "Exeter", "Torbay", "East Devon")),
    ("dorset", "Dorset Police", 5400, ("Bournemouth, Christchurch and Poole", "Dorset")),
    ("durham", "Durham Constabulary", 6400, ("County Durham", "Darlington")),
    ("dyfed-powys", "Dyfed-Powys Police", 3300,
     ("Carmarthenshire", "Ceredigion", "Pembrokeshire", "Powys")),
    ("essex", "Essex Police", 15300,
     ("Southend-on-Sea", "Thurrock", "Basildon", "Chelmsford", "Colchester")),
    ("gloucestershire", "Gloucestershire Constabulary", 5600,
     ("Gloucester", "Cheltenham", "Stroud", "Forest of Dean")),
    ("greater-manchester", "Greater Manchester Police", 35000,
     ("Manchester", "Salford", "Bolton", "Wigan", "Stockport", "Oldham")),
    ("gwent", "Gwent Police", 5300,
     ("Newport", "Caerphilly", "Torfaen", "Monmouthshire", "Blaenau Gwent")),
    ("hampshire", "Hampshire Constabulary", 15700,
     ("Southampton", "Portsmouth", "Basingstoke and Deane", "Isle of Wight", "Winchester")),
    ("hertfordshire", "Hertfordshire Constabulary", 8400,
     ("St Albans", "Watford", "Dacorum", "Stevenage", "Welwyn Hatfield")),
    ("humberside", "Humberside Police", 8400,
     ("Kingston upon Hull", "East Riding of Yorkshire", "North Lincolnshire",
      "North East Lincolnshire")),
    ("kent", "Kent Police", 16400,
     ("Medway", "Maidstone", "Canterbury", "Thanet", "Dartford", "Swale")),
    ("lancashire", "Lancashire Constabulary", 16000,
     ("Blackpool", "Blackburn with Darwen", "Preston", "Lancaster", "Burnley")),
    ("leicestershire", "Leicestershire Police", 9400,
     ("Leicester", "Charnwood", "Hinckley and Bosworth", "Rutland")),
    ("lincolnshire", "Lincolnshire Police", 5900,
     ("Lincoln", "Boston", "East Lindsey", "South Kesteven")),
    ("merseyside", "Merseyside Police", 14800,
     ("Liverpool", "Wirral", "Sefton", "Knowsley", "St. Helens")),
    ("metropolitan", "Metropolitan Police Service", 95000,
     ("Westminster", "Lambeth", "Southwark", "Newham", "Croydon", "Barnet", "Ealing",
      "Tower Hamlets")),
    ("norfolk", "Norfolk Constabulary", 6400,
     ("Norwich", "King's Lynn and West Norfolk", "Great Yarmouth", "Breckland")),
    ("north-wales", "North Wales Police", 6200,
     ("Wrexham", "Gwynedd", "Conwy", "Flintshire", "Isle of Anglesey")),
    ("north-yorkshire", "North Yorkshire Police", 5400,
     ("York", "Scarborough", "Harrogate", "Selby")),
    ("northamptonshire", "Northamptonshire Police", 6300,
     ("Northampton", "Kettering", "Corby", "Wellingborough")),
    ("northumbria", "Northumbria Police", 15300,
     ("Newcastle upon Tyne", "Sunderland", "Gateshead", "North Tyneside", "South Tyneside",
      "Northumberland")),
    ("nottinghamshire", "Nottinghamshire Police", 10200,
     ("Nottingham", "Mansfield", "Ashfield", "Gedling")),
    ("south-wales", "South Wales Police", 10800,
     ("Cardiff", "Swansea", "Rhondda Cynon Taf", "Bridgend", "Neath Port Talbot")),
    ("south-yorkshire", "South Yorkshire Police", 15200,
     ("Sheffield", "Rotherham", "Doncaster", "Barnsley")),
    ("staffordshire", "Staffordshire Police", 9100,
     ("Stoke-on-Trent", "Stafford", "Newcastle-under-Lyme", "East Staffordshire")),
    ("suffolk", "Suffolk Constabulary", 4900, ("Ipswich", "East Suffolk", "West Suffolk")),
    ("surrey", "Surrey Police", 7300, ("Guildford", "Woking", "Elmbridge", "Reigate and Banstead")),
    ("sussex", "Sussex Police", 12500,
     ("Brighton and Hove", "Crawley", "Eastbourne", "Hastings", "Worthing")),
    ("thames-valley", "Thames Valley Police", 16300,
     ("Oxford", "Reading", "Milton Keynes", "Slough", "Buckinghamshire")),
    ("warwickshire", "Warwickshire Police", 4200,
     ("Warwick", "Nuneaton and Bedworth", "Rugby", "Stratford-on-Avon")),
    ("west-mercia", "West Mercia Police", 9600,
     ("Herefordshire", "Shropshire", "Telford and Wrekin", "Worcester", "Wychavon")),
    ("west-midlands", "West Midlands Police", 30000,
     ("Birmingham", "Coventry", "Wolverhampton", "Walsall", "Sandwell", "Dudley")),
    ("west-yorkshire", "West Yorkshire Police", 30000,
     ("Leeds", "Bradford", "Kirklees", "Wakefield", "Calderdale")),
    ("wiltshire", "Wiltshire Police", 4500, ("Swindon", "Wiltshire")),
    ("btp", "British Transport Police", 5200, ()),   # records fall in other forces' LSOAs
)
WALES = {"dyfed-powys", "gwent", "north-wales", "south-wales"}
LSOAS_ENGLAND_AND_WALES = 35_672
RECORDS_PER_LSOA_MONTH = 14.0    # about 7 million records a year over 35,672 LSOAs

# crime type: national share, seasonal amplitude, peak month (1-12), national change a year
CRIME_TYPES = (
    ("Anti-social behaviour",        0.200, 0.25, 7, -0.08),
    ("Bicycle theft",                0.010, 0.35, 7, -0.03),
    ("Burglary",                     0.045, 0.12, 12, -0.04),
    ("Criminal damage and arson",    0.090, 0.08, 6, -0.02),
    ("Drugs",                        0.022, 0.05, 3, 0.04),
    ("Other crime",                  0.015, 0.03, 5, 0.02),
    ("Other theft",                  0.060, 0.06, 8, 0.00),
    ("Possession of weapons",        0.008, 0.08, 7, 0.03),
    ("Public order",                 0.090, 0.10, 7, 0.00),
    ("Robbery",                      0.010, 0.10, 11, 0.02),
    ("Shoplifting",                  0.060, 0.05, 12, 0.10),
    ("Theft from the person",        0.010, 0.12, 12, 0.03),
    ("Vehicle crime",                0.050, 0.08, 11, -0.01),
    ("Violence and sexual offences", 0.330, 0.12, 7, 0.01),
)
ASB_TYPE = 0    # anti-social behaviour, first of CRIME_TYPES
OUTCOMES = (
    ("Investigation complete; no suspect identified", 0.30),
    ("Unable to prosecute suspect", 0.25),
    ("Awaiting court outcome", 0.05),
    ("Local resolution", 0.06),
    ("Offender given a caution", 0.02),
    ("Further investigation is not in the public interest", 0.03),
    ("Formal action is not in the public interest", 0.02),
    ("Action to be taken by another organisation", 0.04),
    ("Status update unavailable", 0.06),
    ("Court result unavailable", 0.03),
    ("Offender given penalty notice", 0.005),
    ("Suspect charged as part of another case", 0.01),
    ("Offender given a drugs possession warning", 0.005),
    ("Under investigation", 0.12),
)
UNDER_INVESTIGATION = len(OUTCOMES) - 1
STREETS = ("High Street", "Station Road", "Church Lane", "Park Road", "Mill Lane",
           "Victoria Road", "Green Lane", "Manor Road", "Kings Road", "Queens Road",
           "New Road", "School Lane", "London Road", "The Crescent", "Shopping Area",
           "Parking Area", "Supermarket", "Petrol Station", "Sports/Recreation Area",
           "Nightclub", "Hospital", "Bus/Coach Station", "Further/Higher Educational Building",
           "Conference/Exhibition Centre", "Theatre/Concert Hall", "Police Station")
HEADER = (b"Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          b"LSOA name,Crime type,Last outcome category,Context\n")
POINTS_PER_LSOA = 6     # anonymised map points per LSOA, as data.police.uk snaps locations
BLANK_LSOA = 0.015      # share of records with no location (and no LSOA); BTP 10 times more
DUPLICATE_IDS = 0.0005  # share of crimes whose ID is also another row's
MIN_PLANTED_MEAN = 3.0  # planted series have at least this many records a month to begin with
MAX_RECORDS = 10**9     # bounds of the arguments (a billion records is some 200 GB of files)
MAX_MONTHS = 1200
MAX_LSOAS = 10 * LSOAS_ENGLAND_AND_WALES

README = """\
SYNTHETIC DATA - NOT REAL POLICE RECORDS

Written by scrutiny.data.write_policeuk_archive(seed={seed}): {records:,} invented street-level
records for {months} months from {first} in the folder layout of a data.police.uk download
(YYYY-MM/YYYY-MM-<force>-street.csv), {forces} forces.  The force names, local authority
names and crime types are those of data.police.uk; the LSOA codes and names, the places and
every count are invented.  Trends and change points were planted in some LSOA x crime type
series; the generator returns them as its truth table.  Quirks of the real files are
reproduced on purpose: records with no location and no LSOA, months missing for a force
({missing}), crime IDs on more than one row.
"""


def _force_keys(forces) -> list[int]:
    """Indexes into FORCES of ``forces`` (slugs or "Falls within" names; None: all)."""
    if forces is None:
        return list(range(len(FORCES)))
    if isinstance(forces, str):
        forces = [forces]
    known = {slug: i for i, (slug, *_rest) in enumerate(FORCES)}
    known.update({name: i for i, (_s, name, *_rest) in enumerate(FORCES)})
    keys = []
    for force in v.column_names(forces, "forces"):
        if force not in known:
            raise ValueError(f"forces names {force!r}, which is not a force of England and "
                             f"Wales (slugs: {', '.join(f[0] for f in FORCES)})")
        if known[force] not in keys:
            keys.append(known[force])
    if not keys:
        raise ValueError("forces must name at least one force")
    return sorted(keys)


def _quote(text: str) -> str:
    return f'"{text}"' if "," in text or '"' in text else text


class _Layout:
    """The national layout drawn once from the seed: LSOAs of every force, their points,
    each LSOA x crime type series' share of its force's records, and the planted series."""

    def __init__(self, seed: int, lsoas: int):
        rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
        weights = np.array([f[2] for f in FORCES], dtype=float)
        territorial = [i for i, f in enumerate(FORCES) if f[3]]
        share = weights[territorial] / weights[territorial].sum()
        per_force = np.maximum([len(FORCES[i][3]) for i in territorial],
                               np.round(lsoas * share).astype(int))
        codes, names, las, owner = [], [], [], []
        counters = {"E": 0, "W": 0}
        for i, n in zip(territorial, per_force):
            slug, _name, _v, authorities = FORCES[i]
            country = "W" if slug in WALES else "E"
            split = rng.multinomial(n - len(authorities), rng.dirichlet(
                np.full(len(authorities), 4.0))) + 1
            for la, k in zip(authorities, split):
                for j in range(k):
                    counters[country] += 1
                    codes.append(f"{country}01{counters[country]:06d}")
                    names.append(f"{la} {j // 4 + 1:03d}{'ABCD'[j % 4]}")
                    las.append(la)
                    owner.append(i)
        self.code = np.array(codes, dtype=object)
        self.name = np.array(names, dtype=object)
        self.la = np.array(las, dtype=object)
        owner = np.array(owner)
        # members[f]: the LSOAs a force's records fall in; BTP's are stations in other forces
        self.members = {i: np.flatnonzero(owner == i) for i in territorial}
        btp = [i for i, f in enumerate(FORCES) if not f[3]]
        for i in btp:
            n = max(5, int(round(lsoas * weights[i] / weights.sum())))
            self.members[i] = np.sort(rng.choice(len(codes), size=min(n, len(codes)),
                                                 replace=False))
        # map points: a centre per force, LSOAs around it, points around each LSOA
        centre = np.column_stack([rng.uniform(-4.5, 1.2, len(FORCES)),
                                  rng.uniform(50.5, 55.0, len(FORCES))])
        self.lon = np.empty((len(codes), POINTS_PER_LSOA))
        self.lat = np.empty((len(codes), POINTS_PER_LSOA))
        for i in territorial:
            rows = self.members[i]
            middle = centre[i] + rng.normal(0.0, 0.15, (rows.size, 2))
            self.lon[rows] = middle[:, :1] + rng.normal(0.0, 0.004, (rows.size, POINTS_PER_LSOA))
            self.lat[rows] = middle[:, 1:] + rng.normal(0.0, 0.003, (rows.size, POINTS_PER_LSOA))
        self.street = rng.integers(0, len(STREETS), (len(codes), POINTS_PER_LSOA))
        # each force's series: share of the force's records by LSOA x crime type
        types = np.array([c[1] for c in CRIME_TYPES])
        self.share = {}
        for i, rows in self.members.items():
            size = rng.gamma(2.0, 0.5, rows.size)
            mix = rng.gamma(4.0, 0.25, (rows.size, len(CRIME_TYPES))) * types
            cell = size[:, None] * mix
            self.share[i] = cell / cell.sum()
        # time profile of each crime type: season and national trend
        moy_amp = np.array([c[2] for c in CRIME_TYPES])
        peak = np.array([c[3] for c in CRIME_TYPES])
        growth = np.array([c[4] for c in CRIME_TYPES])
        self.rng = rng
        self.types = types
        self.moy_amp, self.peak, self.growth = moy_amp, peak, growth

    def profile(self, first, months: int) -> np.ndarray:
        """(months, crime types) multipliers: season x national trend."""
        moy = (first.month - 1 + np.arange(months)) % 12 + 1
        season = 1.0 + self.moy_amp * np.cos(2 * np.pi * (moy[:, None] - self.peak) / 12)
        trend = (1.0 + self.growth) ** (np.arange(months)[:, None] / 12.0)
        return season * trend


def _planted(layout: _Layout, keys, scale, months: int, planted: float, first):
    """The truth table, and per force the (cell, multiplier by month) of its planted series."""
    import pandas as pd

    rng = layout.rng
    rows, effects = [], {}
    t = np.arange(months)
    for i in keys:
        if not FORCES[i][3]:
            continue   # nothing planted in BTP's series
        base = scale * FORCES[i][2] * layout.share[i]
        eligible = np.flatnonzero(base.ravel() >= MIN_PLANTED_MEAN)
        n = rng.binomial(eligible.size, min(1.0, 2 * planted)) if eligible.size else 0
        chosen = rng.choice(eligible, size=n, replace=False) if n else np.empty(0, int)
        kinds = rng.integers(0, 2, n)
        sign = np.where(rng.random(n) < 0.5, 1.0, -1.0)
        mult = np.ones((n, months))
        for k, (cell, kind) in enumerate(zip(chosen, kinds)):
            lsoa, ctype = divmod(int(cell), len(CRIME_TYPES))
            if kind == 0:
                effect = float(np.exp(sign[k] * rng.uniform(np.log(1.5), np.log(2.0))))
                mult[k] = effect ** (t / 12.0)
                when = None
            else:
                effect = float(np.exp(sign[k] * rng.uniform(np.log(2.0), np.log(3.0))))
                step = int(rng.integers(months // 4, 3 * months // 4 + 1)) if months > 3 else 1
                mult[k, step:] = effect
                when = first + step
            code = layout.members[i][lsoa]
            rows.append((FORCES[i][1], FORCES[i][0], layout.code[code], layout.name[code],
                         layout.la[code], CRIME_TYPES[ctype][0], ("trend", "change")[kind],
                         effect, when, float(base.ravel()[cell])))
        effects[i] = (chosen, mult)
    truth = pd.DataFrame(rows, columns=["falls_within", "force", "lsoa_code", "lsoa_name",
                                        "local_authority", "crime_type", "kind", "effect",
                                        "month", "baseline"])
    truth["month"] = pd.PeriodIndex(truth["month"], freq="M")
    return truth, effects


def _missing(rng, keys, months: int, first) -> dict:
    """Months left out for a couple of forces (not the first or last month)."""
    if months < 6:
        return {}
    territorial = [i for i in keys if FORCES[i][3]]
    chosen = rng.choice(territorial, size=min(2, len(territorial)), replace=False)
    out = {}
    for i in sorted(chosen):
        length = int(rng.integers(1, 4))
        start = int(rng.integers(1, months - 1 - length + 1))
        out[int(i)] = [first + m for m in range(start, start + length)]
    return out


def _write_file(path: Path, layout: _Layout, force: int, month, m: int, months: int,
                mean: np.ndarray, seed: int, quirks: bool) -> tuple[int, int, int]:
    """One street file; returns its records, records with no LSOA, and repeated IDs."""
    slug, name, _size, authorities = FORCES[force]
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1, force, m]))
    counts = rng.poisson(mean.ravel())
    cells = np.repeat(np.arange(counts.size), counts)
    n = cells.size
    lsoa, ctype = np.divmod(cells, len(CRIME_TYPES))
    members = layout.members[force]
    code = members[lsoa]
    is_asb = ctype == ASB_TYPE
    # crime IDs: 64 hex digits from the file's stream; ASB has none
    ids = np.frombuffer(binascii.hexlify(rng.bytes(32 * n)), dtype="S64").astype(object)
    ids[is_asb] = b""
    repeated = 0
    crimes = np.flatnonzero(~is_asb)
    if quirks and crimes.size > 1:
        twice = crimes[1:][rng.random(crimes.size - 1) < DUPLICATE_IDS]
        ids[twice] = ids[crimes[np.searchsorted(crimes, twice) - 1]]   # the crime before's ID
        repeated = int(twice.size)
    # location: one of the LSOA's points, or none (and no LSOA) for a few records
    point = rng.integers(0, POINTS_PER_LSOA, n)
    blank = (rng.random(n) < BLANK_LSOA * (1 if authorities else 10)) if quirks \
        else np.zeros(n, bool)
    head = f",{month},{name},{name},".encode()
    used = np.unique(code)
    lon = np.round(layout.lon[used], 6)
    lat = np.round(layout.lat[used], 6)
    text = np.empty((used.size, POINTS_PER_LSOA), dtype=object)
    for j in range(used.size):
        for p in range(POINTS_PER_LSOA):
            text[j, p] = (f"{lon[j, p]:.6f},{lat[j, p]:.6f},On or near "
                          f"{STREETS[layout.street[used[j], p]]},").encode()
    where = np.searchsorted(used, code) * POINTS_PER_LSOA + point
    places = np.append(text.ravel(), b",,No location,")
    where[blank] = places.size - 1
    tails = np.array([f"{c},{_quote(nm)},".encode() for c, nm in
                      zip(layout.code[used], layout.name[used])] + [b",,"], dtype=object)
    tail = np.searchsorted(used, code)
    tail[blank] = tails.size - 1
    types = np.array([f"{c[0]},".encode() for c in CRIME_TYPES], dtype=object)
    # outcomes: censored in the latest months; none for ASB nor for BTP
    late = max(0, m - (months - 4))
    probs = np.array([o[1] for o in OUTCOMES])
    probs[UNDER_INVESTIGATION] += 0.15 * late
    outcome = rng.choice(len(OUTCOMES), size=n, p=probs / probs.sum())
    labels = np.array([f"{_quote(o[0])},\n".encode() for o in OUTCOMES] + [b",\n"], dtype=object)
    outcome[is_asb] = len(OUTCOMES)
    if not authorities:
        outcome[:] = len(OUTCOMES)
    lines = ids + head + places[where] + tails[tail] + types[ctype] + labels[outcome]
    with open(path, "wb") as out:
        out.write(HEADER)
        out.write(b"".join(lines.tolist()))
    return n, int(blank.sum()), repeated


def write_policeuk_archive(folder, records=100_000, months=36, forces=None, seed=20240101, *,
                           first="2022-01", lsoas=None, planted=0.01, quirks=True,
                           progress=False):
    """Write a SYNTHETIC national archive of data.police.uk street files.

    The folder layout of a data.police.uk download, ``YYYY-MM/YYYY-MM-<force>-street.csv``,
    for every force of England and Wales (or those named), with invented records: realistic
    volumes, LSOA codes and names, crime types, outcomes, seasonality, planted trends and
    change points, and the quirks of the real files.  Not real data: a ``README.txt`` in the
    folder says so.  Each file is drawn and written in turn (memory bounded by one file), from
    a stream seeded by ``seed``, the force and the month: the same arguments give the same
    bytes.  Readable with :func:`scrutiny.data.read_policeuk`.

    Parameters
    ----------
    folder : str or os.PathLike
        Folder to write in (made if needed); files of the same names are replaced.
    records : int
        Expected number of records in the whole archive (the count written is Poisson around
        it), from a few thousand to tens of millions.
    months : int
        Number of months, from ``first``.
    forces : str or sequence of str, optional
        Forces to write, as slugs (``"west-mercia"``) or as their records name them
        (``"West Mercia Police"``); default all 44.  The layout (LSOAs, planted series) is the
        same whichever are written.
    seed : int
        Seed of every random stream.
    first : str
        First month, ``"YYYY-MM"``.
    lsoas : int, optional
        Number of LSOAs of the territorial forces (shared out in proportion to their
        volumes, at least one per local authority); default about 14 records per LSOA a month,
        at most 35,672 (England and Wales).
    planted : float
        Share of the series with at least 3 records a month given a planted trend, and the
        same share given a change point.
    quirks : bool
        Records with no location or LSOA, a few months missing for two forces, repeated crime
        IDs (default True).
    progress : bool
        Show a ``tqdm`` progress bar over the files.

    Returns
    -------
    pandas.DataFrame
        The truth table: one row per planted series, with ``falls_within``, ``force`` (slug),
        ``lsoa_code``, ``lsoa_name``, ``local_authority``, ``crime_type``, ``kind``
        (``"trend"`` or ``"change"``), ``effect`` (rate ratio a year for a trend; the ratio of
        the new level to the old for a change), ``month`` (first month at the new level;
        NaT for a trend) and ``baseline`` (expected records in the first month, before the
        national profile).  ``attrs`` holds ``folder``, ``files``, ``records`` (written),
        ``blank_lsoa`` (records without an LSOA), ``repeated_ids`` (crime rows repeating
        another's ID), ``missing_months`` ({force slug: ["YYYY-MM", ...]}), ``seed`` and
        ``synthetic`` (True).

    Raises
    ------
    ValueError
        A negative or zero ``records``, ``months`` or ``lsoas``, an unknown force, a
        ``first`` that is not a month, ``planted`` outside [0, 0.5].

    Examples
    --------
    >>> import scrutiny as sc
    >>> truth = sc.data.write_policeuk_archive("archive", records=5_000)  # doctest: +SKIP
    >>> crimes = sc.data.read_policeuk("archive")                          # doctest: +SKIP
    """
    import pandas as pd

    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a folder name (got {type(folder).__name__})")
    records = v.whole_number(records, "records", minimum=1, maximum=MAX_RECORDS)
    months = v.whole_number(months, "months", minimum=1, maximum=MAX_MONTHS)
    seed = v.whole_number(seed, "seed", maximum=None)
    quirks, progress = v.boolean(quirks, "quirks"), v.boolean(progress, "progress")
    try:
        start = pd.Period(first, freq="M") if isinstance(first, str) else None
    except (ValueError, TypeError):
        start = None
    if start is None or pd.isna(start):
        raise ValueError(f"first must be a month as 'YYYY-MM' (got {first!r})")
    if not (isinstance(planted, (int, float)) and 0 <= planted <= 0.5):
        raise ValueError(f"planted must be a share between 0 and 0.5 (got {planted!r})")
    keys = _force_keys(forces)
    if lsoas is None:
        lsoas = int(np.clip(round(records / months / RECORDS_PER_LSOA_MONTH), 1,
                            LSOAS_ENGLAND_AND_WALES))
    lsoas = v.whole_number(lsoas, "lsoas", minimum=1, maximum=MAX_LSOAS)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)

    layout = _Layout(seed, lsoas)
    profile = layout.profile(start, months)
    missing = _missing(layout.rng, keys, months, start) if quirks else {}
    # scale: records expected per unit of FORCES' monthly volume, over the months written
    expected = 0.0
    for i in keys:
        present = np.array([start + m not in missing.get(i, []) for m in range(months)])
        expected += FORCES[i][2] * (layout.share[i] @ profile[present].T).sum()
    scale = records / expected
    truth, effects = _planted(layout, keys, scale, months, planted, start)

    files, written, blank, repeated = [], 0, 0, 0
    jobs = [(m, i) for m in range(months) for i in keys if start + m not in missing.get(i, [])]
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), unit="file", desc="writing")
    for m, i in jobs:
        month = start + m
        mean = scale * FORCES[i][2] * layout.share[i] * profile[m]
        if i in effects:
            chosen, mult = effects[i]
            flat = mean.ravel()
            flat[chosen] *= mult[:, m]
        sub = folder / str(month)
        sub.mkdir(exist_ok=True)
        path = sub / f"{month}-{FORCES[i][0]}-street.csv"
        n, b, r = _write_file(path, layout, i, month, m, months, mean, seed, quirks)
        files.append(f"{month}/{path.name}")
        written, blank, repeated = written + n, blank + b, repeated + r
        if bar is not None:
            bar.update()
    if bar is not None:
        bar.close()
    gaps = {FORCES[i][0]: [str(p) for p in ms] for i, ms in missing.items()}
    shown = "; ".join(f"{k}: {', '.join(ms)}" for k, ms in gaps.items()) or "none"
    (folder / "README.txt").write_text(README.format(
        seed=seed, records=written, months=months, first=start, forces=len(keys),
        missing=shown), encoding="utf-8")
    truth.attrs.update({"folder": str(folder), "files": files, "records": written,
                        "blank_lsoa": blank, "repeated_ids": repeated, "missing_months": gaps,
                        "seed": seed, "synthetic": True})
    return truth


__all__ = ["write_policeuk_archive", "FORCES", "CRIME_TYPES"]
