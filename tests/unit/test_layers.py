"""The package layout holds: layers only import downward, no import cycles between siblings at any depth, and
private modules stay inside their package — import-linter's contracts in pyproject.toml, with no ignored
imports. A new upward import fails here, naming the import chain."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from ..conftest import ROOT

CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]


def test_the_contracts_ignore_no_import() -> None:
    contracts = CONFIG["contracts"]
    assert {c["type"] for c in contracts} == {"layers", "acyclic_siblings", "private_modules"}
    assert not [c["id"] for c in contracts if c.get("ignore_imports")], "ignored imports hide a broken layer"
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    assert layers[0] == "cli" and layers[-2:] == ["core", "errors"]


def test_import_linter_contracts_are_kept() -> None:
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
            "--config",
            str(ROOT / "pyproject.toml"),
            "--no-cache",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "Contracts: 3 kept, 0 broken." in r.stdout
