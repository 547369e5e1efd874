"""The public API: ``govreport.__all__`` is the curated list docs/python-api.md documents, every name
resolves, every workspace function takes a ``Workspace`` or a folder first, and the document's first examples
run (the whole document runs in tests/e2e/test_python_api.py)."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import govreport
from govreport.workspace.config import Workspace

from ..conftest import ROOT

DOC = ROOT / "docs" / "python-api.md"
WORKSPACE_FUNCTIONS = ("run_period", "run_portfolio", "build_review", "build_site", "open_store")


def doc_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_all_is_the_documented_api() -> None:
    assert set(govreport.__all__) >= {
        "Workspace",
        "run_period",
        "run_portfolio",
        "build_review",
        "build_site",
        "assess_frames",
        "EvidenceStore",
        "Status",
        "errors",
    }
    assert len(govreport.__all__) == len(set(govreport.__all__))
    for name in govreport.__all__:
        assert getattr(govreport, name) is not None, name
    table = DOC.read_text(encoding="utf-8").split("## A workspace")[0]
    for name in set(govreport.__all__) - {
        "__version__",
        "find_workspace",
        "Period",
        "parse_period",
        "DIMENSIONS",
        "DEFAULT_THRESHOLDS",
        "threshold_for",
        "GovreportError",
    }:
        assert f"`{name}" in table, f"{name} is public but not in docs/python-api.md's table"


def test_every_workspace_function_takes_a_workspace_or_a_folder_first(tmp_path: Path) -> None:
    for name in WORKSPACE_FUNCTIONS:
        first = next(iter(inspect.signature(getattr(govreport, name)).parameters.values()))
        assert first.annotation in (
            "Workspace | str | Path",
            "str | Path | Workspace",
            "Workspace | Path | str",
        ), (name, first.annotation)


def test_import_govreport_stays_light() -> None:
    """The run, review and site machinery loads on first use, not at ``import govreport`` (the CLI starts
    fast)."""
    code = (
        "import sys, govreport\n"
        "heavy = [m for m in ('pandas', 'plotly', 'papermill', 'great_expectations', 'govreport.run.runner')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
        "govreport.run_period\n"
        "print('govreport.run.runner' in sys.modules)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.split("\n")[:2] == ["[]", "True"], r.stdout + r.stderr


def test_the_documents_first_examples_run(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    namespace: dict[str, object] = {}
    for block in doc_blocks()[:2]:  # a workspace; assess one scored dataset
        exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 - the documentation's own examples
    assert isinstance(namespace["ws"], Workspace)
    out = capsys.readouterr().out
    assert "indicators;" in out and "red:" in out


def test_the_public_api_type_checks_as_the_document_uses_it(tmp_path: Path) -> None:
    """mypy on ``govreport/__init__.py`` and on the document's examples as one user script (the library's
    modules are read for their types, their own findings not reported)."""
    try:
        from mypy import api
    except ImportError:  # pragma: no cover - mypy is in the test extra
        from tests.conftest import skip_or_fail

        skip_or_fail("mypy is not installed (pip install -e '.[test]')")
    script = tmp_path / "api_examples.py"
    script.write_text("\n".join(doc_blocks()), encoding="utf-8")
    out, err, code = api.run(
        [
            "--follow-imports=silent",
            "--ignore-missing-imports",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            str(ROOT / "govreport" / "__init__.py"),
            str(script),
        ]
    )
    assert code == 0, out + err
