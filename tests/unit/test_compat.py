"""Old module paths keep working: the packaged templates as they were before the package layout (copies in
tests/data/legacy_templates/, from commit 5c61296) import govreport.notebook, govreport.compute,
govreport.report_html, govreport.i18n, govreport.charts, … — every name they import or use must resolve, and
each old path warns once naming its new import. (tests/e2e/test_legacy_templates.py runs them.)"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
import warnings

import pytest

from govreport._compat import MOVED

from ..conftest import ROOT

LEGACY = ROOT / "tests" / "data" / "legacy_templates"


def _code(name: str) -> ast.Module:
    nb = json.loads((LEGACY / name).read_text(encoding="utf-8"))
    src = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    return ast.parse("\n".join(line for line in src.splitlines() if not line.lstrip().startswith(("%", "!"))))


@pytest.mark.parametrize("name", sorted(p.name for p in LEGACY.glob("*.ipynb")))
def test_every_name_an_old_template_uses_resolves(name: str) -> None:
    tree = _code(name)
    modules: dict[str, object] = {}
    used = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("govreport"):
                for a in node.names:
                    try:
                        value = importlib.import_module(f"{node.module}.{a.name}")
                    except ModuleNotFoundError:
                        value = getattr(importlib.import_module(node.module), a.name)
                    modules[a.asname or a.name] = value
                    used += 1
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
            ):
                mod = modules[node.value.id]
                if isinstance(mod, type(sys)):
                    assert hasattr(mod, node.attr), f"{name}: {node.value.id}.{node.attr} no longer resolves"
                    used += 1
    assert used >= 3, f"{name}: the template imports nothing from govreport?"


def test_old_paths_give_the_same_objects_as_the_new_ones() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from govreport.charts import badge as old_badge
        from govreport.notebook import open_context as old_open
        from govreport.sustainability import build_report, html_cover, load_settings
    from govreport.assessments.sustainability import build_report as new_build
    from govreport.present.charts import badge
    from govreport.present.sustainability import html_cover as new_cover
    from govreport.run.context import open_context
    from govreport.workspace.sustainability import load_settings as new_load

    assert old_badge is badge and old_open is open_context
    assert (build_report, html_cover, load_settings) == (new_build, new_cover, new_load)


def test_an_old_path_warns_once_naming_the_new_import() -> None:
    code = (
        "import warnings; warnings.simplefilter('always')\n"
        "from govreport.notebook import open_context\n"
        "from govreport import report_html, charts\n"
        "import govreport.notebook\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if "DeprecationWarning" in ln]
    assert len([ln for ln in lines if "govreport.notebook has moved" in ln]) == 1, r.stderr
    assert "import govreport.run.context instead" in r.stderr
    assert "govreport.report_html has moved: import govreport.present.html instead" in r.stderr
    assert "<string>" in lines[0], "the warning points at the importing line, not at importlib"


def test_every_old_module_path_imports() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for old in MOVED:
            mod = importlib.import_module(old)
            assert dir(mod), old
        assert importlib.import_module("govreport.messages.genai").MESSAGES
