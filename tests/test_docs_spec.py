"""docs/report.md documents every setting the specification reader accepts, and no other."""
import re
from pathlib import Path

import pytest

from scrutiny.report import spec

PAGE = Path(__file__).resolve().parent.parent / "docs" / "report.md"
# the heading of each table of settings in the page -> the settings the reader accepts
TABLES = {"Report settings": spec.TOP_KEYS, "Sources": spec.SOURCE_KEYS,
          "Measure settings": spec.MEASURE_KEYS}


def documented(heading: str) -> list[str]:
    """The keys in the first column of the table under ``### heading``."""
    text = PAGE.read_text(encoding="utf-8")
    match = re.search(rf"^### {heading}\n(.*?)(?=^#)", text, re.M | re.S)
    assert match, f"docs/report.md has no section '### {heading}'"
    return re.findall(r"^\| `([a-z_]+)` \|", match.group(1), re.M)


@pytest.mark.parametrize("heading", TABLES)
def test_every_accepted_key_is_documented(heading):
    missing = sorted(TABLES[heading] - set(documented(heading)))
    assert not missing, f"docs/report.md, {heading}: not documented: {missing}"


@pytest.mark.parametrize("heading", TABLES)
def test_every_documented_key_is_accepted(heading):
    keys = documented(heading)
    unknown = sorted(set(keys) - TABLES[heading])
    assert not unknown, f"docs/report.md, {heading}: not settings of the reader: {unknown}"
    assert len(keys) == len(set(keys)), f"docs/report.md, {heading}: a key documented twice"


def test_documented_choices_are_the_readers():
    """The kinds, charts, overdispersion and quarters the page names are those accepted."""
    text = PAGE.read_text(encoding="utf-8")
    row = {k: re.search(rf"^\| `{k}` \| ([^|]*)\|", text, re.M).group(1)
           for k in ("kind", "chart", "overdispersion", "quarters", "direction")}
    accepted = {"kind": spec.KINDS, "chart": spec.CHARTS, "overdispersion": spec.OVERDISPERSION,
                "quarters": spec.QUARTERS, "direction": spec.DIRECTIONS}
    for key, choices in accepted.items():
        named = set(re.findall(r'`"([a-z]+)"`', row[key]))
        assert named >= set(choices), (key, named, set(choices))
