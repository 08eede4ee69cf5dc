"""Hostile input to the report's command line: malformed specifications and data.police.uk
files.  Every case must end with data issues (the report is written) or with a clear one-line
error and a non-zero exit; never a traceback, never a hang, and never more memory than a
bounded amount.

The cases run in one worker process with an address-space limit (``RLIMIT_AS``; under
AddressSanitizer its peak resident memory is the bound) and a time limit per case; the worker calls ``scrutiny.report.cli.main`` in-process and reports, for each
case, its exit status, what it printed on stderr and the data issues it wrote.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from conftest import RESIDENT_FACTOR, address_space_cap

MEMORY = 2 * 2**30          # address space of the worker
SECONDS = 300               # per case (a hang; the machine may be busy)

WORKER = textwrap.dedent("""
    import contextlib, io, json, resource, signal, sys, time, traceback
    import pandas as pd

    {cap}

    def timeout(signum, frame):
        raise TimeoutError("case took longer than {seconds} s")

    signal.signal(signal.SIGALRM, timeout)
    from scrutiny.report import cli

    out = []
    for case in json.load(open(sys.argv[1])):
        err, printed = io.StringIO(), io.StringIO()
        start, trace = time.perf_counter(), ""
        signal.alarm({seconds})
        try:
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(printed):
                try:
                    status = cli.main(case["argv"])
                except SystemExit as exc:   # argparse: a usage message and status 2
                    status = exc.code
        except BaseException:
            status, trace = None, traceback.format_exc()
        finally:
            signal.alarm(0)
        issues = []
        try:
            issues = pd.read_csv(case["out"] + "/data_issues.csv")["problem"].astype(str).tolist()
        except (OSError, ValueError, KeyError):
            pass
        out.append({{"id": case["id"], "status": status, "stderr": err.getvalue(),
                     "trace": trace, "issues": issues,
                     "seconds": time.perf_counter() - start}})
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    json.dump({{"cases": out, "peak": peak}}, sys.stdout)
""").format(cap=address_space_cap(MEMORY), seconds=SECONDS)

STREET = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Crime type,Last outcome category,Context")
ROW = ("{id},{month},Northmoor Police,Northmoor Police,-2.11,52.19,On or near High Street,"
       "E01000001,Northmoor 001A,{crime},Under investigation,")


def street_rows(months=24, per_month=3) -> str:
    crimes = ("Burglary", "Robbery", "Vehicle crime")
    lines = [ROW.format(id=f"c{m}-{i}", month=f"{2022 + m // 12}-{m % 12 + 1:02d}",
                        crime=crimes[(m + i) % 3])
             for m in range(months) for i in range(per_month + m % 4)]
    return "\n".join(lines) + "\n"


GOOD_STREET = STREET + "\n" + street_rows()

POLICEUK_SPEC = """
[sources.street]
policeuk = "nothing-here"

[[measure]]
name = "Recorded crime"
source = "street"
kind = "count"
count = "rows"
period = "month"
"""


def measure(**settings) -> str:
    """A specification of one proportion of 999 calls on the bundled calls sample, with
    ``settings`` put in place of (or added to) its own."""
    base = {"name": "'Calls answered'", "source": "'calls'", "kind": "'proportion'",
            "numerator": "'answered'", "denominator": "'rows'", "period": "'month'",
            "filter": "\"line == '999'\""}
    base.update(settings)
    return "[[measure]]\n" + "".join(f"{k} = {v}\n" for k, v in base.items() if v is not None)


# id -> the bytes of the specification (TOML unless the id ends in .yaml)
SPECS = {
    "toml syntax": b"[[measure]\nname = ",
    "garbage bytes": bytes(range(256)) * 4,
    "utf-16": measure().encode("utf-16"),
    "empty": b"",
    "bom": b"\xef\xbb\xbf" + measure().encode(),
    "measures a number": b"measure = 5\n",
    "measures of numbers": b"measure = [1, 'a', true]\n",
    "measure table of numbers": b"[measure]\na = 1\nb = 'x'\n",
    "kind a list": measure(kind="['proportion']").encode(),
    "kind a table": measure(kind="{a = 1}").encode(),
    "kind unknown": measure(kind="'ratio'").encode(),
    "kind missing": measure(kind=None).encode(),
    "source a number": measure(source="5").encode(),
    "source a list": measure(source="[1, 2]").encode(),
    "source no file": measure(source="'no/such/file.csv'").encode(),
    "numerator a number": measure(numerator="5").encode(),
    "numerator a list": measure(numerator="['answered']").encode(),
    "numerator empty": measure(numerator="''").encode(),
    "filter repeated list": measure(filter="\"line in ['A'] * 999999999\"").encode(),
    "filter repeated text": measure(filter="\"line == 'A' * 9999999999\"").encode(),
    "filter nested not": measure(filter=repr("not " * 50000 + "answered")).encode(),
    "filter parentheses": measure(filter=repr("(" * 300 + "answered" + ")" * 300)).encode(),
    "filter import": measure(filter="\"__import__('os').system('true')\"").encode(),
    "filter attribute": measure(filter="'answered.__class__'").encode(),
    "filter missing column": measure(filter="'nope == 1'").encode(),
    "filter text compared": measure(filter="'line < 5'").encode(),
    "filter huge number": measure(filter=repr("wait_seconds * 1" + "9" * 4000)).encode(),
    "filter long number": measure(filter=repr("wait_seconds * 1" + "9" * 400)).encode(),
    "filter nul": measure(filter="'answered\\u0000'").encode(),
    "filter unicode column": measure(filter="'réponse == 1'").encode(),
    "filter column times": measure(filter="\"line * 99999999 == 'x'\"").encode(),
    "target huge": measure(target="1e308").encode(),
    "target text": measure(target="'high'").encode(),
    "target nan": measure(target="nan").encode(),
    "target inf": measure(target="inf").encode(),
    "per negative": measure(per="-1").encode(),
    "decimals huge": measure(decimals="9223372036854775807").encode(),
    "latest huge": measure(latest="'99999999999 months'").encode(),
    "latest digits": measure(latest=repr("9" * 5000 + " months")).encode(),
    "top latest huge": b"latest = '9999999 years'\n" + measure().encode(),
    "spec too large": b"title = '" + b"x" * (11 * 2**20) + b"'\n" + measure().encode(),
    "levels wrong": b"levels = [0.5]\n" + measure().encode(),
    "levels text": b"levels = 'x'\n" + measure().encode(),
    "rebase wrong": measure(rebase="['9999-99', 5, {a = 1}]").encode(),
    "population_by nested": measure(population_by="[[1]]").encode(),
    "freq a number": measure(freq="5").encode(),
    "direction a list": measure(direction="['higher']").encode(),
    "chart a list": measure(chart="['xmr']").encode(),
    "period a number": measure(period="5").encode(),
    "area a list": measure(area="['a']").encode(),
    "name a table": measure(name="{a = 1}").encode(),
    "name unicode": measure(name="'\u202e\u0645\U0001f4a5 <script>'").encode(),
    "same names": (measure() + measure()).encode(),
    "sources a number": b"sources = 5\n" + measure().encode(),
    "source settings wrong": b"[sources.x]\npath = 5\nsample = 'calls'\n" + measure().encode(),
    "title huge": b"title = '" + b"\xc3\xa9" * 100_000 + b"'\n" + measure().encode(),
    "yaml garbage.yaml": b"{[: - ]\n\t",
}

# id -> {file name: bytes}: data read as the police.uk source of POLICEUK_SPEC


def _zip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


GOOD_ZIP = _zip({"2022-01/2022-01-northmoor-street.csv": GOOD_STREET})
FILES = {
    "truncated zip": {"d.zip": GOOD_ZIP[: len(GOOD_ZIP) // 2]},
    "empty zip": {"d.zip": _zip({})},
    "zip of garbage": {"d.zip": _zip({"2022-01-x-street.csv": bytes(range(256)) * 100})},
    "zip of blank lines": {"d.zip": _zip({"2022-01-x-street.csv": GOOD_STREET
                                          + "\n" * (20 * 2**20) + street_rows(2)})},
    "zip of a zip": {"d.zip": _zip({"inner.zip": GOOD_ZIP})},
    "wrong headers": {"2022-01-x-street.csv": b"a,b,c\n1,2,3\n"},
    "garbage bytes": {"2022-01-x-street.csv": bytes(range(256)) * 100},
    "nul bytes": {"2022-01-x-street.csv": GOOD_STREET.replace("Burglary", "Burg\0lary").encode()},
    "latin-1 rows": {"2022-01-x-street.csv": GOOD_STREET.replace("High Street",
                                                                 "Rue de l'Église").encode(
                                                                     "latin-1")},
    "mixed encodings": {"2022-01-x-street.csv": GOOD_STREET.encode()
                        + street_rows(3).replace("High", "Hôtel").encode("cp1252")},
    "bom": {"2022-01-x-street.csv": b"\xef\xbb\xbf" + GOOD_STREET.encode()},
    "bom twice": {"2022-01-x-street.csv": b"\xef\xbb\xbf\xef\xbb\xbf" + GOOD_STREET.encode()},
    "utf-16": {"2022-01-x-street.csv": GOOD_STREET.encode("utf-16")},
    "header only": {"2022-01-x-street.csv": (STREET + "\n").encode()},
    "empty file": {"2022-01-x-street.csv": b""},
    "blank lines": {"2022-01-x-street.csv": ("\n\n" + GOOD_STREET + "\n \n\t\r\n").encode()},
    "line endings mixed": {"2022-01-x-street.csv": GOOD_STREET.replace("\n", "\r", 20)
                           .replace("\n", "\r\n", 20).encode()},
    "one long line": {"2022-01-x-street.csv": (STREET + "\n" + "x" * (8 * 2**20)).encode()},
    "unclosed quote": {"2022-01-x-street.csv": (STREET + '\n"' + street_rows(2)).encode()},
    "commas only": {"2022-01-x-street.csv": (STREET + "\n" + ",,,,\n" * 200_000).encode()},
    "months garbage": {"2022-01-x-street.csv": GOOD_STREET.replace("2022-", "20x2-").encode()},
    "not gzip": {"2022-01-x-street.csv.gz": b"not gzip at all"},
    "truncated gzip": {"2022-01-x-street.csv.gz": gzip.compress(GOOD_STREET.encode())[:300]},
    "no csv in folder": {"readme.txt": b"nothing"},
}

CSV_SPEC = """
[sources.data]
path = "nothing-here.csv"

[[measure]]
name = "Incidents"
source = "data"
kind = "count"
count = "n"
period = "month"
"""
GOOD_CSV = "month,n\n" + "".join(f"{2022 + m // 12}-{m % 12 + 1:02d},{m % 7 + 3}\n"
                                   for m in range(24))
# id -> (file name, bytes): a CSV source of CSV_SPEC
CSV_FILES = {
    "garbage": ("d.csv", bytes(range(256)) * 50),
    "empty": ("d.csv", b""),
    "bom and blank lines": ("d.csv", b"\xef\xbb\xbf" + GOOD_CSV.replace("\n", "\n\n").encode()),
    "not gzip": ("d.csv.gz", b"not gzip"),
    "truncated gzip": ("d.csv.gz", gzip.compress(GOOD_CSV.encode() * 50)[:200]),
    "zip of two files": ("d.zip", _zip({"a.csv": GOOD_CSV, "b.csv": GOOD_CSV})),
    "truncated zip": ("d.zip", _zip({"a.csv": GOOD_CSV * 50})[:300]),
    "parquet garbage": ("d.parquet", b"PAR1 not really"),
    "text in counts": ("d.csv", GOOD_CSV.replace(",3\n", ",three\n").encode()),
    "huge counts": ("d.csv", GOOD_CSV.replace(",3\n", ",1e308\n").encode()),
    "months garbage": ("d.csv", GOOD_CSV.replace("2022-", "20x2-").encode()),
    "a folder": ("d", None),
}


def _cases(root: Path) -> list[dict]:
    cases = []

    def add(case_id, argv):
        out = root / "out" / str(len(cases))
        cases.append({"id": case_id, "argv": [*argv, "--out", str(out), "--quiet"],
                      "out": str(out)})

    for case_id, text in SPECS.items():
        name = case_id.replace(" ", "-")
        path = root / "specs" / (name if name.endswith(".yaml") else name + ".toml")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text)
        add(f"spec: {case_id}", ["--spec", str(path)])
    spec = root / "policeuk.toml"
    spec.write_text(POLICEUK_SPEC, encoding="utf-8")
    for case_id, files in FILES.items():
        folder = root / "files" / case_id.replace(" ", "-")
        folder.mkdir(parents=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        target = folder / next(iter(files)) if len(files) == 1 and next(iter(files)).endswith(
            ".zip") else folder
        add(f"files: {case_id}", ["--spec", str(spec), f"street={target}"])
    spec = root / "csv.toml"
    spec.write_text(CSV_SPEC, encoding="utf-8")
    for case_id, (name, data) in CSV_FILES.items():
        path = root / "csv" / case_id.replace(" ", "-") / name
        path.parent.mkdir(parents=True)
        path.mkdir() if data is None else path.write_bytes(data)
        add(f"csv: {case_id}", ["--spec", str(spec), f"data={path}"])
    a_file = root / "a-file.txt"
    a_file.write_text("x")
    for case_id, out in (("out an existing file", a_file), ("out under a file", a_file / "x")):
        cases.append({"id": case_id, "out": str(out),
                      "argv": ["--spec", str(root / "specs" / "bom.toml"), "--out", str(out)]})
    cases.append({"id": "spec no file", "out": str(root / "out" / "none"),
                  "argv": ["--spec", str(root / "none.toml"), "--out", str(root / "out" / "n")]})
    return cases


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    cases = _cases(root)
    (root / "cases.json").write_text(json.dumps(cases), encoding="utf-8")
    (root / "worker.py").write_text(WORKER, encoding="utf-8")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, str(root / "worker.py"), str(root / "cases.json")],
                          capture_output=True, text=True, env=env, cwd=root,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _outcome(case) -> str:
    """'issues' (the report was written, listing data issues), 'error' (a clear one-line
    error and a non-zero exit), or what went wrong."""
    if case["trace"]:
        return "traceback:\n" + case["trace"]
    if "Traceback" in case["stderr"]:
        return "traceback on stderr:\n" + case["stderr"]
    raw = [p for p in case["issues"] if any(e in p for e in ("MemoryError", "RecursionError",
                                                             "TimeoutError"))]
    if raw:
        return f"raw error in a data issue: {raw[0][:300]}"
    if case["status"] == 2 or (case["status"] == 1 and not case["issues"]):
        lines = [line for line in case["stderr"].splitlines() if line.strip()]
        if lines and lines[-1].startswith("scrutiny report: ") or "usage:" in case["stderr"]:
            return "error"
        return f"unclear error (status {case['status']}): {case['stderr'][-500:]!r}"
    if case["status"] in (0, 1) and case["issues"]:
        return "issues"
    if case["status"] == 0:
        return "analysed"
    return f"status {case['status']}: {case['stderr'][-500:]!r}"


def test_every_hostile_input_ends_in_data_issues_or_a_clear_error(outcomes):
    found = {case["id"]: _outcome(case) for case in outcomes["cases"]}
    wrong = {k: v for k, v in found.items() if v not in ("issues", "error", "analysed")}
    assert not wrong, "\n\n".join(f"{k}: {v}" for k, v in wrong.items())
    assert len(found) >= 90
    assert outcomes["peak"] < MEMORY * RESIDENT_FACTOR


def test_expected_outcomes(outcomes):
    by_id = {case["id"]: case for case in outcomes["cases"]}
    found = {k: _outcome(c) for k, c in by_id.items()}
    for case_id in ("spec: toml syntax", "spec: garbage bytes", "spec: utf-16",
                    "spec: spec too large", "out an existing file", "out under a file",
                    "spec no file"):
        assert found[case_id] == "error", case_id
    assert "is a file, not a folder" in by_id["out an existing file"]["stderr"]
    assert "cannot create the folder" in by_id["out under a file"]["stderr"]
    assert by_id["spec: bom"]["status"] == 0                 # a byte-order mark is allowed
    for case_id in ("filter repeated list", "filter repeated text", "filter column times"):
        assert any("at most 100,000" in p for p in by_id[f"spec: {case_id}"]["issues"])
    assert any("nested too deeply" in p or "characters" in p
               for p in by_id["spec: filter nested not"]["issues"])
    assert found["files: zip of blank lines"] == "issues"
    for case_id in ("spec: kind a list", "spec: kind a table"):
        assert any("unknown kind" in p for p in by_id[case_id]["issues"]), case_id
    raw = ("failed (", "unhashable", "not supported between", "object has no attribute")
    for case in outcomes["cases"]:   # no raw Python error as the reason
        assert not any(r in text for r in raw
                       for text in [case["stderr"], *case["issues"]]), case


def test_report_hostile_counts(outcomes):
    """The tally by outcome (printed with ``-s``)."""
    tally: dict = {}
    for case in outcomes["cases"]:
        tally[_outcome(case)] = tally.get(_outcome(case), 0) + 1
    print(f"\n{sum(tally.values())} hostile inputs: {tally}; peak memory "
          f"{outcomes['peak'] / 2**20:.0f} MiB")
    assert set(tally) <= {"issues", "error", "analysed"}
