"""Every third-party module that govreport or a packaged template imports is a declared dependency.

A plain ``pip install .`` installs ``[project.dependencies]`` only, so an import that is satisfied in the
developer's environment by the ``test`` extra (scikit-learn once was) breaks every new user. This test reads
the imports of ``govreport/`` (top level and inside functions) and of the code cells of ``templates_nb/``,
maps each module to the distribution that provides it in this environment, and requires that distribution to
be a core dependency — or to belong to a user-facing extra (``spark``, ``postgres``, …; never ``test``) whose
import is kept inside a function and whose module tells the user which extra to install.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from importlib import metadata

from packaging.requirements import Requirement

from tests.conftest import ROOT

DEV_ONLY_EXTRAS = {"test"}  # never installed by a user: an import satisfied only here is a bug


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> tuple[set[str], dict[str, str]]:
    """(core distributions, {distribution: extra} for the user-facing extras)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = {_canon(Requirement(r).name) for r in project["dependencies"]}
    extras: dict[str, str] = {}
    for extra, reqs in project.get("optional-dependencies", {}).items():
        if extra in DEV_ONLY_EXTRAS:
            continue
        for r in reqs:
            extras.setdefault(_canon(Requirement(r).name), extra)
    return core, extras


class _Imports(ast.NodeVisitor):
    """Top-level module names imported at runtime, each with whether it is imported at module level."""

    def __init__(self) -> None:
        self.found: list[tuple[str, int, bool]] = []  # (module, line, at module level)
        self._depth = 0

    def _func(self, node: ast.AST) -> None:
        self._depth += 1
        self.generic_visit(node)
        self._depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _func  # noqa: N815

    def visit_If(self, node: ast.If) -> None:  # `if TYPE_CHECKING:` imports never run
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            for n in node.orelse:
                self.visit(n)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            self.found.append((a.name.split(".")[0], node.lineno, self._depth == 0))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and node.module:
            self.found.append((node.module.split(".")[0], node.lineno, self._depth == 0))


def _sources() -> list[tuple[str, str]]:
    """(where, source) of every module of the package and every code cell of the packaged templates."""
    out = [
        (str(p.relative_to(ROOT)), p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "govreport").rglob("*.py"))
    ]
    for nb_path in sorted((ROOT / "templates_nb").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            src = "".join(cell["source"])
            src = "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in src.splitlines())
            out.append((f"{nb_path.relative_to(ROOT)} cell {i}", src))
    return out


def _third_party_imports() -> list[tuple[str, str, int, bool, str]]:
    """(module, where, line, at module level, source) for every import outside the standard library."""
    rows = []
    for where, src in _sources():
        v = _Imports()
        v.visit(ast.parse(src))
        for mod, line, top in v.found:
            if mod in sys.stdlib_module_names or mod in ("govreport", "__future__"):
                continue
            rows.append((mod, where, line, top, src))
    return rows


def test_the_scan_sees_function_level_and_template_imports():
    """The scan itself: it finds an import inside a function and one in a template's code cell."""
    rows = _third_party_imports()
    assert any(mod == "sklearn" and not top for mod, _where, _line, top, _src in rows)
    assert any(mod == "IPython" and where.startswith("templates_nb/") for mod, where, *_ in rows)


def test_every_imported_third_party_module_is_declared():
    core, extras = _declared()
    provided = metadata.packages_distributions()
    problems = []
    for mod, where, line, top, src in _third_party_imports():
        dists = {_canon(d) for d in provided.get(mod, [])}
        if not dists and _canon(mod) in core | set(extras):  # an extra not installed here (pyspark)
            dists = {_canon(mod)}
        if not dists:
            problems.append(f"{where}:{line}: '{mod}' is not installed here, so its distribution is unknown")
            continue
        if dists & core:
            continue
        extra = next((extras[d] for d in dists if d in extras), None)
        if extra is None:
            problems.append(
                f"{where}:{line}: '{mod}' (from {', '.join(sorted(dists))}) is not a declared "
                "dependency — add it to [project.dependencies] in pyproject.toml"
            )
        elif top:
            problems.append(
                f"{where}:{line}: '{mod}' belongs to the '{extra}' extra but is imported at module "
                "level — import it inside the function that needs it"
            )
        elif f"govreport[{extra}]" not in src:
            problems.append(
                f"{where}:{line}: '{mod}' belongs to the '{extra}' extra, but the module never tells "
                f"the user to `pip install 'govreport[{extra}]'` when it is missing"
            )
    assert not problems, "\n".join(problems)
