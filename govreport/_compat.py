"""Old module paths kept importable: a bank's copy of a template (or its own code) written against the flat
layout before 0.2 (``govreport.notebook``, ``govreport.compute``, ``govreport.report_html``,
``govreport.i18n``, ``govreport.figures``, ``govreport.charts``, …) still runs.

Contract: importing an old path returns a thin module that re-exports the names of the module(s) that now hold
them (first match wins, in the order listed) and warns once, with a ``DeprecationWarning`` naming the new
import. Nothing here is imported by govreport itself; the table below is the only place old paths are known.
The finder imports the new modules by name (``importlib``) only when an old path is asked for, so the
layering contracts (import-linter) see no edges from here.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from typing import Any

__all__ = ["MOVED", "install"]

#: old module path → the module(s) that now hold its names, in lookup order.
MOVED: dict[str, tuple[str, ...]] = {
    "govreport.periods": ("govreport.core.periods",),
    "govreport.status": ("govreport.core.status",),
    "govreport.results": ("govreport.core.results",),
    "govreport.resources": ("govreport.core.resources",),
    "govreport.inventory": ("govreport.workspace.inventory",),
    "govreport.findings": ("govreport.workspace.findings",),
    "govreport.scaffold": ("govreport.workspace.scaffold",),
    "govreport.sources": ("govreport.data.sources",),
    "govreport.masking": ("govreport.data.masking",),
    "govreport.conversations": ("govreport.data.conversations",),
    "govreport.compute": ("govreport.assessments.registry",),
    "govreport.assess": ("govreport.assessments.model_risk",),
    "govreport.governance": ("govreport.assessments.governance",),
    "govreport.genai": ("govreport.assessments.genai_checks",),
    "govreport.genai_rules": ("govreport.assessments.genai_rules",),
    "govreport.genai_assess": ("govreport.assessments.genai_review",),
    "govreport.sustainability": (
        "govreport.assessments.sustainability",
        "govreport.present.sustainability",
        "govreport.workspace.sustainability",
    ),
    "govreport.review": ("govreport.assessments.review",),
    "govreport.runner": ("govreport.run.runner",),
    "govreport.notebook": ("govreport.run.context",),
    "govreport.adhoc": ("govreport.run.adhoc",),
    "govreport.energy": ("govreport.run.energy", "govreport.workspace.energy"),
    "govreport.report_html": ("govreport.present.html",),
    "govreport.charts": ("govreport.present.charts",),
    "govreport.figures": ("govreport.present.figures",),
    "govreport.i18n": ("govreport.present.i18n",),
    "govreport.messages": ("govreport.present.messages",),
    "govreport.render": ("govreport.present.render",),
    "govreport.genai_html": ("govreport.present.genai_review",),
    "govreport.review_html": ("govreport.present.review",),
    "govreport.site": ("govreport.publish.site",),
    "govreport.pdf": ("govreport.publish.pdf",),
    "govreport.notify": ("govreport.schedule.notify",),
    "govreport.cli_contracts": ("govreport.cli.contracts",),
    "govreport.cli_schedule": ("govreport.cli.schedule",),
    "govreport.cli_publish": ("govreport.cli.publish",),
    "govreport.demo_genai": ("govreport.demo.genai",),
    "govreport.genai_claims": ("govreport.assessments.genai_claims",),
    "govreport.exports": ("govreport.core.exports",),
    "govreport.signing": ("govreport.core.signing",),
    "govreport.signoff": ("govreport.evidence.signoff",),
    "govreport.review_docx": ("govreport.publish.review_docx",),
}


class _Moved(types.ModuleType):
    """An old path: attributes come from the new module(s)."""

    def __init__(self, name: str, targets: tuple[str, ...]) -> None:
        super().__init__(name, f"Moved: use {', '.join(targets)} (this path is kept for old imports).")
        self.__targets = [importlib.import_module(t) for t in targets]
        self.__path__: list[str] = []  # a package, so old submodule paths (govreport.messages.genai) resolve

    def __getattr__(self, name: str) -> Any:
        for mod in self.__targets:
            try:
                return getattr(mod, name)
            except AttributeError:
                continue
        raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")

    def __dir__(self) -> list[str]:
        return sorted({n for m in self.__targets for n in dir(m)})


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(
        self, fullname: str, path: Any = None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname in MOVED or _submodule_target(fullname):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        targets = MOVED.get(spec.name) or (_submodule_target(spec.name) or "",)
        new = " / ".join(targets)
        warnings.warn(
            f"{spec.name} has moved: import {new} instead (the old path is kept for old templates and "
            "will be removed in a later release)",
            DeprecationWarning,
            stacklevel=2,
        )  # the import machinery's frames are skipped
        return _Moved(spec.name, targets)

    def exec_module(self, module: types.ModuleType) -> None:
        return None


def _submodule_target(fullname: str) -> str | None:
    """``govreport.messages.genai`` → ``govreport.present.messages.genai`` (a submodule of a moved
    package)."""
    parent, _, leaf = fullname.rpartition(".")
    if parent in MOVED and len(MOVED[parent]) == 1:
        return f"{MOVED[parent][0]}.{leaf}"
    return None


_FINDER = _Finder()


def install() -> None:
    """Put the finder on ``sys.meta_path`` once (``import govreport`` does it)."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.append(_FINDER)
