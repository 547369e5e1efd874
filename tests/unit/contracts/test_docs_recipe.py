"""docs/contracts.md's recipe (load a suite with Great Expectations 1.x, add an expectation, save it) runs
as written: the code block is taken from the markdown and run in a fresh interpreter inside a workspace
holding the packaged example contracts; the saved suite then loads and validates in govreport. Imports
Great Expectations: marked slow."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from govreport.contracts import load_suite
from govreport.core.resources import bundled_dir
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def doc_example(doc: str, name: str) -> str:
    """The ```python block after ``<!-- doc-example: name -->`` in docs/<doc>."""
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    m = re.search(rf"<!-- doc-example: {re.escape(name)} -->\s*```python\n(.*?)```", text, re.S)
    assert m, f"docs/{doc} has no doc-example {name}"
    return m.group(1)


def test_contracts_md_recipe_adds_an_expectation_gx_and_govreport_read(tmp_path):
    code = doc_example("contracts.md", "add-expectation")
    assert 'gx.get_context(mode="ephemeral")' in code
    shutil.copytree(bundled_dir("data_contracts"), tmp_path / "data_contracts")
    suite_path = tmp_path / "data_contracts" / "card_default_scoring.suite.json"
    before = json.loads(suite_path.read_text(encoding="utf-8"))["expectations"]
    (tmp_path / "recipe.py").write_text(code, encoding="utf-8")  # as a user runs it: a script
    r = subprocess.run(
        [sys.executable, "recipe.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr[-2000:]
    after = json.loads(suite_path.read_text(encoding="utf-8"))["expectations"]
    assert len(after) == len(before) + 1
    added = after[-1]
    assert added["type"] == "expect_column_values_to_be_between"
    assert added["kwargs"] == {"column": "AGE", "min_value": 20, "max_value": 70, "mostly": 0.99}
    # govreport reads the saved suite (its checks against the installed GX included)
    suite = load_suite(suite_path)
    assert len(suite.data["expectations"]) == len(after)
