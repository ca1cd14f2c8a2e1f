"""Notebooks are committed clean and use only the public Python API.

They are executed top to bottom by nbmake as part of the test command
(``testpaths`` includes ``notebooks/`` and ``--nbmake`` is in ``addopts``).
"""

from __future__ import annotations

import re

import nbformat
import pytest

import planner

NOTEBOOK_DIR = __import__("pathlib").Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def test_there_are_at_least_two_notebooks():
    assert len(NOTEBOOKS) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell with outputs: {cell.source[:60]!r}"
            assert cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_uses_only_the_public_api(path):
    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert "import planner" in source
    assert not re.search(r"planner\.\w*\._|planner\._|from planner\.\w+ import _", source), "private helper"
    assert "planner.cli" not in source and "subprocess" not in source and "!planner" not in source
    used = set(re.findall(r"\bplanner\.(\w+)", source))
    assert used <= set(planner.__all__), f"not in planner.__all__: {used - set(planner.__all__)}"
