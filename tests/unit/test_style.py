"""The code stays formatted and lint-clean: ``ruff check`` (line length 110 included) and
``ruff format --check`` over govreport/, tests/, bench/ and scripts/, with the settings in pyproject.toml. A
failure prints ruff's own report, naming each file and line; ``ruff format <file>`` fixes the formatting, the
rest is fixed by hand."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from ..conftest import ROOT

PATHS = ["govreport", "tests", "bench", "scripts"]

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None,
    reason="ruff is not installed in this interpreter (it is in the `test` extra: pip install -e .[test])",
)


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, *PATHS],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_ruff_check_is_clean() -> None:
    r = _ruff("check", "--no-cache", "--output-format", "concise")
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]


def test_ruff_format_leaves_every_file_unchanged() -> None:
    r = _ruff("format", "--check", "--no-cache")
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]
