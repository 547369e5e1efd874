"""docs/python-api.md runs as written: build a workspace, assess a frame, run a period and the portfolio
reports, read the review and the evidence, publish the site, and the error example."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from ..unit.test_public_api import DOC, doc_blocks


@pytest.mark.slow
def test_every_example_in_the_python_api_document_runs(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    namespace: dict[str, object] = {}
    blocks = doc_blocks()
    assert len(blocks) >= 6
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 - the documentation's own examples
    out = capsys.readouterr().out
    assert "index.html" in out and "2 " in out  # the site's index; the error example's exit code
