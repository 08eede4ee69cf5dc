"""Every notebook in notebooks/ runs from top to bottom without an error.

Each is executed with nbclient in a python3 kernel of this interpreter, from notebooks/, twice:
with the shared data folder as found (``../shared/data`` beside the project, or
``SCRUTINY_SHARED_DATA``), and with ``SCRUTINY_SHARED_DATA`` pointing to a missing folder, so
the fallback to the bundled data is exercised too.
"""
import os
from pathlib import Path

import nbclient
import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CELL_TIMEOUT = 120


def execute(path: Path):
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    return notebook


def outputs_text(notebook) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def test_there_are_notebooks():
    assert sorted(NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: clear the outputs"


@pytest.mark.parametrize("shared", ["as found", "missing"])
@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_runs(path, shared, monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    if shared == "missing":
        monkeypatch.setenv("SCRUTINY_SHARED_DATA", str(tmp_path / "no-shared-data"))
    data = Path(os.environ.get("SCRUTINY_SHARED_DATA", NOTEBOOKS.parents[1] / "shared" / "data"))
    text = outputs_text(execute(path))
    if "SCRUTINY_SHARED_DATA" in path.read_text(encoding="utf-8"):
        # a notebook that reads shared data says which it used: the attribution with its
        # licence, or the fallback
        assert ("Licence" if data.is_dir() else "bundled synthetic data") in text
